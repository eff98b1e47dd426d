"""Security regressions (issue 11, item 6): what a hostile text, link or file can make the
app do. Four sweeps over every page (AppTest through the router, as a URL opens it) and
every export:

1. **Markup injection (XSS).** A warehouse whose every free-text field (:data:`TEXT_FIELDS`:
   names, topics, enterprises, industries, opinion and suggestion texts, titles, sessions,
   departments, themes, sectors) holds :data:`XSS` payloads is shown on every page, every
   record kind of 明细查询, every slide of 汇报模式, every town profile, chart selections of
   free-text codes, and an upload whose file name, headers and values are payloads. A
   payload may reach the browser only as literal text: inside a table, a chart's data, a
   code block or a select box's options. In anything Streamlit renders as Markdown
   (markdown, captions, alerts, titles, badges, labels, help) it must arrive escaped
   (``ui.drill.plain``) — raw, Streamlit would render its link, its image or its LaTeX.
   No element carries a payload with ``unsafe_allow_html``; a chart carries payloads only
   as data values (plotly draws them as text), never in a template or a title.
2. **Formula injection.** The same warehouse holds :data:`FORMULAS` (``=``, ``+``, ``-``,
   ``@``, tab, CR) in the same fields. Every export button of every screen of sweep 1
   (``ui/export.py``: what the button would write, built by the function it calls), the
   evaluation pack's ``.xlsx`` (``python -m reports pack``) and the load history's rejects
   come back inert: no formula cell, no text cell starting with a formula character (they
   get the export module's apostrophe), numbers still number cells.
3. **SQL injection.** Every URL parameter the app reads (``district``, ``year``, ``town``,
   ``lang``, the explorer's ``kind`` and ``col.<column>``, the slide show's ``slide``)
   set to injection strings (:data:`SQLI`) and to markup payloads gives, on every page, no
   exception, a notice naming the value (escaped), and exactly the view a harmless unknown
   value falls back to — no extra row, figure or chart point; the warehouse file is
   unchanged. (AppTest opens the router's default page first: a link's filters are read
   and noticed there, then the page is opened as a click would, with its own parameters.)
   Every public query function (``warehouse/queries``) called with those strings as
   district, towns, scope, town, sessions or site ids returns what it returns for a
   harmless unknown name; ``%`` and ``_`` in a text search match only themselves.
4. **Personal numbers.** As an analyst (masked, ``auth.roles.unmasked``), every page the
   role may open and every export, on the demo warehouse and on the hostile one (whose
   person-level texts — :data:`PII_FIELDS` — carry a mobile and an ID number), show no
   unmasked mainland mobile (``1[3-9]`` + 9 digits) or ID number (18 characters, a birth
   date inside). The privacy rule (``warehouse/privacy.py``, ``warehouse/filters.py``):
   person-level text in record rows is masked unless the user is a leader. Names of
   organisations and places (departments, sessions, stations, practice sites, themes,
   industries, sectors) are not person-level and are shown in clear on the analysis pages
   (明细查询 masks every text column, to be safe); they carry no numbers here.

Not covered here: town names (the towns relation) as payloads — they are the valid values
of every filter and appear in titles and messages; record keys; Streamlit's own linking
of addresses (``http://…``, ``www.…``, e-mail) inside Markdown, which no escape prevents —
it never links a script (``javascript:``); the PowerPoint and PDF packs (no formulas);
an upload's rejects workbook (tests/test_rejects_workbook.py).
"""

from __future__ import annotations

import csv
import hashlib
import inspect
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, is_dataclass, replace
from dataclasses import fields as dc_fields
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from auth.roles import User
from etl.load import load
from reports import pack, tabular, write_pack
from tests import apptest
from tests.apptest import ANALYST, LEADER, open_app, problems
from tests.conftest import FIXTURE_TOWNS, write_csv, write_xlsx
from tests.test_scope_queries import assert_same, public_query_functions, run
from ui import access, export, i18n
from ui.drill import plain
from ui.nav import PAGES
from warehouse.filters import Filters
from warehouse.queries import common, enterprise, records

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------------------
# Payloads
# --------------------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "**bold** [link](javascript:alert(1))",
    "{{7*7}}",
    "$\\alpha$",
    '<a href="javascript:alert(1)">x</a>',
]
# Payloads that mean something to Markdown or HTML: never raw in a rendered element.
MARKUP = [p for p in XSS if p not in ("javascript:alert(1)", "{{7*7}}")]
# A live Markdown link to a script: "](javascript:" after an even number of backslashes
# (an odd number escapes the bracket; an even number is escaped backslashes).
JS_LINK = re.compile(r"(?<!\\)(?:\\\\)*\]\(\s*(?:javascript|data|vbscript):", re.I)
# The loader trims text, so a tab or CR in front arrives as the "=" it hides.
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(1)", "\t=2+2", "\r=3+3", "=cmd|' /C calc'!A0"]
HOSTILE = XSS + FORMULAS
STORED = [s.strip() for s in HOSTILE]
SQLI = ["' OR 1=1 --", "测试区' OR '1'='1", "1; DROP TABLE activities", "%", "_", "甲街道' --",
        "') OR ('1'='1", '" OR ""="']

PHONE = "13912345678"
ID_NUMBER = "320102199001011234"
PII = f"，联系电话{PHONE}，身份证号{ID_NUMBER}"
# What a scan counts as an unmasked number (masked ones read 139****5678, 320***********1234).
PHONE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9A-Za-z])")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                   r"(?![0-9A-Za-z])")

DISTRICT, YEAR = "测试区", "2024"
TOWNS = ["甲街道", "乙镇", "丙街道"]
DEMO_DISTRICT, DEMO_YEAR, DEMO_TOWN = "清江浦区", "2023", "府前街道"

# The free-text columns of etl/spec.py, each filled with every payload below.
TEXT_FIELDS = {
    "stations": ("name", "theme"), "deputies": ("name", "sector"), "activities": ("topic",),
    "enterprise_visits": ("enterprise", "industry"), "enterprise_opinions": ("content",),
    "micro_suggestions": ("department", "content"), "formal_suggestions": ("session", "title", "department"),
    "appraisals": ("department",), "practice_sites": ("name", "theme"),
}
# Person-level text (the privacy rule): these carry a mobile and an ID number (two records in three).
PII_FIELDS = {
    "deputies": ("name",), "activities": ("topic",), "enterprise_visits": ("enterprise",),
    "enterprise_opinions": ("content",), "micro_suggestions": ("content",), "formal_suggestions": ("title",),
}


def test_the_text_fields_are_every_free_text_column_of_the_contract():
    from etl.spec import KINDS

    text = {k.name: tuple(c.id for c in k.columns if c.type == "text") for k in KINDS}
    # towns' own names are the places every filter is made of: valid names, not payloads.
    assert {k: v for k, v in text.items() if v and k != "towns"} == TEXT_FIELDS


# --------------------------------------------------------------------------------------
# The hostile warehouse
# --------------------------------------------------------------------------------------

def hostile_rows() -> dict[str, list[list[object]]]:
    """One record per payload of every kind with free text (record i holds HOSTILE[i] in
    each of its text fields, and after it the personal numbers in its person-level fields
    unless i is a multiple of 3); 2024, the three counted towns in turn; a rollout plan."""
    kinds = ["街道代表议事会", "工作评议会", "代表选民议事会", "宣讲活动", "代表接待选民", "镇人代会"]
    out: dict[str, list[list[object]]] = {
        "stations": [["阵地编号", "名称", "类型", "区", "镇街", "建成日期", "升级为实践点日期", "特色主题"]],
        "deputies": [["代表编号", "姓名", "层级", "区", "镇街", "所属阵地", "界别", "性别"]],
        "activities": [["活动编号", "类型", "区", "镇街", "日期", "地点", "主题", "人大代表人数", "选民代表人数",
                        "基层社会工作者人数", "群众人数", "收集意见数"]],
        "enterprise_visits": [["走访编号", "日期", "区", "镇街", "企业名称", "行业", "省级代表人次", "市级代表人次",
                               "区级代表人次", "镇级代表人次", "问卷回收"]],
        "enterprise_opinions": [["意见编号", "走访编号", "来源", "类别", "内容", "办理状态", "办结日期"]],
        "micro_suggestions": [["建议编号", "提交日期", "区", "镇街", "类别", "状态", "代表编号", "承办单位", "受理日期",
                               "办结日期", "办理结果", "满意度", "内容"]],
        "formal_suggestions": [["建议编号", "区", "会议", "标题", "主办单位", "领衔代表", "交办日期", "答复日期",
                                "办理结果", "代表反馈", "重点督办"]],
        "appraisals": [["评议编号", "区", "年度", "被评议单位", "评议人类型", "满意票", "基本满意票", "不满意票"]],
        "practice_sites": [["实践点编号", "区", "镇街", "名称", "特色主题", "阶段", "启动日期", "建成日期", "验收日期",
                            "宣传屏", "公示栏", "代表工作室", "议事厅", "教育阵地", "评分"]],
        "rollout_plan": [["区", "年度", "阶段", "目标覆盖镇街数"], [DISTRICT, 2024, "试点示范", 2]],
    }
    for i, s in enumerate(HOSTILE):
        m, town, month = i + 1, TOWNS[i % 3], f"{i % 12 + 1:02d}"
        p = s + PII if i % 3 else s  # person-level text
        odd = i % 2 == 1
        out["stations"].append([f"ST{m}", s, "代表之家", DISTRICT, town, "2020-01-01",
                                "2024-05-01" if odd else None, s])
        out["deputies"].append([f"D{m}", p, "区", DISTRICT, town, f"ST{m}", s, "男" if odd else "女"])
        out["activities"].append([f"A{m}", kinds[i % 6], DISTRICT, town, f"2024-{month}-10", "村委会", p, 5, 3, 1,
                                  10 + i, 2])
        out["enterprise_visits"].append([f"V{m}", f"2024-{month}-05", DISTRICT, town, p, s, 0, 1, 2, 3, "是"])
        out["enterprise_opinions"].append([f"O{m}", f"V{m}", "代表" if odd else "企业", "营商环境", p,
                                           "已办结" if i % 3 == 0 else "办理中",
                                           f"2024-{month}-25" if i % 3 == 0 else None])
        closed = not odd
        out["micro_suggestions"].append([f"M{m}", f"2024-{month}-02", DISTRICT, town, "城建交通",
                                         "已办结" if closed else "办理中", f"D{m}", s, f"2024-{month}-03",
                                         f"2024-{month}-09" if closed else None, "已解决" if closed else None,
                                         "满意" if closed else None, p])
        out["formal_suggestions"].append([f"F{m}", DISTRICT, s, p, s, f"D{m}", f"2024-{i % 6 + 1:02d}-01",
                                          "2024-08-01" if odd else None, "A" if odd else None,
                                          "满意" if odd else None, "是" if i % 3 == 0 else "否"])
        for typ, satisfied in (("常委会组成人员", 20), ("特邀代表", 10)):
            out["appraisals"].append([f"AP{m}", DISTRICT, 2024, s, typ, satisfied - i // 2, 3, i % 3])
        out["practice_sites"].append([f"S{m}", DISTRICT, town, s, s, "验收通过" if odd else "建成", "2024-01-15",
                                      "2024-03-01", "2024-04-01" if odd else None,
                                      "是", "否", "是", "否", "是", 80 + i])
    return out


# A later load with rejected rows: their raw values (payloads) go to the load history.
REJECTED = [
    ["活动编号", "类型", "区", "镇街", "日期", "主题", "<img src=x onerror=alert(1)>"],
    ["R1", "宣讲活动", DISTRICT, "甲街道", '=HYPERLINK("http://x","y")', "=1+1", "x"],
    ["R2", "<script>alert(1)</script>", DISTRICT, "甲街道", "2024-05-06", "@SUM(1)", "y"],
    ["R3", "宣讲活动", DISTRICT, "**bold** [link](javascript:alert(1))", "2024-05-06", "t", "z"],
]


def build_hostile_warehouse(db: Path, tmp: Path) -> Path:
    files = [write_csv(tmp / "in" / "towns.csv", FIXTURE_TOWNS)]
    files += [write_csv(tmp / "in" / f"{kind}.csv", rows) for kind, rows in hostile_rows().items()]
    report = load(files, db)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    report = load([write_csv(tmp / "rejects" / "activities.csv", REJECTED)], db)
    assert (report.rows_loaded, report.rows_rejected) == (0, 3), report.rejects.to_dict("records")
    return db


def fingerprint(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    return build_hostile_warehouse(tmp / "hostile.duckdb", tmp)


def test_the_hostile_warehouse_holds_every_payload_in_every_text_field(hostile_db):
    con = duckdb.connect(str(hostile_db), read_only=True)
    try:
        for kind, columns in TEXT_FIELDS.items():
            for column in columns:
                got = " ".join(r[0] for r in con.execute(f"SELECT {column} FROM {kind}").fetchall())
                assert all(s in got for s in STORED), (kind, column)
        topics = [r[0] for r in con.execute("SELECT topic FROM activities ORDER BY activity_id").fetchall()]
        assert {t.split("，")[0] for t in topics} >= {"=2+2", "=3+3"}  # the tab and the CR were trimmed
        assert con.execute("SELECT count(*) FROM etl_rejects").fetchone()[0] >= 3
    finally:
        con.close()


# --------------------------------------------------------------------------------------
# Sweeping the pages: every screen's elements, charts, tables and export buttons
# --------------------------------------------------------------------------------------

TABLE_ELEMENTS = ("Dataframe", "Table")
PLAIN_TYPES = ("code", "text", "json")  # shown as literal text
OPTION_WIDGETS = ("selectbox", "multiselect")  # options are drawn as plain text
OPTION_FIELDS = (".options",)
# Where a chart may carry a payload: values plotly draws as text, never templates.
CHART_DATA_KEYS = {"x", "y", "z", "customdata", "text", "hovertext", "labels", "ids", "parents", "values",
                   "categoryarray", "ticktext", "tickvals"}


@dataclass
class Screen:
    label: str
    problems: list[str]
    strings: list[tuple[str, str, str]]  # (element type, field, text) of every other element
    allow_html: list[str]  # bodies of elements with unsafe_allow_html
    frames: list[pd.DataFrame]
    charts: list[dict]
    exports: dict[str, tuple] = field(default_factory=dict)
    content: dict[str, object] = field(default_factory=dict)  # what it shows, for comparisons


def _walk(node) -> Iterator:
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _walk(child)


def _strings(obj: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _strings(v, f"{path}[{i}]")
    elif isinstance(obj, str):
        yield path, obj


def capture(at: AppTest, label: str) -> Screen:
    """Everything the page shows now: its tables and charts, every string of every other
    element (with the element's type and the field), its export buttons' sources, and its
    content (for comparisons)."""
    s = Screen(label, problems(at), [], [], [], [])
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        name = type(node).__name__
        if name in TABLE_ELEMENTS:
            s.frames.append(node.value)
            continue
        if getattr(node, "type", "") == "plotly_chart":
            s.charts.append(json.loads(proto.spec))
            continue
        if getattr(proto, "allow_html", False):
            s.allow_html.append(getattr(proto, "body", ""))
        for path, text in _strings(MessageToDict(proto)):
            s.strings.append((getattr(node, "type", name), path, text))
    s.exports = {k[len("_export:"):]: at.session_state[k] for k in at.session_state
                 if isinstance(k, str) and k.startswith("_export:")}
    s.content = shown_content(at)
    return s


def shown_content(at: AppTest) -> dict[str, object]:
    """What a page shows, without its notices: the filters in force, every table, metric
    and chart's data."""
    f = at.session_state["_filters"] if "_filters" in at.session_state else None
    return {
        "filters": (f.district, f.year, f.towns) if f else None,
        "tables": [d.value.to_csv() for d in at.dataframe] + [t.value.to_csv() for t in at.table],
        "metrics": [(m.label, m.value, m.delta) for m in at.metric],
        "charts": [json.dumps(json.loads(c.proto.spec)["data"], sort_keys=True) for c in at.get("plotly_chart")]
        + [apptest.vega_chart(at, i)[1].to_csv() for i in range(len(at.get("vega_lite_chart")))],
    }


def _screens(at: AppTest, page: str, towns: list[str], sites: list[str]) -> Iterator[str]:
    """The states of a page worth seeing: every record kind, slide and town, the
    overview's summary open, every tab of the data page, and the comparison of ``sites``
    (site ids)."""
    yield "default"
    if page == "explore":
        for kind in records.KIND_NAMES:
            at.selectbox(key="ex_kind").set_value(kind).run()
            yield kind
    elif page == "present":
        for n in range(2, len(pack.STORYLINE) + 1):
            at.query_params["slide"] = str(n)
            at.run()
            yield f"slide {n}"
    elif page == "town":
        for town in towns[1:]:
            at.query_params["town"] = town
            at.run()
            yield town
    elif page == "overview":  # the 工作总结 box, shut by default, open; the whole 需关注 list
        at.session_state["ov_summary_open"] = True
        at.session_state["ov_att_all"] = True
        at.run()
        yield "summary"
    elif page == "data":  # only the open tab is written: each of the others
        for label in ("导入记录", "新鲜度与完整性", "模板与数据字典"):
            at.session_state["dm_tab"] = label
            at.run()
            yield label
    elif page == "sites" and sites:
        at.multiselect(key="si_compare").set_value(sites).run()
        yield "compare"


_SWEEPS: dict[tuple[str, str, str], list[Screen]] = {}


def sweep(db: Path, user: User, page: str, monkeypatch: pytest.MonkeyPatch, district: str, year: str,
          towns: list[str], sites: list[str] = ()) -> list[Screen]:
    """Every screen of ``page`` for ``user`` (computed once per module and kept)."""
    key = (str(db), user.role, page)
    if key not in _SWEEPS:
        monkeypatch.setattr(apptest, "DEFAULT_USER", user)
        params = {"district": district, "year": year}
        if page == "town":
            params["town"] = towns[0]
        at = open_app(db, monkeypatch, f"views/{page}.py", **params)
        _SWEEPS[key] = [capture(at, label) for label in _screens(at, page, towns, list(sites))]
    return _SWEEPS[key]


# --------------------------------------------------------------------------------------
# 1. Markup injection: payloads are literal text wherever they are shown
# --------------------------------------------------------------------------------------

LEADER_PAGES = [p.name for p in PAGES if p.name != "admin"]  # 账号与审计 holds no warehouse text
# The hostile sites compared side by side: <script>, a Markdown link, LaTeX, an <a href>.
COMPARED = ["S1", "S4", "S6", "S7"]
# The pages that show free text: every payload must be seen there (as literal text).
SHOWS_TEXT = ("present", "enterprise", "micro", "formal", "appraisal", "sites", "town", "explore")


def leader_sweep(db: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> list[Screen]:
    return sweep(db, LEADER, page, monkeypatch, DISTRICT, YEAR, TOWNS, COMPARED)


def _is_literal(typ: str, path: str) -> bool:
    return typ in PLAIN_TYPES or (typ in OPTION_WIDGETS and path.startswith(OPTION_FIELDS))


def markup_leaks(screen: Screen) -> list[str]:
    """Payloads that reach a rendered (Markdown or HTML) element unescaped."""
    out = []
    for typ, path, text in screen.strings:
        if _is_literal(typ, path):
            continue
        if any(p in text for p in MARKUP) or JS_LINK.search(text) or ("{7*7}" in text and "{{7*7}}" not in text):
            out.append(f"{screen.label}: {typ}{path}: {text[:160]!r}")
    out += [f"{screen.label}: unsafe_allow_html: {body[:160]!r}" for body in screen.allow_html
            if any(p in body for p in STORED)]
    return out


def chart_leaks(screen: Screen) -> list[str]:
    """Payloads a chart carries anywhere but in its data values (a template, a title …)."""
    out = []
    for i, spec in enumerate(screen.charts):
        for path, text in _strings(spec):
            key = re.sub(r"\[\d+\]", "", path).rsplit(".", 1)[-1]
            if any(p in text for p in XSS) and key not in CHART_DATA_KEYS:
                out.append(f"{screen.label}: chart {i} {path}: {text[:160]!r}")
    return out


def unescaped(markdown: str) -> str:
    """Markdown text as it reads once its backslash escapes are applied."""
    return re.sub(r"\\(.)", r"\1", markdown)


def literal_texts(screen: Screen) -> str:
    """Everything the screen shows as literal text: tables, chart data, code, options."""
    parts = [" ".join(map(str, df.to_numpy().ravel())) for df in screen.frames]
    parts += [text for spec in screen.charts for _, text in _strings(spec)]
    parts += [text for typ, path, text in screen.strings if _is_literal(typ, path)]
    return "\n".join(parts)


@pytest.mark.parametrize("page", LEADER_PAGES)
def test_hostile_text_reaches_every_page_only_as_literal_text(page, hostile_db, monkeypatch):
    screens = leader_sweep(hostile_db, page, monkeypatch)
    for s in screens:
        assert not s.problems, (s.label, s.problems)
    leaks = [x for s in screens for x in markup_leaks(s) + chart_leaks(s)]
    assert not leaks, "\n".join(leaks)
    if page in SHOWS_TEXT:
        shown = "\n".join(literal_texts(s) for s in screens)
        assert [p for p in XSS if p not in shown] == [], "every payload is on the page, as text"


def test_the_explorer_shows_every_text_field_of_every_kind_verbatim(hostile_db, monkeypatch):
    screens = {s.label: s for s in leader_sweep(hostile_db, "explore", monkeypatch)}
    for kind, columns in TEXT_FIELDS.items():
        (table,) = screens[kind].frames
        for column in columns:
            values = set(table[column].dropna())
            assert all(any(v.startswith(s) for v in values) for s in STORED), (kind, column)


def test_the_summary_and_the_slides_show_the_payloads_escaped(hostile_db, monkeypatch):
    # The 工作总结 names the appraised departments: the slide show's Markdown carries them
    # escaped, so they read as typed.
    screens = leader_sweep(hostile_db, "present", monkeypatch)
    bodies = [text for s in screens for typ, path, text in s.strings if typ == "markdown"]
    assert any(plain(XSS[3]) in b for b in bodies)


# A selectable chart of each page whose codes are free text, and the codes clicked.
PICKED = [XSS[0], XSS[3], XSS[5], XSS[6]]


@pytest.mark.parametrize("page,chart", [("enterprise", "en_pick_industry"), ("micro", "mi_pick_dept_volume"),
                                        ("formal", "fo_pick_department"), ("appraisal", "ap_pick_department")])
def test_a_selection_of_hostile_codes_is_a_literal_chip_and_narrows_the_page(page, chart, hostile_db, monkeypatch):
    monkeypatch.setattr(apptest, "DEFAULT_USER", LEADER)
    at = open_app(hostile_db, monkeypatch, f"views/{page}.py", district=DISTRICT, year=YEAR)
    key = next(k for k in apptest.chart_keys(at) if k.startswith(chart))
    rows_before = sum(len(df) for df in capture(at, page).frames)
    apptest.select_points(at, key, PICKED)
    screen = capture(at, f"{page} selected")
    assert not screen.problems, screen.problems
    assert sum(len(df) for df in screen.frames) < rows_before, "the selection narrows the page's lists"
    leaks = markup_leaks(screen) + chart_leaks(screen)
    assert not leaks, "\n".join(leaks)
    chips = [text for typ, path, text in screen.strings if typ == "markdown" and "-badge[" in text]
    for p in PICKED:  # the chip reads as the code was typed
        assert any(unescaped(c).endswith(f"：{p}]") for c in chips), (p, chips)


def test_an_uploaded_file_s_name_headers_and_values_are_shown_as_text(hostile_db, tmp_path, monkeypatch):
    db = tmp_path / "wh" / "oversight.duckdb"
    db.parent.mkdir()
    shutil.copyfile(hostile_db, db)
    before = fingerprint(db)
    book = write_xlsx(tmp_path / "up.xlsx", {"活动": [
        ["活动编号", "类型", "区", "镇街", "日期", "主题", XSS[0]],
        ["U1", "宣讲活动", DISTRICT, "甲街道", "2024-05-06", XSS[5], "x"],
        ["U2", "宣讲活动", DISTRICT, "甲街道", XSS[3], "t", "y"],
        ["U3", XSS[1], DISTRICT, "甲街道", "2024-05-06", "t", "y"],
    ]})
    names = [f"{XSS[3]}.xlsx", f"{XSS[6]}.pdf"]  # a readable file with rejects, a refused one
    monkeypatch.setattr(apptest, "DEFAULT_USER", LEADER)
    at = open_app(db, monkeypatch, "views/data.py", district=DISTRICT, year=YEAR)
    at.file_uploader[0].set_value([(names[0], book.read_bytes(), tabular.XLSX_MIME),
                                   (names[1], b"%PDF-1.4", "application/pdf")])
    at.run()
    screen = capture(at, "upload")
    assert not screen.problems, screen.problems
    leaks = markup_leaks(screen)
    assert not leaks, "\n".join(leaks)
    rendered = " ".join(text for typ, path, text in screen.strings if not _is_literal(typ, path))
    assert all(plain(n) in rendered for n in names), "the report names both files"
    assert plain(XSS[0]) in rendered, "the unknown column is named"
    assert XSS[3] in literal_texts(screen) and XSS[1] in literal_texts(screen), "the rejected values, as text"
    assert fingerprint(db) == before  # checked, not loaded


# --------------------------------------------------------------------------------------
# 2. Formula injection: every export is inert in a spreadsheet
# --------------------------------------------------------------------------------------

def _source(spec: tuple) -> tuple[list[str], pd.DataFrame]:
    """The column ids and the rows an export button would write (from its source)."""
    table = export._table(*spec)
    frames = [b if isinstance(b, pd.DataFrame) else b.to_pandas() for b in table.batches]
    ids = [c for c, _ in table.columns]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ids)
    return ids, rows


def _number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def export_problems(where: str, spec: tuple) -> tuple[list[str], set[str]]:
    """What is wrong with the .xlsx and .csv the export button would write, and which
    hostile formulas they carry (inert)."""
    out: list[str] = []
    ids, src = _source(spec)
    table = export._table(*spec)
    ws = openpyxl.load_workbook(io.BytesIO(tabular.xlsx_bytes([table]))).worksheets[0]
    cells = [list(r) for r in ws.iter_rows()]
    for c in (c for r in cells for c in r):
        if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith(tabular.FORMULA_PREFIXES)):
            out.append(f"{where}: xlsx {c.coordinate} {c.value!r}")
    first = len(table.meta) + 3  # title, meta lines, a blank row, the header
    body = cells[first:first + len(src)]
    assert len(body) == len(src), where
    for i, row in enumerate(body):
        for j, column in enumerate(ids):
            v = src[column].iloc[i]
            v = v.item() if hasattr(v, "item") and not isinstance(v, str) else v
            if _number(v) and (row[j].data_type != "n" or abs(row[j].value - v) > 1e-9 * max(1, abs(v))):
                out.append(f"{where}: xlsx {row[j].coordinate} {row[j].value!r} is not the number {v!r}")
            if isinstance(v, str) and v.startswith(tabular.FORMULA_PREFIXES) and row[j].value != "'" + v:
                out.append(f"{where}: xlsx {row[j].coordinate} {row[j].value!r} is not {v!r} made inert")
    lines = list(csv.reader(io.StringIO(tabular.csv_bytes(export._table(*spec)).decode("utf-8-sig"))))
    for r, line in enumerate(lines[1:], start=2):
        for text in line:
            if text.startswith(tabular.FORMULA_PREFIXES):
                try:
                    float(text)
                except ValueError:
                    out.append(f"{where}: csv row {r} {text!r}")
    inert = {s for s in STORED if s.startswith(tabular.FORMULA_PREFIXES)
             and any(isinstance(c.value, str) and c.value.startswith("'" + s) for r in body for c in r)
             and any(t.startswith("'" + s) for line in lines for t in line)}
    return out, inert


@pytest.mark.parametrize("page", [p for p in LEADER_PAGES if p != "present"])
def test_every_export_of_every_screen_is_inert_in_a_spreadsheet(page, hostile_db, monkeypatch):
    found: list[str] = []
    inert: set[str] = set()
    n = 0
    for s in leader_sweep(hostile_db, page, monkeypatch):
        for key, spec in s.exports.items():
            bad, carried = export_problems(f"{page}/{s.label}/{key}", spec)
            found += bad
            inert |= carried
            n += 1
    assert n, "the page offers exports"
    assert not found, "\n".join(found)
    if page in SHOWS_TEXT or page == "data":
        assert inert, "the hostile formulas are in the exports, made inert"
    if page == "explore":
        assert inert == {s for s in STORED if s.startswith(tabular.FORMULA_PREFIXES)}


def test_the_evaluation_pack_workbook_is_inert(hostile_db, tmp_path):
    out = tmp_path / "汇报.xlsx"
    done = subprocess.run([sys.executable, "-m", "reports", "pack", "--district", DISTRICT, "--year", YEAR,
                           "--out", str(out), "--db", str(hostile_db)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(out)
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value is not None]
    bad = [f"{c.parent.title}!{c.coordinate} {c.value!r}" for c in cells if c.data_type == "f"
           or (isinstance(c.value, str) and c.value.startswith(tabular.FORMULA_PREFIXES))]
    assert not bad, bad
    texts = [c.value for c in cells if isinstance(c.value, str)]
    # The appraised departments are in the pack (the suggestions sheet and the summary).
    assert any(t.startswith("'" + FORMULAS[0]) for t in texts)
    assert any(FORMULAS[0] in t and not t.startswith("'") for t in texts)  # inside a sentence: as written
    assert sum(c.data_type == "n" for c in cells) > 20  # the figures are numbers


# --------------------------------------------------------------------------------------
# 3. SQL injection: a link or a filter value selects nothing more than a harmless one
# --------------------------------------------------------------------------------------

URL_VALUES = SQLI + XSS


def forged_params(i: int) -> dict[str, str | list[str]]:
    """The ``i``-th forged link: the district with data, and every other parameter the app
    reads a different injection (in turn, so that over the pages each parameter meets each
    string). ``col.<column>`` names a column that does not exist (forged districts and
    values of a real column are checked below)."""
    v = [URL_VALUES[(i * 6 + j) % len(URL_VALUES)] for j in range(6)]
    return {"district": DISTRICT, "year": v[0], "town": [v[1], "甲街道' OR '1'='1"], "kind": v[2], "slide": v[3],
            f"col.{v[4]}": "1", "lang": v[5]}


def open_link(db: Path, monkeypatch: pytest.MonkeyPatch, page: str,
              params: dict[str, str | list[str]]) -> tuple[AppTest, Screen]:
    """A link with any parameters (``lang`` too, which ``open_app`` takes for itself)
    opened as a leader: the router's first run — the overview, where the link's notices
    are shown — captured, then ``page``."""
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(i18n._state, "lang", "zh")
    at = apptest.sign_in(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90), LEADER)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    first = capture(at, "first run")
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    return at, first


def table_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


@pytest.mark.parametrize("page", LEADER_PAGES)
def test_a_forged_link_shows_the_default_view_with_notices(page, hostile_db, monkeypatch):
    """Every page opened by a link whose every parameter but the district is an injection:
    the notices name the values (escaped), and the page shows exactly its default view of
    the district (the year a harmless unknown value falls back to, every town, the default
    record kind and slide): no row, figure or chart point more."""
    default = {s.label: s for s in leader_sweep(hostile_db, page, monkeypatch)}["default"]
    overview = {s.label: s for s in leader_sweep(hostile_db, "overview", monkeypatch)}["default"]
    before, counts = fingerprint(hostile_db), table_counts(hostile_db)
    at, first = open_link(hostile_db, monkeypatch, page, forged_params(LEADER_PAGES.index(page)))
    screen = capture(at, page)
    for s in (first, screen):
        assert not s.problems, (s.label, s.problems)
        leaks = markup_leaks(s)
        assert not leaks, "\n".join(leaks)
    notices = [text for typ, path, text in first.strings if typ == "warning" and path == ".body"]
    assert len(notices) >= 3, notices  # the year, two towns
    assert first.content == overview.content
    # (the town profile's default view was opened for its first town, which it shows alone)
    assert {**screen.content, "filters": None} == {**default.content, "filters": None}
    assert screen.content["filters"] == (DISTRICT, int(YEAR), ())
    assert fingerprint(hostile_db) == before and table_counts(hostile_db) == counts


def test_a_forged_district_falls_back_to_the_default_district(hostile_db, monkeypatch):
    """Every injection as the district: the notice, and the view of a harmless unknown
    district (the first district), never 测试区's records nor every district's."""
    at, harmless = open_link(hostile_db, monkeypatch, "overview", {"district": "火星区", "year": YEAR})
    assert not harmless.problems
    default = at.session_state["_filters"].district
    assert default != DISTRICT
    for s in URL_VALUES:
        at.query_params["district"] = s
        at.run()
        screen = capture(at, s)
        assert not screen.problems and not markup_leaks(screen), (s, screen.problems, markup_leaks(screen))
        assert screen.content == harmless.content, s
        assert any(plain(s) in text for typ, path, text in screen.strings if typ == "warning"), s


def test_forged_explorer_and_slide_parameters_select_nothing_more(hostile_db, monkeypatch):
    """The page parameters of 明细查询 (``kind``, ``col.<column>``) and 汇报模式 (``slide``)
    with every injection, after a legitimate district and year: the explorer falls back to
    its default kind, drops a date it cannot read, and the condition on the topic matches
    nothing, exactly as a harmless unknown topic; the slide show stays on its first slide.
    A payload that *is* a topic selects that one record, its chip reading as typed."""
    base = {"district": DISTRICT, "year": YEAR}
    at, _ = open_link(hostile_db, monkeypatch, "explore",
                      {**base, "kind": "no_such_kind", "col.topic": "不存在的主题"})
    harmless = capture(at, "harmless")
    assert not harmless.problems and not harmless.frames  # no record
    for i, s in enumerate(URL_VALUES):  # (the markup payloads are real topics: not as a topic)
        at.query_params["kind"] = s
        at.query_params["col.topic"] = SQLI[i % len(SQLI)]
        at.query_params["town"] = s
        at.query_params["col.date"] = s
        at.run()
        screen = capture(at, s)
        assert not screen.problems, (s, screen.problems)
        assert not markup_leaks(screen), markup_leaks(screen)
        assert screen.content == harmless.content, s
        assert at.selectbox(key="ex_kind").value == "activities" and "col.date" not in at.query_params
        warned = " ".join(text for typ, path, text in screen.strings if typ == "warning")
        assert plain(s) in warned, s  # the kind, the town and the date are named, escaped
    for p in (XSS[0], XSS[3], XSS[6]):  # (records whose topic is the payload alone)
        at.query_params["col.topic"] = p
        at.run()
        screen = capture(at, p)
        assert not screen.problems and not markup_leaks(screen), (screen.problems, markup_leaks(screen))
        assert [list(f["topic"]) for f in screen.frames] == [[p]]
        chips = [text for typ, path, text in screen.strings if typ == "markdown" and "-badge[" in text]
        assert any(unescaped(c).endswith(f"＝{p}]") for c in chips), chips  # 主题＝<the payload>
    at, _ = open_link(hostile_db, monkeypatch, "present", {**base, "slide": "99"})
    first_slide = capture(at, "slide 99").content
    for s in URL_VALUES:
        at.query_params["slide"] = s
        at.run()
        screen = capture(at, s)
        assert not screen.problems and not markup_leaks(screen), (s, screen.problems)
        assert screen.content == first_slide and at.query_params["slide"] == "1", s


# Every public query function, and where a caller's string enters it besides the filters.
QUERY_FUNCTIONS = public_query_functions()
# Record kinds whose towns come from their own column, the visit, the lead deputy, none.
SWEEP_KINDS = ("activities", "enterprise_opinions", "formal_suggestions", "appraisals")
ARG_SLOTS = {"town": "甲街道", "sessions": STORED[0], "site_ids": "S1"}
UNKNOWN = "不存在的名字"


def _calls(name: str) -> list[dict[str, object]]:
    """The keyword arguments of each call of ``name``; ``...`` marks a slot for the string
    under test (a legitimate value while another slot is tested)."""
    fixed: dict[str, list[dict[str, object]]] = {
        "compare.ranked_towns": [{"measure": "congress"}],
        "towns.town_ranking": [{"measure": "congress"}],
        "freshness.completeness_by_town_month": [{"kind": "activities"}],
        "freshness.completeness_grid": [{"kind": "activities"}],
        "records.record_page": [{"kind": k, "limit": records.MAX_PAGE} for k in SWEEP_KINDS],
        "records.record_count": [{"kind": k} for k in SWEEP_KINDS],
        "records.record_batches": [{"kind": k} for k in SWEEP_KINDS],
        "micro.micro_departments": [{"order": "volume"}],
        "sites.sites_side_by_side": [{"site_ids": ...}],
        "towns.town_measures_by_year": [{"first": 2023, "last": 2025}],
    }
    if name in fixed:
        return fixed[name]
    params = list(inspect.signature(dict(QUERY_FUNCTIONS)[name]).parameters)
    if "town" in params and name not in ("towns.town_measures", "towns.town_ranks", "towns.town_ranking"):
        return [{"town": ...}]
    if "sessions" in params:
        return [{"sessions": ...}]
    return [{}]


def _fill(kwargs: dict[str, object], value: str | tuple[str, ...] | None = None) -> dict[str, object]:
    """``kwargs`` with its slot holding ``value`` (None: the slot's legitimate value)."""
    out = {}
    for k, v in kwargs.items():
        if v is ...:
            v = value if value is not None else ARG_SLOTS[k]
            v = (v,) if isinstance(v, str) and k in ("sessions", "site_ids") else v
        out[k] = v
    return out


def _outcome(fn: Callable, con, f: Filters, kwargs: dict[str, object]) -> object:
    try:
        return run(fn, con, f, kwargs)
    except (ValueError, PermissionError) as e:  # refused (a scope, a slot): alike whatever the string
        return type(e)


def _same(a: object, b: object, where_: str) -> bool:
    if isinstance(a, type) or isinstance(b, type):
        return a is b
    try:
        assert_same(a, b, where_)
        return True
    except AssertionError:
        return False


@pytest.fixture(scope="module")
def hostile_con(hostile_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(hostile_db), read_only=True)
    yield con
    con.close()


def test_injected_strings_in_every_query_function_select_what_an_unknown_name_selects(hostile_con):
    """Each public query function, each place a string enters it: the district, the
    chosen towns, the user's scope (all the injections at once: they are lists), and its
    own town, sessions or site ids — the injections give what an unknown name gives."""
    f = Filters(district=DISTRICT, year=int(YEAR))
    wrong: list[str] = []
    widened = 0  # calls where the legitimate district selects something: an injection would show
    for name, fn in QUERY_FUNCTIONS:
        for kwargs in _calls(name):
            legit = _fill(kwargs)
            cases = [  # (slot, the unknown call, the injected calls)
                ("district", (Filters(district=UNKNOWN, year=f.year), legit),
                 [(Filters(district=f"{DISTRICT}' OR '1'='1", year=f.year), legit)]),
                ("towns", (f.with_towns((UNKNOWN,)), legit), [(f.with_towns(tuple(SQLI)), legit)]),
                ("scope", (f.scoped([UNKNOWN]), legit), [(f.scoped(SQLI), legit)]),
            ]
            for k, v in kwargs.items():
                if v is ...:
                    injected = [_fill(kwargs, tuple(SQLI) if k != "town" else s) for s in
                                (SQLI if k == "town" else SQLI[:1])]
                    cases.append((k, (f, _fill(kwargs, UNKNOWN)), [(f, kw) for kw in injected]))
            for slot, unknown_call, injected_calls in cases:
                unknown = _outcome(fn, hostile_con, *unknown_call)
                if slot == "district":
                    widened += not _same(_outcome(fn, hostile_con, f, legit), unknown, name)
                for call in injected_calls:
                    if not _same(_outcome(fn, hostile_con, *call), unknown, f"{name} {slot}"):
                        wrong.append(f"{name}({kwargs}) {slot}: {call[0]} {call[1]}")
    assert not wrong, "\n".join(wrong)
    assert widened > 60, "the legitimate district selects records: an injection would show"
    assert table_counts_con(hostile_con)["activities"] == len(HOSTILE)


def table_counts_con(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


@pytest.mark.parametrize("wildcard", ["%", "_", "%%", "_%"])
def test_like_wildcards_in_a_search_match_only_themselves(hostile_con, wildcard):
    f = Filters(district=DISTRICT, year=int(YEAR), unmasked=True)
    for kind, columns in TEXT_FIELDS.items():
        for column in columns:
            assert records.record_count(hostile_con, f, kind, [(column, "contains", wildcard)]) == 0, (kind, column)
    assert records.record_count(hostile_con, f, "activities", [("topic", "contains", "{{7*7}}")]) == 1
    assert enterprise.opinion_list(hostile_con, f, search=wildcard).empty
    assert len(enterprise.opinion_list(hostile_con, f, search="alert(1)")) == 5


# --------------------------------------------------------------------------------------
# 4. Personal numbers: none unmasked on an analyst's screen or in an analyst's export
# --------------------------------------------------------------------------------------

ANALYST_PAGES = [p.name for p in PAGES if p.name in access.ROLE_PAGES["analyst"]]


def personal_numbers(text: str) -> list[str]:
    return PHONE_RE.findall(text) + ID_RE.findall(text)


def screen_numbers(screen: Screen) -> list[str]:
    texts = [text for _, _, text in screen.strings] + [literal_texts(screen)]
    return [f"{screen.label}: {m}" for t in texts for m in personal_numbers(t)]


def export_numbers(where: str, spec: tuple) -> list[str]:
    table = export._table(*spec)
    ws = openpyxl.load_workbook(io.BytesIO(tabular.xlsx_bytes([table]))).worksheets[0]
    cells = [str(c.value) for r in ws.iter_rows() for c in r if c.value is not None]
    found = [f"{where}.xlsx: {m}" for c in cells for m in personal_numbers(c)]
    text = tabular.csv_bytes(export._table(*spec)).decode("utf-8-sig")
    return found + [f"{where}.csv: {m}" for m in personal_numbers(text)]


def analyst_leaks(screens: list[Screen], page: str) -> list[str]:
    out = [x for s in screens for x in screen_numbers(s)]
    seen: set[tuple[str, int]] = set()
    for s in screens:
        for key, spec in s.exports.items():
            if (key, id(spec)) not in seen:
                seen.add((key, id(spec)))
                out += export_numbers(f"{page}/{s.label}/{key}", spec)
    return out


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_an_analyst_sees_no_personal_number_in_the_hostile_warehouse(page, hostile_db, monkeypatch):
    screens = sweep(hostile_db, ANALYST, page, monkeypatch, DISTRICT, YEAR, TOWNS, COMPARED)
    for s in screens:
        assert not s.problems, (s.label, s.problems)
    leaks = analyst_leaks(screens, page)
    assert not leaks, "\n".join(leaks[:40])
    if page in ("enterprise", "formal", "town", "explore"):
        shown = "\n".join(literal_texts(s) for s in screens)
        assert "139****5678" in shown and "320***********1234" in shown, "the texts are shown, masked"


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_an_analyst_sees_no_personal_number_in_the_demo_warehouse(page, demo_db, monkeypatch):
    screens = sweep(demo_db, ANALYST, page, monkeypatch, DEMO_DISTRICT, DEMO_YEAR, [DEMO_TOWN])
    for s in screens:
        assert not s.problems, (s.label, s.problems)
    leaks = analyst_leaks(screens, page)
    assert not leaks, "\n".join(leaks[:40])


def test_the_scan_finds_the_numbers_a_leader_sees(hostile_db, demo_db, monkeypatch):
    """The scans above can fail: a leader's screens and exports (in clear) hold the numbers
    in every person-level field; the demo warehouse's texts hold some too."""
    leader = {page: analyst_leaks(leader_sweep(hostile_db, page, monkeypatch), page)
              for page in ("enterprise", "formal", "town", "explore")}
    assert all(leader.values()), {k: len(v) for k, v in leader.items()}
    explored = {s.label: s for s in leader_sweep(hostile_db, "explore", monkeypatch)}
    for kind, columns in PII_FIELDS.items():
        (table,) = explored[kind].frames
        for column in columns:
            assert any(personal_numbers(str(v)) for v in table[column]), (kind, column)
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        f = Filters(district=DEMO_DISTRICT, unmasked=True)
        texts = pd.concat(records.record_batches(con, f, "micro_suggestions"))["content"].dropna()
        assert sum(bool(personal_numbers(t)) for t in texts) >= 5
        texts = pd.concat(records.record_batches(con, f, "enterprise_opinions"))["content"].dropna()
        assert sum(bool(personal_numbers(t)) for t in texts) >= 5
    finally:
        con.close()


@pytest.mark.parametrize("which", ["hostile", "demo"])
def test_the_pack_an_analyst_downloads_carries_no_personal_number(which, hostile_db, demo_db):
    """汇报模式's downloads, as an analyst's filters build them: every text of the deck
    (slides, tables, notes, the summary — what the .pptx and .pdf show) and every cell of
    the .xlsx."""
    db, district, year = (hostile_db, DISTRICT, YEAR) if which == "hostile" else (demo_db, DEMO_DISTRICT, DEMO_YEAR)
    con = duckdb.connect(str(db), read_only=True)
    try:
        f = access.scoped(Filters(district=district, year=int(year)), ANALYST)
        f = replace(f, as_of=common.data_as_of(con, district))
        deck = pack.build_deck(con, f)
    finally:
        con.close()
    buf = io.BytesIO()
    write_pack(deck, buf, ".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    cells = [str(c.value) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value is not None]
    texts = [text for _, text in _strings(_plain_data(deck))] + cells
    found = [m for t in texts for m in personal_numbers(t)]
    assert not found, found[:20]
    assert len(cells) > 100


def _plain_data(x: object) -> object:
    """A dataclass tree (the deck) as dicts, lists and strings."""
    if is_dataclass(x) and not isinstance(x, type):
        return {fld.name: _plain_data(getattr(x, fld.name)) for fld in dc_fields(x)}
    if isinstance(x, pd.DataFrame):
        return [str(c) for c in x.columns] + [str(v) for v in x.to_numpy().ravel()]
    if isinstance(x, (list, tuple)):
        return [_plain_data(v) for v in x]
    return str(x)
