"""The evaluation pack as a PDF: the same :class:`reports.pack.Deck` as the slides, laid
out as a landscape A4 document for printing and for filing with an evaluation.

* **Page 1** is the cover and the written summary (工作总结): the title block (district,
  year and period, 数据截至, the filters) and ``deck.summary`` — one paragraph per section,
  with its title. The deck's title slide *is* this page, so it is not repeated.
* **One section per slide** of the storyline, each on a new page: the slide title, its
  message in large type, the KPI tiles (a table: label, value, delta, target and the
  status as a coloured bar and a word — colour is never the only signal), the chart drawn
  as vector graphics (``reportlab.graphics``), the table, and the KPIs' 统计口径 in
  small print (the same definitions the dashboard shows as tooltips).
* **Tables are printed whole** — every row, not only the slide's ``max_rows_on_slide`` —
  as a platypus ``LongTable`` with ``repeatRows=1``: a long table continues on the next
  page under a repeated header instead of being cut, and long cell texts wrap.
* **Every page** carries ``deck.stamp`` (the filters and 数据截至) and "第 n 页".
* **Chinese is real text**: one TrueType CJK font (WenQuanYi Micro Hei, Debian package
  ``fonts-wqy-microhei``) is registered and used for every string, including the chart
  labels. ReportLab embeds the used glyphs as a subset (``FontFile2``) with a ToUnicode map,
  so the PDF shows the same glyphs on any machine and its text extracts as Chinese.
  OpenType/CFF fonts (the ``.ttc`` files of Noto CJK) cannot be embedded by ReportLab;
  a Noto CJK ``.ttf`` is accepted as a fallback.

Nothing here queries the warehouse: the deck is the single source of every figure.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend, LineSwatch
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib import textsplit
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, LongTable, PageBreak, Paragraph,
                                SimpleDocTemplate, Spacer, Table, TableStyle)

from reports.pack import Chart, Deck, Kpi, Slide, SlideTable

# --------------------------------------------------------------------------------------
# Font
# --------------------------------------------------------------------------------------

FONT_NAME = "WQYMicroHei"
FONT_PACKAGE = "fonts-wqy-microhei"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
             Path.home() / ".fonts")
# In order of preference: (file name, subfont index). Only TrueType outlines embed; the
# Noto CJK .ttf files are the fallback (their usual .ttc/.otf are CFF and are skipped).
FONT_FILES = (("wqy-microhei.ttc", 0), ("NotoSansCJKsc-Regular.ttf", 0), ("NotoSansSC-Regular.ttf", 0),
              ("NotoSansCJK-Regular.ttf", 0), ("NotoSerifCJKsc-Regular.ttf", 0), ("NotoSansCJK*.ttf", 0),
              ("NotoSansSC*.ttf", 0))

_font_lock = threading.Lock()
_font: str | None = None


class FontNotFound(RuntimeError):
    pass


def find_cjk_font(dirs: Sequence[Path] = FONT_DIRS) -> TTFont:
    """The first installed TrueType CJK font of :data:`FONT_FILES` under ``dirs``, loaded
    (parsing it is what tells TrueType from CFF, so the parse is kept, not repeated);
    raises :class:`FontNotFound` naming the package to install."""
    for path, index in _candidates(dirs):
        name = FONT_NAME if path.name == "wqy-microhei.ttc" else "NotoSansCJK"
        try:
            return TTFont(name, str(path), subfontIndex=index)
        except (TTFError, OSError):
            continue  # CFF outlines ("postscript outlines are not supported"), unreadable, ...
    raise FontNotFound(
        "没有找到可嵌入 PDF 的中文 TrueType 字体（文泉驿微米黑）。请安装 Debian/Ubuntu 软件包 "
        f"{FONT_PACKAGE}（apt-get install {FONT_PACKAGE}），或放入 Noto Sans CJK 的 .ttf 文件。"
        f" No TrueType CJK font found under {', '.join(str(d) for d in dirs)}: install the Debian package "
        f"{FONT_PACKAGE}.")


def _candidates(dirs: Sequence[Path]):
    seen: set[Path] = set()
    for d in dirs:  # the usual place first, without walking the font tree
        p = d / "truetype" / "wqy" / "wqy-microhei.ttc"
        if p.is_file():
            seen.add(p)
            yield p, 0
    for name, index in FONT_FILES:
        for d in dirs:
            if d.is_dir():
                for p in sorted(d.rglob(name)):
                    if p not in seen:
                        seen.add(p)
                        yield p, index


def cjk_font() -> str:
    """The registered name of the CJK font, registering it on first use (once per process:
    parsing the 5 MB font file is the slowest step of a PDF)."""
    global _font
    with _font_lock:
        if _font is None:
            font = find_cjk_font()
            pdfmetrics.registerFont(font)
            _font = font.fontName
        return _font


# ReportLab's CJK line breaking keeps "。" and "、" off the start of a line, but not the
# full-width "，；：！？）》」』】" of Chinese text; with them added, a line never begins with a
# comma — the comma hangs at the end of the line before instead (标点悬挂, ink well inside the
# padding). The list only grows, so the change is harmless to any other ReportLab user.
_NO_LINE_START = "，；：！？）》」』】〉”’…"


def _keep_punctuation_off_line_starts() -> None:
    # paragraph.py binds its own copy of the name at import, so both modules are updated.
    for module in (textsplit, rl_paragraph):
        missing = "".join(c for c in _NO_LINE_START if c not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing


_keep_punctuation_off_line_starts()


# --------------------------------------------------------------------------------------
# Look
# --------------------------------------------------------------------------------------

PAGE = landscape(A4)
MARGIN_X = 15 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 13.5 * mm
FRAME_PAD = 6  # SimpleDocTemplate's frame pads its content by 6 pt on each side
WIDTH = PAGE[0] - 2 * MARGIN_X - 2 * FRAME_PAD

ACCENT = colors.HexColor("#B71C1C")
PALETTE = [colors.HexColor(c) for c in ("#B71C1C", "#1F4E79", "#E0A100", "#2E7D32", "#6A1B9A", "#00838F")]
BLUE = colors.HexColor("#1F4E79")
INK = colors.HexColor("#212121")
GREY = colors.HexColor("#616161")
LIGHT = colors.HexColor("#E0E0E0")
ZEBRA = colors.HexColor("#F7F7F7")
TILE = colors.HexColor("#FAFAFA")
STATUS_COLOURS = {"met": colors.HexColor("#2E7D32"), "pending": colors.HexColor("#E0A100"),
                  "missed": colors.HexColor("#C62828")}
STATUS_WORDS = {"met": "达标", "pending": "尚未达到", "missed": "未达标"}
# Text on the status colour: white on green and red; dark on amber (white would be unreadable).
STATUS_INK = {"met": "#FFFFFF", "pending": "#212121", "missed": "#FFFFFF"}
# A status word as text on white: amber #E0A100 is too light to read there, so a darker amber.
STATUS_TEXT = {"met": "#2E7D32", "pending": "#9E7100", "missed": "#C62828"}
# Status words as the deck's tables print them, coloured the same way as the tiles.
TABLE_STATUS = {"达标": "met", "正常": "met", "尚未达到": "pending", "进度滞后": "pending", "未达标": "missed"}

TILES_PER_ROW = 6
TILE_GAP = 8


class Styles:
    def __init__(self, font: str) -> None:
        def s(name: str, size: float, leading: float, color=INK, **kw) -> ParagraphStyle:
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, textColor=color,
                                  wordWrap="CJK", alignment=TA_LEFT, **kw)

        self.font = font
        self.cover_title = s("cover_title", 26, 34, ACCENT, spaceAfter=4)
        self.cover_sub = s("cover_sub", 14, 20, INK, spaceAfter=8)
        self.meta = s("meta", 10, 15, GREY)
        self.summary_head = s("summary_head", 16, 22, ACCENT, spaceBefore=6, spaceAfter=4)
        self.section_title = s("section_title", 11, 17, BLUE)
        self.body = s("body", 10.5, 16, INK)
        self.h1 = s("h1", 20, 26, ACCENT, spaceAfter=2)
        self.message = s("message", 15, 21, INK, spaceAfter=8)
        self.h2 = s("h2", 11, 15, BLUE, spaceBefore=4, spaceAfter=4)
        self.cell = s("cell", 8.5, 11.5, INK)
        self.cell_head = s("cell_head", 8.5, 11.5, colors.white)
        self.small = s("small", 7.5, 10.5, GREY)
        self.tile_label = s("tile_label", 8.5, 11, GREY)
        self.tile_value = s("tile_value", 17, 22, INK)
        self.tile_line = s("tile_line", 8, 11, GREY)
        self.empty = s("empty", 10, 14, GREY)


# --------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------

class _Doc(SimpleDocTemplate):
    """A SimpleDocTemplate that turns headings into PDF bookmarks (the outline pane)."""

    def afterFlowable(self, flowable: Flowable) -> None:
        title = getattr(flowable, "outline_title", None)
        if title:
            key = f"s{self.page}-{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=0)


def write_pdf(deck: Deck, out: Path | BinaryIO) -> None:
    """Render ``deck`` as a landscape A4 PDF into a file path or a binary stream."""
    font = cjk_font()
    st = Styles(font)
    title = _deck_title(deck)
    doc = _Doc(str(out) if isinstance(out, (str, os.PathLike)) else out, pagesize=PAGE,
               leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
               title=title, author="人大履职看板", subject=deck.stamp, creator="人大履职看板 reports/pdf_pack.py",
               lang="zh-CN", initialFontName=font)  # no Helvetica anywhere, not even unused

    def on_page(canv, d) -> None:
        _stamp_page(canv, d, font, title, deck.stamp)

    story: list[Flowable] = _cover(deck, st, title)
    for slide in deck.slides:
        if slide.key == "title":
            continue  # the cover is the title slide
        story.append(PageBreak())
        story += _slide(slide, st)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


def _deck_title(deck: Deck) -> str:
    first = deck.slides[0] if deck.slides else None
    return first.title if first is not None and first.key == "title" else f"{deck.district}履职工作汇报"


def _period(deck: Deck) -> str:
    """全年 for a finished year, 1月—10月 for the months the data covers so far."""
    if deck.as_of is None or deck.as_of >= dt.date(deck.year, 12, 31):
        return "全年"
    if deck.as_of.year == deck.year:
        return f"1月—{deck.as_of.month}月"
    return "—"  # the data ends before the year begins


def _stamp_page(canv, doc, font: str, title: str, stamp: str) -> None:
    """The running header (title) and footer (the stamp and 第 n 页), aligned with the text."""
    w, h = PAGE
    x0, x1 = MARGIN_X + FRAME_PAD, w - MARGIN_X - FRAME_PAD
    canv.saveState()
    top = h - MARGIN_TOP + 5.5 * mm
    canv.setFont(font, 9)
    canv.setFillColor(ACCENT)
    canv.drawString(x0, top + 2, title)
    canv.setFillColor(GREY)
    canv.drawRightString(x1, top + 2, "人大履职看板 · 评估材料")
    canv.setStrokeColor(ACCENT)
    canv.setLineWidth(1.2)
    canv.line(x0, top - 2, x1, top - 2)
    bottom = MARGIN_BOTTOM - 7 * mm
    canv.setStrokeColor(LIGHT)
    canv.setLineWidth(0.6)
    canv.line(x0, bottom + 11, x1, bottom + 11)
    canv.setFont(font, 8.5)
    canv.setFillColor(GREY)
    page = f"第 {doc.page} 页"
    room = x1 - x0 - canv.stringWidth(page, font, 8.5) - 20
    canv.drawString(x0, bottom, fit_stamp(stamp, font, 8.5, room))
    canv.drawRightString(x1, bottom, page)
    canv.restoreState()


def fit_stamp(stamp: str, font: str, size: float, width: float) -> str:
    """``stamp`` within ``width``: a stamp naming 40 towns loses towns from its middle (…),
    never its last part — 数据截至 — nor its first (the district)."""
    if pdfmetrics.stringWidth(stamp, font, size) <= width:
        return stamp
    head, sep, tail = stamp.rpartition(" · ")
    if not sep:
        head, tail = stamp, ""
    tail = sep + tail
    room = width - pdfmetrics.stringWidth("…" + tail, font, size)
    while head and pdfmetrics.stringWidth(head, font, size) > room:
        head = head[:-1]
    return head + "…" + tail


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


# --------------------------------------------------------------------------------------
# Page 1: cover and 工作总结
# --------------------------------------------------------------------------------------

def _cover(deck: Deck, st: Styles, title: str) -> list[Flowable]:
    first = deck.slides[0] if deck.slides and deck.slides[0].key == "title" else None
    head = _p(title, st.cover_title)
    head.outline_title = "封面与工作总结"
    out: list[Flowable] = [head]
    if first is not None and first.message:
        out.append(_p(first.message, st.cover_sub))
    as_of = f"{deck.as_of:%Y-%m-%d}" if deck.as_of else "—"
    def item(label: str, value: str) -> Paragraph:
        return Paragraph(f'<font color="#616161">{escape(label)}</font>　{escape(value)}', st.body)

    # District, year and 数据截至 on one line; the filters below, the full width (a list
    # of chosen towns can be long).
    cells = [[item("区", deck.district), item("年度", f"{deck.year}年（{_period(deck)}）"), item("数据截至", as_of)],
             [item("筛选条件", deck.filters_text), "", ""]]
    t = Table(cells, colWidths=[WIDTH * 0.25, WIDTH * 0.3, WIDTH * 0.45], hAlign="LEFT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.font), ("SPAN", (0, 1), (-1, 1)),
                           ("LINEABOVE", (0, 0), (-1, 0), 1.2, ACCENT), ("LINEBELOW", (0, -1), (-1, -1), 0.6, LIGHT),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 4),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    out += [t, Spacer(1, 6), _p("工作总结", st.summary_head)]
    if not deck.summary:
        out.append(_p("本期暂无可总结的履职记录。", st.empty))
        return out
    rows = [[_p(s.title, st.section_title), _p(s.text, st.body)] for s in deck.summary]
    # The title column as wide as the longest title (one line each), within reason.
    title_w = min(WIDTH * 0.25, 10 + max(pdfmetrics.stringWidth(s.title, st.font, st.section_title.fontSize)
                                          for s in deck.summary))
    t = Table(rows, colWidths=[title_w, WIDTH - title_w], hAlign="LEFT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.font), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (0, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                           ("LINEBELOW", (0, 0), (-1, -2), 0.5, LIGHT)]))
    out.append(t)
    return out


# --------------------------------------------------------------------------------------
# One slide
# --------------------------------------------------------------------------------------

def _slide(slide: Slide, st: Styles) -> list[Flowable]:
    head = _p(slide.title, st.h1)
    head.outline_title = slide.title
    out: list[Flowable] = [head]
    if slide.message:
        out.append(_p(slide.message, st.message))
    if slide.kpis:
        out += [_tiles(slide.kpis, st), Spacer(1, 8)]
    table, table_h = _table_block(slide.table, st) if slide.table is not None else ([], 0.0)
    notes, notes_h, notes_start = _definitions(slide.kpis, st)
    if slide.chart is not None:
        # The chart gives up height (down to a minimum) so that a short table and the
        # start of the definitions still fit under it (the small print may run on); it
        # takes more when a long table is going to start on the next page anyway.
        short = table_h if table_h <= SHORT_TABLE else 0.0
        reserves = (short + notes_h, short + notes_start, notes_start)
        follows = min(table_h, TABLE_START) if table else 0.0
        out.append(FittedChart(slide.chart, st, reserves, follows))
    return out + table + notes


def _definitions(kpis: list[Kpi], st: Styles) -> tuple[list[Flowable], float, float]:
    """The KPIs' 统计口径 in small print; their height, and that of the heading with the
    first lines (kept together; a long list may run on to the next page)."""
    definitions = list(dict.fromkeys(k.definition for k in kpis if k.definition))
    if not definitions:
        return [], 0.0, 0.0
    head = _p("统计口径", st.h2)
    lines = [_p(f"· {d}", st.small) for d in definitions]
    heights = [p.wrap(WIDTH, PAGE[1])[1] for p in lines]
    start = 4 + head.wrap(WIDTH, PAGE[1])[1] + st.h2.spaceBefore + st.h2.spaceAfter + sum(heights[:2])
    return [Spacer(1, 4), KeepTogether([head] + lines[:2])] + lines[2:], start + sum(heights[2:]), start


def _tiles(kpis: list[Kpi], st: Styles) -> Table:
    """KPI tiles as one table: tiles in the even columns, narrow gap columns between;
    each tile has a status bar on top (grey without a target)."""
    per_row = TILES_PER_ROW
    tile_w = (WIDTH - (per_row - 1) * TILE_GAP) / per_row
    rows: list[list[object]] = []
    style: list[tuple] = [("FONTNAME", (0, 0), (-1, -1), st.font), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 7),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 5), ("TOPPADDING", (0, 0), (-1, -1), 6),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    n_rows = math.ceil(len(kpis) / per_row)
    for r in range(n_rows):
        if r:
            rows.append([""] * (2 * per_row - 1))  # a gap row
        row: list[object] = []
        tr = 2 * r
        for c, k in enumerate(kpis[r * per_row:(r + 1) * per_row]):
            if c:
                row.append("")
            row.append(_tile(k, st, tile_w - 12))  # less the cell's padding
            col = 2 * c
            bar = STATUS_COLOURS.get(k.status, colors.HexColor("#BDBDBD"))
            style += [("BACKGROUND", (col, tr), (col, tr), TILE), ("BOX", (col, tr), (col, tr), 0.5, LIGHT),
                      ("LINEABOVE", (col, tr), (col, tr), 3, bar)]
        row += [""] * (2 * per_row - 1 - len(row))
        rows.append(row)
    widths = [tile_w if i % 2 == 0 else TILE_GAP for i in range(2 * per_row - 1)]
    heights = [None if i % 2 == 0 else TILE_GAP for i in range(len(rows))]
    t = Table(rows, colWidths=widths, rowHeights=heights, hAlign="LEFT")
    t.setStyle(TableStyle(style))
    return t


def _tile(k: Kpi, st: Styles, width: float) -> list[Flowable]:
    # The value on one line: a long one ("1,234,567人次") in smaller type rather than broken.
    size = st.tile_value.fontSize
    while size > 10 and pdfmetrics.stringWidth(k.value, st.font, size) > width:
        size -= 1
    value = ParagraphStyle("tile_value_fit", parent=st.tile_value, fontSize=size, leading=st.tile_value.leading)
    cell: list[Flowable] = [_p(k.label, st.tile_label), _p(k.value, value)]
    cell.append(_p(k.delta or " ", st.tile_line))
    line = escape(k.target)
    if k.status in STATUS_COLOURS:
        chip = (f'<font backColor="{STATUS_COLOURS[k.status].hexval().replace("0x", "#")}" '
                f'color="{STATUS_INK[k.status]}">&nbsp;{STATUS_WORDS[k.status]}&nbsp;</font>')
        line = f"{line}&nbsp;&nbsp;{chip}" if line else chip
    cell.append(Paragraph(line or "&nbsp;", st.tile_line))
    return cell


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------

CHART_HEIGHT = 205  # preferred height of a column or line chart, legend included
CHART_MIN = 120
CHART_MAX = 300
SHORT_TABLE = 200  # a table up to this high is kept on the chart's page if it can be
TABLE_START = 150  # a longer table starts on the page only with this much room left
LABEL_SIZE = 8
LEGEND_H = 20


class FittedChart(Flowable):
    """The chart's caption and drawing, sized when platypus places it: the preferred
    height if the page has room for it and for the first of ``reserves`` (points of what
    follows, most wanted first) that can be kept, shrinking down to a minimum for it; the
    full page when a table of which ``follows`` points must fit starts overleaf anyway."""

    def __init__(self, chart: Chart, st: Styles, reserves: Sequence[float] = (), follows: float = 0.0) -> None:
        super().__init__()
        caption = escape(chart.title)
        if chart.y_title:
            caption += f'<font color="#616161" size="9">（单位：{escape(chart.y_title)}）</font>'
        elif chart.percent:
            caption += '<font color="#616161" size="9">（%）</font>'
        self.caption = Paragraph(caption, st.h2)
        self.chart, self.font, self.reserves, self.follows = chart, st.font, reserves, follows
        self.series = _drawable_series(chart)
        self.empty = None if self.series else _p("本期暂无数据。", st.empty)
        self.preferred, self.minimum = _chart_heights(chart, self.series, st.font)
        self.drawing: Drawing | None = None
        self.spaceAfter = 6

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        _, ch = self.caption.wrap(aW, aH)
        self._caption_h = ch + self.caption.style.spaceBefore + self.caption.style.spaceAfter
        if self.empty is not None:
            self._body_h = self.empty.wrap(aW, aH)[1] + 4
        else:
            room = aH - self._caption_h - self.spaceAfter
            h = self.preferred
            for reserve in self.reserves:
                if room - reserve - 2 >= self.minimum:  # 2 pt for rounding in what follows
                    h = min(self.preferred, room - reserve - 2)
                    break
            if self.follows and room - h < self.follows and self.chart.kind != "bar":
                h = max(h, min(CHART_MAX, room))  # the table starts overleaf: use the page
            self.drawing = chart_drawing(self.chart, aW, h, self.font)
            self._body_h = h
        self.width, self.height = aW, self._caption_h + self._body_h
        return self.width, self.height

    def draw(self) -> None:
        st = self.caption.style
        self.caption.drawOn(self.canv, 0, self.height - st.spaceBefore - self.caption.height)
        if self.empty is not None:
            self.empty.drawOn(self.canv, 0, self._body_h - self.empty.height)
        elif self.drawing is not None:
            self.drawing.drawOn(self.canv, 0, 0)


def _drawable_series(chart: Chart) -> list[tuple[str, list[float | None]]]:
    series = [(name, _values(vals)) for name, vals in chart.series]
    series = [(name, vals) for name, vals in series if any(v is not None for v in vals)]  # all-NaN: left out
    return series if chart.categories else []


def _chart_heights(chart: Chart, series, font: str) -> tuple[float, float]:
    """(preferred, minimum) drawing height: a bar chart grows with its categories."""
    if chart.kind == "bar":
        plot = (9 * len(series) + 8) * len(chart.categories)
        extra = LEGEND_H + 24
        return extra + max(80, min(400, plot)), extra + max(60, min(150, plot * 0.6))
    return CHART_HEIGHT, CHART_MIN


def _values(values: Sequence[float]) -> list[float | None]:
    """NaN (no value) becomes None, which ReportLab leaves out (no bar, no point)."""
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


def _nice_scale(vmax: float, integer: bool) -> tuple[float, float]:
    """(axis maximum, step) with about five steps; integer steps for counts."""
    if not vmax or vmax <= 0:
        return (5.0, 1.0) if integer else (1.0, 0.2)
    raw = vmax / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if integer:
        step = max(1.0, math.ceil(step))
    top = math.ceil(vmax / step) * step
    if vmax / top > 0.93:  # room above the highest bar for its label
        top += step
    return float(top), float(step)


def _fmt_value(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.1f}%"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _legend(pairs: list[tuple[object, str]], font: str, x: float, y: float) -> Legend:
    lg = Legend()
    lg.x, lg.y = x, y
    lg.boxAnchor = "nw"
    lg.columnMaximum = 1
    lg.alignment = "right"
    lg.fontName = font
    lg.fontSize = 8.5
    lg.dx = lg.dy = 8
    lg.dxTextSpace = 4
    lg.autoXPadding = 14
    lg.variColumn = True  # each entry as wide as its name, not as the widest
    lg.strokeWidth = 0
    lg.strokeColor = None
    lg.colorNamePairs = pairs
    return lg


def chart_drawing(chart: Chart, width: float, height: float, font: str) -> Drawing | None:
    """``chart`` as a vector drawing of ``width`` × ``height``; None when there is nothing
    to draw (no categories, or every value missing)."""
    series = _drawable_series(chart)
    if not series:
        return None
    if chart.kind == "bar":
        return _horizontal_bars(chart, series, width, height, font)
    if chart.kind == "line":
        return _lines(chart, series, width, height, font)
    return _vertical_bars(chart, series, width, height, font, stacked=chart.kind == "stacked_column")


def _value_axis(axis, vmax: float, percent: bool, font: str) -> None:
    top, step = (1.0, 0.2) if percent else _nice_scale(vmax, integer=True)
    axis.valueMin, axis.valueMax, axis.valueStep = 0, top, step
    axis.labels.fontName = font
    axis.labels.fontSize = LABEL_SIZE
    axis.labels.fillColor = GREY
    axis.labelTextFormat = (lambda v: f"{v * 100:.0f}%") if percent else (lambda v: f"{v:,.0f}")
    axis.strokeColor = LIGHT
    axis.visibleGrid = True
    axis.gridStrokeColor = colors.HexColor("#EEEEEE")
    axis.gridStrokeWidth = 0.6
    axis.visibleTicks = False


def _category_labels(names: list[str], slot: float, font: str, thin: bool) -> tuple[list[str], float, int]:
    """How to print category names in slots ``slot`` wide: (names, font size, angle). Level
    at 8 pt, else at 7 pt; then a time axis (``thin``) keeps every n-th name, and a list of
    towns or departments — where every name counts — slants them at 45°."""
    for size in (LABEL_SIZE, LABEL_SIZE - 1):
        if max(pdfmetrics.stringWidth(n, font, size) for n in names) + 4 <= slot:
            return names, size, 0
    if not thin and slot >= 1.6 * LABEL_SIZE:
        return names, LABEL_SIZE, 45
    widest = max(pdfmetrics.stringWidth(n, font, LABEL_SIZE) for n in names) + 6
    step = max(1, math.ceil(widest / slot))
    return [n if i % step == 0 else "" for i, n in enumerate(names)], LABEL_SIZE, 0


def _vertical_bars(chart: Chart, series, width: float, height: float, font: str, stacked: bool) -> Drawing:
    n = len(chart.categories)
    names, size, angle = _category_labels(list(chart.categories), (width - 52) / n, font, thin=False)
    bottom = 16
    if angle:
        bottom = 10 + max(pdfmetrics.stringWidth(c, font, size) for c in names) * 0.72
    d = Drawing(width, height, initialFontName=font)
    bc = VerticalBarChart()
    bc.x, bc.y = 44, bottom
    bc.width, bc.height = width - bc.x - 8, height - bottom - LEGEND_H - 8
    bc.data = [vals for _, vals in series]
    bc.categoryAxis.categoryNames = names
    bc.categoryAxis.style = "stacked" if stacked else "parallel"
    bc.categoryAxis.strokeColor = GREY
    bc.categoryAxis.visibleTicks = False
    lab = bc.categoryAxis.labels
    lab.fontName, lab.fontSize, lab.fillColor = font, size, INK
    if angle:
        lab.angle, lab.boxAnchor, lab.dx, lab.dy = angle, "ne", 2, -2
    else:
        lab.boxAnchor, lab.dy = "n", -3
    if stacked:
        totals = [sum(v or 0 for v in col) for col in zip(*bc.data)]
        vmax = max(totals)
    else:
        vmax = max(v for vals in bc.data for v in vals if v is not None)
    _value_axis(bc.valueAxis, vmax, chart.percent, font)
    bc.groupSpacing = 6 if len(series) > 1 else 10
    bc.barSpacing = 1
    for i in range(len(series)):
        bc.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        bc.bars[i].strokeColor = None
        bc.bars[i].strokeWidth = 0
    bars = n * (1 if stacked else len(series))
    if not stacked and bars <= 60:
        # A zero is labelled: "0 工作评议会" is often the finding; a missing value is not.
        bc.barLabelFormat = lambda v: "" if v is None else _fmt_value(v, chart.percent)
        bc.barLabels.fontName = font
        bc.barLabels.fontSize = 6.5 if bars > 30 else 7.5
        bc.barLabels.fillColor = GREY
        bc.barLabels.boxAnchor = "s"
        bc.barLabels.nudge = 1.5
    d.add(bc)
    d.add(_legend([(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)], font, 0, height - 2))
    if stacked:  # the total above each stack
        step = bc.width / n
        for i, tot in enumerate(totals):
            if tot:
                x = bc.x + step * (i + 0.5)
                y = bc.y + bc.height * tot / bc.valueAxis.valueMax + 2
                d.add(String(x, y, _fmt_value(tot, chart.percent), fontName=font, fontSize=7.5, fillColor=GREY,
                             textAnchor="middle"))
    return d


def _horizontal_bars(chart: Chart, series, width: float, height: float, font: str) -> Drawing:
    plot_h = height - LEGEND_H - 24
    d = Drawing(width, height, initialFontName=font)
    bc = HorizontalBarChart()
    left = max(pdfmetrics.stringWidth(c, font, LABEL_SIZE) for c in chart.categories) + 12
    bc.x, bc.y = left, 16
    bc.width, bc.height = width - left - 40, plot_h
    # The first category on top, as read; within a category, the first series on top (a
    # horizontal chart stacks a group's bars upwards, so the series go in reversed).
    bc.data = [vals for _, vals in reversed(series)]
    bc.categoryAxis.categoryNames = list(chart.categories)
    bc.categoryAxis.reverseDirection = True
    bc.categoryAxis.strokeColor = GREY
    bc.categoryAxis.visibleTicks = False
    size = max(5.0, min(LABEL_SIZE, 0.85 * plot_h / len(chart.categories)))  # many categories: smaller
    lab = bc.categoryAxis.labels
    lab.fontName, lab.fontSize, lab.fillColor = font, size, INK
    lab.boxAnchor, lab.dx = "e", -4
    vmax = max(v for vals in bc.data for v in vals if v is not None)
    _value_axis(bc.valueAxis, vmax, chart.percent, font)
    bc.valueAxis.labels.boxAnchor = "n"
    bc.groupSpacing = 6
    bc.barSpacing = 1
    for i in range(len(series)):
        bc.bars[i].fillColor = PALETTE[(len(series) - 1 - i) % len(PALETTE)]
        bc.bars[i].strokeColor = None
        bc.bars[i].strokeWidth = 0
    bc.barLabelFormat = lambda v: "" if v is None else _fmt_value(v, chart.percent)
    bc.barLabels.fontName = font
    bc.barLabels.fontSize = min(7.5, size)
    bc.barLabels.fillColor = GREY
    bc.barLabels.boxAnchor = "w"
    bc.barLabels.nudge = 3
    d.add(bc)
    d.add(_legend([(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)], font, 0, height - 2))
    return d


class _LineKey(LineSwatch):
    """A legend key for a line: a stroke through the middle of the swatch box."""

    def draw(self) -> Line:
        y = self.y + self.height / 2
        return Line(self.x, y, self.x + self.width, y, strokeColor=self.strokeColor, strokeWidth=self.strokeWidth,
                    strokeDashArray=self.strokeDashArray)


def _lines(chart: Chart, series, width: float, height: float, font: str) -> Drawing:
    n = len(chart.categories)
    d = Drawing(width, height, initialFontName=font)
    lc = HorizontalLineChart()
    lc.x, lc.y = 44, 16
    lc.width, lc.height = width - lc.x - 8, height - 16 - LEGEND_H - 8
    lc.data = [vals for _, vals in series]
    names, size, _ = _category_labels(list(chart.categories), lc.width / n, font, thin=True)
    lc.categoryAxis.categoryNames = names
    lc.categoryAxis.strokeColor = GREY
    lc.categoryAxis.visibleTicks = False
    lab = lc.categoryAxis.labels
    lab.fontName, lab.fontSize, lab.fillColor = font, size, INK
    lab.boxAnchor, lab.dy = "n", -3
    vmax = max(v for vals in lc.data for v in vals if v is not None)
    _value_axis(lc.valueAxis, vmax, chart.percent, font)
    lc.joinedLines = 1
    pairs = []
    for i, (name, _) in enumerate(series):
        c = PALETTE[i % len(PALETTE)]
        lc.lines[i].strokeColor = c
        lc.lines[i].strokeWidth = 2
        if name.startswith("目标"):
            lc.lines[i].strokeDashArray = [4, 3]  # a target is a reference, not a measurement
        if n <= 24:
            lc.lines[i].symbol = makeMarker("FilledCircle", size=4, fillColor=c, strokeColor=c)
        key = _LineKey()
        key.strokeColor, key.strokeWidth = c, 2
        key.strokeDashArray = lc.lines[i].strokeDashArray if name.startswith("目标") else None
        pairs.append((key, name))
    d.add(lc)
    d.add(_legend(pairs, font, 0, height - 2))
    return d


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

CELL_PAD = 5
MIN_COL = 36


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


_NUMBER = re.compile(r"^[+-]?[\d,]+(\.\d+)?%?$")


def _numeric(v: object) -> bool:
    """A number, or a number already formatted as text ("1,236", "98.0%")."""
    if isinstance(v, str):
        return bool(_NUMBER.match(v))
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _blank(v: object) -> bool:
    return _missing(v) or v in ("", "—", "-")


def _cell_text(v: object) -> str:
    if _missing(v):
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
    if isinstance(v, dt.date):
        return f"{v:%Y-%m-%d}"
    return str(v)


def column_widths(texts: list[list[str]], font: str, size: float, width: float) -> list[float]:
    """Natural column widths (widest text + padding), fitted to ``width``: a table narrower
    than the page keeps its natural widths, scaled up to at most 1.6× to spread out; a
    wider one gives every narrow column its natural width and shares the rest equally
    among the wide ones (their texts wrap)."""
    n = len(texts[0])
    natural = [max(MIN_COL, max(pdfmetrics.stringWidth(r[i], font, size) for r in texts) + 2 * CELL_PAD + 1)
               for i in range(n)]
    total = sum(natural)
    if total <= width:
        return [w * min(1.6, width / total) for w in natural]
    widths = natural[:]
    free = list(range(n))
    room = width
    while free:  # water-filling: columns narrower than an equal share keep their width
        share = room / len(free)
        small = [i for i in free if natural[i] <= share]
        if not small:
            for i in free:
                widths[i] = share
            break
        for i in small:
            widths[i] = natural[i]
            room -= natural[i]
            free.remove(i)
    return widths


def _table_block(t: SlideTable, st: Styles) -> tuple[list[Flowable], float]:
    """The table's caption and every row, and their height."""
    title = _p(f"{t.title}（共{len(t.rows)}行）", st.h2)
    title_h = title.wrap(WIDTH, PAGE[1])[1] + st.h2.spaceBefore + st.h2.spaceAfter
    if not t.rows:
        empty = _p("无。", st.empty)
        return [title, empty], title_h + empty.wrap(WIDTH, PAGE[1])[1]
    table = data_table(t, st)
    _, h = table.wrap(WIDTH, PAGE[1])
    # Start on a new page when the table does not fit and little room is left (a header
    # and two rows alone at the foot of a page help nobody); otherwise split in place.
    # (Not keepWithNext: that would move every table longer than the rest of the page.)
    return [CondPageBreak(min(title_h + h, TABLE_START)), title, table], title_h + h


def data_table(t: SlideTable, st: Styles) -> LongTable:
    """Every row of ``t`` — the PDF has room — with the header repeated on each page."""
    texts = [list(t.columns)] + [[_cell_text(v) for v in r] for r in t.rows]
    numeric = [all(_numeric(r[i]) or _blank(r[i]) for r in t.rows) and any(_numeric(r[i]) for r in t.rows)
               for i in range(len(t.columns))]
    widths = column_widths(texts, st.font, st.cell.fontSize, WIDTH)
    data: list[list[object]] = [[_p(c, st.cell_head) for c in t.columns]]
    style: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), st.font), ("FONTSIZE", (0, 0), (-1, -1), st.cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), st.cell.leading), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LIGHT),
    ]
    for i, num in enumerate(numeric):
        if num:
            style.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    for row_texts in texts[1:]:
        cells: list[object] = []
        for ci, text in enumerate(row_texts):
            if numeric[ci]:
                cells.append(text)  # a plain string: right-aligned by the table style
                continue
            status = TABLE_STATUS.get(text)
            if status:
                cells.append(Paragraph(f'<font color="{STATUS_TEXT[status]}">{escape(text)}</font>', st.cell))
            else:
                cells.append(_p(text, st.cell))
        data.append(cells)
    for i, num in enumerate(numeric):
        if num:  # right-align the numeric columns' headers too
            data[0][i] = Paragraph(escape(t.columns[i]), ParagraphStyle("hr", parent=st.cell_head, alignment=2))
    table = LongTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table
