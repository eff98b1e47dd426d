"""The pages at national scope: every district at once (``?district=all``), as a city's or
a province's leader opens them. The main harness (``bench.run``) times each page for one
district; this times the server's script run of chosen pages for all districts, cold
(Streamlit's caches cleared) and warm (the same session rerun), through AppTest as
``bench.pages`` does. A script that prints figures, not a test.

    .venv/bin/python -m bench.national --size 1e7                 # the overview
    .venv/bin/python -m bench.national --size 1e7 --pages overview,compare --warm 3
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.pages import page_parser, page_runs, parsed_warehouse


def main(argv: list[str] | None = None) -> int:
    ap = page_parser("bench.national", __doc__)
    ap.add_argument("--warm", type=int, default=3, help="warm reruns of each page")
    ap.add_argument("--timeout", type=float, default=300, help="seconds a page's run may take")
    args = ap.parse_args(argv)
    db = parsed_warehouse(args)
    if db is None:
        return 2
    t0 = time.perf_counter()
    rows, failed = [], False
    for page in args.pages.split(","):
        print(f"[all districts] {page} …", file=sys.stderr, flush=True)
        try:
            (r,) = page_runs(db, [page], {"district": "all", "year": args.year}, warm_runs=args.warm,
                             timeout_s=args.timeout)
        except RuntimeError as e:  # AppTest's timeout
            rows.append(f"| {page} | > {args.timeout:.0f} | — | — | {str(e)[:80]} |")
            failed = True
            continue
        failed |= bool(r.problems)
        rows.append(f"| {page} | {r.cold_s:.2f} | {statistics.median(r.warm_s):.2f} | {min(r.warm_s):.2f} | "
                    f"{'; '.join(p[:80] for p in r.problems) or '—'} |")
    print(f"all districts, {args.year}, {db.name}")
    print("| page | server cold s | warm p50 s | warm min s | problems |")
    print("|---|---:|---:|---:|---|")
    print("\n".join(rows))
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
