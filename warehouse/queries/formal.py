"""代表建议: the deputies' formal suggestions of a congress session, followed until replied.

Counting rule (统计口径, also in ``ui/metric_defs/formal.py`` and the data dictionary):

* The unit is the **congress session** (会议, e.g. 区十八届人大二次会议): every function
  takes the sessions to show (``sessions``, a tuple of names) besides the filters. The
  district filter applies; the year filter does not (a session's suggestions belong to it
  whatever day they were assigned) — it only chooses the default sessions
  (:func:`default_sessions`: those with a suggestion assigned in that year). The town filter
  does not apply: a formal suggestion has no town. A user's **scope** does apply, through
  the lead deputy's town (:mod:`warehouse.filters`): a town user sees the suggestions led
  by deputies of their towns, and every figure here is computed over those only.
* **Time limits** run from ``assigned_on`` (交办日期): a reply is *on time* when
  ``replied_on ≤ assigned_on + 3 months`` (calendar months; 3-10 → 6-10, 11-30 → 2-29/28)
  and *within the maximum* when ``replied_on ≤ assigned_on + 6 months``. A suggestion without
  a reply is *overdue* when the data's cut-off (``as_of``) is later than ``assigned_on + 3
  months``, and *past the maximum* when it is later than ``assigned_on + 6 months``; before
  that it is *not yet due*. Each suggestion has one :data:`REPLY_STATUSES` code.
* **On-time rate** = on time ÷ suggestions whose 3-month limit has come (replied, or
  unanswered and overdue); **within-maximum rate** likewise with 6 months. Unanswered
  suggestions that are not yet due are left out of the denominator; unanswered overdue ones
  are in it and count as not on time. Suggestions without an assignment date
  (``NO_DATE``) enter the count but no time statistic.
* **Results** A/B/C/D: the share is of the suggestions that have a result.
* **Deputy satisfaction** = (满意 + 基本满意) ÷ suggestions with feedback; ``None`` when none
  has feedback yet (never 0%).
* Titles are residents' and deputies' words: every list masks phone and ID numbers in
  them and in the lead deputy's name (:func:`warehouse.privacy.mask_series`).

Every function binds its values as parameters and returns plain Python / pandas objects;
nothing here imports Streamlit.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.spec import ENUMS
from warehouse.filters import Filters, ensure_records, where
from warehouse.queries.common import formal_scope
from warehouse.privacy import mask_series

RESULTS: list[str] = list(ENUMS["formal_result"])  # A, B, C, D
FEEDBACK: list[str] = list(ENUMS["rating"])  # SATISFIED, BASICALLY, DISSATISFIED
ON_TIME_MONTHS = 3
MAX_MONTHS = 6
# One reply status per suggestion, in the order they are shown.
REPLY_STATUSES: list[str] = [
    "ON_TIME",  # replied within 3 months
    "LATE",  # replied after 3 months, within 6
    "OVER_MAX",  # replied after 6 months
    "PENDING",  # no reply, 3-month limit not yet reached (or no cut-off known)
    "OVERDUE",  # no reply, past 3 months, not past 6
    "OVERDUE_MAX",  # no reply, past 6 months
    "NO_DATE",  # no assignment date: no time limit can be computed
]
RANK_ORDERS = ("count", "on_time", "satisfaction")

# The suggestions of the chosen sessions (s) with their limits and reply status (r).
# ``{district_where}`` comes from ``warehouse.filters.where`` (column names only); the
# values travel as $district, $sessions, $as_of, $m3, $m6.
_SCOPE = """
WITH s AS (
    SELECT * FROM formal_suggestions
    WHERE {district_where} AND {scope_where} AND list_contains(CAST($sessions AS VARCHAR[]), session)
), r AS (
    SELECT *,
        CASE
            WHEN assigned_on IS NULL THEN 'NO_DATE'
            WHEN replied_on IS NOT NULL AND replied_on <= due_3m THEN 'ON_TIME'
            WHEN replied_on IS NOT NULL AND replied_on <= due_6m THEN 'LATE'
            WHEN replied_on IS NOT NULL THEN 'OVER_MAX'
            WHEN CAST($as_of AS DATE) > due_6m THEN 'OVERDUE_MAX'
            WHEN CAST($as_of AS DATE) > due_3m THEN 'OVERDUE'
            ELSE 'PENDING'
        END AS reply_status
    FROM (
        SELECT *,
            CAST(assigned_on + to_months(CAST($m3 AS INTEGER)) AS DATE) AS due_3m,
            CAST(assigned_on + to_months(CAST($m6 AS INTEGER)) AS DATE) AS due_6m
        FROM s
    )
)
"""

# Aggregates over r shared by the headline, the department ranking and the session table.
_AGG = """
    count(*) AS suggestions,
    count(*) FILTER (WHERE key_supervised) AS key_supervised,
    count(replied_on) AS replied,
    count(*) FILTER (WHERE reply_status = 'ON_TIME') AS on_time,
    count(*) FILTER (WHERE reply_status IN ('ON_TIME', 'LATE', 'OVER_MAX', 'OVERDUE', 'OVERDUE_MAX')) AS due_3m,
    count(*) FILTER (WHERE reply_status IN ('ON_TIME', 'LATE')) AS within_max,
    count(*) FILTER (WHERE reply_status IN ('ON_TIME', 'LATE', 'OVER_MAX', 'OVERDUE_MAX')) AS due_6m,
    count(*) FILTER (WHERE reply_status IN ('OVERDUE', 'OVERDUE_MAX')) AS overdue,
    count(*) FILTER (WHERE reply_status = 'OVERDUE_MAX') AS overdue_max,
    count(*) FILTER (WHERE reply_status = 'PENDING') AS not_yet_due,
    count(*) FILTER (WHERE reply_status = 'NO_DATE') AS no_date,
    count(result) AS with_result,
    count(feedback) AS with_feedback,
    count(*) FILTER (WHERE feedback = 'SATISFIED') AS satisfied,
    count(*) FILTER (WHERE feedback = 'BASICALLY') AS basically,
    count(*) FILTER (WHERE feedback = 'DISSATISFIED') AS dissatisfied
"""

# Rates from the aggregates (NULL, never 0, when the denominator is 0).
_RATES = """
    on_time / nullif(due_3m, 0) AS on_time_rate,
    within_max / nullif(due_6m, 0) AS within_max_rate,
    (satisfied + basically) / nullif(with_feedback, 0) AS satisfaction_rate,
    satisfied / nullif(with_feedback, 0) AS satisfied_rate
"""

# ORDER BY of each department ranking: column names only.
_RANK_SQL = {
    "count": "suggestions DESC, department",
    "on_time": "on_time_rate DESC NULLS LAST, suggestions DESC, department",
    "satisfaction": "satisfaction_rate DESC NULLS LAST, suggestions DESC, department",
}


def _scope(f: Filters, sessions: tuple[str, ...]) -> tuple[str, dict[str, object]]:
    district_where, p = where(f, "", year_col=None, town_col=None)
    scope_where, p2 = formal_scope(f, "deputy_id")
    return _SCOPE.format(district_where=district_where, scope_where=scope_where), {
        **p, **p2, "sessions": list(sessions), "as_of": f.as_of, "m3": ON_TIME_MONTHS, "m6": MAX_MONTHS}


def sessions(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The congress sessions of the filter's district(s), oldest first: session,
    first_assigned (earliest assignment date), suggestions, in_year (True when a
    suggestion was assigned in the filter's year; always True without a year)."""
    district_where, p = where(f, "", year_col=None, town_col=None)
    scope_where, p2 = formal_scope(f, "deputy_id")
    p.update(p2)
    sql = f"""
    SELECT session, min(assigned_on) AS first_assigned, count(*) AS suggestions,
        coalesce(bool_or(year = CAST($year AS INTEGER)), FALSE) OR $year IS NULL AS in_year
    FROM formal_suggestions WHERE {district_where} AND {scope_where}
    GROUP BY session ORDER BY first_assigned NULLS LAST, session
    """
    return con.execute(sql, {**p, "year": f.year}).df()


def default_sessions(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[str, ...]:
    """The sessions shown until the user chooses: those with a suggestion assigned in the
    filter's year (every session when no year is chosen)."""
    df = sessions(con, f)
    return tuple(df.loc[df["in_year"], "session"])


def formal_headline(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...]) -> dict[str, object]:
    """The headline of the chosen sessions: the counts of ``_AGG`` (suggestions,
    key_supervised, replied, on_time, due_3m, within_max, due_6m, overdue, overdue_max,
    not_yet_due, no_date, with_result, with_feedback, satisfied, basically, dissatisfied)
    as ints, and on_time_rate, within_max_rate, satisfaction_rate, satisfied_rate as
    floats or None."""
    scope, p = _scope(f, sessions)
    sql = scope + f"SELECT *, {_RATES} FROM (SELECT {_AGG} FROM r)"
    cur = con.execute(sql, p)
    row = cur.fetchone()
    names = [d[0] for d in cur.description]
    out: dict[str, object] = {}
    for k, v in zip(names, row):
        out[k] = (None if v is None else float(v)) if k.endswith("_rate") else int(v or 0)
    return out


def results_breakdown(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...]) -> pd.DataFrame:
    """办理结果 of the chosen sessions, all four results always present (A, B, C, D):
    result, suggestions, share (of the suggestions with a result; NaN when none has one)."""
    scope, p = _scope(f, sessions)
    sql = scope + """
    SELECT c.result, count(r.result) AS suggestions
    FROM (SELECT unnest(CAST($results AS VARCHAR[])) AS result) c LEFT JOIN r USING (result)
    GROUP BY c.result ORDER BY list_position($results, c.result)
    """
    df = con.execute(sql, {**p, "results": RESULTS}).df()
    total = int(df["suggestions"].sum())
    df["share"] = df["suggestions"] / total if total else float("nan")
    return df


def reply_status_breakdown(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...]) -> pd.DataFrame:
    """Suggestions of the chosen sessions per reply status, every status of
    :data:`REPLY_STATUSES` present in that order: reply_status, suggestions, share (of all
    the suggestions; NaN when there are none)."""
    scope, p = _scope(f, sessions)
    sql = scope + """
    SELECT c.reply_status, count(r.reply_status) AS suggestions
    FROM (SELECT unnest(CAST($statuses AS VARCHAR[])) AS reply_status) c LEFT JOIN r USING (reply_status)
    GROUP BY c.reply_status ORDER BY list_position($statuses, c.reply_status)
    """
    df = con.execute(sql, {**p, "statuses": REPLY_STATUSES}).df()
    total = int(df["suggestions"].sum())
    df["share"] = df["suggestions"] / total if total else float("nan")
    return df


def feedback_breakdown(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...]) -> pd.DataFrame:
    """代表反馈 of the chosen sessions, all three ratings present: feedback, suggestions,
    share (of the suggestions with feedback; NaN when none has any)."""
    scope, p = _scope(f, sessions)
    sql = scope + """
    SELECT c.feedback, count(r.feedback) AS suggestions
    FROM (SELECT unnest(CAST($ratings AS VARCHAR[])) AS feedback) c LEFT JOIN r USING (feedback)
    GROUP BY c.feedback ORDER BY list_position($ratings, c.feedback)
    """
    df = con.execute(sql, {**p, "ratings": FEEDBACK}).df()
    total = int(df["suggestions"].sum())
    df["share"] = df["suggestions"] / total if total else float("nan")
    return df


def department_ranking(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...],
                       order: str = "count") -> pd.DataFrame:
    """主办单位 of the chosen sessions, ranked by ``order`` (``count``: most suggestions
    first; ``on_time``: highest on-time rate first; ``satisfaction``: highest deputy
    satisfaction first; departments without a rate last; ties by count, then name):
    department, suggestions, key_supervised, on_time, due_3m, on_time_rate, overdue,
    with_feedback, satisfaction_rate, rank (1, 2, …)."""
    if order not in _RANK_SQL:
        raise ValueError(f"unknown order {order!r}; one of {RANK_ORDERS}")
    scope, p = _scope(f, sessions)
    sql = scope + f"""
    SELECT department, suggestions, key_supervised, on_time, due_3m, on_time_rate, overdue,
        with_feedback, satisfaction_rate, CAST(row_number() OVER (ORDER BY {_RANK_SQL[order]}) AS BIGINT) AS rank
    FROM (SELECT *, {_RATES} FROM (SELECT department, {_AGG} FROM r GROUP BY department))
    ORDER BY rank
    """
    return con.execute(sql, p).df()


# The narrowing of a list by chart selections: each list of codes, when not empty, keeps
# the suggestions having one of them. Column names only; the codes travel as parameters.
_NARROW = """
    AND (len(CAST($departments AS VARCHAR[])) = 0 OR list_contains(CAST($departments AS VARCHAR[]), r.department))
    AND (len(CAST($results AS VARCHAR[])) = 0 OR list_contains(CAST($results AS VARCHAR[]), r.result))
    AND (len(CAST($statuses AS VARCHAR[])) = 0 OR list_contains(CAST($statuses AS VARCHAR[]), r.reply_status))
    AND (len(CAST($feedback AS VARCHAR[])) = 0 OR list_contains(CAST($feedback AS VARCHAR[]), r.feedback))
"""


def _listing(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...], condition: str,
             order: str, departments: tuple[str, ...] = (), results: tuple[str, ...] = (),
             statuses: tuple[str, ...] = (), feedback: tuple[str, ...] = ()) -> pd.DataFrame:
    ensure_records(f)  # lists of suggestions: individual records
    scope, p = _scope(f, sessions)
    sql = scope + f"""
    SELECT r.suggestion_id, r.session, r.title, r.department,
        coalesce(d.name, r.deputy_id) AS deputy, r.assigned_on, r.due_3m, r.replied_on, r.reply_status,
        CASE WHEN r.reply_status IN ('OVERDUE', 'OVERDUE_MAX')
             THEN CAST(CAST($as_of AS DATE) - r.due_3m AS BIGINT) END AS days_overdue,
        r.result, r.feedback, r.key_supervised
    FROM r LEFT JOIN deputies d ON d.deputy_id = r.deputy_id
    WHERE {condition} {_NARROW}
    ORDER BY {order}
    """
    df = con.execute(sql, {**p, "departments": list(departments), "results": list(results),
                           "statuses": list(statuses), "feedback": list(feedback)}).df()
    if not f.unmasked:  # the lead deputy's name is person-level text too (as in the record explorer)
        df["title"] = mask_series(df["title"])
        df["deputy"] = mask_series(df["deputy"])
    return df


def key_supervised_list(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...],
                        departments: tuple[str, ...] = (), results: tuple[str, ...] = (),
                        statuses: tuple[str, ...] = (), feedback: tuple[str, ...] = ()) -> pd.DataFrame:
    """重点督办 suggestions of the chosen sessions, by assignment date then id. Columns of
    every list: suggestion_id, session, title (masked), department, deputy (the lead
    deputy's name, else the id; masked), assigned_on, due_3m (the 3-month limit), replied_on,
    reply_status, days_overdue (days past the 3-month limit at the cut-off, for unanswered
    overdue ones; else NA), result, feedback, key_supervised.

    Every list narrows to chart selections: ``departments``, ``results`` (A–D),
    ``statuses`` (:data:`REPLY_STATUSES`) and ``feedback`` (ratings); an empty one sets
    no condition, several codes of one are alternatives, different ones all apply."""
    return _listing(con, f, sessions, "r.key_supervised", "r.assigned_on NULLS LAST, r.suggestion_id",
                    departments, results, statuses, feedback)


def overdue_list(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...],
                 departments: tuple[str, ...] = (), results: tuple[str, ...] = (),
                 statuses: tuple[str, ...] = (), feedback: tuple[str, ...] = ()) -> pd.DataFrame:
    """Unanswered suggestions past the 3-month limit at the cut-off (past 6 months
    included), longest overdue first; the columns and narrowing of :func:`key_supervised_list`."""
    return _listing(con, f, sessions, "r.reply_status IN ('OVERDUE', 'OVERDUE_MAX')",
                    "days_overdue DESC, r.suggestion_id", departments, results, statuses, feedback)


def suggestion_list(con: duckdb.DuckDBPyConnection, f: Filters, sessions: tuple[str, ...],
                    departments: tuple[str, ...] = (), results: tuple[str, ...] = (),
                    statuses: tuple[str, ...] = (), feedback: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every suggestion of the chosen sessions matching the chart selections, by
    assignment date then id; the columns and narrowing of :func:`key_supervised_list`."""
    return _listing(con, f, sessions, "TRUE", "r.assigned_on NULLS LAST, r.suggestion_id",
                    departments, results, statuses, feedback)


def by_session(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every session of the filter's district(s) side by side, oldest first: session,
    first_assigned, suggestions, key_supervised, on_time_rate, within_max_rate, overdue,
    satisfaction_rate."""
    all_sessions = tuple(sessions(con, f)["session"])
    scope, p = _scope(f, all_sessions)
    sql = scope + f"""
    SELECT session, first_assigned, suggestions, key_supervised, on_time_rate, within_max_rate, overdue,
        satisfaction_rate
    FROM (SELECT *, {_RATES} FROM (SELECT session, min(assigned_on) AS first_assigned, {_AGG} FROM r
                                   GROUP BY session))
    ORDER BY first_assigned NULLS LAST, session
    """
    return con.execute(sql, p).df()
