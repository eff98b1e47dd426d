"""Metric definitions by subject, merged into ``ui.metrics.METRICS``.

Each module defines ``DEFS = {metric_id: (name_zh, name_en, rule_zh, rule_en, unit_zh, unit_en)}``.
"""

SUBJECTS = ("enterprise", "micro", "formal", "appraisal", "rollout", "sites", "towns")
