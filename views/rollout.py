"""全覆盖进度 — practice-site coverage against the district's rollout plan: the headline
figures and a verdict, the burn-up with its phase bands, the town tiles (for a projector),
the projection and the town table. One district at a time (a tab per district for 全部).

A click on a town's tile narrows the town table to the towns picked and, for one town,
offers its profile and its practice sites. The plan is the district's: the figures, the
burn-up and the tiles stay the whole district's. Every chart and table offers its rows
for export. The figures are built in :mod:`ui.coverage_charts`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from ui import charts, data, drill, export, frame
from ui import coverage_charts as cc
from ui.i18n import enum, t
from ui.metrics import definition, name
from warehouse.filters import Filters
from warehouse.queries import rollout as ro

f = frame.current_filters()
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


# --- town table -----------------------------------------------------------------------

def _picks_line(fd: Filters) -> list[str]:
    picked = sels[fd.district].get("town")
    return [t("ro.export.selection", towns="、".join(picked))] if picked else []


def _town_table(towns: pd.DataFrame, fd: Filters) -> None:
    shown = cc.town_rows(towns)
    cols = cc.town_columns(fd.district is None)
    labels = cc.town_labels()
    check = {c: st.column_config.TextColumn(labels[c], width=64) for c in ro.CHECKLIST}
    day = {f"{c}_text": st.column_config.TextColumn(labels[c], width=96) for c in cc.DATES}
    st.dataframe(
        charts.status_styler(shown, "tone", "status_label"), column_order=cols, hide_index=True, width="stretch",
        column_config={
            "district": st.column_config.TextColumn(labels["district"]),
            "town": st.column_config.TextColumn(labels["town"], width=100),
            "status_label": st.column_config.TextColumn(labels["status_label"], help=definition("coverage_status"),
                                                        width=96),
            "stage_label": st.column_config.TextColumn(labels["stage_label"], help=definition("best_site"), width=84),
            "site_name": st.column_config.TextColumn(labels["site_name"], help=definition("best_site"), width=270),
            "theme": st.column_config.TextColumn(labels["theme"], width=130),
            "score": st.column_config.NumberColumn(labels["score"], format="%.1f", width=64),
            "sites": st.column_config.NumberColumn(labels["sites"], help=t("ro.col.sites.help"), width=72),
            **day, **check,
        },
        height="content",
    )
    # The export: the status without its dot, the dates as dates.
    export_cols = [{"status_label": "status_text"}.get(c, c.removesuffix("_text")) for c in cols]
    export.offer(f"ro_towns_{fd.district}", t("ro.table.export", district=fd.district), fd, shown, labels=labels,
                 columns=export_cols, extra=_picks_line(fd))


# --- one district ---------------------------------------------------------------------

def _district(fd: Filters) -> None:
    summary = data.get(ro.rollout_summary, fd)
    if summary.empty:
        st.info(t("ro.empty.towns", district=fd.district))
        return
    s = summary.iloc[0]
    sel = sels.setdefault(fd.district, drill.Selection(f"ro_{fd.district}"))
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
            st.plotly_chart(cc.burnup(series, bands, s.as_of), width="stretch", config={"displayModeBar": False},
                            key=f"ro_burnup_{fd.district}")
            export.offer(f"ro_burnup_{fd.district}", t("ro.burnup.export", district=fd.district), fd,
                         cc.burnup_rows(series), labels=cc.burnup_labels(), columns=cc.BURNUP_COLUMNS)
    towns = data.get(ro.rollout_by_town, fd)
    with right, frame.guard("rollout.tiles"):
        st.markdown(f"**{t('ro.tiles.title', date=s.evaluated_on.isoformat())}**")
        if towns.empty:
            st.info(t("ro.empty.towns", district=fd.district))
        else:
            sel.chart(cc.tiles(towns), "town")
            st.caption(t("ro.tiles.hint"))
            export.offer(f"ro_tiles_{fd.district}", t("ro.tiles.export", district=fd.district), fd,
                         cc.town_rows(towns), labels=cc.town_labels(),
                         columns=["town", "status_text", "stage_label", "site_name", "theme"])
    with frame.guard("rollout.projection"):
        st.caption(t("ro.burnup.caption", date=s.as_of.isoformat()))
    with frame.guard("rollout.table"):
        st.subheader(t("ro.table.title", date=s.evaluated_on.isoformat()))
        picked = sel.get("town")
        if picked:
            towns = data.get(ro.rollout_by_town, fd.with_towns(picked))
        sel.bar(fd, {"town": t("word.town")}, kind="practice_sites")
        if fd.towns and not picked:
            st.caption(t("ro.table.town_filter", n=len(towns)))
        if towns.empty:
            st.info(t("ro.empty.towns", district=fd.district))
        else:
            counts = towns["status"].value_counts()
            st.markdown("  ".join(f":{b}-badge[{t('ro.status.' + k)} {int(counts.get(k, 0))}]"
                                  for k, b in (("green", "green"), ("amber", "orange"), ("red", "red"))))
            _town_table(towns, fd)


sels: dict[str | None, drill.Selection] = {}
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
        # Only the open district is written: all of a province's districts at once (2,800
        # tabs, each a district's section) did not finish in two minutes. Beyond a tab
        # row's worth of districts, one is picked from a list.
        if len(districts) > frame.TABS_MAX:
            d = st.selectbox(t("ro.pick_district", n=len(districts)), districts, key="ro_district")
            _district(replace(f, district=d))
        elif districts:
            for tab, d in zip(st.tabs(districts, key="ro_district_tab", on_change="rerun"), districts):
                if tab.open:
                    with tab:
                        _district(replace(f, district=d))

with st.expander(t("ro.rules.title"), icon=":material/menu_book:"):
    for mid in RULES:
        st.markdown(f"**{name(mid)}** — {definition(mid)}")
