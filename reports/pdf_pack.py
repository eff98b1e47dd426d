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
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
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


def find_cjk_font(dirs: Sequence[Path] = FONT_DIRS) -> tuple[Path, int]:
    """The first installed TrueType CJK font of :data:`FONT_FILES` under ``dirs``, as
    (path, subfont index); raises :class:`FontNotFound` naming the package to install."""
    for name, index in FONT_FILES:
        for d in dirs:
            if not d.is_dir():
                continue
            for path in sorted(d.rglob(name)):
                if _is_truetype(path, index):
                    return path, index
    raise FontNotFound(
        "没有找到可嵌入 PDF 的中文 TrueType 字体（文泉驿微米黑）。请安装 Debian/Ubuntu 软件包 "
        f"{FONT_PACKAGE}（apt-get install {FONT_PACKAGE}），或放入 Noto Sans CJK 的 .ttf 文件。"
        f" No TrueType CJK font found under {', '.join(str(d) for d in dirs)}: install the Debian package "
        f"{FONT_PACKAGE}.")


def _is_truetype(path: Path, index: int) -> bool:
    try:
        TTFont("_probe", str(path), subfontIndex=index)
    except (TTFError, OSError):
        return False  # CFF outlines ("postscript outlines are not supported"), unreadable, ...
    return True


def cjk_font() -> str:
    """The registered name of the CJK font, registering it on first use (once per process:
    parsing the 5 MB font file is the slowest step of a PDF)."""
    global _font
    with _font_lock:
        if _font is None:
            path, index = find_cjk_font()
            name = FONT_NAME if path.name == "wqy-microhei.ttc" else "NotoSansCJK"
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
            _font = name
        return _font


# --------------------------------------------------------------------------------------
# Look
# --------------------------------------------------------------------------------------

PAGE = landscape(A4)
MARGIN_X = 15 * mm
MARGIN_TOP = 17 * mm
MARGIN_BOTTOM = 15 * mm
WIDTH = PAGE[0] - 2 * MARGIN_X

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
        self.body = s("body", 10.5, 17, INK)
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
               lang="zh-CN")

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
    return "全年" if deck.as_of.year > deck.year else "—"


def _stamp_page(canv, doc, font: str, title: str, stamp: str) -> None:
    w, h = PAGE
    canv.saveState()
    top = h - MARGIN_TOP + 6 * mm
    canv.setFont(font, 9)
    canv.setFillColor(ACCENT)
    canv.drawString(MARGIN_X, top + 2, title)
    canv.setFillColor(GREY)
    canv.drawRightString(w - MARGIN_X, top + 2, "人大履职看板 · 评估材料")
    canv.setStrokeColor(ACCENT)
    canv.setLineWidth(1.2)
    canv.line(MARGIN_X, top - 2, w - MARGIN_X, top - 2)
    bottom = MARGIN_BOTTOM - 8 * mm
    canv.setStrokeColor(LIGHT)
    canv.setLineWidth(0.6)
    canv.line(MARGIN_X, bottom + 11, w - MARGIN_X, bottom + 11)
    canv.setFont(font, 8.5)
    canv.setFillColor(GREY)
    page = f"第 {doc.page} 页"
    room = w - 2 * MARGIN_X - canv.stringWidth(page, font, 8.5) - 20
    canv.drawString(MARGIN_X, bottom, _fit(stamp, font, 8.5, room))
    canv.drawRightString(w - MARGIN_X, bottom, page)
    canv.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to ``width`` (a stamp naming 40 towns must not run
    into the page number)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


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
    meta = [("区", deck.district), ("年度", f"{deck.year}年（{_period(deck)}）"), ("数据截至", as_of),
            ("筛选条件", deck.filters_text)]
    cells = [[Paragraph(f'<font color="#616161">{escape(k)}</font>　{escape(v)}', st.body) for k, v in meta]]
    widths = [WIDTH * x for x in (0.17, 0.22, 0.2, 0.41)]
    t = Table(cells, colWidths=widths, hAlign="LEFT")
    t.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1.2, ACCENT), ("LINEBELOW", (0, 0), (-1, 0), 0.6, LIGHT),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 6),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 6), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    out += [t, Spacer(1, 6), _p("工作总结", st.summary_head)]
    if not deck.summary:
        out.append(_p("本期暂无可总结的履职记录。", st.empty))
        return out
    rows = [[_p(s.title, st.section_title), _p(s.text, st.body)] for s in deck.summary]
    t = Table(rows, colWidths=[32 * mm, WIDTH - 32 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
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
    if slide.chart is not None:
        out += _chart_block(slide.chart, st)
    if slide.table is not None:
        out += _table_block(slide.table, st)
    definitions = list(dict.fromkeys(k.definition for k in slide.kpis if k.definition))
    if definitions:
        block: list[Flowable] = [Spacer(1, 6), _p("统计口径", st.h2)]
        block += [_p(f"· {d}", st.small) for d in definitions]
        out.append(KeepTogether(block))
    return out


def _tiles(kpis: list[Kpi], st: Styles) -> Table:
    """KPI tiles as one table: tiles in the even columns, narrow gap columns between;
    each tile has a status bar on top (grey without a target)."""
    per_row = TILES_PER_ROW
    tile_w = (WIDTH - (per_row - 1) * TILE_GAP) / per_row
    rows: list[list[object]] = []
    style: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 7),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 5), ("TOPPADDING", (0, 0), (-1, -1), 6),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
    n_rows = math.ceil(len(kpis) / per_row)
    for r in range(n_rows):
        if r:
            rows.append([""] * (2 * per_row - 1))  # a gap row
        row: list[object] = []
        tr = 2 * r
        for c, k in enumerate(kpis[r * per_row:(r + 1) * per_row]):
            if c:
                row.append("")
            row.append(_tile(k, st))
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


def _tile(k: Kpi, st: Styles) -> list[Flowable]:
    cell: list[Flowable] = [_p(k.label, st.tile_label), _p(k.value, st.tile_value)]
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

CHART_HEIGHT = 205
LABEL_SIZE = 8
LEGEND_H = 20


def _chart_block(chart: Chart, st: Styles) -> list[Flowable]:
    caption = escape(chart.title)
    if chart.y_title:
        caption += f'<font color="#616161" size="9">（单位：{escape(chart.y_title)}）</font>'
    elif chart.percent:
        caption += '<font color="#616161" size="9">（%）</font>'
    title = Paragraph(caption, st.h2)
    drawing = chart_drawing(chart, WIDTH, st.font)
    if drawing is None:
        return [title, _p("本期暂无数据。", st.empty), Spacer(1, 6)]
    return [KeepTogether([title, drawing]), Spacer(1, 6)]


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
    lg.strokeWidth = 0
    lg.strokeColor = None
    lg.colorNamePairs = pairs
    return lg


def chart_drawing(chart: Chart, width: float, font: str) -> Drawing | None:
    """``chart`` as a vector drawing ``width`` wide; None when there is nothing to draw."""
    series = [(name, _values(vals)) for name, vals in chart.series]
    series = [(name, vals) for name, vals in series if any(v is not None for v in vals)]  # all-NaN: left out
    if not chart.categories or not series:
        return None
    if chart.kind == "bar":
        return _horizontal_bars(chart, series, width, font)
    if chart.kind == "line":
        return _lines(chart, series, width, font)
    return _vertical_bars(chart, series, width, font, stacked=chart.kind == "stacked_column")


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


def _category_labels(names: list[str], slot: float, font: str) -> tuple[list[str], bool]:
    """Names thinned so that they do not collide (every n-th kept) and whether to slant them."""
    widest = max(pdfmetrics.stringWidth(n, font, LABEL_SIZE) for n in names) + 4
    if widest <= slot:
        return names, False
    slanted = widest * 0.7  # at 45°, a label needs ~0.7 of its width along the axis
    if LABEL_SIZE * 1.6 <= slot and slanted > slot * 1.5 and len(names) <= 40:
        return names, True
    step = max(1, math.ceil(widest / slot))
    return [n if i % step == 0 else "" for i, n in enumerate(names)], False


def _vertical_bars(chart: Chart, series, width: float, font: str, stacked: bool) -> Drawing:
    n = len(chart.categories)
    names, slant = _category_labels(list(chart.categories), (width - 60) / n, font)
    bottom = 16
    if slant:
        bottom = 10 + max(pdfmetrics.stringWidth(c, font, LABEL_SIZE) for c in names) * 0.72
    height = CHART_HEIGHT + (bottom - 16)
    d = Drawing(width, height)
    bc = VerticalBarChart()
    bc.x, bc.y = 44, bottom
    bc.width, bc.height = width - bc.x - 8, height - bottom - LEGEND_H - 8
    bc.data = [vals for _, vals in series]
    bc.categoryAxis.categoryNames = names
    bc.categoryAxis.style = "stacked" if stacked else "parallel"
    bc.categoryAxis.strokeColor = GREY
    bc.categoryAxis.visibleTicks = False
    lab = bc.categoryAxis.labels
    lab.fontName, lab.fontSize, lab.fillColor = font, LABEL_SIZE, INK
    if slant:
        lab.angle, lab.boxAnchor, lab.dx, lab.dy = 45, "ne", 2, -2
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
        bc.barLabelFormat = lambda v: "" if not v else _fmt_value(v, chart.percent)
        bc.barLabels.fontName = font
        bc.barLabels.fontSize = 6.5 if bars > 30 else 7.5
        bc.barLabels.fillColor = GREY
        bc.barLabels.boxAnchor = "s"
        bc.barLabels.nudge = 1.5
    d.add(bc)
    d.add(_legend([(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)], font, bc.x,
                  height - 2))
    if stacked:  # the total above each stack
        step = bc.width / n
        for i, tot in enumerate(totals):
            if tot:
                x = bc.x + step * (i + 0.5)
                y = bc.y + bc.height * tot / bc.valueAxis.valueMax + 2
                d.add(String(x, y, _fmt_value(tot, chart.percent), fontName=font, fontSize=7.5, fillColor=GREY,
                             textAnchor="middle"))
    return d


def _horizontal_bars(chart: Chart, series, width: float, font: str) -> Drawing:
    n = len(chart.categories)
    per_cat = 12 * len(series) + 8
    plot_h = max(90, min(300, per_cat * n))
    height = plot_h + LEGEND_H + 24
    d = Drawing(width, height)
    bc = HorizontalBarChart()
    left = max(pdfmetrics.stringWidth(c, font, LABEL_SIZE) for c in chart.categories) + 12
    bc.x, bc.y = left, 16
    bc.width, bc.height = width - left - 40, plot_h
    bc.data = [vals for _, vals in series]
    bc.categoryAxis.categoryNames = list(chart.categories)
    bc.categoryAxis.reverseDirection = True  # the first category on top, as read
    bc.categoryAxis.strokeColor = GREY
    bc.categoryAxis.visibleTicks = False
    lab = bc.categoryAxis.labels
    lab.fontName, lab.fontSize, lab.fillColor = font, LABEL_SIZE, INK
    lab.boxAnchor, lab.dx = "e", -4
    vmax = max(v for vals in bc.data for v in vals if v is not None)
    _value_axis(bc.valueAxis, vmax, chart.percent, font)
    bc.valueAxis.labels.boxAnchor = "n"
    bc.groupSpacing = 6
    bc.barSpacing = 1
    for i in range(len(series)):
        bc.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        bc.bars[i].strokeColor = None
        bc.bars[i].strokeWidth = 0
    bc.barLabelFormat = lambda v: "" if v is None else _fmt_value(v, chart.percent)
    bc.barLabels.fontName = font
    bc.barLabels.fontSize = 7.5
    bc.barLabels.fillColor = GREY
    bc.barLabels.boxAnchor = "w"
    bc.barLabels.nudge = 3
    d.add(bc)
    d.add(_legend([(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)], font, bc.x,
                  height - 2))
    return d


def _lines(chart: Chart, series, width: float, font: str) -> Drawing:
    n = len(chart.categories)
    height = CHART_HEIGHT
    d = Drawing(width, height)
    lc = HorizontalLineChart()
    lc.x, lc.y = 44, 16
    lc.width, lc.height = width - lc.x - 8, height - 16 - LEGEND_H - 8
    lc.data = [vals for _, vals in series]
    names, _ = _category_labels(list(chart.categories), lc.width / n, font)
    lc.categoryAxis.categoryNames = names
    lc.categoryAxis.strokeColor = GREY
    lc.categoryAxis.visibleTicks = False
    lab = lc.categoryAxis.labels
    lab.fontName, lab.fontSize, lab.fillColor = font, LABEL_SIZE, INK
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
        pairs.append((c, name))
    d.add(lc)
    d.add(_legend(pairs, font, lc.x, height - 2))
    return d


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

CELL_PAD = 5
MIN_COL = 36


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _numeric(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


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


def _table_block(t: SlideTable, st: Styles) -> list[Flowable]:
    title = _p(f"{t.title}（共{len(t.rows)}行）", st.h2)
    if not t.rows:
        return [title, _p("无。", st.empty)]
    table = data_table(t, st)
    # Start on a new page when the table does not fit and little room is left (a header
    # and two rows alone at the foot of a page help nobody); otherwise split in place.
    _, h = table.wrap(WIDTH, PAGE[1])
    title.keepWithNext = True
    return [CondPageBreak(min(h + 30, 150)), title, table]


def data_table(t: SlideTable, st: Styles) -> LongTable:
    """Every row of ``t`` — the PDF has room — with the header repeated on each page."""
    texts = [list(t.columns)] + [[_cell_text(v) for v in r] for r in t.rows]
    numeric = [all(_numeric(r[i]) or _missing(r[i]) for r in t.rows) and any(_numeric(r[i]) for r in t.rows)
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
    for ri, (row, row_texts) in enumerate(zip(t.rows, texts[1:]), start=1):
        cells: list[object] = []
        for ci, (v, text) in enumerate(zip(row, row_texts)):
            if numeric[ci]:
                cells.append(text)  # a plain string: right-aligned by the table style
                continue
            status = TABLE_STATUS.get(text)
            if status:
                c = STATUS_COLOURS[status]
                cells.append(Paragraph(f'<font color="{"#9E7100" if status == "pending" else c.hexval().replace("0x", "#")}">'
                                       f"{escape(text)}</font>", st.cell))
            else:
                cells.append(_p(text, st.cell))
        data.append(cells)
    for i, num in enumerate(numeric):
        if num:  # right-align the numeric columns' headers too
            data[0][i] = Paragraph(escape(t.columns[i]), ParagraphStyle("hr", parent=st.cell_head, alignment=2))
    table = LongTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table
