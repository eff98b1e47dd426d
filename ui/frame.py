"""The frame around every page: demo banner, notices, footer, and the guard that keeps
exceptions off a user's screen."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pandas as pd
import streamlit as st

from ui import data
from ui.charts import fmt_num
from ui.i18n import t
from warehouse.filters import Filters, OutOfScope, RecordsNotAllowed
from warehouse.frames import records  # noqa: F401 (the pages' frame.records)
from warehouse.queries import common

log = logging.getLogger("oversight")
_CONTROL_FLOW = ("RerunException", "StopException")
CARDS_FIRST = 12  # cards (four rows of three) drawn before the rest are asked for
LONG_LIST = 10  # entries of a long list of links drawn until the whole list is asked for
TABS_MAX = 12  # districts shown as tabs at most; beyond, one is picked from a list
SERIES_MAX = 12  # lines a chart draws at most, one per district; beyond, they are drawn as one
TABLE_MAX = 1_000  # rows a table on screen shows at most (all its rows travel to the browser)
OPTIONS_MAX = 200  # entries a list to pick from offers at most (a province has thousands of sessions)
RANKED_MAX = 60  # places a chart draws at most (a province's towns are tens of thousands)


@contextlib.contextmanager
def guard(what: str = "") -> Iterator[None]:
    """Run a part of a page; if it fails, say so in plain words and carry on with the
    rest of the page (Streamlit's own control flow passes through)."""
    try:
        yield
    except Exception as e:  # noqa: BLE001 - the point is to catch everything
        if type(e).__name__ in _CONTROL_FLOW:
            raise
        if isinstance(e, RecordsNotAllowed):  # record-level rows asked for by a role without them
            st.info(t("auth.records_hidden"), icon=":material/visibility_off:")
            return
        if isinstance(e, OutOfScope):  # a part that cannot be narrowed to the user's towns
            st.info(t("auth.out_of_scope"), icon=":material/visibility_off:")
            return
        log.exception("page part failed: %s", what)
        st.warning(t("error.query", reason=type(e).__name__), icon=":material/error:")


def current_filters() -> Filters:
    """The filters the router read from the sidebar for this run."""
    return st.session_state.get("_filters") or Filters()


def demo_banner(extra: str = "") -> None:
    """The demo-data banner (with ``extra``, e.g. that no sign-in is needed in demo mode)."""
    if data.get(common.is_demo):
        st.info(f"{t('demo.banner')} {extra}".strip(), icon=":material/science:")


def notices(messages: list[str]) -> None:
    for m in messages:
        st.warning(m, icon=":material/link_off:")


def footer(f: Filters) -> None:
    parts = []
    if f.as_of:
        parts.append(t("footer.as_of", date=f.as_of.isoformat()))
    else:
        parts.append(t("footer.no_data"))
    loaded = data.get(common.last_load)
    if loaded:
        parts.append(t("footer.loaded", time=loaded.strftime("%Y-%m-%d %H:%M")))
    if data.get(common.is_demo):
        parts.append(t("demo.badge"))
    st.divider()
    st.caption(" · ".join(parts))


def kpi(label: str, value: float | int | None, *, delta: float | int | None = None, delta_label: str = "",
        help_text: str = "", suffix: str = "", percent: bool = False, delta_color: str = "normal") -> None:
    """A KPI card: the value, the change and its definition as the tooltip."""
    shown = ("—" if value is None else f"{value * 100:.0f}%") if percent else fmt_num(value) + suffix
    d = None
    if delta is not None:
        d = (f"{delta * 100:+.0f} pp" if percent else f"{delta:+,}") + (f" {delta_label}" if delta_label else "")
    st.metric(label, shown, delta=d, help=help_text or None, delta_color=delta_color, border=True)


def first_by(df: pd.DataFrame, key: str, measure: str | None = None) -> tuple[pd.DataFrame, int]:
    """The rows of ``df`` whose ``key`` is among the :data:`RANKED_MAX` with the most of
    ``measure`` (summed over their rows; ties in ``df``'s order), or the first
    :data:`RANKED_MAX` keys in ``df``'s order without a ``measure``; and how many keys
    ``df`` holds. A chart of a province's tens of thousands of towns is neither readable
    nor fast (seconds to build, megabytes to send): it draws these and says so, while the
    export holds every row. The rows keep ``df``'s order."""
    keys = df[key]
    if measure is None:
        order = pd.Index(keys.drop_duplicates())
    else:
        order = df.groupby(key, sort=False)[measure].sum().sort_values(ascending=False, kind="stable").index
    if len(order) <= RANKED_MAX:
        return df, len(order)
    return df[keys.isin(set(order[:RANKED_MAX]))], len(order)


def table_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``df`` a table on screen shows: the first :data:`TABLE_MAX`, with a
    caption saying so when there are more. Every row of a table travels to the browser: a
    province's opinion list was 21 MB of a page. The export holds every row."""
    if len(df) <= TABLE_MAX:
        return df
    st.caption(t("word.table_first", n=f"{TABLE_MAX:,}", total=f"{len(df):,}"))
    return df.head(TABLE_MAX)


def head_or_all(rows: list, key: str) -> list:
    """The first :data:`LONG_LIST` of ``rows``, or all of them once the toggle ``key`` of
    :func:`show_all_toggle` is on. Each entry of such a list is several elements the
    browser draws (38 findings with their links cost 0.4 s of a visit on the reference
    machine); what is first is what matters most, and the export holds every row."""
    return rows if len(rows) <= LONG_LIST or st.session_state.get(key, False) else rows[:LONG_LIST]


def show_all_toggle(rows: list, key: str) -> None:
    """Below a list cut by :func:`head_or_all`: the toggle that shows all of it."""
    if len(rows) > LONG_LIST:
        st.toggle(t("word.show_all", n=len(rows)), key=key)
