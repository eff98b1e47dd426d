"""Every user-facing label, in Chinese and English, in one place.

Each page's labels live in a module of this package (``common``, ``overview`` …) as a
dict ``LABELS = {key: (zh, en)}``; they are merged here, and a key defined twice is an
error at import time. Use :func:`t` for a label and :func:`enum` for an enumeration code.
Chinese is the default; the language is chosen with the switch in the sidebar (``?lang=en``).
"""

from __future__ import annotations

import threading
from importlib import import_module

from etl.spec import ENUMS, enum_label

_MODULES = ("common", "overview", "participation", "statutory", "enterprise", "micro", "formal", "appraisal",
            "rollout", "sites", "drill", "town", "explore", "compare", "present", "datapage", "access")
CATALOG: dict[str, tuple[str, str]] = {}
for _name in _MODULES:
    _labels: dict[str, tuple[str, str]] = import_module(f"ui.i18n.{_name}").LABELS
    _dupes = CATALOG.keys() & _labels.keys()
    if _dupes:
        raise KeyError(f"labels defined twice: {sorted(_dupes)}")
    CATALOG.update(_labels)

LANGS = ("zh", "en")
_state = {"lang": "zh"}


def set_lang(lang: str) -> None:
    _state["lang"] = lang if lang in LANGS else "zh"


_run = threading.local()  # the language of the script run in this thread (bind_run_lang)


def bind_run_lang(lang: str) -> None:
    """Called by the router at the start of each script run, in the run's thread (its
    own, or reused for the same session's next run, which binds again): :func:`lang`
    then answers without asking the session state — 10-50 µs a call, and a page of
    national scope asks it hundreds of thousands of times (2.9 s of a warm rerun)."""
    _run.lang = lang if lang in LANGS else "zh"


def lang() -> str:
    """The current language. Inside the app it follows the session (set by the router)."""
    bound = getattr(_run, "lang", None)
    if bound is not None:
        return bound
    try:
        import streamlit as st

        return st.session_state.get("lang", _state["lang"])
    except Exception:  # outside a Streamlit run
        return _state["lang"]


def t(key: str, **fmt: object) -> str:
    """The label for ``key`` in the current language, formatted with ``fmt``."""
    zh, en = CATALOG[key]
    text = zh if lang() == "zh" else en
    return text.format(**fmt) if fmt else text


def enum(enum_name: str, code: str | None) -> str:
    """An enumeration code shown by its label in the current language."""
    return enum_label(enum_name, code, lang())


def enums(enum_name: str, values) -> list[str]:
    """:func:`enum` of each of ``values`` (a pandas Series), worked out once per distinct
    code: a province's grids and lists are hundreds of thousands of cells of a handful of
    codes. A blank has no label."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(values)
    labels = np.array([enum(enum_name, v) for v in distinct] + [enum(enum_name, None)], dtype=object)
    return labels[codes].tolist()  # (a blank's code is -1: the last label)


def enum_options(enum_name: str) -> list[str]:
    return list(ENUMS[enum_name])
