"""Facts about the warehouse itself: what districts, towns and years it holds, how
fresh the data is (数据截至) and when it was last loaded."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from etl.spec import KINDS
from warehouse.db import has_place_columns
from warehouse.filters import Filters, scope_where, where

# Every date column of every record kind (from the contract, so a new date column counts
# at once): 数据截至 is the latest of them. Enterprise opinions have no district of their
# own; they belong to their visit's. The data page's freshness table (warehouse/queries/
# freshness.py) uses the same map, so its latest date per kind and the footer agree.
RECORD_DATES: dict[str, tuple[str, ...]] = {
    k.name: tuple(c.id for c in k.columns if c.type == "date")
    for k in KINDS if any(c.type == "date" for c in k.columns)
}


def district_scoped(kind: str) -> str:
    """The FROM clause of a kind with a ``district`` column (opinions take their visit's)."""
    if kind == "enterprise_opinions":
        return "enterprise_opinions o JOIN enterprise_visits v USING (visit_id)"
    return kind


def data_as_of(con: duckdb.DuckDBPyConnection, district: str | Filters | None = None,
               scope: tuple[str, ...] | None = None) -> dt.date | None:
    """数据截至: the latest date of any record in the warehouse (of a district, if given) —
    every date column counts (activities and visits, suggestions submitted, accepted,
    closed, assigned and replied, sites and stations opened, built, accepted, opinions
    resolved), so a reply recorded after the last new suggestion moves it too.

    For a user with a scope (``scope``, or a :class:`Filters` given instead of the
    district: its district and scope count) only the records the scope may see count
    (:mod:`warehouse.filters`), so a town user's cut-off is never another town's date."""
    if isinstance(district, Filters):
        f = district if scope is None else district.scoped(scope)
        district = f.district
    else:
        f = Filters(district=district).scoped(scope) if scope is not None else Filters(district=district)
    if f.scope is None and has_summary(con):
        row = con.execute("SELECT max(latest) FROM etl_summary WHERE list_contains($kinds, kind) "
                          "AND ($district IS NULL OR district = $district)",
                          {"kinds": list(RECORD_DATES), "district": district}).fetchone()
        return row[0] if row else None
    parts = []
    params: dict[str, object] = {"district": district}
    for kind, cols in RECORD_DATES.items():
        alias = "o." if kind == "enterprise_opinions" else ""
        district_col = "v.district" if kind == "enterprise_opinions" else "district"
        latest = ", ".join(f"max({alias}{c})" for c in cols)
        visible, p = record_scope(f, kind)
        params.update(p)
        parts.append(f"SELECT greatest({latest}) AS d FROM {district_scoped(kind)} "
                     f"WHERE ($district IS NULL OR {district_col} = $district) AND {visible}")
    row = con.execute("SELECT max(d) FROM (" + " UNION ALL ".join(parts) + ")", params).fetchone()
    return row[0] if row else None


def record_scope(f: Filters, kind: str) -> tuple[str, dict[str, object]]:
    """The scope's condition over the FROM clause of :func:`district_scoped` for ``kind``
    (``TRUE`` without a scope): the kind's own town, the visit's town for opinions, the
    lead deputy's town for formal suggestions, the district for district-level kinds —
    the table of :mod:`warehouse.filters`."""
    if f.scope is None:
        return "TRUE", {}
    if kind == "enterprise_opinions":
        return scope_where(f, "v.town")
    if kind == "formal_suggestions":
        return formal_scope(f, "deputy_id")
    if kind in ("appraisals", "rollout_plan"):
        return scope_where(f, None, "district")
    return scope_where(f, "town")


def formal_scope(f: Filters, deputy_col: str) -> tuple[str, dict[str, object]]:
    """The scope of formal suggestions (``TRUE`` without a scope): those whose lead deputy
    (``deputy_col``) sits in one of the scope's towns (see :mod:`warehouse.filters`)."""
    if f.scope is None:
        return "TRUE", {}
    s, p = scope_where(f, "d_s.town")
    return f"{deputy_col} IN (SELECT d_s.deputy_id FROM deputies d_s WHERE {s})", p


def last_load(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the last load that loaded anything ran."""
    row = con.execute("SELECT max(loaded_at) FROM etl_loads WHERE rows_loaded > 0").fetchone()
    return row[0] if row else None


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True while the warehouse holds only demo (and built-in) data."""
    row = con.execute("SELECT count(*) FROM etl_meta WHERE key = 'has_user_data' AND value = 'true'").fetchone()
    return not (row and row[0])


def districts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Districts with counted towns, in a stable order."""
    return [r[0] for r in con.execute(
        "SELECT district FROM towns WHERE counted GROUP BY district ORDER BY min(town_code) NULLS LAST, district"
    ).fetchall()]


def counted_towns(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The counted towns (纳入统计) of the filter's district(s) that the user's scope
    may see (the town filter's choices; the towns chosen are not applied): district,
    town, town_type, town_code, in statistical-code order."""
    # Every counted town of the district(s) the scope may see (the choice of towns is not applied).
    w, p = where(Filters(district=f.district, scope=f.scope), year_col=None)
    return con.execute(
        f"SELECT district, town, town_type, town_code FROM towns WHERE counted AND {w} "
        "ORDER BY district, town_code NULLS LAST, town", p).df()


YEAR_KINDS = ("activities", "enterprise_visits", "micro_suggestions", "formal_suggestions", "appraisals",
              "rollout_plan")


def has_summary(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has ``etl_summary`` (every load since it was introduced writes
    it; a warehouse built before has not, and is then read the long way)."""
    return _has_table(con, "etl_summary")


def has_rollup(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has ``activity_rollup`` (written with ``etl_summary`` by every
    load since it was introduced; a warehouse built before is read the long way)."""
    return _has_table(con, "activity_rollup")


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    # (duckdb_tables(): 1.3 ms, against 3.3 ms for information_schema; a page asks up to 8 times)
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = $name "
                      "AND database_name = current_database() AND schema_name = current_schema()",
                      {"name": name}).fetchone()
    return bool(row and row[0])


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years that hold any dated record, newest first."""
    if has_summary(con):
        return [r[0] for r in con.execute(
            "SELECT DISTINCT year FROM etl_summary WHERE list_contains($kinds, kind) AND year IS NOT NULL "
            "ORDER BY year DESC", {"kinds": list(YEAR_KINDS)}).fetchall()]
    rows = con.execute(
        "SELECT DISTINCT year FROM (" + " UNION ALL ".join(f"SELECT year FROM {k}" for k in YEAR_KINDS)
        + ") WHERE year IS NOT NULL ORDER BY year DESC"
    ).fetchall()
    return [r[0] for r in rows]


def opinions_of_district(con: duckdb.DuckDBPyConnection, f: Filters, alias: str = "o") -> str:
    """A condition narrowing the opinions ``alias`` to the filter's district by the place the
    load stored with each (its visit's district): DuckDB then skips the other districts' row
    groups — an opinion has no district of its own, and the join with the district's visits
    alone reads every opinion. ``TRUE`` with no district, or in a warehouse written before
    the place was stored. The caller binds ``$district`` (as :func:`where` does)."""
    if f.district is None or not has_place_columns(con):
        return "TRUE"
    return f"{alias}._district = $district"
