"""The figures and table frames of the full-coverage pages (全覆盖进度, 阵地与观摩): the
burn-up with its phase bands, the town tiles, the station network by town, and the town
table as shown and exported. Builders take the query frames and labels; they never query.

The tiles and the network bars carry the town in ``customdata``, so a click on them
selects the town (:class:`ui.drill.Selection`)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ui import charts
from ui.charts import PALETTE, STATUS_COLORS
from ui.i18n import enum, t
from warehouse.queries import rollout as ro

# Three-colour status -> the app's status palette (met / pending / missed).
TONE = {"green": "met", "amber": "pending", "red": "missed"}
PHASE_FILLS = {"PILOT": "#DCE8F5", "DEEPEN": "#E8E0F0", "FULL": "#F8E1E1"}
COVERED, BUILT, TARGET, PROJECTED = STATUS_COLORS["met"], STATUS_COLORS["pending"], charts.RED, "#2E7D32"
TILE_COLUMNS = 4
NETWORK = ("home", "station", "point", "studio")  # 家 / 站 / 点 / 工作室, as the article counts them
DATES = ("started_on", "built_on", "accepted_on")


# --- burn-up --------------------------------------------------------------------------

def _two_lines(label: str) -> str:
    """A long phase name (English) on two lines, so that neighbouring bands never overlap."""
    words = label.split(" ")
    if len(label) <= 14 or len(words) < 2:
        return f"<b>{label}</b>"
    cut = max(range(1, len(words)), key=lambda i: -abs(len(" ".join(words[:i])) - len(label) / 2))
    return f"<b>{' '.join(words[:cut])}</b><br><b>{' '.join(words[cut:])}</b>"


def burnup(series: pd.DataFrame, bands: pd.DataFrame, as_of, height: int = 470) -> go.Figure:
    """Covered and built towns month by month, the plan target, the projection, the phase
    bands and the line of all towns."""
    actual = series[series["actual"]]
    x = [pd.Timestamp(m) for m in series["month"]]
    xa = [pd.Timestamp(m) for m in actual["month"]]
    fig = go.Figure()
    # The phase bands, the line of all towns and the cut-off: shapes and annotations given
    # to the layout at once (fig.add_vrect / add_hline / add_vline validate the whole list
    # again each: 0.12 s a chart), drawn exactly as those would draw them.
    shapes, notes = [], []
    for b in bands.itertuples():
        years = str(b.first_year) if b.first_year == b.last_year else f"{b.first_year}–{b.last_year}"
        x0 = pd.Timestamp(b.start)
        shapes.append(dict(type="rect", x0=x0, x1=pd.Timestamp(b.end) + pd.Timedelta(days=1), xref="x", y0=0, y1=1,
                           yref="y domain", fillcolor=PHASE_FILLS.get(b.phase, "#EEEEEE"), opacity=0.7, layer="below",
                           line=dict(width=0)))
        notes.append(dict(text=f"{_two_lines(enum('rollout_phase', b.phase))} {years}", showarrow=False, x=x0,
                          xanchor="left", xref="x", y=1, yanchor="top", yref="y domain",
                          font=dict(size=15, color="#333")))
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
    shapes.append(charts.hline(towns, color="#777", dash="dot", width=1))
    notes.append(dict(text=t("ro.chart.all_towns", n=towns), showarrow=False, x=0, xanchor="left", xref="x domain",
                      y=towns, yanchor="top", yref="y", font=dict(size=14, color="#555")))
    cut = pd.Timestamp(as_of)
    shapes.append(dict(type="line", x0=cut, x1=cut, xref="x", y0=0, y1=1, yref="y domain",
                       line=dict(color="#555", width=1)))
    fig.update_layout(shapes=shapes, annotations=notes, hovermode="x unified",
                      legend=dict(orientation="h", y=-0.12, yanchor="top", x=0, font=dict(size=15),
                                  traceorder="normal"),
                      yaxis=dict(title=t("ro.chart.y"), range=[0, towns * 1.14 + 0.5], dtick=2 if towns > 10 else 1),
                      xaxis=dict(dtick="M6", tickformat="%Y-%m", tickfont=dict(size=14)),
                      height=height, template="oversight", margin=dict(t=10, b=10, l=10, r=10))
    return fig


def burnup_rows(series: pd.DataFrame) -> pd.DataFrame:
    """The burn-up's rows for export: the phase in words, and covered / built only where
    counted (the months up to the cut-off)."""
    return series.assign(phase=[enum("rollout_phase", p) if isinstance(p, str) else None for p in series["phase"]],
                         projected=series["projected"].round(1))


BURNUP_COLUMNS = ["month", "covered", "built", "target", "phase", "towns", "projected"]


def burnup_labels() -> dict[str, str]:
    return {"month": t("word.month"), "covered": t("ro.chart.covered"), "built": t("ro.chart.built"),
            "target": t("ro.chart.target"), "phase": t("ro.col.phase"), "towns": t("ro.col.towns"),
            "projected": t("ro.chart.projected")}


# --- tiles ----------------------------------------------------------------------------

def tiles(towns: pd.DataFrame, height_per_row: int = 100) -> go.Figure:
    """One square per town, coloured by status, with the town's name and stage: readable
    from the back of a room. A click on a square selects its town (an outline marks it)."""
    n = len(towns)
    cols = min(TILE_COLUMNS, max(n, 1))
    rows = max(1, math.ceil(n / cols))
    fig = go.Figure()
    xs, ys, hover = [], [], []
    # Shapes and annotations go into the layout at once: added one by one, plotly validates
    # the whole list again each time (0.6 s for 50 towns on a warm rerun).
    shapes, notes = [], []
    for i, r in enumerate(towns.itertuples()):
        c, rr = i % cols, i // cols
        color = STATUS_COLORS[TONE[r.status]]
        shapes.append(dict(type="rect", x0=c + 0.04, x1=c + 0.96, y0=rr + 0.07, y1=rr + 0.93, fillcolor=color,
                           line=dict(width=0), layer="below"))
        ink = "#222" if r.status == "amber" else "white"
        stage = enum("site_stage", r.stage) if r.stage else t("ro.stage.none")
        notes.append(dict(x=c + 0.5, y=rr + 0.5, showarrow=False, align="center", font=dict(size=18, color=ink),
                          text=f"<b>{charts.plain_text(r.town)}</b><br><span style='font-size:15px'>{stage}</span>"))
        xs.append(c + 0.5)
        ys.append(rr + 0.5)
        site = charts.plain_text(r.site_name) if isinstance(r.site_name, str) else t("ro.stage.none")
        theme = f" · {charts.plain_text(r.theme)}" if isinstance(r.theme, str) else ""
        hover.append(f"{charts.plain_text(r.town)} · {t('ro.status.' + r.status)}<br>{site}{theme}")
    # An invisible square over each tile carries the town; selected, it shows as an outline.
    fig.add_scatter(x=xs, y=ys, mode="markers", customdata=list(towns["town"]), hovertext=hover, hoverinfo="text",
                    showlegend=False,
                    marker=dict(size=80, symbol="square-open", opacity=0, color="#111", line=dict(width=4)),
                    selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=0)))
    for status in ro.STATUSES:  # legend entries
        fig.add_scatter(x=[None], y=[None], mode="markers", name=t("ro.status." + status),
                        marker=dict(symbol="square", size=16, color=STATUS_COLORS[TONE[status]]))
    fig.update_xaxes(visible=False, range=[0, cols], fixedrange=True)
    fig.update_yaxes(visible=False, range=[rows, 0], fixedrange=True)
    fig.update_layout(shapes=shapes, annotations=notes)
    fig.update_layout(height=rows * height_per_row + 74, template="oversight", showlegend=True,
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, font=dict(size=15)),
                      margin=dict(l=0, r=0, t=64, b=0), plot_bgcolor="white", dragmode=False)
    return fig


# --- town table -----------------------------------------------------------------------

def town_rows(towns: pd.DataFrame) -> pd.DataFrame:
    """The town table as shown and exported: status, stage and checklist in words, blank
    dates as empty cells (the table used to show "None" for them)."""
    tick = {True: "✓", False: "✗"}
    return towns.assign(
        status_label=["● " + t("ro.status." + s) for s in towns["status"]],
        status_text=[t("ro.status." + s) for s in towns["status"]],
        stage_label=[enum("site_stage", s) if s else t("ro.stage.none") for s in towns["stage"]],
        tone=[TONE[s] for s in towns["status"]],
        site_name=towns["site_name"].fillna("—"), theme=towns["theme"].fillna("—"),
        **{c: [tick.get(v, "—") if v is not pd.NA else "—" for v in towns[c]] for c in ro.CHECKLIST},
        **{f"{c}_text": [d.isoformat() if d is not None and not pd.isna(d) else "" for d in towns[c]]
           for c in DATES},
    )


def town_columns(all_districts: bool) -> list[str]:
    """The town table's columns, in order (dates as text, so a blank one is an empty cell)."""
    return (["district"] if all_districts else []) + [
        "town", "status_label", "stage_label", "site_name", "theme", *(f"{c}_text" for c in DATES),
        *ro.CHECKLIST, "score", "sites"]


def town_labels() -> dict[str, str]:
    return {"district": t("word.district"), "town": t("word.town"), "status_label": t("ro.col.status"),
            "status_text": t("ro.col.status"), "stage_label": t("ro.col.stage"), "site_name": t("ro.col.site"),
            "theme": t("ro.col.theme"), **{f"{c}_text": t(f"ro.col.{c}") for c in DATES},
            **{c: t(f"ro.col.{c}") for c in (*DATES, *ro.CHECKLIST, "score", "sites")}}


# --- the station network --------------------------------------------------------------

def network(by_town: pd.DataFrame) -> go.Figure:
    """Stations per town, stacked by kind; a click on a bar selects its town."""
    fig = go.Figure()
    for i, kind in enumerate(NETWORK):
        label = enum("station_kind", kind.upper())
        fig.add_bar(y=by_town["town"], x=by_town[kind], name=label, orientation="h", marker_color=PALETTE[i],
                    customdata=by_town["town"], hovertemplate="%{y} · " + label + ": %{x}<extra></extra>")
    fig.update_layout(barmode="stack", height=max(320, 30 * len(by_town) + 110), template="oversight",
                      xaxis_title=t("si.net.count"),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, traceorder="normal"),
                      margin=dict(l=10, r=10, t=64, b=10))  # room for the legend under the tool bar
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def network_labels() -> dict[str, str]:
    return {"district": t("word.district"), "town": t("word.town"),
            **{k: enum("station_kind", k.upper()) for k in (*NETWORK, "practice_base", "practice_point")},
            "upgraded": t("si.col.upgraded")}
