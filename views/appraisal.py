"""工作评议 — the standing committee's satisfaction ballots on each appraised department:
ballots by evaluator type, satisfaction rate, the grade by the majority rule, and the change
on the previous year.

A click on a department's bar (ballots, or the change on last year) selects it: the
results table, the evaluator types and the trend narrow to the departments picked.
Departments have no town, so the link goes to the records. Every chart and table offers
its rows for export."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ui import charts, data, drill, export, frame
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
sel = drill.Selection("ap")


def _show(fig) -> None:
    st.plotly_chart(fig, width="stretch")


def _grade(code: object) -> str:
    return enum("rating", code) if isinstance(code, str) else "—"


def _change_label(code: object, prev: object) -> str:
    return t(f"ap.change.{code}", prev=_grade(prev)) if isinstance(code, str) else t("ap.change.none")


def _label(year: int, department: str, district: str) -> str:
    """How an appraisal is named in a chart: the department, with the year and district
    when the filters leave them open."""
    parts = ([str(year)] if f.year is None else []) + ([district] if f.district is None else []) + [department]
    return " · ".join(parts)


def _where() -> list[str]:
    """The year and district columns, when the filters leave them open."""
    return (["year"] if f.year is None else []) + (["district"] if f.district is None else [])


def _common_labels() -> dict[str, str]:
    return {"year": t("word.year"), "district": t("word.district"), "department": t("ap.col.department"),
            "ballots": t("ap.col.ballots"), "satisfaction_rate": t("ap.col.rate"),
            **{k: t(f"ap.kind.{k}") for k in ap.BALLOT_KINDS}}


def _pct(rates: pd.Series) -> pd.Series:
    """Rates (0.933…) as percentages with one decimal (93.3), as the page shows them."""
    return (rates.astype("float64") * 100).round(1)


def _pct_labels() -> dict[str, str]:
    return {"rate_pct": t("ap.col.rate_pct"), "prev_pct": t("ap.col.prev_rate_pct"),
            "change_pp": t("ap.col.rate_change")}


def _picks_line() -> list[str]:
    picked = sel.get("department")
    return [t("ap.export.selection", departments="、".join(picked))] if picked else []


def _records_params() -> dict[str, str]:
    """The record explorer on this district's appraisals (one department picked: its own)."""
    p = {"district": f.district or "all", "kind": "appraisals"}
    if f.year is not None:
        p["year"] = str(f.year)
    if len(sel.get("department")) == 1:
        p["col.department"] = sel.get("department")[0]
    if st.session_state.get("lang") == "en":
        p["lang"] = "en"
    return p


def _selection() -> None:
    """The chips of the departments picked, and the way to the records."""
    sel.bar(f, {"department": t("ap.col.department")})
    try:
        st.page_link(drill.EXPLORE_PAGE, label=t("drill.show_records"), icon=":material/table_rows:",
                     query_params=_records_params())
    except StreamlitPageNotFoundError:  # the page run on its own (a test): no router, no explorer to link to
        pass


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
    fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{customdata[1]:,} (%{x:.0%})<extra></extra>")
    for trace, kind in zip(fig.data, ap.BALLOT_KINDS):
        part = shown[shown["kind"] == kind]
        # Each trace its own rows (a bar selects its department; the hover shows its ballots).
        trace.customdata = part[["department", "ballots"]].to_numpy()
        trace.text = [fmt_num(int(n)) if n else "" for n in part["ballots"]]
        trace.textposition = "inside"
    fig.add_vline(x=0.5, line_dash="dash", line_color="#333", annotation_text=t("ap.chart.half"),
                  annotation_position="top")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_layout(legend=dict(traceorder="normal"))
    sel.chart(fig, "department")
    st.caption(t("ap.chart.caption"))
    st.caption(t("ap.hint"))
    res = data.get(ap.appraisal_results, f)
    export.offer("ap_ballots", t("ap.chart.title"), f, res, labels=_common_labels(),
                 columns=[*_where(), "department", *ap.BALLOT_KINDS, "ballots"])


def _table() -> None:
    st.subheader(t("ap.table.title"))
    res = data.get(ap.appraisal_results, f, sel.get("department"))
    shown = res.assign(
        rate_text=[fmt_pct(r, 1) for r in res["satisfaction_rate"]],
        grade_label=[_grade(g) for g in res["grade"]],
        prev_rate_text=[fmt_pct(r, 1) for r in res["prev_rate"]],
        rate_change_text=["—" if pd.isna(c) else f"{c * 100:+.1f}" for c in res["rate_change"]],
        change_label=[_change_label(c, p) for c, p in zip(res["grade_change"], res["prev_grade"])],
        status=[GRADE_STATUS.get(g, "none") if isinstance(g, str) else "none" for g in res["grade"]],
        # The export's rates are numbers (percent, one decimal, as shown), never text a
        # spreadsheet would have to parse.
        rate_pct=_pct(res["satisfaction_rate"]), prev_pct=_pct(res["prev_rate"]), change_pp=_pct(res["rate_change"]))
    cols = _where() + ["department", "sc_ballots", "invited_ballots", "ballots", "satisfied", "basically_satisfied",
                       "dissatisfied", "rate_text", "grade_label", "prev_rate_text", "rate_change_text", "change_label"]
    labels = {**_common_labels(), "sc_ballots": t("ap.col.sc"), "invited_ballots": t("ap.col.invited"),
              "rate_text": t("ap.col.rate"), "grade_label": t("ap.col.grade"), "prev_rate_text": t("ap.col.prev_rate"),
              "rate_change_text": t("ap.col.rate_change"), "change_label": t("ap.col.grade_change")}
    st.dataframe(
        charts.status_styler(frame.table_rows(shown), "status", "grade_label"), hide_index=True, width="stretch",
        column_order=cols,
        column_config={
            "year": st.column_config.NumberColumn(labels["year"], format="%d"),
            "district": st.column_config.TextColumn(labels["district"]),
            "department": st.column_config.TextColumn(labels["department"]),
            "sc_ballots": st.column_config.NumberColumn(labels["sc_ballots"], help=t("ap.col.by_type.help")),
            "invited_ballots": st.column_config.NumberColumn(labels["invited_ballots"], help=t("ap.col.by_type.help")),
            "ballots": st.column_config.NumberColumn(labels["ballots"], help=definition("appraisal_ballots")),
            "satisfied": st.column_config.NumberColumn(labels["satisfied"]),
            "basically_satisfied": st.column_config.NumberColumn(labels["basically_satisfied"]),
            "dissatisfied": st.column_config.NumberColumn(labels["dissatisfied"]),
            "rate_text": st.column_config.TextColumn(labels["rate_text"], help=definition("appraisal_rate")),
            "grade_label": st.column_config.TextColumn(labels["grade_label"], help=definition("appraisal_grade")),
            "prev_rate_text": st.column_config.TextColumn(labels["prev_rate_text"], help=definition("appraisal_yoy")),
            "rate_change_text": st.column_config.TextColumn(labels["rate_change_text"],
                                                            help=definition("appraisal_yoy")),
            "change_label": st.column_config.TextColumn(labels["change_label"], help=definition("appraisal_yoy")),
        },
        height=min(35 * (len(res) + 1) + 3, 640))
    numeric = {"rate_text": "rate_pct", "prev_rate_text": "prev_pct", "rate_change_text": "change_pp"}
    export.offer("ap_results", t("ap.table.title"), f, shown, columns=[numeric.get(c, c) for c in cols],
                 labels={**labels, **_pct_labels()}, extra=_picks_line())


def _evaluators() -> None:
    st.subheader(t("ap.types.title"))
    types = data.get(ap.ballots_by_evaluator, f, sel.get("department"))
    kind_labels = {k: t(f"ap.kind.{k}") for k in ap.BALLOT_KINDS}
    type_labels = [enum("evaluator_type", e) for e in types["evaluator_type"]]
    long = types.assign(type_label=type_labels).melt(id_vars=["type_label"], value_vars=list(ap.BALLOT_KINDS),
                                                     var_name="kind", value_name="n")
    long["kind_label"] = [kind_labels[k] for k in long["kind"]]
    fig = charts.bar(long, "type_label", "n", color="kind_label", horizontal=True, height=260,
                     color_map={kind_labels[k]: c for k, c in KIND_COLORS.items()}, y_title=t("ap.col.ballots"))
    fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{x:,}<extra></extra>")
    fig.update_layout(legend=dict(traceorder="normal"))
    _show(fig)
    st.caption(" ".join(t("ap.types.rate", type=label, rate=fmt_pct(r, 1), n=fmt_num(int(n)))
                        for label, r, n in zip(type_labels, types["satisfaction_rate"], types["ballots"])))
    export.offer("ap_evaluators", t("ap.types.title"), f,
                 types.assign(evaluator_type=type_labels, rate_pct=_pct(types["satisfaction_rate"])),
                 labels={**_common_labels(), **_pct_labels(), "evaluator_type": t("ap.col.evaluator"),
                         "appraisals": t("ap.kpi.appraisals")},
                 columns=["evaluator_type", "appraisals", *ap.BALLOT_KINDS, "ballots", "rate_pct"],
                 extra=_picks_line())


def _change() -> None:
    st.subheader(t("ap.yoy.title"))
    res = data.get(ap.appraisal_results, f)
    compared = res[res["rate_change"].notna()]
    if compared.empty:
        st.info(t("ap.yoy.none"))
        return
    labels = [_label(y, d, di) for y, d, di in zip(compared["year"], compared["department"], compared["district"])]
    shown = compared.assign(label=labels, pp=compared["rate_change"] * 100, change_pp=_pct(compared["rate_change"]),
                            rate_pct=_pct(compared["satisfaction_rate"]), prev_pct=_pct(compared["prev_rate"]),
                            change_label=[_change_label(c, p) for c, p in zip(compared["grade_change"],
                                                                              compared["prev_grade"])])
    fig = charts.bar(shown, "label", "pp", horizontal=True, y_title=t("ap.yoy.axis"),
                     height=max(260, 30 * len(shown) + 100))
    fig.update_traces(marker_color=["#2E7D32" if v >= 0 else "#C62828" for v in shown["pp"]],
                      text=[f"{v:+.1f}" for v in shown["pp"]], textposition="outside", cliponaxis=False,
                      customdata=shown["department"], hovertemplate="%{y}: %{x:+.1f}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    span = max(1.0, float(shown["pp"].abs().max())) * 1.4
    fig.update_xaxes(range=[-span, span], zeroline=True, zerolinecolor="#666")
    sel.chart(fig, "department", name="department_yoy")
    moved = compared[compared["grade_change"].isin(["UP", "DOWN"])]
    st.caption(t("ap.yoy.caption", n=len(compared), moved=len(moved)))
    export.offer("ap_yoy", t("ap.yoy.title"), f, shown,
                 labels={**_common_labels(), **_pct_labels(), "change_label": t("ap.col.grade_change")},
                 columns=[*_where(), "department", "prev_pct", "rate_pct", "change_pp", "change_label"])


def _trend() -> None:
    trend = data.get(ap.rate_by_department_year, f, sel.get("department"))
    if trend["year"].nunique() < 2:
        return
    st.subheader(t("ap.trend.title"))
    shown = trend.assign(label=[f"{d} · {dep}" if f.district is None else dep
                                for d, dep in zip(trend["district"], trend["department"])])
    rows = sorted(set(shown["label"]))
    # Rows of a readable height also when a pick leaves one or two departments.
    fig = charts.heatmap(shown, "year", "label", "satisfaction_rate", colorscale=RATE_SCALE, y_order=rows,
                         height=max(170, 26 * len(rows) + 120))
    fig.update_traces(zmin=0.5, zmax=1.0, texttemplate="%{z:.0%}", showscale=False,
                      hovertemplate="%{y} · %{x}: %{z:.1%}<extra></extra>")
    fig.update_xaxes(side="top")
    _show(fig)
    st.caption(t("ap.trend.caption"))
    export.offer("ap_trend", t("ap.trend.title"), f,
                 trend.assign(grade=[_grade(g) for g in trend["grade"]], rate_pct=_pct(trend["satisfaction_rate"])),
                 labels={**_common_labels(), **_pct_labels(), "grade": t("ap.col.grade")},
                 columns=(["district"] if f.district is None else []) + [
                     "department", "year", "ballots", "rate_pct", "grade"],
                 extra=_picks_line())


head = data.get(ap.appraisal_headline, f)
if head["appraisals"] == 0:
    st.info(t("ap.empty", scope=scope, period=period))
else:
    with frame.guard("appraisal.kpi"):
        _kpis(head)
    with frame.guard("appraisal.chart"):
        _ballot_chart()
    # The table and the evaluator types narrow to the departments picked in the charts —
    # the change on last year is one of them, drawn below: their places are kept now and
    # filled once every chart has reported its selection.
    selection_box, table_box = st.container(), st.container()
    left, right = st.columns(2)
    with right, frame.guard("appraisal.change"):
        _change()
    with selection_box, frame.guard("appraisal.selection"):
        _selection()
    with table_box, frame.guard("appraisal.table"):
        _table()
    with left, frame.guard("appraisal.types"):
        _evaluators()
with frame.guard("appraisal.trend"):
    _trend()
