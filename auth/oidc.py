"""The OpenID Connect path: Streamlit's own ``st.login`` / ``st.user``.

Streamlit does the protocol (redirect, code exchange, signed identity cookie); we only
decide whether it is configured and read who came back. The role and towns of an OIDC
user come from the account store keyed by this identity (``auth.store.lookup``), never
from the provider's claims.

Configured means ``.streamlit/secrets.toml`` has an ``[auth]`` table with the shared
``redirect_uri`` and ``cookie_secret`` and a provider — either directly in ``[auth]``
(``client_id``, ``client_secret``, ``server_metadata_url``; ``st.login()``) or in a named
sub-table such as ``[auth.company]`` (``st.login("company")``) — and Authlib, which
``st.login`` needs, is importable.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Mapping
from typing import Any

import streamlit as st

logger = logging.getLogger("oversight")

PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
SHARED_KEYS = ("redirect_uri", "cookie_secret")


def _auth_section() -> Mapping[str, Any] | None:
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        section = st.secrets.get("auth")
    except Exception as exc:  # a malformed secrets file must not take the app down
        logger.error("cannot read Streamlit secrets: %s", exc)
        return None
    return section if isinstance(section, Mapping) else None


def provider() -> str | None:
    """The provider name to pass to ``st.login`` ("default" for a flat ``[auth]``), or None."""
    section = _auth_section()
    if section is None or not all(k in section for k in SHARED_KEYS):
        return None
    if all(k in section for k in PROVIDER_KEYS):
        return "default"
    for name, sub in section.items():
        if isinstance(sub, Mapping) and all(k in sub for k in PROVIDER_KEYS):
            return str(name)
    return None


_warned: set[str] = set()


def configured() -> bool:
    """True when ``st.login`` can be offered (secrets in place and Authlib installed)."""
    if provider() is None:
        return False
    if importlib.util.find_spec("authlib") is None:
        if "authlib" not in _warned:
            _warned.add("authlib")
            logger.warning("[auth] is configured in secrets.toml but Authlib is not installed; OIDC sign-in is off")
        return False
    return True


def current_identity() -> str | None:
    """The signed-in OIDC identity (e-mail, else the subject), or None if nobody is."""
    if not configured():
        return None
    user = st.user
    if not user.get("is_logged_in"):
        return None
    for claim in ("email", "sub"):
        value = user.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def current_name() -> str:
    """The provider's display name for the signed-in user ("" if none)."""
    name = st.user.get("name") if configured() else None
    return name.strip() if isinstance(name, str) else ""
