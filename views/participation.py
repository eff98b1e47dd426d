"""参与情况 — activities by kind and month, who takes part, where, a town × month grid and
the publicity month (宣传月)."""

from __future__ import annotations

import pandas as pd
from plotly.graph_objects import Figure
import streamlit as st

from ui import charts, data, frame
from ui.charts import PALETTE, RED, fmt_num, fmt_pct
from ui.i18n import enum, t
from ui.metrics import definition
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
st.caption(t("pa.caption", scope=scope, period=period))

KIND_COLORS = {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(pa.KIND_ORDER)}
GROUP_COLORS = dict(zip(pa.GROUPS, PALETTE))
MONTHS = [t(f"pa.month.{m}") for m in range(1, 13)]
HEAT_SCALE = [[0.0, "#f2f2f2"], [1e-9, "#fde0dd"], [0.5, "#ef6548"], [1.0, RED]]


def _kind_colors() -> dict[str, str]:
    return {enum("activity_kind", code): color for code, color in KIND_COLORS.items()}


def _in_kind_order(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in the contract's order of kinds, so that series stack and list in that order."""
    return df.sort_values("kind", key=lambda s: s.map(pa.KIND_ORDER.index), kind="stable")


def _show(fig: Figure) -> None:
    # Legends read in series order (plotly reverses them for stacked bars by default).
    fig.update_layout(legend=dict(traceorder="normal"))
    st.plotly_chart(fig, width="stretch")


def _measure(key: str) -> str:
    """A 场次 / 参与人次 switch; returns the column to show."""
    choice = st.segmented_control(t("pa.measure"), ["events", "participants"], key=key, default="events",
                                  format_func=lambda m: t(f"pa.measure.{m}"), label_visibility="collapsed")
    return choice or "events"


head = data.get(pa.participation_headline, f)
has_events = head["events"] > 0

with frame.guard("participation.kpi"):
    cols = st.columns(5)
    with cols[0]:
        frame.kpi(t("pa.kpi.events"), head["events"], help_text=t("pa.kpi.events.help"))
    with cols[1]:
        frame.kpi(t("pa.kpi.participants"), head["participants"], help_text=definition("participants"))
    with cols[2]:
        frame.kpi(t("pa.kpi.pub_events"), head["publicity_events"], help_text=definition("publicity"))
    with cols[3]:
        frame.kpi(t("pa.kpi.pub_participants"), head["publicity_participants"], help_text=definition("publicity"))
    with cols[4]:
        frame.kpi(t("pa.kpi.pub_towns"), head["publicity_towns"], suffix=f" / {head['counted_towns']}",
                  help_text=t("pa.kpi.pub_towns.help"))

with frame.guard("participation.monthly"):
    st.subheader(t("pa.monthly.title"))
    if not has_events:
        st.info(t("pa.empty", period=period))
    else:
        measure = _measure("pa_monthly_measure")
        monthly = data.get(pa.events_by_kind_month, f)
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
        _show(fig)

with frame.guard("participation.groups"):
    st.subheader(t("pa.groups.title"))
    if not has_events:
        st.info(t("pa.empty", period=period))
    else:
        totals = data.get(pa.participants_by_group, f)
        by_kind = data.get(pa.participants_by_kind_and_group, f)
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
        with right:
            shown = by_kind.assign(label=[enum("activity_kind", k) for k in by_kind["kind"]],
                                   group_label=[group_labels[g] for g in by_kind["group"]])
            fig = charts.bar(shown, "label", "participants", color="group_label", horizontal=True,
                             title=t("pa.groups.by_kind"), y_title=t("pa.measure.participants"),
                             color_map={group_labels[g]: c for g, c in GROUP_COLORS.items()},
                             height=max(340, 46 * by_kind["kind"].nunique() + 140))
            fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{x:,}<extra></extra>")
            _show(fig)

with frame.guard("participation.venues"):
    st.subheader(t("pa.venue.title"))
    if not has_events:
        st.info(t("pa.empty", period=period))
    else:
        venues = data.get(pa.events_by_venue, f)
        venue_labels = [t("pa.venue.not_given") if v == pa.NOT_GIVEN else enum("venue", v) for v in venues["venue"]]
        shown = _in_kind_order(venues.assign(label=venue_labels,
                                             kind_label=[enum("activity_kind", k) for k in venues["kind"]]))
        st.caption(t("pa.venue.caption"))
        fig = charts.bar(shown, "label", "events", color="kind_label", horizontal=True, color_map=_kind_colors(),
                         category_order=list(dict.fromkeys(venue_labels)), y_title=t("pa.measure.events"),
                         height=max(320, 48 * venues["venue"].nunique() + 150))
        fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{x:,}<extra></extra>")
        _show(fig)

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
        shown = grid.assign(month_label=[MONTHS[m - 1] for m in grid["month"]])
        fig = charts.heatmap(shown, "month_label", "town", measure, y_order=list(dict.fromkeys(grid["town"])),
                             x_order=MONTHS, colorscale=HEAT_SCALE)
        fig.update_traces(texttemplate="%{z:,}", textfont=dict(size=13), showscale=False,
                          hovertemplate="%{y} · %{x}: %{z:,}<extra></extra>")
        fig.update_xaxes(side="top")
        _show(fig)

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
            st.warning(t("pa.pub.none_towns", towns="、".join(missing)), icon=":material/campaign:")
        towns = list(dict.fromkeys(pub["town"]))
        split = {t("pa.pub.march"): ("march_events", "march_participants"),
                 t("pa.pub.other"): ("other_events", "other_participants")}
        long = pd.concat([pd.DataFrame({"town": pub["town"], "part": label, "events": pub[ev],
                                        "participants": pub[pp]}) for label, (ev, pp) in split.items()])
        colors = {t("pa.pub.march"): RED, t("pa.pub.other"): "#9FB3C8"}
        height = max(320, 30 * len(towns) + 130)
        left, right = st.columns(2)
        for col, measure, title in ((left, "events", "pa.pub.events"), (right, "participants", "pa.pub.participants")):
            with col:
                fig = charts.bar(long, "town", measure, color="part", horizontal=True, color_map=colors,
                                 category_order=towns, title=t(title), y_title=t(f"pa.measure.{measure}"),
                                 height=height)
                fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{x:,}<extra></extra>")
                fig.update_layout(legend=dict(y=1.0, yanchor="bottom"), margin=dict(t=80))
                _show(fig)
        with st.expander(t("pa.pub.table")):
            cols = (["district"] if f.district is None else []) + ["town", "events", "march_events", "participants",
                                                                   "march_participants"]
            st.dataframe(pub[cols], hide_index=True, width="stretch",
                         column_config={
                             "district": st.column_config.TextColumn(t("word.district")),
                             "town": st.column_config.TextColumn(t("word.town")),
                             "events": st.column_config.NumberColumn(t("pa.col.events"), help=definition("publicity")),
                             "march_events": st.column_config.NumberColumn(t("pa.col.march_events")),
                             "participants": st.column_config.NumberColumn(t("pa.col.participants"),
                                                                           help=definition("participants")),
                             "march_participants": st.column_config.NumberColumn(t("pa.col.march_participants")),
                         },
                         height=min(36 * (len(pub) + 1) + 4, 700))
