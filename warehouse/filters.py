"""The one filter object every query takes.

A page never builds SQL: it hands a :class:`Filters` to a query function, and the query
function turns it into bound parameters with :func:`where`. Later the user's scope (the
towns a town user may see) rides on the same object, so no query can forget it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Filters:
    district: str | None = None  # None: every district
    year: int | None = None  # None: every year
    towns: tuple[str, ...] = ()  # empty: every town of the district(s)
    as_of: dt.date | None = None  # the data's cut-off (数据截至); None: no cut-off

    def with_year(self, year: int | None) -> "Filters":
        return replace(self, year=year)

    def with_towns(self, towns: tuple[str, ...]) -> "Filters":
        return replace(self, towns=towns)

    @property
    def year_over(self) -> bool:
        """True when the selected year is complete in the data (as_of is past its end)."""
        if self.year is None or self.as_of is None:
            return True
        return self.as_of >= dt.date(self.year, 12, 31)


def where(f: Filters, alias: str = "", *, year_col: str | None = "year", town_col: str | None = "town",
          date_col: str | None = None, district_col: str | None = "district") -> tuple[str, dict[str, object]]:
    """A WHERE fragment for the filters over columns of ``alias``, and its bound
    parameters. Only column names chosen by the calling query (never values) enter the
    text; the values travel as ``$district``, ``$year``, ``$towns`` and ``$as_of``."""
    a = f"{alias}." if alias else ""
    parts: list[str] = []
    p: dict[str, object] = {}
    if district_col and f.district is not None:
        parts.append(f"{a}{district_col} = $district")
        p["district"] = f.district
    if year_col and f.year is not None:
        parts.append(f"{a}{year_col} = $year")
        p["year"] = f.year
    if town_col and f.towns:
        parts.append(f"list_contains(CAST($towns AS VARCHAR[]), {a}{town_col})")
        p["towns"] = list(f.towns)
    if date_col and f.as_of is not None:
        parts.append(f"{a}{date_col} <= $as_of")
        p["as_of"] = f.as_of
    return (" AND ".join(parts) or "TRUE"), p
