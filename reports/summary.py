"""工作总结: the written summary of a district-year, one paragraph per section, in the
register of a standing committee's work report — generated, so staff no longer type it.

Template-based and deterministic: every number in the text comes from a query of
``warehouse/queries`` for the same filters (the figures are returned with the text, so a
test can check each number against its query); nothing is typed in. The same sections
feed the evaluation pack's notes and the PDF's opening page.

Conventions of the register:

* A finished year opens "2023年，"; a year the data has not finished opens "今年以来（截至
  10月31日），" and compares with the same period of last year ("较上年同期").
* "全区" for a whole district; "所选N个镇街" for a selection of towns; "所辖N个镇街" for a user
  whose scope is some towns (every figure is then of those towns only); "各区合计" with no district.
* Year-on-year: "较上年增加N次" / "减少" / "与上年持平"; nothing when the warehouse holds no
  previous year. Rates are given to one decimal place ("90.2%").
* A section with no records for the period says so in one sentence rather than printing zeros.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from warehouse.filters import Filters
from warehouse.memo import memo
from warehouse.queries import appraisal, enterprise, formal, micro, overview, participation, rollout, statutory

SECTIONS = ("publicity", "statutory", "enterprise", "micro", "suggestions", "rollout", "attention")
TITLES = {
    "publicity": "强化宣传教育", "statutory": "规范会议召开", "enterprise": "进企业促发展",
    "micro": "代表“码上办”", "suggestions": "代表建议与工作评议", "rollout": "实践基地全覆盖",
    "attention": "需要关注",
}
METRIC_ZH = {"congress": "镇人代会（街道代表议事会）", "review": "工作评议会"}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    text: str
    figures: dict[str, float | int | str | None] = field(default_factory=dict)


def _n(x: float | int | None) -> str:
    """A count as report text: 1236 (no separators, as such reports print them)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return str(int(round(float(x))))


def _pct(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x * 100:.1f}%"


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def yoy(cur: float | None, prev: float | None, unit: str, same_period: bool) -> str:
    """"，较上年增加3次" — or nothing when there is no previous year to compare with."""
    if _missing(cur) or _missing(prev):
        return ""
    base = "上年同期" if same_period else "上年"
    diff = int(round(float(cur) - float(prev)))
    if diff > 0:
        return f"，较{base}增加{diff}{unit}"
    if diff < 0:
        return f"，较{base}减少{-diff}{unit}"
    return f"，与{base}持平"


def _opening(f: Filters) -> str:
    if f.year is None:
        return f"截至{f.as_of:%Y年%m月%d日}，" if f.as_of else ""
    if f.year_over:
        return f"{f.year}年，"
    if f.as_of is None or f.as_of.year != f.year:
        return f"{f.year}年，"
    return f"今年以来（截至{f.as_of.month}月{f.as_of.day}日），"


def _scope(f: Filters) -> str:
    if f.district is None:
        return "各区合计"
    if f.towns:
        return f"所选{len(f.visible_towns() or ())}个镇街"
    if f.scope is not None:  # a town user's figures are of their towns, never the district's
        return f"所辖{len(f.scope)}个镇街"
    return "全区"


def summary_sections(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Section]:
    """The summary of the filter's district(s) and year, one :class:`Section` per entry
    of :data:`SECTIONS` (the attention section only when there is something to say)."""
    if f.year is None:
        raise ValueError("a summary is of one year: choose a year")
    con = memo(con)  # the sections ask some questions twice: answered once
    kpis = overview.headline_kpis(con, f).set_index("kpi")
    same = not f.year_over
    cur = kpis["value"].to_dict()
    prev = kpis["previous"].to_dict()
    head = _opening(f)
    scope = _scope(f)
    out = [
        _publicity(con, f, head, scope, cur, prev, same),
        _statutory(con, f, head, scope, cur, prev, same),
        _enterprise(con, f, scope, cur, prev, same),
        _micro(con, f, scope, cur, prev, same),
        _suggestions(con, f, head),
        _rollout(con, f),
    ]
    attention = _attention(con, f)
    if attention is not None:
        out.append(attention)
    return out


def summary_text(con: duckdb.DuckDBPyConnection, f: Filters, titles: bool = True) -> str:
    """The whole summary as text: one paragraph per section (with its title in 【】)."""
    return sections_text(summary_sections(con, f), titles)


def sections_text(sections: list[Section], titles: bool = True) -> str:
    """:func:`summary_text` of sections already computed."""
    return "\n\n".join(f"【{s.title}】{s.text}" if titles else s.text for s in sections)


# --------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------

def _publicity(con, f, head, scope, cur, prev, same) -> Section:
    p = participation.participation_headline(con, f)
    figs = {"towns": p["counted_towns"], "publicity": p["publicity_events"],
            "publicity_participants": p["publicity_participants"], "publicity_towns": p["publicity_towns"],
            "events": p["events"], "participants": p["participants"]}
    if not p["events"]:
        return Section("publicity", TITLES["publicity"], f"{head}{scope}暂无活动记录。", figs)
    text = (f"{head}{scope}{_n(p['counted_towns'])}个镇街共举办{_n(p['publicity_events'])}场次全过程人民民主宣传宣讲活动"
            f"{yoy(cur.get('publicity'), prev.get('publicity'), '场次', same)}，"
            f"{_n(p['publicity_participants'])}人次代表、选民参加了活动")
    missing = p["counted_towns"] - p["publicity_towns"]
    if p["publicity_events"] and missing > 0:
        text += f"，尚有{_n(missing)}个镇街未开展宣讲"
    text += (f"。各类履职活动{_n(p['events'])}场次，参与{_n(p['participants'])}人次"
             f"{yoy(cur.get('participants'), prev.get('participants'), '人次', same)}。")
    return Section("publicity", TITLES["publicity"], text, figs)


def _statutory(con, f, head, scope, cur, prev, same) -> Section:
    by_town = statutory.statutory_by_town(con, f)
    figs = {"congress": cur.get("congress"), "review": cur.get("review"), "deputy_voter": cur.get("deputy_voter"),
            "towns": len(by_town), "compliant": int(by_town["compliant"].sum()) if len(by_town) else 0}
    text = (f"{head}{scope}共召开镇人代会和街道代表议事会{_n(cur.get('congress'))}次，"
            f"各镇街人大召开工作评议会{_n(cur.get('review'))}次、代表选民议事会{_n(cur.get('deputy_voter'))}次")
    changes = []
    for k, label in (("congress", "镇人代会和街道代表议事会"), ("review", "工作评议会"), ("deputy_voter", "代表选民议事会")):
        if not _missing(prev.get(k)):
            d = int(round(float(cur[k]) - float(prev[k])))
            changes.append(f"{label}{'增加' if d > 0 else '减少'}{abs(d)}次" if d else f"{label}持平")
    if changes:
        text += f"（较上年{'同期' if same else ''}" + "，".join(changes) + "）"
    text += "。"
    if len(by_town):
        met = int(by_town["compliant"].sum())
        rule = "“每年至少召开2次镇人代会（街道代表议事会）、1次工作评议会”的要求"
        if met == len(by_town):
            text += f"{_n(len(by_town))}个镇街全部达到{rule}。"
        else:
            short = by_town[~by_town["compliant"]]
            names = "、".join(short["town"].tolist())
            if same:
                text += f"{_n(met)}个镇街已达到{rule}，{names}尚未达到，需在年内补齐。"
            else:
                text += f"{_n(met)}个镇街达到{rule}，{names}未达到。"
    return Section("statutory", TITLES["statutory"], text, figs)


def _enterprise(con, f, scope, cur, prev, same) -> Section:
    h = enterprise.enterprise_headline(con, f)
    figs = {k: h[k] for k in ("person_times", "enterprises", "visits", "questionnaires", "opinions_enterprise",
                              "opinions_deputy", "resolved", "opinions")}
    if not h["visits"]:
        return Section("enterprise", TITLES["enterprise"], f"{_opening(f)}{scope}暂无进企业走访记录。", figs)
    text = (f"组织开展“进企业促发展”代表履职建功主题活动，{scope}四级人大代表参与{_n(h['person_times'])}人次"
            f"{yoy(cur.get('person_times'), prev.get('person_times'), '人次', same)}，"
            f"代表们分组走访企业{_n(h['enterprises'])}家，回收调查问卷{_n(h['questionnaires'])}份，"
            f"收集企业提出的意见{_n(h['opinions_enterprise'])}条，代表提出的意见建议{_n(h['opinions_deputy'])}条")
    if h["opinions"]:
        text += f"；已办结{_n(h['resolved'])}条，办结率{_pct(h['resolved'] / h['opinions'])}"
    text += "。"
    return Section("enterprise", TITLES["enterprise"], text, figs)


def _micro(con, f, scope, cur, prev, same) -> Section:
    h = micro.micro_headline(con, f)
    n_overdue = overview.overdue_micro_count(con, f)  # a count: allowed to every role
    figs = {"micro_solved": cur.get("micro_solved"), "submitted": h["submitted"], "accepted": h["accepted"],
            "closed": h["closed"], "closing_rate": h["closing_rate"], "satisfaction_rate": h.get("satisfaction_rate"),
            "overdue": n_overdue}
    text = (f"充分发挥“群众身边事、代表‘码上办’”微建议办理信息化平台功能，{scope}解决群众急难愁盼的问题"
            f"{_n(cur.get('micro_solved'))}件{yoy(cur.get('micro_solved'), prev.get('micro_solved'), '件', same)}")
    if h["submitted"]:
        text += f"；本年度提交微建议{_n(h['submitted'])}件，受理{_n(h['accepted'])}件，办结率{_pct(h['closing_rate'])}"
        if not _missing(h.get("satisfaction_rate")):
            text += f"，群众满意率{_pct(h['satisfaction_rate'])}"
    text += "。"
    if n_overdue:
        text += f"截至{f.as_of:%Y年%m月%d日}，仍有{n_overdue}件超过7个工作日未办结，需督促办理。"
    return Section("micro", TITLES["micro"], text, figs)


def _suggestions(con, f, head) -> Section:
    sessions = formal.default_sessions(con, f)
    fh = formal.formal_headline(con, f, sessions) if sessions else None
    ah = appraisal.appraisal_headline(con, f)
    figs: dict[str, float | int | str | None] = {"sessions": "、".join(sessions)}
    parts = []
    if fh and fh["suggestions"]:
        figs.update({k: fh[k] for k in ("suggestions", "replied", "on_time_rate", "satisfaction_rate",
                                        "key_supervised", "overdue")})
        s = (f"{'、'.join(sessions)}期间代表提出建议{_n(fh['suggestions'])}件，已答复{_n(fh['replied'])}件，"
             f"3个月内按时答复率{_pct(fh['on_time_rate'])}")
        if not _missing(fh.get("satisfaction_rate")):
            s += f"，代表满意率{_pct(fh['satisfaction_rate'])}"
        if fh["key_supervised"]:
            s += f"，{_n(fh['key_supervised'])}件列为重点督办建议"
        if fh["overdue"]:
            s += f"；{_n(fh['overdue'])}件超过3个月未答复"
        parts.append(s)
    if ah["appraisals"]:
        figs.update({"appraisals": ah["appraisals"], "ballots": ah["ballots"],
                     "appraisal_rate": ah["satisfaction_rate"]})
        s = (f"对{_n(ah['appraisals'])}个部门开展工作评议，常委会组成人员和特邀代表共投票{_n(ah['ballots'])}张，"
             f"满意率{_pct(ah['satisfaction_rate'])}")
        prev_rate = ah.get("prev_satisfaction_rate")
        if not _missing(prev_rate):
            d = (ah["satisfaction_rate"] - prev_rate) * 100
            s += f"，较上年{'提高' if d > 0 else '下降'}{abs(d):.1f}个百分点" if round(d, 1) else "，与上年持平"
        parts.append(s)
    text = (head + "；".join(parts) + "。") if parts else f"{head}暂无代表建议和工作评议记录。"
    return Section("suggestions", TITLES["suggestions"], text, figs)


def _rollout(con, f) -> Section:
    if f.towns:
        return Section("rollout", TITLES["rollout"], "全覆盖计划按区制定，选择镇街时不作评价。", {})
    summary = rollout.rollout_summary(con, f)
    if summary.empty:
        return Section("rollout", TITLES["rollout"], "暂无实践点建设记录。", {})
    parts = []
    figs: dict[str, float | int | str | None] = {}
    for r in summary.itertuples():
        when = r.evaluated_on
        s = (f"截至{when:%Y年%m月%d日}，{r.district}{_n(r.towns)}个镇街中已有{_n(r.covered)}个建成并验收全过程人民民主"
             f"基层实践点，覆盖率{_pct(r.covered / r.towns if r.towns else None)}")
        if r.built:
            s += f"，另有{_n(r.built)}个已建成待验收"
        if not _missing(r.target):
            if r.covered >= r.target:
                s += f"，已完成{r.target_year}年{_n(r.target)}个镇街的目标"
            else:
                s += f"，距{r.target_year}年{_n(r.target)}个镇街的目标尚差{_n(r.target - r.covered)}个"
        parts.append(s)
        figs[f"{r.district}.covered"] = int(r.covered)
        figs[f"{r.district}.towns"] = int(r.towns)
    text = "按照“一年试点示范、两年深化完善、三年实现全覆盖”的目标要求，" + "；".join(parts) + "。"
    return Section("rollout", TITLES["rollout"], text, figs)


def _attention(con, f) -> Section | None:
    """The red and amber findings of the overview's needs-attention list, grouped: the
    towns below one statutory minimum together, the towns with overdue micro-suggestions
    together, each district's rollout."""
    df = overview.needs_attention(con, f)
    df = df[df["severity"].isin(("red", "amber"))]
    if df.empty:
        return None
    items = []
    for (kind, metric, severity, district), g in df.groupby(["kind", "metric", "severity", "district"], sort=False):
        towns = "、".join(str(x) for x in g["town"] if isinstance(x, str) and x)
        if kind == "statutory":
            minimum = _n(g["target"].iloc[0])
            verb = "未达到" if severity == "red" else "尚未达到"
            items.append(f"{district}{towns}{METRIC_ZH.get(metric, metric)}{verb}每年至少{minimum}次的要求")
        elif kind == "rollout":
            r = g.iloc[0]
            items.append(f"{district}实践点覆盖{_n(r['value'])}个镇街，低于{r['year']}年{_n(r['target'])}个的目标进度")
        elif kind == "micro_overdue":
            items.append(f"{district}{towns}共有{_n(g['value'].sum())}件微建议超过7个工作日未办结"
                         f"（最长{_n(g['oldest_days'].max())}个工作日）")
    text = "；".join(items) + "。"
    return Section("attention", TITLES["attention"], text, {"items": len(df)})


def as_of_text(d: dt.date | None) -> str:
    return f"{d:%Y-%m-%d}" if d else "—"
