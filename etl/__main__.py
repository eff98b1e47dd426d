"""Command line of the ETL (data contract §5).

    python -m etl load PATH... [--db FILE]     load files or folders
    python -m etl check PATH... [--db FILE]    validate only, write nothing
    python -m etl demo [--db FILE] [--out DIR] write the demo input files and load them
    python -m etl template FILE.xlsx           write the empty Excel template

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
    if args.command == "template":
        from etl.template import write_template
        path = Path(args.file)
        if path.suffix.lower() != ".xlsx":
            print("模板文件名应以 .xlsx 结尾", file=sys.stderr)
            return 2
        write_template(path)
        print(f"导入模板已写入：{path}")
        return 0
    return 2  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
