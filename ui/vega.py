"""Vega-Lite charts in the app's look, for the pages that must load fastest.

The browser draws a Vega-Lite chart with the library Streamlit already loads for the KPI
cards' sparklines; a plotly chart makes it fetch and start plotly.js (3.7 MB) first, about
3 s of a cold page load on the 2-core reference machine (``python -m bench.browser_floor``).
So the overview — the page a leader opens first — draws its charts here; the analysts'
pages keep plotly (hover detail, box and lasso selection, the deck's image export).

Vega draws names as text, never as markup: no escaping as for plotly (``charts.plain_text``).
Builders return a spec and the (small, tidy) frame it draws; they never query.
"""

from __future__ import annotations

import pandas as pd

from ui.charts import FONT, PALETTE

PICK = "pick"  # the name of a chart's point selection (``drill.Selection.vega``)
INK = "#222"

CONFIG = {
    "font": FONT,
    "title": {"fontSize": 18, "fontWeight": 600, "anchor": "start", "color": INK, "offset": 12},
    "axis": {"labelFontSize": 14, "titleFontSize": 15, "labelColor": INK, "titleColor": INK,
             "titleFontWeight": "normal", "domainColor": "#999", "tickColor": "#999", "gridColor": "#e6e6e6"},
    "legend": {"orient": "top", "labelFontSize": 14, "title": None, "symbolStrokeWidth": 3},
    "view": {"stroke": None},
    "range": {"category": PALETTE},
}


def _fmt(percent: bool) -> str:
    return ".0%" if percent else ",d"


def ranked_bars(df: pd.DataFrame, *, place: str, value: str, code: str, text: str, title: str,
                value_title: str, percent: bool = False, color: str = PALETTE[1]) -> tuple[dict, pd.DataFrame]:
    """Places ranked as drawn (``df``'s order, top first): a bar each, a dot and the
    ``text`` at its end (a place at 0 has no bar but still its dot). A click anywhere on a
    place's row selects its ``code`` (the selection :data:`PICK`); the others fade."""
    shown = pd.DataFrame({"place": df[place].astype(str).tolist(), "value": df[value].astype(float).tolist(),
                          "code": df[code].astype(str).tolist(), "text": df[text].astype(str).tolist()})
    top = max(1.0, float(shown["value"].max()) if len(shown) else 1.0)
    lo, hi = -0.02 * top, top * 1.3
    faded = {"condition": {"param": PICK, "value": 1, "empty": True}, "value": 0.35}
    spec = {
        "title": {"text": title},
        "height": {"step": 26},
        "config": CONFIG,
        "encoding": {
            "y": {"field": "place", "type": "nominal", "sort": None, "title": None,
                  "axis": {"labelLimit": 240, "ticks": False, "domain": False}},
            "x": {"field": "value", "type": "quantitative", "title": value_title,
                  "scale": {"domain": [lo, hi], "nice": False},
                  "axis": {"format": _fmt(percent), "grid": True, "tickCount": 5}},
        },
        "layer": [
            {"mark": {"type": "bar", "color": color, "height": {"band": 0.5}},
             "encoding": {"x2": {"datum": 0}, "opacity": faded}},
            {"mark": {"type": "point", "filled": True, "size": 110, "color": color, "opacity": 1},
             "encoding": {"opacity": faded}},
            {"mark": {"type": "text", "align": "left", "dx": 9, "fontSize": 14, "color": INK},
             "encoding": {"text": {"field": "text"}}},
            # On top, invisible: each place's whole row, the click target and the tooltip.
            {"mark": {"type": "bar", "opacity": 0, "cursor": "pointer"},
             "params": [{"name": PICK, "select": {"type": "point", "fields": ["code"]}}],
             "encoding": {"x": {"datum": lo}, "x2": {"datum": hi},
                          "tooltip": [{"field": "place", "title": " "}, {"field": "text", "title": value_title}]}},
        ],
    }
    return spec, shown


def trend(df: pd.DataFrame, *, x: str, y: str, series: str, target: str | None, target_name: str, y_title: str,
          percent: bool = False) -> tuple[dict, pd.DataFrame]:
    """A measure over ``x`` (years) as a line with dots, named ``series`` in the legend,
    and — where ``target`` has values — the target as a dashed grey line beside it."""
    parts = [pd.DataFrame({"x": df[x].astype(str).tolist(), "value": df[y].astype(float).tolist(),
                           "series": series})]
    if target is not None and df[target].notna().any():
        parts.append(pd.DataFrame({"x": df[x].astype(str).tolist(), "value": df[target].astype(float).tolist(),
                                   "series": target_name}))
    shown = pd.concat(parts, ignore_index=True)
    names = list(dict.fromkeys(shown["series"]))
    y_axis = {"format": _fmt(percent), "tickCount": 5}
    spec = {
        "height": 260,
        "config": CONFIG,
        "encoding": {
            "x": {"field": "x", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": y_title, "axis": y_axis,
                  "scale": {"domain": [0, 1.05]} if percent else {"zero": True}},
            "color": {"field": "series", "type": "nominal", "sort": names,
                      "scale": {"domain": names, "range": [PALETTE[0], "#888"][:len(names)]},
                      "legend": {"orient": "top", "symbolType": "stroke"} if len(names) > 1 else None},
            "strokeDash": {"field": "series", "type": "nominal", "sort": names, "legend": None,
                           "scale": {"domain": names, "range": [[1, 0], [6, 4]][:len(names)]}},
            "tooltip": [{"field": "x", "title": " "}, {"field": "series", "title": " "},
                        {"field": "value", "type": "quantitative", "title": y_title, "format": _fmt(percent)}],
        },
        "layer": [
            {"mark": {"type": "line", "strokeWidth": 3}},
            {"mark": {"type": "point", "filled": True, "size": 70},
             "transform": [{"filter": {"field": "series", "equal": series}}]},
        ],
    }
    return spec, shown.dropna(subset=["value"])
