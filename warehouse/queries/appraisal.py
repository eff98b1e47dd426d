"""工作评议: the standing committee's satisfaction ballots on the departments it appraises.

Counting rule (统计口径, also in ``ui/metric_defs/appraisal.py`` and the data dictionary):

* One **appraisal** is one ``appraisal_id`` (one department in one year); it has a row per
  evaluator type — 常委会组成人员 (``SC_MEMBER``) and 特邀代表 (``INVITED``) — with its
  ballots. The ballots of all evaluator types are added up; a blank ballot count is 0.
* **Ballots** = 满意 + 基本满意 + 不满意. **Satisfaction rate** = (满意 + 基本满意) ÷ ballots;
  ``None`` when an appraisal has no ballots.
* **Grade** by the majority rule (过半数): 满意 (``SATISFIED``) if 满意 ballots are *more*
  than half of all ballots; else 基本满意 (``BASICALLY``) if 满意 + 基本满意 are more than
  half; else 不满意 (``DISSATISFIED``). Exactly half is not more than half. The comparison is
  done in whole numbers (2 × votes > ballots), so no rounding can move a grade. No ballots:
  no grade (``None``).
* **Year-on-year**: a department's appraisal is compared with the same department's in the
  previous year in the same district (if it was appraised twice that year, the two are
  added up): the change of the rate in percentage points and whether the grade went up,
  down or stayed.
* The district and year filters apply; the town filter does not (a department has no town).

Every function binds its values as parameters and returns pandas objects; nothing here
imports Streamlit.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.spec import ENUMS
from warehouse.filters import Filters, where

EVALUATORS: list[str] = list(ENUMS["evaluator_type"])  # SC_MEMBER, INVITED
GRADES: list[str] = list(ENUMS["rating"])  # SATISFIED, BASICALLY, DISSATISFIED (best first)
BALLOT_KINDS: tuple[str, ...] = ("satisfied", "basically_satisfied", "dissatisfied")

# The majority rule over columns s (满意), b (基本满意) and n (all ballots): names only.
_GRADE = """CASE WHEN {n} = 0 THEN NULL
    WHEN 2 * {s} > {n} THEN 'SATISFIED'
    WHEN 2 * ({s} + {b}) > {n} THEN 'BASICALLY'
    ELSE 'DISSATISFIED' END"""


def grade_sql(s: str, b: str, n: str) -> str:
    """The SQL of the majority rule over three column names (never values)."""
    return _GRADE.format(s=s, b=b, n=n)


def grade(satisfied: int, basically: int, ballots: int) -> str | None:
    """The majority rule in Python, for reports and tests (the same rule as the SQL)."""
    if ballots == 0:
        return None
    if 2 * satisfied > ballots:
        return "SATISFIED"
    if 2 * (satisfied + basically) > ballots:
        return "BASICALLY"
    return "DISSATISFIED"


# Ballots per appraisal (one row per appraisal_id) of the district(s) in scope, every
# year (``y``), and the same per district + department + year for the previous-year match
# (``dy``). ``{district_where}`` is a fragment of ``warehouse.filters.where``.
_BASE = """
WITH a AS (
    SELECT appraisal_id, district, year, department, evaluator_type,
        coalesce(satisfied, 0) AS s, coalesce(basically_satisfied, 0) AS b, coalesce(dissatisfied, 0) AS d
    FROM appraisals WHERE {district_where}
), y AS (
    SELECT appraisal_id, district, year, department,
        CAST(sum(s + b + d) FILTER (WHERE evaluator_type = 'SC_MEMBER') AS BIGINT) AS sc_ballots,
        CAST(sum(s + b + d) FILTER (WHERE evaluator_type = 'INVITED') AS BIGINT) AS invited_ballots,
        CAST(sum(s) AS BIGINT) AS satisfied, CAST(sum(b) AS BIGINT) AS basically_satisfied,
        CAST(sum(d) AS BIGINT) AS dissatisfied, CAST(sum(s + b + d) AS BIGINT) AS ballots
    FROM a GROUP BY ALL
), dy AS (
    SELECT district, department, year, sum(satisfied) AS satisfied, sum(basically_satisfied) AS basically,
        sum(ballots) AS ballots
    FROM y GROUP BY ALL
)
"""


def _base(f: Filters) -> tuple[str, str, dict[str, object]]:
    district_where, p1 = where(f, "", year_col=None, town_col=None)
    year_where, p2 = where(f, "y", town_col=None, district_col=None)
    return _BASE.format(district_where=district_where), year_where, {**p1, **p2}


# Narrowing to departments picked in a chart: an empty list sets no condition.
_DEPARTMENTS = "(len(CAST($departments AS VARCHAR[])) = 0 OR list_contains(CAST($departments AS VARCHAR[]), {col}))"


def appraisal_results(con: duckdb.DuckDBPyConnection, f: Filters, departments: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per appraisal in scope, best rate first (then department): district, year,
    appraisal_id, department, sc_ballots, invited_ballots (0 when that type did not vote),
    satisfied, basically_satisfied, dissatisfied, ballots, satisfaction_rate,
    satisfied_share, grade; prev_rate, prev_grade (the department's previous year; NA when
    it was not appraised then), rate_change (in rate units: 0.05 is +5 pp) and
    grade_change (``UP`` / ``DOWN`` / ``SAME``; NA without a previous year).

    ``departments`` (names, e.g. picked in a chart) keeps only their appraisals; the
    previous year is still found for each."""
    base, year_where, p = _base(f)
    sql = base + f"""
    , cur AS (
        SELECT y.district, CAST(y.year AS BIGINT) AS year, y.appraisal_id, y.department,
            coalesce(y.sc_ballots, 0) AS sc_ballots, coalesce(y.invited_ballots, 0) AS invited_ballots,
            y.satisfied, y.basically_satisfied, y.dissatisfied, y.ballots,
            (y.satisfied + y.basically_satisfied) / nullif(y.ballots, 0) AS satisfaction_rate,
            y.satisfied / nullif(y.ballots, 0) AS satisfied_share,
            {grade_sql("y.satisfied", "y.basically_satisfied", "y.ballots")} AS grade
        FROM y WHERE {year_where}
    ), prev AS (
        SELECT district, department, year + 1 AS year,
            (satisfied + basically) / nullif(ballots, 0) AS prev_rate,
            {grade_sql("satisfied", "basically", "ballots")} AS prev_grade
        FROM dy
    )
    SELECT cur.*, prev.prev_rate, prev.prev_grade,
        cur.satisfaction_rate - prev.prev_rate AS rate_change,
        CASE WHEN cur.grade IS NULL OR prev.prev_grade IS NULL THEN NULL
             WHEN list_position($grades, cur.grade) < list_position($grades, prev.prev_grade) THEN 'UP'
             WHEN list_position($grades, cur.grade) > list_position($grades, prev.prev_grade) THEN 'DOWN'
             ELSE 'SAME' END AS grade_change
    FROM cur LEFT JOIN prev USING (district, department, year)
    WHERE {_DEPARTMENTS.format(col="cur.department")}
    ORDER BY cur.year DESC, cur.satisfaction_rate DESC NULLS LAST, cur.department, cur.appraisal_id
    """
    return con.execute(sql, {**p, "grades": GRADES, "departments": list(departments)}).df()


def appraisal_headline(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, object]:
    """The page's headline numbers: appraisals, ballots, sc_ballots, invited_ballots,
    satisfied, basically_satisfied, dissatisfied (ints), satisfaction_rate (all ballots
    added up; None without ballots), and graded_satisfied / graded_basically /
    graded_dissatisfied (appraisals per grade); with a year, prev_satisfaction_rate (the
    previous year's, None when nothing was appraised then)."""
    df = appraisal_results(con, f)
    out: dict[str, object] = {"appraisals": len(df)}
    for c in ("ballots", "sc_ballots", "invited_ballots", *BALLOT_KINDS):
        out[c] = int(df[c].sum())
    out["satisfaction_rate"] = ((out["satisfied"] + out["basically_satisfied"]) / out["ballots"]
                                if out["ballots"] else None)
    for g in GRADES:
        out[f"graded_{g.lower()}"] = int((df["grade"] == g).sum())
    out["prev_satisfaction_rate"] = None
    if f.year is not None:
        prev = appraisal_results(con, f.with_year(f.year - 1))
        if int(prev["ballots"].sum()):
            out["prev_satisfaction_rate"] = (
                int(prev["satisfied"].sum() + prev["basically_satisfied"].sum()) / int(prev["ballots"].sum()))
    return out


def ballots_by_department(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The ballots of each appraisal in scope in long form, for a stacked bar: district,
    year, appraisal_id, department, kind (``satisfied`` / ``basically_satisfied`` /
    ``dissatisfied``, all three for each appraisal), ballots, share (of the appraisal's
    ballots; NaN without ballots). Appraisals in the order of :func:`appraisal_results`."""
    df = appraisal_results(con, f)
    long = df.melt(id_vars=["district", "year", "appraisal_id", "department", "ballots"],
                   value_vars=list(BALLOT_KINDS), var_name="kind", value_name="votes")
    long["order"] = long["appraisal_id"].map({a: i for i, a in enumerate(df["appraisal_id"])})
    long["kind_order"] = long["kind"].map(BALLOT_KINDS.index)
    long = long.sort_values(["order", "kind_order"], kind="stable").reset_index(drop=True)
    share = long["votes"] / long["ballots"].where(long["ballots"] > 0)
    return pd.DataFrame({"district": long["district"], "year": long["year"], "appraisal_id": long["appraisal_id"],
                         "department": long["department"], "kind": long["kind"],
                         "ballots": long["votes"].astype("int64"), "share": share.astype("float64")})


def ballots_by_evaluator(con: duckdb.DuckDBPyConnection, f: Filters,
                         departments: tuple[str, ...] = ()) -> pd.DataFrame:
    """Ballots per evaluator type in scope, both types always present: evaluator_type,
    appraisals (that the type voted on), satisfied, basically_satisfied, dissatisfied,
    ballots, satisfaction_rate (NaN without ballots). ``departments``: only theirs."""
    district_where, p = where(f, "", town_col=None)
    sql = f"""
    WITH a AS (SELECT * FROM appraisals WHERE {district_where} AND {_DEPARTMENTS.format(col="department")})
    SELECT e.evaluator_type, count(a.appraisal_id) AS appraisals,
        CAST(coalesce(sum(a.satisfied), 0) AS BIGINT) AS satisfied,
        CAST(coalesce(sum(a.basically_satisfied), 0) AS BIGINT) AS basically_satisfied,
        CAST(coalesce(sum(a.dissatisfied), 0) AS BIGINT) AS dissatisfied
    FROM (SELECT unnest(CAST($types AS VARCHAR[])) AS evaluator_type) e LEFT JOIN a USING (evaluator_type)
    GROUP BY e.evaluator_type ORDER BY list_position($types, e.evaluator_type)
    """
    df = con.execute(sql, {**p, "types": EVALUATORS, "departments": list(departments)}).df()
    df["ballots"] = (df["satisfied"] + df["basically_satisfied"] + df["dissatisfied"]).astype("int64")
    df["satisfaction_rate"] = ((df["satisfied"] + df["basically_satisfied"])
                               / df["ballots"].where(df["ballots"] > 0)).astype("float64")
    return df


def rate_by_department_year(con: duckdb.DuckDBPyConnection, f: Filters,
                            departments: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every year of every department of the filter's district(s), whatever the year
    filter (a trend): district, department, year, ballots, satisfaction_rate, grade; by
    district, department, year. ``departments``: only theirs."""
    base, _, p = _base(f)
    p.pop("year", None)
    sql = base + f"""
    SELECT district, department, CAST(year AS BIGINT) AS year, CAST(ballots AS BIGINT) AS ballots,
        (satisfied + basically) / nullif(ballots, 0) AS satisfaction_rate,
        {grade_sql("satisfied", "basically", "ballots")} AS grade
    FROM dy WHERE {_DEPARTMENTS.format(col="department")}
    ORDER BY district, department, year
    """
    return con.execute(sql, {**p, "departments": list(departments)}).df()
