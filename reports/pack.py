"""The evaluation pack as data: the storyline of slides for one district-year, each slide
with one message, its KPIs, one chart's series, one table and its speaker notes.

Every renderer — presentation mode in the app, PowerPoint, PDF, Excel — draws this same
:class:`Deck`, so the four can never disagree, and a test can compare each rendering with
the deck (and the deck with the queries). Everything here is a pure function of the
warehouse and the filters: no Streamlit, no file formats.

The storyline (:data:`STORYLINE`): title (district, period, 数据截至) → headline KPIs vs
last year and targets → participation → 三会 compliance → enterprise visits and findings →
码上办 → formal suggestions and appraisals → full-coverage rollout → needs attention.
The texts are Chinese: the pack is made for evaluations in Chinese (观摩评比, 工作评议, the
city's assessment).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from etl.spec import enum_label
from reports import summary as summ
from warehouse.filters import Filters
from warehouse.memo import memo
from warehouse.queries import appraisal, enterprise, formal, micro, overview, participation, rollout, statutory

STORYLINE = ("title", "headline", "participation", "statutory", "enterprise", "micro", "suggestions", "rollout",
             "attention")
SLIDE_TITLES = {
    "title": "履职工作汇报", "headline": "核心指标", "participation": "宣传教育与群众参与",
    "statutory": "“三会”制度落实", "enterprise": "进企业促发展", "micro": "代表“码上办”",
    "suggestions": "代表建议与工作评议", "rollout": "实践基地全覆盖", "attention": "需要关注",
}
# The summary section that each slide's notes carry.
SUMMARY_OF = {"participation": "publicity", "statutory": "statutory", "enterprise": "enterprise", "micro": "micro",
              "suggestions": "suggestions", "rollout": "rollout", "attention": "attention"}

KPI_LABELS = {
    "congress": "镇人代会/街道代表议事会", "review": "工作评议会", "deputy_voter": "代表选民议事会",
    "compliance": "三会达标率", "participants": "参与人次", "publicity": "宣讲活动",
    "publicity_participants": "宣讲参与人次", "visits": "走访次数", "enterprises": "走访企业",
    "person_times": "代表参与人次", "opinions_enterprise": "企业提出意见", "opinions_deputy": "代表提出意见建议",
    "micro_solved": "码上办解决问题", "coverage": "实践点覆盖镇街",
}
KPI_UNITS = {"congress": "次", "review": "次", "deputy_voter": "次", "participants": "人次", "publicity": "场次",
             "publicity_participants": "人次", "visits": "次", "enterprises": "家", "person_times": "人次",
             "opinions_enterprise": "条", "opinions_deputy": "条", "micro_solved": "件", "coverage": "个"}
HEADLINE_TILES = ("congress", "review", "deputy_voter", "compliance", "publicity", "enterprises", "person_times",
                  "opinions_enterprise", "opinions_deputy", "micro_solved", "coverage", "participants")


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str  # formatted, with its unit
    delta: str = ""  # "较上年 +3" / ""
    target: str = ""  # "目标 32" / ""
    status: str = "none"  # met / pending / missed / none (colours as on the dashboard)
    definition: str = ""  # 统计口径, for the notes


@dataclass(frozen=True)
class Chart:
    kind: str  # "column" | "bar" | "line" | "stacked_column"
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    percent: bool = False  # values are shares 0..1
    y_title: str = ""


@dataclass(frozen=True)
class SlideTable:
    title: str
    columns: list[str]  # headers (Chinese)
    rows: list[list[object]]
    max_rows_on_slide: int = 12


@dataclass
class Slide:
    key: str
    title: str
    message: str
    kpis: list[Kpi] = field(default_factory=list)
    chart: Chart | None = None
    table: SlideTable | None = None
    notes: str = ""
    # The data behind the slide for the Excel pack: (sheet part title, frame with Chinese headers).
    data: list[tuple[str, pd.DataFrame]] = field(default_factory=list)


@dataclass
class Deck:
    district: str
    year: int
    as_of: dt.date | None
    filters_text: str
    slides: list[Slide]
    summary: list[summ.Section]

    @property
    def stamp(self) -> str:
        """The line every slide and page carries: the filters and 数据截至."""
        return f"{self.filters_text} · 数据截至 {self.as_of:%Y-%m-%d}" if self.as_of else self.filters_text


# --------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------

def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def fmt_int(x: object) -> str:
    return "—" if _missing(x) else f"{int(round(float(x))):,}"


def fmt_pct(x: object) -> str:
    return "—" if _missing(x) else f"{float(x) * 100:.1f}%"


def _delta(cur: object, prev: object, percent: bool, same_period: bool) -> str:
    if _missing(cur) or _missing(prev):
        return ""
    base = "较上年同期" if same_period else "较上年"
    if percent:
        d = (float(cur) - float(prev)) * 100
        return f"{base} {d:+.1f}个百分点" if round(d, 1) else f"{base} 持平"
    d = int(round(float(cur) - float(prev)))
    return f"{base} {d:+,}" if d else f"{base} 持平"


def filters_text(f: Filters) -> str:
    visible = f.visible_towns()  # a scoped user's towns, never "all"
    towns = "、".join(visible) if visible is not None else "全部镇街"
    return f"{f.district or '全部区'} · {f.year}年 · {towns}"


def _definition(metric: str) -> str:
    from ui.metrics import METRICS  # the one dictionary of definitions (no Streamlit needed)

    m = METRICS.get(metric)
    return f"{m.name_zh}：{m.rule_zh}" if m else ""


# --------------------------------------------------------------------------------------
# The deck
# --------------------------------------------------------------------------------------

def build_deck(con: duckdb.DuckDBPyConnection, f: Filters) -> Deck:
    """The storyline for the filter's district and year (both required)."""
    if f.district is None or f.year is None:
        raise ValueError("a pack is of one district and one year")
    con = memo(con)  # the slides and the summary share many questions: each answered once
    computed = summ.summary_sections(con, f)
    sections = {s.key: s for s in computed}
    kpis = overview.headline_kpis(con, f).set_index("kpi")
    same = not f.year_over
    slides = [
        _title(f),
        _headline(kpis, same),
        _participation(con, f, kpis, same),
        _statutory(con, f, kpis, same),
        _enterprise(con, f, kpis, same),
        _micro(con, f, kpis, same),
        _suggestions(con, f),
        _rollout(con, f, kpis),
        _attention(con, f),
    ]
    for s in slides:
        sec = sections.get(SUMMARY_OF.get(s.key, ""))
        defs = "\n".join(k.definition for k in s.kpis if k.definition)
        parts = [p for p in (sec.text if sec else "", ("统计口径：\n" + defs) if defs else "") if p]
        s.notes = "\n\n".join(parts)
    slides[0].notes = summ.sections_text(computed)  # the summary once, not computed again
    return Deck(f.district, f.year, f.as_of, filters_text(f), slides, list(sections.values()))


def _kpi(kpis: pd.DataFrame, k: str, same: bool) -> Kpi:
    r = kpis.loc[k]
    percent = k == "compliance"
    value = fmt_pct(r["value"]) if percent else f"{fmt_int(r['value'])}{KPI_UNITS.get(k, '')}"
    target = ""
    status = "none"
    if not _missing(r["target"]):
        target = f"目标 {fmt_pct(r['target']) if percent else fmt_int(r['target'])}"
        if not _missing(r["value"]):
            status = "met" if float(r["value"]) >= float(r["target"]) else ("pending" if same else "missed")
    return Kpi(KPI_LABELS[k], value, _delta(r["value"], r["previous"], percent, same), target, status,
               _definition(k))


def _title(f: Filters) -> Slide:
    period = f"{f.year}年" if f.year_over else f"{f.year}年1月—{f.as_of.month}月" if f.as_of else f"{f.year}年"
    msg = f"{f.district}人大常委会 · {period}"
    return Slide("title", f"{f.district}{SLIDE_TITLES['title']}", msg)


def _headline(kpis: pd.DataFrame, same: bool) -> Slide:
    tiles = [_kpi(kpis, k, same) for k in HEADLINE_TILES]
    frame = pd.DataFrame({
        "指标": [KPI_LABELS[k] for k in kpis.index],
        "本期": kpis["value"].tolist(),
        "上年同期" if same else "上年": kpis["previous"].tolist(),
        "目标": kpis["target"].tolist(),
    })
    # The message counts the tiles on the slide, so a reader can check it against them.
    than = "上年同期" if same else "上年"
    comparable = [k for k in HEADLINE_TILES if k in kpis.index and not _missing(kpis.loc[k, "previous"])
                  and not _missing(kpis.loc[k, "value"])]
    up = [k for k in comparable if kpis.loc[k, "value"] > kpis.loc[k, "previous"]]
    down = [k for k in comparable if kpis.loc[k, "value"] < kpis.loc[k, "previous"]]
    flat = len(comparable) - len(up) - len(down)
    if comparable:
        msg = f"{len(comparable)}项可比指标中{len(up)}项高于{than}"
        if flat:
            msg += f"，{flat}项持平"
        if down:
            names = "、".join(KPI_LABELS[k] for k in down[:3]) + ("等" if len(down) > 3 else "")
            msg += f"，{len(down)}项低于{than}（{names}）"
    else:
        msg = "首个有数据的年度，暂无上年对比"
    return Slide("headline", SLIDE_TITLES["headline"], msg, tiles, data=[("核心指标", frame)])


def _participation(con, f, kpis, same) -> Slide:
    h = participation.participation_headline(con, f)
    ekm = participation.events_by_kind_month(con, f)
    months = list(range(1, 13)) if f.year_over else list(range(1, (f.as_of.month if f.as_of else 12) + 1))
    by_month = ekm.groupby("month")["events"].sum().reindex(months, fill_value=0)
    pub = ekm[ekm["kind"] == "PUBLICITY"].groupby("month")["events"].sum().reindex(months, fill_value=0)
    chart = Chart("column", "各月活动场次", [f"{m}月" for m in months],
                  [("全部活动", [float(x) for x in by_month]), ("宣讲活动", [float(x) for x in pub])], y_title="场次")
    pbt = participation.publicity_by_town(con, f)
    table = SlideTable("各镇街宣讲活动", ["镇街", "宣讲场次", "参与人次", "宣传月场次"],
                       [[r.town, int(r.events), int(r.participants), int(r.march_events)] for r in pbt.itertuples()])
    groups = participation.participants_by_group(con, f)
    group_names = {"deputies": "人大代表", "voter_reps": "选民代表", "social_workers": "基层社会工作者", "public": "群众"}
    msg = (f"{h['counted_towns']}个镇街举办宣讲{h['publicity_events']}场次、{fmt_int(h['publicity_participants'])}人次参加；"
           f"各类活动{fmt_int(h['events'])}场次、{fmt_int(h['participants'])}人次参与")
    return Slide("participation", SLIDE_TITLES["participation"], msg,
                 [_kpi(kpis, "publicity", same), _kpi(kpis, "publicity_participants", same),
                  _kpi(kpis, "participants", same)],
                 chart, table,
                 data=[("各月活动场次", pd.DataFrame({"月份": chart.categories, "全部活动": chart.series[0][1],
                                                 "宣讲活动": chart.series[1][1]})),
                       ("各镇街宣讲活动", pd.DataFrame(table.rows, columns=table.columns)),
                       ("参与人员构成", pd.DataFrame({"群体": [group_names[g] for g in groups["group"]],
                                                   "人次": groups["participants"].tolist(),
                                                   "占比": groups["share"].tolist()}))])


def _statutory(con, f, kpis, same) -> Slide:
    bt = statutory.statutory_by_town(con, f)
    chart = Chart("column", "各镇街“三会”召开次数", bt["town"].tolist(),
                  [("镇人代会/街道代表议事会", [float(x) for x in bt["congress"]]),
                   ("工作评议会", [float(x) for x in bt["review"]]),
                   ("代表选民议事会", [float(x) for x in bt["deputy_voter"]])], y_title="次")
    status_zh = {"met": "达标", "pending": "尚未达到", "missed": "未达标"}
    rows = [[r.town, int(r.congress), int(r.review), int(r.deputy_voter), status_zh[r.status]] for r in bt.itertuples()]
    table = SlideTable("未达标镇街", ["镇街", "镇人代会/议事会", "工作评议会", "代表选民议事会", "状态"],
                       [r for r in rows if r[4] != "达标"])
    met = int(bt["compliant"].sum()) if len(bt) else 0
    msg = (f"{len(bt)}个镇街全部达到法定最低要求" if len(bt) and met == len(bt)
           else f"{met}/{len(bt)}个镇街达到法定最低要求")
    return Slide("statutory", SLIDE_TITLES["statutory"], msg,
                 [_kpi(kpis, k, same) for k in ("congress", "review", "deputy_voter", "compliance")], chart,
                 table if table.rows else None,
                 data=[("各镇街三会", pd.DataFrame(rows, columns=["镇街", "镇人代会/议事会", "工作评议会",
                                                                "代表选民议事会", "状态"]))])


def _enterprise(con, f, kpis, same) -> Slide:
    h = enterprise.enterprise_headline(con, f)
    cats = enterprise.opinions_by_category(con, f)
    labels = [enum_label("opinion_category", c) for c in cats["category"]]
    chart = Chart("bar", "意见建议分类", labels,
                  [("企业提出", [float(x) for x in cats["opinions_enterprise"]]),
                   ("代表提出", [float(x) for x in cats["opinions_deputy"]])], y_title="条")
    rate = h["resolved"] / h["opinions"] if h["opinions"] else None
    msg = (f"走访企业{fmt_int(h['enterprises'])}家，收集意见建议{fmt_int(h['opinions'])}条，办结率{fmt_pct(rate)}"
           if h["visits"] else "本期暂无进企业走访记录")
    frame = pd.DataFrame({"类别": labels, "意见建议": cats["opinions"].tolist(),
                          "企业提出": cats["opinions_enterprise"].tolist(), "代表提出": cats["opinions_deputy"].tolist(),
                          "已办结": cats["resolved"].tolist()})
    return Slide("enterprise", SLIDE_TITLES["enterprise"], msg,
                 [_kpi(kpis, k, same) for k in ("enterprises", "person_times", "opinions_enterprise",
                                                 "opinions_deputy")]
                 + [Kpi("回收问卷", f"{fmt_int(h['questionnaires'])}份", definition=_definition("questionnaires")),
                    Kpi("意见办结率", fmt_pct(rate), definition=_definition("opinion_resolution_rate"))],
                 chart, data=[("意见建议分类", frame)])


def _micro(con, f, kpis, same) -> Slide:
    h = micro.micro_headline(con, f)
    mm = micro.micro_monthly(con, f)
    months = sorted(mm["month"].unique().tolist())
    parts = {"closed_on_time": "按时办结", "closed_late": "超时办结", "open": "未办结", "rejected": "不予受理"}
    series = []
    for p, name in parts.items():
        s = mm[mm["part"] == p].set_index("month")["suggestions"].reindex(months, fill_value=0)
        series.append((name, [float(x) for x in s]))
    chart = Chart("stacked_column", "各月提交微建议及办理情况", [f"{m}月" for m in months], series, y_title="件")
    n_overdue = overview.overdue_micro_count(con, f)
    # The list of overdue suggestions is record-level: a role without records gets the count only.
    overdue = overview.overdue_micro_suggestions(con, f) if f.records and n_overdue else None
    msg = (f"解决群众急难愁盼问题{fmt_int(kpis.loc['micro_solved', 'value'])}件，办结率{fmt_pct(h['closing_rate'])}"
           + (f"，{n_overdue}件超期未办结" if n_overdue else ""))
    frame = pd.DataFrame({"月份": chart.categories, **{name: vals for name, vals in series}})
    table = None
    if overdue is not None and len(overdue):
        table = SlideTable("超期未办结微建议", ["编号", "镇街", "提交日期", "状态", "已用工作日"],
                           [[r.suggestion_id, r.town, pd.Timestamp(r.submitted_on).strftime("%Y-%m-%d"),
                             enum_label("micro_status", r.status), int(r.working_days)]
                            for r in overdue.itertuples()])
    return Slide("micro", SLIDE_TITLES["micro"], msg,
                 [_kpi(kpis, "micro_solved", same),
                  Kpi("提交微建议", f"{fmt_int(h['submitted'])}件", definition=_definition("micro_submitted")),
                  Kpi("办结率", fmt_pct(h["closing_rate"]), definition=_definition("micro_closing_rate")),
                  Kpi("满意率", fmt_pct(h.get("satisfaction_rate")), definition=_definition("micro_satisfaction_rate"))],
                 chart, table,
                 data=[("各月办理情况", frame)] + ([("超期未办结", pd.DataFrame(table.rows, columns=table.columns))]
                                                  if table else []))


def _suggestions(con, f) -> Slide:
    sessions = formal.default_sessions(con, f)
    fh = formal.formal_headline(con, f, sessions) if sessions else None
    ah = appraisal.appraisal_headline(con, f)
    ar = appraisal.appraisal_results(con, f)
    kpis = []
    data = []
    chart = None
    if fh and fh["suggestions"]:
        kpis += [Kpi("代表建议", f"{fmt_int(fh['suggestions'])}件", definition=_definition("formal_count")),
                 Kpi("按时答复率", fmt_pct(fh["on_time_rate"]), definition=_definition("formal_on_time")),
                 Kpi("代表满意率", fmt_pct(fh.get("satisfaction_rate")), definition=_definition("formal_satisfaction"))]
        res = formal.results_breakdown(con, f, sessions)
        data.append(("建议办理结果", pd.DataFrame({"办理结果": [enum_label("formal_result", r) for r in res["result"]],
                                                "件数": res["suggestions"].tolist(), "占比": res["share"].tolist()})))
    if ah["appraisals"]:
        kpis += [Kpi("评议部门", f"{fmt_int(ah['appraisals'])}个", definition=_definition("appraisal_count")),
                 Kpi("评议满意率", fmt_pct(ah["satisfaction_rate"]), definition=_definition("appraisal_rate"))]
        chart = Chart("bar", "被评议部门满意率", ar["department"].tolist(),
                      [("满意率", [float(x) for x in ar["satisfaction_rate"]])], percent=True)
        data.append(("工作评议结果", pd.DataFrame({"被评议单位": ar["department"].tolist(),
                                                "票数": ar["ballots"].tolist(),
                                                "满意率": ar["satisfaction_rate"].tolist(),
                                                "等次": [enum_label("rating", g) if isinstance(g, str) else "—"
                                                       for g in ar["grade"]]})))
    parts = []
    if fh and fh["suggestions"]:
        parts.append(f"代表建议{fh['suggestions']}件，按时答复率{fmt_pct(fh['on_time_rate'])}")
    if ah["appraisals"]:
        parts.append(f"评议{ah['appraisals']}个部门，满意率{fmt_pct(ah['satisfaction_rate'])}")
    msg = "；".join(parts) if parts else "本期暂无代表建议和工作评议记录"
    return Slide("suggestions", SLIDE_TITLES["suggestions"], msg, kpis, chart, data=data)


def _rollout(con, f, kpis) -> Slide:
    summary = rollout.rollout_summary(con, f)
    series = rollout.coverage_series(con, f)
    end = pd.Timestamp(min(dt.date(f.year, 12, 31), f.as_of or dt.date(f.year, 12, 31)))
    s = series[(series["district"] == f.district) & series["actual"].fillna(False).astype(bool)
               & (pd.to_datetime(series["month"]) <= end)]
    cats = [pd.Timestamp(m).strftime("%Y-%m") for m in s["month"]]
    chart = Chart("line", "已覆盖镇街数（月末）", cats,
                  [("已覆盖", [math.nan if _missing(x) else float(x) for x in s["covered"]]),
                   ("目标", [float(x) if not _missing(x) else math.nan for x in s["target"]])], y_title="个镇街")
    by_town = rollout.rollout_by_town(con, f)
    stage_zh = {None: "未启动"}
    rows = [[r.town, enum_label("site_stage", r.stage) if isinstance(r.stage, str) else stage_zh[None],
             r.site_name if isinstance(r.site_name, str) else "—",
             r.accepted_on.isoformat() if isinstance(r.accepted_on, dt.date) else "—"] for r in by_town.itertuples()]
    table = SlideTable("各镇街实践点", ["镇街", "阶段", "实践点", "验收日期"], rows, max_rows_on_slide=16)
    msg = "暂无实践点建设记录"
    tiles: list[Kpi] = []
    if not summary.empty:
        r = summary.iloc[0]
        msg = f"{int(r['covered'])}/{int(r['towns'])}个镇街已建成验收实践点"
        if not _missing(r["target"]):
            msg += f"，{r['target_year']}年目标{int(r['target'])}个"
        tiles = [Kpi("已覆盖镇街", f"{int(r['covered'])}个", target=f"目标 {fmt_int(r['target'])}"
                     if not _missing(r["target"]) else "", status="met" if not _missing(r["target"]) and
                     r["covered"] >= r["target"] else "none", definition=_definition("coverage")),
                 Kpi("覆盖率", fmt_pct(r["covered"] / r["towns"] if r["towns"] else None)),
                 Kpi("建成待验收", f"{int(r['built'])}个", definition=_definition("coverage_built"))]
    return Slide("rollout", SLIDE_TITLES["rollout"], msg, tiles, chart, table,
                 data=[("覆盖进度", pd.DataFrame({"月份": cats, "已覆盖": chart.series[0][1],
                                              "目标": chart.series[1][1]})),
                       ("各镇街实践点", pd.DataFrame(rows, columns=table.columns))])


def _attention(con, f) -> Slide:
    df = overview.needs_attention(con, f)
    sev_zh = {"red": "未达标", "amber": "进度滞后", "green": "正常"}
    kind_zh = {"statutory": "三会制度", "rollout": "全覆盖", "micro_overdue": "码上办超期"}
    metric_zh = {"congress": "镇人代会/议事会", "review": "工作评议会", "compliance": "三会达标", "coverage": "实践点覆盖",
                 "micro_overdue": "超期未办结"}
    rows = []
    for r in df.itertuples():
        target = "" if _missing(r.target) else fmt_int(r.target)
        extra = f"最长{int(r.oldest_days)}个工作日" if not _missing(r.oldest_days) else ""
        rows.append([sev_zh[r.severity], kind_zh[r.kind], r.town if isinstance(r.town, str) else r.district,
                     metric_zh.get(r.metric, r.metric), fmt_int(r.value), target, extra])
    cols = ["状态", "类别", "镇街/区", "指标", "数值", "要求/目标", "说明"]
    issues = [r for r in rows if r[0] != "正常"]
    msg = f"{len(issues)}项需要关注" if issues else "各项指标均达到要求"
    table = SlideTable("需要关注事项", cols, issues or rows, max_rows_on_slide=12)
    return Slide("attention", SLIDE_TITLES["attention"], msg, table=table,
                 data=[("需要关注", pd.DataFrame(rows, columns=cols))])
