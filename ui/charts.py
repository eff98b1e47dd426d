"""DataFrame -> plotly Figure, in one look for the whole app.

One template (``oversight``): a restrained palette with the congress red as accent, a
CJK-capable font stack, large enough type for a projector, Chinese number units (1.2万)
where they fit. Chart builders take tidy frames and labels; they never query.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ui.i18n import lang

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif'
RED = "#B71C1C"
PALETTE = ["#B71C1C", "#1F4E79", "#E0A100", "#2E7D32", "#6A1B9A", "#00838F", "#8D6E63", "#546E7A"]
STATUS_COLORS = {"met": "#2E7D32", "pending": "#E0A100", "missed": "#C62828", "none": "#9E9E9E"}
# Light backgrounds for status cells in tables (text stays dark and readable).
STATUS_FILLS = {"met": "#E3F1E4", "pending": "#FFF3D6", "missed": "#FBE2E2", "none": "#EEEEEE"}


def plain_text(value) -> str:
    """A stored text ready for a plotly label, hover or annotation: plotly reads ``<b>``,
    ``<br>``, ``<span style>`` and ``<a href>`` in those, so ``<``, ``>`` and ``&`` of a
    name become entities and the name is drawn as written."""
    return html.escape(str(value), quote=False)


# Beyond this many cells a table is shown without the status fills: pandas refuses to
# style more than 262,144 cells (styler.render.max_elements), and styling is slow well
# before that; the status stays in words ("● 未达标"). A province's towns are ~40,000 rows.
STYLED_CELLS_MAX = 100_000


def status_styler(df: pd.DataFrame, status_col: str, label_col: str):
    """A Styler that fills ``label_col`` by the status code in ``status_col`` (which is
    then hidden from view by the caller's column order); the frame itself, unstyled, when
    it has more than :data:`STYLED_CELLS_MAX` cells."""
    if df.size > STYLED_CELLS_MAX:
        return df
    fills = df[status_col].map(STATUS_FILLS).fillna("")

    def _style(col: pd.Series) -> list[str]:
        if col.name != label_col:
            return [""] * len(col)
        return [f"background-color: {c}; font-weight: 600" if c else "" for c in fills]

    return df.style.apply(_style, axis=0)
HEIGHT = 380

pio.templates["oversight"] = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=15, color="#222"),
        title=dict(font=dict(size=18), x=0, xanchor="left"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(showgrid=False, linecolor="#999", ticks="outside", automargin=True),
        yaxis=dict(gridcolor="#e6e6e6", zeroline=False, automargin=True, rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        margin=dict(l=10, r=10, t=40, b=10),
        hoverlabel=dict(font=dict(family=FONT)),
        separators=".,",
    )
)
pio.templates.default = "oversight"


def fmt_num(n: float | int | None, digits: int = 1) -> str:
    """A number for a card: 1,236 below ten thousand; 1.2万 (zh) / 12.3k (en) above."""
    if n is None or (isinstance(n, float) and n != n):
        return "—"
    if abs(n) >= 10000:
        if lang() == "zh":
            return f"{n / 10000:.{digits}f}万"
        return f"{n / 1000:,.{digits}f}k"
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,.{digits}f}"
    return f"{int(n):,}"


def fmt_pct(x: float | None, digits: int = 0) -> str:
    if x is None or x != x:
        return "—"
    return f"{x * 100:.{digits}f}%"


def _finish(fig: go.Figure, title: str | None, height: int = HEIGHT) -> go.Figure:
    """Title on its own line at the top, the legend below it, so they never overlap."""
    legend = fig.layout.showlegend is not False and len(fig.data) > 1
    # One layout update (each call validates again); the figure has the app's template
    # already (``pio.templates.default``): setting it again cost 3 ms a chart.
    if fig.layout.template.layout.font.family != FONT:
        fig.update_layout(template="oversight")
    if title:
        fig.update_layout(height=height, margin=dict(t=90 if legend else 50),
                          title=dict(text=title, y=0.98, yref="container", yanchor="top"))
    else:
        fig.update_layout(height=height, margin=dict(t=50 if legend else 20))
    return fig


def _finished(traces: list, layout: dict, title: str | None, height: int) -> go.Figure:
    """The figure of ``traces`` with ``layout`` and what :func:`_finish` adds, built in
    one go: every later change to a figure is validated again (a small chart took 12 ms
    built in steps, 4 ms at once). The app's template is the default."""
    legend = layout.get("showlegend") is not False and len(traces) > 1
    if title:
        layout = dict(layout, height=height, margin=dict(t=90 if legend else 50),
                      title=dict(text=title, y=0.98, yref="container", yanchor="top"))
    else:
        layout = dict(layout, height=height, margin=dict(t=50 if legend else 20))
    return go.Figure(traces, layout=layout)


def hline(y: float, *, color: str = "#888", dash: str = "dash", width: float | None = None) -> dict:
    """A horizontal line across the plot at ``y``, as a layout shape: what ``fig.add_hline``
    draws, for ``update_layout(shapes=[...])`` in one go (add_hline took 16 ms a line)."""
    line = dict(color=color, dash=dash) if width is None else dict(color=color, dash=dash, width=width)
    return dict(type="line", x0=0, x1=1, xref="x domain", y0=y, y1=y, yref="y", line=line)


def target_line(y: float, label: str) -> dict:
    """The layout of a dashed horizontal target line across the plot with its label at the
    top left (:func:`hline` and its annotation), for one ``update_layout``."""
    return dict(shapes=[hline(y)],
                annotations=[dict(text=label, showarrow=False, x=0, xanchor="left", xref="x domain",
                                  y=y, yanchor="bottom", yref="y")])


def bar(df: pd.DataFrame, x: str, y: str, *, color: str | None = None, title: str | None = None,
        x_title: str = "", y_title: str = "", horizontal: bool = False, barmode: str = "stack",
        color_map: dict[str, str] | None = None, category_order: list[str] | None = None,
        height: int = HEIGHT, text: bool = False) -> go.Figure:
    """A bar chart of tidy data; ``color`` splits bars into series."""
    groups = [(None, df)] if color is None else list(df.groupby(color, sort=False))
    traces = []
    for i, (name, part) in enumerate(groups):
        kwargs = dict(name=str(name) if name is not None else y_title,
                      marker_color=(color_map or {}).get(name, PALETTE[i % len(PALETTE)]))
        if text:
            kwargs["textposition"] = "auto"
        if horizontal:
            traces.append(go.Bar(x=part[y], y=part[x], orientation="h", text=part[y] if text else None, **kwargs))
        else:
            traces.append(go.Bar(x=part[x], y=part[y], text=part[y] if text else None, **kwargs))
    layout = dict(barmode=barmode, showlegend=color is not None)
    if horizontal:
        layout.update(xaxis_title=y_title, yaxis_title=x_title, yaxis_autorange="reversed")
        if category_order:
            layout.update(yaxis_categoryorder="array", yaxis_categoryarray=category_order)
    else:
        layout.update(xaxis_title=x_title, yaxis_title=y_title)
        if category_order:
            layout.update(xaxis_categoryorder="array", xaxis_categoryarray=category_order)
    return _finished(traces, layout, title, height)


def line(df: pd.DataFrame, x: str, y: str, *, color: str | None = None, title: str | None = None,
         x_title: str = "", y_title: str = "", percent: bool = False, height: int = HEIGHT,
         target: float | None = None, target_label: str = "") -> go.Figure:
    groups = [(None, df)] if color is None else list(df.groupby(color, sort=False))
    traces = [go.Scatter(x=part[x], y=part[y], mode="lines+markers", name=str(name) if name else y_title,
                         line=dict(width=3, color=PALETTE[i % len(PALETTE)]), marker=dict(size=8))
              for i, (name, part) in enumerate(groups)]
    layout = dict(xaxis_title=x_title, yaxis_title=y_title, showlegend=color is not None, xaxis_type="category")
    if target is not None:
        layout.update(target_line(target, target_label))
    if percent:
        layout.update(yaxis_tickformat=".0%", yaxis_range=[0, 1.05])
    return _finished(traces, layout, title, height)


def versus(x: list, values: list, reference: list, *, name: str, reference_name: str, title: str,
           percent: bool = False, height: int = 240) -> go.Figure:
    """A small line of ``values`` (the congress red) against a dashed ``reference`` (e.g.
    the district median), no legend, built in one go (a town's profile draws six)."""
    hover = "%{x}: " + ("%{y:.0%}" if percent else "%{y:,}") + "<extra>%{fullData.name}</extra>"
    traces = [go.Scatter(x=x, y=values, mode="lines+markers", name=name, line=dict(width=3, color=RED),
                         marker=dict(size=8), hovertemplate=hover),
              go.Scatter(x=x, y=reference, mode="lines+markers", name=reference_name,
                         line=dict(width=2, color=PALETTE[7], dash="dash"), marker=dict(size=6), hovertemplate=hover)]
    layout = dict(xaxis_title="", yaxis_title="", showlegend=False, xaxis_type="category")
    if percent:
        layout.update(yaxis_tickformat=".0%", yaxis_range=[0, 1.05])
    return _finished(traces, layout, title, height)


def heatmap(df: pd.DataFrame, x: str, y: str, z: str, *, title: str | None = None, x_title: str = "",
            y_title: str = "", y_order: list[str] | None = None, x_order: list | None = None,
            colorscale: str | list = "Reds", height: int | None = None, zero_label: str | None = None) -> go.Figure:
    """A town × month (or similar) grid; missing cells are empty, zeros are drawn."""
    grid = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum")
    if y_order:  # sets: a province's 40,000 towns made the list lookups quadratic (19 s)
        present, ordered = set(grid.index), set(y_order)
        grid = grid.reindex([v for v in y_order if v in present] + [v for v in grid.index if v not in ordered])
    if x_order:
        grid = grid.reindex(columns=x_order)
    trace = go.Heatmap(z=grid.values, x=[str(c) for c in grid.columns], y=list(grid.index), colorscale=colorscale,
                       hoverongaps=False, xgap=2, ygap=2, colorbar=dict(thickness=12))
    layout = dict(xaxis=dict(title=dict(text=x_title), type="category", showgrid=False),
                  yaxis=dict(title=dict(text=y_title), autorange="reversed", type="category"))
    return _finished([trace], layout, title, height or max(300, 26 * len(grid.index) + 120))


def sparkline(values: list[float], labels: list) -> go.Figure:
    """A tiny trend for a KPI card."""
    fig = go.Figure(go.Scatter(x=[str(v) for v in labels], y=values, mode="lines+markers",
                               line=dict(color=RED, width=2), marker=dict(size=5), hoverinfo="x+y"))
    fig.update_layout(height=70, margin=dict(l=0, r=0, t=4, b=0), showlegend=False,
                      xaxis=dict(visible=False, type="category"), yaxis=dict(visible=False))
    return fig
