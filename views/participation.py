"""参与情况 — activities by kind and month, who takes part, where, a town × month grid and
the publicity month (宣传月).

Drilling: a town picked in the town × month grid or in a publicity chart narrows the KPI
cards, the monthly chart, who takes part, the venues and the publicity table; a bar of the
monthly chart (a month and a kind) narrows the KPI cards, who takes part and the venues.
The pickers are drawn before what they narrow (into containers placed above), and a
picker is never narrowed by a pick made below it — a chart whose data change loses its
selection in the browser."""

from __future__ import annotations

import pandas as pd
from plotly.graph_objects import Figure
import streamlit as st

from ui import charts, data, drill, export, frame
from ui.charts import PALETTE, RED, fmt_num, fmt_pct
from ui.i18n import enum, t
from ui.metrics import definition
from warehouse.filters import Filters
from warehouse.queries import participation as pa

f = frame.current_filters()
period = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")
if f.district is None:
    scope = t("pa.scope.all_districts")
elif f.towns:
    scope = t("pa.scope.towns", district=f.district, n=len(f.towns))
else:
    scope = f.district

st.title(t("pa.title"))
st.caption(t("pa.caption", scope=scope, period=period) + " " + t("drill.hint"))
sel = drill.Selection("pa")

KIND_COLORS = {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(pa.KIND_ORDER)}
GROUP_COLORS = dict(zip(pa.GROUPS, PALETTE))
MONTHS = [t(f"pa.month.{m}") for m in range(1, 13)]
HEAT_SCALE = [[0.0, "#f2f2f2"], [1e-9, "#fde0dd"], [0.5, "#ef6548"], [1.0, RED]]
LABELS = {"town": t("word.town"), "kind": t("word.kind"), "month": t("word.month")}
# Headers of the exported files.
COLUMN_LABELS = {
    "district": t("word.district"), "town": t("word.town"), "year": t("word.year"),
    "events": t("pa.measure.events"), "participants": t("pa.measure.participants"), "share": t("pa.col.share"),
    "march_events": t("pa.col.march_events"), "other_events": t("pa.col.other_events"),
    "march_participants": t("pa.col.march_participants"), "other_participants": t("pa.col.other_participants"),
}
PUB_LABELS = COLUMN_LABELS | {"events": t("pa.col.events"), "participants": t("pa.col.participants")}


def _kind_colors() -> dict[str, str]:
    return {enum("activity_kind", code): color for code, color in KIND_COLORS.items()}


def _in_kind_order(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in the contract's order of kinds, so that series stack and list in that order."""
    return df.sort_values("kind", key=lambda s: s.map(pa.KIND_ORDER.index), kind="stable")


def _show(fig: Figure) -> None:
    # Legends read in series order (plotly reverses them for stacked bars by default).
    fig.update_layout(legend=dict(traceorder="normal"))
    st.plotly_chart(fig, width="stretch")


def _picked_at(key: str, index: int) -> list[str]:
    """``customdata[index]`` of the points selected in the chart ``key``: the codes after
    the first that :meth:`ui.drill.Selection.chart` reads (a bar stands for a month *and* a
    kind)."""
    state = st.session_state.get(key)
    points = state["selection"]["points"] if state else []
    out: list[str] = []
    for point in points:
        code = point.get("customdata")
        code = code[index] if isinstance(code, (list, tuple)) and len(code) > index else None
        if code is not None and str(code) not in out:
            out.append(str(code))
    return out


def _pickable_cells(fig: Figure, xs: list[str], ys: list[str], codes: list[str], hover: list[str],
                    texts: list[str] | None = None) -> None:
    """Make a heatmap's cells clickable: Plotly returns no selection for a heatmap trace
    (streamlit/streamlit#8760), so an invisible marker sits on each cell, carrying its
    code; a selected cell is framed."""
    fig.update_traces(hoverinfo="skip", selector=dict(type="heatmap"))
    fig.add_scatter(x=xs, y=ys, customdata=codes, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
                    mode="markers+text" if texts else "markers", text=texts, textfont=dict(size=13, color="#222"),
                    marker=dict(symbol="square-open", size=22, color="#222", opacity=0, line=dict(width=3)),
                    selected=dict(marker=dict(opacity=1), textfont=dict(color="#222")),
                    unselected=dict(marker=dict(opacity=0), textfont=dict(color="#222")),
                    showlegend=False, cliponaxis=False)
    fig.update_layout(hoverdistance=80, showlegend=False)
    fig.update_yaxes(showgrid=False)


def _month(code: str) -> str:
    return MONTHS[int(code) - 1]


def _chip(dim: str, code: str) -> str:
    if dim == "kind":
        return enum("activity_kind", code)
    return _month(code) if dim == "month" else code


def _picked_lines() -> list[str]:
    """The kinds and months picked, in words, for the exported files (picked towns are in
    the filters line)."""
    picked = [(d, c) for d, c in sel.active if d != "town"]
    if not picked:
        return []
    return [t("pa.export.picked", what="；".join(f"{LABELS[d]} {_chip(d, c)}" for d, c in picked))]


def _offer(key: str, title: str, fx: Filters, df: pd.DataFrame, labels: dict[str, str], columns: list[str],
           picked: bool = True) -> None:
    export.offer(key, title, fx, df, labels=labels, columns=columns, extra=_picked_lines() if picked else ())


def _measure(key: str) -> str:
    """A 场次 / 参与人次 switch; returns the column to show."""
    choice = st.segmented_control(t("pa.measure"), ["events", "participants"], key=key, default="events",
                                  format_func=lambda m: t(f"pa.measure.{m}"), label_visibility="collapsed")
    return choice or "events"


# The page's scope (before any chart selection): it gates the sections and sums up the
# publicity month above its charts.
head = data.get(pa.participation_headline, f)
has_events = head["events"] > 0

chips_box = st.container()
kpi_box = st.container()
monthly_box = st.container()
groups_box = st.container()
venues_box = st.container()

# --- the town pickers: the town × month grid and the publicity charts ---------------------
with frame.guard("participation.heatmap"):
    st.subheader(t("pa.heatmap.title"))
    if not has_events:
        st.info(t("pa.empty", period=period))
    else:
        measure = _measure("pa_heatmap_measure")
        grid = data.get(pa.town_month_matrix, f)
        notes = [t("pa.heatmap.caption")]
        if f.year is None:
            notes.append(t("pa.heatmap.all_years"))
        elif f.as_of is not None and f.as_of.year == f.year and f.as_of.month < 12:
            notes.append(t("pa.heatmap.future", date=f.as_of.isoformat()))
        st.caption(" ".join(notes))
        whole = grid.assign(month_label=[MONTHS[m - 1] for m in grid["month"]])
        shown = whole
        # A province's towns are tens of thousands of rows: the grid draws the towns with the
        # most of the measure (the export holds every town).
        shown, n_towns = frame.first_by(whole, "town", measure)
        if len(shown) < len(whole):
            st.caption(t("pa.heatmap.first", n=frame.RANKED_MAX, total=n_towns))
        grid = shown
        towns_in_grid = list(dict.fromkeys(grid["town"]))
        fig = charts.heatmap(shown, "month_label", "town", measure, y_order=towns_in_grid, x_order=MONTHS,
                             colorscale=HEAT_SCALE)
        fig.update_traces(texttemplate="%{z:,}", textfont=dict(size=13), showscale=False)
        totals = grid.groupby("town", sort=False)[measure].sum()
        total = t("pa.heatmap.total")
        _pickable_cells(
            fig,
            xs=list(shown["month_label"]) + [total] * len(totals),
            ys=list(shown["town"]) + list(totals.index),
            codes=list(shown["town"]) + list(totals.index),
            hover=[f"{tw} · {m}: {v:,}" for tw, m, v in zip(shown["town"], shown["month_label"], shown[measure])]
            + [f"{tw} · {total}: {v:,}" for tw, v in totals.items()],
            texts=[""] * len(shown) + [f"{v:,}" for v in totals])
        fig.update_xaxes(side="top")
        sel.chart(fig, "town", name="town")
        cols = (["district"] if f.district is None else []) + ["town", "month_label", "events", "participants"]
        _offer("pa_town_month", t("pa.heatmap.title"), f, whole, {**COLUMN_LABELS, "month_label": t("word.month")},
               cols, picked=False)

with frame.guard("participation.publicity"):
    st.subheader(t("pa.pub.title"))
    if head["publicity_events"] == 0:
        st.info(t("pa.pub.empty", period=period))
    else:
        pub = data.get(pa.publicity_by_town, f)
        st.markdown(t("pa.pub.summary", period=period, events=fmt_num(head["publicity_events"]),
                      participants=fmt_num(head["publicity_participants"]),
                      march_events=fmt_num(head["publicity_march_events"]),
                      march_share=fmt_pct(head["publicity_march_events"] / head["publicity_events"]),
                      march_participants=fmt_num(head["publicity_march_participants"]),
                      towns=head["publicity_towns"], counted=head["counted_towns"]))
        missing = pub.loc[pub["events"] == 0, "town"].tolist()
        if missing:
            # (named up to frame.RANKED_MAX: a province's thousands are counted; the table has them)
            names = "、".join(missing[:frame.RANKED_MAX])
            if len(missing) > frame.RANKED_MAX:
                names = t("pa.pub.none_towns.more", towns=names, n=fmt_num(len(missing)))
            st.warning(t("pa.pub.none_towns", towns=names), icon=":material/campaign:")
        # A province's towns are tens of thousands of bars: the charts draw the towns with the
        # most publicity events (the table and the export hold every town).
        drawn, n_towns = frame.first_by(pub.assign(_place=pub["district"] + "|" + pub["town"]), "_place", "events")
        if len(drawn) < len(pub):
            st.caption(t("pa.pub.first", n=frame.RANKED_MAX, total=n_towns))
        towns = list(dict.fromkeys(drawn["town"].tolist()))
        split = {t("pa.pub.march"): ("march_events", "march_participants"),
                 t("pa.pub.other"): ("other_events", "other_participants")}
        long = pd.concat([pd.DataFrame({"town": drawn["town"], "part": label, "events": drawn[ev],
                                        "participants": drawn[pp]}) for label, (ev, pp) in split.items()])
        colors = {t("pa.pub.march"): RED, t("pa.pub.other"): "#9FB3C8"}
        height = max(320, 30 * len(towns) + 130)
        left, right = st.columns(2)
        for col, measure, title in ((left, "events", "pa.pub.events"), (right, "participants", "pa.pub.participants")):
            with col:
                fig = charts.bar(long, "town", measure, color="part", horizontal=True, color_map=colors,
                                 category_order=towns, title=t(title), y_title=t(f"pa.measure.{measure}"),
                                 height=height)
                fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{x:,}<extra></extra>")
                for trace in fig.data:
                    trace.customdata = list(trace.y)  # the town of each bar
                fig.update_layout(legend=dict(y=1.0, yanchor="bottom", traceorder="normal"), margin=dict(t=80))
                sel.chart(fig, "town", name=f"pub_{measure}")
        pub_cols = (["district"] if f.district is None else []) + [
            "town", "events", "march_events", "other_events", "participants", "march_participants",
            "other_participants"]
        _offer("pa_publicity", t("pa.pub.title"), f, pub, PUB_LABELS, pub_cols, picked=False)
        picked_towns = sel.get("town")
        f_pub = f.with_towns(picked_towns) if picked_towns else f
        table = data.get(pa.publicity_by_town, f_pub) if picked_towns else pub
        with st.expander(t("pa.pub.table"), expanded=bool(picked_towns)):
            cols = (["district"] if f.district is None else []) + ["town", "events", "march_events", "participants",
                                                                   "march_participants"]
            st.dataframe(frame.table_rows(table[cols]), hide_index=True, width="stretch",
                         column_config={
                             "district": st.column_config.TextColumn(t("word.district")),
                             "town": st.column_config.TextColumn(t("word.town")),
                             "events": st.column_config.NumberColumn(t("pa.col.events"), help=definition("publicity")),
                             "march_events": st.column_config.NumberColumn(t("pa.col.march_events")),
                             "participants": st.column_config.NumberColumn(t("pa.col.participants"),
                                                                           help=definition("participants")),
                             "march_participants": st.column_config.NumberColumn(t("pa.col.march_participants")),
                         },
                         height=min(36 * (len(table) + 1) + 4, 700))
            _offer("pa_publicity_table", t("pa.pub.table_title"), f_pub, table, PUB_LABELS, cols, picked=False)

# --- narrowed to the picked towns: the monthly chart (which picks a month and a kind) -----
picked_towns = sel.get("town")
f_towns = f.with_towns(picked_towns) if picked_towns else f
head_towns = data.get(pa.participation_headline, f_towns) if picked_towns else head
empty_text = t("pa.empty_picked") if picked_towns else t("pa.empty", period=period)

with monthly_box, frame.guard("participation.monthly"):
    st.subheader(t("pa.monthly.title"))
    if head_towns["events"] == 0:
        st.info(empty_text)
    else:
        measure = _measure("pa_monthly_measure")
        monthly = data.get(pa.events_by_kind_month, f_towns)
        if f.year is not None:
            x_labels = [MONTHS[m - 1] for m in monthly["month"]]
            order = MONTHS
        else:
            x_labels = [t("pa.period.ym", year=y, month=MONTHS[m - 1])
                        for y, m in zip(monthly["year"], monthly["month"])]
            order = list(dict.fromkeys(x_labels))
            st.caption(t("pa.monthly.all_years"))
        shown = _in_kind_order(monthly.assign(x=x_labels,
                                              kind_label=[enum("activity_kind", k) for k in monthly["kind"]]))
        fig = charts.bar(shown, "x", measure, color="kind_label", color_map=_kind_colors(), category_order=order,
                         y_title=t(f"pa.measure.{measure}"), height=420)
        fig.update_traces(hovertemplate="%{x} · %{fullData.name}: %{y:,}<extra></extra>")
        fig.update_layout(legend=dict(traceorder="normal"))
        # A bar is a month and a kind; without a year, months of different years share a
        # number, so the bars pick a kind only.
        for trace in fig.data:
            part = shown[shown["kind_label"] == trace.name]
            trace.customdata = (part[["month", "kind"]] if f.year is not None else part[["kind"]]).values.tolist()
        if f.year is not None:
            sel.chart(fig, "month", name="monthly")
            for code in _picked_at(f"pa_pick_monthly_{sel.version}", 1):
                if code not in sel.picks.setdefault("kind", []):
                    sel.picks["kind"].append(code)
        else:
            sel.chart(fig, "kind", name="monthly")
        _offer("pa_monthly", t("pa.monthly.title"), f_towns,
               shown.assign(month_label=[MONTHS[m - 1] for m in shown["month"]]), COLUMN_LABELS | {
                   "month_label": t("word.month"), "kind_label": t("word.kind")},
               ["year", "month_label", "kind_label", "events", "participants"], picked=False)

# --- narrowed to every pick: KPI cards, who takes part, venues ----------------------------
kinds = sel.get("kind")
months = tuple(int(m) for m in sel.get("month"))
narrowed = bool(picked_towns or kinds or months)
head_sel = data.get(pa.participation_headline, f_towns, kinds, months) if narrowed else head
if narrowed:
    empty_text = t("pa.empty_picked")

with kpi_box, frame.guard("participation.kpi"):
    cols = st.columns(5)
    with cols[0]:
        frame.kpi(t("pa.kpi.events"), head_sel["events"], help_text=t("pa.kpi.events.help"))
    with cols[1]:
        frame.kpi(t("pa.kpi.participants"), head_sel["participants"], help_text=definition("participants"))
    with cols[2]:
        frame.kpi(t("pa.kpi.pub_events"), head_sel["publicity_events"], help_text=definition("publicity"))
    with cols[3]:
        frame.kpi(t("pa.kpi.pub_participants"), head_sel["publicity_participants"], help_text=definition("publicity"))
    with cols[4]:
        frame.kpi(t("pa.kpi.pub_towns"), head_sel["publicity_towns"], suffix=f" / {head_sel['counted_towns']}",
                  help_text=t("pa.kpi.pub_towns.help"))

with groups_box, frame.guard("participation.groups"):
    st.subheader(t("pa.groups.title"))
    if head_sel["events"] == 0:
        st.info(empty_text)
    else:
        totals = data.get(pa.participants_by_group, f_towns, kinds, months)
        by_kind = data.get(pa.participants_by_kind_and_group, f_towns, kinds, months)
        group_labels = {g: t(f"pa.group.{g}") for g in pa.GROUPS}
        left, right = st.columns([2, 3])
        with left:
            shown = totals.assign(
                label=[group_labels[g] for g in totals["group"]],
                text=[t("pa.groups.share", n=fmt_num(n), pct=fmt_pct(s))
                      for n, s in zip(totals["participants"], totals["share"])])
            fig = charts.bar(shown, "label", "participants", horizontal=True, title=t("pa.groups.total"),
                             y_title=t("pa.measure.participants"), height=340)
            fig.update_traces(marker_color=[GROUP_COLORS[g] for g in totals["group"]], text=shown["text"],
                              textposition="outside", cliponaxis=False,
                              hovertemplate="%{y}: %{x:,}<extra></extra>")
            fig.update_xaxes(range=[0, max(1, int(totals["participants"].max())) * 1.7])
            _show(fig)
            _offer("pa_groups", t("pa.groups.total"), f_towns, shown, COLUMN_LABELS | {"label": t("pa.col.group")},
                   ["label", "participants", "share"])
        with right:
            shown = by_kind.assign(label=[enum("activity_kind", k) for k in by_kind["kind"]],
                                   group_label=[group_labels[g] for g in by_kind["group"]])
            fig = charts.bar(shown, "label", "participants", color="group_label", horizontal=True,
                             title=t("pa.groups.by_kind"), y_title=t("pa.measure.participants"),
                             color_map={group_labels[g]: c for g, c in GROUP_COLORS.items()},
                             height=max(340, 46 * by_kind["kind"].nunique() + 140))
            fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{x:,}<extra></extra>")
            _show(fig)
            _offer("pa_groups_kind", t("pa.groups.by_kind"), f_towns, shown,
                   COLUMN_LABELS | {"label": t("word.kind"), "group_label": t("pa.col.group")},
                   ["label", "group_label", "participants"])

with venues_box, frame.guard("participation.venues"):
    st.subheader(t("pa.venue.title"))
    if head_sel["events"] == 0:
        st.info(empty_text)
    else:
        venues = data.get(pa.events_by_venue, f_towns, kinds, months)
        venue_labels = [t("pa.venue.not_given") if v == pa.NOT_GIVEN else enum("venue", v) for v in venues["venue"]]
        shown = _in_kind_order(venues.assign(label=venue_labels,
                                             kind_label=[enum("activity_kind", k) for k in venues["kind"]]))
        st.caption(t("pa.venue.caption"))
        fig = charts.bar(shown, "label", "events", color="kind_label", horizontal=True, color_map=_kind_colors(),
                         category_order=list(dict.fromkeys(venue_labels)), y_title=t("pa.measure.events"),
                         height=max(320, 48 * venues["venue"].nunique() + 150))
        fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{x:,}<extra></extra>")
        _show(fig)
        _offer("pa_venues", t("pa.venue.title"), f_towns, venues.assign(label=venue_labels, kind_label=[
            enum("activity_kind", k) for k in venues["kind"]]),
            COLUMN_LABELS | {"label": t("pa.col.venue"), "kind_label": t("word.kind")},
            ["label", "kind_label", "events", "participants"])

with chips_box:
    sel.bar(f, LABELS, _chip, kind="activities")
