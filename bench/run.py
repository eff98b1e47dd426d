"""The benchmark harness (issue 10): one command, a table, and ``bench/results/*.json``.

    .venv/bin/python -m bench.run                     # 10^6, 10^7 and 10^8 activity rows
    .venv/bin/python -m bench.run --sizes 1e6,1e7     # chosen sizes
    .venv/bin/python -m bench.run --quick             # 10^6 only, few repeats (CI)
    .venv/bin/python -m bench.run --quick --check bench/results/baseline-quick.json

For each size: the national scale data (``python -m etl scale``, kept in ``bench/data/``),
its load through the normal ETL (time, peak RSS), every page's server-side time cold and
warm (AppTest, the server's own script), each page's query set timed ours / raw / (for
three aggregates) pandas, and — at the ETL size — the ETL against DuckDB's bare ingest and
the xlsx path against pandas. ``--browser`` adds the cold load of each page in headless
Chromium and the bytes sent to the browser (``bench/browser.py``).

``--check BASELINE`` fails (exit 1) when a ratio is more than 2× worse than the
baseline's: the ETL ratios and the pandas speed-ups halving, or ours/raw doubling.
Absolute times are printed, not checked: they depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"


def _size(s: str) -> int:
    return int(float(s))


def _label(n: int) -> str:
    e = len(str(n)) - 1
    return f"10^{e}" if n == 10 ** e else f"{n:,}"


def scale_data(n: int) -> tuple[Path, float | None]:
    out = DATA / f"scale-{n}"
    # (the marker sits beside the folder: inside it, the load would report it as a refused file)
    marker = DATA / f"scale-{n}.done"
    if marker.exists() and out.is_dir():
        return out, None
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "etl", "scale", "--rows", str(n), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"etl scale --rows {n} failed:\n{done.stdout}\n{done.stderr}")
    marker.write_text("ok", encoding="utf-8")
    return out, time.perf_counter() - t0


def warehouse(n: int, scale_dir: Path) -> tuple[Path, dict | None]:
    from bench.etl_bench import etl_load_synthetic

    db = DATA / f"wh-{n}.duckdb"
    if db.exists() and (DATA / f"wh-{n}.done").exists():
        return db, None
    for q in DATA.glob(db.name + "*"):
        q.unlink()
    res = etl_load_synthetic([scale_dir], db)
    (DATA / f"wh-{n}.done").write_text(json.dumps(res), encoding="utf-8")
    return db, res


def filters_for(db: Path) -> dict[str, str]:
    """The URL of a typical view: the district with the most activities, its last full year."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        district = con.execute("SELECT district FROM activities GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
                               ).fetchone()[0]
        year = con.execute("SELECT max(year) FROM activities").fetchone()[0]
    finally:
        con.close()
    return {"district": district, "year": str(year)}


def bench_size(n: int, args: argparse.Namespace) -> dict:
    import duckdb

    from bench import pandas_impl
    from bench.pages import page_runs
    from bench.queries import percentile, time_query_set
    from ui.nav import PAGES
    from warehouse.filters import Filters
    from warehouse.queries import common

    res: dict = {"rows": n}
    phases: dict[str, float] = {}  # wall seconds of each step of the harness
    res["phase_s"] = phases
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = round(now - clock, 1)
        clock = now

    DATA.mkdir(parents=True, exist_ok=True)
    scale_dir, gen_s = scale_data(n)
    res["generate_s"] = gen_s
    lap("generate")
    db, load = warehouse(n, scale_dir)
    lap("load")
    if load is None:
        load = json.loads((DATA / f"wh-{n}.done").read_text(encoding="utf-8"))
    res["etl_full_load"] = {k: load[k] for k in ("seconds", "peak_rss_mib", "code")}
    res["warehouse_mib"] = db.stat().st_size / 2 ** 20
    params = filters_for(db)
    res["params"] = params
    pages = [p.name for p in PAGES if p.name not in ("admin",)]
    print(f"[{_label(n)}] pages through AppTest …", flush=True)
    runs = page_runs(db, pages, params, warm_runs=args.warm)
    lap("pages")
    res["pages"] = {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        for r in runs:
            print(f"[{_label(n)}] query set of {r.page} ({len(r.calls)} calls) …", flush=True)
            qs = time_query_set(con, r.page, r.calls, args.repeats).summary()
            res["pages"][r.page] = {
                "server_cold_ms": r.cold_s * 1000, "server_warm_p50_ms": percentile(r.warm_s, .5) * 1000,
                "server_warm_p95_ms": percentile(r.warm_s, .95) * 1000, "problems": r.problems, **qs}
        lap("query_sets")
        if n <= args.pandas_max:
            print(f"[{_label(n)}] pandas …", flush=True)
            as_of = common.data_as_of(con.cursor(), Filters(district=params["district"]))
            f = Filters(district=params["district"], year=int(params["year"]), as_of=as_of)
            frames = pandas_impl.load_frames(con)
            res["pandas"] = pandas_impl.compare(con, frames, f, args.repeats)
            del frames
            lap("pandas")
    finally:
        con.close()
    if n == args.etl_size:
        from bench import etl_bench

        print(f"[{_label(n)}] ETL against bare DuckDB and pandas …", flush=True)
        res["etl"] = etl_bench.run(scale_dir, DATA / f"etl-{n}", xlsx_rows=args.xlsx_rows)
        lap("etl")
    if args.browser:
        from bench import browser

        print(f"[{_label(n)}] pages in Chromium …", flush=True)
        res["browser"] = browser.run(db, pages, params)
        lap("browser")
    return res


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

def _f(x: object, digits: int = 0) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return str(x)


def print_tables(results: dict) -> None:
    for r in results["sizes"]:
        n = r["rows"]
        load = r["etl_full_load"]
        print(f"\n## {_label(n)} activity rows — district {r['params']['district']}, year {r['params']['year']}")
        gen = f"{r['generate_s']:.1f} s" if r.get("generate_s") else "cached"
        print(f"generate: {gen}; etl load (all kinds): {load['seconds']:.1f} s, peak RSS "
              f"{load['peak_rss_mib']:,.0f} MiB; warehouse {r['warehouse_mib']:,.0f} MiB")
        print("harness steps (s): " + ", ".join(f"{k} {v:g}" for k, v in r.get("phase_s", {}).items()))
        print("| page | calls | SQL | ours p50 / p95 ms | raw p50 / p95 ms | ours/raw p95 | server cold ms | warm p50 / p95 ms |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for page, p in r["pages"].items():
            print(f"| {page} | {p['calls']} | {p['statements']} | {_f(p['ours_p50_ms'])} / {_f(p['ours_p95_ms'])} | "
                  f"{_f(p['raw_p50_ms'])} / {_f(p['raw_p95_ms'])} | {_f(p['ratio_p95'], 2)} | "
                  f"{_f(p['server_cold_ms'])} | {_f(p['server_warm_p50_ms'])} / {_f(p['server_warm_p95_ms'])} |")
        for p in r.get("pandas", []):
            print(f"pandas {p['query']}: ours {p['ours_ms']:.1f} ms, pandas {p['pandas_ms']:.1f} ms "
                  f"→ {p['speedup']:.1f}× faster")
        if "etl" in r:
            e = r["etl"]
            for k in ("parquet", "csv"):
                print(f"ETL {k}: {e['rows']:,} rows in {e[k]['ours_s']:.1f} s ({e[k]['rows_per_s']:,.0f} rows/s, "
                      f"peak {e[k]['peak_rss_mib']:,.0f} MiB); bare DuckDB {e[k]['bare_s']:.1f} s → "
                      f"{e[k]['ratio']:.2f} × bare")
            x = e["xlsx"]
            print(f"ETL xlsx: {x['rows']:,} rows in {x['ours_s']:.1f} s; pandas.read_excel(openpyxl) "
                  f"{x['pandas_openpyxl_s']:.1f} s → {x['ratio']:.1f} × pandas")
        if "browser" in r:
            for page, b in r["browser"]["pages"].items():
                print(f"chromium {page}: cold {b['cold_s']:.2f} s, {b['bytes'] / 1e6:.2f} MB to the browser")
            if "server_rss_mib_10_sessions" in r["browser"]:
                print(f"server RSS with 10 sessions: {r['browser']['server_rss_mib_10_sessions']:,.0f} MiB")


def ratios(results: dict) -> dict[str, float]:
    """The ratios the regression check compares, aggregated so that a few milliseconds of
    noise on one small query set cannot fail it: all pages' ours / raw (sum of p50s), the
    pandas aggregates' speed-up (sum of medians), and each ETL ratio (seconds-long runs)."""
    out: dict[str, float] = {}
    for r in results["sizes"]:
        n = _label(r["rows"])
        ours = sum(p["ours_p50_ms"] for p in r["pages"].values())
        raw = sum(p["raw_p50_ms"] for p in r["pages"].values())
        out[f"{n}.pages.ours_over_raw"] = ours / max(raw, 1e-9)
        if r.get("pandas"):
            out[f"{n}.pandas.speedup"] = (sum(p["pandas_ms"] for p in r["pandas"])
                                          / max(sum(p["ours_ms"] for p in r["pandas"]), 1e-9))
        if "etl" in r:
            for k in ("parquet", "csv", "xlsx"):
                out[f"{n}.etl.{k}.ratio"] = r["etl"][k]["ratio"]
    return out


def check(results: dict, baseline_path: Path) -> list[str]:
    """The ratios more than 2× worse than the baseline's (ours/raw doubling; the ETL
    ratios or the pandas speed-up halving)."""
    base = ratios(json.loads(baseline_path.read_text(encoding="utf-8")))
    now = ratios(results)
    bad = []
    for k, b in base.items():
        if k not in now:
            continue
        v = now[k]
        if k.endswith("ours_over_raw"):
            if v > 2 * b:
                bad.append(f"{k}: {v:.2f} (baseline {b:.2f}, more than 2× worse)")
        elif v < b / 2:
            bad.append(f"{k}: {v:.2f} (baseline {b:.2f}, less than half)")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1e6,1e7,1e8", help="activity rows, comma-separated")
    ap.add_argument("--quick", action="store_true", help="10^6 rows, few repeats, no browser")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--warm", type=int, default=5, help="warm reruns of each page")
    ap.add_argument("--etl-size", type=_size, default=None, help="the size at which the ETL is compared (10^7)")
    ap.add_argument("--pandas-max", type=_size, default=10 ** 7)
    ap.add_argument("--xlsx-rows", type=_size, default=100_000,
                    help="rows of the workbook of the xlsx comparison (100,000; --quick: 20,000)")
    ap.add_argument("--browser", action="store_true", help="cold loads in Chromium and bytes per page")
    ap.add_argument("--check", type=Path, help="baseline JSON: exit 1 when a ratio is over 2× worse")
    ap.add_argument("--out", type=Path, help="result file (default bench/results/<time>.json)")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.repeats, args.warm = "1e6", min(args.repeats, 3), min(args.warm, 2)
        args.xlsx_rows = min(args.xlsx_rows, 20_000)
    sizes = [_size(s) for s in args.sizes.split(",")]
    if args.etl_size is None:
        args.etl_size = 10 ** 7 if 10 ** 7 in sizes else sizes[0]
    os.environ.setdefault("OVERSIGHT_LOG_LEVEL", "WARNING")
    started = time.perf_counter()
    results = {"when": dt.datetime.now().isoformat(timespec="seconds"), "machine": {
        "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}, "sizes": []}
    for n in sizes:
        results["sizes"].append(bench_size(n, args))
    results["seconds"] = time.perf_counter() - started
    print_tables(results)
    print(f"\nharness: {results['seconds']:.0f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = args.out or RESULTS / f"{'quick' if args.quick else 'full'}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"results: {out}")
    for k, v in ratios(results).items():
        print(f"ratio {k}: {v:.2f}")
    if args.check:
        bad = check(results, args.check)
        for b in bad:
            print("REGRESSION", b)
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
