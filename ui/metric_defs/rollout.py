"""Metric definitions (统计口径) of the rollout subject; see ui/metric_defs/__init__.py.

The coverage count itself is ``coverage`` in ``ui/metrics.py`` (shared with the overview);
the rules here are implemented in ``warehouse/queries/rollout.py``.
"""

DEFS: dict[str, tuple[str, str, str, str, str, str]] = {
    "coverage_built": (
        "建成待验收", "Built, awaiting acceptance",
        "最优实践点处于“建成”阶段（建成日期不晚于统计时点、尚未验收通过）的纳入统计镇街数；已覆盖的镇街不重复计。"
        "每个实践点在某一时点的阶段按其日期还原：验收日期到达为验收通过，建成日期到达为建成，启动日期到达为试点，"
        "此前为规划。",
        "Counted towns whose best site is Built (built on or before the date, not yet accepted); covered towns are "
        "not counted again. A site's stage on a date is rebuilt from its dates: accepted once its acceptance date is "
        "reached, built from its build date, pilot from its start date, planned before that.",
        "个镇街", " towns"),
    "coverage_target": (
        "计划目标", "Plan target",
        "全覆盖计划中所选年度的目标覆盖镇街数（截止当年12月31日）"
        "；所选年度早于计划时取下一计划年度，晚于计划时取最后一年。"
        "阶段：试点示范、深化完善、全覆盖（一年试点示范、两年深化完善、三年实现全覆盖）。",
        "The rollout plan's target towns for the selected year (due 31 December); a year before the plan takes the "
        "next plan year, a year after it the last one. Phases: pilot, deepen, full coverage (year 1 pilot, year 2 "
        "deepen, year 3 full coverage).",
        "个镇街", " towns"),
    "coverage_status": (
        "三色状态", "Three-colour status",
        "绿：已覆盖（有验收通过的实践点）。黄：最优实践点为“建成”或“试点”，且全区靠在建镇街仍能完成当年目标——"
        "还需验收的镇街数（目标−已覆盖）不超过在建镇街数（建成或试点、尚未覆盖），且计划年度还剩至少1个月；"
        "当年目标已完成或未录入计划时，在建镇街也为黄。红：尚未启动（仅有规划或没有实践点），"
        "或虽在建但在建镇街全部按期验收也达不到当年目标。统计时点为所选年度12月31日（数据截至日更早时取截至日）；"
        "届时尚未启动的实践点不计。",
        "Green: covered (a site accepted). Amber: the best site is Built or Pilot and the district can still meet "
        "the year's target with the towns in progress — the towns still needed (target − covered) are no more "
        "than the towns in progress (Built or Pilot, not covered) and at least one month of the plan year is left; "
        "when the year's target is already met or no plan is loaded, towns in progress are amber too. Red: nothing "
        "started (only planned, or no site), or in progress while even accepting every town in progress would not "
        "reach the year's target. Judged on 31 December of the selected year (or the data's cut-off if earlier); "
        "sites not started by then do not count.",
        "", ""),
    "best_site": (
        "最优实践点", "Best site",
        "镇街有多个实践点时，取统计时点阶段最高者（验收通过 > 建成 > 试点 > 规划），同阶段取评分最高者；"
        "镇街的阶段、日期、五项配置和评分均取自该实践点。",
        "When a town has several sites, the one at the highest stage on the date (Accepted > Built > Pilot > "
        "Planned), then the highest score; the town's stage, dates, checklist and score are that site's.",
        "", ""),
    "coverage_pace": (
        "近12个月新增覆盖", "Newly covered, last 12 months",
        "首次验收通过日期在数据截至日之前12个月内（不含12个月前当日，含截至日）的纳入统计镇街数。",
        "Counted towns first covered (first site accepted) in the 12 months up to the data's cut-off "
        "(after the same day a year earlier, up to and including the cut-off).",
        "个镇街", " towns"),
    "coverage_projection": (
        "预计实现全覆盖", "Full coverage expected",
        "按近12个月新增覆盖的速度（个/月 = 近12个月新增 ÷ 12），从数据截至日所在月起，全部纳入统计镇街覆盖所需月数"
        "（未覆盖数 × 12 ÷ 近12个月新增，向上取整）后的月份；"
        "近12个月新增为0时为“按此进度无法实现”；已全覆盖时显示实现月份。",
        "At the pace of the last 12 months (towns per month = newly covered ÷ 12), the month in which all counted "
        "towns are covered: the cut-off's month plus ceil(uncovered × 12 ÷ newly covered) months; 'not at this "
        "pace' when no town was newly covered; the month it happened once every town is covered.",
        "", ""),
    "coverage_needed": (
        "每月需验收镇街", "Towns to accept per month",
        "为按期完成当前（当年已完成时为下一）计划年度目标，剩余每月需新增覆盖的镇街数 = (目标 − 已覆盖) ÷ 剩余月数。"
        "剩余月数 = 数据截至日所在月之后至计划年度12月的月数，"
        "截至日不是月末时当月另计1个月。计划年度已过仍未完成为“逾期”。",
        "To meet the current plan target on time (the next one when the current year's is met): (target − covered) "
        "÷ months left. Months left = the months after the cut-off's month up to December of the plan year, plus "
        "the current month when the cut-off is not its last day. A past plan year still not met is 'overdue'.",
        "个/月", " per month"),
}
