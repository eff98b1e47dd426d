"""Warm reruns of chosen pages for one district (server side, AppTest, as ``bench.pages``
times them): the median and the fastest of ``--runs`` reruns after the page's first run.
For comparing two versions of the code, run it from each checkout in turn (alternate: runs
here differ by ±15 % from minute to minute). A script that prints figures, not a test.

    .venv/bin/python -m bench.warm --size 1e7 --pages town,compare --district 汉门县 --runs 7
"""

from __future__ import annotations

import statistics
import sys

from bench.pages import page_parser, page_runs, parsed_warehouse


def main(argv: list[str] | None = None) -> int:
    ap = page_parser("bench.warm", __doc__)
    ap.add_argument("--district", required=True)
    ap.add_argument("--runs", type=int, default=7, help="warm reruns of each page")
    args = ap.parse_args(argv)
    db = parsed_warehouse(args)
    if db is None:
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
