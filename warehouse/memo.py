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
"""

from __future__ import annotations

from typing import Any

import duckdb


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
        if k not in cache:
            con = self._memo._con
            rel = con.execute(self._sql, self._parameters) if self._parameters is not None \
                else con.execute(self._sql)
            cache[(self._key, "description")] = rel.description
            if how == "fetchone":  # fetch to the end: the connection is then free for other work
                rows = rel.fetchall()
                cache[(self._key, "fetchall")] = rows
                cache[k] = rows[0] if rows else None
            else:
                cache[k] = getattr(rel, how)()
            self._memo.executed += 1
        else:
            self._memo.recalled += 1
        return cache[k]

    @property
    def description(self) -> list[tuple]:
        """The columns (as DB-API ``cursor.description``) of the answer."""
        k = (self._key, "description")
        if k not in self._memo._results:
            self._get("fetchall")
        return self._memo._results[k]

    def df(self):
        return self._get("df").copy()

    def fetchall(self) -> list[tuple]:
        return list(self._get("fetchall"))

    def fetchone(self) -> tuple | None:
        return self._get("fetchone")


class MemoCursor:
    """Wraps a connection: ``execute(sql, params)`` of a statement already run returns the
    stored answer. Anything else (``register``, ``sql``, ``cursor`` …) goes to the
    connection unchanged — and is not remembered."""

    def __init__(self, con: duckdb.DuckDBPyConnection | MemoCursor) -> None:
        self._con = con._con if isinstance(con, MemoCursor) else con
        self._results: dict[Any, Any] = {}
        self.executed = 0
        self.recalled = 0

    def execute(self, sql: str, parameters: Any = None) -> _Answer:
        try:
            key = (sql, _freeze(parameters))
            hash(key)
        except TypeError:  # parameters of a kind not worth remembering: run as usual
            return self._con.execute(sql, parameters) if parameters is not None else self._con.execute(sql)
        return _Answer(self, sql, parameters, key)

    def register(self, name: str, obj: Any) -> Any:
        self._results.clear()  # a statement may read the registered name: forget
        return self._con.register(name, obj)

    def unregister(self, name: str) -> Any:
        self._results.clear()
        return self._con.unregister(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def memo(con: duckdb.DuckDBPyConnection | MemoCursor) -> MemoCursor:
    """``con`` itself when it already remembers, else a new :class:`MemoCursor` over it."""
    return con if isinstance(con, MemoCursor) else MemoCursor(con)
