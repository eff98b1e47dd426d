"""Tables as files: the rows behind a chart or a table, as ``.xlsx`` and ``.csv``.

* **xlsx** (xlsxwriter, constant memory: rows stream to disk, so a 200,000-row export
  never sits in memory as cells): a title row, a row with the filters and 数据截至, a
  blank row, then the header (Chinese labels, bold, frozen, auto-filter) and the records.
  Numbers are number cells, dates are date cells (``yyyy-mm-dd``), booleans 是/否, text is
  always written as a text cell — so a text that begins with ``=`` is never a formula.
* **csv**: UTF-8 with a byte-order mark (Excel opens it in Chinese), the header row and
  the records, no metadata lines (a CSV is for machines too).
* **Formula injection** (OWASP "CSV injection"): a text cell that begins with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe in both formats,
  so a spreadsheet shows it as text and never evaluates it. Numbers stay numbers.
* Characters XML forbids (control characters) are dropped from xlsx text; nothing else
  is changed.

Input is an iterable of column batches (pandas frames or Arrow record batches) so a
caller can stream a large query result: ``con.execute(sql).fetch_record_batch(n)``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
YES, NO = "是", "否"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
MAX_SHEET_TITLE = 31


def neutralise(value: object) -> object:
    """A text that a spreadsheet would read as a formula, made inert; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Table:
    """One sheet: ``columns`` are (id, label) pairs; ``batches`` yield frames or Arrow
    record batches holding at least those ids; ``meta`` lines go above the header (xlsx)."""

    title: str
    columns: Sequence[tuple[str, str]]
    batches: Iterable[pd.DataFrame | pa.RecordBatch | pa.Table]
    meta: Sequence[str] = field(default_factory=tuple)


def _columns_of(batch: pd.DataFrame | pa.RecordBatch | pa.Table, ids: Sequence[str]) -> list[list[object]]:
    if isinstance(batch, pd.DataFrame):
        out = []
        for c in ids:
            s = batch[c]
            out.append([None if _missing(v) else v for v in s.tolist()])
        return out
    return [batch.column(batch.schema.get_field_index(c)).to_pylist() for c in ids]


def _missing(v: object) -> bool:
    if v is None or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (str, bytes, list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def _rows(table: Table) -> Iterator[list[object]]:
    ids = [c for c, _ in table.columns]
    for batch in table.batches:
        cols = _columns_of(batch, ids)
        if not cols:
            continue
        yield from (list(r) for r in zip(*cols))


def _cell_text(v: object) -> str:
    """A value as CSV text: dates ISO, booleans 是/否, whole floats without ``.0``."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return YES if v else NO
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour, v.minute, v.second) != (0, 0, 0) else v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, str):
        return str(neutralise(v))
    return str(v)


def write_csv(out: IO[bytes] | Path | str, table: Table) -> int:
    """Write the table as UTF-8-with-BOM CSV; returns the number of records written."""
    own = isinstance(out, (str, Path))
    raw = open(out, "wb") if own else out  # noqa: SIM115 - closed below
    n = 0
    try:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        w = csv.writer(text, lineterminator="\r\n")
        w.writerow([label for _, label in table.columns])
        for row in _rows(table):
            w.writerow([_cell_text(v) for v in row])
            n += 1
        text.flush()
        text.detach()
    finally:
        if own:
            raw.close()
    return n


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (31 characters, none of ``[]:*?/\\``)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'") or "Sheet"
    base = base[:MAX_SHEET_TITLE]
    name, i = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({i})"
        name = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        i += 1
    taken.add(name)
    return name


def write_xlsx(out: IO[bytes] | Path | str, tables: Sequence[Table]) -> list[int]:
    """Write each table to a sheet of one workbook; returns the records written per sheet."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(out if isinstance(out, (str, Path)) else out,
                             {"constant_memory": True, "in_memory": False, "strings_to_formulas": False,
                              "strings_to_urls": False, "strings_to_numbers": False,
                              "default_date_format": "yyyy-mm-dd", "remove_timezone": True})
    title_fmt = wb.add_format({"bold": True, "font_size": 14, "font_name": "Microsoft YaHei"})
    meta_fmt = wb.add_format({"font_color": "#555555", "font_name": "Microsoft YaHei"})
    head_fmt = wb.add_format({"bold": True, "bg_color": "#F2E6E6", "bottom": 1, "font_name": "Microsoft YaHei",
                              "text_wrap": True, "valign": "vcenter"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    counts: list[int] = []
    taken: set[str] = set()
    try:
        for table in tables:
            ws = wb.add_worksheet(sheet_title(table.title, taken))
            r = 0
            ws.write_string(r, 0, _xml_text(table.title), title_fmt)
            r += 1
            for line in table.meta:
                ws.write_string(r, 0, _xml_text(line), meta_fmt)
                r += 1
            r += 1
            header_row = r
            widths = []
            for c, (_, label) in enumerate(table.columns):
                ws.write_string(r, c, _xml_text(label), head_fmt)
                widths.append(max(8, min(40, _display_width(label) + 2)))
            r += 1
            n = 0
            for row in _rows(table):
                for c, v in enumerate(row):
                    _write_cell(ws, r, c, v, date_fmt, time_fmt)
                    if n < 200 and isinstance(v, str):
                        widths[c] = max(widths[c], min(60, _display_width(v) + 2))
                r += 1
                n += 1
            for c, w in enumerate(widths):
                ws.set_column(c, c, w)
            if table.columns:
                ws.freeze_panes(header_row + 1, 0)
                ws.autofilter(header_row, 0, max(header_row, r - 1), len(table.columns) - 1)
            counts.append(n)
    finally:
        wb.close()
    return counts


def _display_width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s[:60])


def _xml_text(s: str) -> str:
    return _XML_ILLEGAL.sub("", s)


def _write_cell(ws, r: int, c: int, v: object, date_fmt, time_fmt) -> None:
    if v is None:
        return
    if isinstance(v, bool):
        ws.write_string(r, c, YES if v else NO)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return
        ws.write_number(r, c, v)
    elif isinstance(v, dt.datetime):
        if (v.hour, v.minute, v.second) == (0, 0, 0):
            ws.write_datetime(r, c, v, date_fmt)
        else:
            ws.write_datetime(r, c, v.replace(tzinfo=None), time_fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
    elif isinstance(v, pd.Timestamp):
        _write_cell(ws, r, c, v.to_pydatetime(), date_fmt, time_fmt)
    elif hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        _write_cell(ws, r, c, v.item(), date_fmt, time_fmt)
    else:
        ws.write_string(r, c, _xml_text(str(neutralise(str(v)))))


def frame_table(df: pd.DataFrame, title: str, labels: dict[str, str] | None = None,
                meta: Sequence[str] = ()) -> Table:
    """A frame as a table, with its columns relabelled by ``labels`` (id -> label)."""
    labels = labels or {}
    return Table(title, [(c, labels.get(c, str(c))) for c in df.columns], [df], meta)


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, tables)
    return buf.getvalue()


def csv_bytes(table: Table) -> bytes:
    buf = io.BytesIO()
    write_csv(buf, table)
    return buf.getvalue()
