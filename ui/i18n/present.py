"""Labels of presentation mode (汇报模式)."""

LABELS: dict[str, tuple[str, str]] = {
    "page.present": ("汇报模式", "Presentation mode"),
    "pr.need_district_year": ("汇报模式需要选择一个区和一个年度（左侧筛选）。",
                              "Presentation mode needs one district and one year (filters on the left)."),
    "pr.prev": ("上一页", "Previous"),
    "pr.next": ("下一页", "Next"),
    "pr.exit": ("退出汇报", "Exit"),
    "pr.auto": ("自动翻页", "Auto-advance"),
    "pr.seconds": ("每页秒数", "Seconds per slide"),
    "pr.position": ("第 {n} / {total} 页", "Slide {n} of {total}"),
    "pr.bad_slide": ("链接中的页码“{value}”无效，已显示第1页。", "The link's slide “{value}” is not valid; showing slide 1."),
    "pr.download": ("下载汇报材料", "Download the pack"),
    "pr.pptx": ("PowerPoint", "PowerPoint"),
    "pr.pdf": ("PDF", "PDF"),
    "pr.xlsx": ("Excel", "Excel"),
    "pr.more_rows": ("其余 {n} 行见 Excel 附表", "{n} more rows in the Excel pack"),
    "pr.zh_only": ("汇报材料为中文。", "The pack is in Chinese."),
    "pr.summary": ("工作总结", "Written summary"),
}
