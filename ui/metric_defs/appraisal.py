"""Metric definitions (统计口径) of the appraisal subject; see ui/metric_defs/__init__.py.

The rules are those of ``warehouse/queries/appraisal.py``: the ballots of 常委会组成人员 and
特邀代表 are added up per appraisal; the grade follows the majority rule."""

DEFS: dict[str, tuple[str, str, str, str, str, str]] = {
    "appraisal_count": (
        "被评议单位", "Departments appraised",
        "所选年度的工作评议次数（每个评议编号为一个单位的一次评议）。",
        "Appraisals in the chosen year (one appraisal ID is one department appraised once).",
        "个", ""),
    "appraisal_ballots": (
        "测评票数", "Ballots",
        "满意 + 基本满意 + 不满意票数，常委会组成人员和特邀代表的票相加（空白按0）。",
        "Satisfied + basically satisfied + dissatisfied ballots, standing-committee members' and invited "
        "representatives' added up (blank = 0).",
        "票", ""),
    "appraisal_rate": (
        "满意率", "Satisfaction rate",
        "（满意票 + 基本满意票）÷ 总票数，两类评议人的票相加。",
        "(Satisfied + basically satisfied ballots) ÷ all ballots, both evaluator types added up.",
        "", ""),
    "appraisal_grade": (
        "评议等次", "Grade",
        "过半数规则：满意票超过总票数一半为“满意”；否则满意 + 基本满意票超过总票数一半为“基本满意”；否则为"
        "“不满意”。恰好一半不算超过一半。",
        "Majority rule: Satisfied if satisfied ballots are more than half of all ballots; otherwise Basically "
        "satisfied if satisfied + basically satisfied ballots are more than half; otherwise Dissatisfied. "
        "Exactly half is not more than half.",
        "", ""),
    "appraisal_yoy": (
        "较上年变化", "Change on last year",
        "同一区、同一被评议单位与上一年度评议相比：满意率的变化（百分点）和等次的升降。上年未被评议的不比较。",
        "The same department of the same district against its appraisal of the previous year: the change of "
        "the satisfaction rate (percentage points) and whether the grade went up or down. No comparison when it "
        "was not appraised the year before.",
        "", ""),
}
