"""三会制度: the statutory meetings of each counted town (镇街) per year.

Counting rule (统计口径, also in ``ui/metrics.py`` and the data dictionary):

* 镇人代会/街道代表议事会 = activities of kind TOWN_CONGRESS or STREET_COUNCIL; the statutory
  minimum is 2 per town per year.
* 工作评议会 = activities of kind WORK_REVIEW; minimum 1 per town per year.
* 代表选民议事会 = activities of kind DEPUTY_VOTER; no minimum (held as needed).
* A town *complies* in a year when it meets both minimums. Only counted towns
  (``towns.counted``) are judged.
* Status: ``met`` (green); ``missed`` (red) when the year is over in the data and a minimum
  was not reached; ``pending`` (amber) when the year is not over yet (the data's cut-off
  ``as_of`` is before 31 December) and a minimum is not reached so far.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.filters import Filters, scope_where, where
from warehouse.memo import remembered
from warehouse.queries.common import has_rollup

MIN_CONGRESS = 2
MIN_REVIEW = 1

_BY_TOWN_YEAR = """
WITH t AS (
    SELECT district, town, town_type, town_code FROM towns
    WHERE counted AND {town_where}
), y AS (
    -- A semi-join: joining t on the district alone would repeat each activity once per town.
    SELECT DISTINCT a.year FROM {source} a
    WHERE a.district IN (SELECT district FROM t)
        AND a.year IS NOT NULL AND {year_where} AND {scope_where}
), counts AS (
    -- Only the towns and years listed (not the whole country's activities).
    SELECT a.district, a.town, a.year,
        {congress} AS congress, {review} AS review, {deputy_voter} AS deputy_voter
    FROM {source} a SEMI JOIN t ON a.district = t.district AND a.town = t.town
    WHERE kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL', 'WORK_REVIEW', 'DEPUTY_VOTER')
        AND a.year IN (SELECT year FROM y)
    GROUP BY ALL
)
SELECT t.district, t.town, t.town_type, y.year,
    coalesce(c.congress, 0) AS congress,
    coalesce(c.review, 0) AS review,
    coalesce(c.deputy_voter, 0) AS deputy_voter
FROM t CROSS JOIN y
LEFT JOIN counts c ON c.district = t.district AND c.town = t.town AND c.year = y.year
ORDER BY y.year, t.district, t.town_code NULLS LAST, t.town
"""


def statutory_by_town(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per counted town and year (the filter's year, or every year with data):
    district, town, town_type, year, congress, review, deputy_voter, congress_ok,
    review_ok, compliant, status (met / missed / pending), months_left. (Once per report
    build: see :func:`warehouse.memo.remembered`.)"""
    return remembered(con, ("statutory_by_town", f), lambda: _statutory_by_town(con, f))


def _statutory_by_town(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    town_where, p1 = where(f, year_col=None)
    year_where, p2 = where(f, "a", town_col=None)
    # The years listed are those with an activity of the district — of the scope's towns
    # for a scoped user, so a year only another town has records of never appears.
    scope_cond, p3 = scope_where(f, "a.town")
    # The yearly counts per town and kind are in activity_rollup (rebuilt by every load):
    # the same figures from ~1/6 of the rows at national scale, fewer still as data grows.
    # A warehouse written before the rollup is read the long way.
    rollup = has_rollup(con)

    def n(kinds: str) -> str:  # (only the SQL text of constants: no values)
        return (f"CAST(sum(records) FILTER (WHERE kind {kinds}) AS BIGINT)" if rollup
                else f"count(*) FILTER (WHERE kind {kinds})")

    sql = _BY_TOWN_YEAR.format(town_where=town_where, year_where=year_where, scope_where=scope_cond,
                               source="activity_rollup" if rollup else "activities",
                               congress=n("IN ('TOWN_CONGRESS', 'STREET_COUNCIL')"),
                               review=n("= 'WORK_REVIEW'"), deputy_voter=n("= 'DEPUTY_VOTER'"))
    df = con.execute(sql, {**p1, **p2, **p3}).df()
    df["congress_ok"] = df["congress"] >= MIN_CONGRESS
    df["review_ok"] = df["review"] >= MIN_REVIEW
    df["compliant"] = df["congress_ok"] & df["review_ok"]
    as_of = f.as_of
    if as_of is not None:
        open_year = df["year"] == as_of.year
        months_left = 12 - as_of.month
    else:
        open_year = pd.Series(False, index=df.index)
        months_left = 0
    df["status"] = "met"
    df.loc[~df["compliant"] & open_year, "status"] = "pending"
    df.loc[~df["compliant"] & ~open_year, "status"] = "missed"
    df["months_left"] = [months_left if o else 0 for o in open_year]
    return df


def compliance_by_year(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per district and year: counted towns, compliant towns and the compliance rate
    (compliant / towns), with the totals of each meeting kind. Ignores the filter's
    year (a trend over every year)."""
    by_town = statutory_by_town(con, f.with_year(None))
    if by_town.empty:
        return pd.DataFrame(columns=["district", "year", "towns", "compliant", "rate", "congress", "review",
                                     "deputy_voter"])
    g = by_town.groupby(["district", "year"], as_index=False).agg(
        towns=("town", "count"), compliant=("compliant", "sum"), congress=("congress", "sum"),
        review=("review", "sum"), deputy_voter=("deputy_voter", "sum"))
    g["rate"] = g["compliant"] / g["towns"]
    return g[["district", "year", "towns", "compliant", "rate", "congress", "review", "deputy_voter"]]


def compliance_overall(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per year, every district in scope together: ``year``, ``towns``, ``compliant`` and
    ``rate`` (compliant / towns, over all their towns — not a mean of district rates).
    The trend of a province, whose 2,800 districts are no chart of a line each."""
    g = compliance_by_year(con, f)
    out = g.groupby("year", as_index=False, sort=True)[["towns", "compliant"]].sum()
    out["rate"] = out["compliant"] / out["towns"]
    return out[["year", "towns", "compliant", "rate"]]

