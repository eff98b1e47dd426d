"""Drilling from a chart: a click (or box/lasso selection) on a chart's bars or cells
selects towns, categories or months; the page narrows its other parts to them, shows a
chip for each active selection with a button that clears them all, and offers the way
down: the town's profile (镇街画像) and its records (明细查询).

Usage on a page::

    sel = drill.Selection("mi")                 # one per page (its key prefix)
    picked = sel.chart(fig, "town")             # draws the chart; codes of selected points
    ...
    sel.bar(labels={"town": t("word.town")}, f=f, kind="micro_suggestions")

A chart's points carry their code in ``customdata`` (first element if a list). Plotly
selections cannot be set from Python, so clearing bumps a version that gives every
selectable chart of the page a new widget key.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.i18n import t
from ui.vega import PICK
from warehouse.filters import Filters

TOWN_PAGE = "views/town.py"
EXPLORE_PAGE = "views/explore.py"


def plain(text: str) -> str:
    """Data shown inside Markdown (st.markdown, a caption, an alert, a label) stays literal."""
    return re.sub(r"([\\`*_~\[\]<>#|$])", r"\\\1", text)


def badge_text(text: str) -> str:
    """Data shown in ``st.badge`` stays literal: :func:`plain` but for the brackets, which
    ``st.badge`` escapes itself (escaped twice, a bracket would be live again: a link)."""
    return re.sub(r"([\\`*_~<>#|$])", r"\\\1", text)


def town_params(f: Filters, town: str, district: str | None = None) -> dict[str, str]:
    """The query parameters of a town's profile (and of its records)."""
    p = {"district": district or f.district or "all", "town": town}
    if f.year is not None:
        p["year"] = str(f.year)
    if st.session_state.get("lang") == "en":
        p["lang"] = "en"
    return p


def town_links(f: Filters, town: str, district: str | None = None, kind: str | None = None,
               key: str = "") -> None:
    """Links to the town's profile and to its records (of ``kind``)."""
    params = town_params(f, town, district)
    with st.container(horizontal=True, gap="small", key=f"drill_links_{key}_{town}" if key else None):
        st.page_link(TOWN_PAGE, label=t("drill.open_town", town=town), icon=":material/location_on:",
                     query_params=params)
        if kind:
            st.page_link(EXPLORE_PAGE, label=t("drill.show_records"), icon=":material/table_rows:",
                         query_params={**params, "kind": kind})


class Selection:
    """The chart selections of one page."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._version_key = f"{prefix}_selection_version"
        st.session_state.setdefault(self._version_key, 0)
        self.picks: dict[str, list[str]] = {}

    @property
    def version(self) -> int:
        return st.session_state[self._version_key]

    def clear(self) -> None:
        st.session_state[self._version_key] += 1

    def chart(self, fig: go.Figure, dim: str, *, name: str | None = None, height: int | None = None) -> list[str]:
        """Draw ``fig`` so its points can be clicked; returns the selected codes of ``dim``
        (accumulated with other charts of the same dimension)."""
        fig.update_layout(clickmode="event+select")
        if height:
            fig.update_layout(height=height)
        state = st.plotly_chart(fig, width="stretch", on_select="rerun", selection_mode=("points", "box", "lasso"),
                                key=f"{self.prefix}_pick_{name or dim}_{self.version}")
        picked = self.picks.setdefault(dim, [])
        for point in state.selection.points:
            code = point.get("customdata")
            if isinstance(code, (list, tuple)):
                code = code[0] if code else None
            if code is not None and str(code) not in picked:
                picked.append(str(code))
        return list(picked)

    def vega(self, spec: dict, df: pd.DataFrame, dim: str, *, name: str | None = None) -> list[str]:
        """Draw a Vega-Lite chart of :mod:`ui.vega` whose rows can be clicked (its point
        selection ``vega.PICK`` on the field ``code``); returns the selected codes of
        ``dim``, as :meth:`chart` does."""
        state = st.vega_lite_chart(df, spec, width="stretch", theme=None, on_select="rerun", selection_mode=PICK,
                                   key=f"{self.prefix}_pick_{name or dim}_{self.version}")
        picked = self.picks.setdefault(dim, [])
        points = state.selection.get(PICK) if state is not None else None
        for point in points if isinstance(points, list) else ():
            code = point.get("code") if isinstance(point, dict) else None
            if code is not None and str(code) not in picked:
                picked.append(str(code))
        return list(picked)

    def get(self, dim: str) -> tuple[str, ...]:
        return tuple(self.picks.get(dim, ()))

    @property
    def active(self) -> list[tuple[str, str]]:
        return [(dim, code) for dim, codes in self.picks.items() for code in codes]

    def bar(self, f: Filters, labels: dict[str, str], fmt: Callable[[str, str], str] | None = None,
            kind: str | None = None) -> None:
        """Chips for the active selections, a clear button, and — when exactly one town
        is selected — the links to its profile and records. ``labels`` names each
        dimension; ``fmt(dim, code)`` shows a code (default: the code)."""
        active = self.active
        if not active:
            return
        with st.container(horizontal=True, vertical_alignment="center", key=f"{self.prefix}_chips"):
            st.markdown(t("drill.selected"))
            for dim, code in active:
                shown = fmt(dim, code) if fmt else code
                st.badge(badge_text(f"{labels.get(dim, dim)}：{shown}"), color="red", icon=":material/filter_alt:")
            st.button(t("drill.clear"), key=f"{self.prefix}_clear", icon=":material/close:", on_click=self.clear)
        towns = self.get("town")
        if len(towns) == 1:
            town_links(f, towns[0], kind=kind, key=self.prefix)
