"""Labels of the town page."""

LABELS: dict[str, tuple[str, str]] = {
}
