"""Command line of the reports, usable in a scheduled job.

    python -m reports summary --district 清江浦区 --year 2023 [--db FILE]
        prints the written summary (工作总结) of the district-year
    python -m reports pack --district 清江浦区 --year 2023 --out FILE [--db FILE]
        writes the evaluation pack; the extension of FILE picks the format
        (.pptx PowerPoint, .pdf PDF, .xlsx Excel)

The figures are those of the warehouse (``--db``, else ``$OVERSIGHT_DB``, else the
default), up to its 数据截至 for the district. Exit codes: 0 done; 1 the pack could not be
written; 2 bad usage (unknown district or year, unknown extension).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reports import FORMATS, write_pack
from warehouse.db import connect_snapshot, db_path
from warehouse.filters import Filters
from warehouse.queries import common


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # bad usage is exit code 2, in plain words
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _filters(con, district: str, year: int) -> Filters:
    districts = common.districts(con)
    if district not in districts:
        raise SystemExit(_usage(f"数据仓库中没有“{district}”。可选：{'、'.join(districts) or '（无）'}"))
    years = common.years(con)
    if year not in years:
        shown = "、".join(str(y) for y in sorted(years)) or "（无）"
        raise SystemExit(_usage(f"数据仓库中没有{year}年的记录。可选：{shown}"))
    return Filters(district=district, year=year, as_of=common.data_as_of(con, district))


def _usage(msg: str) -> int:
    print(f"用法错误：{msg}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    p = _Parser(prog="python -m reports", description="工作总结与汇报材料")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, help_ in (("summary", "打印工作总结"), ("pack", "生成汇报材料（.pptx/.pdf/.xlsx）")):
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--district", required=True, help="区，如 清江浦区")
        sp.add_argument("--year", required=True, type=int, help="年度，如 2023")
        sp.add_argument("--db", help="数据仓库文件（默认 $OVERSIGHT_DB 或 warehouse/oversight.duckdb）")
        if name == "pack":
            sp.add_argument("--out", required=True, help="输出文件，扩展名决定格式：.pptx / .pdf / .xlsx")
    args = p.parse_args(argv)

    db = db_path(args.db)
    if not db.exists():
        return _usage(f"找不到数据仓库文件 {db}")
    out = Path(args.out) if args.cmd == "pack" else None
    if out is not None and out.suffix.lower() not in FORMATS:
        return _usage(f"不支持的扩展名“{out.suffix}”：请用 .pptx、.pdf 或 .xlsx")
    con = connect_snapshot(db)
    try:
        try:
            f = _filters(con, args.district, args.year)
        except SystemExit as e:
            return int(e.code or 2)
        if args.cmd == "summary":
            from reports.summary import summary_text

            print(summary_text(con, f))
            return 0
        from reports.pack import build_deck

        t0 = time.perf_counter()
        deck = build_deck(con, f)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        try:
            with open(tmp, "wb") as fh:
                write_pack(deck, fh, out.suffix.lower())
            tmp.replace(out)  # a reader never sees half a file
        except Exception as e:  # noqa: BLE001 - reported in words, exit code 1
            tmp.unlink(missing_ok=True)
            print(f"生成失败：{type(e).__name__}: {e}", file=sys.stderr)
            return 1
        took = time.perf_counter() - t0
        print(f"已生成 {FORMATS[out.suffix.lower()]}：{out}（{len(deck.slides)} 页，用时 {took:.1f} 秒）")
        return 0
    finally:
        con.close()


if __name__ == "__main__":
    sys.exit(main())
