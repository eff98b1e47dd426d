"""Command line of the ETL (data contract §5).

    python -m etl load PATH... [--db FILE]     load files or folders
    python -m etl check PATH... [--db FILE]    validate only, write nothing
    python -m etl demo [--db FILE] [--out DIR] write the demo input files and load them
    python -m etl template FILE.xlsx           write the empty Excel template
    python -m etl scale --rows N --out DIR     write a synthetic national dataset (Parquet)

Exit codes: 0 every row loaded; 1 some rows rejected (the good rows are loaded);
2 nothing could be loaded (unreadable file, unknown format, bad usage).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.load import LoadFailed, LoadReport, load
from warehouse.db import db_path

MAX_REJECTS_SHOWN = 20


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # bad usage is exit code 2, in plain words
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def progress_bar(fraction: float, label: str) -> None:
    """A one-line progress bar on stderr (only when stderr is a terminal)."""
    if not sys.stderr.isatty():
        return
    width = 30
    done = int(width * fraction)
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {fraction:4.0%} {label:<12}")
    if fraction >= 1:
        sys.stderr.write("\r" + " " * (width + 24) + "\r")
    sys.stderr.flush()


def format_report(report: LoadReport) -> str:
    lines = []
    head = "校验结果（未写入）" if report.dry_run else "导入结果"
    lines.append(f"{head}  数据仓库：{report.db}")
    for f in report.files:
        if f.refused:
            lines.append(f"  ✗ {f.file}：未导入 —— {f.refused}")
            continue
        mark = "✓" if f.rows_rejected == 0 else "!"
        lines.append(
            f"  {mark} {f.file}：读取 {f.rows_read} 行，导入 {f.rows_loaded} 行"
            f"（新增 {f.rows_new}，更新 {f.rows_changed}，未变 {f.rows_unchanged}），"
            f"拒绝 {f.rows_rejected} 行"
        )
        for m in f.messages:
            lines.append(f"      注意：{m}")
    if report.rows_rejected:
        lines.append("")
        lines.append(f"被拒绝的行（共 {report.rows_rejected} 行，显示前 {min(MAX_REJECTS_SHOWN, report.rows_rejected)} 行）：")
        for r in report.rejects.head(MAX_REJECTS_SHOWN).itertuples(index=False):
            where = f"{Path(r.file).name}" + (f"「{r.sheet}」" if isinstance(r.sheet, str) else "")
            lines.append(f"  {where} 第{r.row}行：{r.reason}")
        if not report.dry_run:
            lines.append("  全部被拒绝的行见数据仓库 etl_rejects 表（load_id = "
                         f"{report.load_id}）。")
    lines.append("")
    total = (f"合计：读取 {report.rows_read} 行，导入 {report.rows_loaded} 行，"
             f"拒绝 {report.rows_rejected} 行。")
    if report.dry_run:
        total += "（仅校验，未写入数据仓库）"
    elif not report.written:
        total += "数据仓库未改变。"
    lines.append(total)
    return "\n".join(lines)


def _run_load(paths: list[str], db: str | None, dry_run: bool) -> int:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"找不到文件或文件夹：{'、'.join(missing)}", file=sys.stderr)
        return 2
    try:
        report = load(paths, db, dry_run=dry_run, progress=progress_bar)
    except LoadFailed as e:
        print(str(e), file=sys.stderr)
        return 2
    print(format_report(report))
    if not dry_run:
        _audit(report, paths, db)
    return report.exit_code


def _audit(report, paths: list[str], db: str | None) -> None:
    """The load in the audit log (beside the warehouse it went into), as the OS user."""
    import getpass
    import os

    from auth import audit

    if db and not os.environ.get("OVERSIGHT_STATE_DIR"):
        os.environ["OVERSIGHT_STATE_DIR"] = str(Path(db).resolve().parent / "state")
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        who = "cli"
    audit.record("load", f"cli:{who}", {"load_id": report.load_id, "paths": paths, "written": bool(report.written),
                                        "rows_read": report.rows_read, "rows_loaded": report.rows_loaded,
                                        "rows_rejected": report.rows_rejected})


def _count(text: str) -> int:
    """A whole number, also written as 1e6 or 1_000_000."""
    try:
        value = float(text.replace("_", "")) if "e" in text.lower() else int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是整数 · not a whole number: {text}") from None
    if value != int(value) or value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数 · must be a positive whole number: {text}")
    return int(value)


def _run_scale(args) -> int:
    from etl.scale import DISTRICTS, TOWNS, format_summary, generate

    def step(kind: str, rows: int, seconds: float) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r  {kind:<20} {rows:>14,} 行 rows {seconds:7.1f} 秒 s\n")
            sys.stderr.flush()

    try:
        result = generate(args.rows, Path(args.out), districts=args.districts or DISTRICTS,
                          towns=args.towns or TOWNS, seed=args.seed, progress=step)
    except ValueError as e:
        print(f"无法生成 · cannot generate: {e}", file=sys.stderr)
        return 2
    print(format_summary(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m etl", description="人大履职看板 数据导入")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p_load = sub.add_parser("load", help="导入文件或文件夹")
    p_load.add_argument("paths", nargs="+")
    p_load.add_argument("--db", help="数据仓库文件（默认 $OVERSIGHT_DB 或 warehouse/oversight.duckdb）")
    p_check = sub.add_parser("check", help="只校验，不写入")
    p_check.add_argument("paths", nargs="+")
    p_check.add_argument("--db")
    p_demo = sub.add_parser("demo", help="生成并导入演示数据")
    p_demo.add_argument("--db")
    p_demo.add_argument("--out", help="演示数据文件的输出文件夹")
    p_tpl = sub.add_parser("template", help="生成空白导入模板（.xlsx）")
    p_tpl.add_argument("file")
    p_scale = sub.add_parser("scale", help="生成模拟全国数据（Parquet），用于规模测试 · synthetic national dataset")
    p_scale.add_argument("--rows", required=True, type=_count,
                         help="活动行数 N（如 1000000 或 1e6），其他记录类型按比例生成 · activity rows")
    p_scale.add_argument("--out", required=True, help="输出文件夹 · output folder")
    p_scale.add_argument("--districts", type=_count, default=None, help="区数（默认 2800） · districts")
    p_scale.add_argument("--towns", type=_count, default=None, help="镇街数（默认 40000） · towns")
    p_scale.add_argument("--seed", type=int, default=0, help="随机种子（默认 0） · seed")
    p_lake = sub.add_parser("export-lake", help="把数据仓库导出为按年度、区分区的 Parquet 数据湖")
    p_lake.add_argument("dir")
    p_lake.add_argument("--db")
    args = parser.parse_args(argv)

    if args.command in ("load", "check"):
        return _run_load(args.paths, args.db, dry_run=args.command == "check")
    if args.command == "demo":
        from etl.demo import build_demo, default_out_dir
        db = db_path(args.db)
        out = Path(args.out) if args.out else default_out_dir(db)
        try:
            report = build_demo(db, out)
        except LoadFailed as e:
            print(str(e), file=sys.stderr)
            return 2
        print(f"演示数据文件已写入：{out}")
        print(format_report(report))
        return report.exit_code
    if args.command == "scale":
        return _run_scale(args)
    if args.command == "template":
        from etl.template import write_template
        path = Path(args.file)
        if path.suffix.lower() != ".xlsx":
            print("模板文件名应以 .xlsx 结尾", file=sys.stderr)
            return 2
        write_template(path)
        print(f"导入模板已写入：{path}")
        return 0
    if args.command == "export-lake":
        return _export_lake(Path(args.dir), db_path(args.db))
    return 2  # pragma: no cover


def _export_lake(out: Path, db: Path) -> int:
    from warehouse.lake import export_lake

    if not db.exists():
        print(f"找不到数据仓库：{db}", file=sys.stderr)
        return 2
    try:
        report = export_lake(db, out)
    except (FileExistsError, OSError) as e:
        print(f"导出失败：{e}", file=sys.stderr)
        return 2
    rows = sum(report.relations.values())
    print(f"数据湖已写入：{report.out}（{len(report.relations)} 张表，{rows:,} 行，{report.files} 个文件，"
          f"{report.bytes / 1e6:.1f} MB，{report.seconds:.1f} 秒）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
