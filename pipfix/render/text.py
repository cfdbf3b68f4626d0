"""The text format: one line per finding, `PATH:LINE:COLUMN: CODE message`; and what people
read on stderr: the fixes (--show-fixes), the findings pipfix will not fix, the statistics
(--statistics, on stdout) and the summary line.

COLUMN counts characters (code points; a BOM is not counted) unless --column-unit asks for the
UTF-16 code units editors with an LSP client count (VS Code, efm-langserver) or the UTF-8 bytes
Vim's quickfix counts."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TYPE_CHECKING

from ..console import Mode, Status
from ..source import code_units

if TYPE_CHECKING:
    from ..engine import Finding

# (rule code, whether the finding has a fix) -> how many
FindingCounts = Counter[tuple[str, bool]]


class ColumnUnit(str, enum.Enum):
    CHARACTER = "character"
    UTF16 = "utf-16"
    UTF8 = "utf-8"


Columns = Callable[["Finding"], int]  # a finding's 1-based column
BY_CHARACTER: Columns = attrgetter("column")


def columns_for(unit: ColumnUnit, text: str | None) -> Columns:
    """The columns of findings in `text` (needed unless they count characters) in `unit`."""
    if unit is ColumnUnit.CHARACTER:
        return BY_CHARACTER

    def column(finding: Finding) -> int:
        assert text is not None, "a text with findings is kept when columns do not count characters"
        line_start = finding.offset - finding.column + 1  # after a BOM on line 1, as Finding.column
        return code_units(text[line_start : finding.offset], unit.value) + 1

    return column


def findings_lines(name: str, findings: Iterable[Finding], column: Columns = BY_CHARACTER) -> str:
    return "".join(f"{finding_line(name, finding, column)}\n" for finding in findings)


def finding_line(name: str, finding: Finding, column: Columns = BY_CHARACTER) -> str:
    return f"{name}:{finding.line}:{column(finding)}: {finding.code} {finding.message}"


def unfixable_line(name: str, finding: Finding, column: Columns = BY_CHARACTER) -> str:
    """A finding pipfix leaves as it is, for stderr in preview and --write."""
    return f"{finding_line(name, finding, column)} (not fixable)"


def fix_line(name: str, finding: Finding, mode: Mode, column: Columns = BY_CHARACTER) -> str:
    """--show-fixes: where a finding's fix goes and what it inserts (quoted as JSON strings are:
    the text may start with a space or hold a line break)."""
    import json

    assert finding.fix is not None
    verb = "inserted" if mode is Mode.WRITE else "would insert"
    inserted = json.dumps(finding.fix.text, ensure_ascii=False)
    return f"{name}:{finding.line}:{column(finding)}: {finding.code} {verb} {inserted}"


def statistics(counts: FindingCounts, mode: Mode) -> str:
    """--statistics: per rule, how many findings and how many have a fix, most found first."""
    from .rule_docs import RULE_DOCS

    totals: Counter[str] = Counter()
    for (code, _), number in counts.items():
        totals[code] += number
    done = "fixed" if mode is Mode.WRITE else "fixable"
    rows = []
    for code, total in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        fixable = counts[code, True]
        if not fixable:
            fixes = f"not {done}"
        elif fixable == total:
            fixes = f"{fixable} {done}"
        else:
            fixes = f"{fixable} of {total} {done}"
        rows.append((str(total), code, RULE_DOCS[code].name, fixes))
    widths = [max(len(row[column]) for row in rows) for column in range(3)] if rows else []
    return "".join(
        f"{number:>{widths[0]}}  {code:<{widths[1]}}  {name:<{widths[2]}}  {fixes}\n"
        for number, code, name, fixes in rows
    )


def summary(statuses: Iterable[Status], counts: FindingCounts, mode: Mode) -> str:
    """E.g. `1 file would be fixed, 12 unchanged; 4 findings, 3 fixable with pipfix --write`
    (`3 files fixed, ...; 4 findings, 3 fixed` with --write)."""
    files = Counter(statuses)
    if not files:
        return "no Dockerfiles found"
    parts = []
    if changed := files[Status.CHANGED]:
        parts.append(f"{_count(changed, 'file')} {'fixed' if mode is Mode.WRITE else 'would be fixed'}")
    if unchanged := files[Status.UNCHANGED]:
        parts.append(f"{unchanged if parts else _count(unchanged, 'file')} unchanged")
    if failed := files[Status.FAILED]:
        parts.append(_count(failed, "error"))
    found = sum(counts.values())
    fixable = sum(number for (_, has_fix), number in counts.items() if has_fix)
    if not found:
        findings = "no findings"
    elif not fixable:
        findings = f"{_count(found, 'finding')}, {'not' if found == 1 else 'none'} fixable by pipfix"
    elif mode is Mode.WRITE:
        findings = f"{_count(found, 'finding')}, {fixable} fixed"
    else:
        findings = f"{_count(found, 'finding')}, {fixable} fixable with pipfix --write"
    return f"{', '.join(parts)}; {findings}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
