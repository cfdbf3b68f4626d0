"""The sarif format: SARIF 2.1.0 as GitHub code scanning reads it, each fix carried as an
insertion (an empty deleted region plus the inserted text)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..source import LineIndex
from . import FileReport
from .locations import edit_position, finding_span
from .rule_docs import DOCS_URL, RULE_DOCS, RuleDoc

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/pipfix/"
LEVEL = "warning"


def render(reports: Sequence[FileReport]) -> str:
    rule_ids = list(RULE_DOCS)
    run = {
        "tool": {
            "driver": {
                "name": "pipfix",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(doc) for doc in RULE_DOCS.values()],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [result for report in reports for result in results(report, rule_ids)],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def rule_descriptor(doc: RuleDoc) -> dict[str, Any]:
    return {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.description},
        "help": {"text": doc.markdown, "markdown": doc.markdown},
        "helpUri": DOCS_URL + doc.path,
        "defaultConfiguration": {"level": LEVEL},
        "properties": {
            "tags": ["dockerfile", "image-size"],
            "precision": "very-high",
            "fixable": doc.fixable,
        },
    }


def results(report: FileReport, rule_ids: list[str]) -> list[dict[str, Any]]:
    text = report.result.source
    index = LineIndex(text)
    location = {"uri": artifact_uri(report.name)}
    found = []
    for finding in report.result.findings:
        span = finding_span(text, index, finding)
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": rule_ids.index(finding.code),
            "level": LEVEL,
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": {
                            "startLine": span.line,
                            "startColumn": span.column,
                            "endLine": span.end_line,
                            "endColumn": span.end_column,
                        },
                    }
                }
            ],
        }
        if finding.fix is not None:
            line, column = edit_position(index, finding.fix)
            result["fixes"] = [
                {
                    "description": {"text": f"Insert {finding.fix.text.strip()!r}"},
                    "artifactChanges": [
                        {
                            "artifactLocation": location,
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": line,
                                        "startColumn": column,
                                        "endLine": line,
                                        "endColumn": column,
                                    },
                                    "insertedContent": {"text": finding.fix.text},
                                }
                            ],
                        }
                    ],
                }
            ]
        found.append(result)
    return found


def artifact_uri(name: str) -> str:
    """A relative URI for a relative path (what code scanning wants), a file URI otherwise."""
    path = PurePath(name)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix())
