"""Suppression comments: `# pipfix: ignore`, `# pipfix: skip-file` and hadolint's DL3042 pragmas."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dockerfile import Dockerfile

ALL_CODES = "*"
HADOLINT_CODES = {"DL3042": "PIP001"}

# Each pattern matches the head of a pragma; the codes after it are split apart without a
# regular expression that could backtrack over a long line.
_PIPFIX = re.compile(r"pipfix:[ \t]*(skip-file|ignore)\b", re.IGNORECASE)
_HADOLINT = re.compile(r"hadolint[ \t]+(global[ \t]+)?ignore[ \t]*=", re.IGNORECASE)
_CODE = re.compile(r"\w+")


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
        if match := _PIPFIX.match(comment.text):
            rest = comment.text[match.end() :].strip()
            if match.group(1).lower() == "skip-file":
                skip_file = skip_file or not rest
                continue
            if not rest:
                pending[comment.line] = {ALL_CODES}
            elif rest[0] in "=[" and (codes := _split_codes(rest[1:].removesuffix("]"))):
                pending[comment.line] = codes
        elif honor_hadolint and (match := _HADOLINT.match(comment.text)):
            codes = _split_codes(comment.text[match.end() :])
            codes = {HADOLINT_CODES[code] for code in codes if code in HADOLINT_CODES}
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


def _split_codes(text: str) -> set[str]:
    """The codes of a list such as `PIP001, PIP002`; empty when anything else is in it."""
    parts = text.replace(",", " ").split()
    return {code.upper() for code in parts} if all(_CODE.fullmatch(code) for code in parts) else set()
