"""Labels of the formal page."""

LABELS: dict[str, tuple[str, str]] = {
}
