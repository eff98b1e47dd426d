"""Export buttons: the rows behind a chart or a table, as ``.xlsx`` and ``.csv``.

:func:`offer` draws the two download buttons. The file is made only when a button is
clicked (Streamlit's deferred download data), on the server, and streamed by the browser
as a file — a large export never passes through the page. The frame (or the batch
factory, for record-level exports) is kept in the session under ``_export:<key>`` so a
test can check that what would be downloaded equals what is on screen.

Every file carries, above the header, the filters and 数据截至 (:func:`meta_lines`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st

from reports import tabular
from ui import access
from ui.i18n import t
from warehouse.filters import Filters

Batches = Callable[[], Iterable[pd.DataFrame]]


def filters_text(f: Filters) -> str:
    """The filters in words: 区 清江浦区 · 年度 2023年 · 镇街 全部镇街."""
    district = f.district or t("filter.all_districts")
    year = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")
    towns = "、".join(f.towns) if f.towns else t("filter.towns_placeholder")
    return t("export.filters", district=district, year=year, towns=towns)


def meta_lines(f: Filters, extra: Iterable[str] = ()) -> list[str]:
    """The lines above an exported table: filters, 数据截至, export time, any extra."""
    as_of = f.as_of.isoformat() if f.as_of else "—"
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return [filters_text(f), t("export.as_of", date=as_of, now=now), *extra]


def file_stem(title: str, f: Filters) -> str:
    parts = [title, f.district or t("filter.all_districts")]
    if f.year is not None:
        parts.append(str(f.year))
    stem = "_".join(parts)
    return re.sub(r'[\\/:*?"<>|\s]+', "_", stem)[:120]


def _table(title: str, f: Filters, labels: dict[str, str], source: pd.DataFrame | Batches,
           columns: list[str] | None, extra: Iterable[str]) -> tabular.Table:
    if isinstance(source, pd.DataFrame):
        cols = columns or list(source.columns)
        batches: Iterable[pd.DataFrame] = [source]
    else:
        cols = list(columns or labels)
        batches = source()
    return tabular.Table(title, [(c, labels.get(c, c)) for c in cols], batches, meta_lines(f, extra))


def table_for(key: str) -> tabular.Table | None:
    """The table an export button of this session would write (for tests)."""
    spec = st.session_state.get(f"_export:{key}")
    return _table(*spec) if spec else None


def logged(who, key: str, title: str, fmt: str, f: Filters, make: Callable[[], bytes]) -> Callable[[], bytes]:
    """``make`` (a download's data function), writing the export to the audit log when it
    runs — when the button is pressed, outside the page's run, so the user is passed in."""
    def run() -> bytes:
        out = make()
        access.record_for(who, "export", {"key": key, "title": title, "format": fmt, "bytes": len(out)}, f=f)
        return out
    return run


def offer(key: str, title: str, f: Filters, source: pd.DataFrame | Batches, labels: dict[str, str] | None = None,
          columns: list[str] | None = None, extra: Iterable[str] = (), disabled: bool = False) -> None:
    """Two download buttons (Excel, CSV) for ``source``: a frame, or a function returning
    frames (batches) for exports too large to hold. ``labels`` maps column ids to the
    header shown; ``columns`` picks and orders them (default: all of the frame's)."""
    labels = labels or {}
    extra = tuple(extra)
    st.session_state[f"_export:{key}"] = (title, f, labels, source, columns, extra)
    stem = file_stem(title, f)
    who = access.current_user()

    def _made(fmt: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
        return logged(who, key, title, fmt, f, make)

    with st.container(horizontal=True, gap="small", key=f"export_{key}"):
        st.download_button(t("export.xlsx"), data=_made("xlsx", lambda: tabular.xlsx_bytes(
                               [_table(title, f, labels, source, columns, extra)])),
                           file_name=f"{stem}.xlsx", mime=tabular.XLSX_MIME, key=f"dl_xlsx_{key}", on_click="ignore",
                           icon=":material/download:", type="tertiary", disabled=disabled)
        st.download_button(t("export.csv"), data=_made("csv", lambda: tabular.csv_bytes(
                               _table(title, f, labels, source, columns, extra))),
                           file_name=f"{stem}.csv", mime=tabular.CSV_MIME, key=f"dl_csv_{key}", on_click="ignore",
                           icon=":material/download:", type="tertiary", disabled=disabled)
