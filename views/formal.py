"""代表建议 — the deputies' formal suggestions of a congress session: how many, how they
were answered (results A–D, replies within 3 and 6 months, overdue), how the deputies rated
the answers, the key-supervised items and the lead departments ranked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, data, frame
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


def _show(fig) -> None:
    st.plotly_chart(fig, width="stretch")


def _status(code: str) -> str:
    return t(f"fo.status.{code}")


# --- the session selector --------------------------------------------------------------
def _choose_sessions() -> tuple[str, ...]:
    """The session selector; its default is the sessions of the filter year."""
    found = data.get(fo.sessions, f)
    if found.empty:
        st.info(t("fo.empty.district", scope=scope))
        return ()
    labels = {s: t("fo.session.option", session=s, n=fmt_num(int(n)))
              for s, n in zip(found["session"], found["suggestions"])}
    defaults = list(data.get(fo.default_sessions, f))
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


def _count_bars(df: pd.DataFrame, labels: list[str], colors: list[str], texts: list[str], room: float) -> None:
    """A short horizontal bar chart of counts, each bar labelled with its text."""
    fig = charts.bar(df.assign(label=labels), "label", "suggestions", horizontal=True,
                     y_title=t("fo.word.suggestions"), height=300)
    fig.update_traces(marker_color=colors, text=texts, textposition="outside", cliponaxis=False,
                      hovertemplate="%{y}: %{x:,}<extra></extra>")
    fig.update_xaxes(range=[0, max(1, int(df["suggestions"].max())) * room])
    _show(fig)


# --- results, replies, feedback --------------------------------------------------------
def _breakdowns(sessions: tuple[str, ...], head: dict) -> None:
    left, middle, right = st.columns([4, 3, 3])
    with left:
        st.subheader(t("fo.results.title"))
        if head["with_result"] == 0:
            st.info(t("fo.results.empty"))
        else:
            res = data.get(fo.results_breakdown, f, sessions)
            _count_bars(res, [f"{c} {enum('formal_result', c)}" for c in res["result"]],
                        [RESULT_COLORS[c] for c in res["result"]],
                        [t("fo.n_share", n=fmt_num(int(n)), pct=fmt_pct(s))
                         for n, s in zip(res["suggestions"], res["share"])], 1.8)
            st.caption(t("fo.results.caption", n=fmt_num(head["with_result"])))
    with middle:
        st.subheader(t("fo.reply.title"))
        rep = data.get(fo.reply_status_breakdown, f, sessions)
        _count_bars(rep, [_status(c) for c in rep["reply_status"]], [STATUS_COLORS[c] for c in rep["reply_status"]],
                    [fmt_num(int(n)) for n in rep["suggestions"]], 1.25)
        st.caption(t("fo.reply.caption", as_of=as_of))
    with right:
        st.subheader(t("fo.feedback.title"))
        if head["with_feedback"] == 0:
            st.info(t("fo.feedback.empty"))
        else:
            fb = data.get(fo.feedback_breakdown, f, sessions)
            _count_bars(fb, [enum("rating", c) for c in fb["feedback"]], [FEEDBACK_COLORS[c] for c in fb["feedback"]],
                        [t("fo.n_share", n=fmt_num(int(n)), pct=fmt_pct(s))
                         for n, s in zip(fb["suggestions"], fb["share"])], 1.6)
            st.caption(t("fo.feedback.caption", n=fmt_num(head["with_feedback"]),
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
                      textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>")
    if order == "count":
        fig.update_xaxes(range=[0, max(1, int(ranked["suggestions"].max())) * 1.2])
    else:
        fig.update_xaxes(tickformat=".0%", range=[0, 1.35])
    _show(fig)
    with st.expander(t("fo.dept.table")):
        st.dataframe(
            ranked, hide_index=True, width="stretch",
            column_order=["rank", "department", "suggestions", "key_supervised", "on_time", "due_3m", "on_time_rate",
                          "overdue", "with_feedback", "satisfaction_rate"],
            column_config={
                "rank": st.column_config.NumberColumn(t("fo.col.rank")),
                "department": st.column_config.TextColumn(t("fo.col.department")),
                "suggestions": st.column_config.NumberColumn(t("fo.col.suggestions"), help=definition("formal_count")),
                "key_supervised": st.column_config.NumberColumn(t("fo.col.key"), help=definition("formal_key")),
                "on_time": st.column_config.NumberColumn(t("fo.col.on_time")),
                "due_3m": st.column_config.NumberColumn(t("fo.col.due_3m")),
                "on_time_rate": st.column_config.NumberColumn(t("fo.kpi.on_time"), format="percent",
                                                              help=definition("formal_on_time")),
                "overdue": st.column_config.NumberColumn(t("fo.kpi.overdue"), help=definition("formal_overdue")),
                "with_feedback": st.column_config.NumberColumn(t("fo.col.with_feedback")),
                "satisfaction_rate": st.column_config.NumberColumn(t("fo.kpi.satisfaction"), format="percent",
                                                                   help=definition("formal_satisfaction")),
            })


# --- key-supervised and overdue lists ----------------------------------------------------
def _listing(df: pd.DataFrame, sessions: tuple[str, ...], overdue: bool) -> None:
    """A list of suggestions; titles arrive masked and are shown as plain text."""
    shown = df.assign(
        status_label=[_status(c) for c in df["reply_status"]],
        outcome_label=[" · ".join(x for x in (r if isinstance(r, str) else "",
                                              enum("rating", b) if isinstance(b, str) else "") if x)
                       for r, b in zip(df["result"], df["feedback"])])
    outcome_help = t("fo.col.outcome.help", results=" · ".join(f"{c} {enum('formal_result', c)}" for c in fo.RESULTS))
    cols = ["suggestion_id"] + (["session"] if len(sessions) > 1 else []) + ["title", "department", "deputy",
                                                                            "assigned_on"]
    cols += ["due_3m", "days_overdue"] if overdue else ["replied_on", "status_label", "outcome_label"]
    st.dataframe(
        shown, hide_index=True, width="stretch", column_order=cols,
        column_config={
            "suggestion_id": st.column_config.TextColumn(t("fo.col.id")),
            "session": st.column_config.TextColumn(t("fo.col.session")),
            "title": st.column_config.TextColumn(t("fo.col.title")),
            "department": st.column_config.TextColumn(t("fo.col.department")),
            "deputy": st.column_config.TextColumn(t("fo.col.deputy")),
            "assigned_on": st.column_config.DateColumn(t("fo.col.assigned_on")),
            "due_3m": st.column_config.DateColumn(t("fo.col.due")),
            "days_overdue": st.column_config.NumberColumn(t("fo.col.days_overdue")),
            "replied_on": st.column_config.DateColumn(t("fo.col.replied_on")),
            "status_label": st.column_config.TextColumn(t("fo.col.status")),
            "outcome_label": st.column_config.TextColumn(t("fo.col.outcome"), help=outcome_help),
        },
        height=min(35 * (len(df) + 1) + 3, 520))


def _key_supervised(sessions: tuple[str, ...]) -> None:
    st.subheader(t("fo.key.title"))
    key = data.get(fo.key_supervised_list, f, sessions)
    if key.empty:
        st.info(t("fo.key.empty"))
    else:
        st.caption(t("fo.key.caption", n=len(key), replied=int(key["replied_on"].notna().sum())))
        _listing(key, sessions, overdue=False)


def _overdue(sessions: tuple[str, ...], head: dict) -> None:
    st.subheader(t("fo.overdue.title"))
    late = data.get(fo.overdue_list, f, sessions)
    if late.empty:
        st.success(t("fo.overdue.none", as_of=as_of), icon=":material/check_circle:")
    else:
        st.warning(t("fo.overdue.summary", n=len(late), max=head["overdue_max"], as_of=as_of),
                   icon=":material/schedule:")
        _listing(late, sessions, overdue=True)


# --- sessions side by side -------------------------------------------------------------
def _by_session() -> None:
    per_session = data.get(fo.by_session, f)
    if len(per_session) < 2:
        return
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
    with frame.guard("formal.key"):
        _key_supervised(chosen)
    with frame.guard("formal.overdue"):
        _overdue(chosen, headline)
with frame.guard("formal.by_session"):
    _by_session()
