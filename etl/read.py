"""Reading input files into string tables, one per sheet, before any value is judged.

Every file is turned into :class:`Sheet` objects: an Arrow table whose columns are the
contract column ids of the sheet's record kind (all ``string``; a column the file lacks is
all null) plus ``_row``, the row number a user sees in Excel (header counted). Values are
not parsed here — that happens in SQL (``etl/normalize.py``) so that one set of rules
serves xlsx, csv and parquet alike.

What cannot be read is never dropped silently: an unreadable file, an unknown sheet, a
sheet without a header row, unknown columns — each becomes a message in Chinese on the
:class:`SourceFile`, and the load report shows it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from etl.spec import KIND_ALIASES, KIND_BY_NAME, TEMPLATE_SHEETS, Kind

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES + CSV_SUFFIXES + PARQUET_SUFFIXES

# How far down a sheet the header row is looked for.
HEADER_SCAN_ROWS = 30


class RefusedFile(Exception):
    """A whole file cannot be read; the message is for the clerk (Chinese)."""


@dataclass
class Sheet:
    kind: Kind
    sheet: str | None  # sheet name for workbooks, None for csv/parquet
    header_row: int  # Excel row number of the header
    # String columns named by column id, plus int64 _row: the whole sheet — or None for a
    # Parquet file, which ``batches`` reads a part at a time (a national file does not fit
    # in memory as Python-side text).
    table: pa.Table | None
    headers: dict[str, str]  # column id -> header text as written in the file
    unknown_columns: list[str] = field(default_factory=list)
    blank_rows: int = 0
    rows: int = -1  # rows read (blank rows not counted); set from ``table`` when given
    batches: Callable[[], Iterator[pa.Table]] | None = None

    def __post_init__(self) -> None:
        if self.table is not None:
            self.rows = self.table.num_rows

    def tables(self) -> Iterator[pa.Table]:
        """The sheet's rows as string tables, in file order."""
        if self.table is not None:
            yield self.table
        elif self.batches is not None:
            yield from self.batches()


@dataclass
class SourceFile:
    path: Path
    name: str  # what is recorded as `file` (the path as given, or an upload's name)
    sha256: str = ""
    sheets: list[Sheet] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # notes for the report
    refused: str | None = None  # why the whole file could not be read
    encoding: str | None = None

    @property
    def rows_read(self) -> int:
        return sum(s.rows for s in self.sheets)


# --------------------------------------------------------------------------------------
# Names: headers, sheet names and file stems
# --------------------------------------------------------------------------------------

_TRAILING_MARK = re.compile(r"(\(必填\)|\(必选\)|\*|必填)+$")


def normalize_header(text: object) -> str:
    """Fold a header cell for comparison: NFKC (full-width -> half-width), no white
    space anywhere, no trailing ``(必填)`` or ``*``, lower case."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s)
    prev = None
    while prev != s:
        prev = s
        s = _TRAILING_MARK.sub("", s)
    return s.lower()


_ALIAS_LOOKUP = {normalize_header(a): k for a, k in KIND_ALIASES.items()}
_TEMPLATE_LOOKUP = {normalize_header(s) for s in TEMPLATE_SHEETS}


def kind_for_name(name: str) -> Kind | None:
    """The record kind a sheet name or file stem names: exactly, or followed by a
    separator and more (``活动_2023``, ``activities-2023``)."""
    n = normalize_header(name)
    if n in _ALIAS_LOOKUP:
        return KIND_BY_NAME[_ALIAS_LOOKUP[n]]
    parts = re.split(r"[_\-.()（）\[\]【】]", n, maxsplit=1)
    if parts and parts[0] in _ALIAS_LOOKUP:
        return KIND_BY_NAME[_ALIAS_LOOKUP[parts[0]]]
    return None


def header_map(kind: Kind) -> dict[str, str]:
    """Normalised header text -> column id (both the Chinese label and the id)."""
    m: dict[str, str] = {}
    for c in kind.columns:
        m[normalize_header(c.label)] = c.id
        m[normalize_header(c.id)] = c.id
    return m


# --------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------


def cell_text(v: object) -> str | None:
    """A cell as the text the normaliser parses; None for an empty cell."""
    if v is None:
        return None
    if isinstance(v, str):
        return v if v.strip() else None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:  # NaN
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.timedelta):  # a duration cell: keep its text
        return str(v)
    return str(v)


def row_texts(row: list[object]) -> list[str | None]:
    """:func:`cell_text` of every cell of a row, with a fast path for the common cells
    (text and empty): a 100,000-row sheet has over a million cells."""
    out: list[str | None] = []
    append = out.append
    for v in row:
        tv = type(v)
        if tv is str:
            append(v if v and not v.isspace() else None)
        elif v is None:
            append(None)
        elif tv is float and v == v:
            append(str(int(v)) if v.is_integer() else repr(v))
        elif tv is dt.datetime and not (v.hour or v.minute or v.second or v.microsecond):
            append(v.date().isoformat())
        else:
            append(cell_text(v))
    return out


# --------------------------------------------------------------------------------------
# Turning a grid of cells into a Sheet
# --------------------------------------------------------------------------------------


def _find_header(kind: Kind, grid: list[list[str | None]]) -> tuple[int, list[str | None]] | str:
    """Index of the header row and the column id of each cell (None: unknown), or a
    message saying why no header row was found."""
    hmap = header_map(kind)
    required = {c.id for c in kind.required}
    best: tuple[int, set[str]] = (-1, set())
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        ids = {hmap.get(normalize_header(c)) for c in row if c is not None}
        found = required & ids
        if found == required:
            return i, [hmap.get(normalize_header(c)) if c is not None else None for c in row]
        if len(found) > len(best[1]):
            best = (i, found)
    missing = [kind.column(c).label for c in (c.id for c in kind.required) if c not in best[1]]
    where = f"（第{best[0] + 1}行最接近）" if best[0] >= 0 else ""
    return (
        f"未找到表头行：前{HEADER_SCAN_ROWS}行中没有一行同时包含全部必填列，"
        f"缺少「{'」「'.join(missing)}」{where}"
    )


# The characters ``str.isspace()`` is true for (tests/test_etl_fastpaths.py checks the list
# against every code point), as an RE2 class: a text of them only is an empty cell.
PY_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
            "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_BLANK_RE = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in PY_SPACE) + "]*$"
_EXACT_INT = 2.0 ** 53  # a whole float below this is its integer exactly, and fits int64


def column_texts(values: Sequence[object]) -> pa.Array:
    """:func:`cell_text` of one column's cells as an Arrow string array, with fast paths for
    a column of text and a column of numbers (most columns), converted in Arrow and numpy:
    a 100,000-row sheet converted value by value cost ~0.75 s of a 5 s load."""
    types = set(map(type, values))
    types.discard(type(None))
    if types <= {str}:
        arr = pa.array(values, type=pa.string())
        blank = pc.match_substring_regex(arr, _BLANK_RE)  # ("" and white space only; None stays None)
        return pc.if_else(blank, pa.scalar(None, pa.string()), arr)
    if types <= {float}:
        return _float_texts(np.array([np.nan if v is None else v for v in values], dtype=np.float64))
    return pa.array([None if v is None else cell_text(v) for v in values], type=pa.string())


def _float_texts(a: np.ndarray) -> pa.Array:
    """:func:`cell_text` of floats (NaN: empty): a whole number as its integer, any other
    as Python's ``repr`` (only those are converted one by one)."""
    missing = np.isnan(a)
    with np.errstate(invalid="ignore"):
        whole = ~missing & (np.abs(a) < _EXACT_INT) & (a == np.trunc(a))
    texts = pc.cast(pa.array(np.where(whole, a, 0).astype(np.int64)), pa.string())
    other = ~missing & ~whole
    if other.any():
        out = texts.to_numpy(zero_copy_only=False).astype(object)
        out[other] = [cell_text(float(v)) for v in a[other]]
        texts = pa.array(out, type=pa.string())
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), texts)


def grid_to_sheet(kind: Kind, grid: Sequence[Sequence[object]], sheet_name: str | None,
                  first_row_number: int = 1, cells: bool = False,
                  data_columns: Callable[[int], tuple[list[pa.Array], int] | None] | None = None
                  ) -> Sheet | str | None:
    """Build a Sheet from rows of cell texts (None: empty) — or, with ``cells``, of the cells as
    a workbook reader gives them (numbers, dates …), turned into text here. ``grid[0]`` is
    Excel row ``first_row_number``. Returns a message instead when no header row is found.

    With ``data_columns``, ``grid`` holds only the first rows (enough to find the header)
    and the data comes from ``data_columns(index of the first data row)`` as string columns
    and their length; when that returns None, so does this (the caller reads another way)."""
    head = [row_texts(list(r)) for r in grid[:HEADER_SCAN_ROWS + 1]] if cells else grid
    found = _find_header(kind, head)
    if isinstance(found, str):
        return found
    hidx, ids = found
    raw_headers = list(head[hidx])
    data_start = hidx + 1
    # A two-row header (labels merged down over two rows, a group label such as 参与人数
    # merged across the columns below it): the row under the header holds only header
    # labels of columns the header row does not name. Read it as part of the header, not
    # as a data row — else its columns are dropped and it is rejected (found by
    # tests/test_corpus.py, hdr_two_rows_merged_down).
    if data_start < len(grid):
        hmap = header_map(kind)
        below = head[data_start]
        filled = [(pos, c) for pos, c in enumerate(below) if c is not None and c.strip()]
        sub = {pos: hmap.get(normalize_header(c)) for pos, c in filled}
        if filled and all(cid is not None and cid not in ids for cid in sub.values()) \
                and all(pos >= len(ids) or ids[pos] is None for pos in sub):
            ids = list(ids) + [None] * (len(below) - len(ids))
            raw_headers += [None] * (len(below) - len(raw_headers))
            for pos, cid in sub.items():
                ids[pos] = cid
                raw_headers[pos] = below[pos]
            data_start += 1
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for pos, (cid, text) in enumerate(zip(ids, raw_headers)):
        if text is None or not str(text).strip():
            continue
        if cid is None:
            unknown.append(str(text).strip())
        elif cid in positions:
            unknown.append(f"{str(text).strip()}（重复列，已忽略）")
        else:
            positions[cid] = pos
            headers[cid] = str(text).strip()
    # The data, column by column (rows may be ragged: a short row's missing cells are empty).
    if data_columns is not None:
        got = data_columns(data_start)
        if got is None:
            return None
        texts, n = got
    else:
        data = grid[data_start:]
        n = len(data)
        texts = [column_texts(col) if cells else pa.array(col, type=pa.string())
                 for col in itertools.zip_longest(*data)]
    # A row whose every cell is empty — in any column, named or not — is skipped.
    nonblank = None
    for arr in texts:
        valid = pc.is_valid(arr)  # (a cell of white space only is None by now)
        nonblank = valid if nonblank is None else pc.or_(nonblank, valid)
    columns: dict[str, pa.Array] = {}
    for c in kind.columns:
        pos = positions.get(c.id)
        columns[c.id] = texts[pos] if pos is not None and pos < len(texts) else pa.nulls(n, pa.string())
    start = first_row_number + data_start
    columns["_row"] = pa.array(range(start, start + n), type=pa.int64())
    table = pa.table(columns)
    if nonblank is not None:
        keep = pc.fill_null(nonblank, False)
        if not pc.all(keep).as_py():  # (no copy of a large sheet without blank rows)
            table = table.filter(keep)
    return Sheet(kind=kind, sheet=sheet_name, header_row=first_row_number + hidx,
                 table=table, headers=headers, unknown_columns=unknown,
                 blank_rows=n - table.num_rows)


# --------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes strictly: UTF-8 (with or without BOM), UTF-16 with a BOM, then
    GB18030 (which covers GBK). Never with replacement characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as e:
            raise RefusedFile(f"文件以UTF-8标记开头，但第{e.start}字节处内容不是有效的UTF-8编码") from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as e:
            raise RefusedFile("文件以UTF-16标记开头，但内容不是有效的UTF-16编码") from e
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise RefusedFile(
            "无法识别文件编码：既不是UTF-8，也不是GB18030/GBK。"
            "请在Excel中另存为“CSV UTF-8（逗号分隔）”后重新导入"
        ) from e
    return text, "GB18030"


def _looks_binary(text: str) -> bool:
    return "\x00" in text[:65536]


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number of fields. (Not the
    most frequent character: prose with Chinese commas in a text column outnumbered the
    real commas and the file was refused — found by tests/test_corpus.py, the 50 MB CSV.)"""
    head = [line for line in text[:65536].splitlines()[:HEADER_SCAN_ROWS] if line.strip()]
    best, best_score = ",", 0
    for d in (",", "\t", ";", "，"):
        per_line = [line.count(d) for line in head if line.count(d)]
        if not per_line:
            continue
        score = max(per_line.count(n) for n in set(per_line))
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv_grid(text: str) -> list[list[str | None]]:
    delim = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    grid: list[list[str | None]] = []
    prev_line = last_line = 0
    for row in reader:
        prev_line, last_line = last_line, reader.line_num
        grid.append([c if c.strip() else None for c in row])
    if last_line - prev_line > 1:
        # The last record spans lines. If that is because an opening quote never closes,
        # every line after it was swallowed into one cell and would vanish unaccounted
        # (found by tests/test_corpus.py, stray_quote_open): refuse the file instead.
        tail = "".join(io.StringIO(text, newline="").readlines()[prev_line:])
        try:
            for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delim, strict=True):
                pass
        except csv.Error as e:
            if "unexpected end of data" in str(e):
                raise csv.Error(f"第{prev_line + 1}行的引号没有闭合，其后各行无法分开读取") from e
    return grid


# A cell of nothing but these characters (those ``str.strip()`` removes) is empty.
_BLANK_CELL = (r"^[\x{9}\x{a}\x{b}\x{c}\x{d}\x{1c}\x{1d}\x{1e}\x{1f}\x{20}\x{85}\x{a0}\x{1680}\x{2000}"
               r"\x{2001}\x{2002}\x{2003}\x{2004}\x{2005}\x{2006}\x{2007}\x{2008}\x{2009}\x{200a}\x{2028}"
               r"\x{2029}\x{202f}\x{205f}\x{3000}]*$")


def _plain_csv_columns(text: str, delim: str, width: int, skip: int, utf8: bytes | memoryview | None = None
                       ) -> tuple[list[pa.Array], int] | None:
    """The records after the first ``skip`` of a *plain* CSV — no quote character anywhere
    (so a record is a line), a one-character delimiter, every record ``width`` cells or an
    empty line — read by Arrow's CSV reader as string columns, empty and white-space cells
    null: exactly what the ``csv`` module path gives, about three times faster (a
    million-row file: 3.2 s instead of 11.6, in a fraction of the memory). ``utf8``: the
    file's own bytes when they are UTF-8 (``text`` is not encoded again). None when the
    file is not plain: the ``csv`` module then reads it, with its messages."""
    if width < 1:  # (the caller has checked the delimiter and the quotes)
        return None
    ragged: list[int] = []

    def on_invalid(row: object) -> str:
        ragged.append(1)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(utf8) if utf8 is not None else text.encode("utf-8")),
            # (rows skipped must fit in one block: 16 MB, not Arrow's 1 MB, for long title rows)
            read_options=pa_csv.ReadOptions(skip_rows=skip, column_names=names, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(delimiter=delim, quote_char=False, newlines_in_values=False,
                                              ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pa_csv.ConvertOptions(column_types={c: pa.string() for c in names},
                                                  strings_can_be_null=False, null_values=[]))
    except (pa.ArrowException, ValueError):
        return None
    if ragged:
        return None
    limit = csv.field_size_limit()  # the csv module refuses a file with a longer cell
    if any((pc.max(pc.utf8_length(c)).as_py() or 0) > limit for c in table.columns):
        return None
    n = table.num_rows
    empty = pa.scalar(None, pa.string())
    cols, out = table.columns, []
    del table
    while cols:  # a column at a time, each read column let go as its copy is made (a 10^7-row file: ~1 GB each)
        c = cols.pop(0)
        blank = pc.match_substring_regex(c, _BLANK_CELL)
        out.append(pc.if_else(blank, empty, c) if pc.any(blank).as_py() else c)
        del c, blank
    return out, n


def _plain_csv_sheet(kind: Kind, text: str, utf8: bytes | memoryview | None = None) -> Sheet | str | None:
    """The sheet of a plain CSV (see :func:`_plain_csv_columns`): the header found in the
    first rows as always, the data read by Arrow. None when the file is not plain."""
    delim = _sniff_delimiter(text)
    if len(delim) != 1 or '"' in text or "\x00" in text:
        return None
    want = HEADER_SCAN_ROWS + 2
    # The first rows from the file's first megabyte (a StringIO of the whole text would copy
    # it: 2.5 GB for a 10^7-row file); all of it when that holds no more than the rows wanted
    # (the last row of a cut text may be cut).
    for part in (text[:1 << 20], text):
        try:
            raw = list(itertools.islice(csv.reader(io.StringIO(part, newline=""), delimiter=delim), want + 1))
        except csv.Error:  # (a cell over the csv module's limit): its path refuses the file
            return None
        if len(raw) > want or len(part) == len(text):
            break
    raw = raw[:want]
    head = [[c if c.strip() else None for c in row] for row in raw]

    def data_columns(start: int) -> tuple[list[pa.Array], int] | None:
        if start >= len(raw):
            return None
        return _plain_csv_columns(text, delim, len(raw[start]), start, utf8)

    return grid_to_sheet(kind, head, None, data_columns=data_columns)


def _read_csv(src: SourceFile, data: bytes, kind: Kind) -> None:
    text, enc = decode_text(data)
    if _looks_binary(text):
        raise RefusedFile("文件内容不是文本（可能是其他格式的文件改了扩展名）")
    src.encoding = enc
    utf8 = {"UTF-8": memoryview(data), "UTF-8 (BOM)": memoryview(data)[3:]}.get(enc)
    plain = _plain_csv_sheet(kind, text, utf8)
    if isinstance(plain, Sheet):
        src.sheets.append(plain)
        return
    try:
        grid = read_csv_grid(text)
    except csv.Error as e:
        raise RefusedFile(f"CSV格式有误，无法解析：{e}") from e
    sheet = grid_to_sheet(kind, grid, None)
    if isinstance(sheet, str):
        raise RefusedFile(sheet)
    src.sheets.append(sheet)


PARQUET_BATCH_ROWS = 1_048_576  # rows converted and staged at a time (~200 MB of text; each staging
# statement builds its lookups again: 262,144-row batches made a 10^6-row load 2.7 s slower)


def _parquet_text(col: pa.Array) -> pa.Array:
    """A Parquet column as the text the normaliser parses (:func:`cell_text` for numbers
    and yes/no, Arrow's own text for dates and the rest)."""
    if pa.types.is_floating(col.type) or pa.types.is_boolean(col.type):
        return pa.array([cell_text(v) for v in col.to_pylist()], type=pa.string())
    if not pa.types.is_string(col.type):
        return col.cast(pa.string())
    return col


def _parquet_present(col: pa.Array) -> pa.Array:
    """Per row: the cell is not empty (its text, see :func:`_parquet_text`, is neither null
    nor white space) — computed without building the text."""
    t = col.type
    if pa.types.is_floating(t):
        present = pc.and_(pc.is_valid(col), pc.invert(pc.is_nan(col)))
    elif (pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_decimal(t)
          or pa.types.is_temporal(t)):
        present = pc.is_valid(col)  # (their text is never empty)
    else:
        text = col if pa.types.is_string(t) else col.cast(pa.string())
        present = pc.and_(pc.is_valid(text), pc.not_equal(pc.utf8_trim_whitespace(text), ""))
    return pc.fill_null(present, False)


def _read_parquet(src: SourceFile, kind: Kind) -> None:
    """A Parquet file as a sheet read in batches: here only its columns are matched and its
    rows counted (one streaming pass); the text is built batch by batch while loading."""
    try:
        names = pq.ParquetFile(src.path).schema_arrow.names
    except Exception as e:  # pyarrow raises several types for a broken file
        raise RefusedFile(f"Parquet文件无法读取：{e}") from e
    hmap = header_map(kind)
    chosen: dict[str, str] = {}  # column id -> the file's column
    unknown: list[str] = []
    for name in names:
        cid = hmap.get(normalize_header(name))
        if cid is None or cid in chosen:
            unknown.append(name)
            continue
        chosen[cid] = name
    missing = [c.label for c in kind.required if c.id not in chosen]
    if missing:
        raise RefusedFile(f"缺少必填列「{'」「'.join(missing)}」")
    path = src.path

    def raw_batches(masks: bool) -> Iterator[tuple[int, pa.RecordBatch, pa.Array | None]]:
        """(Excel-style row number of the batch's first row, batch, non-blank mask — None
        when the batch has no blank row, or when ``masks`` is false)."""
        first = 2  # row 1 is the header
        for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH_ROWS,
                                                       columns=list(chosen.values())):
            # Blank rows (every column of the kind null or empty) are skipped, as in a workbook.
            nonblank = None
            if masks:
                for name in chosen.values():
                    present = _parquet_present(batch.column(name))
                    nonblank = present if nonblank is None else pc.or_(nonblank, present)
                if nonblank is not None and nonblank.true_count == batch.num_rows:
                    nonblank = None
            yield first, batch, nonblank
            first += batch.num_rows

    total = kept = 0

    def batches() -> Iterator[pa.Table]:
        # (the counting pass below found whether there are blank rows to skip at all)
        for first, batch, nonblank in raw_batches(masks=kept < total):
            n = batch.num_rows
            full = {c.id: _parquet_text(batch.column(chosen[c.id])) if c.id in chosen else pa.nulls(n, pa.string())
                    for c in kind.columns}
            full["_row"] = pa.array(np.arange(first, first + n, dtype=np.int64))
            table = pa.table(full)
            yield table if nonblank is None else table.filter(nonblank)

    try:
        for _first, batch, nonblank in raw_batches(masks=True):
            total += batch.num_rows
            kept += batch.num_rows if nonblank is None else nonblank.true_count
    except Exception as e:  # a broken row group: refuse the file now, not halfway through a load
        raise RefusedFile(f"Parquet文件无法读取：{e}") from e
    src.sheets.append(Sheet(kind=kind, sheet=None, header_row=1, table=None, headers=dict(chosen),
                            unknown_columns=unknown, blank_rows=total - kept, rows=kept, batches=batches))


def _read_workbook(src: SourceFile, data: bytes) -> None:
    import python_calamine as calamine

    try:
        wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:  # calamine raises its own error types for broken files
        raise RefusedFile(f"Excel文件已损坏或不是有效的Excel文件，无法打开（{type(e).__name__}）") from e
    names = wb.sheet_names
    if not names:
        raise RefusedFile("工作簿中没有工作表")
    for name in names:
        kind = kind_for_name(name)
        if kind is None:
            if normalize_header(name) in _TEMPLATE_LOOKUP:
                continue
            src.messages.append(
                f"工作表「{name}」不是可识别的记录类型，已跳过"
                "（工作表名应为记录类型，如「活动」或 activities）"
            )
            continue
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as e:
            src.messages.append(f"工作表「{name}」无法读取，已跳过（{type(e).__name__}）")
            continue
        sheet = grid_to_sheet(kind, rows, name, cells=True)
        if isinstance(sheet, str):
            src.messages.append(f"工作表「{name}」：{sheet}，整张表未导入")
            continue
        src.sheets.append(sheet)


def read_source(path: Path, name: str | None = None, data: bytes | None = None) -> SourceFile:
    """Read one input file. Never raises for bad content: a file that cannot be read
    comes back with ``refused`` set."""
    src = SourceFile(path=path, name=name or str(path))
    suffix = path.suffix.lower()
    try:
        if data is None and suffix in PARQUET_SUFFIXES:
            # read in batches later: hashed here without holding the whole file
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
            src.sha256 = digest.hexdigest()
            data = b"" if path.stat().st_size == 0 else None
        elif data is None:
            data = path.read_bytes()
    except OSError as e:
        src.refused = f"文件无法打开：{e.strerror or e}"
        return src
    if data is not None:
        src.sha256 = hashlib.sha256(data).hexdigest()
    try:
        if data is not None and not data:
            raise RefusedFile("文件为空（0字节）")
        if suffix in EXCEL_SUFFIXES:
            _read_workbook(src, data)
        elif suffix in CSV_SUFFIXES or suffix in PARQUET_SUFFIXES:
            kind = kind_for_name(path.stem)
            if kind is None:
                raise RefusedFile(
                    f"无法从文件名「{path.name}」判断记录类型：文件名应为记录类型，"
                    "如「活动.csv」或 activities.csv"
                )
            if suffix in PARQUET_SUFFIXES:
                _read_parquet(src, kind)
            else:
                _read_csv(src, data, kind)
        else:
            raise RefusedFile(
                f"不支持的文件类型「{suffix or '无扩展名'}」：请使用 .xlsx、.csv 或 .parquet 文件"
            )
        if not src.sheets:
            if src.messages:
                raise RefusedFile("文件中没有可导入的记录表：" + "；".join(src.messages))
            raise RefusedFile("文件中没有可导入的记录表")
        if src.rows_read == 0:
            raise RefusedFile("文件中只有表头，没有数据行")
    except RefusedFile as e:
        src.refused = str(e)
        src.sheets = []
    except Exception as e:  # last line of defence: a reader bug must not lose the report
        src.refused = f"读取文件时出错：{type(e).__name__}: {e}"
        src.sheets = []
    return src


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named directly, and every file in a folder (sorted, recursive; hidden files
    and Office lock files ``~$…`` skipped). A file of an unsupported type is kept so that
    the report says it was not read."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith((".", "~$")):
                    out.append(f)
        else:
            out.append(p)
    return out
