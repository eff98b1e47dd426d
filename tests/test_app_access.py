"""Accounts, roles and scope as a user meets them (issue 9), through the whole app
(AppTest of dashboard.py, with forged URL parameters):

* the access matrix: every role × every page × (own town, another town, all towns) in the
  URL. A page the role may not use is refused (not listed, and its URL says no); a town
  user's screen — every metric, table, chart, text, the sidebar's choices and every export
  the page offers — is exactly what the same page shows on a warehouse that holds only
  their town (so no figure of another town is in it), and names no other town; a
  presenter never receives a record-level row (no table or export with a record key).
* sign-in through the form (right and wrong password), sign-out;
* demo mode opens without an account, with the banner; real data without sign-in
  configured is refused;
* the audit log records a page view, an export and a load, and survives a warehouse swap.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from auth import audit, store
from auth.roles import ROLES, User
from etl.spec import KINDS
from reports import tabular
from tests.apptest import open_app, sign_in, vega_chart
from tests.conftest import ROOT, TEST_LEADER, TEST_PASSWORD
from tests.test_scope_queries import OTHER, OWN, reduce_to_scope
from ui import access, i18n
from ui.nav import PAGES

DISTRICT = "清江浦区"
YEAR = "2023"
USERS = {
    "leader": User("u-leader", "leader"),
    "analyst": User("u-analyst", "analyst"),
    "town": User("u-town", "town", (OWN,)),
    "presenter": User("u-presenter", "presenter"),
    "admin": User("u-admin", "admin"),
}
TOWN_PARAMS = {"own": [OWN], "other": [OTHER], "all": []}


PERSONAL_KINDS = ("deputies", "activities", "enterprise_visits", "enterprise_opinions", "micro_suggestions",
                  "formal_suggestions")


def record_keys() -> set[str]:
    """The headers (Chinese, English, id) of the key column of every kind of individual
    record: a table that shows one of them lists records."""
    out: set[str] = set()
    for kind in KINDS:
        if kind.name in PERSONAL_KINDS:
            for col in kind.columns:
                if col.id in kind.key:
                    out.update({col.label, col.en, col.id})
    return out


def run_page(db: Path, monkeypatch, user: User, page: str, town: list[str]) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(i18n._state, "lang", "zh")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    sign_in(at, user)
    at.query_params["district"] = DISTRICT
    at.query_params["year"] = YEAR
    if town:
        at.query_params["town"] = town
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    return at


def exports(at: AppTest) -> dict[str, list[list[str]]]:
    """Every export the page offers, as the CSV rows its button would download (the meta
    line with the download time dropped)."""
    from ui import export

    out = {}
    for b in at.get("download_button"):
        key = getattr(b, "key", None) or ""
        if not key.startswith("dl_csv_"):
            continue
        spec = at.session_state[f"_export:{key[len('dl_csv_'):]}"]
        text = tabular.csv_bytes(export._table(*spec)).decode("utf-8-sig")
        rows = [r for r in csv.reader(io.StringIO(text)) if not (r and "导出时间" in r[0])]
        out[key] = rows
    return out


def screen(at: AppTest) -> dict[str, object]:
    """Everything the page shows, as comparable values."""
    def texts(kind: str) -> list[str]:
        return [str(e.value) for e in getattr(at, kind)]

    charts = []
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        charts.append(json.dumps(spec.get("data"), sort_keys=True, ensure_ascii=False))
    for i in range(len(at.get("vega_lite_chart"))):
        charts.append(vega_chart(at, i)[1].to_csv(index=False))
    multiselects = {m.key: list(m.options) for m in at.multiselect}
    selects = {s.key: list(s.options) for s in at.selectbox}
    return {
        "metrics": [(m.label, m.value, m.delta) for m in at.metric],
        "dataframes": [e.value.to_csv(index=False) if isinstance(e.value, pd.DataFrame) else str(e.value)
                       for e in at.dataframe],
        "tables": [str(e.value) for e in at.table],
        "markdown": texts("markdown"), "captions": [c for c in texts("caption") if "最近导入" not in c],
        "info": texts("info"), "warning": texts("warning"), "error": texts("error"), "success": texts("success"),
        "code": texts("code"), "charts": charts, "multiselect": multiselects, "selectbox": selects,
        "exports": exports(at),
    }


def problems(at: AppTest) -> list[str]:
    out = [e.value for e in at.exception]
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    out += [w.value for w in at.warning if w.value.startswith(prefixes)]
    return out


@pytest.fixture(scope="module")
def reduced_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse as the town user's scope sees it (only their town)."""
    return reduce_to_scope(demo_db, tmp_path_factory.mktemp("access") / "reduced.duckdb", (OWN,))


@pytest.fixture(scope="module")
def other_towns(demo_db: Path) -> set[str]:
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT town FROM towns WHERE town <> $own", {"own": OWN}).fetchall()}
    finally:
        con.close()


def _names_in(value: object, names: set[str]) -> set[str]:
    text = json.dumps(value, ensure_ascii=False, default=str)
    # A town's name inside a longer name (乙镇 in 甲乙镇) is not that town.
    return {n for n in names if re.search(rf"(?<![\u4e00-\u9fff]){re.escape(n)}", text)}


PAGE_NAMES = [p.name for p in PAGES]


@pytest.mark.parametrize("which", list(TOWN_PARAMS))
@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, page, which, demo_db, reduced_db, other_towns, monkeypatch):
    user = USERS[role]
    at = run_page(demo_db, monkeypatch, user, page, TOWN_PARAMS[which])
    assert not problems(at), problems(at)
    nav = {p.name for p in PAGES if access.allowed(user, p.name)}
    if page not in access.ROLE_PAGES[role]:
        assert page not in nav
        denied = [e.value for e in at.error]
        assert any("无权使用" in e for e in denied), f"{role} opened {page}: {denied}"
        assert not at.metric and not at.dataframe and not at.get("plotly_chart") and not at.get("vega_lite_chart") and not exports(at)
        return
    shown = screen(at)
    if role == "town":
        # The notice that the link's town is not one of theirs repeats what the link said.
        notice = i18n.CATALOG["filter.bad_town"][0].format(value=OTHER)
        leaked = _names_in({k: v for k, v in shown.items() if k != "warning"}, other_towns) | _names_in(
            [w for w in shown["warning"] if w != notice], other_towns)
        assert not leaked, f"{page} ({which}) shows other towns to a town user: {sorted(leaked)}"
        mine = run_page(reduced_db, monkeypatch, user, page, TOWN_PARAMS[which])
        expected = screen(mine)
        for part in shown:
            assert shown[part] == expected[part], (
                f"{page} ({which}): the town user's {part} differ from those of a warehouse holding only {OWN}")
    if role == "presenter":
        keys = record_keys()
        for e in at.dataframe:
            if isinstance(e.value, pd.DataFrame):
                assert not keys & {str(c) for c in e.value.columns}, f"{page}: a record table {list(e.value.columns)}"
        for name, rows in shown["exports"].items():
            header = next((r for r in rows if r and not r[0].startswith(("筛选条件", "数据截至"))), [])
            assert not keys & set(header), f"{page}: the export {name} lists records: {header}"


def test_a_town_user_is_offered_only_their_towns(demo_db, monkeypatch):
    at = run_page(demo_db, monkeypatch, USERS["town"], "overview", [])
    assert at.multiselect(key="f_towns").options == [OWN]
    assert at.selectbox(key="f_district").options[:-1] == [DISTRICT]


# --- sign-in, demo mode, refusal -------------------------------------------------------


def test_the_sign_in_form_lets_the_right_password_in_and_keeps_the_wrong_one_out(fixture_db, monkeypatch):
    monkeypatch.setattr(store, "SLEEP", lambda s: None)
    monkeypatch.setenv("OVERSIGHT_DB", str(fixture_db))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["district"] = "测试区"
    at.query_params["year"] = "2025"
    at.run()
    assert not at.metric and at.text_input(key="auth_identity") is not None
    at.text_input(key="auth_identity").input(TEST_LEADER)
    at.text_input(key="auth_password").input("not the password")
    at.button[0].click().run()
    assert not at.metric
    assert any("密码" in e.value for e in at.error), [e.value for e in at.error]
    at.text_input(key="auth_identity").input(TEST_LEADER)
    at.text_input(key="auth_password").input(TEST_PASSWORD)
    at.button[0].click().run()
    assert not at.exception and at.metric, ([e.value for e in at.error], [i.value for i in at.info],
                                            [m.value for m in at.markdown][:5], [t.value for t in at.title])
    events = audit.recent(10)
    assert list(events["event"])[:2] == ["page_view", "sign_in"]
    assert TEST_PASSWORD not in events.to_csv()
    at.button(key="auth_logout").click().run()
    assert not at.metric and at.text_input(key="auth_identity") is not None


def test_demo_data_opens_without_an_account_and_says_so(demo_db, monkeypatch, tmp_path):
    monkeypatch.setenv("OVERSIGHT_STATE_DIR", str(tmp_path / "no-accounts"))
    monkeypatch.setenv("OVERSIGHT_DB", str(demo_db))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception and at.metric
    assert any("演示模式无需登录" in i.value for i in at.info)


def test_real_data_is_refused_without_sign_in_configured(fixture_db, monkeypatch, tmp_path):
    monkeypatch.setenv("OVERSIGHT_STATE_DIR", str(tmp_path / "no-accounts"))
    monkeypatch.setenv("OVERSIGHT_DB", str(fixture_db))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception
    assert not at.metric and not at.dataframe and not at.get("plotly_chart") and not at.get("vega_lite_chart")
    assert any("尚未配置登录" in e.value for e in at.error)
    # A forged session user does not get past it either.
    at = sign_in(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)).run()
    assert not at.metric and any("尚未配置登录" in e.value for e in at.error)


# --- the audit log ---------------------------------------------------------------------


def test_the_audit_log_records_a_page_view_an_export_and_a_load_and_survives_a_swap(
        demo_db, monkeypatch, tmp_path):
    db = tmp_path / "wh" / "oversight.duckdb"
    db.parent.mkdir()
    shutil.copy2(demo_db, db)
    at = open_app(db, monkeypatch, "views/statutory.py", district=DISTRICT, year=YEAR)
    views = audit.recent(50, event="page_view")
    assert "statutory" in set(views["page"]) and TEST_LEADER in set(views["identity"])
    # An export: the function the download button runs when pressed.
    button = next(b for b in at.get("download_button") if (getattr(b, "key", "") or "").startswith("dl_csv_"))
    from ui import export

    key = button.key[len("dl_csv_"):]
    spec = at.session_state[f"_export:{key}"]
    data = export.logged(USERS["leader"], key, spec[0], "csv", spec[1],
                         lambda: tabular.csv_bytes(export._table(*spec)))()
    logged = audit.recent(10, event="export")
    assert len(logged) == 1 and json.loads(logged["detail"][0]) == {
        "key": key, "title": spec[0], "format": "csv", "bytes": len(data)}
    assert logged["identity"][0] == "u-leader" and json.loads(logged["filters"][0])["district"] == DISTRICT
    # A load through the command line, which swaps the warehouse file.
    csv_in = tmp_path / "in" / "活动.csv"
    csv_in.parent.mkdir()
    csv_in.write_text("活动编号,类型,区,镇街,日期\nAUDIT-1,工作评议会,清江浦区,柳树湾街道,2023-12-20\n", encoding="utf-8")
    import subprocess
    import sys

    before = db.stat().st_ino
    done = subprocess.run([sys.executable, "-m", "etl", "load", str(csv_in), "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert db.stat().st_ino != before  # the warehouse file was replaced
    loads = audit.recent(10, event="load")
    assert len(loads) == 1 and json.loads(loads["detail"][0])["rows_loaded"] == 1
    assert len(audit.recent(100, event="page_view")) >= 1  # the earlier entries are still there
