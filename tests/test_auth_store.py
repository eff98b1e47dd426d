"""The account store and sign-in: right and wrong passwords, lock-out, and that a password
is never kept or shown anywhere in clear. Roles' permission helpers too."""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY

from auth import audit, oidc, store
from auth.roles import DEMO_USER, ROLES, User, can_see_records, may_manage, unmasked
from auth.store import AccountError, SignInError

PASSWORD = "Correct-马-horse-42"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


class CountingHasher(PasswordHasher):
    """Cheap argon2 parameters for tests, counting verifications (timing equality)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verifications = 0

    def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
        self.verifications += 1
        return super().verify(hash, password)


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh state directory, fast hashes, and a recorded (not slept) pause."""
    d = tmp_path / "state"
    monkeypatch.setenv("OVERSIGHT_STATE_DIR", str(d))
    monkeypatch.setattr(store, "HASHER", CountingHasher())
    return d


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(store, "SLEEP", slept.append)
    return slept


def _reason(identity: str, password: str, now: datetime = T0) -> str:
    with pytest.raises(SignInError) as err:
        store.authenticate(identity, password, now=now)
    return err.value.reason


# -- roles ------------------------------------------------------------------------------


def test_permissions_follow_the_role():
    assert [r for r in ROLES if can_see_records(r)] == ["leader", "analyst", "town", "admin"]
    assert [r for r in ROLES if unmasked(r)] == ["leader"]
    assert [r for r in ROLES if may_manage(r)] == ["admin"]
    assert DEMO_USER == User("demo", "leader", demo=True)


def test_a_town_user_without_towns_or_an_unknown_role_cannot_exist():
    with pytest.raises(ValueError):
        User("a", "town")
    with pytest.raises(ValueError):
        User("a", "boss")
    assert User("a", "town", towns=["乙镇"]).towns == ("乙镇",)  # a list becomes a tuple


# -- signing in -------------------------------------------------------------------------


def test_the_right_password_gives_the_user_with_role_and_towns(state, pauses):
    store.add_account("zhang", "town", PASSWORD, towns=["乙镇", "甲街道"], district="测试区", display_name="张三")
    user = store.authenticate("zhang", PASSWORD, now=T0)
    assert user == User("zhang", "town", ("乙镇", "甲街道"), "测试区", "张三")
    assert pauses == []  # no pause after a success


def test_identities_compare_without_case_or_surrounding_spaces(state, pauses):
    store.add_account("Li.Si@example.org", "analyst", PASSWORD)
    assert store.authenticate("  li.si@EXAMPLE.org ", PASSWORD, now=T0).identity == "Li.Si@example.org"


def test_a_wrong_password_is_refused(state, pauses):
    store.add_account("zhang", "leader", PASSWORD)
    assert _reason("zhang", PASSWORD + "x") == "wrong_password"
    assert _reason("zhang", "") == "wrong_password"


def test_an_unknown_account_reads_exactly_like_a_wrong_password(state, pauses):
    store.add_account("zhang", "leader", PASSWORD)
    with pytest.raises(SignInError) as wrong:
        store.authenticate("zhang", "not-the-password", now=T0)
    before = store.HASHER.verifications
    with pytest.raises(SignInError) as unknown:
        store.authenticate("nobody", "not-the-password", now=T0)
    assert unknown.value.reason == "unknown"
    assert str(unknown.value) == str(wrong.value) == "账号或密码错误。 · Wrong account name or password."
    assert store.HASHER.verifications == before + 1  # a hash was still verified: equal timing
    assert pauses == [0.25, 0.25]  # and the same pause


def test_a_disabled_account_is_refused_and_only_says_so_to_its_right_password(state, pauses):
    store.add_account("zhang", "leader", PASSWORD)
    store.set_disabled("zhang", True)
    assert _reason("zhang", PASSWORD) == "disabled"
    assert _reason("zhang", "a wrong guess") == "wrong_password"  # a guesser learns nothing
    store.set_disabled("zhang", False)
    assert store.authenticate("zhang", PASSWORD, now=T0).role == "leader"


def test_five_failures_lock_the_account_for_fifteen_minutes_even_against_the_right_password(state, pauses):
    store.add_account("zhang", "leader", PASSWORD)
    reasons = [_reason("zhang", f"guess-{i}") for i in range(5)]
    assert reasons == ["wrong_password"] * 4 + ["locked"]
    assert _reason("zhang", PASSWORD, T0 + timedelta(minutes=14, seconds=59)) == "locked"
    [row] = store.list_accounts(now=T0)
    assert (row["locked"], row["failed_count"], row["locked_until"]) == (True, 5, "2025-03-01T08:15:00+00:00")

    user = store.authenticate("zhang", PASSWORD, now=T0 + timedelta(minutes=15))
    assert user.identity == "zhang"
    [row] = store.list_accounts(now=T0 + timedelta(minutes=15))
    assert (row["locked"], row["failed_count"], row["locked_until"]) == (False, 0, None)


def test_when_a_lock_runs_out_counting_starts_again_from_zero(state, pauses):
    # Guards against a stale count of 5 re-locking the account on the first new mistake.
    store.add_account("zhang", "leader", PASSWORD)
    for i in range(5):
        _reason("zhang", f"guess-{i}")
    later = T0 + timedelta(minutes=16)
    assert _reason("zhang", "one more typo", later) == "wrong_password"
    assert store.list_accounts(now=later)[0]["failed_count"] == 1


def test_a_success_resets_the_failure_count(state, pauses):
    store.add_account("zhang", "leader", PASSWORD)
    for i in range(4):
        _reason("zhang", f"guess-{i}")
    store.authenticate("zhang", PASSWORD, now=T0)
    assert [_reason("zhang", f"again-{i}") for i in range(4)] == ["wrong_password"] * 4


def test_reset_password_unlocks_and_replaces_the_old_password(state, pauses):
    store.add_account("zhang", "leader", PASSWORD)
    for i in range(5):
        _reason("zhang", f"guess-{i}")
    store.reset_password("zhang", "Brand-new-pass-7")
    assert store.authenticate("zhang", "Brand-new-pass-7", now=T0).identity == "zhang"
    assert _reason("zhang", PASSWORD) == "wrong_password"


def test_failures_are_slowed_by_a_doubling_pause_capped_at_two_seconds(state, pauses):
    store.add_account("zhang", "leader", PASSWORD)
    for i in range(6):
        _reason("zhang", f"guess-{i}")
    assert pauses == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    slept: list[float] = []
    with pytest.raises(SignInError):
        store.authenticate("nobody", "x", now=T0, sleep=slept.append)  # the pause is injectable per call
    assert slept == [0.25]


def test_parallel_guesses_cannot_race_past_the_lock(state, pauses):
    # Ten wrong guesses at once: the count stops at five and the account is locked.
    store.add_account("zhang", "leader", PASSWORD)
    threads = [threading.Thread(target=_reason, args=("zhang", f"guess-{i}")) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [row] = store.list_accounts(now=T0)
    assert (row["failed_count"], row["locked"]) == (5, True)


def test_sign_ins_are_audited_with_their_reason(state, pauses):
    store.add_account("zhang", "leader", PASSWORD, actor="cli:root")
    store.authenticate("zhang", PASSWORD, now=T0)
    _reason("zhang", "wrong-guess")
    _reason("nobody", "wrong-guess")
    store.authenticate("zhang", PASSWORD, now=T0, record=False)  # the caller may opt out
    log = audit.recent()
    assert list(zip(log["event"], log["identity"], log["detail"], strict=True)) == [
        ("sign_in_failed", "nobody", '{"method": "password", "reason": "unknown"}'),
        ("sign_in_failed", "zhang", '{"failures": 1, "method": "password", "reason": "wrong_password"}'),
        ("sign_in", "zhang", '{"method": "password", "role": "leader"}'),
        ("account", "cli:root", '{"account": "zhang", "action": "add", "role": "leader", "sign_in": "password", '
         '"towns": []}'),
    ]


# -- the password is nowhere in clear ---------------------------------------------------


def test_the_stored_hash_is_argon2id(state):
    store.add_account("zhang", "leader", PASSWORD)
    con = sqlite3.connect(state / "accounts.sqlite3")
    [(stored,)] = con.execute("SELECT password_hash FROM accounts").fetchall()
    con.close()
    assert stored.startswith("$argon2id$")


def test_the_default_hasher_uses_argon2s_recommended_parameters():
    # Only tests lower the cost; the module default must be RFC 9106's low-memory profile.
    assert isinstance(store.HASHER, PasswordHasher)
    p = store.HASHER
    assert (p.time_cost, p.memory_cost, p.parallelism, p.type) == (
        RFC_9106_LOW_MEMORY.time_cost,
        RFC_9106_LOW_MEMORY.memory_cost,
        RFC_9106_LOW_MEMORY.parallelism,
        RFC_9106_LOW_MEMORY.type,
    )


def test_a_password_never_appears_in_the_files_the_listing_the_audit_log_or_the_logs(state, pauses, caplog):
    caplog.set_level(logging.DEBUG)
    second = "Second-密码-secret-99"
    wrong = "Wrong-guess-口令-0001"
    store.add_account("zhang", "leader", PASSWORD)
    store.authenticate("zhang", PASSWORD, now=T0)
    _reason("zhang", wrong)
    store.reset_password("zhang", second)
    store.authenticate("zhang", second, now=T0)
    audit.record("account", "zhang", {"password": PASSWORD, "note": "ok"})  # a careless caller

    files = sorted(p for p in state.iterdir() if p.is_file())
    assert {p.name for p in files} >= {"accounts.sqlite3", "audit.sqlite3"}
    listing = repr(store.list_accounts())
    log = audit.recent().to_string()
    for secret in (PASSWORD, second, wrong):
        for p in files:  # including the -wal and -shm files
            assert secret.encode("utf-8") not in p.read_bytes(), p.name
        assert secret not in listing
        assert secret not in log
        assert secret not in caplog.text
    assert "argon2" not in listing  # nor the hash


# -- management -------------------------------------------------------------------------


def test_management_validates_its_input(state):
    bad = [
        lambda: store.add_account("a", "boss", PASSWORD),
        lambda: store.add_account("a", "town", PASSWORD),  # a town user needs a town
        lambda: store.add_account("a", "town", PASSWORD, towns=["  "]),
        lambda: store.add_account("a", "leader", PASSWORD, towns=["乙镇"]),  # only town users have towns
        lambda: store.add_account("a", "leader", "123456789"),  # 9 characters: one short
        lambda: store.add_account("  ", "leader", PASSWORD),
        lambda: store.set_disabled("nobody", True),
        lambda: store.reset_password("nobody", PASSWORD),
        lambda: store.set_role("nobody", "leader"),
    ]
    for call in bad:
        with pytest.raises(AccountError):
            call()
    store.add_account("a", "leader", "1234567890")  # exactly 10 is enough
    with pytest.raises(AccountError, match="账号已存在"):
        store.add_account("A", "analyst", PASSWORD)  # the same account, whatever the case
    assert [a["identity"] for a in store.list_accounts()] == ["a"]


def test_set_role_changes_role_and_towns(state, pauses):
    store.add_account("zhang", "town", PASSWORD, towns=["乙镇"])
    store.set_role("zhang", "town", towns=["甲街道", "丙街道", "甲街道"])
    assert store.authenticate("zhang", PASSWORD, now=T0).towns == ("甲街道", "丙街道")
    store.set_role("zhang", "analyst")
    assert store.authenticate("zhang", PASSWORD, now=T0) == User("zhang", "analyst")


def test_an_oidc_account_is_looked_up_by_email_and_has_no_password_sign_in(state, pauses):
    store.add_account("wang@example.org", "town", towns=["乙镇"], display_name="王五")
    assert store.lookup("Wang@Example.org") == User("wang@example.org", "town", ("乙镇",), None, "王五")
    assert store.lookup("nobody@example.org") is None
    assert _reason("wang@example.org", "") == "wrong_password"
    assert _reason("wang@example.org", "anything-at-all") == "wrong_password"
    store.set_disabled("wang@example.org", True)
    assert store.lookup("wang@example.org") is None
    assert store.lookup("wang@example.org", include_disabled=True).role == "town"


def test_list_accounts_shows_everything_but_the_hash(state):
    store.add_account("b", "town", PASSWORD, towns=["乙镇"], district="测试区")
    store.add_account("a", "admin", PASSWORD)
    store.add_account("c@example.org", "presenter")
    store.set_disabled("a", True)
    rows = store.list_accounts()
    assert [(r["identity"], r["role"], r["towns"], r["disabled"], r["has_password"]) for r in rows] == [
        ("a", "admin", [], True, True),
        ("b", "town", ["乙镇"], False, True),
        ("c@example.org", "presenter", [], False, False),
    ]
    assert all("password_hash" not in r for r in rows)


def test_has_accounts_is_false_until_the_first_account(state):
    assert store.has_accounts() is False
    store.add_account("a", "admin", PASSWORD)
    assert store.has_accounts() is True


def test_the_state_directory_defaults_to_state_beside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("OVERSIGHT_STATE_DIR", raising=False)
    monkeypatch.setenv("OVERSIGHT_DB", str(tmp_path / "wh" / "oversight.duckdb"))
    assert store.state_dir() == (tmp_path / "wh" / "state").resolve()
    monkeypatch.setenv("OVERSIGHT_STATE_DIR", str(tmp_path / "elsewhere"))
    assert store.state_dir() == tmp_path / "elsewhere"


# -- OIDC (no real provider: the secrets and st.user are stand-ins) ----------------------

SHARED = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s"}
PROVIDER = {"client_id": "c", "client_secret": "x", "server_metadata_url": "https://idp.example.org/.well-known"}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (None, None),  # no secrets.toml, or no [auth]
        ({**SHARED, **PROVIDER}, "default"),  # st.login()
        ({**SHARED, "company": PROVIDER}, "company"),  # st.login("company")
        ({**SHARED, "company": {"client_id": "c"}}, None),  # incomplete provider
        (dict(PROVIDER), None),  # no redirect_uri / cookie_secret
    ],
)
def test_the_oidc_provider_is_read_from_the_auth_secrets(monkeypatch, section, expected):
    monkeypatch.setattr(oidc, "_auth_section", lambda: section)
    assert oidc.provider() == expected


def test_the_oidc_identity_is_the_email_of_a_logged_in_user(monkeypatch):
    monkeypatch.setattr(oidc, "configured", lambda: True)
    monkeypatch.setattr(oidc.st, "user", {"is_logged_in": True, "email": " wang@example.org ", "sub": "42"})
    assert oidc.current_identity() == "wang@example.org"
    monkeypatch.setattr(oidc.st, "user", {"is_logged_in": True, "sub": "42"})
    assert oidc.current_identity() == "42"
    monkeypatch.setattr(oidc.st, "user", {"is_logged_in": False})
    assert oidc.current_identity() is None
    monkeypatch.setattr(oidc, "configured", lambda: False)
    monkeypatch.setattr(oidc.st, "user", {"is_logged_in": True, "email": "wang@example.org"})
    assert oidc.current_identity() is None  # st.user is only trusted when OIDC is configured
