"""参与情况: who takes part in the activities of the counted towns (镇街), where and when.

Counting rule (统计口径, also in ``ui/metrics.py`` and the data dictionary):

* Only activities of **counted** towns enter (``towns.counted``; a town is matched on
  district + town). The filters narrow by district, year (the year of the activity's date)
  and towns.
* An *event* is one activity record (场次). *Participants* (参与人数) are person-times: the
  sum over activities of ``deputies + voter_reps + social_workers + public`` (the warehouse
  column ``participants``), so one person at two events counts twice.
* The four participant groups are 人大代表 (``deputies``), 选民代表 (``voter_reps``),
  基层社会工作者 (``social_workers``) and 群众 (``public``).
* A blank venue is counted as :data:`NOT_GIVEN` (未填写), never dropped.
* 宣传月 (publicity month) is March: publicity events (kind ``PUBLICITY``) dated in March
  are split from those of the rest of the year.
* Grids (town × month, publicity per town) list every counted town in the filter's scope,
  with zeros where nothing was held; months after the data's cut-off (``as_of``) in an
  unfinished year are left out, because they have not happened yet — they are not zeros.

A page narrows further by what a user picked in a chart (a drill-down): towns ride on
the filters (``f.with_towns``); activity kinds and months of the year are the optional
``kinds`` / ``months`` arguments (empty: no narrowing), applied to the activities only —
a grid still lists every counted town in scope.

Every function takes a connection and a :class:`Filters`, binds every value as a
parameter and returns plain Python / pandas objects; nothing here imports Streamlit.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.spec import ENUMS
from warehouse.filters import Filters, where
from warehouse.frames import plain_frame

KIND_ORDER: list[str] = list(ENUMS["activity_kind"])
NOT_GIVEN = "NOT_GIVEN"  # a blank venue (未填写)
VENUE_ORDER: list[str] = list(ENUMS["venue"]) + [NOT_GIVEN]
GROUPS: tuple[str, ...] = ("deputies", "voter_reps", "social_workers", "public")
PUBLICITY = "PUBLICITY"
PUBLICITY_MONTH = 3  # 全过程人民民主宣传月

# The counted towns in scope (t) and their activities in scope (a). ``{town_where}`` and
# ``{year_where}`` are fragments from ``warehouse.filters.where``: column names only, the
# values travel as bound parameters.
_SCOPE = """
WITH t AS (
    SELECT district, town, town_code FROM towns
    WHERE counted AND {town_where}
), a AS (
    SELECT a.* FROM activities a JOIN t USING (district, town)
    WHERE {year_where}
)
"""


Kinds = tuple[str, ...]
Months = tuple[int, ...]


def _scope(f: Filters, kinds: Kinds = (), months: Months = ()) -> tuple[str, dict[str, object]]:
    """The counted towns in scope (t) and their activities (a), narrowed to ``kinds``
    (activity-kind codes) and ``months`` (1–12, the month of the activity's date) when given."""
    town_where, p1 = where(f, year_col=None)
    year_where, p2 = where(f, "a", town_col=None)
    p = {**p1, **p2}
    if kinds:
        year_where += " AND list_contains(CAST($sel_kinds AS VARCHAR[]), a.kind)"
        p["sel_kinds"] = [str(k) for k in kinds]
    if months:
        year_where += " AND list_contains(CAST($sel_months AS BIGINT[]), CAST(month(a.date) AS BIGINT))"
        p["sel_months"] = [int(m) for m in months]
    return _SCOPE.format(town_where=town_where, year_where=year_where), p


def _last_month(f: Filters) -> int:
    """The last month that has happened in the selected year (12 unless the year is the
    unfinished year of the data's cut-off)."""
    if f.year is not None and f.as_of is not None and f.as_of.year == f.year:
        return f.as_of.month
    return 12


def events_by_kind_month(con: duckdb.DuckDBPyConnection, f: Filters, kinds: Kinds = (),
                         months: Months = ()) -> pd.DataFrame:
    """Events and participants per year, month and activity kind (only combinations that
    occur): year, month, kind, events, participants; in time order, kinds in the order of
    the data contract."""
    scope, p = _scope(f, kinds, months)
    sql = scope + """
    SELECT CAST(year AS BIGINT) AS year, CAST(month(date) AS BIGINT) AS month, kind,
        count(*) AS events, CAST(sum(participants) AS BIGINT) AS participants
    FROM a GROUP BY 1, 2, 3
    ORDER BY 1, 2, list_position($kinds, kind)
    """
    return con.execute(sql, {**p, "kinds": KIND_ORDER}).df()


def participants_by_group(con: duckdb.DuckDBPyConnection, f: Filters, kinds: Kinds = (),
                          months: Months = ()) -> pd.DataFrame:
    """Participants (person-times) per group, all four groups always present:
    group (``deputies`` / ``voter_reps`` / ``social_workers`` / ``public``),
    participants, share (of all participants; NaN when there are none)."""
    scope, p = _scope(f, kinds, months)
    sql = scope + """
    SELECT
        CAST(coalesce(sum(deputies), 0) AS BIGINT),
        CAST(coalesce(sum(voter_reps), 0) AS BIGINT),
        CAST(coalesce(sum(social_workers), 0) AS BIGINT),
        CAST(coalesce(sum(public), 0) AS BIGINT)
    FROM a
    """
    row = con.execute(sql, p).fetchone() or (0, 0, 0, 0)
    df = pd.DataFrame({"group": list(GROUPS), "participants": pd.array(row, dtype="int64")})
    total = int(df["participants"].sum())
    df["share"] = df["participants"] / total if total else float("nan")
    return df


def participants_by_kind_and_group(con: duckdb.DuckDBPyConnection, f: Filters, kinds: Kinds = (),
                                   months: Months = ()) -> pd.DataFrame:
    """Participants per activity kind and group (kinds that occur; all four groups for
    each): kind, group, participants; kinds in contract order, groups in :data:`GROUPS`
    order."""
    scope, p = _scope(f, kinds, months)
    sql = scope + """
    , u AS (
        UNPIVOT (SELECT kind, deputies, voter_reps, social_workers, public FROM a)
        ON deputies, voter_reps, social_workers, public INTO NAME grp VALUE people
    )
    SELECT kind, grp AS "group", CAST(sum(people) AS BIGINT) AS participants
    FROM u GROUP BY 1, 2
    ORDER BY list_position($kinds, kind), list_position($groups, grp)
    """
    return con.execute(sql, {**p, "kinds": KIND_ORDER, "groups": list(GROUPS)}).df()


def events_by_venue(con: duckdb.DuckDBPyConnection, f: Filters, kinds: Kinds = (),
                    months: Months = ()) -> pd.DataFrame:
    """Where activities are held: venue (a code of the ``venue`` enumeration, or
    :data:`NOT_GIVEN` for a blank venue), kind, events, participants; only combinations
    that occur, venues and kinds in contract order."""
    scope, p = _scope(f, kinds, months)
    sql = scope + """
    SELECT venue, kind, count(*) AS events, CAST(sum(participants) AS BIGINT) AS participants
    FROM (SELECT coalesce(venue, $not_given) AS venue, kind, participants FROM a)
    GROUP BY 1, 2
    ORDER BY list_position($venues, venue), list_position($kinds, kind)
    """
    return con.execute(sql, {**p, "not_given": NOT_GIVEN, "venues": VENUE_ORDER, "kinds": KIND_ORDER}).df()


def town_month_matrix(con: duckdb.DuckDBPyConnection, f: Filters, kinds: Kinds = (),
                      months: Months = ()) -> pd.DataFrame:
    """A town × month grid of events and participants: district, town, month (1–12),
    events, participants. Every counted town in scope has a row for every month (zeros
    where nothing was held), towns in statistical-code order; months after the data's
    cut-off in an unfinished year are left out. Without a year, months of all years are
    added up (a seasonal profile)."""
    scope, p = _scope(f, kinds, months)
    sql = scope + """
    , m AS (SELECT CAST(unnest(range(1, $last_month + 1)) AS BIGINT) AS month)
    , c AS (
        SELECT district, town, CAST(month(date) AS BIGINT) AS month, count(*) AS events,
            CAST(sum(participants) AS BIGINT) AS participants
        FROM a GROUP BY ALL
    )
    SELECT t.district, t.town, m.month,
        coalesce(c.events, 0) AS events, coalesce(c.participants, 0) AS participants
    FROM t CROSS JOIN m
    LEFT JOIN c ON c.district = t.district AND c.town = t.town AND c.month = m.month
    ORDER BY t.district, t.town_code NULLS LAST, t.town, m.month
    """
    return plain_frame(con, sql, {**p, "last_month": _last_month(f)})


def publicity_by_town(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """宣讲活动 per counted town, with 宣传月 (March) split out: district, town, events,
    participants, march_events, march_participants, other_events, other_participants.
    Every counted town in scope is listed (zeros where none), in statistical-code order."""
    scope, p = _scope(f)
    sql = scope + """
    , c AS (
        SELECT district, town,
            count(*) FILTER (WHERE month(date) = $pub_month) AS march_events,
            sum(participants) FILTER (WHERE month(date) = $pub_month) AS march_participants,
            count(*) FILTER (WHERE month(date) <> $pub_month) AS other_events,
            sum(participants) FILTER (WHERE month(date) <> $pub_month) AS other_participants
        FROM a WHERE kind = $publicity GROUP BY ALL
    )
    SELECT t.district, t.town,
        CAST(coalesce(c.march_events, 0) + coalesce(c.other_events, 0) AS BIGINT) AS events,
        CAST(coalesce(c.march_participants, 0) + coalesce(c.other_participants, 0) AS BIGINT) AS participants,
        CAST(coalesce(c.march_events, 0) AS BIGINT) AS march_events,
        CAST(coalesce(c.march_participants, 0) AS BIGINT) AS march_participants,
        CAST(coalesce(c.other_events, 0) AS BIGINT) AS other_events,
        CAST(coalesce(c.other_participants, 0) AS BIGINT) AS other_participants
    FROM t LEFT JOIN c USING (district, town)
    ORDER BY t.district, t.town_code NULLS LAST, t.town
    """
    return con.execute(sql, {**p, "pub_month": PUBLICITY_MONTH, "publicity": PUBLICITY}).df()


def participation_headline(con: duckdb.DuckDBPyConnection, f: Filters, kinds: Kinds = (),
                           months: Months = ()) -> dict[str, int]:
    """The page's headline numbers: events, participants, publicity_events,
    publicity_participants, publicity_march_events, publicity_march_participants,
    publicity_towns (counted towns with at least one publicity event) and counted_towns
    (counted towns in scope)."""
    scope, p = _scope(f, kinds, months)
    sql = scope + """
    SELECT
        count(*) AS events,
        coalesce(sum(participants), 0) AS participants,
        count(*) FILTER (WHERE kind = $publicity) AS publicity_events,
        coalesce(sum(participants) FILTER (WHERE kind = $publicity), 0) AS publicity_participants,
        count(*) FILTER (WHERE kind = $publicity AND month(date) = $pub_month) AS publicity_march_events,
        coalesce(sum(participants) FILTER (WHERE kind = $publicity AND month(date) = $pub_month), 0)
            AS publicity_march_participants,
        count(DISTINCT (district, town)) FILTER (WHERE kind = $publicity) AS publicity_towns,
        (SELECT count(*) FROM t) AS counted_towns
    FROM a
    """
    cur = con.execute(sql, {**p, "publicity": PUBLICITY, "pub_month": PUBLICITY_MONTH})
    row = cur.fetchone()
    names = [d[0] for d in cur.description]
    return {k: int(v or 0) for k, v in zip(names, row or [0] * len(names))}
