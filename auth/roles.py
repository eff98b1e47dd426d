"""Roles and the signed-in user.

Five roles, each a bundle of permissions rather than a list of pages:

- ``leader`` (领导): every page, record-level text unmasked;
- ``analyst`` (分析员): every page, person names and free text in records masked;
- ``town`` (镇街用户): only their own towns' data, masked like an analyst;
- ``presenter`` (汇报): aggregates only (charts, the evaluation pack), never a record list;
- ``admin`` (管理员): manages accounts and reads the audit log.

The permission helpers are plain functions of the role so the pages and the data layer ask
the same question the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = ("leader", "analyst", "town", "presenter", "admin")

ROLE_LABELS: dict[str, tuple[str, str]] = {
    "leader": ("领导", "Leader"),
    "analyst": ("分析员", "Analyst"),
    "town": ("镇街用户", "Town user"),
    "presenter": ("汇报", "Presenter"),
    "admin": ("管理员", "Administrator"),
}


@dataclass(frozen=True)
class User:
    """Who is signed in. Immutable: a role change takes effect at the next sign-in."""

    identity: str  # account name, or the OIDC e-mail / subject
    role: str  # one of ROLES
    towns: tuple[str, ...] = ()  # role "town": the 镇街 (as named in the warehouse) they may see
    district: str | None = None  # the district the user belongs to, if any
    display_name: str = ""
    demo: bool = False  # True only for the anonymous demo-mode user

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if self.role == "town" and not self.towns:
            raise ValueError("a town user needs at least one town")
        if not isinstance(self.towns, tuple):  # a list would make the frozen User unhashable
            object.__setattr__(self, "towns", tuple(self.towns))

    @property
    def label(self) -> str:
        """``display_name`` if set, else the identity — for the sidebar's "signed in as"."""
        return self.display_name or self.identity


DEMO_USER = User("demo", "leader", demo=True)


def can_see_records(role: str) -> bool:
    """Record-level lists (明细) and their exports: everyone but the presenter."""
    return role in ROLES and role != "presenter"


def unmasked(role: str) -> bool:
    """Person names and free text shown in clear: the leader only.

    Analysts and town users see records masked; a town user sees only their own towns, but
    the people in those records are still masked — they are colleagues and constituents,
    and the town user's screen is the one most likely to be shared or printed.
    """
    return role == "leader"


def may_manage(role: str) -> bool:
    """Account management and the audit log: the administrator only."""
    return role == "admin"


def role_label(role: str, lang: str = "zh") -> str:
    """The role's name in ``lang`` ("zh" or "en"); the role code itself if unknown."""
    zh, en = ROLE_LABELS.get(role, (role, role))
    return en if lang == "en" else zh
