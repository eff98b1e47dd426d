"""Property-based fuzzing of the loader: mutated files and cell values never crash it.

Layer fuzzed: everything a load does to a file except copying and swapping the warehouse
file — ``etl.read.read_source`` (decoding, sheet and header detection, the CSV, workbook
and parquet readers) and ``etl.load._apply`` (the SQL normaliser of ``etl/normalize.py``,
references, duplicates, ``etl_rejects``, ``etl_loads``) followed by ``etl.load.verify``,
in a transaction on an in-memory warehouse seeded once with the shipped towns and rolled
back after each case. The full ``load()`` (about 0.3 s more per case for the copy,
checkpoint and swap) is exercised on the corpus in ``tests/test_corpus.py``.

Per case: no exception escapes (a refused file is a normal outcome, with a reason); no
case takes more than 10 s (Hypothesis' deadline); ``rows_read = rows_loaded +
rows_rejected`` and the counts agree with what is stored (one ``etl_rejects`` row per
rejected row, every reject with row, column and reason; the records written equal the
new + changed rows); ``verify`` finds no broken key or reference; no U+FFFD anywhere.
Where the mutation keeps the rows (cell values, swapped columns, title rows), the number
of rows read is exact.

Cases per property: ``$FUZZ_EXAMPLES`` (default 50, so 200 in a default run);
``scripts/fuzz.sh`` runs 2,500 per property (10,000 in all).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import load as L
from etl.read import SourceFile, read_source
from tests.corpus.make_corpus import CHINESE, GOOD, _csv_text, raw_xlsx_bytes, workbook_bytes

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
settings.register_profile(
    "fuzz", max_examples=EXAMPLES, deadline=dt.timedelta(seconds=10), database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
FUZZ = settings.get_profile("fuzz")

ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Warehouse:
    """An in-memory warehouse with the schema and the shipped towns; each case runs in a
    transaction that is rolled back."""

    def __init__(self) -> None:
        from warehouse.db import create_schema

        self.con = duckdb.connect(":memory:")
        L._prepare(self.con)
        create_schema(self.con)
        L._apply(self.con, [read_source(L.REFERENCE_TOWNS, name="builtin:towns.csv")], 1, "builtin", None, None, None)
        self.scan = " UNION ALL ".join(
            f"SELECT '{t}.{c}' FROM \"{t}\" WHERE contains(\"{c}\", chr(65533))"
            for t, c in self.con.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE data_type = 'VARCHAR' AND table_schema = 'main' AND table_catalog <> 'temp'").fetchall())

    def check(self, name: str, data: bytes) -> SourceFile:
        """Read and apply one file; assert the promises; return what was read."""
        src = read_source(Path(name), name=name, data=data)
        if src.refused is not None:
            assert src.refused.strip() and not src.sheets
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            (rep,) = L._apply(con, [src], 2, "user", None, None, None)
            assert rep.rows_read == src.rows_read, "every row the reader produced is counted"
            assert rep.rows_read == rep.rows_loaded + rep.rows_rejected
            assert rep.rows_loaded == rep.rows_new + rep.rows_changed + rep.rows_unchanged
            assert con.execute("SELECT rows_read, rows_loaded, rows_rejected FROM etl_loads WHERE load_id = 2"
                               ).fetchall() == [(rep.rows_read, rep.rows_loaded, rep.rows_rejected)]
            rej = con.execute('SELECT count(*), count("row"), count("column"), count(nullif(trim(reason), \'\')) '
                              "FROM etl_rejects WHERE load_id = 2").fetchone()
            assert rej == (rep.rows_rejected,) * 4, rej
            written = sum(con.execute(f"SELECT count(*) FROM {k} WHERE _load_id = 2").fetchone()[0]
                          for k in CHINESE)
            written += con.execute("SELECT count(*) FROM enterprise_opinions WHERE _load_id = 2").fetchone()[0]
            assert written == rep.rows_new + rep.rows_changed
            assert L.verify(con) == []
            assert con.execute(self.scan).fetchall() == []
            for text in [rep.refused or "", *rep.messages]:
                assert "\ufffd" not in text
        finally:
            con.execute("ROLLBACK")
        return src


@pytest.fixture(scope="module")
def wh() -> Warehouse:
    return Warehouse()


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------

KINDS = sorted(GOOD)

weird_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
weird_dates = st.one_of(
    st.builds(lambda y, m, d, sep: f"{y}{sep}{m}{sep}{d}", st.integers(-10, 99999), st.integers(-1, 99),
              st.integers(-1, 99), st.sampled_from(["-", "/", ".", "", "年", " ", "--"])),
    st.builds(lambda y, m, d: f"{y}年{m}月{d}日", st.integers(0, 3000), st.integers(0, 13), st.integers(0, 32)),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
weird_numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.builds(lambda n, u: f"{n:,}{u}", st.integers(0, 10**12), st.sampled_from(["", "人", "次", "件", " 人", "元"])),
    st.integers(0, 10**6).map(lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
)
cell_value = st.one_of(weird_text, weird_dates, weird_numbers, st.none(), st.just(""),
                       st.sampled_from(["是", "否", "√", "×", "柳树湾", "和平镇", "火星", "清江浦", "=A1", "#N/A", "\"", "'"]))
native_value = st.one_of(  # what a workbook cell can hold besides text
    st.integers(-(2**62), 2**62), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)))


@st.composite
def table_of_kind(draw: st.DrawFn) -> tuple[str, list[list[object]]]:
    kind = draw(st.sampled_from(KINDS))
    header, row = GOOD[kind]
    n = draw(st.integers(1, 6))
    return kind, [list(header)] + [row(i) for i in range(1, n + 1)]


def _xlsx_safe(v: object) -> object:
    return ILLEGAL_XML.sub("", v) if isinstance(v, str) else v


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------


@FUZZ
@given(t=table_of_kind(), data=st.data(), fmt=st.sampled_from(["csv", "csv-gb18030", "csv-bom", "xlsx", "xlsx-native"]))
def test_mutated_cell_values_are_loaded_or_rejected_never_crash(wh, t, data, fmt):
    """Up to four cells of good rows replaced by strings with control characters, huge or
    non-finite numbers, impossible dates, full-width digits, formulas: the rows are still
    all read (a CSV holding a NUL byte is refused as binary), each loaded or rejected."""
    kind, rows = t
    n = len(rows) - 1
    for _ in range(data.draw(st.integers(1, 4))):
        r = data.draw(st.integers(1, n))
        c = data.draw(st.integers(0, len(rows[0]) - 1))
        rows[r][c] = data.draw(native_value if fmt == "xlsx-native" else cell_value)
    name = CHINESE[kind] if data.draw(st.booleans()) else kind
    if fmt.startswith("csv"):
        enc = {"csv": "utf-8", "csv-gb18030": "gb18030", "csv-bom": "utf-8-sig"}[fmt]
        blob = _csv_text(rows).encode(enc, errors="ignore" if enc == "gb18030" else "strict")
        src = wh.check(f"{name}.csv", blob)
        if src.refused is None:
            assert src.rows_read <= n
            # a row can only be dropped when every one of its cells became blank
    else:
        blob = workbook_bytes({name: [[_xlsx_safe(v) for v in r] for r in rows]}, fix=False)
        src = wh.check("fuzz.xlsx", blob)
        if src.refused is None:
            assert src.rows_read <= n


@FUZZ
@given(t=table_of_kind(), data=st.data())
def test_swapped_columns_title_rows_and_duplicated_headers_keep_every_row(wh, t, data):
    """Structure, not values: the columns in any order, up to 35 title rows above, a
    duplicated column, the header repeated as a data row. Good rows all load; a header
    below row 30 is refused with a reason."""
    kind, rows = t
    n = len(rows) - 1
    order = data.draw(st.permutations(range(len(rows[0]))))
    rows = [[r[i] for i in order] for r in rows]
    titles = data.draw(st.integers(0, 35))
    dup_col = data.draw(st.booleans())
    if dup_col:
        rows = [r + [r[0]] for r in rows]
    repeat_header = data.draw(st.booleans())
    body = rows + ([rows[0]] if repeat_header else [])
    grid = [[f"标题{i}"] for i in range(titles)] + body
    fmt = data.draw(st.sampled_from(["csv", "xlsx"]))
    blob = _csv_text(grid).encode() if fmt == "csv" else workbook_bytes({CHINESE[kind]: grid}, fix=False)
    name = f"{kind}.csv" if fmt == "csv" else "fuzz.xlsx"
    src = wh.check(name, blob)
    if titles >= 30:
        assert src.refused is not None and "表头" in src.refused
        return
    assert src.refused is None, src.refused
    assert src.rows_read == n + repeat_header
    wh.con.execute("BEGIN TRANSACTION")
    try:
        (rep,) = L._apply(wh.con, [src], 2, "user", None, None, None)
        assert rep.rows_rejected == int(repeat_header), wh.con.execute("SELECT reason FROM etl_rejects").fetchall()
    finally:
        wh.con.execute("ROLLBACK")


@FUZZ
@given(t=table_of_kind(), data=st.data(), enc=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_random_bytes_in_a_csv_never_crash(wh, t, data, enc):
    """A CSV with bytes inserted, overwritten or cut at random places (a stray quote, a
    NUL, half of a multi-byte character, a truncated end): read, refused or rejected —
    never a crash, a hang or a lost row count."""
    kind, rows = t
    blob = bytearray(_csv_text(rows).encode(enc))
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["insert", "overwrite", "delete", "truncate", "quote"]))
        pos = data.draw(st.integers(0, max(len(blob) - 1, 0)))
        if op == "insert":
            blob[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
        elif op == "overwrite" and blob:
            blob[pos] = data.draw(st.integers(0, 255))
        elif op == "delete":
            del blob[pos:pos + data.draw(st.integers(1, 8))]
        elif op == "truncate":
            del blob[pos:]
        else:
            blob[pos:pos] = b'"'
    wh.check(f"{kind}.csv", bytes(blob))


@FUZZ
@given(t=table_of_kind(), data=st.data())
def test_truncated_or_corrupted_workbooks_never_crash(wh, t, data):
    """A workbook cut short, with bytes flipped inside its zip, or a hand-written sheet
    with a broken cell: refused as a whole with a reason, or read with every row
    accounted for."""
    kind, rows = t
    if data.draw(st.booleans()):
        blob = bytearray(workbook_bytes({CHINESE[kind]: rows}))  # fixed zip times: same bytes on a replay
    else:
        cells = [[data.draw(st.sampled_from([v, ("f", "1/0", None), ("date", data.draw(st.integers(-5, 3_000_000))),
                                            ("f", "X", data.draw(st.sampled_from(["#REF!", "", "12"])))]))
                  for v in r] for r in rows]
        blob = bytearray(raw_xlsx_bytes([(CHINESE[kind], cells)], date1904=data.draw(st.booleans())))
    op = data.draw(st.sampled_from(["truncate", "flip", "none"]))
    if op == "truncate":
        del blob[data.draw(st.integers(0, 2**20)) % len(blob):]
    elif op == "flip":
        for _ in range(data.draw(st.integers(1, 16))):
            i = data.draw(st.integers(0, 2**20)) % len(blob)
            blob[i] = data.draw(st.integers(0, 255))
    wh.check("fuzz.xlsx", bytes(blob))


def test_the_fuzz_harness_detects_a_broken_accounting(wh, monkeypatch):
    """The harness can fail: a reader that loses a row from the count is caught."""
    good = _csv_text([GOOD["activities"][0], GOOD["activities"][1](1)]).encode()
    real = L._count

    def lossy(con, **kw):
        out = real(con, **kw)
        for c in out.values():
            c["read"] = c.get("read", 0) + 1
        return out

    monkeypatch.setattr(L, "_count", lossy)
    with pytest.raises(AssertionError):
        wh.check("activities.csv", good)
    # the transaction was rolled back: the warehouse is still usable
    monkeypatch.setattr(L, "_count", real)
    wh.check("activities.csv", good)
