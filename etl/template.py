"""The empty Excel input template (``python -m etl template FILE.xlsx``).

One sheet per record kind, named by its Chinese label, in the order of :data:`etl.spec.KINDS`
(which is also the load order, so a clerk filling the workbook top to bottom enters towns and
visits before what points at them). Everything comes from the contract in :mod:`etl.spec`
and the prose of :mod:`etl.dictionary`, so the template can never ask for a column the loader
does not know:

- row 1 holds the Chinese labels; required columns end in ``*`` (the loader strips it) and
  have their own fill; each header cell carries a comment with the column id, its type and
  the accepted values;
- enumeration and yes/no columns get a drop-down list (rows 2..1000) that points at the
  hidden sheet ``下拉选项``. The list only *suggests*: its error style is a warning, because
  the loader also accepts English codes and other yes/no spellings, and it validates every
  value anyway;
- date columns carry a date number format and id/code columns a text format, set on the
  column rather than on 999 empty cells, so the sheets stay empty (``ws.append`` still
  writes row 2 and no phantom rows reach a reader);
- the first sheet ``说明`` explains the formats and the load rules in Chinese.
"""

from __future__ import annotations

import pathlib
import unicodedata

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from etl import spec
from etl.dictionary import KIND_NOTES, TYPE_NOTES, default_text, enum_labels, key_text

INSTRUCTIONS_SHEET = spec.TEMPLATE_SHEETS[0]  # 说明
LISTS_SHEET = spec.TEMPLATE_SHEETS[1]  # 下拉选项
FIRST_DATA_ROW = 2
LAST_DATA_ROW = 1000
YES_NO = ("是", "否")
YES_NO_LIST = "yes_no"  # header of the 是/否 column on the lists sheet

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
# Types whose values must not be turned into numbers by Excel (leading zeros, 12- and
# 18-digit codes that Excel would round or show as 3.2E+11).
TEXT_TYPES = ("id", "code12", "credit", "town")

REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")  # orange: must be filled
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")  # light blue
SECTION_FILL = PatternFill("solid", fgColor="D9E1F2")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="A6A6A6")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")

# Free-text columns that usually hold a sentence or more get a wide column.
WIDE_TEXT = ("content", "topic", "title", "enterprise", "name", "theme", "session", "department")


def display_width(text: str) -> int:
    """Width of a text in Excel character units: CJK characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def header_text(col: spec.Column) -> str:
    return col.label + ("*" if col.required else "")


def accepted_text(col: spec.Column) -> str:
    """What a cell of this column may hold, in Chinese."""
    if col.type == "enum" and col.enum:
        values = "、".join(f"{zh}（{code}）" for code, (zh, _en) in spec.ENUMS[col.enum].items())
        return f"{TYPE_NOTES['enum'][0]}。可选：{values}"
    return TYPE_NOTES[col.type][0]


def header_comment(col: spec.Column) -> str:
    lines = [
        f"{col.id} · {col.en}",
        f"类型 type：{col.type}" + (f"（{col.enum}）" if col.enum else ""),
        "必填 required" if col.required else "选填 optional",
    ]
    if col.default is not None:
        lines.append(f"留空时默认：{default_text(col)}")
    lines.append(accepted_text(col))
    return "\n".join(lines)


def column_width(col: spec.Column) -> float:
    by_type = {"date": 13, "int": 12, "bool": 10, "year": 8, "score": 8, "district": 12,
               "town": 16, "id": 16, "code12": 16, "credit": 22}
    width = by_type.get(col.type, 14)
    if col.type == "enum" and col.enum:
        # room for the drop-down arrow
        width = max(10, max(display_width(label) for label in enum_labels(col.enum)) + 4)
    if col.type == "text" and col.id in WIDE_TEXT:
        width = 40 if col.id in ("content", "title") else 24
    return max(width, display_width(header_text(col)) + 3)


def _prompt(col: spec.Column) -> tuple[str, str]:
    """Title (≤ 32 characters) and text (≤ 255 characters) of a cell's input message."""
    title = col.label + ("（必填）" if col.required else "")
    if col.type == "enum":
        text = "从下拉列表选择，或填写英文代码。"
    elif col.type == "bool":
        pairs = "、".join(f"{y}/{n}" for y, n in zip(spec.YES_VALUES[1:], spec.NO_VALUES[1:]))
        text = f"从下拉列表选择 是/否；也可填 {pairs}。"
    else:
        text = TYPE_NOTES[col.type][0]
    return title[:32], text[:255]


# ---------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------


def _write_lists(ws: Worksheet) -> dict[str, str]:
    """Fill the lists sheet; return list name -> absolute range formula."""
    ranges: dict[str, str] = {}
    columns = [(enum, enum_labels(enum)) for enum in spec.ENUMS]
    columns.append((YES_NO_LIST, list(YES_NO)))
    sheet = "'" + ws.title.replace("'", "''") + "'"  # quoted: CJK name
    for i, (name, labels) in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.cell(row=1, column=i, value=name).font = HEADER_FONT
        for r, label in enumerate(labels, start=2):
            ws.cell(row=r, column=i, value=label)
        ws.column_dimensions[letter].width = max(display_width(x) for x in [name, *labels]) + 2
        ranges[name] = f"{sheet}!${letter}$2:${letter}${len(labels) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _write_kind(ws: Worksheet, kind: spec.Kind, ranges: dict[str, str]) -> None:
    for i, col in enumerate(kind.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=header_text(col))
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        comment = Comment(header_comment(col), "模板 template")
        comment.width = 320
        comment.height = 160 if col.type != "enum" else 220
        cell.comment = comment

        dim = ws.column_dimensions[letter]
        dim.width = column_width(col)
        if col.type == "date":
            dim.number_format = DATE_FORMAT
        elif col.type in TEXT_TYPES:
            dim.number_format = TEXT_FORMAT

        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"
        if col.type == "enum" and col.enum:
            dv = DataValidation(type="list", formula1=ranges[col.enum], allow_blank=True)
        elif col.type == "bool":
            dv = DataValidation(type="list", formula1=ranges[YES_NO_LIST], allow_blank=True)
        else:
            dv = DataValidation(allow_blank=True)  # input message only; the loader validates
        if dv.type == "list":
            # A warning, not a stop: English codes and other spellings are valid too.
            dv.errorStyle = "warning"
            dv.showErrorMessage = True
            dv.errorTitle = "不在下拉列表中"
            dv.error = "该值不在下拉列表中。如填写的是英文代码或其他认可的写法，可点“是”继续；导入时会再校验。"
        dv.promptTitle, dv.prompt = _prompt(col)
        dv.showInputMessage = True
        dv.add(cells)
        ws.add_data_validation(dv)

    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"


def _write_instructions(ws: Worksheet) -> None:
    widths = (22, 72, 44)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    row = 1

    def line(a: str = "", b: str = "", c: str = "", *, bold: bool = False,
             fill: PatternFill | None = None) -> None:
        nonlocal row
        # openpyxl cannot auto-fit: estimate the wrapped height so no viewer cuts text off.
        lines = max(-(-display_width(t) // (w - 2)) for t, w in zip((a, b, c), widths)) or 1
        ws.row_dimensions[row].height = 16 * max(lines, 1)
        for i, text in enumerate((a, b, c), start=1):
            cell = ws.cell(row=row, column=i, value=text or None)
            cell.alignment = WRAP_TOP
            if bold:
                cell.font = HEADER_FONT
            if fill is not None:
                cell.fill = fill
        row += 1

    def section(title: str) -> None:
        nonlocal row
        row += 1
        line(title, bold=True, fill=SECTION_FILL)
        ws.merge_cells(start_row=row - 1, start_column=1, end_row=row - 1, end_column=3)

    ws.cell(row=row, column=1, value="区人大常委会监督数据填报模板").font = Font(bold=True, size=16)
    ws.row_dimensions[row].height = 26
    row += 1
    line("用途", "本工作簿用于填报区人大常委会监督看板所需的数据：每种记录一张工作表，表名和表头"
         "请勿改动。填好后，可先运行 python -m etl check 文件.xlsx 检查，再运行 "
         "python -m etl load 文件.xlsx 导入。只填需要的工作表即可，空表不影响导入。")
    line("必填列", "表头带 * 且底色为橙色的列必须填写；蓝色底色的列选填。把鼠标停在表头上可看到"
         "该列的英文名、类型和可填写的值。")

    section("工作表一览")
    line("工作表", "内容", "记录键（同键再次导入即替换原记录）", bold=True)
    for kind in spec.KINDS:
        line(f"{kind.label}（{kind.name}）", KIND_NOTES.get(kind.name, ("", ""))[0],
             key_text(kind, "zh"))
    line(LISTS_SHEET, "隐藏的工作表，存放下拉列表的选项，请勿修改。")

    section("填写格式")
    formats = (
        ("日期", "date"), ("整数", "int"), ("是/否", "bool"), ("枚举（下拉列表）", "enum"),
        ("区", "district"), ("镇街", "town"), ("编号", "id"), ("年份", "year"),
        ("评分", "score"), ("区划代码", "code12"), ("统一社会信用代码", "credit"),
        ("文本", "text"),
    )
    for label, typ in formats:
        line(label, TYPE_NOTES[typ][0])
    line("空格", "所有单元格前后的空格会自动去除。")

    section("导入规则")
    rules = (
        ("标题行", "表头行上方可以有标题或说明行：系统把前几行中第一个包含全部必填表头的行作为表头行。"),
        ("表头", "表头可用中文名称或英文列名，顺序不限；末尾的 * 或（必填）会被忽略。"
                 "不认识的列不入库，并在导入报告中列出。"),
        ("空行", "空行自动跳过，不算读入，也不报错。"),
        ("错误行", "有问题的行整行不导入，导入报告逐行列出其 Excel 行号（表头行也计入行号）和原因，"
                   "如「日期无法识别：2023-13-45」；其余行照常导入。"),
        ("重复导入", "记录键相同的记录再次导入即替换原记录（各表的记录键见上方“工作表一览”）；"
                     "同一文件导入两次不会改变任何数据。"),
        ("同批重复", "同一次导入中完全相同的两行，后一行记为「重复行」；记录键相同而内容不同的两行都不导入"
                     "（编号重复），请核对后重新导入。"),
        ("引用", "；".join(_reference_rules()) + "。被引用的记录可以在同一次导入中，也可以已在库中。"),
        ("日期先后", "两个日期都填写时，后者不得早于前者：" + "；".join(_date_order_rules()) + "。"),
        ("镇街", "镇街在本行所填的区内查找；清江浦区、淮安区的镇街已内置，其他区请先填写「镇街」表。"),
    )
    for a, b in rules:
        line(a, b)


def _reference_rules() -> list[str]:
    return [
        f"{kind.label}的{kind.column(ref.column).label}须在「{spec.KIND_BY_NAME[ref.kind].label}」"
        f"的{spec.KIND_BY_NAME[ref.kind].column(ref.target).label}中存在"
        for kind in spec.KINDS for ref in kind.refs
    ]


def _date_order_rules() -> list[str]:
    return [
        f"{kind.label} {kind.column(o.earlier).label} ≤ {kind.column(o.later).label}"
        for kind in spec.KINDS for o in kind.date_orders
    ]


def write_template(path: pathlib.Path) -> None:
    """Write the empty input workbook to ``path`` (overwritten if it exists)."""
    wb = Workbook()
    instructions = wb.active
    instructions.title = INSTRUCTIONS_SHEET
    _write_instructions(instructions)
    kind_sheets = [wb.create_sheet(kind.label) for kind in spec.KINDS]
    ranges = _write_lists(wb.create_sheet(LISTS_SHEET))  # last, hidden
    for ws, kind in zip(kind_sheets, spec.KINDS):
        _write_kind(ws, kind, ranges)
    wb.active = 0
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
