"""人大履职看板 — the router.

Page config, the language switch, the warehouse (the demo one is built on first start),
the global filters (sidebar, mirrored in the URL), navigation, then the page itself and
the footer. Pages live in ``views/`` (listed in ``ui/nav.py``; not ``pages/``, whose mere
presence switches Streamlit to its legacy multipage mode) and stay thin: filters -> ``ui.data`` -> ``ui.charts``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from auth.roles import role_label
from ui import access, data, filters, frame
from ui import i18n
from ui.i18n import lang, t
from ui.nav import PAGES
from warehouse.filters import Filters
from warehouse.queries import common

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="人大履职看板", page_icon="🏛️", layout="wide",
                   initial_sidebar_state="auto")

# Language: from the URL once per session, then from the switch.
if "f_lang_en" not in st.session_state:
    st.session_state["f_lang_en"] = st.query_params.get("lang") == "en"
st.session_state["lang"] = "en" if st.session_state["f_lang_en"] else "zh"
i18n.bind_run_lang(st.session_state["lang"])


def _build_demo(path: Path) -> None:
    from etl.demo import build_demo, default_out_dir

    with st.status(t("demo.building"), expanded=True) as status:
        bar = st.progress(0.0)
        build_demo(path, default_out_dir(path), progress=lambda x, label: bar.progress(min(max(x, 0.0), 1.0), text=label))
        status.update(label=t("demo.built"), state="complete", expanded=False)


try:
    _path, warning = data.ensure_warehouse(_build_demo)
except Exception as e:  # noqa: BLE001 - shown in words, never as a traceback
    logging.getLogger("oversight").exception("warehouse unavailable")
    st.error(t("error.no_warehouse", reason=type(e).__name__))
    st.stop()

if warning == "fallback":
    st.warning(t("warn.fallback", time=data.modified_time(_path)), icon=":material/restore:")


def _route_only() -> None:
    """Before sign-in: the router learns the page asked for, so that a deep link
    (``/town?town=…``) or a reload is still that page after signing in, not the overview."""
    st.navigation([st.Page(ROOT / e.folder / f"{e.name}.py", title=t(f"page.{e.name}"), url_path=e.name,
                           default=e.default) for e in PAGES], position="hidden")


# Nobody sees data before the gate: sign-in, demo mode, or a refusal (ui/access.py).
user = access.gate(data.get(common.is_demo), before_stop=_route_only)

with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.toggle(t("filter.lang"), key="f_lang_en")
access.sidebar_badge(user)

# The user's limits ride on the filters every query takes (warehouse.filters.where).
f = filters.sidebar(access.scoped(Filters(), user))
st.session_state["_filters"] = f


pages: dict[str, list[st.Page]] = {}
hidden: list[st.Page] = []
names: dict[str, str] = {}  # a page's script hash -> its name in ui/nav.py
for entry in PAGES:
    page = st.Page(ROOT / entry.folder / f"{entry.name}.py", title=t(f"page.{entry.name}"), icon=entry.icon,
                   url_path=entry.name, default=entry.default,
                   visibility="visible" if access.allowed(user, entry.name) else "hidden")
    names[page._script_hash] = entry.name
    if access.allowed(user, entry.name):
        pages.setdefault(t(entry.section), []).append(page)
    else:  # reachable by URL only to be refused below (and logged), never listed
        hidden.append(page)
if hidden:
    next(iter(pages.values())).extend(hidden)
pg = st.navigation(pages, expanded=True)  # every page listed: the drill-down ones too
name = names.get(pg._script_hash, "")
frame.demo_banner(t("auth.demo_mode") if user.demo else "")
frame.notices(filters.pop_notices())
if access.allowed(user, name):
    access.page_view(name, f)
    with frame.guard(pg.title):
        pg.run()
else:
    st.error(t("auth.denied", role=role_label(user.role, lang()), page=pg.title), icon=":material/block:")
    access.record("page_view", {"refused": True}, page=name, f=f)
frame.footer(f)
