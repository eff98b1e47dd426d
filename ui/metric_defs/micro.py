"""Metric definitions (统计口径) of the micro subject; see ui/metric_defs/__init__.py.

The rules are those of ``warehouse/queries/micro.py``; ``micro_solved`` and
``micro_overdue`` are defined in ``ui/metrics.py`` (shared with the overview).
"""

_COHORT_ZH = "统计范围：所选区、镇街中纳入统计的镇街，提交日期在所选年度内的微建议。"
_COHORT_EN = "Scope: micro-suggestions of the counted towns in the selected district and towns, submitted in the selected year."
_CAL_ZH = "工作日为周一至周五，扣除 config/holidays.csv 中的法定节假日、加上调休上班日；提交后第N个工作日 = N。"
_CAL_EN = ("Working days are Monday to Friday, minus the public holidays and plus the make-up working days of "
           "config/holidays.csv; the Nth working day after submission counts as N.")

DEFS: dict[str, tuple[str, str, str, str, str, str]] = {
    "micro_submitted": (
        "提交建议", "Suggestions submitted",
        _COHORT_ZH + "不论状态，全部计入（含不予受理）。",
        _COHORT_EN + " Every status is counted (including Not accepted).",
        "件", ""),
    "micro_accepted": (
        "已受理", "Accepted",
        "状态不是“已提交”或“不予受理”的微建议件数（已受理、已交办、办理中、已答复、已办结）。" + _COHORT_ZH,
        "Suggestions whose status is neither Submitted nor Not accepted (Accepted, Assigned, In progress, Replied, "
        "Closed). " + _COHORT_EN,
        "件", ""),
    "micro_closed": (
        "已办结", "Closed",
        "状态为“已办结”的微建议件数。" + _COHORT_ZH,
        "Suggestions with status Closed. " + _COHORT_EN,
        "件", ""),
    "micro_funnel": (
        "办理流程", "Lifecycle funnel",
        "提交（全部）→ 受理（状态不是已提交/不予受理）→ 交办（已交办、办理中、已答复、已办结）→ 答复（已答复、已办结）"
        "→ 办结（已办结）。按当前状态计数，占比为占提交总数的比例。" + _COHORT_ZH,
        "Submitted (all) → accepted (status not Submitted / Not accepted) → assigned (Assigned, In progress, Replied, "
        "Closed) → replied (Replied, Closed) → closed (Closed), by current status; shares are of all submitted. "
        + _COHORT_EN,
        "件", ""),
    "micro_acceptance_rate": (
        "受理率", "Acceptance rate",
        "已受理 ÷ 提交总数（不予受理的也在分母内）。无提交时显示“—”。",
        "Accepted ÷ all submitted (Not accepted stays in the denominator). Shown as — when nothing was submitted.",
        "", ""),
    "micro_closing_rate": (
        "办结率", "Closure rate",
        "已办结 ÷ 已受理。无受理时显示“—”。",
        "Closed ÷ accepted. Shown as — when nothing was accepted.",
        "", ""),
    "micro_solved_rate": (
        "解决率", "Solved rate",
        "已办结中办理结果为“已解决”的比例。无办结时显示“—”。",
        "Share of closed suggestions with outcome Solved. Shown as — when nothing is closed.",
        "", ""),
    "micro_satisfaction_rate": (
        "满意率", "Satisfaction rate",
        "（满意 + 基本满意）÷ 已评价（满意度不为空）。无评价时显示“—”。",
        "(Satisfied + Basically satisfied) ÷ rated (rating not blank). Shown as — when nothing is rated.",
        "", ""),
    "micro_satisfied_rate": (
        "“满意”占比", "Fully satisfied",
        "满意 ÷ 已评价（不含基本满意）。无评价时显示“—”。",
        "Satisfied ÷ rated (Basically satisfied not included). Shown as — when nothing is rated.",
        "", ""),
    "micro_median_days": (
        "办结用时中位数", "Median days to close",
        "已办结且有办结日期的微建议，从提交日期到办结日期的自然日数（当天办结为0）的中位数（偶数件取中间两值的平均）。"
        "无办结时显示“—”。",
        "Calendar days from submission to closing (closed the same day = 0) of closed suggestions with a closing "
        "date: the median (the mean of the middle two for an even count). Shown as — when nothing is closed.",
        "天", " days"),
    "micro_p90_days": (
        "办结用时90分位", "90th percentile days to close",
        "同上口径的自然日数的第90百分位数（按排序位置线性插值，同 Excel PERCENTILE.INC）：九成建议在此天数内办结。",
        "The 90th percentile of the same calendar days (linear interpolation between ranks, as Excel's "
        "PERCENTILE.INC): nine in ten were closed within this many days.",
        "天", " days"),
    "micro_accept_on_time": (
        "1个工作日内受理率", "Accepted within 1 working day",
        "已受理中，受理日期距提交日期不超过1个工作日的比例；未填受理日期的计为未按时。" + _CAL_ZH,
        "Share of accepted suggestions accepted at most 1 working day after submission; one without an acceptance "
        "date counts as late. " + _CAL_EN,
        "", ""),
    "micro_close_on_time": (
        "7个工作日内办结率", "Closed within 7 working days",
        "已办结中，办结日期距提交日期不超过7个工作日（第7个工作日办结仍为按时）的比例；未填办结日期的计为未按时。"
        + _CAL_ZH,
        "Share of closed suggestions closed at most 7 working days after submission (closing on the 7th working "
        "day is on time); one without a closing date counts as late. " + _CAL_EN,
        "", ""),
    "micro_days_late": (
        "超期工作日", "Working days late",
        "未办结（状态不是已办结/不予受理）的微建议，自提交日期到数据截止日的工作日数减去7。" + _CAL_ZH,
        "For a suggestion still open (not Closed or Not accepted): working days from submission to the data's "
        "cut-off, minus 7. " + _CAL_EN,
        "个工作日", " working days"),
    "micro_department": (
        "承办单位", "Departments",
        "已受理的微建议按承办单位统计件数、办结件数、办结用时中位数（自然日）和7个工作日内办结率；"
        "未填承办单位的归为“未填写”。",
        "Accepted suggestions per department: count, closed, median calendar days to close and the share closed "
        "within 7 working days; a blank department is shown as “Not given”.",
        "件", ""),
    "micro_monthly": (
        "按月办理情况", "By month of submission",
        "按提交月份统计微建议件数，并按当前办理情况分为：7个工作日内办结、超时办结（或未填办结日期）、尚未办结、不予受理。",
        "Suggestions per month of submission, split by where they stand: closed within 7 working days, closed "
        "later (or without a closing date), still open, not accepted.",
        "件", ""),
}
