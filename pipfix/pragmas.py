"""Suppression comments: `# pipfix: ignore`, `# pipfix: skip-file` and hadolint's DL3042 pragmas."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dockerfile import Dockerfile

ALL_CODES = "*"
HADOLINT_CODES = {"DL3042": "PIP001"}

_PIPFIX = re.compile(r"pipfix:\s*(skip-file|ignore)\s*(?:[=\[]\s*([\w\s,]+?)\s*\]?)?\s*", re.IGNORECASE)
_HADOLINT = re.compile(r"hadolint\s+(global\s+)?ignore\s*=\s*([\w\s,]+?)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Suppressions:
    skip_file: bool
    everywhere: frozenset[str]  # codes ignored in the whole file
    by_line: dict[int, frozenset[str]]  # codes ignored for the instruction starting on a line

    def codes_for(self, start_line: int) -> frozenset[str]:
        return self.everywhere | self.by_line.get(start_line, frozenset())


def suppressions(dockerfile: Dockerfile, honor_hadolint: bool = True) -> Suppressions:
    """Each pragma applies to the instruction right below its block of comment lines."""
    skip_file = False
    everywhere: set[str] = set()
    pending: dict[int, set[str]] = {}  # comment line -> codes it ignores
    comment_lines = set()
    for comment in dockerfile.comments:
        comment_lines.add(comment.line)
        codes: set[str] = set()
        if match := _PIPFIX.fullmatch(comment.text):
            if match.group(1).lower() == "skip-file":
                skip_file = True
                continue
            codes = _split_codes(match.group(2)) or {ALL_CODES}
            pending[comment.line] = codes
        elif honor_hadolint and (match := _HADOLINT.fullmatch(comment.text)):
            codes = {HADOLINT_CODES[code] for code in _split_codes(match.group(2)) if code in HADOLINT_CODES}
            if match.group(1):
                everywhere |= codes
            else:
                pending[comment.line] = codes
    by_line: dict[int, frozenset[str]] = {}
    for line, codes in pending.items():
        below = line + 1
        while below in comment_lines:
            below += 1
        by_line[below] = by_line.get(below, frozenset()) | codes
    return Suppressions(skip_file, frozenset(everywhere), by_line)


def _split_codes(text: str | None) -> set[str]:
    return {code.upper() for code in re.split(r"[\s,]+", text or "") if code}
