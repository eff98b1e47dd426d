"""Value rules of the data contract, as SQL run by DuckDB over whole columns at once.

For a record kind, :func:`stage_sql` gives one ``CREATE TEMP TABLE stg AS SELECT …`` that
reads the raw string table ``raw_in`` (see ``etl/read.py``) and produces, per input row:

* ``r_<col>`` — the cell text, trimmed (empty -> NULL: :func:`clean_column`, applied to
  ``raw_in`` as it streams in), quoted in a reject reason (kept in ``stg`` only for the
  columns that reference another kind, checked after staging);
* ``<col>`` — the typed value (DATE, BIGINT, BOOLEAN, the enumeration *code*, the town's
  full name …), NULL where the cell is blank or cannot be read;
* ``_reason`` / ``_column`` / ``_value`` — why the row is rejected (every fault of the row
  in plain Chinese, joined by "；"), the label of the first faulty column and its text;
  NULL when the row is good;
* ``_key`` (the record key as one string) and ``_hash`` (a digest of every contract
  column, to tell an unchanged reload from a changed one).

Nothing here is guessed: a value that does not match an accepted spelling is a fault.
The SQL text is built only from the contract (column ids, enumeration names); every value
that comes from a user's file stays in the data. Literal strings that come from the
contract are quoted with :func:`lit`.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from etl.spec import (ENUM_ALIASES, ENUMS, INT_UNITS, NO_VALUES, YES_VALUES, Column, Kind)

# Dates outside this range are rejected as implausible.
MIN_DATE = "1949-10-01"
MAX_DATE = "2100-12-31"
# Excel serial numbers accepted as dates: 18000 = 1949-04-12 … 73415 = 2100-12-31.
MIN_SERIAL, MAX_SERIAL = 18000, 73415
MAX_ID_LENGTH = 64
SEP = "\x1f"  # joins key parts

_FULLWIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
_HALFWIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "

# Trimmed from both ends of every cell: RE2's \s (tab, line feed, form feed, carriage
# return, space — not vertical tab) and the ideographic space, no-break space, byte-order
# mark and zero-width space that Chinese office files carry.
TRIM_CHARS = " \t\n\f\r\u3000\u00a0\ufeff\u200b"
# Characters that etl_key leaves as they are (ASCII other than white space and capitals,
# CJK ideographs): a cell made only of them is its own lookup form.
_KEY_AS_IS = r"[!-@\[-~\x{3400}-\x{9FFF}]*"


def clean_column(col: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Cell texts trimmed of :data:`TRIM_CHARS` at both ends; empty -> null. (Arrow's
    vectorised trim, applied to the raw rows before the stage SQL: a regular expression per
    cell there took a third of the staging time.)"""
    trimmed = pc.utf8_trim(col, characters=TRIM_CHARS)
    empty = pc.equal(pc.binary_length(trimmed), 0)  # (from the offsets alone: no text compared)
    if not pc.any(empty).as_py():  # (the usual case: nothing to copy)
        return trimmed
    return pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)


def lit(s: str) -> str:
    """A SQL string literal for text that comes from the contract, never from a file."""
    return "'" + s.replace("'", "''") + "'"


_FOLD = str.maketrans(_FULLWIDTH, _HALFWIDTH)  # built once: maketrans costs ~10 µs a call


def fold_text(s: str) -> str:
    """The Python twin of the SQL ``etl_key`` macro: full-width -> half-width, no white
    space, lower case. Lookup tables are built with it."""
    return "".join(s.translate(_FOLD).split()).lower()


def macros_sql() -> list[str]:
    """Temporary macros the stage SQL uses (created once per connection)."""
    units = "|".join(INT_UNITS)
    return [
        # Full-width -> half-width.
        # (translate() is slow with a long mapping: only call it when there is something
        # full-width to fold, which is rare.)
        "CREATE OR REPLACE TEMP MACRO etl_fold(s) AS CASE WHEN regexp_matches(s, '[\\x{FF01}-\\x{FF5E}\\x{3000}]') "
        f"THEN translate(s, {lit(_FULLWIDTH)}, {lit(_HALFWIDTH)}) ELSE s END",
        # Lookup form: folded, no white space, lower case. (A cell of ideographs and lower-case
        # ASCII — nearly every district, town and choice — is its own form: one match instead
        # of a fold, a replace and a lower; it halved the staging of 10^6 activities.)
        f"CREATE OR REPLACE TEMP MACRO etl_key(s) AS CASE WHEN regexp_full_match(s, {lit(_KEY_AS_IS)}) THEN s "
        r"ELSE lower(regexp_replace(etl_fold(s), '\s', '', 'g')) END",
        # A whole number's text: no separators, no trailing unit.
        # (Plain digits, by far the most common cell, skip the folding.)
        "CREATE OR REPLACE TEMP MACRO etl_num(s) AS CASE WHEN regexp_full_match(s, '[0-9]+') THEN s ELSE "
        f"regexp_replace(regexp_replace(etl_fold(s), '[,，\\s]', '', 'g'), '({units})$', '') END",
        # Date text without a trailing time of day.
        "CREATE OR REPLACE TEMP MACRO etl_datetext(s) AS "
        r"regexp_replace(etl_fold(s), '[ T]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$', '')",
        # Every accepted date spelling; NULL when none matches or the date does not exist.
        # (ISO dates, by far the most common, are cast directly: the same date, or NULL when
        # it does not exist, as the general branch below gives.)
        "CREATE OR REPLACE TEMP MACRO etl_date(s) AS CASE "
        r"WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}') THEN try_cast(s AS DATE) "
        r"WHEN regexp_full_match(etl_datetext(s), '(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?') THEN "
        r"try(make_date(CAST(regexp_extract(etl_datetext(s), '^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})', 1) AS BIGINT), "
        r"CAST(regexp_extract(etl_datetext(s), '^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})', 2) AS BIGINT), "
        r"CAST(regexp_extract(etl_datetext(s), '^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})', 3) AS BIGINT))) "
        r"WHEN regexp_full_match(etl_datetext(s), '\d{8}') THEN "
        r"try(make_date(CAST(substr(etl_datetext(s), 1, 4) AS BIGINT), CAST(substr(etl_datetext(s), 5, 2) AS BIGINT), "
        r"CAST(substr(etl_datetext(s), 7, 2) AS BIGINT))) "
        r"WHEN regexp_full_match(etl_datetext(s), '\d{5}(\.\d+)?') "
        f"AND CAST(regexp_extract(etl_datetext(s), '^\\d+', 0) AS BIGINT) BETWEEN {MIN_SERIAL} AND {MAX_SERIAL} THEN "
        r"CAST(DATE '1899-12-30' + CAST(regexp_extract(etl_datetext(s), '^\d+', 0) AS BIGINT) * INTERVAL 1 DAY AS DATE) "
        "END",
        # GB 32100 unified social credit code: 18 characters and a valid check digit.
        "CREATE OR REPLACE TEMP MACRO etl_credit_ok(s) AS "
        "regexp_full_match(s, '[0-9A-HJ-NPQRTUWXY]{18}') AND "
        "substr('0123456789ABCDEFGHJKLMNPQRTUWXY', "
        "CAST((31 - CAST(list_sum([(instr('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(s, i, 1)) - 1) * "
        "[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][i] for i in range(1, 18)]) AS BIGINT) % 31) % 31 + 1 AS BIGINT), 1) "
        "= substr(s, 18, 1)",
    ]


def enum_lookup_rows() -> list[tuple[str, str, str]]:
    """(enum, alias, code) rows: the code, the Chinese and English labels, extra spellings."""
    rows: dict[tuple[str, str], str] = {}
    for enum, codes in ENUMS.items():
        for code, (zh, en) in codes.items():
            for alias in (code, zh, en):
                rows.setdefault((enum, fold_text(alias)), code)
        for alias, code in ENUM_ALIASES.get(enum, {}).items():
            rows.setdefault((enum, fold_text(alias)), code)
    return [(e, a, c) for (e, a), c in rows.items()]


def _yes_no_sql(x: str) -> str:
    yes = ", ".join(lit(fold_text(v)) for v in YES_VALUES)
    no = ", ".join(lit(fold_text(v)) for v in NO_VALUES)
    return f"CASE WHEN etl_key({x}) IN ({yes}) THEN TRUE WHEN etl_key({x}) IN ({no}) THEN FALSE END"


def _enum_choices(enum: str) -> str:
    return "、".join(zh for zh, _en in ENUMS[enum].values())


def _value_and_error(kind: Kind, c: Column) -> tuple[str, str, list[str]]:
    """SQL for the typed value, for the error (NULL when fine) and extra joins."""
    r = f"r_{c.id}"
    label = c.label
    joins: list[str] = []
    t = c.type
    if t in ("text",):
        value, bad = r, "NULL"
    elif t == "id":
        value = f"CASE WHEN length({r}) <= {MAX_ID_LENGTH} THEN {r} END"
        bad = (f"CASE WHEN length({r}) > {MAX_ID_LENGTH} THEN "
               f"{lit('「' + label + '」超过' + str(MAX_ID_LENGTH) + '个字符：')} || left({r}, 20) || '…' END")
    elif t in ("int", "year"):
        num = f"etl_num({r})"
        # (Plain digits, by far the most common cell, are cast at once.)
        value = (f"CASE WHEN regexp_full_match({r}, '[0-9]{{1,18}}') THEN CAST({r} AS BIGINT) "
                 f"WHEN regexp_full_match({num}, '\\d{{1,18}}(\\.0+)?') "
                 f"THEN CAST(regexp_extract({num}, '^\\d+', 0) AS BIGINT) END")
        if t == "year":
            value = f"CASE WHEN ({value}) BETWEEN 2000 AND 2100 THEN ({value}) END"
        bad = (f"CASE WHEN regexp_full_match({num}, '-\\d+(\\.\\d+)?') THEN "
               f"{lit('「' + label + '」不能为负数：')} || {r} "
               f"WHEN regexp_full_match({num}, '\\d+\\.\\d+') THEN "
               f"{lit('「' + label + '」应为整数：')} || {r} "
               + (f"WHEN regexp_full_match({num}, '\\d{{1,18}}(\\.0+)?') THEN "
                  f"{lit('「' + label + '」年度超出范围（2000—2100）：')} || {r} " if t == "year" else "")
               + f"ELSE {lit('「' + label + '」不是有效的数字：')} || {r} END")
    elif t == "score":
        num = f"regexp_replace(etl_num({r}), '分$', '')"
        value = (f"CASE WHEN regexp_full_match({num}, '\\d{{1,3}}(\\.\\d+)?') "
                 f"AND CAST({num} AS DOUBLE) <= 100 THEN CAST({num} AS DOUBLE) END")
        bad = (f"CASE WHEN regexp_full_match({num}, '-?\\d+(\\.\\d+)?') THEN "
               f"{lit('「' + label + '」应在0到100之间：')} || {r} "
               f"ELSE {lit('「' + label + '」不是有效的数字：')} || {r} END")
    elif t == "date":
        value = (f"CASE WHEN etl_date({r}) BETWEEN DATE {lit(MIN_DATE)} AND DATE {lit(MAX_DATE)} "
                 f"THEN etl_date({r}) END")
        bad = (f"CASE WHEN etl_date({r}) IS NOT NULL THEN "
               f"{lit('「' + label + '」超出合理范围（1949—2100年）：')} || {r} "
               f"ELSE {lit(label + '无法识别：')} || {r} END")
    elif t == "bool":
        value = _yes_no_sql(r)
        bad = f"{lit('「' + label + '」应填“是”或“否”：')} || {r}"
    elif t == "enum":
        assert c.enum
        alias = f"e_{c.id}"
        joins.append(f"LEFT JOIN _enum_lookup {alias} ON {alias}.enum = {lit(c.enum)} "
                     f"AND {alias}.alias = etl_key(c.{r})")
        value = f"{alias}.code"
        bad = (f"{lit('「' + label + '」取值无法识别：')} || {r} || "
               f"{lit('（可填：' + _enum_choices(c.enum) + '）')}")
    elif t == "district":
        joins.append(f"LEFT JOIN _district_lookup d_{c.id} ON d_{c.id}.alias = etl_key(c.{r})")
        value = f"d_{c.id}.district"
        bad = (f"{lit('「' + label + '」未登记：')} || {r} || "
               f"{lit('（请先导入该区的镇街表，或检查区名）')}")
    elif t == "town":
        joins.append(f"LEFT JOIN _town_lookup t_{c.id} ON t_{c.id}.district = d_district.district "
                     f"AND t_{c.id}.alias = etl_key(c.{r})")
        value = f"t_{c.id}.town"
        bad = (f"CASE WHEN d_district.district IS NULL THEN "
               f"{lit('「' + label + '」无法核对：区名无效')} "
               f"ELSE {lit('「' + label + '」无法识别：')} || {r} || '（' || d_district.district || "
               f"{lit('没有这个镇街；可填全称、不带“街道/镇”的简称或12位区划代码）')} END")
    elif t == "code12":
        value = f"CASE WHEN regexp_full_match(etl_fold({r}), '\\d{{12}}') THEN etl_fold({r}) END"
        bad = f"{lit('「' + label + '」应为12位数字：')} || {r}"
    elif t == "credit":
        v = f"upper(regexp_replace(etl_fold({r}), '\\s', '', 'g'))"
        value = f"CASE WHEN etl_credit_ok({v}) THEN {v} END"
        bad = (f"CASE WHEN regexp_full_match({v}, '[0-9A-HJ-NPQRTUWXY]{{18}}') THEN "
               f"{lit('「' + label + '」校验位不正确：')} || {r} "
               f"ELSE {lit('「' + label + '」应为18位统一社会信用代码：')} || {r} END")
    else:  # pragma: no cover - spec and normaliser out of step
        raise ValueError(f"unknown column type {t}")
    if c.required:
        error = (f"CASE WHEN {r} IS NULL THEN {lit('缺少必填项「' + label + '」')} "
                 f"WHEN ({value}) IS NULL THEN {bad} END")
    else:
        error = f"CASE WHEN {r} IS NOT NULL AND ({value}) IS NULL THEN {bad} END"
    if c.default is not None:
        value = f"coalesce({value}, {_default_sql(c.default)})"
    return value, error, joins


def _default_sql(v: object) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    return lit(str(v))


def key_sql(kind: Kind, prefix: str = "") -> str:
    """The record key as one string, from typed columns (``prefix`` qualifies them)."""
    def part(cid: str) -> str:
        return f"CAST({prefix}{cid} AS VARCHAR)"
    main = f"concat_ws({lit(SEP)}, {', '.join(part(k) for k in kind.key)})"
    if not kind.fallback_key:
        return main
    fb = ", ".join(f"coalesce({part(k)}, '')" for k in kind.fallback_key)
    k0 = kind.key[0]
    return (f"CASE WHEN {prefix}{k0} IS NOT NULL THEN 'id' || {lit(SEP)} || {main} "
            f"ELSE 'auto' || {lit(SEP)} || concat_ws({lit(SEP)}, {fb}) END")


def hash_sql(kind: Kind, prefix: str = "") -> str:
    """A digest of every contract column: equal digests mean an unchanged record."""
    parts = ", ".join(f"coalesce(CAST({prefix}{c.id} AS VARCHAR), '\x00')" for c in kind.columns)
    return f"md5(concat_ws({lit(SEP)}, {parts}))"


def stage_sql(kind: Kind) -> str:
    """``CREATE TEMP TABLE stg`` for one kind from the registered table (or stream) ``raw_in``."""
    cleaned = ", ".join(f"{c.id} AS r_{c.id}" for c in kind.columns)  # (trimmed: clean_column)
    values: list[str] = []
    errors: list[tuple[Column, str]] = []
    joins: list[str] = []
    # The district must be joined before a town column can use it.
    ordered = sorted(kind.columns, key=lambda c: 0 if c.type == "district" else 1)
    for c in ordered:
        v, e, j = _value_and_error(kind, c)
        values.append(f"{v} AS {c.id}")
        errors.append((c, e))
        joins += j
    # Keep the faults in the order of the columns of the contract.
    order = {c.id: i for i, c in enumerate(kind.columns)}
    errors.sort(key=lambda ce: order[ce[0].id])
    for d in kind.date_orders:
        a, b = kind.column(d.earlier), kind.column(d.later)
        # Compare the typed values of the inner select (named v_…) in the outer one.
        errors.append((b, (
            f"CASE WHEN v.{a.id} IS NOT NULL AND v.{b.id} IS NOT NULL AND v.{b.id} < v.{a.id} THEN "
            f"{lit('「' + b.label + '」（')} || CAST(v.{b.id} AS VARCHAR) || "
            f"{lit('）早于「' + a.label + '」（')} || CAST(v.{a.id} AS VARCHAR) || '）' END")))
    inner_errors = ", ".join(
        f"{e} AS err_{i}" for i, (c, e) in enumerate(errors) if not e.startswith("CASE WHEN v.")
    )
    outer_error_exprs = [
        (c, e if e.startswith("CASE WHEN v.") else f"v.err_{i}") for i, (c, e) in enumerate(errors)
    ]
    reason = "nullif(concat_ws('；', " + ", ".join(e for _c, e in outer_error_exprs) + "), '')"
    column = "CASE " + " ".join(f"WHEN ({e}) IS NOT NULL THEN {lit(c.label)}"
                                for c, e in outer_error_exprs) + " END"
    value = "CASE " + " ".join(f"WHEN ({e}) IS NOT NULL THEN v.r_{c.id}"
                               for c, e in outer_error_exprs) + " END"
    derived = "".join(f", {expr_prefixed(expr, kind)} AS {name}" for name, _t, expr in kind.derived)
    year = f", CAST(year(v.{kind.main_date}) AS INTEGER) AS year" if kind.main_date else ""
    typed = ", ".join(f"v.{c.id}" for c in kind.columns)
    # The cell texts are kept only where a later step quotes them (a reference checked
    # against another kind): at national scale every kept text is another copy of the load.
    raws = "".join(f"v.r_{r.column}, " for r in kind.refs)
    return (
        "CREATE OR REPLACE TEMP TABLE stg AS\n"
        f"WITH c AS (SELECT _src, _row, {cleaned} FROM raw_in),\n"
        f"v AS (SELECT c.*, {', '.join(values)}, {inner_errors}\n"
        f"      FROM c {' '.join(joins)})\n"
        f"SELECT v._src, v._row, {raws}{typed}{derived}{year},\n"
        f"  {key_sql(kind, 'v.')} AS _key, {hash_sql(kind, 'v.')} AS _hash,\n"
        f"  {reason} AS _reason, {column} AS _column, {value} AS _value\n"
        "FROM v"
    )


def expr_prefixed(expr: str, kind: Kind) -> str:
    """Qualify the column ids in a derived-column expression with ``v.``."""
    out = expr
    for c in sorted(kind.columns, key=lambda c: -len(c.id)):
        out = _replace_word(out, c.id, f"v.{c.id}")
    return out


def _replace_word(text: str, word: str, repl: str) -> str:
    import re
    return re.sub(rf"(?<![\w.]){re.escape(word)}(?!\w)", repl, text)
