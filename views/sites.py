"""阵地与观摩 — the 家/站/点 network per town and the stations upgraded to practice points;
the practice sites as cards (一地一特色), their ranking with stars, and a side-by-side
comparison of two to four sites for an evaluation session (观摩评比).

A click on a town's bar in the network chart narrows the rest of the page to the towns
picked — the network cards, the upgraded stations, the table by town, the site cards and
the ranking (ranks stay those of the whole scope) — and, for one town, offers its profile
and its stations. The comparison keeps every site to choose from. Every chart and table
offers its rows for export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import coverage_charts as cc
from ui import data, drill, export, frame
from ui.i18n import enum, t
from ui.metrics import definition, name
from warehouse.filters import Filters
from warehouse.queries import rollout as ro
from warehouse.queries import sites as si

f = frame.current_filters()
NETWORK = cc.NETWORK
sel = drill.Selection("si")
STAGE_BADGE = {"ACCEPTED": "green", "BUILT": "orange", "PILOT": "blue", "PLANNED": "gray"}
MAX_COMPARE = 4
CARDS_PER_ROW = 3
RULES = ("station_network", "stations_upgraded", "site_checklist", "site_score", "site_stars", "site_rank")

scope = f.district or t("si.scope.all")
if f.towns:
    scope = t("si.scope.towns", scope=scope, n=len(f.towns))
period = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")


def _stars(n: int) -> str:
    return "★" * n if n else "—"


def _present(v: object) -> bool:
    """A checklist value (a nullable boolean) as present / absent; a blank is absent."""
    return v is not None and v is not pd.NA and bool(v)


def _tick(v: object) -> str:
    return ":green[✓]" if _present(v) else ":red[✗]"


def _checklist_badges(r) -> str:
    """The five items as badges: a badge never breaks inside its words."""
    return " ".join(f":green-badge[{t('si.check.' + c)} ✓]" if _present(getattr(r, c))
                    else f":gray-badge[{t('si.check.' + c)} ✗]" for c in ro.CHECKLIST)


def _stage(code: str) -> str:
    return f":{STAGE_BADGE.get(code, 'gray')}-badge[{enum('site_stage', code)}]"


def _score(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.1f}".removesuffix(".0")


# --- the network ----------------------------------------------------------------------

def _picks_line() -> list[str]:
    picked = sel.get("town")
    return [t("si.export.selection", towns="、".join(picked))] if picked else []


def _network_cards(fs: Filters) -> None:
    totals = data.get(si.station_network_totals, fs)
    if fs.towns != f.towns:
        st.caption(t("si.kpi.picked", towns="、".join(fs.towns)))
    cards = (
        ("si.kpi.home", totals["home"], ""),
        ("si.kpi.station", totals["station"], ""),
        ("si.kpi.point_studio", totals["point_studio"],
         t("si.kpi.point_studio.desc", point=totals["point"], studio=totals["studio"])),
        ("si.kpi.upgraded", totals["upgraded"], t("si.kpi.upgraded.desc", period=period)),
        ("si.kpi.bases", totals["practice_base"] + totals["practice_point"], t("si.kpi.bases.desc")),
    )
    for col, (key, value, desc) in zip(st.columns(5), cards):
        with col:
            help_id = "stations_upgraded" if key == "si.kpi.upgraded" else "station_network"
            st.metric(t(key), f"{value:,}", delta=desc or None, delta_color="off", delta_arrow="off", border=True,
                      help=definition(help_id))


def _upgraded(fs: Filters) -> None:
    st.markdown(f"**{t('si.net.upgraded.title', period=period)}**")
    upgraded = data.get(si.upgraded_stations, fs)
    if upgraded.empty:
        st.info(t("si.net.upgraded.none", period=period))
        return
    shown = upgraded.assign(kind_label=[enum("station_kind", k) for k in upgraded["kind"]])
    labels = {"name": t("si.col.station"), "district": t("word.district"), "town": t("word.town"),
              "kind_label": t("word.kind"), "upgraded_on": t("si.col.upgraded_on"), "theme": t("si.col.theme")}
    cols = ["name"] + (["district"] if f.district is None else []) + ["town", "kind_label", "upgraded_on", "theme"]
    st.dataframe(frame.table_rows(shown), hide_index=True, width="stretch", column_order=cols,
                 column_config={
                     **{c: st.column_config.TextColumn(labels[c]) for c in cols},
                     "upgraded_on": st.column_config.DateColumn(labels["upgraded_on"], format="YYYY-MM-DD"),
                 })
    export.offer("si_upgraded", t("si.net.upgraded.title", period=period), fs, shown, labels=labels, columns=cols,
                 extra=_picks_line())


def _network() -> None:
    st.subheader(t("si.net.title", period=period))
    totals = data.get(si.station_network_totals, f)
    if totals["towns"] == 0:
        st.info(t("si.empty.towns", scope=scope))
        return
    if sum(totals[k] for k in NETWORK) == 0:
        st.info(t("si.empty.network", scope=scope, period=period))
        return
    # The cards count the towns picked in the chart below them: their place is kept.
    cards_box = st.container()
    by_town = data.get(si.station_network_by_town, f)
    cols = (["district"] if f.district is None else []) + ["town", *NETWORK, "practice_base", "upgraded"]
    left, right = st.columns([3, 2], gap="medium")
    with left:
        # A province's towns are tens of thousands of bars: the chart draws the towns with
        # the most stations (the table and the export hold every town).
        counted = by_town.assign(_stations=by_town[list(NETWORK)].sum(axis=1),
                                 _place=by_town["district"] + " " + by_town["town"])
        drawn, n_towns = frame.first_by(counted, "_place", "_stations")
        sel.chart(cc.network(drawn), "town")
        if len(drawn) < len(counted):
            st.caption(t("si.net.first", n=frame.RANKED_MAX, total=n_towns))
        st.caption(t("si.net.hint"))
        export.offer("si_network", t("si.net.export", period=period), f, by_town, labels=cc.network_labels(),
                     columns=cols)
    picked = sel.get("town")
    fs = f.with_towns(picked) if picked else f
    with cards_box:
        _network_cards(fs)
    with right:
        _upgraded(fs)
    with st.expander(t("si.net.table")):
        rows = data.get(si.station_network_by_town, fs) if picked else by_town
        labels = cc.network_labels()
        st.dataframe(frame.table_rows(rows), hide_index=True, width="stretch", column_order=cols, height="content",
                     column_config={
                         "district": st.column_config.TextColumn(labels["district"]),
                         "town": st.column_config.TextColumn(labels["town"]),
                         **{k: st.column_config.NumberColumn(labels[k]) for k in (*NETWORK, "practice_base")},
                         "upgraded": st.column_config.NumberColumn(labels["upgraded"],
                                                                   help=definition("stations_upgraded")),
                     })
        export.offer("si_towns", t("si.net.table"), fs, rows, labels=labels, columns=cols, extra=_picks_line())


# --- practice sites -------------------------------------------------------------------

def _card(r) -> None:
    with st.container(border=True):
        st.markdown(f"**{drill.plain(r.name)}**")
        st.markdown(f"{drill.plain(r.town)} {_stage(r.stage)}")
        theme = drill.plain(r.theme) if isinstance(r.theme, str) and r.theme else t("si.card.no_theme")
        st.markdown(f"{t('si.card.theme')}**{theme}**")
        st.markdown(_checklist_badges(r))
        score = t("si.card.score", score=_score(r.score), stars=_stars(r.stars)) if not pd.isna(r.score) \
            else t("si.card.no_score")
        st.markdown(score)


def _site_rows(sites: pd.DataFrame) -> pd.DataFrame:
    """The sites in words, as the cards, the ranking and the comparison show them."""
    return sites.assign(star_text=[_stars(n) for n in sites["stars"]],
                        stage_label=[enum("site_stage", s) for s in sites["stage"]],
                        checklist_text=[f"{n} / {len(ro.CHECKLIST)}" for n in sites["checklist"]],
                        theme=[x if isinstance(x, str) and x else t("si.card.no_theme") for x in sites["theme"]],
                        **{c: ["✓" if _present(v) else "✗" for v in sites[c]] for c in ro.CHECKLIST})


def _site_labels() -> dict[str, str]:
    return {"rank": t("si.col.rank"), "star_text": t("si.col.stars"), "name": t("si.col.site"),
            "district": t("word.district"), "town": t("word.town"), "theme": t("si.col.theme"),
            "stage_label": t("si.col.stage"), "checklist_text": t("si.col.checklist"), "score": t("si.col.score"),
            **{c: t(f"si.check.{c}") for c in ro.CHECKLIST},
            **{c: t(f"si.col.{c}") for c in ("started_on", "built_on", "accepted_on")}}


def _cards(sites: pd.DataFrame) -> None:
    st.subheader(t("si.cards.title", period=period))
    st.caption(t("si.cards.caption"))
    # The best first. A card is a dozen elements: a province's thousands of sites took 20 s
    # to draw, so the first rows are drawn; up to frame.RANKED_MAX all on request, beyond
    # that the ranking table below and the export hold them all.
    rows = list(sites.itertuples())
    can_show_all = len(rows) <= frame.RANKED_MAX
    if len(rows) > frame.CARDS_FIRST and not (can_show_all and st.session_state.get("si_cards_all", False)):
        rows = rows[:frame.CARDS_FIRST]
    for i in range(0, len(rows), CARDS_PER_ROW):
        for col, r in zip(st.columns(CARDS_PER_ROW), rows[i:i + CARDS_PER_ROW]):
            with col:
                _card(r)
    if len(sites) > frame.CARDS_FIRST:
        if can_show_all:
            st.toggle(t("word.show_all", n=len(sites)), key="si_cards_all")
        else:
            st.caption(t("si.cards.first", n=frame.CARDS_FIRST, total=len(sites)))
    export.offer("si_sites", t("si.cards.export", period=period), f, _site_rows(sites), labels=_site_labels(),
                 columns=["name"] + (["district"] if f.district is None else []) + [
                     "town", "theme", "stage_label", *ro.CHECKLIST, "checklist_text", "score", "star_text",
                     "started_on", "built_on", "accepted_on"],
                 extra=_picks_line())


def _ranking(sites: pd.DataFrame) -> None:
    st.subheader(t("si.rank.title", period=period))
    ranked = sites[sites["rank"].notna()]
    if ranked.empty:
        st.info(t("si.rank.none", period=period))
        return
    shown = _site_rows(ranked)
    cols = ["rank", "star_text", "name"] + (["district"] if f.district is None else []) + [
        "town", "theme", "stage_label", "checklist_text", "score"]
    st.dataframe(frame.table_rows(shown), hide_index=True, width="stretch", column_order=cols, height="content",
                 column_config={
                     "rank": st.column_config.NumberColumn(t("si.col.rank"), help=definition("site_rank"),
                                                           width="small"),
                     "star_text": st.column_config.TextColumn(t("si.col.stars"), help=definition("site_stars")),
                     "name": st.column_config.TextColumn(t("si.col.site")),
                     "district": st.column_config.TextColumn(t("word.district")),
                     "town": st.column_config.TextColumn(t("word.town")),
                     "theme": st.column_config.TextColumn(t("si.col.theme")),
                     "stage_label": st.column_config.TextColumn(t("si.col.stage")),
                     "checklist_text": st.column_config.TextColumn(t("si.col.checklist"),
                                                                   help=definition("site_checklist")),
                     "score": st.column_config.ProgressColumn(t("si.col.score"), help=definition("site_score"),
                                                              min_value=0, max_value=100, format="%.1f"),
                 })
    unscored = len(sites) - len(ranked)
    if unscored:
        st.caption(t("si.rank.unscored", n=unscored))
    export.offer("si_ranking", t("si.rank.title", period=period), f, shown, labels=_site_labels(), columns=cols,
                 extra=_picks_line())


def _compare(sites: pd.DataFrame) -> None:
    st.subheader(t("si.cmp.title"))
    labels = {r.site_id: f"{r.name}（{r.town}）" for r in sites.itertuples()}
    options = list(labels)
    picked = st.multiselect(t("si.cmp.pick"), options, default=options[:2], max_selections=MAX_COMPARE,
                            format_func=labels.get, key="si_compare", help=t("si.cmp.help", n=MAX_COMPARE))
    if len(picked) < 2:
        st.info(t("si.cmp.need_two", n=MAX_COMPARE))
        return
    chosen = data.get(si.sites_side_by_side, f, tuple(picked))
    for col, r in zip(st.columns(len(chosen)), chosen.itertuples()):
        with col, st.container(border=True):
            st.markdown(f"#### {drill.plain(r.name)}")
            st.markdown(f"{drill.plain(r.town)} {_stage(r.stage)}")
            theme = drill.plain(r.theme) if isinstance(r.theme, str) and r.theme else t("si.card.no_theme")
            st.markdown(f"{t('si.card.theme')}**{theme}**")
            st.metric(t("si.col.score"), _score(r.score), delta=_stars(r.stars) if r.stars else None,
                      delta_color="off", delta_arrow="off", help=definition("site_score"))
            rank = "—" if pd.isna(r.rank) else f"{int(r.rank)}"
            st.markdown(t("si.cmp.rank_line", rank=rank, n=r.checklist, total=len(ro.CHECKLIST)))
            for c in ro.CHECKLIST:
                st.markdown(f"{_tick(getattr(r, c))} {t('si.check.' + c)}")
            dates = [(k, getattr(r, k)) for k in ("started_on", "built_on", "accepted_on")]
            st.caption(" · ".join(f"{t('si.col.' + k)} {v.isoformat() if v else '—'}" for k, v in dates))
    export.offer("si_compare", t("si.cmp.title"), f, _site_rows(chosen), labels=_site_labels(),
                 columns=["name", "town", "stage_label", "theme", "score", "star_text", "rank", "checklist_text",
                          *ro.CHECKLIST, "started_on", "built_on", "accepted_on"])


st.title(t("si.title"))
st.caption(t("si.caption", scope=scope, period=period))
chips_box = st.container()  # the chips of the towns picked in the network chart, once it has run

with frame.guard("sites.network"):
    _network()
with chips_box:
    sel.bar(f, {"town": t("word.town")}, kind="stations")

everywhere = sites = pd.DataFrame()
with frame.guard("sites.list"):
    everywhere = sites = data.get(si.practice_sites_assessed, f)
    if sel.get("town"):
        sites = data.get(si.practice_sites_assessed, f, sel.get("town"))

with frame.guard("sites.cards"):
    if sites.empty:
        st.subheader(t("si.cards.title", period=period))
        if sel.get("town"):
            st.info(t("si.empty.sites_picked", towns="、".join(sel.get("town")), period=period))
        else:
            st.info(t("si.empty.sites", scope=scope, period=period))
    else:
        _cards(sites)

with frame.guard("sites.ranking"):
    if not sites.empty:
        _ranking(sites)

with frame.guard("sites.compare"):
    if len(everywhere) >= 2:
        _compare(everywhere)

with st.expander(t("si.rules.title"), icon=":material/menu_book:"):
    for mid in RULES:
        st.markdown(f"**{name(mid)}** — {definition(mid)}")
