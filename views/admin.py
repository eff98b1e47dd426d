"""账号与审计 — the administrator's page: the accounts (managed on the command line,
``python -m auth``) and the append-only audit log (sign-ins, page views, exports, loads)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from auth import audit, store
from auth.roles import role_label
from ui import frame
from ui.i18n import lang, t

st.title(t("page.admin"))
st.caption(t("adm.intro"))

with frame.guard("admin.accounts"):
    st.subheader(t("adm.accounts"))
    accounts = store.list_accounts()
    if not accounts:
        st.info(t("adm.none"))
    else:
        table = pd.DataFrame([{
            "identity": a["identity"], "role": role_label(a["role"], lang()), "towns": "、".join(a["towns"]),
            "district": a["district"] or "", "disabled": a["disabled"], "locked": a["locked"],
        } for a in accounts])
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "identity": st.column_config.TextColumn(t("adm.col.identity")),
            "role": st.column_config.TextColumn(t("adm.col.role")),
            "towns": st.column_config.TextColumn(t("adm.col.towns")),
            "district": st.column_config.TextColumn(t("adm.col.district")),
            "disabled": st.column_config.CheckboxColumn(t("adm.col.disabled")),
            "locked": st.column_config.CheckboxColumn(t("adm.col.locked")),
        })

with frame.guard("admin.audit"):
    st.subheader(t("adm.audit"))
    events = [None, *audit.EVENTS]
    labels = {e: (t("adm.all_events") if e is None else e) for e in events}
    event = st.selectbox(t("adm.event"), events, format_func=labels.get, key="adm_event")
    log = audit.recent(500, event=event)
    st.dataframe(log[["ts", "event", "identity", "page", "filters", "detail"]], hide_index=True, width="stretch",
                 column_config={
                     "ts": st.column_config.TextColumn(t("adm.col.at")),
                     "event": st.column_config.TextColumn(t("adm.col.event")),
                     "identity": st.column_config.TextColumn(t("adm.col.identity")),
                     "page": st.column_config.TextColumn(t("adm.col.page")),
                     "filters": st.column_config.TextColumn(t("adm.col.filters")),
                     "detail": st.column_config.TextColumn(t("adm.col.detail")),
                 })
