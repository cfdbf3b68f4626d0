"""Output formats. The text format is written file by file as the run goes (findings lines,
diffs); the machine formats render the findings of every file at once, at the end."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import Result


class OutputFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    GITLAB = "gitlab"


# format -> the module under pipfix.render whose render(reports) -> str writes it
MACHINE_FORMATS = {
    OutputFormat.JSON: "json_format",
    OutputFormat.SARIF: "sarif",
    OutputFormat.GITHUB: "github",
    OutputFormat.GITLAB: "gitlab",
}


@dataclass(frozen=True)
class FileReport:
    name: str  # the path as shown: as given or found, or the --stdin-filename, or "-"
    result: Result


@dataclass(frozen=True)
class FileError:
    name: str  # as in FileReport
    reason: str  # why it could not be read, fixed or written (also on stderr)


def render(output_format: OutputFormat, reports: Sequence[FileReport], errors: Sequence[FileError] = ()) -> str:
    module = importlib.import_module(f".{MACHINE_FORMATS[output_format]}", __name__)
    if output_format is OutputFormat.SARIF:  # the one format with a place for the errors
        return module.render(reports, errors)
    return module.render(reports)
