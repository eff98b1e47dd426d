"""The Excel input template: what a clerk sees, and that what they fill in loads."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from etl import spec
from etl.dictionary import KIND_NOTES, key_text
from etl.template import write_template

LISTS = "下拉选项"
INSTRUCTIONS = "说明"
# An absolute range on a quoted sheet: '下拉选项'!$D$2:$D$9
LIST_FORMULA = re.compile(r"^'(?P<sheet>[^']+)'!\$(?P<c1>[A-Z]+)\$(?P<r1>\d+):\$(?P<c2>[A-Z]+)\$(?P<r2>\d+)$")


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def wb(template_path: Path) -> Workbook:
    return openpyxl.load_workbook(template_path)


def _headers(ws: Worksheet) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def _list_values(wb: Workbook, formula: str) -> list[str]:
    """The values a list validation offers, read from the range its formula names."""
    m = LIST_FORMULA.match(formula)
    assert m, f"not an absolute range on a quoted sheet: {formula}"
    assert m["c1"] == m["c2"], formula
    ws = wb[m["sheet"]]
    return [ws[f"{m['c1']}{r}"].value for r in range(int(m["r1"]), int(m["r2"]) + 1)]


def _validations_of(ws: Worksheet, column: str) -> list:
    """Data validations that cover the data rows 2..1000 of a column."""
    return [dv for dv in ws.data_validations.dataValidation
            if f"{column}2" in dv.sqref and f"{column}1000" in dv.sqref]


# ---------------------------------------------------------------------------------------
# Shape
# ---------------------------------------------------------------------------------------


def test_sheets_are_instructions_then_one_per_kind_in_spec_order_then_lists(wb: Workbook) -> None:
    assert wb.sheetnames == [INSTRUCTIONS, *(k.label for k in spec.KINDS), LISTS]
    assert wb.active.title == INSTRUCTIONS


def test_headers_are_exactly_the_chinese_labels_in_spec_order(wb: Workbook) -> None:
    for kind in spec.KINDS:
        headers = _headers(wb[kind.label])
        assert [h.rstrip("*") for h in headers] == [c.label for c in kind.columns], kind.name


def test_required_columns_end_in_a_star_and_have_their_own_fill(wb: Workbook) -> None:
    fills: dict[bool, set[str]] = {True: set(), False: set()}
    for kind in spec.KINDS:
        ws = wb[kind.label]
        for cell, col in zip(ws[1], kind.columns):
            assert cell.value.endswith("*") == col.required, (kind.name, col.id)
            assert cell.font.bold
            fills[col.required].add(cell.fill.fgColor.rgb)
    assert len(fills[True]) == 1 and len(fills[False]) == 1
    assert fills[True] != fills[False]


def test_header_comments_give_column_id_type_and_accepted_values(wb: Workbook) -> None:
    for kind in spec.KINDS:
        ws = wb[kind.label]
        for cell, col in zip(ws[1], kind.columns):
            assert cell.comment is not None, (kind.name, col.id)
            text = cell.comment.text
            assert text.startswith(col.id + " "), text
            assert col.type in text
            if col.enum:
                for code, (zh, _en) in spec.ENUMS[col.enum].items():
                    assert zh in text and code in text


def test_header_row_is_frozen_and_columns_are_wide_enough(wb: Workbook) -> None:
    for kind in spec.KINDS:
        ws = wb[kind.label]
        assert ws.freeze_panes == "A2"
        for cell in ws[1]:
            assert ws.column_dimensions[cell.column_letter].width >= 8


def test_date_columns_have_a_date_format(wb: Workbook) -> None:
    for kind in spec.KINDS:
        ws = wb[kind.label]
        for cell, col in zip(ws[1], kind.columns):
            fmt = ws.column_dimensions[cell.column_letter].number_format
            if col.type == "date":
                assert "yy" in fmt and "d" in fmt, (kind.name, col.id, fmt)


def test_kind_sheets_hold_no_data_rows(wb: Workbook) -> None:
    # Formats live on the columns, not on 999 empty cells: ws.append() must land on row 2.
    for kind in spec.KINDS:
        assert wb[kind.label].max_row == 1, kind.name


# ---------------------------------------------------------------------------------------
# Drop-down lists
# ---------------------------------------------------------------------------------------


def test_lists_sheet_is_hidden(wb: Workbook) -> None:
    assert wb[LISTS].sheet_state == "hidden"


def test_every_enum_and_bool_column_offers_exactly_its_labels(wb: Workbook) -> None:
    checked = 0
    for kind in spec.KINDS:
        ws = wb[kind.label]
        for cell, col in zip(ws[1], kind.columns):
            lists = [dv for dv in _validations_of(ws, cell.column_letter) if dv.type == "list"]
            if col.type == "enum":
                expected = [zh for zh, _en in spec.ENUMS[col.enum].values()]
            elif col.type == "bool":
                expected = ["是", "否"]
            else:
                assert lists == [], (kind.name, col.id)
                continue
            assert len(lists) == 1, (kind.name, col.id)
            assert _list_values(wb, lists[0].formula1) == expected, (kind.name, col.id)
            checked += 1
    assert checked == sum(c.type in ("enum", "bool") for k in spec.KINDS for c in k.columns)


def test_drop_downs_warn_but_do_not_block_english_codes(wb: Workbook) -> None:
    # The loader accepts codes (PUBLICITY) and other yes/no spellings (Y, 1, √) as well.
    for kind in spec.KINDS:
        for dv in wb[kind.label].data_validations.dataValidation:
            if dv.type == "list":
                assert dv.errorStyle == "warning"


# ---------------------------------------------------------------------------------------
# Instructions
# ---------------------------------------------------------------------------------------


def _instructions_text(wb: Workbook) -> str:
    return "\n".join(str(v) for row in wb[INSTRUCTIONS].iter_rows(values_only=True)
                     for v in row if v is not None)


def test_instructions_mention_every_kind_with_its_key(wb: Workbook) -> None:
    text = _instructions_text(wb)
    for kind in spec.KINDS:
        assert kind.label in text and kind.name in text, kind.name
        assert key_text(kind, "zh") in text, kind.name
        assert KIND_NOTES[kind.name][0] in text


def test_instructions_explain_formats_and_load_rules(wb: Workbook) -> None:
    text = _instructions_text(wb)
    for phrase in ("2023-03-05", "2023/3/5", "2023.3.5", "2023年3月5日", "20230305", "Excel 日期",
                   "全角", "千分位", "不接受负数", "人、次", "是、y、yes、true、1、√、有", "否、n、no、false、0、×、无",
                   "英文代码", "去掉后缀", "12 位", "标题", "空行", "行号", "原因", "替换", "*"):
        assert phrase in text, phrase


def test_instructions_are_readable(wb: Workbook) -> None:
    ws = wb[INSTRUCTIONS]
    assert ws["A1"].font.bold
    assert ws.column_dimensions["B"].width >= 60
    assert any(c.alignment.wrap_text for row in ws.iter_rows() for c in row if c.value)


# ---------------------------------------------------------------------------------------
# Round trip through the loader
# ---------------------------------------------------------------------------------------


def _loader() -> Callable:
    # etl.load is written in parallel; skip only while the module does not exist at all,
    # so that an import error inside it still fails loudly.
    if importlib.util.find_spec("etl.load") is None:
        pytest.skip("etl.load does not exist yet")
    from etl.load import load

    return load


def _fill(ws: Worksheet, rows: list[dict[str, object]]) -> None:
    """Write rows (by column id) under the template's own headers, as a clerk would."""
    kind = spec.KIND_BY_NAME[spec.KIND_ALIASES[ws.title]]
    by_label = {cell.value.rstrip("*"): cell.column for cell in ws[1]}
    for r, values in enumerate(rows, start=2):
        for cid, value in values.items():
            ws.cell(row=r, column=by_label[kind.column(cid).label], value=value)


DISTRICT = "清江浦区"
TOWN = "柳树湾街道"


def test_filled_template_loads_with_codes_and_full_town_names(template_path: Path, tmp_path: Path) -> None:
    load = _loader()
    wb = openpyxl.load_workbook(template_path)
    _fill(wb["活动"], [
        # an Excel date cell, the full town name, a count with a unit
        {"activity_id": "QJP-A-001", "kind": "宣讲活动", "district": DISTRICT, "town": TOWN,
         "date": dt.date(2023, 3, 5), "venue": "村委会", "topic": "宪法宣传", "deputies": 3,
         "voter_reps": "5人", "social_workers": 2, "public": 120, "opinions": 4},
        # a date string with slashes, the town without its suffix
        {"activity_id": "QJP-A-002", "kind": "工作评议会", "district": DISTRICT, "town": "柳树湾",
         "date": "2023/4/1", "topic": "年度工作评议", "deputies": 10, "public": "1,000"},
        # a Chinese date string, the town's 12-digit code
        {"activity_id": "QJP-A-003", "kind": "街道代表议事会", "district": DISTRICT,
         "town": "320812010000", "date": "2023年5月6日", "topic": "议事会"},
    ])
    _fill(wb["企业走访"], [
        {"visit_id": "QJP-V-001", "date": dt.datetime(2023, 6, 1), "district": DISTRICT,
         "town": "柳树湾", "enterprise": "淮安示例机械有限公司", "industry": "制造业",
         "province_deputies": 1, "city_deputies": 2, "district_deputies": 3, "town_deputies": 4,
         "questionnaire": "是"},
    ])
    _fill(wb["企业意见"], [
        {"opinion_id": "QJP-O-001", "visit_id": "QJP-V-001", "source": "企业",
         "category": "融资信贷", "content": "希望拓宽融资渠道", "status": "已交办"},
    ])
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    db = tmp_path / "oversight.duckdb"

    report = load([filled], db)

    assert report.exit_code == 0, report.rejects
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 5, 0)
    con = duckdb.connect(str(db), read_only=True)
    try:
        activities = con.execute(
            "SELECT activity_id, kind, district, town, date, venue, participants, opinions, year, "
            "_sheet, _row FROM activities ORDER BY activity_id").fetchall()
        visits = con.execute(
            "SELECT visit_id, date, town, province_deputies + city_deputies + district_deputies "
            "+ town_deputies, questionnaire, year FROM enterprise_visits").fetchall()
        opinions = con.execute(
            "SELECT opinion_id, visit_id, source, category, status FROM enterprise_opinions").fetchall()
    finally:
        con.close()
    assert activities == [
        ("QJP-A-001", "PUBLICITY", DISTRICT, TOWN, dt.date(2023, 3, 5), "VILLAGE_OFFICE", 130, 4, 2023, "活动", 2),
        ("QJP-A-002", "WORK_REVIEW", DISTRICT, TOWN, dt.date(2023, 4, 1), None, 1010, 0, 2023, "活动", 3),
        ("QJP-A-003", "STREET_COUNCIL", DISTRICT, TOWN, dt.date(2023, 5, 6), None, 0, 0, 2023, "活动", 4),
    ]
    assert visits == [("QJP-V-001", dt.date(2023, 6, 1), TOWN, 10, True, 2023)]
    assert opinions == [("QJP-O-001", "QJP-V-001", "ENTERPRISE", "FINANCE", "ASSIGNED")]


def test_template_headers_are_recognised_by_the_loader(wb: Workbook) -> None:
    # The starred headers must fold to the column ids through the loader's own matcher.
    if importlib.util.find_spec("etl.read") is None:
        pytest.skip("etl.read does not exist yet")
    from etl.read import header_map, kind_for_name, normalize_header

    for kind in spec.KINDS:
        ws = wb[kind.label]
        assert kind_for_name(ws.title) is kind
        hmap = header_map(kind)
        assert [hmap.get(normalize_header(h)) for h in _headers(ws)] == [c.id for c in kind.columns]
    for name in (INSTRUCTIONS, LISTS):
        assert kind_for_name(name) is None


def test_empty_template_loads_nothing_and_complains_about_no_sheet(template_path: Path,
                                                                   tmp_path: Path) -> None:
    # Nothing to load is exit code 2 (the loader fails closed on an input without rows);
    # the instructions and lists sheets are skipped without a message.
    load = _loader()
    report = load([template_path], tmp_path / "oversight.duckdb", dry_run=True)
    assert report.rows_read == 0
    assert report.exit_code == 2
    [f] = report.files
    assert f.messages == []
