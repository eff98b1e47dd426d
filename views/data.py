"""数据管理 — hand a file to the dashboard, see what is wrong with it, load it; the load
history; how fresh and complete the data are; the template and the data dictionary.

Upload: the files go through ``etl.rejects.check_uploads`` — the command line's
``etl.load.load`` — first as a dry run (a copy of the warehouse is built and thrown away:
nothing is written), whose report is shown with the rejected rows and a workbook of them
to fix; "确认导入" then loads the same bytes for real (kept in the session in between).
The new warehouse file is swapped in and ``ui.data`` keys its cache on the file's version,
so every page shows the new figures on its next run — no restart."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from etl import dictionary, rejects, spec
from etl.load import LoadFailed, LoadReport
from ui import access, data, export, frame
from ui.drill import plain
from ui.i18n import lang, t
from ui.metrics import METRICS
from warehouse.db import db_path
from warehouse.queries import common, freshness

f = frame.current_filters()
EN = lang() == "en"
COLON = ": " if EN else "："
KIND_LABEL = {k.name: (k.en if EN else k.label) for k in spec.KINDS}
KIND_BY_LABEL = {k.label: k for k in spec.KINDS}
ORIGIN = {o: t(f"dm.origin.{o}") for o in ("user", "demo", "builtin")}
STATUS = {s: t(f"dm.status.{s}") for s in ("loaded", "partial", "rejected", "refused")}
TAB_KEY = "dm_tab"  # session key: the open tab
BATCH, RESULT, UPLOADER = "_dm_batch", "_dm_result", "_dm_uploader"

st.title(t("dm.title"))
st.caption(t("dm.caption"))


def _fraction(x: float) -> float:
    return min(max(float(x), 0.0), 1.0)


def _progress(text_key: str):
    """An st.progress bar and the ``progress`` callback of etl.load.load that moves it."""
    bar = st.progress(0.0, text=t(text_key, kind=""))

    def step(x: float, label: str) -> None:
        kind = KIND_BY_LABEL.get(label)
        shown = (kind.en if EN else kind.label) if kind else label
        bar.progress(_fraction(x), text=t(text_key, kind=shown))

    return bar, step


def _who() -> str | None:
    """The signed-in user's identity (None in demo mode)."""
    user = access.current_user()
    return None if user is None or user.demo else user.identity


# --------------------------------------------------------------------------------------
# Upload: validate, report, confirm
# --------------------------------------------------------------------------------------


def _validate(uploads: list[tuple[str, bytes]], signature: tuple) -> dict | None:
    bar, step = _progress("dm.up.checking")
    try:
        report = rejects.check_uploads(uploads, db_path(), dry_run=True, progress=step)
    except LoadFailed as e:
        bar.empty()
        st.error(t("dm.up.check_failed", reason=str(e)), icon=":material/error:")
        return None
    bar.empty()
    batch = {"signature": signature, "uploads": uploads, "report": report}
    st.session_state[BATCH] = batch
    st.session_state.pop(RESULT, None)  # a new file: the last load's message has had its time
    return batch


def _file_line(fr, before: bool) -> str:
    return t("dm.rep.file" if before else "dm.load.file", read=fr.rows_read, load=fr.rows_loaded,
             rejected=fr.rows_rejected, new=fr.rows_new, changed=fr.rows_changed, same=fr.rows_unchanged)


def _show_files(report: LoadReport, before: bool) -> None:
    """Per file: what was read and what would load (or did), its notes, or why it was refused."""
    for fr in report.files:
        with st.container(border=True):
            if fr.refused:
                st.markdown(f":material/block: **{plain(fr.file)}**")
                st.error(t("dm.rep.refused", reason=plain(fr.refused)))
                continue
            icon = ":material/check_circle:" if fr.rows_rejected == 0 else ":material/warning:"
            st.markdown(f"{icon} **{plain(fr.file)}** — {_file_line(fr, before)}")
            for m in fr.messages:
                st.caption(t("dm.rep.note", note=plain(m)))
            if before and fr.sha256:
                seen = data.get(freshness.loads_of_file, None, fr.sha256)
                if not seen.empty:
                    last = seen.iloc[0]
                    st.caption(t("dm.rep.seen_before", load_id=int(last["load_id"]),
                                 time=pd.Timestamp(last["loaded_at"]).strftime("%Y-%m-%d %H:%M")))


def _rejects_downloads(report: LoadReport, uploads: list[tuple[str, bytes]], key: str) -> None:
    """A workbook of each file's rejected rows, to fix and upload again."""
    bad = {fr.file for fr in report.files if fr.rows_rejected}
    if not bad:
        return
    st.caption(t("dm.rep.fix_hint", row=rejects.ROW_COLUMN, reason=rejects.REASON_COLUMN))
    with st.container(horizontal=True, gap="small"):
        for i, (name, content) in enumerate(uploads):
            if name not in bad:
                continue
            st.download_button(
                t("dm.rep.download_rejects", file=plain(name)),
                data=lambda name=name, content=content: rejects.rejects_workbook(name, content, report.rejects),
                file_name=rejects.rejects_file_name(name), mime=rejects.XLSX_MIME, on_click="ignore",
                icon=":material/download:", key=f"dm_rejects_{key}_{i}")


REJECT_LABELS = {"file": t("dm.col.file"), "sheet": t("dm.col.sheet"), "row": t("dm.col.row"),
                 "kind": t("dm.col.kind"), "column": t("dm.col.column"), "value": t("dm.col.value"),
                 "reason": t("dm.col.reason")}
WRAPPED_ROWS = 100  # up to this many rejected rows a table that wraps the reasons; beyond, a scrolling grid


def _rejects_table(rows: pd.DataFrame, with_kind: bool = False) -> None:
    """The rejected rows with sheet, Excel row, column, value and the whole reason (the
    reasons are sentences: a table that wraps them while they are few)."""
    cols = [c for c in ("file", "sheet", "row", "kind", "column", "value", "reason") if c != "kind" or with_kind]
    shown = rows[cols].assign(**({"kind": rows["kind"].map(KIND_LABEL)} if with_kind else {}))
    shown = shown.assign(sheet=shown["sheet"].fillna("—"), value=shown["value"].fillna(""),
                         row=shown["row"].astype("Int64"))
    if len(shown) <= WRAPPED_ROWS:
        st.table(shown.rename(columns=REJECT_LABELS), hide_index=True)
    else:
        st.dataframe(shown, hide_index=True, column_config={
            c: st.column_config.TextColumn(REJECT_LABELS[c], width="large" if c == "reason" else None)
            for c in cols} | {"row": st.column_config.NumberColumn(REJECT_LABELS["row"], format="%d")})
    st.caption(t("dm.col.row.help"))


def _show_report(batch: dict) -> None:
    report: LoadReport = batch["report"]
    st.subheader(t("dm.rep.title"))
    st.caption(t("dm.rep.not_written"))
    _show_files(report, before=True)
    summary = rejects.sheet_summary(report)
    summary = summary[summary["kind"].notna()]
    if not summary.empty:
        st.dataframe(summary.assign(kind=summary["kind"].map(KIND_LABEL)), hide_index=True,
                     column_config={
                         "file": st.column_config.TextColumn(t("dm.col.file")),
                         "sheet": st.column_config.TextColumn(t("dm.col.sheet")),
                         "kind": st.column_config.TextColumn(t("dm.col.kind")),
                         "rows_read": st.column_config.NumberColumn(t("dm.col.read")),
                         "rows_loaded": st.column_config.NumberColumn(t("dm.col.would_load")),
                         "rows_rejected": st.column_config.NumberColumn(t("dm.col.rejected")),
                     })
    if report.rows_rejected:
        st.markdown(f"**{t('dm.rep.rejects_title', n=report.rows_rejected)}**")
        _rejects_table(report.rejects)
        _rejects_downloads(report, batch["uploads"], "check")
    _confirm(batch)


def _confirm(batch: dict) -> None:
    report: LoadReport = batch["report"]
    new = sum(fr.rows_new for fr in report.files)
    changed = sum(fr.rows_changed for fr in report.files)
    same = sum(fr.rows_unchanged for fr in report.files)
    if report.exit_code == 2:
        st.error(t("dm.rep.nothing_readable"), icon=":material/block:")
        return
    if new + changed == 0:
        if report.rows_rejected:
            st.warning(t("dm.rep.nothing_new", same=same, rejected=report.rows_rejected), icon=":material/info:")
        else:
            st.success(t("dm.rep.all_same", n=same), icon=":material/check_circle:")
        return
    st.info(t("dm.rep.ready", new=new, changed=changed, same=same, rejected=report.rows_rejected),
            icon=":material/info:")
    user = access.current_user()
    if user is not None and user.demo:
        # Real data ends demo mode: without an account nobody can open the app afterwards.
        st.warning(t("dm.demo_lock"), icon=":material/lock:")
    if st.button(t("dm.confirm"), type="primary", icon=":material/upload:", key="dm_confirm"):
        _load(batch)


def _load(batch: dict) -> None:
    bar, step = _progress("dm.load.running")
    try:
        report = rejects.check_uploads(batch["uploads"], db_path(), dry_run=False, loaded_by=_who(), progress=step)
    except LoadFailed as e:
        bar.empty()
        st.error(t("dm.load.failed", reason=str(e)), icon=":material/error:")
        return
    access.record("load", {"load_id": report.load_id, "files": [name for name, _ in batch["uploads"]],
                           "written": bool(report.written), "rows_read": report.rows_read,
                           "rows_loaded": report.rows_loaded, "rows_rejected": report.rows_rejected}, page="data")
    st.session_state[RESULT] = {"report": report, "uploads": batch["uploads"]}
    st.session_state.pop(BATCH, None)
    st.session_state[UPLOADER] = st.session_state.get(UPLOADER, 0) + 1  # an empty uploader
    st.rerun()  # the whole app again: filters, footer and this page read the new warehouse


def _show_result() -> None:
    """The outcome of the load confirmed on the previous run."""
    result = st.session_state.get(RESULT)
    if not result:
        return
    report: LoadReport = result["report"]
    new = sum(fr.rows_new for fr in report.files)
    changed = sum(fr.rows_changed for fr in report.files)
    same = sum(fr.rows_unchanged for fr in report.files)
    if not report.written:
        st.error(t("dm.load.not_written"), icon=":material/block:")
    elif new + changed == 0:
        st.success(t("dm.rep.all_same", n=same), icon=":material/check_circle:")
    else:
        st.success(t("dm.load.done", load_id=report.load_id, new=new, changed=changed, same=same,
                     rejected=report.rows_rejected), icon=":material/check_circle:")
    _show_files(report, before=False)
    _rejects_downloads(report, result["uploads"], "loaded")


def upload_section() -> None:
    st.markdown(t("dm.up.steps"))
    n = st.session_state.get(UPLOADER, 0)
    files = st.file_uploader(t("dm.up.label"), accept_multiple_files=True, key=f"dm_upload_{n}",
                             max_upload_size=max(1, math.ceil(rejects.UPLOAD_LIMIT_MB)),
                             help=t("dm.up.help", limit=rejects.limit_text()))
    st.caption(t("dm.up.limit", limit=rejects.limit_text()))
    if not files:
        st.session_state.pop(BATCH, None)
        _show_result()
        return
    signature = tuple((u.file_id, u.name, u.size) for u in files)
    batch = st.session_state.get(BATCH)
    if batch is None or batch["signature"] != signature:
        batch = _validate([(u.name, u.getvalue()) for u in files], signature)
    if batch is not None:
        _show_report(batch)


# --------------------------------------------------------------------------------------
# Load history
# --------------------------------------------------------------------------------------

HISTORY_LABELS = {
    "load_id": t("dm.col.load_id"), "loaded_at": t("dm.col.loaded_at"), "file": t("dm.col.file"),
    "sha256": t("dm.col.sha256"), "origin": t("dm.col.origin"), "loaded_by": t("dm.col.loaded_by"),
    "rows_read": t("dm.col.read"), "rows_loaded": t("dm.col.loaded"), "rows_new": t("dm.col.new"),
    "rows_changed": t("dm.col.changed"), "rows_unchanged": t("dm.col.unchanged"),
    "rows_rejected": t("dm.col.rejected"), "status": t("dm.col.status"), "notes": t("dm.col.notes"),
}
HISTORY_ORDER = ("load_id", "loaded_at", "file", "status", "rows_read", "rows_loaded", "rows_new", "rows_changed",
                 "rows_unchanged", "rows_rejected", "origin", "loaded_by", "sha256", "notes")


def history_section() -> None:
    st.caption(t("dm.hist.caption"))
    hist = data.get(freshness.load_history)
    shown = hist.assign(origin=hist["origin"].map(ORIGIN), status=hist["status"].map(STATUS),
                        loaded_by=hist["loaded_by"].fillna("—"))
    config = {c: st.column_config.TextColumn(label) for c, label in HISTORY_LABELS.items()}
    config |= {c: st.column_config.NumberColumn(HISTORY_LABELS[c]) for c in
               ("rows_read", "rows_loaded", "rows_new", "rows_changed", "rows_unchanged", "rows_rejected")}
    config["load_id"] = st.column_config.NumberColumn(HISTORY_LABELS["load_id"], format="%d")
    config["loaded_at"] = st.column_config.DatetimeColumn(HISTORY_LABELS["loaded_at"], format="YYYY-MM-DD HH:mm")
    config["sha256"] = st.column_config.TextColumn(HISTORY_LABELS["sha256"], width="small",
                                                   help=t("dm.col.sha256.help"))
    st.dataframe(shown, hide_index=True, column_config=config, column_order=HISTORY_ORDER)
    export.offer("dm_history", t("dm.hist.title"), f, shown, HISTORY_LABELS)

    st.subheader(t("dm.hist.rejects"))
    loads = data.get(freshness.loads_with_rejects)
    if loads.empty:
        st.info(t("dm.hist.no_rejects"))
        return
    label = {int(r.load_id): t("dm.hist.pick_label", load_id=int(r.load_id), n=int(r.rows_rejected),
                               time=pd.Timestamp(r.loaded_at).strftime("%Y-%m-%d %H:%M"), files=r.files)
             for r in loads.itertuples()}
    load_id = st.selectbox(t("dm.hist.pick"), list(label), format_func=label.get, key="dm_hist_load")
    rows = data.get(freshness.load_rejects, None, load_id)
    _rejects_table(rows, with_kind=True)
    export.offer("dm_load_rejects", t("dm.hist.rejects_file", load_id=load_id), f,
                 rows.assign(kind=rows["kind"].map(KIND_LABEL)), REJECT_LABELS)


# --------------------------------------------------------------------------------------
# Freshness and completeness
# --------------------------------------------------------------------------------------

GREY, AMBER = "background-color: #eeeeee; color: #777777", "background-color: #fff4e0; color: #8a5300"


def _cell_style(v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return GREY
    return AMBER if v == 0 else ""


def _date_text(d: object) -> str:
    return pd.Timestamp(d).strftime("%Y-%m-%d") if pd.notna(d) else "—"


def _time_text(d: object) -> str:
    return pd.Timestamp(d).strftime("%Y-%m-%d %H:%M") if pd.notna(d) else "—"


def freshness_section() -> None:
    scope = f.district or t("filter.all_districts")
    c1, c2 = st.columns(2)
    c1.metric(t("dm.fresh.as_of"), f.as_of.isoformat() if f.as_of else "—", help=t("dm.fresh.as_of.help"),
              border=True)
    loaded = data.get(common.last_load)
    c2.metric(t("dm.fresh.last_load"), loaded.strftime("%Y-%m-%d %H:%M") if loaded else "—", border=True)
    st.markdown(f"**{t('dm.fresh.title', scope=scope)}**")
    fresh = data.get(freshness.freshness_by_kind, f)
    # Dates as text, "—" where a kind has none; a kind with years only shows its latest year.
    latest = [_date_text(d) if pd.notna(d) else (t("word.year_suffix", year=int(y)) if pd.notna(y) else "—")
              for d, y in zip(fresh["latest"], fresh["latest_year"])]
    shown = fresh.assign(kind=fresh["kind"].map(KIND_LABEL), earliest=fresh["earliest"].map(_date_text),
                         latest=latest, last_loaded=fresh["last_loaded"].map(_time_text))
    st.dataframe(shown, hide_index=True, height="content",
                 column_order=("district", "kind", "records", "earliest", "latest", "last_loaded"),
                 column_config={
                     "district": st.column_config.TextColumn(t("word.district")),
                     "kind": st.column_config.TextColumn(t("dm.col.kind")),
                     "records": st.column_config.NumberColumn(t("dm.col.records")),
                     "earliest": st.column_config.TextColumn(t("dm.col.earliest")),
                     "latest": st.column_config.TextColumn(t("dm.col.latest"), help=t("dm.col.latest.help")),
                     "last_loaded": st.column_config.TextColumn(t("dm.col.last_loaded"),
                                                                help=t("dm.col.last_loaded.help")),
                 })

    st.subheader(t("dm.grid.title"))
    kind = st.segmented_control(t("dm.grid.kind"), list(freshness.GRID_KINDS), format_func=KIND_LABEL.get,
                                default="activities", required=True, key="dm_grid_kind")
    years = data.get(common.years)
    year = f.year if f.year is not None else (years[0] if years else None)
    if year is None:
        st.info(t("dm.grid.no_year"))
        return
    st.caption(t("dm.grid.rule." + freshness.GRID_KINDS[kind]) + " " + t("dm.grid.legend"))
    grid = data.get(freshness.completeness_grid, f.with_year(year), kind)
    if grid.empty:
        st.info(t("dm.grid.empty", scope=scope, year=year))
        return
    months = [c for c in grid.columns if isinstance(c, int)]
    names = {m: t("dm.month", m=m) for m in months}
    shown = grid.rename(columns=names)
    styled = (shown.style.map(_cell_style, subset=list(names.values()))
              .format(lambda v: "—" if v is None or v is pd.NA else f"{int(v)}", subset=list(names.values()),
                      na_rep="—"))
    st.markdown(f"**{t('dm.grid.caption', scope=scope, year=year, kind=KIND_LABEL[kind])}**")
    st.dataframe(styled, hide_index=True, height="content", column_config={
        "district": st.column_config.TextColumn(t("word.district")) if f.district is None else None,
        "town": st.column_config.TextColumn(t("word.town"), pinned=True, width="medium"),
        "reported_months": st.column_config.NumberColumn(t("dm.grid.reported_months")),
        "months": st.column_config.NumberColumn(t("dm.grid.months")),
    })
    if f.as_of is not None and f.as_of.year == year and len(months) < 12:
        st.caption(t("dm.grid.cut", date=f.as_of.isoformat()))


# --------------------------------------------------------------------------------------
# Template and data dictionary
# --------------------------------------------------------------------------------------


def _template_bytes() -> bytes:
    from etl.template import write_template

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "template.xlsx"
        write_template(path)
        return path.read_bytes()


def _accepted(col: spec.Column) -> str:
    if col.type == "enum" and col.enum:
        values = spec.ENUMS[col.enum]
        if EN:
            return ", ".join(f"{en} ({code})" for code, (_zh, en) in values.items())
        return "、".join(f"{zh}（{code}）" for code, (zh, _en) in values.items())
    return dictionary.TYPE_NOTES[col.type][1 if EN else 0]


def _columns_frame(kind: spec.Kind) -> pd.DataFrame:
    return pd.DataFrame({
        "label": [c.en if EN else c.label for c in kind.columns],
        "other": [c.label if EN else c.en for c in kind.columns],
        "id": [c.id for c in kind.columns],
        "type": [dictionary.TYPE_SHORT[c.type][1 if EN else 0] for c in kind.columns],
        "required": [t("dm.dict.yes") if c.required else "" for c in kind.columns],
        "default": ["" if c.default is None else dictionary.default_text(c) for c in kind.columns],
        "accepted": [_accepted(c) for c in kind.columns],
    })


def dictionary_section() -> None:
    st.markdown(t("dm.tpl.intro"))
    with st.container(horizontal=True, gap="small"):
        st.download_button(t("dm.tpl.download"), data=_template_bytes, file_name=t("dm.tpl.file"),
                           mime=rejects.XLSX_MIME, on_click="ignore", icon=":material/download:", type="primary",
                           key="dm_template")
        st.download_button(t("dm.dict.download"), data=lambda: dictionary.render().encode("utf-8"),
                           file_name="data-dictionary.md", mime="text/markdown", on_click="ignore",
                           icon=":material/download:", key="dm_dictionary")

    st.subheader(t("dm.dict.kinds"))
    column_labels = {c: t(f"dm.dict.col.{c}") for c in ("label", "other", "id", "type", "required", "default",
                                                         "accepted")}
    for kind in spec.KINDS:
        with st.expander(f"{KIND_LABEL[kind.name]} · {kind.label if EN else kind.en} (`{kind.name}`)"):
            note = dictionary.KIND_NOTES.get(kind.name, ("", ""))[1 if EN else 0]
            lines = [note, "", f"- {t('dm.dict.key')}{COLON}{dictionary.key_text(kind, 'en' if EN else 'zh')}"]
            if kind.main_date:
                lines.append(f"- {t('dm.dict.main_date')}{COLON}`{kind.main_date}`")
            for ref in kind.refs:
                lines.append(f"- {t('dm.dict.ref', column=ref.column, target=f'{ref.kind}.{ref.target}')}")
            for order in kind.date_orders:
                lines.append(f"- {t('dm.dict.order', earlier=order.earlier, later=order.later)}")
            st.markdown("\n".join(lines))
            st.table(_columns_frame(kind).rename(columns=column_labels), hide_index=True)

    st.subheader(t("dm.dict.enums"))
    enums = pd.DataFrame([(enum, code, en if EN else zh, zh if EN else en, "、".join(dictionary.enum_users(enum)))
                          for enum, values in spec.ENUMS.items() for code, (zh, en) in values.items()],
                         columns=["enum", "code", "label", "other", "used_by"])
    st.dataframe(enums, hide_index=True, column_config={
        "enum": st.column_config.TextColumn(t("dm.dict.col.enum")),
        "code": st.column_config.TextColumn(t("dm.dict.col.code")),
        "label": st.column_config.TextColumn(t("dm.dict.col.label")),
        "other": st.column_config.TextColumn(t("dm.dict.col.other")),
        "used_by": st.column_config.TextColumn(t("dm.dict.col.used_by")),
    })

    st.subheader(t("dm.dict.rules"))
    with st.expander(t("dm.dict.rules_list", n=len(METRICS))):
        st.markdown("\n".join(f"- **{m.name_en if EN else m.name_zh}**{COLON}{m.rule_en if EN else m.rule_zh}"
                               for m in METRICS.values()))
    with st.expander(t("dm.dict.full")):
        st.markdown(dictionary.render())


# --------------------------------------------------------------------------------------

# Only the open tab is written (a tab switch reruns the page): the four at once were ~200 KB
# and 60 % of the page's cold load in the browser (history, freshness grid, the dictionary's
# tables), for a visit that mostly uploads.
SECTIONS = (("upload", upload_section), ("history", history_section), ("freshness", freshness_section),
            ("dictionary", dictionary_section))
tabs = st.tabs([t(f"dm.tab.{name}") for name, _ in SECTIONS], key=TAB_KEY, on_change="rerun")
for tab, (name, section) in zip(tabs, SECTIONS):
    if tab.open:
        with tab, frame.guard(f"data.{name}"):
            section()
