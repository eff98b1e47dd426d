"""Labels of the 对比排名 (compare and rank) page."""

LABELS: dict[str, tuple[str, str]] = {
    "cmp.title": ("对比排名", "Compare and rank"),
    "cmp.caption": ("{scope} · {period}：按任一指标给镇街排名，并把各区放在一起比较。",
                    "{scope} · {period}: the towns ranked by any measure, and the districts side by side."),
    "cmp.period.partial": ("{year}年（截至 {date}）", "{year} (to {date})"),
    "cmp.sep": ("；", "; "),
    "cmp.scope.all": ("全部区", "All districts"),
    "cmp.scope.towns": ("{district}所选{n}个镇街", "{n} selected towns of {district}"),
    # ranking
    "cmp.rank.title": ("镇街排名", "Towns ranked"),
    "cmp.rank.help": ("名次按所选指标从高到低排列，数值相同的镇街并列同一名次（如 1、2、2、4）。名次和中位数始终在全区"
                      "（选择“全部”区时为全部镇街）中计算，镇街筛选只缩小显示范围。",
                      "Towns are ranked from the highest value down; towns with the same value share a rank (1, 2, "
                      "2, 4). Ranks and the median are always among the whole district (all towns when all "
                      "districts are selected); the town filter only narrows what is shown."),
    "cmp.measure": ("排名指标", "Measure"),
    "cmp.per100": ("每百名代表", "Per 100 deputies"),
    "cmp.per100.help": ("镇街数值 ÷ 该镇街代表人数 × 100，消除代表多少带来的差异；没有代表的镇街无数值、不参与排名。",
                        "The town's value ÷ its deputies × 100, so towns with more deputies are not favoured; "
                        "a town with no deputies has no value and no rank."),
    "cmp.per100.off": ("“每百名代表”只适用于计数类指标；比率和状态类指标按原值排名。",
                       "Per 100 deputies applies to counts only; rates and states are ranked as they are."),
    "cmp.rank.summary": ("共 {n} 个镇街参与排名，{where}中位数 {median}。", "{n} towns ranked; {where} median {median}."),
    "cmp.rank.summary.narrowed": ("显示所选 {shown} 个镇街；共 {n} 个镇街参与排名，{where}中位数 {median}。",
                                  "Showing the {shown} selected towns; {n} towns ranked; {where} median {median}."),
    "cmp.where.district": ("全区", "district"),
    "cmp.where.all": ("全部镇街", "all towns'"),
    "cmp.rank.unranked": ("{n} 个镇街没有数值（{why}），不参与排名，列在最后。",
                          "{n} towns have no value ({why}): no rank, listed last."),
    "cmp.why.deputies": ("没有代表", "no deputies"),
    "cmp.why.rate": ("没有可计算比率的记录", "nothing to compute the rate from"),
    "cmp.rank.first": ("图中为排名前 {n} 的镇街（共 {total:,} 个）；完整排名见右侧表格与导出。",
                       "The chart shows the first {n} towns ({total:,} in all); the table beside it and the export "
                       "have the whole ranking."),
    "cmp.rank.hint": ("点击柱条选中镇街，可打开该镇街画像。", "Click a bar to select a town and open its profile."),
    "cmp.rank.empty": ("没有纳入统计的镇街。", "No counted towns."),
    "cmp.median": ("中位数 {value}", "Median {value}"),
    "cmp.rank": ("第{n}名", "#{n}"),
    "cmp.rank.tied": ("第{n}名（并列）", "#{n} (tied)"),
    "cmp.rank.none": ("—", "—"),
    "cmp.yes": ("是", "Yes"),
    "cmp.no": ("否", "No"),
    "cmp.hover": ("{label}：{value} · {rank} · 代表 {deputies} 人", "{label}: {value} · {rank} · {deputies} deputies"),
    "cmp.col.rank": ("名次", "Rank"),
    "cmp.col.district": ("区", "District"),
    "cmp.col.town": ("镇街", "Town"),
    "cmp.col.deputies": ("代表人数", "Deputies"),
    "cmp.col.help": ("{header}：{definition}", "{header}: {definition}"),
    "cmp.col.per100": ("{measure}（每百名代表）", "{measure} (per 100 deputies)"),
    "cmp.col.pct": ("{measure}（%）", "{measure} (%)"),
    "cmp.export.ranking": ("镇街排名_{measure}", "Towns ranked_{measure}"),
    # districts side by side
    "cmp.dist.title": ("各区对比", "The districts side by side"),
    "cmp.dist.title2": ("两区对比", "The two districts side by side"),
    "cmp.dist.choose": ("对比的区", "Districts compared"),
    "cmp.dist.choose.placeholder": ("选择至少两个区", "Choose two or more"),
    "cmp.dist.single": ("数据仓库中只有 {district} 一个区有数据可比，下表为该区的合计与折算值。",
                        "Only {district} is in the warehouse: the table shows its totals and normalised figures."),
    "cmp.dist.none": ("请选择要对比的区。", "Choose the districts to compare."),
    "cmp.dist.sizes": ("{district}：{towns} 个镇街、{deputies} 名代表", "{district}: {towns} towns, {deputies} deputies"),
    "cmp.dist.caption": ("各区规模不同（{sizes}），所以计数类指标折算后再比较：每镇街 = 全区合计 ÷ 纳入统计的镇街数；"
                         "每百名代表 = 全区合计 ÷ 这些镇街的代表人数 × 100。比率（办结率）和状态（代表人数、阵地、"
                         "实践点、已覆盖镇街）按原值比较，不折算。对比覆盖各区所有纳入统计的镇街，不受镇街筛选影响；"
                         "统计期间：{period}。",
                         "The districts differ in size ({sizes}), so counts are compared normalised: per town = the "
                         "district's total ÷ its counted towns; per 100 deputies = the total ÷ those towns' "
                         "deputies × 100. Rates and states (deputies, stations, sites, towns covered) are compared "
                         "as they are. The comparison covers every counted town of each district (the town filter "
                         "does not apply); period: {period}."),
    "cmp.dist.norm": ("图表口径", "Chart shows"),
    "cmp.norm.total": ("合计", "Total"),
    "cmp.norm.per_town": ("每镇街", "Per town"),
    "cmp.norm.per_100_deputies": ("每百名代表", "Per 100 deputies"),
    "cmp.dist.chart": ("计数类指标：{norm}", "Counts: {norm}"),
    "cmp.dist.col.measure": ("指标", "Measure"),
    "cmp.colfig.total": ("合计", "total"),
    "cmp.colfig.per_town": ("每镇街", "per town"),
    "cmp.colfig.per_100_deputies": ("每百名代表", "per 100 dep."),
    "cmp.dist.col": ("{district} · {figure}", "{district} · {figure}"),
    "cmp.dist.covered": ("已覆盖镇街数", "Towns covered"),
    "cmp.dist.empty": ("所选范围内没有纳入统计的镇街。", "No counted towns in the selection."),
    "cmp.export.districts": ("各区对比", "Districts compared"),
}
