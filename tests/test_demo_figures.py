"""The demo dataset gives the article's 2023 figures exactly, and has something to find.

One test per figure of the table in ``shared/spec/demo-dataset.md`` (#1..#16), then the
section "the rest". Every test queries the warehouse relations (named by kind, contract
column ids, enumerations as codes, towns as full names) built once per module by
:func:`etl.demo.build_demo`, i.e. the demo goes through the same ETL as real data.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.demo import AS_OF, build_demo, demo_frames, write_demo_files

QJP = "清江浦区"
HA = "淮安区"


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    db = base / "oversight.duckdb"
    report = build_demo(db, base / "input")
    con = duckdb.connect(str(db), read_only=True)
    yield SimpleNamespace(con=con, report=report, input=base / "input", base=base)
    con.close()


def q(wh, sql: str, params: dict | None = None) -> list[tuple]:
    return wh.con.execute(sql, params or {}).fetchall()


def one(wh, sql: str, params: dict | None = None):
    rows = q(wh, sql, params)
    assert len(rows) == 1, rows
    return rows[0] if len(rows[0]) > 1 else rows[0][0]


def counted_towns(wh, district: str) -> set[str]:
    return {r[0] for r in q(wh, "SELECT town FROM towns WHERE district = $d AND counted",
                            {"d": district})}


def test_demo_loads_without_rejects(wh):
    assert wh.report.exit_code == 0
    assert one(wh, "SELECT count(*) FROM etl_rejects") == 0


# ---------------------------------------------------------------------------------------
# The figures of the article (demo-dataset.md, table rows 1..16)
# ---------------------------------------------------------------------------------------

def test_fig01_qjp_counted_towns(wh):
    total, streets, towns = one(wh, """
        SELECT count(*), count(*) FILTER (WHERE town_type = 'STREET'),
               count(*) FILTER (WHERE town_type = 'TOWN')
        FROM towns WHERE district = '清江浦区' AND counted""")
    assert (total, streets, towns) == (16, 14, 2)


def test_fig02_qjp_2023_publicity_events(wh):
    n, n_towns = one(wh, """
        SELECT count(*), count(DISTINCT town) FROM activities
        WHERE district = '清江浦区' AND year = 2023 AND kind = 'PUBLICITY'""")
    assert n == 38
    assert n_towns == 16
    towns = {r[0] for r in q(wh, """SELECT DISTINCT town FROM activities
        WHERE district = '清江浦区' AND year = 2023 AND kind = 'PUBLICITY'""")}
    assert towns == counted_towns(wh, QJP)


def test_fig03_qjp_2023_publicity_participants(wh):
    assert one(wh, """
        SELECT sum(participants) FROM activities
        WHERE district = '清江浦区' AND year = 2023 AND kind = 'PUBLICITY'""") == 1236


def test_fig04_qjp_2023_congresses_and_councils(wh):
    rows = q(wh, """
        SELECT town, count(*) FROM activities
        WHERE district = '清江浦区' AND year = 2023 AND kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')
        GROUP BY town""")
    assert sum(n for _, n in rows) == 32
    assert {t for t, _ in rows} == counted_towns(wh, QJP)
    assert all(n == 2 for _, n in rows)


def test_fig05_qjp_2023_work_reviews(wh):
    rows = q(wh, """
        SELECT town, count(*) FROM activities
        WHERE district = '清江浦区' AND year = 2023 AND kind = 'WORK_REVIEW' GROUP BY town""")
    assert sum(n for _, n in rows) == 20
    assert {t for t, _ in rows} == counted_towns(wh, QJP)


def test_fig06_qjp_2023_deputy_voter_councils(wh):
    assert one(wh, """
        SELECT count(*) FROM activities
        WHERE district = '清江浦区' AND year = 2023 AND kind = 'DEPUTY_VOTER'""") == 24


def test_fig07_qjp_2023_enterprise_visits(wh):
    assert one(wh, """
        SELECT count(*), count(DISTINCT enterprise), count(*) FILTER (WHERE questionnaire)
        FROM enterprise_visits WHERE district = '清江浦区' AND year = 2023""") == (228, 228, 228)


def test_fig08_qjp_2023_deputy_person_times(wh):
    assert one(wh, """
        SELECT sum(province_deputies + city_deputies + district_deputies + town_deputies)
        FROM enterprise_visits WHERE district = '清江浦区' AND year = 2023""") == 428


def test_fig09_qjp_2023_enterprise_opinions_by_source(wh):
    rows = dict(q(wh, """
        SELECT o.source, count(*) FROM enterprise_opinions o
        JOIN enterprise_visits v ON v.visit_id = o.visit_id
        WHERE v.district = '清江浦区' AND v.year = 2023 GROUP BY o.source"""))
    assert rows == {"ENTERPRISE": 164, "DEPUTY": 83}


def test_fig10_qjp_2023_micro_suggestions_solved(wh):
    assert one(wh, """
        SELECT count(*) FROM micro_suggestions
        WHERE district = '清江浦区' AND status = 'CLOSED' AND outcome = 'SOLVED'
          AND year(closed_on) = 2023""") == 224


def test_fig11_qjp_practice_sites_of_2023(wh):
    rows = q(wh, """
        SELECT name, town, theme, screen, notice_board, studio, hall, education
        FROM practice_sites
        WHERE district = '清江浦区' AND started_on <= DATE '2023-12-31' ORDER BY name""")
    assert len(rows) == 4
    assert {(r[1], r[2]) for r in rows} == {
        ("柳树湾街道", "富强美高、代表同行"), ("柳树湾街道", "惠民生"),
        ("闸口街道", "爱心志愿服务"), ("城南街道", "基层治理")}
    by_theme = {r[2]: r for r in rows}
    assert "富强社区" in by_theme["富强美高、代表同行"][0]
    assert "朝阳社区" in by_theme["惠民生"][0]
    assert "花街社区" in by_theme["爱心志愿服务"][0]
    assert "城南街道" in by_theme["基层治理"][0]
    # 富强社区: 一块宣传屏、一个公示栏、一个代表工作室、一个议事厅、一个教育阵地
    assert by_theme["富强美高、代表同行"][3:] == (True, True, True, True, True)


def test_fig12_qjp_rollout_plan(wh):
    rows = q(wh, """SELECT year, phase, target_towns FROM rollout_plan
                    WHERE district = '清江浦区' ORDER BY year""")
    assert [(y, p) for y, p, _ in rows] == [(2024, "PILOT"), (2025, "DEEPEN"), (2026, "FULL")]
    assert rows[-1][2] == 16
    assert rows[0][2] < rows[1][2] < rows[2][2]


def test_fig13_ha_2023_stations_by_kind(wh):
    kinds = dict(q(wh, """
        SELECT kind, count(*) FROM stations
        WHERE district = '淮安区' AND opened_on <= DATE '2023-12-31' GROUP BY kind"""))
    assert kinds.get("HOME") == 16
    assert kinds.get("STATION") == 72
    assert kinds.get("POINT", 0) + kinds.get("STUDIO", 0) == 23


def test_fig14_ha_2023_stations_upgraded_to_practice_points(wh):
    names = [r[0] for r in q(wh, """
        SELECT name FROM stations WHERE district = '淮安区' AND year(upgraded_on) = 2023""")]
    assert len(names) == 5
    assert "恩来社区“海棠”代表联络站" in names
    assert "张兴村共同富裕代表联络站" in names


def test_fig15_ha_formal_suggestions_second_session(wh):
    n, years = one(wh, """
        SELECT count(*), list(DISTINCT year) FROM formal_suggestions
        WHERE district = '淮安区' AND session = '区十八届人大二次会议'""")
    assert n == 251
    assert years == [2023]


def test_fig16_ha_2023_appraisal_ballots(wh):
    rows = q(wh, """
        SELECT department, evaluator_type,
               sum(coalesce(satisfied, 0) + coalesce(basically_satisfied, 0)
                   + coalesce(dissatisfied, 0))
        FROM appraisals WHERE district = '淮安区' AND year = 2023
        GROUP BY department, evaluator_type""")
    ballots: dict[str, dict[str, int]] = {}
    for dept, etype, n in rows:
        ballots.setdefault(dept, {})[etype] = n
    assert len(ballots) >= 6
    for dept, b in ballots.items():
        assert b == {"SC_MEMBER": 31, "INVITED": 30}, dept


# ---------------------------------------------------------------------------------------
# The rest: plausible, and with something to find
# ---------------------------------------------------------------------------------------

_MINIMUMS = """
    WITH t AS (SELECT district, town FROM towns WHERE counted),
    a AS (
        SELECT district, town,
               count(*) FILTER (WHERE kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')) AS councils,
               count(*) FILTER (WHERE kind = 'WORK_REVIEW') AS reviews
        FROM activities WHERE year = $y GROUP BY district, town)
    SELECT t.district, t.town, coalesce(a.councils, 0), coalesce(a.reviews, 0)
    FROM t LEFT JOIN a USING (district, town)
    WHERE coalesce(a.councils, 0) < 2 OR coalesce(a.reviews, 0) < 1
    ORDER BY 1, 2"""


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_statutory_minimums_hold(wh, year):
    assert q(wh, _MINIMUMS, {"y": year}) == []


def test_2025_exactly_three_statutory_misses(wh):
    misses = {(d, t): (c, r) for d, t, c, r in q(wh, _MINIMUMS, {"y": 2025})}
    assert set(misses) == {(QJP, "水渡口街道"), (QJP, "和平镇"), (HA, "车桥镇")}
    assert misses[(QJP, "水渡口街道")][0] == 1
    assert misses[(QJP, "和平镇")][1] == 0
    assert misses[(HA, "车桥镇")][0] == 1
    kinds = dict(q(wh, """
        SELECT town, list(DISTINCT kind) FROM activities
        WHERE year = 2025 AND kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')
          AND town IN ('水渡口街道', '车桥镇') GROUP BY town"""))
    assert kinds == {"水渡口街道": ["STREET_COUNCIL"], "车桥镇": ["TOWN_CONGRESS"]}


def test_2026_some_towns_not_yet_at_minimum(wh):
    assert len(q(wh, _MINIMUMS, {"y": 2026})) >= 1


def test_council_kind_matches_town_type(wh):
    assert one(wh, """
        SELECT count(*) FROM activities a JOIN towns t USING (district, town)
        WHERE (a.kind = 'STREET_COUNCIL' AND t.town_type <> 'STREET')
           OR (a.kind = 'TOWN_CONGRESS' AND t.town_type <> 'TOWN')""") == 0


def test_participation_grows_year_on_year(wh):
    for district in (QJP, HA):
        by_year = dict(q(wh, """SELECT year, sum(participants) FROM activities
                                WHERE district = $d GROUP BY year""", {"d": district}))
        assert set(by_year) == {2022, 2023, 2024, 2025, 2026}
        full = [by_year[y] for y in (2022, 2023, 2024, 2025)]
        assert full == sorted(full) and len(set(full)) == 4, (district, by_year)
        avg = dict(q(wh, """SELECT year, avg(participants) FROM activities
                            WHERE district = $d GROUP BY year""", {"d": district}))
        assert avg[2022] < avg[2023] < avg[2024] < avg[2025] < avg[2026]


def test_2026_holds_january_to_october_only(wh):
    months = [r[0] for r in q(wh, """SELECT DISTINCT month(date) FROM activities
                                      WHERE year = 2026 ORDER BY 1""")]
    assert months == list(range(1, 11))


def test_publicity_concentrated_in_march_2023(wh):
    march, total = one(wh, """
        SELECT count(*) FILTER (WHERE month(date) = 3), count(*) FROM activities
        WHERE district = '清江浦区' AND year = 2023 AND kind = 'PUBLICITY'""")
    assert march > total / 2


def test_activity_venues_and_participants_varied(wh):
    venues = {r[0] for r in q(wh, "SELECT DISTINCT venue FROM activities")}
    assert {"VILLAGE_OFFICE", "RESIDENT_HOME", "FIELD", "DEPUTY_HOME", "STATION"} <= venues
    parts = one(wh, "SELECT sum(deputies), sum(voter_reps), sum(social_workers), sum(public) "
                    "FROM activities")
    assert all(p > 0 for p in parts)


def test_no_records_in_non_counted_towns(wh):
    for kind in ("stations", "deputies", "activities", "enterprise_visits", "micro_suggestions",
                 "practice_sites"):
        n = one(wh, f"""SELECT count(*) FROM {kind} k JOIN towns t USING (district, town)
                        WHERE NOT t.counted""")
        assert n == 0, kind
        n = one(wh, f"""SELECT count(*) FROM {kind} k
                        WHERE k.town IS NOT NULL AND NOT EXISTS (
                            SELECT 1 FROM towns t WHERE t.district = k.district AND t.town = k.town)""")
        assert n == 0, kind


def test_no_dates_after_as_of(wh):
    checks = {
        "stations": ("opened_on", "upgraded_on"),
        "activities": ("date",),
        "enterprise_visits": ("date",),
        "enterprise_opinions": ("resolved_on",),
        "micro_suggestions": ("submitted_on", "accepted_on", "closed_on"),
        "formal_suggestions": ("assigned_on", "replied_on"),
        "practice_sites": ("started_on", "built_on", "accepted_on"),
    }
    for kind, cols in checks.items():
        for col in cols:
            latest = one(wh, f"SELECT max({col}) FROM {kind}")
            assert latest is None or latest <= AS_OF, (kind, col, latest)
    for kind, col in (("activities", "date"), ("micro_suggestions", "submitted_on"),
                      ("enterprise_visits", "date"), ("formal_suggestions", "assigned_on")):
        assert one(wh, f"SELECT min({col}) FROM {kind}") >= dt.date(2022, 1, 1)


def test_references_resolve(wh):
    assert one(wh, """SELECT count(*) FROM enterprise_opinions o WHERE NOT EXISTS
                      (SELECT 1 FROM enterprise_visits v WHERE v.visit_id = o.visit_id)""") == 0
    assert one(wh, """SELECT count(*) FROM deputies d WHERE station_id IS NOT NULL AND NOT EXISTS
                      (SELECT 1 FROM stations s WHERE s.station_id = d.station_id)""") == 0
    for kind in ("micro_suggestions", "formal_suggestions"):
        assert one(wh, f"""SELECT count(*) FROM {kind} m WHERE deputy_id IS NOT NULL AND NOT EXISTS
                           (SELECT 1 FROM deputies d WHERE d.deputy_id = m.deputy_id)""") == 0


def test_rollout_plan_both_districts(wh):
    for district in (QJP, HA):
        rows = q(wh, """SELECT year, phase, target_towns FROM rollout_plan
                        WHERE district = $d ORDER BY year""", {"d": district})
        assert [(y, p) for y, p, _ in rows] == [(2024, "PILOT"), (2025, "DEEPEN"), (2026, "FULL")]
        assert rows[-1][2] == len(counted_towns(wh, district))


@pytest.mark.parametrize("district,accepted", [(QJP, 13), (HA, 11)])
def test_rollout_progress_by_as_of(wh, district, accepted):
    done = {r[0] for r in q(wh, """
        SELECT DISTINCT town FROM practice_sites
        WHERE district = $d AND stage = 'ACCEPTED' AND accepted_on <= $as_of""",
        {"d": district, "as_of": AS_OF})}
    assert len(done) == accepted
    rest = counted_towns(wh, district) - done
    stages = {t: {r[0] for r in q(wh, """SELECT stage FROM practice_sites
                                          WHERE district = $d AND town = $t""",
                                      {"d": district, "t": t})} for t in rest}
    assert all(s <= {"PLANNED", "PILOT", "BUILT"} for s in stages.values())
    assert any(not s for s in stages.values()), "some town should have no site yet"
    assert any(s for s in stages.values()), "some towns should be at an earlier stage"


def test_practice_sites_plausible(wh):
    assert one(wh, "SELECT count(*) FROM practice_sites WHERE score IS NOT NULL "
                   "AND (score < 60 OR score > 98)") == 0
    assert one(wh, """SELECT count(*) FROM (SELECT district, theme FROM practice_sites
                      GROUP BY ALL HAVING count(*) > 1)""") == 0
    multi = q(wh, """SELECT district, town FROM practice_sites GROUP BY ALL
                     HAVING count(DISTINCT stage) > 1""")
    assert multi, "some towns have two sites at different stages"
    assert one(wh, """SELECT count(*) FROM practice_sites
                      WHERE built_on < started_on OR accepted_on < built_on""") == 0


def test_ha_stations_opened_and_upgraded_later(wh):
    assert one(wh, "SELECT count(*) FROM stations WHERE district = '淮安区' "
                   "AND opened_on > DATE '2023-12-31'") > 0
    assert one(wh, "SELECT count(*) FROM stations WHERE district = '淮安区' "
                   "AND upgraded_on > DATE '2023-12-31'") > 0
    assert one(wh, "SELECT count(*) FROM stations WHERE district = '清江浦区'") > 50


def test_micro_suggestions_close_in_about_five_days(wh):
    median, p95, longest = one(wh, """
        SELECT median(closed_on - submitted_on), quantile_cont(closed_on - submitted_on, 0.95),
               max(closed_on - submitted_on)
        FROM micro_suggestions WHERE status = 'CLOSED'""")
    assert 4 <= median <= 6
    assert longest > 30 and p95 > 2 * median   # a long tail


def test_micro_suggestions_some_overdue(wh):
    open_rows = q(wh, """SELECT submitted_on FROM micro_suggestions
                         WHERE status IN ('SUBMITTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS')""")
    overdue = [s for (s,) in open_rows if np.busday_count(s, AS_OF) > 7]
    assert len(overdue) >= 3


def test_micro_suggestions_ratings_and_outcomes(wh):
    ratings = dict(q(wh, "SELECT rating, count(*) FROM micro_suggestions "
                         "WHERE rating IS NOT NULL GROUP BY rating"))
    assert ratings["SATISFIED"] > 0.6 * sum(ratings.values())
    outcomes = dict(q(wh, "SELECT outcome, count(*) FROM micro_suggestions "
                          "WHERE status = 'CLOSED' GROUP BY outcome"))
    assert outcomes["SOLVED"] > 0.6 * sum(outcomes.values())
    assert one(wh, "SELECT count(*) FROM micro_suggestions WHERE status = 'REJECTED'") > 0
    assert one(wh, """SELECT count(*) FROM micro_suggestions
                      WHERE accepted_on < submitted_on OR closed_on < accepted_on""") == 0


def test_formal_suggestions_results_and_replies(wh):
    shares = dict(q(wh, "SELECT result, count(*) FROM formal_suggestions "
                        "WHERE result IS NOT NULL GROUP BY result"))
    assert set(shares) == {"A", "B", "C", "D"}
    assert 0.55 <= shares["A"] / sum(shares.values()) <= 0.65
    late = one(wh, """SELECT count(*) FROM formal_suggestions
                      WHERE replied_on > assigned_on + INTERVAL 3 MONTH""")
    unanswered = one(wh, "SELECT count(*) FROM formal_suggestions WHERE replied_on IS NULL")
    key = one(wh, "SELECT count(*) FROM formal_suggestions WHERE key_supervised")
    assert late > 0 and unanswered > 0 and key > 0
    sessions = {r[0] for r in q(wh, "SELECT DISTINCT session FROM formal_suggestions "
                                    "WHERE district = '清江浦区'")}
    assert len(sessions) >= 4 and "区十八届人大二次会议" not in sessions


def test_enterprise_opinions_varied(wh):
    assert one(wh, "SELECT count(DISTINCT category) FROM enterprise_opinions") >= 6
    assert one(wh, "SELECT count(DISTINCT status) FROM enterprise_opinions") >= 3
    assert one(wh, """SELECT count(*) FROM enterprise_opinions
                      WHERE status = 'RESOLVED' AND resolved_on IS NULL""") == 0


def test_some_contents_hold_personal_numbers(wh):
    texts = [r[0] for r in q(wh, """
        SELECT content FROM micro_suggestions WHERE content IS NOT NULL
        UNION ALL SELECT content FROM enterprise_opinions WHERE content IS NOT NULL""")]
    mobile = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    id_no = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
    assert any(mobile.search(t) for t in texts)
    assert any(id_no.search(t) for t in texts)
    assert sum(bool(mobile.search(t) or id_no.search(t)) for t in texts) < 0.02 * len(texts)


def test_demo_is_deterministic(wh, tmp_path):
    first = sorted(p for p in wh.input.iterdir() if p.is_file())
    second = write_demo_files(tmp_path / "again")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    f1, f2 = demo_frames(), demo_frames()
    assert list(f1) == list(f2)
    for kind in f1:
        pd.testing.assert_frame_equal(f1[kind], f2[kind])


def test_demo_files_are_contract_inputs(wh):
    names = sorted(p.name for p in wh.input.iterdir())
    assert sum(n.endswith(".xlsx") for n in names) == 1
    csvs = [p for p in wh.input.iterdir() if p.suffix == ".csv"]
    raw = {p.name: p.read_bytes() for p in csvs}
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw.values())
    gb = [n for n, b in raw.items() if not b.startswith(b"\xef\xbb\xbf")]
    assert gb, "one CSV is written in GB18030"
    for n in gb:
        raw[n].decode("gb18030")
        with pytest.raises(UnicodeDecodeError):
            raw[n].decode("utf-8")
    for n, b in raw.items():
        assert not re.search(rb",\d+\.0(,|\r?\n)", b), f"{n}: integers written as floats"
