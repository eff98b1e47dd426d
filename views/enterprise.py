"""进企业促发展 — enterprise visits and the loop from an opinion heard in an enterprise to its
resolution: KPI cards, the funnel, status and time to resolution, where the opinions come
from (category, industry, town) and the opinion list, which a click on a bar narrows."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from ui import charts, data, frame
from ui.charts import PALETTE, RED, fmt_num, fmt_pct
from ui.i18n import enum, t
from ui.metrics import definition
from warehouse.queries import enterprise as en

f = frame.current_filters()
period = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")
if f.district is None:
    scope = t("en.scope.all_districts")
elif f.towns:
    scope = t("en.scope.towns", district=f.district, n=len(f.towns))
else:
    scope = f.district

st.title(t("en.title"))
st.caption(t("en.caption", scope=scope, period=period))

STATUS_COLORS = {"PENDING": "#9E9E9E", "ASSIGNED": "#E0A100", "IN_PROGRESS": "#1F4E79", "RESOLVED": "#2E7D32"}
FUNNEL_COLORS = ["#1F4E79", "#4F7CA8", RED, "#E0A100", "#2E7D32"]
# Chart selections narrow the list; clearing them bumps this counter, which gives every
# selectable chart a new key (a Plotly selection cannot be set from Python).
SELECTION_VERSION = "en_selection_version"
DIMENSIONS = ("category", "industry", "town", "status")
st.session_state.setdefault(SELECTION_VERSION, 0)


def _clear_selection() -> None:
    st.session_state[SELECTION_VERSION] += 1


def _selectable(fig: go.Figure, dim: str) -> list[str]:
    """Show a chart whose bars can be clicked; returns the codes (``customdata``) of the
    selected bars."""
    fig.update_layout(clickmode="event+select")
    state = st.plotly_chart(fig, width="stretch", on_select="rerun", selection_mode=("points",),
                            key=f"en_pick_{dim}_{st.session_state[SELECTION_VERSION]}")
    picked: list[str] = []
    for point in state.selection.points:
        code = point.get("customdata")
        if isinstance(code, list):
            code = code[0] if code else None
        if code is not None and str(code) not in picked:
            picked.append(str(code))
    return picked


def _industry(code: str | None) -> str:
    return t("en.industry.not_given") if code in (None, en.NOT_GIVEN) else str(code)


def _label(dim: str, code: str) -> str:
    if dim == "category":
        return enum("opinion_category", code)
    if dim == "status":
        return enum("opinion_status", code)
    return _industry(code) if dim == "industry" else code


def _plain(text: str) -> str:
    """Data shown inside Markdown (a badge) stays literal."""
    return re.sub(r"([\\`*_~\[\]<>])", r"\\\1", text)


head = data.get(en.enterprise_headline, f)
has_visits = head["visits"] > 0
has_opinions = head["opinions"] > 0
picks: dict[str, list[str]] = {d: [] for d in DIMENSIONS}

with frame.guard("enterprise.kpi"):
    resolution = data.get(en.resolution_days, f)
    median = resolution["median_days"]
    rows = (
        (("en.kpi.visits", head["visits"], "visits", {}),
         ("en.kpi.enterprises", head["enterprises"], "enterprises", {}),
         ("en.kpi.person_times", head["person_times"], "person_times", {}),
         ("en.kpi.questionnaires", head["questionnaires"], "questionnaires", {}),
         ("en.kpi.questionnaire_rate", head["questionnaire_rate"], "questionnaire_rate", {"percent": True})),
        (("en.kpi.opinions", head["opinions"], "opinions_total", {}),
         ("en.kpi.opinions_enterprise", head["opinions_enterprise"], "opinions_enterprise", {}),
         ("en.kpi.opinions_deputy", head["opinions_deputy"], "opinions_deputy", {}),
         ("en.kpi.resolution_rate", head["resolved"] / head["opinions"] if has_opinions else None,
          "opinion_resolution_rate", {"percent": True}),
         ("en.kpi.median_days", median, "opinion_median_days",
          {"suffix": t("en.unit.days") if median is not None else ""})),
    )
    for row in rows:
        for col, (label, value, metric, extra) in zip(st.columns(len(row)), row):
            with col:
                frame.kpi(t(label), value, help_text=definition(metric), **extra)
    st.caption(t("en.levels", province=fmt_num(head["province_deputies"]), city=fmt_num(head["city_deputies"]),
                 district=fmt_num(head["district_deputies"]), town=fmt_num(head["town_deputies"])))

left, right = st.columns([3, 2])
with left, frame.guard("enterprise.funnel"):
    st.subheader(t("en.funnel.title"), help=definition("enterprise_funnel"))
    if not has_visits:
        st.info(t("en.empty", period=period))
    else:
        funnel = data.get(en.enterprise_funnel, f)
        texts = []
        for step, n, share in zip(funnel["step"], funnel["count"], funnel["share"]):
            if step == "visits" or share != share:  # the first step, or nothing before it
                texts.append(fmt_num(int(n)))
            elif step == "opinions":
                texts.append(t("en.funnel.per_q", n=fmt_num(int(n)), ratio=f"{share:.2f}"))
            else:
                texts.append(t("en.funnel.share", n=fmt_num(int(n)), pct=fmt_pct(share)))
        fig = go.Figure(go.Funnel(y=[t(f"en.funnel.{s}") for s in funnel["step"]], x=funnel["count"], text=texts,
                                  textinfo="text", textposition="auto", marker=dict(color=FUNNEL_COLORS),
                                  connector=dict(line=dict(color="#ccc", width=1)),
                                  hovertemplate="%{y}: %{x:,}<extra></extra>"))
        fig.update_layout(template="oversight", height=360, margin=dict(l=10, r=10, t=10, b=10), showlegend=False)
        st.plotly_chart(fig, width="stretch")
        st.caption(t("en.funnel.caption"))

with right, frame.guard("enterprise.status"):
    st.subheader(t("en.status.title"), help=definition("opinion_median_days"))
    if not has_opinions:
        st.info(t("en.empty.opinions", period=period) if has_visits else t("en.empty", period=period))
    else:
        status = data.get(en.opinions_by_status, f)
        shown = status.assign(label=[enum("opinion_status", s) for s in status["status"]])
        fig = charts.bar(shown, "label", "opinions", horizontal=True, y_title=t("en.measure.opinions"), height=260)
        fig.update_traces(marker_color=[STATUS_COLORS[s] for s in status["status"]], customdata=status["status"],
                          text=[f"{fmt_num(int(n))} · {fmt_pct(s)}" for n, s in zip(status["opinions"],
                                                                                    status["share"])],
                          textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:,}<extra></extra>")
        fig.update_xaxes(range=[0, max(1, int(status["opinions"].max())) * 1.45])
        picks["status"] = _selectable(fig, "status")
        if median is None:
            st.markdown(t("en.status.none_resolved"))
        else:
            st.markdown(t("en.status.median", resolved=fmt_num(resolution["dated"]), days=fmt_num(median),
                          max=fmt_num(resolution["max_days"])))
        if resolution["resolved"] > resolution["dated"]:
            st.caption(t("en.status.undated", n=resolution["resolved"] - resolution["dated"]))

with frame.guard("enterprise.distribution"):
    st.subheader(t("en.dist.title"))
    if not has_opinions:
        st.info(t("en.empty.opinions", period=period) if has_visits else t("en.empty", period=period))
    else:
        st.caption(t("en.dist.hint"))
        left, right = st.columns(2)
        with left:
            cats = data.get(en.opinions_by_category, f)
            labels = [enum("opinion_category", c) for c in cats["category"]]
            fig = charts.bar(cats.assign(label=labels), "label", "opinions", horizontal=True,
                             title=t("en.category.title"), y_title=t("en.measure.opinions"), height=400)
            fig.update_traces(marker_color=RED, customdata=cats["category"], text=cats["opinions"],
                              textposition="outside", cliponaxis=False,
                              hovertext=[t("en.hover.category", label=lb, n=n, ent=e, dep=d, res=r)
                                         for lb, n, e, d, r in zip(labels, cats["opinions"], cats["opinions_enterprise"],
                                                                   cats["opinions_deputy"], cats["resolved"])],
                              hovertemplate="%{hovertext}<extra></extra>")
            fig.update_xaxes(range=[0, max(1, int(cats["opinions"].max())) * 1.2])
            picks["category"] = _selectable(fig, "category")
        with right:
            ind = data.get(en.opinions_by_industry, f)
            labels = [_industry(i) for i in ind["industry"]]
            fig = charts.bar(ind.assign(label=labels), "label", "opinions", horizontal=True,
                             title=t("en.industry.title"), y_title=t("en.measure.opinions"),
                             height=max(400, 34 * len(ind) + 110))
            fig.update_traces(marker_color=PALETTE[1], customdata=ind["industry"], text=ind["opinions"],
                              textposition="outside", cliponaxis=False,
                              hovertext=[t("en.hover.place", label=lb, n=n, res=r, visits=v)
                                         for lb, n, r, v in zip(labels, ind["opinions"], ind["resolved"], ind["visits"])],
                              hovertemplate="%{hovertext}<extra></extra>")
            fig.update_xaxes(range=[0, max(1, int(ind["opinions"].max())) * 1.2])
            picks["industry"] = _selectable(fig, "industry")
        towns = data.get(en.opinions_by_town, f)
        place = [f"{d} {tw}" for d, tw in zip(towns["district"], towns["town"])] if f.district is None \
            else list(towns["town"])
        fig = charts.bar(towns.assign(label=place), "label", "opinions", title=t("en.town.title"),
                         y_title=t("en.measure.opinions"), category_order=place, height=400)
        fig.update_traces(marker_color=PALETTE[2], customdata=towns["town"], text=towns["opinions"],
                          textposition="outside", cliponaxis=False,
                          hovertext=[t("en.hover.place", label=lb, n=n, res=r, visits=v)
                                     for lb, n, r, v in zip(place, towns["opinions"], towns["resolved"], towns["visits"])],
                          hovertemplate="%{hovertext}<extra></extra>")
        fig.update_yaxes(range=[0, max(1, int(towns["opinions"].max())) * 1.15])
        picks["town"] = _selectable(fig, "town")

with frame.guard("enterprise.list"):
    st.subheader(t("en.list.title"))
    if not has_opinions:
        st.info(t("en.empty.opinions", period=period) if has_visits else t("en.empty", period=period))
    else:
        active = [(dim, code) for dim in DIMENSIONS for code in picks[dim]]
        if active:
            with st.container(horizontal=True, vertical_alignment="center", key="en_chips"):
                st.markdown(t("en.list.selected"))
                for dim, code in active:
                    st.badge(_plain(f"{t(f'en.list.dim.{dim}')}：{_label(dim, code)}"), color="red",
                             icon=":material/filter_alt:")
                st.button(t("en.list.clear"), key="en_clear", icon=":material/close:", on_click=_clear_selection)
        c1, c2 = st.columns([1, 2])
        with c1:
            source = st.segmented_control(t("en.list.source"), en.SOURCES, key="en_source",
                                          format_func=lambda s: enum("opinion_source", s))
        with c2:
            search = st.text_input(t("en.list.search"), key="en_search", help=t("en.list.search.help"))
        rows = data.get(en.opinion_list, f, tuple(picks["category"]), tuple(picks["town"]), tuple(picks["status"]),
                        (source,) if source else (), tuple(picks["industry"]), search.strip())
        st.caption(t("en.list.count", n=fmt_num(len(rows)), total=fmt_num(head["opinions"])))
        if rows.empty:
            st.info(t("en.list.empty"))
        else:
            shown = rows.assign(source=[enum("opinion_source", s) for s in rows["source"]],
                                category=[enum("opinion_category", c) for c in rows["category"]],
                                status=[enum("opinion_status", s) for s in rows["status"]],
                                industry=[_industry(i) for i in rows["industry"]])
            # The text right after whose it is, so it stays in view without scrolling sideways.
            columns = ["opinion_id", "date"] + (["district"] if f.district is None else []) + [
                "town", "enterprise", "category", "content", "source", "status", "resolved_on", "industry"]
            config = {c: st.column_config.TextColumn(t(f"en.col.{c}")) for c in en.LIST_COLUMNS}
            config["date"] = st.column_config.DateColumn(t("en.col.date"), format="YYYY-MM-DD")
            config["resolved_on"] = st.column_config.DateColumn(t("en.col.resolved_on"), format="YYYY-MM-DD")
            config["content"] = st.column_config.TextColumn(t("en.col.content"), width="large")
            config["enterprise"] = st.column_config.TextColumn(t("en.col.enterprise"), width="medium")
            st.dataframe(shown, hide_index=True, width="stretch", column_order=columns, column_config=config)
