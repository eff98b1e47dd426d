"""Metric definitions of the per-town measures (warehouse/queries/towns.py) that no other
page defines."""

DEFS: dict[str, tuple[str, str, str, str, str, str]] = {
    "activities": (
        "活动总数", "Activities",
        "所选年度（至数据截至日）该镇街的全部活动记录数，不分类型。",
        "Every activity record of the town in the year (up to the data's cut-off), of any kind.",
        "次", ""),
    "formal": (
        "代表建议（领衔代表所在镇街）", "Formal suggestions (by lead deputy's town)",
        "交办日期在所选年度内、领衔代表属于该镇街的代表建议件数；未填领衔代表或代表未填镇街的建议不计入任何镇街。",
        "Formal suggestions assigned in the year whose lead deputy belongs to the town; suggestions with no lead "
        "deputy, or whose deputy has no town, count for no town.",
        "件", ""),
    "deputies": (
        "代表人数", "Deputies",
        "代表名册中所属镇街为该镇街的代表人数（各层级合计，含选民代表）。",
        "Deputies on the roll whose town is this town (all levels, including voter representatives).",
        "人", ""),
    "stations": (
        "阵地数", "Stations",
        "该镇街的代表之家、联络站、联系点等阵地数（建成日期不晚于统计期末，或未填建成日期）。",
        "Deputies' homes, liaison stations, contact points and other stations of the town opened by the period's "
        "end (or with no opening date).",
        "个", ""),
    "sites_accepted": (
        "验收通过实践点", "Accepted practice sites",
        "阶段为“验收通过”且验收日期不晚于统计期末的实践点个数。",
        "Practice sites at stage Accepted with an acceptance date on or before the period's end.",
        "个", ""),
    "covered": (
        "是否已覆盖", "Covered",
        "该镇街至少有一个验收通过的实践点时为“是”（全覆盖口径）。排名时已覆盖的镇街并列第一。",
        "Yes when the town has at least one accepted practice site (the full-coverage rule). Covered towns share "
        "the first rank.",
        "", ""),
}
