"""进企业促发展: enterprise visits by deputies and the opinions heard there, followed until
they are resolved.

Counting rule (统计口径, also in ``ui/metrics.py`` / ``ui/metric_defs/enterprise.py`` and the
data dictionary):

* Only visits to enterprises in **counted** towns enter (``towns.counted``, matched on
  district + town). The filters narrow by district, year (the year of the visit's date),
  towns, and the data's cut-off (``as_of``) on the visit's date.
* An opinion belongs to the year, district and town **of its visit**: it is counted with
  the visits in scope, whenever it was resolved.
* visits = visit records; enterprises = distinct enterprise names among them; deputy
  person-times = province + city + district + town deputies (also returned per level);
  questionnaires = visits with a questionnaire returned, their rate = questionnaires ÷ visits.
* opinions are split by ``source``: ENTERPRISE (企业提出) and DEPUTY (代表提出).
* The funnel: visits → questionnaires → opinions → assigned (status ASSIGNED,
  IN_PROGRESS or RESOLVED: 已交办 or beyond) → resolved (RESOLVED). Each step's share is
  its count ÷ the previous step's count; the opinions step divides opinions by
  questionnaires (opinions per questionnaire returned, which may exceed 1).
* Days to resolution = ``resolved_on`` − visit date, over RESOLVED opinions with a
  ``resolved_on`` on or after the visit date (a missing or earlier date is a clerical gap
  and is left out of the median, and counted as such). No such opinion: the median is None.
* A blank industry is :data:`NOT_GIVEN` (未填写), never dropped.

Opinion texts come from enterprises and may hold phone or ID numbers: every text column
returned here passes through :func:`warehouse.privacy.mask_frame` before it leaves.

Every function takes a connection and a :class:`Filters`, binds every value as a parameter
and returns plain Python / pandas objects; nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from etl.spec import ENUMS
from warehouse.filters import Filters, ensure_records, where
from warehouse.privacy import mask_frame
from warehouse.queries.common import opinions_of_district

SOURCES: list[str] = list(ENUMS["opinion_source"])
CATEGORIES: list[str] = list(ENUMS["opinion_category"])
STATUSES: list[str] = list(ENUMS["opinion_status"])
ASSIGNED = ("ASSIGNED", "IN_PROGRESS", "RESOLVED")  # 已交办 or beyond
RESOLVED = "RESOLVED"
LEVELS: tuple[str, ...] = ("province_deputies", "city_deputies", "district_deputies", "town_deputies")
FUNNEL_STEPS: tuple[str, ...] = ("visits", "questionnaires", "opinions", "assigned", "resolved")
NOT_GIVEN = "NOT_GIVEN"  # a blank industry (未填写)
TEXT_COLUMNS = ["content", "enterprise"]  # masked unless f.unmasked (the town profile masks both too)

# The counted towns in scope (t), their visits in scope (v) and the opinions of those
# visits (o). ``{town_where}`` / ``{visit_where}`` are fragments from
# ``warehouse.filters.where``: column names only, the values travel as bound parameters.
_SCOPE = """
WITH t AS (
    SELECT district, town, town_code FROM towns
    WHERE counted AND {town_where}
), v AS (
    SELECT v.*, v.province_deputies + v.city_deputies + v.district_deputies + v.town_deputies AS person_times
    FROM enterprise_visits v JOIN t USING (district, town)
    WHERE {visit_where}
), o AS (
    SELECT o.*, v.date, v.district, v.town, v.enterprise, v.industry,
        CASE WHEN o.status = 'RESOLVED' AND o.resolved_on >= v.date
             THEN datediff('day', v.date, o.resolved_on) END AS days
    FROM enterprise_opinions o JOIN v USING (visit_id)
    WHERE {opinion_where}
)
"""


def _scope(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[str, dict[str, object]]:
    town_where, p1 = where(f, year_col=None)
    visit_where, p2 = where(f, "v", town_col=None, date_col="date")
    return _SCOPE.format(town_where=town_where, visit_where=visit_where,
                         opinion_where=opinions_of_district(con, f)), {**p1, **p2}


def _row(con: duckdb.DuckDBPyConnection, sql: str, p: dict[str, object]) -> dict[str, object]:
    cur = con.execute(sql, p)
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else {}


def _ratio(n: float, d: float) -> float | None:
    return n / d if d else None


def enterprise_headline(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, int | float | None]:
    """The page's KPIs: visits, enterprises, person_times and its four levels
    (province_deputies, city_deputies, district_deputies, town_deputies), questionnaires,
    questionnaire_rate (None without visits), opinions, opinions_enterprise,
    opinions_deputy, assigned, resolved."""
    scope, p = _scope(con, f)
    sql = scope + """
    , vv AS (
        SELECT count(*) AS visits, count(DISTINCT enterprise) AS enterprises,
            coalesce(sum(person_times), 0) AS person_times,
            coalesce(sum(province_deputies), 0) AS province_deputies,
            coalesce(sum(city_deputies), 0) AS city_deputies,
            coalesce(sum(district_deputies), 0) AS district_deputies,
            coalesce(sum(town_deputies), 0) AS town_deputies,
            count(*) FILTER (WHERE questionnaire) AS questionnaires
        FROM v
    ), oo AS (
        SELECT count(*) AS opinions,
            count(*) FILTER (WHERE source = 'ENTERPRISE') AS opinions_enterprise,
            count(*) FILTER (WHERE source = 'DEPUTY') AS opinions_deputy,
            count(*) FILTER (WHERE list_contains($assigned, status)) AS assigned,
            count(*) FILTER (WHERE status = $resolved) AS resolved
        FROM o
    )
    SELECT * FROM vv CROSS JOIN oo
    """
    row = {k: int(v or 0) for k, v in _row(con, sql, {**p, "assigned": list(ASSIGNED), "resolved": RESOLVED}).items()}
    out: dict[str, int | float | None] = dict(row)
    out["questionnaire_rate"] = _ratio(row["questionnaires"], row["visits"])
    return out


def enterprise_funnel(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The funnel visits → questionnaires → opinions → assigned → resolved: step (one of
    :data:`FUNNEL_STEPS`), count, share (count ÷ the previous step's count; NaN for the
    first step and where the previous step is zero)."""
    head = enterprise_headline(con, f)
    counts = [int(head[s]) for s in FUNNEL_STEPS]  # type: ignore[arg-type]
    shares = [float("nan")] + [c / prev if prev else float("nan") for prev, c in zip(counts, counts[1:])]
    return pd.DataFrame({"step": list(FUNNEL_STEPS), "count": pd.array(counts, dtype="int64"), "share": shares})


def opinions_by_category(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Opinions per category, every category of the contract listed (zeros where none), in
    contract order: category, opinions, opinions_enterprise, opinions_deputy, resolved."""
    scope, p = _scope(con, f)
    sql = scope + """
    , c AS (SELECT unnest($categories) AS category)
    SELECT c.category,
        count(o.opinion_id) AS opinions,
        count(o.opinion_id) FILTER (WHERE o.source = 'ENTERPRISE') AS opinions_enterprise,
        count(o.opinion_id) FILTER (WHERE o.source = 'DEPUTY') AS opinions_deputy,
        count(o.opinion_id) FILTER (WHERE o.status = $resolved) AS resolved
    FROM c LEFT JOIN o USING (category)
    GROUP BY c.category
    ORDER BY list_position($categories, c.category)
    """
    return con.execute(sql, {**p, "categories": CATEGORIES, "resolved": RESOLVED}).df()


def opinions_by_industry(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Visits and opinions per industry of the visited enterprise (industries with a visit
    in scope; a blank industry is :data:`NOT_GIVEN`): industry, visits, opinions, resolved;
    most opinions first, then most visits, then by name, :data:`NOT_GIVEN` last."""
    scope, p = _scope(con, f)
    sql = scope + """
    , vi AS (SELECT coalesce(industry, $not_given) AS industry, count(*) AS visits FROM v GROUP BY 1)
    , oi AS (
        SELECT coalesce(industry, $not_given) AS industry, count(*) AS opinions,
            count(*) FILTER (WHERE status = $resolved) AS resolved
        FROM o GROUP BY 1
    )
    SELECT vi.industry, vi.visits, coalesce(oi.opinions, 0) AS opinions, coalesce(oi.resolved, 0) AS resolved
    FROM vi LEFT JOIN oi USING (industry)
    ORDER BY vi.industry = $not_given, opinions DESC, vi.visits DESC, vi.industry
    """
    return con.execute(sql, {**p, "not_given": NOT_GIVEN, "resolved": RESOLVED}).df()


def opinions_by_town(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Visits and opinions per counted town in scope (every one listed, zeros where none),
    in statistical-code order: district, town, visits, enterprises, opinions, resolved."""
    scope, p = _scope(con, f)
    sql = scope + """
    , vt AS (SELECT district, town, count(*) AS visits, count(DISTINCT enterprise) AS enterprises FROM v GROUP BY ALL)
    , ot AS (
        SELECT district, town, count(*) AS opinions, count(*) FILTER (WHERE status = $resolved) AS resolved
        FROM o GROUP BY ALL
    )
    SELECT t.district, t.town, coalesce(vt.visits, 0) AS visits, coalesce(vt.enterprises, 0) AS enterprises,
        coalesce(ot.opinions, 0) AS opinions, coalesce(ot.resolved, 0) AS resolved
    FROM t LEFT JOIN vt USING (district, town) LEFT JOIN ot USING (district, town)
    ORDER BY t.district, t.town_code NULLS LAST, t.town
    """
    return con.execute(sql, {**p, "resolved": RESOLVED}).df()


def opinions_by_status(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Opinions per handling status, all four statuses listed in contract order (未交办,
    已交办, 办理中, 已办结): status, opinions, share (of all opinions; NaN without any)."""
    scope, p = _scope(con, f)
    sql = scope + """
    , s AS (SELECT unnest($statuses) AS status)
    SELECT s.status, count(o.opinion_id) AS opinions
    FROM s LEFT JOIN o USING (status)
    GROUP BY s.status
    ORDER BY list_position($statuses, s.status)
    """
    df = con.execute(sql, {**p, "statuses": STATUSES}).df()
    total = int(df["opinions"].sum())
    df["share"] = df["opinions"] / total if total else float("nan")
    return df


def resolution_days(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, int | float | None]:
    """How long resolution takes: resolved (RESOLVED opinions), dated (those with a usable
    ``resolved_on``, on or after the visit date), median_days (visit date → resolved_on over
    the dated ones; None when there are none), max_days (likewise)."""
    scope, p = _scope(con, f)
    sql = scope + """
    SELECT count(*) FILTER (WHERE status = $resolved) AS resolved, count(days) AS dated,
        median(days) AS median_days, max(days) AS max_days
    FROM o
    """
    row = _row(con, sql, {**p, "resolved": RESOLVED})
    return {"resolved": int(row.get("resolved") or 0), "dated": int(row.get("dated") or 0),
            "median_days": None if row.get("median_days") is None else float(row["median_days"]),
            "max_days": None if row.get("max_days") is None else int(row["max_days"])}


def _codes(x: str | Iterable[str] | None) -> list[str]:
    """A narrowing argument as a list: None / empty → no narrowing, a string → one value."""
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return [str(v) for v in x]


LIST_COLUMNS = ["opinion_id", "date", "district", "town", "enterprise", "industry", "source", "category", "status",
                "resolved_on", "content"]


def opinion_list(con: duckdb.DuckDBPyConnection, f: Filters, category: str | Iterable[str] | None = None,
                 town: str | Iterable[str] | None = None, status: str | Iterable[str] | None = None,
                 source: str | Iterable[str] | None = None, industry: str | Iterable[str] | None = None,
                 search: str | None = None) -> pd.DataFrame:
    """The opinions in scope, newest visit first: opinion_id, date (of the visit), district,
    town, enterprise, industry (None when blank), source, category, status, resolved_on,
    content (enterprise and content **masked**: phone and ID numbers hidden).

    Each narrowing argument takes one value or several (a chart selection): category,
    status and source codes, town names, industries (:data:`NOT_GIVEN` for a blank one).
    ``search`` keeps rows whose masked content or enterprise name contains the words —
    it runs on the masked text, so a search can never reveal a hidden number.

    Individual records: refused when ``f.records`` is False; the content is in clear only
    when ``f.unmasked`` (a leader; the search then runs on the clear text)."""
    ensure_records(f)
    scope, p = _scope(con, f)
    sql = scope + """
    , n AS (
        SELECT CAST($categories AS VARCHAR[]) AS categories, CAST($town_list AS VARCHAR[]) AS town_list,
            CAST($statuses AS VARCHAR[]) AS statuses, CAST($sources AS VARCHAR[]) AS sources,
            CAST($industries AS VARCHAR[]) AS industries
    )
    SELECT opinion_id, date, district, town, enterprise, industry, source, category, status, resolved_on, content
    FROM o CROSS JOIN n
    WHERE (len(n.categories) = 0 OR list_contains(n.categories, category))
      AND (len(n.town_list) = 0 OR list_contains(n.town_list, town))
      AND (len(n.statuses) = 0 OR list_contains(n.statuses, status))
      AND (len(n.sources) = 0 OR list_contains(n.sources, source))
      AND (len(n.industries) = 0 OR list_contains(n.industries, coalesce(industry, $not_given)))
    ORDER BY date DESC, district, opinion_id
    """
    params = {**p, "categories": _codes(category), "town_list": _codes(town), "statuses": _codes(status),
              "sources": _codes(source), "industries": _codes(industry), "not_given": NOT_GIVEN}
    df = con.execute(sql, params).df()
    if not f.unmasked:
        df = mask_frame(df, TEXT_COLUMNS)
    words = (search or "").strip()
    if words:
        hit = (df["content"].fillna("").str.contains(words, case=False, regex=False)
               | df["enterprise"].str.contains(words, case=False, regex=False))
        df = df[hit].reset_index(drop=True)
    return df
