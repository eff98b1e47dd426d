"""Labels of the 工作评议 (work appraisals) page."""

LABELS: dict[str, tuple[str, str]] = {
    "ap.title": ("工作评议", "Work appraisals"),
    "ap.caption": ("{scope} · {period}：常委会组成人员和特邀代表对被评议单位的满意度测评，按过半数规则定等次，并与上年比较。",
                   "{scope} · {period}: standing-committee members' and invited representatives' ballots on each "
                   "appraised department, the grade by the majority rule, and the change on last year."),
    "ap.scope.all_districts": ("全部区", "All districts"),
    "ap.no_towns": ("工作评议的对象是区级部门，不分镇街，镇街筛选不适用于本页。",
                    "Appraisals concern district departments, which have no town: the town filter does not apply "
                    "to this page."),
    "ap.empty": ("{scope} · {period}暂无工作评议记录。", "No work appraisals on record for {scope} · {period}."),
    # KPI cards
    "ap.kpi.appraisals": ("被评议单位", "Departments appraised"),
    "ap.kpi.ballots": ("测评票数", "Ballots"),
    "ap.kpi.rate": ("满意率", "Satisfaction rate"),
    "ap.kpi.graded": ("评为“{grade}”", "Graded “{grade}”"),
    "ap.kpi.note": ("其中常委会组成人员{sc}票、特邀代表{inv}票；满意{s}票、基本满意{b}票、不满意{d}票。",
                    "Standing-committee members cast {sc}, invited representatives {inv}; {s} satisfied, "
                    "{b} basically satisfied, {d} dissatisfied."),
    # ballots
    "ap.kind.satisfied": ("满意", "Satisfied"),
    "ap.kind.basically_satisfied": ("基本满意", "Basically satisfied"),
    "ap.kind.dissatisfied": ("不满意", "Dissatisfied"),
    "ap.chart.title": ("各单位测评票构成", "Ballots per department"),
    "ap.chart.share": ("占总票数", "Share of ballots"),
    "ap.chart.half": ("过半数", "Half"),
    "ap.chart.caption": ("满意票超过虚线（一半）为“满意”；满意 + 基本满意超过一半为“基本满意”；否则为“不满意”。恰好一半不算过半。",
                         "Satisfied ballots beyond the dashed line (half) grade Satisfied; satisfied + basically "
                         "satisfied beyond it grade Basically satisfied; otherwise Dissatisfied. Exactly half is "
                         "not more than half."),
    "ap.hint": ("点击某单位的柱条（或下方“较上年变化”中的柱条）可筛选测评结果表、评议人类型和历年满意率（按住 Shift 可多选）。",
                "Click a department's bar (here or in the change on last year below) to narrow the results table, "
                "the evaluator types and the trend to it (hold Shift to pick several)."),
    "ap.export.selection": ("图表所选单位：{departments}", "Departments picked in the charts: {departments}"),
    "ap.col.evaluator": ("评议人类型", "Evaluator type"),
    "ap.col.rate_pct": ("满意率（%）", "Rate (%)"),
    "ap.col.prev_rate_pct": ("上年满意率（%）", "Last year's rate (%)"),
    # table
    "ap.table.title": ("测评结果与等次", "Results and grades"),
    "ap.col.department": ("被评议单位", "Department"),
    "ap.col.by_type.help": ("该类评议人投出的票数（满意 + 基本满意 + 不满意）。",
                            "Ballots cast by this type of evaluator — standing-committee members or invited "
                            "representatives (satisfied + basically satisfied + dissatisfied)."),
    "ap.col.ballots": ("总票数", "Ballots"),
    "ap.col.sc": ("常委会组成人员", "SC members"),
    "ap.col.invited": ("特邀代表", "Invited"),
    "ap.col.rate": ("满意率", "Rate"),
    "ap.col.grade": ("等次", "Grade"),
    "ap.col.prev_rate": ("上年满意率", "Last year's rate"),
    "ap.col.rate_change": ("变化（百分点）", "Change (pp)"),
    "ap.col.grade_change": ("等次变化", "Grade change"),
    "ap.change.UP": ("↑ 上升（上年{prev}）", "↑ up (was {prev})"),
    "ap.change.DOWN": ("↓ 下降（上年{prev}）", "↓ down (was {prev})"),
    "ap.change.SAME": ("持平（{prev}）", "same ({prev})"),
    "ap.change.none": ("上年未评议", "no prior year"),
    # evaluator types and year on year
    "ap.types.title": ("按评议人类型", "By evaluator type"),
    "ap.types.rate": ("{type}满意率{rate}（{n}票）。", "{type}: {rate} satisfied ({n} ballots)."),
    "ap.yoy.title": ("满意率较上年变化", "Change of the rate on last year"),
    "ap.yoy.axis": ("百分点", "Percentage points"),
    "ap.yoy.none": ("所选年度的被评议单位上年均未参加评议，无法比较。",
                    "None of the departments appraised was appraised the year before: nothing to compare."),
    "ap.yoy.caption": ("{n}个单位上年也参加了评议，其中{moved}个等次发生变化。",
                       "{n} departments were also appraised the year before; the grade of {moved} changed."),
    # trend
    "ap.trend.title": ("历年满意率", "Satisfaction rate over the years"),
    "ap.trend.caption": ("空白表示该单位当年未参加评议。", "A blank cell: the department was not appraised that year."),
}
