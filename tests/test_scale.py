"""The synthetic national dataset (``python -m etl scale``, issue 10) loads through the normal
ETL with no rejected row, holds what the generator promises, and is deterministic.

One dataset of 20,000 activities (and the fixed 2,800 districts / 40,000 towns) is
generated and loaded once for the module; the load's cost is mostly the ETL's town lookups
for 40,000 towns, not the rows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from etl.__main__ import main
from etl.load import load
from etl.scale import DISTRICTS, TOWNS, file_name, generate, plan
from etl.spec import ENUMS, KINDS

N = 20_000


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    base = tmp_path_factory.mktemp("scale")
    result = generate(N, base / "input")
    report = load([base / "input"], base / "oversight.duckdb")
    con = duckdb.connect(str(base / "oversight.duckdb"), read_only=True)
    yield SimpleNamespace(base=base, result=result, report=report, con=con)
    con.close()


def one(s, sql: str):
    return s.con.execute(sql).fetchone()[0]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_plan_scales_with_the_activities_and_keeps_floors():
    big = plan(10**8)
    assert big["activities"] == 10**8
    assert big["deputies"] == 2_700_000
    assert big["towns"] == TOWNS and big["rollout_plan"] == 3 * DISTRICTS
    small = plan(N)
    assert small["deputies"] == TOWNS and small["stations"] == TOWNS  # one per town at least
    assert all(v >= 1 for v in plan(1).values())
    assert plan(1)["appraisals"] % 2 == 0  # one row per evaluator type


def test_one_parquet_file_per_kind_named_so_the_etl_knows_it(scaled):
    names = sorted(p.name for p in (scaled.base / "input").iterdir())
    assert names == sorted(file_name(k.name) for k in KINDS)
    assert scaled.result.rows == plan(N)


def test_every_row_is_loaded_none_rejected(scaled):
    report = scaled.report
    assert report.exit_code == 0
    assert report.rows_rejected == 0
    expected = plan(N)
    seen = set()
    for f in report.files:
        assert f.refused is None, f.refused
        assert f.messages == [], f.messages  # no unknown column, no skipped sheet
        [(_sheet, kind, rows)] = f.sheets
        seen.add(kind)
        assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (expected[kind], expected[kind], 0), kind
        assert rows == expected[kind]
    assert seen == {k.name for k in KINDS}
    assert one(scaled, "SELECT count(*) FROM etl_rejects") == 0


def test_the_warehouse_holds_the_promised_rows_per_kind(scaled):
    for kind, n in plan(N).items():
        # towns: the dataset's 40,000 include the 35 reference towns the warehouse is
        # seeded with (loaded as unchanged), so the relation holds exactly 40,000.
        assert one(scaled, f"SELECT count(*) FROM {kind}") == n, kind


def test_national_geography_2800_districts_40000_towns(scaled):
    assert one(scaled, "SELECT count(DISTINCT district) FROM towns") == DISTRICTS
    assert one(scaled, "SELECT count(*) FROM towns") == TOWNS
    assert one(scaled, "SELECT count(DISTINCT town) FROM towns") == TOWNS  # names unique nationally
    assert one(scaled, "SELECT count(DISTINCT town_code) FROM towns "
                       "WHERE regexp_full_match(town_code, '\\d{12}')") == TOWNS
    assert one(scaled, "SELECT count(DISTINCT town_type) FROM towns") == 3
    # Every district has towns, a sensible number of them, and a three-year rollout plan.
    lo, hi = scaled.con.execute(
        "SELECT min(n), max(n) FROM (SELECT district, count(*) AS n FROM towns GROUP BY 1)").fetchone()
    assert 1 <= lo and hi <= 40
    assert one(scaled, "SELECT count(DISTINCT district) FROM rollout_plan") == DISTRICTS
    assert one(scaled, "SELECT count(*) FROM rollout_plan r JOIN (SELECT district, count(*) FILTER "
                       "(WHERE counted) AS c FROM towns GROUP BY 1) t USING (district) "
                       "WHERE target_towns > t.c") == 0


def test_every_town_has_a_station_and_a_deputy_of_its_own(scaled):
    assert one(scaled, "SELECT count(*) FROM towns t WHERE NOT EXISTS "
                       "(SELECT 1 FROM deputies d WHERE d.district = t.district AND d.town = t.town)") == 0
    assert one(scaled, "SELECT count(*) FROM towns t WHERE NOT EXISTS "
                       "(SELECT 1 FROM stations s WHERE s.district = t.district AND s.town = t.town)") == 0
    # A deputy's station is in the deputy's town.
    assert one(scaled, "SELECT count(*) FROM deputies d JOIN stations s USING (station_id) "
                       "WHERE s.district <> d.district OR s.town <> d.town") == 0


def test_dates_fall_in_the_five_years(scaled):
    for k in KINDS:
        if k.main_date:
            lo, hi = scaled.con.execute(f"SELECT min(year), max(year) FROM {k.name}").fetchone()
            assert 2021 <= lo and hi <= 2025, k.name
    assert one(scaled, "SELECT count(*) FROM activities WHERE year IS NULL") == 0
    assert scaled.con.execute("SELECT min(year), max(year) FROM appraisals").fetchone() >= (2021, 2021)
    # Enumerations cover their values (the mix is not degenerate).
    assert one(scaled, "SELECT count(DISTINCT kind) FROM activities") == len(ENUMS["activity_kind"])
    assert one(scaled, "SELECT count(DISTINCT status) FROM micro_suggestions") == len(ENUMS["micro_status"])


def test_the_same_rows_give_byte_identical_files(scaled, tmp_path):
    again = generate(N, tmp_path / "again")
    assert again.rows == scaled.result.rows
    assert _digests(tmp_path / "again") == _digests(scaled.base / "input")
    generate(N, tmp_path / "seed1", seed=1)
    changed = {n for n, d in _digests(tmp_path / "seed1").items() if d != _digests(scaled.base / "input")[n]}
    assert file_name("activities") in changed


def test_cli_with_a_small_geography_loads_cleanly(tmp_path, capsys):
    out = tmp_path / "small"
    assert main(["scale", "--rows", "2e3", "--out", str(out), "--districts", "12", "--towns", "150",
                 "--seed", "7"]) == 0
    printed = capsys.readouterr().out
    assert "activities" in printed and "2,000" in printed
    report = load([out], tmp_path / "wh.duckdb")
    assert report.exit_code == 0 and report.rows_rejected == 0
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(DISTINCT district), count(*) FROM towns").fetchone() == (12, 150)
        assert con.execute("SELECT count(*) FROM activities").fetchone()[0] == 2000
        assert con.execute("SELECT count(*) FROM deputies").fetchone()[0] == 150
    finally:
        con.close()


def test_cli_refuses_bad_numbers(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["scale", "--rows", "0", "--out", str(tmp_path / "x")])
    assert e.value.code == 2
    assert main(["scale", "--rows", "10", "--out", str(tmp_path / "y"), "--districts", "2000",
                 "--towns", "100"]) == 2
    assert "无法生成" in capsys.readouterr().err
