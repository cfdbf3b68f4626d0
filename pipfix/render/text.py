"""The text format: one line per finding, `PATH:LINE:COLUMN: CODE message`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import Finding


def findings_lines(name: str, findings: Iterable[Finding]) -> str:
    return "".join(
        f"{name}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n" for finding in findings
    )
