"""Loading files into the warehouse: all-or-nothing, every row accounted for.

How a load runs (:func:`load`):

1. Every file is read into string tables (``etl/read.py``); a file that cannot be read is
   *refused* as a whole, with the reason recorded.
2. Under a writer lock, the live warehouse is copied to ``<db>.building`` (or a new one is
   created there, seeded with the shipped township units). Nothing touches the live file.
3. In one transaction on the copy, kinds are applied in dependency order (towns, stations,
   deputies, then the rest; opinions after visits). Per kind, one SQL statement types and
   checks every row (``etl/normalize.py``); references, duplicates within the load and
   date order are checked in SQL; rejected rows go to ``etl_rejects``; good rows replace
   records with the same key. A reload of an unchanged record leaves it untouched, so
   loading the same file twice changes no record.
4. The copy is checkpointed, closed and verified (keys unique, references whole, the
   accounting identity ``rows_read = rows_loaded + rows_rejected`` per file). Only then is
   the live file hard-linked to ``<db>.prev`` (the last-known-good copy) and the new file
   swapped in with ``os.replace`` — atomic, so a reader sees the old file or the new one,
   never a half load, and never waits on a lock (readers open read-only).

Any failure before the swap deletes the copy and leaves the live file byte-for-byte as it
was. ``dry_run`` (``etl check``) does everything but the swap.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import logging
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from etl.normalize import SEP, clean_column, enum_lookup_rows, hash_sql, lit, macros_sql, stage_sql
from etl.read import Sheet, SourceFile, expand_paths, read_source
from etl.spec import KIND_BY_NAME, KINDS, PLACE_COLUMNS, PLACED_BY, Kind
from warehouse.db import create_schema, db_path, last_good_path

if TYPE_CHECKING:  # (pandas is imported when a report's rejects are asked for: ~0.5 s of every CLI load)
    import pandas as pd

REFERENCE_TOWNS = Path(__file__).resolve().parent / "reference" / "towns.csv"
FAIL_ENV = "OVERSIGHT_ETL_FAIL_AT"  # test hook: name of a stage at which to fail on purpose
KILL_ENV = "OVERSIGHT_TEST_KILL_AT"  # test hook: name of a step at which the process SIGKILLs itself
log = logging.getLogger("oversight.etl")
TOWN_SUFFIXES = ("街道办事处", "街道", "办事处", "镇", "乡")

Progress = Callable[[float, str], None]


class LoadFailed(Exception):
    """The load could not be completed; the warehouse is unchanged."""


@dataclass
class FileReport:
    file: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_new: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    refused: str | None = None
    messages: list[str] = field(default_factory=list)
    sheets: list[tuple[str | None, str, int]] = field(default_factory=list)  # sheet, kind, rows
    encoding: str | None = None

    @property
    def status(self) -> str:
        if self.refused:
            return "refused"
        if self.rows_rejected == 0:
            return "loaded"
        return "partial" if self.rows_loaded else "rejected"


REJECT_COLUMNS = ("file", "sheet", "row", "kind", "column", "value", "reason")


@dataclass
class LoadReport:
    db: Path
    load_id: int | None
    files: list[FileReport]
    reject_table: pa.Table | None = field(default=None, repr=False)  # REJECT_COLUMNS, as etl_rejects holds them
    dry_run: bool = False
    written: bool = False

    @functools.cached_property
    def rejects(self) -> pd.DataFrame:
        """The load's rejected rows, columns :data:`REJECT_COLUMNS` — the frame DuckDB's
        ``df()`` gives for them (text columns ``str``, or ``object`` when all empty; ``row``
        ``int64``, or ``Int64`` with a row-less reject)."""
        return rejects_frame(self.reject_table)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def exit_code(self) -> int:
        """0: every row loaded; 1: some rows or files rejected; 2: nothing could be loaded."""
        if not self.files or all(f.refused for f in self.files):
            return 2
        if any(f.refused or f.rows_rejected or _sheet_failures(f) for f in self.files):
            return 1
        return 0


def rejects_frame(table: pa.Table | None) -> pd.DataFrame:
    """:attr:`LoadReport.rejects` of ``table`` (None: no rejects)."""
    import numpy as np
    import pandas as pd

    data: dict[str, object] = {}
    for name in REJECT_COLUMNS:
        col = table.column(name) if table is not None else None
        if name == "row":
            if col is None or col.null_count == 0:
                data[name] = np.array([] if col is None else col.to_numpy(), dtype="int64")
            else:
                data[name] = pd.array(col.to_pylist(), dtype="Int64")
        elif col is None or col.null_count == len(col):  # (DuckDB gives an all-empty text column as objects)
            data[name] = np.full(0 if col is None else len(col), None, dtype=object)
        else:
            data[name] = col.to_pandas()
    return pd.DataFrame(data)


def _sheet_failures(f: FileReport) -> bool:
    return any("整张表未导入" in m for m in f.messages)


def _kill_point(step: str) -> None:
    """Crash-safety tests (``tests/test_crash_safety.py``) set ``$OVERSIGHT_TEST_KILL_AT`` to
    a step name to die there as ``kill -9`` would; inert unless the variable is set."""
    if os.environ.get(KILL_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _maybe_fail(stage: str, fail_at: str | None) -> None:
    _kill_point(stage)
    target = fail_at or os.environ.get(FAIL_ENV)
    if target and target == stage:
        raise RuntimeError(f"injected failure at {stage}")


@contextlib.contextmanager
def writer_lock(db: Path) -> Iterator[None]:
    """One load at a time per warehouse (readers are never locked)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db.with_name(db.name + ".lock")
    with open(lock_path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --------------------------------------------------------------------------------------
# Lookups built from the towns relation of the warehouse being built
# --------------------------------------------------------------------------------------


def _short_town_sql(col: str) -> str:
    """SQL: the town name without its first matching suffix (街道, 镇 …), as long as one
    character or more is left before it; NULL when no suffix applies."""
    whens = " ".join(
        f"WHEN ends_with({col}, {lit(suf)}) AND length({col}) > {len(suf) + 1} "
        f"THEN left({col}, length({col}) - {len(suf)})" for suf in TOWN_SUFFIXES)
    return f"CASE {whens} END"


def _build_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Every spelling a file may use for a district or town, folded by ``etl_key`` (the
    same macro the stage SQL applies to the file's cells): the full name, the name
    without 区/县/市 or without 街道/镇…, and the 12-digit town code. A spelling two towns
    of one district share is ambiguous and left out (the row is then rejected).

    Built in SQL: the Python loop over 40,000 national towns took 1–2 s of every load."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _district_lookup AS "
        "WITH d AS (SELECT DISTINCT district FROM towns), a AS ("
        "SELECT district, etl_key(district) AS alias, 0 AS short FROM d UNION ALL "
        "SELECT district, etl_key(left(district, length(district) - 1)), 1 FROM d "
        "WHERE length(district) > 1 AND right(district, 1) IN ('区', '县', '市')) "
        # a short name that is another district's full name belongs to that district
        "SELECT alias, arg_min(district, (short, district)) AS district FROM a "
        "WHERE alias IS NOT NULL GROUP BY alias"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _town_lookup AS "
        "WITH a AS ("
        "SELECT district, town, etl_key(town) AS alias FROM towns UNION ALL "
        f"SELECT district, town, etl_key({_short_town_sql('town')}) FROM towns UNION ALL "
        "SELECT district, town, etl_key(town_code) FROM towns WHERE town_code <> '') "
        "SELECT district, alias, any_value(town) AS town FROM a WHERE alias IS NOT NULL "
        "GROUP BY district, alias HAVING count(DISTINCT town) = 1"
    )


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert Python rows (text columns) into a table in one statement."""
    arrow = pa.table({c: pa.array([r[i] for r in rows], type=pa.string()) for i, c in enumerate(columns)})
    name = f"_rows_{table.strip('_')}"
    con.register(name, arrow)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM {name}")
    finally:
        con.unregister(name)


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    for m in macros_sql():
        con.execute(m)
    con.execute("CREATE OR REPLACE TEMP TABLE _enum_lookup (enum VARCHAR, alias VARCHAR, code VARCHAR)")
    _insert_rows(con, "_enum_lookup", ["enum", "alias", "code"], list(enum_lookup_rows()))


# --------------------------------------------------------------------------------------
# Applying one kind
# --------------------------------------------------------------------------------------

_SEQ = "(CAST(_src AS BIGINT) * 10000000000 + _row)"


def _key_labels(kind: Kind) -> str:
    return "+".join(kind.column(c).label for c in kind.key)


def _raw_schema(kind: Kind) -> pa.Schema:
    """The columns of ``raw_in``: every column of the kind as text, the row number, the sheet."""
    return pa.schema([*(pa.field(c.id, pa.string()) for c in kind.columns),
                      pa.field("_row", pa.int64()), pa.field("_src", pa.int32())])


STAGE_SLICE_ROWS = 1 << 18


def _raw_reader(kind: Kind, sheets: list[tuple[int, Sheet]]) -> pa.RecordBatchReader:
    """The kind's rows (with ``_src``) as one stream: a sheet at a time, a Parquet file a
    batch at a time, each batch built only when DuckDB asks for it; every cell trimmed
    (:func:`etl.normalize.clean_column`)."""
    schema = _raw_schema(kind)

    def batches() -> Iterator[pa.RecordBatch]:
        for sid, sheet in sheets:
            for table in sheet.tables():
                table = table.append_column("_src", pa.repeat(pa.scalar(sid, pa.int32()), table.num_rows))
                table = table.select(schema.names).cast(schema)
                # (trimmed a slice at a time: a trimmed column is a new copy of its text, and a
                # CSV's sheet is the whole file)
                for start in range(0, table.num_rows, STAGE_SLICE_ROWS):
                    part = table.slice(start, STAGE_SLICE_ROWS)
                    for i in range(len(kind.columns)):
                        part = part.set_column(i, schema.field(i), clean_column(part.column(i)))
                    yield from part.to_batches()

    return pa.RecordBatchReader.from_batches(schema, batches())


def _stage(con: duckdb.DuckDBPyConnection, kind: Kind, sheets: list[tuple[int, Sheet]]) -> None:
    """``stg``: every row of the kind's sheets, cleaned, typed and checked (``stage_sql``)
    in one statement that streams the rows in, so that only DuckDB (which spills to disk
    under its memory limit) ever holds the whole of a large load.

    One stream, not a registered table per batch: inside the load's transaction a table
    registered and unregistered again stays alive until the commit (the catalog keeps the
    dropped view), so a batch at a time held every batch in memory — 13 GiB and rising at
    10^8 rows.

    A stream's length is unknown to the planner, which guesses one row and would build its
    hash joins on the stream instead of on the small lookups (1.9 GB of hash table, spilled,
    for 10^7 rows: staging twice as slow). The statement is written with the rows as the
    probe side of every join, so join reordering is switched off for it."""
    con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    con.register("raw_in", _raw_reader(kind, sheets))
    try:
        con.execute(stage_sql(kind))
    finally:
        con.unregister("raw_in")
        con.execute("RESET disabled_optimizers")


def _apply_kind(con: duckdb.DuckDBPyConnection, kind: Kind, sheets: list[tuple[int, Sheet]], load_id: int,
                fail_at: str | None) -> dict[int, dict[str, int]]:
    """Stage, check and write one kind's rows; per sheet (``_src``) the rows read, rejected,
    new, changed and unchanged."""
    _stage(con, kind, sheets)
    # References: a row that names a record that does not exist (or was rejected).
    for ref in kind.refs:
        col = kind.column(ref.column)
        target = KIND_BY_NAME[ref.kind]
        con.execute(
            f"UPDATE stg SET _reason = {lit('「' + col.label + '」')} || r_{col.id} || "
            f"{lit('在' + target.label + '记录中找不到（该记录可能未导入，或本身被拒绝）')}, "
            f"_column = {lit(col.label)}, _value = r_{col.id} "
            f"WHERE _reason IS NULL AND {col.id} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {target.name} t WHERE t.{ref.target} = stg.{col.id})"
        )
    # Duplicates within this load: an exact copy of an earlier row is 重复行; rows with
    # the same key and different content are all 编号重复.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _dup AS "
        f"SELECT _key, count(DISTINCT _hash) AS nh, min({_SEQ}) AS first_seq, "
        f"arg_min(s.label || '第' || _row || '行', {_SEQ}) AS first_loc, "
        f"array_to_string(list_slice(list(s.label || '第' || _row || '行' ORDER BY {_SEQ}), 1, 6), '、') "
        "|| CASE WHEN count(*) > 6 THEN '等' || count(*) || '处' ELSE '' END AS locs "
        "FROM stg JOIN _src_info s USING (_src) WHERE _reason IS NULL AND _key IN "
        # the keys seen twice, found first: the locations are then built for those only
        "(SELECT _key FROM stg WHERE _reason IS NULL GROUP BY _key HAVING count(*) > 1) GROUP BY _key"
    )
    key_value = f"regexp_replace(replace(stg._key, {lit(SEP)}, ' / '), '^(id|auto) / ', '')"
    con.execute(
        "UPDATE stg SET "
        "_reason = CASE WHEN d.nh > 1 THEN "
        f"{lit('编号重复：「' + _key_labels(kind) + '」相同而内容不同的行在本次导入中出现多次（')} "
        f"|| d.locs || {lit('），无法判断以哪一行为准，请核对后只保留一行')} "
        f"ELSE {lit('重复行：与')} || d.first_loc || {lit('完全相同，已按一行导入')} END, "
        f"_column = {lit(_key_labels(kind))}, _value = {key_value} "
        f"FROM _dup d WHERE stg._key = d._key AND stg._reason IS NULL "
        f"AND (d.nh > 1 OR {_SEQ.replace('_src', 'stg._src').replace('_row', 'stg._row')} <> d.first_seq)"
    )
    _maybe_fail(f"validated:{kind.name}", fail_at)
    con.execute(
        "INSERT INTO etl_rejects SELECT $load_id, s.file, s.sheet, stg._row, $kind, "
        "stg._column, stg._value, stg._reason FROM stg JOIN _src_info s USING (_src) "
        "WHERE stg._reason IS NOT NULL ORDER BY stg._src, stg._row",
        {"load_id": load_id, "kind": kind.name},
    )
    # New, changed or unchanged against the warehouse. Into a relation still empty (a first,
    # often national, load) every good row is new: the rows are inserted from stg itself,
    # without the split (a copy of the whole load: 6.5 s of a 10^7-row load).
    first = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {kind.name} LIMIT 1)").fetchone()[0] == 0
    if first:
        counts = _count(con, split=False)
        source, keep = "stg", "g._reason IS NULL"
    else:
        con.execute(
            # (only what the insert and the counts need: not the raw text, a second copy of the load)
            f"CREATE OR REPLACE TEMP TABLE _good AS SELECT {', '.join('stg.' + c for c in kind.output_columns)}, "
            "stg._key, stg._src, stg._row, "
            "CASE WHEN t._key IS NULL THEN 'new' WHEN t._h = stg._hash THEN 'same' ELSE 'changed' END AS _status "
            f"FROM stg LEFT JOIN (SELECT _key, {hash_sql(kind)} AS _h FROM {kind.name} "
            "WHERE _key IN (SELECT _key FROM stg WHERE _reason IS NULL)) t ON t._key = stg._key "
            "WHERE stg._reason IS NULL"
        )
        counts = _count(con)
        # stg is done with: dropped before the sort of the insert, which may spill as much again
        # (a national load's staged rows and that sort do not both need the disk at once).
        con.execute("DROP TABLE stg")
        con.execute(f"DELETE FROM {kind.name} WHERE _key IN (SELECT _key FROM _good WHERE _status = 'changed')")
        source, keep = "_good", "g._status <> 'same'"
    cols = kind.output_columns
    col_list = ", ".join(cols)
    sel = ", ".join(f"g.{c}" for c in cols)
    # Rows are stored clustered by district, town and date (then in file order): the
    # pages filter by district and period, and DuckDB skips every row group whose min/max
    # of those columns lies outside the filter — at national scale a district's query
    # reads a few row groups instead of the whole relation.
    cluster = [f"g.{c}" for c in ("district", "town") if c in cols]
    if kind.main_date:
        cluster.append(f"g.{kind.main_date}")
    place_cols, place_sel, place_join = "", "", ""
    if kind.name in PLACED_BY:  # an opinion stored with (and clustered by) its visit's place
        owner, ref = PLACED_BY[kind.name]
        place_cols = ", " + ", ".join(PLACE_COLUMNS)
        place_sel = ", p.district, p.town"
        place_join = f"LEFT JOIN {owner} p ON p.{ref} = g.{ref} "
        cluster = ["p.district", "p.town", f"p.{KIND_BY_NAME[owner].main_date}", *cluster]
    order = ", ".join([*cluster, "g._src", "g._row"])
    con.execute(
        f"INSERT INTO {kind.name} ({col_list}, _key, _load_id, _file, _sheet, _row{place_cols}) "
        f"SELECT {sel}, g._key, $load_id, s.file, s.sheet, g._row{place_sel} "
        f"FROM {source} g JOIN _src_info s USING (_src) {place_join}WHERE {keep} ORDER BY {order}",
        {"load_id": load_id},
    )
    con.execute(f"DROP TABLE {source}")
    _maybe_fail(f"applied:{kind.name}", fail_at)
    return counts


def summary_sql() -> str:
    """The rows of ``etl_summary``: per kind with dates or years, district and year, the
    records and the latest of their dates (opinions take their visit's district)."""
    parts = []
    for k in KINDS:
        dates = [c.id for c in k.columns if c.type == "date"]
        has_year = "year" in k.output_columns
        if not dates and not has_year:
            continue
        if k.name == "enterprise_opinions":
            src, alias, district = "enterprise_opinions o JOIN enterprise_visits v USING (visit_id)", "o.", "v.district"
        else:
            src, alias, district = k.name, "", "district"
        latest = f"greatest({', '.join(f'max({alias}{d})' for d in dates)})" if dates else "CAST(NULL AS DATE)"
        year = f"CAST({alias}year AS INTEGER)" if has_year else "CAST(NULL AS INTEGER)"
        parts.append(f"SELECT {lit(k.name)} AS kind, {district} AS district, {year} AS year, {latest} AS latest, "
                     f"count(*) AS records FROM {src} GROUP BY ALL")
    return " UNION ALL ".join(parts)


# The rollup of activities per town, year and kind (sorted, so that a district's rows are a
# few row groups that DuckDB finds by their min/max).
ROLLUP_SQL = """
INSERT INTO activity_rollup
SELECT district, town, year, kind, count(*) AS records, sum(participants) AS participants
FROM activities GROUP BY ALL ORDER BY district, town, year, kind
"""


def summarise(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild ``etl_summary`` and ``activity_rollup`` from the records as they now stand."""
    create_schema(con)  # (idempotent: adds them to a warehouse written before them)
    con.execute("DELETE FROM etl_summary")
    con.execute(f"INSERT INTO etl_summary {summary_sql()}")
    con.execute("DELETE FROM activity_rollup")
    con.execute(ROLLUP_SQL)


def _count(con: duckdb.DuckDBPyConnection, split: bool = True) -> dict[int, dict[str, int]]:
    """Per sheet (``_src``): rows read and rejected (``stg``), and new / changed / same
    (``_good``; without the split, every row not rejected is new)."""
    out: dict[int, dict[str, int]] = {}
    for src, read, rejected in con.execute(
            "SELECT _src, count(*), count(_reason) FROM stg GROUP BY _src").fetchall():
        out.setdefault(src, {}).update(read=read, rejected=rejected)
        if not split and read > rejected:
            out[src]["new"] = read - rejected
    if not split:
        return out
    for src, status, n in con.execute(
            "SELECT _src, _status, count(*) FROM _good GROUP BY ALL").fetchall():
        out.setdefault(src, {})[status] = n
    return out


def _apply(con: duckdb.DuckDBPyConnection, sources: list[SourceFile], load_id: int,
           origin: str, loaded_by: str | None, fail_at: str | None,
           progress: Progress | None) -> list[FileReport]:
    reports = [FileReport(file=s.name, sha256=s.sha256, refused=s.refused,
                          messages=list(s.messages), encoding=s.encoding) for s in sources]
    # Number every sheet of every file; rows carry that number as _src.
    src_rows: list[tuple[int, str, str | None, str]] = []
    by_kind: dict[str, list[tuple[int, Sheet]]] = {}
    owner: dict[int, int] = {}
    for fi, s in enumerate(sources):
        for sh in s.sheets:
            sid = len(src_rows)
            label = f"「{sh.sheet}」" if sh.sheet else f"「{Path(s.name).name}」"
            src_rows.append((sid, s.name, sh.sheet, label))
            owner[sid] = fi
            by_kind.setdefault(sh.kind.name, []).append((sid, sh))
            reports[fi].sheets.append((sh.sheet, sh.kind.name, sh.rows))
            if sh.unknown_columns:
                where = f"工作表「{sh.sheet}」" if sh.sheet else "文件"
                reports[fi].messages.append(
                    f"{where}中未识别的列未导入：{'、'.join(sh.unknown_columns)}")
    create_schema(con)  # (idempotent: brings a warehouse written by an earlier version up to date)
    con.execute("CREATE OR REPLACE TEMP TABLE _src_info (_src INTEGER, file VARCHAR, sheet VARCHAR, label VARCHAR)")
    if src_rows:
        con.executemany("INSERT INTO _src_info VALUES (?, ?, ?, ?)", src_rows)
    kinds = [k for k in KINDS if k.name in by_kind]
    lookups_built = False
    for i, kind in enumerate(kinds):
        if progress:
            progress(i / max(len(kinds), 1), kind.label)
        if kind.name != "towns" and not lookups_built:
            _build_lookups(con)
            lookups_built = True
        for sid, c in _apply_kind(con, kind, by_kind[kind.name], load_id, fail_at).items():
            r = reports[owner[sid]]
            r.rows_read += c.get("read", 0)
            r.rows_rejected += c.get("rejected", 0)
            r.rows_new += c.get("new", 0)
            r.rows_changed += c.get("changed", 0)
            r.rows_unchanged += c.get("same", 0)
    place_records(con)
    summarise(con)
    now = dt.datetime.now().replace(microsecond=0)
    rows = []
    for r in reports:
        r.rows_loaded = r.rows_read - r.rows_rejected
        notes = "；".join(([r.refused] if r.refused else []) + r.messages) or None
        rows.append((load_id, r.file, r.sha256 or None, now, r.rows_read, r.rows_loaded,
                     r.rows_rejected, r.status, r.rows_new, r.rows_changed, r.rows_unchanged,
                     origin, loaded_by, notes))
    if rows:
        con.executemany(
            "INSERT INTO etl_loads (load_id, file, sha256, loaded_at, rows_read, rows_loaded, "
            "rows_rejected, status, rows_new, rows_changed, rows_unchanged, origin, loaded_by, notes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    if origin == "user" and any(r.rows_loaded for r in reports):
        con.execute("DELETE FROM etl_meta WHERE key = 'has_user_data'")
        con.execute("INSERT INTO etl_meta VALUES ('has_user_data', 'true')")
    if progress:
        progress(1.0, "")
    return reports


# --------------------------------------------------------------------------------------
# Verification before the swap
# --------------------------------------------------------------------------------------


def _misplaced_sql(kind: str) -> str:
    owner, ref = PLACED_BY[kind]
    return (f"FROM {kind} r LEFT JOIN {owner} p ON p.{ref} = r.{ref} "
            "WHERE r._district IS DISTINCT FROM p.district OR r._town IS DISTINCT FROM p.town")


def place_records(con: duckdb.DuckDBPyConnection) -> int:
    """Give each placed record (an opinion) the place of the record it belongs to (its
    visit) where it differs: the rows just inserted have it already; a visit this load
    moved to another town moves its opinions. Returns how many rows were changed. Names
    come from the spec."""
    changed = 0
    for kind, (owner, ref) in PLACED_BY.items():
        n = con.execute(f"SELECT count(*) {_misplaced_sql(kind)}").fetchone()[0]
        if n:
            con.execute(
                f"UPDATE {kind} SET _district = p.district, _town = p.town FROM {owner} p "
                f"WHERE p.{ref} = {kind}.{ref} AND ({kind}._district IS DISTINCT FROM p.district "
                f"OR {kind}._town IS DISTINCT FROM p.town)")
            changed += n
    return changed


def verify(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Declared checks on a built warehouse: unique keys, whole references, accounting.
    Returns the failures (empty when all hold)."""
    problems = []
    for k in KINDS:
        dup = con.execute(f"SELECT count(*) - count(DISTINCT _key) FROM {k.name}").fetchone()[0]
        if dup:
            problems.append(f"{k.name}: {dup} duplicate keys")
        for ref in k.refs:
            orphans = con.execute(
                f"SELECT count(*) FROM {k.name} c WHERE c.{ref.column} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {ref.kind} t WHERE t.{ref.target} = c.{ref.column})").fetchone()[0]
            if orphans:
                problems.append(f"{k.name}.{ref.column}: {orphans} dangling references")
    for kind in PLACED_BY:
        wrong = con.execute(f"SELECT count(*) {_misplaced_sql(kind)}").fetchone()[0]
        if wrong:
            problems.append(f"{kind}: {wrong} rows whose _district/_town differ from their owner's")
    bad = con.execute("SELECT count(*) FROM etl_loads WHERE rows_read <> rows_loaded + rows_rejected").fetchone()[0]
    if bad:
        problems.append(f"etl_loads: {bad} rows break rows_read = rows_loaded + rows_rejected")
    return problems


# --------------------------------------------------------------------------------------
# The load
# --------------------------------------------------------------------------------------


def _fsync_dir(d: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(p: Path) -> None:
    for q in (p, p.with_name(p.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            q.unlink()


def _fold_wal(db: Path) -> None:
    """Write a write-ahead log left beside the live file (someone wrote to it directly and
    did not close cleanly) into the file itself, so that the swap below never has to move
    a file and its log as a pair (two names cannot be renamed at once). DuckDB's checkpoint
    is itself crash-safe: the log stays until the file holds its changes. When the file is
    in use (a reader has it open), the log is left and carried over by copying instead."""
    wal = db.with_name(db.name + ".wal")
    if not wal.exists():
        return
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as e:
        log.warning("could not fold %s into %s (%s); carrying it over instead", wal.name, db.name, e)
        return
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    _kill_point("wal_folded")


MEMORY_ENV = "OVERSIGHT_ETL_MEMORY"
DEFAULT_MEMORY = "2GB"


def memory_limit() -> str:
    """DuckDB's memory limit for a load (``$OVERSIGHT_ETL_MEMORY``, default 2GB): beyond it
    the staged rows and the sorts spill to a temporary folder beside the warehouse, so a
    national load runs in bounded memory instead of DuckDB's default of 80% of the machine."""
    return os.environ.get(MEMORY_ENV, "").strip() or DEFAULT_MEMORY


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM etl_loads").fetchone()[0])


def load(paths: list[Path] | list[str], db: Path | str | None = None, *, dry_run: bool = False,
         origin: str = "user", loaded_by: str | None = None,
         sources: list[SourceFile] | None = None, progress: Progress | None = None,
         fail_at: str | None = None) -> LoadReport:
    """Load files (or folders) into the warehouse; see the module docstring.

    ``sources`` may be given instead of paths (files already read, e.g. uploads).
    Raises :class:`LoadFailed` when the load cannot be completed; the warehouse is then
    unchanged.
    """
    db = db_path(db)
    if sources is None:
        sources = [read_source(p) for p in expand_paths([Path(p) for p in paths])]
    with writer_lock(db):
        tmp = db.with_name(db.name + ".building")
        _remove(tmp)
        _kill_point("locked")
        try:
            fresh = not db.exists()
            if not fresh:
                _fold_wal(db)
                shutil.copyfile(db, tmp)
                # A write-ahead log beside the live file (someone wrote to it directly)
                # holds committed changes: carry it over so the copy replays it.
                wal = db.with_name(db.name + ".wal")
                if wal.exists():
                    shutil.copyfile(wal, tmp.with_name(tmp.name + ".wal"))
            _kill_point("copied")
            con = duckdb.connect(str(tmp), config={"memory_limit": memory_limit()})
            try:
                # (DuckDB's own progress bar would scribble over the command line's report)
                con.execute("SET enable_progress_bar = false")
                _prepare(con)
                con.execute("BEGIN TRANSACTION")
                if fresh:
                    create_schema(con)
                    _apply(con, [read_source(REFERENCE_TOWNS, name="builtin:towns.csv")],
                           _next_load_id(con), "builtin", None, None, None)
                load_id = _next_load_id(con)
                reports = _apply(con, sources, load_id, origin, loaded_by, fail_at, progress)
                _maybe_fail("before_commit", fail_at)
                con.execute("COMMIT")
                _kill_point("committed")
                problems = verify(con)
                if problems:
                    raise LoadFailed("数据校验未通过：" + "; ".join(problems))
                with contextlib.closing(con.cursor()) as cur:  # (a relation: Arrow without a copy)
                    reject_table = cur.sql(
                        "SELECT file, sheet, \"row\", kind, \"column\", value, reason FROM etl_rejects "
                        "WHERE load_id = $id", params={"id": load_id}).to_arrow_table()
                con.execute("CHECKPOINT")
                _kill_point("checkpointed")
            finally:
                con.close()
            report = LoadReport(db=db, load_id=load_id, files=reports, reject_table=reject_table,
                                dry_run=dry_run)
            if dry_run or report.exit_code == 2:
                _remove(tmp)
                return report
            _maybe_fail("before_swap", fail_at)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            _kill_point("synced")
            if not fresh:
                prev = last_good_path(db)
                link_tmp = prev.with_name(prev.name + ".new")
                _remove(link_tmp)
                try:
                    os.link(db, link_tmp)
                except OSError:
                    shutil.copyfile(db, link_tmp)
                _kill_point("prev_linked")
                os.replace(link_tmp, prev)
                _kill_point("prev_replaced")
                # The old file's WAL (carried into the new file above) goes with the old
                # file: left beside the new one it would not match it.
                wal = db.with_name(db.name + ".wal")
                prev_wal = prev.with_name(prev.name + ".wal")
                if wal.exists():
                    os.replace(wal, prev_wal)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        prev_wal.unlink()
                _kill_point("wal_moved")
            os.replace(tmp, db)
            _kill_point("swapped")
            _fsync_dir(db.parent)
            report.written = True
            return report
        except LoadFailed:
            _remove(tmp)
            raise
        except Exception as e:
            _remove(tmp)
            raise LoadFailed(f"导入失败，数据仓库未改变：{type(e).__name__}: {e}") from e
