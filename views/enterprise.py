"""进企业促发展 — enterprise visits and the loop from an opinion heard in an enterprise to its
resolution: KPI cards, the funnel, status and time to resolution, where the opinions come
from (category, industry, town) and the opinion list.

A click on a bar (status, category, industry, town) narrows the opinion list; the towns
picked also narrow the KPI cards and the funnel. The selectable charts themselves always
show the whole scope, so that selections can be combined (and a Plotly selection survives
only while its figure stays the same). Every chart and table offers its rows for export."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui import charts, data, drill, export, frame
from ui.charts import PALETTE, RED, fmt_num, fmt_pct
from ui.i18n import enum, enums, t
from ui.metrics import definition
from warehouse.filters import Filters
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
DIMENSIONS = ("category", "industry", "town", "status")
sel = drill.Selection("en")


def _industry(code: object) -> str:
    """An industry in words; a blank one (None, or NaN in a string column) is 未填写."""
    return code if isinstance(code, str) and code != en.NOT_GIVEN else t("en.industry.not_given")


def _label(dim: str, code: str) -> str:
    if dim == "category":
        return enum("opinion_category", code)
    if dim == "status":
        return enum("opinion_status", code)
    return _industry(code) if dim == "industry" else code


def _empty_opinions() -> None:
    st.info(t("en.empty.opinions", period=period) if has_visits else t("en.empty", period=period))


head = data.get(en.enterprise_headline, f)
has_visits = head["visits"] > 0
has_opinions = head["opinions"] > 0


# --- KPI cards and the funnel (narrowed to the towns picked in the charts) ---------------

def _kpis(fk: Filters) -> None:
    h = data.get(en.enterprise_headline, fk)
    resolution = data.get(en.resolution_days, fk)
    median = resolution["median_days"]
    if fk.towns != f.towns:
        st.caption(t("en.kpi.picked", towns="、".join(fk.towns)))
    rows = (
        (("en.kpi.visits", h["visits"], "visits", {}),
         ("en.kpi.enterprises", h["enterprises"], "enterprises", {}),
         ("en.kpi.person_times", h["person_times"], "person_times", {}),
         ("en.kpi.questionnaires", h["questionnaires"], "questionnaires", {}),
         ("en.kpi.questionnaire_rate", h["questionnaire_rate"], "questionnaire_rate", {"percent": True})),
        (("en.kpi.opinions", h["opinions"], "opinions_total", {}),
         ("en.kpi.opinions_enterprise", h["opinions_enterprise"], "opinions_enterprise", {}),
         ("en.kpi.opinions_deputy", h["opinions_deputy"], "opinions_deputy", {}),
         ("en.kpi.resolution_rate", h["resolved"] / h["opinions"] if h["opinions"] else None,
          "opinion_resolution_rate", {"percent": True}),
         ("en.kpi.median_days", median, "opinion_median_days",
          {"suffix": t("en.unit.days") if median is not None else ""})),
    )
    for row in rows:
        for col, (label, value, metric, extra) in zip(st.columns(len(row)), row):
            with col:
                frame.kpi(t(label), value, help_text=definition(metric), **extra)
    st.caption(t("en.levels", province=fmt_num(h["province_deputies"]), city=fmt_num(h["city_deputies"]),
                 district=fmt_num(h["district_deputies"]), town=fmt_num(h["town_deputies"])))


def _funnel(fk: Filters) -> None:
    st.subheader(t("en.funnel.title"), help=definition("enterprise_funnel"))
    if not has_visits:
        st.info(t("en.empty", period=period))
        return
    funnel = data.get(en.enterprise_funnel, fk)
    texts = []
    for step, n, share in zip(funnel["step"], funnel["count"], funnel["share"]):
        if step == "visits" or share != share:  # the first step, or nothing before it
            texts.append(fmt_num(int(n)))
        elif step == "opinions":
            texts.append(t("en.funnel.per_q", n=fmt_num(int(n)), ratio=f"{share:.2f}"))
        else:
            texts.append(t("en.funnel.share", n=fmt_num(int(n)), pct=fmt_pct(share)))
    steps = [t(f"en.funnel.{s}") for s in funnel["step"]]
    fig = go.Figure(go.Funnel(y=steps, x=funnel["count"], text=texts, textinfo="text", textposition="auto",
                              marker=dict(color=FUNNEL_COLORS), connector=dict(line=dict(color="#ccc", width=1)),
                              hovertemplate="%{y}: %{x:,}<extra></extra>"))
    fig.update_layout(template="oversight", height=360, margin=dict(l=10, r=10, t=10, b=10), showlegend=False)
    st.plotly_chart(fig, width="stretch")
    st.caption(t("en.funnel.caption"))
    export.offer("en_funnel", t("en.funnel.title"), fk, funnel.assign(step=steps),
                 labels={"step": t("en.col.step"), "count": t("en.col.count"), "share": t("en.col.ratio")})


# --- status and the distributions (selectable, always the whole scope) -------------------

def _status() -> None:
    st.subheader(t("en.status.title"), help=definition("opinion_median_days"))
    if not has_opinions:
        _empty_opinions()
        return
    status = data.get(en.opinions_by_status, f)
    shown = status.assign(label=[enum("opinion_status", s) for s in status["status"]])
    fig = charts.bar(shown, "label", "opinions", horizontal=True, y_title=t("en.measure.opinions"), height=260)
    fig.update_traces(marker_color=[STATUS_COLORS[s] for s in status["status"]], customdata=status["status"],
                      text=[f"{fmt_num(int(n))} · {fmt_pct(s)}" for n, s in zip(status["opinions"], status["share"])],
                      textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:,}<extra></extra>")
    fig.update_xaxes(range=[0, max(1, int(status["opinions"].max())) * 1.45])
    sel.chart(fig, "status")
    resolution = data.get(en.resolution_days, f)
    if resolution["median_days"] is None:
        st.markdown(t("en.status.none_resolved"))
    else:
        st.markdown(t("en.status.median", resolved=fmt_num(resolution["dated"]),
                      days=fmt_num(resolution["median_days"]), max=fmt_num(resolution["max_days"])))
    if resolution["resolved"] > resolution["dated"]:
        st.caption(t("en.status.undated", n=resolution["resolved"] - resolution["dated"]))
    export.offer("en_status", t("en.status.title"), f, shown, columns=["label", "opinions", "share"],
                 labels={"label": t("en.col.status"), "opinions": t("en.measure.opinions"),
                         "share": t("en.col.share")})


def _categories() -> None:
    cats = data.get(en.opinions_by_category, f)
    labels = [enum("opinion_category", c) for c in cats["category"]]
    fig = charts.bar(cats.assign(label=labels), "label", "opinions", horizontal=True, title=t("en.category.title"),
                     y_title=t("en.measure.opinions"), height=400)
    fig.update_traces(marker_color=RED, customdata=cats["category"], text=cats["opinions"], textposition="outside",
                      cliponaxis=False,
                      hovertext=[t("en.hover.category", label=lb, n=n, ent=e, dep=d, res=r)
                                 for lb, n, e, d, r in zip(labels, cats["opinions"], cats["opinions_enterprise"],
                                                           cats["opinions_deputy"], cats["resolved"])],
                      hovertemplate="%{hovertext}<extra></extra>")
    fig.update_xaxes(range=[0, max(1, int(cats["opinions"].max())) * 1.2])
    sel.chart(fig, "category")
    export.offer("en_categories", t("en.category.export"), f, cats.assign(category=labels),
                 labels={"category": t("en.col.category"), "opinions": t("en.measure.opinions"),
                         "opinions_enterprise": t("en.kpi.opinions_enterprise"),
                         "opinions_deputy": t("en.kpi.opinions_deputy"), "resolved": t("en.funnel.resolved")})


def _industries() -> None:
    ind = data.get(en.opinions_by_industry, f)
    labels = [_industry(i) for i in ind["industry"]]
    fig = charts.bar(ind.assign(label=labels), "label", "opinions", horizontal=True, title=t("en.industry.title"),
                     y_title=t("en.measure.opinions"), height=max(400, 34 * len(ind) + 110))
    fig.update_traces(marker_color=PALETTE[1], customdata=ind["industry"], text=ind["opinions"],
                      textposition="outside", cliponaxis=False,
                      hovertext=[t("en.hover.place", label=lb, n=n, res=r, visits=v)
                                 for lb, n, r, v in zip(labels, ind["opinions"], ind["resolved"], ind["visits"])],
                      hovertemplate="%{hovertext}<extra></extra>")
    fig.update_xaxes(range=[0, max(1, int(ind["opinions"].max())) * 1.2])
    sel.chart(fig, "industry")
    export.offer("en_industries", t("en.industry.export"), f, ind.assign(industry=labels),
                 labels={"industry": t("en.col.industry"), "visits": t("en.measure.visits"),
                         "opinions": t("en.measure.opinions"), "resolved": t("en.funnel.resolved")})


def _towns() -> None:
    whole = data.get(en.opinions_by_town, f)
    place = [f"{d} {tw}" for d, tw in zip(whole["district"].tolist(), whole["town"].tolist())] \
        if f.district is None else whole["town"].tolist()
    # A province's towns are tens of thousands of bars: the chart draws those with the most
    # opinions (the export holds every town).
    towns, n_towns = frame.first_by(whole.assign(label=place), "label", "opinions")
    place = towns["label"].tolist()
    fig = charts.bar(towns, "label", "opinions", title=t("en.town.title"),
                     y_title=t("en.measure.opinions"), category_order=place, height=400)
    fig.update_traces(marker_color=PALETTE[2], customdata=towns["town"], text=towns["opinions"],
                      textposition="outside", cliponaxis=False,
                      hovertext=[t("en.hover.place", label=lb, n=n, res=r, visits=v)
                                 for lb, n, r, v in zip(place, towns["opinions"], towns["resolved"], towns["visits"])],
                      hovertemplate="%{hovertext}<extra></extra>")
    fig.update_yaxes(range=[0, max(1, int(towns["opinions"].max())) * 1.15])
    sel.chart(fig, "town")
    if len(towns) < len(whole):
        st.caption(t("en.town.first", n=frame.RANKED_MAX, total=n_towns))
    export.offer("en_towns", t("en.town.export"), f, whole,
                 columns=(["district"] if f.district is None else []) + [
                     "town", "visits", "enterprises", "opinions", "resolved"],
                 labels={"district": t("en.col.district"), "town": t("en.col.town"),
                         "visits": t("en.measure.visits"), "enterprises": t("en.kpi.enterprises"),
                         "opinions": t("en.measure.opinions"), "resolved": t("en.funnel.resolved")})


def _distribution() -> None:
    st.subheader(t("en.dist.title"))
    if not has_opinions:
        _empty_opinions()
        return
    st.caption(t("en.dist.hint"))
    left, right = st.columns(2)
    with left:
        _categories()
    with right:
        _industries()
    _towns()


# --- the opinion list (narrowed by every selection) ---------------------------------------

def _opinions() -> None:
    st.subheader(t("en.list.title"))
    if not has_opinions:
        _empty_opinions()
        return
    sel.bar(f, {d: t(f"en.list.dim.{d}") for d in DIMENSIONS}, _label, kind="enterprise_opinions")
    c1, c2 = st.columns([1, 2])
    with c1:
        source = st.segmented_control(t("en.list.source"), en.SOURCES, key="en_source",
                                      format_func=lambda s: enum("opinion_source", s))
    with c2:
        search = st.text_input(t("en.list.search"), key="en_search", help=t("en.list.search.help"))
    rows = data.get(en.opinion_list, f, sel.get("category"), sel.get("town"), sel.get("status"),
                    (source,) if source else (), sel.get("industry"), search.strip())
    st.caption(t("en.list.count", n=fmt_num(len(rows)), total=fmt_num(head["opinions"])))
    if rows.empty:
        st.info(t("en.list.empty"))
        return
    shown = rows.assign(source=enums("opinion_source", rows["source"]),
                        category=enums("opinion_category", rows["category"]),
                        status=enums("opinion_status", rows["status"]),
                        industry=[_industry(i) for i in rows["industry"].tolist()])
    # The text right after whose it is, so it stays in view without scrolling sideways.
    columns = ["opinion_id", "date"] + (["district"] if f.district is None else []) + [
        "town", "enterprise", "category", "content", "source", "status", "resolved_on", "industry"]
    labels = {c: t(f"en.col.{c}") for c in en.LIST_COLUMNS}
    config: dict[str, object] = {c: st.column_config.TextColumn(label) for c, label in labels.items()}
    config["date"] = st.column_config.DateColumn(labels["date"], format="YYYY-MM-DD")
    config["resolved_on"] = st.column_config.DateColumn(labels["resolved_on"], format="YYYY-MM-DD")
    config["content"] = st.column_config.TextColumn(labels["content"], width="large")
    config["enterprise"] = st.column_config.TextColumn(labels["enterprise"], width="medium")
    st.dataframe(frame.table_rows(shown), hide_index=True, width="stretch", column_order=columns,
                 column_config=config)
    picks = "；".join(f"{t(f'en.list.dim.{d}')}：{_label(d, c)}" for d, c in sel.active)
    export.offer("en_opinions", t("en.list.title"), f, shown, labels=labels, columns=columns,
                 extra=[t("en.col.selection", items=picks)] if picks else ())


# The KPI cards sit above the charts but count the towns picked in them: their place is
# kept, and they are drawn once the charts have reported their selections.
kpi_box = st.container()
left, right = st.columns([3, 2])
with right, frame.guard("enterprise.status"):
    _status()
with frame.guard("enterprise.distribution"):
    _distribution()
picked = sel.get("town")
fk = f.with_towns(picked) if picked else f
with kpi_box, frame.guard("enterprise.kpi"):
    _kpis(fk)
with left, frame.guard("enterprise.funnel"):
    _funnel(fk)
with frame.guard("enterprise.list"):
    _opinions()
