"""The malformed-input corpus: small input files, each with the outcome the ETL owes it.

Every entry is a :class:`Case` — a file name, the function that writes the file, and what
loading that one file into a fresh warehouse must give (refused with a reason, or exact
read / loaded / rejected counts, the reasons and Excel rows of the rejects, values that
must arrive intact). The cases cover what clerks' files really look like and how they
break: every encoding, title rows and merged or two-row headers, blank and hidden
sheets, formula cells without a cached value, Excel dates in the 1900 and 1904 systems,
every date / number / yes-no / town spelling the contract allows and broken ones,
duplicate keys, dangling references, empty, truncated and mislabelled files, a CSV with
a stray quote. The two big files (50 MB, 100,000 rows) are written by
:func:`write_big_csv` and :func:`write_big_xlsx` on demand.

Deterministic: no randomness, fixed workbook timestamps, fixed zip entry times — the
same bytes on every run. The files are never committed:

    .venv/bin/python tests/corpus/make_corpus.py artifacts/corpus     # writes files + manifest.json

``tests/test_corpus.py`` writes the corpus into a pytest temporary folder instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------------------
# Expectations
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """What loading the file alone into a fresh warehouse gives.

    ``refused``: None when the file must be read; otherwise a text the refusal must
    contain ("" = any reason). ``read``/``loaded``/``rejected``: exact counts (None =
    not pinned). ``reasons``: texts that must each appear in some reject reason.
    ``reject_rows``: the exact set of (sheet, Excel row) of the rejects. ``messages``:
    texts that must each appear in the file's report messages. ``sql``: (query, rows)
    pairs that must hold on the loaded warehouse (values arrive intact)."""

    refused: str | None = None
    read: int | None = None
    loaded: int | None = None
    rejected: int | None = None
    reasons: tuple[str, ...] = ()
    reject_rows: tuple[tuple[str | None, int], ...] | None = None
    messages: tuple[str, ...] = ()
    sql: tuple[tuple[str, list[list[object]]], ...] = ()


def counts(read: int, loaded: int, **kw: object) -> Expect:
    return Expect(read=read, loaded=loaded, rejected=read - loaded, **kw)  # type: ignore[arg-type]


def refused(reason: str = "") -> Expect:
    return Expect(refused=reason)


@dataclass
class Case:
    name: str  # file name inside the corpus folder (its suffix and stem matter)
    category: str
    write: Callable[[Path], None] = field(repr=False)
    expect: Expect


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------


def _csv_text(rows: list[list[object]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in r] for r in rows])
    return buf.getvalue()


def csv_writer(rows: list[list[object]], encoding: str = "utf-8", delimiter: str = ",") -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(_csv_text(rows, delimiter).encode(encoding))
    return write


def bytes_writer(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data() if callable(data) else data)
    return write


def _fix_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times, so the bytes are reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", body)
            zout.writestr(zi, body)
    return out.getvalue()


def workbook_bytes(sheets: dict[str, list[list[object]]], tweak: Callable[[openpyxl.Workbook], None] | None = None,
                   epoch1904: bool = False, fix: bool = True) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if epoch1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904
        wb.epoch = CALENDAR_MAC_1904
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    if tweak:
        tweak(wb)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return _fix_zip(buf.getvalue()) if fix else buf.getvalue()


def xlsx_writer(sheets: dict[str, list[list[object]]], tweak: Callable[[openpyxl.Workbook], None] | None = None,
                epoch1904: bool = False) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(workbook_bytes(sheets, tweak, epoch1904))
    return write


# A cell of a hand-written workbook: text, a number, ("date", serial) — a number in a date
# format — or ("f", formula, cached) — a formula with its cached value (None: no value).
RawCell = object


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _raw_cell(ref: str, v: RawCell) -> str:
    if v is None:
        return ""
    if isinstance(v, tuple) and v[0] == "date":
        return f'<c r="{ref}" s="1"><v>{v[1]}</v></c>'
    if isinstance(v, tuple) and v[0] == "f":
        _, formula, cached = v
        f = f"<f>{escape(formula)}</f>"
        if cached is None:
            return f'<c r="{ref}">{f}</c>'
        if isinstance(cached, str):
            return f'<c r="{ref}" t="str">{f}<v>{escape(cached)}</v></c>'
        return f'<c r="{ref}">{f}<v>{cached}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'


def raw_xlsx_bytes(sheets: list[tuple[str, list[list[RawCell]]]], date1904: bool = False,
                   merges: dict[str, list[str]] | None = None) -> bytes:
    """A minimal workbook written by hand (inline strings, one date style), for what
    openpyxl cannot write: formulas with cached values, bare serials in a 1904 workbook."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(len(sheets))) + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          + ('<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>") + "<sheets>"
          + "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (n, _r) in enumerate(sheets))
          + "</sheets></workbook>")
    wbrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                        f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
              + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
              'Target="styles.xml"/></Relationships>')
    styles = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
              '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    out = io.BytesIO()
    t = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        def put(name: str, text: str) -> None:
            z.writestr(zipfile.ZipInfo(name, date_time=t), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
        put("[Content_Types].xml", ct)
        put("_rels/.rels", rels)
        put("xl/workbook.xml", wb)
        put("xl/_rels/workbook.xml.rels", wbrels)
        put("xl/styles.xml", styles)
        for i, (name, rows) in enumerate(sheets):
            body = "".join(
                f'<row r="{r + 1}">' + "".join(_raw_cell(f"{_col(c)}{r + 1}", v) for c, v in enumerate(row)) + "</row>"
                for r, row in enumerate(rows))
            m = (merges or {}).get(name, [])
            merge_xml = (f'<mergeCells count="{len(m)}">' + "".join(f'<mergeCell ref="{x}"/>' for x in m)
                         + "</mergeCells>") if m else ""
            put(f"xl/worksheets/sheet{i + 1}.xml",
                '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<sheetData>{body}</sheetData>{merge_xml}</worksheet>")
    return out.getvalue()


def raw_xlsx_writer(sheets: list[tuple[str, list[list[RawCell]]]], date1904: bool = False,
                    merges: dict[str, list[str]] | None = None) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(raw_xlsx_bytes(sheets, date1904, merges))
    return write


def parquet_writer(table: pa.Table) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        pq.write_table(table, path)
    return write


# --------------------------------------------------------------------------------------
# Good rows of every kind (real towns of the shipped reference list)
# --------------------------------------------------------------------------------------

ACT = ["活动编号", "类型", "区", "镇街", "日期", "人大代表人数", "群众人数"]


def act(i: object, date: object = "2023-03-05", town: object = "柳树湾", deputies: object = 3,
        public: object = 40, kind: object = "宣讲活动", district: object = "清江浦区") -> list[object]:
    return [f"A{i}", kind, district, town, date, deputies, public]


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(body17: str) -> str:
    """A unified social credit code with its GB 32100 check digit."""
    s = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(body17, _CREDIT_WEIGHTS))
    return body17 + _CREDIT_CHARS[(31 - s % 31) % 31]


VISIT = ["走访编号", "日期", "区", "镇街", "企业名称", "统一社会信用代码", "问卷回收"]


def visit(i: object, questionnaire: object = "是", credit: object = None) -> list[object]:
    return [f"V{i}", "2023-05-01", "清江浦区", "和平", f"企业{i}",
            credit if credit is not None else credit_code(f"91320812MA{int(i):07d}"), questionnaire]


OPINION = ["意见编号", "走访编号", "来源", "类别", "办理状态"]

GOOD: dict[str, tuple[list[str], Callable[[int], list[object]]]] = {
    "towns": (["区", "镇街", "类型", "区划代码", "村居数", "纳入统计"],
              lambda i: ["测试区", f"测试{i}街道", "街道", f"9999990{i:02d}000", 12, "是"]),
    "stations": (["阵地编号", "名称", "类型", "区", "镇街", "建成日期"],
                 lambda i: [f"S{i}", f"代表之家{i}", "代表之家", "清江浦区", "柳树湾", "2022-05-01"]),
    "deputies": (["代表编号", "姓名", "层级", "区", "镇街", "性别"],
                 lambda i: [f"D{i}", f"代表{i}", "区", "淮安区", "河下街道", "女"]),
    "activities": (ACT, lambda i: act(i)),
    "enterprise_visits": (VISIT, lambda i: visit(i)),
    "micro_suggestions": (["建议编号", "提交日期", "区", "镇街", "类别", "状态"],
                          lambda i: [f"M{i}", "2023-03-05", "清江浦区", "黄码", "城建交通", "已提交"]),
    "formal_suggestions": (["建议编号", "区", "会议", "标题", "主办单位", "交办日期"],
                           lambda i: [f"F{i}", "淮安区", "区十八届人大二次会议", f"关于第{i}条道路的建议", "区住建局", "2023-03-05"]),
    "appraisals": (["评议编号", "区", "年度", "被评议单位", "评议人类型", "满意票"],
                   lambda i: [f"P{i}", "清江浦区", 2023, f"部门{i}", "常委会组成人员", 10]),
    "practice_sites": (["实践点编号", "区", "镇街", "名称", "阶段", "启动日期", "评分"],
                       lambda i: [f"PS{i}", "清江浦区", "柳树湾", f"实践点{i}", "试点", "2023-01-01", 95]),
    "rollout_plan": (["区", "年度", "阶段", "目标覆盖镇街数"],
                     lambda i: ["清江浦区", 2020 + i, "试点示范", 5]),
}
CHINESE = {"towns": "镇街", "stations": "阵地", "deputies": "代表", "activities": "活动",
           "enterprise_visits": "企业走访", "micro_suggestions": "微建议", "formal_suggestions": "代表建议",
           "appraisals": "工作评议", "practice_sites": "实践点", "rollout_plan": "全覆盖计划"}


def good_rows(kind: str, n: int = 3) -> list[list[object]]:
    header, row = GOOD[kind]
    return [header] + [row(i) for i in range(1, n + 1)]


def sql_value(sql: str, *rows: list[object]) -> tuple[str, list[list[object]]]:
    return (sql, [list(r) for r in rows])


# --------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------

GOOD_DATES = ["2023-03-05", "2023/3/5", "2023.3.5", "2023年3月5日", "20230305", "2023-3-5", "2023/03/05",
              "2023年03月05日", " 2023-03-05 ", "２０２３－０３－０５", "2023-03-05 10:30", "2023-03-05T10:30:00",
              "2023/3/5 0:00:00", "44990", "44990.0", "44990.75", "2023年3月5日 "]
BAD_DATES = ["2023-13-45", "2023-02-29", "2023-02-30", "2023/3", "3/5/2023", "05.03.2023", "昨天", "1900-01-01",
             "1949-09-30", "2101-01-01", "100", "99999", "2023-3-5-1", "2023年3月", "20231345", "-44990",
             "2023--03-05", "2023-03-05x"]
GOOD_NUMBERS = [("12", 12), ("１２", 12), ("1,200", 1200), ("1，200", 1200), ("12人", 12), ("12 人", 12),
                ("12次", 12), ("1,200人次", 1200), ("12.0", 12), ("0", 0), (" 12 ", 12), ("１２人", 12),
                ("999999999999999999", 999999999999999999)]
BAD_NUMBERS = ["-3", "12.5", "十二", "1e3", "12abc", "99999999999999999999", "1.2.3", "--1", "+5", "0x1F", "12,5人元"]
YES = ["是", "Y", "yes", "TRUE", "1", "√", "有", "ｙｅｓ"]
NO = ["否", "N", "no", "false", "0", "×", "无"]
BAD_YN = ["也许", "2", "是的吧"]
GOOD_TOWNS = [("柳树湾街道", "柳树湾街道"), ("柳树湾", "柳树湾街道"), ("320812010000", "柳树湾街道"),
              ("和平镇", "和平镇"), ("和平", "和平镇"), ("  和平镇  ", "和平镇"), ("３２０８１２１０００００", "和平镇"), ("宁连路", "宁连路办事处")]
BAD_TOWNS = ["火星街道", "淮城", "柳树", "柳树湾镇", "320803001000", "柳树湾\x0b"]

RARE = "𠀀䶮"  # CJK Ext B and Ext A: GB18030 has them, GBK does not


def _safe(s: str) -> str:
    out = "".join(ch if ch.isalnum() else "_" for ch in s.strip()) or "blank"
    return out[:40]


def _date_cases() -> list[Case]:
    cases = []
    q = "SELECT CAST(date AS VARCHAR) FROM activities WHERE activity_id = 'A2'"
    for i, s in enumerate(GOOD_DATES):
        rows = [ACT, act(1), act(2, date=s)]
        e = counts(2, 2, sql=(sql_value(q, ["2023-03-05"]),))
        cases.append(Case(f"date_ok_{i:02d}_{_safe(s)}/活动.csv", "dates", csv_writer(rows), e))
        cases.append(Case(f"date_ok_{i:02d}_{_safe(s)}.xlsx", "dates", xlsx_writer({"活动": rows}), e))
    for i, s in enumerate(BAD_DATES):
        rows = [ACT, act(1), act(2, date=s)]
        e = counts(2, 1, reasons=("日期",), reject_rows=((None, 3),))
        ex = counts(2, 1, reasons=("日期",), reject_rows=(("活动", 3),))
        cases.append(Case(f"date_bad_{i:02d}_{_safe(s)}/活动.csv", "dates", csv_writer(rows), e))
        cases.append(Case(f"date_bad_{i:02d}_{_safe(s)}.xlsx", "dates", xlsx_writer({"活动": rows}), ex))
    # Native Excel dates: date cells, date-time cells, serial numbers (1900 system).
    native = [dt.datetime(2023, 3, 5), dt.datetime(2023, 3, 5, 14, 30), dt.date(2023, 3, 5), 44990, 44990.5]
    for i, v in enumerate(native):
        rows = [ACT, act(1), act(2, date=v)]
        cases.append(Case(f"date_cell_1900_{i}.xlsx", "excel dates", xlsx_writer({"活动": rows}),
                          counts(2, 2, sql=(sql_value(q, ["2023-03-05"]),))))
    # The 1904 date system: a date cell written by openpyxl, and serials in a date format
    # (Excel shows 1904 serial 43528 as 2023-03-05).
    cases.append(Case("date_cell_1904_datetime.xlsx", "excel dates",
                      xlsx_writer({"活动": [ACT, act(1), act(2, date=dt.datetime(2023, 3, 5))]}, epoch1904=True),
                      counts(2, 2, sql=(sql_value(q, ["2023-03-05"]),))))
    cases.append(Case("date_cell_1904_serial.xlsx", "excel dates",
                      raw_xlsx_writer([("活动", [ACT, act(1), act(2, date=("date", 43528))])], date1904=True),
                      counts(2, 2, sql=(sql_value(q, ["2023-03-05"]),))))
    cases.append(Case("date_cell_1900_serial_styled.xlsx", "excel dates",
                      raw_xlsx_writer([("活动", [ACT, act(1), act(2, date=("date", 44990))])]),
                      counts(2, 2, sql=(sql_value(q, ["2023-03-05"]),))))
    return cases


def _number_cases() -> list[Case]:
    cases = []
    q = "SELECT public FROM activities WHERE activity_id = 'A2'"
    for i, (s, v) in enumerate(GOOD_NUMBERS):
        rows = [ACT, act(1), act(2, public=s)]
        e = counts(2, 2, sql=(sql_value(q, [v]),))
        cases.append(Case(f"number_ok_{i:02d}_{_safe(s)}/活动.csv", "numbers", csv_writer(rows), e))
        cases.append(Case(f"number_ok_{i:02d}_{_safe(s)}.xlsx", "numbers", xlsx_writer({"活动": rows}), e))
    for i, s in enumerate(BAD_NUMBERS):
        rows = [ACT, act(1), act(2, public=s)]
        cases.append(Case(f"number_bad_{i:02d}_{_safe(s)}/活动.csv", "numbers", csv_writer(rows),
                          counts(2, 1, reasons=("群众人数",), reject_rows=((None, 3),))))
        cases.append(Case(f"number_bad_{i:02d}_{_safe(s)}.xlsx", "numbers", xlsx_writer({"活动": rows}),
                          counts(2, 1, reasons=("群众人数",), reject_rows=(("活动", 3),))))
    # Number cells: int, float, huge float, negative, fraction.
    for name, v, ok in [("int", 12, 12), ("float_whole", 12.0, 12), ("huge_float", 1e20, None),
                        ("negative", -3, None), ("fraction", 2.5, None), ("bool", True, None)]:
        rows = [ACT, act(1), act(2, public=v)]
        e = (counts(2, 2, sql=(sql_value(q, [ok]),)) if ok is not None
             else counts(2, 1, reasons=("群众人数",), reject_rows=(("活动", 3),)))
        cases.append(Case(f"number_cell_{name}.xlsx", "numbers", xlsx_writer({"活动": rows}), e))
    return cases


def _yes_no_cases() -> list[Case]:
    cases = []
    q = "SELECT questionnaire FROM enterprise_visits WHERE visit_id = 'V2'"
    for i, s in enumerate(YES + NO):
        rows = [VISIT, visit(1), visit(2, questionnaire=s)]
        cases.append(Case(f"yesno_ok_{i:02d}_{_safe(s)}/企业走访.csv", "yes/no", csv_writer(rows),
                          counts(2, 2, sql=(sql_value(q, [s in YES]),))))
    for i, s in enumerate(BAD_YN):
        rows = [VISIT, visit(1), visit(2, questionnaire=s)]
        cases.append(Case(f"yesno_bad_{i:02d}_{_safe(s)}/企业走访.csv", "yes/no", csv_writer(rows),
                          counts(2, 1, reasons=("问卷回收",), reject_rows=((None, 3),))))
    bad_credit = visit(3, credit=visit(3)[5][:-1] + ("0" if visit(3)[5][-1] != "0" else "1"))
    cases.append(Case("credit_check_digit/企业走访.csv", "yes/no",
                      csv_writer([VISIT, visit(1), bad_credit, visit(4, credit="123")]),
                      counts(3, 1, reasons=("校验位不正确", "应为18位"), reject_rows=((None, 3), (None, 4)))))
    return cases


def _town_cases() -> list[Case]:
    cases = []
    q = "SELECT town FROM activities WHERE activity_id = 'A2'"
    for i, (s, full) in enumerate(GOOD_TOWNS):
        rows = [ACT, act(1), act(2, town=s)]
        cases.append(Case(f"town_ok_{i:02d}_{_safe(s)}/活动.csv", "towns", csv_writer(rows),
                          counts(2, 2, sql=(sql_value(q, [full]),))))
    for i, s in enumerate(BAD_TOWNS):
        rows = [ACT, act(1), act(2, town=s)]
        cases.append(Case(f"town_bad_{i:02d}_{_safe(s)}/活动.csv", "towns", csv_writer(rows),
                          counts(2, 1, reasons=("镇街」无法识别",), reject_rows=((None, 3),))))
    cases.append(Case("district_short/活动.csv", "towns", csv_writer([ACT, act(1, district="清江浦")]),
                      counts(1, 1, sql=(sql_value("SELECT district FROM activities", ["清江浦区"]),))))
    cases.append(Case("district_unknown/活动.csv", "towns", csv_writer([ACT, act(1), act(2, district="火星区")]),
                      counts(2, 1, reasons=("「区」未登记：火星区",), reject_rows=((None, 3),))))
    # A new district brings its own towns in the same workbook; the towns apply first
    # whatever the sheet order.
    cases.append(Case("town_new_district.xlsx", "towns", xlsx_writer({
        "活动": [ACT, act(1, district="测试区", town="测试1"), act(2, district="测试区", town="测试9")],
        "镇街": good_rows("towns", 2)}),
        counts(4, 3, reasons=("测试9",), reject_rows=(("活动", 3),))))
    return cases


def _encoding_cases() -> list[Case]:
    cases = []
    topic_rows = lambda topic: [ACT + ["主题"], act(1) + ["普通主题"], act(2) + [topic]]  # noqa: E731
    q = "SELECT topic FROM activities WHERE activity_id = 'A2'"
    for enc, name, topic in [("utf-8", "utf8", "宪法宣讲" + RARE), ("utf-8-sig", "utf8_bom", "宪法宣讲" + RARE),
                             ("gb18030", "gb18030_rare", "宪法宣讲" + RARE), ("gbk", "gbk", "宪法宣讲进社区"),
                             ("utf-16", "utf16_bom_le", "宪法宣讲" + RARE), ("utf-16-be", "utf16_be", "宪法宣讲")]:
        rows = topic_rows(topic)
        if enc == "utf-16-be":
            w = bytes_writer(lambda rows=rows: b"\xfe\xff" + _csv_text(rows).encode("utf-16-be"))
        else:
            w = csv_writer(rows, enc)
        cases.append(Case(f"enc_{name}/活动.csv", "encodings", w, counts(2, 2, sql=(sql_value(q, [topic]),))))
    # GB18030 four-byte characters in the town-independent columns and the header.
    cases.append(Case("enc_gb18030_header_rare/活动.csv", "encodings",
                      csv_writer([ACT + ["主题"], act(1) + ["䶮" * 10]], "gb18030"),
                      counts(1, 1, sql=(sql_value("SELECT topic FROM activities", ["䶮" * 10]),))))
    # None of them: UTF-16 without a byte-order mark, Latin-1, Shift-JIS, random bytes.
    cases.append(Case("enc_utf16_no_bom/活动.csv", "encodings",
                      bytes_writer(_csv_text(topic_rows("宣讲")).encode("utf-16-le")), refused("")))
    cases.append(Case("enc_latin1/activities.csv", "encodings",
                      bytes_writer(_csv_text([["activity_id", "kind", "district", "town", "date"],
                                              ["A1", "PUBLICITY", "Qingjiangpu", "Liushuwan", "2023-03-05"],
                                              ["A2", "PUBLICITY", "Ümlaut ÿ", "x", "2023-03-05"]]).encode("latin-1")),
                      refused("无法识别文件编码")))
    cases.append(Case("enc_shift_jis/活动.csv", "encodings",
                      bytes_writer(_csv_text([["活動番号", "種類", "区", "町", "日付"], ["A1", "宣伝", "東京", "新宿", "2023-03-05"]])
                                   .encode("shift_jis")), refused("")))
    cases.append(Case("enc_random_bytes/活动.csv", "encodings",
                      bytes_writer(bytes((i * 197 + 13) % 256 for i in range(4096))), refused("")))
    # UTF-8 with one stray byte (a GBK character pasted into a UTF-8 file).
    cases.append(Case("enc_utf8_one_gbk_char/活动.csv", "encodings",
                      bytes_writer(lambda: _csv_text(topic_rows("宣讲")).encode("utf-8").replace(
                          "宣讲\r\n".encode(), "宣讲".encode() + "讲".encode("gbk") + b"\r\n")),
                      refused("")))
    # Other delimiters: tab, semicolon, full-width comma.
    for name, d in [("tab", "\t"), ("semicolon", ";"), ("fullwidth_comma", "，")]:
        cases.append(Case(f"delim_{name}/活动.csv", "encodings", csv_writer(good_rows("activities", 3), delimiter=d),
                          counts(3, 3)))
    return cases


def _header_cases() -> list[Case]:
    g = good_rows("activities", 3)
    en = ["activity_id", "kind", "district", "town", "date", "deputies", "public"]
    cases = [
        Case("hdr_english/activities.csv", "headers", csv_writer([en] + g[1:]), counts(3, 3)),
        Case("hdr_mixed_order/活动.csv", "headers",
             csv_writer([[r[i] for i in (4, 0, 6, 3, 2, 1, 5)] for r in g]), counts(3, 3)),
        Case("hdr_marks/活动.csv", "headers",
             csv_writer([["活动编号", "类型*", "区（必填）", " 镇 街 ", "日期(必填)", "人大代表人数", "群众人数"]] + g[1:]),
             counts(3, 3)),
        Case("hdr_fullwidth/activities.csv", "headers",
             csv_writer([["ａｃｔｉｖｉｔｙ_ｉｄ", "ＫＩＮＤ", "District", "TOWN", "Date", "deputies", "public"]] + g[1:]),
             counts(3, 3)),
        Case("hdr_duplicated_column/活动.csv", "headers",
             csv_writer([ACT + ["日期"]] + [r + ["垃圾"] for r in g[1:]]),
             counts(3, 3, messages=("重复列",))),
        Case("hdr_duplicated_header_row/活动.csv", "headers",
             csv_writer([ACT, ACT] + g[1:]),
             counts(4, 3, reject_rows=((None, 2),))),
        Case("hdr_unknown_columns/活动.csv", "headers",
             csv_writer([ACT + ["备注", "负责人"]] + [r + ["x", "y"] for r in g[1:]]),
             counts(3, 3, messages=("备注",))),
        Case("hdr_missing_required/活动.csv", "headers",
             csv_writer([[h for h in ACT if h != "日期"]] + [r[:4] + r[5:] for r in g[1:]]), refused("日期")),
        Case("hdr_only/活动.csv", "headers", csv_writer([ACT]), refused("只有表头")),
        Case("hdr_none/活动.csv", "headers", csv_writer(g[1:]), refused("未找到表头行")),
        Case("hdr_title_rows_3/活动.csv", "headers",
             csv_writer([["2023年活动台账"], ["填报单位：柳树湾街道"], []] + g), counts(3, 3)),
        Case("hdr_title_29.xlsx", "headers", xlsx_writer({"活动": [[f"说明{i}"] for i in range(29)] + g}),
             counts(3, 3)),
        Case("hdr_title_30.xlsx", "headers", xlsx_writer({"活动": [[f"说明{i}"] for i in range(30)] + g}),
             refused("未找到表头行")),
    ]

    # A title merged across the columns above the header.
    def merged_title(wb: openpyxl.Workbook) -> None:
        ws = wb["活动"]
        ws.merge_cells("A1:G1")

    cases.append(Case("hdr_merged_title.xlsx", "headers",
                      xlsx_writer({"活动": [["2023年活动台账"] + [None] * 6] + g}, merged_title),
                      counts(3, 3, reject_rows=())))

    # Two header rows: a group label merged over the head-count columns, the labels below.
    def group_header(wb: openpyxl.Workbook) -> None:
        wb["活动"].merge_cells("F1:G1")

    cases.append(Case("hdr_two_rows_group.xlsx", "headers",
                      xlsx_writer({"活动": [[None] * 5 + ["参与人数", None]] + g}, group_header), counts(3, 3)))

    # Two header rows where the single-level labels are merged down over both rows (the
    # usual Chinese form: 编号/类型/区/镇街/日期 span rows 1-2, 参与人数 spans F1:G1).
    def vertical(wb: openpyxl.Workbook) -> None:
        ws = wb["活动"]
        for c in "ABCDE":
            ws.merge_cells(f"{c}1:{c}2")
        ws.merge_cells("F1:G1")

    two = [ACT[:5] + ["参与人数", None], [None] * 5 + ACT[5:]] + g[1:]
    cases.append(Case("hdr_two_rows_merged_down.xlsx", "headers", xlsx_writer({"活动": two}, vertical),
                      counts(3, 3, sql=(sql_value("SELECT sum(public), sum(deputies) FROM activities", [120, 9]),))))
    cases.append(Case("hdr_two_rows_merged_down_raw.xlsx", "headers",
                      raw_xlsx_writer([("活动", two)], merges={"活动": ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:G1"]}),
                      counts(3, 3)))
    return cases


def _sheet_cases() -> list[Case]:
    g = good_rows("activities", 3)

    def hide(name: str, state: str = "hidden") -> Callable[[openpyxl.Workbook], None]:
        def t(wb: openpyxl.Workbook) -> None:
            wb[name].sheet_state = state
        return t

    return [
        Case("sheet_blank_only.xlsx", "sheets", xlsx_writer({"Sheet1": []}), refused("没有可导入")),
        Case("sheet_kind_blank.xlsx", "sheets", xlsx_writer({"活动": []}), refused("未找到表头行")),
        Case("sheet_kind_blank_plus_good.xlsx", "sheets", xlsx_writer({"活动": [], "activities": g}),
             counts(3, 3, messages=("整张表未导入",))),
        Case("sheet_blank_rows_between.xlsx", "sheets",
             xlsx_writer({"活动": [g[0], g[1], [], [None] * 7, ["  ", None, "", None, None, None, None], g[2], g[3]]}),
             counts(3, 3)),
        Case("sheet_hidden_kind.xlsx", "sheets", xlsx_writer({"说明": [["填表说明"]], "活动": g}, hide("活动")),
             counts(3, 3)),
        Case("sheet_very_hidden_kind.xlsx", "sheets", xlsx_writer({"说明": [["x"]], "活动": g}, hide("活动", "veryHidden")),
             counts(3, 3)),
        Case("sheet_hidden_unknown.xlsx", "sheets", xlsx_writer({"活动": g, "计算": [["x", 1]]}, hide("计算")),
             counts(3, 3, messages=("计算",))),
        Case("sheet_unknown_only.xlsx", "sheets", xlsx_writer({"汇总": [["合计", 3]]}), refused("汇总")),
        Case("sheet_name_suffix.xlsx", "sheets", xlsx_writer({"活动_2023": g, "企业走访（上半年）": good_rows("enterprise_visits", 2)}),
             counts(5, 5)),
        Case("sheet_same_kind_twice.xlsx", "sheets", xlsx_writer({"活动": g, "activities": g}),
             counts(6, 3, reasons=("重复行",), reject_rows=(("activities", 2), ("activities", 3), ("activities", 4)))),
        Case("sheet_template_only.xlsx", "sheets", xlsx_writer({"说明": [["x"]], "下拉选项": [["a"]]}), refused("")),
    ]


def _formula_cases() -> list[Case]:
    q = "SELECT public FROM activities WHERE activity_id = 'A2'"
    return [
        # openpyxl writes formulas without a cached value (a file never opened in Excel):
        # a required cell with no value is missing.
        Case("formula_no_value_required.xlsx", "formulas",
             xlsx_writer({"活动": [ACT, act(1), act(2, date="=DATE(2023,3,5)")]}),
             counts(2, 1, reasons=("缺少必填项「日期」",), reject_rows=(("活动", 3),))),
        Case("formula_no_value_all_cells.xlsx", "formulas",
             xlsx_writer({"活动": [ACT, act(1), ["=\"A\"&2", "=B2", "=C2", "=D2", "=E2", "=F2", "=G2"]]}),
             counts(1, 1)),
        Case("formula_cached_values.xlsx", "formulas",
             raw_xlsx_writer([("活动", [ACT, act(1), ["A2", ("f", "B2", "宣讲活动"), "清江浦区", "柳树湾",
                                                       ("f", "DATE(2023,3,5)", 44990), 3, ("f", "F3*10", 30)]])]),
             counts(2, 2, sql=(sql_value(q, [30]),))),
        Case("formula_error_value.xlsx", "formulas",
             raw_xlsx_writer([("活动", [ACT, act(1), ["A2", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 3,
                                                       ("f", "1/0", "#DIV/0!")]])]),
             counts(2, 1, reasons=("群众人数",), reject_rows=(("活动", 3),))),
    ]


def _duplicate_and_reference_cases() -> list[Case]:
    g = good_rows("activities", 3)
    vis = good_rows("enterprise_visits", 2)
    return [
        Case("dup_exact_copy/活动.csv", "duplicates", csv_writer(g + [g[1]]),
             counts(4, 3, reasons=("重复行",), reject_rows=((None, 5),))),
        Case("dup_same_key_different/活动.csv", "duplicates", csv_writer(g + [act(1, public=41)]),
             counts(4, 2, reasons=("编号重复",), reject_rows=((None, 2), (None, 5)))),
        Case("dup_key_with_spaces/活动.csv", "duplicates", csv_writer(g + [[" A1 "] + g[1][1:]]),
             counts(4, 3, reasons=("重复行",))),
        Case("dup_no_id_natural_key/活动.csv", "duplicates",
             csv_writer([ACT + ["主题"], [None] + act(1)[1:] + ["同一主题"], [None] + act(1)[1:] + ["同一主题"],
                         [None] + act(1)[1:] + ["另一主题"]]),
             counts(3, 2, reasons=("重复行",))),
        Case("dup_appraisal_compound_key/工作评议.csv", "duplicates",
             csv_writer(good_rows("appraisals", 1) + [["P1", "清江浦区", 2023, "部门1", "特邀代表", 3],
                                                     ["P1", "清江浦区", 2023, "部门1", "SC_MEMBER", 11]]),
             counts(3, 1, reasons=("编号重复",))),
        Case("dup_rollout_same_year/全覆盖计划.csv", "duplicates",
             csv_writer(good_rows("rollout_plan", 2) + [["清江浦", 2021, "全覆盖", 9]]),
             counts(3, 1, reasons=("编号重复",))),
        Case("ref_opinion_no_visit/企业意见.csv", "references",
             csv_writer([OPINION, ["O1", "V404", "企业", "营商环境", "已交办"]]),
             counts(1, 0, reasons=("在企业走访记录中找不到",))),
        Case("ref_opinion_same_workbook.xlsx", "references",
             xlsx_writer({"企业意见": [OPINION, ["O1", "V1", "企业", "营商环境", None], ["O2", "V9", "代表", "用地", None]],
                          "企业走访": vis}),
             counts(4, 3, reasons=("V9",), reject_rows=(("企业意见", 3),))),
        Case("ref_opinion_to_rejected_visit.xlsx", "references",
             xlsx_writer({"企业走访": vis + [["V3", "不是日期", "清江浦区", "和平", "企业3", None, "否"]],
                          "企业意见": [OPINION, ["O1", "V3", "企业", "营商环境", None]]}),
             counts(4, 2, reject_rows=(("企业走访", 4), ("企业意见", 2)))),
        Case("ref_deputy_no_station/代表.csv", "references",
             csv_writer([["代表编号", "姓名", "层级", "区", "所属阵地"], ["D1", "张三", "区", "清江浦区", "S404"],
                         ["D2", "李四", "市", "清江浦区", None]]),
             counts(2, 1, reasons=("所属阵地",))),
        Case("ref_micro_no_deputy/微建议.csv", "references",
             csv_writer([["建议编号", "提交日期", "区", "镇街", "类别", "状态", "代表编号"],
                         ["M1", "2023-03-05", "清江浦区", "黄码", "城建交通", "已提交", "D404"]]),
             counts(1, 0, reasons=("D404",))),
        Case("ref_deputy_station_same_workbook.xlsx", "references",
             xlsx_writer({"代表": [["代表编号", "姓名", "层级", "区", "所属阵地"], ["D1", "张三", "区", "清江浦区", "S1"]],
                          "阵地": good_rows("stations", 1)}),
             counts(2, 2)),
        Case("date_order/微建议.csv", "references",
             csv_writer([["建议编号", "提交日期", "区", "镇街", "类别", "状态", "办结日期"],
                         ["M1", "2023-03-05", "清江浦区", "黄码", "城建交通", "已办结", "2023-03-01"],
                         ["M2", "2023-03-05", "清江浦区", "黄码", "城建交通", "已办结", "2023-03-06"]]),
             counts(2, 1, reasons=("早于",), reject_rows=((None, 2),))),
    ]


def _broken_file_cases() -> list[Case]:
    good = workbook_bytes({"活动": good_rows("activities", 20)})
    return [
        Case("empty/活动.csv", "broken files", bytes_writer(b""), refused("0字节")),
        Case("empty.xlsx", "broken files", bytes_writer(b""), refused("0字节")),
        Case("empty/活动.parquet", "broken files", bytes_writer(b""), refused("0字节")),
        Case("only_bom/活动.csv", "broken files", bytes_writer(b"\xef\xbb\xbf"), refused("")),
        Case("only_newlines/活动.csv", "broken files", bytes_writer(b"\r\n\r\n\n"), refused("")),
        Case("truncated_half.xlsx", "broken files", bytes_writer(good[: len(good) // 2]), refused("Excel文件已损坏")),
        Case("truncated_100.xlsx", "broken files", bytes_writer(good[:100]), refused("Excel文件已损坏")),
        Case("truncated_tail.xlsx", "broken files", bytes_writer(good[:-40]), refused("")),
        Case("zip_not_excel.xlsx", "broken files", bytes_writer(lambda: _zip_of({"readme.txt": b"hello"})), refused("")),
        Case("text_named_xlsx.xlsx", "broken files", bytes_writer(_csv_text(good_rows("activities")).encode()),
             refused("Excel文件已损坏")),
        Case("xlsx_named_csv/活动.csv", "broken files", bytes_writer(good), refused("")),
        Case("unknown_suffix/活动.docx", "broken files", bytes_writer(b"PK\x03\x04"), refused("不支持的文件类型")),
        Case("no_suffix/活动", "broken files", bytes_writer(b"x"), refused("不支持的文件类型")),
        Case("unknown_stem/台账.csv", "broken files", csv_writer(good_rows("activities")), refused("无法从文件名")),
        Case("nul_bytes/活动.csv", "broken files",
             bytes_writer(_csv_text(good_rows("activities")).encode() + b"\x00\x00\x00"), refused("不是文本")),
        # A stray quote opens a quoted field that never closes: the rows after it must not
        # vanish into one cell.
        Case("stray_quote_open/活动.csv", "broken files",
             bytes_writer(("\r\n".join([",".join(ACT), "A1,宣讲活动,清江浦区,柳树湾,2023-03-05,3,40",
                                        'A2,"宣讲活动,清江浦区,柳树湾,2023-03-05,3,40',
                                        "A3,宣讲活动,清江浦区,柳树湾,2023-03-05,3,40",
                                        "A4,宣讲活动,清江浦区,柳树湾,2023-03-05,3,40"]) + "\r\n").encode()),
             refused("引号")),
        # A quote in the middle of a field is kept as text (the row is judged as usual).
        Case("stray_quote_inside/活动.csv", "broken files",
             bytes_writer(("\r\n".join([",".join(ACT), "A1,宣讲活动,清江浦区,柳树湾,2023-03-05,3,40",
                                        'A2,宣讲"活动,清江浦区,柳树湾,2023-03-05,3,40',
                                        "A3,宣讲活动,清江浦区,柳树湾,2023-03-05,3,40"]) + "\r\n").encode()),
             counts(3, 2, reasons=("类型",), reject_rows=((None, 3),))),
        # A quoted field holding a line break is one cell, as Excel reads it.
        Case("quoted_newline/活动.csv", "broken files",
             csv_writer([ACT + ["主题"], act(1) + ["第一行\n第二行"], act(2) + ["x"], act(3, date="bad") + ["y"]]),
             counts(3, 2, reject_rows=((None, 4),))),
        Case("ragged_rows/活动.csv", "broken files",
             bytes_writer(("\r\n".join([",".join(ACT), "A1,宣讲活动,清江浦区,柳树湾,2023-03-05",
                                        "A2,宣讲活动,清江浦区,柳树湾,2023-03-05,1,2,3,4,5", "A3,宣讲活动"]) + "\r\n").encode()),
             counts(3, 2, reasons=("缺少必填项",), reject_rows=((None, 4),))),
        Case("long_id/活动.csv", "broken files", csv_writer([ACT, act(1), ["X" * 65] + act(2)[1:]]),
             counts(2, 1, reasons=("超过64个字符",))),
        Case("control_chars/活动.csv", "broken files",
             csv_writer([ACT + ["主题"], act(1) + ["a\x01b\x07c\x1fd\x7f"], act(2, town="\t柳树湾\r") + ["t"]]),
             counts(2, 2, sql=(sql_value("SELECT topic FROM activities WHERE activity_id = 'A1'", ["a\x01b\x07c\x1fd\x7f"]),))),
        Case("huge_cell/活动.csv", "broken files", csv_writer([ACT + ["主题"], act(1) + ["长" * 200_000]]), refused("CSV")),
        Case("huge_cell.xlsx", "broken files", xlsx_writer({"活动": [ACT + ["主题"], act(1) + ["长" * 32_000]]}),
             counts(1, 1)),
    ]


def _zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, b in files.items():
            z.writestr(zipfile.ZipInfo(n, date_time=FIXED_TIME.timetuple()[:6]), b)
    return out.getvalue()


def _parquet_cases() -> list[Case]:
    base = {"活动编号": ["A1", "A2", "A3"], "类型": ["宣讲活动", "PUBLICITY", "宣讲"],
            "区": ["清江浦区"] * 3, "镇街": ["柳树湾", "和平", "柳树湾"]}
    typed = pa.table({**base, "日期": pa.array([dt.date(2023, 3, 5)] * 3, pa.date32()),
                      "人大代表人数": pa.array([3, 4, None], pa.int64()), "群众人数": pa.array([40.0, 2.0, 1.5])})
    ts = pa.table({**base, "日期": pa.array([dt.datetime(2023, 3, 5, 9)] * 3, pa.timestamp("us")),
                   "群众人数": pa.array(["1", "2", "3"])})
    good = workbook_bytes({"x": [[1]]})  # any bytes that are not parquet
    buf = io.BytesIO()
    pq.write_table(typed, buf)
    pbytes = buf.getvalue()
    return [
        Case("parquet_typed/活动.parquet", "parquet", parquet_writer(typed),
             counts(3, 2, reasons=("类型", "群众人数"), reject_rows=((None, 4),))),
        Case("parquet_timestamp/活动.parquet", "parquet", parquet_writer(ts),
             counts(3, 2, sql=(sql_value("SELECT DISTINCT CAST(date AS VARCHAR) FROM activities", ["2023-03-05"]),))),
        Case("parquet_missing_required/活动.parquet", "parquet", parquet_writer(pa.table(base)), refused("缺少必填列")),
        Case("parquet_truncated/活动.parquet", "parquet", bytes_writer(pbytes[: len(pbytes) // 2]), refused("Parquet")),
        Case("parquet_not_parquet/活动.parquet", "parquet", bytes_writer(good), refused("")),
        Case("parquet_list_column/活动.parquet", "parquet",
             parquet_writer(pa.table({**base, "日期": ["2023-03-05"] * 3, "主题": pa.array([["a"], [], None])})), refused("")),
        Case("parquet_no_rows/活动.parquet", "parquet",
             parquet_writer(pa.table({k: pa.array([], pa.string()) for k in [*base, "日期"]})), refused("没有数据行")),
    ]


def _kind_cases() -> list[Case]:
    """A good file of every kind, as CSV (English stem) and as a workbook (Chinese sheet)."""
    cases = []
    for kind, zh in CHINESE.items():
        rows = good_rows(kind, 3)
        cases.append(Case(f"kind_{kind}/{kind}.csv", "kinds", csv_writer(rows), counts(3, 3)))
        cases.append(Case(f"kind_{kind}.xlsx", "kinds", xlsx_writer({zh: rows}), counts(3, 3)))
    return cases


def cases() -> list[Case]:
    """Every corpus case, in a fixed order."""
    out = (_kind_cases() + _encoding_cases() + _header_cases() + _sheet_cases() + _formula_cases()
           + _date_cases() + _number_cases() + _yes_no_cases() + _town_cases()
           + _duplicate_and_reference_cases() + _broken_file_cases() + _parquet_cases())
    names = [c.name for c in out]
    assert len(names) == len(set(names)), "corpus case names must be unique"
    return out


def write_case(case: Case, folder: Path) -> Path:
    path = folder / case.name
    path.parent.mkdir(parents=True, exist_ok=True)
    case.write(path)
    return path


# --------------------------------------------------------------------------------------
# The big files (written on demand, once per test session)
# --------------------------------------------------------------------------------------

BIG_TOPIC = "围绕优化营商环境开展宪法宣讲，听取企业和群众意见建议，" * 8  # 216 characters


def write_big_csv(path: Path, target_bytes: int = 50 * 1024 * 1024) -> int:
    """An activities CSV of at least ``target_bytes`` (about 75,000 rows with a long
    topic); every 1000th row has a bad date. Returns the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ",".join(ACT + ["主题"]) + "\r\n"
    n = 0
    size = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        size += len(header.encode())
        chunk: list[str] = []
        while size < target_bytes:
            n += 1
            date = "2023-13-45" if n % 1000 == 0 else f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
            line = f"B{n},宣讲活动,清江浦区,柳树湾,{date},{n % 7},{n % 50},{BIG_TOPIC}{n}\r\n"
            chunk.append(line)
            size += len(line.encode())
            if len(chunk) >= 5000:
                fh.write("".join(chunk))
                chunk = []
        fh.write("".join(chunk))
    return n


def write_big_xlsx(path: Path, rows: int = 100_000) -> None:
    """One 活动 sheet of ``rows`` data rows, dates as Excel date cells (written by hand:
    openpyxl takes over a minute on this machine); every 1000th row names an unknown town."""
    path.parent.mkdir(parents=True, exist_ok=True)
    grid: list[list[RawCell]] = [list(ACT)]
    for n in range(1, rows + 1):
        town = "火星" if n % 1000 == 0 else ("柳树湾", "和平", "黄码")[n % 3]
        grid.append([f"C{n}", "宣讲活动", "清江浦区", town, ("date", 44927 + n % 365), n % 7, n % 50])
    path.write_bytes(raw_xlsx_bytes([("活动", grid)]))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("artifacts/corpus")
    out.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for c in cases():
        write_case(c, out)
        manifest[c.name] = {"category": c.category, **asdict(c.expect)}
    if "--big" in argv:
        write_big_csv(out / "big" / "活动.csv")
        write_big_xlsx(out / "big_100k.xlsx")
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"{len(manifest)} files written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
