"""The evaluation pack as a PDF (reports/pdf_pack.py), read back with pypdf: what a reader
of the printed pack sees — the summary on page 1, real Chinese text in an embedded font,
long tables that run on under a repeated header, the stamp on every page."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from reports import pdf_pack
from reports.pack import Chart, Deck, Slide, SlideTable, build_deck
from reports.summary import Section
from warehouse.db import connect_snapshot
from warehouse.filters import Filters
from warehouse.queries import common

ROOT = Path(__file__).resolve().parent.parent
PNG_DIR = ROOT / "artifacts" / "pack" / "pdf"

# The figures the source article reports for 清江浦区 2023 (shared/spec/demo-dataset.md).
ARTICLE_FIGURES = ("32次", "20次", "24次", "38场次", "228家", "428人次", "164条", "83条", "224件")


def _deck(demo_db: Path, district: str, year: int) -> Deck:
    con = connect_snapshot(demo_db)
    try:
        return build_deck(con, Filters(district, year, (), common.data_as_of(con, district)))
    finally:
        con.close()


def _write(deck: Deck, path: Path) -> PdfReader:
    pdf_pack.write_pdf(deck, path)
    return PdfReader(path)


def _texts(reader: PdfReader) -> list[str]:
    return [p.extract_text() for p in reader.pages]


def _body(text: str, page_no: int) -> str:
    """A page's text after the running header and footer (drawn first, so extracted first)."""
    mark = f"第 {page_no} 页"
    return text.split(mark, 1)[1].lstrip() if mark in text else text


@pytest.fixture(scope="module")
def qjp(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Deck, Path, list[str]]:
    deck = _deck(demo_db, "清江浦区", 2023)
    path = tmp_path_factory.mktemp("pdf") / "清江浦区-2023.pdf"
    return deck, path, _texts(_write(deck, path))


@pytest.fixture(scope="module")
def huaian(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Deck, Path, list[str]]:
    deck = _deck(demo_db, "淮安区", 2026)
    path = tmp_path_factory.mktemp("pdf") / "淮安区-2026.pdf"
    return deck, path, _texts(_write(deck, path))


def long_table_deck(rows: int = 120) -> Deck:
    """A deck whose one table is far longer than a page, with a text column long enough
    that it must wrap."""
    long_text = "该镇街工作评议会尚未召开，需在年内补齐并报送会议记录、评议意见和整改情况。" * 3
    table = SlideTable("长表测试", ["编号", "镇街", "事项说明", "数值"],
                       [[f"T{i:03d}", f"第{i}镇", long_text if i % 10 == 0 else "按期办理", i * 10]
                        for i in range(1, rows + 1)])
    slides = [Slide("title", "测试区履职工作汇报", "测试区人大常委会 · 2025年"),
              Slide("attention", "需要关注", f"{rows}项需要关注", table=table)]
    return Deck("测试区", 2025, dt.date(2025, 12, 31), "测试区 · 2025年 · 全部镇街", slides,
                [Section("attention", "需要关注", "测试区有若干事项需要关注。")])


# --------------------------------------------------------------------------------------
# Page 1: the title block and the written summary
# --------------------------------------------------------------------------------------

def test_page_one_carries_the_title_block_and_the_whole_written_summary(qjp):
    deck, _, texts = qjp
    page1 = texts[0]
    for part in ("清江浦区履职工作汇报", "2023年（全年）", "数据截至", "2026-10-31", deck.filters_text, "工作总结"):
        assert part in page1, part
    for section in deck.summary:
        assert section.title in page1, section.title
    flat = page1.replace("\n", "")
    for section in deck.summary:
        assert section.text in flat, section.key  # every sentence, in order, as real text


def test_page_one_has_the_articles_headline_figures_for_qingjiangpu_2023(qjp):
    _, _, texts = qjp
    for figure in ARTICLE_FIGURES:
        assert figure in texts[0], figure


def test_an_unfinished_year_is_labelled_as_its_months_and_its_kpis_as_pending(huaian):
    deck, _, texts = huaian
    assert "2026年（1月—10月）" in texts[0]
    headline = next(s for s in deck.slides if s.key == "headline")
    page = next(t for n, t in enumerate(texts, start=1) if _body(t, n).startswith(headline.title))
    assert any(k.status == "pending" for k in headline.kpis)
    assert "尚未达到" in page  # the status word, not only its colour


# --------------------------------------------------------------------------------------
# Text and font
# --------------------------------------------------------------------------------------

def test_chinese_extracts_as_real_text_not_placeholders(qjp):
    _, _, texts = qjp
    whole = "\n".join(texts)
    assert "镇人代会" in whole
    assert "(cid:" not in whole and "\ufffd" not in whole


def test_every_font_in_the_pdf_is_the_embedded_cjk_truetype_font(qjp):
    _, path, _ = qjp
    face = pdfmetrics.getFont(pdf_pack.cjk_font()).face.name
    face = face.decode() if isinstance(face, bytes) else str(face)
    fonts = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts
    for name, font in fonts.items():
        if font["/Subtype"] == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        assert face in name, name  # "/AAAAAA+WenQuanYiMicroHei-0": a subset; no Helvetica or other base font
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), name  # the TrueType glyphs are in the file
        assert "/ToUnicode" in font or font.get("/Subtype") == "/CIDFontType2", name


def test_no_text_runs_past_the_margins(qjp, huaian):
    """Every text run (paragraphs, table cells, chart labels, header and footer) ends inside
    the frame: nothing overflows the page to the right."""
    font = pdf_pack.cjk_font()
    for _, path, _ in (qjp, huaian):
        for n, page in enumerate(PdfReader(path).pages, start=1):
            width = float(page.mediabox.width)
            runs = []

            def visit(text, cm, tm, font_dict, size, runs=runs):
                if text.strip():
                    x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                    scale = math.hypot(cm[0], cm[1]) * math.hypot(tm[0], tm[1])
                    runs.append((x, x + pdfmetrics.stringWidth(text.rstrip("\n"), font, size) * scale, text))

            page.extract_text(visitor_text=visit)
            assert runs
            left = min(r[0] for r in runs)
            right = max(runs, key=lambda r: r[1])
            assert left >= pdf_pack.MARGIN_X - 0.5, (path.name, n)
            assert right[1] <= width - pdf_pack.MARGIN_X + 0.5, (path.name, n, right[2])


# --------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------

def test_each_slide_of_the_storyline_starts_a_new_page_in_order(qjp):
    deck, path, texts = qjp
    outline = [(o.title, PdfReader(path).get_destination_page_number(o)) for o in PdfReader(path).outline]
    sections = [s for s in deck.slides if s.key != "title"]
    assert [t for t, _ in outline] == ["封面与工作总结"] + [s.title for s in sections]
    pages = [p for _, p in outline]
    assert pages[0] == 0 and pages == sorted(set(pages))  # each on a page of its own, in storyline order
    for slide, page in zip(sections, pages[1:]):
        assert _body(texts[page], page + 1).startswith(slide.title), slide.key
        assert slide.message in texts[page].replace("\n", ""), slide.key


def test_every_page_carries_the_stamp_and_its_page_number(qjp, huaian):
    for deck, _, texts in (qjp, huaian):
        assert len(texts) > len(deck.slides) - 1
        for n, text in enumerate(texts, start=1):
            assert deck.stamp in text, n
            assert f"第 {n} 页" in text, n


def test_a_stamp_too_long_for_the_footer_loses_towns_but_keeps_its_data_date():
    font = pdf_pack.cjk_font()
    towns = "、".join(f"第{i}号示范街道" for i in range(1, 41))
    stamp = f"边界区 · 2026年 · {towns} · 数据截至 2026-03-31"
    short = pdf_pack.fit_stamp(stamp, font, 8.5, 600)
    assert pdfmetrics.stringWidth(short, font, 8.5) <= 600
    assert short.startswith("边界区 · 2026年 · 第1号示范街道") and short.endswith("… · 数据截至 2026-03-31")
    assert pdf_pack.fit_stamp("清江浦区 · 2023年", font, 8.5, 600) == "清江浦区 · 2023年"


def test_kpi_tiles_show_label_value_delta_and_target(qjp):
    deck, _, texts = qjp
    headline = next(s for s in deck.slides if s.key == "headline")
    page = next(t for n, t in enumerate(texts, start=1) if _body(t, n).startswith(headline.title))
    for k in headline.kpis:
        for part in (k.label, k.value, k.delta, k.target):
            assert part in page, (k.label, part)


def test_slide_tables_are_printed_whole_not_cut_to_the_slides_rows(huaian):
    deck, _, texts = huaian
    whole = "\n".join(" ".join(t.split()) for t in texts)  # one space between cells
    longer = [s for s in deck.slides if s.table is not None and len(s.table.rows) > s.table.max_rows_on_slide]
    assert longer  # 淮安区 2026 has tables longer than a slide shows
    for slide in deck.slides:
        if slide.table is not None:
            for row in slide.table.rows:
                cells = " ".join(" ".join(pdf_pack._cell_text(v) for v in row).split())
                assert cells in whole, (slide.key, cells)  # the whole row, cell after cell


# --------------------------------------------------------------------------------------
# Long tables
# --------------------------------------------------------------------------------------

def test_a_long_table_runs_on_to_the_next_pages_under_a_repeated_header(tmp_path):
    deck = long_table_deck(120)
    texts = _texts(_write(deck, tmp_path / "long.pdf"))
    ids = [re.findall(r"\bT(\d{3})\b", t) for t in texts]
    pages_of = {int(i): n for n, found in enumerate(ids) for i in found}
    assert pages_of[1] < pages_of[120]  # first and last rows on different pages
    table_pages = sorted(set(pages_of.values()))
    assert len(table_pages) >= 3
    for n in table_pages:
        assert "事项说明" in texts[n] and "编号" in texts[n], n  # the header, repeated
    found = [int(i) for found in ids for i in found]
    assert sorted(found) == list(range(1, 121))  # every row once: none lost, none doubled
    # the long cells wrapped inside their column: their whole text is there
    flat = "".join(texts).replace("\n", "")
    assert deck.slides[1].table.rows[9][2] in flat


def test_wide_tables_are_fitted_to_the_page_by_wrapping_the_widest_columns():
    font = pdf_pack.cjk_font()
    texts = [["镇街", "说明", "数值"], ["甲街道", "很长的说明" * 40, "12"], ["乙镇", "短", "3"]]
    widths = pdf_pack.column_widths(texts, font, 8.5, 500)
    assert sum(widths) == pytest.approx(500)
    assert widths[0] >= pdfmetrics.stringWidth("甲街道", font, 8.5)  # narrow columns keep their width
    assert widths[2] >= pdfmetrics.stringWidth("数值", font, 8.5)
    narrow = pdf_pack.column_widths([["a", "b"], ["1", "2"]], font, 8.5, 500)
    assert sum(narrow) < 500  # a small table is not stretched across the page


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------

def test_missing_values_are_left_out_and_an_all_missing_series_leaves_the_legend(tmp_path):
    nan = math.nan
    slides = [Slide("title", "测试区履职工作汇报", "测试区人大常委会 · 2025年"),
              Slide("rollout", "覆盖进度", "测试", chart=Chart(
                  "line", "覆盖线", ["2025-01", "2025-02", "2025-03"],
                  [("实有覆盖数", [1.0, nan, 3.0]), ("全空目标线", [nan, nan, nan])])),
              Slide("statutory", "三会", "测试", chart=Chart(
                  "stacked_column", "堆积柱", ["甲街道", "乙镇"], [("甲类", [1.0, nan]), ("乙类", [2.0, 4.0])])),
              Slide("suggestions", "评议", "测试", chart=Chart(
                  "bar", "满意率条", ["区一局", "区二局"], [("满意率", [0.98, nan])], percent=True)),
              Slide("enterprise", "无数据", "测试", chart=Chart("column", "空图", [], []))]
    deck = Deck("测试区", 2025, dt.date(2025, 12, 31), "测试区 · 2025年 · 全部镇街", slides, [])
    whole = "\n".join(_texts(_write(deck, tmp_path / "nan.pdf")))
    assert "实有覆盖数" in whole and "全空目标线" not in whole
    assert "甲类" in whole and "乙类" in whole and "98.0%" in whole
    assert "本期暂无数据" in whole
    assert drawing_is_none(Chart("line", "t", ["a"], [("x", [nan])]))


def drawing_is_none(chart: Chart) -> bool:
    return pdf_pack.chart_drawing(chart, 500, 200, pdf_pack.cjk_font()) is None


# --------------------------------------------------------------------------------------
# Output, font lookup, speed
# --------------------------------------------------------------------------------------

def test_writes_the_same_document_into_a_binary_stream(qjp):
    deck, path, texts = qjp
    buf = io.BytesIO()
    pdf_pack.write_pdf(deck, buf)
    assert buf.getvalue().startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(buf.getvalue())).pages) == len(texts)


def test_without_a_truetype_cjk_font_the_error_names_the_debian_package(tmp_path):
    fake = tmp_path / "truetype" / "wqy" / "wqy-microhei.ttc"
    fake.parent.mkdir(parents=True)
    fake.write_bytes(b"not a font")  # present but unreadable: skipped, not used
    with pytest.raises(pdf_pack.FontNotFound, match="fonts-wqy-microhei"):
        pdf_pack.find_cjk_font([tmp_path])


def test_a_deck_renders_well_under_two_seconds(qjp):
    deck, _, _ = qjp
    pdf_pack.cjk_font()  # registered once per process
    start = time.process_time()  # CPU time: the tests share the machine with others
    pdf_pack.write_pdf(deck, io.BytesIO())
    assert time.process_time() - start < 2.0


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_pages_render_to_png_for_review(qjp, huaian, tmp_path):
    """Renders both demo decks and the long table to artifacts/pack/pdf/ (git-ignored),
    one PNG per page, for a person to look at."""
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    for old in PNG_DIR.glob("*.png"):
        old.unlink()
    long_pdf = tmp_path / "长表-120行.pdf"
    pdf_pack.write_pdf(long_table_deck(120), long_pdf)
    for pdf in (qjp[1], huaian[1], long_pdf):
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(PNG_DIR / pdf.stem)], check=True)
        pngs = sorted(PNG_DIR.glob(f"{pdf.stem}-*.png"))
        assert len(pngs) == len(PdfReader(pdf).pages)
        assert all(p.stat().st_size > 5000 for p in pngs)  # drawn pages, not blanks
