"""The written summary (工作总结), the Excel pack and the reports command line.

The summary's numbers all come from queries: on the fixture warehouse (测试区, data to
2025-06-30) a section is compared with text written by hand from the fixture rows, and on
the demo warehouse the article's sentences come out with the article's figures."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from reports import summary
from reports.pack import STORYLINE, build_deck
from reports.xlsx_pack import write_xlsx
from warehouse.db import connect_snapshot
from warehouse.filters import Filters
from warehouse.queries import common, statutory

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ["32次", "20次", "24次", "38场次", "228家", "428人次", "164条", "83条", "224件"]


@pytest.fixture(scope="module")
def demo_con(demo_db):
    con = connect_snapshot(demo_db)
    yield con
    con.close()


def qjp(con, year: int = 2023) -> Filters:
    return Filters("清江浦区", year, (), common.data_as_of(con, "清江浦区"))


def test_demo_summary_of_qingjiangpu_2023_carries_the_articles_figures(demo_con):
    text = summary.summary_text(demo_con, qjp(demo_con))
    for figure in ARTICLE:
        assert figure in text, figure
    # The article's own sentences, with the figures in their places.
    assert "全区共召开镇人代会和街道代表议事会32次，各镇街人大召开工作评议会20次、代表选民议事会24次" in text
    assert "四级人大代表参与428人次" in text and "走访企业228家，回收调查问卷228份" in text
    assert "收集企业提出的意见164条，代表提出的意见建议83条" in text
    assert "解决群众急难愁盼的问题224件" in text
    assert "全区16个镇街共举办38场次全过程人民民主宣传宣讲活动" in text
    assert text.startswith("【强化宣传教育】2023年，"), "a finished year opens with the year"


def test_summary_is_deterministic(demo_con):
    f = qjp(demo_con)
    assert summary.summary_text(demo_con, f) == summary.summary_text(demo_con, f)


def test_fixture_statutory_paragraph_equals_the_hand_written_text(fixture_con):
    # 测试区 2024 (a finished year; 2023 holds nothing, so no comparison): congress 甲2 + 乙2
    # + 丙3 = 7, review 甲1 + 乙0 + 丙2 = 3, deputy-voter 甲1; 乙镇 held no review.
    f = Filters("测试区", 2024, (), dt.date(2025, 6, 30))
    sec = {s.key: s for s in summary.summary_sections(fixture_con, f)}["statutory"]
    assert sec.text == ("2024年，全区共召开镇人代会和街道代表议事会7次，各镇街人大召开工作评议会3次、代表选民议事会1次。"
                        "2个镇街达到“每年至少召开2次镇人代会（街道代表议事会）、1次工作评议会”的要求，乙镇未达到。")


def test_fixture_unfinished_year_compares_the_same_period_and_names_pending_towns(fixture_con):
    # 2025 to 06-30: congress 甲1 + 乙2 = 3 (same period 2024: 甲1 (J1) + 乙1 (Y1) + 丙2 (B1, B2) = 4),
    # review 甲1 + 乙1 = 2 (2024 to 06-30: J3, B4 = 2); 甲 and 丙 still short of a minimum.
    f = Filters("测试区", 2025, (), dt.date(2025, 6, 30))
    text = {s.key: s for s in summary.summary_sections(fixture_con, f)}["statutory"].text
    assert text.startswith("今年以来（截至6月30日），全区共召开镇人代会和街道代表议事会3次，各镇街人大召开工作评议会2次")
    assert "较上年同期镇人代会和街道代表议事会减少1次，工作评议会持平" in text
    assert "1个镇街已达到" in text and "甲街道、丙街道尚未达到，需在年内补齐" in text


def test_every_number_in_the_statutory_paragraph_is_a_query_result(demo_con):
    f = qjp(demo_con, 2025)
    text = {s.key: s for s in summary.summary_sections(demo_con, f)}["statutory"].text
    by_town = statutory.statutory_by_town(demo_con, f)
    prev = statutory.statutory_by_town(demo_con, f.with_year(2024))
    allowed = {2025, 2, 1, len(by_town), int(by_town["compliant"].sum())}
    for col in ("congress", "review", "deputy_voter"):
        allowed |= {int(by_town[col].sum()), abs(int(by_town[col].sum()) - int(prev[col].sum()))}
    numbers = {int(n) for n in re.findall(r"\d+", text)}
    assert numbers <= allowed, numbers - allowed


def test_a_summary_needs_a_year(demo_con):
    with pytest.raises(ValueError):
        summary.summary_sections(demo_con, Filters("清江浦区", None))


def test_the_excel_pack_has_one_sheet_per_slide_with_the_data_and_the_filters(demo_con, tmp_path):
    f = qjp(demo_con)
    deck = build_deck(demo_con, f)
    names = write_xlsx(deck, tmp_path / "pack.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "pack.xlsx")
    assert wb.sheetnames == names and len(names) == len(STORYLINE)
    for ws in wb.worksheets:
        assert ws["B1"].value is None and "数据截至 " in ws["A2"].value and "清江浦区 · 2023年" in ws["A2"].value
    # The statutory sheet holds each town's meetings as numbers, equal to the query.
    ws = wb.worksheets[STORYLINE.index("statutory")]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "镇街")
    got = {r[0]: (r[1], r[2], r[3]) for r in rows[head + 1:] if r[0]}
    by_town = statutory.statutory_by_town(demo_con, f)
    assert got == {r.town: (r.congress, r.review, r.deputy_voter) for r in by_town.itertuples()}
    # The title sheet holds the written summary.
    first = [r[0] for r in wb.worksheets[0].iter_rows(values_only=True) if r[0]]
    assert any("32次" in str(v) for v in first)


def _cell(v):
    """A deck value as the workbook holds it: numbers as floats, text as text, blanks None."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return str(v)


def test_every_sheet_of_the_excel_pack_holds_every_data_block_of_its_slide(demo_con, tmp_path):
    """Each sheet, block by block, equals the frames the deck built from the queries:
    header row, then the rows as typed cells (numbers stay numbers)."""
    f = qjp(demo_con)
    deck = build_deck(demo_con, f)
    write_xlsx(deck, tmp_path / "pack.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "pack.xlsx")
    blocks = 0
    for slide, ws in zip(deck.slides, wb.worksheets, strict=True):
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
        assert rows[0][0] == slide.title and rows[2][0] == slide.message
        for title, frame in slide.data:
            width = len(frame.columns)
            # Below the title, stamp and message; the block's title row precedes its header.
            at = next(i for i in range(3, len(rows) - 1)
                      if rows[i][0] == title and rows[i + 1][0] == str(frame.columns[0]))
            assert rows[at + 1][:width] == tuple(str(c) for c in frame.columns), (slide.key, title)
            got = [tuple(_cell(v) for v in r[:width]) for r in rows[at + 2:at + 2 + len(frame)]]
            want = [tuple(_cell(v) for v in r) for r in frame.itertuples(index=False)]
            # Excel keeps 15 significant digits: numbers compare to that precision.
            assert len(got) == len(want) and all(
                g == (pytest.approx(w, rel=1e-12) if isinstance(w, float) else w)
                for gr, wr in zip(got, want) for g, w in zip(gr, wr)), (slide.key, title, got, want)
            blocks += 1
        for k in slide.kpis:
            assert any(r[0] == k.label and r[1] == k.value for r in rows), (slide.key, k.label)
    assert blocks >= len(STORYLINE) - 2  # every slide but the title (and at most one other) has data


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reports", *args, "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cli_summary_prints_the_summary(demo_db):
    r = _cli("summary", "--district", "清江浦区", "--year", "2023", db=demo_db)
    assert r.returncode == 0, r.stderr
    for figure in ARTICLE:
        assert figure in r.stdout


def test_cli_pack_writes_the_excel_pack(demo_db, tmp_path):
    out = tmp_path / "out" / "pack.xlsx"
    r = _cli("pack", "--district", "清江浦区", "--year", "2023", "--out", str(out), db=demo_db)
    assert r.returncode == 0, r.stderr
    assert len(openpyxl.load_workbook(out).sheetnames) == len(STORYLINE)
    assert not list(out.parent.glob("*.part"))


@pytest.mark.parametrize("args, message", [
    (("--district", "不存在区", "--year", "2023", "--out", "x.xlsx"), "数据仓库中没有“不存在区”"),
    (("--district", "清江浦区", "--year", "1999", "--out", "x.xlsx"), "没有1999年的记录"),
    (("--district", "清江浦区", "--year", "2023", "--out", "x.docx"), "不支持的扩展名"),
])
def test_cli_pack_refuses_bad_usage_in_words(demo_db, tmp_path, args, message):
    r = _cli("pack", *args, db=demo_db)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
