"""The global filters: sidebar widgets that live in the URL.

``?district=清江浦区&year=2023&town=柳树湾街道&lang=en`` — names as in the data, so a link
reproduces the view exactly. The URL is read once per session (or when it changes), the
widgets hold the state across pages, and every run writes the state back to the URL.
An impossible value in a link (an unknown town, year 1800) gives a notice and falls back;
it never raises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from ui import data
from ui.drill import plain
from ui.i18n import t
from warehouse.filters import Filters
from warehouse.queries import common

ALL = "__all__"
FILTER_PARAMS = ("district", "year", "town", "lang")


def _notice(msg: str) -> None:
    st.session_state.setdefault("_notices", []).append(msg)


def pop_notices() -> list[str]:
    return st.session_state.pop("_notices", [])


def _from_url(districts: list[str], years: list[int], default_district: str, default_year: int | None) -> None:
    """Copy the URL's filters into the widgets' state (validated)."""
    qp = st.query_params
    district = qp.get("district")
    if district is None:
        st.session_state["f_district"] = default_district
    elif district in districts:
        st.session_state["f_district"] = district
    elif district.lower() in ("all", "全部"):
        st.session_state["f_district"] = ALL
    else:
        _notice(t("filter.bad_value", name=t("filter.district"), value=plain(district), fallback=default_district))
        st.session_state["f_district"] = default_district
    year = qp.get("year")
    if year is None:
        st.session_state["f_year"] = default_year
    else:
        try:
            y = int(year)
        except ValueError:
            y = None
        if y in years:
            st.session_state["f_year"] = y
        else:
            fallback = t("word.year_suffix", year=default_year) if default_year else t("word.all_years")
            _notice(t("filter.bad_value", name=t("filter.year"), value=plain(year), fallback=fallback))
            st.session_state["f_year"] = default_year
    st.session_state["_url_towns"] = qp.get_all("town")


def _filter_url_key() -> tuple:
    """The filters' part of the URL. A page's own parameters (``kind`` of the record
    explorer, its column conditions, the slide number) are left out: a page that changes
    them after the sidebar ran must not make the next run read the filters from the URL
    again — it undid the year just chosen on 明细查询 (found by bench/soak.py)."""
    return tuple(sorted((k, tuple(st.query_params.get_all(k))) for k in st.query_params.keys()
                        if k in FILTER_PARAMS))


def _to_url(district: str, year: int | None, towns: list[str], lang: str) -> None:
    # Parameters of the page itself (``kind`` of the record explorer …) are kept.
    want: dict[str, str | list[str]] = {k: st.query_params.get_all(k) for k in st.query_params.keys()
                                        if k not in FILTER_PARAMS}
    want = {k: (v[0] if len(v) == 1 else v) for k, v in want.items()}
    want["district"] = district if district != ALL else "all"
    if year is not None:
        want["year"] = str(year)
    if towns:
        want["town"] = towns
    if lang != "zh":
        want["lang"] = lang
    current = {k: (st.query_params.get_all(k) if k == "town" or isinstance(want.get(k), list)
                   else st.query_params.get(k)) for k in st.query_params.keys()}
    if current != want:
        st.query_params.from_dict(want)


def visible_districts(f: Filters) -> list[str]:
    """The districts in the warehouse, in their order — for a town user only the
    districts of their towns."""
    districts = data.get(common.districts)
    if f.scope is not None:
        mine = set(data.get(common.counted_towns, replace(f, district=None, year=None, towns=()))["district"])
        districts = [d for d in districts if d in mine]
    return districts


def sidebar(base: Filters | None = None) -> Filters:
    """Render the filter widgets in the sidebar and return the current filters. ``base``
    carries the user's limits (scope, masking, records): the choices offered are only the
    districts and towns of the scope, and the result keeps the limits."""
    base = base or Filters()
    districts = visible_districts(base)
    years = data.get(common.years)
    as_of_all: dt.date | None = data.get(common.data_as_of, None, None, base.scope)
    default_district = districts[0] if districts else ALL
    default_year = years[0] if years else None
    url_key = _filter_url_key()
    if st.session_state.get("_url_seen") is None or (
            st.session_state.get("_url_written") != url_key and st.session_state.get("_url_seen") != url_key):
        _from_url(districts, years, default_district, default_year)
        st.session_state["_url_seen"] = url_key

    with st.sidebar:
        st.subheader(t("filter.heading"))
        options = districts + [ALL]
        if st.session_state.get("f_district") not in options:
            st.session_state["f_district"] = default_district
        # Labels are computed now, in this run's language: a format_func that called t()
        # later could run outside the session and pick the wrong language.
        district_labels = {d: (t("filter.all_districts") if d == ALL else d) for d in options}
        district = st.selectbox(t("filter.district"), options, key="f_district", format_func=district_labels.get)
        year_options: list[int | None] = list(years) + [None]
        if st.session_state.get("f_year") not in year_options:
            st.session_state["f_year"] = default_year
        year_labels = {y: (t("word.all_years") if y is None else t("word.year_suffix", year=y)) for y in year_options}
        year = st.selectbox(t("filter.year"), year_options, key="f_year", format_func=year_labels.get)
        f0 = replace(base, district=None if district == ALL else district, year=None, towns=())
        town_df = data.get(common.counted_towns, f0)
        town_options = town_df["town"].tolist()
        url_towns = st.session_state.pop("_url_towns", None)
        if url_towns is not None:
            bad = [x for x in url_towns if x not in town_options]
            for x in bad:
                _notice(t("filter.bad_town", value=plain(x)))
            st.session_state["f_towns"] = [x for x in url_towns if x in town_options]
        else:
            st.session_state["f_towns"] = [x for x in st.session_state.get("f_towns", []) if x in town_options]
        towns = st.multiselect(t("filter.towns"), town_options, key="f_towns",
                               placeholder=t("filter.towns_placeholder"))
    lang = st.session_state.get("lang", "zh")
    _to_url(district, year, list(towns), lang)
    st.session_state["_url_written"] = _filter_url_key()
    as_of = data.get(common.data_as_of, None, None if district == ALL else district, base.scope) or as_of_all
    return replace(base, district=None if district == ALL else district, year=year, towns=tuple(towns), as_of=as_of)
