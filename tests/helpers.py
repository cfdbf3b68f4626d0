"""assert_fix: the harness every rule table goes through.

Besides the row's expected text it enforces, whatever the row says: idempotence, insertions
only, every fixable finding carries its edit, advisory findings carry none, and every finding
of a fixable rule points at the start of the word that names its call's program (pip, python,
uv, conda ...). The codes and their fixability come from the rule registry, so a new rule is
held to the same checks. Each row is re-checked mechanically in variants that must not change
the verdict: CRLF line endings, no final newline, a BOM, and the backtick escape of Windows
Dockerfiles.
"""

from __future__ import annotations

from pipfix import Settings, Strategy, fix
from pipfix.dockerfile import scan
from pipfix.edits import remove_edits
from pipfix.invocation import find_invocations
from pipfix.rules import RULES
from pipfix.shell import commands
from pipfix.stages import run_contexts

FIXABLE = frozenset(rule.CODE for rule in RULES if rule.FIXABLE)
ADVISORY = frozenset(rule.CODE for rule in RULES if not rule.FIXABLE)
_BEFORE_A_WORD = " \t\r\n\"'`([{;&|,"  # what may stand right before a word of a shell command


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


def program_starts(source: str) -> set[int]:
    """The file offset of the program word (pip, python, uv ...) of every call in `source`,
    found by the stages before the rules: the commands of each RUN, and the call in each."""
    starts = set()
    for instruction, context in run_contexts(scan(source))[0]:
        for command in commands(instruction, source, context.dialect, context.env):
            for invocation in find_invocations(command, {**command.exported, **command.assignments}):
                starts.add(invocation.program.start)
    return starts


def check_invariants(source: str, settings: Settings) -> str:
    result = fix(source, settings)
    assert {finding.code for finding in result.findings} <= FIXABLE | ADVISORY, "a code not in the registry"
    if any(finding.code in FIXABLE for finding in result.findings):
        programs = program_starts(source)
        for finding in result.findings:
            if finding.code in FIXABLE:
                assert finding.offset in programs, f"{finding} does not point at its call's program"
                before = source[finding.offset - 1 : finding.offset]
                assert before in ("", "\ufeff") or before in _BEFORE_A_WORD, f"{finding} is not at a word's start"
    for finding in result.findings:
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
