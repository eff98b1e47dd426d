"""How fresh, how complete and where from: the facts a leader checks before trusting a
figure, and the load history a clerk checks after handing in a file.

**Freshness** (:func:`freshness_by_kind`): per district and record kind, how many records
there are, the earliest and the latest of their dates and the last load that changed
them. The dates are :data:`warehouse.queries.common.RECORD_DATES` — every date column of
the kind — so the latest date of the latest kind *is* the district's 数据截至, the date
that the footer of every page and the presentation pack show (both call
:func:`common.data_as_of`). Kinds with a year but no date (工作评议, 全覆盖计划) give their
latest year; towns and deputies only a count.

**Completeness** (:func:`completeness_by_town_month`, :func:`completeness_grid`): per
counted town (纳入统计) and month of a year, the number of records of one kind — and
whether the town *reported* that month at all, because "reported 0" and "reported
nothing" are different things and the contract has no "nothing happened" row. The rule:

* 活动 and 企业走访 are filled in by the town's own clerk. A town has **reported** for a
  month when it has at least one record of either kind dated in that month: it handed in
  its records. Then a month without a record of the kind shown is a real **0** (the town
  reported, and held no such activity). A town with no activity and no visit in a month
  has **not reported** (shown "—"), whatever the kind shown.
* 微建议 come from the 码上办 platform for the whole district, not from the towns. A month
  is **reported** for every town of a district when the district has at least one
  micro-suggestion submitted that month (the platform's data covers that month); a town
  without one then has a real 0. A month without any in the district is "—".

Months after the data's cut-off (``Filters.as_of``) are not listed: they have not
happened yet, in the data. A month with records is always reported.

The **load history** (:func:`load_history`) and the rejected rows of a load
(:func:`load_rejects`) read ``etl_loads`` and ``etl_rejects`` as written by ``etl/load.py``.

A user's **scope** (:mod:`warehouse.filters`): freshness and completeness count only the
records the scope may see, in the scope's districts — so the latest date is the scope's
数据截至 — and the district feed (微建议) counts as reported in a month when one of the
scope's towns has a suggestion that month (the rest of the district is not the user's to
see). The load history has no town: its functions take the filters as an optional
keyword and refuse a scoped filter (:class:`~warehouse.filters.OutOfScope`), and the
rejected rows, being individual rows, a filter without records.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.spec import KIND_BY_NAME, KINDS
from warehouse.filters import Filters, OutOfScope, ensure_records, scope_where
from warehouse.queries.common import RECORD_DATES, district_scoped, record_scope

#: The kinds a town's clerk fills in: any record of these in a month means the town reported.
TOWN_REPORTED = ("activities", "enterprise_visits")
#: The kinds the completeness grid can show, and who reports them.
GRID_KINDS: dict[str, str] = {"activities": "town", "enterprise_visits": "town", "micro_suggestions": "district"}
#: Kinds that carry a year but no date.
YEAR_ONLY = tuple(k.name for k in KINDS if k.name not in RECORD_DATES and any(c.id == "year" for c in k.columns))


def _district_col(kind: str) -> str:
    return "v.district" if kind == "enterprise_opinions" else "district"


def _col(kind: str, col: str) -> str:
    return f"o.{col}" if kind == "enterprise_opinions" else col


def _kind_sql(kind: str, visible: str = "TRUE") -> str:
    """One row per district of ``kind``: records, earliest and latest date (or year),
    and the newest load that wrote one of its records, over the rows ``visible`` (the
    scope's condition of :func:`common.record_scope`). Names come from the contract."""
    dates = RECORD_DATES.get(kind, ())
    if dates:
        earliest = f"least({', '.join(f'min({_col(kind, c)})' for c in dates)})"
        latest = f"greatest({', '.join(f'max({_col(kind, c)})' for c in dates)})"
    else:
        earliest = latest = "CAST(NULL AS DATE)"
    year = "max(year)" if kind in YEAR_ONLY else "CAST(NULL AS INTEGER)"
    load = "o._load_id" if kind == "enterprise_opinions" else "_load_id"
    return (f"SELECT '{kind}' AS kind, {_district_col(kind)} AS district, count(*) AS records, "
            f"{earliest} AS earliest, {latest} AS latest, {year} AS latest_year, max({load}) AS last_load_id "
            f"FROM {district_scoped(kind)} WHERE {visible} GROUP BY ALL")


def freshness_by_kind(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per district (the filter's, or every district that has towns) and record kind, in
    contract order: ``records``, ``earliest``, ``latest`` (dates; NaT without dates),
    ``latest_year`` (for year-only kinds), ``last_loaded`` (when the newest load that
    wrote one of these records ran). A kind without records is listed with 0."""
    kinds = pd.DataFrame({"kind": [k.name for k in KINDS], "kind_order": range(len(KINDS))})
    params: dict[str, object] = {"district": f.district}
    parts = []
    for k in KINDS:
        visible, p = record_scope(f, k.name)
        params.update(p)
        if f.district is not None:  # in the relation itself: the other districts' row groups are skipped
            visible = f"{visible} AND {_district_col(k.name)} = $district"
        parts.append(_kind_sql(k.name, visible))
    districts, p = scope_where(f, None, "district")  # the scope's districts only
    params.update(p)
    con.register("_kinds", kinds)
    try:
        return con.execute(
            "WITH d AS (SELECT district, min(town_code) AS code FROM towns "
            f"WHERE ($district IS NULL OR district = $district) AND {districts} GROUP BY district), "
            "agg AS (" + " UNION ALL ".join(parts) + "), "
            "loads AS (SELECT load_id, max(loaded_at) AS loaded_at FROM etl_loads GROUP BY load_id) "
            "SELECT d.district, k.kind, coalesce(a.records, 0) AS records, a.earliest, a.latest, a.latest_year, "
            "l.loaded_at AS last_loaded "
            "FROM d CROSS JOIN _kinds k LEFT JOIN agg a ON a.district = d.district AND a.kind = k.kind "
            "LEFT JOIN loads l ON l.load_id = a.last_load_id "
            "ORDER BY d.code NULLS LAST, d.district, k.kind_order",
            params,
        ).df()
    finally:
        con.unregister("_kinds")


def grid_months(f: Filters) -> list[int]:
    """The months of ``f.year`` the grid shows: all twelve, or up to the cut-off's month
    in the year of the cut-off; none for a year after it."""
    if f.year is None:
        return []
    if f.as_of is None or f.as_of.year > f.year:
        return list(range(1, 13))
    if f.as_of.year < f.year:
        return []
    return list(range(1, f.as_of.month + 1))


def _reported_sql(kind: str, visible: str = "TRUE") -> str:
    """(district, town, month) — or (district, month) for a district feed — that count as
    reported in ``$year``, over the rows ``visible`` (the scope's condition on ``town``);
    see the module docstring."""
    if GRID_KINDS[kind] == "district":
        date = KIND_BY_NAME[kind].main_date
        return (f"SELECT DISTINCT district, CAST(NULL AS VARCHAR) AS town, month({date}) AS month "
                f"FROM {kind} WHERE year = $year AND {visible}")
    parts = [f"SELECT DISTINCT district, town, month({KIND_BY_NAME[k].main_date}) AS month FROM {k} "
             f"WHERE year = $year AND {visible}" for k in TOWN_REPORTED]
    return " UNION ".join(parts)


def completeness_by_town_month(con: duckdb.DuckDBPyConnection, f: Filters, kind: str) -> pd.DataFrame:
    """Per counted town of the filters and month of ``f.year`` (see :func:`grid_months`):
    ``records`` of ``kind`` dated in that month and ``reported`` (the rule of the module
    docstring). Columns: district, town, month, records, reported."""
    if kind not in GRID_KINDS:
        raise ValueError(f"no completeness grid for {kind!r}")
    months = grid_months(f)
    if not months:
        return pd.DataFrame({"district": pd.Series(dtype=object), "town": pd.Series(dtype=object),
                             "month": pd.Series(dtype="int64"), "records": pd.Series(dtype="int64"),
                             "reported": pd.Series(dtype=bool)})
    date = KIND_BY_NAME[kind].main_date
    town_match = "r.town = t.town" if GRID_KINDS[kind] == "town" else "r.town IS NULL"
    visible, sp = scope_where(f, "town")
    # The district narrows the records themselves too: the other districts' row groups are skipped.
    mine = f"{visible} AND district = $district" if f.district is not None else visible
    return con.execute(
        "WITH t AS (SELECT district, town, town_code FROM towns WHERE counted "
        "AND ($district IS NULL OR district = $district) "
        f"AND (len(CAST($towns AS VARCHAR[])) = 0 OR list_contains(CAST($towns AS VARCHAR[]), town)) AND {visible}), "
        "m AS (SELECT unnest(CAST($months AS INTEGER[])) AS month), "
        f"n AS (SELECT district, town, month({date}) AS month, count(*) AS records FROM {kind} "
        f"WHERE year = $year AND {mine} GROUP BY ALL), "
        f"r AS ({_reported_sql(kind, mine)}) "
        "SELECT t.district, t.town, m.month, coalesce(n.records, 0) AS records, "
        "(n.records IS NOT NULL OR EXISTS (SELECT 1 FROM r WHERE r.district = t.district AND r.month = m.month "
        f"AND {town_match})) AS reported "
        "FROM t CROSS JOIN m LEFT JOIN n ON n.district = t.district AND n.town = t.town AND n.month = m.month "
        "ORDER BY t.district, t.town_code NULLS LAST, t.town, m.month",
        {"district": f.district, "towns": list(f.towns), "months": months, "year": f.year, **sp},
    ).df()


def completeness_grid(con: duckdb.DuckDBPyConnection, f: Filters, kind: str) -> pd.DataFrame:
    """The town × month grid of :func:`completeness_by_town_month`: one row per town
    (district, town), one column per month (named by its number) holding the records of
    the month — ``<NA>`` when the town did not report — then ``reported_months`` and
    ``months``."""
    long = completeness_by_town_month(con, f, kind)
    months = grid_months(f)
    if long.empty:
        return pd.DataFrame(columns=["district", "town", *months, "reported_months", "months"])
    long["shown"] = long["records"].astype("Int64").where(long["reported"])
    grid = long.pivot(index=["district", "town"], columns="month", values="shown")
    order = long.drop_duplicates(["district", "town"])[["district", "town"]]
    grid = order.merge(grid.reset_index(), on=["district", "town"], how="left")
    grid.columns = [c if isinstance(c, str) else int(c) for c in grid.columns]
    reported = long.groupby(["district", "town"], sort=False)["reported"].sum().astype("int64")
    grid["reported_months"] = reported.to_numpy()
    grid["months"] = len(months)
    for m in months:
        grid[m] = grid[m].astype("Int64")
    return grid.reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Load history
# --------------------------------------------------------------------------------------


def _unscoped(f: Filters | None) -> None:
    """The load history has no town: refuse a scoped user (when the caller says who asks)."""
    if f is not None and f.scope is not None:
        raise OutOfScope("the load history is not narrowed to towns: not shown to a user with a scope")


def load_history(con: duckdb.DuckDBPyConnection, *, f: Filters | None = None) -> pd.DataFrame:
    """Every file of every load, newest load first: load_id, loaded_at, file, sha256,
    origin (user/demo/builtin), loaded_by, rows_read, rows_loaded, rows_new,
    rows_changed, rows_unchanged, rows_rejected, status, notes. Refuses a scoped ``f``."""
    _unscoped(f)
    return con.execute(
        "SELECT load_id, loaded_at, file, sha256, origin, loaded_by, rows_read, rows_loaded, rows_new, "
        "rows_changed, rows_unchanged, rows_rejected, status, notes FROM etl_loads "
        "ORDER BY load_id DESC, file"
    ).df()


def loads_with_rejects(con: duckdb.DuckDBPyConnection, *, f: Filters | None = None) -> pd.DataFrame:
    """Loads that rejected rows, newest first: load_id, loaded_at, files, rows_rejected.
    Refuses a scoped ``f``."""
    _unscoped(f)
    return con.execute(
        "SELECT load_id, max(loaded_at) AS loaded_at, string_agg(file, '、' ORDER BY file) AS files, "
        "sum(rows_rejected)::BIGINT AS rows_rejected FROM etl_loads GROUP BY load_id "
        "HAVING sum(rows_rejected) > 0 ORDER BY load_id DESC"
    ).df()


def load_rejects(con: duckdb.DuckDBPyConnection, load_id: int, *, f: Filters | None = None) -> pd.DataFrame:
    """The rejected rows of one load, in file and row order: file, sheet, row, kind,
    column, value, reason. Individual rows of any town: refuses a scoped ``f`` and one
    without records."""
    _unscoped(f)
    if f is not None:
        ensure_records(f)
    return con.execute(
        'SELECT file, sheet, "row", kind, "column", value, reason FROM etl_rejects WHERE load_id = $id '
        'ORDER BY file, sheet NULLS FIRST, "row"',
        {"id": load_id},
    ).df()


def loads_of_file(con: duckdb.DuckDBPyConnection, sha256: str, *, f: Filters | None = None) -> pd.DataFrame:
    """Earlier loads of a file with this content (same SHA-256) that read it, newest
    first: load_id, loaded_at, file, status, origin. Refuses a scoped ``f``."""
    _unscoped(f)
    return con.execute(
        "SELECT load_id, loaded_at, file, status, origin FROM etl_loads WHERE sha256 = $sha AND status <> 'refused' "
        "ORDER BY load_id DESC",
        {"sha": sha256},
    ).df()
