"""对比排名 — the compare page's views of the per-town measures of ``warehouse/queries/towns.py``.

Nothing new is counted here (the rules are in ``towns``); this module shapes them for the page:

* :func:`ranked_towns` — :func:`towns.town_ranking` over the whole district (every district's
  towns when none is chosen), then narrowed to the filter's towns. A town keeps the rank it
  has in its district and the median stays the district's when a user picks a few towns — as
  :func:`towns.town_ranks` (the town profile) does: a rank is always among the whole
  district. ``towns.town_ranking`` itself ranks only the towns listed.
* :func:`district_table` — :func:`towns.district_comparison` as one row per measure with the
  districts side by side (total, per 镇街, per 100 deputies for each).
* :func:`district_sizes` — the counted towns and the deputies of each district: what the
  per-town and per-100-deputies figures divide by.
* :func:`district_figures` — both of the above from one query, as the page takes them.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from warehouse.filters import Filters
from warehouse.queries import towns

RANKED_COLUMNS = ["district", "town", "value", "deputies", "rank", "median", "tied", "ranked"]
# The district figures side by side, in this order for each district.
FIGURES = ("total", "per_town", "per_100_deputies")


def measure_kind(measure: str) -> str:
    """``rate`` (shown as it is, in %), ``state`` (deputies, stations, sites: not a count of
    the period's records, not normalised) or ``count`` (normalised per town / per 100 deputies)."""
    if measure in towns.RATES:
        return "rate"
    if measure in towns.STATES:
        return "state"
    return "count"


def ranked_towns(con: duckdb.DuckDBPyConnection, f: Filters, measure: str, per_deputies: bool = False
                 ) -> pd.DataFrame:
    """The towns ranked by ``measure`` (highest first; ties share the best rank) among all
    the counted towns of the filter's district (of every district when none is chosen), then
    narrowed to the filter's towns. Columns :data:`RANKED_COLUMNS`: those of
    :func:`towns.town_ranking`, ``tied`` (another town has the same rank) and ``ranked`` (how
    many towns have a value and so a rank). ``per_deputies`` applies to counts only."""
    out = towns.town_ranking(con, replace(f, towns=()), measure, per_deputies and measure in towns.COUNTS)
    out["tied"] = out["rank"].notna() & out["rank"].duplicated(keep=False)
    out["ranked"] = int(out["rank"].notna().sum())
    if f.towns:
        out = out[out["town"].isin(f.towns)]
    return out[RANKED_COLUMNS].reset_index(drop=True)


def district_figures(con: duckdb.DuckDBPyConnection, f: Filters, districts: tuple[str, ...] = ()
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(:func:`district_sizes`, :func:`district_table`) from one run of
    :func:`towns.district_comparison` — what the page shows, for the price of one query (the
    comparison reads every district's records: at national scale its cost is the page's)."""
    long = towns.district_comparison(con, f, districts)
    return _sizes(long), _table(long)


def district_sizes(con: duckdb.DuckDBPyConnection, f: Filters, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """``district``, ``towns`` (counted), ``deputies`` (of those towns), one row per district of
    :func:`towns.district_comparison` (same order)."""
    return _sizes(towns.district_comparison(con, f, districts))


def district_table(con: duckdb.DuckDBPyConnection, f: Filters, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per measure (:data:`towns.MEASURES` order): ``measure``, ``kind``
    (:func:`measure_kind`), then for each district (in :func:`towns.district_comparison`'s
    order) the columns ``<district>|total``, ``<district>|per_town`` and
    ``<district>|per_100_deputies``. Per town and per 100 deputies are NaN for rates and states."""
    return _table(towns.district_comparison(con, f, districts))


def _sizes(long: pd.DataFrame) -> pd.DataFrame:
    return long.drop_duplicates("district")[["district", "towns", "deputies"]].astype(
        {"towns": "int64", "deputies": "int64"}).reset_index(drop=True)


def _table(long: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"measure": list(towns.MEASURES), "kind": [measure_kind(m) for m in towns.MEASURES]})
    for district, g in long.groupby("district", sort=False):
        g = g.set_index("measure").reindex(list(towns.MEASURES))
        for figure in FIGURES:
            out[f"{district}|{figure}"] = g[figure].astype("float64").to_numpy()
    return out
