"""Soak run of the dashboard (issue 11, item 5): many browser sessions for a long time,
twice in a row, to find errors that only show under concurrency and memory that grows.

What it does:

1. Copies the warehouse (``--db FILE``) into a temporary folder — or, by default, builds
   the demo warehouse there with ``python -m etl demo`` — and starts
   ``streamlit run dashboard.py`` headless on a free loopback port with ``OVERSIGHT_DB``
   pointing at the copy and ``OVERSIGHT_STATE_DIR`` at an empty folder (no accounts: the
   demo warehouse opens in demo mode, without sign-in).
2. Runs ``--cycles`` cycles (default 2) of ``--minutes`` minutes (default 10). In each,
   ``--sessions`` browser sessions (default 50; each its own Playwright browser context,
   spread over a few headless Chromium processes: Debian's ``chromium-headless-shell``
   when installed — lighter: in 4-minute trials with 50 sessions, page opens p50 67 s
   against 147 s with the full browser — else ``/usr/bin/chromium``; ``--chromium PATH``)
   arrive evenly
   over the first 40 % of the cycle and work until its time is up, as a person would:
   open a page by its link, then click in it —

   * open a page of ``ui/nav.py`` by URL with filters (``?district=…&year=…``; every
     fifth session in English) and wait until it is idle — the app connected, the script
     not running, no status widget, skeleton or spinner, every plotly chart drawn, all of
     it for a whole second (the idea of ``Visit.wait_idle`` in ``tests/test_browser.py``);
   * then, step by step, change the year in the sidebar's select box (on 汇报模式, which
     hides the sidebar: the next slide) or click a link of the sidebar navigation, and
     time each rerun until idle again; every ``--reopen``-th step (6) opens the next page
     by its link instead (a new Streamlit session).

   Between steps a session pauses as a reader would (``--think``, mean 10 s, each pause
   0.5–1.5 × that). The browsers are the load generator and share the machine with the
   server under test (in use, each runs on its user's own computer). On this 2-core
   machine 20 or more Chromium contexts saturate both cores by themselves — software
   rendering of the charts; Chromium as root also raises its own priority above a
   ``nice`` — with the server at under 20 % of one core: pages then take minutes to
   draw in their own browsers, which measures the browsers, not the app. Run the full
   50 sessions where the browsers have cores of their own.

   After every idle page the session looks for Streamlit exception boxes, the app's
   "this part cannot be shown" warning (``ui.frame.guard``), "Traceback" on the page and
   uncaught page errors. A session **fails** on any of those or on a step that does not
   get idle within ``--timeout`` seconds (default 120). The first reason is kept.
3. Reports per cycle: sessions started, failed sessions (first reason of each), page
   visits (opened by URL), reruns, p50/p95 of the page-open and rerun times, the
   server's resident memory (sum over the streamlit process tree) at the end of the cycle
   — after its sessions closed and ``--settle`` seconds passed — and its peak during the
   cycle, and tracebacks in the server log. Then the ratio of the end-of-cycle memory of
   the last cycle to the first, against the target "within 10 %". Also the CPU the
   server and the browsers used and the load average, to tell a slow app from a busy
   machine. Prints a table and writes ``bench/results/soak-<timestamp>.json`` (and, when
   something went wrong, the server log beside it as ``soak-<timestamp>.server.log``).

Exit code: 0 clean; 1 a session failed, the server log has a traceback or the server
died; 2 the run could not be set up (no Chromium, no warehouse, the server did not start).
The memory target is reported, not enforced by the exit code.

Times are measured in the browser (``performance.now()``): a rerun from just before the
click until the page was idle (the one-second stability window is not counted); a page
open from the start of the navigation (a new browser context: no cache, a new Streamlit
session). On a 2-core machine 50 concurrent Chromium contexts and the server share the
CPU, so the p95 mostly shows CPU saturation, not the app's own speed — compare runs on the
same, otherwise quiet machine only. Sessions arrive spread out (``--stagger``) so that they
do not all load the app's JavaScript at once.

Run (either form; the full run takes about ``cycles × (minutes + 2)`` minutes)::

    .venv/bin/python bench/soak.py --quick            # 5 sessions, 1 minute, 2 cycles
    .venv/bin/python -m bench.soak                    # 50 sessions, 10 minutes, 2 cycles
    .venv/bin/python -m bench.soak --sessions 20 --minutes 5 --db warehouse/oversight.duckdb

``start_server`` and ``tree_rss`` are also used by ``bench/browser.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
PY = sys.executable
# Debian's headless shell (package chromium-headless-shell: the same engine without the
# desktop browser around it) when it is installed, else the full browser headless.
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
CHROMIUM = HEADLESS_SHELL if HEADLESS_SHELL.exists() else Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI containers
    "--disable-dev-shm-usage",  # /dev/shm is small in containers; many renderers share it
    "--disable-gpu",
    # No calling home on a closed network (as in tests/test_browser.py).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Every session is "in the background" to Chromium; do not slow its timers down.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
SESSIONS_PER_BROWSER = 25  # browser contexts per Chromium process
SERVER_START_TIMEOUT = 120  # s, until /_stcore/health answers ok (the machine may be busy)
STABLE_MS = 1000  # idle for this long counts as idle
VIEWPORT = {"width": 1440, "height": 900}
MEMORY_TARGET = 0.10  # the last cycle's end-of-cycle RSS within 10 % of the first's
RSS_SAMPLE_SECONDS = 5

# Console messages that are not the app's fault (the same two as tests/test_browser.py):
# deep links probe <path>/_stcore/health and /host-config first (404), and the favicon of
# a :material/…: icon is fetched from fonts.gstatic.com, unreachable offline.
IGNORED_CONSOLE = [
    (re.compile(r"^Failed to load resource: the server responded with a status of 404"),
     re.compile(r"^http://127\.0\.0\.1:\d+/[^?#]+/_stcore/(health|host-config)$")),
    (re.compile(r"^Failed to load resource: net::ERR_"),
     re.compile(r"^https://fonts\.gstatic\.com/s/i/.*materialsymbols")),
]


def _guard_texts() -> list[str]:
    """The start of ui.frame.guard's warning ("this part cannot be shown …") in both
    languages: a part of a page that failed and was replaced by a polite message."""
    try:
        from ui.i18n.common import LABELS

        return [s.split("{")[0].rstrip("（( ") for s in LABELS["error.query"]]
    except Exception:  # noqa: BLE001 - the labels moved; fall back to today's texts
        return ["这部分数据暂时无法显示", "This part cannot be shown right now"]


def _year_labels() -> list[str]:
    try:
        from ui.i18n.common import LABELS

        return list(LABELS["filter.year"])
    except Exception:  # noqa: BLE001
        return ["年度", "Year"]


GUARD_TEXTS = _guard_texts()
YEAR_LABELS = _year_labels()


@dataclass(frozen=True)
class Page:
    name: str
    default: bool

    @property
    def path(self) -> str:
        return "/" if self.default else f"/{self.name}"


def discover_pages() -> list[Page]:
    """The pages of the router (ui/nav.py), as tests/test_browser.py finds them."""
    from ui.nav import PAGES as NAV

    pages = [Page(p.name, p.default) for p in NAV]
    if pages and not any(p.default for p in pages):
        pages[0] = Page(pages[0].name, True)
    return pages


# --------------------------------------------------------------------------------------
# In-page JavaScript
# --------------------------------------------------------------------------------------

# Installed in every document before the app's own scripts: counts the script runs
# (transitions of stApp's data-test-script-state to "running"), so that a wait after a
# click only ends once the rerun it caused has run.
OBSERVER_JS = """(() => {
  if (window.__soak) return;
  const s = window.__soak = {runs: 0, state: null, idleSince: null};
  new MutationObserver(muts => {
    for (const m of muts) {
      const v = m.target.getAttribute('data-test-script-state');
      if (v !== s.state) { s.state = v; if (v === 'running') s.runs++; }
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();"""

STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const q = sel => document.querySelectorAll(sel).length;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return {
    script: app && app.getAttribute('data-test-script-state'),
    connection: app && app.getAttribute('data-test-connection-state'),
    main: q('[data-testid="stMainBlockContainer"]'),
    status: q('[data-testid="stStatusWidget"]'),
    skeletons: q('[data-testid="stSkeleton"]'),
    spinners: q('[data-testid="stSpinner"]'),
    undrawnCharts: charts.filter(c => !c.querySelector('.main-svg')).length,
    runs: window.__soak ? window.__soak.runs : null,
    url: location.pathname + location.search,
  };
}"""

# True-ish ({idleSince, now}) once the page has been idle for arg.stable ms — and, when
# arg.runs is given, only after a script run that started after the mark (or after the
# click's visible effect on the URL, arg.effect, in case a run was too quick to observe).
IDLE_JS = """(arg) => {
  const s = window.__soak;
  if (!s) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  let ok = !!app && !!document.querySelector('[data-testid="stMainBlockContainer"]')
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stSpinner"]');
  if (ok) {
    for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      if (!c.querySelector('.main-svg')) { ok = false; break; }
    }
  }
  if (ok && arg.runs !== null && !(s.runs > arg.runs)) {
    const e = arg.effect;
    let seen = false;
    if (e && e.path !== undefined) seen = location.pathname === e.path;
    else if (e && e.param !== undefined) {
      const v = new URLSearchParams(location.search).get(e.param);
      seen = e.not !== undefined ? v !== e.not : v === e.value;
    }
    ok = seen;
  }
  const now = performance.now();
  if (!ok) { s.idleSince = null; return false; }
  if (s.idleSince === null) s.idleSince = now;
  return now - s.idleSince >= arg.stable ? {idleSince: s.idleSince, now: now} : false;
}"""

MARK_JS = """() => { const s = window.__soak; s.idleSince = null; return {runs: s.runs, at: performance.now()}; }"""

PROBLEMS_JS = """(guards) => {
  const out = [];
  const ex = [...document.querySelectorAll('[data-testid="stException"]')];
  if (ex.length) out.push(`${ex.length} exception box(es): ` + ex.map(e => e.innerText.slice(0, 300)).join(' | '));
  for (const a of document.querySelectorAll('[data-testid="stAlert"]')) {
    const t = a.innerText;
    if (guards.some(g => t.includes(g))) out.push('a part of the page failed: ' + t.slice(0, 200));
  }
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.innerText.includes('Traceback')) out.push("'Traceback' on the page");
  return out;
}"""

NAV_LINKS_JS = """() => [...document.querySelectorAll('[data-testid="stSidebarNav"] a[href]')]
  .map(a => {
    const r = a.getBoundingClientRect();
    return {path: new URL(a.href).pathname, shown: r.width > 0 && r.height > 0};
  })"""


# --------------------------------------------------------------------------------------
# The warehouse and the server
# --------------------------------------------------------------------------------------


class SetupError(Exception):
    pass


def prepare_warehouse(tmp: Path, source: Path | None) -> Path:
    """A private copy of ``source`` (and its .wal), or the demo warehouse built fresh."""
    db = tmp / "wh" / "oversight.duckdb"
    db.parent.mkdir(parents=True)
    if source is None:
        done = subprocess.run([PY, "-m", "etl", "demo", "--db", str(db), "--out", str(tmp / "demo-input")],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise SetupError(f"python -m etl demo exited {done.returncode}:\n"
                             f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    else:
        if not source.is_file():
            raise SetupError(f"--db {source}: no such file")
        shutil.copy2(source, db)
        wal = source.with_name(source.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, db.with_name(db.name + ".wal"))
    return db


def warehouse_facts(db: Path) -> dict:
    """Districts and years to put in the URLs; and whether the app will open without
    sign-in (demo data only)."""
    import duckdb

    from warehouse.queries import common

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {"demo": common.is_demo(con), "districts": common.districts(con), "years": common.years(con)}
    finally:
        con.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    log: Path
    _fh: object = None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_size(self) -> int:
        try:
            return self.log.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> str:
        with open(self.log, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", errors="replace")

    def stop(self) -> None:
        """SIGTERM to the server's own process group (it was started in a new session),
        SIGKILL if it does not go within 10 s."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        if self._fh:
            self._fh.close()


def start_server(db: Path, state: Path, log: Path) -> Server:
    port = _free_port()
    env = {**os.environ, "OVERSIGHT_DB": str(db), "OVERSIGHT_STATE_DIR": str(state), "PYTHONUNBUFFERED": "1"}
    cmd = [PY, "-m", "streamlit", "run", "dashboard.py",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    fh = open(log, "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", proc, log, fh)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if proc.poll() is not None:
            server.stop()
            raise SetupError(f"streamlit exited with {proc.returncode} before it was up:\n"
                             f"{server.log_since(0)[-4000:]}")
        try:
            with urllib.request.urlopen(server.base + "/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise SetupError(f"streamlit did not answer /_stcore/health within {SERVER_START_TIMEOUT} s:\n"
                             f"{server.log_since(0)[-4000:]}")
        time.sleep(0.25)


def _proc_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc (empty if ``pid`` is gone)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()  # after "pid (comm) ": state, ppid, …
        children.setdefault(int(fields[1]), []).append(int(entry))
    if not Path(f"/proc/{pid}").exists():
        return []
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p not in out:
            out.append(p)
            todo.extend(children.get(p, []))
    return out


def tree_usage(pid: int) -> tuple[int, float] | None:
    """(resident memory in bytes, CPU seconds used) of ``pid`` and all its descendants
    (CPU time of descendants that ended included) — with psutil if it is installed, else
    from /proc; None if the process is gone."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return None
        rss, cpu = 0, 0.0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                rss += p.memory_info().rss
                t = p.cpu_times()
                cpu += t.user + t.system + t.children_user + t.children_system
        return rss, cpu
    tick = os.sysconf("SC_CLK_TCK")
    rss, cpu, found = 0, 0.0, False
    for p in _proc_tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1]) * 1024
                found = True
                break
        fields = stat[stat.rfind(")") + 2:].split()
        # utime, stime, cutime, cstime (fields 14-17 of stat): the process and its children
        # that have ended (a closed browser's renderers, say), without counting any twice.
        cpu += sum(int(x) for x in fields[11:15]) / tick
    return (rss, cpu) if found else None


def tree_rss(pid: int) -> int | None:
    usage = tree_usage(pid)
    return usage[0] if usage else None


def _machine_cpu() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _machine_busy(a: tuple[int, int] | None, b: tuple[int, int] | None) -> float | None:
    if a is None or b is None or b[1] <= a[1]:
        return None
    return round(100 * (b[0] - a[0]) / (b[1] - a[1]), 0)


def tree_cpu(pid: int) -> float | None:
    usage = tree_usage(pid)
    return usage[1] if usage else None


# --------------------------------------------------------------------------------------
# A browser session
# --------------------------------------------------------------------------------------


class StepFailed(Exception):
    pass


class SessionOver(Exception):
    """The session's browser context is gone: it cannot go on."""


@dataclass
class SessionResult:
    cycle: int
    sid: int
    lang: str
    started: bool = False
    visits: int = 0
    reruns: int = 0
    open_s: list[float] = field(default_factory=list)
    rerun_s: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # the first few
    n_failures: int = 0
    console_errors: list[str] = field(default_factory=list)  # the first few
    n_console_errors: int = 0
    cut_off: bool = False  # still busy when the cycle's hard stop came

    @property
    def failed(self) -> bool:
        return self.n_failures > 0

    def fail(self, reason: str) -> None:
        self.n_failures += 1
        if len(self.failures) < 5:
            self.failures.append(reason[:2000])


@dataclass
class Options:
    sessions: int
    minutes: float
    cycles: int
    timeout: float
    stagger: float
    think: float
    settle: float
    browsers: int
    seed: int
    reopen: int = 6  # every n-th step opens a page by its link; the others click in the open page


class Session:
    def __init__(self, browser, base: str, pages: list[Page], facts: dict, opts: Options, result: SessionResult):
        self.browser = browser
        self.base = base
        self.pages = pages
        self.facts = facts
        self.opts = opts
        self.r = result
        self.rng = random.Random(opts.seed * 1000 + result.cycle * 100 + result.sid)
        self.context = None
        self.page = None
        self.page_errors: list[str] = []
        self.crashed = False

    # -- plumbing -------------------------------------------------------------------------

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "") or ""
        if any(t.search(msg.text) and u.search(url) for t, u in IGNORED_CONSOLE):
            return
        self.r.n_console_errors += 1
        if len(self.r.console_errors) < 5:
            self.r.console_errors.append(f"{msg.text[:300]} ({url})")

    async def _new_page(self) -> None:
        self.page = await self.context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.page_errors.append(f"pageerror: {str(e)[:500]}"))
        self.page.on("crash", self._on_crash)

    def _on_crash(self, _page) -> None:
        self.crashed = True
        self.page_errors.append("the browser tab crashed")

    async def _state(self) -> dict | str:
        try:
            return await self.page.evaluate(STATE_JS)
        except Exception as e:  # noqa: BLE001 - only for the failure message
            return f"(state unavailable: {type(e).__name__})"

    async def _wait_idle(self, what: str, mark: dict | None = None, effect: dict | None = None) -> float:
        """Wait until idle; the in-page time (ms) when idleness began."""
        arg = {"runs": mark["runs"] if mark else None, "effect": effect, "stable": STABLE_MS}
        try:
            handle = await self.page.wait_for_function(IDLE_JS, arg=arg, polling=250,
                                                       timeout=self.opts.timeout * 1000)
        except Exception as e:  # noqa: BLE001
            if "Timeout" in type(e).__name__ or "Timeout" in str(e)[:200]:
                raise StepFailed(f"timeout: {what} not idle after {self.opts.timeout:.0f} s; "
                                 f"state {await self._state()}") from None
            raise StepFailed(f"{what}: {type(e).__name__}: {str(e)[:300]}") from None
        value = await handle.json_value()
        return float(value["idleSince"])

    async def _check(self, what: str) -> None:
        problems = list(self.page_errors)
        self.page_errors.clear()
        try:
            problems += await self.page.evaluate(PROBLEMS_JS, GUARD_TEXTS)
        except Exception as e:  # noqa: BLE001
            problems.append(f"could not inspect the page: {type(e).__name__}: {str(e)[:200]}")
        if problems:
            raise StepFailed(f"{what}: " + " | ".join(problems))

    def _url(self, page: Page) -> str:
        districts, years = self.facts["districts"], self.facts["years"]
        q: dict[str, str] = {}
        if districts:
            q["district"] = (self.rng.choice(districts) if page.name == "present" or self.rng.random() > 0.1
                             else "all")
        if years:
            q["year"] = str(self.rng.choice(years))
        if self.r.lang == "en":
            q["lang"] = "en"
        return self.base + page.path + "?" + urllib.parse.urlencode(q)

    async def _think(self) -> None:
        if self.opts.think > 0:
            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.opts.think)

    # -- steps ----------------------------------------------------------------------------

    async def open(self, page: Page) -> None:
        url = self._url(page)
        what = f"open {url[len(self.base):]}"
        try:
            await self.page.goto(url, wait_until="domcontentloaded", timeout=self.opts.timeout * 1000)
        except Exception as e:  # noqa: BLE001
            raise StepFailed(f"{what}: {type(e).__name__}: {str(e)[:300]}") from None
        idle_at = await self._wait_idle(what)
        self.r.visits += 1
        self.r.open_s.append(idle_at / 1000)  # performance.now() counts from the navigation's start
        await self._check(what)

    async def _timed(self, kind: str, what: str, click, effect: dict | None) -> None:
        mark = await self.page.evaluate(MARK_JS)
        try:
            await click()
        except Exception as e:  # noqa: BLE001
            raise StepFailed(f"{what}: the click failed: {type(e).__name__}: {str(e)[:300]}") from None
        idle_at = await self._wait_idle(what, mark, effect)
        self.r.reruns += 1
        self.r.rerun_s.setdefault(kind, []).append(max(0.0, idle_at - mark["at"]) / 1000)
        await self._check(what)

    async def change_year(self) -> bool:
        """Pick another year in the sidebar's select box; False if there is none shown."""
        page = self.page
        label_sel = ", ".join(f"[data-testid='stSidebar'] input[role='combobox'][aria-label='{x}']"
                              for x in YEAR_LABELS)
        combo = page.locator(label_sel).first
        if not await combo.count() or not await combo.is_visible():
            return False
        current = await combo.input_value()
        box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has=page.locator(", ".join(f"input[aria-label='{x}']" for x in YEAR_LABELS)))
        options = page.locator("[data-testid='stSelectboxVirtualDropdown'] [role='option']")
        button = box.locator("button[aria-haspopup='listbox']").first
        # The select box may be below the fold of the sidebar (long navigation): scroll it
        # into view first and let the scroll end — React Aria closes an open list when its
        # container scrolls, which Playwright's own scroll-then-click can trigger.
        error = None
        for _attempt in range(3):
            try:
                await button.scroll_into_view_if_needed()
                await page.wait_for_timeout(300)
                await button.click()
                await options.first.wait_for(state="visible", timeout=5000)
                break
            except Exception as e:  # noqa: BLE001
                error = e
                with contextlib.suppress(Exception):
                    await page.keyboard.press("Escape")
        else:
            raise StepFailed(f"year select box on {page.url[len(self.base):]} did not open its list: "
                             f"{type(error).__name__}: {str(error)[:300]}")
        labels = [x.strip() for x in await options.all_inner_texts()]
        choices = [x for x in labels if x and x != current]
        if not choices:
            await page.keyboard.press("Escape")
            return False
        target = self.rng.choice(choices)
        year = re.fullmatch(r"(\d{4})\D*", target)
        effect = {"param": "year", "value": year.group(1) if year else None}
        option = page.locator("[data-testid='stSelectboxVirtualDropdown'] [role='option']").filter(
            has_text=re.compile("^" + re.escape(target) + "$"))
        await self._timed("year", f"year {current} -> {target} on {urllib.parse.urlparse(page.url).path}",
                          lambda: option.first.click(), effect)
        return True

    async def next_slide(self) -> bool:
        page = self.page
        slide = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get("slide", [None])[0]
        for key in ("pr_next", "pr_prev"):
            button = page.locator(f".st-key-{key} button").first
            if await button.count() and await button.is_visible() and await button.is_enabled():
                await self._timed("slide", f"{key} on slide {slide}", lambda: button.click(),
                                  {"param": "slide", "not": slide})
                return True
        return False

    async def click_nav(self) -> bool:
        page = self.page
        links = await page.evaluate(NAV_LINKS_JS)
        here = urllib.parse.urlparse(page.url).path
        choices = [i for i, x in enumerate(links) if x["shown"] and x["path"] != here]
        if not choices:
            return False
        i = self.rng.choice(choices)
        target = links[i]["path"]
        link = page.locator("[data-testid='stSidebarNav'] a[href]").nth(i)
        await self._timed("nav", f"nav link {here} -> {target}", lambda: link.click(), {"path": target})
        return True

    # -- the loop -------------------------------------------------------------------------

    async def run(self, start_at: float, deadline: float) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        if time.monotonic() >= deadline:
            return
        try:
            self.context = await self.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                                          viewport=VIEWPORT, reduced_motion="reduce")
            self.context.set_default_timeout(self.opts.timeout * 1000)
            await self.context.add_init_script(OBSERVER_JS)
            await self._new_page()
        except Exception as e:  # noqa: BLE001
            self.r.fail(f"could not open a browser context: {type(e).__name__}: {str(e)[:300]}")
            return
        self.r.started = True
        order = self.pages[:]
        self.rng.shuffle(order)
        i = 0
        # A person opens the dashboard by a link once, then works in the page: changes the
        # year, goes to another page by the navigation, now and then opens another link.
        step = 0
        page = order[0]
        reopen = True
        try:
            while time.monotonic() < deadline:
                try:
                    if reopen:
                        page = order[i % len(order)]
                        i += 1
                        reopen = False
                        await self.open(page)
                    else:
                        step += 1
                        here = urllib.parse.urlparse(self.page.url).path
                        if self.opts.reopen and step % self.opts.reopen == 0:
                            reopen = True
                            continue
                        if here == "/present":
                            done = await self.next_slide() or await self.click_nav()
                        elif step % 2:
                            done = await self.change_year() or await self.click_nav()
                        else:
                            done = await self.click_nav() or await self.change_year()
                        if not done:
                            reopen = True
                            continue
                    await self._think()
                except StepFailed as e:
                    self.r.fail(str(e))
                    await self._recover()
                    reopen = True
                except Exception as e:  # noqa: BLE001 - e.g. the page navigated away mid-step
                    self.r.fail(f"{page.path}: unexpected {type(e).__name__} while driving the page: "
                                f"{str(e)[:300]}")
                    await self._recover()
                    reopen = True
        except SessionOver as e:
            self.r.fail(str(e))
        finally:
            with contextlib.suppress(Exception):
                await self.context.close()

    async def _recover(self) -> None:
        """After a failure: a fresh tab if this one crashed or closed; a short pause."""
        self.page_errors.clear()
        if self.page is None or self.page.is_closed() or self.crashed:
            self.crashed = False
            with contextlib.suppress(Exception):
                if self.page and not self.page.is_closed():
                    await self.page.close()
            try:
                await self._new_page()
            except Exception as e:  # noqa: BLE001 - the context is gone: nothing more to do
                raise SessionOver(f"no new tab: {type(e).__name__}: {str(e)[:200]}") from e
        await asyncio.sleep(2)


# --------------------------------------------------------------------------------------
# A cycle
# --------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (q in 0..100)."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


async def run_cycle(pw, server: Server, pages: list[Page], facts: dict, opts: Options, cycle: int) -> dict:
    log_offset = server.log_size()
    results = [SessionResult(cycle, sid, "en" if sid % 5 == 4 else "zh") for sid in range(opts.sessions)]
    browsers = []
    for _ in range(opts.browsers):
        browsers.append(await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                 headless=True))
    rss_samples: list[int] = []
    stop_sampling = asyncio.Event()

    async def sample() -> None:
        while not stop_sampling.is_set():
            rss = tree_rss(server.proc.pid)
            if rss is not None:
                rss_samples.append(rss)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop_sampling.wait(), RSS_SAMPLE_SECONDS)

    sampler = asyncio.create_task(sample())
    cpu_start = tree_cpu(server.proc.pid)
    all_cpu_start = tree_cpu(os.getpid())  # this script, Playwright's driver, Chromium and the server
    machine_start = _machine_cpu()
    start = time.monotonic()
    deadline = start + opts.minutes * 60
    sessions = [Session(browsers[r.sid % len(browsers)], server.base, pages, facts, opts, r) for r in results]
    tasks = [asyncio.create_task(s.run(start + r.sid * opts.stagger, deadline)) for s, r in zip(sessions, results)]
    server_died = False
    try:
        while time.monotonic() < deadline and not all(t.done() for t in tasks):
            if not server.alive():
                server_died = True
                break
            await asyncio.sleep(1)
        rss_loaded = tree_rss(server.proc.pid)
        # Sessions finish the step they are in (each bounded by the timeout); then stop.
        hard_stop = 0 if server_died else 3 * opts.timeout + 30
        done, pending = await asyncio.wait(tasks, timeout=hard_stop) if tasks else (set(), set())
        for t in pending:
            t.cancel()
        for s, t in zip(sessions, tasks):
            if t in pending:
                s.r.cut_off = True
        if pending:
            await asyncio.wait(pending, timeout=30)
        for t in done:
            if t.exception() is not None and not isinstance(t.exception(), asyncio.CancelledError):
                idx = tasks.index(t)
                results[idx].fail(f"the session's code raised {type(t.exception()).__name__}: "
                                  f"{str(t.exception())[:300]}")
    finally:
        ended = time.monotonic()
        cpu_end = tree_cpu(server.proc.pid)
        load = list(os.getloadavg())
        for b in browsers:
            with contextlib.suppress(Exception):
                await b.close()
    all_cpu_end = tree_cpu(os.getpid())
    # Closed browsers disconnect their sessions; Streamlit keeps a disconnected session for
    # server.disconnectedSessionTTL (120 s by default), the same in every cycle.
    await asyncio.sleep(opts.settle)
    stop_sampling.set()
    await sampler
    rss_end = tree_rss(server.proc.pid)
    log = server.log_since(log_offset) if server.log.exists() else ""
    tracebacks = [m.start() for m in re.finditer(r"Traceback \(most recent call last\)", log)]
    if not server.alive():
        server_died = True

    all_open = [x for r in results for x in r.open_s]
    reruns_by_kind: dict[str, list[float]] = {}
    for r in results:
        for k, xs in r.rerun_s.items():
            reruns_by_kind.setdefault(k, []).extend(xs)
    all_rerun = [x for xs in reruns_by_kind.values() for x in xs]
    return {
        "cycle": cycle,
        "seconds": round(ended - start, 1),
        "sessions_started": sum(r.started for r in results),
        "sessions_failed": sum(r.failed for r in results),
        "failed": [{"session": r.sid, "lang": r.lang, "first_reason": r.failures[0], "failures": r.n_failures}
                   for r in results if r.failed],
        "sessions_cut_off": sum(r.cut_off for r in results),
        "page_visits": sum(r.visits for r in results),
        "reruns": len(all_rerun),
        "reruns_by_kind": {k: len(v) for k, v in reruns_by_kind.items()},
        "open_p50_s": _round(percentile(all_open, 50)),
        "open_p95_s": _round(percentile(all_open, 95)),
        "rerun_p50_s": _round(percentile(all_rerun, 50)),
        "rerun_p95_s": _round(percentile(all_rerun, 95)),
        "rerun_max_s": _round(max(all_rerun) if all_rerun else None),
        "rerun_by_kind_p50_p95_s": {k: [_round(percentile(v, 50)), _round(percentile(v, 95))]
                                    for k, v in reruns_by_kind.items()},
        "console_errors": sum(r.n_console_errors for r in results),
        "console_error_samples": sorted({x for r in results for x in r.console_errors})[:10],
        "rss_loaded_bytes": rss_loaded,  # at the end of the cycle's time, sessions still open
        "rss_end_bytes": rss_end,  # after the sessions closed and --settle seconds
        "rss_peak_bytes": max(rss_samples) if rss_samples else None,
        # How busy the server was: CPU seconds of the streamlit tree during the cycle, as a
        # share of one core; and the machine's load average when the cycle's time was up
        # (above the core count, every time measured includes waiting for a CPU).
        "server_cpu_s": _round(cpu_end - cpu_start, 1) if cpu_start is not None and cpu_end is not None else None,
        "server_cpu_pct_of_one_core": _round(100 * (cpu_end - cpu_start) / max(ended - start, 1e-9), 0)
        if cpu_start is not None and cpu_end is not None else None,
        "client_cpu_pct_of_one_core": _round(100 * ((all_cpu_end - all_cpu_start) - (cpu_end - cpu_start))
                                             / max(ended - start, 1e-9), 0)
        if None not in (cpu_start, cpu_end, all_cpu_start, all_cpu_end) else None,
        # The whole machine's CPU in use during the cycle (/proc/stat; 100 = every core busy):
        # the browsers' own figure above misses renderers that ended before the reading.
        "machine_cpu_busy_pct": _machine_busy(machine_start, _machine_cpu()),
        "loadavg_1_5_15": [round(x, 2) for x in load],
        "server_log_tracebacks": len(tracebacks),
        "server_log_traceback_samples": [log[i:i + 3000] for i in tracebacks[:3]],
        "server_died": server_died,
        "sessions": [asdict(r) | {"failed": r.failed} for r in results],
    }


def _round(x: float | None, n: int = 2) -> float | None:
    return None if x is None else round(x, n)


def _mib(x: int | None) -> str:
    return "-" if x is None else f"{x / 2**20:.0f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f} %"


def _s(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, Options]:
    ap = argparse.ArgumentParser(prog="bench/soak.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=50, help="concurrent browser sessions per cycle (50)")
    ap.add_argument("--minutes", type=float, default=10, help="length of each cycle (10)")
    ap.add_argument("--cycles", type=int, default=2, help="cycles in a row; memory is compared last vs first (2)")
    ap.add_argument("--db", type=Path, help="warehouse to copy (demo data only: the app runs without sign-in); "
                                            "default: build the demo warehouse with `python -m etl demo`")
    ap.add_argument("--quick", action="store_true", help="try it out: 5 sessions, 1 minute, 2 cycles")
    ap.add_argument("--timeout", type=float, default=120,
                    help="seconds a page open or rerun may take before the session counts as failed (120)")
    ap.add_argument("--stagger", type=float, default=None,
                    help="seconds between session starts (default: the sessions arrive evenly over the first "
                         "40 %% of the cycle)")
    ap.add_argument("--think", type=float, default=10.0,
                    help="mean pause of a session between steps, seconds (10: a person reading the page; "
                         "each pause is drawn from 0.5-1.5 x this)")
    ap.add_argument("--settle", type=float, default=10,
                    help="seconds after a cycle's sessions closed before its memory is read (10)")
    ap.add_argument("--browsers", type=int, default=None,
                    help=f"Chromium processes (default: one per {SESSIONS_PER_BROWSER} sessions)")
    ap.add_argument("--seed", type=int, default=11, help="random seed of the sessions' choices (11)")
    ap.add_argument("--reopen", type=int, default=6,
                    help="every n-th step of a session opens a page by its link (a new Streamlit session); "
                         "the others click in the open page (6; 1: every step a link)")

    ap.add_argument("--chromium", type=Path, default=None,
                    help="the browser to drive (default: Debian's chromium-headless-shell when installed, "
                         "else /usr/bin/chromium)")
    ap.add_argument("--out", type=Path, help="result file (default bench/results/soak-<time>.json; the server "
                                             "log goes beside it, as <name>.server.log, when something failed)")
    args = ap.parse_args(argv)
    if args.quick:
        args.sessions, args.minutes, args.cycles = 5, 1, 2
    if args.sessions < 1 or args.minutes <= 0 or args.cycles < 1 or args.timeout <= 0:
        ap.error("--sessions, --minutes, --cycles and --timeout must be positive")
    stagger = args.stagger
    if stagger is None:
        stagger = args.minutes * 60 * 0.4 / args.sessions
    browsers = args.browsers or max(1, math.ceil(args.sessions / SESSIONS_PER_BROWSER))
    if args.chromium:
        global CHROMIUM
        CHROMIUM = args.chromium
    opts = Options(sessions=args.sessions, minutes=args.minutes, cycles=args.cycles, timeout=args.timeout,
                   stagger=stagger, think=max(0.0, args.think), settle=max(0.0, args.settle),
                   browsers=min(browsers, args.sessions), seed=args.seed, reopen=max(0, args.reopen))
    return args, opts


def _versions() -> dict:
    out = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    for mod in ("streamlit", "playwright", "duckdb"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            out[mod] = version(mod)
    with contextlib.suppress(Exception):
        out["chromium"] = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True,
                                         timeout=30).stdout.strip()
    with contextlib.suppress(Exception):
        out["mem_total_mib"] = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    with contextlib.suppress(Exception):
        out["loadavg_at_start"] = list(os.getloadavg())
    return out


def print_table(report: dict) -> None:
    cyc = report["cycles"]
    head = ["cycle", "sessions", "failed", "visits", "reruns", "open p50/p95 s", "rerun p50/p95 s",
            "RSS end MiB", "RSS peak MiB", "CPU server/browsers", "machine busy", "load", "log tracebacks"]
    rows = [[str(c["cycle"]), str(c["sessions_started"]), str(c["sessions_failed"]), str(c["page_visits"]),
             str(c["reruns"]), f"{_s(c['open_p50_s'])} / {_s(c['open_p95_s'])}",
             f"{_s(c['rerun_p50_s'])} / {_s(c['rerun_p95_s'])}", _mib(c["rss_end_bytes"]),
             _mib(c["rss_peak_bytes"]),
             f"{_pct(c['server_cpu_pct_of_one_core'])} / {_pct(c['client_cpu_pct_of_one_core'])}",
             _pct(c.get("machine_cpu_busy_pct")),
             f"{c['loadavg_1_5_15'][0]:.1f}", str(c["server_log_tracebacks"])] for c in cyc]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths))
    print()
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(x.ljust(w) for x, w in zip(r, widths)))
    print(f"(times in seconds, measured in the browser; CPU in % of one core during the cycle, "
          f"this machine has {os.cpu_count()}; machine busy = share of all its cores in use; "
          f"load = 1-minute load average at the end of the cycle)")
    print()
    mem = report["memory"]
    if mem["ratio"] is not None:
        print(f"memory: RSS at the end of cycle {mem['last_cycle']} / cycle 1 = {mem['ratio']:.3f} "
              f"({_mib(mem['first_bytes'])} → {_mib(mem['last_bytes'])} MiB); target within "
              f"{MEMORY_TARGET:.0%}: {'met' if mem['within_target'] else 'NOT MET'}")
    else:
        print("memory: one cycle only (or no reading), no ratio")
    for c in cyc:
        extra = []
        if c["sessions_cut_off"]:
            extra.append(f"{c['sessions_cut_off']} session(s) cut off at the hard stop")
        if c["console_errors"]:
            extra.append(f"{c['console_errors']} console error(s), e.g. {c['console_error_samples'][:2]}")
        if c["server_died"]:
            extra.append("THE SERVER DIED")
        if extra:
            print(f"cycle {c['cycle']}: " + "; ".join(extra))
        for f in c["failed"]:
            print(f"cycle {c['cycle']} session {f['session']} ({f['lang']}) failed "
                  f"({f['failures']}×), first: {f['first_reason'][:600]}")
        for tb in c["server_log_traceback_samples"][:1]:
            print(f"cycle {c['cycle']}: first traceback in the server log:\n{tb[:2000]}")


async def soak(server: Server, pages: list[Page], facts: dict, opts: Options) -> list[dict]:
    from playwright.async_api import async_playwright

    cycles = []
    async with async_playwright() as pw:
        for n in range(1, opts.cycles + 1):
            print(f"cycle {n}/{opts.cycles}: {opts.sessions} sessions for {opts.minutes:g} min "
                  f"(starts {opts.stagger:.2f} s apart, {opts.browsers} Chromium)…", flush=True)
            c = await run_cycle(pw, server, pages, facts, opts, n)
            print(f"cycle {n}: {c['sessions_failed']} failed, {c['page_visits']} visits, {c['reruns']} reruns, "
                  f"rerun p50/p95 {_s(c['rerun_p50_s'])}/{_s(c['rerun_p95_s'])} s, "
                  f"RSS end {_mib(c['rss_end_bytes'])} MiB", flush=True)
            cycles.append(c)
            if c["server_died"]:
                break
    return cycles


def main(argv: list[str] | None = None) -> int:
    args, opts = parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: `apt-get install chromium fonts-noto-cjk` "
              "(or `bash scripts/test.sh` as root)", file=sys.stderr)
        return 2
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    server = None
    started_at = dt.datetime.now().astimezone()
    try:
        try:
            print("preparing the warehouse…", flush=True)
            db = prepare_warehouse(tmp, args.db.resolve() if args.db else None)
            facts = warehouse_facts(db)
            if not facts["demo"]:
                raise SetupError(f"{args.db} holds real (non-demo) data: the app would ask for a sign-in. "
                                 "Give a demo warehouse (or none: the demo is built).")
            pages = discover_pages()
            state = tmp / "state"
            state.mkdir()
            print("starting streamlit…", flush=True)
            server = start_server(db, state, tmp / "streamlit.log")
        except SetupError as e:
            print(f"soak: {e}", file=sys.stderr)
            return 2
        rss_start = tree_rss(server.proc.pid)
        print(f"server {server.base} (pid {server.proc.pid}, RSS {_mib(rss_start)} MiB); "
              f"{len(pages)} pages; districts {facts['districts']}; years {facts['years']}", flush=True)
        cycles = asyncio.run(soak(server, pages, facts, opts))
        first = cycles[0]["rss_end_bytes"] if cycles else None
        last = cycles[-1]["rss_end_bytes"] if len(cycles) > 1 else None
        ratio = (last / first) if first and last else None
        memory = {"first_bytes": first, "last_bytes": last, "last_cycle": len(cycles), "ratio": _round(ratio, 4),
                  "target": f"within {MEMORY_TARGET:.0%}", "within_target": None if ratio is None
                  else bool(ratio <= 1 + MEMORY_TARGET),
                  "measured": f"RSS of the streamlit process tree after the cycle's sessions closed and "
                              f"{opts.settle:g} s passed", "rss_after_start_bytes": rss_start}
        problems = (any(c["sessions_failed"] or c["server_log_tracebacks"] or c["server_died"] for c in cycles)
                    or len(cycles) < opts.cycles)
        report = {
            "what": "bench/soak.py — issue 11, item 5",
            "started": started_at.isoformat(timespec="seconds"),
            "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join(["bench/soak.py", *(argv if argv is not None else sys.argv[1:])]),
            "options": asdict(opts) | {"quick": args.quick, "db": str(args.db) if args.db else "demo (etl demo)"},
            "pages": [p.path for p in pages],
            "machine": _versions(),
            "cycles": cycles,
            "memory": memory,
            "result": "fail" if problems else "pass",
        }
        print_table(report)
        out = args.out or RESULTS / f"soak-{stamp}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nresults: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
        if problems:
            log_copy = out.with_name(out.stem + ".server.log")
            shutil.copy2(server.log, log_copy)
            print(f"server log: {log_copy.relative_to(ROOT) if log_copy.is_relative_to(ROOT) else log_copy}")
        print("result:", report["result"].upper())
        return 1 if problems else 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
