"""The evaluation pack as PowerPoint: the file says what the deck says, in Chinese type
that Office has, and nothing on a slide runs off it or into something else.

The decks are of the demo warehouse: 清江浦区 2023 (the article's year, a finished year)
and 淮安区 2026 (a year not over, with a long 需要关注 table and a target series with
gaps). Each is built and written once per module and read back with python-pptx.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_MARKER_STYLE
from pptx.oxml.ns import qn
from pptx.util import Emu

from reports import pack
from reports.pptx_pack import FONT, write_pptx
from warehouse.db import connect_snapshot
from warehouse.filters import Filters
from warehouse.queries import common, statutory

ROOT = Path(__file__).resolve().parent.parent
RENDERS = ROOT / "artifacts" / "pack" / "pptx"
KIND_TYPES = {"column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
              "line": XL_CHART_TYPE.LINE_MARKERS, "stacked_column": XL_CHART_TYPE.COLUMN_STACKED}


def _written(con, district: str, year: int, path: Path) -> SimpleNamespace:
    f = Filters(district, year, (), common.data_as_of(con, district))
    deck = pack.build_deck(con, f)
    write_pptx(deck, path)
    return SimpleNamespace(f=f, deck=deck, path=path, prs=Presentation(str(path)))


@pytest.fixture(scope="module")
def con(demo_db):
    c = connect_snapshot(demo_db)
    yield c
    c.close()


@pytest.fixture(scope="module")
def qjp(con, tmp_path_factory):
    return _written(con, "清江浦区", 2023, tmp_path_factory.mktemp("pptx") / "qjp-2023.pptx")


@pytest.fixture(scope="module")
def ha(con, tmp_path_factory):
    return _written(con, "淮安区", 2026, tmp_path_factory.mktemp("pptx") / "ha-2026.pptx")


@pytest.fixture(params=["qjp", "ha"])
def written(request):
    return request.getfixturevalue(request.param)


def _texts(shapes) -> list[str]:
    """Every text on a slide: text frames, table cells, inside groups."""
    out = []
    for shp in shapes:
        if shp.shape_type is not None and shp.shape_type == 6:  # group
            out += _texts(shp.shapes)
        if shp.has_text_frame:
            out.append(shp.text_frame.text)
        if getattr(shp, "has_table", False) and shp.has_table:
            out += [cell.text for row in shp.table.rows for cell in row.cells]
    return out


def _slide_text(slide) -> str:
    return "\n".join(_texts(slide.shapes))


def _charts(slide):
    return [shp for shp in slide.shapes if shp.has_chart]


def _tables(slide):
    return [shp for shp in slide.shapes if shp.has_table]


# --------------------------------------------------------------------------------------
# Storyline and data
# --------------------------------------------------------------------------------------

def test_one_16_9_slide_per_storyline_slide_with_its_title_in_order(written):
    prs, deck = written.prs, written.deck
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))  # 13.333 in × 7.5 in
    assert len(prs.slides) == len(pack.STORYLINE) == len(deck.slides) == 9
    assert [s.shapes.title.text for s in prs.slides] == [s.title for s in deck.slides]


def test_title_slide_names_district_period_and_data_cutoff(qjp, ha):
    text = _slide_text(qjp.prs.slides[0])
    assert "清江浦区履职工作汇报" in text and "2023年" in text and "数据截至 2026年10月31日" in text
    text = _slide_text(ha.prs.slides[0])
    assert "淮安区" in text and "2026年1月—10月" in text  # a year not over says so


def test_every_slide_shows_its_message_and_kpis(written):
    for slide, s in zip(written.prs.slides, written.deck.slides):
        text = _slide_text(slide)
        assert s.message in text
        for k in s.kpis:
            assert k.label in text and k.value in text
            assert not k.delta or k.delta in text
            assert not k.target or k.target in text


def test_every_deck_chart_is_a_native_chart_with_the_decks_numbers(written):
    n = 0
    for slide, s in zip(written.prs.slides, written.deck.slides):
        charts = _charts(slide)
        if s.chart is None:
            assert charts == []
            continue
        n += 1
        assert len(charts) == 1
        chart = charts[0].chart
        if s.chart.kind == "line":
            # python-pptx calls a line chart LINE once any series has no markers (the dashed
            # target); the measured series keeps its markers.
            assert chart.chart_type in (XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.LINE)
            assert chart.plots[0].series[0].marker.style != XL_MARKER_STYLE.NONE
        else:
            assert chart.chart_type == KIND_TYPES[s.chart.kind]
        assert list(chart.plots[0].categories) == list(s.chart.categories)
        want = [(name, [None if math.isnan(v) else v for v in vals]) for name, vals in s.chart.series]
        want = [(name, vals) for name, vals in want if any(v is not None for v in vals)]  # all-empty: left out
        got = [(ser.name, list(ser.values)) for ser in chart.plots[0].series]
        assert got == want
        # The data travel inside the file (editable in PowerPoint): an embedded workbook.
        assert charts[0].chart.part.chart_workbook.xlsx_part is not None
    assert n == 6


def test_statutory_chart_equals_the_query(qjp, con):
    """The chart is the deck's, and the deck's is the query's: cross-check one end to end."""
    i = pack.STORYLINE.index("statutory")
    chart = _charts(qjp.prs.slides[i])[0].chart
    by_town = statutory.statutory_by_town(con, qjp.f)
    assert list(chart.plots[0].categories) == by_town["town"].tolist()
    assert list(chart.plots[0].series[0].values) == [float(x) for x in by_town["congress"]]
    assert sum(chart.plots[0].series[0].values) == 32  # the article's 32 镇人代会/街道代表议事会


def test_a_target_with_gaps_is_drawn_with_gaps_not_zeros(ha):
    # Guards the NaN → "nan" (or 0) trap: the rollout target starts with the plan in 2024.
    i = pack.STORYLINE.index("rollout")
    deck_target = dict(ha.deck.slides[i].chart.series)["目标"]
    assert any(math.isnan(v) for v in deck_target) and not all(math.isnan(v) for v in deck_target)
    chart = _charts(ha.prs.slides[i])[0].chart
    target = next(s for s in chart.plots[0].series if s.name == "目标")
    assert [v is None for v in target.values] == [math.isnan(v) for v in deck_target]
    assert b"<c:v>nan</c:v>" not in chart.part.blob.lower()


def test_percent_charts_use_percent_formats(written):
    i = pack.STORYLINE.index("suggestions")
    shapes = _charts(written.prs.slides[i])
    assert written.deck.slides[i].chart.percent and shapes
    xml = shapes[0].chart.part.blob.decode()
    assert 'formatCode="0%"' in xml or "<c:formatCode>0%</c:formatCode>" in xml
    assert '<c:numFmt formatCode="0%" sourceLinked="0"/>' in xml  # value axis


def test_tables_show_the_decks_rows_and_say_where_the_rest_is(qjp):
    i = pack.STORYLINE.index("participation")
    t = qjp.deck.slides[i].table
    assert len(t.rows) > t.max_rows_on_slide  # 16 towns, 12 on the slide
    table = _tables(qjp.prs.slides[i])[0].table
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == t.columns
    body = rows[1:-1]
    assert 0 < len(body) <= t.max_rows_on_slide
    assert [r[0] for r in body] == [r[0] for r in t.rows[: len(body)]]
    assert [r[2] for r in body] == [f"{r[2]:,}" for r in t.rows[: len(body)]]
    assert rows[-1][0] == f"其余{len(t.rows) - len(body)}行见Excel附表"


def test_a_table_that_fits_is_shown_whole(written):
    for slide, s in zip(written.prs.slides, written.deck.slides):
        if s.table is None or len(s.table.rows) > s.table.max_rows_on_slide:
            continue
        rows = [[c.text for c in r.cells] for r in _tables(slide)[0].table.rows]
        assert len(rows) == 1 + len(s.table.rows), s.key
        assert not any("见Excel附表" in c for r in rows for c in r)


def test_headline_slide_carries_the_articles_figures(qjp):
    text = _slide_text(qjp.prs.slides[pack.STORYLINE.index("headline")])
    numbers = set(re.findall(r"\d[\d,]*", text))
    for figure in ("32", "20", "24", "228", "428", "164", "83", "224"):
        assert figure in numbers, figure


# --------------------------------------------------------------------------------------
# Stamp and notes
# --------------------------------------------------------------------------------------

def test_every_slide_carries_the_stamp_and_its_page_number(written):
    deck = written.deck
    assert "数据截至" in deck.stamp and deck.filters_text in deck.stamp
    n = len(written.prs.slides)
    for page, slide in enumerate(written.prs.slides, start=1):
        texts = _texts(slide.shapes)
        assert deck.stamp in texts
        assert f"{page} / {n}" in texts


def test_notes_carry_the_summary_and_the_kpi_definitions(written):
    for slide, s in zip(written.prs.slides, written.deck.slides):
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.strip(), s.key
        if s.notes:
            assert notes == s.notes
        for k in s.kpis:
            assert not k.definition or k.definition in notes
    statutory_notes = written.prs.slides[pack.STORYLINE.index("statutory")].notes_slide.notes_text_frame.text
    assert "统计口径" in statutory_notes and "法定最低要求" in statutory_notes


def test_title_slide_notes_are_the_whole_written_summary(qjp):
    notes = qjp.prs.slides[0].notes_slide.notes_text_frame.text
    assert notes == qjp.deck.slides[0].notes
    for sec in qjp.deck.summary:
        assert sec.text in notes


# --------------------------------------------------------------------------------------
# Fonts and placeholders
# --------------------------------------------------------------------------------------

def _typefaces_ok(root) -> tuple[int, list[str]]:
    """Count runs; list those whose rPr lacks a:ea / a:latin in Microsoft YaHei."""
    n, bad = 0, []
    for r in root.iter(qn("a:r")):
        n += 1
        rpr = r.find(qn("a:rPr"))
        faces = {t: (rpr.find(qn(t)).get("typeface") if rpr is not None and rpr.find(qn(t)) is not None else None)
                 for t in ("a:latin", "a:ea", "a:cs")}
        if set(faces.values()) != {FONT}:
            bad.append("".join(r.itertext()))
    return n, bad


def test_every_run_is_set_in_microsoft_yahei_incl_tables_and_notes(written):
    total = 0
    for slide in written.prs.slides:
        n, bad = _typefaces_ok(slide._element)
        assert bad == []
        total += n
        n, bad = _typefaces_ok(slide.notes_slide._element)
        assert n and bad == []
    assert total > 100
    table_runs = [r for slide in written.prs.slides for t in _tables(slide) for r in t._element.iter(qn("a:r"))]
    assert table_runs  # the walk did reach table cells


def test_chart_text_is_set_in_microsoft_yahei(written):
    for slide in written.prs.slides:
        for frame in _charts(slide):
            space = frame.chart._chartSpace
            props = [el for el in space.iter(qn("a:defRPr"), qn("a:rPr"))]
            assert props
            for el in props:
                assert el.find(qn("a:ea")).get("typeface") == FONT
            # chart-wide default, axis tick labels, legend (if any): all carry txPr
            assert space.find(qn("c:txPr")) is not None
            for ax in itertools.chain(space.iter(qn("c:catAx")), space.iter(qn("c:valAx"))):
                assert ax.find(qn("c:txPr")) is not None
            assert f'<a:ea typeface="{FONT}"/>' in frame.chart.part.blob.decode()


def test_theme_fonts_are_microsoft_yahei(qjp):
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = qjp.prs.slide_master.part.part_related_by(RT.THEME).blob.decode()
    assert f'<a:ea typeface="{FONT}"/>' in theme


def test_no_placeholder_is_left_empty_and_no_prompt_text(written):
    for slide in written.prs.slides:
        for ph in slide.placeholders:
            assert ph.has_text_frame and ph.text_frame.text.strip(), ph.name
        text = _slide_text(slide)
        assert "Click to" not in text and "单击此处" not in text


# --------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------

def _box(shp) -> tuple[int, int, int, int]:
    return shp.left, shp.top, shp.left + shp.width, shp.top + shp.height


def test_shapes_stay_on_the_slide_and_never_overlap(written):
    W, H = written.prs.slide_width, written.prs.slide_height
    for page, slide in enumerate(written.prs.slides, start=1):
        boxes = [(shp.name, _box(shp)) for shp in slide.shapes]
        for name, (x0, y0, x1, y1) in boxes:
            assert 0 <= x0 and 0 <= y0 and x1 <= W and y1 <= H, (page, name)
        # Every pair, the footer included: it is kept clear of the body.
        for (n1, a), (n2, b) in itertools.combinations(boxes, 2):
            overlap = min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0
            assert not overlap, (page, n1, n2)


def test_tiles_charts_and_tables_are_inside_the_body(written):
    footer_top = min(shp.top for shp in written.prs.slides[1].shapes if shp.name.startswith("Footer"))
    for slide in list(written.prs.slides)[1:]:
        title_bottom = max(shp.top + shp.height for shp in slide.shapes if shp.name in ("Title", "Message"))
        for shp in slide.shapes:
            if shp.has_chart or getattr(shp, "has_table", False) or shp.name.startswith("KPI"):
                assert shp.top >= title_bottom and shp.top + shp.height < footer_top, shp.name


def _frames(shapes):
    for shp in shapes:
        if shp.shape_type == 6:  # group
            yield from _frames(shp.shapes)
        elif shp.has_text_frame and shp.text_frame.text:
            yield shp


def test_text_fits_its_box(written):
    """Each paragraph's lines (a plain width estimate: CJK 1 em, else 0.55 em) at its fixed
    line spacing fit in the text frame's height — so nothing spills out in any renderer."""
    emu_pt = 12700
    for page, slide in enumerate(written.prs.slides, start=1):
        for shp in _frames(slide.shapes):
            tf = shp.text_frame
            body = tf._txBody.find(qn("a:bodyPr"))
            assert body.find(qn("a:noAutofit")) is not None and body.get("wrap") == "square"
            inner_w = (shp.width - tf.margin_left - tf.margin_right) / emu_pt
            inner_h = (shp.height - tf.margin_top - tf.margin_bottom) / emu_pt
            need = 0.0
            for p in tf._txBody.iter(qn("a:p")):
                text = "".join(t.text or "" for t in p.iter(qn("a:t")))
                size = max(int(r.get("sz")) for r in p.iter(qn("a:rPr"))) / 100
                spacing = int(p.find(f"{qn('a:pPr')}/{qn('a:lnSpc')}/{qn('a:spcPts')}").get("val")) / 100
                assert spacing >= 1.2 * size  # room for CJK glyphs
                em = sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)
                need += max(1, math.ceil(em * size / inner_w)) * spacing
            assert need <= inner_h + 0.5, (page, shp.name, need, inner_h)


def test_table_rows_are_tall_enough_for_11pt_text(written):
    for slide in written.prs.slides:
        for frame in _tables(slide):
            tbl = frame.table
            assert sum(r.height for r in tbl.rows) == frame.height
            assert all(r.height >= Emu(int(0.26 * 914400)) for r in tbl.rows)
            sizes = {r.get("sz") for r in frame._element.iter(qn("a:rPr"))}
            assert sizes <= {"1100", "1200"}


def test_long_category_labels_are_turned_or_on_a_bar_chart(written):
    """16 town names under a column chart: the labels are turned, sized 10–12 pt."""
    i = pack.STORYLINE.index("statutory")
    chart = _charts(written.prs.slides[i])[0].chart
    cat_ax = chart._chartSpace.find(".//" + qn("c:catAx"))
    body = cat_ax.find(qn("c:txPr")).find(qn("a:bodyPr"))
    assert body.get("rot") == "-2700000"
    size = int(cat_ax.find(qn("c:txPr")).find(".//" + qn("a:defRPr")).get("sz"))
    assert 1000 <= size <= 1200


def test_a_year_without_records_still_makes_a_clean_deck(con, tmp_path):
    """2021 precedes the demo's records: empty charts and tables must not break the file
    or the layout (no chart without categories, no header-only table)."""
    w = _written(con, "清江浦区", 2021, tmp_path / "qjp-2021.pptx")
    assert len(w.prs.slides) == 9
    W, H = w.prs.slide_width, w.prs.slide_height
    assert any(s.chart is not None and not s.chart.categories for s in w.deck.slides)
    assert any(s.table is not None and not s.table.rows for s in w.deck.slides)
    for slide, s in zip(w.prs.slides, w.deck.slides):
        boxes = [_box(shp) for shp in slide.shapes]
        assert all(0 <= b[0] and 0 <= b[1] and b[2] <= W and b[3] <= H for b in boxes)
        for a, b in itertools.combinations(boxes, 2):
            assert not (min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])), s.key
        if s.chart is not None and not s.chart.categories:
            assert _charts(slide) == [] and "本期暂无数据" in _slide_text(slide)
        if s.table is not None and not s.table.rows:
            assert [[c.text for c in r.cells][0] for r in _tables(slide)[0].table.rows][-1] == "暂无记录"


# --------------------------------------------------------------------------------------
# Output and speed
# --------------------------------------------------------------------------------------

def test_writes_to_a_binary_file_object(qjp):
    buf = io.BytesIO()
    write_pptx(qjp.deck, buf)
    assert buf.getvalue()[:2] == b"PK"
    assert len(Presentation(io.BytesIO(buf.getvalue())).slides) == 9


def test_writing_a_deck_takes_well_under_two_seconds(qjp):
    # CPU time, not wall time: the suite runs beside other work on shared machines.
    write_pptx(qjp.deck, io.BytesIO())  # warm (imports, templates)
    start = time.process_time()
    write_pptx(qjp.deck, io.BytesIO())
    assert time.process_time() - start < 1.5


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="LibreOffice not installed")
def test_libreoffice_renders_nine_pages(qjp, ha, tmp_path):
    """Render both decks to PDF and PNGs (artifacts/pack/pptx/) for a person to look at."""
    RENDERS.mkdir(parents=True, exist_ok=True)
    for old in itertools.chain(RENDERS.glob("*.png"), RENDERS.glob("*.pdf"), RENDERS.glob("*.pptx")):
        old.unlink()
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    for w in (qjp, ha):
        shutil.copy(w.path, RENDERS / w.path.name)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(w.path)],
                       env=env, check=True, timeout=120, capture_output=True)
        pdf = tmp_path / (w.path.stem + ".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+9$", info, re.M), info
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(RENDERS / w.path.stem)], check=True,
                       timeout=120)
        assert len(list(RENDERS.glob(w.path.stem + "-*.png"))) == 9
