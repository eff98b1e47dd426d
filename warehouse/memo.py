"""A cursor that answers a question it has already been asked from memory.

A report built from many query functions (the evaluation deck: the summary, the headline
KPIs, each slide's figures) asks several of them the same question — the same SQL with the
same parameters. :class:`MemoCursor` wraps a connection for the length of one such build
and runs each distinct statement once: the deck of one district-year went from 59
statements to 28.

Only for reading a snapshot that does not change while the wrapper lives (the pages and
reports read one snapshot per request). Results come back as the caller asked for them
(``df()``, ``fetchall()``, ``fetchone()``, and ``description``), a DataFrame as a copy, so a caller that
changes its frame does not change another's.

The pages share one :class:`StatementStore` per warehouse version (``ui/data.py``): the
overview's headline, trend and attention list ask several of the same questions, and so do
the pages among themselves (the district's towns, the cut-off, the years). A statement's
answer depends only on its text, its parameters and the snapshot — except after a cursor
registers a frame of its own, which is why such a cursor stops sharing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import duckdb
import pandas as pd

_MISSING = object()


def _freeze(value: Any) -> Any:
    """A hashable form of bound parameters (dicts, lists and tuples of plain values)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_freeze(v) for v in value))
    return (type(value).__name__, value)


class _Answer:
    """The pending answer to one statement; fetched (or recalled) in the form asked."""

    def __init__(self, memo: MemoCursor, sql: str, parameters: Any, key: Any) -> None:
        self._memo = memo
        self._sql = sql
        self._parameters = parameters
        self._key = key

    def _get(self, how: str) -> Any:
        cache = self._memo._results
        k = (self._key, how)
        hit = cache.get(k, _MISSING)
        if hit is not _MISSING:
            self._memo.recalled += 1
            return hit
        con = self._memo._con
        rel = con.execute(self._sql, self._parameters) if self._parameters is not None \
            else con.execute(self._sql)
        description = rel.description
        if how == "fetchone":  # fetch to the end: the connection is then free for other work
            rows = rel.fetchall()
            cache[(self._key, "fetchall")] = rows
            value = rows[0] if rows else None
        else:
            value = getattr(rel, how)()
        cache[(self._key, "description")] = description
        cache[k] = value
        self._memo.executed += 1
        return value

    @property
    def description(self) -> list[tuple]:
        """The columns (as DB-API ``cursor.description``) of the answer."""
        k = (self._key, "description")
        found = self._memo._results.get(k, _MISSING)
        if found is _MISSING:
            self._get("fetchall")
            found = self._memo._results.get(k, _MISSING)
        if found is _MISSING:  # (not kept: a shared store may drop any answer)
            con = self._memo._con
            rel = con.execute(self._sql, self._parameters) if self._parameters is not None \
                else con.execute(self._sql)
            found = rel.description
        return found

    def df(self):
        return self._get("df").copy(deep=False)  # (copy-on-write: a change to it stays its own)

    def fetchall(self) -> list[tuple]:
        return list(self._get("fetchall"))

    def fetchone(self) -> tuple | None:
        return self._get("fetchone")


def _size(value: Any) -> int:
    """Rough bytes of an answer (a frame's buffers; ~100 bytes a fetched row)."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum()) + 1000
    if isinstance(value, list):
        return 100 * len(value) + 100
    return 100


class StatementStore:
    """Answers shared by many cursors (and threads) reading one snapshot: at most
    ``max_entries`` of them and about ``max_bytes``, the least recently used dropped first;
    an answer of more than ``max_rows`` rows is not kept (a list of records is the page's
    own, and large)."""

    def __init__(self, max_entries: int = 2048, max_rows: int = 5000, max_bytes: int = 128 * 2 ** 20) -> None:
        self._answers: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0
        self.max_entries = max_entries
        self.max_rows = max_rows
        self.max_bytes = max_bytes

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            found = self._answers.get(key)
            if found is None:
                return default
            self._answers.move_to_end(key)
            return found[0]

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(value, (list, pd.DataFrame)) and len(value) > self.max_rows:
            return
        size = _size(value)
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._answers[key] = (value, size)
            self._bytes += size
            while self._answers and (len(self._answers) > self.max_entries or self._bytes > self.max_bytes):
                _k, (_v, n) = self._answers.popitem(last=False)
                self._bytes -= n

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def bytes(self) -> int:
        """About how many bytes the kept answers hold."""
        return self._bytes


class MemoCursor:
    """Wraps a connection: ``execute(sql, params)`` of a statement already run returns the
    stored answer — from this wrapper's own memory, or from ``store`` when given (shared with
    other cursors of the same snapshot). Anything else (``register``, ``sql``, ``cursor`` …)
    goes to the connection unchanged — and is not remembered."""

    def __init__(self, con: duckdb.DuckDBPyConnection | MemoCursor, store: StatementStore | None = None) -> None:
        self._con = con._con if isinstance(con, MemoCursor) else con
        self._results: dict[Any, Any] | StatementStore = store if store is not None else {}
        self._derived: dict[Any, Any] = {}  # see remembered()
        self.executed = 0
        self.recalled = 0

    def execute(self, sql: str, parameters: Any = None) -> _Answer:
        try:
            key = (sql, _freeze(parameters))
            hash(key)
        except TypeError:  # parameters of a kind not worth remembering: run as usual
            return self._con.execute(sql, parameters) if parameters is not None else self._con.execute(sql)
        return _Answer(self, sql, parameters, key)

    def _forget(self) -> None:
        # A statement may read the registered name, which only this cursor knows: from now
        # on this cursor remembers for itself alone, starting afresh.
        self._results = {}
        self._derived = {}

    def register(self, name: str, obj: Any) -> Any:
        self._forget()
        return self._con.register(name, obj)

    def unregister(self, name: str) -> Any:
        self._forget()
        return self._con.unregister(name)

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The connection this wrapper answers from (for a statement not to remember)."""
        return self._con

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def remembered(con: Any, key: Any, compute: Any) -> Any:
    """``compute()`` once per :class:`MemoCursor` (one report build, one query function) for
    ``key``; without a memo, every time. For the frames a build derives from its answers
    several times over (the rollout's evaluation: four times in the deck, its pandas each
    time). Each caller gets its own frames (shallow copies: pandas' copy-on-write keeps a
    caller's changes from the remembered ones)."""
    if not isinstance(con, MemoCursor):
        return compute()
    if key not in con._derived:
        con._derived[key] = compute()
    value = con._derived[key]
    if isinstance(value, tuple):
        return tuple(v.copy(deep=False) if isinstance(v, (pd.DataFrame, pd.Series)) else v for v in value)
    return value.copy(deep=False) if isinstance(value, (pd.DataFrame, pd.Series)) else value


def memo(con: duckdb.DuckDBPyConnection | MemoCursor) -> MemoCursor:
    """``con`` itself when it already remembers, else a new :class:`MemoCursor` over it."""
    return con if isinstance(con, MemoCursor) else MemoCursor(con)
