"""The metric dictionary: what every KPI counts (统计口径), in one place.

Each page shows a KPI's definition as its tooltip (``help=definition(id)``); the data
dictionary (docs/data-dictionary.md) documents the same rules. A test checks that every
metric has both languages.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.i18n import lang


@dataclass(frozen=True)
class Metric:
    name_zh: str
    name_en: str
    rule_zh: str
    rule_en: str
    unit_zh: str = ""
    unit_en: str = ""

    @property
    def name(self) -> str:
        return self.name_zh if lang() == "zh" else self.name_en

    @property
    def rule(self) -> str:
        return self.rule_zh if lang() == "zh" else self.rule_en

    @property
    def unit(self) -> str:
        return self.unit_zh if lang() == "zh" else self.unit_en


METRICS: dict[str, Metric] = {
    "congress": Metric(
        "镇人代会/街道代表议事会", "Town congresses / street councils",
        "活动类型为“镇人代会”或“街道代表议事会”的记录数。法定最低要求：每个纳入统计的镇街每年至少2次。",
        "Activities of kind Town congress or Street deputies' council. Statutory minimum: 2 per counted town per year.",
        "次", ""),
    "review": Metric(
        "工作评议会", "Work-appraisal meetings",
        "活动类型为“工作评议会”的记录数。法定最低要求：每个纳入统计的镇街每年至少1次。",
        "Activities of kind Work-appraisal meeting. Statutory minimum: 1 per counted town per year.",
        "次", ""),
    "deputy_voter": Metric(
        "代表选民议事会", "Deputy–voter councils",
        "活动类型为“代表选民议事会”的记录数（不定期召开，无最低次数）。",
        "Activities of kind Deputy–voter council (held as needed; no minimum).",
        "次", ""),
    "compliance": Metric(
        "三会达标率", "Statutory compliance",
        "当年同时达到两项最低要求（镇人代会/街道代表议事会≥2次、工作评议会≥1次）的镇街数 ÷ 纳入统计的镇街数。"
        "年度未结束时，未达标的镇街计为“尚未达到”。",
        "Counted towns meeting both minimums (≥2 congress/council, ≥1 work appraisal) ÷ counted towns. "
        "While the year is not over, towns below a minimum are 'not yet reached'.",
        "", ""),
    "participants": Metric(
        "参与人数", "Participants",
        "各项活动的人大代表、选民代表、基层社会工作者、群众人数之和（人次，同一人参加多场分别计数）。",
        "Sum over activities of deputies + voter representatives + community workers + public (person-times).",
        "人次", ""),
    "publicity": Metric(
        "宣讲活动", "Publicity events",
        "活动类型为“宣讲活动”的场次，及其参与人数之和。",
        "Activities of kind Publicity event, and the sum of their participants.",
        "场", ""),
    "visits": Metric(
        "走访企业", "Enterprise visits",
        "企业走访记录数（每条为一次走访）；走访企业数按企业名称去重。",
        "Enterprise-visit records (one per visit); distinct enterprises by name.",
        "家", ""),
    "person_times": Metric(
        "代表参与人次", "Deputy person-times",
        "企业走访记录中省级、市级、区级、镇级代表人次之和。",
        "Sum of provincial, city, district and town deputies over enterprise visits.",
        "人次", ""),
    "opinions": Metric(
        "企业意见建议", "Enterprise opinions",
        "挂在所选年度企业走访上的意见条数，按来源分为企业提出的意见和代表提出的意见建议。",
        "Opinions attached to the year's enterprise visits, split by source (enterprise / deputy).",
        "条", ""),
    "micro_solved": Metric(
        "码上办解决问题", "Micro-suggestions solved",
        "状态为“已办结”、办理结果为“已解决”、且办结日期在所选年度内的微建议件数。",
        "Micro-suggestions with status Closed, outcome Solved and a closing date in the year.",
        "件", ""),
    "micro_overdue": Metric(
        "码上办超期未办结", "Micro-suggestions overdue",
        "截至数据截止日仍未办结（状态不是已办结/不予受理）、且自提交起已超过7个工作日的微建议件数。",
        "Micro-suggestions still open at the data's cut-off (not Closed or Not accepted) and submitted more than "
        "7 working days before it.",
        "件", ""),
    "coverage": Metric(
        "实践点覆盖", "Practice-site coverage",
        "至少有一个“验收通过”实践点（验收日期不晚于统计时点）的纳入统计镇街数；“建成”待验收的单独计。"
        "目标为全覆盖计划当年的目标覆盖镇街数。",
        "Counted towns with at least one practice site Accepted (accepted on or before the date); Built sites "
        "awaiting acceptance are counted separately. The target is the year's target in the rollout plan.",
        "个镇街", " towns"),
    # Added with the overview (领导总览): the split-out parts of publicity, visits and opinions.
    "publicity_participants": Metric(
        "宣讲参与人数", "Publicity participants",
        "活动类型为“宣讲活动”的各场人大代表、选民代表、基层社会工作者、群众人数之和（人次）。",
        "Sum of deputies + voter representatives + community workers + public over Publicity events (person-times).",
        "人次", ""),
    "enterprises": Metric(
        "走访企业数（去重）", "Enterprises visited",
        "所选年度企业走访记录中的企业数，按企业名称去重（同一企业走访多次计1家）。",
        "Distinct enterprises (by name) among the year's enterprise visits; an enterprise visited twice counts once.",
        "家", ""),
    "opinions_enterprise": Metric(
        "企业提出意见", "Enterprises' opinions",
        "挂在所选年度企业走访上、来源为“企业”的意见条数。",
        "Opinions with source Enterprise attached to the year's enterprise visits.",
        "条", ""),
    "opinions_deputy": Metric(
        "代表提出意见建议", "Deputies' suggestions",
        "挂在所选年度企业走访上、来源为“代表”的意见建议条数。",
        "Opinions with source Deputy attached to the year's enterprise visits.",
        "条", ""),
}


def _merge_subjects() -> None:
    from importlib import import_module

    from ui.metric_defs import SUBJECTS

    for subject in SUBJECTS:
        defs = import_module(f"ui.metric_defs.{subject}").DEFS
        dupes = METRICS.keys() & defs.keys()
        if dupes:
            raise KeyError(f"metrics defined twice: {sorted(dupes)}")
        METRICS.update({k: Metric(*v) for k, v in defs.items()})


_merge_subjects()


def definition(metric_id: str) -> str:
    """The counting rule of a metric in the current language (for tooltips)."""
    return METRICS[metric_id].rule


def name(metric_id: str) -> str:
    return METRICS[metric_id].name
