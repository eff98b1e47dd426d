"""The floor under a page's cold load in Chromium: minimal Streamlit apps, none of ours.

``python -m bench.browser_floor`` serves each app below with ``streamlit run`` and loads it
``--repeats`` times in a new browser context (no cache), measured as ``bench.browser``
measures our pages (until the app is idle). It tells how much of a page's load is Streamlit
and its chart libraries on this machine, whatever the page does: on this 2-core VM
(2026-11-28, three loads each) a bare page loaded in 1.42–1.52 s, one with a plotly chart in
3.06–3.83 s, four plotly charts 3.50–4.20 s, two Vega-Lite charts 2.25–3.11 s and twelve KPI
cards with sparklines 1.68–1.91 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.browser import ARGS, CHROMIUM, _measure
from bench.soak import PY, _free_port

APPS = {
    "bare": 'import streamlit as st\nst.title("标题")\nst.write("一行文字")\n',
    "plotly_1": ('import streamlit as st, plotly.express as px\nst.title("标题")\n'
                 "st.plotly_chart(px.line(x=[1, 2, 3], y=[1, 3, 2]))\n"),
    "plotly_4": ('import streamlit as st, plotly.express as px\nst.title("标题")\n'
                 'for i in range(4):\n    st.plotly_chart(px.line(x=[1, 2, 3], y=[1, 3, i]), key=f"c{i}")\n'),
    "vega_2": ('import streamlit as st, pandas as pd\nst.title("标题")\n'
               'df = pd.DataFrame({"x": [1, 2, 3, 4], "y": [1, 3, 2, 5], "z": [2, 1, 4, 3]})\n'
               'st.line_chart(df, x="x", y=["y", "z"])\nst.bar_chart(df, x="x", y="y")\n'),
    "metrics_12": ('import streamlit as st\nst.title("标题")\ncols = st.columns(4)\n'
                   "for i in range(12):\n"
                   '    cols[i % 4].metric(f"m{i}", i, delta=1, border=True, chart_data=[1, 3, 2, 4], '
                   'chart_type="line")\n'),
}


def _serve(script: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [PY, "-m", "streamlit", "run", str(script), "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise RuntimeError(f"streamlit did not start for {script}")


def run(repeats: int = 3) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for name, source in APPS.items():
                script = Path(tmp) / f"{name}.py"
                script.write_text(source, encoding="utf-8")
                proc, base = _serve(script)
                try:
                    times = []
                    for _ in range(repeats):
                        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
                        try:
                            times.append(_measure(ctx, base + "/")["cold_s"])
                        finally:
                            ctx.close()
                    out[name] = times
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
        finally:
            browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    for name, times in run(args.repeats).items():
        print(f"{name:12s} cold load {', '.join(f'{t:.2f}' for t in times)} s (min {min(times):.2f})")


if __name__ == "__main__":
    main()
