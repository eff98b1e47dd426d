"""Labels of the 领导总览 (overview) page."""

LABELS: dict[str, tuple[str, str]] = {
}
