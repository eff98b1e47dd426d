"""The plain-CSV reader (Arrow's, ``etl.read._plain_csv_sheet``) gives exactly the sheet the
``csv`` module path gives, and steps aside (None) for any file it cannot read the same way."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import read
from etl.read import _plain_csv_sheet, grid_to_sheet, read_csv_grid, read_source
from etl.spec import KIND_BY_NAME

KIND = KIND_BY_NAME["activities"]
HEADER = [c.label for c in KIND.columns]


def module_sheet(text: str) -> read.Sheet | str:
    return grid_to_sheet(KIND, read_csv_grid(text), None)


def same_sheet(a: read.Sheet, b: read.Sheet) -> None:
    assert a.table.schema == b.table.schema
    assert a.table.to_pydict() == b.table.to_pydict()
    assert (a.header_row, a.headers, a.unknown_columns, a.blank_rows, a.rows) == \
        (b.header_row, b.headers, b.unknown_columns, b.blank_rows, b.rows)


def test_a_plain_file_is_read_by_arrow_with_row_numbers_blanks_and_white_space_as_before():
    text = "\r\n".join([
        "开山区人大活动登记表",  # a title row above the header
        "",
        ",".join(HEADER + ["备注"]),  # an unknown column
        ",".join(["A1", "TOWN_CONGRESS", "开山区", "董子街道", "2025-01-05"] + [""] * (len(HEADER) - 5) + ["x"]),
        ",".join([""] * (len(HEADER) + 1)),  # a blank row: skipped, counted
        ",".join(["A2", "WORK_REVIEW", "开山区", "\u3000", " 2025-02-01 "] + ["\t"] * (len(HEADER) - 5) + [""]),
        "",  # an empty line inside the data: a blank row too
        ",".join(["A3", "PUBLICITY", "开山区", "董子街道", "2025-03-01"] + ["12"] * (len(HEADER) - 5) + ["\x1c"]),
    ]) + "\r\n"
    fast = _plain_csv_sheet(KIND, text)
    if isinstance(fast, str):  # no header (a tab in a cell can win the delimiter): the same message
        assert module_sheet(text) == fast
        return
    same_sheet(fast, module_sheet(text))
    assert fast.header_row == 3 and fast.blank_rows == 2 and fast.rows == 3
    assert fast.unknown_columns == ["备注"]
    t = fast.table.to_pydict()
    assert t["_row"] == [4, 6, 8]  # Excel row numbers: the blank rows still count
    assert t["town"] == ["董子街道", None, "董子街道"]  # a full-width space alone is an empty cell
    assert t["date"] == ["2025-01-05", " 2025-02-01 ", "2025-03-01"]  # text is kept as written


@pytest.mark.parametrize("why, text", [
    ("a quoted cell", ",".join(HEADER) + '\n"A1,x",开山区\n'),
    ("a ragged row", ",".join(HEADER) + "\n" + ",".join(["A1"] * len(HEADER)) + "\nA2,开山区\n"),
    ("a full-width comma delimiter", "，".join(HEADER) + "\n" + "，".join(["A1"] * len(HEADER)) + "\n"),
    ("no data row", ",".join(HEADER) + "\n"),
    ("no header", "a,b\n1,2\n"),
])
def test_a_file_that_is_not_plain_is_left_to_the_csv_module(why, text):
    assert not isinstance(_plain_csv_sheet(KIND, text), read.Sheet), why


@pytest.mark.parametrize("codec, named", [("gb18030", "GB18030"), ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)")])
def test_read_source_gives_the_same_sheet_either_way(tmp_path, monkeypatch, codec, named):
    rows = [",".join(HEADER)] + [",".join([f"A{i}", "TOWN_CONGRESS", "开山区", "董子街道", "2025-01-05"]
                                          + [str(i)] * (len(HEADER) - 5)) for i in range(500)]
    path = tmp_path / "活动.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode(codec))
    fast = read_source(path)
    assert fast.refused is None and fast.sheets[0].table.column("activity_id")[0].as_py() == "A0"
    monkeypatch.setattr(read, "_plain_csv_sheet", lambda *a: None)
    slow = read_source(path)
    assert fast.encoding == slow.encoding == named
    same_sheet(fast.sheets[0], slow.sheets[0])


CELL = st.one_of(
    st.sampled_from(["", " ", "\u3000", "\t", "\x1c", "\xa0", "开山区", "董子街道", "2025-01-05", "12", " x ",
                     "TOWN_CONGRESS", "a;b", "a\tb"]),
    st.text(alphabet=st.characters(blacklist_characters='"\r\n\x00', blacklist_categories=("Cs",)), max_size=6),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), delim=st.sampled_from([",", "\t", ";"]), eol=st.sampled_from(["\n", "\r\n", "\r"]),
       title=st.booleans(), final_eol=st.booleans())
def test_whenever_arrow_reads_a_file_it_reads_it_as_the_csv_module_does(data, delim, eol, title, final_eol):
    width = len(HEADER) + data.draw(st.integers(0, 2))
    header = HEADER + [f"extra{i}" for i in range(width - len(HEADER))]
    n = data.draw(st.integers(1, 12))
    body = []
    for _ in range(n):
        if data.draw(st.integers(0, 9)) == 0:
            body.append("")  # an empty line
        else:
            cells = data.draw(st.lists(CELL, min_size=width, max_size=width))
            body.append(delim.join(c.replace(delim, "") for c in cells))
    lines = (["标题"] if title else []) + [delim.join(header)] + body
    text = eol.join(lines) + (eol if final_eol else "")
    fast = _plain_csv_sheet(KIND, text)
    if fast is None:  # only when the first data line is empty (its width is unknown)
        assert body[0] == ""
        return
    if isinstance(fast, str):  # no header (a tab in a cell can win the delimiter): the same message
        assert module_sheet(text) == fast
        return
    same_sheet(fast, module_sheet(text))


def test_a_cell_longer_than_the_csv_modules_limit_is_left_to_it_wherever_it_is():
    import csv

    long = "长" * (csv.field_size_limit() + 1)
    rows = [",".join(HEADER)] + [",".join(["A1", "TOWN_CONGRESS", "开山区", "董子街道", "2025-01-05"]
                                          + ["1"] * (len(HEADER) - 5))] * 40
    rows[35] = rows[35].replace("董子街道", long)  # beyond the rows read for the header
    assert _plain_csv_sheet(KIND, "\n".join(rows)) is None
    rows[1] = rows[1].replace("董子街道", long)  # within them
    assert _plain_csv_sheet(KIND, "\n".join(rows)) is None


def test_rows_found_beyond_the_first_megabyte_are_read_the_same():
    # The header is looked for in the first rows of the text's first megabyte; rows long
    # enough that the rows wanted do not fit in it are found in the whole text.
    title = ["说明" + "很长" * 30_000] * 20  # 20 title rows of 60,002 characters: 1.2 million before the header
    data = [",".join(["A1", "TOWN_CONGRESS", "开山区", "董子街道", "2025-01-05"] + ["1"] * (len(HEADER) - 5))] * 3
    text = "\n".join([*title, ",".join(HEADER), *data]) + "\n"
    fast = _plain_csv_sheet(KIND, text)
    assert isinstance(fast, read.Sheet) and fast.header_row == 21 and fast.rows == 3
    same_sheet(fast, module_sheet(text))
