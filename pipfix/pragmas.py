"""Suppression comments: `# pipfix: ignore`, `# pipfix: ignore=CODE[,CODE]`, `# pipfix: skip-file`
and hadolint's DL3042 pragmas; and a warning for each pipfix pragma that cannot be read or that
names an unknown rule (it suppresses nothing)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from .dockerfile import Dockerfile
from .rules import RULES

ALL_CODES = "*"
HADOLINT_CODES = {"DL3042": "PIP001"}
FORMS = "'# pipfix: ignore', '# pipfix: ignore=CODE[,CODE]' or '# pipfix: skip-file'"

# Each pattern matches the head of a pragma; the codes after it are split apart without a
# regular expression that could backtrack over a long line.
_PIPFIX = re.compile(r"pipfix:[ \t]*(skip-file|ignore)\b", re.IGNORECASE)
# what a pipfix pragma that went wrong starts with: `pipfix:`, or `pipfix ignore`/`pipfix skip`
_PIPFIX_LIKE = re.compile(r"pipfix(?:[ \t]*:|[ \t]+(?:ignore|skip))", re.IGNORECASE)
_HADOLINT = re.compile(r"hadolint[ \t]+(global[ \t]+)?ignore[ \t]*=", re.IGNORECASE)
_CODE = re.compile(r"\w+")


class PragmaWarning(NamedTuple):
    line: int  # 1-based, the comment's
    message: str


@dataclass(frozen=True, slots=True)
class Suppressions:
    skip_file: bool
    everywhere: frozenset[str]  # codes ignored in the whole file
    by_line: dict[int, frozenset[str]]  # codes ignored for the instruction starting on a line
    warnings: tuple[PragmaWarning, ...] = ()

    def codes_for(self, start_line: int) -> frozenset[str]:
        return self.everywhere | self.by_line.get(start_line, frozenset())


def suppressions(dockerfile: Dockerfile, honor_hadolint: bool = True) -> Suppressions:
    """Each pragma applies to the instruction right below its block of comment lines."""
    skip_file = False
    everywhere: set[str] = set()
    pending: dict[int, set[str]] = {}  # comment line -> codes it ignores
    comment_lines = set()
    warnings = []
    for comment in dockerfile.comments:
        comment_lines.add(comment.line)
        if _PIPFIX_LIKE.match(comment.text):
            said = _read_pipfix(comment.text)
            if said is None:
                warnings.append(
                    PragmaWarning(comment.line, f"cannot read the pipfix pragma '# {comment.text}'; write {FORMS}")
                )
            elif isinstance(said, str):  # SKIP_FILE
                skip_file = True
            else:
                pending[comment.line] = said
                if unknown := sorted(said - _RULE_CODES - {ALL_CODES}):
                    warnings.append(PragmaWarning(comment.line, _unknown_codes(unknown)))
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
    return Suppressions(skip_file, frozenset(everywhere), by_line, tuple(warnings))


SKIP_FILE = "skip-file"
_RULE_CODES = frozenset(rule.CODE for rule in RULES)


def _read_pipfix(text: str) -> str | set[str] | None:
    """What a pipfix pragma says: SKIP_FILE, or the codes it ignores ({ALL_CODES}: all of
    them); None when it is none of the forms."""
    match = _PIPFIX.match(text)
    if match is None:
        return None
    form = match.group(1).lower()
    rest = text[match.end() :].strip()
    if not rest:
        return SKIP_FILE if form == SKIP_FILE else {ALL_CODES}
    if form == "ignore" and rest[0] in "=[":
        return _split_codes(rest[1:].removesuffix("]")) or None
    return None


def _unknown_codes(codes: list[str]) -> str:
    listed = ", ".join(repr(code) for code in codes)
    return f"unknown rule code {listed} in a pipfix pragma (the rules: {', '.join(sorted(_RULE_CODES))})"


def _split_codes(text: str) -> set[str]:
    """The codes of a list such as `PIP001, PIP002`; empty when anything else is in it."""
    parts = text.replace(",", " ").split()
    return {code.upper() for code in parts} if all(_CODE.fullmatch(code) for code in parts) else set()
