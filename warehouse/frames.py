"""Reading the rows of a DataFrame in Python."""

from __future__ import annotations

import collections

import numpy as np
import pandas as pd


def records(df: pd.DataFrame) -> list:
    """The rows of ``df`` as named tuples, as ``df.itertuples(index=False)`` gives them but
    read a column at a time (plain Python values): itertuples walks Arrow-backed strings
    value by value (a province's 35,000 findings: a second of every rerun)."""
    row = collections.namedtuple("Row", df.columns, rename=True)
    return [row._make(values) for values in zip(*(df[c].tolist() for c in df.columns))]


def dates(col: pd.Series) -> pd.Series:
    """A date column as ``datetime.date`` objects, None where missing — converted in one
    pass, not value by value (43,596 overdue micro-suggestions at national scope: ~0.3 s)."""
    s = col if pd.api.types.is_datetime64_any_dtype(col) else pd.to_datetime(col)
    out = np.full(len(s), None, dtype=object)
    ok = s.notna().to_numpy()
    if ok.any():
        out[ok] = s[ok].dt.date.to_numpy()
    return pd.Series(out, index=col.index, dtype=object)
