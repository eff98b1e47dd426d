"""The pages of the app, as data: the router builds ``st.navigation`` from this list and
the browser test visits every entry. A page is ``views/<name>.py``, served at ``/<name>``,
titled ``t("page.<name>")``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageEntry:
    section: str  # i18n key of the navigation section
    name: str  # file stem, url path and label key
    icon: str
    folder: str = "views"
    default: bool = False


PAGES: tuple[PageEntry, ...] = (
    PageEntry("nav.leaders", "overview", ":material/dashboard:", default=True),
    PageEntry("nav.leaders", "present", ":material/slideshow:"),
    PageEntry("nav.analysis", "participation", ":material/groups:"),
    PageEntry("nav.analysis", "statutory", ":material/gavel:"),
    PageEntry("nav.loops", "enterprise", ":material/factory:"),
    PageEntry("nav.loops", "micro", ":material/qr_code_2:"),
    PageEntry("nav.loops", "formal", ":material/description:"),
    PageEntry("nav.loops", "appraisal", ":material/how_to_vote:"),
    PageEntry("nav.coverage", "rollout", ":material/flag:"),
    PageEntry("nav.coverage", "sites", ":material/location_city:"),
    PageEntry("nav.drill", "town", ":material/location_on:"),
    PageEntry("nav.drill", "compare", ":material/leaderboard:"),
    PageEntry("nav.drill", "explore", ":material/table_rows:"),
    PageEntry("nav.admin", "data", ":material/upload_file:"),
    PageEntry("nav.admin", "admin", ":material/admin_panel_settings:"),
)
