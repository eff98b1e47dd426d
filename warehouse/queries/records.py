"""明细查询: every record of every kind of the data contract, one page at a time.

The record explorer lists the records themselves, not a statistic, so an analyst can find
any row — and the Excel row it came from. What this module promises:

* **Every record kind** of ``etl.spec.KINDS``, with the contract's columns in the
  contract's order, then a few columns of context (below), then the lineage columns
  来源文件 / 工作表 / 行号 (``_file`` — the file's name without its folder — ``_sheet``,
  ``_row``) so a record can be found in the file it was loaded from.
* **Uncounted towns are listed.** A record of a town outside the statistics (纳入统计 = 否,
  e.g. an 办事处) is still a record: it appears, with the column ``town_counted`` (镇街纳入
  统计, from ``towns.counted``) saying so. The sidebar's town list only offers counted
  towns, so choosing towns narrows to counted ones.
* **The global filters** apply through :func:`warehouse.filters.where` to what each kind
  has (:func:`scope_of` says which, so the page can tell the user):

  ===================  ======================  ===================  =====================
  kind                 district                year                 towns
  ===================  ======================  ===================  =====================
  towns, stations,     own column              — (not dated)        own column
  deputies
  activities, visits,  own column              year of main date    own column
  micro, sites
  enterprise_opinions  the visit's             the visit's year     the visit's town
  formal_suggestions   own column              year of 交办日期      the lead deputy's town
  appraisals,          own column              own ``year``         — (no town)
  rollout_plan
  ===================  ======================  ===================  =====================

  The cut-off ``as_of`` applies to the main date (the visit's date for opinions); a record
  without that date is kept — it is still a record — unless a year is chosen (its year is
  then unknown, so it matches no year).
* **Column conditions** ``(column, op, value)`` — column ids are checked against the
  kind's columns (a name from anywhere else raises ``ValueError`` and never reaches the SQL
  text); values always travel as bound parameters. Ops by column type:

  - ``contains`` (text): case-insensitive substring;
  - ``in`` (enumeration): one of the given codes (an empty list sets no condition);
  - ``between`` (date, number): ``(low, high)``, either end open with ``None``;
  - ``is`` (yes/no): ``True`` or ``False``;
  - ``empty`` (any): ``True`` = blank (NULL, or only spaces for text), ``False`` = filled;
  - ``eq`` (any; links such as ``?col.category=BUSINESS_ENV``): equals the stored value.
    :func:`url_condition` turns a link's text into one, or raises ``ValueError``.
* **Sorting** by any column, ascending or descending, blanks last; an enumeration sorts in
  the contract's order of its codes (the order of a status's progress), not by label. Ties
  are broken by the record key and the lineage, so pages never overlap or skip a record.
* **Display values**: enumeration codes come back as their labels and booleans as 是/否
  (``Yes``/``No`` in English), translated in SQL from bound lists built from
  ``etl.spec.ENUMS``; conditions and sorting work on the stored codes.

Privacy. Every free-text column (contract type ``text``: topics, opinion and suggestion
texts and titles, and, to be safe, names, departments, themes …) is masked with
:func:`warehouse.privacy.mask_series` in everything returned — a page or an export batch.
A condition or a sort on such a column works **on the masked text**: the same
``privacy.mask_text``, registered in DuckDB as the function ``oversight_mask_text``. So a
search for ``1234`` cannot find the record whose hidden digits are ``1234`` (and a
search for digits shown, or for ``138****5678``, still works); a search is never refused.
(The alternative, refusing terms with digits, would still let three-digit probes reveal
the hidden digits one by one.)

**The user's rights** ride on the filters (:mod:`warehouse.filters`): the scope narrows
every kind as the table above says (the scope's towns; the scope's districts for
appraisals and the rollout plan; the lead deputy's town for formal suggestions, so one
without a lead deputy of a known town is not shown to a scoped user); free text is in
clear — and conditions and sorting then work on the clear text — only with
``Filters.unmasked`` (leaders); and every function here refuses a filter without
``records`` (:class:`warehouse.filters.RecordsNotAllowed`): the explorer is record-level.

Paging happens here, on the server: :func:`record_count` and :func:`record_page` (at most
:data:`MAX_PAGE` rows); :func:`record_batches` streams every matching row for an export in
Arrow batches, never holding the whole result as one frame.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from etl.spec import ENUMS, KIND_BY_NAME, KINDS, NO_VALUES, YES_VALUES
from dataclasses import replace as _replace

from warehouse.filters import Filters, ensure_records, where
from warehouse.privacy import mask_series, mask_text

KIND_NAMES: tuple[str, ...] = tuple(k.name for k in KINDS)
MAX_PAGE = 1000
BATCH_ROWS = 50_000
LINEAGE: tuple[str, ...] = ("_file", "_sheet", "_row")
OPS: dict[str, tuple[str, ...]] = {
    "text": ("contains", "empty", "eq"),
    "enum": ("in", "empty", "eq"),
    "date": ("between", "empty", "eq"),
    "number": ("between", "empty", "eq"),
    "bool": ("is", "empty", "eq"),
}
MASK_FUNCTION = "oversight_mask_text"
YES_NO = {"zh": ("是", "否"), "en": ("Yes", "No")}

# The contract's column types, as the explorer filters them.
_VALUE_TYPES = {"text": "text", "id": "text", "district": "text", "town": "text", "code12": "text",
                "credit": "text", "int": "number", "year": "number", "score": "number", "date": "date",
                "bool": "bool", "enum": "enum"}

# Place names (the towns relation's own district and town) are not free text.
_PLACES = ("district", "town")

Condition = tuple[str, str, Any]
Sort = tuple[str, str]


@dataclass(frozen=True)
class Field:
    """A column of the explorer. ``label``/``en`` are the contract's (empty for a column of
    context, whose label lives in ``ui/i18n/explore.py`` as ``ex.field.<id>``). ``sql`` is
    the expression over the kind's relations — chosen here, never from input."""

    id: str
    type: str  # text | enum | date | number | bool
    sql: str
    label: str = ""
    en: str = ""
    enum: str | None = None
    masked: bool = False
    lineage: bool = False
    integer: bool = False


@dataclass(frozen=True)
class Scope:
    """How the global filters reach a kind: ``towns`` is ``"own"``, ``"visit"``,
    ``"deputy"`` or None (not applicable); ``year`` is the column whose year is meant
    (``"year"`` for a kind with a year of its own), or None (not applicable)."""

    year: str | None
    towns: str | None
    date: str | None  # the main date (for as_of)


@dataclass(frozen=True)
class _KindSql:
    source: str  # FROM clause; the kind's relation is ``r``
    district: str
    year: str | None
    town: str | None
    date: str | None
    scope: Scope
    extra: tuple[Field, ...]
    default_sort: Sort


def _q(ident: str) -> str:
    """A column id as a quoted identifier (ids come from the contract, never from input)."""
    return '"' + ident.replace('"', '""') + '"'


def _counted(alias: str) -> str:
    return f"LEFT JOIN towns tw ON tw.district = {alias}.district AND tw.town = {alias}.town"


_COUNTED = Field("town_counted", "bool", "tw.counted")


def _own(kind: str, *, year: bool, town: bool, date: str | None, sort: Sort) -> _KindSql:
    return _KindSql(
        source=f"{kind} r " + (_counted("r") if town and kind != "towns" else ""),
        district="r.district", year="r.year" if year else None, town="r.town" if town else None,
        date=f"r.{date}" if date else None,
        scope=Scope(year=("year" if kind in ("appraisals", "rollout_plan") else date) if year else None,
                    towns="own" if town else None, date=date),
        extra=(_COUNTED,) if town and kind != "towns" else (), default_sort=sort)


_KIND_SQL: dict[str, _KindSql] = {
    "towns": _own("towns", year=False, town=True, date=None, sort=("town_code", "asc")),
    "stations": _own("stations", year=False, town=True, date=None, sort=("station_id", "asc")),
    "deputies": _own("deputies", year=False, town=True, date=None, sort=("deputy_id", "asc")),
    "activities": _own("activities", year=True, town=True, date="date", sort=("date", "desc")),
    "enterprise_visits": _own("enterprise_visits", year=True, town=True, date="date", sort=("date", "desc")),
    "micro_suggestions": _own("micro_suggestions", year=True, town=True, date="submitted_on",
                              sort=("submitted_on", "desc")),
    "practice_sites": _own("practice_sites", year=True, town=True, date="started_on", sort=("site_id", "asc")),
    "appraisals": _own("appraisals", year=True, town=False, date=None, sort=("appraisal_id", "asc")),
    "rollout_plan": _own("rollout_plan", year=True, town=False, date=None, sort=("year", "asc")),
    "enterprise_opinions": _KindSql(
        source="enterprise_opinions r LEFT JOIN enterprise_visits v ON v.visit_id = r.visit_id " + _counted("v"),
        district="v.district", year="v.year", town="v.town", date="v.date",
        scope=Scope(year="visit_date", towns="visit", date="visit_date"),
        extra=(Field("visit_date", "date", "v.date"), Field("district", "text", "v.district"),
               Field("town", "text", "v.town"), _COUNTED),
        default_sort=("visit_date", "desc")),
    "formal_suggestions": _KindSql(
        source="formal_suggestions r LEFT JOIN deputies d ON d.deputy_id = r.deputy_id",
        district="r.district", year="r.year", town="d.town", date="r.assigned_on",
        scope=Scope(year="assigned_on", towns="deputy", date="assigned_on"),
        extra=(Field("deputy_name", "text", "d.name", masked=True), Field("deputy_town", "text", "d.town")),
        default_sort=("assigned_on", "desc")),
}
if set(_KIND_SQL) != set(KIND_NAMES):  # a kind added to the contract needs its explorer SQL here
    raise RuntimeError(f"record kinds without explorer SQL: {sorted(set(KIND_NAMES) - set(_KIND_SQL))}")

_LINEAGE_FIELDS = (
    # The file's name without its folder: what the analyst knows it by.
    Field("_file", "text", r"regexp_extract(r._file, '[^/\\]*$')", lineage=True),
    Field("_sheet", "text", "r._sheet", lineage=True),
    Field("_row", "number", "r._row", lineage=True, integer=True),
)
_DERIVED = {"participants": Field("participants", "number", "r.participants", integer=True),
            "year": Field("year", "number", "r.year", integer=True)}


def _fields(kind: str) -> tuple[Field, ...]:
    k = KIND_BY_NAME[kind]
    out = [Field(c.id, _VALUE_TYPES[c.type], f"r.{_q(c.id)}", label=c.label, en=c.en, enum=c.enum,
                 masked=c.type == "text" and c.id not in _PLACES, integer=c.type in ("int", "year"))
           for c in k.columns]
    out += [_DERIVED[name] for name, _typ, _expr in k.derived]
    if k.has_year:
        out.append(_DERIVED["year"])
    out += _KIND_SQL[kind].extra
    out += _LINEAGE_FIELDS
    return tuple(out)


_FIELDS: dict[str, tuple[Field, ...]] = {k: _fields(k) for k in KIND_NAMES}


def _kind(kind: str) -> str:
    if kind not in _FIELDS:
        raise ValueError(f"unknown record kind: {kind!r}")
    return kind


def fields(kind: str) -> tuple[Field, ...]:
    """The explorer's columns of ``kind``, in display order (lineage last)."""
    return _FIELDS[_kind(kind)]


def field(kind: str, column: str) -> Field:
    for fld in fields(kind):
        if fld.id == column:
            return fld
    raise ValueError(f"unknown column of {kind}: {column!r}")


def scope_of(kind: str) -> Scope:
    """Which global filters apply to ``kind``, and how (district always does)."""
    return _KIND_SQL[_kind(kind)].scope


def default_sort(kind: str) -> Sort:
    return _KIND_SQL[_kind(kind)].default_sort


# --- conditions -----------------------------------------------------------------------------

def _parse_bool(text: str) -> bool:
    s = text.strip().lower()
    if s in YES_VALUES:
        return True
    if s in NO_VALUES:
        return False
    raise ValueError(f"not a yes/no value: {text!r}")


def _parse_number(text: str) -> float:
    try:
        x = float(text.strip())
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError(f"not a number: {text!r}")
    return x


def url_condition(kind: str, column: str, text: str) -> Condition:
    """A link's ``col.<column>=<text>`` as an ``eq`` condition with a typed value; raises
    ``ValueError`` for an unknown column or a value the column cannot hold. Enumerations
    take the stored code (any case) or its Chinese or English label."""
    fld = field(kind, column)
    if fld.type == "enum":
        codes = ENUMS[fld.enum or ""]
        wanted = text.strip()
        for code, (zh, en) in codes.items():
            if wanted.upper() == code.upper() or wanted in (zh, en):
                return (column, "eq", code)
        raise ValueError(f"not a code of {fld.enum}: {text!r}")
    if fld.type == "number":
        x = _parse_number(text)
        return (column, "eq", int(x) if x.is_integer() else x)
    if fld.type == "date":
        try:
            return (column, "eq", dt.date.fromisoformat(text.strip()))
        except ValueError:
            raise ValueError(f"not a date: {text!r}") from None
    if fld.type == "bool":
        return (column, "eq", _parse_bool(text))
    return (column, "eq", text)


def _cond_sql(fld: Field, op: str, value: Any, name: str, p: dict[str, object]) -> str | None:
    # ``fld.masked`` is the column's masking as the caller's filters have it (see _build).
    """One condition as SQL over ``b`` (None: sets no condition)."""
    if op not in OPS[fld.type]:
        raise ValueError(f"condition {op!r} does not apply to {fld.id} ({fld.type})")
    col = f"b.{_q(fld.id)}"
    text_expr = f"{MASK_FUNCTION}({col})" if fld.masked else col
    if op == "empty":
        if not isinstance(value, bool):
            raise ValueError("empty takes True or False")
        blank = f"({col} IS NULL OR trim({col}) = '')" if fld.type == "text" else f"{col} IS NULL"
        return blank if value else f"NOT {blank}"
    if op == "contains":
        if not isinstance(value, str):
            raise ValueError("contains takes a text")
        if not value.strip():
            return None
        p[name] = value.strip()
        return f"contains(lower({text_expr}), lower(${name}))"
    if op == "in":
        if isinstance(value, str) or not isinstance(value, (tuple, list)):
            raise ValueError("in takes a list of codes")
        if not value:
            return None
        p[name] = [str(v) for v in value]
        return f"list_contains(CAST(${name} AS VARCHAR[]), {col})"
    if op == "between":
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise ValueError("between takes (low, high)")
        parts = []
        for end, cmp in zip(value, (">=", "<=")):
            if end is None:
                continue
            if fld.type == "date" and not isinstance(end, dt.date):
                raise ValueError("a date condition takes dates")
            if fld.type == "number" and (isinstance(end, bool) or not isinstance(end, (int, float))):
                raise ValueError("a number condition takes numbers")
            key = f"{name}_{'lo' if cmp == '>=' else 'hi'}"
            p[key] = end.date() if isinstance(end, dt.datetime) else end
            parts.append(f"{col} {cmp} ${key}")
        return " AND ".join(parts) or None
    if op == "is":
        if not isinstance(value, bool):
            raise ValueError("is takes True or False")
        p[name] = value
        return f"{col} = ${name}"
    # eq
    if fld.type == "text":
        if not isinstance(value, str):
            raise ValueError("a text condition takes a text")
        p[name] = value
        return f"{text_expr} = ${name}"
    p[name] = value
    return f"{col} = ${name}"


def _conditions_sql(kind: str, conditions: Sequence[Condition], p: dict[str, object],
                    by_id: dict[str, Field] | None = None) -> tuple[str, bool]:
    """The conditions as one SQL fragment, and whether any works on masked text."""
    parts: list[str] = []
    masked = False
    for i, cond in enumerate(conditions or ()):
        if not isinstance(cond, (tuple, list)) or len(cond) != 3:
            raise ValueError(f"a condition is (column, op, value): {cond!r}")
        column, op, value = cond
        fld = field(kind, str(column))
        fld = by_id.get(fld.id, fld) if by_id else fld
        sql = _cond_sql(fld, str(op), value, f"c{i}", p)
        if sql:
            parts.append(f"({sql})")
            masked = masked or (fld.masked and op in ("contains", "eq"))
    return (" AND ".join(parts) or "TRUE"), masked


# --- the query ------------------------------------------------------------------------------

def _enum_params(i: int, fld: Field, lang: str, p: dict[str, object]) -> tuple[str, str]:
    codes = ENUMS[fld.enum or ""]
    p[f"ec{i}"] = list(codes)
    p[f"el{i}"] = [zh if lang == "zh" else en for zh, en in codes.values()]
    return f"CAST($ec{i} AS VARCHAR[])", f"CAST($el{i} AS VARCHAR[])"


def _fields_for(f: Filters, kind: str) -> tuple[Field, ...]:
    """The kind's columns, masked as the filters say: none masked for ``f.unmasked``."""
    flds = fields(kind)
    return tuple(_replace(fld, masked=False) for fld in flds) if f.unmasked else flds


def _build(f: Filters, kind: str, conditions: Sequence[Condition], sort: Sort | None, lang: str,
           *, count: bool = False) -> tuple[str, dict[str, object], bool]:
    """The SQL, its parameters, and whether it needs the masking function."""
    ensure_records(f)
    ks = _KIND_SQL[_kind(kind)]
    flds = _fields_for(f, kind)
    by_id = {fld.id: fld for fld in flds}
    scope_cols = [f"{ks.district} AS _s_district", f"{ks.year or 'NULL'} AS _s_year",
                  f"{ks.town or 'NULL'} AS _s_town", f"{ks.date or 'NULL'} AS _s_date",
                  "r._key AS _s_key", "r._file AS _s_file", "r._row AS _s_row"]
    base = ("WITH b AS (SELECT " + ", ".join([f"{fld.sql} AS {_q(fld.id)}" for fld in flds] + scope_cols)
            + f" FROM {ks.source})")
    scope_where, p = where(f, "b", year_col="_s_year" if ks.year else None,
                           town_col="_s_town" if ks.town else None, district_col="_s_district")
    if ks.date and f.as_of is not None:
        scope_where += " AND (b._s_date IS NULL OR b._s_date <= $as_of)"
        p["as_of"] = f.as_of
    cond_where, needs_mask = _conditions_sql(kind, conditions, p, by_id)
    where_sql = f" WHERE {scope_where} AND {cond_where}"
    if count:
        return base + " SELECT count(*) FROM b" + where_sql, p, needs_mask

    if any(fld.type == "bool" for fld in flds):  # DuckDB refuses parameters a query does not use
        p["yes"], p["no"] = YES_NO.get(lang, YES_NO["zh"])
    select = []
    for i, fld in enumerate(flds):
        col = f"b.{_q(fld.id)}"
        if fld.type == "enum":
            codes, labels = _enum_params(i, fld, lang, p)
            select.append(f"coalesce({labels}[list_position({codes}, {col})], {col}) AS {_q(fld.id)}")
        elif fld.type == "bool":
            select.append(f"CASE WHEN {col} THEN $yes WHEN NOT {col} THEN $no END AS {_q(fld.id)}")
        else:
            select.append(col)

    column, direction = sort or ks.default_sort
    fld = field(kind, column)
    fld = by_id.get(fld.id, fld)
    if direction not in ("asc", "desc"):
        raise ValueError(f"sort direction is 'asc' or 'desc', not {direction!r}")
    key = f"b.{_q(fld.id)}"
    if fld.type == "enum":
        key = f"list_position(CAST($sort_codes AS VARCHAR[]), {key})"
        p["sort_codes"] = list(ENUMS[fld.enum or ""])
    elif fld.masked:
        key = f"{MASK_FUNCTION}({key})"
        needs_mask = True
    order = f" ORDER BY {key} {direction.upper()} NULLS LAST, b._s_key, b._s_file, b._s_row"
    return base + " SELECT " + ", ".join(select) + " FROM b" + where_sql + order, p, needs_mask


def _ensure_mask_function(con: duckdb.DuckDBPyConnection) -> None:
    """Register :func:`warehouse.privacy.mask_text` in this database instance (once; every
    cursor of the connection sees it)."""
    # (con.sql, not execute: the answer is the connection's, not the snapshot's, and must
    # never come from a store of answers shared with other connections: warehouse/memo.py)
    have = con.sql("SELECT count(*) FROM duckdb_functions() WHERE function_name = $name",
                   params={"name": MASK_FUNCTION}).fetchall()
    if have[0][0]:
        return
    try:
        con.create_function(MASK_FUNCTION, mask_text, ["VARCHAR"], "VARCHAR", null_handling="special",
                            side_effects=False)
    except (duckdb.CatalogException, duckdb.NotImplementedException):
        pass  # another session's cursor registered it in between


def _mask(df: pd.DataFrame, kind: str, f: Filters) -> pd.DataFrame:
    if f.unmasked:
        return df
    for fld in fields(kind):
        if fld.masked and fld.id in df.columns:
            df[fld.id] = mask_series(df[fld.id])
    return df


def record_count(con: duckdb.DuckDBPyConnection, f: Filters, kind: str,
                 conditions: Sequence[Condition] = ()) -> int:
    """How many records of ``kind`` the filters and conditions select."""
    sql, p, needs_mask = _build(f, kind, tuple(conditions or ()), None, "zh", count=True)
    if needs_mask:
        _ensure_mask_function(con)
    return int(con.execute(sql, p).fetchall()[0][0])


def record_page(con: duckdb.DuckDBPyConnection, f: Filters, kind: str, conditions: Sequence[Condition] = (),
                sort: Sort | None = None, offset: int = 0, limit: int = 100, lang: str = "zh") -> pd.DataFrame:
    """One page of records: ``limit`` (1 … :data:`MAX_PAGE`) rows from ``offset`` in the
    sort order; the columns of :func:`fields`, enumerations and booleans as labels in
    ``lang``, free text masked."""
    if not (1 <= int(limit) <= MAX_PAGE):
        raise ValueError(f"a page holds 1 to {MAX_PAGE} rows, not {limit}")
    if int(offset) < 0:
        raise ValueError("offset must not be negative")
    sql, p, needs_mask = _build(f, kind, tuple(conditions or ()), sort, lang)
    if needs_mask:
        _ensure_mask_function(con)
    p["limit"], p["offset"] = int(limit), int(offset)
    df = con.execute(sql + " LIMIT $limit OFFSET $offset", p).df()
    return _mask(df, kind, f)


def record_batches(con: duckdb.DuckDBPyConnection, f: Filters, kind: str, conditions: Sequence[Condition] = (),
                   sort: Sort | None = None, lang: str = "zh", batch_rows: int = BATCH_ROWS
                   ) -> Iterator[pd.DataFrame]:
    """Every record the filters and conditions select, in the sort order, as frames of
    about ``batch_rows`` rows (streamed from DuckDB as Arrow batches), masked — for an
    export of any size. Same columns and values as :func:`record_page`. The filters are
    checked when it is called (a presenter's call raises at once), not at the first batch."""
    sql, p, needs_mask = _build(f, kind, tuple(conditions or ()), sort, lang)
    if needs_mask:
        _ensure_mask_function(con)
    return _batches(con, sql, p, kind, f, batch_rows)


def _batches(con: duckdb.DuckDBPyConnection, sql: str, p: dict[str, object], kind: str, f: Filters,
             batch_rows: int) -> Iterator[pd.DataFrame]:
    reader = con.sql(sql, params=p).to_arrow_reader(batch_rows)
    for batch in reader:
        if batch.num_rows:
            yield _mask(batch.to_pandas(), kind, f)
