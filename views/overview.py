"""领导总览 — the selected district and year at a glance: KPI cards (value, change against
the previous year or its same period, target, five-year sparkline, definition as tooltip),
a five-year trend per KPI beside the towns' values of it, and the 需关注 list linking to the
page that explains each entry (and to the town's profile).

Drilling: a town picked in the by-town chart narrows the cards, the 需关注 list and the
trend to the picked towns (as the sidebar's town filter would); the chart is drawn first,
the sections above it into containers."""

from __future__ import annotations

import contextlib
import math

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ui import charts, data, drill, export, frame, vega
from ui.i18n import lang, t
from ui.metrics import definition, name
from warehouse.filters import Filters
from reports import summary
from warehouse.queries import overview

f = frame.current_filters()
sel = drill.Selection("ov")
SUMMARY_OPEN = "ov_summary_open"  # session key: the 工作总结 box is open
ATTENTION_ALL = "ov_att_all"  # session key: the whole 需关注 list is shown
# Three cards a row: labels such as 镇人代会/街道代表议事会 stay whole on a 1280-px projector.
PER_ROW = 3
SECTIONS = (
    ("ov.section.results", ("compliance", "coverage", "micro_solved")),
    ("ov.section.statutory", ("congress", "review", "deputy_voter")),
    ("ov.section.participation", ("participants", "publicity", "publicity_participants")),
    ("ov.section.enterprise", ("visits", "enterprises", "person_times", "opinions_enterprise", "opinions_deputy")),
)
# Status colour in words and colour (no emoji: not every projector PC has an emoji font).
ICONS = {"red": ":material/error:", "amber": ":material/schedule:", "green": ":material/check_circle:"}
BADGES = {"red": "red", "amber": "orange", "green": "green"}


def _missing(x: float) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _scope(fx: Filters | None = None) -> str:
    fx = fx or f
    scope = fx.district or t("ov.scope.all")
    return t("ov.scope.towns", scope=scope, towns="、".join(fx.towns)) if fx.towns else scope


def _shown(kpi: str, x: float) -> str:
    return charts.fmt_pct(x) if kpi in overview.RATE_KPIS else charts.fmt_num(None if _missing(x) else int(x))


def _delta(kpi: str, value: float, previous: float) -> str | int | None:
    if _missing(previous) or _missing(value):
        return None
    d = value - previous
    if abs(d) < 1e-9:
        return 0
    return t("ov.pp", d=d * 100) if kpi in overview.RATE_KPIS else f"{d:+,.0f}"


def _target(kpi: str, target: float) -> str:
    if _missing(target):
        return ""
    if kpi in overview.RATE_KPIS:
        return t("ov.target.all_towns")
    return t("ov.target.plan" if kpi == "coverage" else "ov.target.minimum", n=int(target))


def _card(kpi: str, row, spark: list[float]) -> None:
    delta = _delta(kpi, row.value, row.previous)  # against what: said once, in the caption
    description = " · ".join(x for x in (t("word.no_comparison") if delta is None else "",
                                         _target(kpi, row.target)) if x)
    st.metric(name(kpi), _shown(kpi, row.value), delta=delta, delta_description=description or None,
              help=definition(kpi), border=True, chart_data=spark if len(spark) > 1 else None, chart_type="line")


def _section(title: str, ids: tuple[str, ...], kpis, trend) -> None:
    st.subheader(t(title))
    for i in range(0, len(ids), PER_ROW):
        for col, kpi in zip(st.columns(PER_ROW), ids[i:i + PER_ROW]):
            with col:
                _card(kpi, kpis.loc[kpi], trend.loc[trend["kpi"] == kpi, "value"].fillna(0).tolist())


def _place(row) -> str:
    where = row.town if isinstance(row.town, str) else row.district
    return f"{row.district} {where}" if f.district is None and isinstance(row.town, str) else where


def _message(row) -> str:
    place, v = _place(row), int(row.value)
    tgt = None if _missing(row.target) else int(row.target)
    if row.kind == "statutory":
        if row.severity == "green":
            return t("ov.att.statutory.ok", place=place, n=v)
        key = "ov.att.statutory.missed" if row.severity == "red" else "ov.att.statutory.pending"
        return t(key, place=place, meeting=name(row.metric), value=v, target=tgt, months=row.months_left)
    if row.kind == "rollout":
        if row.severity == "red":
            return t("ov.att.rollout.missed", place=place, year=row.year, value=v, target=tgt)
        if row.severity == "amber":
            expected = f"{row.expected:.1f}".removesuffix(".0")
            return t("ov.att.rollout.behind", place=place, value=v, target=tgt, expected=expected)
        return t("ov.att.rollout.done" if v >= tgt else "ov.att.rollout.ok", place=place, value=v, target=tgt)
    if row.severity == "green":
        return t("ov.att.micro.ok", place=place, year=row.year)
    return t("ov.att.micro.overdue", place=place, value=v, days=row.oldest_days)


def _badge(severity: str, text: str) -> str:
    return f":{BADGES[severity]}-badge[{text}]"


def _entry(row) -> bool:
    """One finding: status, message, and a link to the page and filter that explains it
    (none while that page is not in the navigation yet: then returns False). The message
    is plain text so it wraps on a phone; page-link labels do not."""
    params = dict(row.query_params) | ({"lang": "en"} if lang() == "en" else {})
    with st.container(horizontal=True, wrap=False, vertical_alignment="center", gap="small"):
        st.markdown(f"{ICONS[row.severity]} {_badge(row.severity, t(f'ov.att.status.{row.severity}'))} "
                    f"{_message(row)}", width="stretch")
        if isinstance(row.town, str):  # before 明细, so that 明细 lines up on the right
            with contextlib.suppress(StreamlitPageNotFoundError):  # the page run on its own (tests)
                st.page_link(drill.TOWN_PAGE, label=t("ov.att.town"), icon=":material/location_on:",
                             query_params=drill.town_params(f, row.town, row.district),
                             help=t("drill.open_town", town=row.town))
        try:
            st.page_link(f"views/{row.page}.py", label=t("ov.att.open"), icon=":material/chevron_right:",
                         icon_position="right", query_params=params, help=t(f"ov.att.open.{row.page}"))
            return True
        except StreamlitPageNotFoundError:  # that page is not in the navigation yet
            return False


def _trend_chart(trend, kpi: str) -> tuple[pd.DataFrame, dict]:
    """The KPI over the years, with its target (statutory minimum, plan) as a dashed line:
    the frame and the Vega-Lite spec."""
    one = trend[trend["kpi"] == kpi]
    spec, drawn = vega.trend(one, x="year", y="value", series=name(kpi), target="target", target_name=t("word.target"),
                             y_title=name(kpi), percent=kpi in overview.RATE_KPIS)
    return drawn, spec


def _town_text(kpi: str, value: float) -> str:
    """A town's value of ``kpi`` as shown on its bar."""
    if kpi == "compliance":
        return t("ov.town.met") if value >= 1 else t("ov.town.missed")
    if kpi == "coverage":
        return t("ov.town.covered") if value >= 1 else t("ov.town.not_covered")
    return charts.fmt_num(int(value))


def _attention_rows(att: pd.DataFrame) -> pd.DataFrame:
    """The 需关注 list as the exported rows: status, the message, place and figures."""
    return att.assign(status=[t(f"ov.att.status.{s}") for s in att["severity"].tolist()],
                      message=[_message(r) for r in frame.records(att)],
                      metric_name=[name(m) for m in att["metric"].tolist()])


EXPORT_LABELS = {
    "kpi_name": t("ov.col.kpi"), "value": t("ov.col.value"), "previous": t("ov.col.previous"),
    "target": t("word.target"), "status": t("ov.col.status"), "message": t("ov.col.message"),
    "district": t("word.district"), "town": t("word.town"), "year": t("word.year"), "metric_name": t("ov.col.kpi"),
}

st.title(t("ov.title"))
if f.year is None:
    st.info(t("ov.need_year"))
else:
    _, end, _, _ = overview.comparison_window(f)
    period = (t("ov.period.full", year=f.year) if f.year_over
              else t("ov.period.partial", year=f.year, m=end.month, d=end.day))
    caption_box = st.container()
    chips_box = st.container()
    results_box = st.container()
    attention_box = st.container()
    more_box = st.container()

    # --- the town picker: the selected KPI per town, beside its trend ----------------------
    trend_kpis = [k for _, ids in SECTIONS for k in ids]
    f_sel = f
    with frame.guard("overview.trend"):
        st.subheader(t("ov.trend.title"))
        kpi = st.selectbox(t("ov.trend.pick"), trend_kpis, format_func=name, key="ov_trend_kpi")
        left, right = st.columns(2)
        with right:
            by_town = data.get(overview.kpi_by_town, f)
            if by_town.empty:
                st.info(t("ov.town.empty", scope=_scope()))
            else:
                ranked = by_town.sort_values(kpi, ascending=False, kind="stable")
                place = ([f"{d} {tw}" for d, tw in zip(ranked["district"].tolist(), ranked["town"].tolist())]
                         if f.district is None else ranked["town"].tolist())
                shown = ranked.assign(place=place, text=[_town_text(kpi, v) for v in ranked[kpi].tolist()])
                # All districts of a province are tens of thousands of towns: the chart draws
                # the first frame.RANKED_MAX (the export holds them all).
                spec, drawn = vega.ranked_bars(shown.head(frame.RANKED_MAX), place="place", value=kpi, code="town",
                                               text="text", title=t("ov.town.title", year=f.year, kpi=name(kpi)),
                                               value_title=name(kpi), percent=kpi in overview.RATE_KPIS)
                picked = sel.vega(spec, drawn, "town", name="town")
                if len(shown) > frame.RANKED_MAX:
                    st.caption(t("ov.town.first", n=frame.RANKED_MAX, total=len(shown)))
                st.caption(t("ov.town.caption") + " " + t("drill.hint"))
                export.offer("ov_by_town", t("ov.town.title", year=f.year, kpi=name(kpi)), f, shown,
                             {**EXPORT_LABELS, kpi: name(kpi)}, (["district"] if f.district is None else [])
                             + ["town", kpi])
                if picked:
                    f_sel = f.with_towns(tuple(picked))
        with left:
            trend = data.get(overview.kpi_trend, f_sel)
            if trend.empty:
                st.info(t("ov.trend.empty", scope=_scope(f_sel)))
            else:
                st.vega_lite_chart(*_trend_chart(trend, kpi), width="stretch", theme=None)
                if not f.year_over:
                    st.caption(t("ov.trend.caption", year=f.year, date=end.isoformat()))
                one = trend[trend["kpi"] == kpi].assign(kpi_name=name(kpi))
                export.offer("ov_trend", t("ov.trend.export", kpi=name(kpi)), f_sel, one, EXPORT_LABELS,
                             ["year", "kpi_name", "value", "target"])

    # --- narrowed to the picked towns: caption, cards, 需关注 --------------------------------
    with caption_box:
        st.caption(f"{_scope(f_sel)} · {period} · {t('ov.scope.counted')}")
    with chips_box:
        sel.bar(f, {"town": t("word.town")}, kind="activities")

    has_records = False
    with results_box, frame.guard("overview.kpis"):
        kpis = data.get(overview.headline_kpis, f_sel).set_index("kpi")
        trend = data.get(overview.kpi_trend, f_sel)
        has_records = (kpis.loc[list(overview.RECORD_KPIS), "value"].fillna(0) > 0).any()
        if has_records:
            _section(*SECTIONS[0], kpis, trend)
        else:
            st.info(t("ov.empty", scope=_scope(f_sel), year=f.year))

    # What is off-track comes right after the key results: it is what a leader acts on.
    with attention_box, frame.guard("overview.attention"):
        st.subheader(t("ov.att.title"))
        att = data.get(overview.needs_attention, f_sel)
        if att.empty:
            st.info(t("ov.att.none", scope=_scope(f_sel), year=f.year))
        else:
            counts = att["severity"].value_counts()
            st.markdown(" ".join(_badge(s, t("ov.att.count." + s, n=int(counts.get(s, 0))))
                                 for s in overview.SEVERITIES))
            rows = frame.records(att)  # off-track first: the first ones at a glance
            with st.container(border=True):
                linked = [_entry(row) for row in frame.head_or_all(rows, ATTENTION_ALL)]
            frame.show_all_toggle(rows, ATTENTION_ALL)
            if not all(linked):
                st.caption(t("ov.att.no_page"))
            export.offer("ov_attention", t("ov.att.title"), f_sel, _attention_rows(att), EXPORT_LABELS,
                         ["status", "message", "district", "town", "year", "metric_name", "value", "target"])

    with more_box, frame.guard("overview.summary"):
        if has_records and f.year is not None:
            # 工作总结: the report's text written from the same figures, ready to paste.
            # Written only while open: the text takes the summary's queries on the server
            # and a second of the browser's time to draw, for a box most visits leave shut.
            box = st.expander(t("ov.summary.title"), icon=":material/description:", key=SUMMARY_OPEN,
                              on_change="rerun")
            if box.open:
                with box:
                    st.caption(t("ov.summary.hint"))
                    st.code(data.get(summary.summary_text, f_sel), language=None, wrap_lines=True)

    with more_box, frame.guard("overview.kpis.more"):
        if has_records:
            for title, ids in SECTIONS[1:]:
                _section(title, ids, kpis, trend)
            table = kpis.reset_index().assign(kpi_name=lambda d: [name(k) for k in d["kpi"]])
            export.offer("ov_kpis", t("ov.kpis.export", year=f.year), f_sel, table, EXPORT_LABELS,
                         ["kpi_name", "value", "previous", "target"])
