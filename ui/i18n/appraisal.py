"""Labels of the appraisal page."""

LABELS: dict[str, tuple[str, str]] = {
}
