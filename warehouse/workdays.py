"""Working days for time limits (办理时限): Monday to Friday, minus configured holidays (休),
plus configured make-up working days (班), from ``config/holidays.csv``.

In SQL, :data:`CALENDAR_CTE` gives ``cal(d, workday, idx)`` where ``idx`` counts working
days up to and including ``d``; the working days *after* day ``a`` up to day ``b`` are
``idx(b) - idx(a)``. So an item submitted on ``a`` and closed on ``b`` took
``idx(b) - idx(a)`` working days: 0 when closed the same day, 7 when closed on the 7th
working day after submission — still within a 7-working-day limit.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from pathlib import Path

HOLIDAYS_CSV = Path(__file__).resolve().parent.parent / "config" / "holidays.csv"
CAL_START = dt.date(2000, 1, 1)
CAL_END = dt.date(2100, 12, 31)

CALENDAR_CTE = """cal AS (
    SELECT CAST(r.d AS DATE) AS d,
        (isodow(r.d) <= 5 AND NOT list_contains(CAST($holidays AS DATE[]), CAST(r.d AS DATE)))
            OR list_contains(CAST($makeup_days AS DATE[]), CAST(r.d AS DATE)) AS workday
    FROM range(DATE '2000-01-01', DATE '2101-01-01', INTERVAL 1 DAY) r(d)
), cal_idx AS (
    SELECT d, workday, sum(CAST(workday AS INTEGER)) OVER (ORDER BY d) AS idx FROM cal
)"""


@lru_cache(maxsize=4)
def load_calendar(path: Path = HOLIDAYS_CSV) -> tuple[tuple[dt.date, ...], tuple[dt.date, ...]]:
    """(holidays, make-up working days) from the CSV; empty when the file is absent."""
    holidays: list[dt.date] = []
    makeup: list[dt.date] = []
    if not path.exists():
        return (), ()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r and not r[0].lstrip().startswith("#")]
    for row in rows[1:]:
        day = dt.date.fromisoformat(row[0].strip())
        (makeup if row[1].strip() == "班" else holidays).append(day)
    return tuple(sorted(holidays)), tuple(sorted(makeup))


def calendar_params(path: Path = HOLIDAYS_CSV) -> dict[str, list[dt.date]]:
    """Bound parameters of :data:`CALENDAR_CTE`."""
    holidays, makeup = load_calendar(path)
    return {"holidays": list(holidays), "makeup_days": list(makeup)}


def is_workday(day: dt.date, path: Path = HOLIDAYS_CSV) -> bool:
    holidays, makeup = load_calendar(path)
    return day in makeup or (day.isoweekday() <= 5 and day not in holidays)


def workdays_between(start: dt.date, end: dt.date, path: Path = HOLIDAYS_CSV) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    if end < start:
        return -workdays_between(end, start, path)
    n = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        n += is_workday(day, path)
    return n
