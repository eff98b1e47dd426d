"""Pages in headless Chromium: the cold load of each page until it is idle, the bytes the
server sends to the browser for it, and the server's memory with ten sessions open.

The server runs ``streamlit run dashboard.py`` on the given warehouse, which the harness
loads as synthetic (demo) data, so no sign-in stands between the browser and the page. *Cold* = a new browser context (no cache, a new Streamlit
session) after Streamlit's caches were filled by nobody for that page: the page's first
visit since the server started. Bytes = the WebSocket frames received (the page's data and
elements) plus HTTP response bodies other than the app's static JavaScript/CSS bundle,
which the browser caches after the first visit (reported once, separately).
"""

from __future__ import annotations

import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.soak import start_server, tree_rss

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const q = s => document.querySelectorAll(s).length;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const vega = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && !q('[data-testid="stStatusWidget"]') && !q('[data-testid="stSkeleton"]')
        && !q('[data-testid="stSpinner"]') && !!document.querySelector('[data-testid="stMainBlockContainer"]')
        && charts.every(c => c.querySelector('.main-svg')) && vega.every(c => c.querySelector('svg, canvas'));
}"""


def page_path(name: str) -> str:
    """A page's address: its name, but "" for the default page (the overview), whose name
    Streamlit does not route — ``/overview`` shows "Page not found" over the main page."""
    from ui.nav import PAGES

    return "" if any(e.default and e.name == name for e in PAGES) else name


def _wait_idle(page, timeout_s: float = 120) -> float:
    """Seconds until the page has been idle for 0.3 s (the idle moment is the end time)."""
    t_end = time.monotonic() + timeout_s
    idle_since = None
    while time.monotonic() < t_end:
        if page.evaluate(IDLE_JS):
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= 0.3:
                return idle_since
        else:
            idle_since = None
        page.wait_for_timeout(50)
    raise TimeoutError(f"{page.url}: not idle within {timeout_s} s")


def _measure(context, url: str) -> dict[str, float]:
    page = context.new_page()
    counts = {"ws": 0, "http": 0, "static": 0}

    def on_ws(ws):
        ws.on("framereceived", lambda payload: counts.__setitem__(
            "ws", counts["ws"] + (len(payload) if isinstance(payload, (bytes, str)) else 0)))

    def on_response(resp):
        try:
            size = len(resp.body())
        except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
            return
        key = "static" if "/static/" in resp.url else "http"
        counts[key] += size

    page.on("websocket", on_ws)
    page.on("response", on_response)
    t0 = time.monotonic()
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    end = _wait_idle(page)
    errors = page.locator('[data-testid="stException"]').count()
    page.close()
    return {"cold_s": end - t0, "bytes": counts["ws"] + counts["http"], "static_bytes": counts["static"],
            "exceptions": errors}


def run(db: Path, pages: list[str], params: dict[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    state = Path(tempfile.mkdtemp(prefix="bench-browser-state-"))  # no accounts: synthetic data, demo mode
    server = start_server(db, state, state / "server.log")
    out: dict = {"pages": {}}
    try:
        query = urllib.parse.urlencode(params)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                for name in pages:
                    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
                    try:
                        out["pages"][name] = _measure(ctx, f"{server.base}/{page_path(name)}?{query}")
                    finally:
                        ctx.close()
                # Ten sessions open at once on the overview, then the server's memory.
                contexts = [browser.new_context(locale="zh-CN") for _ in range(10)]
                opened = []
                for ctx in contexts:
                    pg = ctx.new_page()
                    pg.goto(f"{server.base}/?{query}", wait_until="domcontentloaded", timeout=120_000)
                    _wait_idle(pg)
                    opened.append(pg)
                rss = tree_rss(server.proc.pid)
                out["server_rss_mib_10_sessions"] = rss / 2 ** 20 if rss else None
                for ctx in contexts:
                    ctx.close()
            finally:
                browser.close()
    finally:
        server.stop()
    return out
