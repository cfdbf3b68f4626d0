"""Orchestration: fix(text) -> Result. Pure: no I/O, and what it remembers of earlier texts
for editors (memory.py) changes no result."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from . import mounts
from .cache import CacheUse, Run, cache_use
from .dockerfile import Dockerfile, Flag, Instruction, rescan, scan
from .edits import Edit, apply_edits, remove_edits
from .errors import CannotFix, InternalError, LineTooLong, PipfixError
from .fixes import edit_order
from .installers import MENTIONS
from .invocation import find_invocations
from .memory import MEMORY
from .pragmas import ALL_CODES, PragmaWarning, Suppressions, suppressions
from .reuse import reuses
from .rules import CALL_RULES, SETTING_RULES, Violation
from .settings import DEFAULT_SETTINGS, Settings, Strategy
from .shell import commands, setting_words
from .source import LineIndex
from .stages import RunContext, Setting, run_contexts, with_flags


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
    warnings: tuple[PragmaWarning, ...] = ()  # pragmas that cannot be read or name unknown rules

    @property
    def changed(self) -> bool:
        return self.text != self.source


_MENTIONS = re.compile("|".join(map(re.escape, MENTIONS)))  # one pass: faster than one `in` per word


def may_call_pip(text: str) -> bool:
    """Cheap test: only text that mentions an installer (or `$PIP`, PIP_NO_CACHE_DIR) can need
    a fix."""
    return _MENTIONS.search(text) is not None


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
        return Result(text, text, (), (), warnings=suppressed.warnings)
    contexts = run_contexts(dockerfile)
    violations = _reported(dockerfile, text, settings, suppressed, contexts)
    # in the order found where two share an offset (`UV_NO_CACHE=1 PIP_NO_CACHE_DIR=1 uv run pip`)
    edits = tuple(sorted(dict.fromkeys(v.fix for v in violations if v.fix is not None), key=edit_order))
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


def forget() -> None:
    """Drop what fix() remembers of the texts it has seen (for measuring a first sight)."""
    MEMORY.forget()


def _run_violations(
    instruction: Instruction, context: RunContext, text: str, escape: str, settings: Settings
) -> Iterator[tuple[Violation, int]]:
    """The violations of one RUN instruction; none without a mention of pip or uv (no shell
    parsing then)."""
    source = text[instruction.start : instruction.end]
    if not may_call_pip(source):
        return
    # the instruction is what its text and the escape character make of it (heredoc bodies
    # included), wherever it stands; every field of the context is in the key (env, the first,
    # as its items)
    key = (source, escape, tuple(context.env.items()), *context[1:], settings)
    relative = MEMORY.runs.get(key)
    if relative is None:
        relative = tuple(
            _shifted(violation, -instruction.start)
            for violation in _found_violations(instruction, context, text, settings)
        )
        MEMORY.keep_run(key, source, relative)
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
    run = Run(instruction, text, tuple(commands(instruction, text, context.dialect, context.env)))
    uses: list[tuple[int, CacheUse]] = []  # with the position of the call's command
    for position, command in enumerate(run.commands):
        for word in setting_words(command):
            name, _, value = (word.text or "").partition("=")
            for rule in SETTING_RULES:
                if violation := rule.check(Setting(name, value, word.start, instruction.start_line)):
                    yield violation
        for invocation in find_invocations(command, {**command.exported, **command.assignments}):
            uses.append((position, cache_use(invocation, context, run, position)))
    if not uses:
        return
    site = mounts.MountSite(run) if settings.strategy is Strategy.MOUNT else None
    for (_, use), reuse in zip(uses, reuses(uses, run.commands, context.home), strict=True):
        if reuse is not None:
            use = use._replace(reuse=reuse)
        for rule in CALL_RULES:
            violation = rule.check(use, settings.strategy)
            if violation is None:
                continue
            if rule.FIXABLE:  # the call keeps its cache
                violation = mounts.explained(violation, use)
                if site is not None and violation.fix is not None:
                    violation = mounts.mounted(violation, use, site)
            yield violation


def _self_check(
    source: str,
    fixed: str,
    edits: tuple[Edit, ...],
    before: Dockerfile,
    settings: Settings,
    suppressed: Suppressions,
    runs: list[tuple[Instruction, RunContext]],
) -> None:
    """black's and ruff's safety net. BuildKit reads the fixed text as the same instructions,
    with only the lines that inserted line breaks add and only the cache mounts that the fix
    adds; the rules find nothing left to fix there, each RUN seen with its fixed flags (pragmas
    are read where they stand in the source: a fix cannot add one); and the fix only inserts
    (removing the inserted texts gives back the source)."""
    inserted = _Insertions(edits)
    edited = _edited_runs(edits, runs)
    found: Iterable[tuple[Violation, int]]
    if edited is None:  # not only inside RUN instructions: check the whole file again
        try:
            after = scan(fixed)
        except CannotFix as error:
            raise _unreadable_fix(error) from None
        _check_same_instructions(before.instructions, after.instructions, inserted)
        source_line = {
            new.start_line: old.start_line for old, new in zip(before.instructions, after.instructions, strict=True)
        }
        found = ((violation, source_line[line]) for violation, line in _violations(after, fixed, settings))
    else:
        # Every other line is unchanged (moved down by the line breaks inserted above it), so
        # reading the edited instructions again is scanning the file again. A RUN decides
        # nothing for another instruction, so the stage state before each is as it was.
        olds = [old for old, _ in edited]
        try:
            news = rescan(
                fixed, [old.start_line + inserted.line_breaks_up_to(old.start) for old in olds], before.escape
            )
        except CannotFix as error:
            raise _unreadable_fix(error) from None
        _check_same_instructions(olds, news, inserted)
        found = (
            (violation, old.start_line)
            for new, (old, context) in zip(news, edited, strict=True)
            for violation, _ in _run_violations(new, _with_flags(context, old, new), fixed, before.escape, settings)
        )
    if any(v.fix is not None for v in _unsuppressed(found, settings, suppressed)):
        raise InternalError("the fix is not stable (this is a bug in pipfix)")
    if remove_edits(fixed, edits) != source:
        raise InternalError("the fix changed more than it inserted (this is a bug in pipfix)")


def _with_flags(context: RunContext, old: Instruction, new: Instruction) -> RunContext:
    """The context of RUN `new`, the fixed `old`; the same unless the fix added a flag."""
    return context if len(new.flags) == len(old.flags) else with_flags(context, new)


def _unreadable_fix(error: CannotFix) -> PipfixError:
    """Why BuildKit could not read the fixed text: a line the fix made too long for it, which
    leaves the file as it is (there is no shorter fix), or a bug in pipfix."""
    if isinstance(error, LineTooLong):
        return CannotFix(f"once fixed, line {error.line} would be longer than BuildKit's limit of {error.limit} bytes")
    return _changed_instructions(error)


def _changed_instructions(reason: object = None) -> InternalError:
    detail = f": {reason}" if reason else ""
    return InternalError(f"the fix changed the instructions{detail} (this is a bug in pipfix)")


class _Insertions:
    """Where a fix's edits (sorted by offset) put text: the line breaks they add up to each
    source offset, and the span of each inserted text in the fixed text."""

    __slots__ = ("_breaks", "_edits", "_fixed_ends", "_fixed_starts", "_offsets")

    def __init__(self, edits: tuple[Edit, ...]) -> None:
        self._edits = edits
        self._offsets: list[int] = []
        self._breaks = [0]
        if any("\n" in edit.text for edit in edits):  # most fixes add no line
            self._offsets = [edit.offset for edit in edits]
            self._breaks = list(accumulate((edit.text.count("\n") for edit in edits), initial=0))
        self._fixed_starts: list[int] = []  # worked out on first use: most fixes add no flag
        self._fixed_ends: list[int] = []

    def line_breaks_up_to(self, offset: int) -> int:
        """Line breaks inserted before source `offset` or at it."""
        return self._breaks[bisect_right(self._offsets, offset)]

    def holds(self, start: int, end: int) -> bool:
        """Whether the fixed text's [start, end) lies in one inserted text."""
        if not self._fixed_starts:
            shift = 0  # the length of the texts inserted before
            for offset, text in self._edits:
                self._fixed_starts.append(offset + shift)
                shift += len(text)
                self._fixed_ends.append(offset + shift)
        index = bisect_right(self._fixed_starts, start) - 1
        return index >= 0 and end <= self._fixed_ends[index]


def _check_same_instructions(olds: Sequence[Instruction], news: Sequence[Instruction], inserted: _Insertions) -> None:
    """BuildKit reads `news` (from the fixed text) as it read `olds`, but for the lines that
    inserted line breaks add and the cache mounts that the fix adds."""
    breaks = inserted.line_breaks_up_to
    expected = [
        (*_shape(old, old.flags), old.start_line + breaks(old.start), old.end_line + breaks(old.end)) for old in olds
    ]
    found = [(*_shape(new, _kept_flags(new, inserted)), new.start_line, new.end_line) for new in news]
    if found != expected:
        raise _changed_instructions()


def _kept_flags(instruction: Instruction, inserted: _Insertions) -> tuple[Flag, ...]:
    """The instruction's flags but for the cache mounts that the fix inserted (a cache holds
    only what the RUN writes to it; a bind or secret mount would change what the RUN reads)."""
    flags = instruction.flags
    if not flags:
        return flags
    return tuple(
        flag
        for flag in flags
        if not (
            flag.name == "mount"
            and "type=cache" in (flag.value or "").split(",")
            and inserted.holds(flag.start, flag.end)
        )
    )


def _shape(instruction: Instruction, flags: tuple[Flag, ...]) -> tuple:
    """What a fix must not change but for lines: the keyword, form, flags and heredoc markers."""
    heredocs = instruction.heredocs
    return (
        instruction.keyword,
        instruction.onbuild,
        instruction.exec_form,
        [(flag.name, flag.value) for flag in flags] if flags else None,
        [(heredoc.delimiter, heredoc.strip_tabs, heredoc.quoted) for heredoc in heredocs] if heredocs else None,
    )


def _edited_runs(
    edits: tuple[Edit, ...], runs: list[tuple[Instruction, RunContext]]
) -> list[tuple[Instruction, RunContext]] | None:
    """The RUN instructions that hold an edit (after their keyword), each with its context, in
    file order; None unless every edit lies inside a RUN instruction."""
    starts = [instruction.start for instruction, _ in runs]  # in file order
    chosen: dict[int, tuple[Instruction, RunContext]] = {}
    for edit in edits:
        index = bisect_left(starts, edit.offset) - 1  # an edit at a RUN's start is before its keyword
        if index < 0 or edit.offset > runs[index][0].end:
            return None
        chosen[index] = runs[index]
    return [chosen[index] for index in sorted(chosen)]
