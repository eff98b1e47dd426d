"""对比排名 — the towns ranked by any headline measure (plain or per 100 deputies) against the
district median, a click on a bar opening the town; and the districts side by side, counts
normalised per town and per 100 deputies because the districts differ in size."""

from __future__ import annotations

import math
import textwrap
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from ui import data, drill, export, filters, frame
from ui.charts import PALETTE, fmt_num, fmt_pct
from ui.i18n import lang, t
from ui.metrics import definition, name
from warehouse.filters import Filters
from warehouse.queries import common
from warehouse.queries import compare as cq
from warehouse.queries import towns

DEFAULT_MEASURE = "activities"
DIST_COLUMNS = 5  # panels per row of the districts' chart
DEFAULT_DISTRICTS = 6  # districts compared by default when there are more
MAX_DISTRICTS = 30  # at most this many side by side


def _period(f: Filters) -> str:
    """2023年; 2026年（截至 2026-10-31） while the year is not over; 全部年度."""
    if f.year is None:
        return t("word.all_years")
    if f.year_over or f.as_of is None:
        return t("word.year_suffix", year=f.year)
    return t("cmp.period.partial", year=f.year, date=f.as_of.isoformat())


f = frame.current_filters()
period = _period(f)
if f.district is None:
    scope = t("cmp.scope.all")
elif f.towns:
    scope = t("cmp.scope.towns", district=f.district, n=len(f.towns))
else:
    scope = f.district

st.title(t("cmp.title"))
st.caption(t("cmp.caption", scope=scope, period=period))

all_districts: list[str] = filters.visible_districts(f)
# One colour per district, the same in both charts.
COLORS = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(all_districts)}
# Labels computed now, in this run's language (a format_func may run outside the session).
measure_labels = {m: name(m) for m in towns.MEASURES}


def _missing(v: object) -> bool:
    return v is None or bool(pd.isna(v))


def _value_text(v: float | None, measure: str, per100: bool) -> str:
    """A ranking value as text: rates in %, covered as yes/no, numbers via fmt_num."""
    if _missing(v):
        return "—"
    if measure in towns.RATES:
        return fmt_pct(v)
    if measure == "covered":
        return t("cmp.yes") if v else t("cmp.no")
    return fmt_num(round(float(v), 1) if per100 else int(v))


def _rank_text(rank: object, tied: bool) -> str:
    """第n名, 第n名（并列） when another town shares it, — without a rank."""
    if _missing(rank):
        return t("cmp.rank.none")
    return t("cmp.rank.tied" if tied else "cmp.rank", n=int(rank))


def _figure_text(v: float | None, kind: str, figure: str) -> str:
    """A district figure as text: rates in %, totals of counts and states whole, the
    normalised figures to one decimal."""
    if _missing(v):
        return "—"
    if kind == "rate":
        return fmt_pct(v)
    return fmt_num(int(v)) if figure == "total" else fmt_num(round(float(v), 1))


def _table_height(rows: int, cap: int | None = None) -> int:
    """A table's height showing all ``rows`` (35 px a row and the header), up to ``cap``."""
    h = 35 * (rows + 1) + 3
    return min(h, cap) if cap else h


def _ranking_chart(sel: drill.Selection, ranking: pd.DataFrame, places: list[str], value_texts: list[str],
                   rank_texts: list[str], measure: str, per100: bool, median_text: str) -> list[str]:
    """The towns as horizontal bars, highest first, the median as a dashed line; returns
    the towns selected with a click."""
    median = ranking["median"].iloc[0]
    fig = go.Figure(go.Bar(
        x=ranking["value"], y=places, orientation="h", customdata=ranking["town"],
        marker_color=[COLORS.get(d, PALETTE[0]) for d in ranking["district"]],
        text=value_texts, textposition="outside", cliponaxis=False,
        hovertext=[t("cmp.hover", label=p, value=v, rank=r, deputies=fmt_num(int(n)))
                   for p, v, r, n in zip(places, value_texts, rank_texts, ranking["deputies"])],
        hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_layout(template="oversight", showlegend=False, margin=dict(l=10, r=10, t=36, b=10),
                      xaxis_title=name(measure) + (f" · {t('cmp.per100')}" if per100 else ""))
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    if measure in towns.RATES:
        fig.update_xaxes(tickformat=".0%", range=[0, 1.15])
    elif measure == "covered":
        fig.update_xaxes(tickvals=[0, 1], ticktext=[t("cmp.no"), t("cmp.yes")], range=[0, 1.2])
    else:
        top = float(ranking["value"].max())
        fig.update_xaxes(range=[0, max(top, 1.0) * 1.15], showgrid=True, gridcolor="#eee")
    if not _missing(median):
        fig.add_vline(x=float(median), line_dash="dash", line_color="#333", line_width=1.5, layer="above",
                      annotation_text=t("cmp.median", value=median_text), annotation_position="top",
                      annotation_font_color="#333")
    st.caption(t("cmp.rank.hint"))
    return sel.chart(fig, "town", height=max(260, 28 * len(ranking) + 90))


def _ranking_table(ranking: pd.DataFrame, rank_texts: list[str], measure: str, per100: bool, picked: list[str],
                   all_mode: bool) -> None:
    """The ranking as a table (the selected town marked) and its export: the same rows,
    numbers as numbers, rates in %."""
    label = name(measure)
    value_header = (t("cmp.col.per100", measure=label) if per100 else
                    t("cmp.col.pct", measure=label) if measure in towns.RATES else label)
    table = frame.table_rows(ranking.assign(rank_label=rank_texts))
    if measure == "covered":
        table["value"] = table["value"] == 1
        value_column = st.column_config.CheckboxColumn(label, help=definition(measure))
    else:
        fmt = "percent" if measure in towns.RATES else ("%.1f" if per100 else "%d")
        # Per 100 deputies the header is short (the measure is in the selector above), so the
        # deputies column stays in view beside the chart.
        value_column = st.column_config.NumberColumn(t("cmp.per100") if per100 else value_header, format=fmt,
                                                     help=t("cmp.col.help", header=value_header,
                                                            definition=definition(measure)))
    columns = ["rank_label"] + (["district"] if all_mode else []) + ["town", "value", "deputies"]

    def _mark(row: pd.Series) -> list[str]:
        return ["background-color: #FBE2E2; font-weight: 600" if row["town"] in picked else ""] * len(row)

    st.dataframe(table.style.apply(_mark, axis=1) if picked else table, hide_index=True, width="stretch",
                 column_order=columns, height=_table_height(len(table), 640),
                 column_config={"rank_label": st.column_config.TextColumn(t("cmp.col.rank")),
                                "district": st.column_config.TextColumn(t("cmp.col.district")),
                                "town": st.column_config.TextColumn(t("cmp.col.town")),
                                "value": value_column,
                                "deputies": st.column_config.NumberColumn(t("cmp.col.deputies"), format="%d",
                                                                          help=definition("deputies"))})
    out = ranking[["rank", "district", "town", "value", "deputies"]].copy()
    if measure in towns.RATES:
        out["value"] = (out["value"] * 100).round(1)
    elif measure == "covered":
        out["value"] = out["value"] == 1
    else:
        out["value"] = out["value"].round(2)
    export.offer("cmp_ranking", t("cmp.export.ranking", measure=label), f, out,
                 labels={"rank": t("cmp.col.rank"), "district": t("cmp.col.district"), "town": t("cmp.col.town"),
                         "value": value_header, "deputies": t("cmp.col.deputies")},
                 columns=["rank"] + (["district"] if all_mode else []) + ["town", "value", "deputies"])


# --- the towns ranked --------------------------------------------------------------------
with frame.guard("compare.ranking"):
    st.subheader(t("cmp.rank.title"), help=t("cmp.rank.help"))
    current = st.session_state.get("cmp_measure", DEFAULT_MEASURE)
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    with left:
        measure = st.selectbox(t("cmp.measure"), list(towns.MEASURES), index=towns.MEASURES.index(DEFAULT_MEASURE),
                               key="cmp_measure", format_func=measure_labels.get,
                               help=definition(current if current in towns.MEASURES else DEFAULT_MEASURE))
    countable = measure in towns.COUNTS
    with right:
        if countable:
            per100 = st.toggle(t("cmp.per100"), key="cmp_per100", help=t("cmp.per100.help"))
        else:
            per100 = st.toggle(t("cmp.per100"), value=False, key="cmp_per100_na", disabled=True,
                               help=t("cmp.per100.off"))
    per100 = bool(per100 and countable)

    ranking = data.get(cq.ranked_towns, f, measure, per100)
    if ranking.empty:
        st.info(t("cmp.rank.empty"))
    else:
        all_mode = f.district is None
        where = t("cmp.where.all") if all_mode else t("cmp.where.district")
        ranked = int(ranking["ranked"].iloc[0])
        median = ranking["median"].iloc[0]
        median_text = _value_text(median, measure, True)
        if f.towns:
            st.caption(t("cmp.rank.summary.narrowed", shown=len(ranking), n=ranked, where=where, median=median_text))
        else:
            st.caption(t("cmp.rank.summary", n=ranked, where=where, median=median_text))
        unranked = int(ranking["rank"].isna().sum())
        if unranked:
            why = t("cmp.why.rate") if measure in towns.RATES else t("cmp.why.deputies")
            st.caption(t("cmp.rank.unranked", n=unranked, why=why))

        places = [f"{d} {tw}" for d, tw in zip(ranking["district"], ranking["town"])] if all_mode \
            else list(ranking["town"])
        rank_texts = [_rank_text(r, bool(tie)) for r, tie in zip(ranking["rank"].astype(object), ranking["tied"])]
        value_texts = [_value_text(v, measure, per100) for v in ranking["value"]]
        sel = drill.Selection("cmp")
        chart_side, table_side = st.columns([5, 4], gap="large")
        with chart_side:
            # A province ranks tens of thousands of towns: the chart draws the first
            # frame.RANKED_MAX (the median is still all towns'); the table and the export
            # hold the whole ranking.
            n = frame.RANKED_MAX
            picked = _ranking_chart(sel, ranking.head(n), places[:n], value_texts[:n], rank_texts[:n], measure,
                                    per100, median_text) if ranking["value"].notna().any() else []
            if len(ranking) > n and ranking["value"].notna().any():
                st.caption(t("cmp.rank.first", n=n, total=len(ranking)))
        with table_side:
            # The chip and the links to the selected town (of its own district).
            district_of = dict(zip(ranking["town"], ranking["district"]))
            link_f = f
            if all_mode and len(picked) == 1 and picked[0] in district_of:
                link_f = replace(f, district=district_of[picked[0]])
            sel.bar(link_f, labels={"town": t("word.town")}, kind=None,
                    fmt=(lambda _dim, code: f"{district_of.get(code, '')} {code}".strip()) if all_mode else None)
            _ranking_table(ranking, rank_texts, measure, per100, picked, all_mode)


# --- the districts side by side ---------------------------------------------------------
def _districts_chart(order: list[str], rows: pd.DataFrame, norm: str, figure_labels: dict[str, str]) -> None:
    """One small panel per count measure, a bar per district, each panel on its own scale
    (the measures differ by orders of magnitude)."""
    width = 12 if lang() == "zh" else 24
    titles = ["<br>".join(textwrap.wrap(measure_labels[m], width)) for m in towns.COUNTS]
    n_rows = math.ceil(len(towns.COUNTS) / DIST_COLUMNS)
    fig = make_subplots(rows=n_rows, cols=DIST_COLUMNS, subplot_titles=titles, horizontal_spacing=0.03,
                        vertical_spacing=0.16)
    for i, m in enumerate(towns.COUNTS):
        values = [rows.loc[m, f"{d}|{norm}"] for d in order]
        r, c = divmod(i, DIST_COLUMNS)
        fig.add_trace(go.Bar(x=order, y=values, marker_color=[COLORS.get(d, PALETTE[0]) for d in order],
                             text=[_figure_text(v, "count", norm) for v in values], textposition="outside",
                             cliponaxis=False, showlegend=False,
                             hovertemplate=f"{measure_labels[m]}<br>%{{x}}: %{{text}}<extra></extra>"),
                      row=r + 1, col=c + 1)
        top = max([v for v in values if not _missing(v)], default=0.0)
        fig.update_yaxes(range=[0, max(top, 1e-9) * 1.3], showticklabels=False, showgrid=False, row=r + 1,
                         col=c + 1)
    fig.update_annotations(font_size=13)
    fig.update_layout(template="oversight", height=n_rows * 200 + 60, margin=dict(l=10, r=10, t=80, b=10),
                      title=dict(text=t("cmp.dist.chart", norm=figure_labels[norm]), font=dict(size=16), y=0.99,
                                 yref="container", yanchor="top"))
    st.plotly_chart(fig, width="stretch", key="cmp_districts_chart")


def _districts_table(order: list[str], table: pd.DataFrame, fc: Filters) -> None:
    """One row per measure, for each district its total, per town and per 100 deputies
    (rates and states only the total); the export has the numbers (rates in %)."""
    shown = {"measure": [t("cmp.dist.covered") if m == "covered" else measure_labels[m] for m in table["measure"]]}
    headers = {"measure": t("cmp.dist.col.measure")}
    for d in order:
        for x in cq.FIGURES:
            col = f"{d}|{x}"
            shown[col] = [_figure_text(v, k, x) for v, k in zip(table[col], table["kind"])]
            headers[col] = t("cmp.dist.col", district=d, figure=t(f"cmp.colfig.{x}"))
    config = {c: st.column_config.TextColumn(h, pinned=True, width="medium") if c == "measure"
              else st.column_config.TextColumn(h, alignment="right") for c, h in headers.items()}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, height=_table_height(len(table)))

    value_columns = [f"{d}|{x}" for d in order for x in cq.FIGURES]
    out = table.copy()
    for d in order:
        out[f"{d}|total"] = [v * 100 if k == "rate" else v for v, k in zip(out[f"{d}|total"], out["kind"])]
    out[value_columns] = out[value_columns].astype("float64").round(2)
    out["measure"] = [t("cmp.col.pct", measure=label) if k == "rate" else label
                      for label, k in zip(shown["measure"], table["kind"])]
    export.offer("cmp_districts", t("cmp.export.districts"), fc, out, labels=headers,
                 columns=["measure", *value_columns])


with frame.guard("compare.districts"):
    several = len(all_districts) > 2
    # A city or a province has many districts: by default the filter's district and a few
    # others (every one would be thousands of panels and queries); the user picks more.
    default = all_districts if len(all_districts) <= DEFAULT_DISTRICTS else (
        [d for d in all_districts if d == f.district]
        + [d for d in all_districts if d != f.district])[:DEFAULT_DISTRICTS]
    n_chosen = len(st.session_state.get("cmp_districts", default)) if several else len(all_districts)
    st.subheader(t("cmp.dist.title2") if n_chosen == 2 else t("cmp.dist.title"))
    chosen = st.multiselect(t("cmp.dist.choose"), all_districts, default=default, key="cmp_districts",
                            max_selections=MAX_DISTRICTS,
                            placeholder=t("cmp.dist.choose.placeholder")) if several else list(all_districts)
    if not chosen:
        st.info(t("cmp.dist.none"))
    else:
        # The same period for every district: up to the earliest 数据截至 among them, so a
        # district whose data runs further is not favoured in an unfinished year.
        ends = [d for d in (data.get(common.data_as_of, None, x, f.scope) for x in chosen) if d]
        fc = replace(f, district=None, towns=(), as_of=min(ends) if ends else f.as_of)
        sizes, table = data.get(cq.district_figures, fc, tuple(chosen))
        if sizes.empty:
            st.info(t("cmp.dist.empty"))
        else:
            order = list(sizes["district"])
            if len(order) == 1:
                st.info(t("cmp.dist.single", district=order[0]))
            st.caption(t("cmp.dist.caption", period=_period(fc), sizes=t("cmp.sep").join(
                t("cmp.dist.sizes", district=d, towns=fmt_num(int(n)), deputies=fmt_num(int(dep)))
                for d, n, dep in zip(sizes["district"], sizes["towns"], sizes["deputies"]))))
            figure_labels = {x: t(f"cmp.norm.{x}") for x in cq.FIGURES}
            if len(order) >= 2:
                norm = st.segmented_control(t("cmp.dist.norm"), list(cq.FIGURES), default="per_town", key="cmp_norm",
                                            format_func=figure_labels.get, required=True) or "per_town"
                _districts_chart(order, table.set_index("measure"), norm, figure_labels)
            _districts_table(order, table, fc)
