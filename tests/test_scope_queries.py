"""The user's scope in the query layer (issue 9): the access matrix at the level of the
query functions, the export batches and the evaluation pack.

"A town user never receives a figure of another town" is checked the only way that
proves it: every public query function (found by introspection: every function of
``warehouse/queries/*`` whose first two parameters are ``con, f``) is run with a scoped
filter on the demo warehouse and on a copy of it from which every row the scope may not
see was deleted (:func:`reduce_to_scope`) — the two results must be equal. A figure that
used another town's rows (a district median, a rank, a coverage denominator, the years
listed, the data's cut-off …) differs between the two. Each call is made for the scope's
own town, a forged other town (``towns=(other,)``, as a doctored URL would ask), all towns,
and no district. The result must also not name another town anywhere.

A presenter (``records=False``) gets :class:`RecordsNotAllowed` from exactly the
record-level functions (:data:`RECORD_LEVEL`), and everything else — the deck included —
still works. Free text is masked unless ``unmasked``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import math
import pkgutil
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import fields as dc_fields
from dataclasses import is_dataclass, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import warehouse.queries as queries_pkg
from etl.load import summarise
from reports import pack, summary
from warehouse.filters import Filters, OutOfScope, RecordsNotAllowed, where
from warehouse.queries import common, formal, freshness, records, sites

DISTRICT = "清江浦区"
OWN = "府前街道"  # the town user's town (the 清江浦区 town with the most activities in 2023)
OTHER = "城南街道"  # another town of the same district, forged into the URL
YEAR = 2023

# District-level relations (no town in the data contract): kept for the scope's district.
DISTRICT_LEVEL = ("appraisals", "rollout_plan")

# The functions returning individual records: refused to a role without records.
RECORD_LEVEL = {
    "records.record_page", "records.record_count", "records.record_batches",
    "towns.town_stations", "towns.town_activities", "towns.town_visits", "towns.town_micro_suggestions",
    "towns.town_sites",
    "enterprise.opinion_list",
    "micro.micro_overdue",
    "overview.overdue_micro_suggestions",
    "formal.key_supervised_list", "formal.overdue_list", "formal.suggestion_list",
    "sites.upgraded_stations", "sites.practice_sites_assessed", "sites.sites_side_by_side",
}
# The load history has no town: refused to a scoped user (OutOfScope), shown to others.
NOT_FOR_SCOPED = {"freshness.load_history", "freshness.loads_with_rejects"}


# --------------------------------------------------------------------------------------
# The warehouse as the scope sees it
# --------------------------------------------------------------------------------------

def reduce_to_scope(src: Path, dst: Path, scope: tuple[str, ...]) -> Path:
    """A copy of ``src`` holding only what ``scope`` may see (warehouse/filters.py's table):
    every relation with a town keeps the scope's towns; opinions follow their visit;
    formal suggestions their lead deputy's town; district-level relations the scope's
    district(s). The load history is left as it is."""
    shutil.copy(src, dst)
    con = duckdb.connect(str(dst))
    try:
        p = {"scope": list(scope)}
        keep_district = "SELECT DISTINCT district FROM towns WHERE list_contains($scope, town)"
        # Before the deputies and visits they hang on are deleted.
        con.execute("DELETE FROM formal_suggestions WHERE deputy_id IS NULL OR deputy_id NOT IN "
                    "(SELECT deputy_id FROM deputies WHERE list_contains($scope, town))", p)
        con.execute("DELETE FROM enterprise_opinions WHERE visit_id NOT IN "
                    "(SELECT visit_id FROM enterprise_visits WHERE list_contains($scope, town))", p)
        for rel in DISTRICT_LEVEL:
            con.execute(f"DELETE FROM {rel} WHERE district NOT IN ({keep_district})", p)
        with_town = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'town' "
            "AND table_name <> 'towns' ORDER BY table_name").fetchall()]
        assert {"activities", "enterprise_visits", "micro_suggestions", "deputies", "stations",
                "practice_sites"} <= set(with_town)
        for rel in with_town:
            con.execute(f"DELETE FROM {rel} WHERE town IS NULL OR NOT list_contains($scope, town)", p)
        con.execute("DELETE FROM towns WHERE NOT list_contains($scope, town)", p)
        summarise(con)  # the derived etl_summary, rebuilt as every load does
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return dst


@pytest.fixture(scope="module")
def full(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def reduced(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = reduce_to_scope(demo_db, tmp_path_factory.mktemp("scope") / "reduced.duckdb", (OWN,))
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def as_of(full, reduced) -> dt.date:
    """The scope's 数据截至 — the same in both warehouses (checked in its own test)."""
    return common.data_as_of(full, Filters(district=DISTRICT).scoped((OWN,)))


@pytest.fixture(scope="module")
def other_towns(full) -> set[str]:
    return {r[0] for r in full.execute("SELECT town FROM towns WHERE town <> $own", {"own": OWN}).fetchall()}


# --------------------------------------------------------------------------------------
# Every public query function, with its extra arguments
# --------------------------------------------------------------------------------------

def public_query_functions() -> list[tuple[str, Callable]]:
    out = []
    for m in pkgutil.iter_modules(queries_pkg.__path__):
        mod = importlib.import_module(f"warehouse.queries.{m.name}")
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if fn.__module__ != mod.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:2] == ["con", "f"]:
                out.append((f"{m.name}.{name}", fn))
    return sorted(out, key=lambda x: x[0])


FUNCTIONS = public_query_functions()


def all_sessions(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    return tuple(formal.sessions(con, Filters(district=DISTRICT))["session"])


def all_site_ids(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    return tuple(r[0] for r in con.execute("SELECT site_id FROM practice_sites ORDER BY site_id").fetchall())


# name -> the extra keyword arguments to try (each dict is one call). The values are taken
# from the whole (unscoped) warehouse, as a forged request would pass them.
def extra_args(name: str, full: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    town_args = [{"town": OWN}, {"town": OTHER}]
    table: dict[str, list[dict[str, object]]] = {
        "compare.ranked_towns": [{"measure": "congress"}, {"measure": "micro_closing_rate"},
                                 {"measure": "participants", "per_deputies": True}],
        "towns.town_ranking": [{"measure": "congress"}, {"measure": "opinion_resolution_rate"},
                               {"measure": "visits", "per_deputies": True}],
        "freshness.completeness_by_town_month": [{"kind": k} for k in freshness.GRID_KINDS],
        "freshness.completeness_grid": [{"kind": k} for k in freshness.GRID_KINDS],
        "records.record_page": [{"kind": k, "limit": records.MAX_PAGE} for k in records.KIND_NAMES],
        "records.record_count": [{"kind": k} for k in records.KIND_NAMES],
        "records.record_batches": [{"kind": k} for k in records.KIND_NAMES],
        "sites.sites_side_by_side": [{"site_ids": all_site_ids(full)}],
        "sites.practice_sites_assessed": [{}, {"towns": (OTHER,)}, {"towns": (OWN,)}],
        "micro.micro_departments": [{"order": "volume"}, {"order": "time"}],
        "towns.town_measures_by_year": [{"first": 2021, "last": 2024}],
    }
    if name.startswith("towns.town_") and name not in ("towns.town_measures", "towns.town_ranks",
                                                        "towns.town_ranking", "towns.town_measures_by_year") or name == "towns.deputies_by_level":
        return town_args
    if name in ("formal.department_ranking", "formal.feedback_breakdown", "formal.formal_headline",
                "formal.key_supervised_list", "formal.overdue_list", "formal.reply_status_breakdown",
                "formal.results_breakdown", "formal.suggestion_list"):
        return [{"sessions": all_sessions(full)}]
    return table.get(name, [{}])


def variants(as_of: dt.date) -> list[tuple[str, Filters]]:
    """(label, filters) of a town user of OWN: all towns, the own town, a forged other town,
    and no district, in 2023; and all towns in every year and in the data's unfinished
    year (the rollout plan's years, where targets and projections are computed)."""
    base = Filters(district=DISTRICT, year=YEAR, as_of=as_of).scoped((OWN,))
    return [("all", base), ("own", base.with_towns((OWN,))), ("forged", base.with_towns((OTHER,))),
            ("no district", replace(base, district=None)), ("every year", base.with_year(None)),
            ("this year", base.with_year(as_of.year))]


def run(fn: Callable, con: duckdb.DuckDBPyConnection, f: Filters, kwargs: dict[str, object]) -> object:
    if inspect.signature(fn).parameters["f"].kind is inspect.Parameter.KEYWORD_ONLY:
        out = fn(con, f=f, **kwargs)  # the load history takes the filters as a keyword
    else:
        out = fn(con, f, **kwargs)
    if inspect.isgenerator(out) or isinstance(out, Iterator):
        frames = list(out)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out


# --------------------------------------------------------------------------------------
# Comparing results
# --------------------------------------------------------------------------------------

def _missing(x: object) -> bool:
    try:
        return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x))
    except TypeError:
        return False


def assert_same(a: object, b: object, where_: str) -> None:
    """Equal results: frames cell by cell (floats to 1e-9), dicts, sequences, scalars."""
    if isinstance(a, pd.DataFrame):
        assert isinstance(b, pd.DataFrame), where_
        if a.empty and b.empty:
            return
        assert list(a.columns) == list(b.columns), where_
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                      check_exact=False, rtol=1e-9, atol=1e-12, obj=where_)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                       obj=where_)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where_
        for k in a:
            assert_same(a[k], b[k], f"{where_}[{k}]")
    elif is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where_
        for fld in dc_fields(a):
            assert_same(getattr(a, fld.name), getattr(b, fld.name), f"{where_}.{fld.name}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), f"{where_}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where_}[{i}]")
    elif _missing(a) or _missing(b):
        assert _missing(a) and _missing(b), f"{where_}: {a!r} != {b!r}"
    elif isinstance(a, (float, np.floating)) or isinstance(b, (float, np.floating)):
        assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12), f"{where_}: {a!r} != {b!r}"
    else:
        assert a == b, f"{where_}: {a!r} != {b!r}"


# Free text written by people (a suggestion's title, a topic …) may mention any place: a
# suggestion of the own town's deputy about a road in another town is the own town's. In
# those columns only a cell that *is* another town's name counts; elsewhere any mention.
FREE_TEXT = frozenset({"title", "content", "topic", "name", "site_name", "theme", "enterprise", "department",
                       "deputy", "deputy_name", "industry", "sessions"})


def texts(x: object, column: str = "") -> Iterator[tuple[str, str]]:
    """Every text in a result, with the column (or key) it sits in."""
    if isinstance(x, pd.DataFrame):
        yield from (("", str(c)) for c in x.columns)
        for c in x.columns:
            for v in x[c]:
                yield from texts(v, str(c))
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from texts(k, column)
            yield from texts(v, str(k))
    elif is_dataclass(x) and not isinstance(x, type):
        for fld in dc_fields(x):
            yield from texts(getattr(x, fld.name), column)
    elif isinstance(x, (list, tuple, set, pd.Series)):
        for v in x:
            yield from texts(v, column)
    elif isinstance(x, str):
        yield column, x


def assert_names_no_other_town(result: object, others: set[str], where_: str) -> None:
    pattern = re.compile("|".join(sorted(map(re.escape, others), key=len, reverse=True)))
    for column, t in texts(result):
        if column in FREE_TEXT:
            assert t.strip() not in others, f"{where_}: another town as {column}: {t!r}"
            continue
        m = pattern.search(t)
        assert m is None, f"{where_}: another town ({m.group(0)}) in {column}: {t[:120]!r}"


# --------------------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------------------

def test_the_introspection_finds_every_module_and_the_record_level_list_is_real():
    names = {n for n, _ in FUNCTIONS}
    modules = {n.split(".")[0] for n in names}
    assert modules >= {"appraisal", "common", "compare", "enterprise", "formal", "freshness", "micro", "overview",
                       "participation", "records", "rollout", "sites", "statutory", "towns"}
    assert RECORD_LEVEL <= names and NOT_FOR_SCOPED <= names
    assert len(names) > 80


def test_the_reduced_warehouse_holds_only_the_scope(reduced):
    assert reduced.execute("SELECT DISTINCT town FROM towns").fetchall() == [(OWN,)]
    for rel in ("activities", "enterprise_visits", "micro_suggestions", "stations", "practice_sites", "deputies"):
        assert {r[0] for r in reduced.execute(f"SELECT DISTINCT town FROM {rel}").fetchall()} <= {OWN}
    assert reduced.execute("SELECT count(*) FROM activities").fetchone()[0] > 0
    assert {r[0] for r in reduced.execute("SELECT DISTINCT district FROM appraisals").fetchall()} == {DISTRICT}


def test_the_scopes_cut_off_is_its_own_records_latest_date(full, reduced, as_of):
    # 数据截至 of a town user: the latest date of what they may see, whatever other towns hold.
    assert as_of == common.data_as_of(reduced, DISTRICT)
    assert as_of == common.data_as_of(full, DISTRICT, scope=(OWN,))
    assert common.data_as_of(full, Filters().scoped((OWN,))) == common.data_as_of(reduced)


@pytest.mark.parametrize("name,fn", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_a_town_user_never_receives_a_figure_of_another_town(name, fn, full, reduced, as_of, other_towns):
    """The same call on the whole warehouse and on the scope's copy gives the same result,
    and names no other town — for the own town, a forged other town, all towns, and no
    district. (The load history, which has no town, refuses a scoped user instead.)"""
    for label, f in variants(as_of):
        for kwargs in extra_args(name, full):
            where_ = f"{name}({label}, {kwargs if len(str(kwargs)) < 80 else '…'})"
            if name in NOT_FOR_SCOPED:
                with pytest.raises(OutOfScope):
                    run(fn, full, f, kwargs)
                continue
            try:
                got = run(fn, full, f, kwargs)
            except ValueError:  # a function of one year, asked for every year: refused alike
                assert f.year is None, where_
                with pytest.raises(ValueError):
                    run(fn, reduced, f, kwargs)
                continue
            want = run(fn, reduced, f, kwargs)
            assert_same(got, want, where_)
            assert_names_no_other_town(got, other_towns, where_)
            if label == "forged" and isinstance(got, pd.DataFrame) and "town" in got.columns:
                assert got.empty or set(got["town"].dropna()) <= {OWN}, where_


def test_a_forged_other_town_gives_nothing_rather_than_an_error(full, as_of):
    f = Filters(district=DISTRICT, year=YEAR, as_of=as_of).scoped((OWN,)).with_towns((OTHER,))
    assert f.visible_towns() == ()
    from warehouse.queries import participation, towns

    assert participation.participation_headline(full, f)["events"] == 0
    assert towns.town_measures(full, f).empty
    assert towns.town_profile(full, f, OTHER).empty
    assert towns.town_activities(full, f.with_towns(()), OTHER).empty
    assert records.record_count(full, f, "activities") == 0


def test_the_scoped_figures_are_not_the_districts(full, as_of):
    """A guard on the test itself: the scope really changes the figures (a function that
    ignored the scope on both warehouses would otherwise pass the matrix only by luck)."""
    from warehouse.queries import overview, towns

    f = Filters(district=DISTRICT, year=YEAR, as_of=as_of)
    mine = f.scoped((OWN,))
    assert len(common.counted_towns(full, f)) > 1 and list(common.counted_towns(full, mine)["town"]) == [OWN]
    whole = overview.headline_kpis(full, f).set_index("kpi")["value"]
    scoped = overview.headline_kpis(full, mine).set_index("kpi")["value"]
    assert scoped["participants"] < whole["participants"]
    profile = towns.town_profile(full, mine, OWN).set_index("measure")
    assert (profile["towns"] == 1).all() and (profile["rank"].dropna() == 1).all()


# --------------------------------------------------------------------------------------
# The export path and the presenter
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", records.KIND_NAMES)
def test_an_export_of_every_kind_holds_only_the_scopes_towns(kind, full, as_of):
    f = Filters(district=DISTRICT, as_of=as_of).scoped((OWN,))
    frames = list(records.record_batches(full, f, kind, batch_rows=500))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    unscoped = records.record_count(full, Filters(district=DISTRICT, as_of=as_of), kind)
    assert len(df) == records.record_count(full, f, kind) <= unscoped
    for col in ("town", "deputy_town"):
        if col in df.columns:
            assert set(df[col].dropna()) <= {OWN}, col
    if "district" in df.columns:
        assert set(df["district"].dropna()) <= {DISTRICT}
    if kind in ("activities", "micro_suggestions", "enterprise_visits", "towns"):
        assert 0 < len(df) < unscoped


def test_a_presenter_gets_no_record_level_function_and_every_aggregate(full, as_of):
    presenter = Filters(district=DISTRICT, year=YEAR, as_of=as_of, records=False)
    refused = set()
    for name, fn in FUNCTIONS:
        for kwargs in extra_args(name, full)[:1]:
            try:
                run(fn, full, presenter, kwargs)
            except RecordsNotAllowed:
                refused.add(name)
    assert refused == RECORD_LEVEL
    # ... also when only called (an export generator refuses before its first batch).
    with pytest.raises(RecordsNotAllowed):
        records.record_batches(full, presenter, "activities")
    with pytest.raises(RecordsNotAllowed):
        freshness.load_rejects(full, 1, f=presenter)
    with pytest.raises(PermissionError):  # RecordsNotAllowed is a PermissionError
        sites.upgraded_stations(full, presenter)


def test_a_presenters_deck_and_summary_are_the_same_figures_without_the_records(full, as_of):
    f = Filters(district=DISTRICT, year=YEAR, as_of=as_of)
    deck = pack.build_deck(full, replace(f, records=False))
    whole = pack.build_deck(full, f)
    for a, b in zip(deck.slides, whole.slides):
        assert a.key == b.key
        if a.key != "micro":
            assert_same(a.kpis, b.kpis, a.key)
            assert_same(a.chart, b.chart, a.key)
            assert_same(a.table, b.table, a.key)
    micro = next(s for s in deck.slides if s.key == "micro")
    assert micro.table is None  # the overdue suggestions, one per row: records
    assert summary.summary_text(full, replace(f, records=False)) == summary.summary_text(full, f)


# --------------------------------------------------------------------------------------
# The pack path
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("towns", [(), (OWN,), (OTHER,)], ids=["all", "own", "forged"])
def test_a_town_users_deck_and_summary_are_those_of_the_scopes_warehouse(towns, full, reduced, as_of, other_towns):
    f = Filters(district=DISTRICT, year=YEAR, as_of=as_of, towns=towns).scoped((OWN,))
    deck, want = pack.build_deck(full, f), pack.build_deck(reduced, f)
    assert_names_no_other_town(deck, other_towns, "deck")
    for a, b in zip(deck.slides, want.slides, strict=True):
        assert (a.key, a.title, a.message) == (b.key, b.title, b.message)
        assert_same(a.kpis, b.kpis, f"{a.key}.kpis")
        assert_same(a.chart, b.chart, f"{a.key}.chart")
        assert_same(a.table, b.table, f"{a.key}.table")
        assert a.notes == b.notes, a.key
        assert len(a.data) == len(b.data)
        for (ta, da), (tb, db) in zip(a.data, b.data):
            assert ta == tb
            assert_same(da, db, f"{a.key}.data[{ta}]")
    assert_same(deck.summary, want.summary, "summary")
    text = summary.summary_text(full, f)
    assert text == summary.summary_text(reduced, f)
    assert_names_no_other_town(text, other_towns, "summary")
    assert "全区" not in text  # the scope's figures are never presented as the district's
    if not towns:
        assert OWN in deck.filters_text and "全部镇街" not in deck.filters_text


# --------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _all_texts(df: pd.DataFrame) -> str:
    return "\n".join(str(v) for c in df.columns
                     if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])
                     for v in df[c].dropna())


def test_record_rows_are_masked_unless_the_user_may_see_them_in_clear(full):
    raw = "\n".join(r[0] for r in full.execute("SELECT content FROM micro_suggestions WHERE content IS NOT NULL")
                    .fetchall())
    assert MOBILE.search(raw) and ID18.search(raw)  # the demo data has both
    analyst, leader = Filters(), Filters(unmasked=True)
    for fn in (lambda f: pd.concat(list(records.record_batches(full, f, "micro_suggestions"))),
               lambda f: records.record_page(full, f, "micro_suggestions", limit=records.MAX_PAGE,
                                             conditions=[("content", "contains", "电话")])):
        masked, clear = _all_texts(fn(analyst)), _all_texts(fn(leader))
        assert not MOBILE.search(masked) and not ID18.search(masked)
        assert MOBILE.search(clear)
    all_clear = _all_texts(pd.concat(list(records.record_batches(full, leader, "micro_suggestions"))))
    assert ID18.search(all_clear)
    # The other record lists follow the same switch.
    town = full.execute("SELECT town FROM micro_suggestions WHERE regexp_matches(content, '1[3-9][0-9]{9}') "
                        "ORDER BY suggestion_id LIMIT 1").fetchone()[0]
    from warehouse.queries import towns

    assert not MOBILE.search(_all_texts(towns.town_micro_suggestions(full, analyst, town)))
    assert MOBILE.search(_all_texts(towns.town_micro_suggestions(full, leader, town)))


def test_a_search_of_hidden_digits_finds_nothing_masked_and_finds_them_in_clear(full):
    number = MOBILE.search("\n".join(r[0] for r in full.execute(
        "SELECT content FROM micro_suggestions WHERE content IS NOT NULL ORDER BY suggestion_id").fetchall())).group(0)
    cond = [("content", "contains", number)]
    assert records.record_count(full, Filters(), "micro_suggestions", cond) == 0
    assert records.record_count(full, Filters(unmasked=True), "micro_suggestions", cond) >= 1


# --------------------------------------------------------------------------------------
# The filter object
# --------------------------------------------------------------------------------------

def test_filters_stay_a_hashable_cache_key_and_scope_is_an_intersection():
    a = Filters(district=DISTRICT, year=YEAR).scoped([OWN, OTHER, OWN])
    b = Filters(district=DISTRICT, year=YEAR).scoped((OTHER, OWN))
    assert a == b and hash(a) == hash(b) and a.scope == tuple(sorted((OWN, OTHER)))
    assert Filters().visible_towns() is None and Filters().scoped(None).scope is None
    assert a.with_towns((OWN, "别的镇")).visible_towns() == (OWN,)
    assert a.with_year(2024).scope == a.scope  # the helpers keep the scope
    assert Filters().scoped(()).visible_towns() == ()


def test_where_binds_the_scope_as_a_parameter_never_as_text():
    sql, p = where(Filters(district=DISTRICT).scoped(("某'镇",)), "x")
    assert "某" not in sql and p["scope_towns"] == ["某'镇"]
    assert "list_contains(CAST($scope_towns AS VARCHAR[]), x.town)" in sql
    sql, p = where(Filters().scoped((OWN,)), town_col=None)  # a district-level relation
    assert "district IN (" in sql and "$scope_towns" in sql
    assert where(Filters(), "x") == ("TRUE", {})
