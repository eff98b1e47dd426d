"""Labels of the explore page."""

LABELS: dict[str, tuple[str, str]] = {
}
