"""Export rows: stored values read defensively, CSV cells safe from spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json

import pytest

from search.export import COLUMNS, csv_header, csv_rows, export_row, jsonl_rows, safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (None, ""),
        (["=cmd", "Baku"], "'=cmd; Baku"),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_a_row_reads_odd_stored_values_without_failing() -> None:
    row = export_row(
        {"_id": "x", "_source": {"title": "t" * 5000, "published": "0001-01-01", "person": "A"}}
    )
    assert row["id"] == "x"
    assert len(row["title"]) == 1000
    assert row["published"] == "0001-01-01"
    assert row["person"] == ["A"]
    assert row["url"] is None


def test_csv_and_json_lines_hold_every_column() -> None:
    row = export_row({"_id": "a,b", "_source": {"title": '=1 "quoted"', "location": ["X", "Y"]}})
    table = list(csv.reader(io.StringIO((csv_header() + csv_rows([row])).decode())))
    assert table[0] == list(COLUMNS)
    assert table[1][:2] == ["a,b", '\'=1 "quoted"']
    assert table[1][COLUMNS.index("location")] == "X; Y"
    assert json.loads(jsonl_rows([row])) == row
