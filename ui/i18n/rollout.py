"""Labels of the rollout page (全覆盖进度)."""

LABELS: dict[str, tuple[str, str]] = {
    "ro.title": ("全覆盖进度", "Full-coverage rollout"),
    "ro.caption": ("{scope} · {year} · 实践点覆盖与全覆盖计划对照（数据截至 {date}）",
                   "{scope} · {year} · practice-site coverage against the rollout plan (data as of {date})"),
    "ro.scope.all": ("全部区", "All districts"),
    "ro.pick_district": ("选择区（共 {n:,} 个）", "District ({n:,} in all)"),
    "ro.month": ("{year}年{month}月", "{year}-{month:02d}"),
    # KPI cards
    "ro.kpi.covered": ("已覆盖镇街", "Towns covered"),
    "ro.kpi.covered.on": ("截至 {date}", "on {date}"),
    "ro.kpi.target": ("{year}年目标", "{year} target"),
    "ro.kpi.no_plan": ("未录入计划", "no plan loaded"),
    "ro.kpi.built": ("建成待验收", "Built, awaiting acceptance"),
    "ro.kpi.pilot": ("另有试点中 {n} 个", "plus {n} in pilot"),
    "ro.kpi.pace": ("近12个月新增覆盖", "New, last 12 months"),
    "ro.kpi.pace.desc": ("至 {date}", "to {date}"),
    "ro.kpi.projection": ("预计实现全覆盖", "Full coverage expected"),
    "ro.kpi.projection.desc": ("按近12个月进度", "at the last 12 months' pace"),
    "ro.kpi.needed": ("每月需验收镇街", "Towns to accept per month"),
    "ro.proj.reached": ("已于{month}实现", "reached {month}"),
    "ro.proj.never": ("按此进度无法实现", "not at this pace"),
    "ro.need.desc": ("{year}年还差{needed}个·剩{months}个月", "{year}: {needed} to go in {months} months"),
    "ro.need.overdue": ("{year}年目标{target}个已逾期未完成", "{year} target {target} overdue"),
    "ro.need.all_met": ("计划目标均已完成", "every plan target met"),
    "ro.need.no_plan": ("未录入全覆盖计划", "no rollout plan loaded"),
    # verdict
    "ro.verdict.met": ("{district}已完成{year}年目标：覆盖 {covered} 个镇街（目标 {target} 个，共 {towns} 个）。",
                       "{district} has met its {year} target: {covered} towns covered (target {target}, of {towns})."),
    "ro.verdict.possible": (
        "{district}距{year}年目标（{target}个）还差 {needed} 个镇街，剩 {months} 个月；在建 {progress} 个，"
        "全部按期验收即可完成。",
        "{district} needs {needed} more towns for its {year} target ({target}) in {months} months; {progress} are in "
        "progress — enough if they are accepted in time."),
    "ro.verdict.behind": (
        "{district}落后于计划：{year}年目标 {target} 个，已覆盖 {covered} 个，还差 {needed} 个，剩 {months} 个月；"
        "在建仅 {progress} 个，即使全部按期验收也达不到目标，须尽快新启动建设。",
        "{district} is behind plan: {year} target {target}, {covered} covered, {needed} to go in {months} months; "
        "only {progress} in progress, so even if all are accepted in time the target is not reached — new sites "
        "must be started."),
    "ro.verdict.start": (
        "{district}距{year}年目标（{target}个）还差 {needed} 个镇街，剩 {months} 个月；目前在建 {progress} 个，"
        "须新启动建设。",
        "{district} needs {needed} more towns for its {year} target ({target}) in {months} months; {progress} are in "
        "progress, so new sites must be started."),
    "ro.verdict.missed": ("{district}未完成{year}年目标：覆盖 {covered} 个镇街，目标 {target} 个，差 {needed} 个。",
                          "{district} missed its {year} target: {covered} towns covered against {target} "
                          "({needed} short)."),
    "ro.verdict.no_plan": ("{district}未录入全覆盖计划：已覆盖 {covered} / {towns} 个镇街，无法对照目标。",
                           "{district} has no rollout plan loaded: {covered} of {towns} towns covered, no target to "
                           "compare with."),
    # burn-up
    "ro.burnup.title": ("覆盖进度与计划（燃起图）", "Coverage against the plan (burn-up)"),
    "ro.burnup.caption": (
        "绿色面积：已覆盖镇街（验收通过）；黄色：建成待验收；红色虚线：当年计划目标；绿色点线：按近12个月进度"
        "推算（{date}起）；底色为计划阶段。",
        "Green area: towns covered (accepted); amber: built, awaiting acceptance; red dashes: the year's plan "
        "target; green dots: projection at the last 12 months' pace (from {date}); shaded bands: plan phases."),
    "ro.chart.covered": ("已覆盖", "Covered"),
    "ro.chart.built": ("建成待验收", "Built, awaiting acceptance"),
    "ro.chart.target": ("计划目标", "Plan target"),
    "ro.chart.projected": ("进度推算", "Projection"),
    "ro.chart.all_towns": ("全部镇街 {n}", "All towns {n}"),
    "ro.chart.y": ("镇街数", "Towns"),
    "ro.burnup.export": ("{district}覆盖进度（逐月）", "Coverage of {district} by month"),
    "ro.col.phase": ("计划阶段", "Plan phase"),
    "ro.col.towns": ("纳入统计镇街数", "Counted towns"),
    # tiles and statuses
    "ro.tiles.title": ("各镇街状态（{date}）", "Towns at a glance ({date})"),
    "ro.tiles.hint": ("点击方块可在下方镇街明细中只看该镇街（按住 Shift 可多选）。",
                      "Click a tile to show only that town in the table below (hold Shift to pick several)."),
    "ro.tiles.export": ("{district}各镇街状态", "Towns of {district} at a glance"),
    "ro.status.green": ("已覆盖", "Covered"),
    "ro.status.amber": ("推进中", "In progress"),
    "ro.status.red": ("滞后", "Behind"),
    "ro.stage.none": ("未启动", "Not started"),
    # town table
    "ro.table.title": ("镇街明细（{date}）", "Towns ({date})"),
    "ro.table.town_filter": ("仅显示所选 {n} 个镇街；覆盖数、目标和推算按全区计算。",
                             "Showing the {n} chosen towns; coverage, target and projection are the district's."),
    "ro.table.export": ("{district}镇街明细", "Towns of {district}"),
    "ro.export.selection": ("图表所选镇街：{towns}", "Towns picked in the chart: {towns}"),
    "ro.col.status": ("状态", "Status"),
    "ro.col.stage": ("阶段", "Stage"),
    "ro.col.site": ("最优实践点", "Best site"),
    "ro.col.theme": ("特色主题", "Theme"),
    "ro.col.started_on": ("启动", "Started"),
    "ro.col.built_on": ("建成", "Built"),
    "ro.col.accepted_on": ("验收", "Accepted"),
    "ro.col.screen": ("宣传屏", "Screen"),
    "ro.col.notice_board": ("公示栏", "Notice board"),
    "ro.col.studio": ("代表工作室", "Studio"),
    "ro.col.hall": ("议事厅", "Council hall"),
    "ro.col.education": ("教育阵地", "Education"),
    "ro.col.score": ("评分", "Score"),
    "ro.col.sites": ("实践点数", "Sites"),
    "ro.col.sites.help": ("该镇街录入的实践点个数（各阶段）。", "Practice sites recorded for the town (any stage)."),
    # empty states and rules
    "ro.empty.no_data": ("数据仓库中还没有任何记录，无法计算覆盖进度。请先导入实践点和全覆盖计划。",
                         "The warehouse holds no records yet, so there is no coverage to show. Load practice sites "
                         "and the rollout plan first."),
    "ro.empty.no_towns": ("没有纳入统计的镇街。", "There are no counted towns."),
    "ro.empty.towns": ("{district}没有纳入统计的镇街。", "{district} has no counted towns."),
    "ro.empty.series": ("{district}还没有实践点或全覆盖计划记录，暂无进度曲线。",
                        "{district} has no practice sites or rollout plan yet, so there is no burn-up."),
    "ro.rules.title": ("统计口径", "Definitions"),
}
