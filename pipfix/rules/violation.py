"""What a rule reports: a code, a message, where, and the edit that fixes it (if any)."""

from __future__ import annotations

from dataclasses import dataclass

from ..edits import Edit


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    message: str
    offset: int  # file offset the finding points at
    fix: Edit | None
