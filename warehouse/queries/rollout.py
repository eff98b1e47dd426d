"""全覆盖进度: practice-site coverage of the counted towns against each district's rollout
plan ("一年试点示范、两年深化完善、三年实现全覆盖").

What is counted (统计口径; the same rules are in ``ui/metric_defs/rollout.py``):

* Only **counted towns** (``towns.counted``) are judged; a district's "all towns" is its
  number of counted towns.
* A town is **covered** on a date ``d`` when it has at least one practice site with stage
  ACCEPTED and ``accepted_on <= d`` — the rule of the overview
  (:mod:`warehouse.queries.overview`), so the two pages can never disagree. A site
  accepted on 31 December counts in that year.
* The **stage of a site on a date** is rebuilt from its dates, so a past month shows what
  was true then: ACCEPTED once accepted; BUILT from ``built_on`` (an undated BUILT site:
  from the data's cut-off ``as_of``); PILOT from ``started_on`` (likewise). A site never
  moves past its recorded stage. A site recorded as PLANNED is planned on any date; a
  site recorded at a later stage but not started yet on the date did not exist then and
  is left out (a town table of 2023 does not list a site begun in 2026).
* A town's **best site** on a date: highest stage (ACCEPTED > BUILT > PILOT > PLANNED), then
  the highest score, then the site id. Its stage is the town's stage; a town with no site
  has none. **Built, awaiting acceptance** = towns whose best site is BUILT. A site's
  checklist and score are shown as recorded (they carry no date).
* The **evaluation date** of the selected year is 31 December, or ``as_of`` if earlier
  (with no year: ``as_of``). The **year's target** is the plan row of the selected year; a
  year before the plan takes the next plan row, a year after it the last one. Its
  deadline is 31 December of that plan year.
* **Months left** to a deadline: the calendar months after the evaluation date's month up
  to December of the plan year, plus the rest of the current month when the date is not
  a month's last day (2026-10-31 → 2 months to 2026-12-31; 2026-06-15 → 7).
* **Three-colour status** of a town: green = covered. Amber = its best site is BUILT or
  PILOT and the district can still meet the year's target with the towns in progress:
  the towns still needed (target − covered) are no more than the towns in progress (BUILT
  or PILOT, not covered) and at least one month is left — or the target is already met,
  or the district has no plan. Red = everything else: no site started (PLANNED or none),
  or in progress while even accepting every town in progress would not reach the target
  in time (the needed pace cannot be met from the pipeline).
* **Projection** (always from ``as_of``, the data's cut-off): the pace is the number of
  towns newly covered in the 12 months to ``as_of`` (first acceptance in
  (as_of − 12 months, as_of]). Full coverage of all counted towns is projected
  ``ceil(remaining × 12 / pace)`` months after ``as_of``'s month, or never ("not at this
  pace") when the pace is 0. The plan to meet is the current year's target, or the next
  plan row when it is already met (or the year has no row); towns needed per remaining
  month = (target − covered) ÷ months left.
* The plan is a district's: a town filter narrows the town table, never the district's
  coverage, series or projection.
* A user's **scope** (:mod:`warehouse.filters`) is different: the user may see only the
  scope's towns, so coverage, series, projection and statuses are those of the scope's
  towns ("X of the N towns you may see"), and — a district's plan judging all its towns —
  there is no plan (no target, no phase bands; a town's status is judged as without a plan).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import replace
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from warehouse.filters import Filters, where
from warehouse.memo import remembered

STAGES: tuple[str, ...] = ("PLANNED", "PILOT", "BUILT", "ACCEPTED")  # lowest to highest
IN_PROGRESS: tuple[str, ...] = ("PILOT", "BUILT")
PHASES: tuple[str, ...] = ("PILOT", "DEEPEN", "FULL")
CHECKLIST: tuple[str, ...] = ("screen", "notice_board", "studio", "hall", "education")
STATUSES: tuple[str, ...] = ("green", "amber", "red")
PACE_MONTHS = 12

# The stage of the site ``s`` on the date ``{at}`` — ``{at}`` is a column or a parameter
# name chosen by this module, never a value. ``$as_of`` dates the undated stages.
STAGE_AT = """CASE
    WHEN s.stage = 'ACCEPTED' AND s.accepted_on <= {at} THEN 'ACCEPTED'
    WHEN s.stage IN ('ACCEPTED', 'BUILT') AND coalesce(s.built_on, s.accepted_on, $as_of) <= {at} THEN 'BUILT'
    WHEN s.stage IN ('ACCEPTED', 'BUILT', 'PILOT')
        AND coalesce(s.started_on, s.built_on, s.accepted_on, $as_of) <= {at} THEN 'PILOT'
    ELSE 'PLANNED' END"""
STAGE_RANK = "CASE {stage} WHEN 'ACCEPTED' THEN 4 WHEN 'BUILT' THEN 3 WHEN 'PILOT' THEN 2 ELSE 1 END"

TOWN_COLUMNS = ["district", "town", "town_code", "sites", "site_id", "site_name", "theme", "stage", "started_on",
                "built_on", "accepted_on", *CHECKLIST, "score", "status"]
SUMMARY_COLUMNS = [
    "district", "as_of", "evaluated_on", "towns", "covered", "built", "pilot", "not_started",
    "target_year", "phase", "target", "months_left", "needed", "can_meet",
    "covered_now", "pace_12m", "projected_full", "full_on",
    "plan_year", "plan_target", "plan_needed", "plan_months_left", "per_month",
]
SERIES_COLUMNS = ["district", "month", "actual", "covered", "built", "target", "phase", "towns", "projected"]
BAND_COLUMNS = ["district", "phase", "start", "end", "first_year", "last_year", "target"]


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

def month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: dt.date, months: int) -> dt.date:
    """The last day of the month ``months`` after ``d``'s month."""
    m = d.year * 12 + (d.month - 1) + months
    return month_end(dt.date(m // 12, m % 12 + 1, 1))


def months_before(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    m = d.year * 12 + (d.month - 1) - months
    y, mo = m // 12, m % 12 + 1
    return dt.date(y, mo, min(d.day, calendar.monthrange(y, mo)[1]))


def months_left(d: dt.date, deadline: dt.date) -> int:
    """Months from ``d`` to ``deadline``: the whole months after ``d``'s month, plus the
    rest of ``d``'s month unless ``d`` is its last day. 0 once the deadline is reached."""
    if d >= deadline:
        return 0
    n = (deadline.year - d.year) * 12 + deadline.month - d.month
    return n + (0 if d == month_end(d) else 1)


def evaluation_date(f: Filters) -> dt.date | None:
    """31 December of the selected year, or ``as_of`` if earlier (``as_of`` with no year)."""
    if f.as_of is None:
        return None
    if f.year is None:
        return f.as_of
    return min(dt.date(f.year, 12, 31), f.as_of)


def _district_scope(f: Filters) -> Filters:
    """The plan is a district's: coverage is always counted over all its counted towns —
    all those the user's scope may see (the scope stays on the filters)."""
    return replace(f, towns=())


# --------------------------------------------------------------------------------------
# Towns on a date
# --------------------------------------------------------------------------------------

_TOWNS_AT = """
WITH t AS (
    SELECT district, town, town_code FROM towns WHERE counted AND {town_where}
), s AS (
    SELECT s.site_id, s.district, s.town, s.name, s.theme, s.stage, s.started_on, s.built_on, s.accepted_on,
        s.screen, s.notice_board, s.studio, s.hall, s.education, s.score, {stage_at} AS stage_at
    FROM practice_sites s JOIN t USING (district, town)
), fa AS (  -- first covered, up to as_of (whatever the evaluation date)
    SELECT district, town,
        min(accepted_on) FILTER (WHERE stage = 'ACCEPTED' AND accepted_on <= $as_of) AS first_accepted_on
    FROM s GROUP BY district, town
), ranked AS (
    SELECT *,
        count(*) OVER (PARTITION BY district, town) AS sites,
        row_number() OVER (PARTITION BY district, town
                           ORDER BY {rank} DESC, score DESC NULLS LAST, site_id) AS rn
    FROM s
    WHERE stage = 'PLANNED' OR stage_at <> 'PLANNED'  -- not started yet on $d: did not exist then
)
SELECT t.district, t.town, t.town_code, coalesce(r.sites, 0) AS sites, r.site_id, r.name AS site_name, r.theme,
    r.stage_at AS stage,
    CASE WHEN r.started_on <= $d THEN r.started_on END AS started_on,
    CASE WHEN r.built_on <= $d THEN r.built_on END AS built_on,
    CASE WHEN r.accepted_on <= $d THEN r.accepted_on END AS accepted_on,
    r.screen, r.notice_board, r.studio, r.hall, r.education, r.score,
    fa.first_accepted_on
FROM t
LEFT JOIN ranked r ON r.district = t.district AND r.town = t.town AND r.rn = 1
LEFT JOIN fa ON fa.district = t.district AND fa.town = t.town
ORDER BY t.district, t.town_code NULLS LAST, t.town
"""


def _towns_at(con: duckdb.DuckDBPyConnection, f: Filters, d: dt.date) -> pd.DataFrame:
    """Every counted town of the district(s) with its best site on ``d`` (columns of
    :data:`TOWN_COLUMNS` but ``status``) and ``first_accepted_on``, the day it was first
    covered up to ``as_of``."""
    town_where, p = where(_district_scope(f), year_col=None)
    sql = _TOWNS_AT.format(town_where=town_where, stage_at=STAGE_AT.format(at="$d"),
                           rank=STAGE_RANK.format(stage="stage_at"))
    df = con.execute(sql, {**p, "d": d, "as_of": f.as_of}).df()
    df["sites"] = df["sites"].astype("int64")
    df["score"] = df["score"].astype("float64")
    for c in ("started_on", "built_on", "accepted_on", "first_accepted_on"):
        df[c] = pd.to_datetime(df[c]).dt.date.astype(object).where(df[c].notna(), None)
    for c in CHECKLIST:
        df[c] = df[c].astype("boolean")
    df["stage"] = df["stage"].astype(object).where(df["stage"].notna(), None)
    return df


def _plans(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The plan rows of the district(s); none for a scoped user (the module docstring)."""
    return con.execute(
        "SELECT district, year, phase, target_towns FROM rollout_plan "
        "WHERE ($district IS NULL OR district = $district) AND $with_plan ORDER BY district, year",
        {"district": f.district, "with_plan": f.scope is None}).df()


class _PlanRow(NamedTuple):
    year: int
    phase: str
    target_towns: int


def _plan_rows(plans: pd.DataFrame) -> dict[str, list[_PlanRow]]:
    """Each district's plan rows in year order, as plain tuples: a province is 2,800
    districts, and a frame filtered per district cost seconds."""
    out: dict[str, list[_PlanRow]] = {}
    for district, year, phase, target in zip(plans["district"].tolist(), plans["year"].tolist(),
                                             plans["phase"].tolist(), plans["target_towns"].tolist()):
        out.setdefault(district, []).append(_PlanRow(year, phase, target))
    return out


def _target_row(plan: list[_PlanRow], year: int) -> _PlanRow | None:
    """The plan row that judges ``year``: its own, else the next one, else the last."""
    if not plan:
        return None
    return next((r for r in plan if r.year >= year), plan[-1])


def _plan_to_meet(plan: list[_PlanRow], year: int, covered: int) -> _PlanRow | None:
    """The current (or next) plan row still to be met from ``year`` on; the last row when
    the plan is over and still not met; None when every row is met."""
    unmet = [r for r in plan if r.target_towns is not None and r.target_towns > covered]
    if not unmet:
        return None
    return next((r for r in unmet if r.year >= year), unmet[-1])


def _summary_row(district: str, stages: list[str | None], firsts: list[dt.date | None], plan: list[_PlanRow],
                 d: dt.date, year: int, as_of: dt.date) -> dict[str, object]:
    """A district's summary from its towns' stages on ``d`` and the days they were first
    covered (up to ``as_of``)."""
    n = len(stages)
    covered = stages.count("ACCEPTED")
    built = stages.count("BUILT")
    pilot = stages.count("PILOT")
    row: dict[str, object] = {
        "district": district, "as_of": as_of, "evaluated_on": d, "towns": n, "covered": covered, "built": built,
        "pilot": pilot, "not_started": n - covered - built - pilot,
    }
    # The year's target and whether it can still be met (drives amber vs red).
    tr = _target_row(plan, year)
    if tr is None:
        row.update(target_year=None, phase=None, target=None, months_left=None, needed=None, can_meet=True)
    else:
        target = int(tr.target_towns)
        left = months_left(d, dt.date(int(tr.year), 12, 31))
        needed = max(0, target - covered)
        row.update(target_year=int(tr.year), phase=tr.phase, target=target, months_left=left, needed=needed,
                   can_meet=needed == 0 or (left > 0 and needed <= built + pilot))
    # The projection, from as_of at the pace of the last 12 months.
    first = [x for x in firsts if x is not None]
    covered_now = len(first)
    since = months_before(as_of, PACE_MONTHS)
    pace = sum(1 for x in first if since < x <= as_of)
    remaining = n - covered_now
    projected = full_on = None
    if n and remaining == 0:
        full_on = max(first)
        projected = full_on
    elif pace > 0:
        projected = add_months(as_of, math.ceil(remaining * PACE_MONTHS / pace))
    row.update(covered_now=covered_now, pace_12m=pace, projected_full=projected, full_on=full_on)
    pr = _plan_to_meet(plan, as_of.year, covered_now)
    if pr is None:
        row.update(plan_year=None, plan_target=None, plan_needed=0 if plan else None,
                   plan_months_left=None, per_month=0.0 if plan else None)
    else:
        left = months_left(as_of, dt.date(int(pr.year), 12, 31))
        needed = int(pr.target_towns) - covered_now
        row.update(plan_year=int(pr.year), plan_target=int(pr.target_towns), plan_needed=needed,
                   plan_months_left=left, per_month=needed / left if left > 0 else None)
    return row


def _status(stage: str | None, can_meet: bool) -> str:
    if stage == "ACCEPTED":
        return "green"
    if stage in IN_PROGRESS and can_meet:
        return "amber"
    return "red"


def _evaluate(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(towns with status, district summary) for the filters; both empty without data.
    (Once per report build: see :func:`warehouse.memo.remembered`.)"""
    return remembered(con, ("rollout._evaluate", f), lambda: _evaluate_now(con, f))


def _evaluate_now(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    d = evaluation_date(f)
    if d is None:
        return pd.DataFrame(columns=TOWN_COLUMNS), pd.DataFrame(columns=SUMMARY_COLUMNS)
    year = f.year if f.year is not None else d.year
    towns = _towns_at(con, f, d)
    plans = _plan_rows(_plans(con, f))
    # Each district's towns as plain lists, districts in order of appearance.
    parts: dict[str, tuple[list, list]] = {}
    for district, stage, first in zip(towns["district"].tolist(), towns["stage"].tolist(),
                                      towns["first_accepted_on"].tolist()):
        part = parts.get(district)
        if part is None:
            part = parts[district] = ([], [])
        part[0].append(stage)
        part[1].append(first)
    rows = [_summary_row(district, stages, firsts, plans.get(district, []), d, year, f.as_of)
            for district, (stages, firsts) in parts.items()]
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS).astype(object)
    summary = summary.where(summary.notna(), None)  # missing is None (never NaN) in every column
    can_meet = dict(zip(summary["district"], summary["can_meet"]))
    towns["status"] = [_status(s, bool(can_meet[dd])) for s, dd in zip(towns["stage"], towns["district"])]
    return towns, summary


# --------------------------------------------------------------------------------------
# Public query functions
# --------------------------------------------------------------------------------------

def rollout_summary(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per district in scope (:data:`SUMMARY_COLUMNS`):

    * on the evaluation date (``evaluated_on``): counted ``towns``, ``covered``, ``built``
      (awaiting acceptance), ``pilot``, ``not_started``; the year's plan row
      (``target_year``, ``phase``, ``target``), ``months_left`` to its deadline, towns
      ``needed`` and ``can_meet`` (see the module docstring);
    * on ``as_of``: ``covered_now``, ``pace_12m`` (towns newly covered in the 12 months to
      ``as_of``), ``projected_full`` (last day of the month full coverage is reached at
      that pace; None when the pace is 0), ``full_on`` (the day it was reached, if it
      was), and the plan still to meet (``plan_year``, ``plan_target``, ``plan_needed``,
      ``plan_months_left``, ``per_month`` = towns to accept per remaining month; None when
      that plan year is over; 0 when every plan row is met).
    """
    return _evaluate(con, f)[1]


def rollout_by_town(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per counted town (of the town filter, if any): its best site on the
    evaluation date (id, name, theme, stage, the dates reached by then, the five checklist
    items, score), the number of ``sites`` it has and its three-colour ``status`` (green /
    amber / red, judged for the whole district). Columns :data:`TOWN_COLUMNS`; towns in
    statistical-code order."""
    towns, _ = _evaluate(con, f)
    if f.towns:
        towns = towns[towns["town"].isin(f.towns)]
    return towns[TOWN_COLUMNS].reset_index(drop=True)


_SERIES = """
WITH t AS (
    SELECT district, town FROM towns WHERE counted AND {town_where}
), n AS (
    SELECT district, count(*) AS towns FROM t GROUP BY district
), plan_b AS (
    SELECT district, make_date(min(year), 1, 1) AS lo, make_date(max(year), 12, 31) AS hi
    FROM rollout_plan WHERE $with_plan GROUP BY district
), site_b AS (
    SELECT s.district, min(least(s.started_on, s.built_on, s.accepted_on)) AS lo
    FROM practice_sites s JOIN t USING (district, town) GROUP BY s.district
), b AS (
    SELECT n.district, least(plan_b.lo, site_b.lo) AS lo, greatest(plan_b.hi, CAST($as_of AS DATE)) AS hi
    FROM n LEFT JOIN plan_b USING (district) LEFT JOIN site_b USING (district)
), m AS (
    SELECT district, last_day(CAST(g AS DATE)) AS month
    FROM (SELECT district, unnest(generate_series(CAST(date_trunc('month', lo) AS TIMESTAMP),
                                                   CAST(hi AS TIMESTAMP), INTERVAL 1 MONTH)) AS g
          FROM b WHERE lo IS NOT NULL)
), pts AS (
    SELECT district, month, least(month, CAST($as_of AS DATE)) AS at,
        date_trunc('month', month) <= $as_of AS actual
    FROM m
), st AS (
    SELECT p.district, p.month, s.town, max({rank}) AS best
    FROM pts p
    JOIN practice_sites s ON s.district = p.district
    JOIN t ON t.district = s.district AND t.town = s.town
    WHERE p.actual
    GROUP BY ALL
), agg AS (
    SELECT district, month, count(*) FILTER (WHERE best = 4) AS covered, count(*) FILTER (WHERE best = 3) AS built
    FROM st GROUP BY ALL
)
SELECT p.district, p.month, p.actual,
    CASE WHEN p.actual THEN coalesce(a.covered, 0) END AS covered,
    CASE WHEN p.actual THEN coalesce(a.built, 0) END AS built,
    r.target_towns AS target, r.phase, n.towns
FROM pts p
JOIN n USING (district)
LEFT JOIN agg a USING (district, month)
LEFT JOIN rollout_plan r ON r.district = p.district AND r.year = year(p.month) AND $with_plan
ORDER BY p.district, p.month
"""


def coverage_series(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The burn-up, month by month per district (:data:`SERIES_COLUMNS`): each month's
    last day from the first plan year or site date (whichever is earlier) to the later of
    ``as_of`` and the end of the final plan year. ``actual`` months (up to ``as_of``'s
    month, counted on the month's last day or ``as_of`` if earlier) carry ``covered`` and
    ``built`` (awaiting acceptance); every month carries the ``target`` and ``phase`` of
    its year's plan row (None outside the plan) and the district's counted ``towns``.
    ``projected`` continues the covered line from ``as_of`` at the pace of the last 12
    months (capped at all towns), from the last actual month on."""
    if f.as_of is None:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    town_where, p = where(_district_scope(f), year_col=None)
    stage = STAGE_AT.format(at="p.at")
    sql = _SERIES.format(town_where=town_where, rank=STAGE_RANK.format(stage=f"({stage})"))
    df = con.execute(sql, {**p, "as_of": f.as_of, "with_plan": f.scope is None}).df()
    df["month"] = pd.to_datetime(df["month"]).dt.date
    for c in ("covered", "built", "target", "towns"):
        df[c] = df[c].astype("Int64")
    df["phase"] = df["phase"].astype(object).where(df["phase"].notna(), None)
    # The projection of the whole district — of the scope's towns for a scoped user.
    summary = rollout_summary(con, replace(f, year=None, towns=())).set_index("district")
    last_actual = month_end(f.as_of)
    projected = []
    for district, month, towns in zip(df["district"], df["month"], df["towns"]):
        if month < last_actual or district not in summary.index:
            projected.append(np.nan)
            continue
        s = summary.loc[district]
        ahead = (month.year - f.as_of.year) * 12 + month.month - f.as_of.month
        projected.append(float(min(int(towns), s["covered_now"] + s["pace_12m"] * ahead / PACE_MONTHS)))
    df["projected"] = pd.Series(projected, index=df.index, dtype="float64")
    return df[SERIES_COLUMNS]


def phase_bands(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The plan's phases as date bands per district (:data:`BAND_COLUMNS`): consecutive
    plan years of the same phase form one band, from 1 January of its first year to 31
    December of its last; ``target`` is the target of its last year."""
    plans = _plans(con, f)
    rows = []
    for district, part in plans.groupby("district", sort=False):
        band: dict[str, object] | None = None
        for r in part.itertuples():
            if band is not None and band["phase"] == r.phase and band["last_year"] == r.year - 1:
                band.update(end=dt.date(r.year, 12, 31), last_year=r.year, target=int(r.target_towns))
                continue
            band = {"district": district, "phase": r.phase, "start": dt.date(r.year, 1, 1),
                    "end": dt.date(r.year, 12, 31), "first_year": r.year, "last_year": r.year,
                    "target": int(r.target_towns)}
            rows.append(band)
    return pd.DataFrame(rows, columns=BAND_COLUMNS)
