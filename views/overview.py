"""领导总览 — the selected district and year at a glance: KPI cards (value, change against
the previous year or its same period, target, five-year sparkline, definition as tooltip),
a five-year trend per KPI and the 需关注 list linking to the page that explains each entry."""

from __future__ import annotations

import math

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ui import charts, data, frame
from ui.i18n import lang, t
from ui.metrics import definition, name
from warehouse.queries import overview

f = frame.current_filters()
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


def _scope() -> str:
    scope = f.district or t("ov.scope.all")
    return t("ov.scope.towns", scope=scope, towns="、".join(f.towns)) if f.towns else scope


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
        try:
            st.page_link(f"views/{row.page}.py", label=t("ov.att.open"), icon=":material/chevron_right:",
                         icon_position="right", query_params=params, help=t(f"ov.att.open.{row.page}"))
            return True
        except StreamlitPageNotFoundError:  # that page is not in the navigation yet
            return False


def _trend_figure(trend, kpi: str):
    """The KPI over the years, with its target (statutory minimum, plan) as a dashed line."""
    one = trend[trend["kpi"] == kpi]
    rate = kpi in overview.RATE_KPIS
    hover = "%{x}: %{y:.0%}<extra></extra>" if rate else "%{x}: %{y:,}<extra></extra>"
    fig = charts.line(one, "year", "value", y_title=name(kpi), percent=rate, height=320)
    fig.update_traces(hovertemplate=hover, name=name(kpi))
    if one["target"].notna().any():
        fig.add_scatter(x=one["year"], y=one["target"], mode="lines", name=t("word.target"), hovertemplate=hover,
                        line=dict(dash="dash", color="#888", width=2), connectgaps=False)
        fig.update_layout(showlegend=True)
    return fig


st.title(t("ov.title"))
if f.year is None:
    st.info(t("ov.need_year"))
else:
    _, end, _, _ = overview.comparison_window(f)
    period = (t("ov.period.full", year=f.year) if f.year_over
              else t("ov.period.partial", year=f.year, m=end.month, d=end.day))
    st.caption(f"{_scope()} · {period} · {t('ov.scope.counted')}")

    has_records = False
    with frame.guard("overview.kpis"):
        kpis = data.get(overview.headline_kpis, f).set_index("kpi")
        trend = data.get(overview.kpi_trend, f)
        has_records = (kpis.loc[list(overview.RECORD_KPIS), "value"].fillna(0) > 0).any()
        if has_records:
            _section(*SECTIONS[0], kpis, trend)
        else:
            st.info(t("ov.empty", scope=_scope(), year=f.year))

    # What is off-track comes right after the key results: it is what a leader acts on.
    with frame.guard("overview.attention"):
        st.subheader(t("ov.att.title"))
        att = data.get(overview.needs_attention, f)
        if att.empty:
            st.info(t("ov.att.none", scope=_scope(), year=f.year))
        else:
            counts = att["severity"].value_counts()
            st.markdown(" ".join(_badge(s, t("ov.att.count." + s, n=int(counts.get(s, 0))))
                                 for s in overview.SEVERITIES))
            with st.container(border=True):
                linked = [_entry(row) for row in att.itertuples()]
            if not all(linked):
                st.caption(t("ov.att.no_page"))

    with frame.guard("overview.kpis.more"):
        if has_records:
            for title, ids in SECTIONS[1:]:
                _section(title, ids, kpis, trend)

    with frame.guard("overview.trend"):
        st.subheader(t("ov.trend.title"))
        trend = data.get(overview.kpi_trend, f)
        if trend.empty:
            st.info(t("ov.trend.empty", scope=_scope()))
        else:
            kpi = st.selectbox(t("ov.trend.pick"), [k for _, ids in SECTIONS for k in ids], format_func=name,
                               key="ov_trend_kpi")
            st.plotly_chart(_trend_figure(trend, kpi), width="stretch", config={"displayModeBar": False})
            if not f.year_over:
                st.caption(t("ov.trend.caption", year=f.year, date=end.isoformat()))
