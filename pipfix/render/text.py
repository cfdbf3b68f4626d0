"""The text format: one line per finding, `PATH:LINE:COLUMN: CODE message`."""

from __future__ import annotations

from ..engine import Result


def findings_lines(name: str, result: Result) -> str:
    return "".join(
        f"{name}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n"
        for finding in result.findings
    )
