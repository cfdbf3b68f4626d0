"""assert_fix: the harness every rule table goes through.

Besides the row's expected text it enforces, whatever the row says: idempotence, insertions
only, every fixable finding carries its edit, advisory findings carry none, and every PIP001 or
PIP002 finding points at the pip, python or uv word. Each row is re-checked mechanically in
variants that must not change the verdict: CRLF line endings, no final newline, a BOM, and the
backtick escape of Windows Dockerfiles.
"""

from __future__ import annotations

import re

from pipfix import Settings, Strategy, fix
from pipfix.edits import remove_edits

FIXABLE = {"PIP001", "PIP002"}
ADVISORY = {"PIP003", "PIP004"}
_PROGRAM = re.compile(r"""["']?[^\s"']*(pip|py|uv|\$)""", re.IGNORECASE)


def dockerfile(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _no_final_newline(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def _bom(text: str) -> str:
    return "\ufeff" + text


def _backtick(text: str) -> str:
    return "# escape=`\n" + text.replace("\\\n", "`\n")


def variants(text: str):
    yield "as is", lambda t: t
    yield "crlf", _crlf
    yield "no final newline", _no_final_newline
    yield "bom", _bom
    has_heredoc = "<<" in text
    other_backslashes = text.replace("\\\n", "").count("\\")
    if not has_heredoc and not other_backslashes and "`" not in text and not text.startswith("#"):
        yield "backtick escape", _backtick


def check_invariants(source: str, settings: Settings) -> str:
    result = fix(source, settings)
    for finding in result.findings:
        if finding.code in FIXABLE:
            assert _PROGRAM.match(source, finding.offset), f"{finding} does not point at pip/python/uv"
        if finding.code in ADVISORY:
            assert finding.fix is None, f"advisory {finding.code} carries an edit"
    fixable_without_edit = [f for f in result.findings if f.code in FIXABLE and f.fix is None]
    assert len(result.edits) >= len({f.fix for f in result.findings if f.fix}) or not fixable_without_edit
    # insertions only: removing the inserted texts gives back the source
    assert remove_edits(result.text, result.edits) == source
    again = fix(result.text, settings)
    assert again.text == result.text, "not idempotent"
    assert not [f for f in again.findings if f.fix is not None], "a fixable finding survived the fix"
    return result.text


def assert_fix(before: str, after: str, strategy: Strategy = Strategy.FLAG) -> None:
    settings = Settings(strategy=strategy)
    for name, transform in variants(before):
        got = check_invariants(transform(before), settings)
        assert got == transform(after), f"variant: {name}"


def assert_findings(text: str, expected: list[tuple[str, int, int]]) -> None:
    """Exactly these findings, in both strategies and in the variants that keep every line and
    column (CRLF, no final newline, a BOM); an advisory-only file is left as it is."""
    for strategy in Strategy:
        settings = Settings(strategy=strategy)
        for name, transform in variants(text):
            if name == "backtick escape":
                continue  # it adds a directive line: every line number moves
            source = transform(text)
            check_invariants(source, settings)
            result = fix(source, settings)
            assert [(f.code, f.line, f.column) for f in result.findings] == expected, f"{strategy.value}, {name}"
            if all(code in ADVISORY for code, _, _ in expected):
                assert result.text == source, f"{strategy.value}, {name}: an advisory finding changed the text"
