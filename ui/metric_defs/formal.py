"""Metric definitions (统计口径) of the formal subject; see ui/metric_defs/__init__.py.

The rules are those of ``warehouse/queries/formal.py``: suggestions are counted per congress
session; time limits run from the assignment date (交办日期) to the data's cut-off."""

DEFS: dict[str, tuple[str, str, str, str, str, str]] = {
    "formal_count": (
        "代表建议件数", "Formal suggestions",
        "所选会议（人代会）期间代表提出并交办的建议件数。按会议统计：同一会议的建议全部计入，不论交办日期在哪一年。",
        "Suggestions raised by deputies at the chosen congress session(s). Counted per session: every suggestion "
        "of the session counts, whatever year it was assigned in.",
        "件", ""),
    "formal_key": (
        "重点督办建议", "Key-supervised suggestions",
        "所选会议中标记为“重点督办”的建议件数。",
        "Suggestions of the chosen session(s) marked key-supervised (重点督办).",
        "件", ""),
    "formal_on_time": (
        "3个月内答复率（按期答复率）", "Replied within 3 months (on time)",
        "交办后3个月内答复（答复日期 ≤ 交办日期 + 3个月，按日历月计）的件数 ÷ 已到3个月答复期限的件数"
        "（已答复的，加上截至数据截止日仍未答复且已超过3个月的）。尚未到期的未答复建议不计入分母；"
        "无交办日期的建议不计。",
        "Suggestions replied within 3 months of assignment (replied on ≤ assigned on + 3 calendar months) ÷ "
        "suggestions whose 3-month limit has come (replied, or unanswered and past 3 months at the data's "
        "cut-off). Unanswered suggestions not yet due are left out; suggestions without an assignment date "
        "are not counted.",
        "", ""),
    "formal_within_max": (
        "6个月内答复率", "Replied within 6 months",
        "交办后6个月（最长办理期限）内答复的件数 ÷ 已到6个月期限的件数（已答复的，加上截至数据截止日仍未答复"
        "且已超过6个月的）。",
        "Suggestions replied within 6 months of assignment (the maximum) ÷ suggestions whose 6-month limit "
        "has come (replied, or unanswered and past 6 months at the data's cut-off).",
        "", ""),
    "formal_overdue": (
        "超期未答复", "Unanswered past the limit",
        "截至数据截止日仍未答复、且数据截止日已晚于交办日期 + 3个月的建议件数。",
        "Suggestions without a reply whose assignment date + 3 months is before the data's cut-off.",
        "件", ""),
    "formal_overdue_max": (
        "超过6个月未答复", "Unanswered past 6 months",
        "截至数据截止日仍未答复、且数据截止日已晚于交办日期 + 6个月（最长期限）的建议件数（包含在超期未答复中）。",
        "Suggestions without a reply whose assignment date + 6 months (the maximum) is before the data's "
        "cut-off (part of the unanswered past the limit).",
        "件", ""),
    "formal_solved": (
        "A类（已解决或基本解决）占比", "Result A (solved)",
        "办理结果为A类（已解决或基本解决）的件数 ÷ 已有办理结果（A/B/C/D）的件数。B、C、D类占比同理。",
        "Suggestions with result A (solved or basically solved) ÷ suggestions with a result (A/B/C/D). "
        "The shares of B, C and D likewise.",
        "", ""),
    "formal_satisfaction": (
        "代表满意率", "Deputies' satisfaction",
        "代表反馈为“满意”或“基本满意”的件数 ÷ 有代表反馈的件数。尚无反馈的建议不计入分母；全部无反馈时不计算。",
        "Suggestions whose deputy's feedback is Satisfied or Basically satisfied ÷ suggestions with feedback. "
        "Suggestions without feedback are left out; with no feedback at all there is no rate.",
        "", ""),
}
