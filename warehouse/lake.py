"""The warehouse as a Parquet lake: hive-partitioned files that any engine reading Parquet
can query, and an in-memory DuckDB connection over them that the query layer uses exactly
as it uses the warehouse file (issue 10; ``docs/scaling.md`` for the path beyond one machine).

Layout of a lake directory::

    _lake.json                                  relations, their columns and SQL types, source
    activities/year=2023/district=清江浦区/data_0.parquet
    towns/district=清江浦区/data_0.parquet
    enterprise_opinions/data_0.parquet          (no year, no district: one file)

Relations with a ``year`` and a ``district`` are partitioned by both, those with only a
``district`` by it; the rest are single files. The partition columns are also kept inside
the files (``WRITE_PARTITION_COLUMNS``) so their types survive any reader; the views of
:func:`connect_lake` cast every column back to the warehouse's type, in the warehouse's
column order, so every query of ``warehouse/queries`` returns the same result on either.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

MANIFEST = "_lake.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class LakeReport:
    out: Path
    relations: dict[str, int]  # name -> rows
    files: int
    bytes: int
    seconds: float


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_path(p: Path) -> str:
    # Paths come from the operator's command line or configuration, never from a user of
    # the app; DuckDB's COPY/read_parquet take them as literals, not parameters.
    return "'" + str(p).replace("'", "''") + "'"


def _relations(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_catalog, table_schema, table_name) "
        "WHERE t.table_type = 'BASE TABLE' AND c.table_schema = 'main' AND c.table_catalog = current_database() "
        "ORDER BY c.table_name, c.ordinal_position").fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, []).append((column, dtype))
    return out


def partition_columns(columns: list[tuple[str, str]]) -> list[str]:
    names = {c for c, _ in columns}
    return [c for c in ("year", "district") if c in names]


def export_lake(db: Path, out: Path) -> LakeReport:
    """Write every relation of the warehouse ``db`` under ``out`` (replaced if it is a lake
    already; refused if it is some other non-empty directory)."""
    started = time.perf_counter()
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise FileExistsError(f"目标文件夹不为空，也不是数据湖：{out}")
    tmp = out.with_name(out.name + ".writing")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        relations = _relations(con)
        counts: dict[str, int] = {}
        manifest: dict[str, object] = {"format": FORMAT_VERSION, "source": str(db), "relations": {}}
        for table, columns in relations.items():
            parts = partition_columns(columns)
            target = tmp / table
            target.mkdir()
            counts[table] = int(con.execute(f"SELECT count(*) FROM {_quote_ident(table)}").fetchone()[0])
            if parts and counts[table]:
                con.execute(f"COPY (SELECT * FROM {_quote_ident(table)}) TO {_quote_path(target)} "
                            f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({', '.join(parts)}), "
                            "WRITE_PARTITION_COLUMNS true)")
            else:  # an empty relation still gets a file: its columns and types
                con.execute(f"COPY (SELECT * FROM {_quote_ident(table)}) TO {_quote_path(target / 'data_0.parquet')} "
                            "(FORMAT parquet, COMPRESSION zstd)")
                parts = []
            manifest["relations"][table] = {  # type: ignore[index]
                "columns": [[c, t] for c, t in columns], "partition_by": parts, "rows": counts[table]}
    finally:
        con.close()
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    files = [p for p in out.rglob("*.parquet")]
    return LakeReport(out=out, relations=counts, files=len(files), bytes=sum(p.stat().st_size for p in files),
                      seconds=time.perf_counter() - started)


def read_manifest(lake: Path) -> dict:
    path = Path(lake) / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"不是数据湖（缺少 {MANIFEST}）：{lake}")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"数据湖格式版本 {manifest.get('format')} 不受支持（应为 {FORMAT_VERSION}）")
    return manifest


def attach_lake(con: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """Create one view per relation of the lake on ``con``, with the warehouse's names,
    column order and types; filters on ``year``/``district`` prune partitions."""
    lake = Path(lake).resolve()
    for table, spec in read_manifest(lake)["relations"].items():
        parts = spec["partition_by"]
        pattern = lake / table / ("**/*.parquet" if parts else "*.parquet")
        if parts:
            types = "{" + ", ".join(f"'{c}': {t}" for c, t in spec["columns"] if c in parts) + "}"
            source = f"read_parquet({_quote_path(pattern)}, hive_partitioning = true, hive_types = {types})"
        else:
            source = f"read_parquet({_quote_path(pattern)}, hive_partitioning = false)"
        cols = ", ".join(f"CAST({_quote_ident(c)} AS {t}) AS {_quote_ident(c)}" for c, t in spec["columns"])
        con.execute(f"CREATE OR REPLACE VIEW {_quote_ident(table)} AS SELECT {cols} FROM {source}")


def connect_lake(lake: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection whose relations are the lake's: pass it to any
    function of ``warehouse/queries`` in place of a warehouse connection."""
    con = duckdb.connect(":memory:")
    attach_lake(con, lake)
    return con
