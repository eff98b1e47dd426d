"""明细查询 — the record explorer: any record kind of the data contract, a page at a time,
with column filters, sorting, the source of every row, and exports of the page or of every
matching row.

The URL carries the kind (``?kind=micro_suggestions``) and, from links of other pages,
equality conditions (``col.category=BUSINESS_ENV``, stored codes). Counting, paging,
sorting, masking and the labels of codes all happen in ``warehouse/queries/records.py``;
the browser receives one page (at most 1,000 rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from etl.spec import ENUMS, KINDS
from ui import data, export, frame
from ui.drill import badge_text, plain
from ui.i18n import enum, lang, t
from warehouse.queries import records

f = frame.current_filters()
EN = lang() == "en"
PAGE_SIZES = (50, 100, 500, 1000)
DEFAULT_KIND = "activities"
COL_PREFIX = "col."
OP_CHOICES = {"text": ("contains", "empty", "filled"), "enum": ("in", "empty", "filled"),
              "date": ("between", "empty", "filled"), "number": ("between", "empty", "filled"),
              "bool": ("yes", "no", "empty")}
LONG_TEXT = {"topic", "content", "title", "theme"}
KIND_LABELS = {k.name: (k.en if EN else k.label) for k in KINDS}
OP_LABELS = {op: t(f"ex.op.{op}") for op in ("contains", "in", "between", "yes", "no", "empty", "filled")}
DIR_LABELS = {"asc": t("ex.sort.asc"), "desc": t("ex.sort.desc")}
YES, NO = records.YES_NO["en" if EN else "zh"]

period = t("word.year_suffix", year=f.year) if f.year is not None else t("word.all_years")
if f.district is None:
    scope = t("ex.scope.all_districts")
elif f.towns:
    scope = t("ex.scope.towns", district=f.district, n=len(f.towns))
else:
    scope = f.district

st.title(t("ex.title"))
st.caption(t("ex.caption", scope=scope, period=period))


# --- the kind, from the URL and back --------------------------------------------------------

def _drop_url_conditions() -> None:
    for k in [k for k in st.query_params.keys() if k.startswith(COL_PREFIX)]:
        del st.query_params[k]


def _on_kind_change() -> None:
    new = st.session_state["ex_kind"]
    st.session_state["_ex_url_kind"] = new
    st.query_params["kind"] = new
    _drop_url_conditions()  # a link's conditions belong to the kind it asked for


url_kind = st.query_params.get("kind")
if url_kind is not None and (url_kind != st.session_state.get("_ex_url_kind") or "ex_kind" not in st.session_state):
    # A new link, the first visit, or a return from another page (which dropped the
    # selector's state): the URL decides. Afterwards the selector does.
    is_new = url_kind != st.session_state.get("_ex_url_kind")
    st.session_state["_ex_url_kind"] = url_kind
    if url_kind in records.KIND_NAMES:
        st.session_state["ex_kind"] = url_kind
    elif is_new:
        fallback = st.session_state.get("ex_kind", DEFAULT_KIND)
        st.warning(t("ex.bad_kind", value=plain(url_kind), fallback=KIND_LABELS[fallback]), icon=":material/link_off:")
if st.session_state.get("ex_kind") not in records.KIND_NAMES:
    st.session_state["ex_kind"] = DEFAULT_KIND
kind: str = st.selectbox(t("ex.kind"), records.KIND_NAMES, key="ex_kind", format_func=KIND_LABELS.get,
                         on_change=_on_kind_change, width=320)
if st.query_params.get("kind") != kind:
    st.query_params["kind"] = kind
    st.session_state["_ex_url_kind"] = kind
kind_label = KIND_LABELS[kind]

FIELDS = records.fields(kind)
LABEL = {fld.id: ((fld.en if EN else fld.label) or t(f"ex.field.{fld.id}")) for fld in FIELDS}


# --- which global filters apply -------------------------------------------------------------

sc = records.scope_of(kind)
not_applied: list[str] = []
notes: list[str] = []
if sc.year is None:
    if f.year is not None:
        not_applied.append(t("ex.scope.year_na", kind=kind_label))
    else:
        notes.append(t("ex.scope.no_year"))
elif sc.year != "year":
    notes.append(t("ex.scope.year_by", column=LABEL[sc.year]))
if sc.towns is None:
    if f.towns:
        not_applied.append(t("ex.scope.towns_na", kind=kind_label))
    else:
        notes.append(t("ex.scope.no_towns"))
elif sc.towns == "visit":
    notes.append(t("ex.scope.visit"))
elif sc.towns == "deputy":
    notes.append(t("ex.scope.deputy"))
if any(fld.id == "town_counted" for fld in FIELDS):
    notes.append(t("ex.scope.uncounted"))
for line in not_applied:
    st.info(line, icon=":material/filter_alt_off:")
if notes:
    st.caption(" ".join(notes))


# --- conditions -----------------------------------------------------------------------------

def _url_conditions() -> list[records.Condition]:
    """The link's ``col.<id>=<value>`` conditions; a bad one is named and dropped."""
    out: list[records.Condition] = []
    for key in [k for k in st.query_params.keys() if k.startswith(COL_PREFIX)]:
        column = key[len(COL_PREFIX):]
        for value in st.query_params.get_all(key):
            try:
                out.append(records.url_condition(kind, column, value))
            except ValueError:
                if column in LABEL:
                    st.warning(t("ex.bad_value", column=LABEL[column], value=plain(value)), icon=":material/link_off:")
                else:
                    st.warning(t("ex.bad_column", column=plain(column), kind=kind_label), icon=":material/link_off:")
                good = [v for v in st.query_params.get_all(key) if v != value]
                if good:
                    st.query_params[key] = good
                else:
                    del st.query_params[key]
    return out


def _value_text(fld: records.Field, value: Any) -> str:
    if value is None:
        return "…"
    if fld.type == "enum":
        return enum(fld.enum or "", value)
    if fld.type == "bool":
        return YES if value else NO
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _in_words(cond: records.Condition) -> str:
    column, op, value = cond
    fld = records.field(kind, column)
    name = LABEL[column]
    if op == "contains":
        return t("ex.w.contains", column=name, value=value)
    if op == "in":
        return t("ex.w.in", column=name, values=t("ex.w.sep").join(_value_text(fld, v) for v in value))
    if op == "between":
        low, high = value
        if low is not None and high is not None:
            return t("ex.w.between", column=name, low=_value_text(fld, low), high=_value_text(fld, high))
        if low is not None:
            return t("ex.w.min", column=name, low=_value_text(fld, low))
        return t("ex.w.max", column=name, high=_value_text(fld, high))
    if op == "is":
        return t("ex.w.is", column=name, value=_value_text(fld, value))
    if op == "empty":
        return t("ex.w.empty" if value else "ex.w.filled", column=name)
    return t("ex.w.eq", column=name, value=_value_text(fld, value))


def _condition(fld: records.Field) -> records.Condition | None:
    """The widgets of one column's condition; the condition, or None while it is blank."""
    key = f"ex_{kind}_{fld.id}"
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    op = left.selectbox(LABEL[fld.id], OP_CHOICES[fld.type], key=f"{key}_op", format_func=OP_LABELS.get)
    with right:
        if op == "contains":
            text = st.text_input(t("ex.cond.value"), key=f"{key}_text",
                                 help=t("ex.cond.masked_help") if fld.masked else None)
            return (fld.id, "contains", text.strip()) if text.strip() else None
        if op == "in":
            labels = {code: enum(fld.enum or "", code) for code in ENUMS[fld.enum or ""]}
            picked = st.multiselect(t("ex.cond.value"), list(labels), key=f"{key}_in", format_func=labels.get,
                                    placeholder=t("ex.cond.values"))
            return (fld.id, "in", tuple(picked)) if picked else None
        if op == "between":
            a, b = st.columns(2)
            if fld.type == "date":
                bounds = {"min_value": dt.date(2000, 1, 1), "max_value": dt.date(2100, 12, 31), "value": None,
                          "format": "YYYY-MM-DD"}
                low = a.date_input(t("ex.cond.from"), key=f"{key}_lo", **bounds)
                high = b.date_input(t("ex.cond.to"), key=f"{key}_hi", **bounds)
            else:
                low = a.number_input(t("ex.cond.from"), key=f"{key}_lo", value=None)
                high = b.number_input(t("ex.cond.to"), key=f"{key}_hi", value=None)
            return (fld.id, "between", (low, high)) if low is not None or high is not None else None
    if op in ("yes", "no"):
        return (fld.id, "is", op == "yes")
    return (fld.id, "empty", op == "empty")


conditions: list[records.Condition] = []
with frame.guard("explore.conditions"):
    from_url = _url_conditions()
    if from_url:
        with st.container(horizontal=True, vertical_alignment="center", key="ex_url_chips"):
            st.markdown(t("ex.url.title"))
            for cond in from_url:
                st.badge(badge_text(_in_words(cond)), color="red", icon=":material/link:")
            st.button(t("ex.url.clear"), key="ex_url_clear", icon=":material/close:", on_click=_drop_url_conditions)
    conditions += from_url
    with st.expander(t("ex.filters.title"), expanded=True, icon=":material/filter_alt:"):
        chosen = st.multiselect(t("ex.filters.columns"), [fld.id for fld in FIELDS], key=f"ex_cols_{kind}",
                                format_func=LABEL.get, placeholder=t("ex.filters.placeholder"))
        for column in chosen:
            cond = _condition(records.field(kind, column))
            if cond is not None:
                conditions.append(cond)


# --- sorting, paging, the records -----------------------------------------------------------

with frame.guard("explore.records"):
    default_col, default_dir = records.default_sort(kind)
    ids = [fld.id for fld in FIELDS]
    c1, c2, c3, c4 = st.columns([2, 1.5, 1, 1.5], vertical_alignment="bottom")
    st.session_state.setdefault(f"ex_sort_{kind}", default_col)
    sort_col = c1.selectbox(t("ex.sort.by"), ids, key=f"ex_sort_{kind}", format_func=LABEL.get)
    sort_dir = c2.segmented_control(t("ex.sort.dir"), ("asc", "desc"), key=f"ex_dir_{kind}", default=default_dir,
                                    required=True, format_func=DIR_LABELS.get) or default_dir
    st.session_state.setdefault("ex_size", 100)
    size = c3.selectbox(t("ex.page.size"), PAGE_SIZES, key="ex_size")
    show_lineage = c4.toggle(t("ex.lineage"), key="ex_lineage", help=t("ex.lineage.help"))

    conds = tuple(conditions)
    sort = (sort_col, sort_dir)
    total: int = data.get(records.record_count, f, kind, conds)
    pages = max(1, -(-total // size))
    # A new question starts on its first page.
    signature = (kind, conds, sort, size, f)
    if st.session_state.get("_ex_signature") != signature:
        st.session_state["_ex_signature"] = signature
        st.session_state["ex_page"] = 1
    st.session_state["ex_page"] = min(max(1, int(st.session_state.get("ex_page") or 1)), pages)

    p1, p2 = st.columns([1, 3], vertical_alignment="bottom")
    page = int(p1.number_input(t("ex.page.number", pages=f"{pages:,}"), min_value=1, max_value=pages, step=1,
                               key="ex_page", disabled=pages == 1))
    offset = (page - 1) * size
    rows = data.get(records.record_page, f, kind, conds, sort, offset, size, lang())
    shown = t("ex.page.range", start=f"{offset + 1:,}", end=f"{offset + len(rows):,}", total=f"{total:,}") \
        if len(rows) else t("ex.page.empty_range", total=f"{total:,}")
    p2.markdown(f"**{shown}**")

    visible = [fld.id for fld in FIELDS if show_lineage or not fld.lineage]
    config: dict[str, Any] = {}
    for i, fld in enumerate(FIELDS):
        if i == 0:  # the record's id (or name) stays in view while scrolling sideways
            config[fld.id] = st.column_config.Column(LABEL[fld.id], pinned=True)
        elif fld.type == "date":
            config[fld.id] = st.column_config.DateColumn(LABEL[fld.id], format="YYYY-MM-DD")
        elif fld.type == "number":
            config[fld.id] = st.column_config.NumberColumn(LABEL[fld.id], format="%d" if fld.integer else None)
        else:
            config[fld.id] = st.column_config.TextColumn(LABEL[fld.id],
                                                         width="large" if fld.id in LONG_TEXT else None)
    if rows.empty:
        st.info(t("ex.page.none"))
    else:
        st.dataframe(rows, hide_index=True, width="stretch", column_order=visible, column_config=config,
                     height=min(38 + 35 * len(rows), 640), key="ex_table")
        st.caption(t("ex.table.note"))

    words = [_in_words(c) for c in conds]
    extra = [t("ex.export.kind", kind=kind_label),
             t("ex.export.conditions", conditions=t("ex.w.and").join(words)) if words
             else t("ex.export.no_conditions"),
             t("ex.export.sort", column=LABEL[sort_col], direction=DIR_LABELS[sort_dir]), *not_applied]
    left, right = st.columns(2)
    with left:
        st.caption(t("ex.export.all", n=f"{total:,}"))
        export.offer(key="explore", title=t("ex.export.title", kind=kind_label), f=f,
                     source=data.streamer(records.record_batches, f, kind, conds, sort, lang()),
                     labels=LABEL, columns=visible, extra=extra, disabled=total == 0)
    with right:
        st.caption(t("ex.export.page", n=f"{len(rows):,}"))
        export.offer(key="explore_page", title=t("ex.export.page_title", kind=kind_label, page=page), f=f,
                     source=rows, labels=LABEL, columns=visible,
                     extra=[*extra, t("ex.export.page_range", range=shown)], disabled=rows.empty)
