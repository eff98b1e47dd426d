"""Metric definitions (统计口径) of the enterprise subject; see ui/metric_defs/__init__.py.

The rules are those of ``warehouse/queries/enterprise.py``. ``visits``, ``enterprises``,
``person_times``, ``opinions``, ``opinions_enterprise`` and ``opinions_deputy`` are defined
in ``ui/metrics.py`` (shared with the overview).
"""

_SCOPE_ZH = "统计范围：所选区、镇街中纳入统计镇街的企业走访（按走访日期的年度），意见随其所属走访计入年度和镇街。"
_SCOPE_EN = ("Scope: enterprise visits of the counted towns in the selected district and towns (by the year of the "
             "visit date); an opinion counts with the year and town of its visit.")

DEFS: dict[str, tuple[str, str, str, str, str, str]] = {
    "questionnaires": (
        "回收问卷", "Questionnaires returned",
        "“问卷回收”为“是”的企业走访记录数（每次走访最多1份）。" + _SCOPE_ZH,
        "Enterprise visits with Questionnaire returned = yes (at most one per visit). " + _SCOPE_EN,
        "份", ""),
    "questionnaire_rate": (
        "问卷回收率", "Questionnaire return rate",
        "回收问卷 ÷ 走访次数。无走访时显示“—”。",
        "Questionnaires returned ÷ visits. Shown as — when there are no visits.",
        "", ""),
    "opinions_total": (
        "意见建议合计", "Opinions in all",
        "挂在所选范围企业走访上的意见建议条数（企业提出 + 代表提出）。" + _SCOPE_ZH,
        "Opinions attached to the visits in scope (from enterprises + from deputies). " + _SCOPE_EN,
        "条", ""),
    "opinions_assigned": (
        "已交办意见", "Opinions assigned",
        "办理状态为“已交办”“办理中”或“已办结”的意见条数（即已交办及以后各环节）。" + _SCOPE_ZH,
        "Opinions whose status is Assigned, In progress or Resolved (assigned or beyond). " + _SCOPE_EN,
        "条", ""),
    "opinions_resolved": (
        "已办结意见", "Opinions resolved",
        "办理状态为“已办结”的意见条数。" + _SCOPE_ZH,
        "Opinions with status Resolved. " + _SCOPE_EN,
        "条", ""),
    "opinion_resolution_rate": (
        "意见办结率", "Resolution rate",
        "已办结意见 ÷ 意见建议合计。无意见时显示“—”。",
        "Opinions resolved ÷ all opinions. Shown as — when there are none.",
        "", ""),
    "opinion_median_days": (
        "办结用时中位数", "Median days to resolve",
        "已办结且办结日期不早于走访日期的意见，从走访日期到办结日期的自然日数的中位数（偶数条取中间两值的平均）。"
        "未填办结日期或办结日期早于走访日期的不计入。无此类意见时显示“—”。",
        "Calendar days from the visit date to the resolution date of resolved opinions whose resolution date is on "
        "or after the visit: the median (the mean of the middle two for an even count). Resolved opinions without "
        "a usable date are left out. Shown as — when there are none.",
        "天", " days"),
    "enterprise_funnel": (
        "走访闭环", "From visit to resolution",
        "走访（全部走访记录）→ 回收问卷 → 意见建议（企业 + 代表）→ 已交办（已交办、办理中、已办结）→ 已办结，"
        "按意见当前状态计数。每一环节的占比 = 本环节数 ÷ 上一环节数；意见一环为每份回收问卷平均提出的意见条数，可大于1。"
        + _SCOPE_ZH,
        "Visits (all) → questionnaires returned → opinions (enterprises' + deputies') → assigned (Assigned, In "
        "progress, Resolved) → resolved, by the opinions' current status. Each step's share = its count ÷ the "
        "previous step's count; at the opinions step it is opinions per questionnaire returned and may exceed 1. "
        + _SCOPE_EN,
        "", ""),
}
