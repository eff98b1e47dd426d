"""The cache seam (``ui/data.py``): a result is computed once per warehouse version and
every caller gets its own copy — whatever a page does to its frame (a value set, a column
added, the columns or the index replaced) the next caller gets the result as the
query made it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from ui import data
from warehouse.filters import Filters

CALLS: list[str] = []


def visits_per_town(con, f: Filters) -> pd.DataFrame:
    CALLS.append("frame")
    return con.execute("SELECT town, count(*)::BIGINT AS n FROM activities WHERE district = $d "
                       "GROUP BY town ORDER BY town", {"d": f.district}).df()


def nested(con, f: Filters) -> dict:
    CALLS.append("dict")
    frame = visits_per_town(con, f)
    return {"frame": frame, "towns": list(frame["town"]), "pair": (frame, 1)}


@dataclasses.dataclass
class Box:
    rows: pd.DataFrame
    note: list[str]


def boxed(con, f: Filters) -> Box:
    CALLS.append("box")
    return Box(visits_per_town(con, f), ["a"])


@pytest.fixture
def seam(fixture_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OVERSIGHT_DB", str(fixture_db))
    data._run.clear()
    data._statements.clear()
    CALLS.clear()
    yield Filters(district=_district(fixture_db))
    data._run.clear()
    data._statements.clear()


def _district(db: Path) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT district FROM activities GROUP BY district ORDER BY count(*) DESC LIMIT 1"
                           ).fetchone()[0]
    finally:
        con.close()


def test_a_page_changing_its_frame_does_not_change_the_next_callers(seam):
    first = data.get(visits_per_town, seam)
    want = first.copy(deep=True)
    assert len(want) >= 2
    first.loc[first.index[0], "n"] = -1
    first["extra"] = 1
    first.columns = ["镇", *first.columns[1:]]
    first.index = range(100, 100 + len(first))
    second = data.get(visits_per_town, seam)
    pd.testing.assert_frame_equal(second, want)
    assert CALLS == ["frame"]  # computed once: the second caller read the cache


def test_frames_inside_containers_and_objects_are_the_callers_own(seam):
    got = data.get(nested, seam)
    want = got["frame"].copy(deep=True)
    got["frame"].loc[got["frame"].index[0], "n"] = -5
    got["pair"][0]["n"] = 0
    got["towns"].append("火星镇")
    got["new"] = True
    again = data.get(nested, seam)
    pd.testing.assert_frame_equal(again["frame"], want)
    pd.testing.assert_frame_equal(again["pair"][0], want)
    assert again["towns"] == list(want["town"]) and "new" not in again

    box = data.get(boxed, seam)
    box.rows["n"] = 0
    box.note.append("b")
    box2 = data.get(boxed, seam)
    pd.testing.assert_frame_equal(box2.rows, want)
    assert box2.note == ["a"]
    assert CALLS.count("dict") == 1 and CALLS.count("box") == 1


SAME_QUESTION = "SELECT count(*) AS n FROM activities WHERE district = $d"


def asks_first(con, f: Filters) -> tuple[int, int]:
    n = con.execute(SAME_QUESTION, {"d": f.district}).fetchone()[0]
    return n, con.recalled


def asks_second(con, f: Filters) -> tuple[int, int]:
    n = con.execute(SAME_QUESTION, {"d": f.district}).df()["n"].iloc[0]
    m = con.execute(SAME_QUESTION, {"d": f.district}).fetchone()[0]
    return int(n) + int(m), con.recalled


def asks_other_district(con, f: Filters) -> tuple[int, int]:
    n = con.execute(SAME_QUESTION, {"d": "无此区"}).fetchone()[0]
    return n, con.recalled


def test_query_functions_share_the_answers_to_the_same_statement(seam):
    n, recalled = data.get(asks_first, seam)
    assert n > 0 and recalled == 0
    # another function, same statement and parameters: answered from the shared store
    # (its frame form is a new fetch; its second ask, in either form, is recalled)
    assert data.get(asks_second, seam) == (2 * n, 1)
    assert data.get(asks_other_district, seam) == (0, 0)  # other parameters: asked anew
