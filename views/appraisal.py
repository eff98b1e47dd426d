"""工作评议 — the standing committee's satisfaction ballots on each appraised department:
ballots by evaluator type, satisfaction rate, the grade by the majority rule, and the change
on the previous year."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, data, frame
from ui.charts import fmt_num, fmt_pct
from ui.i18n import enum, t
from ui.metrics import definition
from warehouse.queries import appraisal as ap

f = frame.current_filters()
scope = f.district or t("ap.scope.all_districts")
period = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")

st.title(t("ap.title"))
st.caption(t("ap.caption", scope=scope, period=period))
if f.towns:
    st.caption(t("ap.no_towns"))

KIND_COLORS = {"satisfied": "#2E7D32", "basically_satisfied": "#9CCC65", "dissatisfied": "#C62828"}
GRADE_STATUS = {"SATISFIED": "met", "BASICALLY": "pending", "DISSATISFIED": "missed"}
RATE_SCALE = [[0.0, "#C62828"], [0.5, "#FFF3D6"], [1.0, "#2E7D32"]]


def _show(fig) -> None:
    st.plotly_chart(fig, width="stretch")


def _grade(code: object) -> str:
    return enum("rating", code) if isinstance(code, str) else "—"


def _change(code: object, prev: object) -> str:
    return t(f"ap.change.{code}", prev=_grade(prev)) if isinstance(code, str) else t("ap.change.none")


def _label(year: int, department: str, district: str) -> str:
    """How an appraisal is named in a chart: the department, with the year and district
    when the filters leave them open."""
    parts = ([str(year)] if f.year is None else []) + ([district] if f.district is None else []) + [department]
    return " · ".join(parts)


def _kpis(head: dict) -> None:
    row = st.columns(3)
    with row[0]:
        frame.kpi(t("ap.kpi.appraisals"), head["appraisals"], help_text=definition("appraisal_count"))
    with row[1]:
        frame.kpi(t("ap.kpi.ballots"), head["ballots"], help_text=definition("appraisal_ballots"))
    with row[2]:
        prev = head["prev_satisfaction_rate"]
        rate = head["satisfaction_rate"]
        frame.kpi(t("ap.kpi.rate"), rate, percent=True, help_text=definition("appraisal_rate"),
                  delta=None if prev is None or rate is None else rate - prev, delta_label=t("word.vs_last_year"))
    row = st.columns(3)
    for col, g in zip(row, ap.GRADES):
        with col:
            frame.kpi(t("ap.kpi.graded", grade=enum("rating", g)), head[f"graded_{g.lower()}"],
                      help_text=definition("appraisal_grade"))
    st.caption(t("ap.kpi.note", sc=fmt_num(head["sc_ballots"]), inv=fmt_num(head["invited_ballots"]),
                 s=fmt_num(head["satisfied"]), b=fmt_num(head["basically_satisfied"]),
                 d=fmt_num(head["dissatisfied"])))


def _ballot_chart() -> None:
    st.subheader(t("ap.chart.title"))
    long = data.get(ap.ballots_by_department, f)
    labels = [_label(y, d, di) for y, d, di in zip(long["year"], long["department"], long["district"])]
    kind_labels = {k: t(f"ap.kind.{k}") for k in ap.BALLOT_KINDS}
    shown = long.assign(label=labels, kind_label=[kind_labels[k] for k in long["kind"]])
    order = list(dict.fromkeys(labels))
    fig = charts.bar(shown, "label", "share", color="kind_label", horizontal=True, category_order=order,
                     color_map={kind_labels[k]: c for k, c in KIND_COLORS.items()},
                     height=max(320, 34 * len(order) + 130), y_title=t("ap.chart.share"))
    fig.update_traces(customdata=shown[["ballots"]].to_numpy(),
                      hovertemplate="%{y} · %{fullData.name}: %{customdata[0]:,} (%{x:.0%})<extra></extra>")
    for trace, kind in zip(fig.data, ap.BALLOT_KINDS):
        part = shown[shown["kind"] == kind]
        trace.text = [fmt_num(int(n)) if n else "" for n in part["ballots"]]
        trace.textposition = "inside"
    fig.add_vline(x=0.5, line_dash="dash", line_color="#333", annotation_text=t("ap.chart.half"),
                  annotation_position="top")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_layout(legend=dict(traceorder="normal"))
    _show(fig)
    st.caption(t("ap.chart.caption"))


def _table() -> None:
    st.subheader(t("ap.table.title"))
    res = data.get(ap.appraisal_results, f)
    shown = res.assign(
        rate_text=[fmt_pct(r, 1) for r in res["satisfaction_rate"]],
        grade_label=[_grade(g) for g in res["grade"]],
        prev_rate_text=[fmt_pct(r, 1) for r in res["prev_rate"]],
        rate_change_text=["—" if pd.isna(c) else f"{c * 100:+.1f}" for c in res["rate_change"]],
        change_label=[_change(c, p) for c, p in zip(res["grade_change"], res["prev_grade"])],
        status=[GRADE_STATUS.get(g, "none") if isinstance(g, str) else "none" for g in res["grade"]])
    cols = (["year"] if f.year is None else []) + (["district"] if f.district is None else []) + [
        "department", "sc_ballots", "invited_ballots", "ballots", "satisfied", "basically_satisfied", "dissatisfied",
        "rate_text", "grade_label", "prev_rate_text", "rate_change_text", "change_label"]
    st.dataframe(
        charts.status_styler(shown, "status", "grade_label"), hide_index=True, width="stretch", column_order=cols,
        column_config={
            "year": st.column_config.NumberColumn(t("word.year"), format="%d"),
            "district": st.column_config.TextColumn(t("word.district")),
            "department": st.column_config.TextColumn(t("ap.col.department")),
            "sc_ballots": st.column_config.NumberColumn(t("ap.col.sc"),
                                                        help=t("ap.col.by_type.help")),
            "invited_ballots": st.column_config.NumberColumn(t("ap.col.invited"),
                                                             help=t("ap.col.by_type.help")),
            "ballots": st.column_config.NumberColumn(t("ap.col.ballots"), help=definition("appraisal_ballots")),
            "satisfied": st.column_config.NumberColumn(t("ap.kind.satisfied")),
            "basically_satisfied": st.column_config.NumberColumn(t("ap.kind.basically_satisfied")),
            "dissatisfied": st.column_config.NumberColumn(t("ap.kind.dissatisfied")),
            "rate_text": st.column_config.TextColumn(t("ap.col.rate"), help=definition("appraisal_rate")),
            "grade_label": st.column_config.TextColumn(t("ap.col.grade"), help=definition("appraisal_grade")),
            "prev_rate_text": st.column_config.TextColumn(t("ap.col.prev_rate"), help=definition("appraisal_yoy")),
            "rate_change_text": st.column_config.TextColumn(t("ap.col.rate_change"), help=definition("appraisal_yoy")),
            "change_label": st.column_config.TextColumn(t("ap.col.grade_change"), help=definition("appraisal_yoy")),
        },
        height=min(35 * (len(res) + 1) + 3, 640))


def _evaluators_and_change() -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(t("ap.types.title"))
        types = data.get(ap.ballots_by_evaluator, f)
        kind_labels = {k: t(f"ap.kind.{k}") for k in ap.BALLOT_KINDS}
        long = types.melt(id_vars=["evaluator_type"], value_vars=list(ap.BALLOT_KINDS), var_name="kind",
                          value_name="n")
        long = long.assign(type_label=[enum("evaluator_type", e) for e in long["evaluator_type"]],
                           kind_label=[kind_labels[k] for k in long["kind"]])
        fig = charts.bar(long, "type_label", "n", color="kind_label", horizontal=True, height=260,
                         color_map={kind_labels[k]: c for k, c in KIND_COLORS.items()}, y_title=t("ap.col.ballots"))
        fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{x:,}<extra></extra>")
        fig.update_layout(legend=dict(traceorder="normal"))
        _show(fig)
        st.caption(" ".join(t("ap.types.rate", type=enum("evaluator_type", e), rate=fmt_pct(r, 1), n=fmt_num(int(n)))
                            for e, r, n in zip(types["evaluator_type"], types["satisfaction_rate"],
                                               types["ballots"])))
    with right:
        st.subheader(t("ap.yoy.title"))
        res = data.get(ap.appraisal_results, f)
        compared = res[res["rate_change"].notna()]
        if compared.empty:
            st.info(t("ap.yoy.none"))
        else:
            labels = [_label(y, d, di) for y, d, di in zip(compared["year"], compared["department"],
                                                           compared["district"])]
            shown = compared.assign(label=labels, pp=compared["rate_change"] * 100)
            fig = charts.bar(shown, "label", "pp", horizontal=True, y_title=t("ap.yoy.axis"),
                             height=max(260, 30 * len(shown) + 100))
            fig.update_traces(marker_color=["#2E7D32" if v >= 0 else "#C62828" for v in shown["pp"]],
                              text=[f"{v:+.1f}" for v in shown["pp"]], textposition="outside", cliponaxis=False,
                              hovertemplate="%{y}: %{x:+.1f}<extra></extra>")
            fig.update_yaxes(autorange="reversed")
            span = max(1.0, float(shown["pp"].abs().max())) * 1.4
            fig.update_xaxes(range=[-span, span], zeroline=True, zerolinecolor="#666")
            _show(fig)
            moved = compared[compared["grade_change"].isin(["UP", "DOWN"])]
            st.caption(t("ap.yoy.caption", n=len(compared), moved=len(moved)))


def _trend() -> None:
    trend = data.get(ap.rate_by_department_year, f)
    if trend["year"].nunique() < 2:
        return
    st.subheader(t("ap.trend.title"))
    shown = trend.assign(label=[f"{d} · {dep}" if f.district is None else dep
                                for d, dep in zip(trend["district"], trend["department"])])
    fig = charts.heatmap(shown, "year", "label", "satisfaction_rate", colorscale=RATE_SCALE,
                         y_order=sorted(set(shown["label"])))
    fig.update_traces(zmin=0.5, zmax=1.0, texttemplate="%{z:.0%}", showscale=False,
                      hovertemplate="%{y} · %{x}: %{z:.1%}<extra></extra>")
    fig.update_xaxes(side="top")
    _show(fig)
    st.caption(t("ap.trend.caption"))


head = data.get(ap.appraisal_headline, f)
if head["appraisals"] == 0:
    st.info(t("ap.empty", scope=scope, period=period))
else:
    with frame.guard("appraisal.kpi"):
        _kpis(head)
    with frame.guard("appraisal.chart"):
        _ballot_chart()
    with frame.guard("appraisal.table"):
        _table()
    with frame.guard("appraisal.types"):
        _evaluators_and_change()
with frame.guard("appraisal.trend"):
    _trend()
