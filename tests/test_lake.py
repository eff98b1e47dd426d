"""The Parquet lake (issue 10): ``python -m etl export-lake`` writes the warehouse as
hive-partitioned Parquet, and every public query function of ``warehouse/queries`` returns
the same result on the lake (through :func:`warehouse.lake.connect_lake`) as on the
warehouse file — found by introspection, as in test_scope_queries, with each function's
extra arguments, for a district-year, a town, every year and no district. The evaluation
pack's model and the written summary are compared too."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from reports import pack, summary
from tests.test_scope_queries import DISTRICT, OWN, YEAR, assert_same, extra_args, public_query_functions, run
from warehouse.filters import Filters
from warehouse.lake import MANIFEST, connect_lake, export_lake, read_manifest
from warehouse.queries import common

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = public_query_functions()


@pytest.fixture(scope="module")
def lake(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lake") / "lake"
    done = subprocess.run([sys.executable, "-m", "etl", "export-lake", str(out), "--db", str(demo_db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def wh(demo_db: Path):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def lk(lake: Path):
    con = connect_lake(lake)
    yield con
    con.close()


def test_the_lake_is_hive_partitioned_by_year_and_district(lake: Path, wh) -> None:
    manifest = read_manifest(lake)
    rels = manifest["relations"]
    assert rels["activities"]["partition_by"] == ["year", "district"]
    assert rels["towns"]["partition_by"] == ["district"]
    assert rels["enterprise_opinions"]["partition_by"] == []
    dirs = {p.relative_to(lake / "activities").parts[:2] for p in (lake / "activities").rglob("*.parquet")}
    years = {r[0] for r in wh.execute("SELECT DISTINCT year FROM activities").fetchall()}
    districts = {r[0] for r in wh.execute("SELECT DISTINCT district FROM activities").fetchall()}
    assert {d[0] for d in dirs} == {f"year={y}" for y in years}
    assert {d[1].split("=", 1)[0] for d in dirs} == {"district"}
    assert len(dirs) == wh.execute("SELECT count(*) FROM (SELECT DISTINCT year, district FROM activities)").fetchone()[0]
    assert len(districts) == 2
    # Plain Parquet: any reader gets the rows (the partition columns are inside the files too).
    one = next((lake / "activities").rglob("*.parquet"))
    assert {"year", "district", "activity_id"} <= set(pq.read_schema(one).names)
    for table, spec in rels.items():
        assert spec["rows"] == wh.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table


def test_every_relation_equals_the_warehouse(wh, lk) -> None:
    tables = [r[0] for r in wh.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    assert len(tables) >= 14
    for t in tables:
        a = wh.execute(f'SELECT * FROM "{t}" ORDER BY ALL').df()
        b = lk.execute(f'SELECT * FROM "{t}" ORDER BY ALL').df()
        assert list(a.columns) == list(b.columns), t
        assert [str(x) for x in a.dtypes] == [str(x) for x in b.dtypes], t
        assert_same(a, b, t)


def _variants(as_of: dt.date) -> list[tuple[str, Filters]]:
    base = Filters(district=DISTRICT, year=YEAR, as_of=as_of)
    return [("district-year", base), ("town", base.with_towns((OWN,))), ("every year", base.with_year(None)),
            ("no district", Filters(year=YEAR, as_of=as_of))]


@pytest.mark.parametrize(("name", "fn"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_every_query_gives_the_same_result_on_the_lake(name: str, fn, wh, lk) -> None:
    as_of = common.data_as_of(wh, Filters(district=DISTRICT))
    assert as_of == common.data_as_of(lk.cursor(), Filters(district=DISTRICT))
    for label, f in _variants(as_of):
        for kwargs in extra_args(name, wh):
            where_ = f"{name}({kwargs}) [{label}]"
            # Each call on its own cursor, as the app's cache seam runs them (ui/data.py).
            try:
                a = run(fn, wh.cursor(), f, kwargs)
            except Exception as e:  # noqa: BLE001 - the same refusal is expected on the lake
                with pytest.raises(type(e)):
                    run(fn, lk.cursor(), f, kwargs)
                continue
            assert_same(a, run(fn, lk.cursor(), f, kwargs), where_)


def test_the_pack_and_the_summary_are_the_same_on_the_lake(wh, lk) -> None:
    as_of = common.data_as_of(wh, Filters(district=DISTRICT))
    f = Filters(district=DISTRICT, year=YEAR, as_of=as_of)
    text = summary.summary_text(wh, f)
    assert "全区共召开" in text and text == summary.summary_text(lk, f)
    deck_wh, deck_lk = pack.build_deck(wh, f), pack.build_deck(lk, f)
    assert len(deck_wh.slides) == len(deck_lk.slides) >= 9
    assert_same(deck_wh, deck_lk, "deck")


def test_export_replaces_a_lake_but_refuses_another_folder(demo_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "papers"
    other.mkdir()
    (other / "keep.txt").write_text("not a lake", encoding="utf-8")
    with pytest.raises(FileExistsError):
        export_lake(demo_db, other)
    assert (other / "keep.txt").read_text(encoding="utf-8") == "not a lake"
    out = tmp_path / "lake"
    first = export_lake(demo_db, out)
    again = export_lake(demo_db, out)
    assert (out / MANIFEST).exists() and first.relations == again.relations
    assert not out.with_name("lake.writing").exists()
