"""The evaluation pack as a PowerPoint file: one 16:9 slide per slide of the :class:`Deck`.

Everything on a slide is drawn from the deck, never recomputed here, so the PowerPoint can
never disagree with the app's presentation mode, the PDF or the Excel pack.

Choices that are not obvious from the code:

* **Native charts** (``add_chart`` with ``CategoryChartData``): the numbers travel inside
  the file as an embedded workbook, so the office can restyle or correct a chart in
  PowerPoint. A missing value (NaN in the deck, e.g. a target before the plan starts) is
  written as an empty point, never as 0; a series with no value at all is left out (its
  legend entry would promise a line that is not there).
* **The layout is computed**, not left to autofit: every text box has a fixed size, the
  text sizes are chosen from an estimate of the text's width (CJK one em, Latin by
  character at the widths of DejaVu Sans — wider than YaHei's — plus the gap LibreOffice
  puts between CJK and Latin) and fixed line spacing (1.3 em), so nothing grows out of
  its box in PowerPoint or LibreOffice. A table
  shows as many rows as fit (at most ``max_rows_on_slide``) and says where the rest is
  ("其余N行见Excel附表"); when a table needs the full height of the slide it stands on
  the right, beside the KPI tiles and the chart.
* **East Asian font**: python-pptx's ``font.name`` sets only ``a:latin``; PowerPoint then
  picks the East Asian face from the theme (Calibri's theme has none, so Chinese falls
  back to whatever the machine has). :func:`apply_font` sets ``a:latin``, ``a:ea`` and
  ``a:cs`` to Microsoft YaHei (微软雅黑, which every Office install has) on every run and
  default-run property of a slide, its tables, its notes and its charts; the theme's
  major/minor fonts are set too, so text typed later in PowerPoint matches.
* Slides use the "Title Only" layout: the title is a real title placeholder (outline
  view, accessibility checker, navigation), and no other placeholder is ever created.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Emu, Inches, Pt

from reports.pack import Chart, Deck, Kpi, Slide, SlideTable

FONT = "Microsoft YaHei"  # 微软雅黑: shipped with every Windows Office; has CJK and Latin

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9 (layout arithmetic)
SLIDE_W_EMU, SLIDE_H_EMU = 12192000, 6858000  # PowerPoint's own "Widescreen" size, exactly
MARGIN = 0.5
GAP = 0.2
BODY_BOTTOM = 6.82
FOOTER_RULE_Y = 6.93
FOOTER_Y = 7.0
FOOTER_H = 0.3

RED = "B71C1C"  # congress red accent
PALETTE = ("B71C1C", "1F4E79", "E0A100", "2E7D32", "6A1B9A", "00838F")
STATUS_COLOURS = {"met": "2E7D32", "pending": "E0A100", "missed": "C62828", "none": "C9C9C9"}
# Series whose name says what they are get the colour of their meaning, not of their position.
SERIES_COLOURS = {"按时办结": "2E7D32", "超时办结": "E0A100", "未办结": "C62828", "不予受理": "9E9E9E",
                  "目标": "757575"}
# Table cells that are a status get a tint of the status colour (text stays dark: readable).
STATUS_TINTS = {"达标": "E8F5E9", "正常": "E8F5E9", "尚未达到": "FFF4D6", "进度滞后": "FFF4D6",
                "未达标": "FDE7E7"}
INK = "212121"
GREY = "595959"
LIGHT = "F5F5F5"
RULE = "D9D9D9"

LINE = 1.3  # fixed line spacing, in ems: CJK glyphs need ~1.2; fixed so every renderer agrees
TABLE_PT = 11
CELL_PAD_X, CELL_PAD_Y = 0.08, 0.03
ROW_MIN = 0.28  # inches: an 11 pt line at 1.3 em plus the cell's top and bottom margins
TILE_MIN_W = 1.85

CHART_TYPES = {"column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
               "line": XL_CHART_TYPE.LINE_MARKERS, "stacked_column": XL_CHART_TYPE.COLUMN_STACKED}


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------

def write_pptx(deck: Deck, out: Path | BinaryIO) -> None:
    """Write the deck as a 16:9 PowerPoint file (a path or a binary file object)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_W_EMU), Emu(SLIDE_H_EMU)
    _theme_fonts(prs)
    layout = next(lo for lo in prs.slide_layouts if lo.name == "Title Only")
    n = len(deck.slides)
    for page, s in enumerate(deck.slides, start=1):
        slide = prs.slides.add_slide(layout)
        if s.key == "title":
            _title_slide(slide, s, deck)
        else:
            _content_slide(slide, s)
        _footer(slide, deck.stamp, page, n)
        _notes(slide, s)
        apply_font(slide._element)
    prs.save(str(out) if isinstance(out, Path) else out)


# --------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------

_RPR_TAGS = {qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr")}
_TYPEFACE_TAGS = ("a:latin", "a:ea", "a:cs")
_TYPEFACE_QN = tuple(qn(t) for t in _TYPEFACE_TAGS)
# Children of a:rPr that must come after latin/ea/cs (CT_TextCharacterProperties).
_AFTER_TYPEFACES = {qn(t) for t in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")}


def set_typeface(rpr: etree._Element, typeface: str = FONT) -> None:
    """Set a:latin, a:ea and a:cs of one run-properties element, in schema order."""
    have = [c for c in rpr if c.tag in _TYPEFACE_QN]
    if [(c.tag, c.get("typeface")) for c in have] == [(t, typeface) for t in _TYPEFACE_QN]:
        return  # already set (runs written by _p_xml)
    for tag in _TYPEFACE_TAGS:
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    anchor = next((c for c in rpr if c.tag in _AFTER_TYPEFACES), None)
    for tag in _TYPEFACE_TAGS:
        el = rpr.makeelement(qn(tag), {"typeface": typeface})
        if anchor is None:
            rpr.append(el)
        else:
            anchor.addprevious(el)


def apply_font(root: etree._Element, typeface: str = FONT) -> None:
    """Give every run under ``root`` run properties with the typeface (Latin, East Asian,
    complex script), and set it on every default-run and end-of-paragraph property too —
    so nothing, however it was added, falls back to the theme's Latin-only font."""
    for r in root.iter(qn("a:r"), qn("a:fld")):
        if r.find(qn("a:rPr")) is None:
            r.insert(0, r.makeelement(qn("a:rPr"), {"lang": "zh-CN"}))
    for el in root.iter():
        if el.tag in _RPR_TAGS:
            set_typeface(el, typeface)


def _theme_fonts(prs) -> None:
    """The theme's major and minor fonts: text added later in PowerPoint is YaHei too."""
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    xml = etree.fromstring(theme.blob)
    for group in ("a:majorFont", "a:minorFont"):
        for font in xml.iter(qn(group)):
            for tag in ("a:latin", "a:ea"):
                el = font.find(qn(tag))
                if el is not None:
                    el.set("typeface", FONT)
    theme._blob = etree.tostring(xml, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------------------
# Text measurement (an estimate, deliberately on the wide side)
# --------------------------------------------------------------------------------------

_WIDE_PUNCT = set("·—…“”‘’")
# Advance widths in ems of the Latin characters that occur (DejaVu Sans, which LibreOffice
# uses for Latin when YaHei is missing — wider than YaHei's, so the estimate is the worst case).
_LATIN_EM = {**{d: 0.64 for d in "0123456789"}, "%": 0.95, ",": 0.33, ".": 0.33, "/": 0.34, "-": 0.37,
             "+": 0.84, " ": 0.32, ":": 0.34, "(": 0.39, ")": 0.39}
SAFETY = 1.04  # an estimate must err on the wide side


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80 or ch in _WIDE_PUNCT


def text_em(text: str, bold: bool = False) -> float:
    """Width of a line of text in ems: CJK and full-width one em, Latin by character
    (bold Latin 8% wider), plus the quarter em LibreOffice puts between CJK and Latin."""
    em = 0.0
    prev = None
    for ch in text:
        if _wide(ch):
            em += 1.0
        else:
            w = _LATIN_EM.get(ch, 0.72 if ch.isupper() else 0.62)
            em += w * 1.08 if bold else w
        if prev is not None and ch.isalnum() and prev.isalnum() and _wide(ch) != _wide(prev):
            em += 0.25
        prev = ch
    return em * SAFETY


def text_in(text: str, pt: float, bold: bool = False) -> float:
    return text_em(text, bold) * pt / 72


def lines_of(text: str, pt: float, width_in: float, bold: bool = False) -> int:
    """Lines a text wraps to in a box ``width_in`` wide (CJK breaks anywhere)."""
    if width_in <= 0:
        return 99
    return max(1, math.ceil(text_in(text, pt, bold) / width_in))


def line_in(pt: float) -> float:
    return pt * LINE / 72


# --------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass
class Run:
    text: str
    pt: float
    bold: bool = False
    colour: str = INK
    italic: bool = False


def _emu(box: Box) -> tuple[Emu, Emu, Emu, Emu]:
    return Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h)


_ALIGN = {PP_ALIGN.LEFT: "l", PP_ALIGN.CENTER: "ctr", PP_ALIGN.RIGHT: "r"}
_ANCHOR = {MSO_ANCHOR.TOP: "t", MSO_ANCHOR.MIDDLE: "ctr", MSO_ANCHOR.BOTTOM: "b"}
_FONT_XML = f'<a:latin typeface="{FONT}"/><a:ea typeface="{FONT}"/><a:cs typeface="{FONT}"/>'
_A = nsdecls("a")


def _p_xml(runs: list[Run], align=PP_ALIGN.LEFT) -> str:
    """One paragraph as XML: fixed line spacing, every run with its size, colour and the
    typefaces. Built as text and parsed once — python-pptx's property setters cost a
    schema lookup per attribute, which made a deck take seconds."""
    spacing = round(max(r.pt for r in runs) * LINE * 100)
    body = "".join(
        f'<a:r><a:rPr lang="zh-CN" altLang="en-US" sz="{round(r.pt * 100)}" b="{int(r.bold)}" i="{int(r.italic)}"'
        f' dirty="0"><a:solidFill><a:srgbClr val="{r.colour}"/></a:solidFill>{_FONT_XML}</a:rPr>'
        f"<a:t>{escape(r.text)}</a:t></a:r>" for r in runs)
    return (f'<a:p {_A}><a:pPr algn="{_ALIGN[align]}"><a:lnSpc><a:spcPts val="{spacing}"/></a:lnSpc></a:pPr>'
            f"{body}</a:p>")


def _body_pr_xml(anchor, margins: tuple[float, float, float, float]) -> str:
    l, t, r, b = (int(Inches(m)) for m in margins)
    return (f'<a:bodyPr {_A} wrap="square" lIns="{l}" tIns="{t}" rIns="{r}" bIns="{b}" anchor="{_ANCHOR[anchor]}"'
            f' rtlCol="0"><a:noAutofit/></a:bodyPr>')


def _fill_text_frame(tf, paragraphs: list[list[Run]], align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP,
                     margins: tuple[float, float, float, float] = (0, 0, 0, 0)) -> None:
    """Replace a text frame's content: fixed size (no autofit), wrapping, the margins."""
    tx_body = tf._txBody
    for child in list(tx_body):
        if child.tag in (qn("a:bodyPr"), qn("a:p")):
            tx_body.remove(child)
    tx_body.insert(0, parse_xml(_body_pr_xml(anchor, margins)))
    for runs in paragraphs:
        tx_body.append(parse_xml(_p_xml(runs, align)))


def _textbox(shapes, box: Box, paragraphs: list[list[Run]], name: str, align=PP_ALIGN.LEFT,
             anchor=MSO_ANCHOR.TOP):
    tb = shapes.add_textbox(*_emu(box))
    tb.name = name
    _fill_text_frame(tb.text_frame, paragraphs, align, anchor)
    return tb


def _rect(shapes, box: Box, colour: str, name: str):
    """A filled rectangle without outline or shadow (the autoshape's theme style, which
    brings a shadow in LibreOffice, is removed)."""
    shp = shapes.add_shape(MSO_SHAPE.RECTANGLE, *_emu(box))
    shp.name = name
    sp = shp._element
    style = sp.find(qn("p:style"))
    if style is not None:
        sp.remove(style)
    sp_pr = sp.spPr
    sp_pr.append(parse_xml(f'<a:solidFill {_A}><a:srgbClr val="{colour}"/></a:solidFill>'))
    sp_pr.append(parse_xml(f"<a:ln {_A}><a:noFill/></a:ln>"))
    return shp


# --------------------------------------------------------------------------------------
# Slides
# --------------------------------------------------------------------------------------

def _set_title(slide, text: str, box: Box, pt: float, colour: str, align=PP_ALIGN.LEFT,
               anchor=MSO_ANCHOR.TOP, fill: str | None = None,
               margins: tuple[float, float, float, float] = (0, 0, 0, 0)) -> None:
    """The slide's title placeholder, placed, filled with the title (and a colour)."""
    title = slide.shapes.title
    title.name = "Title"
    title.left, title.top, title.width, title.height = _emu(box)
    _fill_text_frame(title.text_frame, [[Run(text, pt, True, colour)]], align, anchor, margins)
    if fill:
        title._element.spPr.append(parse_xml(f'<a:solidFill {_A}><a:srgbClr val="{fill}"/></a:solidFill>'))


def _title_slide(slide, s: Slide, deck: Deck) -> None:
    band = Box(0, 2.15, SLIDE_W, 1.9)
    _rect(slide.shapes, Box(0, 0, SLIDE_W, 0.12), RED, "Accent")
    # The title placeholder is the band itself: congress red, the title white and big.
    width = SLIDE_W - 2 * MARGIN - 0.6
    pt = min(44.0, width * 72 / max(text_em(s.title, bold=True), 1))
    _set_title(slide, s.title, band, pt, "FFFFFF", anchor=MSO_ANCHOR.MIDDLE, fill=RED,
               margins=(MARGIN + 0.3, 0, MARGIN + 0.3, 0))
    y = band.bottom + 0.45
    msg_pt = min(28.0, width * 72 / max(text_em(s.message, bold=True), 1))
    _textbox(slide.shapes, Box(MARGIN + 0.3, y, width, line_in(msg_pt)), [[Run(s.message, msg_pt, True, INK)]],
             "Message")
    y += line_in(msg_pt) + 0.3
    lines = [f"数据截至 {deck.as_of:%Y年%m月%d日}" if deck.as_of else "数据截至 —", deck.filters_text]
    _textbox(slide.shapes, Box(MARGIN + 0.3, y, width, 2 * line_in(18)),
             [[Run(line, 18, False, GREY)] for line in lines], "As of")


def _header(slide, s: Slide) -> float:
    """Title (small, red) and the message (large: the point of the slide); returns the y
    where the body may start."""
    x = MARGIN + 0.22
    width = SLIDE_W - MARGIN - x
    title_pt = 18.0
    y = 0.32
    _set_title(slide, s.title, Box(x, y, width, line_in(title_pt)), title_pt, RED)
    y += line_in(title_pt) + 0.06
    msg_pt, lines = 28.0, 1
    for pt in (28.0, 26.0, 24.0, 22.0, 20.0):
        msg_pt = pt
        if lines_of(s.message, pt, width, bold=True) == 1:
            break
    else:
        lines = lines_of(s.message, msg_pt, width, bold=True)
    h = lines * line_in(msg_pt)
    _textbox(slide.shapes, Box(x, y, width, h), [[Run(s.message, msg_pt, True, INK)]], "Message")
    bottom = y + h
    _rect(slide.shapes, Box(MARGIN, 0.36, 0.08, bottom - 0.36), RED, "Accent")
    return bottom + 0.25


def _footer(slide, stamp: str, page: int, n: int) -> None:
    _rect(slide.shapes, Box(MARGIN, FOOTER_RULE_Y, SLIDE_W - 2 * MARGIN, 0.015), RULE, "Footer rule")
    num = f"{page} / {n}"
    num_w = 1.0
    _textbox(slide.shapes, Box(MARGIN, FOOTER_Y, SLIDE_W - 2 * MARGIN - num_w - GAP, FOOTER_H),
             [[Run(stamp, 10, False, GREY)]], "Footer stamp", anchor=MSO_ANCHOR.MIDDLE)
    _textbox(slide.shapes, Box(SLIDE_W - MARGIN - num_w, FOOTER_Y, num_w, FOOTER_H), [[Run(num, 10, False, GREY)]],
             "Page number", align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE)


def _notes(slide, s: Slide) -> None:
    # A slide whose section has nothing to say (e.g. 需要关注 when nothing does) still gets
    # notes: the presenter reads the message.
    text = s.notes.strip() or f"{s.title}：{s.message}"
    tf = slide.notes_slide.notes_text_frame
    tf.text = text
    apply_font(slide.notes_slide._element)


def _content_slide(slide, s: Slide) -> None:
    top = _header(slide, s)
    body = Box(MARGIN, top, SLIDE_W - 2 * MARGIN, BODY_BOTTOM - top)
    plan = plan_body(s, body)
    for i, (kpi, box) in enumerate(zip(s.kpis, plan.tiles)):
        _tile(slide.shapes, kpi, box, plan.tile_fonts, i)
    if s.chart is not None and plan.chart is not None:
        _chart(slide.shapes, s.chart, plan.chart)
    if s.table is not None and plan.table is not None:
        _table(slide.shapes, s.table, plan.table, plan.table_fit)


# --------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TileFonts:
    label: float
    value: float
    sub: float
    label_lines: int
    sub_lines: int

    @property
    def height(self) -> float:
        return (0.24 + self.label_lines * line_in(self.label) + line_in(self.value)
                + self.sub_lines * line_in(self.sub))


@dataclass
class TableFit:
    widths: list[float]
    header_h: float
    row_hs: list[float]  # the data rows shown
    note_h: float  # 0 when every row is shown
    hidden: int

    @property
    def height(self) -> float:
        return self.header_h + sum(self.row_hs) + self.note_h


@dataclass
class Plan:
    tiles: list[Box] = field(default_factory=list)
    tile_fonts: TileFonts | None = None
    chart: Box | None = None
    table: Box | None = None  # caption + table
    table_fit: TableFit | None = None


TILE_PAD_L, TILE_PAD_R = 0.22, 0.12


def _sub_lines(k: Kpi) -> list[str]:
    return [t for t in (k.delta, k.target) if t]


def tile_fonts(kpis: list[Kpi], tile_w: float, value_max: float = 28.0) -> TileFonts:
    """One set of sizes for a row of tiles (the same look across the row), fitted to the
    narrowest text room."""
    inner = tile_w - TILE_PAD_L - TILE_PAD_R
    label = 12.0
    widest_label = max(text_em(k.label) for k in kpis)
    if widest_label * label / 72 > inner:
        label = max(10.0, math.floor(inner * 72 / widest_label))
    label_lines = max(lines_of(k.label, label, inner) for k in kpis)
    widest_value = max(text_em(k.value, bold=True) for k in kpis)
    value = max(14.0, min(value_max, math.floor(inner * 72 / widest_value)))
    sub = 11.0
    sub_lines = 0
    for k in kpis:
        parts = _sub_lines(k)
        if not parts:
            continue
        joined = "　".join(parts)
        n = lines_of(joined, sub, inner) if lines_of(joined, sub, inner) == 1 else sum(
            lines_of(p, sub, inner) for p in parts)
        sub_lines = max(sub_lines, n)
    return TileFonts(label, value, sub, label_lines, sub_lines)


def _tile_row(kpis: list[Kpi], area: Box) -> tuple[list[Box], TileFonts, float]:
    """Tiles in as few rows as keep each at least TILE_MIN_W wide; returns the boxes,
    the fonts and the height used."""
    n = len(kpis)
    cols = n
    while cols > 1 and (area.w - (cols - 1) * GAP) / cols < TILE_MIN_W:
        cols -= 1
    rows = math.ceil(n / cols)
    w = (area.w - (cols - 1) * GAP) / cols
    fonts = tile_fonts(kpis, w)
    h = fonts.height
    boxes = [Box(area.x + (i % cols) * (w + GAP), area.y + (i // cols) * (h + GAP), w, h) for i in range(n)]
    return boxes, fonts, rows * h + (rows - 1) * GAP


def _tile_grid(kpis: list[Kpi], area: Box) -> tuple[list[Box], TileFonts]:
    """The headline: tiles fill the body, four to a row."""
    n = len(kpis)
    cols = min(4, n) if n > 3 else n
    rows = math.ceil(n / cols)
    w = (area.w - (cols - 1) * GAP) / cols
    fonts = tile_fonts(kpis, w, value_max=36.0)
    h = min(2.0, (area.h - (rows - 1) * GAP) / rows)
    h = max(h, fonts.height)
    boxes = [Box(area.x + (i % cols) * (w + GAP), area.y + (i // cols) * (h + GAP), w, h) for i in range(n)]
    return boxes, fonts


def cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{int(v):,}" if v.is_integer() else f"{v:,.1f}"
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalar
        return cell_text(v.item())
    return str(v)


_NUMBER_TEXT = re.compile(r"^[+-]?[\d,]+(\.\d+)?%?$")


def _is_number(v: object) -> bool:
    """A number, or a text that is one (the deck formats some counts: "1,236", "90.2%")."""
    if isinstance(v, str):
        return bool(_NUMBER_TEXT.match(v))
    return isinstance(v, (int, float)) and not isinstance(v, bool) or hasattr(v, "item")


CAPTION_H = 0.34


def _natural_widths(t: SlideTable) -> tuple[list[float], list[float]]:
    """Per column: the width that keeps every cell and the header on one line, and the
    least width (body cells on one line, header on two)."""
    pad = 2 * CELL_PAD_X + 0.06
    nat, least = [], []
    for c, head in enumerate(t.columns):
        body = max((text_in(cell_text(r[c]), TABLE_PT) for r in t.rows[: max(t.max_rows_on_slide, 1)]), default=0)
        head_w = text_in(head, TABLE_PT, bold=True)
        nat.append(max(body, head_w) + pad)
        least.append(max(body, head_w / 2 + 0.1) + pad)
    return nat, least


def table_width(t: SlideTable, share: float) -> float:
    """The width a table beside a chart takes: its natural width, but headers may wrap
    rather than take more than ``share`` of the row from the chart."""
    nat, least = (sum(w) for w in _natural_widths(t))
    return min(nat, max(least, share))


def fit_table(t: SlideTable, width: float, height: float) -> TableFit:
    """Column widths, row heights and how many rows are shown in a ``width`` × ``height``
    area (the caption not included)."""
    nat, least = _natural_widths(t)
    if sum(nat) <= width:  # room to spare: shared out evenly (a narrow column stays legible)
        widths = [w + (width - sum(nat)) / len(nat) for w in nat]
    elif sum(least) <= width:
        extra = width - sum(least)
        room = [n - m for n, m in zip(nat, least)]
        widths = [m + (extra * r / sum(room) if sum(room) else 0) for m, r in zip(least, room)]
    else:
        widths = [m * width / sum(least) for m in least]
    inner = [w - 2 * CELL_PAD_X for w in widths]

    def row_h(texts: list[str], bold: bool = False) -> float:
        n = max(lines_of(x, TABLE_PT, w, bold) for x, w in zip(texts, inner))
        return max(ROW_MIN, n * line_in(TABLE_PT) + 2 * CELL_PAD_Y + 0.03)

    header_h = row_h(list(t.columns), bold=True)
    limit = min(len(t.rows), t.max_rows_on_slide)
    hs: list[float] = []
    used = header_h
    for r in t.rows[:limit]:
        h = row_h([cell_text(v) for v in r])
        if used + h > height:
            break
        hs.append(h)
        used += h
    note_h = 0.0
    if len(hs) < len(t.rows) or not t.rows:  # "其余N行见Excel附表" / "暂无记录"
        note_h = ROW_MIN
        while hs and header_h + sum(hs) + note_h > height:
            hs.pop()
    return TableFit(widths, header_h, hs, note_h, len(t.rows) - len(hs))


def _wanted_rows(t: SlideTable) -> int:
    return min(len(t.rows), t.max_rows_on_slide)


def plan_body(s: Slide, body: Box) -> Plan:
    """Where the tiles, the chart and the table of a slide go inside ``body``."""
    plan = Plan()
    if s.kpis and s.chart is None and s.table is None:
        plan.tiles, plan.tile_fonts = _tile_grid(s.kpis, body)
        return plan

    def tiles_in(area: Box) -> Box:
        """Place the tiles at the top of ``area``; return what is left below them."""
        if not s.kpis:
            return area
        plan.tiles, plan.tile_fonts, used = _tile_row(s.kpis, area)
        return Box(area.x, area.y + used + GAP, area.w, area.h - used - GAP)

    def table_in(area: Box) -> None:
        plan.table = area
        plan.table_fit = fit_table(s.table, area.w, area.h - CAPTION_H)

    if s.chart is not None and s.table is not None:
        tw = min(max(table_width(s.table, 0.38 * body.w), 3.2), 0.5 * body.w)
        below = tiles_in(body)
        fit = fit_table(s.table, tw, below.h - CAPTION_H)
        if len(fit.row_hs) >= _wanted_rows(s.table) or not s.kpis:
            # Tiles across the slide; chart and table side by side below them.
            plan.chart = Box(below.x, below.y, below.w - tw - GAP, below.h)
            table_in(Box(below.right - tw, below.y, tw, below.h))
        else:
            # The table needs the height: it stands on the right, tiles and chart on the left.
            table_in(Box(body.right - tw, body.y, tw, body.h))
            left = tiles_in(Box(body.x, body.y, body.w - tw - GAP, body.h))
            plan.chart = left
        return plan
    rest = tiles_in(body)
    if s.chart is not None:
        plan.chart = rest
    elif s.table is not None:
        table_in(rest)
    return plan


# --------------------------------------------------------------------------------------
# KPI tiles
# --------------------------------------------------------------------------------------

def _tile(shapes, k: Kpi, box: Box, fonts: TileFonts, i: int) -> None:
    group = shapes.add_group_shape()
    group.name = f"KPI {i + 1}"
    bg = _rect(group.shapes, box, LIGHT, f"KPI {i + 1} tile")
    _rect(group.shapes, Box(box.x, box.y, 0.07, box.h), STATUS_COLOURS.get(k.status, STATUS_COLOURS["none"]),
          f"KPI {i + 1} status")
    paragraphs = [[Run(k.label, fonts.label, False, GREY)], [Run(k.value, fonts.value, True, INK)]]
    parts = _sub_lines(k)
    inner = box.w - TILE_PAD_L - TILE_PAD_R
    if parts:
        joined = "　".join(parts)
        if lines_of(joined, fonts.sub, inner) == 1:
            paragraphs.append([Run(joined, fonts.sub, False, GREY)])
        else:
            paragraphs += [[Run(p, fonts.sub, False, GREY)] for p in parts]
    _fill_text_frame(bg.text_frame, paragraphs, anchor=MSO_ANCHOR.MIDDLE,
                     margins=(TILE_PAD_L, 0.1, TILE_PAD_R, 0.1))


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------

def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def chart_series(c: Chart) -> list[tuple[str, list[float | None]]]:
    """The series as drawn: NaN becomes an empty point; a series with no value is left out."""
    out = []
    for name, values in c.series:
        vals = [None if _missing(v) else float(v) for v in values]
        if any(v is not None for v in vals):
            out.append((name, vals))
    return out


def _series_colour(name: str, i: int) -> str:
    return SERIES_COLOURS.get(name, PALETTE[i % len(PALETTE)])


def _chart(shapes, c: Chart, box: Box) -> None:
    series = chart_series(c)
    if not c.categories or not series:
        _textbox(shapes, box, [[Run(c.title, 12, True, INK)], [Run("本期暂无数据", 12, False, GREY)]],
                 "Chart (empty)",
                 align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE)
        return
    number_format = "0%" if c.percent else "#,##0"
    data = CategoryChartData(number_format=number_format)
    data.categories = list(c.categories)
    for name, vals in series:
        data.add_series(name, vals)
    frame = shapes.add_chart(CHART_TYPES[c.kind], *_emu(box), data)
    frame.name = "Chart"
    chart = frame.chart
    chart.font.size = Pt(10)
    chart.font.color.rgb = RGBColor.from_string(GREY)

    title = c.title
    if c.y_title and not c.percent:  # "各月活动场次（单位：场次）"; "已覆盖镇街数（月末，单位：个镇街）"
        if title.endswith("）"):
            title = title[:-1] + f"，单位：{c.y_title}）"
        else:
            title += f"（单位：{c.y_title}）"
    chart.has_title = True
    tf = chart.chart_title.text_frame
    tf.text = title
    tf.paragraphs[0].runs[0].font.size = Pt(12)
    tf.paragraphs[0].runs[0].font.bold = True
    tf.paragraphs[0].runs[0].font.color.rgb = RGBColor.from_string(INK)

    multi = len(series) > 1
    chart.has_legend = multi
    if multi:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(10)

    plot = chart.plots[0]
    n_cat = len(c.categories)
    horizontal = c.kind == "bar"
    if c.kind in ("column", "bar", "stacked_column"):
        plot.gap_width = 45 if c.kind == "stacked_column" else (60 if len(series) > 1 else 90)
        for i, (name, _) in enumerate(series):
            ser = plot.series[i]
            ser.format.fill.solid()
            ser.format.fill.fore_color.rgb = RGBColor.from_string(_series_colour(name, i))
            ser.format.line.fill.background()
            ser.invert_if_negative = False
    else:
        for i, (name, _) in enumerate(series):
            ser = plot.series[i]
            colour = RGBColor.from_string(_series_colour(name, i))
            ser.smooth = False
            ser.format.line.color.rgb = colour
            ser.format.line.width = Pt(2.25)
            if name.startswith("目标"):
                ser.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
                ser.marker.style = XL_MARKER_STYLE.NONE
            else:
                ser.marker.style = XL_MARKER_STYLE.CIRCLE
                ser.marker.size = 6
                ser.marker.format.fill.solid()
                ser.marker.format.fill.fore_color.rgb = colour
                ser.marker.format.line.color.rgb = colour

    # Value axis: light gridlines, no line; a horizontal bar chart with data labels needs none.
    va = chart.value_axis
    va.minimum_scale = 0
    if c.percent:
        va.maximum_scale = 1.0
    va.tick_labels.font.size = Pt(10)
    va.tick_labels.number_format = number_format
    va.tick_labels.number_format_is_linked = False
    va.format.line.fill.background()
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = RGBColor.from_string("E6E6E6")
    va.major_gridlines.format.line.width = Pt(0.75)

    ca = chart.category_axis
    ca.format.line.color.rgb = RGBColor.from_string("BFBFBF")
    ca.has_major_gridlines = False
    cat_pt = 11 if n_cat <= 12 else 10
    ca.tick_labels.font.size = Pt(cat_pt)
    if horizontal:
        ca.reverse_order = True  # the deck's first category on top
    _fit_category_labels(ca, c, box, cat_pt)

    labels = _data_labels_readable(c, len(series), box)
    if labels:
        plot.has_data_labels = True
        dl = plot.data_labels
        dl.font.size = Pt(10)
        dl.font.color.rgb = RGBColor.from_string(INK)
        dl.number_format = "0.0%" if c.percent else "#,##0"
        dl.number_format_is_linked = False
        dl.show_value = True
        dl.position = XL_LABEL_POSITION.ABOVE if c.kind == "line" else XL_LABEL_POSITION.OUTSIDE_END
        if horizontal:
            va.visible = False
            va.has_major_gridlines = False
    apply_font(chart._chartSpace)


def _data_labels_readable(c: Chart, n_series: int, box: Box) -> bool:
    """Values on the marks only where they stay legible: few marks, room for each label."""
    n = len(c.categories)
    if c.kind == "stacked_column":
        return False
    if c.kind == "line":
        return n <= 13 and n_series <= 2
    if n * n_series > 30:
        return False
    if c.kind == "column":
        bar_w = (box.w - 0.8) / n / (n_series + 0.6)
        widest = max(text_in(f"{v:,.0f}", 10) for _, vals in c.series for v in vals if not _missing(v))
        return widest <= bar_w * 1.6
    return True


def _fit_category_labels(ca, c: Chart, box: Box, pt: float) -> None:
    """Category labels stay readable: horizontal if they fit under their column; otherwise
    turned 45° (town names, months); and if even turned they would collide, only every
    k-th label is shown (c:tickLblSkip — PowerPoint honours it, LibreOffice thins labels
    by itself)."""
    if c.kind == "bar":
        return  # one label per row, on the left: room enough
    n = len(c.categories)
    widest = max(text_in(str(x), pt) for x in c.categories) + 0.1
    slot = (box.w - 0.8) / n
    if widest <= slot:
        return
    body_pr = ca.tick_labels.font._rPr.getparent().getparent().getparent().find(qn("a:bodyPr"))
    body_pr.set("rot", "-2700000")
    body_pr.set("vert", "horz")
    turned = line_in(pt) * math.sqrt(2)  # a 45° label's footprint along the axis
    if turned <= slot:
        return
    skip = next((k for k in (2, 3, 4, 6, 12, 24) if turned <= slot * k), math.ceil(turned / slot))
    cat_ax = ca._element
    anchor = cat_ax.find(qn("c:noMultiLvlLbl"))
    for tag in ("c:tickLblSkip", "c:tickMarkSkip"):
        el = cat_ax.makeelement(qn(tag), {"val": str(skip)})
        if anchor is None:
            cat_ax.append(el)
        else:
            anchor.addprevious(el)


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

def _table(shapes, t: SlideTable, area: Box, fit: TableFit) -> None:
    _textbox(shapes, Box(area.x, area.y, area.w, CAPTION_H - 0.06), [[Run(t.title, 12, True, "1F4E79")]],
             "Table caption", anchor=MSO_ANCHOR.BOTTOM)
    shown = t.rows[: len(fit.row_hs)]
    n_rows = 1 + len(shown) + (1 if fit.note_h else 0)
    top = area.y + CAPTION_H
    frame = shapes.add_table(n_rows, len(t.columns), Inches(area.x), Inches(top), Inches(sum(fit.widths)),
                             Inches(fit.height))
    frame.name = "Table"
    tbl = frame.table
    # "No Style, No Grid": every fill and rule below is explicit, so renderers agree.
    tbl._tbl.tblPr.find(qn("a:tableStyleId")).text = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"
    tbl.first_row = True
    tbl.horz_banding = False
    for c, w in enumerate(fit.widths):
        tbl.columns[c].width = Inches(w)
    tbl.rows[0].height = Inches(fit.header_h)
    for i, h in enumerate(fit.row_hs, start=1):
        tbl.rows[i].height = Inches(h)
    blank = ("", "—", None)
    numeric = [any(_is_number(r[c]) for r in shown)
               and all(_is_number(r[c]) or _missing(r[c]) or r[c] in blank for r in shown)
               for c in range(len(t.columns))]
    for c, head in enumerate(t.columns):
        _cell(tbl.cell(0, c), head, bold=True, colour="7F1313", fill="F3E5E5",
              align=PP_ALIGN.RIGHT if numeric[c] else PP_ALIGN.LEFT)
    for i, r in enumerate(shown, start=1):
        for c, v in enumerate(r):
            text = cell_text(v)
            _cell(tbl.cell(i, c), text, fill=STATUS_TINTS.get(text, "FFFFFF" if i % 2 else "FAFAFA"),
                  align=PP_ALIGN.RIGHT if numeric[c] else PP_ALIGN.LEFT)
    if fit.note_h:
        last = n_rows - 1
        tbl.rows[last].height = Inches(fit.note_h)
        tbl.cell(last, 0).merge(tbl.cell(last, len(t.columns) - 1))
        note = f"其余{fit.hidden}行见Excel附表" if fit.hidden else "暂无记录"
        _cell(tbl.cell(last, 0), note, colour=GREY, fill="FFFFFF", italic=True)


def _cell(cell, text: str, bold: bool = False, colour: str = INK, fill: str = "FFFFFF", italic: bool = False,
          align=PP_ALIGN.LEFT) -> None:
    """A cell's text and properties in one go: margins, centred vertically, its fill and a
    thin grey rule below (a:lnB comes before the fill in a:tcPr's schema order)."""
    tc = cell._tc
    for child in list(tc):
        tc.remove(child)
    px, py = int(Inches(CELL_PAD_X)), int(Inches(CELL_PAD_Y))
    tc.append(parse_xml(f'<a:txBody {_A}><a:bodyPr/><a:lstStyle/>'
                        f"{_p_xml([Run(text, TABLE_PT, bold, colour, italic)], align).replace(' ' + _A, '')}"
                        "</a:txBody>"))
    tc.append(parse_xml(
        f'<a:tcPr {_A} marL="{px}" marR="{px}" marT="{py}" marB="{py}" anchor="ctr">'
        f'<a:lnB w="{int(Pt(0.75))}" cmpd="sng"><a:solidFill><a:srgbClr val="{RULE}"/></a:solidFill></a:lnB>'
        f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></a:tcPr>'))
