"""Labels of the data-management page (数据管理)."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.admin": ("数据管理", "Data"),
    "page.data": ("数据管理", "Data management"),
}
