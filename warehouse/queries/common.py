"""Facts about the warehouse itself: what districts, towns and years it holds, how
fresh the data is (数据截至) and when it was last loaded."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from warehouse.filters import Filters

# The main date of each dated kind: the latest of these is the data's cut-off.
_DATED = (("activities", "date"), ("enterprise_visits", "date"), ("micro_suggestions", "submitted_on"),
          ("micro_suggestions", "closed_on"), ("formal_suggestions", "assigned_on"),
          ("practice_sites", "accepted_on"), ("enterprise_opinions", "resolved_on"))


def data_as_of(con: duckdb.DuckDBPyConnection, district: str | None = None) -> dt.date | None:
    """数据截至: the latest record date in the warehouse (of a district, if given)."""
    parts = []
    for table, col in _DATED:
        if table == "enterprise_opinions":
            parts.append(f"SELECT max(o.{col}) AS d FROM enterprise_opinions o JOIN enterprise_visits v "
                         "USING (visit_id) WHERE $district IS NULL OR v.district = $district")
        else:
            parts.append(f"SELECT max({col}) AS d FROM {table} WHERE $district IS NULL OR district = $district")
    row = con.execute("SELECT max(d) FROM (" + " UNION ALL ".join(parts) + ")", {"district": district}).fetchone()
    return row[0] if row else None


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
    """The counted towns (纳入统计) of the filter's district(s): district, town, town_type,
    town_code, in statistical-code order."""
    return con.execute(
        "SELECT district, town, town_type, town_code FROM towns WHERE counted "
        "AND ($district IS NULL OR district = $district) ORDER BY district, town_code NULLS LAST, town",
        {"district": f.district},
    ).df()


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years that hold any dated record, newest first."""
    rows = con.execute(
        "SELECT DISTINCT year FROM (SELECT year FROM activities UNION ALL SELECT year FROM enterprise_visits "
        "UNION ALL SELECT year FROM micro_suggestions UNION ALL SELECT year FROM formal_suggestions "
        "UNION ALL SELECT year FROM appraisals UNION ALL SELECT year FROM rollout_plan) WHERE year IS NOT NULL "
        "ORDER BY year DESC"
    ).fetchall()
    return [r[0] for r in rows]
