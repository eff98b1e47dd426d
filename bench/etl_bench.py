"""ETL throughput against DuckDB's own ingest and against pandas' Excel reader.

* CSV and Parquet: ``python -m etl load FILE`` of N clean ``activities`` rows into a
  warehouse that already holds the towns they name, against a bare
  ``CREATE TABLE … AS SELECT * FROM read_csv/read_parquet(FILE)`` of the same file on a
  fresh DuckDB file (ratio = bare seconds / our seconds: 1.0 would be as fast as DuckDB).
* xlsx: ``etl load`` of a 100,000-row workbook against ``pandas.read_excel(engine="openpyxl")``
  of the same file (ratio = pandas seconds / our seconds).

Each of our loads runs as its own process under ``/usr/bin/time`` for the wall time and
the peak RSS.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from etl.normalize import lit
from etl.spec import KIND_BY_NAME

ROOT = Path(__file__).resolve().parents[1]


def kind_file(folder: Path, kind: str) -> Path:
    """The file of ``kind`` in a folder written by ``python -m etl scale``."""
    k = KIND_BY_NAME[kind]
    for p in sorted(folder.iterdir()):
        if p.stem in (k.name, k.label) and p.suffix in (".parquet", ".csv", ".xlsx"):
            return p
    raise FileNotFoundError(f"no {kind} file in {folder}")


def timed_process(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float | int | str]:
    """Run ``cmd`` under /usr/bin/time: wall seconds, peak RSS (MiB), exit code, output tail."""
    full = ["/usr/bin/time", "-f", "TIME %e %M", *cmd]
    done = subprocess.run(full, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})
    m = re.search(r"TIME ([\d.]+) (\d+)\s*$", done.stderr)
    if not m:
        raise RuntimeError(f"{cmd}: no timing (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return {"seconds": float(m.group(1)), "peak_rss_mib": int(m.group(2)) / 1024, "code": done.returncode,
            "tail": (done.stdout + done.stderr)[-800:]}


def etl_load(paths: list[Path], db: Path) -> dict[str, float | int | str]:
    out = timed_process([sys.executable, "-m", "etl", "load", *map(str, paths), "--db", str(db)],
                        env={"OVERSIGHT_STATE_DIR": str(db.parent / "state")})
    if out["code"] not in (0, 1):
        raise RuntimeError(f"etl load {paths} exited {out['code']}:\n{out['tail']}")
    return out


LOAD_AS_DEMO = ("import sys; from pathlib import Path; from etl.load import load; "
                "r = load([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]), origin='demo'); "
                "print(r.rows_read, r.rows_loaded, r.rows_rejected); sys.exit(r.exit_code)")


def etl_load_synthetic(paths: list[Path], db: Path) -> dict[str, float | int | str]:
    """The normal ETL (``etl.load.load``, as the CLI calls it) with the load marked as
    synthetic demo data, so the app opens it without sign-in (ui/access.py)."""
    out = timed_process([sys.executable, "-c", LOAD_AS_DEMO, str(db), *map(str, paths)])
    if out["code"] not in (0, 1):
        raise RuntimeError(f"load {paths} exited {out['code']}:\n{out['tail']}")
    return out


def bare_ingest(path: Path, work: Path) -> float:
    db = work / "bare.duckdb"
    for q in (db, db.with_name(db.name + ".wal")):
        q.unlink(missing_ok=True)
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    con = duckdb.connect(str(db))
    try:
        t0 = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}($p)", {"p": str(path)})
        con.execute("CHECKPOINT")
        return time.perf_counter() - t0
    finally:
        con.close()
        db.unlink(missing_ok=True)


def csv_copy(parquet: Path, csv: Path) -> Path:
    con = duckdb.connect()
    try:
        # COPY's target cannot be a parameter: the path goes in as a quoted literal.
        con.execute(f"COPY (SELECT * FROM read_parquet($p)) TO {lit(str(csv))} (HEADER, DELIMITER ',')",
                    {"p": str(parquet)})
    finally:
        con.close()
    return csv


def xlsx_copy(parquet: Path, xlsx: Path, rows: int) -> Path:
    """The first ``rows`` rows as a one-sheet workbook named after the kind (xlsxwriter)."""
    import xlsxwriter

    con = duckdb.connect()
    try:
        df = con.execute("SELECT * FROM read_parquet($p) LIMIT $n", {"p": str(parquet), "n": rows}).df()
    finally:
        con.close()
    wb = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True})
    ws = wb.add_worksheet(KIND_BY_NAME["activities"].label)
    ws.write_row(0, 0, list(df.columns))
    for i, row in enumerate(df.itertuples(index=False), start=1):
        ws.write_row(i, 0, ["" if v is None or (isinstance(v, float) and v != v) else
                            (v.isoformat() if hasattr(v, "isoformat") else v) for v in row])
    wb.close()
    return xlsx


def base_warehouse(scale_dir: Path, work: Path) -> Path:
    """A warehouse holding the scale data's towns (what the activities refer to)."""
    db = work / "base.duckdb"
    if not db.exists():
        etl_load([kind_file(scale_dir, "towns")], db)
    return db


def run(scale_dir: Path, work: Path, xlsx_rows: int = 100_000) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    base = base_warehouse(scale_dir, work)
    parquet = kind_file(scale_dir, "activities")
    csv = work / f"{KIND_BY_NAME['activities'].label}.csv"
    if not csv.exists():
        csv_copy(parquet, csv)
    rows = duckdb.connect().execute("SELECT count(*) FROM read_parquet($p)", {"p": str(parquet)}).fetchone()[0]
    results: dict[str, object] = {"rows": int(rows)}
    for label, path in (("parquet", parquet), ("csv", csv)):
        db = work / f"etl-{label}.duckdb"
        shutil.copyfile(base, db)
        ours = etl_load([path], db)
        bare = bare_ingest(path, work)
        results[label] = {"ours_s": ours["seconds"], "bare_s": bare, "ratio": bare / ours["seconds"],
                          "rows_per_s": rows / ours["seconds"], "peak_rss_mib": ours["peak_rss_mib"]}
        for q in db.parent.glob(db.name + "*"):
            q.unlink()
    xlsx = work / f"活动-{xlsx_rows}.xlsx"
    if not xlsx.exists():
        xlsx_copy(parquet, xlsx, xlsx_rows)
    db = work / "etl-xlsx.duckdb"
    shutil.copyfile(base, db)
    ours = etl_load([xlsx], db)
    t0 = time.perf_counter()
    import pandas as pd

    pd.read_excel(xlsx, engine="openpyxl")
    pandas_s = time.perf_counter() - t0
    results["xlsx"] = {"rows": min(xlsx_rows, int(rows)), "ours_s": ours["seconds"], "pandas_openpyxl_s": pandas_s,
                       "ratio": pandas_s / ours["seconds"]}
    for q in db.parent.glob(db.name + "*"):
        q.unlink()
    return results
