"""Labels of the 三会制度 (statutory meetings) page."""

LABELS: dict[str, tuple[str, str]] = {
    "st.title": ("三会制度落实情况", "Statutory meetings (三会)"),
    "st.caption": ("每个纳入统计的镇街每年至少召开2次镇人代会/街道代表议事会、至少1次工作评议会；代表选民议事会不定期召开。",
                   "Each counted town holds at least 2 town congresses / street councils and at least 1 work-appraisal "
                   "meeting a year; deputy–voter councils are held as needed."),
    "st.col.congress": ("镇人代会/街道代表议事会", "Congress / council"),
    "st.col.review": ("工作评议会", "Work appraisal"),
    "st.col.deputy_voter": ("代表选民议事会", "Deputy–voter"),
    "st.col.status": ("状态", "Status"),
    "st.status.met": ("达标", "Met"),
    "st.status.missed": ("未达标", "Missed"),
    "st.status.pending": ("尚未达到（剩{months}个月）", "Not yet reached ({months} months left)"),
    "st.kpi.towns": ("纳入统计镇街", "Counted towns"),
    "st.kpi.compliant": ("达标镇街", "Towns meeting both minimums"),
    "st.kpi.missed": ("未达标镇街", "Towns below a minimum"),
    "st.kpi.pending": ("尚未达到", "Not yet reached"),
    "st.table.title": ("{year}年各镇街三会召开情况", "Statutory meetings by town, {year}"),
    "st.trend.title": ("历年三会达标率", "Compliance rate over the years"),
    "st.counts.title": ("历年三会召开次数", "Statutory meetings held per year"),
    "st.need_year": ("请在左侧选择一个年度以查看各镇街的达标情况。", "Choose a year in the sidebar to see each town's status."),
    "st.empty": ("{year}年暂无三会记录。", "No statutory-meeting records for {year}."),
    "st.min_hint": ("（最低{n}次）", "(minimum {n})"),
    "st.chart.title": ("{year}年各镇街三会召开次数", "Statutory meetings held by town, {year}"),
    "st.chart.caption": ("虚线为法定最低次数：镇人代会/街道代表议事会{congress}次，工作评议会{review}次。",
                         "Dashed lines: the statutory minimums ({congress} congresses / councils, {review} "
                         "work-appraisal meeting)."),
    "st.col.rate": ("达标率", "Compliance rate"),
    "st.chart.first": ("图中为进度最落后的 {n} 个镇街（共 {total:,} 个）：未达标在前，召开次数少的在前；表格与导出含全部镇街。",
                       "The chart shows the {n} towns furthest behind ({total:,} in all): below a minimum first, "
                       "then the fewest meetings; the table and the export have them all."),
    "st.trend.combined": ("共 {n:,} 个区县，图中为其合计达标率（达标镇街数 ÷ 纳入统计镇街数）；各区县的数据见导出。",
                          "{n:,} districts: the line is their combined rate (compliant towns ÷ counted towns); the "
                          "export has each district's."),
}
