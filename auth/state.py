"""Where the account store and the audit log live, and how their SQLite files are opened.

Both are SQLite files in one *state* directory that is deliberately not the warehouse: the
ETL replaces the warehouse file wholesale on every load (``os.replace``), and accounts and
the audit trail must outlive that. The directory is ``$OVERSIGHT_STATE_DIR`` if set, else
``state/`` beside the warehouse (``warehouse/state/`` by default, or next to
``$OVERSIGHT_DB``).

Two files, not one: the audit log only grows, and is copied, archived and rotated on its
own schedule (move the file aside; a new one is created on the next write), while the
account file is small and is what a backup of "who may sign in" needs. They also fail
independently — a full or broken audit file must not stop anyone signing in.

Each call opens its own connection (WAL journal, a busy timeout), so any number of
Streamlit sessions and threads can read and write at once without sharing a connection.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from warehouse.db import db_path

ACCOUNTS_FILE = "accounts.sqlite3"
AUDIT_FILE = "audit.sqlite3"
BUSY_TIMEOUT_MS = 10_000

_schema_lock = threading.Lock()
_schema_done: set[tuple[str, int]] = set()  # (path, inode) whose schema is in place


def state_dir() -> Path:
    """``$OVERSIGHT_STATE_DIR`` if set, else ``state/`` in the warehouse's directory."""
    env = os.environ.get("OVERSIGHT_STATE_DIR")
    if env:
        return Path(env)
    return db_path().resolve().parent / "state"


def accounts_path() -> Path:
    return state_dir() / ACCOUNTS_FILE


def audit_path() -> Path:
    return state_dir() / AUDIT_FILE


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """A new autocommit connection to ``path`` with ``schema`` (idempotent DDL) in place.

    Autocommit (``isolation_level=None``): a single statement commits on its own; a
    read-modify-write says ``BEGIN IMMEDIATE`` itself. The directory is created private
    (0700) because the account file holds password hashes.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        key = (str(path.resolve()), os.stat(path).st_ino)
        if key not in _schema_done:
            with _schema_lock:
                if key not in _schema_done:
                    con.execute("PRAGMA journal_mode = WAL")
                    con.executescript(schema)
                    _schema_done.add(key)
    except BaseException:
        con.close()
        raise
    return con
