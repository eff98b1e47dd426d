"""Working days: the SQL calendar and the Python twin agree, weekends and configured
holidays are skipped, make-up days count."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from warehouse import workdays
from warehouse.workdays import CALENDAR_CTE, calendar_params, load_calendar, workdays_between

D = dt.date


def _sql_between(a: dt.date, b: dt.date, params: dict) -> int:
    con = duckdb.connect()
    sql = "WITH " + CALENDAR_CTE + " SELECT (SELECT idx FROM cal_idx WHERE d = $b) - (SELECT idx FROM cal_idx WHERE d = $a)"
    return con.execute(sql, {**params, "a": a, "b": b}).fetchone()[0]


@pytest.mark.parametrize("a,b,expected", [
    (D(2023, 3, 6), D(2023, 3, 6), 0),     # closed the day it was submitted
    (D(2023, 3, 6), D(2023, 3, 15), 7),    # Monday -> the 7th working day (Wednesday next week)
    (D(2023, 3, 10), D(2023, 3, 13), 1),   # Friday -> Monday spans a weekend: 1 working day
    (D(2023, 3, 11), D(2023, 3, 12), 0),   # Saturday -> Sunday: none
    (D(2023, 3, 6), D(2023, 3, 16), 8),    # one past the limit
])
def test_working_days_between_skip_weekends(a, b, expected):
    empty = {"holidays": [], "makeup_days": []}
    assert _sql_between(a, b, empty) == expected
    assert workdays_between(a, b, path=workdays.HOLIDAYS_CSV.with_name("absent.csv")) == expected


def test_configured_holidays_and_makeup_days_are_honoured(tmp_path):
    cfg = tmp_path / "holidays.csv"
    cfg.write_text("date,kind,name\n# comment\n2023-10-02,休,国庆节\n2023-10-07,班,调休\n", encoding="utf-8")
    load_calendar.cache_clear()
    params = calendar_params(cfg)
    assert params == {"holidays": [D(2023, 10, 2)], "makeup_days": [D(2023, 10, 7)]}
    # Fri 9-29 -> Mon 10-9: Mon 10-2 is a holiday, Sat 10-7 a make-up day:
    # working days 10-3, 10-4, 10-5, 10-6, 10-7, 10-9 = 6
    assert _sql_between(D(2023, 9, 29), D(2023, 10, 9), params) == 6
    assert workdays_between(D(2023, 9, 29), D(2023, 10, 9), cfg) == 6


def test_the_shipped_calendar_file_parses():
    load_calendar.cache_clear()
    holidays, makeup = load_calendar()
    assert all(isinstance(d, dt.date) for d in holidays + makeup)
