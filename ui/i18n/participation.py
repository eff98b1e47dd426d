"""Labels of the 参与情况 (participation) page."""

LABELS: dict[str, tuple[str, str]] = {
}
