"""三会制度 — statutory meetings per town and year: held vs minimum, status, trend.

Drilling: a town picked in the by-town chart narrows the KPI cards (drawn above it, into
a container), the table and the trend charts to the picked towns."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, data, drill, export, frame
from ui.charts import PALETTE
from ui.i18n import t
from ui.metrics import definition
from warehouse.queries import statutory

f = frame.current_filters()
sel = drill.Selection("st")
st.title(t("st.title"))
st.caption(t("st.caption"))

MEETINGS = ("congress", "review", "deputy_voter")
MEETING_COLORS = dict(zip(MEETINGS, PALETTE))
STATUS_RANK = {"missed": 0, "pending": 1, "met": 2}  # the towns furthest behind first


def _status_texts(df: pd.DataFrame) -> list[str]:
    """Each town's status in words (a province's 40,000 towns: plain lists, not rows)."""
    words = {s: t(f"st.status.{s}") for s in ("met", "missed")}
    return [t("st.status.pending", months=m) if s == "pending" else words[s]
            for s, m in zip(df["status"].tolist(), df["months_left"].tolist())]


def _meeting(kind: str) -> str:
    return t(f"st.col.{kind}")


# Headers of the exported files.
COLUMN_LABELS = {
    "district": t("word.district"), "town": t("word.town"), "year": t("word.year"),
    "congress": _meeting("congress"), "review": _meeting("review"), "deputy_voter": _meeting("deputy_voter"),
    "status_text": t("st.col.status"), "towns": t("st.kpi.towns"), "compliant": t("st.kpi.compliant"),
    "rate": t("st.col.rate"), "kind_label": t("word.kind"), "n": t("word.count"),
}

chips_box = st.container()
f_sel = f

with frame.guard("statutory.table"):
    if f.year is None:
        st.info(t("st.need_year"))
    else:
        by_town = data.get(statutory.statutory_by_town, f)
        if by_town.empty:
            st.info(t("st.empty", year=f.year))
        else:
            kpi_box = st.container()
            # --- the town picker: meetings held per town ----------------------------------
            st.subheader(t("st.chart.title", year=f.year))
            st.caption(t("st.chart.caption", congress=statutory.MIN_CONGRESS, review=statutory.MIN_REVIEW)
                       + " " + t("drill.hint"))
            place = ([f"{d} {tw}" for d, tw in zip(by_town["district"].tolist(), by_town["town"].tolist())]
                     if f.district is None else by_town["town"].tolist())
            whole = by_town.assign(place=place, status_text=_status_texts(by_town))
            # A province's towns are tens of thousands: the chart draws those furthest behind
            # (below a minimum first, then the fewest meetings held); the table and the
            # exports hold every town.
            behind = whole.assign(_rank=whole["status"].map(STATUS_RANK), _held=whole[list(MEETINGS)].sum(axis=1))
            behind = behind.sort_values(["_rank", "_held"], kind="stable")
            shown, n_towns = frame.first_by(behind, "place")
            if len(shown) < len(whole):
                shown = shown.drop(columns=["_rank", "_held"])
                place = list(shown["place"])
                st.caption(t("st.chart.first", n=frame.RANKED_MAX, total=n_towns))
            else:
                shown = whole
            long = pd.concat([shown.assign(kind=k, kind_label=_meeting(k), n=shown[k]) for k in MEETINGS])
            fig = charts.bar(long, "place", "n", color="kind_label", barmode="group", category_order=place,
                             color_map={_meeting(k): c for k, c in MEETING_COLORS.items()},
                             y_title=t("word.count"), height=400)
            for trace in fig.data:
                part = long[long["kind_label"] == trace.name]
                trace.customdata = part[["town", "status_text"]].values.tolist()
            fig.update_traces(hovertemplate="%{x} · %{fullData.name}: %{y} · %{customdata[1]}<extra></extra>")
            # Each town's status as a dot above its bars: every town can be picked, even one
            # that held no meeting (and so has no bar).
            top = max(float(long["n"].max()), float(statutory.MIN_CONGRESS)) + 0.6
            fig.add_scatter(x=shown["place"], y=[top] * len(shown), mode="markers", name=t("st.col.status"),
                            customdata=shown[["town", "status_text"]].values.tolist(),
                            marker=dict(size=13, color=[charts.STATUS_COLORS[s] for s in shown["status"]]),
                            hovertemplate="%{x}: %{customdata[1]}<extra></extra>", showlegend=False)
            # The two minimums as dashed lines across the plot (as fig.add_hline draws them,
            # in one layout update: add_hline validates the layout again each time).
            minimums = [charts.hline(n, width=1) for n in sorted({statutory.MIN_CONGRESS, statutory.MIN_REVIEW})]
            fig.update_layout(shapes=minimums, legend=dict(traceorder="normal"))
            if long["n"].max() <= 10:  # whole meetings: no 0.5 ticks
                fig.update_yaxes(dtick=1)
            picked = sel.chart(fig, "town")
            cols = (["district"] if f.district is None else []) + ["town", *MEETINGS, "status_text"]
            export.offer("st_towns", t("st.chart.title", year=f.year), f, whole, COLUMN_LABELS, cols)

            # --- narrowed to the picked towns: KPI cards and the table -------------------
            f_sel = f.with_towns(tuple(picked)) if picked else f
            rows = data.get(statutory.statutory_by_town, f_sel) if picked else by_town
            with kpi_box:
                c1, c2, c3, c4 = st.columns(4)
                with c1:
                    frame.kpi(t("st.kpi.towns"), len(rows))
                with c2:
                    frame.kpi(t("st.kpi.compliant"), int(rows["compliant"].sum()), help_text=definition("compliance"))
                with c3:
                    frame.kpi(t("st.kpi.missed"), int((rows["status"] == "missed").sum()))
                with c4:
                    frame.kpi(t("st.kpi.pending"), int((rows["status"] == "pending").sum()))
            st.subheader(t("st.table.title", year=f.year))
            table = rows.assign(status_text=_status_texts(rows) if picked else whole["status_text"])
            table = table.assign(status_label=["● " + s for s in table["status_text"].tolist()])
            cols = (["district"] if f.district is None else []) + ["town", *MEETINGS, "status_label"]
            st.dataframe(
                charts.status_styler(frame.table_rows(table), "status", "status_label"), column_order=cols,
                hide_index=True,
                width="stretch",
                column_config={
                    "district": st.column_config.TextColumn(t("word.district")),
                    "town": st.column_config.TextColumn(t("word.town")),
                    "congress": st.column_config.NumberColumn(
                        t("st.col.congress") + t("st.min_hint", n=statutory.MIN_CONGRESS), help=definition("congress")),
                    "review": st.column_config.NumberColumn(
                        t("st.col.review") + t("st.min_hint", n=statutory.MIN_REVIEW), help=definition("review")),
                    "deputy_voter": st.column_config.NumberColumn(t("st.col.deputy_voter"),
                                                                  help=definition("deputy_voter")),
                    "status_label": st.column_config.TextColumn(t("st.col.status"), help=definition("compliance")),
                },
                height="content",
            )
            export.offer("st_table", t("st.table.title", year=f.year), f_sel, table, COLUMN_LABELS,
                         [c if c != "status_label" else "status_text" for c in cols])

with frame.guard("statutory.trend"):
    trend = data.get(statutory.compliance_by_year, f_sel)
    if not trend.empty:
        left, right = st.columns(2)
        with left:
            n_districts = trend["district"].nunique()
            if n_districts > frame.SERIES_MAX:
                # A line per district of a province (2,800) is neither readable nor quick:
                # one line of all of them together (the export keeps each district's).
                combined = data.get(statutory.compliance_overall, f_sel)
                fig = charts.line(combined, "year", "rate", title=t("st.trend.title"), percent=True,
                                  y_title=t("st.kpi.compliant"))
            else:
                fig = charts.line(trend, "year", "rate", color="district" if f.district is None else None,
                                  title=t("st.trend.title"), percent=True, y_title=t("st.kpi.compliant"))
            fig.update_traces(hovertemplate="%{x}: %{y:.0%}")
            st.plotly_chart(fig, width="stretch")
            if n_districts > frame.SERIES_MAX:
                st.caption(t("st.trend.combined", n=n_districts))
            export.offer("st_trend", t("st.trend.title"), f_sel.with_year(None), trend, COLUMN_LABELS,
                         ["year", "district", "towns", "compliant", "rate", *MEETINGS])
        with right:
            long = trend.melt(id_vars=["district", "year"], value_vars=list(MEETINGS), var_name="kind", value_name="n")
            long = long.groupby(["year", "kind"], as_index=False, sort=False)["n"].sum()
            long = long.sort_values(["year", "kind"], key=lambda s: s.map(MEETINGS.index) if s.name == "kind" else s,
                                    kind="stable")
            long["kind_label"] = long["kind"].map(_meeting)
            fig = charts.bar(long, "year", "n", color="kind_label", barmode="group", title=t("st.counts.title"),
                             y_title=t("word.count"), color_map={_meeting(k): c for k, c in MEETING_COLORS.items()})
            if not long.empty and long["n"].max() <= 10:  # whole meetings: no 0.5 ticks
                fig.update_yaxes(dtick=1)
            st.plotly_chart(fig, width="stretch")
            export.offer("st_counts", t("st.counts.title"), f_sel.with_year(None), long, COLUMN_LABELS,
                         ["year", "kind_label", "n"])

with chips_box:
    sel.bar(f, {"town": t("word.town")}, kind="activities")
