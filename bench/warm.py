"""Warm reruns of chosen pages for one district (server side, AppTest, as ``bench.pages``
times them): the median and the fastest of ``--runs`` reruns after the page's first run.
For comparing two versions of the code, run it from each checkout in turn (alternate: runs
here differ by ±15 % from minute to minute). A script that prints figures, not a test.

    .venv/bin/python -m bench.warm --size 1e7 --pages town,compare --district 汉门县 --runs 7
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from bench.pages import page_runs

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.warm", description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=lambda s: int(float(s)), default=10 ** 7,
                    help="the benchmark warehouse (bench/data/wh-N.duckdb)")
    ap.add_argument("--db", type=Path, default=None, help="another warehouse")
    ap.add_argument("--pages", default="overview", help="comma-separated page names")
    ap.add_argument("--district", required=True)
    ap.add_argument("--year", default="2025")
    ap.add_argument("--runs", type=int, default=7, help="warm reruns of each page")
    args = ap.parse_args(argv)
    db = args.db or ROOT / "bench" / "data" / f"wh-{args.size}.duckdb"
    if not db.exists():
        print(f"no warehouse {db}: build it with `python -m bench.run --sizes {args.size:.0e}` first", file=sys.stderr)
        return 2
    runs = page_runs(db, args.pages.split(","), {"district": args.district, "year": args.year},
                     warm_runs=args.runs)
    print(f"{args.district}, {args.year}, {db.name}: warm reruns, ms")
    print("| page | p50 | min | problems |")
    print("|---|---:|---:|---|")
    for r in runs:
        print(f"| {r.page} | {statistics.median(r.warm_s) * 1000:.0f} | {min(r.warm_s) * 1000:.0f} | "
              f"{'; '.join(p[:80] for p in r.problems) or '—'} |")
    return 1 if any(r.problems for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
