"""LSP positions (source.LspIndex, source.lsp_position): 0-based lines ending at LF, CRLF or a
lone CR; characters in UTF-16 code units by default, or UTF-8 / UTF-32."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipfix.source import LspIndex, code_units, lsp_position

TEXT = "FROM python:3.12\r\nRUN echo '😀 é' && pip install flask\rRUN x\n"


def test_utf16_is_the_default_and_counts_an_emoji_as_two_units():
    offset = TEXT.index("pip")
    assert lsp_position(TEXT, offset) == (1, 19)
    assert lsp_position(TEXT, offset, "utf-8") == (1, 22)
    assert lsp_position(TEXT, offset, "utf-32") == (1, 18)


def test_a_lone_cr_ends_a_line():
    assert lsp_position(TEXT, TEXT.index("RUN x")) == (2, 0)


def test_offset_is_the_inverse_and_clamps():
    index = LspIndex(TEXT)
    offset = TEXT.index("pip")
    for encoding in ("utf-8", "utf-16", "utf-32"):
        assert index.offset(*index.position(offset, encoding), encoding) == offset
    assert index.offset(0, 999) == TEXT.index("\r")  # clamped to the end of line 0
    assert index.offset(99, 0) == len(TEXT)
    assert index.offset(-1, 0) == 0


def test_code_units():
    assert [code_units("a😀é", e) for e in ("utf-8", "utf-16", "utf-32")] == [7, 4, 3]


@given(st.text(alphabet=st.sampled_from(["a", "é", "😀", "\n", "\r", " ", "\u2028"]), max_size=40))
def test_round_trip(text):
    index = LspIndex(text)
    for offset in range(len(text) + 1):
        if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
            continue  # between the CR and the LF of a CRLF: not a position
        for encoding in ("utf-8", "utf-16", "utf-32"):
            assert index.offset(*index.position(offset, encoding), encoding) == offset
