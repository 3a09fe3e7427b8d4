"""Prospect CSV files are read strictly: every row is a record or an error naming its line."""

from __future__ import annotations

import csv
import io
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.graph.batch import csv_rows

HEADER = ["id", "name", "bio"]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # \r\n ends a row, so a cell with \r or \n is quoted
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def test_an_unclosed_quote_is_one_error_and_the_rows_after_it_are_read() -> None:
    text = 'id,name,email\n1,"Ana,ana@x.io\n2,Bob,bob@x.io\n3,"Carl",c@x.io\n'
    rows = list(csv_rows(text))
    assert [r.line for r in rows] == [2, 3, 4]
    assert rows[0].error and rows[0].error.startswith("line 2 is not valid CSV")
    assert [r.record["name"] for r in rows[1:]] == ["Bob", "Carl"]  # type: ignore[index]


def test_extra_cells_nesting_clashes_and_multiline_cells() -> None:
    text = (
        "id,name,preferences,preferences.tone\n"
        "1,Ana,x,casual\n"
        "2,Bob,,casual,extra\n"
        '3,"Carl\nCarlsson",,warm\n'
        "\n"
        "4,Dee,,\n"
    )
    rows = list(csv_rows(text))
    assert [r.line for r in rows] == [2, 3, 4, 7]
    assert rows[0].error and "nests under 'preferences'" in rows[0].error
    assert rows[1].error and "has 5 cells but the header has 4" in rows[1].error
    assert rows[2].record == {"id": "3", "name": "Carl\nCarlsson", "preferences": {"tone": "warm"}}
    assert rows[3].record == {"id": "4", "name": "Dee"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.ascii_letters + ',"\n\r ;{}[]\x00é', max_size=300))
def test_any_text_gives_rows_that_are_a_record_or_an_error_with_their_line(body: str) -> None:
    rows = list(csv_rows("id,name,bio\n" + body))
    lines = [r.line for r in rows]
    assert all(isinstance(n, int) and n >= 2 for n in lines)
    assert lines == sorted(set(lines))  # one row per starting line, in file order
    for row in rows:
        assert (row.record is None) != (row.error is None)
        if row.error is not None:
            assert row.error.startswith(f"line {row.line}")


_cell = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_cell, min_size=3, max_size=3), max_size=8))
def test_valid_csv_reads_back_every_row_whole(rows: list[list[str]]) -> None:
    kept = [r for r in rows if any(c.strip() for c in r)]  # a row of blank cells is a blank line
    read = list(csv_rows(_csv(rows)))
    assert all(r.error is None for r in read)
    assert len(read) == len(kept)  # none merged, none dropped
    for row, cells in zip(read, kept, strict=True):
        expected = {k: v.strip() for k, v in zip(HEADER, cells, strict=True) if v.strip()}
        got = {k: v for k, v in (row.record or {}).items()}
        assert {k: v for k, v in got.items() if k != "tags"} == expected


_plain = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=8).filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_plain, min_size=3, max_size=3), min_size=1, max_size=10),
    st.data(),
)
def test_one_unclosed_quote_costs_exactly_its_own_row(
    rows: list[list[str]], data: st.DataObject
) -> None:
    broken = data.draw(st.integers(0, len(rows) - 1))
    cell = data.draw(st.integers(0, 2))
    lines = [",".join(r) for r in rows]
    parts = lines[broken].split(",")
    parts[cell] = '"' + parts[cell]
    lines[broken] = ",".join(parts)
    read = list(csv_rows("id,name,bio\n" + "\n".join(lines) + "\n"))
    assert [r.line for r in read] == list(range(2, len(rows) + 2))
    for i, (row, cells) in enumerate(zip(read, rows, strict=True)):
        if i == broken:
            assert row.error and row.error.startswith(f"line {i + 2} is not valid CSV")
        else:
            assert row.record == {k: v.strip() for k, v in zip(HEADER, cells, strict=True)}


def test_a_value_in_an_unnamed_column_is_an_error_and_a_doubled_column_is_refused() -> None:
    import pytest

    from ipe.domain import InvalidInputError

    rows = list(csv_rows("id,name,\n1,Ana,\n2,Bob,stray\n"))
    assert rows[0].record == {"id": "1", "name": "Ana"}  # a trailing empty column is fine
    assert rows[1].error == "line 3: column 3 has a value but the header gives it no name"
    with pytest.raises(InvalidInputError, match="names 'name' twice"):
        list(csv_rows("id,name,name\n1,Ana,Bea\n"))
