"""The committed data dictionary is the generator's output and covers the whole contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import dictionary, spec

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_committed_dictionary_equals_the_generated_one(doc: str) -> None:
    assert doc == dictionary.render(), (
        "docs/data-dictionary.md is stale: run python -m etl.dictionary > docs/data-dictionary.md")


def test_dictionary_mentions_every_kind_and_column(doc: str) -> None:
    for kind in spec.KINDS:
        assert f"`{kind.name}` {kind.label}" in doc, kind.name
        for col in kind.columns:
            assert f"| `{col.id}` | {col.label} |" in doc, (kind.name, col.id)
        for cid in kind.output_columns:
            assert f"`{cid}`" in doc, (kind.name, cid)


def test_dictionary_mentions_every_enum_code_with_both_labels(doc: str) -> None:
    for enum, values in spec.ENUMS.items():
        assert f"### `{enum}`" in doc
        for code, (zh, en) in values.items():
            assert f"| `{code}` | {zh} | {en} |" in doc, (enum, code)


def test_dictionary_mentions_every_warehouse_column(doc: str) -> None:
    # Lineage and bookkeeping columns are read from the DDL, so a column added to
    # spec.ddl() appears here; its description must be written too.
    for table, columns in dictionary.warehouse_columns().items():
        for name, _typ in columns:
            assert f"`{name}`" in doc, (table, name)


def test_every_kind_type_and_bookkeeping_column_has_prose() -> None:
    assert set(dictionary.KIND_NOTES) == {k.name for k in spec.KINDS}
    assert set(dictionary.TYPE_NOTES) == set(spec.SQL_TYPES) == set(dictionary.TYPE_SHORT)
    wh = dictionary.warehouse_columns()
    for kind in spec.KINDS:
        lineage = [name for name, _typ in wh[kind.name] if name not in kind.output_columns]
        assert lineage and set(lineage) <= set(dictionary.LINEAGE_NOTES), kind.name
    bookkeeping = {t for t in wh if t not in spec.KIND_BY_NAME}
    assert bookkeeping == set(dictionary.ETL_NOTES)
    for table in bookkeeping:
        assert {name for name, _typ in wh[table]} == set(dictionary.ETL_NOTES[table][2]), table


def test_dictionary_states_the_counting_rules(doc: str) -> None:
    for phrase in ("towns.counted = true", "deputies + voter_reps + social_workers + public",
                   "TOWN_CONGRESS", "WORK_REVIEW", "ACCEPTED", "BUILT", "7 个工作日", "3 个月",
                   "6 个月", "rows_read = rows_loaded + rows_rejected", "重复行", "编号重复"):
        assert phrase in doc, phrase


def test_main_writes_utf8_bytes(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    dictionary.main()
    assert capsysbinary.readouterr().out == dictionary.render().encode("utf-8")
