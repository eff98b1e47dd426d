"""Labels of the compare page."""

LABELS: dict[str, tuple[str, str]] = {
}
