"""Metric definitions (统计口径) of the sites subject; see ui/metric_defs/__init__.py."""

DEFS: dict[str, tuple[str, str, str, str, str, str]] = {
}
