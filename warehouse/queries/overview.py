"""领导总览: the headline figures of a district and year, their five-year trend and the
list of what needs a leader's attention.

What is counted (统计口径; the same rules are in ``ui/metrics.py`` and the data dictionary):

* Only records of **counted towns** (``towns.counted``) enter any figure, so a district's
  total is the sum over the towns its filter lists (and equals the 三会制度 page's totals).
  A district filter of ``None`` sums every district.
* A year is the period 1 January .. min(31 December, ``as_of``). The comparison is the
  previous year; while the selected year is not over in the data (``f.year_over`` is
  False) it is the **same period** of the previous year (1 January .. the same month-day).
  When the warehouse holds nothing for the previous year in scope, there is no comparison
  (``previous`` is NaN) rather than a misleading "+100 %".
* 三会 (congress, review, deputy_voter, compliance) of the selected year and of a full
  previous year come from :mod:`warehouse.queries.statutory`, so the overview and the
  三会制度 page can never disagree; only the same-period comparison is counted here, with
  the same minimums (``statutory.MIN_CONGRESS`` / ``MIN_REVIEW``).
* participants = sum of ``activities.participants``; publicity = activities of kind
  PUBLICITY and their participants.
* visits = enterprise-visit rows; enterprises = distinct enterprise names; person_times =
  province + city + district + town deputies; opinions_enterprise / opinions_deputy =
  opinions (by ``source``) attached to the period's visits.
* micro_solved = micro-suggestions with status CLOSED, outcome SOLVED and ``closed_on`` in
  the period (whenever they were submitted).
* coverage = counted towns with at least one practice site at stage ACCEPTED whose
  ``accepted_on`` is on or before the period's end; its target is
  ``rollout_plan.target_towns`` of the year (summed over districts). The plan is a
  district's, so with a town filter there is no target.
* Overdue micro-suggestion: open at ``as_of`` (status not CLOSED / REJECTED), submitted
  in the selected year, and more than 7 working days after ``submitted_on`` up to
  ``as_of`` — Monday to Friday, minus the public holidays and plus the make-up working
  days of ``config/holidays.csv`` (:mod:`warehouse.workdays`, the calendar every time
  limit of the project uses).
* A user's scope (:mod:`warehouse.filters`) narrows every figure to the scope's towns; the
  rollout plan is a district's, so a scoped user gets no coverage target and no rollout
  finding, as with a town filter.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from warehouse import workdays
from warehouse.filters import Filters, ensure_records, where
from warehouse.frames import records
from warehouse.queries import statutory
from warehouse.queries.common import has_rollup, has_summary, opinions_of_district

# The headline KPIs (rows of headline_kpis; the page groups them). Each id is also a metric id
# of ``ui/metrics.py`` (its definition is the card's tooltip).
KPIS: tuple[str, ...] = (
    "congress", "review", "deputy_voter", "compliance",
    "participants", "publicity", "publicity_participants",
    "visits", "enterprises", "person_times", "opinions_enterprise", "opinions_deputy",
    "micro_solved", "coverage",
)
STATUTORY_KPIS = ("congress", "review", "deputy_voter", "compliance")
# KPIs that count the year's own records (coverage is a running state, compliance a ratio):
# when all are zero, the year holds nothing for the scope.
RECORD_KPIS = tuple(k for k in KPIS if k not in ("compliance", "coverage"))
RATE_KPIS = frozenset({"compliance"})
OVERDUE_WORKING_DAYS = 7
OPEN_EXCLUDED = ("CLOSED", "REJECTED")
SEVERITIES = ("red", "amber", "green")
ATTENTION_KINDS = ("statutory", "rollout", "micro_overdue")
# The page (its st.Page url_path) that explains each kind of entry.
ATTENTION_PAGES = {"statutory": "statutory", "rollout": "rollout", "micro_overdue": "micro"}
ATTENTION_COLUMNS = ["severity", "kind", "metric", "district", "town", "year", "value", "target", "expected",
                     "months_left", "oldest_days", "page", "query_params"]


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------

def _shift_year(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February -> 28 February
        return d.replace(year=d.year + years, day=28)


def year_end(year: int, as_of: dt.date | None) -> dt.date:
    """The last day of ``year`` that the data covers: 31 December, or ``as_of`` if earlier."""
    end = dt.date(year, 12, 31)
    return min(end, as_of) if as_of is not None else end


def comparison_window(f: Filters) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(start, end, previous start, previous end) of the selected year and its comparison:
    the whole previous year when the year is over in the data, else the same period."""
    if f.year is None:
        raise ValueError("the overview compares one year with the previous one: choose a year")
    start, end = dt.date(f.year, 1, 1), year_end(f.year, f.as_of)
    prev_start = dt.date(f.year - 1, 1, 1)
    prev_end = dt.date(f.year - 1, 12, 31) if f.year_over else _shift_year(end, -1)
    return start, end, prev_start, prev_end


# --------------------------------------------------------------------------------------
# Measures over date windows (one SQL statement for any number of periods)
# --------------------------------------------------------------------------------------

# The periods (p), the counted towns in scope (t) and, per period, the towns covered and the
# plan's target: shared by all the KPIs (_WINDOW_MEASURES); _COVERAGE_BY_DISTRICT, per district, must agree.
_PERIODS_AND_TOWNS = """
WITH p AS (
    SELECT unnest($labels) AS period, unnest($plan_years) AS plan_year,
           CAST(unnest($starts) AS DATE) AS start_d, CAST(unnest($ends) AS DATE) AS end_d
), t AS (
    SELECT district, town FROM towns WHERE counted AND {town_where}
)"""
_COVERAGE_CTES = """covered AS (
    SELECT p.period, count(DISTINCT (t.district, t.town)) AS coverage
    FROM p JOIN practice_sites s ON s.stage = 'ACCEPTED' AND s.accepted_on <= p.end_d
    JOIN t ON t.district = s.district AND t.town = s.town
    GROUP BY p.period
), plan AS (
    SELECT p.period, sum(r.target_towns) AS coverage_target
    FROM p JOIN rollout_plan r ON r.year = p.plan_year
    WHERE r.district IN (SELECT district FROM t)
    GROUP BY p.period
)"""

# The same coverage and target per district of ``$districts`` (the rollout check of many
# districts in one statement: one statement per district took 37 s for 2,800 of them).
_COVERAGE_BY_DISTRICT = _PERIODS_AND_TOWNS + """, d AS (
    SELECT unnest($districts) AS district
), covered AS (
    SELECT p.period, t.district, count(DISTINCT t.town) AS coverage
    FROM p JOIN practice_sites s ON s.stage = 'ACCEPTED' AND s.accepted_on <= p.end_d
    JOIN t ON t.district = s.district AND t.town = s.town
    WHERE t.district IN (SELECT district FROM d)
    GROUP BY p.period, t.district
), plan AS (
    SELECT p.period, r.district, sum(r.target_towns) AS coverage_target
    FROM p JOIN rollout_plan r ON r.year = p.plan_year
    WHERE r.district IN (SELECT district FROM t) AND r.district IN (SELECT district FROM d)
    GROUP BY p.period, r.district
)
SELECT d.district, p.period, coalesce(covered.coverage, 0) AS coverage, plan.coverage_target
FROM d CROSS JOIN p LEFT JOIN covered USING (period, district) LEFT JOIN plan USING (period, district)
"""

_WINDOW_MEASURES = _PERIODS_AND_TOWNS + """, w AS (
    -- Each period's year when the period holds every activity of that year (then read from
    -- activity_rollup), else NULL (read from the activities themselves).
    SELECT unnest($labels) AS period, CAST(unnest($whole_years) AS INTEGER) AS whole_year
), a AS (
    {rollup_part}
    SELECT p.period, a.district, a.town,
        count(*) FILTER (WHERE a.kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')) AS congress,
        count(*) FILTER (WHERE a.kind = 'WORK_REVIEW') AS review,
        count(*) FILTER (WHERE a.kind = 'DEPUTY_VOTER') AS deputy_voter,
        sum(a.participants) AS participants,
        count(*) FILTER (WHERE a.kind = 'PUBLICITY') AS publicity,
        sum(a.participants) FILTER (WHERE a.kind = 'PUBLICITY') AS publicity_participants
    FROM activities a JOIN p ON a.date BETWEEN p.start_d AND p.end_d
    JOIN w ON w.period = p.period AND w.whole_year IS NULL
    SEMI JOIN t ON t.district = a.district AND t.town = a.town
    WHERE {act_where}
    GROUP BY ALL
), per_town AS (
    SELECT p.period, t.district, t.town, coalesce(a.congress, 0) AS congress, coalesce(a.review, 0) AS review,
        coalesce(a.deputy_voter, 0) AS deputy_voter, coalesce(a.participants, 0) AS participants,
        coalesce(a.publicity, 0) AS publicity, coalesce(a.publicity_participants, 0) AS publicity_participants
    FROM p CROSS JOIN t LEFT JOIN a ON a.period = p.period AND a.district = t.district AND a.town = t.town
), acts AS (
    SELECT period, sum(congress) AS congress, sum(review) AS review, sum(deputy_voter) AS deputy_voter,
        CAST(count(*) FILTER (WHERE congress >= $min_congress AND review >= $min_review) AS DOUBLE)
            / nullif(count(*), 0) AS compliance,
        sum(participants) AS participants, sum(publicity) AS publicity,
        sum(publicity_participants) AS publicity_participants
    FROM per_town GROUP BY period
), v AS (
    SELECT p.period, v.visit_id, v.enterprise,
        v.province_deputies + v.city_deputies + v.district_deputies + v.town_deputies AS person_times
    FROM p JOIN enterprise_visits v ON v.date BETWEEN p.start_d AND p.end_d
    JOIN t ON t.district = v.district AND t.town = v.town
), visits AS (
    SELECT period, count(*) AS visits, count(DISTINCT enterprise) AS enterprises,
        sum(person_times) AS person_times
    FROM v GROUP BY period
), opinions AS (
    SELECT v.period,
        count(*) FILTER (WHERE o.source = 'ENTERPRISE') AS opinions_enterprise,
        count(*) FILTER (WHERE o.source = 'DEPUTY') AS opinions_deputy
    FROM v JOIN enterprise_opinions o USING (visit_id) WHERE {opinion_where} GROUP BY v.period
), micro AS (
    SELECT p.period, count(*) AS micro_solved
    FROM p JOIN micro_suggestions m ON m.closed_on BETWEEN p.start_d AND p.end_d
    JOIN t ON t.district = m.district AND t.town = m.town
    WHERE m.status = 'CLOSED' AND m.outcome = 'SOLVED'
    GROUP BY p.period
), """ + _COVERAGE_CTES + """
SELECT p.period, coalesce(acts.congress, 0) AS congress, coalesce(acts.review, 0) AS review,
    coalesce(acts.deputy_voter, 0) AS deputy_voter, acts.compliance, coalesce(acts.participants, 0) AS participants,
    coalesce(acts.publicity, 0) AS publicity, coalesce(acts.publicity_participants, 0) AS publicity_participants,
    coalesce(visits.visits, 0) AS visits, coalesce(visits.enterprises, 0) AS enterprises,
    coalesce(visits.person_times, 0) AS person_times,
    coalesce(opinions.opinions_enterprise, 0) AS opinions_enterprise,
    coalesce(opinions.opinions_deputy, 0) AS opinions_deputy,
    coalesce(micro.micro_solved, 0) AS micro_solved,
    coalesce(covered.coverage, 0) AS coverage,
    plan.coverage_target
FROM p
LEFT JOIN acts USING (period) LEFT JOIN visits USING (period) LEFT JOIN opinions USING (period)
LEFT JOIN micro USING (period) LEFT JOIN covered USING (period) LEFT JOIN plan USING (period)
ORDER BY p.period
"""


# The activities of the periods that are whole years, from the rollup (the same figures:
# a year's rows of activity_rollup count exactly the activities dated in it).
_ROLLUP_PART = """SELECT w.period, r.district, r.town,
        sum(r.records) FILTER (WHERE r.kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')) AS congress,
        sum(r.records) FILTER (WHERE r.kind = 'WORK_REVIEW') AS review,
        sum(r.records) FILTER (WHERE r.kind = 'DEPUTY_VOTER') AS deputy_voter,
        sum(r.participants) AS participants,
        sum(r.records) FILTER (WHERE r.kind = 'PUBLICITY') AS publicity,
        sum(r.participants) FILTER (WHERE r.kind = 'PUBLICITY') AS publicity_participants
    FROM activity_rollup r JOIN w ON r.year = w.whole_year
    SEMI JOIN t ON t.district = r.district AND t.town = r.town
    WHERE {rollup_where}
    GROUP BY ALL
    UNION ALL"""


def _whole_years(con: duckdb.DuckDBPyConnection, periods: list[tuple[int, int, dt.date, dt.date]]) -> list[int | None]:
    """For each period, its year when it holds every activity of that year — it runs from
    1 January to 31 December, or to a day on or after the year's latest activity in the
    warehouse (``etl_summary``; the usual case: the data's cut-off) — else None. All None
    without ``activity_rollup`` (a warehouse written before it)."""
    if not (has_rollup(con) and has_summary(con)):
        return [None] * len(periods)
    latest = dict(con.execute("SELECT year, max(latest) FROM etl_summary WHERE kind = 'activities' "
                              "AND year IS NOT NULL GROUP BY year").fetchall())
    out: list[int | None] = []
    for _label, _plan, start, end in periods:
        y = start.year
        last = latest.get(y)
        whole = start == dt.date(y, 1, 1) and end.year == y and (
            end == dt.date(y, 12, 31) or last is None or end >= last)
        out.append(y if whole else None)
    return out


def _window_measures(con: duckdb.DuckDBPyConnection, f: Filters,
                     periods: list[tuple[int, int, dt.date, dt.date]]) -> pd.DataFrame:
    """Every KPI for each period ``(label, plan year, start, end)``: one row per period,
    indexed by the label, one column per KPI plus ``coverage_target``."""
    town_where, p = where(f, year_col=None)
    params = {
        **p,
        "labels": [x[0] for x in periods], "plan_years": [x[1] for x in periods],
        "starts": [x[2] for x in periods], "ends": [x[3] for x in periods],
        "min_congress": statutory.MIN_CONGRESS, "min_review": statutory.MIN_REVIEW,
    }
    # Whole years from the rollup pay off across districts (at all 2,800 districts of 10^7
    # activities: the five-year trend 1.7 → 0.6 s); one district's activities are a few row
    # groups already, and the two more statements cost more than they save (~30 ms).
    params["whole_years"] = _whole_years(con, periods) if f.district is None else [None] * len(periods)
    rollup_part = ""
    if any(y is not None for y in params["whole_years"]):
        rollup_where, _ = where(f, "r", year_col=None)
        rollup_part = _ROLLUP_PART.format(rollup_where=rollup_where)
    act_where, _ = where(f, "a", year_col=None)
    df = con.execute(_WINDOW_MEASURES.format(town_where=town_where, act_where=act_where, rollup_part=rollup_part,
                                             opinion_where=opinions_of_district(con, f)),
                     params).df().set_index("period")
    if f.towns or f.scope is not None:  # the plan is a district's: no target for some of its towns
        df["coverage_target"] = np.nan
    return df.astype("float64")


def _coverage_by_district(con: duckdb.DuckDBPyConnection, f: Filters, districts: list[str],
                          periods: list[tuple[int, int, dt.date, dt.date]]) -> dict[tuple[str, int], tuple[int, float]]:
    """``coverage`` and ``coverage_target`` of :func:`_window_measures` for each district of
    ``districts`` on its own (its counted towns and its plan) and each period, in one
    statement: {(district, period): (coverage, target or NaN)}. For the rollout check."""
    town_where, p = where(f, year_col=None)
    rows = con.execute(_COVERAGE_BY_DISTRICT.format(town_where=town_where), {
        **p, "districts": list(districts), "labels": [x[0] for x in periods],
        "plan_years": [x[1] for x in periods], "starts": [x[2] for x in periods], "ends": [x[3] for x in periods],
    }).fetchall()
    return {(d, period): (int(cov), np.nan if tgt is None else float(tgt)) for d, period, cov, tgt in rows}


def _data_years(con: duckdb.DuckDBPyConnection, f: Filters) -> list[int]:
    """Years with any activity, visit or micro-suggestion of the counted towns in scope."""
    town_where, p = where(f, "t", year_col=None)
    # (activity_rollup has a row for every district, town and year of an activity: a sixth
    # of the activities' rows at national scale)
    acts = "activity_rollup" if has_rollup(con) else "activities"
    rows = con.execute(
        f"""WITH t AS (SELECT district, town FROM towns t WHERE counted AND {town_where})
        SELECT DISTINCT year FROM (
            SELECT year, district, town FROM {acts} UNION ALL
            SELECT year, district, town FROM enterprise_visits UNION ALL
            SELECT year, district, town FROM micro_suggestions) r
        JOIN t USING (district, town) WHERE year IS NOT NULL ORDER BY year""", p).fetchall()
    return [r[0] for r in rows]


def _statutory_totals(con: duckdb.DuckDBPyConnection, f: Filters, year: int) -> dict[str, float]:
    """三会 of one year, from the statutory module (NaN when it has nothing to judge)."""
    by_town = statutory.statutory_by_town(con, f.with_year(year))
    if by_town.empty:
        return {k: np.nan for k in STATUTORY_KPIS}
    return {"congress": float(by_town["congress"].sum()), "review": float(by_town["review"].sum()),
            "deputy_voter": float(by_town["deputy_voter"].sum()),
            "compliance": float(by_town["compliant"].sum() / len(by_town))}


def _statutory_targets(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, float]:
    """The statutory minimums as district totals: minimum × counted towns in scope."""
    town_where, p = where(f, year_col=None)
    n = con.execute(f"SELECT count(*) FROM towns WHERE counted AND {town_where}", p).fetchone()[0]
    if not n:
        return {}
    return {"congress": float(statutory.MIN_CONGRESS * n), "review": float(statutory.MIN_REVIEW * n),
            "compliance": 1.0}


# --------------------------------------------------------------------------------------
# Public query functions
# --------------------------------------------------------------------------------------

def headline_kpis(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per KPI (in :data:`KPIS` order): ``kpi``, ``value`` (the selected year up to
    ``as_of``), ``previous`` (previous year, or its same period while the year is not
    over; NaN when the warehouse holds nothing for it) and ``target`` (statutory minimum
    as a district total, 100 % compliance, or the rollout plan; NaN where none)."""
    start, end, prev_start, prev_end = comparison_window(f)
    y = f.year
    m = _window_measures(con, f, [(0, y, start, end), (1, y - 1, prev_start, prev_end)])
    cur, prev = m.loc[0].to_dict(), m.loc[1].to_dict()
    cur.update(_statutory_totals(con, f, y))
    if f.year_over:
        prev.update(_statutory_totals(con, f, y - 1))
    if (y - 1) not in _data_years(con, f):
        prev = {k: np.nan for k in prev}
    targets = _statutory_targets(con, f)
    targets["coverage"] = cur["coverage_target"]
    return pd.DataFrame({
        "kpi": list(KPIS),
        "value": [cur[k] for k in KPIS],
        "previous": [prev[k] for k in KPIS],
        "target": [targets.get(k, np.nan) for k in KPIS],
    }).astype({"value": "float64", "previous": "float64", "target": "float64"})


def kpi_trend(con: duckdb.DuckDBPyConnection, f: Filters, years: int = 5) -> pd.DataFrame:
    """The KPIs of the last ``years`` years up to the selected one (or the data's last
    year), each year to 31 December or ``as_of``: long frame ``year``, ``kpi``, ``value``,
    ``target``, ordered by KPI then year. Years before the first record in scope are left
    out (a trend that starts with zeros for years never loaded would mislead)."""
    have = _data_years(con, f)
    if not have:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "kpi": pd.Series(dtype="object"),
                             "value": pd.Series(dtype="float64"), "target": pd.Series(dtype="float64")})
    last = f.year if f.year is not None else (f.as_of.year if f.as_of else have[-1])
    span = [y for y in range(last - years + 1, last + 1) if have[0] <= y <= max(have[-1], last)]
    m = _window_measures(con, f, [(y, y, dt.date(y, 1, 1), year_end(y, f.as_of)) for y in span])
    st_by_year = statutory.compliance_by_year(con, f)
    if not st_by_year.empty:
        g = st_by_year.groupby("year").agg(towns=("towns", "sum"), compliant=("compliant", "sum"),
                                           congress=("congress", "sum"), review=("review", "sum"),
                                           deputy_voter=("deputy_voter", "sum"))
        g["compliance"] = g["compliant"] / g["towns"]
        for y in span:
            if y in g.index:
                for k in STATUTORY_KPIS:
                    m.loc[y, k] = float(g.loc[y, k])
    targets = _statutory_targets(con, f)
    rows = []
    for k in KPIS:
        for y in span:
            target = m.loc[y, "coverage_target"] if k == "coverage" else targets.get(k, np.nan)
            rows.append((y, k, float(m.loc[y, k]), float(target)))
    return pd.DataFrame(rows, columns=["year", "kpi", "value", "target"]).astype(
        {"year": "int64", "value": "float64", "target": "float64"})


_TOWN_MEASURES = """
WITH t AS (
    SELECT district, town, town_code FROM towns WHERE counted AND {town_where}
), acts AS (
    {acts}
), v AS (
    SELECT t.district, t.town, v.visit_id, v.enterprise,
        v.province_deputies + v.city_deputies + v.district_deputies + v.town_deputies AS person_times
    FROM t JOIN enterprise_visits v ON t.district = v.district AND t.town = v.town AND v.date BETWEEN $start AND $end
), visits AS (
    SELECT district, town, count(*) AS visits, count(DISTINCT enterprise) AS enterprises,
        sum(person_times) AS person_times
    FROM v GROUP BY ALL
), opinions AS (
    SELECT v.district, v.town,
        count(*) FILTER (WHERE o.source = 'ENTERPRISE') AS opinions_enterprise,
        count(*) FILTER (WHERE o.source = 'DEPUTY') AS opinions_deputy
    FROM v JOIN enterprise_opinions o USING (visit_id) WHERE {opinion_where} GROUP BY ALL
), micro AS (
    SELECT t.district, t.town, count(*) AS micro_solved
    FROM t JOIN micro_suggestions m ON t.district = m.district AND t.town = m.town
    WHERE m.status = 'CLOSED' AND m.outcome = 'SOLVED' AND m.closed_on BETWEEN $start AND $end
    GROUP BY ALL
), covered AS (
    SELECT DISTINCT t.district, t.town
    FROM t JOIN practice_sites s ON t.district = s.district AND t.town = s.town
    WHERE s.stage = 'ACCEPTED' AND s.accepted_on <= $end
)
SELECT t.district, t.town, acts.congress, acts.review, acts.deputy_voter,
    CASE WHEN acts.congress >= $min_congress AND acts.review >= $min_review THEN 1.0 ELSE 0.0 END AS compliance,
    acts.participants, acts.publicity, acts.publicity_participants,
    coalesce(visits.visits, 0) AS visits, coalesce(visits.enterprises, 0) AS enterprises,
    coalesce(visits.person_times, 0) AS person_times,
    coalesce(opinions.opinions_enterprise, 0) AS opinions_enterprise,
    coalesce(opinions.opinions_deputy, 0) AS opinions_deputy,
    coalesce(micro.micro_solved, 0) AS micro_solved,
    CASE WHEN covered.town IS NULL THEN 0 ELSE 1 END AS coverage
FROM t
JOIN acts USING (district, town)
LEFT JOIN visits USING (district, town) LEFT JOIN opinions USING (district, town)
LEFT JOIN micro USING (district, town) LEFT JOIN covered USING (district, town)
ORDER BY t.district, t.town_code NULLS LAST, t.town
"""


_TOWN_ACTS = """SELECT t.district, t.town,
        count(a.kind) FILTER (WHERE a.kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')) AS congress,
        count(a.kind) FILTER (WHERE a.kind = 'WORK_REVIEW') AS review,
        count(a.kind) FILTER (WHERE a.kind = 'DEPUTY_VOTER') AS deputy_voter,
        coalesce(sum(a.participants), 0) AS participants,
        count(a.kind) FILTER (WHERE a.kind = 'PUBLICITY') AS publicity,
        coalesce(sum(a.participants) FILTER (WHERE a.kind = 'PUBLICITY'), 0) AS publicity_participants
    FROM t LEFT JOIN activities a ON a.district = t.district AND a.town = t.town AND a.date BETWEEN $start AND $end
    GROUP BY ALL"""
# The same from the rollup, for a period that holds its whole year (:func:`_whole_years`).
_TOWN_ACTS_ROLLUP = """SELECT t.district, t.town,
        coalesce(sum(r.records) FILTER (WHERE r.kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')), 0) AS congress,
        coalesce(sum(r.records) FILTER (WHERE r.kind = 'WORK_REVIEW'), 0) AS review,
        coalesce(sum(r.records) FILTER (WHERE r.kind = 'DEPUTY_VOTER'), 0) AS deputy_voter,
        coalesce(sum(r.participants), 0) AS participants,
        coalesce(sum(r.records) FILTER (WHERE r.kind = 'PUBLICITY'), 0) AS publicity,
        coalesce(sum(r.participants) FILTER (WHERE r.kind = 'PUBLICITY'), 0) AS publicity_participants
    FROM t LEFT JOIN activity_rollup r ON r.district = t.district AND r.town = t.town AND r.year = $whole_year
    GROUP BY ALL"""


def kpi_by_town(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every KPI of the selected year (1 January .. the year's end or ``as_of``) per
    counted town in scope: district, town and one column per KPI (:data:`KPIS`), every
    town listed (zeros where nothing was recorded), in statistical-code order. A town's
    compliance is 1.0 when it meets both statutory minimums (else 0.0) and its coverage 1
    when it has an accepted practice site by the year's end — so over a scope's towns the
    sums (and the mean of compliance) give :func:`headline_kpis`' values, except
    ``enterprises`` (distinct per town: an enterprise visited in two towns counts in both)."""
    if f.year is None:
        raise ValueError("the towns are compared within one year: choose a year")
    start, end, _, _ = comparison_window(f)
    town_where, p = where(f, year_col=None)
    # (across districts only, as :func:`_window_measures` does)
    whole = _whole_years(con, [(0, f.year, start, end)])[0] if f.district is None else None
    acts = _TOWN_ACTS if whole is None else _TOWN_ACTS_ROLLUP
    sql = _TOWN_MEASURES.format(town_where=town_where, acts=acts, opinion_where=opinions_of_district(con, f))
    params = {**p, "start": start, "end": end, "min_congress": statutory.MIN_CONGRESS,
              "min_review": statutory.MIN_REVIEW, **({} if whole is None else {"whole_year": whole})}
    df = con.execute(sql, params).df()
    return df.astype({k: "float64" if k in RATE_KPIS else "int64" for k in KPIS})[["district", "town", *KPIS]]


def overdue_micro_suggestions(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Micro-suggestions of the selected year (every year if none) open at ``as_of`` for
    more than 7 working days (the project's calendar, :mod:`warehouse.workdays`):
    suggestion_id, district, town, submitted_on, status, working_days, town_code; oldest
    first. Individual records: refused when ``f.records`` is False (use
    :func:`overdue_micro_count`)."""
    ensure_records(f)
    return _overdue(con, f)


def overdue_micro_count(con: duckdb.DuckDBPyConnection, f: Filters) -> int:
    """How many micro-suggestions :func:`overdue_micro_suggestions` lists (an aggregate:
    allowed in every role)."""
    return len(_overdue(con, f))


def _overdue(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    cols = ["suggestion_id", "district", "town", "submitted_on", "status", "working_days", "town_code"]
    if f.as_of is None:
        return pd.DataFrame(columns=cols)
    w, p = where(f, "m")
    return con.execute(
        f"""WITH {workdays.CALENDAR_CTE}
        SELECT m.suggestion_id, m.district, m.town, m.submitted_on, m.status,
            CAST((SELECT idx FROM cal_idx WHERE d = $as_of_cut) - c.idx AS INTEGER) AS working_days, t.town_code
        FROM micro_suggestions m
        JOIN towns t ON t.district = m.district AND t.town = m.town AND t.counted
        JOIN cal_idx c ON c.d = m.submitted_on
        WHERE m.status NOT IN (SELECT unnest($excluded)) AND m.submitted_on <= $as_of_cut AND {w}
            AND (SELECT idx FROM cal_idx WHERE d = $as_of_cut) - c.idx > $limit
        ORDER BY m.submitted_on, m.suggestion_id""",
        {**p, **workdays.calendar_params(), "excluded": list(OPEN_EXCLUDED), "as_of_cut": f.as_of,
         "limit": OVERDUE_WORKING_DAYS}).df()[cols]


def _link(kind: str, district: str, year: int, town: str | None) -> tuple[str, dict[str, str]]:
    params = {"district": district, "year": str(year)}
    if town:
        params["town"] = town
    return ATTENTION_PAGES[kind], params


def _entry(severity: str, kind: str, metric: str, district: str, town: str | None, year: int, value: float,
           target: float | None = None, expected: float | None = None, months_left: int | None = None,
           oldest_days: int | None = None) -> dict[str, object]:
    page, params = _link(kind, district, year, town)
    return {"severity": severity, "kind": kind, "metric": metric, "district": district, "town": town,
            "year": year, "value": value, "target": target, "expected": expected, "months_left": months_left,
            "oldest_days": oldest_days, "page": page, "query_params": params}


def _statutory_entries(con: duckdb.DuckDBPyConnection, f: Filters, year: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    by_town = statutory.statutory_by_town(con, f.with_year(year))
    # One pass over the towns, district by district in the order they first appear (a
    # groupby-and-itertuples per district cost 2.4 ms each: 7 s for 2,800 districts).
    towns_of: dict[str, list] = {}
    for r in records(by_town[["district", "town", "status", "months_left", "congress", "review", "congress_ok",
                              "review_ok", "compliant"]]):
        towns_of.setdefault(r.district, []).append(r)
    for district, part in towns_of.items():
        for r in part:
            if r.status == "met":
                continue
            sev = "red" if r.status == "missed" else "amber"
            months = int(r.months_left) if r.status == "pending" else None
            if not r.congress_ok:
                out.append(_entry(sev, "statutory", "congress", district, r.town, year, r.congress,
                                  statutory.MIN_CONGRESS, months_left=months))
            if not r.review_ok:
                out.append(_entry(sev, "statutory", "review", district, r.town, year, r.review,
                                  statutory.MIN_REVIEW, months_left=months))
        if all(bool(r.compliant) for r in part):
            out.append(_entry("green", "statutory", "compliance", district, None, year, len(part), len(part)))
    return out


def _rollout_entries(con: duckdb.DuckDBPyConnection, f: Filters, year: int) -> list[dict[str, object]]:
    """Per district: red when the year is over below its target; amber when the year is
    not over and coverage is behind a linear pace from last year's end to the target."""
    if f.towns or f.scope is not None:  # the plan judges a whole district
        return []
    out: list[dict[str, object]] = []
    end = year_end(year, f.as_of)
    if end < dt.date(year, 1, 1):
        return []
    elapsed = ((end - dt.date(year, 1, 1)).days + 1) / ((dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1)
    districts = con.execute(
        "SELECT DISTINCT district FROM rollout_plan WHERE year = $year AND ($district IS NULL OR district = $district) "
        "AND district IN (SELECT district FROM towns WHERE counted) ORDER BY district",
        {"year": year, "district": f.district}).fetchall()
    if not districts:
        return []
    year_over = Filters(year=year, as_of=f.as_of).year_over
    # Each district judged on its own counted towns and plan, all in one statement.
    periods = [(0, year, dt.date(year, 1, 1), end), (1, year - 1, dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))]
    by = _coverage_by_district(con, Filters(district=f.district, year=year, as_of=f.as_of),
                               [d for (d,) in districts], periods)
    for (district,) in districts:
        covered, target = int(by[(district, 0)][0]), int(by[(district, 0)][1])
        if year_over:
            sev = "red" if covered < target else "green"
            out.append(_entry(sev, "rollout", "coverage", district, None, year, covered, target))
        else:
            start = float(by[(district, 1)][0])
            expected = start + (target - start) * elapsed
            sev = "amber" if covered < expected else "green"
            out.append(_entry(sev, "rollout", "coverage", district, None, year, covered, target, expected=expected))
    return out


def _micro_entries(con: duckdb.DuckDBPyConnection, f: Filters, year: int) -> list[dict[str, object]]:
    if f.as_of is None:
        return []
    fy = f.with_year(year)
    overdue = _overdue(con, fy)
    out: list[dict[str, object]] = []
    if not overdue.empty:
        g = (overdue.groupby(["district", "town", "town_code"], as_index=False, dropna=False)
             .agg(n=("suggestion_id", "count"), oldest=("working_days", "max"))
             .sort_values(["district", "town_code", "town"]))
        for r in records(g):
            out.append(_entry("red", "micro_overdue", "micro_overdue", r.district, r.town, year, r.n,
                              oldest_days=int(r.oldest)))
    w, p = where(fy, "m")
    with_any = con.execute(
        f"""SELECT DISTINCT m.district FROM micro_suggestions m
        JOIN towns t ON t.district = m.district AND t.town = m.town AND t.counted
        WHERE {w} ORDER BY m.district""", p).fetchall()
    late = set(overdue["district"].tolist())
    for (district,) in with_any:
        if district not in late:
            out.append(_entry("green", "micro_overdue", "micro_overdue", district, None, year, 0))
    return out


def needs_attention(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """需关注: one row per finding for the selected year (the data's last year if none).

    * statutory — a counted town below a statutory minimum (one row per minimum): red
      when the year is over, amber while it is not (with the months left);
    * rollout — a district's practice-site coverage below the year's plan (red, year
      over) or behind a linear pace toward it (amber, year not over; ``expected``);
    * micro_overdue — per town, micro-suggestions open more than 7 working days (red;
      ``oldest_days`` is the longest wait).

    A check with nothing to report gives one green row per district. Each row carries
    the page (``url_path``) that explains it and its query parameters (district, year,
    town). Columns: :data:`ATTENTION_COLUMNS`; ordered red, amber, green, then by kind.
    """
    year = f.year if f.year is not None else (f.as_of.year if f.as_of else None)
    if year is None:
        return pd.DataFrame(columns=ATTENTION_COLUMNS)
    rows = _statutory_entries(con, f, year) + _rollout_entries(con, f, year) + _micro_entries(con, f, year)
    df = pd.DataFrame(rows, columns=ATTENTION_COLUMNS)
    if df.empty:
        return df
    df["_s"] = df["severity"].map(SEVERITIES.index)
    df["_k"] = df["kind"].map(ATTENTION_KINDS.index)
    df = df.sort_values(["_s", "_k"], kind="stable").drop(columns=["_s", "_k"]).reset_index(drop=True)
    for c in ("value", "target", "expected"):
        df[c] = df[c].astype("float64")
    for c in ("months_left", "oldest_days"):
        df[c] = df[c].astype("Int64")
    return df
