"""汇报模式 — the current filters as a full-screen slide show: the storyline of the
evaluation pack (reports.pack), one message per slide, in large type, the sidebar hidden.

``?slide=3`` in the URL is the slide shown (so a link or a reload keeps the place);
previous / next buttons; optional auto-advance. The same deck downloads as PowerPoint,
PDF or Excel from the buttons at the bottom."""

from __future__ import annotations

import io
import re
import time

import pandas as pd
import streamlit as st

import reports
from reports import pack
from ui import access, data, frame, slides
from ui.drill import plain
from ui.i18n import t

# Presentation look: no sidebar or toolbar, wide content, large type that scales from a
# laptop to a 1920×1080 projector. Static CSS only — no data enters it.
st.html("""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stSidebarNav"] { display: none !important; }
.block-container { padding-top: 1.2rem !important; max-width: 100% !important; }
.st-key-pr_slide h1 { font-size: clamp(2.2rem, 3.4vw, 4.2rem) !important; line-height: 1.15; }
.st-key-pr_slide [data-testid="stMetricValue"] { font-size: clamp(2rem, 3vw, 3.8rem) !important; }
.st-key-pr_slide [data-testid="stMetricLabel"] p { font-size: clamp(1rem, 1.3vw, 1.6rem) !important; }
.st-key-pr_slide .pr-message p, .st-key-pr_message p { font-size: clamp(1.4rem, 2vw, 2.5rem) !important;
  font-weight: 600; color: #B71C1C; }
.st-key-pr_title h1 { font-size: clamp(3rem, 5vw, 6rem) !important; }
.st-key-pr_title p { font-size: clamp(1.4rem, 2.2vw, 2.8rem) !important; }
</style>""")

f = frame.current_filters()
if f.district is None or f.year is None:
    st.info(t("pr.need_district_year"), icon=":material/slideshow:")
    st.stop()

deck: pack.Deck = data.get(pack.build_deck, f)
total = len(deck.slides)


def _slide_from_url() -> int:
    raw = st.query_params.get("slide")
    if raw is None:
        return 1
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if 1 <= n <= total:
        return n
    st.warning(t("pr.bad_slide", value=plain(raw)), icon=":material/link_off:")
    return 1


def _go(n: int) -> None:
    st.query_params["slide"] = str(max(1, min(total, n)))
    st.session_state["_pr_shown_at"] = time.monotonic()


current = _slide_from_url()
if st.query_params.get("slide") != str(current):
    st.query_params["slide"] = str(current)
slide = deck.slides[current - 1]


def _arrow(delta: str | None) -> str:
    """The arrow of a change written as text ("较上年 -2", "较上年 持平"): by its sign."""
    m = re.search(r"([+-])\s*\d", delta or "")
    return {"+": "up", "-": "down"}.get(m.group(1), "off") if m else "off"


def _kpi_row(kpis: list[pack.Kpi]) -> None:
    per_row = 4 if len(kpis) > 6 else max(1, len(kpis))
    for start in range(0, len(kpis), per_row):
        for col, k in zip(st.columns(per_row), kpis[start:start + per_row]):
            with col:
                note = " · ".join(x for x in (k.delta, k.target) if x)
                st.metric(k.label, k.value, delta=note or None, delta_color="off", border=True,
                          help=k.definition or None, delta_arrow=_arrow(k.delta))


with st.container(key="pr_slide"), frame.guard("present.slide"):
    if slide.key == "title":
        with st.container(key="pr_title"):
            st.title(plain(slide.title))
            st.markdown(plain(slide.message))
            st.markdown(plain(deck.stamp))
        st.subheader(t("pr.summary"))
        for sec in deck.summary:
            st.markdown(f"**{plain(sec.title)}**　{plain(sec.text)}")
    else:
        st.title(plain(slide.title))
        with st.container(key="pr_message"):
            st.markdown(plain(slide.message))
        if slide.kpis:
            _kpi_row(slide.kpis)
        if slide.chart is not None and slide.table is not None:
            left, right = st.columns([3, 2])
        else:
            left = right = st.container()
        if slide.chart is not None:
            with left:
                st.plotly_chart(slides.chart_figure(slide.chart), width="stretch", config={"displayModeBar": False})
        if slide.table is not None:
            with right:
                rows = slide.table.rows[:slide.table.max_rows_on_slide]
                st.markdown(f"**{plain(slide.table.title)}**")
                st.dataframe(pd.DataFrame(rows, columns=slide.table.columns), hide_index=True, width="stretch")
                more = len(slide.table.rows) - len(rows)
                if more > 0:
                    st.caption(t("pr.more_rows", n=more))
    st.caption(plain(deck.stamp))

nav = st.container(horizontal=True, vertical_alignment="center", key="pr_nav")
with nav:
    st.button(t("pr.prev"), key="pr_prev", icon=":material/chevron_left:", disabled=current <= 1,
              on_click=_go, args=(current - 1,))
    st.markdown(t("pr.position", n=current, total=total))
    st.button(t("pr.next"), key="pr_next", icon=":material/chevron_right:", disabled=current >= total,
              on_click=_go, args=(current + 1,), type="primary")
    auto = st.toggle(t("pr.auto"), key="pr_auto")
    seconds = st.select_slider(t("pr.seconds"), options=[5, 10, 15, 20, 30, 60], value=15, key="pr_seconds",
                               disabled=not auto, label_visibility="collapsed")
    st.page_link("views/overview.py", label=t("pr.exit"), icon=":material/close:",
                 query_params={"district": f.district, "year": str(f.year)})

st.session_state.setdefault("_pr_shown_at", time.monotonic())


@st.fragment(run_every=seconds if auto else None)
def _auto_advance() -> None:
    """Every ``seconds``, the next slide (the last one wraps to the first)."""
    if not st.session_state.get("pr_auto"):
        return
    if time.monotonic() - st.session_state.get("_pr_shown_at", 0) >= seconds - 0.5:
        _go(current + 1 if current < total else 1)
        st.rerun()


_auto_advance()

with st.expander(t("pr.download"), icon=":material/download:"):
    st.caption(t("pr.zh_only"))
    stem = f"汇报材料_{f.district}_{f.year}"

    who = access.current_user()

    def _pack_bytes(fmt: str) -> bytes:
        buf = io.BytesIO()
        reports.write_pack(deck, buf, fmt)
        access.record_for(who, "pack", {"format": fmt, "bytes": buf.tell()}, page="present", f=f)
        return buf.getvalue()

    with st.container(horizontal=True):
        for fmt, label in ((".pptx", "pr.pptx"), (".pdf", "pr.pdf"), (".xlsx", "pr.xlsx")):
            st.download_button(t(label), data=lambda fmt=fmt: _pack_bytes(fmt), file_name=f"{stem}{fmt}",
                               mime=reports.MIME[fmt], key=f"pr_dl_{fmt[1:]}", on_click="ignore",
                               icon=":material/download:")
