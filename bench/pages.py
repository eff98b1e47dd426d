"""Each page's query set and its server-side time, found by running the page.

:func:`page_runs` opens every page of the app through the router with AppTest (the same
script the server runs, in this process) on a given warehouse, signed in as a leader,
and records every call the page makes through the cache seam (``ui.data.get``): the
query function, the filters and the extra arguments. It times the page's script run
cold (Streamlit's caches cleared) and warm (the same session rerun, caches filled).

The recorded calls are the page's *query set*, which :mod:`bench.queries` then times on
its own, raw and against pandas.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_USER = "bench-leader"


@dataclass
class Call:
    fn: Callable[..., Any]
    f: Any
    args: tuple

    @property
    def name(self) -> str:
        return f"{self.fn.__module__.removeprefix('warehouse.queries.')}.{self.fn.__name__}"


@dataclass
class PageRun:
    page: str
    cold_s: float
    warm_s: list[float]
    calls: list[Call] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _prepare_env(db: Path) -> None:
    """Point the app at ``db`` with an empty account store: the harness loads synthetic
    data as demo data, which the app opens without sign-in (ui/access.py)."""
    os.environ["OVERSIGHT_DB"] = str(db)
    os.environ["OVERSIGHT_STATE_DIR"] = tempfile.mkdtemp(prefix="bench-state-")


def page_runs(db: Path, pages: list[str], params: dict[str, str], warm_runs: int = 5,
              timeout_s: float = 600) -> list[PageRun]:
    """Run each page through the router on ``db`` with the URL ``params``."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from auth.roles import User
    from ui import data
    from ui import i18n

    _prepare_env(db)
    os.chdir(ROOT)
    # A server compiles each page script once (its runtime keeps one ScriptCache); AppTest
    # makes a new cache for every run, which would count compiling the page (and Streamlit's
    # "magic" rewrite of it: 0.1-0.2 s for a large page) in every warm rerun.
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared_cache = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared_cache
    import logging

    for name in ("streamlit", "streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).setLevel(logging.ERROR)
    i18n._state["lang"] = "zh"
    original = data.get
    recorded: list[Call] = []

    def recording_get(fn, f=None, *args):
        recorded.append(Call(fn, f, tuple(args)))
        return original(fn, f, *args)

    data.get = recording_get
    out: list[PageRun] = []
    try:
        for page in pages:
            st.cache_data.clear()
            st.cache_resource.clear()
            data._check_readable.cache_clear()
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout_s)
            at.session_state["_user"] = User(BENCH_USER, "leader")
            for k, v in params.items():
                at.query_params[k] = v
            at.run()  # the router's first run lands on the default page
            recorded.clear()
            st.cache_data.clear()
            st.cache_resource.clear()
            data._check_readable.cache_clear()
            t0 = time.perf_counter()
            at.switch_page(f"views/{page}.py").run()
            cold = time.perf_counter() - t0
            calls = list(recorded)
            warm = []
            for _ in range(warm_runs):
                t0 = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - t0)
            problems = [str(e.value)[:200] for e in at.exception]
            out.append(PageRun(page, cold, warm, _unique(calls), problems))
    finally:
        data.get = original
    return out


def _unique(calls: list[Call]) -> list[Call]:
    """The distinct calls (a page may ask for the same figure twice: the cache answers)."""
    seen: set[str] = set()
    out = []
    for c in calls:
        key = repr((c.fn.__module__, c.fn.__name__, c.f, c.args))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def page_parser(prog: str, doc: str) -> argparse.ArgumentParser:
    """The arguments the page scripts share (``bench.national``, ``bench.warm``): the
    warehouse (``--size`` or ``--db``), the pages and the year."""
    ap = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[0])
    ap.add_argument("--size", type=lambda s: int(float(s)), default=10 ** 7,
                    help="the benchmark warehouse (bench/data/wh-N.duckdb)")
    ap.add_argument("--db", type=Path, default=None, help="another warehouse")
    ap.add_argument("--pages", default="overview", help="comma-separated page names")
    ap.add_argument("--year", default="2025")
    return ap


def parsed_warehouse(args: argparse.Namespace) -> Path | None:
    """The warehouse :func:`page_parser`'s arguments name, or None (said on stderr) when it
    has not been built."""
    db = args.db or ROOT / "bench" / "data" / f"wh-{args.size}.duckdb"
    if not db.exists():
        print(f"no warehouse {db}: build it with `python -m bench.run --sizes {args.size:.0e}` first", file=sys.stderr)
        return None
    return db

