"""Reports: the data as files — tables as xlsx/csv (:mod:`reports.tabular`), the written
summary (:mod:`reports.summary`) and the evaluation pack (:mod:`reports.pack`, rendered by
:mod:`reports.pptx_pack`, :mod:`reports.pdf_pack` and :mod:`reports.xlsx_pack`)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

FORMATS = {".pptx": "PowerPoint", ".pdf": "PDF", ".xlsx": "Excel"}
MIME = {".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pdf": "application/pdf",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def write_pack(deck, out: Path | IO[bytes], fmt: str) -> None:
    """Render ``deck`` (a :class:`reports.pack.Deck`) as ``fmt`` (".pptx", ".pdf", ".xlsx")."""
    if fmt == ".pptx":
        from reports.pptx_pack import write_pptx

        write_pptx(deck, out)
    elif fmt == ".pdf":
        from reports.pdf_pack import write_pdf

        write_pdf(deck, out)
    elif fmt == ".xlsx":
        from reports.xlsx_pack import write_xlsx

        write_xlsx(deck, out)
    else:
        raise ValueError(f"unknown pack format {fmt!r}")
