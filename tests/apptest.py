"""Shared AppTest helpers: open a page through the router (as a URL would), open a page
alone with given filters, find the problems a user would see, click a chart's bars, and
read what an export button would write."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from reports import tabular
from ui import i18n
from auth.roles import User
from tests.conftest import TEST_LEADER
from warehouse.filters import Filters

ROOT = Path(__file__).resolve().parent.parent


LEADER = User(TEST_LEADER, "leader")
ANALYST = User("test-analyst", "analyst")
# Who the AppTests sign in as unless told otherwise. Modules about masked text set the
# analyst (leaders read records in clear): ``monkeypatch.setattr(apptest, "DEFAULT_USER", ANALYST)``.
DEFAULT_USER = LEADER


def sign_in(at: AppTest, user: User | None = None) -> AppTest:
    """Start the session signed in as ``user`` (the sign-in form is tested on its own)."""
    at.session_state["_user"] = user or DEFAULT_USER
    return at


def open_app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, lang: str = "zh",
             **params: str | list[str]) -> AppTest:
    """The router on ``db`` with the URL's query ``params``, then ``page`` (``views/x.py``)
    as a click in the navigation would open it (the URL parameters stay)."""
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    # AppTest calls the widgets' format_func (which uses t()) outside a script run, where
    # the session's language is not visible: give the process the page's language.
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    sign_in(at)
    if lang != "zh":
        at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def open_alone(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, f: Filters, lang: str = "zh",
               **state: object) -> AppTest:
    """``page`` on its own with the filters the router would hand it."""
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / page), default_timeout=90)
    sign_in(at)
    at.session_state["_filters"] = f
    at.session_state["lang"] = lang
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def problems(at: AppTest) -> list[str]:
    """Exceptions and the warnings :func:`ui.frame.guard` shows for a failed section."""
    out = [str(e.value) for e in at.exception]
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    out += [w.value for w in at.warning if w.value.startswith(prefixes)]
    return out


def assert_no_problem(at: AppTest) -> None:
    found = problems(at)
    assert not found, found


def selectable_charts(at: AppTest) -> list:
    """The page's charts: plotly's and Vega-Lite's (both ``UnknownElement`` in AppTest)."""
    return list(at.get("plotly_chart")) + list(at.get("vega_lite_chart"))


def select_points(at: AppTest, chart_key: str, codes: list[str]) -> AppTest:
    """Simulate a click on points of a selectable chart: a Plotly chart (``customdata`` =
    codes) or a Vega-Lite chart of ``ui.vega`` (its point selection on ``code``).

    AppTest cannot click a chart (it is an ``UnknownElement``), so this sends what the
    browser would: the chart's widget state, the JSON selection the frontend sends for
    those points (the Vega-Lite form checked in a real browser: a list of the selection's
    fields per point), along with the other widgets' states. This uses AppTest's private
    run seam (``_tree.get_widget_states`` / ``_run``)."""
    from ui.vega import PICK

    chart = next(c for c in selectable_charts(at) if c.key == chart_key)
    states = at._tree.get_widget_states()
    state = WidgetState(id=chart.proto.id)
    if chart.type == "plotly_chart":
        state.string_value = json.dumps({"selection": {
            "points": [{"customdata": c, "curve_number": 0, "point_index": i, "point_number": i}
                       for i, c in enumerate(codes)],
            "point_indices": list(range(len(codes))), "box": [], "lasso": []}})
    else:
        state.string_value = json.dumps({"selection": {PICK: [{"code": c} for c in codes]}})
    states.widgets.append(state)
    return at._run(states)


def vega_chart(at: AppTest, index: int = 0, key: str | None = None) -> tuple[dict, pd.DataFrame]:
    """A Vega-Lite chart on the page (by ``key``, or the ``index``-th): its spec and the
    rows it draws, decoded from the Arrow bytes the browser receives."""
    import pyarrow as pa

    charts = list(at.get("vega_lite_chart"))
    chart = next(c for c in charts if c.key == key) if key else charts[index]
    frame = pa.ipc.open_stream(chart.proto.data.data).read_all().to_pandas() if chart.proto.data.data else None
    return json.loads(chart.proto.spec), frame


def chart_keys(at: AppTest) -> list[str]:
    return [c.key for c in selectable_charts(at) if getattr(c, "key", None)]


def export_csv_rows(at: AppTest, key: str) -> list[list[str]]:
    """The rows (header first) the CSV button ``key`` of the page would download: built
    by the same function the button calls, from what the session stored for it."""
    from ui import export

    spec = at.session_state[f"_export:{key}"]
    table = export._table(*spec)
    text = tabular.csv_bytes(table).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def export_xlsx_frame(at: AppTest, key: str) -> tuple[list[str], pd.DataFrame]:
    """The meta lines and the records the Excel button ``key`` would download."""
    from ui import export

    spec = at.session_state[f"_export:{key}"]
    table = export._table(*spec)
    wb = openpyxl.load_workbook(io.BytesIO(tabular.xlsx_bytes([table])))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if i > 0 and r[0] is None) + 1
    meta = [r[0] for r in rows[:header_at - 1] if r[0] is not None]
    return meta, pd.DataFrame(rows[header_at + 1:], columns=list(rows[header_at]))
