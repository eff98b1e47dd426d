"""阵地与观摩 — the 家/站/点 network per town and the stations upgraded to practice points;
the practice sites as cards (一地一特色), their ranking with stars, and a side-by-side
comparison of two to four sites for an evaluation session (观摩评比)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import data, frame
from ui.charts import PALETTE
from ui.i18n import enum, t
from ui.metrics import definition, name
from warehouse.queries import rollout as ro
from warehouse.queries import sites as si

f = frame.current_filters()
NETWORK = ("home", "station", "point", "studio")  # 家 / 站 / 点 / 工作室, as the article counts them
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

def _network_figure(by_town: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for i, kind in enumerate(NETWORK):
        label = enum("station_kind", kind.upper())
        fig.add_bar(y=by_town["town"], x=by_town[kind], name=label, orientation="h", marker_color=PALETTE[i],
                    hovertemplate="%{y} · " + label + ": %{x}<extra></extra>")
    fig.update_layout(barmode="stack", height=max(320, 30 * len(by_town) + 110), template="oversight",
                      xaxis_title=t("si.net.count"),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, traceorder="normal"),
                      margin=dict(l=10, r=10, t=40, b=10))
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def _network() -> None:
    st.subheader(t("si.net.title", period=period))
    totals = data.get(si.station_network_totals, f)
    if totals["towns"] == 0:
        st.info(t("si.empty.towns", scope=scope))
        return
    if sum(totals[k] for k in NETWORK) == 0:
        st.info(t("si.empty.network", scope=scope, period=period))
        return
    cols = st.columns(5)
    cards = (
        ("si.kpi.home", totals["home"], ""),
        ("si.kpi.station", totals["station"], ""),
        ("si.kpi.point_studio", totals["point_studio"],
         t("si.kpi.point_studio.desc", point=totals["point"], studio=totals["studio"])),
        ("si.kpi.upgraded", totals["upgraded"], t("si.kpi.upgraded.desc", period=period)),
        ("si.kpi.bases", totals["practice_base"] + totals["practice_point"], t("si.kpi.bases.desc")),
    )
    for col, (key, value, desc) in zip(cols, cards):
        with col:
            help_id = "stations_upgraded" if key == "si.kpi.upgraded" else "station_network"
            st.metric(t(key), f"{value:,}", delta=desc or None, delta_color="off", delta_arrow="off", border=True,
                      help=definition(help_id))
    by_town = data.get(si.station_network_by_town, f)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.plotly_chart(_network_figure(by_town), width="stretch", config={"displayModeBar": False})
    with right:
        st.markdown(f"**{t('si.net.upgraded.title', period=period)}**")
        upgraded = data.get(si.upgraded_stations, f)
        if upgraded.empty:
            st.info(t("si.net.upgraded.none", period=period))
        else:
            shown = upgraded.assign(kind_label=[enum("station_kind", k) for k in upgraded["kind"]])
            st.dataframe(shown, hide_index=True, width="stretch",
                         column_order=["name", "town", "kind_label", "upgraded_on", "theme"],
                         column_config={
                             "name": st.column_config.TextColumn(t("si.col.station")),
                             "town": st.column_config.TextColumn(t("word.town")),
                             "kind_label": st.column_config.TextColumn(t("word.kind")),
                             "upgraded_on": st.column_config.DateColumn(t("si.col.upgraded_on"),
                                                                        format="YYYY-MM-DD"),
                             "theme": st.column_config.TextColumn(t("si.col.theme")),
                         })
    with st.expander(t("si.net.table")):
        cols = (["district"] if f.district is None else []) + ["town", *NETWORK, "practice_base", "upgraded"]
        st.dataframe(by_town, hide_index=True, width="stretch", column_order=cols, height="content",
                     column_config={
                         "district": st.column_config.TextColumn(t("word.district")),
                         "town": st.column_config.TextColumn(t("word.town")),
                         **{k: st.column_config.NumberColumn(enum("station_kind", k.upper()))
                            for k in (*NETWORK, "practice_base")},
                         "upgraded": st.column_config.NumberColumn(t("si.col.upgraded"),
                                                                   help=definition("stations_upgraded")),
                     })


# --- practice sites -------------------------------------------------------------------

def _card(r) -> None:
    with st.container(border=True):
        st.markdown(f"**{r.name}**")
        st.markdown(f"{r.town} {_stage(r.stage)}")
        theme = r.theme if isinstance(r.theme, str) and r.theme else t("si.card.no_theme")
        st.markdown(f"{t('si.card.theme')}**{theme}**")
        st.markdown(_checklist_badges(r))
        score = t("si.card.score", score=_score(r.score), stars=_stars(r.stars)) if not pd.isna(r.score) \
            else t("si.card.no_score")
        st.markdown(score)


def _cards(sites: pd.DataFrame) -> None:
    st.subheader(t("si.cards.title", period=period))
    st.caption(t("si.cards.caption"))
    rows = list(sites.itertuples())
    for i in range(0, len(rows), CARDS_PER_ROW):
        for col, r in zip(st.columns(CARDS_PER_ROW), rows[i:i + CARDS_PER_ROW]):
            with col:
                _card(r)


def _ranking(sites: pd.DataFrame) -> None:
    st.subheader(t("si.rank.title", period=period))
    ranked = sites[sites["rank"].notna()]
    if ranked.empty:
        st.info(t("si.rank.none", period=period))
        return
    shown = ranked.assign(star_text=[_stars(n) for n in ranked["stars"]],
                          stage_label=[enum("site_stage", s) for s in ranked["stage"]],
                          checklist_text=[f"{n} / {len(ro.CHECKLIST)}" for n in ranked["checklist"]])
    cols = ["rank", "star_text", "name"] + (["district"] if f.district is None else []) + [
        "town", "theme", "stage_label", "checklist_text", "score"]
    st.dataframe(shown, hide_index=True, width="stretch", column_order=cols, height="content",
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
            st.markdown(f"#### {r.name}")
            st.markdown(f"{r.town} {_stage(r.stage)}")
            theme = r.theme if isinstance(r.theme, str) and r.theme else t("si.card.no_theme")
            st.markdown(f"{t('si.card.theme')}**{theme}**")
            st.metric(t("si.col.score"), _score(r.score), delta=_stars(r.stars) if r.stars else None,
                      delta_color="off", delta_arrow="off", help=definition("site_score"))
            rank = "—" if pd.isna(r.rank) else f"{int(r.rank)}"
            st.markdown(t("si.cmp.rank_line", rank=rank, n=r.checklist, total=len(ro.CHECKLIST)))
            for c in ro.CHECKLIST:
                st.markdown(f"{_tick(getattr(r, c))} {t('si.check.' + c)}")
            dates = [(k, getattr(r, k)) for k in ("started_on", "built_on", "accepted_on")]
            st.caption(" · ".join(f"{t('si.col.' + k)} {v.isoformat() if v else '—'}" for k, v in dates))


st.title(t("si.title"))
st.caption(t("si.caption", scope=scope, period=period))

with frame.guard("sites.network"):
    _network()

sites = pd.DataFrame()
with frame.guard("sites.list"):
    sites = data.get(si.practice_sites_assessed, f)

with frame.guard("sites.cards"):
    if sites.empty:
        st.subheader(t("si.cards.title", period=period))
        st.info(t("si.empty.sites", scope=scope, period=period))
    else:
        _cards(sites)

with frame.guard("sites.ranking"):
    if not sites.empty:
        _ranking(sites)

with frame.guard("sites.compare"):
    if len(sites) >= 2:
        _compare(sites)

with st.expander(t("si.rules.title"), icon=":material/menu_book:"):
    for mid in RULES:
        st.markdown(f"**{name(mid)}** — {definition(mid)}")
