"""Labels of the micro page."""

LABELS: dict[str, tuple[str, str]] = {
}
