"""The gitlab format: a GitLab Code Quality report (Code Climate issues), one fingerprint each.
Paths are relative to the repository's root (locations.source_root), as GitLab matches them."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..source import LineIndex
from . import FileReport
from .locations import finding_span, root_path, source_root
from .rule_docs import RULE_DOCS

SEVERITY = "minor"


def render(reports: Sequence[FileReport]) -> str:
    issues: list[dict[str, Any]] = []
    occurrences: Counter[tuple[str, str, str]] = Counter()
    root = source_root()
    for report in reports:
        path = root_path(report.name, root) or report.name
        text = report.result.source
        index = LineIndex(text)
        lines = text.split("\n")
        for finding in report.result.findings:
            span = finding_span(text, index, finding)
            line_text = lines[span.line - 1].strip()
            key = (path, finding.code, line_text)
            occurrences[key] += 1
            issues.append(
                {
                    "type": "issue",
                    "check_name": f"{finding.code} {RULE_DOCS[finding.code].name}",
                    "description": f"{finding.code} {finding.message}",
                    "categories": ["Performance"],
                    "severity": SEVERITY,
                    "fingerprint": fingerprint(*key, occurrences[key]),
                    "location": {
                        "path": path,
                        "lines": {"begin": span.line, "end": span.end_line},
                    },
                }
            )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def fingerprint(path: str, code: str, line_text: str, occurrence: int) -> str:
    """Stable when lines are added above the finding; unique within a report (the occurrence
    number tells apart identical lines in one file)."""
    return hashlib.sha256(f"{path}\0{code}\0{line_text}\0{occurrence}".encode()).hexdigest()
