"""The github format: workflow commands that annotate the files in GitHub Actions, escaped as
the Actions toolkit (`@actions/core`, command.ts) escapes them. Paths are relative to the
repository's root (locations.source_root), as GitHub matches them."""

from __future__ import annotations

from collections.abc import Sequence

from ..source import LineIndex
from . import FileReport
from .locations import finding_span, root_path, source_root
from .rule_docs import RULE_DOCS


def render(reports: Sequence[FileReport]) -> str:
    lines = []
    root = source_root()
    for report in reports:
        path = root_path(report.name, root) or report.name
        text = report.result.source
        index = LineIndex(text)
        for finding in report.result.findings:
            span = finding_span(text, index, finding)
            properties = {
                "file": path,
                "line": span.line,
                "col": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
                "title": f"{finding.code} {RULE_DOCS[finding.code].name}",
            }
            fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
            lines.append(f"::warning {fields}::{escape_data(f'{finding.code} {finding.message}')}\n")
    return "".join(lines)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
