"""Edits as data: insertions at file offsets, applied to the text once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple


class Edit(NamedTuple):
    """Insert `text` at `offset` in the file text. There is no way to express a deletion."""

    offset: int
    text: str


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply all insertions in one pass, left to right. Insertions at the same offset keep
    their given order; an exact duplicate is applied once."""
    ordered = sorted(dict.fromkeys(edits), key=lambda edit: edit.offset)
    if not ordered:
        return text
    if ordered[0].offset < 0 or ordered[-1].offset > len(text):
        raise ValueError("edit offset outside the text")
    pieces = []
    previous = 0
    for edit in ordered:
        pieces.append(text[previous : edit.offset])
        pieces.append(edit.text)
        previous = edit.offset
    pieces.append(text[previous:])
    return "".join(pieces)


def remove_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text `apply_edits` was given, from its result and the edits it applied (sorted by
    offset): each inserted text taken out again."""
    pieces = []
    shift = previous = 0
    for edit in edits:
        pieces.append(text[previous + shift : edit.offset + shift])
        shift += len(edit.text)
        previous = edit.offset
    pieces.append(text[previous + shift :])
    return "".join(pieces)
