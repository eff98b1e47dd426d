"""镇街 as the unit of comparison: every headline measure per counted town, the district's
median and each town's rank, and the two districts side by side.

What is counted (统计口径; each measure is also a metric id of ``ui/metrics.py``):

* The period is the filter's year, 1 January .. min(31 December, ``as_of``); with no year,
  everything up to ``as_of``. Only counted towns (``towns.counted``) are listed.
* congress / review / deputy_voter / publicity / activities / participants: activities of
  the town in the period (the same kinds as the 三会制度 and participation pages).
* visits / enterprises / person_times / opinions: enterprise visits of the town in the
  period, the distinct enterprises visited, the deputies' person-times, and the opinions
  attached to those visits; opinion_resolution_rate = resolved opinions ÷ opinions.
* micro_submitted = micro-suggestions submitted in the period; micro_solved = closed as
  SOLVED with ``closed_on`` in the period (the overview's rule); micro_closing_rate = of
  those submitted in the period, CLOSED ÷ accepted (the 码上办 page's rule).
* formal = formal suggestions assigned in the period whose lead deputy sits in the town.
* deputies / stations: deputies with the town; stations of the town opened by the period's
  end (or undated). sites_accepted = practice sites accepted by the period's end; covered =
  1 when there is at least one (the full-coverage rule).
* Median and rank are over the counted towns of the same district. Rank 1 is the highest
  value; ties share the best rank ("1, 2, 2, 4"). A rate with no denominator (no opinions)
  has no value and no rank, and is left out of the median.
* Per 100 deputies (:func:`district_comparison`): the district's total ÷ its deputies × 100;
  per town: the total ÷ its counted towns.
* The profile's lists (stations, activities, visits, micro-suggestions) hold the records
  its measures count, with free text masked; its statutory, coverage and practice-site
  rows are those of the 三会制度, 全覆盖进度 and 阵地与观摩 pages' own queries, so a town's
  profile never disagrees with them.
* A user's **scope** (:mod:`warehouse.filters`) narrows everything to the scope's towns: a
  median and a rank are then among the towns the user may see, a district's total in the
  comparison is the total of those towns, and a town outside the scope has no profile,
  no list and no trend. The profile's lists are individual records: refused to a role
  without records, their text in clear only for ``Filters.unmasked``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from warehouse.db import has_place_columns
from warehouse.filters import Filters, ensure_records, scope_where, where
from warehouse.frames import dates
from warehouse.privacy import mask_series
from warehouse.queries import rollout, sites, statutory

# Measures per town, in the order pages list them. Every one is "higher is better".
MEASURES: tuple[str, ...] = (
    "congress", "review", "deputy_voter", "publicity", "activities", "participants",
    "visits", "enterprises", "person_times", "opinions", "opinion_resolution_rate",
    "micro_submitted", "micro_solved", "micro_closing_rate", "formal",
    "deputies", "stations", "sites_accepted", "covered",
)
RATES = frozenset({"opinion_resolution_rate", "micro_closing_rate"})
# Measures that are states rather than counts of the period's records: not normalised.
STATES = frozenset({"deputies", "stations", "sites_accepted", "covered"})
# Measures the district comparison normalises per town and per 100 deputies.
COUNTS = tuple(m for m in MEASURES if m not in RATES and m not in STATES)
TOWN_COLUMNS = ["district", "town", "town_type", "town_code", *MEASURES]

_FAR_PAST = dt.date(1900, 1, 1)
_FAR_FUTURE = dt.date(9999, 12, 31)


def period(f: Filters) -> tuple[dt.date, dt.date]:
    """The first and last day the filter's figures cover."""
    if f.year is None:
        return _FAR_PAST, (f.as_of or _FAR_FUTURE)
    end = dt.date(f.year, 12, 31)
    return dt.date(f.year, 1, 1), (min(end, f.as_of) if f.as_of else end)


# Every measure per (town, period). ``p`` lists the periods: one row (``y`` = 0) for the
# filter's period, or one per year for a trend; ``{y_*}`` is each record's period key (0, or
# the year of its date) and the records are read once over ``$start .. $end``, the union of
# the periods. States (stations, accepted sites) are counted as of each period's end.
_TOWN_MEASURES = """
WITH p AS (
    {periods}
), t AS (
    SELECT district, town, town_type, town_code, p.y, p.p_end
    FROM towns CROSS JOIN p WHERE counted AND {town_where}
), a AS (
    SELECT a.district, a.town, {y_a} AS y,
        count(*) FILTER (WHERE a.kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')) AS congress,
        count(*) FILTER (WHERE a.kind = 'WORK_REVIEW') AS review,
        count(*) FILTER (WHERE a.kind = 'DEPUTY_VOTER') AS deputy_voter,
        count(*) FILTER (WHERE a.kind = 'PUBLICITY') AS publicity,
        count(*) AS activities,
        coalesce(sum(a.participants), 0) AS participants
    FROM activities a SEMI JOIN t USING (district, town)
    WHERE {dist_a} AND a.date BETWEEN $start AND $end GROUP BY ALL
), v AS (
    SELECT v.district, v.town, {y_v} AS y, count(*) AS visits, count(DISTINCT v.enterprise) AS enterprises,
        sum(v.province_deputies + v.city_deputies + v.district_deputies + v.town_deputies) AS person_times
    FROM enterprise_visits v SEMI JOIN t USING (district, town)
    WHERE {dist_v} AND v.date BETWEEN $start AND $end GROUP BY ALL
), o AS (
    SELECT v.district, v.town, {y_v} AS y, count(*) AS opinions,
        count(*) FILTER (WHERE o.status = 'RESOLVED') AS resolved
    FROM enterprise_opinions o JOIN enterprise_visits v USING (visit_id) SEMI JOIN t USING (district, town)
    WHERE {dist_v} AND {dist_o} AND v.date BETWEEN $start AND $end GROUP BY ALL
), ms AS (
    SELECT m.district, m.town, {y_ms} AS y, count(*) AS micro_submitted,
        count(*) FILTER (WHERE m.status = 'CLOSED') AS micro_closed,
        count(*) FILTER (WHERE m.status IN ('ACCEPTED', 'ASSIGNED', 'IN_PROGRESS', 'REPLIED', 'CLOSED'))
            AS micro_accepted
    FROM micro_suggestions m SEMI JOIN t USING (district, town)
    WHERE {dist_m} AND m.submitted_on BETWEEN $start AND $end GROUP BY ALL
), mc AS (
    SELECT m.district, m.town, {y_mc} AS y, count(*) AS micro_solved
    FROM micro_suggestions m SEMI JOIN t USING (district, town)
    WHERE {dist_m} AND m.status = 'CLOSED' AND m.outcome = 'SOLVED' AND m.closed_on BETWEEN $start AND $end
    GROUP BY ALL
), fs AS (
    SELECT d.district, d.town, {y_fs} AS y, count(*) AS formal
    FROM formal_suggestions s JOIN deputies d ON d.deputy_id = s.deputy_id
    SEMI JOIN t ON t.district = d.district AND t.town = d.town
    WHERE {dist_d} AND s.assigned_on BETWEEN $start AND $end GROUP BY ALL
), dp AS (
    SELECT d.district, d.town, count(*) AS deputies FROM deputies d SEMI JOIN t USING (district, town)
    WHERE {dist_d} GROUP BY ALL
), st AS (
    SELECT t.district, t.town, t.y, count(*) AS stations FROM stations s JOIN t USING (district, town)
    WHERE {dist_s} AND (s.opened_on IS NULL OR s.opened_on <= t.p_end) GROUP BY ALL
), ps AS (
    SELECT t.district, t.town, t.y, count(*) AS sites_accepted FROM practice_sites p JOIN t USING (district, town)
    WHERE {dist_p} AND p.stage = 'ACCEPTED' AND p.accepted_on <= t.p_end GROUP BY ALL
)
SELECT t.y, t.district, t.town, t.town_type, t.town_code,
    coalesce(a.congress, 0) AS congress, coalesce(a.review, 0) AS review,
    coalesce(a.deputy_voter, 0) AS deputy_voter, coalesce(a.publicity, 0) AS publicity,
    coalesce(a.activities, 0) AS activities, coalesce(a.participants, 0) AS participants,
    coalesce(v.visits, 0) AS visits, coalesce(v.enterprises, 0) AS enterprises,
    coalesce(v.person_times, 0) AS person_times, coalesce(o.opinions, 0) AS opinions,
    CAST(o.resolved AS DOUBLE) / nullif(o.opinions, 0) AS opinion_resolution_rate,
    coalesce(ms.micro_submitted, 0) AS micro_submitted, coalesce(mc.micro_solved, 0) AS micro_solved,
    CAST(ms.micro_closed AS DOUBLE) / nullif(ms.micro_accepted, 0) AS micro_closing_rate,
    coalesce(fs.formal, 0) AS formal, coalesce(dp.deputies, 0) AS deputies,
    coalesce(st.stations, 0) AS stations, coalesce(ps.sites_accepted, 0) AS sites_accepted,
    CASE WHEN coalesce(ps.sites_accepted, 0) > 0 THEN 1 ELSE 0 END AS covered
FROM t
LEFT JOIN a USING (district, town, y) LEFT JOIN v USING (district, town, y) LEFT JOIN o USING (district, town, y)
LEFT JOIN ms USING (district, town, y) LEFT JOIN mc USING (district, town, y)
LEFT JOIN fs USING (district, town, y) LEFT JOIN dp USING (district, town)
LEFT JOIN st USING (district, town, y) LEFT JOIN ps USING (district, town, y)
ORDER BY t.y, min(t.town_code) OVER (PARTITION BY t.y, t.district) NULLS LAST, t.district, t.town_code NULLS LAST,
    t.town
"""

# The period key of each fact CTE's records, by the date it is counted on.
_PERIOD_DATES = {"y_a": "a.date", "y_v": "v.date", "y_ms": "m.submitted_on", "y_mc": "m.closed_on",
                 "y_fs": "s.assigned_on"}


def _districts_in(col: str, f: Filters, districts: tuple[str, ...]) -> tuple[str, dict[str, object]]:
    """``col`` narrowed to the filter's district, or else to ``districts`` when given (each
    a bound parameter, so that DuckDB skips the row groups of other districts by their
    min/max: a constant IN list is pushed into the scan, a list parameter is not)."""
    if f.district is not None:
        return f"{col} = $district", {}
    if districts:
        names = [f"d{i}" for i in range(len(districts))]
        return f"{col} IN ({', '.join('$' + n for n in names)})", dict(zip(names, districts, strict=True))
    return "TRUE", {}


def town_measures(con: duckdb.DuckDBPyConnection, f: Filters, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per counted town of the filter's district(s) (and towns, if chosen): every
    measure of :data:`MEASURES` for the filter's period. Columns :data:`TOWN_COLUMNS`.
    With no district in the filter, ``districts`` (when given) narrows to those districts."""
    start, end = period(f)
    df = _measures(con, f, districts, "SELECT 0 AS y, CAST($end AS DATE) AS p_end", start, end, {})
    return df[TOWN_COLUMNS]


def town_measures_by_year(con: duckdb.DuckDBPyConnection, f: Filters, first: int, last: int) -> pd.DataFrame:
    """:func:`town_measures` for each year ``first`` .. ``last`` (each to 31 December or
    ``as_of``; the filter's own year is not used), in one reading of the records: columns
    ``year`` and :data:`TOWN_COLUMNS`, by year then in :func:`town_measures`' order."""
    start, _ = period(replace(f, year=first))
    _, end = period(replace(f, year=last))
    periods = ("SELECT y, CASE WHEN $as_of IS NULL THEN make_date(y, 12, 31) "
               "ELSE least(make_date(y, 12, 31), CAST($as_of AS DATE)) END AS p_end "
               "FROM range(CAST($first AS BIGINT), CAST($last AS BIGINT) + 1) r(y)")
    df = _measures(con, f, (), periods, start, end, {"first": first, "last": last, "as_of": f.as_of}, by_year=True)
    return df.rename(columns={"y": "year"})[["year", *TOWN_COLUMNS]].astype({"year": "int64"})


def _measures(con: duckdb.DuckDBPyConnection, f: Filters, districts: tuple[str, ...], periods: str,
              start: dt.date, end: dt.date, params: dict[str, object], by_year: bool = False) -> pd.DataFrame:
    town_where, p = where(f, year_col=None)
    # The district also narrows each fact relation directly (not only through the join
    # with ``t``): DuckDB then skips the row groups of other districts by their min/max.
    dist, dp = {}, {}
    for x in "avmdsp":
        dist[f"dist_{x}"], dp = _districts_in(f"{x}.district", f, districts)
    # An opinion's district is its visit's, stored with it by the load (not in older warehouses).
    dist["dist_o"] = _districts_in("o._district", f, districts)[0] if has_place_columns(con) else "TRUE"
    town_where = f"{town_where} AND {_districts_in('district', f, districts)[0]}"
    keys = {k: (f"CAST(year({col}) AS BIGINT)" if by_year else "0") for k, col in _PERIOD_DATES.items()}
    df = con.execute(_TOWN_MEASURES.format(periods=periods, town_where=town_where, **dist, **keys),
                     {**p, **dp, **params, "start": start, "end": end}).df()
    return df.astype({m: "float64" if m in RATES else "int64" for m in MEASURES})  # (one copy, not 19)


def _long(wide: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """``wide.melt(id_vars=ids, value_vars=MEASURES, var_name="measure", value_name="value")``
    with the values as float64 — built from one array (melt took ~8 ms for a district's towns,
    twice on the town page)."""
    n = len(wide)
    out = wide[ids].take(np.tile(np.arange(n), len(MEASURES))).reset_index(drop=True)
    out["measure"] = pd.array(np.repeat(np.array(MEASURES, dtype=object), n), dtype="str")
    out["value"] = wide[list(MEASURES)].to_numpy(dtype="float64", na_value=np.nan).T.reshape(-1)
    return out


def rank_desc(values: pd.Series) -> pd.Series:
    """Competition rank, highest first, ties sharing the best rank (1, 2, 2, 4); NaN
    values get no rank (<NA>)."""
    return values.rank(method="min", ascending=False, na_option="keep").astype("Int64")


def town_ranks(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Long frame, one row per (town, measure) of the filter's district(s): ``district``,
    ``town``, ``measure``, ``value``, ``median`` (of the district's towns), ``rank`` (within
    the district), ``towns`` (how many towns were ranked on the measure). The town filter
    is ignored: a rank is always among the whole district."""
    wide = _year_measures(con, replace(f, towns=()))  # the whole district — as far as the scope sees
    if wide.empty:
        return pd.DataFrame({"district": pd.Series(dtype="object"), "town": pd.Series(dtype="object"),
                             "measure": pd.Series(dtype="object"), "value": pd.Series(dtype="float64"),
                             "median": pd.Series(dtype="float64"), "rank": pd.Series(dtype="Int64"),
                             "towns": pd.Series(dtype="int64")})
    long = _long(wide, ["district", "town"])
    g = long.groupby(["district", "measure"])["value"]
    long["median"] = g.transform("median")
    long["rank"] = g.rank(method="min", ascending=False, na_option="keep").astype("Int64")
    long["towns"] = g.transform("count").astype("int64")
    return long


def _year_measures(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """:func:`town_measures` of ``f`` — for a filter with a year, read from the very statement
    :func:`town_trend` sends (each year of :func:`town_measures_by_year` is the period
    :func:`town_measures` counts, states as of its end): the town profile asks the
    warehouse once for its figures and its trend (one statement of ten relations less)."""
    if f.year is None:
        return town_measures(con, f)
    first, last = _trend_years(con, f)
    if first > last:  # no activity of the district up to the year: no trend to share
        return town_measures(con, f)
    wide = town_measures_by_year(con, f, first, last)
    return wide[wide["year"] == f.year][TOWN_COLUMNS].reset_index(drop=True)


def town_profile(con: duckdb.DuckDBPyConnection, f: Filters, town: str) -> pd.DataFrame:
    """The town's value of every measure beside its district's median and its rank among
    the district's towns: ``measure``, ``value``, ``median``, ``rank``, ``towns``, in
    :data:`MEASURES` order. Empty when the town is not a counted town of ``f.district``."""
    ranks = town_ranks(con, f)
    mine = ranks[ranks["town"] == town]
    if f.district is not None:
        mine = mine[mine["district"] == f.district]
    order = {m: i for i, m in enumerate(MEASURES)}
    mine = mine.assign(_o=mine["measure"].map(order)).sort_values("_o")
    return mine[["measure", "value", "median", "rank", "towns"]].reset_index(drop=True)


def town_ranking(con: duckdb.DuckDBPyConnection, f: Filters, measure: str, per_deputies: bool = False) -> pd.DataFrame:
    """Towns ranked by one measure (highest first; ties share a rank): ``district``,
    ``town``, ``value``, ``deputies``, ``rank``, ``median`` (of the towns listed). With
    ``per_deputies`` the value is per 100 of the town's deputies (NaN when it has none).
    With no district chosen, the ranking runs across every district's towns."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    wide = town_measures(con, f)
    value = wide[measure].astype("float64")
    if per_deputies and measure not in RATES and measure not in STATES:
        value = value / wide["deputies"].where(wide["deputies"] > 0) * 100
    out = pd.DataFrame({"district": wide["district"], "town": wide["town"], "value": value,
                        "deputies": wide["deputies"]})
    out["rank"] = rank_desc(out["value"])
    out["median"] = float(out["value"].median()) if out["value"].notna().any() else np.nan
    return out.sort_values(["rank", "district", "town"], na_position="last", kind="stable").reset_index(drop=True)


def town_trend(con: duckdb.DuckDBPyConnection, f: Filters, town: str, years: int = 5) -> pd.DataFrame:
    """The town's measures in each of the last ``years`` years up to the filter's year (or
    the data's last year), each year to 31 December or ``as_of``; and the district median
    of each. Years before the district's first activity are left out. Long frame ``year``,
    ``measure``, ``value``, ``median``."""
    first, last = _trend_years(con, f, years)
    wide = town_measures_by_year(con, replace(f, towns=()), first, last)  # the medians: the whole district
    long = _long(wide, ["year", "district", "town"])
    long["median"] = long.groupby(["year", "district", "measure"])["value"].transform("median")
    order = {m: i for i, m in enumerate(MEASURES)}
    out = long[long["town"] == town].assign(_o=lambda d: d["measure"].map(order))
    out = out.sort_values(["year", "district", "_o"], kind="stable")[["year", "measure", "value", "median"]]
    return out.reset_index(drop=True).astype({"year": "int64"})


def _trend_years(con: duckdb.DuckDBPyConnection, f: Filters, years: int = 5) -> tuple[int, int]:
    """The first and last year of :func:`town_trend`: the last ``years`` up to the filter's
    year (or the data's last), none before the district's first activity."""
    last = f.year or (f.as_of.year if f.as_of else None)
    visible, sp = scope_where(f, "town")  # years of the scope's records only
    if last is None:
        row = con.execute(f"SELECT max(year) FROM activities WHERE {visible}", sp).fetchone()
        last = row[0] if row and row[0] else dt.date.today().year
    row = con.execute(f"SELECT min(year) FROM activities WHERE ($district IS NULL OR district = $district) "
                      f"AND {visible}", {"district": f.district, **sp}).fetchone()
    return max(last - years + 1, row[0] if row and row[0] else last), last  # no zero years before the data


def deputies_by_level(con: duckdb.DuckDBPyConnection, f: Filters, town: str) -> pd.DataFrame:
    """The town's deputies by level: ``level``, ``deputies`` (levels in contract order);
    nothing for a town outside the user's scope."""
    visible, sp = scope_where(f, "town")
    return con.execute(
        f"""SELECT level, count(*) AS deputies FROM deputies
        WHERE town = $town AND ($district IS NULL OR district = $district) AND {visible}
        GROUP BY level ORDER BY CASE level WHEN 'NATIONAL' THEN 1 WHEN 'PROVINCE' THEN 2 WHEN 'CITY' THEN 3
            WHEN 'DISTRICT' THEN 4 WHEN 'TOWN' THEN 5 ELSE 6 END""",
        {"town": town, "district": f.district, **sp}).df()


def district_comparison(con: duckdb.DuckDBPyConnection, f: Filters, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """The districts side by side on every measure for the filter's year: one row per
    (district, measure) with ``total`` (sum over its counted towns; for a rate, the
    rate over all its records), ``towns``, ``deputies``, ``per_town`` and
    ``per_100_deputies`` (counts only; NaN for rates and states). ``districts`` narrows
    the list (default: every district). For a scoped user a district is the scope's
    towns of it (and only the scope's districts are listed)."""
    whole = replace(f, district=None, towns=())
    wide = town_measures(con, whole, districts)
    if wide.empty:
        return pd.DataFrame(columns=["district", "measure", "total", "towns", "deputies", "per_town",
                                     "per_100_deputies"])
    rates = _district_rates(con, whole, districts)
    rows = []
    for district, g in wide.groupby("district", sort=False):
        n_towns, n_dep = len(g), int(g["deputies"].sum())
        for m in MEASURES:
            if m in RATES:
                total = rates.get((district, m), np.nan)
            else:
                total = float(g[m].sum())
            normalise = m in COUNTS
            rows.append({"district": district, "measure": m, "total": total, "towns": n_towns, "deputies": n_dep,
                         "per_town": total / n_towns if normalise and n_towns else np.nan,
                         "per_100_deputies": total / n_dep * 100 if normalise and n_dep else np.nan})
    return pd.DataFrame(rows)


def _district_rates(con: duckdb.DuckDBPyConnection, f: Filters, districts: tuple[str, ...] = ()
                    ) -> dict[tuple[str, str], float]:
    start, end = period(f)
    out: dict[tuple[str, str], float] = {}
    vis_v, sp = scope_where(f, "v.town")
    vis_m, _ = scope_where(f, "m.town")
    in_v, dp = _districts_in("v.district", f, districts)
    in_m, _ = _districts_in("m.district", f, districts)
    if has_place_columns(con):  # the opinions narrowed by their stored place too: row groups skipped
        in_v = f"{in_v} AND {_districts_in('o._district', f, districts)[0]}"
    vis_v, vis_m, sp = f"{vis_v} AND {in_v}", f"{vis_m} AND {in_m}", {**sp, **dp}
    for district, rate in con.execute(
            f"""SELECT v.district, CAST(count(*) FILTER (WHERE o.status = 'RESOLVED') AS DOUBLE) / count(*)
            FROM enterprise_opinions o JOIN enterprise_visits v USING (visit_id)
            JOIN towns t ON t.district = v.district AND t.town = v.town AND t.counted
            WHERE v.date BETWEEN $start AND $end AND {vis_v} GROUP BY v.district""",
            {"start": start, "end": end, **sp}).fetchall():
        out[(district, "opinion_resolution_rate")] = rate
    for district, rate in con.execute(
            f"""SELECT m.district, CAST(count(*) FILTER (WHERE m.status = 'CLOSED') AS DOUBLE)
                / nullif(count(*) FILTER (WHERE m.status IN ('ACCEPTED', 'ASSIGNED', 'IN_PROGRESS', 'REPLIED',
                                                             'CLOSED')), 0)
            FROM micro_suggestions m JOIN towns t ON t.district = m.district AND t.town = m.town AND t.counted
            WHERE m.submitted_on BETWEEN $start AND $end AND {vis_m} GROUP BY m.district""",
            {"start": start, "end": end, **sp}).fetchall():
        out[(district, "micro_closing_rate")] = rate
    return out


# --------------------------------------------------------------------------------------
# The profile of one town (镇街画像): its lists and statuses
# --------------------------------------------------------------------------------------
#
# Every list below is of one counted town of the filter's district, over the period of
# :func:`period` (the year to 31 December or ``as_of``); free text (an activity's topic, a
# micro-suggestion's content) is masked (warehouse.privacy) before it leaves this module.

STATION_COLUMNS = ["station_id", "name", "kind", "opened_on", "upgraded_on", "theme"]
ACTIVITY_COLUMNS = ["activity_id", "date", "kind", "venue", "topic", "participants", "opinions"]
VISIT_COLUMNS = ["visit_id", "date", "enterprise", "industry", "person_times", "questionnaire", "opinions",
                 "resolved"]
MICRO_COLUMNS = ["suggestion_id", "submitted_on", "category", "status", "closed_on", "outcome", "content"]
STATUTORY_COLUMNS = ["year", "congress", "review", "deputy_voter", "congress_ok", "review_ok", "compliant",
                     "status", "months_left"]

# The town's row of the towns relation, counted only: a list never shows an uncounted
# town's records, like every statistic.
_TOWN = "JOIN towns t ON t.district = x.district AND t.town = x.town AND t.counted"
_MINE = "x.town = $town AND ($district IS NULL OR x.district = $district) AND {visible}"


def _mine(f: Filters, town: str, **params: object) -> tuple[str, dict[str, object]]:
    """The condition of one town's records (a town outside the user's scope has none) and
    its parameters; refuses a role without individual records."""
    ensure_records(f)
    visible, sp = scope_where(f, "x.town")
    return _MINE.format(visible=visible), {"town": town, "district": f.district, **sp, **params}


def _limit(limit: int | None) -> int:
    # DuckDB's LIMIT takes a bound parameter; "no limit" is the largest BIGINT.
    return 2 ** 63 - 1 if limit is None else max(int(limit), 0)


def town_stations(con: duckdb.DuckDBPyConnection, f: Filters, town: str) -> pd.DataFrame:
    """The town's stations (阵地) the ``stations`` measure counts — opened by the period's
    end, or undated: :data:`STATION_COLUMNS`, by kind (家 站 点 室 …), then opening date."""
    _, end = period(f)
    mine, p = _mine(f, town, end=end)
    df = con.execute(
        f"""SELECT x.station_id, x.name, x.kind, x.opened_on, x.upgraded_on, x.theme
        FROM stations x {_TOWN}
        WHERE {mine} AND (x.opened_on IS NULL OR x.opened_on <= $end)
        ORDER BY CASE x.kind WHEN 'HOME' THEN 1 WHEN 'STATION' THEN 2 WHEN 'POINT' THEN 3 WHEN 'STUDIO' THEN 4
            WHEN 'PRACTICE_BASE' THEN 5 ELSE 6 END, x.opened_on NULLS LAST, x.station_id""",
        p).df()
    for c in ("opened_on", "upgraded_on"):
        df[c] = dates(df[c])
    return df[STATION_COLUMNS]


def town_activities(con: duckdb.DuckDBPyConnection, f: Filters, town: str, limit: int | None = None) -> pd.DataFrame:
    """The town's activities of the period, newest first (``limit`` rows; all with None):
    :data:`ACTIVITY_COLUMNS`, the topic masked."""
    start, end = period(f)
    mine, p = _mine(f, town, start=start, end=end, limit=_limit(limit))
    df = con.execute(
        f"""SELECT x.activity_id, x.date, x.kind, x.venue, x.topic, x.participants, x.opinions
        FROM activities x {_TOWN}
        WHERE {mine} AND x.date BETWEEN $start AND $end
        ORDER BY x.date DESC, x.activity_id DESC NULLS LAST LIMIT $limit""", p).df()
    df["date"] = dates(df["date"])
    if not f.unmasked:
        df["topic"] = mask_series(df["topic"])
    for c in ("participants", "opinions"):
        df[c] = df[c].astype("int64")
    return df[ACTIVITY_COLUMNS]


def _opinions_of_town(con: duckdb.DuckDBPyConnection, f: Filters) -> str:
    """The opinions ``o`` of ``$town`` (and ``$district``) by the place stored with each
    (row groups of other places skipped); ``TRUE`` in a warehouse written before it was."""
    if not has_place_columns(con):
        return "TRUE"
    return "o._town = $town" + (" AND o._district = $district" if f.district is not None else "")


def town_visits(con: duckdb.DuckDBPyConnection, f: Filters, town: str, limit: int | None = None) -> pd.DataFrame:
    """The town's enterprise visits of the period, newest first: :data:`VISIT_COLUMNS`
    (``person_times`` = deputies of every level; ``opinions`` attached, ``resolved`` of them)."""
    start, end = period(f)
    mine, p = _mine(f, town, start=start, end=end, limit=_limit(limit))
    df = con.execute(
        f"""SELECT x.visit_id, x.date, x.enterprise, x.industry,
            x.province_deputies + x.city_deputies + x.district_deputies + x.town_deputies AS person_times,
            x.questionnaire, coalesce(op.opinions, 0) AS opinions, coalesce(op.resolved, 0) AS resolved
        FROM enterprise_visits x {_TOWN}
        LEFT JOIN (SELECT o.visit_id, count(*) AS opinions, count(*) FILTER (WHERE o.status = 'RESOLVED') AS resolved
                   FROM enterprise_opinions o WHERE {_opinions_of_town(con, f)} GROUP BY o.visit_id) op
            ON op.visit_id = x.visit_id
        WHERE {mine} AND x.date BETWEEN $start AND $end
        ORDER BY x.date DESC, x.visit_id DESC LIMIT $limit""", p).df()
    df["date"] = dates(df["date"])
    if not f.unmasked:
        df["enterprise"] = mask_series(df["enterprise"])
    for c in ("person_times", "opinions", "resolved"):
        df[c] = df[c].astype("int64")
    df["questionnaire"] = df["questionnaire"].astype("boolean")
    return df[VISIT_COLUMNS]


def town_micro_suggestions(con: duckdb.DuckDBPyConnection, f: Filters, town: str,
                           limit: int | None = None) -> pd.DataFrame:
    """The town's micro-suggestions (码上办) submitted in the period, newest first:
    :data:`MICRO_COLUMNS`, the content masked."""
    start, end = period(f)
    mine, p = _mine(f, town, start=start, end=end, limit=_limit(limit))
    df = con.execute(
        f"""SELECT x.suggestion_id, x.submitted_on, x.category, x.status, x.closed_on, x.outcome, x.content
        FROM micro_suggestions x {_TOWN}
        WHERE {mine} AND x.submitted_on BETWEEN $start AND $end
        ORDER BY x.submitted_on DESC, x.suggestion_id DESC LIMIT $limit""", p).df()
    for c in ("submitted_on", "closed_on"):
        df[c] = dates(df[c])
    if not f.unmasked:
        df["content"] = mask_series(df["content"])
    return df[MICRO_COLUMNS]


def town_statutory(con: duckdb.DuckDBPyConnection, f: Filters, town: str, years: int = 5) -> pd.DataFrame:
    """The town's statutory meetings in the last ``years`` years up to the filter's year
    (every year with data up to ``as_of`` with no year), newest first — the rows of
    :func:`warehouse.queries.statutory.statutory_by_town`, so both pages agree:
    :data:`STATUTORY_COLUMNS`."""
    df = statutory.statutory_by_town(con, replace(f, year=None, towns=(town,)))
    last = f.year if f.year is not None else (f.as_of.year if f.as_of else None)
    if last is not None:
        df = df[(df["year"] <= last) & (df["year"] > last - years)]
    return df.sort_values("year", ascending=False)[STATUTORY_COLUMNS].reset_index(drop=True)


def town_rollout(con: duckdb.DuckDBPyConnection, f: Filters, town: str) -> pd.DataFrame:
    """The town's row of :func:`warehouse.queries.rollout.rollout_by_town` (its best
    practice site on the year's evaluation date and its three-colour status, judged for
    the whole district); empty when the town is not counted or there is no date."""
    return rollout.rollout_by_town(con, replace(f, towns=(town,)))


def town_sites(con: duckdb.DuckDBPyConnection, f: Filters, town: str) -> pd.DataFrame:
    """The town's practice sites as the 阵地与观摩 page lists them
    (:func:`warehouse.queries.sites.practice_sites_assessed`): started by the year's end,
    with their stage on the evaluation date; ``rank`` is among the whole district's sites."""
    df = sites.practice_sites_assessed(con, replace(f, towns=()))
    return df[df["town"] == town].reset_index(drop=True)
