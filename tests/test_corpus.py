"""The malformed-input corpus (``tests/corpus/make_corpus.py``) through the real loader.

Each corpus file is loaded alone with ``etl.load.load`` into a fresh warehouse, and the
promises of the data contract are checked on what comes out, whatever the file:

* no exception escapes — a file the loader cannot read is *refused* with a reason, which
  is a normal outcome, never a crash or a ``LoadFailed``;
* every file report obeys ``rows_read = rows_loaded + rows_rejected``, in the report and
  in ``etl_loads``;
* every reject names its file, its Excel row, its column and a reason, and there is one
  reject per rejected row (``etl_rejects`` equals the report's rejects frame);
* no U+FFFD (the mark of a wrong decoding) in any VARCHAR column of any relation;
* where the case states it: the exact counts, the rejected rows, the reasons, and the
  values that must arrive intact (a date read in every spelling as the same day …).

The two big files — a 50 MB CSV and a 100,000-row sheet — are written once per session
in a temporary folder; their tests time the load and hold it to a budget.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from etl.load import LoadReport, load
from tests.corpus.make_corpus import Case, cases, write_big_csv, write_big_xlsx, write_case

CASES = cases()


_SCAN: list[str] = []


def _fffd_scan(con: duckdb.DuckDBPyConnection) -> str:
    """One query over every VARCHAR column of every relation (the schema is fixed, so
    the query is built once)."""
    if not _SCAN:
        cols = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' AND table_schema = 'main'").fetchall()
        assert len(cols) > 50, "the scan must see every relation"
        _SCAN.append(" UNION ALL ".join(
            f"SELECT '{t}.{c}' FROM \"{t}\" WHERE contains(\"{c}\", chr(65533))" for t, c in cols))
    return _SCAN[0]


def assert_accounted(report: LoadReport, db: Path) -> None:
    """The contract's promises for any load, whatever its files (used by test_fuzz too)."""
    for f in report.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected, f
        assert min(f.rows_read, f.rows_loaded, f.rows_rejected) >= 0, f
        if f.refused is not None:
            assert f.refused.strip(), "a refused file must say why"
            assert f.rows_read == 0, f
        for text in [f.refused or "", *f.messages]:
            assert "\ufffd" not in text, text
    rej = report.rejects
    assert len(rej) == report.rows_rejected, "one reject row per rejected input row"
    if len(rej):
        assert rej["file"].notna().all() and (rej["file"].str.len() > 0).all()
        assert rej["row"].notna().all() and (rej["row"] >= 1).all()
        assert rej["column"].notna().all() and (rej["column"].str.len() > 0).all()
        assert rej["reason"].notna().all() and (rej["reason"].str.strip().str.len() > 0).all()
    if report.exit_code == 2:
        assert not report.written and not db.exists(), "nothing loadable: a fresh warehouse is not created"
        return
    assert report.written and db.exists()
    con = duckdb.connect(str(db), read_only=True)
    try:
        bad = con.execute("SELECT count(*) FROM etl_loads WHERE rows_read <> rows_loaded + rows_rejected").fetchone()
        assert bad == (0,)
        stored = con.execute('SELECT count(*) FROM etl_rejects WHERE load_id = $id', {"id": report.load_id}).fetchone()
        assert stored == (report.rows_rejected,)
        hits = con.execute(_fffd_scan(con)).fetchall()
        assert hits == [], f"U+FFFD in {sorted(set(hits))}"
    finally:
        con.close()


def _check_expectations(case: Case, report: LoadReport, db: Path) -> None:
    e = case.expect
    (f,) = report.files
    if e.refused is not None:
        assert f.refused is not None, f"expected a refusal, got {f}"
        assert e.refused in f.refused, f.refused
        assert report.exit_code == 2
        return
    assert f.refused is None, f.refused
    got = (f.rows_read, f.rows_loaded, f.rows_rejected)
    want = (e.read, e.loaded, e.rejected)
    assert tuple(g if w is not None else None for g, w in zip(got, want)) == want, (got, report.rejects.to_dict("records"))
    reasons = list(report.rejects["reason"])
    for r in e.reasons:
        assert any(r in x for x in reasons), (r, reasons)
    if e.reject_rows is not None:
        got_rows = sorted((None if s is None or s != s else s, int(n))
                          for s, n in zip(report.rejects["sheet"], report.rejects["row"]))
        assert got_rows == sorted(e.reject_rows, key=repr), got_rows
    for m in e.messages:
        assert any(m in x for x in f.messages), (m, f.messages)
    if e.sql:
        con = duckdb.connect(str(db), read_only=True)
        try:
            for sql, rows in e.sql:
                assert [list(r) for r in con.execute(sql).fetchall()] == rows, sql
        finally:
            con.close()
    assert report.exit_code == (0 if f.rows_rejected == 0 and not any("整张表未导入" in m for m in f.messages) else 1)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    for c in CASES:
        write_case(c, d)
    return d


def test_the_corpus_has_at_least_200_files_in_every_category():
    """Guards the breadth the issue asks for: a shrinking generator would fail here."""
    cats = {c.category for c in CASES}
    assert len(CASES) >= 200
    assert cats >= {"encodings", "headers", "sheets", "formulas", "excel dates", "dates", "numbers", "yes/no",
                    "towns", "duplicates", "references", "broken files", "parquet", "kinds"}
    assert all(c.expect.refused is not None or c.expect.read is not None for c in CASES), \
        "every small corpus file has a known outcome"


def test_the_corpus_is_deterministic(tmp_path):
    """Two generations give the same bytes, so a failure reproduces."""
    for c in CASES[::7]:
        a = write_case(c, tmp_path / "a").read_bytes()
        b = write_case(c, tmp_path / "b").read_bytes()
        assert a == b, c.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_file_is_loaded_or_refused_with_every_row_accounted(case: Case, corpus_dir: Path, tmp_path: Path):
    db = tmp_path / "wh" / "oversight.duckdb"
    report = load([corpus_dir / case.name], db)
    assert_accounted(report, db)
    _check_expectations(case, report, db)


# --------------------------------------------------------------------------------------
# The big files
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("big") / "活动.csv"
    n = write_big_csv(path)
    return path, n


@pytest.fixture(scope="session")
def big_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big_100k.xlsx"
    write_big_xlsx(path)
    return path


def test_a_50_mb_csv_loads_every_row_within_a_minute(big_csv, tmp_path):
    """The upload limit is 50 MB: a file of that size loads, every 1000th row (a bad
    date) is rejected with its row number, and the load takes well under a minute."""
    path, n = big_csv
    assert path.stat().st_size >= 50 * 1024 * 1024
    db = tmp_path / "oversight.duckdb"
    t0 = time.perf_counter()
    report = load([path], db)
    elapsed = time.perf_counter() - t0
    assert_accounted(report, db)
    bad = n // 1000
    (f,) = report.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (n, n - bad, bad)
    assert sorted(report.rejects["row"]) == [1000 * k + 1 for k in range(1, bad + 1)]
    assert elapsed < 60, f"50 MB load took {elapsed:.1f} s"


def test_a_sheet_of_100000_rows_loads_within_a_minute(big_xlsx, tmp_path):
    """A year of a big district's records in one sheet: 100,000 rows read, the 100 with
    an unknown town rejected at their Excel rows, within a minute."""
    db = tmp_path / "oversight.duckdb"
    t0 = time.perf_counter()
    report = load([big_xlsx], db)
    elapsed = time.perf_counter() - t0
    assert_accounted(report, db)
    (f,) = report.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (100_000, 99_900, 100)
    assert sorted(report.rejects["row"]) == [1000 * k + 1 for k in range(1, 101)]
    assert elapsed < 60, f"100,000-row load took {elapsed:.1f} s"
