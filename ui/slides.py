"""Deck parts (reports.pack) drawn in the app: a slide's chart as a Plotly figure in the
house template, in the large type of presentation mode."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from reports.pack import Chart
from ui.charts import PALETTE

SLIDE_FONT = 20


def chart_figure(chart: Chart, height: int = 520) -> go.Figure:
    """The chart of a slide, with the same series as the PowerPoint and PDF packs."""
    fig = go.Figure()
    for i, (name, values) in enumerate(chart.series):
        ys = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in values]
        color = PALETTE[i % len(PALETTE)]
        if chart.kind == "line":
            fig.add_trace(go.Scatter(x=chart.categories, y=ys, name=name, mode="lines+markers",
                                     line=dict(color=color, width=4, dash="dash" if i else "solid"),
                                     connectgaps=False))
        elif chart.kind == "bar":
            fig.add_trace(go.Bar(y=chart.categories, x=ys, name=name, orientation="h", marker_color=color,
                                 texttemplate="%{x:.0%}" if chart.percent else "%{x}", textposition="outside",
                                 cliponaxis=False))
        else:
            fig.add_trace(go.Bar(x=chart.categories, y=ys, name=name, marker_color=color,
                                 texttemplate="%{y:.0%}" if chart.percent else "%{y}",
                                 textposition="inside" if chart.kind == "stacked_column" else "outside",
                                 cliponaxis=False))
    fig.update_layout(template="oversight", height=height, font=dict(size=SLIDE_FONT),
                      barmode="stack" if chart.kind == "stacked_column" else "group",
                      title=dict(text=chart.title, font=dict(size=SLIDE_FONT + 4)),
                      margin=dict(l=10, r=30, t=90, b=10), showlegend=len(chart.series) > 1,
                      legend=dict(font=dict(size=SLIDE_FONT)))
    # The house template sets its own (screen-sized) tick and label fonts: a projector
    # needs them as large as the rest of the slide.
    fig.update_xaxes(tickfont=dict(size=SLIDE_FONT - 2), title_font=dict(size=SLIDE_FONT))
    fig.update_yaxes(tickfont=dict(size=SLIDE_FONT - 2), title_font=dict(size=SLIDE_FONT))
    fig.update_traces(textfont=dict(size=SLIDE_FONT - 2), selector=dict(type="bar"))
    if chart.kind == "bar":
        fig.update_yaxes(autorange="reversed")
        if chart.percent:
            fig.update_xaxes(tickformat=".0%", range=[0, 1.12])
    elif chart.percent:
        fig.update_yaxes(tickformat=".0%")
    return fig
