"""全覆盖进度 — practice-site coverage against the district's rollout plan: the headline
figures and a verdict, the burn-up with its phase bands, the town tiles (for a projector),
the projection and the town table. One district at a time (a tab per district for 全部)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import charts, data, frame
from ui.charts import STATUS_COLORS
from ui.i18n import enum, t
from ui.metrics import definition, name
from warehouse.filters import Filters
from warehouse.queries import rollout as ro

f = frame.current_filters()
# Three-colour status -> the app's status palette (met / pending / missed).
TONE = {"green": "met", "amber": "pending", "red": "missed"}
PHASE_FILLS = {"PILOT": "#DCE8F5", "DEEPEN": "#E8E0F0", "FULL": "#F8E1E1"}
COVERED, BUILT, TARGET, PROJECTED = STATUS_COLORS["met"], STATUS_COLORS["pending"], charts.RED, "#2E7D32"
TILE_COLUMNS = 4
KPI_WIDTH = 225  # px: six fit in a row at 1920 px with the sidebar open
RULES = ("coverage", "coverage_built", "coverage_target", "coverage_status", "best_site", "coverage_pace",
         "coverage_projection", "coverage_needed")


def _month(d: dt.date | None) -> str:
    return t("ro.month", year=d.year, month=d.month) if d else "—"


# --- headline -------------------------------------------------------------------------

def _projection_text(s) -> str:
    if s.full_on is not None:
        return t("ro.proj.reached", month=_month(s.full_on))
    if s.projected_full is None:
        return t("ro.proj.never")
    return _month(s.projected_full)


def _per_month_text(s) -> tuple[str, str]:
    """(value, description) of the towns to accept per remaining month."""
    if s.plan_needed is None:
        return "—", t("ro.need.no_plan")
    if s.plan_year is None:
        return "0", t("ro.need.all_met")
    if s.per_month is None:
        return str(s.plan_needed), t("ro.need.overdue", year=s.plan_year, target=s.plan_target)
    return (f"{s.per_month:.1f}".removesuffix(".0"),
            t("ro.need.desc", year=s.plan_year, needed=s.plan_needed, months=s.plan_months_left))


def _kpis(s) -> None:
    """Six cards in one row on a projector (1920 px); they wrap on a laptop screen."""
    value, desc = _per_month_text(s)
    cards = (
        (t("ro.kpi.covered"), f"{s.covered} / {s.towns}", t("ro.kpi.covered.on", date=s.evaluated_on.isoformat()),
         "coverage"),
        (t("ro.kpi.target", year=s.target_year or (f.year or s.evaluated_on.year)),
         "—" if s.target is None else str(s.target),
         t("ro.kpi.no_plan") if s.target is None else enum("rollout_phase", s.phase), "coverage_target"),
        (t("ro.kpi.built"), str(s.built), t("ro.kpi.pilot", n=s.pilot), "coverage_built"),
        (t("ro.kpi.pace"), str(s.pace_12m), t("ro.kpi.pace.desc", date=s.as_of.isoformat()), "coverage_pace"),
        (t("ro.kpi.projection"), _projection_text(s), t("ro.kpi.projection.desc"), "coverage_projection"),
        (t("ro.kpi.needed"), value, desc, "coverage_needed"),
    )
    with st.container(horizontal=True, wrap=True, gap="small"):
        for label, shown, note, metric_id in cards:
            st.metric(label, shown, delta=note, delta_color="off", delta_arrow="off", border=True,
                      help=definition(metric_id), width=KPI_WIDTH)


def _verdict(s) -> None:
    """One sentence a leader can act on: on track, still possible, or off plan."""
    common = dict(district=s.district, covered=s.covered, towns=s.towns)
    if s.target is None:
        st.info(t("ro.verdict.no_plan", **common), icon=":material/info:")
    elif s.needed == 0:
        st.success(t("ro.verdict.met", year=s.target_year, target=s.target, **common), icon=":material/check_circle:")
    elif s.can_meet:
        st.warning(t("ro.verdict.possible", year=s.target_year, target=s.target, needed=s.needed,
                     months=s.months_left, progress=s.built + s.pilot, **common), icon=":material/schedule:")
    elif s.target_year > s.evaluated_on.year:  # the plan year has not begun: a call to start, not a failure
        st.warning(t("ro.verdict.start", year=s.target_year, target=s.target, needed=s.needed,
                     months=s.months_left, progress=s.built + s.pilot, **common), icon=":material/schedule:")
    elif s.months_left == 0:
        st.error(t("ro.verdict.missed", year=s.target_year, target=s.target, needed=s.needed, **common),
                 icon=":material/error:")
    else:
        st.error(t("ro.verdict.behind", year=s.target_year, target=s.target, needed=s.needed,
                   months=s.months_left, progress=s.built + s.pilot, **common), icon=":material/error:")


# --- burn-up --------------------------------------------------------------------------

def _two_lines(label: str) -> str:
    """A long phase name (English) on two lines, so that neighbouring bands never overlap."""
    words = label.split(" ")
    if len(label) <= 14 or len(words) < 2:
        return f"<b>{label}</b>"
    cut = max(range(1, len(words)), key=lambda i: -abs(len(" ".join(words[:i])) - len(label) / 2))
    return f"<b>{' '.join(words[:cut])}</b><br><b>{' '.join(words[cut:])}</b>"


def _burnup(series: pd.DataFrame, bands: pd.DataFrame, s, height: int = 470) -> go.Figure:
    actual = series[series["actual"]]
    x = [pd.Timestamp(m) for m in series["month"]]
    xa = [pd.Timestamp(m) for m in actual["month"]]
    fig = go.Figure()
    for b in bands.itertuples():
        years = str(b.first_year) if b.first_year == b.last_year else f"{b.first_year}–{b.last_year}"
        fig.add_vrect(x0=pd.Timestamp(b.start), x1=pd.Timestamp(b.end) + pd.Timedelta(days=1),
                      fillcolor=PHASE_FILLS.get(b.phase, "#EEEEEE"), opacity=0.7, layer="below", line_width=0,
                      annotation_text=f"{_two_lines(enum('rollout_phase', b.phase))} {years}",
                      annotation_position="top left", annotation_font=dict(size=15, color="#333"))
    fig.add_scatter(x=xa, y=actual["covered"].astype(float), name=t("ro.chart.covered"), mode="lines",
                    line=dict(color=COVERED, width=3, shape="hv"), stackgroup="actual",
                    fillcolor="rgba(46,125,50,0.55)",
                    hovertemplate="%{x|%Y-%m}: %{y}<extra>" + t("ro.chart.covered") + "</extra>")
    fig.add_scatter(x=xa, y=actual["built"].astype(float), name=t("ro.chart.built"), mode="lines",
                    line=dict(color=BUILT, width=1, shape="hv"), stackgroup="actual",
                    fillcolor="rgba(224,161,0,0.45)",
                    hovertemplate="%{x|%Y-%m}: +%{customdata}<extra>" + t("ro.chart.built") + "</extra>",
                    customdata=actual["built"].astype(int))
    fig.add_scatter(x=x, y=series["target"].astype(float), name=t("ro.chart.target"), mode="lines",
                    line=dict(color=TARGET, width=3, dash="dash", shape="hv"), connectgaps=False,
                    hovertemplate="%{x|%Y}: %{y}<extra>" + t("ro.chart.target") + "</extra>")
    proj = series[series["projected"].notna()]
    if len(proj) > 1:
        fig.add_scatter(x=[pd.Timestamp(m) for m in proj["month"]], y=proj["projected"], mode="lines",
                        name=t("ro.chart.projected"), line=dict(color=PROJECTED, width=2, dash="dot"),
                        hovertemplate="%{x|%Y-%m}: %{y:.1f}<extra>" + t("ro.chart.projected") + "</extra>")
    towns = int(series["towns"].iloc[0])
    fig.add_hline(y=towns, line_dash="dot", line_color="#777", line_width=1,
                  annotation_text=t("ro.chart.all_towns", n=towns), annotation_position="bottom left",
                  annotation_font=dict(size=14, color="#555"))
    fig.add_vline(x=pd.Timestamp(s.as_of), line_color="#555", line_width=1)
    fig.update_layout(hovermode="x unified", yaxis_title=t("ro.chart.y"),
                      legend=dict(orientation="h", y=-0.12, yanchor="top", x=0, font=dict(size=15),
                                  traceorder="normal"))
    fig.update_yaxes(range=[0, towns * 1.14 + 0.5], dtick=2 if towns > 10 else 1)
    fig.update_xaxes(dtick="M6", tickformat="%Y-%m", tickfont=dict(size=14))
    fig.update_layout(height=height, template="oversight", margin=dict(t=10, b=10, l=10, r=10))
    return fig


# --- tiles ----------------------------------------------------------------------------

def _tiles(towns: pd.DataFrame, height_per_row: int = 100) -> go.Figure:
    """One square per town, coloured by status, with the town's name and stage: readable
    from the back of a room."""
    n = len(towns)
    cols = min(TILE_COLUMNS, max(n, 1))
    rows = max(1, math.ceil(n / cols))
    fig = go.Figure()
    xs, ys, hover = [], [], []
    for i, r in enumerate(towns.itertuples()):
        c, rr = i % cols, i // cols
        color = STATUS_COLORS[TONE[r.status]]
        fig.add_shape(type="rect", x0=c + 0.04, x1=c + 0.96, y0=rr + 0.07, y1=rr + 0.93, fillcolor=color,
                      line=dict(width=0), layer="below")
        ink = "#222" if r.status == "amber" else "white"
        stage = enum("site_stage", r.stage) if r.stage else t("ro.stage.none")
        fig.add_annotation(x=c + 0.5, y=rr + 0.5, showarrow=False, align="center", font=dict(size=18, color=ink),
                           text=f"<b>{r.town}</b><br><span style='font-size:15px'>{stage}</span>")
        xs.append(c + 0.5)
        ys.append(rr + 0.5)
        site = r.site_name if isinstance(r.site_name, str) else t("ro.stage.none")
        theme = f" · {r.theme}" if isinstance(r.theme, str) else ""
        hover.append(f"{r.town} · {t('ro.status.' + r.status)}<br>{site}{theme}")
    fig.add_scatter(x=xs, y=ys, mode="markers", marker=dict(size=40, opacity=0), hovertext=hover,
                    hoverinfo="text", showlegend=False)
    for status in ro.STATUSES:  # legend entries
        fig.add_scatter(x=[None], y=[None], mode="markers", name=t("ro.status." + status),
                        marker=dict(symbol="square", size=16, color=STATUS_COLORS[TONE[status]]))
    fig.update_xaxes(visible=False, range=[0, cols], fixedrange=True)
    fig.update_yaxes(visible=False, range=[rows, 0], fixedrange=True)
    fig.update_layout(height=rows * height_per_row + 50, template="oversight", showlegend=True,
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, font=dict(size=15)),
                      margin=dict(l=0, r=0, t=40, b=0), plot_bgcolor="white")
    return fig


# --- town table -----------------------------------------------------------------------

def _town_table(towns: pd.DataFrame, fd: Filters) -> None:
    tick = {True: "✓", False: "✗"}
    shown = towns.assign(
        status_label=["● " + t("ro.status." + s) for s in towns["status"]],
        stage_label=[enum("site_stage", s) if s else t("ro.stage.none") for s in towns["stage"]],
        tone=[TONE[s] for s in towns["status"]],
        site_name=towns["site_name"].fillna("—"), theme=towns["theme"].fillna("—"),
        **{c: [tick.get(v, "—") if v is not pd.NA else "—" for v in towns[c]] for c in ro.CHECKLIST},
    )
    cols = (["district"] if fd.district is None else []) + [
        "town", "status_label", "stage_label", "site_name", "theme", "started_on", "built_on", "accepted_on",
        *ro.CHECKLIST, "score", "sites"]
    check = {c: st.column_config.TextColumn(t(f"ro.col.{c}"), width=64) for c in ro.CHECKLIST}
    day = {c: st.column_config.DateColumn(t(f"ro.col.{c}"), format="YYYY-MM-DD", width=96)
           for c in ("started_on", "built_on", "accepted_on")}
    st.dataframe(
        charts.status_styler(shown, "tone", "status_label"), column_order=cols, hide_index=True, width="stretch",
        column_config={
            "district": st.column_config.TextColumn(t("word.district")),
            "town": st.column_config.TextColumn(t("word.town"), width=100),
            "status_label": st.column_config.TextColumn(t("ro.col.status"), help=definition("coverage_status"),
                                                        width=96),
            "stage_label": st.column_config.TextColumn(t("ro.col.stage"), help=definition("best_site"), width=84),
            "site_name": st.column_config.TextColumn(t("ro.col.site"), help=definition("best_site"), width=270),
            "theme": st.column_config.TextColumn(t("ro.col.theme"), width=130),
            "score": st.column_config.NumberColumn(t("ro.col.score"), format="%.1f", width=64),
            "sites": st.column_config.NumberColumn(t("ro.col.sites"), help=t("ro.col.sites.help"), width=72),
            **day, **check,
        },
        height="content",
    )


# --- one district ---------------------------------------------------------------------

def _district(fd: Filters) -> None:
    summary = data.get(ro.rollout_summary, fd)
    if summary.empty:
        st.info(t("ro.empty.towns", district=fd.district))
        return
    s = summary.iloc[0]
    with frame.guard("rollout.kpis"):
        _kpis(s)
        _verdict(s)
    left, right = st.columns([5, 4], gap="medium")
    with left, frame.guard("rollout.burnup"):
        st.markdown(f"**{t('ro.burnup.title')}**")
        series = data.get(ro.coverage_series, fd)
        if series.empty or not series["actual"].any():
            st.info(t("ro.empty.series", district=fd.district))
        else:
            bands = data.get(ro.phase_bands, fd)
            st.plotly_chart(_burnup(series, bands, s), width="stretch", config={"displayModeBar": False},
                            key=f"ro_burnup_{fd.district}")
    towns = data.get(ro.rollout_by_town, fd)
    with right, frame.guard("rollout.tiles"):
        st.markdown(f"**{t('ro.tiles.title', date=s.evaluated_on.isoformat())}**")
        if towns.empty:
            st.info(t("ro.empty.towns", district=fd.district))
        else:
            st.plotly_chart(_tiles(towns), width="stretch", config={"displayModeBar": False, "staticPlot": False},
                            key=f"ro_tiles_{fd.district}")
    with frame.guard("rollout.projection"):
        st.caption(t("ro.burnup.caption", date=s.as_of.isoformat()))
    with frame.guard("rollout.table"):
        st.subheader(t("ro.table.title", date=s.evaluated_on.isoformat()))
        if fd.towns:
            st.caption(t("ro.table.town_filter", n=len(towns)))
        if towns.empty:
            st.info(t("ro.empty.towns", district=fd.district))
        else:
            counts = towns["status"].value_counts()
            st.markdown("  ".join(f":{b}-badge[{t('ro.status.' + k)} {int(counts.get(k, 0))}]"
                                  for k, b in (("green", "green"), ("amber", "orange"), ("red", "red"))))
            _town_table(towns, fd)


st.title(t("ro.title"))
if f.as_of is None:
    st.info(t("ro.empty.no_data"))
else:
    scope = f.district or t("ro.scope.all")
    year = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")
    st.caption(t("ro.caption", scope=scope, year=year, date=f.as_of.isoformat()))
    if f.district is not None:
        _district(f)
    else:
        districts: list[str] = []
        with frame.guard("rollout.districts"):
            districts = data.get(ro.rollout_summary, f)["district"].tolist()
        if not districts:
            st.info(t("ro.empty.no_towns"))
        for tab, d in zip(st.tabs(districts) if districts else [], districts):
            with tab:
                _district(replace(f, district=d))

with st.expander(t("ro.rules.title"), icon=":material/menu_book:"):
    for mid in RULES:
        st.markdown(f"**{name(mid)}** — {definition(mid)}")
