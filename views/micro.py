"""码上办 — micro-suggestions: the lifecycle funnel, rates, durations and time limits, the
overdue list, category × town, the monthly trend and the departments.

Drilling: a cell of the category × town grid picks its town and category (its 合计 column
a town, its 合计 row a category); they narrow the monthly trend, the departments, the KPI
cards, the funnel and the overdue list. A month of the trend narrows the departments and
what is above; a department narrows the KPI cards, the funnel and the overdue list. The
pickers are drawn before what they narrow (the cards, funnel and list into containers
placed above), and a picker is never narrowed by a pick made below it — a chart whose
data change loses its selection in the browser."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from plotly.graph_objects import Figure

from ui import charts, data, drill, export, frame
from ui.charts import STATUS_COLORS, RED, fmt_num, fmt_pct
from ui.i18n import enum, enums, lang, t
from ui.metrics import definition
from warehouse.filters import Filters
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
st.caption(t("mi.caption", scope=scope, period=period) + " " + t("drill.hint"))
sel = drill.Selection("mi")

PART_COLORS = {"closed_on_time": STATUS_COLORS["met"], "closed_late": STATUS_COLORS["pending"],
               "open": STATUS_COLORS["missed"], "rejected": STATUS_COLORS["none"]}
HEAT_SCALE = [[0.0, "#f2f2f2"], [1e-9, "#fde0dd"], [0.5, "#ef6548"], [1.0, RED]]
TOP = 15
MONTHS = [t(f"mi.month.{m}") for m in range(1, 13)]
LABELS = {"town": t("word.town"), "category": t("mi.col.category"), "month": t("word.month"),
          "department": t("mi.col.department")}
# Headers of the exported files.
COLUMN_LABELS = {
    "district": t("word.district"), "town": t("word.town"), "suggestion_id": t("mi.col.id"),
    "category_label": t("mi.col.category"), "status_label": t("mi.col.status"),
    "department_label": t("mi.col.department"), "submitted_on": t("mi.col.submitted_on"),
    "accepted_on": t("mi.col.accepted_on"), "working_days": t("mi.col.working_days"),
    "days_late": t("mi.col.days_late"), "content": t("mi.col.content"), "suggestions": t("mi.col.suggestions"),
    "closed": t("mi.col.closed"), "median_days": t("mi.col.median_days"), "closed_on_time": t("mi.col.closed_on_time"),
    "close_on_time_rate": t("mi.col.close_on_time_rate"), "year": t("word.year"), "month_label": t("word.month"),
    "part_label": t("mi.col.part"), "stage_label": t("mi.col.stage"), "share": t("mi.col.share"),
    "step_share": t("mi.col.step_share"),
}


def _show(fig: Figure) -> None:
    fig.update_layout(legend=dict(traceorder="normal"))
    st.plotly_chart(fig, width="stretch")


def _days(value: float | None) -> str:
    return t("mi.unit.days") if value is not None else ""


def _dept(name: str) -> str:
    return t("mi.dept.not_given") if name == mi.NOT_GIVEN else name


def _chip(dim: str, code: str) -> str:
    if dim == "category":
        return enum("micro_category", code)
    if dim == "month":
        return MONTHS[int(code) - 1]
    return _dept(code) if dim == "department" else code


def _picked_at(key: str, index: int) -> list[str]:
    """``customdata[index]`` of the points selected in the chart ``key``: the codes after
    the first that :meth:`ui.drill.Selection.chart` reads (a cell stands for a town *and* a
    category)."""
    state = st.session_state.get(key)
    points = state["selection"]["points"] if state else []
    out: list[str] = []
    for point in points:
        code = point.get("customdata")
        code = code[index] if isinstance(code, (list, tuple)) and len(code) > index else None
        if code is not None and str(code) not in out:
            out.append(str(code))
    return out


def _pickable_cells(fig: Figure, xs: list[str], ys: list[str], codes: list, hover: list[str],
                    texts: list[str]) -> None:
    """Make a heatmap's cells clickable: Plotly returns no selection for a heatmap trace
    (streamlit/streamlit#8760), so an invisible marker sits on each cell, carrying its
    codes; a selected cell is framed."""
    fig.update_traces(hoverinfo="skip", selector=dict(type="heatmap"))
    fig.add_scatter(x=xs, y=ys, customdata=codes, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
                    mode="markers+text", text=texts, textfont=dict(size=13, color="#222"),
                    marker=dict(symbol="square-open", size=22, color="#222", opacity=0, line=dict(width=3)),
                    selected=dict(marker=dict(opacity=1), textfont=dict(color="#222")),
                    unselected=dict(marker=dict(opacity=0), textfont=dict(color="#222")),
                    showlegend=False, cliponaxis=False)
    fig.update_layout(hoverdistance=80, showlegend=False)
    fig.update_yaxes(showgrid=False)


def _picked_lines() -> list[str]:
    """The categories, months and departments picked, in words, for the exported files
    (picked towns are in the filters line)."""
    picked = [(d, c) for d, c in sel.active if d != "town"]
    if not picked:
        return []
    return [t("mi.export.picked", what="；".join(f"{LABELS[d]} {_chip(d, c)}" for d, c in picked))]


def _offer(key: str, title: str, fx: Filters, df: pd.DataFrame, columns: list[str]) -> None:
    export.offer(key, title, fx, df, labels=COLUMN_LABELS, columns=columns, extra=_picked_lines())


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    """Enumeration codes shown by their labels (for tables and exports)."""
    out = df
    if "category" in df:
        out = out.assign(category_label=enums("micro_category", df["category"]))
    if "status" in df:
        out = out.assign(status_label=enums("micro_status", df["status"]))
    if "department" in df:
        out = out.assign(department_label=[None if d is None or d != d else _dept(d)
                                           for d in df["department"].tolist()])
    return out


# The page's scope (before any chart selection): it gates the sections.
head = data.get(mi.micro_headline, f)
has_items = head["submitted"] > 0

chips_box = st.container()
kpi_box = st.container()
funnel_box = st.container()
overdue_box = st.container()

# --- the town and category picker: category × town --------------------------------------
with frame.guard("micro.heatmap"):
    st.subheader(t("mi.heatmap.title"))
    if not has_items:
        st.info(t("mi.empty", period=period))
    else:
        grid = data.get(mi.micro_category_town, f)
        rows = (grid["town"] if f.district is not None else grid["district"] + " · " + grid["town"]).tolist()
        categories = [enum("micro_category", c) for c in mi.CATEGORY_ORDER]
        whole = grid.assign(row=rows, category_label=enums("micro_category", grid["category"]))
        st.caption(t("mi.heatmap.caption") + " " + t("mi.heatmap.pick"))
        # A province's towns are tens of thousands of rows: the grid draws the towns with the
        # most suggestions; the 合计 row and the export count every town.
        shown, n_rows = frame.first_by(whole, "row", "suggestions")
        if len(shown) < len(whole):
            st.caption(t("mi.heatmap.first", n=frame.RANKED_MAX, total=n_rows))
        fig = charts.heatmap(shown, "category_label", "row", "suggestions", y_order=list(dict.fromkeys(shown["row"])),
                             x_order=categories, colorscale=HEAT_SCALE)
        fig.update_traces(texttemplate="%{z:,}", textfont=dict(size=13), showscale=False)
        total = t("mi.heatmap.total")
        by_row = shown.groupby(["row", "town"], sort=False)["suggestions"].sum().reset_index()
        by_cat = whole.groupby(["category_label", "category"], sort=False)["suggestions"].sum().reset_index()
        n_all = int(whole["suggestions"].sum())
        _pickable_cells(
            fig,
            xs=list(shown["category_label"]) + [total] * len(by_row) + list(by_cat["category_label"]) + [total],
            ys=list(shown["row"]) + list(by_row["row"]) + [total] * len(by_cat) + [total],
            codes=shown[["town", "category"]].values.tolist() + [[tw, None] for tw in by_row["town"]]
            + [[None, c] for c in by_cat["category"]] + [[None, None]],
            hover=[f"{r} · {c}: {n:,}" for r, c, n in zip(shown["row"], shown["category_label"], shown["suggestions"])]
            + [f"{r} · {total}: {n:,}" for r, n in zip(by_row["row"], by_row["suggestions"])]
            + [f"{total} · {c}: {n:,}" for c, n in zip(by_cat["category_label"], by_cat["suggestions"])]
            + [f"{total}: {n_all:,}"],
            texts=[""] * len(shown) + [f"{n:,}" for n in by_row["suggestions"]]
            + [f"{n:,}" for n in by_cat["suggestions"]] + [f"{n_all:,}"])
        fig.update_layout(height=(fig.layout.height or 300) + 30)
        fig.update_xaxes(side="top", tickangle=-30 if lang() == "en" else 0)
        sel.chart(fig, "town", name="town")
        for code in _picked_at(f"mi_pick_town_{sel.version}", 1):
            if code not in sel.picks.setdefault("category", []):
                sel.picks["category"].append(code)
        cols = (["district"] if f.district is None else []) + ["town", "category_label", "suggestions"]
        export.offer("mi_category_town", t("mi.heatmap.title"), f, whole, COLUMN_LABELS, cols)

towns = sel.get("town")
categories_picked = sel.get("category")
f_towns = f.with_towns(towns) if towns else f
narrowed = bool(towns or categories_picked)
head_up = data.get(mi.micro_headline, f_towns, None, categories_picked) if narrowed else head
empty_text = t("mi.empty_picked") if narrowed else t("mi.empty", period=period)

# --- narrowed by town and category; the month picker ------------------------------------
with frame.guard("micro.monthly"):
    st.subheader(t("mi.monthly.title"), help=definition("micro_monthly"))
    if not head_up["submitted"]:
        st.info(empty_text)
    else:
        monthly = data.get(mi.micro_monthly, f_towns, None, categories_picked)
        if f.year is not None:
            x = [MONTHS[m - 1] for m in monthly["month"]]
        else:
            x = [t("mi.period.ym", year=y, month=MONTHS[m - 1]) for y, m in zip(monthly["year"], monthly["month"])]
        notes = [t("mi.monthly.caption")]
        if f.year is not None and f.as_of is not None and f.as_of.year == f.year and f.as_of.month < 12:
            notes.append(t("mi.monthly.future", date=as_of))
        st.caption(" ".join(notes))
        shown = monthly.assign(x=x, month_label=x, part_label=[t(f"mi.part.{p}") for p in monthly["part"]])
        fig = charts.bar(shown, "x", "suggestions", color="part_label", category_order=list(dict.fromkeys(x)),
                         color_map={t(f"mi.part.{p}"): c for p, c in PART_COLORS.items()},
                         y_title=t("mi.col.suggestions"), height=400)
        fig.update_traces(hovertemplate="%{x} · %{fullData.name}: %{y:,}<extra></extra>")
        fig.update_layout(legend=dict(traceorder="normal"))
        if f.year is not None:  # without a year, months of different years share a number: not a pick
            for trace in fig.data:
                trace.customdata = list(shown.loc[shown["part_label"] == trace.name, "month"])
            sel.chart(fig, "month", name="monthly")
        else:
            _show(fig)
        _offer("mi_monthly", t("mi.monthly.title"), f_towns, shown,
               ["year", "month_label", "part_label", "suggestions"])

months = tuple(int(m) for m in sel.get("month"))
narrowed = narrowed or bool(months)
head_mid = data.get(mi.micro_headline, f_towns, None, categories_picked, months) if months else head_up
if narrowed:
    empty_text = t("mi.empty_picked")

# --- narrowed by town, category and month; the department picker ------------------------
with frame.guard("micro.departments"):
    st.subheader(t("mi.dept.title"), help=definition("micro_department"))
    by_volume = (data.get(mi.micro_departments, f_towns, "volume", None, categories_picked, months)
                 if head_mid["submitted"] else None)
    if by_volume is None or by_volume.empty:
        st.info(t("mi.dept.none_picked") if narrowed else t("mi.dept.none", period=period))
    else:
        by_time = data.get(mi.micro_departments, f_towns, "time", None, categories_picked, months)
        dept_cols = ["department_label", "suggestions", "closed", "median_days", "closed_on_time", "close_on_time_rate"]
        left, right = st.columns(2)
        with left:
            top = by_volume.head(TOP)
            shown = top.assign(label=[_dept(d) for d in top["department"]])
            fig = charts.bar(shown, "label", "suggestions", horizontal=True, text=True,
                             title=t("mi.dept.by_volume", n=len(top)), y_title=t("mi.col.suggestions"),
                             height=max(320, 28 * len(top) + 120))
            fig.update_traces(marker_color="#1F4E79", customdata=list(top["department"]),
                              hovertemplate="%{y}: %{x:,}<extra></extra>")
            sel.chart(fig, "department", name="dept_volume")
            _offer("mi_dept_volume", t("mi.dept.by_volume", n=len(top)), f_towns, _labelled(top), dept_cols)
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
                                  textposition="auto", customdata=list(top["department"]), hovertext=shown["hover"],
                                  hovertemplate="%{hovertext}<extra></extra>")
                sel.chart(fig, "department", name="dept_time")
                _offer("mi_dept_time", t("mi.dept.by_time", n=len(top)), f_towns, _labelled(top), dept_cols)
        with st.expander(t("mi.dept.table")):
            table = _labelled(by_volume)
            st.dataframe(table[dept_cols[:4] + ["close_on_time_rate"]],
                         hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 4, 600),
                         column_config={
                             "department_label": st.column_config.TextColumn(t("mi.col.department")),
                             "suggestions": st.column_config.NumberColumn(t("mi.col.suggestions")),
                             "closed": st.column_config.NumberColumn(t("mi.col.closed")),
                             "median_days": st.column_config.NumberColumn(t("mi.col.median_days"), format="%.1f"),
                             "close_on_time_rate": st.column_config.NumberColumn(
                                 t("mi.col.close_on_time_rate"), format="percent",
                                 help=definition("micro_close_on_time")),
                         })
            _offer("mi_departments", t("mi.dept.table"), f_towns, table, dept_cols)

# --- narrowed by every pick: KPI cards, funnel, overdue list ------------------------------
departments = sel.get("department")
narrowed = narrowed or bool(departments)
picks = (categories_picked, months, departments)
head_sel = data.get(mi.micro_headline, f_towns, None, *picks) if departments else head_mid
if narrowed:
    empty_text = t("mi.empty_picked")

with kpi_box, frame.guard("micro.kpi"):
    st.caption(t("mi.kpi.volume"))
    cols = st.columns(5)
    solved_label = t("mi.kpi.solved_in_year") if f.year is not None else t("mi.kpi.solved_all_years")
    for col, (label, value, metric) in zip(cols, [
        (t("mi.kpi.submitted"), head_sel["submitted"], "micro_submitted"),
        (t("mi.kpi.accepted"), head_sel["accepted"], "micro_accepted"),
        (t("mi.kpi.closed"), head_sel["closed"], "micro_closed"),
        (solved_label, head_sel["solved_in_year"], "micro_solved"),
        (t("mi.kpi.overdue"), head_sel["overdue"], "micro_overdue"),
    ]):
        with col:
            frame.kpi(label, value, help_text=definition(metric))
    st.caption(t("mi.kpi.rates"))
    cols = st.columns(5)
    for col, (label, value, metric) in zip(cols, [
        (t("mi.kpi.acceptance_rate"), head_sel["acceptance_rate"], "micro_acceptance_rate"),
        (t("mi.kpi.closing_rate"), head_sel["closing_rate"], "micro_closing_rate"),
        (t("mi.kpi.solved_rate"), head_sel["solved_rate"], "micro_solved_rate"),
        (t("mi.kpi.satisfaction_rate"), head_sel["satisfaction_rate"], "micro_satisfaction_rate"),
        (t("mi.kpi.satisfied_rate"), head_sel["satisfied_rate"], "micro_satisfied_rate"),
    ]):
        with col:
            frame.kpi(label, value, percent=True, help_text=definition(metric))
    st.caption(t("mi.kpi.time"))
    cols = st.columns(5)
    with cols[0]:
        frame.kpi(t("mi.kpi.median_days"), head_sel["median_days"], suffix=_days(head_sel["median_days"]),
                  help_text=definition("micro_median_days"))
    with cols[1]:
        frame.kpi(t("mi.kpi.p90_days"), head_sel["p90_days"], suffix=_days(head_sel["p90_days"]),
                  help_text=definition("micro_p90_days"))
    with cols[2]:
        frame.kpi(t("mi.kpi.accept_on_time"), head_sel["accept_on_time_rate"], percent=True,
                  help_text=definition("micro_accept_on_time"))
    with cols[3]:
        frame.kpi(t("mi.kpi.close_on_time"), head_sel["close_on_time_rate"], percent=True,
                  help_text=definition("micro_close_on_time"))
    if not head_sel["submitted"]:
        st.info(empty_text)
    else:
        notes = []
        if head_sel["rated"]:
            notes.append(t("mi.kpi.rated_note", rated=fmt_num(head_sel["rated"]), s=fmt_num(head_sel["satisfied"]),
                           b=fmt_num(head_sel["basically"]), d=fmt_num(head_sel["dissatisfied"])))
        else:
            notes.append(t("mi.kpi.nothing_rated"))
        if not head_sel["closed"]:
            notes.append(t("mi.kpi.nothing_closed"))
        st.caption(" ".join(notes))

with funnel_box, frame.guard("micro.funnel"):
    st.subheader(t("mi.funnel.title"), help=definition("micro_funnel"))
    if not head_sel["submitted"]:
        st.info(empty_text)
    else:
        funnel = data.get(mi.micro_funnel, f_towns, *picks)
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
        if head_sel["rejected"]:
            st.caption(t("mi.funnel.rejected", n=fmt_num(head_sel["rejected"])))
        _offer("mi_funnel", t("mi.funnel.title"), f_towns, shown.assign(stage_label=shown["label"]),
               ["stage_label", "suggestions", "share", "step_share"])

with overdue_box, frame.guard("micro.overdue"):
    st.subheader(t("mi.overdue.title"), help=definition("micro_overdue"))
    if f.as_of is None:
        st.info(t("mi.overdue.no_cutoff"))
    else:
        overdue = data.get(mi.micro_overdue, f_towns, None, *picks)
        if overdue.empty:
            st.success(t("mi.overdue.none_picked", date=as_of) if narrowed
                       else t("mi.overdue.none", date=as_of, period=period), icon=":material/task_alt:")
        else:
            st.caption(t("mi.overdue.caption", date=as_of))
            st.warning(t("mi.overdue.summary", n=fmt_num(len(overdue)), days=int(overdue["days_late"].max())),
                       icon=":material/schedule:")
            shown = overdue.assign(category=enums("micro_category", overdue["category"]),
                                   status=enums("micro_status", overdue["status"]))
            cols = (["district"] if f.district is None else []) + [
                "suggestion_id", "town", "submitted_on", "days_late", "status", "department", "content", "category",
                "working_days"]
            st.dataframe(frame.table_rows(shown[cols]), hide_index=True, width="stretch",
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
            labelled = {"category": "category_label", "status": "status_label", "department": "department_label"}
            _offer("mi_overdue", t("mi.overdue.title"), f_towns, _labelled(overdue),
                   [labelled.get(c, c) for c in cols])

with chips_box:
    sel.bar(f, LABELS, _chip, kind="micro_suggestions")
