"""Orchestration: fix(text) -> Result. Pure: no I/O."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .cache import cache_use
from .dockerfile import Dockerfile, Instruction, scan
from .edits import Edit, apply_edits, remove_edits
from .errors import CannotFix, InternalError
from .invocation import find_invocation
from .pragmas import ALL_CODES, Suppressions, suppressions
from .rules import CALL_RULES, SETTING_RULES, Violation
from .settings import DEFAULT_SETTINGS, Settings
from .shell import Command, Word, commands
from .source import LineIndex
from .stages import RunContext, Setting, run_contexts


class Finding(NamedTuple):
    code: str  # PIP001 ...
    message: str
    offset: int  # file offset of the word the finding is about (pip, python or uv)
    line: int  # 1-based, of offset
    column: int  # 1-based, in code points
    fix: Edit | None  # None for advisory findings and calls that cannot be edited safely


@dataclass(frozen=True, slots=True)
class Result:
    source: str  # the text given
    text: str  # the fixed text (== source when nothing changed)
    findings: tuple[Finding, ...]  # sorted by offset
    edits: tuple[Edit, ...]  # the edits applied, sorted by offset
    skipped_reason: str | None = None  # e.g. "# pipfix: skip-file"

    @property
    def changed(self) -> bool:
        return self.text != self.source


def may_call_pip(text: str) -> bool:
    """Cheap test: only text that mentions pip or uv (`$PIP`, PIP_NO_CACHE_DIR) can need a fix."""
    return "pip" in text or "PIP" in text or "uv" in text


def fix(text: str, settings: Settings = DEFAULT_SETTINGS) -> Result:
    """Find every pip and uv call in the Dockerfile `text` that keeps its cache, and fix it.

    Raises CannotFix for a file pipfix cannot understand, InternalError when the fix fails its
    own check; the text is never half fixed."""
    nul = text.find("\0")
    if nul != -1:
        raise CannotFix(f"binary file (NUL byte at line {LineIndex(text).line_column(nul)[0]})")
    if not may_call_pip(text):
        return Result(text, text, (), ())
    dockerfile = scan(text)
    suppressed = suppressions(dockerfile, settings.honor_hadolint_pragmas)
    if suppressed.skip_file:
        return Result(text, text, (), (), skipped_reason="# pipfix: skip-file")
    contexts = run_contexts(dockerfile)
    violations = _reported(dockerfile, text, settings, suppressed, contexts)
    edits = tuple(sorted({v.fix for v in violations if v.fix is not None}, key=lambda edit: edit.offset))
    fixed = apply_edits(text, edits)
    if edits:
        _self_check(text, fixed, edits, dockerfile, settings, suppressed, contexts[0])
    if not violations:
        return Result(text, fixed, (), edits)
    index = LineIndex(text)
    findings = tuple(
        Finding(v.code, v.message, v.offset, *index.line_column(v.offset), v.fix)
        for v in sorted(violations, key=lambda v: (v.offset, v.code))
    )
    return Result(text, fixed, findings, edits)


def _reported(
    dockerfile: Dockerfile,
    text: str,
    settings: Settings,
    suppressed: Suppressions,
    contexts: tuple[list[tuple[Instruction, RunContext]], list[Setting]] | None = None,
) -> list[Violation]:
    return _unsuppressed(_violations(dockerfile, text, settings, contexts), settings, suppressed)


def _unsuppressed(
    found: Iterable[tuple[Violation, int]], settings: Settings, suppressed: Suppressions
) -> list[Violation]:
    ignore = settings.ignore
    return [
        violation
        for violation, line in found
        if violation.code not in ignore and not {violation.code, ALL_CODES} & suppressed.codes_for(line)
    ]


def _violations(
    dockerfile: Dockerfile,
    text: str,
    settings: Settings,
    contexts: tuple[list[tuple[Instruction, RunContext]], list[Setting]] | None = None,
) -> Iterator[tuple[Violation, int]]:
    """Every rule's violations, each with the start line of its instruction (for pragmas)."""
    runs, variable_settings = run_contexts(dockerfile) if contexts is None else contexts
    for setting in variable_settings:
        for rule in SETTING_RULES:
            if violation := rule.check(setting):
                yield violation, setting.start_line
    for instruction, context in runs:
        yield from _run_violations(instruction, context, text, settings)


def _run_violations(
    instruction: Instruction, context: RunContext, text: str, settings: Settings
) -> Iterator[tuple[Violation, int]]:
    """The violations of one RUN instruction; none without a mention of pip or uv (no shell
    parsing then)."""
    if not may_call_pip(text[instruction.start : instruction.end]):
        return
    for command in commands(instruction, text, context.dialect, context.env):
        for word in _setting_words(command):
            name, _, value = (word.text or "").partition("=")
            for rule in SETTING_RULES:
                if violation := rule.check(Setting(name, value, word.start, instruction.start_line)):
                    yield violation, instruction.start_line
        invocation = find_invocation(command, {**command.exported, **command.assignments})
        if invocation is None:
            continue
        use = cache_use(invocation, context)
        for rule in CALL_RULES:
            if violation := rule.check(use, settings.strategy):
                yield violation, instruction.start_line


def _setting_words(command: Command) -> Iterator[Word]:
    """The words of a command that put a variable in a program's environment: its `VAR=x`
    prefix, and the `VAR=x` arguments of `export`, `declare -x`, `env` and `sudo`."""
    yield from command.assignment_words
    if not command.words:
        return
    name = command.words[0].text
    arguments = command.words[1:]
    exports = name in ("export", "env", "sudo") or name in ("declare", "typeset") and any(
        (word.text or "").startswith("-") and "x" in (word.text or "") for word in arguments
    )
    if exports:
        yield from (word for word in arguments if "=" in (word.text or "").lstrip("="))


def _self_check(
    source: str,
    fixed: str,
    edits: tuple[Edit, ...],
    before: Dockerfile,
    settings: Settings,
    suppressed: Suppressions,
    runs: list[tuple[Instruction, RunContext]] | None = None,
) -> None:
    """black's and ruff's safety net: the fixed text must scan to the same instructions, need
    no further fix, and give back the source when the insertions are removed."""
    after = scan(fixed)
    if [(i.keyword, i.start_line, i.end_line) for i in after.instructions] != [
        (i.keyword, i.start_line, i.end_line) for i in before.instructions
    ]:
        raise InternalError("the fix changed the instructions (this is a bug in pipfix)")
    edited = _edited_runs(edits, before, after, runs)
    if edited is None:  # not only inside RUN scripts: check the whole file again
        found = _violations(after, fixed, settings)
    else:  # every other instruction is unchanged, and so are the RUNs' contexts
        found = (
            violation
            for instruction, context in edited
            for violation in _run_violations(instruction, context, fixed, settings)
        )
    if any(v.fix is not None for v in _unsuppressed(found, settings, suppressed)):
        raise InternalError("the fix is not stable (this is a bug in pipfix)")
    if remove_edits(fixed, edits) != source:
        raise InternalError("the fix changed more than it inserted (this is a bug in pipfix)")


def _edited_runs(
    edits: tuple[Edit, ...],
    before: Dockerfile,
    after: Dockerfile,
    runs: list[tuple[Instruction, RunContext]] | None,
) -> list[tuple[Instruction, RunContext]] | None:
    """The RUN instructions of `after` that hold an edit, each with the context it had before;
    None unless every edit lies inside a RUN whose flags it left alone (only then do all the
    other instructions, and so every RUN's context, stay the same)."""
    if runs is None:
        return None
    starts = [instruction.start for instruction, _ in runs]  # in file order
    positions = {id(instruction): position for position, instruction in enumerate(before.instructions)}
    chosen: dict[int, tuple[Instruction, RunContext]] = {}
    for edit in edits:
        index = bisect_right(starts, edit.offset) - 1
        if index < 0 or edit.offset > runs[index][0].end:
            return None
        if index in chosen:
            continue
        context = runs[index][1]
        old = runs[index][0]
        new = after.instructions[positions[id(old)]]
        if new.keyword != old.keyword or new.onbuild != old.onbuild or [
            (flag.name, flag.value) for flag in new.flags
        ] != [(flag.name, flag.value) for flag in old.flags]:
            return None
        chosen[index] = (new, context)
    return [chosen[index] for index in sorted(chosen)]
