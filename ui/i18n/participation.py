"""Labels of the 参与情况 (participation) page."""

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

LABELS: dict[str, tuple[str, str]] = {
    "pa.title": ("参与情况", "Participation"),
    "pa.caption": ("{scope} · {period}：纳入统计镇街的各类活动、参与人员构成、活动地点和宣传月宣讲情况。",
                   "{scope} · {period}: activities of the counted towns, who takes part, where, and the "
                   "publicity month."),
    "pa.scope.all_districts": ("全部区", "All districts"),
    "pa.scope.towns": ("{district}所选{n}个镇街", "{n} selected towns of {district}"),
    # KPI cards
    "pa.kpi.events": ("活动场次", "Events"),
    "pa.kpi.events.help": ("所选范围内纳入统计镇街的全部活动记录数（各类型合计，每条记录为一场）。",
                           "All activity records of the counted towns in scope (every kind; one record is "
                           "one event)."),
    "pa.kpi.participants": ("参与人次", "Participants"),
    "pa.kpi.pub_events": ("宣讲活动场次", "Publicity events"),
    "pa.kpi.pub_participants": ("宣讲参与人次", "Publicity participants"),
    "pa.kpi.pub_towns": ("开展宣讲的镇街", "Towns with publicity"),
    "pa.kpi.pub_towns.help": ("至少举办1场宣讲活动的纳入统计镇街数 / 纳入统计镇街数。",
                              "Counted towns with at least one publicity event / counted towns."),
    # shared words
    "pa.measure.events": ("场次", "Events"),
    "pa.measure.participants": ("参与人次", "Participants"),
    "pa.measure": ("显示", "Show"),
    "pa.empty": ("{period}暂无活动记录。", "No activities on record ({period})."),
    # monthly chart
    "pa.monthly.title": ("各类活动按月分布", "Activities by kind and month"),
    "pa.monthly.all_years": ("未选择年度时按年月排列；选择年度可查看1—12月。",
                             "With no year chosen, bars run by year and month; choose a year to see Jan–Dec."),
    "pa.period.ym": ("{year}年{month}", "{month} {year}"),
    # groups
    "pa.groups.title": ("参与人员构成", "Who takes part"),
    "pa.groups.total": ("按人员类别合计", "By group"),
    "pa.groups.by_kind": ("按活动类型", "By kind of activity"),
    "pa.group.deputies": ("人大代表", "Deputies"),
    "pa.group.voter_reps": ("选民代表", "Voter representatives"),
    "pa.group.social_workers": ("基层社会工作者", "Community workers"),
    "pa.group.public": ("群众", "Public"),
    "pa.groups.share": ("{n}（{pct}）", "{n} ({pct})"),
    # venues
    "pa.venue.title": ("活动地点", "Where activities are held"),
    "pa.venue.caption": ("按地点统计活动场次，颜色区分活动类型；未填写地点的记录单列为“未填写”。",
                         "Events by venue, coloured by kind; records without a venue are shown as "
                         "“Not given”."),
    "pa.venue.not_given": ("未填写", "Not given"),
    # heatmap
    "pa.heatmap.title": ("镇街 × 月份", "Towns × months"),
    "pa.heatmap.first": ("图中为所选数值最多的 {n} 个镇街（共 {total:,} 个），完整数据见导出。",
                         "The grid shows the {n} towns with the most of the measure ({total:,} in all); the export has them all."),
    "pa.heatmap.caption": ("每格为该镇街当月的数值（场次或参与人次，见上方切换）；0 表示当月没有活动。",
                           "Each cell is the town's figure for that month (events or participants, as switched "
                           "above); 0 means none were held."),
    "pa.heatmap.future": ("数据截至{date}，此后的月份不显示。", "Data run to {date}; later months are not shown."),
    "pa.heatmap.all_years": ("未选择年度：各月为所有年度之和。", "No year chosen: each month adds up all years."),
    # publicity month
    "pa.pub.title": ("全过程人民民主宣传月（3月）", "Publicity month (March)"),
    "pa.pub.summary": ("{period}共举办宣讲活动{events}场、参与{participants}人次，其中3月宣传月{march_events}场"
                       "（{march_share}）、{march_participants}人次；{towns}/{counted}个镇街开展了宣讲。",
                       "{period}: {events} publicity events with {participants} participants; in the March "
                       "publicity month {march_events} events ({march_share}) with {march_participants} "
                       "participants. {towns} of {counted} towns held at least one."),
    "pa.pub.events": ("各镇街宣讲场次", "Publicity events by town"),
    "pa.pub.participants": ("各镇街宣讲参与人次", "Publicity participants by town"),
    "pa.pub.march": ("3月宣传月", "March (publicity month)"),
    "pa.pub.other": ("其他月份", "Other months"),
    "pa.pub.none_towns": ("尚未开展宣讲的镇街：{towns}", "Towns without a publicity event: {towns}"),
    "pa.pub.none_towns.more": ("{towns}等，共 {n} 个（全部见下方明细）", "{towns} and others, {n} in all (see the table below)"),
    "pa.pub.first": ("图中为宣讲场次最多的 {n} 个镇街（共 {total:,} 个），全部镇街见下方明细与导出。",
                     "The charts show the {n} towns with the most publicity events ({total:,} in all); the table "
                     "below and the export have them all."),
    "pa.pub.empty": ("{period}暂无宣讲活动记录。", "No publicity events on record ({period})."),
    "pa.pub.table": ("查看各镇街明细", "Table by town"),
    "pa.col.events": ("宣讲场次", "Events"),
    "pa.col.march_events": ("其中3月", "Of which March"),
    "pa.col.participants": ("参与人次", "Participants"),
    "pa.col.march_participants": ("其中3月人次", "Of which March"),
    # drilling and exports
    "pa.empty_picked": ("所选范围暂无活动记录。", "No activities in the selection."),
    "pa.export.picked": ("图表选择：{what}", "Chart selection: {what}"),
    "pa.heatmap.total": ("合计", "Total"),
    "pa.pub.table_title": ("各镇街宣讲明细", "Publicity by town"),
    "pa.col.share": ("占比", "Share"),
    "pa.col.group": ("人员类别", "Group"),
    "pa.col.venue": ("地点", "Venue"),
    "pa.col.other_events": ("其他月份场次", "Other months"),
    "pa.col.other_participants": ("其他月份人次", "Other months (participants)"),
    # months
    **{f"pa.month.{m}": (f"{m}月", _MONTHS_EN[m - 1]) for m in range(1, 13)},
}
