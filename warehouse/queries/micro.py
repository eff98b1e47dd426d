"""码上办 (micro-suggestions): the lifecycle of residents' suggestions scanned into the
"码上办" channel, its rates, durations and time limits, and where items get stuck.

What is counted (统计口径; the same rules are the tooltips in ``ui/metric_defs/micro.py``):

* **Cohort**: micro-suggestions of **counted** towns (``towns.counted``, matched on district +
  town) in the filter's district and towns, *submitted* in the filter's year (the ``year``
  column = year of ``submitted_on``; every year when none is chosen). Every figure below is
  about this cohort, except ``solved_in_year``.
* **Funnel** by status: submitted (all) → accepted (status not SUBMITTED / REJECTED) →
  assigned (ASSIGNED, IN_PROGRESS, REPLIED, CLOSED) → replied (REPLIED, CLOSED) → closed
  (CLOSED).
* **Rates**: 受理率 = accepted ÷ submitted (REJECTED stays in the denominator); 办结率 =
  closed ÷ accepted; 解决率 = outcome SOLVED among closed; 满意率 = (SATISFIED + BASICALLY) ÷
  rated (rating not blank), with SATISFIED ÷ rated beside it. A rate whose denominator is
  zero (nothing rated, nothing closed …) is ``None`` — shown as "—", never a division error.
* **Durations**: calendar days from ``submitted_on`` to ``closed_on`` of closed items that
  have a closing date (closed the same day = 0): the median and the 90th percentile, both
  by linear interpolation between the ordered values (Excel's PERCENTILE.INC).
* **Time limits** in working days of the project calendar (:mod:`warehouse.workdays`:
  Monday–Friday, minus the holidays and plus the make-up days of ``config/holidays.csv``).
  Working days after a up to b = idx(b) − idx(a). Accepted on time: idx(accepted_on) −
  idx(submitted_on) ≤ 1, over all accepted items; closed on time: idx(closed_on) −
  idx(submitted_on) ≤ 7 (the 7th working day is still on time), over all closed items. An
  item without the date cannot be shown to be on time and counts as not on time.
* **Overdue**: cohort items still open (status not CLOSED / REJECTED) submitted on or before
  the data's cut-off ``as_of`` and more than 7 working days before it; ``days_late`` =
  elapsed working days − 7. No cut-off, no overdue list.
* **solved_in_year** (the overview's 码上办解决问题, metric ``micro_solved``): status CLOSED,
  outcome SOLVED and ``closed_on`` in the filter's year — the closing year, whatever the
  submission year (unless months of submission are picked: then those months of the
  filter's year).

A page narrows further by what a user picked in a chart (a drill-down): towns ride on
the filters (``f.with_towns``); categories, months of submission (1–12) and departments
(:data:`NOT_GIVEN` for a blank one) are the optional ``categories`` / ``months`` /
``departments`` arguments (empty: no narrowing). They narrow the cohort (and, for
``solved_in_year``, the solved items the same way); a grid still lists every counted town.

Every function takes a connection, a :class:`Filters` and (where a time limit is involved)
optional calendar parameters ``cal`` (``workdays.calendar_params(path)``; the shipped
calendar when omitted, so tests can pass their own holidays). Values travel as bound
parameters; texts are masked (:mod:`warehouse.privacy`) before they leave this module;
nothing here imports Streamlit.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.spec import ENUMS
from warehouse import workdays
from warehouse.filters import Filters, ensure_records, where
from warehouse.frames import dates
from warehouse.privacy import mask_frame

CATEGORY_ORDER: list[str] = list(ENUMS["micro_category"])
STATUS_ORDER: list[str] = list(ENUMS["micro_status"])

ACCEPTED = ("ACCEPTED", "ASSIGNED", "IN_PROGRESS", "REPLIED", "CLOSED")
ASSIGNED = ("ASSIGNED", "IN_PROGRESS", "REPLIED", "CLOSED")
REPLIED = ("REPLIED", "CLOSED")
CLOSED = ("CLOSED",)
OPEN_EXCLUDED = ("CLOSED", "REJECTED")
FUNNEL_STAGES: tuple[str, ...] = ("submitted", "accepted", "assigned", "replied", "closed")

ACCEPT_LIMIT_WORKING_DAYS = 1
CLOSE_LIMIT_WORKING_DAYS = 7

NOT_GIVEN = "NOT_GIVEN"  # a blank department (未填写)
# Parts of a submission month (they add up to the month's suggestions).
MONTH_PARTS: tuple[str, ...] = ("closed_on_time", "closed_late", "open", "rejected")
DEPARTMENT_ORDERS = {
    # volume: most suggestions first; time: slowest median first (departments with a closed item)
    "volume": "suggestions DESC, department = $not_given, department",
    "time": "median_days DESC NULLS LAST, suggestions DESC, department = $not_given, department",
}

# The cohort: counted towns in scope (t), their suggestions of the year (m) and, with
# {calendar}, each one's working-day counts (w). Only column names from ``where`` enter
# the text; the values are bound parameters.
_SCOPE = """
WITH t AS (
    SELECT district, town, town_code FROM towns WHERE counted AND {town_where}
), m AS (
    SELECT m.* FROM micro_suggestions m JOIN t USING (district, town) WHERE {year_where}
)
"""
_TIMED = """
, {calendar}
, w AS (
    SELECT m.*,
        CAST(m.closed_on - m.submitted_on AS BIGINT) AS close_days,
        CAST(ca.idx - cs.idx AS BIGINT) AS accept_wd,
        CAST(cc.idx - cs.idx AS BIGINT) AS close_wd,
        list_contains($accepted_st, m.status) AND coalesce(ca.idx - cs.idx <= $accept_limit, FALSE)
            AS accepted_on_time,
        m.status = 'CLOSED' AND coalesce(cc.idx - cs.idx <= $close_limit, FALSE) AS closed_on_time
    FROM m
    LEFT JOIN cal_idx cs ON cs.d = m.submitted_on
    LEFT JOIN cal_idx ca ON ca.d = m.accepted_on
    LEFT JOIN cal_idx cc ON cc.d = m.closed_on
)
"""


Codes = tuple[str, ...]
Months = tuple[int, ...]


def _narrow(categories: Codes = (), months: Months = (), departments: Codes = (), year: int | None = None,
            alias: str = "m") -> tuple[str, dict[str, object]]:
    """The drill-down's extra conditions on the suggestions ``alias`` (``TRUE`` when none).
    A month is a month of submission, of ``year`` when one is given (the page's year)."""
    parts, p = [], {}
    if categories:
        parts.append(f"list_contains(CAST($sel_categories AS VARCHAR[]), {alias}.category)")
        p["sel_categories"] = [str(c) for c in categories]
    if months:
        parts.append(f"list_contains(CAST($sel_months AS BIGINT[]), CAST(month({alias}.submitted_on) AS BIGINT))")
        p["sel_months"] = [int(m) for m in months]
        if year is not None:
            parts.append(f"{alias}.year = $sel_month_year")
            p["sel_month_year"] = year
    if departments:
        parts.append(f"list_contains(CAST($sel_departments AS VARCHAR[]), coalesce({alias}.department, $sel_blank))")
        p["sel_departments"] = [str(d) for d in departments]
        p["sel_blank"] = NOT_GIVEN
    return " AND ".join(parts) or "TRUE", p


def _scope(f: Filters, timed: bool = False, cal: dict | None = None, categories: Codes = (), months: Months = (),
           departments: Codes = ()) -> tuple[str, dict[str, object]]:
    town_where, p1 = where(f, year_col=None)
    year_where, p2 = where(f, "m", town_col=None)  # the district too: row groups skipped
    narrow, p3 = _narrow(categories, months, departments)
    sql = _SCOPE.format(town_where=town_where, year_where=f"{year_where} AND {narrow}")
    p = {**p1, **p2, **p3}
    if timed:
        sql += _TIMED.format(calendar=workdays.CALENDAR_CTE)
        p.update(cal if cal is not None else workdays.calendar_params())
        p.update({"accepted_st": list(ACCEPTED), "accept_limit": ACCEPT_LIMIT_WORKING_DAYS,
                  "close_limit": CLOSE_LIMIT_WORKING_DAYS})
    return sql, p


def _ratio(num: int | float | None, den: int | float | None) -> float | None:
    """num ÷ den, or None when there is nothing to divide by."""
    if not den:
        return None
    return float(num or 0) / float(den)


def _none_if_nan(x: object) -> float | None:
    if x is None or (isinstance(x, float) and x != x):
        return None
    return float(x)  # type: ignore[arg-type]


def micro_headline(con: duckdb.DuckDBPyConnection, f: Filters, cal: dict | None = None, categories: Codes = (),
                   months: Months = (), departments: Codes = ()) -> dict[str, object]:
    """The page's headline figures.

    Counts (int): submitted, accepted, assigned, replied, closed, rejected, open, solved
    (closed + SOLVED in the cohort), rated, satisfied, basically, dissatisfied,
    accepted_on_time, closed_on_time, closed_dated (closed items with a closing date),
    overdue, solved_in_year.
    Rates (float, or None when the denominator is 0): acceptance_rate, closing_rate,
    solved_rate, satisfaction_rate, satisfied_rate, accept_on_time_rate, close_on_time_rate.
    Durations (float days, or None when nothing is closed): median_days, p90_days.
    """
    scope, p = _scope(f, True, cal, categories, months, departments)
    sql = scope + """
    SELECT
        count(*) AS submitted,
        count(*) FILTER (WHERE list_contains($accepted_st, status)) AS accepted,
        count(*) FILTER (WHERE list_contains($assigned_st, status)) AS assigned,
        count(*) FILTER (WHERE list_contains($replied_st, status)) AS replied,
        count(*) FILTER (WHERE list_contains($closed_st, status)) AS closed,
        count(*) FILTER (WHERE status = 'REJECTED') AS rejected,
        count(*) FILTER (WHERE NOT list_contains($open_excluded, status)) AS open,
        count(*) FILTER (WHERE list_contains($closed_st, status) AND outcome = 'SOLVED') AS solved,
        count(rating) AS rated,
        count(*) FILTER (WHERE rating = 'SATISFIED') AS satisfied,
        count(*) FILTER (WHERE rating = 'BASICALLY') AS basically,
        count(*) FILTER (WHERE rating = 'DISSATISFIED') AS dissatisfied,
        count(*) FILTER (WHERE accepted_on_time) AS accepted_on_time,
        count(*) FILTER (WHERE closed_on_time) AS closed_on_time,
        count(close_days) FILTER (WHERE list_contains($closed_st, status)) AS closed_dated,
        quantile_cont(close_days, 0.5) FILTER (WHERE list_contains($closed_st, status)) AS median_days,
        quantile_cont(close_days, 0.9) FILTER (WHERE list_contains($closed_st, status)) AS p90_days
    FROM w
    """
    cur = con.execute(sql, {**p, "assigned_st": list(ASSIGNED), "replied_st": list(REPLIED),
                            "closed_st": list(CLOSED), "open_excluded": list(OPEN_EXCLUDED)})
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone()))
    out: dict[str, object] = {k: int(row[k] or 0) for k in names if k not in ("median_days", "p90_days")}
    out["median_days"] = _none_if_nan(row["median_days"])
    out["p90_days"] = _none_if_nan(row["p90_days"])
    out["acceptance_rate"] = _ratio(out["accepted"], out["submitted"])
    out["closing_rate"] = _ratio(out["closed"], out["accepted"])
    out["solved_rate"] = _ratio(out["solved"], out["closed"])
    out["satisfaction_rate"] = _ratio(int(out["satisfied"]) + int(out["basically"]), out["rated"])
    out["satisfied_rate"] = _ratio(out["satisfied"], out["rated"])
    out["accept_on_time_rate"] = _ratio(out["accepted_on_time"], out["accepted"])
    out["close_on_time_rate"] = _ratio(out["closed_on_time"], out["closed"])
    out["overdue"] = len(_overdue(con, f, cal, categories, months, departments))
    out["solved_in_year"] = micro_solved_in_year(con, f, categories, months, departments)
    return out


def micro_solved_in_year(con: duckdb.DuckDBPyConnection, f: Filters, categories: Codes = (), months: Months = (),
                         departments: Codes = ()) -> int:
    """码上办解决问题: status CLOSED, outcome SOLVED, ``closed_on`` in the filter's year (any
    year when none), counted towns in scope — whenever the suggestion was submitted."""
    w, p = where(f, "m", year_col=None)
    narrow, p2 = _narrow(categories, months, departments, f.year)
    row = con.execute(
        f"""SELECT count(*) FROM micro_suggestions m
        JOIN towns t ON t.district = m.district AND t.town = m.town AND t.counted
        WHERE m.status = 'CLOSED' AND m.outcome = 'SOLVED' AND {w} AND {narrow}
            AND ($solved_year IS NULL OR year(m.closed_on) = $solved_year)""",
        {**p, **p2, "solved_year": f.year}).fetchone()
    return int(row[0]) if row else 0


def micro_funnel(con: duckdb.DuckDBPyConnection, f: Filters, categories: Codes = (), months: Months = (),
                 departments: Codes = ()) -> pd.DataFrame:
    """The lifecycle funnel: stage (:data:`FUNNEL_STAGES`), suggestions, share (of
    submitted) and step_share (of the stage before; 1.0 for submitted). A share over
    nothing is NaN."""
    scope, p = _scope(f, False, None, categories, months, departments)
    sql = scope + """
    SELECT count(*),
        count(*) FILTER (WHERE list_contains($accepted_st, status)),
        count(*) FILTER (WHERE list_contains($assigned_st, status)),
        count(*) FILTER (WHERE list_contains($replied_st, status)),
        count(*) FILTER (WHERE list_contains($closed_st, status))
    FROM m
    """
    row = con.execute(sql, {**p, "accepted_st": list(ACCEPTED), "assigned_st": list(ASSIGNED),
                            "replied_st": list(REPLIED), "closed_st": list(CLOSED)}).fetchone()
    counts = [int(x or 0) for x in (row or (0,) * len(FUNNEL_STAGES))]
    share = [_ratio(n, counts[0]) for n in counts]
    step = [_ratio(n, counts[i - 1]) if i else _ratio(n, n) for i, n in enumerate(counts)]
    return pd.DataFrame({
        "stage": list(FUNNEL_STAGES),
        "suggestions": pd.array(counts, dtype="int64"),
        "share": pd.array([float("nan") if s is None else s for s in share], dtype="float64"),
        "step_share": pd.array([float("nan") if s is None else s for s in step], dtype="float64"),
    })


def micro_overdue(con: duckdb.DuckDBPyConnection, f: Filters, cal: dict | None = None, categories: Codes = (),
                  months: Months = (), departments: Codes = ()) -> pd.DataFrame:
    """Open cohort items more than 7 working days old at ``f.as_of``: suggestion_id,
    district, town, category, status, department, submitted_on, accepted_on, working_days
    (after submission up to as_of), days_late (working_days − 7), content (masked unless
    ``f.unmasked``); oldest first. Individual records: refused when ``f.records`` is False."""
    ensure_records(f)
    return _overdue(con, f, cal, categories, months, departments)


def _overdue(con: duckdb.DuckDBPyConnection, f: Filters, cal: dict | None = None, categories: Codes = (),
             months: Months = (), departments: Codes = ()) -> pd.DataFrame:
    cols = ["suggestion_id", "district", "town", "category", "status", "department", "submitted_on",
            "accepted_on", "working_days", "days_late", "content"]
    if f.as_of is None:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("working_days", "days_late") else "object")
                             for c in cols})
    scope, p = _scope(f, True, cal, categories, months, departments)
    sql = scope + """
    , cut AS (SELECT idx FROM cal_idx WHERE d = $as_of_cut)
    SELECT w.suggestion_id, w.district, w.town, w.category, w.status, w.department, w.submitted_on,
        w.accepted_on, CAST(cut.idx - cs.idx AS BIGINT) AS working_days,
        CAST(cut.idx - cs.idx - $close_limit AS BIGINT) AS days_late, w.content
    FROM w CROSS JOIN cut JOIN cal_idx cs ON cs.d = w.submitted_on
    WHERE NOT list_contains($open_excluded, w.status) AND w.submitted_on <= $as_of_cut
        AND cut.idx - cs.idx > $close_limit
    ORDER BY w.submitted_on, w.suggestion_id
    """
    df = con.execute(sql, {**p, "as_of_cut": f.as_of, "open_excluded": list(OPEN_EXCLUDED)}).df()
    for c in ("submitted_on", "accepted_on"):
        df[c] = dates(df[c])
    return df[cols] if f.unmasked else mask_frame(df[cols], ["content"])


def micro_category_town(con: duckdb.DuckDBPyConnection, f: Filters, categories: Codes = (), months: Months = (),
                        departments: Codes = ()) -> pd.DataFrame:
    """A town × category grid: district, town, category, suggestions. Every counted town in
    scope has a row for every category (zeros where none); towns in statistical-code order,
    categories in the order of the data contract."""
    scope, p = _scope(f, False, None, categories, months, departments)
    sql = scope + """
    , c AS (SELECT district, town, category, count(*) AS n FROM m GROUP BY ALL)
    , k AS (SELECT unnest($categories) AS category)
    SELECT t.district, t.town, k.category, CAST(coalesce(c.n, 0) AS BIGINT) AS suggestions
    FROM t CROSS JOIN k
    LEFT JOIN c ON c.district = t.district AND c.town = t.town AND c.category = k.category
    ORDER BY t.district, t.town_code NULLS LAST, t.town, list_position($categories, k.category)
    """
    return con.execute(sql, {**p, "categories": CATEGORY_ORDER}).df()


def _last_month(f: Filters) -> int:
    if f.year is not None and f.as_of is not None and f.as_of.year == f.year:
        return f.as_of.month
    return 12


def micro_monthly(con: duckdb.DuckDBPyConnection, f: Filters, cal: dict | None = None, categories: Codes = (),
                  months: Months = (), departments: Codes = ()) -> pd.DataFrame:
    """Suggestions per submission month, split by where they stand: year, month, part
    (:data:`MONTH_PARTS`: closed within 7 working days, closed later (or without a closing
    date), still open, not accepted), suggestions. With a year, every month of it up to the
    data's cut-off is listed, every part (zeros included); without one, the months that hold
    suggestions."""
    scope, p = _scope(f, True, cal, categories, months, departments)
    if f.year is not None:
        months = "SELECT CAST($year AS BIGINT) AS year, CAST(unnest(range(1, $last_month + 1)) AS BIGINT) AS month"
        p["last_month"] = _last_month(f)
    else:
        months = "SELECT DISTINCT CAST(year AS BIGINT) AS year, CAST(month(submitted_on) AS BIGINT) AS month FROM w"
    sql = scope + f"""
    , ym AS ({months})
    , parts AS (SELECT unnest($parts) AS part)
    , c AS (
        SELECT CAST(year AS BIGINT) AS year, CAST(month(submitted_on) AS BIGINT) AS month,
            CASE WHEN status = 'CLOSED' AND closed_on_time THEN 'closed_on_time'
                 WHEN status = 'CLOSED' THEN 'closed_late'
                 WHEN status = 'REJECTED' THEN 'rejected'
                 ELSE 'open' END AS part,
            count(*) AS n
        FROM w GROUP BY ALL
    )
    SELECT ym.year, ym.month, parts.part, CAST(coalesce(c.n, 0) AS BIGINT) AS suggestions
    FROM ym CROSS JOIN parts
    LEFT JOIN c ON c.year = ym.year AND c.month = ym.month AND c.part = parts.part
    ORDER BY ym.year, ym.month, list_position($parts, parts.part)
    """
    return con.execute(sql, {**p, "parts": list(MONTH_PARTS)}).df()


def micro_departments(con: duckdb.DuckDBPyConnection, f: Filters, order: str = "volume",
                      cal: dict | None = None, categories: Codes = (), months: Months = (),
                      departments: Codes = ()) -> pd.DataFrame:
    """承办单位: accepted cohort items (status not SUBMITTED / REJECTED) per department:
    department (:data:`NOT_GIVEN` when blank), suggestions, closed, median_days (calendar
    days to close, NaN when none closed), closed_on_time, close_on_time_rate (of closed;
    NaN when none closed). ``order``: ``volume`` (most suggestions first) or ``time``
    (slowest median first; only departments with a closed item)."""
    if order not in DEPARTMENT_ORDERS:
        raise ValueError(f"unknown order: {order}")
    scope, p = _scope(f, True, cal, categories, months, departments)
    having = "WHERE closed > 0" if order == "time" else ""
    sql = scope + f"""
    , d AS (
        SELECT coalesce(department, $not_given) AS department, count(*) AS suggestions,
            count(*) FILTER (WHERE status = 'CLOSED') AS closed,
            quantile_cont(close_days, 0.5) FILTER (WHERE status = 'CLOSED') AS median_days,
            count(*) FILTER (WHERE closed_on_time) AS closed_on_time
        FROM w WHERE list_contains($accepted_st, status) GROUP BY 1
    )
    SELECT department, CAST(suggestions AS BIGINT) AS suggestions, CAST(closed AS BIGINT) AS closed,
        CAST(median_days AS DOUBLE) AS median_days, CAST(closed_on_time AS BIGINT) AS closed_on_time,
        CAST(closed_on_time AS DOUBLE) / nullif(closed, 0) AS close_on_time_rate
    FROM d {having}
    ORDER BY {DEPARTMENT_ORDERS[order]}
    """
    df = con.execute(sql, {**p, "not_given": NOT_GIVEN}).df()
    df["median_days"] = df["median_days"].astype("float64")
    df["close_on_time_rate"] = df["close_on_time_rate"].astype("float64")
    return df
