"""Real-browser tests: the dashboard served by ``streamlit run`` and opened in headless
Chromium (Debian's ``chromium`` driven by Playwright through ``executable_path``; no
browser download). Issue 3, acceptance: every page opens without an exception box, a
traceback or a console error, in Chinese and in English; the overview is readable at
phone size; a load run while the server is up shows on the next rerun.

Screenshots go to ``artifacts/screenshots/`` (git-ignored):

* ``<page>.png``        1440×900, Chinese, ``?district=清江浦区&year=2023``
* ``<page>-1920.png``   1920×1080 (projector), Chinese
* ``<page>-en.png``     1440×900, English (``&lang=en``)
* ``<default>-phone.png`` 390×844 (device scale 2), Chinese

Every screenshot is of the whole page: Streamlit scrolls inside ``stMain`` rather than the
document, so the viewport is grown to the content's height before the shot.

The pages are discovered from ``ui/nav.py`` (the router's page list),
and each visit checks that the sidebar navigation lists exactly those pages, so a page
added later is tested without touching this file.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root (CI containers)
    "--disable-gpu",
    # Without these Chromium keeps calling home, which floods a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = ROOT / "artifacts" / "screenshots"
FILTERS = {"district": "清江浦区", "year": "2023"}
SERVER_START_TIMEOUT = 60  # s, until /_stcore/health answers ok
IDLE_TIMEOUT = 60  # s, until a page has finished running and rendering
BROWSER_ACCOUNT = ("browser-leader", "correct horse battery")  # made by running_server(account=...)
MAX_SHOT_HEIGHT = 12000  # px, cap for full-page screenshots

pytestmark = pytest.mark.browser


# --------------------------------------------------------------------------------------
# The pages, from dashboard.py
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    default: bool

    @property
    def href(self) -> str:
        """The path the app serves the page at (the default page lives at ``/``)."""
        return "/" if self.default else f"/{self.url_path}"


def discover_pages() -> list[PageSpec]:
    """Every page of the router (``ui/nav.py``); the default page first."""
    from ui.nav import PAGES as NAV

    found = {p.name: PageSpec(p.name, p.default) for p in NAV}
    pages = sorted(found.values(), key=lambda p: (not p.default))
    if pages and not any(p.default for p in pages):  # st.navigation's default is the first page
        pages[0] = PageSpec(pages[0].url_path, True)
    return pages


PAGES = discover_pages()
DEFAULT_PAGE = next(p for p in PAGES if p.default)


def page_url(base: str, page: PageSpec, **extra: str) -> str:
    return base + page.href + "?" + urllib.parse.urlencode({**FILTERS, **extra})


# --------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    log: Path
    proc: subprocess.Popen
    _offset: int = field(default=0)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def mark(self) -> None:
        """Start a new stretch of the log (see :meth:`new_log`)."""
        self._offset = self.log.stat().st_size

    def new_log(self) -> str:
        with open(self.log, "rb") as fh:
            fh.seek(self._offset)
            return fh.read().decode("utf-8", errors="replace")


@contextlib.contextmanager
def running_server(db: Path, log: Path, account: tuple[str, str] | None = None) -> Iterator[Server]:
    """``streamlit run dashboard.py`` on a free loopback port with ``OVERSIGHT_DB=db``;
    killed (its whole process group) on the way out, also on failure.

    Without ``account`` the state directory is empty (no accounts): the demo warehouse
    opens in demo mode. With ``(identity, password)`` a leader account is made first with
    the project's command line, as an administrator would before loading real data."""
    port = _free_port()
    state = log.parent / f"{log.stem}-state"
    env = {**os.environ, "OVERSIGHT_DB": str(db), "OVERSIGHT_STATE_DIR": str(state), "PYTHONUNBUFFERED": "1"}
    if account is not None:
        made = subprocess.run([PY, "-m", "auth", "add", account[0], "--role", "leader", "--password-stdin"],
                              cwd=ROOT, env=env, input=account[1] + "\n", capture_output=True, text=True,
                              timeout=120)
        assert made.returncode == 0, f"python -m auth add exited {made.returncode}:\n{made.stdout}\n{made.stderr}"
    cmd = [PY, "-m", "streamlit", "run", "dashboard.py",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    fh = open(log, "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", log, proc)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode} before it was up:\n{server.log_text()}")
            try:
                with urllib.request.urlopen(server.base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer /_stcore/health within {SERVER_START_TIMEOUT} s:\n"
                            f"{server.log_text()}")
            time.sleep(0.25)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        fh.close()


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------



@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(demo_db, tmp_path_factory.mktemp("server") / "streamlit.log") as s:
        yield s


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium package. "
                    "Run `bash scripts/test.sh` (it installs chromium and fonts-noto-cjk) or "
                    "`apt-get install chromium fonts-noto-cjk`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module", autouse=True)
def _shots_dir() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


# --------------------------------------------------------------------------------------
# Visiting a page
# --------------------------------------------------------------------------------------

# Console messages that are not the app's fault, each with its reason. Nothing else is
# ignored.
_IGNORED_CONSOLE = [
    # Opened at a deep link (/statutory?...), Streamlit's frontend first probes
    # <path>/_stcore/health and <path>/_stcore/host-config to find the server's base URL
    # path, gets 404 and then uses "/". Every deep link does this; it is harmless.
    (re.compile(r"^Failed to load resource: the server responded with a status of 404"),
     re.compile(r"^http://127\.0\.0\.1:\d+/[^?#]+/_stcore/(health|host-config)$")),
    # The page icon ":material/account_balance:" makes Streamlit set the tab's favicon to
    # an SVG on fonts.gstatic.com; the test machine (and CI) has no internet, so it fails
    # to resolve. Only the favicon is affected. (Reported: on an intranet the same
    # happens; a local icon or an emoji as page_icon would avoid it.)
    (re.compile(r"^Failed to load resource: net::ERR_"),
     re.compile(r"^https://fonts\.gstatic\.com/s/i/.*materialsymbols")),
]


def _ignored(text: str, url: str) -> bool:
    return any(t.search(text) and u.search(url or "") for t, u in _IGNORED_CONSOLE)


class Visit:
    """One browser page on the app, collecting console errors and uncaught exceptions."""

    def __init__(self, context, server: Server, account: tuple[str, str] | None = None):
        self.server = server
        self.account = account
        self.page = context.new_page()
        self.errors: list[str] = []
        self.ignored: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        line = f"console.{msg.type}: {msg.text} ({url})"
        (self.ignored if _ignored(msg.text, url) else self.errors).append(line)

    def open(self, url: str) -> None:
        self.server.mark()
        self.ignored.clear()
        self.page.goto(url, wait_until="domcontentloaded", timeout=IDLE_TIMEOUT * 1000)
        self.wait_idle()
        self.sign_in_if_asked()

    def sign_in_if_asked(self) -> None:
        """With an account, answer the sign-in form when the page shows it (a new
        session: a first visit or a reload)."""
        if self.account is None:
            return
        form = self.page.locator('[data-testid="stForm"]').filter(has_text="密码")
        if not form.count():
            return
        form.get_by_label("账号").fill(self.account[0])
        form.get_by_label("密码").fill(self.account[1])
        form.get_by_role("button", name="登录").click()
        form.wait_for(state="detached", timeout=IDLE_TIMEOUT * 1000)
        self.wait_idle()

    def wait_idle(self) -> None:
        """Until the script run is over and the page has rendered: the app is connected,
        not running, shows no status widget, skeleton or spinner — for a whole second —
        and every plotly and Vega-Lite chart has drawn. Bounded by IDLE_TIMEOUT."""
        page = self.page
        page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=IDLE_TIMEOUT * 1000)
        deadline = time.monotonic() + IDLE_TIMEOUT
        stable_since = None
        state: dict = {}
        while time.monotonic() < deadline:
            state = page.evaluate("""() => {
                const app = document.querySelector('[data-testid="stApp"]');
                const q = s => document.querySelectorAll(s).length;
                const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
                const vega = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
                return {
                    script: app && app.getAttribute('data-test-script-state'),
                    connection: app && app.getAttribute('data-test-connection-state'),
                    status: q('[data-testid="stStatusWidget"]'),
                    skeletons: q('[data-testid="stSkeleton"]'),
                    spinners: q('[data-testid="stSpinner"]'),
                    undrawnCharts: charts.filter(c => !c.querySelector('.main-svg')).length
                        + vega.filter(c => !c.querySelector('svg, canvas')).length,
                };
            }""")
            idle = (state["script"] == "notRunning" and state["connection"] == "CONNECTED"
                    and not state["status"] and not state["skeletons"] and not state["spinners"]
                    and not state["undrawnCharts"])
            now = time.monotonic()
            if not idle:
                stable_since = None
            elif stable_since is None:
                stable_since = now
            elif now - stable_since >= 1.0:
                break
            page.wait_for_timeout(200)
        else:
            pytest.fail(f"{page.url}: not idle after {IDLE_TIMEOUT} s: {state}")
        with contextlib.suppress(Exception):  # websockets keep it busy at worst; bounded anyway
            page.wait_for_load_state("networkidle", timeout=5000)
        page.wait_for_timeout(300)  # let plotly finish its transitions before a screenshot

    def problems(self) -> list[str]:
        """Everything that counts as an error on the page as it is now."""
        page = self.page
        out = list(self.errors)
        n = page.locator('[data-testid="stException"]').count()
        if n:
            texts = page.locator('[data-testid="stException"]').all_inner_texts()
            out.append(f"{n} exception box(es): " + " | ".join(x[:400] for x in texts))
        tb = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.children.length === 0 && /Traceback/.test(e.textContent))
            .map(e => e.textContent.slice(0, 300))""")
        if tb:
            out.append("'Traceback' on the page: " + " | ".join(tb))
        # ui.frame.guard turns a failing part of a page into a polite warning and logs the
        # traceback; the server log is where such a hidden failure shows.
        log = self.server.new_log()
        if "Traceback" in log:
            out.append("server log has a traceback during this visit:\n" + log[-4000:])
        return out

    def assert_clean(self, what: str) -> None:
        if self.ignored:  # shown with the test's output when it fails (or with -rP)
            print(f"{what}: ignored known console messages: {sorted(set(self.ignored))}")
        problems = self.problems()
        assert not problems, f"{what} ({self.page.url}):\n" + "\n".join(problems)

    def main_text(self, limit: int = 1500) -> str:
        return self.page.evaluate(
            """() => (document.querySelector('[data-testid="stMain"]') || document.body).innerText""")[:limit]

    def nav_hrefs(self) -> set[str]:
        hrefs = self.page.evaluate("""() => [...document.querySelectorAll('[data-testid="stSidebarNav"] a[href]')]
            .map(a => new URL(a.href).pathname)""")
        return set(hrefs)

    def assert_router_ran(self) -> None:
        """The page ran inside dashboard.py's st.navigation: the sidebar lists exactly the
        pages of dashboard.py (Streamlit's old pages/-directory mode lists the files
        instead, e.g. 'dashboard' and '/overview', and skips the router and its filters)."""
        expected = {p.href for p in PAGES}
        got = self.nav_hrefs()
        if got and got != expected:
            texts = self.page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
            pytest.fail(
                f"{self.page.url}: sidebar navigation {sorted(got)} ({[t.split(chr(10))[-1] for t in texts]}) "
                f"is not dashboard.py's pages {sorted(expected)}. If the links are the files of pages/ "
                "('dashboard', 'overview', …), the page ran without the router (Streamlit's pages/-directory "
                "mode: on a fresh server a deep link runs pages/<x>.py directly, without filters, banner or "
                "footer). Renaming the pages/ folder (e.g. to views/) stops that. If a page was added with a "
                "url_path this test cannot parse, give st.Page a literal url_path=\"...\".")

    def screenshot(self, path: Path) -> None:
        """The whole page: grow the viewport to the content's height (Streamlit scrolls
        inside stMain, so Playwright's full_page alone would cut it off), then restore."""
        page = self.page
        size = page.viewport_size
        height = page.evaluate("""() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const side = document.querySelector('[data-testid="stSidebarContent"]');
            return Math.max(main ? main.scrollHeight : 0, side ? side.scrollHeight : 0,
                            document.documentElement.scrollHeight);
        }""")
        tall = min(max(size["height"], int(height)), MAX_SHOT_HEIGHT)
        if tall > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": tall})
            page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=True)
        if tall > size["height"]:
            page.set_viewport_size(size)

    def close(self) -> None:
        self.page.close()


@contextlib.contextmanager
def visit(chromium, server: Server, account: tuple[str, str] | None = None, **context_args) -> Iterator[Visit]:
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_args)
    try:
        v = Visit(context, server, account)
        yield v
        v.close()
    finally:
        context.close()


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


def test_pages_discovered() -> None:
    assert PAGES, "no st.Page(...) found in dashboard.py"
    assert sum(p.default for p in PAGES) == 1, PAGES


def test_deep_link_on_fresh_server(chromium, demo_db: Path, tmp_path: Path) -> None:
    """A leader opens a shared link to a page straight after a (re)start of the server:
    the page must run inside the router (filters from the URL, navigation), like any other
    time."""
    target = next((p for p in PAGES if not p.default), DEFAULT_PAGE)
    with running_server(demo_db, tmp_path / "fresh.log") as fresh, \
            visit(chromium, fresh, viewport={"width": 1440, "height": 900}) as v:
        v.open(page_url(fresh.base, target))
        v.assert_router_ran()
        v.assert_clean(f"deep link to {target.url_path} on a fresh server")


@pytest.mark.parametrize(
    ("size", "lang", "suffix"),
    [((1440, 900), "zh", ""), ((1920, 1080), "zh", "-1920"), ((1440, 900), "en", "-en")],
    ids=["zh-1440", "zh-1920", "en-1440"],
)
@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_page(chromium, server: Server, page: PageSpec, size: tuple[int, int], lang: str, suffix: str) -> None:
    extra = {"lang": "en"} if lang == "en" else {}
    with visit(chromium, server, viewport={"width": size[0], "height": size[1]}) as v:
        v.open(page_url(server.base, page, **extra))
        v.assert_router_ran()
        assert v.page.locator('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]').count(), \
            f"{page.url_path}: the main block is empty"
        v.screenshot(SHOTS / f"{page.url_path}{suffix}.png")
        v.assert_clean(f"{page.url_path} [{lang} {size[0]}×{size[1]}]")


def test_default_page_on_phone(chromium, server: Server) -> None:
    """The overview as a leader sees it on a phone (390×844): no horizontal scrolling,
    nothing sticking out to the right, the main content visible (not covered by the
    sidebar)."""
    with visit(chromium, server, viewport={"width": 390, "height": 844}, device_scale_factor=2,
               is_mobile=True, has_touch=True) as v:
        v.open(page_url(server.base, DEFAULT_PAGE))
        measure = """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const block = document.querySelector('[data-testid="stMainBlockContainer"]');
            const w = window.innerWidth;
            const sticking = [...block.querySelectorAll('[data-testid="stElementContainer"]')]
                .filter(e => e.offsetParent !== null)
                .map(e => ({r: e.getBoundingClientRect(), t: e.innerText.slice(0, 60)}))
                .filter(x => x.r.width > 0 && (x.r.right > w + 1 || x.r.left < -1))
                .map(x => `${x.t.replace(/\\n/g, ' ')} [${Math.round(x.r.left)}..${Math.round(x.r.right)}]`);
            // The first visible element of the main block: is it on top at its centre?
            const first = [...block.querySelectorAll('[data-testid="stElementContainer"]')]
                .find(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
            let onTop = null, firstText = null;
            if (first) {
                const r = first.getBoundingClientRect();
                const x = Math.min(Math.max(r.left + r.width / 2, 1), w - 1);
                const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 20), 1), window.innerHeight - 1);
                const hit = document.elementFromPoint(x, y);
                onTop = !!hit && main.contains(hit);
                firstText = first.innerText.slice(0, 60);
            }
            const br = block.getBoundingClientRect();
            return {
                innerWidth: w,
                docScrollWidth: document.scrollingElement.scrollWidth,
                mainScrollWidth: main.scrollWidth, mainClientWidth: main.clientWidth,
                blockLeft: br.left, blockRight: br.right,
                sticking, onTop, firstText,
            };
        }"""

        def fits(m: dict) -> bool:
            return (m["docScrollWidth"] <= m["innerWidth"] + 1 and m["mainScrollWidth"] <= m["mainClientWidth"] + 1
                    and m["blockLeft"] >= -1 and m["blockRight"] <= m["innerWidth"] + 1 and not m["sticking"]
                    and bool(m["onTop"]))

        # Charts may draw at a default width first and then fit their column: measure
        # again for a few seconds before calling the layout too wide.
        m = v.page.evaluate(measure)
        deadline = time.monotonic() + 5
        while not fits(m) and time.monotonic() < deadline:
            v.page.wait_for_timeout(500)
            m = v.page.evaluate(measure)
        v.screenshot(SHOTS / f"{DEFAULT_PAGE.url_path}-phone.png")
        v.assert_clean(f"{DEFAULT_PAGE.url_path} on a phone")
        assert m["docScrollWidth"] <= m["innerWidth"] + 1, f"the page scrolls sideways on a phone: {m}"
        assert m["mainScrollWidth"] <= m["mainClientWidth"] + 1, f"the main area scrolls sideways on a phone: {m}"
        assert m["blockLeft"] >= -1 and m["blockRight"] <= m["innerWidth"] + 1, f"main block wider than the phone: {m}"
        assert not m["sticking"], f"elements cut off at the right edge on a phone: {m['sticking']}"
        assert m["onTop"], (f"the main content is covered on a phone (first element {m['firstText']!r} is not "
                            f"on top — the sidebar or a dialog covers it?): {m}")


# -- a new load while the server is up -------------------------------------------------

NEW_LOAD_TOWN = "柳树湾街道"
NEW_LOAD_CSV = ("活动编号,类型,区,镇街,日期\n"
                "BROWSER-TEST-0001,工作评议会,清江浦区,柳树湾街道,2023-12-20\n")
STATUTORY = next((p for p in PAGES if p.url_path == "statutory"), None)


def _review_count(v: Visit, town: str) -> int | None:
    """The 工作评议会 cell of the town's row in the 三会 table (st.dataframe keeps an
    accessible copy of its visible cells in the DOM)."""
    return v.page.evaluate("""([town]) => {
        const table = document.querySelector('[data-testid="stDataFrame"] table');
        if (!table) return null;
        const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent);
        const col = heads.findIndex(h => h.startsWith('工作评议会') || h.startsWith('Work appraisal'));
        const townCol = heads.findIndex(h => h === '镇街' || h === 'Town');
        if (col < 0 || townCol < 0) return null;
        for (const tr of table.querySelectorAll('tbody tr')) {
            const cells = [...tr.querySelectorAll('td')].map(td => td.textContent.trim());
            if (cells[townCol] === town) return Number(cells[col].replace(/[^0-9.-]/g, ''));
        }
        return null;
    }""", [town])


def _metric(v: Visit, label_prefix: str) -> str | None:
    """The value of the first KPI card whose label starts with label_prefix."""
    return v.page.evaluate("""([prefix]) => {
        for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
            const label = m.querySelector('[data-testid="stMetricLabel"]');
            const value = m.querySelector('[data-testid="stMetricValue"]');
            if (label && value && label.innerText.trim().startsWith(prefix)) return value.innerText.trim();
        }
        return null;
    }""", [label_prefix])


def _as_int(s: str | None) -> int | None:
    if s is None:
        return None
    digits = re.sub(r"[^0-9]", "", s)
    return int(digits) if digits and "万" not in s else None


@pytest.mark.skipif(STATUTORY is None, reason="no page with url_path='statutory' in dashboard.py")
def test_new_load_shows_after_rerun(chromium, demo_db: Path, tmp_path: Path) -> None:
    """ETL run while the server is up: one more 工作评议会 for 柳树湾街道 in 2023 shows on
    the next rerun of the same session and after a reload, with no restart and no error.
    Runs on its own copy of the demo warehouse and its own server."""
    db = tmp_path / "wh" / "oversight.duckdb"
    db.parent.mkdir()
    shutil.copy2(demo_db, db)
    csv = tmp_path / "in" / "活动.csv"
    csv.parent.mkdir()
    csv.write_text(NEW_LOAD_CSV, encoding="utf-8")

    # Real data ends demo mode: the app then needs an account (ui/access.py).
    with running_server(db, tmp_path / "server.log", account=BROWSER_ACCOUNT) as srv, \
            visit(chromium, srv, account=BROWSER_ACCOUNT, viewport={"width": 1440, "height": 900}) as v:
        # Front page first, like a user; a fresh server's deep link is the subject of
        # test_deep_link_on_fresh_server, not of this test.
        v.open(page_url(srv.base, DEFAULT_PAGE))
        overview_before = _as_int(_metric(v, "工作评议会"))
        # The overview's own health is test_page's subject; here only what the load changes.
        overview_clean_before = not v.problems()
        v.errors.clear()

        v.open(page_url(srv.base, STATUTORY))
        before = _review_count(v, NEW_LOAD_TOWN)
        assert before is not None, (f"no 工作评议会 figure for {NEW_LOAD_TOWN} in the 三会 table; the page shows:\n"
                                    f"{v.main_text()}")
        v.assert_clean("statutory before the load")

        done = subprocess.run([PY, "-m", "etl", "load", str(csv), "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"etl load exited {done.returncode}:\n{done.stdout}\n{done.stderr}"

        # A rerun of the same session (Streamlit's "R" shortcut), no reload.
        srv.mark()
        v.page.locator('[data-testid="stMain"] h1').first.click()
        v.page.keyboard.press("r")
        v.page.wait_for_timeout(300)
        v.wait_idle()
        deadline = time.monotonic() + 20
        after_rerun = _review_count(v, NEW_LOAD_TOWN)
        while after_rerun != before + 1 and time.monotonic() < deadline:
            v.page.wait_for_timeout(500)
            after_rerun = _review_count(v, NEW_LOAD_TOWN)
        assert after_rerun == before + 1, (
            f"after `etl load` (exit 0) and a rerun, {NEW_LOAD_TOWN} still shows {after_rerun} 工作评议会 for 2023, "
            f"expected {before} + 1: the app is not reading the swapped-in warehouse")
        v.assert_clean("statutory after the load, rerun")

        # A reload of the page (a new session in the same browser).
        srv.mark()
        v.page.reload(wait_until="domcontentloaded")
        v.wait_idle()
        v.sign_in_if_asked()
        after_reload = _review_count(v, NEW_LOAD_TOWN)
        assert after_reload == before + 1, (
            f"after a reload (new session), {NEW_LOAD_TOWN} shows {after_reload} 工作评议会, expected {before} + 1")
        v.screenshot(SHOTS / "statutory-after-load.png")
        v.assert_clean("statutory after the load, reload")

        # The overview, when it shows a 工作评议会 KPI (it is the figure the acceptance
        # item names), must count the new meeting too.
        v.open(page_url(srv.base, DEFAULT_PAGE))
        overview_after = _as_int(_metric(v, "工作评议会"))
        if overview_clean_before:
            v.assert_clean("overview after the load")
        if overview_before is None:
            warnings.warn("the overview shows no 工作评议会 KPI card: the new load was checked on the 三会 page only",
                          stacklevel=1)
        else:
            assert overview_after == overview_before + 1, \
                f"overview 工作评议会: {overview_before} before the load, {overview_after} after"


# -- drill-down, presentation mode and upload (issues 6, 7, 8) ---------------------------

COMPARE = next((p for p in PAGES if p.url_path == "compare"), None)
TOWN = next((p for p in PAGES if p.url_path == "town"), None)
PRESENT = next((p for p in PAGES if p.url_path == "present"), None)
DATA = next((p for p in PAGES if p.url_path == "data"), None)


def test_deep_link_survives_sign_in(chromium, demo_db: Path, tmp_path: Path) -> None:
    """With accounts configured, a shared link to a town's profile for 2022 asks for the
    sign-in first and then shows that town and year, not the overview."""
    town = "柳树湾街道"
    with running_server(demo_db, tmp_path / "signin.log", account=BROWSER_ACCOUNT) as srv, \
            visit(chromium, srv, viewport={"width": 1440, "height": 900}) as v:
        v.open(page_url(srv.base, TOWN, town=town, year="2022"))
        form = v.page.locator('[data-testid="stForm"]').filter(has_text="密码")
        assert form.count() == 1, f"no sign-in form on a link with accounts configured:\n{v.main_text()}"
        assert town not in v.main_text(), "the town's profile showed before the sign-in"
        v.account = BROWSER_ACCOUNT
        v.sign_in_if_asked()
        assert urllib.parse.urlparse(v.page.url).path.rstrip("/").endswith("/town"), v.page.url
        params = urllib.parse.parse_qs(urllib.parse.urlparse(v.page.url).query)
        assert params.get("town") == [town] and params.get("year") == ["2022"], v.page.url
        text = v.main_text(4000)
        assert "镇街画像" in text and town in text and "2022" in text, text
        v.assert_clean("town profile after signing in from a deep link")


def _click_first_bar(v: Visit) -> None:
    """Click the first bar of the first selectable chart on the page (a real mouse click
    on the SVG, as a user does)."""
    bar = v.page.locator('[data-testid="stPlotlyChart"] .trace.bars .point path').first
    bar.wait_for(state="visible", timeout=20000)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, f"the first bar has no area: {box}"
    v.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - min(3, box["height"] / 2))
    v.page.wait_for_timeout(500)
    v.wait_idle()


@pytest.mark.skipif(COMPARE is None or TOWN is None, reason="no compare/town page in dashboard.py")
def test_drill_path_chart_to_town_to_records(chromium, server: Server) -> None:
    """The analyst's way down, clicked end to end: a bar of the town ranking → the
    selection chip and the links → the town's profile (the town in its title and in the
    URL) → its records in the explorer."""
    with visit(chromium, server, viewport={"width": 1440, "height": 900}) as v:
        v.open(page_url(server.base, COMPARE))
        _click_first_bar(v)
        link = v.page.locator('[data-testid="stPageLink"] a', has_text="画像").first
        link.wait_for(state="visible", timeout=20000)
        chips = v.page.locator('[data-testid="stMain"]').inner_text()
        assert "已选" in chips, f"no selection chip after clicking a bar:\n{chips[:1500]}"
        town = re.fullmatch(r"打开(.+)画像", link.inner_text().strip().splitlines()[-1].strip())
        assert town, f"unexpected drill link text {link.inner_text()!r}"
        town = town.group(1)
        v.screenshot(SHOTS / "drill-compare-selected.png")
        v.assert_clean("compare after a bar click")

        link.click()
        v.page.wait_for_timeout(500)
        v.wait_idle()
        href = v.page.evaluate("() => document.location.href")
        query = urllib.parse.parse_qs(urllib.parse.urlparse(href).query)
        assert urllib.parse.urlparse(href).path == TOWN.href, href
        assert query.get("town") == [town], f"the town profile's URL does not name {town}: {href}"
        heading = v.page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert town in heading, f"the town profile's title {heading!r} does not name {town}"
        v.screenshot(SHOTS / "drill-town.png")
        v.assert_clean(f"town profile of {town}")

        records = v.page.locator('[data-testid="stPageLink"] a', has_text="明细").first
        records.wait_for(state="visible", timeout=20000)
        records.click()
        v.page.wait_for_timeout(500)
        v.wait_idle()
        href = v.page.evaluate("() => document.location.href")
        assert urllib.parse.urlparse(href).path == "/explore", href
        assert urllib.parse.parse_qs(urllib.parse.urlparse(href).query).get("town") == [town], href
        assert v.page.locator('[data-testid="stDataFrame"]').count(), "the record explorer shows no table"
        v.screenshot(SHOTS / "drill-explore.png")
        v.assert_clean(f"records of {town}")


OVERVIEW = next((p for p in PAGES if p.default), None)


def test_overview_town_chart_click_narrows_the_page(chromium, server: Server) -> None:
    """The overview's by-town chart is Vega-Lite (no plotly.js on the landing page): a real
    click on a town's row selects that town — the chip, the town in the cards' caption,
    the link to its profile — and 清除 brings the whole district back."""
    with visit(chromium, server, viewport={"width": 1440, "height": 900}) as v:
        v.open(page_url(server.base, OVERVIEW))
        assert not v.page.locator('[data-testid="stPlotlyChart"]').count(), "the overview loads plotly.js"
        chart = v.page.locator('[data-testid="stVegaLiteChart"]').nth(1)
        chart.scroll_into_view_if_needed()
        label = chart.locator(".mark-text text").first.text_content()
        rows = chart.locator(".mark-rect path")
        # The towns are the y axis's labels (the x axis's are numbers): the top one.
        labels = chart.locator(".role-axis-label text")
        named = [(b["y"], (labels.nth(i).text_content() or "").strip(), b)
                 for i in range(labels.count()) if (b := labels.nth(i).bounding_box())]
        named = sorted(x for x in named if not re.fullmatch(r"[-\d.,%万k]+", x[1]))
        assert named and label, "the by-town chart drew no town or text"
        _, town, first = named[0]
        row = rows.last.bounding_box()  # the top layer: each town's whole row, the click target
        assert row and first and row["width"] > 50, f"no clickable row: {row}"
        # Click the first town's row, to the right of its dot (a town at 0 has no bar).
        v.page.mouse.click(row["x"] + row["width"] * 0.6, first["y"] + first["height"] / 2)
        v.page.wait_for_timeout(500)
        v.wait_idle()
        text = v.main_text(6000)
        assert "已选" in text and f"镇街：{town}" in text, f"no chip for {town} after the click:\n{text[:1500]}"
        assert f"（{town}）" in text, f"the cards' caption does not name {town}:\n{text[:800]}"
        assert v.page.locator('[data-testid="stPageLink"] a', has_text="画像").count(), "no link to the profile"
        v.screenshot(SHOTS / "drill-overview-selected.png")
        v.assert_clean("overview after a town click")
        v.page.locator('[data-testid="stButton"] button', has_text="清除").first.click()
        v.page.wait_for_timeout(500)
        v.wait_idle()
        assert "已选" not in v.main_text(6000), "the selection stayed after 清除"


@pytest.mark.skipif(PRESENT is None, reason="no present page in dashboard.py")
def test_presentation_slides_at_projector_size(chromium, server: Server) -> None:
    """Three slides of 汇报模式 at 1920×1080: the slide number in the URL opens that
    slide, the sidebar is hidden, nothing sticks out of the screen sideways, and the
    "next" button moves to the following slide (and says so in the URL)."""
    with visit(chromium, server, viewport={"width": 1920, "height": 1080}) as v:
        for n in (1, 2, 5):
            v.open(page_url(server.base, PRESENT, slide=str(n)))
            text = v.main_text(4000)
            assert f"{n} / " in text or f"{n}/" in text, f"slide {n}: no slide number on the page:\n{text[:800]}"
            wide = v.page.evaluate("() => document.scrollingElement.scrollWidth > window.innerWidth + 1")
            assert not wide, f"slide {n} scrolls sideways at 1920×1080"
            sidebar = v.page.evaluate("""() => { const s = document.querySelector('[data-testid="stSidebar"]');
                return !!s && s.getBoundingClientRect().width > 50 && s.getBoundingClientRect().right > 0; }""")
            assert not sidebar, f"slide {n}: the sidebar is showing in presentation mode"
            v.page.screenshot(path=str(SHOTS / f"present-slide{n}-1920.png"))
            v.assert_clean(f"presentation slide {n}")
        nxt = v.page.locator('.st-key-pr_next button').first
        nxt.click()
        v.page.wait_for_timeout(500)
        v.wait_idle()
        href = v.page.evaluate("() => document.location.href")
        assert urllib.parse.parse_qs(urllib.parse.urlparse(href).query).get("slide") == ["6"], href
        v.assert_clean("presentation after 'next'")


UPLOAD_TOWN = "柳树湾街道"


@pytest.mark.skipif(DATA is None, reason="no data page in dashboard.py")
@pytest.mark.skipif(DATA is None, reason="no data page in dashboard.py")
def test_data_page_writes_a_tab_when_it_is_clicked(chromium, server: Server) -> None:
    """数据管理 writes only its open tab: a click on another tab reruns the page and shows
    that tab's content (the load history's table, the dictionary's template download and
    kinds), and the first tab's uploader is gone meanwhile."""
    with visit(chromium, server, viewport={"width": 1440, "height": 900}) as v:
        v.open(page_url(server.base, DATA))
        main = v.page.locator('[data-testid="stMain"]')
        assert main.locator('[data-testid="stFileUploaderDropzone"]').count() == 1
        assert not main.locator('[data-testid="stDataFrame"]').count(), "the history was written behind its tab"
        v.page.get_by_role("tab", name="导入记录").click()
        v.page.wait_for_timeout(500)
        v.wait_idle()
        assert main.locator('[data-testid="stDataFrame"]').count() >= 1, "no load history after its tab's click"
        assert not main.locator('[data-testid="stFileUploaderDropzone"]').count()
        v.page.get_by_role("tab", name="模板与数据字典").click()
        v.page.wait_for_timeout(500)
        v.wait_idle()
        text = v.main_text(20000)
        assert "下载填报模板（.xlsx）" in text and main.locator('[data-testid="stExpander"]').count() >= 10, text[:1500]
        v.screenshot(SHOTS / "data-dictionary-tab.png")
        v.assert_clean("data page, dictionary tab")


def test_upload_through_the_page_shows_the_new_figure(chromium, demo_db: Path, tmp_path: Path) -> None:
    """A clerk hands a workbook to 数据管理 through the browser's file chooser: one good
    工作评议会 row and one with an impossible date. The report names the rejected row;
    nothing changes until 确认导入; after it, the overview's 工作评议会 figure is one more."""
    from tests.conftest import ACTIVITY_HEADER, write_xlsx

    db = tmp_path / "wh" / "oversight.duckdb"
    db.parent.mkdir()
    shutil.copy2(demo_db, db)
    book = write_xlsx(tmp_path / "in" / "上传测试.xlsx", {"活动": [
        ACTIVITY_HEADER,
        ["BROWSER-UP-1", "工作评议会", "清江浦区", UPLOAD_TOWN, "2023-12-21", 5, 20],
        ["BROWSER-UP-2", "工作评议会", "清江浦区", UPLOAD_TOWN, "2023-13-01", 5, 20],
    ]})
    # Real data ends demo mode: the app then needs an account (ui/access.py).
    with running_server(db, tmp_path / "server.log", account=BROWSER_ACCOUNT) as srv, \
            visit(chromium, srv, account=BROWSER_ACCOUNT, viewport={"width": 1440, "height": 900}) as v:
        v.open(page_url(srv.base, DEFAULT_PAGE))
        before = _as_int(_metric(v, "工作评议会"))
        assert before is not None, f"no 工作评议会 KPI on the overview:\n{v.main_text()}"
        v.errors.clear()

        v.open(page_url(srv.base, DATA))
        with v.page.expect_file_chooser() as chooser:
            v.page.locator('[data-testid="stFileUploaderDropzone"] button').first.click()
        chooser.value.set_files(str(book))
        v.page.locator('[data-testid="stMain"]').get_by_text("拒绝 1 行").first.wait_for(timeout=30000)
        v.wait_idle()
        text = v.main_text(6000)
        assert "2023-13-01" in text or "13" in text, text
        v.screenshot(SHOTS / "data-upload-report.png")
        v.assert_clean("data page with the validation report")

        v.open(page_url(srv.base, DEFAULT_PAGE))
        assert _as_int(_metric(v, "工作评议会")) == before, "the overview changed before the load was confirmed"
        v.errors.clear()

        v.open(page_url(srv.base, DATA))
        with v.page.expect_file_chooser() as chooser:
            v.page.locator('[data-testid="stFileUploaderDropzone"] button').first.click()
        chooser.value.set_files(str(book))
        confirm = v.page.locator('.st-key-dm_confirm button').first
        confirm.wait_for(state="visible", timeout=30000)
        confirm.click()
        v.page.locator('[data-testid="stMain"] [data-testid="stAlertContentSuccess"]').first.wait_for(timeout=60000)
        v.wait_idle()
        v.screenshot(SHOTS / "data-upload-loaded.png")
        v.assert_clean("data page after the load")

        v.open(page_url(srv.base, DEFAULT_PAGE))
        after = _as_int(_metric(v, "工作评议会"))
        assert after == before + 1, f"overview 工作评议会: {before} before the upload, {after} after"
        v.assert_clean("overview after the upload")
