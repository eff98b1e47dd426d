"""The evaluation pack as an Excel workbook: one sheet per slide of the storyline with the
data behind it, the filters and 数据截至 on top.

Each sheet: the slide's title, the stamp (filters · 数据截至), the slide's message, then the
KPI tiles as a small table (指标 / 数值 / 较上年 / 目标) and every frame of ``Slide.data``
as a titled block (its header bold, numbers as numbers, shares as percentages). The title
slide's sheet holds the written summary (工作总结), one paragraph per row. Text cells go
through the same formula-injection guard as every export (:func:`reports.tabular.neutralise`).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd

from reports import tabular
from reports.pack import Deck

PERCENT_HEADERS = ("占比", "满意率", "率")


def write_xlsx(deck: Deck, out: Path | str | IO[bytes]) -> list[str]:
    """Write the workbook; returns the sheet names in order (one per slide)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False, "remove_timezone": True})
    font = "Microsoft YaHei"
    title_fmt = wb.add_format({"bold": True, "font_size": 16, "font_name": font, "font_color": "#B71C1C"})
    stamp_fmt = wb.add_format({"font_color": "#555555", "font_name": font})
    msg_fmt = wb.add_format({"bold": True, "font_size": 12, "font_name": font})
    block_fmt = wb.add_format({"bold": True, "font_name": font, "font_color": "#1F4E79"})
    head_fmt = wb.add_format({"bold": True, "bg_color": "#F2E6E6", "bottom": 1, "font_name": font})
    text_fmt = wb.add_format({"font_name": font, "text_wrap": True, "valign": "top"})
    pct_fmt = wb.add_format({"num_format": "0.0%", "font_name": font})
    num_fmt = wb.add_format({"num_format": "#,##0.##", "font_name": font})
    names: list[str] = []
    taken: set[str] = set()
    try:
        for i, slide in enumerate(deck.slides, start=1):
            name = tabular.sheet_title(f"{i:02d} {slide.title.replace('“', '').replace('”', '')}", taken)
            names.append(name)
            ws = wb.add_worksheet(name)
            ws.set_column(0, 0, 26)
            ws.set_column(1, 12, 16)
            ws.write_string(0, 0, _t(slide.title), title_fmt)
            ws.write_string(1, 0, _t(deck.stamp), stamp_fmt)
            ws.write_string(2, 0, _t(slide.message), msg_fmt)
            r = 4
            if slide.key == "title":
                ws.set_column(0, 0, 120)
                ws.write_string(r, 0, "工作总结", block_fmt)
                r += 1
                for s in deck.summary:
                    ws.write_string(r, 0, _t(f"【{s.title}】{s.text}"), text_fmt)
                    ws.set_row(r, 15 * max(1, len(s.text) // 60 + 1))
                    r += 1
                continue
            if slide.kpis:
                ws.write_string(r, 0, "指标", block_fmt)
                r += 1
                for c, h in enumerate(("指标", "数值", "较上年", "目标")):
                    ws.write_string(r, c, h, head_fmt)
                r += 1
                for k in slide.kpis:
                    for c, v in enumerate((k.label, k.value, k.delta, k.target)):
                        if v:
                            ws.write_string(r, c, _t(v))
                    r += 1
                r += 1
            for block_title, frame in slide.data:
                r = _block(ws, r, block_title, frame, block_fmt, head_fmt, pct_fmt, num_fmt)
            ws.freeze_panes(3, 0)
    finally:
        wb.close()
    return names


def _t(s: str) -> str:
    return tabular._xml_text(str(tabular.neutralise(s)))


def _block(ws, r: int, title: str, frame: pd.DataFrame, block_fmt, head_fmt, pct_fmt, num_fmt) -> int:
    ws.write_string(r, 0, _t(title), block_fmt)
    r += 1
    cols = list(frame.columns)
    for c, h in enumerate(cols):
        ws.write_string(r, c, _t(str(h)), head_fmt)
    r += 1
    percent = [any(str(h).endswith(p) for p in PERCENT_HEADERS) for h in cols]
    for row in frame.itertuples(index=False):
        for c, v in enumerate(row):
            if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, c, float(v), pct_fmt if percent[c] else num_fmt)
            elif hasattr(v, "item") and not isinstance(v, str):
                ws.write_number(r, c, float(v.item()), pct_fmt if percent[c] else num_fmt)
            else:
                ws.write_string(r, c, _t(str(v)))
        r += 1
    return r + 1
