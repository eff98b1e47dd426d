"""Masking of personal numbers in free text (residents' and enterprises' words).

Everywhere a text field is shown or exported it passes through :func:`mask_text` (or
:func:`mask_series` for a column): mainland mobile numbers become ``138****1234`` and every
ID-shaped run of 18 characters (17 digits and a digit or X — whether or not its check digit
is right) becomes ``320***********1234``. Shorter or longer digit runs (a 12-digit division
code, a date like 20230305, a 19-digit account number) are left alone.
"""

from __future__ import annotations

import re

import pandas as pd

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?![0-9A-Za-z])")


def mask_text(text: str | None) -> str | None:
    """The text with mobile and ID numbers masked (None stays None)."""
    if text is None or not isinstance(text, str):
        return text
    out = _ID.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), out)


def mask_series(s: pd.Series) -> pd.Series:
    """A column of texts, masked."""
    return s.map(mask_text, na_action="ignore")


def mask_frame(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of ``df`` with the given text columns masked."""
    out = df.copy()
    for c in columns:
        if c in out.columns:
            out[c] = mask_series(out[c])
    return out
