"""Labels shared by the drill-down: selection chips, drill links, export buttons."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.drill": ("钻取分析", "Drill-down"),
    "page.town": ("镇街画像", "Town profile"),
    "page.explore": ("明细查询", "Record explorer"),
    "page.compare": ("对比排名", "Compare and rank"),
    "drill.selected": ("已选：", "Selected:"),
    "drill.clear": ("清除选择", "Clear selection"),
    "drill.open_town": ("打开{town}画像", "Open the profile of {town}"),
    "drill.show_records": ("查看明细记录", "Show the records"),
    "drill.hint": ("点击图中的柱或格可筛选本页其余部分；按住 Shift 可多选。",
                   "Click a bar or cell to narrow the rest of this page; hold Shift to select several."),
    "export.xlsx": ("导出 Excel", "Export Excel"),
    "export.csv": ("导出 CSV", "Export CSV"),
    "export.filters": ("筛选条件：区 {district} · 年度 {year} · 镇街 {towns}",
                       "Filters: district {district} · year {year} · towns {towns}"),
    "export.as_of": ("数据截至 {date} · 导出时间 {now}", "Data as of {date} · exported {now}"),
}
