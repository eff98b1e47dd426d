"""The one filter object every query takes — and the user's scope riding on it.

A page never builds SQL: it hands a :class:`Filters` to a query function, and the query
function turns it into bound parameters with :func:`where`. The user's rights travel on the
same object, so no page, export or presentation can forget them:

* ``scope`` — the towns (镇街 names) a town user may see; ``None`` for every town. The scope
  is not a choice of the user: the sign-in sets it, and a requested ``towns`` outside it
  gives nothing (the intersection), never an error and never another town.
* ``unmasked`` — person-level text in record rows (phone and ID numbers in topics,
  opinions, suggestions …) is shown in clear only when True (leaders); masked otherwise.
* ``records`` — False for presenters: every function returning individual records raises
  :class:`RecordsNotAllowed` (through :func:`ensure_records`); aggregates still work.

**What a scoped user sees**, relation by relation (``warehouse/queries`` applies it; the
test ``tests/test_scope_queries.py`` checks every public query function against a copy of
the warehouse from which every other town's rows were deleted):

=====================  ===========================================================
relation               visible to a user with a scope
=====================  ===========================================================
towns, stations,       rows whose ``town`` is in the scope (a deputy without a town
deputies, activities,  is in no town: not visible)
enterprise_visits,
micro_suggestions,
practice_sites
enterprise_opinions    those of visits in the scope (the visit's town)
formal_suggestions     those whose lead deputy's town is in the scope — the town the
                       town profile's ``formal`` measure and the record explorer's
                       town filter already give a suggestion. One without a lead
                       deputy of a known town belongs to no town: fails closed, not
                       visible.
appraisals             district-level by the contract (a department has no town): the
                       scope's district(s) only — not another town's data.
rollout_plan           district-level targets: a district's plan judges all its
                       towns, so a scoped user gets **no plan** (no target, no phase
                       bands), as a town selection gets no target on the overview.
etl_loads, etl_rejects no town (a rejected row's values are raw text): the load
                       history refuses a scoped or presenter filter when given one.
=====================  ===========================================================

Every figure for a scoped user is computed over the scope's towns only: a median or a
rank is "among the towns you may see", a coverage is X of the scope's towns, a district
total is the scope's total, the data's cut-off (数据截至) is the latest date of the
scope's records. Town names are taken to be unique across districts (true of the shipped
townships); a district-level relation is narrowed to the districts of the scope's towns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace


class RecordsNotAllowed(PermissionError):
    """A record-level query was asked for with ``Filters.records`` False (a presenter)."""


class OutOfScope(PermissionError):
    """A query that cannot be narrowed to towns was asked for with a scope."""


@dataclass(frozen=True)
class Filters:
    district: str | None = None  # None: every district
    year: int | None = None  # None: every year
    towns: tuple[str, ...] = ()  # empty: every town of the district(s)
    as_of: dt.date | None = None  # the data's cut-off (数据截至); None: no cut-off
    scope: tuple[str, ...] | None = None  # the towns the user may see; None: every town
    unmasked: bool = False  # person-level text in clear (leaders only)
    records: bool = True  # individual records allowed (False for presenters)

    def with_year(self, year: int | None) -> "Filters":
        return replace(self, year=year)

    def with_towns(self, towns: tuple[str, ...]) -> "Filters":
        return replace(self, towns=towns)

    def scoped(self, towns: Iterable[str] | None) -> "Filters":
        """The same filters for a user who may see only ``towns`` (None: every town).
        The names are kept sorted and without repeats, so equal scopes hash alike."""
        return replace(self, scope=None if towns is None else tuple(sorted(set(towns))))

    def visible_towns(self) -> tuple[str, ...] | None:
        """The towns the figures cover: the chosen towns within the scope (possibly none),
        the scope when no town is chosen, or None for "every town" (no scope, no choice)."""
        if self.scope is None:
            return self.towns or None
        if self.towns:
            return tuple(t for t in self.towns if t in self.scope)
        return self.scope

    @property
    def year_over(self) -> bool:
        """True when the selected year is complete in the data (as_of is past its end)."""
        if self.year is None or self.as_of is None:
            return True
        return self.as_of >= dt.date(self.year, 12, 31)


def ensure_records(f: Filters) -> None:
    """Raise :class:`RecordsNotAllowed` unless the filters allow individual records."""
    if not f.records:
        raise RecordsNotAllowed("individual records are not shown in this role (aggregates only)")


# A district-level row is visible when its district holds one of the scope's towns.
_SCOPE_DISTRICTS = ("SELECT tw_s.district FROM towns tw_s "
                    "WHERE list_contains(CAST($scope_towns AS VARCHAR[]), tw_s.town)")


def scope_where(f: Filters, town_col: str | None = None, district_col: str | None = None
                ) -> tuple[str, dict[str, object]]:
    """The scope's condition alone (``TRUE`` without a scope), for a query that cannot use
    :func:`where`: rows whose ``town_col`` is one of the scope's towns; without a town
    column, rows whose ``district_col`` is a district of the scope's towns (a
    district-level relation); with neither, ``FALSE`` (nothing can be shown to a scoped
    user). Column names are the caller's; the towns travel as ``$scope_towns``."""
    if f.scope is None:
        return "TRUE", {}
    p: dict[str, object] = {"scope_towns": list(f.scope)}
    if town_col:
        return f"coalesce(list_contains(CAST($scope_towns AS VARCHAR[]), {town_col}), FALSE)", p
    if district_col:
        return f"{district_col} IN ({_SCOPE_DISTRICTS})", p
    return "FALSE", {}


def where(f: Filters, alias: str = "", *, year_col: str | None = "year", town_col: str | None = "town",
          date_col: str | None = None, district_col: str | None = "district") -> tuple[str, dict[str, object]]:
    """A WHERE fragment for the filters over columns of ``alias``, and its bound
    parameters. Only column names chosen by the calling query (never values) enter the
    text; the values travel as ``$district``, ``$year``, ``$towns``, ``$as_of`` and
    ``$scope_towns``.

    The scope applies to ``town_col``; with ``town_col=None`` and a ``district_col`` the
    relation is taken as district-level and narrowed to the scope's districts; with
    neither, the caller must narrow the rows itself (e.g. by joining towns in scope)."""
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
    if f.scope is not None and (town_col or district_col):
        s, sp = scope_where(f, f"{a}{town_col}" if town_col else None,
                            f"{a}{district_col}" if district_col else None)
        parts.append(s)
        p.update(sp)
    return (" AND ".join(parts) or "TRUE"), p
