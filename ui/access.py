"""Who is using the app, and what they may see: the sign-in gate of the router, the pages
of each role, the user's scope laid onto the filters, and the audit trail of what they do.

The gate, in order:

1. **OpenID Connect** when ``.streamlit/secrets.toml`` configures a provider: ``st.login``;
   the identity (e-mail) must have an account (role and towns) in the project's table.
2. **Built-in accounts** when the account store holds any: a sign-in form
   (``auth.store.authenticate``: slow hash, slowed and locked after failures).
3. **Demo mode** when neither is configured and the warehouse holds only demo data: no
   sign-in, a visible banner, the leader's view.
4. Otherwise — real data and no sign-in configured — the app refuses to serve.

The limit is enforced where the data is read: :func:`scoped` puts the user's towns, masking
and record permission on the :class:`~warehouse.filters.Filters` every query takes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NoReturn

import streamlit as st

from auth import audit, oidc, store
from auth.roles import DEMO_USER, User, can_see_records, may_manage, role_label, unmasked
from ui.i18n import lang, t
from warehouse.filters import Filters

log = logging.getLogger("oversight")
USER_KEY = "_user"

# Pages by role. Record-level pages (明细查询) are not the presenter's; accounts and the
# audit log are the administrator's. A page missing here is refused to everyone.
AGGREGATE_PAGES = ("overview", "present", "participation", "statutory", "enterprise", "micro", "formal",
                   "appraisal", "rollout", "sites", "town", "compare")
ROLE_PAGES: dict[str, frozenset[str]] = {
    # Leaders also see 数据管理: how fresh and complete the figures are is theirs to judge.
    "leader": frozenset(AGGREGATE_PAGES + ("explore", "data")),
    "analyst": frozenset(AGGREGATE_PAGES + ("explore",)),
    "town": frozenset(AGGREGATE_PAGES + ("explore",)),
    "presenter": frozenset(AGGREGATE_PAGES),
    "admin": frozenset(("overview", "data", "admin")),
}


def allowed(user: User, page: str) -> bool:
    """May ``user`` open ``page``? In demo mode every page (nothing there is real)."""
    if user.demo:
        return True
    return page in ROLE_PAGES.get(user.role, frozenset())


def current_user() -> User | None:
    return st.session_state.get(USER_KEY)


def mode(is_demo: bool) -> str:
    """"oidc", "accounts", "demo" or "refuse" (real data, no sign-in configured)."""
    if oidc.configured():
        return "oidc"
    if store.has_accounts():
        return "accounts"
    return "demo" if is_demo else "refuse"


def gate(is_demo: bool, before_stop: Callable[[], None] | None = None) -> User:
    """The signed-in user, or the sign-in screen (or the refusal) and ``st.stop()``;
    ``before_stop`` runs just before that stop (the router's page registration)."""

    def stop() -> NoReturn:
        if before_stop is not None:
            before_stop()
        st.stop()

    how = mode(is_demo)
    if how == "demo":
        st.session_state[USER_KEY] = DEMO_USER
        return DEMO_USER
    if how == "refuse":
        st.error(t("auth.refuse"), icon=":material/lock:")
        stop()
    user = current_user()
    if user is not None and not user.demo:
        return user
    st.session_state.pop(USER_KEY, None)
    if how == "oidc":
        return _oidc(stop)
    return _form(stop)


def _oidc(stop: Callable[[], NoReturn]) -> User:
    identity = oidc.current_identity()
    if identity is None:
        st.title(t("app.title"))
        st.button(t("auth.login_oidc"), type="primary", icon=":material/login:", on_click=st.login,
                  args=(None if oidc.provider() == "default" else oidc.provider(),))
        stop()
    user = store.lookup(identity)
    if user is None:
        audit.record("sign_in_failed", identity, {"reason": "no_account", "via": "oidc"})
        st.error(t("auth.no_account", identity=identity), icon=":material/no_accounts:")
        st.button(t("auth.logout"), on_click=st.logout)
        stop()
    audit.record("sign_in", identity, {"via": "oidc", "role": user.role})
    st.session_state[USER_KEY] = user
    return user


def _form(stop: Callable[[], NoReturn]) -> User:
    st.title(t("app.title"))
    with st.form("auth_form", border=True, width=420):
        st.subheader(t("auth.sign_in"))
        identity = st.text_input(t("auth.identity"), key="auth_identity")
        password = st.text_input(t("auth.password"), type="password", key="auth_password")
        go = st.form_submit_button(t("auth.submit"), type="primary", icon=":material/login:")
    if go:
        try:
            user = store.authenticate(identity, password)
        except store.SignInError as e:
            st.error(e.message, icon=":material/lock:")
        except Exception:  # noqa: BLE001 - a broken account file is said in words
            log.exception("sign-in failed")
            st.error(t("auth.unavailable"), icon=":material/error:")
        else:
            st.session_state.pop("auth_password", None)
            st.session_state[USER_KEY] = user
            st.rerun()
    stop()


def sign_out() -> None:
    user = current_user()
    if user is not None and not user.demo:
        audit.record("sign_out", user.identity, {})
    for k in list(st.session_state.keys()):
        del st.session_state[k]
    if oidc.configured():
        st.logout()


def sidebar_badge(user: User) -> None:
    """Who is signed in, in which role, and the sign-out button (not in demo mode)."""
    if user.demo:
        return
    with st.sidebar:
        towns = f" · {'、'.join(user.towns)}" if user.towns else ""
        st.caption(t("auth.signed_in", name=user.label, role=role_label(user.role, lang())) + towns)
        st.button(t("auth.logout"), key="auth_logout", icon=":material/logout:", on_click=sign_out)


def scoped(f: Filters, user: User) -> Filters:
    """The filters with the user's limits: their towns, masking, and whether record-level
    rows may be read. Every query applies them (warehouse.filters.where)."""
    return replace(f, unmasked=unmasked(user.role), records=can_see_records(user.role)).scoped(
        user.towns if user.role == "town" else None)


def manages(user: User) -> bool:
    return may_manage(user.role)


def filters_dict(f: Filters) -> dict[str, Any]:
    return {"district": f.district, "year": f.year, "towns": list(f.towns),
            "scope": list(f.scope) if f.scope is not None else None}


def record(event: str, detail: Mapping[str, Any] | None = None, *, page: str | None = None,
           f: Filters | None = None) -> None:
    """One entry in the audit log for the current user (never raises)."""
    record_for(current_user(), event, detail, page=page, f=f)


def record_for(user: User | None, event: str, detail: Mapping[str, Any] | None = None, *,
               page: str | None = None, f: Filters | None = None) -> None:
    """One entry for ``user`` — for code that runs outside the page's script run (a
    download's data function), where the session is not at hand."""
    user = user or DEMO_USER
    try:
        audit.record(event, user.identity, dict(detail or {}), page=page,
                     filters=filters_dict(f) if f is not None else None)
    except Exception:  # noqa: BLE001 - the audit log must never break a page
        log.exception("audit record failed")


def page_view(page: str, f: Filters) -> None:
    """A page view, once per page and filter state of a session (not on every widget rerun)."""
    key = (page, filters_dict(f).__repr__())
    if st.session_state.get("_audit_last_view") == key:
        return
    st.session_state["_audit_last_view"] = key
    record("page_view", page=page, f=f)
