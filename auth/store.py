"""The built-in account store: who may sign in, with which role and towns.

Accounts live in ``accounts.sqlite3`` in :func:`state_dir` (outside the warehouse, see
``auth/state.py``). Passwords are stored only as argon2id hashes (``argon2-cffi`` with its
recommended parameters, RFC 9106's low-memory profile); a password is never written to the
database, the audit log or a log message, and never appears in an exception.

Signing in (:func:`authenticate`) is built to give a guesser little:

- an unknown account and a wrong password give the same message, and both spend one
  argon2 verification, so neither the text nor the timing tells which it was;
- a disabled account is only reported as disabled to someone who gave its right password;
- after ``MAX_FAILURES`` consecutive failures the account is locked for ``LOCK_DURATION``
  (even the right password is refused meanwhile); a success resets the count, so does
  :func:`reset_password`; once a lock has run out, counting starts again from zero;
- every failure is followed by a pause that doubles with the failure count, capped at
  ``MAX_DELAY_S`` (``SLEEP`` is the injectable sleep, so tests do not wait).

Identities (account names or OIDC e-mails) are compared case-insensitively.
Every management call writes an ``account`` event to the audit log, naming the actor.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from auth import audit
from auth.roles import ROLE_LABELS, ROLES, User
from auth.state import accounts_path, connect, state_dir

__all__ = [
    "AccountError",
    "SignInError",
    "add_account",
    "authenticate",
    "has_accounts",
    "list_accounts",
    "lookup",
    "reset_password",
    "set_disabled",
    "set_role",
    "state_dir",
]

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 would take more, but nobody types a longer one
MAX_IDENTITY_LENGTH = 254  # the longest e-mail address
MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
BASE_DELAY_S = 0.25  # pause after the 1st failure; doubles with each further one
MAX_DELAY_S = 2.0

# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile). Tests may swap in
# cheaper parameters (monkeypatch ``store.HASHER``); the code never does.
HASHER: PasswordHasher = PasswordHasher()
SLEEP: Callable[[float], None] = time.sleep

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    identity      TEXT PRIMARY KEY COLLATE NOCASE,
    role          TEXT NOT NULL,
    towns         TEXT NOT NULL DEFAULT '[]',   -- JSON list of 镇街 names
    district      TEXT,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT,                         -- NULL: an OIDC-only account
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_count  INTEGER NOT NULL DEFAULT 0,   -- consecutive failed sign-ins
    locked_until  TEXT,                         -- UTC ISO; NULL when not locked
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
"""

_WRONG = "账号或密码错误。 · Wrong account name or password."
SIGN_IN_MESSAGES: dict[str, str] = {
    "unknown": _WRONG,  # deliberately the same as a wrong password
    "wrong_password": _WRONG,
    "disabled": "该账号已停用，请联系管理员。 · This account is disabled; please contact the administrator.",
    "locked": (
        f"连续登录失败 {MAX_FAILURES} 次，账号已锁定 {LOCK_DURATION.seconds // 60} 分钟，请稍后再试。"
        f" · Too many failed sign-ins: the account is locked for {LOCK_DURATION.seconds // 60} minutes."
    ),
}


class SignInError(Exception):
    """A refused sign-in. ``reason`` is for the audit log; ``str(err)`` is for the user."""

    def __init__(self, reason: str, locked_until: datetime | None = None) -> None:
        self.reason = reason
        self.locked_until = locked_until
        super().__init__(SIGN_IN_MESSAGES[reason])

    @property
    def message(self) -> str:
        return SIGN_IN_MESSAGES[self.reason]


class AccountError(ValueError):
    """Bad input to a management call; the message is Chinese · English."""


# -- helpers ---------------------------------------------------------------------------


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="seconds")


def _parse(s: str | None) -> datetime | None:
    return datetime.fromisoformat(s) if s else None


def _connect() -> sqlite3.Connection:
    return connect(accounts_path(), SCHEMA)


def delay_after(failures: int) -> float:
    """Seconds to pause after the ``failures``-th consecutive failure: 0.25, 0.5, 1, 2, 2, …"""
    if failures <= 0:
        return 0.0
    return min(BASE_DELAY_S * 2 ** min(failures - 1, 16), MAX_DELAY_S)


_dummy_hashes: dict[tuple[int, int, int, int, int], str] = {}


def _dummy_hash() -> str:
    """A hash of a random secret with the current parameters, to spend equal time on misses."""
    p = HASHER
    key = (p.time_cost, p.memory_cost, p.parallelism, p.hash_len, p.salt_len)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = p.hash(secrets.token_urlsafe(24))
    return _dummy_hashes[key]


def _verify(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; a missing or malformed hash costs the same and is False."""
    try:
        return HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _clean_identity(identity: str) -> str:
    ident = (identity or "").strip()
    if not ident:
        raise AccountError("账号不能为空。 · The account name must not be empty.")
    if len(ident) > MAX_IDENTITY_LENGTH or any(ord(c) < 32 for c in ident):
        raise AccountError("账号名无效。 · The account name is not valid.")
    return ident


def _check_role(role: str, towns: Iterable[str]) -> tuple[str, ...]:
    if role not in ROLES:
        names = "、".join(f"{r}（{ROLE_LABELS[r][0]}）" for r in ROLES)
        raise AccountError(f"未知角色：{role}。可选：{names} · Unknown role {role!r}; expected one of {', '.join(ROLES)}.")
    clean = tuple(dict.fromkeys(t.strip() for t in towns if t and t.strip()))
    if role == "town" and not clean:
        raise AccountError("镇街用户至少需要一个镇街（--town）。 · A town user needs at least one town (--town).")
    if role != "town" and clean:
        raise AccountError("只有镇街用户可以指定镇街。 · Only town users have towns.")
    return clean


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。 · The password needs at least {MIN_PASSWORD_LENGTH} characters."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符。 · The password must not exceed {MAX_PASSWORD_LENGTH} characters."
        )


def _user(row: sqlite3.Row) -> User:
    return User(
        identity=row["identity"],
        role=row["role"],
        towns=tuple(json.loads(row["towns"] or "[]")),
        district=row["district"],
        display_name=row["display_name"] or "",
    )


def _fetch(con: sqlite3.Connection, ident: str) -> sqlite3.Row | None:
    return con.execute("SELECT * FROM accounts WHERE identity = ?", (ident,)).fetchone()


def _audit_account(actor: str, action: str, ident: str, **detail: Any) -> None:
    audit.record("account", actor, {"action": action, "account": ident, **detail})


# -- signing in ------------------------------------------------------------------------


def authenticate(
    identity: str,
    password: str,
    now: datetime | None = None,
    *,
    sleep: Callable[[float], None] | None = None,
    record: bool = True,
) -> User:
    """The :class:`User` for a right password; else :class:`SignInError` (see module doc).

    With ``record`` (the default) the attempt is written to the audit log as ``sign_in``
    or ``sign_in_failed`` (with the reason code), so callers need not record it again.
    """
    pause = sleep or SLEEP
    t = _utc(now)
    ident = (identity or "").strip()[:MAX_IDENTITY_LENGTH]
    password = password or ""

    def refuse(reason: str, failures: int, locked_until: datetime | None = None, counted: bool = False) -> SignInError:
        if record:
            detail: dict[str, Any] = {"method": "password", "reason": reason}
            if counted:  # a wrong password on a real account: how many in a row
                detail["failures"] = failures
            audit.record("sign_in_failed", ident, detail)
        pause(delay_after(failures))
        return SignInError(reason, locked_until)

    con = _connect()
    try:
        row = _fetch(con, ident) if ident else None
        if row is None:
            _verify(None, password)
            raise refuse("unknown", 1)
        locked_until = _parse(row["locked_until"])
        if locked_until is not None and t < locked_until:
            _verify(None, password)
            raise refuse("locked", MAX_FAILURES, locked_until)

        if not _verify(row["password_hash"], password):
            failures, until = _count_failure(con, row["identity"], t)
            raise refuse("locked" if until else "wrong_password", failures, until, counted=True)
        if row["disabled"]:
            raise refuse("disabled", 0)

        new_hash = HASHER.hash(password) if HASHER.check_needs_rehash(row["password_hash"]) else None
        con.execute(
            "UPDATE accounts SET failed_count = 0, locked_until = NULL,"
            " password_hash = coalesce(?, password_hash) WHERE identity = ?",
            (new_hash, row["identity"]),
        )
        user = _user(row)
    finally:
        con.close()
    if record:
        audit.record("sign_in", user.identity, {"method": "password", "role": user.role})
    return user


def _count_failure(con: sqlite3.Connection, ident: str, t: datetime) -> tuple[int, datetime | None]:
    """Add one failure (restarting the count if a lock has run out); lock at MAX_FAILURES.

    Read-modify-write under ``BEGIN IMMEDIATE``, so parallel guesses cannot race past the
    lock. Returns the count and, if the account is now locked, until when.
    """
    con.execute("BEGIN IMMEDIATE")
    try:
        row = con.execute("SELECT failed_count, locked_until FROM accounts WHERE identity = ?", (ident,)).fetchone()
        until = _parse(row["locked_until"])
        if until is not None and t < until:  # another attempt locked it meanwhile
            con.execute("COMMIT")
            return row["failed_count"], until
        failures = (0 if until is not None else row["failed_count"]) + 1
        until = t + LOCK_DURATION if failures >= MAX_FAILURES else None
        con.execute(
            "UPDATE accounts SET failed_count = ?, locked_until = ? WHERE identity = ?",
            (failures, _iso(until) if until else None, ident),
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return failures, until


def lookup(identity: str, *, include_disabled: bool = False) -> User | None:
    """The account's :class:`User` (for an OIDC identity, e.g. an e-mail); None if there is
    no such account, or it is disabled (unless ``include_disabled``)."""
    ident = (identity or "").strip()
    if not ident:
        return None
    con = _connect()
    try:
        row = _fetch(con, ident)
    finally:
        con.close()
    if row is None or (row["disabled"] and not include_disabled):
        return None
    return _user(row)


# -- management ------------------------------------------------------------------------


def add_account(
    identity: str,
    role: str,
    password: str | None = None,
    towns: Iterable[str] = (),
    district: str | None = None,
    display_name: str = "",
    *,
    actor: str = "system",
) -> User:
    """Create an account; ``password=None`` makes an OIDC-only account (no password sign-in)."""
    ident = _clean_identity(identity)
    clean_towns = _check_role(role, towns)
    if password is not None:
        _check_password(password)
    pw_hash = HASHER.hash(password) if password is not None else None
    stamp = _iso(_utc(None))
    con = _connect()
    try:
        con.execute(
            "INSERT INTO accounts (identity, role, towns, district, display_name, password_hash,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ident,
                role,
                json.dumps(list(clean_towns), ensure_ascii=False),
                (district or "").strip() or None,
                (display_name or "").strip(),
                pw_hash,
                stamp,
                stamp,
            ),
        )
    except sqlite3.IntegrityError:
        raise AccountError(f"账号已存在：{ident} · Account already exists: {ident}") from None
    finally:
        con.close()
    method = "password" if password is not None else "oidc"
    _audit_account(actor, "add", ident, role=role, towns=list(clean_towns), sign_in=method)
    return User(ident, role, clean_towns, (district or "").strip() or None, (display_name or "").strip())


def _update(ident: str, sql_set: str, params: tuple[Any, ...]) -> None:
    """``UPDATE accounts SET <sql_set>, updated_at = now`` for one account, or AccountError."""
    con = _connect()
    try:
        # sql_set is one of the fixed strings in this module, never user input.
        cur = con.execute(
            "UPDATE accounts SET " + sql_set + ", updated_at = ? WHERE identity = ?",
            (*params, _iso(_utc(None)), ident),
        )
    finally:
        con.close()
    if cur.rowcount == 0:
        raise AccountError(f"没有这个账号：{ident} · No such account: {ident}")


def set_disabled(identity: str, disabled: bool, *, actor: str = "system") -> None:
    ident = _clean_identity(identity)
    _update(ident, "disabled = ?", (int(bool(disabled)),))
    _audit_account(actor, "disable" if disabled else "enable", ident)


def reset_password(identity: str, new_password: str, *, actor: str = "system") -> None:
    """Set a new password; also clears the failure count and any lock."""
    ident = _clean_identity(identity)
    _check_password(new_password)
    pw_hash = HASHER.hash(new_password)
    _update(ident, "password_hash = ?, failed_count = 0, locked_until = NULL", (pw_hash,))
    _audit_account(actor, "reset_password", ident)


def set_role(identity: str, role: str, towns: Iterable[str] = (), *, actor: str = "system") -> None:
    """Change the role (and towns: required for "town", none for any other role)."""
    ident = _clean_identity(identity)
    clean_towns = _check_role(role, towns)
    _update(ident, "role = ?, towns = ?", (role, json.dumps(list(clean_towns), ensure_ascii=False)))
    _audit_account(actor, "set_role", ident, role=role, towns=list(clean_towns))


def list_accounts(now: datetime | None = None) -> list[dict[str, Any]]:
    """Every account, by identity, without its hash: what an admin page or ``list`` shows."""
    t = _utc(now)
    con = _connect()
    try:
        rows = con.execute(
            "SELECT identity, role, towns, district, display_name, password_hash IS NOT NULL AS has_password,"
            " disabled, failed_count, locked_until, created_at, updated_at"
            " FROM accounts ORDER BY identity COLLATE NOCASE"
        ).fetchall()
    finally:
        con.close()
    out = []
    for r in rows:
        until = _parse(r["locked_until"])
        out.append(
            {
                "identity": r["identity"],
                "role": r["role"],
                "towns": json.loads(r["towns"] or "[]"),
                "district": r["district"],
                "display_name": r["display_name"],
                "has_password": bool(r["has_password"]),
                "disabled": bool(r["disabled"]),
                "failed_count": r["failed_count"],
                "locked": until is not None and t < until,
                "locked_until": r["locked_until"],
                "created_at": r["created_at"],
                "updated_at": r["updated_at"],
            }
        )
    return out


def has_accounts() -> bool:
    """True once any account exists (so the app knows whether sign-in is possible at all)."""
    con = _connect()
    try:
        return con.execute("SELECT EXISTS (SELECT 1 FROM accounts)").fetchone()[0] == 1
    finally:
        con.close()
