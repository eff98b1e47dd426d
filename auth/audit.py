"""The audit log: who signed in, looked at what, exported or loaded what — append-only.

One row per event in ``audit.sqlite3`` in the state directory (``auth/state.py``), beside
but never inside the warehouse, so the ETL's swap of the warehouse file leaves it alone.

Append-only is enforced by the database, not by convention: triggers abort every UPDATE
and DELETE on ``audit_log``. (Whoever can write the file can still delete it; rotation is
"move the file aside", and a fresh log starts on the next write.)

Writing never breaks the page that writes: a failed write (full disk, unwritable
directory, a lock that outlasts the busy timeout) is logged on the ``oversight`` logger
and :func:`record` returns False. Each call opens its own connection, so sessions and
threads write concurrently; SQLite serialises the inserts.

Detail and filters are stored as JSON; any key that looks like a secret ("password",
"secret", "token", "hash") has its value replaced by ``"***"`` before it is written.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from auth.state import audit_path, connect

logger = logging.getLogger("oversight")

EVENTS: tuple[str, ...] = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "page_view",
    "export",
    "pack",
    "load",
    "account",
)
COLUMNS = ["id", "ts", "event", "identity", "page", "filters", "detail"]
SENSITIVE_KEYS = ("password", "secret", "token", "hash")
MAX_TEXT = 500  # identity and page are cut to this length

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    ts       TEXT NOT NULL,      -- UTC, ISO 8601
    event    TEXT NOT NULL,
    identity TEXT NOT NULL,
    page     TEXT,
    filters  TEXT,               -- JSON object or NULL
    detail   TEXT NOT NULL       -- JSON object
);
CREATE INDEX IF NOT EXISTS audit_log_event ON audit_log (event, id);
CREATE INDEX IF NOT EXISTS audit_log_identity ON audit_log (identity, id);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"""


def _redact(value: Any) -> Any:
    """A copy of ``value`` with the values of secret-looking keys replaced by ``"***"``."""
    if isinstance(value, Mapping):
        return {
            str(k): "***" if any(s in str(k).lower() for s in SENSITIVE_KEYS) else _redact(v) for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_redact(v) for v in value]
    return value


def _json(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(_redact(value), ensure_ascii=False, sort_keys=True, default=str)


def record(
    event: str,
    identity: str,
    detail: Mapping[str, Any] | None = None,
    *,
    page: str | None = None,
    filters: Mapping[str, Any] | None = None,
) -> bool:
    """Append one event; True if it was written. Never raises on a storage failure.

    An ``event`` outside :data:`EVENTS` is a programming error and does raise ValueError.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; expected one of {EVENTS}")
    row = (
        datetime.now(UTC).isoformat(timespec="milliseconds"),
        event,
        str(identity or "")[:MAX_TEXT],
        page[:MAX_TEXT] if page else None,
        _json(filters),
        _json(detail or {}),
    )
    try:
        con = connect(audit_path(), SCHEMA)
        try:
            con.execute(
                "INSERT INTO audit_log (ts, event, identity, page, filters, detail) VALUES (?, ?, ?, ?, ?, ?)", row
            )
        finally:
            con.close()
    except (sqlite3.Error, OSError) as exc:
        logger.error("audit log write failed (event %s by %s): %s", event, row[2], exc)
        return False
    return True


def recent(limit: int = 500, event: str | None = None, identity: str | None = None) -> pd.DataFrame:
    """The latest ``limit`` events, newest first, optionally of one event / one identity.

    Columns: id, ts, event, identity, page, filters, detail (JSON text). An unreadable log
    gives an empty frame (and a logged error), so the admin page still renders.
    """
    try:
        con = connect(audit_path(), SCHEMA)
        try:
            rows = con.execute(
                "SELECT id, ts, event, identity, page, filters, detail FROM audit_log"
                " WHERE (:event IS NULL OR event = :event) AND (:identity IS NULL OR identity = :identity)"
                " ORDER BY id DESC LIMIT :limit",
                {"event": event, "identity": identity, "limit": max(0, int(limit))},
            ).fetchall()
        finally:
            con.close()
    except (sqlite3.Error, OSError) as exc:
        logger.error("audit log read failed: %s", exc)
        rows = []
    return pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)
