"""镇街画像 — one town at a time, from a number to its reasons: every measure beside the
district's median and the town's rank, the statutory meetings and full-coverage status,
the five-year trend, its stations, practice sites and deputies, and its latest records —
with the way back up (区) and down (记录) in the breadcrumb.

The town comes from the global filters (``?district=…&town=…&year=…``). The selectbox
switches town the way a link would: its callback writes ``town`` into the URL before the
router runs, the sidebar reads the changed URL, so a copied link always reproduces the
view."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from ui import charts, data, drill, export, frame
from ui.charts import PALETTE, fmt_num, fmt_pct
from ui.i18n import enum, lang, t
from ui.metrics import definition
from warehouse.filters import Filters
from warehouse.queries import common
from warehouse.queries import towns as tq
from warehouse.queries.rollout import CHECKLIST, evaluation_date

PICK = "town_pick"
OVERVIEW_PAGE = "views/overview.py"
# The measures by subject, and the subjects' panels two by two (each row pairs panels
# of about the same height).
GROUPS: dict[str, tuple[str, ...]] = {
    "sanhui": ("congress", "review", "deputy_voter"),
    "participation": ("publicity", "activities", "participants"),
    "enterprise": ("visits", "enterprises", "person_times", "opinions", "opinion_resolution_rate"),
    "formal": ("formal",),
    "micro": ("micro_submitted", "micro_solved", "micro_closing_rate"),
    "network": ("deputies", "stations", "sites_accepted", "covered"),
}
LAYOUT: tuple[tuple[str, ...], ...] = (("sanhui", "participation"), ("enterprise", "network"), ("micro", "formal"))
WIDTHS = (2.2, 1, 1, 1.1)  # measure, value, median, rank
GROUP_OF = {m: g for g, ms in GROUPS.items() for m in ms}
TREND_DEFAULT = ("congress", "participants", "visits", "micro_solved", "formal", "stations")
SHOWN = 10  # latest records shown per list (the export holds them all)
ST_BADGE = {"met": "green", "pending": "orange", "missed": "red"}
RO_BADGE = {"green": "green", "amber": "orange", "red": "red"}
# Value vs the district median -> the app's status fills (ui.charts.STATUS_FILLS).
CMP_TONE = {"above": "met", "equal": "none", "below": "pending", "none": "none"}
CMP_COLOR = {"above": "green", "equal": "gray", "below": "orange", "none": "gray"}  # the same, in Markdown
CMP_ARROW = {"above": " ↑", "equal": "", "below": " ↓", "none": ""}

f = frame.current_filters()
period = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")


def _pick_town() -> None:
    """The town selectbox changed: put the town in the URL, as a link to the profile would.
    A callback runs before the router, whose sidebar sees the changed URL and sets the
    global town filter from it; the browser's address bar follows (page_info_changed), so
    this very run already shows the new town and a copied link reproduces it."""
    st.query_params["town"] = st.session_state[PICK]


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and x != x)


def _value(m: str, x: object) -> str:
    if _missing(x):
        return "—"
    if m in tq.RATES:
        return fmt_pct(float(x))
    if m == "covered":
        return t("town.yes") if float(x) >= 1 else t("town.no")
    return fmt_num(float(x))


def _median(m: str, x: object) -> str:
    if m == "covered" and not _missing(x):
        return fmt_pct(float(x)) if 0 < float(x) < 1 else _value(m, x)
    return _value(m, x)


def _rank(rank: object, n: int) -> str:
    return "—" if _missing(rank) else t("town.rank", rank=int(rank), n=int(n))


def _compare(value: object, median: object) -> str:
    if _missing(value) or _missing(median):
        return "none"
    return "above" if value > median else "below" if value < median else "equal"


def _group(g: str, by: dict) -> None:
    """One subject as a small table: each measure with its definition as the tooltip, the
    town's value coloured against the district median (green above, grey at, orange below),
    the median and the rank."""
    with st.container(border=True, gap="xsmall", key=f"town_group_{g}"):
        st.markdown(f"**{t(f'town.g.{g}')}**")
        for c, k in zip(st.columns(WIDTHS)[1:], ("value", "median", "rank")):
            with c:
                st.caption(t(f"town.head.{k}"))
        for m in GROUPS[g]:
            r = by[m]
            cmp = _compare(r.value, r.median)
            name, value, median, rank = st.columns(WIDTHS, vertical_alignment="center")
            name.markdown(t(f"town.m.{m}"), help=definition(m))
            value.markdown(f":{CMP_COLOR[cmp]}[**{_value(m, r.value)}**{CMP_ARROW[cmp]}]")
            median.markdown(_median(m, r.median))
            rank.markdown(_rank(r.rank, r.towns))


def _headline(town: str, profile: pd.DataFrame, fx: Filters) -> None:
    by = {r.measure: r for r in profile.itertuples()}
    for row in LAYOUT:
        for col, g in zip(st.columns(len(row)), row):
            with col:
                _group(g, by)
    st.caption(t("town.headline.hint"))
    with st.expander(t("town.table.title")):
        table = profile.assign(
            group=[t(f"town.g.{GROUP_OF[m]}") for m in profile["measure"]],
            name=[t(f"town.m.{m}") for m in profile["measure"]],
            value_text=[_value(m, v) for m, v in zip(profile["measure"], profile["value"])],
            median_text=[_median(m, v) for m, v in zip(profile["measure"], profile["median"])],
            rank_text=[_rank(r, n) for r, n in zip(profile["rank"], profile["towns"])],
            cmp=[_compare(v, md) for v, md in zip(profile["value"], profile["median"])],
        )
        table = table.assign(compare=[t(f"town.cmp.{c}") for c in table["cmp"]],
                             tone=[CMP_TONE[c] for c in table["cmp"]])
        st.dataframe(charts.status_styler(table, "tone", "value_text"), hide_index=True, width="stretch",
                     column_order=["group", "name", "value_text", "median_text", "rank_text", "compare"],
                     column_config={"group": st.column_config.TextColumn(t("town.col.group")),
                                    "name": st.column_config.TextColumn(t("town.col.measure")),
                                    "value_text": st.column_config.TextColumn(t("town.col.value")),
                                    "median_text": st.column_config.TextColumn(t("town.col.median")),
                                    "rank_text": st.column_config.TextColumn(t("town.col.rank")),
                                    "compare": st.column_config.TextColumn(t("town.col.compare"))},
                     height="content", key="town_profile_table")
        st.caption(t("town.table.legend"))
        export.offer("town_profile", f"{t('town.table.export')}_{town}", fx, table,
                     columns=["group", "name", "value", "median", "rank", "towns", "compare"],
                     labels={"group": t("town.col.group"), "name": t("town.col.measure"),
                             "value": t("town.col.value"), "median": t("town.col.median"),
                             "rank": t("town.col.rank"), "towns": t("town.col.towns"),
                             "compare": t("town.col.compare")})


def _status_label(r) -> str:
    if r.status == "pending":
        return "● " + t("town.st.pending", months=int(r.months_left))
    return "● " + t(f"town.st.{r.status}")


def _statutory(fd: Filters, town: str) -> None:
    st.markdown(f"**{t('town.st.title')}**", help=definition("compliance"))
    hist = data.get(tq.town_statutory, fd, town)
    if f.year is None:
        st.caption(t("town.st.need_year"))
    else:
        row = hist[hist["year"] == f.year]
        if row.empty:
            st.caption(t("town.st.none", year=f.year))
        else:
            r = next(row.itertuples())
            with st.container(horizontal=True, vertical_alignment="center", gap="small", key="town_st_badge"):
                st.markdown(t("town.st.year", year=f.year))
                st.badge(_status_label(r), color=ST_BADGE[r.status])
    if not hist.empty:
        shown = hist.assign(status_label=[_status_label(r) for r in hist.itertuples()])
        st.dataframe(charts.status_styler(shown, "status", "status_label"), hide_index=True, width="stretch",
                     column_order=["year", "congress", "review", "deputy_voter", "status_label"],
                     column_config={
                         "year": st.column_config.NumberColumn(t("town.st.col.year"), format="%d"),
                         "congress": st.column_config.NumberColumn(t("town.st.col.congress"),
                                                                   help=definition("congress")),
                         "review": st.column_config.NumberColumn(t("town.st.col.review"), help=definition("review")),
                         "deputy_voter": st.column_config.NumberColumn(t("town.st.col.deputy_voter"),
                                                                       help=definition("deputy_voter")),
                         "status_label": st.column_config.TextColumn(t("town.st.col.status"))},
                     height="content", key="town_statutory_table")


def _date(x: object) -> str:
    return "—" if _missing(x) else str(x)


def _rollout(fd: Filters, town: str) -> None:
    st.markdown(f"**{t('town.ro.title')}**", help=definition("coverage_status"))
    ro = data.get(tq.town_rollout, fd, town)
    on = evaluation_date(fd)
    if ro.empty or on is None:
        st.caption(t("town.ro.none"))
        return
    r = ro.iloc[0]
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="town_ro_badge"):
        st.markdown(t("town.ro.status", date=on.isoformat()))
        st.badge("● " + t(f"town.ro.{r['status']}"), color=RO_BADGE[r["status"]])
    if _missing(r["site_id"]):
        st.markdown(t("town.ro.no_site"))
        return
    st.markdown(t("town.ro.best", site=drill.plain(str(r["site_name"])), stage=enum("site_stage", r["stage"])))
    st.caption(t("town.ro.dates", started=_date(r["started_on"]), built=_date(r["built_on"]),
                 accepted=_date(r["accepted_on"])))
    present = sum(1 for c in CHECKLIST if not _missing(r[c]) and bool(r[c]))
    score = "—" if _missing(r["score"]) else f"{float(r['score']):g}"
    st.caption(t("town.ro.checklist", n=present, score=score))


def _trend(fd: Filters, town: str) -> None:
    st.subheader(t("town.trend.title"))
    trend = data.get(tq.town_trend, fd, town)
    names = {m: t(f"town.m.{m}") for m in tq.MEASURES}
    chosen = st.pills(t("town.trend.pick"), list(tq.MEASURES), selection_mode="multi", default=list(TREND_DEFAULT),
                      format_func=names.get, key="town_trend_pick", label_visibility="collapsed")
    if trend.empty:
        st.info(t("town.trend.empty"))
        return
    if not chosen:
        st.info(t("town.trend.none"))
        return
    years = sorted(trend["year"].unique())
    st.caption(t("town.trend.legend", town=town))
    if len(years) == 1:
        st.caption(t("town.trend.one_year", year=int(years[0])))
    series = {"value": town, "median": t("town.trend.median")}
    chosen = [m for m in tq.MEASURES if m in chosen]
    for i in range(0, len(chosen), 3):
        for col, m in zip(st.columns(3), chosen[i:i + 3]):
            part = trend[trend["measure"] == m]
            fig = charts.versus(part["year"], part["value"], part["median"], name=series["value"],
                                reference_name=series["median"], title=names[m], percent=m in tq.RATES)
            with col:
                st.plotly_chart(fig, width="stretch", key=f"town_trend_{m}", config={"displayModeBar": False})


def _network(fd: Filters, fx: Filters, town: str) -> None:
    st.subheader(t("town.net.title"))
    left, right = st.columns([3, 2])
    with left:
        stations = data.get(tq.town_stations, fd, town)
        st.markdown(f"**{t('town.net.stations', n=len(stations))}**", help=definition("stations"))
        if stations.empty:
            st.info(t("town.net.stations.empty"))
        else:
            shown = stations.assign(kind=[enum("station_kind", k) for k in stations["kind"]])
            labels = {c: t(f"town.col.{c}") for c in ("station_id", "name", "kind", "opened_on", "upgraded_on",
                                                      "theme")}
            st.dataframe(shown, hide_index=True, width="stretch", placeholder="—",
                         column_order=["name", "kind", "opened_on", "upgraded_on", "theme"],
                         column_config={c: st.column_config.TextColumn(v) for c, v in labels.items()}
                         | {"opened_on": st.column_config.DateColumn(labels["opened_on"], format="YYYY-MM-DD"),
                            "upgraded_on": st.column_config.DateColumn(labels["upgraded_on"], format="YYYY-MM-DD")},
                         key="town_stations_table")
            export.offer("town_stations", f"{t('town.net.export.stations')}_{town}", fx, shown, labels=labels,
                         columns=list(labels))
    with right:
        deps = data.get(tq.deputies_by_level, fd, town)
        total = int(deps["deputies"].sum()) if not deps.empty else 0
        st.markdown(f"**{t('town.net.deputies', n=total)}**", help=definition("deputies"))
        if deps.empty:
            st.info(t("town.net.deputies.empty"))
        else:
            shown = deps.assign(label=[enum("deputy_level", v) for v in deps["level"]])
            fig = charts.bar(shown, "label", "deputies", horizontal=True, y_title=t("town.col.deputies"),
                             height=70 + 34 * len(shown), text=True)
            fig.update_traces(marker_color=PALETTE[1], textposition="outside", cliponaxis=False,
                              hovertemplate="%{y}: %{x}<extra></extra>")
            fig.update_layout(margin=dict(t=10, b=10))
            fig.update_xaxes(range=[0, max(1, int(shown["deputies"].max())) * 1.25], title=None)
            st.plotly_chart(fig, width="stretch", key="town_deputies_chart", config={"displayModeBar": False})
    site_rows = data.get(tq.town_sites, fd, town)
    st.markdown(f"**{t('town.net.sites', n=len(site_rows))}**", help=definition("sites_accepted"))
    if site_rows.empty:
        st.info(t("town.net.sites.empty"))
    else:
        shown = site_rows.assign(stage=[enum("site_stage", s) for s in site_rows["stage"]])
        labels = {c: t(f"town.col.{c}") for c in ("site_id", "name", "theme", "stage", "started_on", "built_on",
                                                  "accepted_on", "checklist", "score")}
        config = {c: st.column_config.TextColumn(v) for c, v in labels.items()}
        config |= {c: st.column_config.DateColumn(labels[c], format="YYYY-MM-DD")
                   for c in ("started_on", "built_on", "accepted_on")}
        config["checklist"] = st.column_config.NumberColumn(labels["checklist"], format="%d/5")
        config["score"] = st.column_config.NumberColumn(labels["score"], format="%.1f")
        st.dataframe(shown, hide_index=True, width="stretch", column_order=list(labels)[1:], column_config=config,
                     placeholder="—",
                     key="town_sites_table")
        export.offer("town_sites", f"{t('town.net.export.sites')}_{town}", fx, shown, labels=labels,
                     columns=list(labels))


def _records(fd: Filters, fx: Filters, town: str) -> None:
    st.subheader(t("town.rec.title"))
    acts = data.get(tq.town_activities, fd, town)
    visits = data.get(tq.town_visits, fd, town)
    micro = data.get(tq.town_micro_suggestions, fd, town)
    params = drill.town_params(fd, town)
    date = {"date": "YYYY-MM-DD"}
    lists = (
        ("activities", "activities", acts.assign(
            kind=[enum("activity_kind", k) for k in acts["kind"]],
            venue=[enum("venue", None if _missing(v) else v) for v in acts["venue"]]),
         {"date": "date", "activity_id": "activity_id", "kind": "activity_kind", "venue": "venue", "topic": "topic",
          "participants": "participants", "opinions": "opinions"}, date),
        ("visits", "enterprise_visits", visits,
         {"date": "date", "visit_id": "visit_id", "enterprise": "enterprise", "industry": "industry",
          "person_times": "person_times", "questionnaire": "questionnaire", "opinions": "opinions",
          "resolved": "resolved"}, date),
        ("micro", "micro_suggestions", micro.assign(
            category=[enum("micro_category", c) for c in micro["category"]],
            status=[enum("micro_status", s) for s in micro["status"]],
            outcome=[enum("micro_outcome", None if _missing(o) else o) for o in micro["outcome"]]),
         {"submitted_on": "submitted_on", "suggestion_id": "suggestion_id", "category": "category",
          "status": "status", "content": "content", "outcome": "outcome", "closed_on": "closed_on"},
         {"submitted_on": "YYYY-MM-DD", "closed_on": "YYYY-MM-DD"}),
    )
    tabs = st.tabs([t(f"town.rec.{name}", n=len(rows)) for name, _, rows, _, _ in lists])
    for tab, (name, kind, rows, cols, dates) in zip(tabs, lists):
        with tab:
            if rows.empty:
                st.info(t("town.rec.empty", period=period))
            else:
                st.caption(t("town.rec.count", period=period, n=len(rows), shown=min(SHOWN, len(rows))))
                labels = {c: t(f"town.col.{k}") for c, k in cols.items()}
                config = {c: st.column_config.TextColumn(v) for c, v in labels.items()}
                config |= {c: st.column_config.DateColumn(labels[c], format=fmt) for c, fmt in dates.items()}
                for c in ("participants", "opinions", "person_times", "resolved"):
                    if c in labels:
                        config[c] = st.column_config.NumberColumn(labels[c])
                if "questionnaire" in labels:
                    config["questionnaire"] = st.column_config.CheckboxColumn(labels["questionnaire"])
                for c in ("topic", "content"):
                    if c in labels:
                        config[c] = st.column_config.TextColumn(labels[c], width="large")
                st.dataframe(rows.head(SHOWN), hide_index=True, width="stretch", column_order=list(cols),
                             column_config=config, placeholder="—", key=f"town_rec_{name}")
                export.offer(f"town_{name}", f"{t(f'town.rec.export.{name}')}_{town}", fx, rows, labels=labels,
                             columns=list(cols))
            st.page_link(drill.EXPLORE_PAGE, label=t("town.rec.more"), icon=":material/table_rows:",
                         query_params={**params, "kind": kind})


def _crumbs(town: str) -> None:
    """区 › 镇街 › 记录: up to the district's overview, down to the town's records."""
    up = {"district": f.district}
    if f.year is not None:
        up["year"] = str(f.year)
    if lang() == "en":
        up["lang"] = "en"
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="town_crumbs"):
        st.page_link(OVERVIEW_PAGE, label=f.district, icon=":material/account_balance:", query_params=up,
                     help=t("town.crumb.district.help", district=f.district))
        st.markdown("›")
        st.markdown(f"**{drill.plain(town)}**")
        st.markdown("›")
        st.page_link(drill.EXPLORE_PAGE, label=t("town.crumb.records"), icon=":material/table_rows:",
                     query_params=drill.town_params(f, town), help=t("town.crumb.records.help", town=town))


def _page() -> None:
    if f.district is None:
        st.title(t("town.title"))
        st.info(t("town.need_district"), icon=":material/info:")
        return
    counted = data.get(common.counted_towns, replace(f, towns=()))
    options = list(f.towns) if len(f.towns) > 1 else counted["town"].tolist()
    if not options:
        st.title(t("town.title"))
        st.info(t("town.no_towns", district=f.district))
        return
    town = f.towns[0] if f.towns else options[0]
    # The URL decides: the widget shows the filter's town on every run.
    st.session_state[PICK] = town
    _crumbs(town)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        st.title(t("town.heading", town=town))
    with right:
        st.selectbox(t("town.pick"), options, key=PICK, on_change=_pick_town, help=t("town.pick.help"))
    town_type = counted.loc[counted["town"] == town, "town_type"]
    st.caption(t("town.caption", district=f.district, period=period, n=len(counted),
                 type=enum("town_type", town_type.iloc[0]) if len(town_type) else "—"))
    if not f.towns:
        st.caption(t("town.pick.first", town=town))
    elif len(f.towns) > 1:
        st.caption(t("town.pick.several", n=len(f.towns), town=town))

    # The district's scope without the town filter: ranks and medians are the district's,
    # and a cached result is shared by every town. Exports name the town in their filters.
    fd = replace(f, towns=())
    fx = replace(f, towns=(town,))
    with frame.guard("town.headline"):
        profile = data.get(tq.town_profile, fd, town)
        if profile.empty:
            st.info(t("town.not_counted", town=town, district=f.district))
            return
        values = dict(zip(profile["measure"], profile["value"]))
        if sum(values[m] for m in ("activities", "visits", "micro_submitted", "formal")) == 0:
            st.info(t("town.empty", town=town, period=period), icon=":material/inbox:")
        _headline(town, profile, fx)
    st.subheader(t("town.status.title"))
    left, right = st.columns([3, 2])
    with left, frame.guard("town.statutory"):
        _statutory(fd, town)
    with right, frame.guard("town.rollout"):
        _rollout(fd, town)
    with frame.guard("town.trend"):
        _trend(fd, town)
    with frame.guard("town.network"):
        _network(fd, fx, town)
    with frame.guard("town.records"):
        _records(fd, fx, town)


_page()
