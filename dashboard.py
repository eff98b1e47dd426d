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

from ui import data, filters, frame
from ui.i18n import t
from ui.nav import PAGES

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="人大履职看板", page_icon="🏛️", layout="wide",
                   initial_sidebar_state="auto")

# Language: from the URL once per session, then from the switch.
if "f_lang_en" not in st.session_state:
    st.session_state["f_lang_en"] = st.query_params.get("lang") == "en"
st.session_state["lang"] = "en" if st.session_state["f_lang_en"] else "zh"


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

with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.toggle(t("filter.lang"), key="f_lang_en")

f = filters.sidebar()
st.session_state["_filters"] = f


pages: dict[str, list[st.Page]] = {}
for entry in PAGES:
    pages.setdefault(t(entry.section), []).append(
        st.Page(ROOT / entry.folder / f"{entry.name}.py", title=t(f"page.{entry.name}"), icon=entry.icon,
                url_path=entry.name, default=entry.default))
pg = st.navigation(pages)
frame.demo_banner()
frame.notices(filters.pop_notices())
with frame.guard(pg.title):
    pg.run()
frame.footer(f)
