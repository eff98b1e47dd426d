"""Command line for the account store and the audit log.

    python -m auth add IDENTITY --role R [--town T ...] [--district D] [--name N]
                       [--password-stdin | --no-password]
    python -m auth disable IDENTITY
    python -m auth enable IDENTITY
    python -m auth reset IDENTITY [--password-stdin]      new password; also unlocks
    python -m auth role IDENTITY --role R [--town T ...]
    python -m auth list
    python -m auth audit [--limit N] [--event E] [--identity I]

Passwords are read with ``getpass`` (typed twice), or as one line from standard input
with ``--password-stdin`` for scripts; never from the command line, where they would land
in the shell history and the process list. Every change is written to the audit log as an
``account`` event by ``cli:<OS user>``, without the password.

Exit codes: 0 done; 1 bad input (message in Chinese · English on stderr, no traceback);
2 the state directory cannot be used.
"""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
import unicodedata
from collections.abc import Sequence

from auth import audit, store
from auth.roles import ROLES, role_label


class BadInput(Exception):
    """Reported on stderr, exit code 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # bad usage is bad input: exit 1, in plain words
        self.print_usage(sys.stderr)
        print(f"用法错误 · Usage error: {message}", file=sys.stderr)
        raise SystemExit(1)


def _actor() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container's arbitrary uid)
        return "cli"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise BadInput("标准输入中没有密码。 · No password on standard input.")
        return password
    first = getpass.getpass("新密码 · New password: ")
    second = getpass.getpass("再输入一次 · Repeat it: ")
    if first != second:
        raise BadInput("两次输入的密码不一致。 · The two passwords differ.")
    return first


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table, aligned for Chinese (double-width) characters too."""
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = []
    for cells in [list(header), ["-" * w for w in widths], *[list(r) for r in rows]]:
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _list() -> str:
    rows = [
        [
            a["identity"],
            f"{a['role']}（{role_label(a['role'])}）",
            "、".join(a["towns"]) or "-",
            "是 yes" if a["disabled"] else "-",
            f"至 until {a['locked_until']}" if a["locked"] else "-",
        ]
        for a in store.list_accounts()
    ]
    if not rows:
        return "还没有账号。 · No accounts yet."
    return format_table(["账号 identity", "角色 role", "镇街 towns", "停用 disabled", "锁定 locked"], rows)


def _audit(limit: int, event: str | None, identity: str | None) -> str:
    frame = audit.recent(limit=limit, event=event, identity=identity)
    if frame.empty:
        return "审计日志为空。 · The audit log is empty."
    rows = [[r.ts, r.event, r.identity, r.page or "-", r.detail] for r in frame.itertuples()]
    return format_table(["时间 ts (UTC)", "事件 event", "账号 identity", "页面 page", "详情 detail"], rows)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m auth", description="账号与审计日志 · Accounts and the audit log")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def role_args(q: argparse.ArgumentParser) -> None:
        q.add_argument("--role", required=True, help="、".join(ROLES))
        q.add_argument("--town", action="append", default=[], help="镇街（角色 town 必填，可重复）")

    a = sub.add_parser("add", help="新建账号 · add an account")
    a.add_argument("identity")
    role_args(a)
    a.add_argument("--district", default=None)
    a.add_argument("--name", default="", help="显示名 · display name")
    how = a.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="从标准输入读一行密码")
    how.add_argument("--no-password", action="store_true", help="仅用统一身份认证（OIDC）登录")

    for name, text in (("disable", "停用账号 · disable"), ("enable", "启用账号 · enable")):
        sub.add_parser(name, help=text).add_argument("identity")

    r = sub.add_parser("reset", help="重设密码并解锁 · new password, unlocks")
    r.add_argument("identity")
    r.add_argument("--password-stdin", action="store_true")

    ro = sub.add_parser("role", help="修改角色 · change the role")
    ro.add_argument("identity")
    role_args(ro)

    sub.add_parser("list", help="列出账号 · list accounts")

    au = sub.add_parser("audit", help="最近的审计记录 · recent audit events")
    au.add_argument("--limit", type=int, default=50)
    au.add_argument("--event", choices=audit.EVENTS, default=None)
    au.add_argument("--identity", default=None)
    return p


def run(args: argparse.Namespace) -> str:
    """Carry out one command; the text to print on success."""
    actor = _actor()
    if args.command == "add":
        password = None if args.no_password else _read_password(args.password_stdin)
        user = store.add_account(
            args.identity, args.role, password, args.town, args.district, args.name, actor=actor
        )
        return f"已新建账号 · Account added: {user.identity}（{role_label(user.role)}）"
    if args.command in ("disable", "enable"):
        store.set_disabled(args.identity, args.command == "disable", actor=actor)
        done = "已停用 · Disabled" if args.command == "disable" else "已启用 · Enabled"
        return f"{done}: {args.identity}"
    if args.command == "reset":
        store.reset_password(args.identity, _read_password(args.password_stdin), actor=actor)
        return f"已重设密码并解锁 · Password reset and account unlocked: {args.identity}"
    if args.command == "role":
        store.set_role(args.identity, args.role, args.town, actor=actor)
        return f"已修改角色 · Role changed: {args.identity} → {args.role}（{role_label(args.role)}）"
    if args.command == "list":
        return _list()
    if args.command == "audit":
        return _audit(args.limit, args.event, args.identity)
    raise BadInput(f"未知命令：{args.command} · Unknown command")  # argparse prevents this


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(run(args))
    except (BadInput, store.AccountError) as exc:
        print(f"错误 · Error: {exc}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\n已取消 · Cancelled", file=sys.stderr)
        return 1
    except (sqlite3.Error, OSError) as exc:
        print(f"无法使用状态目录 {store.state_dir()} · Cannot use the state directory: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
