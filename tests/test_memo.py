"""warehouse/memo.py: a repeated question is answered once, and answered the same."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from reports import pack, summary
from warehouse.filters import Filters
from warehouse.memo import MemoCursor, StatementStore, memo, remembered


@pytest.fixture()
def con():
    c = duckdb.connect(":memory:")
    c.execute("CREATE TABLE t (k VARCHAR, v INTEGER)")
    c.execute("INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 5)")
    return c


class Counting:
    """A connection that counts the statements it runs."""

    def __init__(self, con):
        self.con = con
        self.n = 0

    def execute(self, sql, parameters=None):
        self.n += 1
        return self.con.execute(sql, parameters) if parameters is not None else self.con.execute(sql)

    def __getattr__(self, name):
        return getattr(self.con, name)


SQL = "SELECT k, sum(v) AS s FROM t WHERE v >= $min GROUP BY k ORDER BY k"


def test_same_statement_and_parameters_run_once(con):
    counting = Counting(con)
    m = MemoCursor(counting)
    first = m.execute(SQL, {"min": 1}).df()
    again = m.execute(SQL, {"min": 1}).df()
    other = m.execute(SQL, {"min": 2}).df()
    assert counting.n == 2
    assert (m.executed, m.recalled) == (2, 1)
    pd.testing.assert_frame_equal(first, again)
    assert first["s"].tolist() == [3, 5] and other["s"].tolist() == [2, 5]


def test_answers_equal_the_connection_in_every_form(con):
    m = MemoCursor(con)
    for _ in range(2):
        assert m.execute(SQL, {"min": 1}).fetchall() == con.execute(SQL, {"min": 1}).fetchall()
        assert m.execute(SQL, {"min": 1}).fetchone() == con.execute(SQL, {"min": 1}).fetchone()
        pd.testing.assert_frame_equal(m.execute(SQL, {"min": 1}).df(), con.execute(SQL, {"min": 1}).df())
        assert [d[0] for d in m.execute(SQL, {"min": 1}).description] == ["k", "s"]
    assert m.execute("SELECT 1").fetchone() == (1,)


def test_a_caller_changing_its_frame_does_not_change_the_next_answer(con):
    m = MemoCursor(con)
    df = m.execute(SQL, {"min": 1}).df()
    df.loc[0, "s"] = 999
    assert m.execute(SQL, {"min": 1}).df()["s"].tolist() == [3, 5]


def test_list_parameters_are_told_apart(con):
    m = MemoCursor(con)
    q = "SELECT count(*) FROM t WHERE list_contains(CAST($ks AS VARCHAR[]), k)"
    assert m.execute(q, {"ks": ["a"]}).fetchone() == (2,)
    assert m.execute(q, {"ks": ["b"]}).fetchone() == (1,)
    assert m.execute(q, {"ks": ["a", "b"]}).fetchone() == (3,)


def test_registering_a_frame_forgets_what_was_remembered(con):
    m = MemoCursor(con)
    q = "SELECT count(*) FROM x"
    m.register("x", pd.DataFrame({"a": [1, 2]}))
    assert m.execute(q).fetchone() == (2,)
    m.unregister("x")
    m.register("x", pd.DataFrame({"a": [1, 2, 3]}))
    assert m.execute(q).fetchone() == (3,)


def test_memo_does_not_wrap_twice(con):
    m = memo(con)
    assert memo(m) is m
    assert isinstance(MemoCursor(m)._con, duckdb.DuckDBPyConnection)


def test_the_deck_asks_each_question_once_and_says_the_same(demo_db):
    """On the demo warehouse: the deck with the memo equals the deck without it, with
    fewer statements run."""
    f = Filters(district="清江浦区", year=2025)
    plain = duckdb.connect(str(demo_db), read_only=True)
    counting = Counting(plain)
    with_memo = pack.build_deck(counting, f)
    n_memo = counting.n
    counting.n = 0
    original = (pack.memo, summary.memo)
    pack.memo = summary.memo = lambda c: c
    try:
        without = pack.build_deck(counting, f)
    finally:
        pack.memo, summary.memo = original
    def flat(deck):  # frames compared as JSON (a frame has no truth value; NaN != NaN)
        return [(s.key, s.title, s.message, s.kpis, repr(s.chart), repr(s.table), s.notes,
                 [(t, d.to_json(orient="split", date_format="iso")) for t, d in s.data])
                for s in deck.slides] + [deck.summary, deck.stamp]

    assert flat(with_memo) == flat(without)
    assert n_memo < counting.n


# --- a store shared by the cursors of one snapshot (the pages: ui/data.py) ------------------

def test_cursors_sharing_a_store_run_a_statement_once_and_each_gets_its_own_frame(con):
    store = StatementStore()
    counting = Counting(con)
    a, b = MemoCursor(counting, store), MemoCursor(counting.con.cursor(), store)
    first = a.execute(SQL, {"min": 1}).df()
    first.loc[0, "s"] = 999
    assert b.execute(SQL, {"min": 1}).df()["s"].tolist() == [3, 5]
    assert counting.n == 1 and (a.executed, b.executed, b.recalled) == (1, 0, 1)
    assert [d[0] for d in b.execute(SQL, {"min": 1}).description] == ["k", "s"]
    assert b.execute(SQL, {"min": 1}).fetchone() == ("a", 3)


def test_a_cursor_that_registers_a_frame_stops_sharing(con):
    store = StatementStore()
    a, b = MemoCursor(con, store), MemoCursor(con.cursor(), store)
    q = "SELECT count(*) FROM x"
    a.register("x", pd.DataFrame({"a": [1, 2]}))
    assert a.execute(q).fetchone() == (2,)
    b.register("x", pd.DataFrame({"a": [1, 2, 3]}))
    assert b.execute(q).fetchone() == (3,)  # not a's answer
    assert len(store) == 0
    assert a.execute(SQL, {"min": 1}).fetchall() == [("a", 3), ("b", 5)]
    assert len(store) == 0  # a remembers for itself alone now


def test_a_store_keeps_at_most_its_entries_and_no_large_answer(con):
    store = StatementStore(max_entries=4, max_rows=2)
    counting = Counting(con)
    m = MemoCursor(counting, store)
    for i in range(6):  # each statement keeps its frame and its description: two entries
        m.execute(f"SELECT {i} AS i").df()
    assert len(store) == 4
    m.execute("SELECT 5 AS i").df()
    m.execute("SELECT 0 AS i").df()
    assert counting.n == 7  # the newest was recalled, the oldest had been dropped
    big = "SELECT * FROM t"  # three rows: over the limit, answered but not kept
    assert len(m.execute(big).fetchall()) == 3 and len(m.execute(big).fetchall()) == 3
    assert counting.n == 9
    # a description asked after its answer was dropped is still given
    tiny = StatementStore(max_entries=1)
    assert [d[0] for d in MemoCursor(con, tiny).execute(SQL, {"min": 1}).description] == ["k", "s"]


def test_a_derived_frame_is_computed_once_per_memo_and_each_caller_gets_its_own(con):
    calls = []

    def compute():
        calls.append(1)
        return con.execute(SQL, {"min": 1}).df(), 7

    m = MemoCursor(con)
    first, n = remembered(m, "k", compute)
    first.loc[0, "s"] = 999
    again, n2 = remembered(m, "k", compute)
    assert again["s"].tolist() == [3, 5] and n == n2 == 7 and len(calls) == 1
    remembered(MemoCursor(con), "k", compute)  # another build computes afresh
    remembered(con, "k", compute)  # without a memo: every time
    assert len(calls) == 3
    m.register("x", pd.DataFrame({"a": [1]}))  # a registered frame may change any answer
    remembered(m, "k", compute)
    assert len(calls) == 4


def test_a_store_keeps_about_its_bytes(con):
    store = StatementStore(max_bytes=5000)
    m = MemoCursor(con, store)
    for i in range(20):
        m.execute(f"SELECT range AS i, {i} AS j FROM range(50)").df()  # 50 rows: ~1,800 bytes each
    assert 0 < store.bytes <= 5000 and len(store) < 10
    assert m.execute("SELECT range AS i, 19 AS j FROM range(50)").df()["j"].tolist() == [19] * 50
