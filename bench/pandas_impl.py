"""The same aggregates in pandas, from relations held in memory: the baseline an analyst's
notebook would be. Three of the participation page's figures over ``activities`` (the
largest relation) — events and participants by year × month × kind, participants by
group, and the town × month grid — for one district and year. Each result is checked
equal to the query layer's before it is timed (:func:`compare`)."""

from __future__ import annotations

import time
from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd

from warehouse.filters import Filters
from warehouse.queries import participation as q


def load_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The relations the aggregates need, in memory (not timed)."""
    towns = con.execute("SELECT district, town, town_code, counted FROM towns").df()
    acts = con.execute("SELECT district, town, year, date, kind, deputies, voter_reps, social_workers, public, "
                       "participants FROM activities").df()
    for c in ("district", "town", "kind"):
        acts[c] = acts[c].astype("category")
    acts["month"] = pd.to_datetime(acts["date"]).dt.month.astype("int64")
    return {"towns": towns, "activities": acts}


def _scope(fr: dict[str, pd.DataFrame], f: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = fr["towns"]
    t = t[t["counted"] & (t["district"] == f.district)]
    a = fr["activities"]
    a = a[(a["district"] == f.district) & (a["year"] == f.year)]
    a = a[a["town"].isin(t["town"])]
    return t, a


def events_by_kind_month(fr: dict[str, pd.DataFrame], f: Filters) -> pd.DataFrame:
    _, a = _scope(fr, f)
    g = (a.groupby(["year", "month", "kind"], observed=True)
         .agg(events=("kind", "size"), participants=("participants", "sum")).reset_index())
    order = {k: i for i, k in enumerate(q.KIND_ORDER)}
    g["_k"] = g["kind"].astype(str).map(order)
    g = g.sort_values(["year", "month", "_k"]).drop(columns="_k")
    g["kind"] = g["kind"].astype(str)
    return g.astype({"year": "int64", "month": "int64", "events": "int64", "participants": "int64"})


def participants_by_group(fr: dict[str, pd.DataFrame], f: Filters) -> pd.DataFrame:
    _, a = _scope(fr, f)
    sums = [int(a[g].sum()) for g in q.GROUPS]
    df = pd.DataFrame({"group": list(q.GROUPS), "participants": np.array(sums, dtype="int64")})
    total = int(df["participants"].sum())
    df["share"] = df["participants"] / total if total else float("nan")
    return df


def town_month_matrix(fr: dict[str, pd.DataFrame], f: Filters) -> pd.DataFrame:
    t, a = _scope(fr, f)
    last = q._last_month(f)
    c = (a.groupby(["district", "town", "month"], observed=True)
         .agg(events=("kind", "size"), participants=("participants", "sum")).reset_index())
    c["district"] = c["district"].astype(str)
    c["town"] = c["town"].astype(str)
    grid = t[["district", "town", "town_code"]].merge(pd.DataFrame({"month": np.arange(1, last + 1, dtype="int64")}),
                                                      how="cross")
    out = grid.merge(c, on=["district", "town", "month"], how="left")
    out[["events", "participants"]] = out[["events", "participants"]].fillna(0).astype("int64")
    out = out.sort_values(["district", "town_code", "town", "month"], na_position="last")
    return out[["district", "town", "month", "events", "participants"]]


PAIRS: list[tuple[str, Callable, Callable]] = [
    ("participation.events_by_kind_month", q.events_by_kind_month, events_by_kind_month),
    ("participation.participants_by_group", q.participants_by_group, participants_by_group),
    ("participation.town_month_matrix", q.town_month_matrix, town_month_matrix),
]


def compare(con: duckdb.DuckDBPyConnection, fr: dict[str, pd.DataFrame], f: Filters, repeats: int) -> list[dict]:
    """For each pair: check the results are equal, then time both (median of ``repeats``)."""
    out = []
    for name, ours, theirs in PAIRS:
        a = ours(con.cursor(), f).reset_index(drop=True)
        b = theirs(fr, f).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_categorical=False, obj=name)
        t_ours, t_pd = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            ours(con.cursor(), f)
            t_ours.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            theirs(fr, f)
            t_pd.append((time.perf_counter() - t0) * 1000)
        mo, mp = float(np.median(t_ours)), float(np.median(t_pd))
        out.append({"query": name, "ours_ms": mo, "pandas_ms": mp, "speedup": mp / max(mo, 1e-9)})
    return out
