"""代表建议 — the deputies' formal suggestions of a congress session: how many, how they
were answered (results A–D, replies within 3 and 6 months, overdue), how the deputies rated
the answers, the key-supervised items and the lead departments ranked.

A click on a bar of the results, reply, feedback or department chart selects those
suggestions: the lists below narrow to them and the selected ones are listed. Suggestions
have no town, so there is no town profile to offer — the link goes to the records. Every
chart and table offers its rows for export."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ui import charts, data, drill, export, frame
from ui.charts import PALETTE, fmt_num, fmt_pct
from ui.i18n import enum, t
from ui.metrics import definition
from warehouse.queries import formal as fo

f = frame.current_filters()
scope = f.district or t("fo.scope.all_districts")

st.title(t("fo.title"))
st.caption(t("fo.caption", scope=scope))
if f.towns:
    st.caption(t("fo.no_towns"))

STATUS_COLORS = {"ON_TIME": "#2E7D32", "LATE": "#E0A100", "OVER_MAX": "#EF6C00", "PENDING": "#9E9E9E",
                 "OVERDUE": "#C62828", "OVERDUE_MAX": "#7F0000", "NO_DATE": "#CFCFCF"}
RESULT_COLORS = dict(zip(fo.RESULTS, ["#2E7D32", "#1F4E79", "#E0A100", "#8D6E63"]))
FEEDBACK_COLORS = dict(zip(fo.FEEDBACK, ["#2E7D32", "#9CCC65", "#C62828"]))


DIMENSIONS = ("result", "reply_status", "feedback", "department")
sel = drill.Selection("fo")


def _show(fig) -> None:
    st.plotly_chart(fig, width="stretch")


def _status(code: str) -> str:
    return t(f"fo.status.{code}")


def _result(code: str) -> str:
    return f"{code} {enum('formal_result', code)}"


def _picked(dim: str, code: str) -> str:
    """A selected code in words (a chip)."""
    if dim == "result":
        return _result(code)
    if dim == "reply_status":
        return _status(code)
    return enum("rating", code) if dim == "feedback" else code


def _narrowing() -> tuple[tuple[str, ...], ...]:
    """The chart selections as the lists' narrowing arguments."""
    return sel.get("department"), sel.get("result"), sel.get("reply_status"), sel.get("feedback")


def _records_params() -> dict[str, str]:
    """The record explorer on this district's suggestions (one department or result picked:
    those only)."""
    p = {"district": f.district or "all", "kind": "formal_suggestions"}
    if f.year is not None:
        p["year"] = str(f.year)
    for dim, col in (("department", "department"), ("result", "result")):
        if len(sel.get(dim)) == 1:
            p[f"col.{col}"] = sel.get(dim)[0]
    if st.session_state.get("lang") == "en":
        p["lang"] = "en"
    return p


SHARE_LABELS = {"suggestions": t("fo.word.suggestions"), "share": t("fo.col.share")}


# --- the session selector --------------------------------------------------------------
def _choose_sessions() -> tuple[str, ...]:
    """The session selector; its default is the sessions of the filter year."""
    found = data.get(fo.sessions, f)
    if found.empty:
        st.info(t("fo.empty.district", scope=scope))
        return ()
    defaults = list(data.get(fo.default_sessions, f))
    if len(found) > frame.OPTIONS_MAX:
        # A province's districts hold thousands of sessions (each district its own): a list
        # to pick from would be unusable (and took seconds to draw). The year's sessions or
        # all of them; one district's sessions are picked one by one.
        counts = {"year": (len(defaults), int(found.loc[found["in_year"], "suggestions"].sum())),
                  "all": (len(found), int(found["suggestions"].sum()))}
        options = ["year", "all"] if defaults and len(defaults) < len(found) else ["all"]
        which = st.radio(t("fo.session.label"), options, horizontal=True, key=f"fo_sessions_many|{f.district}|{f.year}",
                         format_func=lambda c: t(f"fo.session.many.{c}", year=f.year, n=fmt_num(counts[c][0]),
                                                 suggestions=fmt_num(counts[c][1])))
        st.caption(t("fo.session.many", n=fmt_num(len(found))))
        return tuple(defaults) if which == "year" else tuple(found["session"])
    labels = {s: t("fo.session.option", session=s, n=fmt_num(int(n)))
              for s, n in zip(found["session"], found["suggestions"])}
    chosen = st.multiselect(t("fo.session.label"), list(labels), default=defaults,
                            key=f"fo_sessions|{f.district}|{f.year}", format_func=labels.get,
                            placeholder=t("fo.session.placeholder"), help=t("fo.session.help"))
    if not chosen:
        st.info(t("fo.empty.year", year=f.year) if not defaults and f.year is not None else t("fo.session.none"))
    return tuple(chosen)


as_of = f.as_of.isoformat() if f.as_of else t("fo.no_as_of")


# --- KPI cards -------------------------------------------------------------------------
def _kpis(sessions: tuple[str, ...], head: dict) -> None:
    share_a = data.get(fo.results_breakdown, f, sessions)["share"].iloc[0]
    row1 = st.columns(4)
    with row1[0]:
        frame.kpi(t("fo.kpi.count"), head["suggestions"], help_text=definition("formal_count"))
    with row1[1]:
        frame.kpi(t("fo.kpi.key"), head["key_supervised"], help_text=definition("formal_key"))
    with row1[2]:
        frame.kpi(t("fo.kpi.on_time"), head["on_time_rate"], percent=True, help_text=definition("formal_on_time"))
    with row1[3]:
        frame.kpi(t("fo.kpi.within_max"), head["within_max_rate"], percent=True,
                  help_text=definition("formal_within_max"))
    row2 = st.columns(4)
    with row2[0]:
        frame.kpi(t("fo.kpi.overdue"), head["overdue"], help_text=definition("formal_overdue"))
    with row2[1]:
        frame.kpi(t("fo.kpi.overdue_max"), head["overdue_max"], help_text=definition("formal_overdue_max"))
    with row2[2]:
        frame.kpi(t("fo.kpi.solved"), None if pd.isna(share_a) else float(share_a), percent=True,
                  help_text=definition("formal_solved"))
    with row2[3]:
        frame.kpi(t("fo.kpi.satisfaction"), head["satisfaction_rate"], percent=True,
                  help_text=definition("formal_satisfaction"))
    notes = [t("fo.kpi.note", replied=fmt_num(head["replied"]), on_time=fmt_num(head["on_time"]),
               due=fmt_num(head["due_3m"]), within=fmt_num(head["within_max"]), due6=fmt_num(head["due_6m"]),
               feedback=fmt_num(head["with_feedback"]), as_of=as_of)]
    if head["not_yet_due"]:
        notes.append(t("fo.kpi.not_yet_due", n=fmt_num(head["not_yet_due"])))
    if head["no_date"]:
        notes.append(t("fo.kpi.no_date", n=fmt_num(head["no_date"])))
    st.caption(" ".join(notes))


def _count_bars(df: pd.DataFrame, dim: str, labels: list[str], colors: list[str], texts: list[str],
                room: float, key: str, title: str, sessions: tuple[str, ...], caption: str) -> None:
    """A short horizontal bar chart of counts whose bars select their ``dim`` code, each bar
    labelled with its text; its caption, and its rows offered for export."""
    shown = df.assign(label=labels)
    fig = charts.bar(shown, "label", "suggestions", horizontal=True, y_title=t("fo.word.suggestions"), height=300)
    fig.update_traces(marker_color=colors, text=texts, textposition="outside", cliponaxis=False,
                      customdata=df[dim], hovertemplate="%{y}: %{x:,}<extra></extra>")
    fig.update_xaxes(range=[0, max(1, int(df["suggestions"].max())) * room])
    sel.chart(fig, dim)
    st.caption(caption)
    export.offer(key, title, f, shown, labels={"label": title, **SHARE_LABELS},
                 columns=["label", "suggestions", "share"], extra=[_sessions_line(sessions)])


def _sessions_line(sessions: tuple[str, ...]) -> str:
    return t("fo.export.sessions", sessions="、".join(sessions))


# --- results, replies, feedback --------------------------------------------------------
def _breakdowns(sessions: tuple[str, ...], head: dict) -> None:
    st.caption(t("fo.hint"))
    left, middle, right = st.columns([4, 3, 3])
    with left:
        st.subheader(t("fo.results.title"))
        if head["with_result"] == 0:
            st.info(t("fo.results.empty"))
        else:
            res = data.get(fo.results_breakdown, f, sessions)
            _count_bars(res, "result", [_result(c) for c in res["result"]], [RESULT_COLORS[c] for c in res["result"]],
                        [t("fo.n_share", n=fmt_num(int(n)), pct=fmt_pct(s))
                         for n, s in zip(res["suggestions"], res["share"])], 1.8, "fo_results",
                        t("fo.results.title"), sessions, t("fo.results.caption", n=fmt_num(head["with_result"])))
    with middle:
        st.subheader(t("fo.reply.title"))
        rep = data.get(fo.reply_status_breakdown, f, sessions)
        _count_bars(rep, "reply_status", [_status(c) for c in rep["reply_status"]],
                    [STATUS_COLORS[c] for c in rep["reply_status"]], [fmt_num(int(n)) for n in rep["suggestions"]],
                    1.25, "fo_reply", t("fo.reply.title"), sessions, t("fo.reply.caption", as_of=as_of))
    with right:
        st.subheader(t("fo.feedback.title"))
        if head["with_feedback"] == 0:
            st.info(t("fo.feedback.empty"))
        else:
            fb = data.get(fo.feedback_breakdown, f, sessions)
            _count_bars(fb, "feedback", [enum("rating", c) for c in fb["feedback"]],
                        [FEEDBACK_COLORS[c] for c in fb["feedback"]],
                        [t("fo.n_share", n=fmt_num(int(n)), pct=fmt_pct(s))
                         for n, s in zip(fb["suggestions"], fb["share"])], 1.6, "fo_feedback",
                        t("fo.feedback.title"), sessions,
                        t("fo.feedback.caption", n=fmt_num(head["with_feedback"]),
                          without=fmt_num(head["suggestions"] - head["with_feedback"])))


# --- lead departments ranked -----------------------------------------------------------
def _departments(sessions: tuple[str, ...]) -> None:
    st.subheader(t("fo.dept.title"))
    order_labels = {o: t(f"fo.dept.by.{o}") for o in fo.RANK_ORDERS}
    order = st.segmented_control(t("fo.dept.order"), list(order_labels), default="count", key="fo_dept_order",
                                 format_func=order_labels.get) or "count"
    ranked = data.get(fo.department_ranking, f, sessions, order)
    if order == "count":
        measure, text = "suggestions", [fmt_num(int(n)) for n in ranked["suggestions"]]
    elif order == "on_time":
        measure = "on_time_rate"
        text = [t("fo.dept.rate_text", pct=fmt_pct(r), a=int(a), b=int(b))
                for r, a, b in zip(ranked["on_time_rate"], ranked["on_time"], ranked["due_3m"])]
    else:
        measure = "satisfaction_rate"
        text = [t("fo.dept.sat_text", pct=fmt_pct(r), n=int(n))
                for r, n in zip(ranked["satisfaction_rate"], ranked["with_feedback"])]
    fig = charts.bar(ranked, "department", measure, horizontal=True, y_title=order_labels[order],
                     height=max(320, 28 * len(ranked) + 100))
    fig.update_traces(marker_color=PALETTE[1] if order == "count" else PALETTE[3], text=text,
                      customdata=ranked["department"], textposition="outside", cliponaxis=False,
                      hovertemplate="%{y}: %{text}<extra></extra>")
    if order == "count":
        fig.update_xaxes(range=[0, max(1, int(ranked["suggestions"].max())) * 1.2])
    else:
        fig.update_xaxes(tickformat=".0%", range=[0, 1.35])
    sel.chart(fig, "department")
    columns = ["rank", "department", "suggestions", "key_supervised", "on_time", "due_3m", "on_time_rate", "overdue",
               "with_feedback", "satisfaction_rate"]
    labels = {"rank": t("fo.col.rank"), "department": t("fo.col.department"), "suggestions": t("fo.col.suggestions"),
              "key_supervised": t("fo.col.key"), "on_time": t("fo.col.on_time"), "due_3m": t("fo.col.due_3m"),
              "on_time_rate": t("fo.kpi.on_time"), "overdue": t("fo.kpi.overdue"),
              "with_feedback": t("fo.col.with_feedback"), "satisfaction_rate": t("fo.kpi.satisfaction")}
    export.offer("fo_departments", t("fo.dept.title"), f, ranked, labels=labels, columns=columns,
                 extra=[_sessions_line(sessions), t("fo.export.order", order=order_labels[order])])
    with st.expander(t("fo.dept.table")):
        st.dataframe(
            ranked, hide_index=True, width="stretch", column_order=columns,
            column_config={
                "rank": st.column_config.NumberColumn(labels["rank"]),
                "department": st.column_config.TextColumn(labels["department"]),
                "suggestions": st.column_config.NumberColumn(labels["suggestions"], help=definition("formal_count")),
                "key_supervised": st.column_config.NumberColumn(labels["key_supervised"],
                                                                help=definition("formal_key")),
                "on_time": st.column_config.NumberColumn(labels["on_time"]),
                "due_3m": st.column_config.NumberColumn(labels["due_3m"]),
                "on_time_rate": st.column_config.NumberColumn(labels["on_time_rate"], format="percent",
                                                              help=definition("formal_on_time")),
                "overdue": st.column_config.NumberColumn(labels["overdue"], help=definition("formal_overdue")),
                "with_feedback": st.column_config.NumberColumn(labels["with_feedback"]),
                "satisfaction_rate": st.column_config.NumberColumn(labels["satisfaction_rate"], format="percent",
                                                                   help=definition("formal_satisfaction")),
            })


# --- key-supervised and overdue lists ----------------------------------------------------
LIST_LABELS = ("suggestion_id", "session", "title", "department", "deputy", "assigned_on", "due_3m",
               "days_overdue", "replied_on", "status_label", "outcome_label")
LIST_LABEL_KEYS = {"suggestion_id": "fo.col.id", "due_3m": "fo.col.due", "status_label": "fo.col.status",
                   "outcome_label": "fo.col.outcome"}


def _listing(df: pd.DataFrame, sessions: tuple[str, ...], overdue: bool, key: str, title: str) -> None:
    """A list of suggestions, and its export; titles arrive masked and are shown as plain text."""
    shown = df.assign(
        status_label=[_status(c) for c in df["reply_status"]],
        outcome_label=[" · ".join(x for x in (r if isinstance(r, str) else "",
                                              enum("rating", b) if isinstance(b, str) else "") if x)
                       for r, b in zip(df["result"], df["feedback"])])
    outcome_help = t("fo.col.outcome.help", results=" · ".join(_result(c) for c in fo.RESULTS))
    cols = ["suggestion_id"] + (["session"] if len(sessions) > 1 else []) + ["title", "department", "deputy",
                                                                            "assigned_on"]
    cols += ["due_3m", "days_overdue"] if overdue else ["replied_on", "status_label", "outcome_label"]
    labels = {c: t(LIST_LABEL_KEYS.get(c, f"fo.col.{c}")) for c in LIST_LABELS}
    st.dataframe(
        frame.table_rows(shown), hide_index=True, width="stretch", column_order=cols,
        column_config={
            "suggestion_id": st.column_config.TextColumn(labels["suggestion_id"]),
            "session": st.column_config.TextColumn(labels["session"]),
            "title": st.column_config.TextColumn(labels["title"]),
            "department": st.column_config.TextColumn(labels["department"]),
            "deputy": st.column_config.TextColumn(labels["deputy"]),
            "assigned_on": st.column_config.DateColumn(labels["assigned_on"]),
            "due_3m": st.column_config.DateColumn(labels["due_3m"]),
            "days_overdue": st.column_config.NumberColumn(labels["days_overdue"]),
            "replied_on": st.column_config.DateColumn(labels["replied_on"]),
            "status_label": st.column_config.TextColumn(labels["status_label"]),
            "outcome_label": st.column_config.TextColumn(labels["outcome_label"], help=outcome_help),
        },
        height=min(35 * (len(df) + 1) + 3, 520))
    picks = "；".join(f"{t(f'fo.dim.{d}')}：{_picked(d, c)}" for d, c in sel.active)
    export.offer(key, title, f, shown, labels=labels, columns=cols,
                 extra=[_sessions_line(sessions)] + ([t("fo.export.selection", items=picks)] if picks else []))


def _selection(sessions: tuple[str, ...]) -> None:
    """The chips of the chart selections, the way to the records, and the suggestions
    selected."""
    sel.bar(f, {d: t(f"fo.dim.{d}") for d in DIMENSIONS}, _picked)
    try:
        st.page_link(drill.EXPLORE_PAGE, label=t("drill.show_records"), icon=":material/table_rows:",
                     query_params=_records_params())
    except StreamlitPageNotFoundError:  # the page run on its own (a test): no router, no explorer to link to
        pass
    if not sel.active:
        return
    st.subheader(t("fo.selected.title"))
    rows = data.get(fo.suggestion_list, f, sessions, *_narrowing())
    if rows.empty:
        st.info(t("fo.selected.empty"))
    else:
        st.caption(t("fo.selected.caption", n=len(rows)))
        _listing(rows, sessions, overdue=False, key="fo_selected", title=t("fo.selected.title"))


def _key_supervised(sessions: tuple[str, ...]) -> None:
    st.subheader(t("fo.key.title"))
    rows = data.get(fo.key_supervised_list, f, sessions, *_narrowing())
    if rows.empty:
        st.info(t("fo.key.empty_selected") if sel.active else t("fo.key.empty"))
    else:
        st.caption(t("fo.key.caption", n=len(rows), replied=int(rows["replied_on"].notna().sum())))
        _listing(rows, sessions, overdue=False, key="fo_key", title=t("fo.key.title"))


def _overdue(sessions: tuple[str, ...], head: dict) -> None:
    st.subheader(t("fo.overdue.title"))
    late = data.get(fo.overdue_list, f, sessions, *_narrowing())
    if late.empty:
        if sel.active:
            st.info(t("fo.overdue.none_selected"))
        else:
            st.success(t("fo.overdue.none", as_of=as_of), icon=":material/check_circle:")
    else:
        if sel.active:
            st.warning(t("fo.overdue.summary_selected", n=len(late), as_of=as_of), icon=":material/schedule:")
        else:
            st.warning(t("fo.overdue.summary", n=len(late), max=head["overdue_max"], as_of=as_of),
                       icon=":material/schedule:")
        _listing(late, sessions, overdue=True, key="fo_overdue", title=t("fo.overdue.title"))


# --- sessions side by side -------------------------------------------------------------
def _by_session() -> None:
    per_session = data.get(fo.by_session, f)
    if len(per_session) < 2 or len(per_session) > frame.OPTIONS_MAX:
        return  # (thousands of sessions of a province: not a chart; each district's page has its own)
    st.subheader(t("fo.sessions.title"))
    left, right = st.columns(2)
    with left:
        fig = charts.bar(per_session, "session", "suggestions", title=t("fo.sessions.count"),
                         y_title=t("fo.word.suggestions"), text=True, category_order=per_session["session"].tolist())
        fig.update_traces(marker_color=PALETTE[1], hovertemplate="%{x}: %{y:,}<extra></extra>")
        _show(fig)
    with right:
        rates = {"on_time_rate": t("fo.kpi.on_time"), "within_max_rate": t("fo.kpi.within_max"),
                 "satisfaction_rate": t("fo.kpi.satisfaction")}
        long = per_session.melt(id_vars=["session"], value_vars=list(rates), var_name="rate", value_name="value")
        long["rate"] = long["rate"].map(rates)
        fig = charts.line(long, "session", "value", color="rate", title=t("fo.sessions.rates"), percent=True)
        fig.update_traces(hovertemplate="%{x} · %{fullData.name}: %{y:.1%}<extra></extra>")
        _show(fig)
    export.offer("fo_sessions", t("fo.sessions.title"), f, per_session,
                 columns=["session", "first_assigned", "suggestions", "key_supervised", "on_time_rate",
                          "within_max_rate", "overdue", "satisfaction_rate"],
                 labels={"session": t("fo.col.session"), "first_assigned": t("fo.col.first_assigned"),
                         "suggestions": t("fo.col.suggestions"), "key_supervised": t("fo.col.key"),
                         "on_time_rate": t("fo.kpi.on_time"), "within_max_rate": t("fo.kpi.within_max"),
                         "overdue": t("fo.kpi.overdue"), "satisfaction_rate": t("fo.kpi.satisfaction")})


chosen = ()
with frame.guard("formal.sessions"):
    chosen = _choose_sessions()
if chosen:
    headline = data.get(fo.formal_headline, f, chosen)
    with frame.guard("formal.kpi"):
        _kpis(chosen, headline)
    with frame.guard("formal.breakdowns"):
        _breakdowns(chosen, headline)
    with frame.guard("formal.departments"):
        _departments(chosen)
    with frame.guard("formal.selection"):
        _selection(chosen)
    with frame.guard("formal.key"):
        _key_supervised(chosen)
    with frame.guard("formal.overdue"):
        _overdue(chosen, headline)
with frame.guard("formal.by_session"):
    _by_session()
