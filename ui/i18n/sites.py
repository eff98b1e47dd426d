"""Labels of the sites page."""

LABELS: dict[str, tuple[str, str]] = {
}
