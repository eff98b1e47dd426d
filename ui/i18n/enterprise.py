"""Labels of the enterprise page."""

LABELS: dict[str, tuple[str, str]] = {
}
