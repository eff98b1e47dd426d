"""码上办 — micro-suggestions: the lifecycle funnel, rates, durations and time limits, the
overdue list, category × town, the monthly trend and the departments."""

from __future__ import annotations

import streamlit as st
from plotly.graph_objects import Figure

from ui import charts, data, frame
from ui.charts import STATUS_COLORS, RED, fmt_num, fmt_pct
from ui.i18n import enum, lang, t
from ui.metrics import definition
from warehouse.queries import micro as mi

f = frame.current_filters()
period = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")
if f.district is None:
    scope = t("mi.scope.all_districts")
elif f.towns:
    scope = t("mi.scope.towns", district=f.district, n=len(f.towns))
else:
    scope = f.district
as_of = f.as_of.isoformat() if f.as_of else ""

st.title(t("mi.title"))
st.caption(t("mi.caption", scope=scope, period=period))

PART_COLORS = {"closed_on_time": STATUS_COLORS["met"], "closed_late": STATUS_COLORS["pending"],
               "open": STATUS_COLORS["missed"], "rejected": STATUS_COLORS["none"]}
HEAT_SCALE = [[0.0, "#f2f2f2"], [1e-9, "#fde0dd"], [0.5, "#ef6548"], [1.0, RED]]
TOP = 15


def _show(fig: Figure) -> None:
    fig.update_layout(legend=dict(traceorder="normal"))
    st.plotly_chart(fig, width="stretch")


def _days(value: float | None) -> str:
    return t("mi.unit.days") if value is not None else ""


def _dept(name: str) -> str:
    return t("mi.dept.not_given") if name == mi.NOT_GIVEN else name


head = data.get(mi.micro_headline, f)
has_items = head["submitted"] > 0

with frame.guard("micro.kpi"):
    st.caption(t("mi.kpi.volume"))
    cols = st.columns(5)
    solved_label = t("mi.kpi.solved_in_year") if f.year is not None else t("mi.kpi.solved_all_years")
    for col, (label, value, metric) in zip(cols, [
        (t("mi.kpi.submitted"), head["submitted"], "micro_submitted"),
        (t("mi.kpi.accepted"), head["accepted"], "micro_accepted"),
        (t("mi.kpi.closed"), head["closed"], "micro_closed"),
        (solved_label, head["solved_in_year"], "micro_solved"),
        (t("mi.kpi.overdue"), head["overdue"], "micro_overdue"),
    ]):
        with col:
            frame.kpi(label, value, help_text=definition(metric))
    st.caption(t("mi.kpi.rates"))
    cols = st.columns(5)
    for col, (label, value, metric) in zip(cols, [
        (t("mi.kpi.acceptance_rate"), head["acceptance_rate"], "micro_acceptance_rate"),
        (t("mi.kpi.closing_rate"), head["closing_rate"], "micro_closing_rate"),
        (t("mi.kpi.solved_rate"), head["solved_rate"], "micro_solved_rate"),
        (t("mi.kpi.satisfaction_rate"), head["satisfaction_rate"], "micro_satisfaction_rate"),
        (t("mi.kpi.satisfied_rate"), head["satisfied_rate"], "micro_satisfied_rate"),
    ]):
        with col:
            frame.kpi(label, value, percent=True, help_text=definition(metric))
    st.caption(t("mi.kpi.time"))
    cols = st.columns(5)
    with cols[0]:
        frame.kpi(t("mi.kpi.median_days"), head["median_days"], suffix=_days(head["median_days"]),
                  help_text=definition("micro_median_days"))
    with cols[1]:
        frame.kpi(t("mi.kpi.p90_days"), head["p90_days"], suffix=_days(head["p90_days"]),
                  help_text=definition("micro_p90_days"))
    with cols[2]:
        frame.kpi(t("mi.kpi.accept_on_time"), head["accept_on_time_rate"], percent=True,
                  help_text=definition("micro_accept_on_time"))
    with cols[3]:
        frame.kpi(t("mi.kpi.close_on_time"), head["close_on_time_rate"], percent=True,
                  help_text=definition("micro_close_on_time"))
    if not has_items:
        st.info(t("mi.empty", period=period))
    else:
        notes = []
        if head["rated"]:
            notes.append(t("mi.kpi.rated_note", rated=fmt_num(head["rated"]), s=fmt_num(head["satisfied"]),
                           b=fmt_num(head["basically"]), d=fmt_num(head["dissatisfied"])))
        else:
            notes.append(t("mi.kpi.nothing_rated"))
        if not head["closed"]:
            notes.append(t("mi.kpi.nothing_closed"))
        st.caption(" ".join(notes))

with frame.guard("micro.funnel"):
    st.subheader(t("mi.funnel.title"), help=definition("micro_funnel"))
    if not has_items:
        st.info(t("mi.empty", period=period))
    else:
        funnel = data.get(mi.micro_funnel, f)
        shown = funnel.assign(
            label=[t(f"mi.stage.{s}") for s in funnel["stage"]],
            text=[t("mi.funnel.text", n=fmt_num(n), pct=fmt_pct(s), step=fmt_pct(p)) if i else
                  t("mi.funnel.text_first", n=fmt_num(n))
                  for i, (n, s, p) in enumerate(zip(funnel["suggestions"], funnel["share"], funnel["step_share"]))])
        st.caption(t("mi.funnel.caption"))
        fig = charts.bar(shown, "label", "suggestions", horizontal=True, height=320,
                         y_title=t("mi.col.suggestions"))
        fig.update_traces(marker_color=RED, text=shown["text"], textposition="outside", cliponaxis=False,
                          hovertemplate="%{y}: %{x:,}<extra></extra>")
        fig.update_xaxes(range=[0, max(1, int(funnel["suggestions"].max())) * 1.45])
        _show(fig)
        if head["rejected"]:
            st.caption(t("mi.funnel.rejected", n=fmt_num(head["rejected"])))

with frame.guard("micro.overdue"):
    st.subheader(t("mi.overdue.title"), help=definition("micro_overdue"))
    if f.as_of is None:
        st.info(t("mi.overdue.no_cutoff"))
    else:
        overdue = data.get(mi.micro_overdue, f)
        if overdue.empty:
            st.success(t("mi.overdue.none", date=as_of, period=period), icon=":material/task_alt:")
        else:
            st.caption(t("mi.overdue.caption", date=as_of))
            st.warning(t("mi.overdue.summary", n=fmt_num(len(overdue)), days=int(overdue["days_late"].max())),
                       icon=":material/schedule:")
            shown = overdue.assign(category=[enum("micro_category", c) for c in overdue["category"]],
                                   status=[enum("micro_status", s) for s in overdue["status"]])
            cols = (["district"] if f.district is None else []) + [
                "suggestion_id", "town", "submitted_on", "days_late", "status", "department", "content", "category",
                "working_days"]
            st.dataframe(shown[cols], hide_index=True, width="stretch",
                         height=min(36 * (len(shown) + 1) + 4, 520),
                         column_config={
                             "district": st.column_config.TextColumn(t("word.district")),
                             "suggestion_id": st.column_config.TextColumn(t("mi.col.id")),
                             "town": st.column_config.TextColumn(t("word.town")),
                             "category": st.column_config.TextColumn(t("mi.col.category")),
                             "status": st.column_config.TextColumn(t("mi.col.status")),
                             "department": st.column_config.TextColumn(t("mi.col.department")),
                             "submitted_on": st.column_config.DateColumn(t("mi.col.submitted_on"),
                                                                         format="YYYY-MM-DD"),
                             "working_days": st.column_config.NumberColumn(t("mi.col.working_days")),
                             "days_late": st.column_config.NumberColumn(t("mi.col.days_late"),
                                                                        help=definition("micro_days_late")),
                             "content": st.column_config.TextColumn(t("mi.col.content"), width="large"),
                         })

with frame.guard("micro.heatmap"):
    st.subheader(t("mi.heatmap.title"))
    if not has_items:
        st.info(t("mi.empty", period=period))
    else:
        grid = data.get(mi.micro_category_town, f)
        towns = grid["town"] if f.district is not None else grid["district"] + " · " + grid["town"]
        categories = [enum("micro_category", c) for c in mi.CATEGORY_ORDER]
        shown = grid.assign(row=towns, category_label=[enum("micro_category", c) for c in grid["category"]])
        st.caption(t("mi.heatmap.caption"))
        fig = charts.heatmap(shown, "category_label", "row", "suggestions", y_order=list(dict.fromkeys(towns)),
                             x_order=categories, colorscale=HEAT_SCALE)
        fig.update_traces(texttemplate="%{z:,}", textfont=dict(size=13), showscale=False,
                          hovertemplate="%{y} · %{x}: %{z:,}<extra></extra>")
        fig.update_xaxes(side="top", tickangle=-30 if lang() == "en" else 0)
        _show(fig)

with frame.guard("micro.monthly"):
    st.subheader(t("mi.monthly.title"), help=definition("micro_monthly"))
    if not has_items:
        st.info(t("mi.empty", period=period))
    else:
        monthly = data.get(mi.micro_monthly, f)
        months = [t(f"mi.month.{m}") for m in range(1, 13)]
        if f.year is not None:
            x = [months[m - 1] for m in monthly["month"]]
        else:
            x = [t("mi.period.ym", year=y, month=months[m - 1]) for y, m in zip(monthly["year"], monthly["month"])]
        notes = [t("mi.monthly.caption")]
        if f.year is not None and f.as_of is not None and f.as_of.year == f.year and f.as_of.month < 12:
            notes.append(t("mi.monthly.future", date=as_of))
        st.caption(" ".join(notes))
        shown = monthly.assign(x=x, part_label=[t(f"mi.part.{p}") for p in monthly["part"]])
        fig = charts.bar(shown, "x", "suggestions", color="part_label", category_order=list(dict.fromkeys(x)),
                         color_map={t(f"mi.part.{p}"): c for p, c in PART_COLORS.items()},
                         y_title=t("mi.col.suggestions"), height=400)
        fig.update_traces(hovertemplate="%{x} · %{fullData.name}: %{y:,}<extra></extra>")
        _show(fig)

with frame.guard("micro.departments"):
    st.subheader(t("mi.dept.title"), help=definition("micro_department"))
    by_volume = data.get(mi.micro_departments, f, "volume") if has_items else None
    if by_volume is None or by_volume.empty:
        st.info(t("mi.dept.none", period=period))
    else:
        by_time = data.get(mi.micro_departments, f, "time")
        left, right = st.columns(2)
        with left:
            top = by_volume.head(TOP)
            shown = top.assign(label=[_dept(d) for d in top["department"]])
            fig = charts.bar(shown, "label", "suggestions", horizontal=True, text=True,
                             title=t("mi.dept.by_volume", n=len(top)), y_title=t("mi.col.suggestions"),
                             height=max(320, 28 * len(top) + 120))
            fig.update_traces(marker_color="#1F4E79", hovertemplate="%{y}: %{x:,}<extra></extra>")
            _show(fig)
        with right:
            if by_time.empty:
                st.info(t("mi.dept.none_closed"))
            else:
                top = by_time.head(TOP)
                shown = top.assign(label=[_dept(d) for d in top["department"]],
                                   hover=[t("mi.dept.hover_time", dept=_dept(d), days=fmt_num(m), closed=fmt_num(c))
                                          for d, m, c in zip(top["department"], top["median_days"], top["closed"])])
                fig = charts.bar(shown, "label", "median_days", horizontal=True,
                                 title=t("mi.dept.by_time", n=len(top)), y_title=t("mi.col.median_days"),
                                 height=max(320, 28 * len(top) + 120))
                fig.update_traces(marker_color=RED,
                                  text=[t("mi.dept.time_text", days=fmt_num(m), closed=fmt_num(c))
                                        for m, c in zip(top["median_days"], top["closed"])],
                                  textposition="auto", customdata=shown["hover"],
                                  hovertemplate="%{customdata}<extra></extra>")
                _show(fig)
        with st.expander(t("mi.dept.table")):
            table = by_volume.assign(department=[_dept(d) for d in by_volume["department"]])
            st.dataframe(table[["department", "suggestions", "closed", "median_days", "close_on_time_rate"]],
                         hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 4, 600),
                         column_config={
                             "department": st.column_config.TextColumn(t("mi.col.department")),
                             "suggestions": st.column_config.NumberColumn(t("mi.col.suggestions")),
                             "closed": st.column_config.NumberColumn(t("mi.col.closed")),
                             "median_days": st.column_config.NumberColumn(t("mi.col.median_days"), format="%.1f"),
                             "close_on_time_rate": st.column_config.NumberColumn(
                                 t("mi.col.close_on_time_rate"), format="percent",
                                 help=definition("micro_close_on_time")),
                         })
