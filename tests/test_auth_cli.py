"""``python -m auth``: manage accounts from the command line; bad input is exit code 1
with a Chinese · English message and no traceback; every change is audited."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from auth import __main__ as cli
from auth import audit, store
from auth.store import SignInError
from tests.conftest import ROOT

PASSWORD = "Cli-password-0123"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "state"
    monkeypatch.setenv("OVERSIGHT_STATE_DIR", str(d))
    monkeypatch.setattr(store, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(store, "SLEEP", lambda _s: None)
    return d


def run(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's own exits
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_add_with_password_stdin_then_list(state, monkeypatch, capsys):
    code, out, _ = run(
        monkeypatch, capsys, "add", "zhang", "--role", "town", "--town", "乙镇", "--town", "甲街道",
        "--district", "测试区", "--name", "张三", "--password-stdin", stdin=PASSWORD + "\n",
    )
    assert code == 0 and "zhang" in out
    assert store.authenticate("zhang", PASSWORD).towns == ("乙镇", "甲街道")

    code, out, _ = run(monkeypatch, capsys, "list")
    assert code == 0
    header, rule, row = out.splitlines()
    assert header.split() == ["账号", "identity", "角色", "role", "镇街", "towns", "停用", "disabled", "锁定", "locked"]
    assert row.split() == ["zhang", "town（镇街用户）", "乙镇、甲街道", "-", "-"]


def test_disable_and_enable(state, monkeypatch, capsys):
    store.add_account("zhang", "leader", PASSWORD)
    assert run(monkeypatch, capsys, "disable", "zhang")[0] == 0
    assert "是 yes" in run(monkeypatch, capsys, "list")[1]
    with pytest.raises(SignInError, match="停用"):
        store.authenticate("zhang", PASSWORD)
    assert run(monkeypatch, capsys, "enable", "zhang")[0] == 0
    assert store.authenticate("zhang", PASSWORD).identity == "zhang"


def test_reset_sets_a_new_password_and_unlocks(state, monkeypatch, capsys):
    store.add_account("zhang", "leader", PASSWORD)
    for i in range(5):
        with pytest.raises(SignInError):
            store.authenticate("zhang", f"guess-{i}")
    assert "至 until" in run(monkeypatch, capsys, "list")[1]  # shown as locked
    code, out, _ = run(monkeypatch, capsys, "reset", "zhang", "--password-stdin", stdin="New-password-456\n")
    assert code == 0 and "解锁" in out
    assert store.authenticate("zhang", "New-password-456").identity == "zhang"


def test_interactive_passwords_are_typed_twice_and_must_match(state, monkeypatch, capsys):
    typed = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda _prompt: next(typed))
    code, _, err = run(monkeypatch, capsys, "add", "zhang", "--role", "leader")
    assert code == 1 and "两次输入的密码不一致" in err
    assert not store.has_accounts()
    typed = iter([PASSWORD, PASSWORD])
    assert run(monkeypatch, capsys, "add", "zhang", "--role", "leader")[0] == 0
    assert store.authenticate("zhang", PASSWORD).role == "leader"


def test_role_changes_role_and_towns(state, monkeypatch, capsys):
    store.add_account("zhang", "analyst", PASSWORD)
    assert run(monkeypatch, capsys, "role", "zhang", "--role", "town", "--town", "丙街道")[0] == 0
    assert store.lookup("zhang").towns == ("丙街道",)


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["add", "zhang", "--role", "town", "--password-stdin"], PASSWORD, "至少需要一个镇街"),
        (["add", "zhang", "--role", "leader", "--password-stdin"], "short\n", "至少需要 10 个字符"),
        (["add", "zhang", "--role", "leader", "--password-stdin"], "", "标准输入中没有密码"),
        (["disable", "nobody"], "", "没有这个账号"),
        (["role", "zhang"], "", "用法错误"),  # --role missing
        (["audit", "--limit", "many"], "", "用法错误"),
    ],
)
def test_bad_input_exits_1_with_a_chinese_message(state, monkeypatch, capsys, argv, stdin, message):
    code, out, err = run(monkeypatch, capsys, *argv, stdin=stdin)
    assert code == 1 and message in err and "Traceback" not in err


def test_a_bad_role_exits_1_without_a_traceback_in_a_real_process(tmp_path):
    env = {**os.environ, "OVERSIGHT_STATE_DIR": str(tmp_path / "state")}
    proc = subprocess.run(
        [sys.executable, "-m", "auth", "add", "zhang", "--role", "boss", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )
    assert proc.returncode == 1
    assert "未知角色：boss" in proc.stderr and "Unknown role" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_every_change_is_audited_without_the_password(state, monkeypatch, capsys):
    monkeypatch.setattr(cli.getpass, "getuser", lambda: "ops")
    run(monkeypatch, capsys, "add", "zhang", "--role", "leader", "--password-stdin", stdin=PASSWORD + "\n")
    run(monkeypatch, capsys, "disable", "zhang")
    run(monkeypatch, capsys, "enable", "zhang")
    run(monkeypatch, capsys, "reset", "zhang", "--password-stdin", stdin="New-password-456\n")
    run(monkeypatch, capsys, "role", "zhang", "--role", "analyst")
    log = audit.recent(event="account")
    assert set(log["identity"]) == {"cli:ops"}
    assert [json.loads(d)["action"] for d in log["detail"]][::-1] == [
        "add", "disable", "enable", "reset_password", "set_role"
    ]
    code, out, _ = run(monkeypatch, capsys, "audit", "--limit", "2")
    assert code == 0 and len(out.splitlines()) == 4  # header, rule, two events
    assert "set_role" in out and "reset_password" in out and "disable" not in out
    text = log.to_string() + out + (state / "audit.sqlite3").read_bytes().decode("utf-8", "replace")
    assert PASSWORD not in text and "New-password-456" not in text


def test_list_and_audit_say_so_when_empty(state, monkeypatch, capsys):
    assert "还没有账号" in run(monkeypatch, capsys, "list")[1]
    assert "审计日志为空" in run(monkeypatch, capsys, "audit")[1]
