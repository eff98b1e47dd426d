"""The label catalogue, the metric dictionary and the shape of the house."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.i18n import CATALOG, set_lang, t
from ui.metrics import METRICS

ROOT = Path(__file__).resolve().parent.parent


def test_every_label_has_chinese_and_english():
    for key, (zh, en) in CATALOG.items():
        assert zh.strip() and en.strip(), key


def test_format_fields_match_between_languages():
    # A label formatted with {year} in Chinese must take {year} in English too.
    for key, (zh, en) in CATALOG.items():
        assert set(re.findall(r"{(\w+)", zh)) == set(re.findall(r"{(\w+)", en)), key


def test_every_metric_has_a_name_and_a_rule_in_both_languages():
    for mid, m in METRICS.items():
        assert m.name_zh and m.name_en and m.rule_zh and m.rule_en, mid


def test_language_switch_changes_labels():
    set_lang("en")
    try:
        assert t("page.overview") == "Overview"
    finally:
        set_lang("zh")
    assert t("page.overview") == "领导总览"


@pytest.mark.parametrize("page", sorted((ROOT / "views").glob("*.py")), ids=lambda p: p.name)
def test_pages_stay_thin_no_sql_no_connection(page):
    text = page.read_text(encoding="utf-8")
    assert "import duckdb" not in text and "duckdb." not in text
    assert not re.search(r"\bSELECT\b|\bFROM\b\s+\w+\s+WHERE", text)
    assert "unsafe_allow_html=True" not in text


def test_warehouse_layer_does_not_import_streamlit():
    for p in (ROOT / "warehouse").rglob("*.py"):
        assert "streamlit" not in p.read_text(encoding="utf-8"), p


def test_a_run_bound_language_holds_in_its_thread_only(monkeypatch):
    """The router binds the run's language to its thread (ui.i18n.bind_run_lang); other
    threads — a download built outside the run, another session's run — still follow the
    session or the process default."""
    import threading

    from ui import i18n

    monkeypatch.setitem(i18n._state, "lang", "zh")
    seen: dict[str, str] = {}

    def run(name: str, bind: str | None) -> None:
        if bind:
            i18n.bind_run_lang(bind)
        seen[name] = i18n.t("word.target")

    for name, bind in (("en-run", "en"), ("unbound", None), ("bogus", "fr")):
        th = threading.Thread(target=run, args=(name, bind))
        th.start()
        th.join()
    assert seen == {"en-run": "Target", "unbound": "目标", "bogus": "目标"}
    assert i18n.lang() == "zh"  # this thread was never bound


def test_enums_label_each_value_as_enum_does(monkeypatch):
    """``enums`` labels a column once per distinct code: the same labels as ``enum`` value
    by value, an unknown code as itself, a blank as nothing."""
    import pandas as pd

    from ui import i18n

    values = pd.Series(["URBAN", None, "ENVIRONMENT", "URBAN", "NOT_A_CODE"], dtype="str")
    for lang in ("zh", "en"):
        monkeypatch.setitem(i18n._state, "lang", lang)
        assert i18n.enums("micro_category", values) == [
            i18n.enum("micro_category", "URBAN"), "", i18n.enum("micro_category", "ENVIRONMENT"),
            i18n.enum("micro_category", "URBAN"), "NOT_A_CODE"]
    assert i18n.enums("micro_category", pd.Series([], dtype="str")) == []
