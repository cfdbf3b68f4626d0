"""apply_edits: insertions at file offsets, applied in one pass."""

import pytest

from pipfix import Edit
from pipfix.edits import apply_edits, remove_edits

APPLY_CASES = [
    pytest.param("abc", [], "abc", id="no edit"),
    pytest.param("", [Edit(0, "x")], "x", id="into an empty text"),
    pytest.param("abc", [Edit(1, "X")], "aXbc", id="one insertion"),
    pytest.param("abc", [Edit(0, "<"), Edit(3, ">")], "<abc>", id="at both ends"),
    pytest.param("abc", [Edit(2, "2"), Edit(1, "1")], "a1b2c", id="given out of order"),
    pytest.param("abc", [Edit(1, "X"), Edit(1, "Y")], "aXYbc", id="two at one offset keep their order"),
    pytest.param("abc", [Edit(1, "Y"), Edit(1, "X")], "aYXbc", id="two at one offset, the other order"),
    pytest.param("abc", [Edit(1, "X"), Edit(1, "X")], "aXbc", id="an exact duplicate is applied once"),
    pytest.param("a\r\nb", [Edit(1, " --no-cache-dir")], "a --no-cache-dir\r\nb", id="before a CRLF"),
]


@pytest.mark.parametrize(("text", "edits", "expected"), APPLY_CASES)
def test_apply_edits(text, edits, expected):
    assert apply_edits(text, edits) == expected


def test_apply_edits_accepts_any_iterable():
    assert apply_edits("ab", (edit for edit in [Edit(1, "-")])) == "a-b"


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([Edit(-1, "x")], id="before the start"),
        pytest.param([Edit(4, "x")], id="past the end"),
        pytest.param([Edit(1, "ok"), Edit(99, "x")], id="one of several"),
    ],
)
def test_out_of_range_is_refused(edits):
    with pytest.raises(ValueError):
        apply_edits("abc", edits)


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([], id="none"),
        pytest.param([Edit(0, "a")], id="at the start"),
        pytest.param([Edit(3, "x"), Edit(3, "y"), Edit(7, "zz")], id="two at one offset, one at the end"),
    ],
)
def test_remove_edits_gives_back_the_text(edits):
    text = "RUN pip"
    assert remove_edits(apply_edits(text, edits), edits) == text
