"""Files handed in through the app: checked by the same ETL as the command line, and their
faults handed back as a workbook the clerk can fix and upload again.

* :func:`read_upload` is :func:`etl.read.read_source` on an upload's bytes, after the two
  checks only an upload needs: the file types the page takes (``.xlsx``, ``.csv``) and the
  size limit (:data:`UPLOAD_LIMIT_MB`, the same as ``server.maxUploadSize`` in
  ``.streamlit/config.toml``; checked here as well, so the limit holds whatever the
  browser did). A file that fails either is *refused* with a Chinese reason, exactly like a
  file the reader cannot read, and goes into the load report the same way.
* :func:`check_uploads` runs :func:`etl.load.load` on those sources: with ``dry_run=True``
  to validate (the load builds a copy of the warehouse and throws it away, so nothing is
  written), then for real on confirmation, with ``origin="user"``.
* :func:`sheet_summary` turns a load report into one row per file and sheet: rows read,
  would load, rejected.
* :func:`rejects_workbook` mirrors the user's own file with only its rejected rows: the
  same sheets (a CSV becomes one sheet named after its record kind), the same header row,
  each rejected row with its original cell values, then two added columns, 原行号 (the row
  in the original file) and 错误原因 (every reason of that row). The loader ignores
  columns it does not know (it lists them as notes), so the corrected workbook loads as it
  is. A text that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@`` …,
  :data:`reports.tabular.FORMULA_PREFIXES`) is written as a text cell with Excel's
  quote-prefix flag: it is never evaluated, not even after the cell is edited, and its
  value comes back unchanged when the workbook is loaded again (an apostrophe written
  into the text, as :func:`reports.tabular.neutralise` does for exports, would be loaded
  as part of the value).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from etl.load import LoadReport, Progress, load
from etl.read import CSV_SUFFIXES, SourceFile, decode_text, kind_for_name, read_csv_grid, read_source
from reports.tabular import FORMULA_PREFIXES

#: Per file; keep equal to ``server.maxUploadSize`` in .streamlit/config.toml (a test checks).
UPLOAD_LIMIT_MB = 50
UPLOAD_SUFFIXES = (".xlsx", ".csv")
ROW_COLUMN = "原行号"
REASON_COLUMN = "错误原因"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_HEADER_FONT = Font(bold=True)
_REASON_FILL = PatternFill("solid", fgColor="FCE4D6")
_ADDED_FILL = PatternFill("solid", fgColor="EDEDED")
_MAX_SHEET_TITLE = 31


def limit_bytes() -> int:
    return int(UPLOAD_LIMIT_MB * 1024 * 1024)


def size_text(n: int) -> str:
    """A file size in words a clerk reads: 512 字节, 3.4 KB, 52.1 MB."""
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def limit_text() -> str:
    n = limit_bytes()
    return f"{UPLOAD_LIMIT_MB:g} MB" if n >= 1024 * 1024 else size_text(n)


# --------------------------------------------------------------------------------------
# Reading and loading uploads
# --------------------------------------------------------------------------------------


def read_upload(name: str, data: bytes) -> SourceFile:
    """An uploaded file as a source for :func:`etl.load.load`; never raises. Refused (with
    a Chinese reason) when its type is not one the page takes or it is over the limit;
    otherwise whatever :func:`etl.read.read_source` makes of it (an empty file, a workbook
    without a known sheet, an undecodable CSV are refused there)."""
    path = Path(name)
    suffix = path.suffix.lower()
    src = SourceFile(path=path, name=name, sha256=hashlib.sha256(data).hexdigest())
    if suffix not in UPLOAD_SUFFIXES:
        src.refused = (f"不支持的文件类型「{suffix or '无扩展名'}」：请上传 Excel 工作簿（.xlsx）或 CSV 文件（.csv）。"
                       "旧版 .xls 请在 Excel 中另存为 .xlsx")
        return src
    if len(data) > limit_bytes():
        src.refused = f"文件太大（{size_text(len(data))}）：每个文件不能超过 {limit_text()}，请拆分后分别上传"
        return src
    return read_source(path, name=name, data=data)


def read_uploads(uploads: Sequence[tuple[str, bytes]]) -> list[SourceFile]:
    """:func:`read_upload` for each file; a second file of the same name in one batch is
    refused (the report and the rejects are keyed by the file's name)."""
    seen: set[str] = set()
    out = []
    for name, data in uploads:
        if name in seen:
            src = SourceFile(path=Path(name), name=name, sha256=hashlib.sha256(data).hexdigest())
            src.refused = f"本次已上传一个同名文件「{name}」：同名的文件请改名后上传，或分两次上传"
            out.append(src)
            continue
        seen.add(name)
        out.append(read_upload(name, data))
    return out


def check_uploads(uploads: Sequence[tuple[str, bytes]], db: Path | str | None = None, *, dry_run: bool,
                  loaded_by: str | None = None, progress: Progress | None = None) -> LoadReport:
    """Validate (``dry_run=True``: nothing is written) or load uploads, through
    :func:`etl.load.load` exactly as ``python -m etl check`` / ``load`` do. Raises
    :class:`etl.load.LoadFailed` when the load cannot complete (the warehouse is then
    unchanged)."""
    return load([], db, dry_run=dry_run, origin="user", loaded_by=loaded_by, sources=read_uploads(uploads),
                progress=progress)


def changes(report: LoadReport) -> int:
    """Records the load adds or replaces (0: loading it would change no record)."""
    return sum(f.rows_new + f.rows_changed for f in report.files)


def sheet_summary(report: LoadReport) -> pd.DataFrame:
    """One row per file and sheet that was read: file, sheet (None for a CSV), kind,
    rows_read, rows_loaded, rows_rejected (a refused file: one row, no kind, 0 rows)."""
    rejected = report.rejects.assign(sheet=report.rejects["sheet"].fillna("")) \
        .groupby(["file", "sheet"]).size() if not report.rejects.empty else pd.Series(dtype="int64")
    rows = []
    for f in report.files:
        if not f.sheets:
            rows.append((f.file, None, None, 0, 0, 0))
            continue
        for sheet, kind, n in f.sheets:
            bad = int(rejected.get((f.file, sheet or ""), 0))
            rows.append((f.file, sheet, kind, n, n - bad, bad))
    return pd.DataFrame(rows, columns=["file", "sheet", "kind", "rows_read", "rows_loaded", "rows_rejected"]) \
        .astype({"rows_read": "int64", "rows_loaded": "int64", "rows_rejected": "int64"})


# --------------------------------------------------------------------------------------
# The rejects workbook
# --------------------------------------------------------------------------------------


def _grids(name: str, data: bytes) -> dict[str | None, list[list[object]]]:
    """The cells of the file as the loader saw them: sheet name (None for a CSV) -> rows,
    ``grid[i]`` being Excel row ``i + 1``."""
    if Path(name).suffix.lower() in CSV_SUFFIXES:
        text, _ = decode_text(data)
        return {None: read_csv_grid(text)}
    import python_calamine as calamine

    wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {s: wb.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in wb.sheet_names}


def _title(name: str, kind_name: str, kind_label: str, taken: set[str]) -> str:
    """A sheet name for a CSV's rows that still names its kind: the file's stem when the
    loader reads it as that kind, else the kind's Chinese label."""
    stem = re.sub(r"[\[\]:*?/\\]", "_", Path(name).stem)[:_MAX_SHEET_TITLE]
    kind = kind_for_name(stem)
    title = stem if kind is not None and kind.name == kind_name else kind_label
    base, i = title, 2
    while title in taken:
        title = f"{base[:_MAX_SHEET_TITLE - 4]}_{i}"
        i += 1
    taken.add(title)
    return title


def _write(ws, row: int, col: int, value: object) -> None:
    if value is None or (isinstance(value, str) and value == ""):
        return
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.time, dt.timedelta)):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd" if value.time() == dt.time(0) else "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"


def rejects_workbook(name: str, data: bytes, rejects: pd.DataFrame) -> bytes | None:
    """The workbook of the rejected rows of the uploaded file ``name`` (its bytes
    ``data``), from a load report's ``rejects`` (columns file, sheet, row, reason); None
    when the file has no rejected row. See the module docstring for its shape."""
    mine = rejects[rejects["file"] == name] if not rejects.empty else rejects
    if mine.empty:
        return None
    src = read_source(Path(name), name=name, data=data)
    grids = _grids(name, data)
    reasons: dict[tuple[str, int], str] = {}
    for r in mine.itertuples(index=False):
        key = (r.sheet if isinstance(r.sheet, str) else "", int(r.row))
        reasons[key] = "；".join(x for x in (reasons.get(key), r.reason) if x)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for sheet in src.sheets:
        key_sheet = sheet.sheet or ""
        rows = sorted(row for (s, row) in reasons if s == key_sheet)
        if not rows:
            continue
        grid = grids[sheet.sheet]
        header = list(grid[sheet.header_row - 1])
        width = max((i + 1 for i, v in enumerate(header) if v is not None and str(v).strip()), default=0)
        title = sheet.sheet if sheet.sheet is not None else _title(name, sheet.kind.name, sheet.kind.label, taken)
        taken.add(title)
        ws = wb.create_sheet(title)
        for c in range(width):
            _write(ws, 1, c + 1, header[c])
            ws.cell(row=1, column=c + 1).font = _HEADER_FONT
        for c, text in ((width + 1, ROW_COLUMN), (width + 2, REASON_COLUMN)):
            cell = ws.cell(row=1, column=c, value=text)
            cell.font = _HEADER_FONT
            cell.fill = _ADDED_FILL
        for out_row, row in enumerate(rows, start=2):
            cells = grid[row - 1] if row - 1 < len(grid) else []
            for c in range(min(width, len(cells))):
                _write(ws, out_row, c + 1, cells[c])
            ws.cell(row=out_row, column=width + 1, value=row)
            reason = ws.cell(row=out_row, column=width + 2, value=reasons[(key_sheet, row)])
            reason.fill = _REASON_FILL
            reason.alignment = Alignment(wrap_text=True, vertical="top")
        for c in range(1, width + 1):
            ws.column_dimensions[get_column_letter(c)].width = 14
        ws.column_dimensions[get_column_letter(width + 1)].width = 8
        ws.column_dimensions[get_column_letter(width + 2)].width = 60
        ws.freeze_panes = "A2"
    if not wb.worksheets:  # rejects of a sheet the reader no longer finds: cannot happen for one file
        return None
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rejects_file_name(name: str) -> str:
    """The download name of a file's rejects workbook: 活动.csv -> 活动_待修改.xlsx."""
    return f"{Path(name).stem}_待修改.xlsx"
