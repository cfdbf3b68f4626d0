"""What a rule reports: a code, a message, where, and the edit that fixes it (if any)."""

from __future__ import annotations

from typing import NamedTuple

from ..edits import Edit


class Violation(NamedTuple):
    code: str
    message: str
    offset: int  # file offset the finding points at
    fix: Edit | None
