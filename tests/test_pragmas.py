"""Suppression comments: what each pragma suppresses, and the warning a pipfix pragma gets when
it cannot be read or names an unknown rule (then it suppresses nothing of what it meant to)."""

from __future__ import annotations

import pytest

from pipfix.config import rule_codes
from pipfix.dockerfile import scan
from pipfix.pragmas import ALL_CODES, FORMS, suppressions
from tests.cli_support import PYTHON_M_PIPFIX, run, stderr_lines, write  # noqa: F401 (run)

UNKNOWN = "unknown rule code {} in a pipfix pragma (the rules: " + ", ".join(rule_codes()) + ")"


def unreadable(text: str) -> str:
    return f"cannot read the pipfix pragma '# {text}'; write {FORMS}"


@pytest.mark.parametrize(
    ("comment", "ignored", "warning"),
    [
        ("# pipfix: ignore", {ALL_CODES}, None),
        ("#PIPFIX:IGNORE", {ALL_CODES}, None),
        ("# pipfix: ignore=PIP001", {"PIP001"}, None),
        ("# pipfix: ignore=pip001, PIP002", {"PIP001", "PIP002"}, None),
        ("# pipfix: ignore = PIP002", {"PIP002"}, None),
        ("# pipfix: ignore[PIP002]", {"PIP002"}, None),
        ("# pipfix: ignore=PIP001,PIP999", {"PIP001", "PIP999"}, UNKNOWN.format("'PIP999'")),
        ("# pipfix: ignore=DL3042", {"DL3042"}, UNKNOWN.format("'DL3042'")),
        ("# pipfix: ignore PIP002", None, unreadable("pipfix: ignore PIP002")),
        ("# pipfix: ignore=", None, unreadable("pipfix: ignore=")),
        ("# pipfix: ignore=PIP001;PIP002", None, unreadable("pipfix: ignore=PIP001;PIP002")),
        ("# pipfix: ignored", None, unreadable("pipfix: ignored")),
        ("# pipfix: ignore-all", None, unreadable("pipfix: ignore-all")),
        ("# pipfix ignore", None, unreadable("pipfix ignore")),
        ("# pipfix: skip", None, unreadable("pipfix: skip")),
        ("# pipfix: skip file", None, unreadable("pipfix: skip file")),
        ("# pipfix: skip-file please", None, unreadable("pipfix: skip-file please")),
        ("# pipfix:", None, unreadable("pipfix:")),
        # not pragmas: no warning
        ("# pipfix is run in CI", None, None),
        ("# pipfixes", None, None),
        ("# see pipfix: ignore", None, None),
        ("# hadolint ignore=DL3008,DL3042", {"PIP001"}, None),
        ("# hadolint ignore=DL9999", set(), None),
    ],
)
def test_what_a_pragma_ignores_and_when_it_warns(comment, ignored, warning):
    found = suppressions(scan(f"FROM a\n{comment}\nRUN pip install x\n"))
    assert found.by_line.get(3) == (None if ignored is None else frozenset(ignored))
    assert [(w.line, w.message) for w in found.warnings] == ([] if warning is None else [(2, warning)])
    assert not found.skip_file


@pytest.mark.parametrize(
    ("comment", "skip_file"),
    [("# pipfix: skip-file", True), ("# Pipfix:Skip-File", True), ("# pipfix: skip-file now", False)],
)
def test_skip_file(comment, skip_file):
    assert suppressions(scan(f"FROM a\n{comment}\nRUN pip install x\n")).skip_file is skip_file


def test_a_comment_in_a_heredoc_body_is_no_pragma():
    text = "FROM a\nRUN <<EOF\n# pipfix: ignore PIP002\npip install x\nEOF\n"
    assert suppressions(scan(text)).warnings == ()


@pytest.fixture
def command() -> list[str]:
    return PYTHON_M_PIPFIX


PRAGMAS = "FROM a\n# pipfix: ignore PIP001\nRUN pip install x\n# pipfix: ignore=PIP001,PIP777\nRUN pip install y\n"


@pytest.mark.parametrize(
    ("args", "name"),
    [([], "Dockerfile"), (["--check"], "Dockerfile"), (["--write"], "Dockerfile"), (["-"], "-")],
)
def test_the_warnings_name_the_file_and_the_line_in_every_mode(run, tmp_path, args, name):
    write(tmp_path / "Dockerfile", PRAGMAS)
    process = run(*args, *([] if args == ["-"] else ["Dockerfile"]), stdin=PRAGMAS.encode())
    warnings = [line for line in stderr_lines(process) if line.startswith("warning:")]
    assert warnings == [
        f"warning: {name}:2: {unreadable('pipfix: ignore PIP001')}",
        f"warning: {name}:4: {UNKNOWN.format(repr('PIP777'))}",
    ]
    # the unreadable pragma suppresses nothing: its call is still found (and fixed)
    assert run("--check", "-", stdin=PRAGMAS.encode()).stdout.startswith(b"-:3:5: PIP001")


def test_quiet_hides_the_warnings(run):
    assert run("-q", "-", stdin=PRAGMAS.encode()).stderr == b""
