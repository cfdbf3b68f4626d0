"""Orchestration: fix(text) -> Result. Pure: no I/O, and what it remembers of earlier texts
(for editors) changes no result."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .cache import cache_use
from .dockerfile import Dockerfile, Instruction, rescan, scan
from .dockerfile import forget as forget_scans
from .edits import Edit, apply_edits, remove_edits
from .errors import CannotFix, InternalError
from .invocation import find_invocation
from .pragmas import ALL_CODES, PragmaWarning, Suppressions, suppressions
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
    warnings: tuple[PragmaWarning, ...] = ()  # pragmas that cannot be read or name unknown rules

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
        return Result(text, text, (), (), skipped_reason="# pipfix: skip-file", warnings=suppressed.warnings)
    contexts = run_contexts(dockerfile)
    violations = _reported(dockerfile, text, settings, suppressed, contexts)
    edits = tuple(sorted({v.fix for v in violations if v.fix is not None}, key=lambda edit: edit.offset))
    fixed = apply_edits(text, edits)
    if edits:
        _self_check(text, fixed, edits, dockerfile, settings, suppressed, contexts[0])
    if not violations:
        return Result(text, fixed, (), edits, warnings=suppressed.warnings)
    index = LineIndex(text)
    findings = tuple(
        Finding(v.code, v.message, v.offset, *index.line_column(v.offset), v.fix)
        for v in sorted(violations, key=lambda v: (v.offset, v.code))
    )
    return Result(text, fixed, findings, edits, warnings=suppressed.warnings)


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
    if not suppressed.everywhere and not suppressed.by_line:
        return [violation for violation, _ in found if violation.code not in ignore]
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
        yield from _run_violations(instruction, context, text, dockerfile.escape, settings)


# The violations of the RUN instructions seen last, relative to their start, by what decides
# them: an editor sends the same file again and again with one instruction changed. At most
# _MEMO_SIZE instructions of at most _MEMO_TEXT characters each (32 MB of text at the worst).
_MEMO_SIZE = 4096
_MEMO_TEXT = 8192
_memo: dict[tuple, tuple[Violation, ...]] = {}


def forget() -> None:
    """Drop what fix() remembers of the texts it has seen (for measuring a first sight)."""
    _memo.clear()
    forget_scans()


def _run_violations(
    instruction: Instruction, context: RunContext, text: str, escape: str, settings: Settings
) -> Iterator[tuple[Violation, int]]:
    """The violations of one RUN instruction; none without a mention of pip or uv (no shell
    parsing then)."""
    source = text[instruction.start : instruction.end]
    if not may_call_pip(source):
        return
    # the instruction is what its text and the escape character make of it (heredoc bodies
    # included), wherever it stands
    key = (source, escape, tuple(context.env.items()), context.cache_mounts, context.home, context.dialect, settings)
    relative = _memo.get(key)
    if relative is None:
        relative = tuple(
            _shifted(violation, -instruction.start)
            for violation in _found_violations(instruction, context, text, settings)
        )
        if len(source) <= _MEMO_TEXT:
            if len(_memo) >= _MEMO_SIZE:
                _memo.clear()
            _memo[key] = relative
    for violation in relative:
        yield _shifted(violation, instruction.start), instruction.start_line


def _shifted(violation: Violation, shift: int) -> Violation:
    fix = violation.fix
    return violation._replace(
        offset=violation.offset + shift,
        fix=None if fix is None else Edit(fix.offset + shift, fix.text),
    )


def _found_violations(
    instruction: Instruction, context: RunContext, text: str, settings: Settings
) -> Iterator[Violation]:
    for command in commands(instruction, text, context.dialect, context.env):
        for word in _setting_words(command):
            name, _, value = (word.text or "").partition("=")
            for rule in SETTING_RULES:
                if violation := rule.check(Setting(name, value, word.start, instruction.start_line)):
                    yield violation
        invocation = find_invocation(command, {**command.exported, **command.assignments})
        if invocation is None:
            continue
        use = cache_use(invocation, context)
        for rule in CALL_RULES:
            if violation := rule.check(use, settings.strategy):
                yield violation


def _setting_words(command: Command) -> Iterator[Word]:
    """The words of a command that put a variable in a program's environment: its `VAR=x`
    prefix, and the `VAR=x` arguments of `export`, `declare -x`, `env` and `sudo`."""
    yield from command.assignment_words
    if not command.words:
        return
    name = command.words[0].text
    arguments = command.words[1:]
    exports = name in ("export", "env", "sudo") or (
        name in ("declare", "typeset")
        and any((word.text or "").startswith("-") and "x" in (word.text or "") for word in arguments)
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
    runs: list[tuple[Instruction, RunContext]],
) -> None:
    """black's and ruff's safety net: the fixed text must scan to the same instructions, need
    no further fix, and give back the source when the insertions are removed."""
    edited = _edited_runs(edits, runs)
    if edited is None:  # not only inside RUN instructions: check the whole file again
        after = scan(fixed)
        if _shape(after.instructions) != _shape(before.instructions):
            raise InternalError("the fix changed the instructions (this is a bug in pipfix)")
        found = _violations(after, fixed, settings)
    else:
        # Every other line is unchanged, so scanning the edited instructions again is scanning
        # the file again; so are the other RUNs' contexts, which need no check.
        olds = [old for old, _ in edited]
        news = rescan(fixed, [old.start_line for old in olds], before.escape)
        if _shape(news) != _shape(olds):
            raise InternalError("the fix changed the instructions (this is a bug in pipfix)")
        found = (
            violation
            for new, (_, context) in zip(news, edited, strict=True)
            for violation in _run_violations(new, context, fixed, before.escape, settings)
        )
    if any(v.fix is not None for v in _unsuppressed(found, settings, suppressed)):
        raise InternalError("the fix is not stable (this is a bug in pipfix)")
    if remove_edits(fixed, edits) != source:
        raise InternalError("the fix changed more than it inserted (this is a bug in pipfix)")


def _shape(instructions: Iterable[Instruction]) -> list[tuple]:
    """What an edit must not change: each instruction's keyword, lines and flags."""
    return [
        (i.keyword, i.onbuild, i.start_line, i.end_line, [(f.name, f.value) for f in i.flags]) for i in instructions
    ]


def _edited_runs(
    edits: tuple[Edit, ...], runs: list[tuple[Instruction, RunContext]]
) -> list[tuple[Instruction, RunContext]] | None:
    """The RUN instructions that hold an edit, each with its context, in file order; None
    unless every edit lies inside a RUN instruction."""
    starts = [instruction.start for instruction, _ in runs]  # in file order
    chosen: dict[int, tuple[Instruction, RunContext]] = {}
    for edit in edits:
        index = bisect_right(starts, edit.offset) - 1
        if index < 0 or edit.offset > runs[index][0].end:
            return None
        chosen[index] = runs[index]
    return [chosen[index] for index in sorted(chosen)]
