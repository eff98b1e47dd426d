"""Labels of the rollout page."""

LABELS: dict[str, tuple[str, str]] = {
}
