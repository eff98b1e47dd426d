"""An enterprise opinion has no district of its own (the contract's columns): the load
stores its visit's district and town beside it (``_district``, ``_town``), keeps them
current when a visit moves, and the queries of one district narrow the opinions by them
(the other districts' row groups are skipped). A warehouse written before is read the
long way and is brought up to date by its next load."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load, verify
from tests.conftest import write_csv, write_xlsx
from warehouse.db import has_place_columns
from warehouse.filters import Filters
from warehouse.queries import common, enterprise, overview, towns

VISIT_HEADER = ["走访编号", "日期", "区", "镇街", "企业名称"]
OPINION_HEADER = ["意见编号", "走访编号", "来源", "类别", "办理状态", "办结日期"]


def _places(db: Path) -> dict[str, tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as c:
        return {r[0]: (r[1], r[2]) for r in c.execute(
            "SELECT opinion_id, _district, _town FROM enterprise_opinions ORDER BY 1").fetchall()}


def test_each_opinion_carries_its_visits_place_and_follows_a_moved_visit(tmp_path: Path):
    db = tmp_path / "wh.duckdb"
    first = write_xlsx(tmp_path / "in.xlsx", {
        "企业走访": [VISIT_HEADER,
                 ["V1", "2023-05-01", "清江浦区", "柳树湾街道", "甲公司"],
                 ["V2", "2023-05-02", "淮安区", "河下街道", "乙公司"]],
        "企业意见": [OPINION_HEADER,
                 ["O1", "V1", "企业", "营商环境", "已办结", "2023-06-01"],
                 ["O2", "V1", "代表", "用地", None, None],
                 ["O3", "V2", "企业", "融资信贷", None, None]],
    })
    assert load([first], db=db).exit_code == 0
    assert _places(db) == {"O1": ("清江浦区", "柳树湾街道"), "O2": ("清江浦区", "柳树湾街道"),
                           "O3": ("淮安区", "河下街道")}
    # A correction moves V1 to another town: its opinions move with it, the others stay.
    moved = write_csv(tmp_path / "企业走访.csv", [VISIT_HEADER, ["V1", "2023-05-01", "清江浦区", "和平镇", "甲公司"]])
    report = load([moved], db=db)
    assert report.exit_code == 0 and report.files[0].rows_changed == 1
    assert _places(db) == {"O1": ("清江浦区", "和平镇"), "O2": ("清江浦区", "和平镇"), "O3": ("淮安区", "河下街道")}
    with duckdb.connect(str(db), read_only=True) as c:
        assert verify(c) == []
        # The opinions of one district are found by their place, and are exactly its visits'.
        f = Filters(district="清江浦区", year=2023)
        assert enterprise.enterprise_headline(c, f)["opinions"] == 2
        assert enterprise.enterprise_headline(c, Filters(district="淮安区", year=2023))["opinions"] == 1


def test_verify_finds_an_opinion_whose_place_is_not_its_visits(tmp_path: Path):
    db = tmp_path / "wh.duckdb"
    src = write_xlsx(tmp_path / "in.xlsx", {
        "企业走访": [VISIT_HEADER, ["V1", "2023-05-01", "清江浦区", "柳树湾街道", "甲公司"]],
        "企业意见": [OPINION_HEADER, ["O1", "V1", "企业", "营商环境", None, None]],
    })
    assert load([src], db=db).exit_code == 0
    with duckdb.connect(str(db)) as c:
        c.execute("UPDATE enterprise_opinions SET _town = '别处'")
        assert verify(c) == ["enterprise_opinions: 1 rows whose _district/_town differ from their owner's"]


def _age(db: Path) -> None:
    """Make ``db`` look written before the opinions carried their place."""
    with duckdb.connect(str(db)) as c:
        c.execute("CREATE TABLE _x AS SELECT * EXCLUDE (_district, _town) FROM enterprise_opinions")
        c.execute("DROP TABLE enterprise_opinions")
        c.execute("ALTER TABLE _x RENAME TO enterprise_opinions")
        c.execute("CHECKPOINT")


def _answers(db: Path) -> dict[str, object]:
    """What the pages that read opinions show for one district-year (and two districts)."""
    with duckdb.connect(str(db), read_only=True) as c:
        as_of = common.data_as_of(c, "清江浦区")
        f = Filters(district="清江浦区", year=2023, as_of=as_of)
        town = towns.town_measures(c, f)["town"].iloc[0]
        return {
            "headline": enterprise.enterprise_headline(c, f),
            "by_status": enterprise.opinions_by_status(c, f),
            "by_town": enterprise.opinions_by_town(c, f),
            "list": enterprise.opinion_list(c, replace_records(f)),
            "kpis": overview.headline_kpis(c, f),
            "kpi_by_town": overview.kpi_by_town(c, f),
            "measures": towns.town_measures(c, f),
            "visits": towns.town_visits(c, replace_records(f), town),
            "compare": towns.district_comparison(c, Filters(year=2023), ("清江浦区", "淮安区")),
        }


def replace_records(f: Filters) -> Filters:
    return replace(f, records=True)


def _same(a: dict[str, object], b: dict[str, object]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], pd.DataFrame):
            pd.testing.assert_frame_equal(a[k], b[k], obj=k)
        else:
            assert a[k] == b[k], k


def test_an_older_warehouse_reads_the_same_and_its_next_load_brings_it_up_to_date(demo_db: Path, tmp_path: Path):
    new = demo_db
    old = tmp_path / "old.duckdb"
    shutil.copyfile(new, old)
    _age(old)
    with duckdb.connect(str(old), read_only=True) as c:
        assert not has_place_columns(c)
    with duckdb.connect(str(new), read_only=True) as c:
        assert has_place_columns(c)
    expected = _answers(new)
    assert expected["headline"]["opinions"] > 0 and len(expected["visits"]) > 0
    _same(_answers(old), expected)  # the long way: the same figures
    # The next load (here one unchanged town) adds the columns, placed and clustered.
    with duckdb.connect(str(old), read_only=True) as c:
        row = c.execute("SELECT town_type, town_code, villages, counted FROM towns "
                        "WHERE town = '柳树湾街道'").fetchone()
    src = write_csv(tmp_path / "镇街.csv", [["区", "镇街", "类型", "区划代码", "村居数", "纳入统计"],
                                            ["清江浦区", "柳树湾街道", row[0], row[1], row[2] if row[2] is not None else "",
                                             "是" if row[3] else "否"]])
    report = load([src], db=old)
    assert report.exit_code == 0 and report.files[0].rows_unchanged == 1
    with duckdb.connect(str(old), read_only=True) as c:
        assert has_place_columns(c) and verify(c) == []
        assert c.execute("SELECT count(*) FROM enterprise_opinions WHERE _district IS NULL").fetchone()[0] == 0
    _same(_answers(old), expected)
