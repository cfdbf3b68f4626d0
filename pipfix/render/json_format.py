"""The json format: an array with one object per finding; its JSON schema is
`schemas/pipfix-json.schema.json` in the repository (documented in the README)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from ..source import LineIndex
from . import FileReport
from .locations import edit_position, finding_span
from .rule_docs import RULE_DOCS


def render(reports: Sequence[FileReport]) -> str:
    return json.dumps(list(findings(reports)), indent=2, ensure_ascii=False) + "\n"


def findings(reports: Sequence[FileReport]) -> Iterator[dict[str, Any]]:
    for report in reports:
        text = report.result.source
        index = LineIndex(text)
        for finding in report.result.findings:
            span = finding_span(text, index, finding)
            yield {
                "file": report.name,
                "line": span.line,
                "column": span.column,
                "end": {"line": span.end_line, "column": span.end_column},
                "offset": finding.offset,
                "code": finding.code,
                "name": RULE_DOCS[finding.code].name,
                "message": finding.message,
                "fix": None
                if finding.fix is None
                else {
                    "edits": [
                        {
                            "offset": finding.fix.offset,
                            "line": line,
                            "column": column,
                            "insert": finding.fix.text,
                        }
                        for line, column in [edit_position(index, finding.fix)]
                    ]
                },
            }
