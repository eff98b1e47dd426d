"""阵地与观摩: the 家/站/点 network of each counted town and the practice sites as they are
assessed at on-site evaluations (观摩评比).

What is counted (统计口径; the same rules are in ``ui/metric_defs/sites.py``):

* Only stations and sites of **counted towns** (``towns.counted``) are counted, as on every
  page; a district's figure is the sum of its towns.
* The **network in a year** (代表之家 HOME, 代表联络站 STATION, 代表联系点 POINT, 代表工作室
  STUDIO, and the practice bases / points recorded as stations) = stations existing at the
  end of the year: ``opened_on`` on or before 31 December, or not dated. A station upgraded
  to a practice point keeps its kind and is still counted under it. With no year: every
  station opened by ``as_of`` (or not dated).
* **Upgraded to a practice point in a year** = stations whose ``upgraded_on`` falls in the
  year (with no year: on or before ``as_of``).
* The **practice sites of a year** are those started by its end (``started_on`` — or,
  when it is blank, ``built_on`` / ``accepted_on`` — on or before 31 December; with no
  year every site, planned ones included), shown with their stage on the year's
  evaluation date (31 December, or ``as_of`` if earlier; rules of
  :mod:`warehouse.queries.rollout`).
* **Checklist** (五个一: 宣传屏, 公示栏, 代表工作室, 议事厅, 教育阵地): the number of the five
  items recorded as present (a blank counts as absent).
* **Stars** by score: ★★★★★ ≥ 90, ★★★★ ≥ 80, ★★★ ≥ 70; below 70, or no score, none.
  **Rank** by score, highest first; equal scores share a rank; sites without a score are
  not ranked.
* A user's scope (:mod:`warehouse.filters`) narrows everything to the scope's towns; a rank
  is then among the sites the user may see. The lists of stations and sites are individual
  records: refused to a role without records (``Filters.records`` False).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from warehouse.filters import Filters, ensure_records, where
from warehouse.frames import dates
from warehouse.queries.rollout import CHECKLIST, STAGE_AT, evaluation_date

NETWORK_KINDS: tuple[str, ...] = ("HOME", "STATION", "POINT", "STUDIO", "PRACTICE_BASE", "PRACTICE_POINT")
STAR_THRESHOLDS: tuple[tuple[int, float], ...] = ((5, 90.0), (4, 80.0), (3, 70.0))
NETWORK_COLUMNS = ["district", "town", "town_code", *[k.lower() for k in NETWORK_KINDS], "upgraded"]
SITE_COLUMNS = ["site_id", "district", "town", "name", "theme", "stage", "started_on", "built_on", "accepted_on",
                *CHECKLIST, "checklist", "score", "stars", "rank"]
UPGRADED_COLUMNS = ["station_id", "district", "town", "name", "kind", "opened_on", "upgraded_on", "theme"]


def _year_end(f: Filters) -> dt.date | None:
    """The date the network is counted on: 31 December of the year, else ``as_of``."""
    return dt.date(f.year, 12, 31) if f.year is not None else f.as_of


_NETWORK = """
WITH t AS (
    SELECT district, town, town_code FROM towns WHERE counted AND {town_where}
), s AS (
    SELECT s.* FROM stations s JOIN t USING (district, town)
)
SELECT t.district, t.town, t.town_code,
    {kind_counts},
    (SELECT count(*) FROM s WHERE s.district = t.district AND s.town = t.town
        AND s.upgraded_on IS NOT NULL AND ($year IS NULL OR year(s.upgraded_on) = $year)
        AND ($year IS NOT NULL OR $as_of IS NULL OR s.upgraded_on <= $as_of)) AS upgraded
FROM t
ORDER BY t.district, t.town_code NULLS LAST, t.town
"""
_KIND_COUNT = ("(SELECT count(*) FROM s WHERE s.district = t.district AND s.town = t.town AND s.kind = '{kind}' "
               "AND ($end IS NULL OR s.opened_on IS NULL OR s.opened_on <= $end)) AS {col}")


def station_network_by_town(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per counted town: the stations of each kind existing at the end of the
    year (``home``, ``station``, ``point``, ``studio``, ``practice_base``,
    ``practice_point``) and the stations ``upgraded`` to practice points in the year.
    Columns :data:`NETWORK_COLUMNS`; towns in statistical-code order."""
    town_where, p = where(f, year_col=None)
    # The kinds are this module's constants, never user values.
    counts = ",\n    ".join(_KIND_COUNT.format(kind=k, col=k.lower()) for k in NETWORK_KINDS)
    df = con.execute(_NETWORK.format(town_where=town_where, kind_counts=counts),
                     {**p, "end": _year_end(f), "year": f.year, "as_of": f.as_of}).df()
    for c in NETWORK_COLUMNS[3:]:
        df[c] = df[c].astype("int64")
    return df[NETWORK_COLUMNS]


def station_network_totals(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, int]:
    """The network of the scope as one set of totals: the columns of
    :func:`station_network_by_town` summed, plus ``towns`` and ``point_studio`` (联系点 +
    工作室, as the article counts them)."""
    by_town = station_network_by_town(con, f)
    out = {c: int(by_town[c].sum()) for c in NETWORK_COLUMNS[3:]}
    out["point_studio"] = out["point"] + out["studio"]
    out["towns"] = len(by_town)
    return out


def upgraded_stations(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The stations upgraded to practice points in the year (every year up to ``as_of``
    with no year): :data:`UPGRADED_COLUMNS`, in the order they were upgraded."""
    ensure_records(f)
    town_where, p = where(f, "t", year_col=None)
    df = con.execute(
        f"""SELECT s.station_id, s.district, s.town, s.name, s.kind, s.opened_on, s.upgraded_on, s.theme
        FROM stations s JOIN towns t ON t.district = s.district AND t.town = s.town AND t.counted
        WHERE {town_where} AND s.upgraded_on IS NOT NULL
            AND ($year IS NULL OR year(s.upgraded_on) = $year)
            AND ($year IS NOT NULL OR $as_of IS NULL OR s.upgraded_on <= $as_of)
        ORDER BY s.upgraded_on, t.town_code NULLS LAST, s.station_id""",
        {**p, "year": f.year, "as_of": f.as_of}).df()
    for c in ("opened_on", "upgraded_on"):
        df[c] = dates(df[c])
    return df[UPGRADED_COLUMNS]


_SITES = """
WITH t AS (
    SELECT district, town, town_code FROM towns WHERE counted AND {town_where}
), s AS (
    SELECT s.*, t.town_code, {stage_at} AS stage_at,
        (CAST(coalesce(s.screen, false) AS INTEGER) + CAST(coalesce(s.notice_board, false) AS INTEGER)
         + CAST(coalesce(s.studio, false) AS INTEGER) + CAST(coalesce(s.hall, false) AS INTEGER)
         + CAST(coalesce(s.education, false) AS INTEGER)) AS checklist
    FROM practice_sites s JOIN t USING (district, town)
    WHERE $end IS NULL OR coalesce(s.started_on, s.built_on, s.accepted_on) <= $end
), ranked AS (
    SELECT site_id, district, town, town_code, name, theme, stage_at AS stage,
        CASE WHEN started_on <= $d THEN started_on END AS started_on,
        CASE WHEN built_on <= $d THEN built_on END AS built_on,
        CASE WHEN accepted_on <= $d THEN accepted_on END AS accepted_on,
        screen, notice_board, studio, hall, education, checklist, score,
        CASE WHEN score >= $five THEN 5 WHEN score >= $four THEN 4 WHEN score >= $three THEN 3 ELSE 0 END AS stars,
        CASE WHEN score IS NOT NULL THEN rank() OVER (PARTITION BY score IS NULL ORDER BY score DESC) END AS rank
    FROM s
)
SELECT * FROM ranked
WHERE {site_filter}
ORDER BY score DESC NULLS LAST, town_code NULLS LAST, site_id
"""


def _sites(con: duckdb.DuckDBPyConnection, f: Filters, site_ids: tuple[str, ...] | None,
           towns: tuple[str, ...] = ()) -> pd.DataFrame:
    town_where, p = where(f, year_col=None)
    d = evaluation_date(f) or dt.date.max
    stars = dict(STAR_THRESHOLDS)
    params = {**p, "end": dt.date(f.year, 12, 31) if f.year is not None else None, "d": d, "as_of": f.as_of,
              "five": stars[5], "four": stars[4], "three": stars[3]}
    # After the ranking: the sites shown keep the ranks of the whole scope.
    site_filter = ["TRUE"]
    if site_ids is not None:
        site_filter.append("list_contains(CAST($ids AS VARCHAR[]), site_id)")
        params["ids"] = list(site_ids)
    if towns:
        site_filter.append("list_contains(CAST($only_towns AS VARCHAR[]), town)")
        params["only_towns"] = list(towns)
    sql = _SITES.format(town_where=town_where, stage_at=STAGE_AT.format(at="$d"),
                        site_filter=" AND ".join(site_filter))
    df = con.execute(sql, params).df()
    df["score"] = df["score"].astype("float64")
    df["stars"] = df["stars"].astype("int64")
    df["checklist"] = df["checklist"].astype("int64")
    df["rank"] = df["rank"].astype("Int64")
    for c in CHECKLIST:
        df[c] = df[c].astype("boolean")
    for c in ("started_on", "built_on", "accepted_on"):
        df[c] = dates(df[c])
    return df[SITE_COLUMNS]


def practice_sites_assessed(con: duckdb.DuckDBPyConnection, f: Filters, towns: tuple[str, ...] = ()) -> pd.DataFrame:
    """The practice sites of the year (started by its end; every site with no year) in
    counted towns: stage on the year's evaluation date, the dates reached by then, the
    five checklist items and how many are present, score, stars (5/4/3/0) and rank.
    Columns :data:`SITE_COLUMNS`; best score first (the ranking's order).

    ``towns`` (picked in a chart) shows only their sites, with the ranks of the whole
    scope (a site third of the district stays third); the town filter of ``f``, by
    contrast, ranks within its towns."""
    ensure_records(f)
    return _sites(con, f, None, tuple(towns))


def sites_side_by_side(con: duckdb.DuckDBPyConnection, f: Filters, site_ids: tuple[str, ...]) -> pd.DataFrame:
    """The chosen sites (of :func:`practice_sites_assessed`) in the order they were
    chosen, for a side-by-side comparison at an evaluation session (ranks are those of
    the whole ranking)."""
    ensure_records(f)
    if not site_ids:
        return pd.DataFrame(columns=SITE_COLUMNS)
    df = _sites(con, f, tuple(site_ids))
    order = {s: i for i, s in enumerate(site_ids)}
    return df.sort_values("site_id", key=lambda s: s.map(order)).reset_index(drop=True)
