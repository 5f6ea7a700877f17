"""Tests of display.format_table, the aligned tables the CLI prints."""

import doctest

import pytest

from embedkit import display
from embedkit.display import format_table


def test_numbers_right_text_left_four_decimals():
    table = format_table([(1, "queen", 0.85236), (10, "throne", 0.7)], ["rank", "word", "cosine"])
    assert table == ("rank  word    cosine\n"
                     "   1  queen   0.8524\n"
                     "  10  throne  0.7000")


def test_no_trailing_spaces_and_options():
    table = format_table([("a", 1.5, ""), ("bbb", 2.25, "<-")], ["w", "x", ""], align="lrl",
                         decimals=1, indent="  ")
    assert table.splitlines() == ["  w      x", "  a    1.5", "  bbb  2.2  <-"]
    assert format_table([], None) == ""
    assert format_table([], ["word"]) == "word"


def test_mismatched_rows_are_refused():
    with pytest.raises(ValueError, match="has 1 cells, expected 2"):
        format_table([("a",)], ["word", "cosine"])


def test_docstring_example_runs():
    assert doctest.testmod(display).failed == 0
