"""The sarif format: SARIF 2.1.0 as GitHub code scanning reads it, each fix carried as an
insertion (an empty deleted region plus the inserted text).

Paths are relative to the repository's root (locations.source_root), which is what code
scanning expects, marked with the uriBaseId %SRCROOT%, which the run's originalUriBaseIds
resolves; a file outside it gets an absolute file URI. Files that could not be read or fixed
are the invocation's toolExecutionNotifications, and make it unsuccessful.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..source import LineIndex
from . import FileError, FileReport
from .locations import edit_position, finding_span, root_path, source_root
from .rule_docs import DOCS_URL, RULE_DOCS, RuleDoc

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/pipfix/"
LEVEL = "warning"
SOURCE_ROOT = "%SRCROOT%"


def render(reports: Sequence[FileReport], errors: Sequence[FileError] = ()) -> str:
    rule_ids = list(RULE_DOCS)
    root = source_root()
    run = {
        "tool": {
            "driver": {
                "name": "pipfix",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(doc) for doc in RULE_DOCS.values()],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": [notification(error, root) for error in errors],
            }
        ],
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [result for report in reports for result in results(report, rule_ids, root)],
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


def notification(error: FileError, root: Path) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"cannot fix {error.name}: {error.reason}"},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(error.name, root)}}],
    }


def results(report: FileReport, rule_ids: list[str], root: Path) -> list[dict[str, Any]]:
    text = report.result.source
    index = LineIndex(text)
    location = artifact_location(report.name, root)
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


def artifact_location(name: str, root: Path) -> dict[str, str]:
    """A URI relative to the source root for a file under it (what code scanning wants), else
    an absolute file URI (standard input: its name)."""
    if name == "-":
        return {"uri": name}
    relative = root_path(name, root)
    if relative is not None:
        return {"uri": quote(relative), "uriBaseId": SOURCE_ROOT}
    return {"uri": Path(os.path.abspath(name)).as_uri()}
