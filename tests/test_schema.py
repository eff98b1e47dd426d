"""The committed DDL is the contract as code, and the warehouse has the contract's relations."""

from __future__ import annotations

import duckdb
import pytest

from etl.spec import ENUMS, KINDS, ddl
from warehouse.db import SCHEMA_SQL, create_schema


def test_committed_schema_sql_equals_the_spec():
    # Guards against editing etl/spec.py without `make schema` (or the other way round).
    assert SCHEMA_SQL.read_text(encoding="utf-8") == ddl()


def test_every_relation_has_the_contract_columns_in_order():
    con = duckdb.connect(":memory:")
    create_schema(con)
    for k in KINDS:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position",
            {"t": k.name}).fetchall()]
        assert cols[: len(k.output_columns)] == k.output_columns
    assert {"participants", "year"} <= set(KINDS[3].output_columns)


def test_schema_creation_is_idempotent():
    con = duckdb.connect(":memory:")
    create_schema(con)
    create_schema(con)
    assert con.execute("SELECT count(*) FROM etl_meta WHERE key = 'schema_version'").fetchone() == (1,)


_SAMPLE = {"text": "x", "id": "x", "int": 0, "year": 2023, "score": 50, "date": "2023-01-01", "bool": True,
           "district": "清江浦区", "town": "柳树湾街道", "code12": "320812010000", "credit": None}


def _row(spec_kind, **override):
    vals = {c.id: (next(iter(ENUMS[c.enum])) if c.type == "enum" else _SAMPLE[c.type]) for c in spec_kind.columns}
    vals.update(override)
    vals.update(_key="k", _load_id=1)
    return vals


@pytest.mark.parametrize("kind", [k for k in KINDS if any(c.type == "enum" for c in k.columns)], ids=lambda k: k.name)
def test_enumeration_columns_refuse_values_outside_the_contract(kind):
    con = duckdb.connect(":memory:")
    create_schema(con)
    good = _row(kind)
    cols = ", ".join(good)
    marks = ", ".join("?" for _ in good)
    con.execute(f"INSERT INTO {kind.name} ({cols}) VALUES ({marks})", list(good.values()))
    for col in (c for c in kind.columns if c.type == "enum"):
        bad = _row(kind, **{col.id: "NOT_A_CODE"})
        with pytest.raises(duckdb.ConstraintException, match="CHECK"):
            con.execute(f"INSERT INTO {kind.name} ({cols}) VALUES ({marks})", list(bad.values()))
