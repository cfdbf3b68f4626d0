"""Orchestration: fix(text) -> Result. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from .edits import Edit
from .settings import DEFAULT_SETTINGS, Settings


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # PIP001 ...
    message: str
    offset: int  # file offset of the word the finding is about (pip, python or uv)
    line: int  # 1-based, of offset
    column: int  # 1-based, in code points
    fix: Edit | None  # None for advisory findings and calls that cannot be edited safely


@dataclass(frozen=True, slots=True)
class Result:
    source: str  # the text given
    text: str  # the fixed text (== source when nothing changed)
    findings: tuple[Finding, ...]  # sorted by offset
    edits: tuple[Edit, ...]  # the edits applied, sorted by offset
    skipped_reason: str | None = None  # e.g. "# pipfix: skip-file"

    @property
    def changed(self) -> bool:
        return self.text != self.source


def fix(text: str, settings: Settings = DEFAULT_SETTINGS) -> Result:
    raise NotImplementedError
