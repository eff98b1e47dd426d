"""Metric definitions (统计口径) of the sites subject; see ui/metric_defs/__init__.py.

Implemented in ``warehouse/queries/sites.py``.
"""

DEFS: dict[str, tuple[str, str, str, str, str, str]] = {
    "station_network": (
        "家站点阵地", "Station network",
        "纳入统计镇街中、所选年度末（12月31日；未选年度时为数据截至日）"
        "已建成的阵地数，按类型分列：代表之家、代表联络站、"
        "代表联系点、代表工作室（联系点与工作室合计为“联系点/工作室”）"
        "；建成日期为空的阵地计入。升级为实践点的阵地仍按原类型计。",
        "Stations of counted towns existing at the end of the selected year (31 December; with no year, the data's "
        "cut-off), by kind: deputies' homes, liaison stations, contact points, studios (points and studios together "
        "as 'contact points / studios'); undated stations count. A station upgraded to a practice point still "
        "counts under its kind.",
        "个", ""),
    "stations_upgraded": (
        "升级为实践点", "Upgraded to practice points",
        "升级为实践点日期在所选年度内的阵地数（未选年度时为截至数据截至日的累计数）；仅纳入统计镇街。",
        "Stations whose upgrade-to-practice-point date falls in the selected year (with no year: every upgrade up "
        "to the data's cut-off); counted towns only.",
        "个", ""),
    "site_checklist": (
        "五项配置", "Five items",
        "实践点“五个一”配置中已具备的项数：宣传屏、公示栏、代表工作室、议事厅、教育阵地（未填写按不具备计）。",
        "How many of a site's five items are present: publicity screen, notice board, deputy studio, council hall, "
        "education site (a blank counts as absent).",
        "项", " items"),
    "site_score": (
        "观摩评分", "Evaluation score",
        "观摩评比中实践点的得分（0–100，录入值）。所选年度的实践点 = 启动日期（未填时取建成或验收日期）"
        "不晚于该年12月31日者（未选年度时为全部），阶段按该年末（或数据截至日）的日期还原。",
        "The site's score at the on-site evaluation (0–100, as recorded). The sites of a year are those started "
        "(or, undated, built or accepted) by its 31 December (every site with no year); their stage is rebuilt "
        "for the year's end (or the data's cut-off).",
        "分", " points"),
    "site_stars": (
        "星级", "Stars",
        "按评分：90分及以上★★★★★，80分及以上★★★★，70分及以上★★★；70分以下或未评分不评星。",
        "By score: ★★★★★ at 90 or more, ★★★★ at 80 or more, ★★★ at 70 or more; below 70 or unscored, no stars.",
        "", ""),
    "site_rank": (
        "名次", "Rank",
        "按评分从高到低排名，同分同名次（下一名次顺延）；未评分的实践点不排名。",
        "By score, highest first; equal scores share a rank (the next rank is skipped); unscored sites are not "
        "ranked.",
        "", ""),
}
