"""The edits that turn a call's cache off: a flag in the call, a variable before it, or a
clean-up appended to the RUN."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from .cache import CacheUse, expanded
from .edits import Edit
from .installers import FixKind
from .invocation import Invocation
from .settings import Strategy
from .shell import Word
from .wrappers import expands_in_cmd, program_name

_PIP_FLAG = "--no-cache-dir"
_APPENDED = " && "
_SAFE_PATH = re.compile(r"/[A-Za-z0-9_./@+-]*")


class NoFix(NamedTuple):
    """Why a call that keeps its cache gets no edit (said in its finding)."""

    reason: str


def edit_order(edit: Edit) -> tuple[int, bool]:
    """Sorts edits by offset; at one offset, a command appended to the RUN goes after any other
    insertion (`uv sync --no-cache && conda clean --all --yes`), the rest keep their order."""
    return edit.offset, edit.text.startswith(_APPENDED)


def cache_off_edit(use: CacheUse, strategy: Strategy) -> Edit | NoFix | None:
    """The edit for a call that keeps its cache; None (or why) when it cannot be placed safely."""
    invocation = use.invocation
    installer = invocation.installer
    command = invocation.command
    if not command.confident:
        return None
    if installer.fix in (FixKind.CLEAN_UP, FixKind.REMOVAL):
        return _clean_up_edit(use)  # the same in both strategies
    if strategy is Strategy.ENV and installer.env_fix and installer.no_cache_variable and _prefix_reaches(use):
        return Edit(command.words[0].start, f"{installer.no_cache_variable}=1 ")
    if installer.pip_args_option is not None:
        given = _pip_args(invocation, installer.pip_args_option)
        if given is not None:
            # a second --pip-args would replace the first: the flag goes into the one given
            return _into_pip_args(*given)
    flag = installer.fix_text
    if command.exec_form:
        return Edit(invocation.flag_after.end, f'{command.separator}"{flag}"')
    return Edit(invocation.flag_after.end, f" {flag}")


def _prefix_reaches(use: CacheUse) -> bool:
    """A `VAR=1 ` prefix reaches the call: no sudo, `env -i` or `time` in between, a POSIX
    shell (no word that only cmd expands, `%PYTHON%`: a Windows image's default shell), and no
    pip --cache-dir on the command line (which beats pip's variable)."""
    invocation = use.invocation
    return (
        use.context.dialect == "posix"
        and not any(expands_in_cmd(word) for word in invocation.command.words)
        and not invocation.command.exec_form
        and invocation.env_reachable
        and invocation.env_prefixable
        and not (invocation.installer.last_cache_option_wins and invocation.cache_dir is not None)
    )


def _pip_args(invocation: Invocation, option: str) -> tuple[Word, int] | None:
    """The last `--pip-args` value of the call (the one the tool uses): its word and the index
    in the word's text where the value starts."""
    arguments = invocation.arguments
    for position in range(len(arguments) - 1, -1, -1):
        text = arguments[position].text
        if text is not None and text.startswith(option + "="):
            return arguments[position], arguments[position].raw.find("=") + 1
        if text == option and position + 1 < len(arguments):
            return arguments[position + 1], 0
    return None


def _into_pip_args(word: Word, value_start: int) -> Edit | NoFix:
    """`--no-cache-dir ` at the start of a --pip-args value, quoted as the word needs it:
    `--pip-args="--no-cache-dir --pre"`, or `--pip-args='--no-cache-dir '--pre` for a bare value
    (an exec-form element is a JSON string: always quoted). None when the word's text is not its
    file text, or has an escape before the value: no offset inside it is known then."""
    raw = word.raw
    if word.end - word.start != len(raw) or "\\" in raw[: value_start + 1]:
        return NoFix("its --pip-args value is escaped: add --no-cache-dir to it")
    if _inside_quotes(raw, value_start):
        return Edit(word.start + value_start, f"{_PIP_FLAG} ")
    if raw[value_start : value_start + 1] in ("'", '"'):
        return Edit(word.start + value_start + 1, f"{_PIP_FLAG} ")
    return Edit(word.start + value_start, f"'{_PIP_FLAG} '")


def _inside_quotes(raw: str, index: int) -> bool:
    """raw[index] is inside a quoted part of the shell word `raw` (or a JSON string's)."""
    quote = None
    for char in raw[:index]:
        if quote is None and char in "'\"":
            quote = char
        elif char == quote:
            quote = None
    return quote is not None


def _clean_up_edit(use: CacheUse) -> Edit | NoFix:
    """A command appended to the RUN that empties the cache: `&& conda clean --all --yes` (the
    call's own program word), `&& rm -rf DIR/cache DIR/artifacts`; or why it cannot be placed
    where it runs after the whole RUN as the call did."""
    invocation = use.invocation
    installer = invocation.installer
    if invocation.command.exec_form:
        return NoFix("exec form has no shell to run a clean-up in")
    if use.context.dialect != "posix":
        return NoFix("the RUN's shell is not a POSIX shell")
    if not invocation.env_reachable:
        return NoFix("behind sudo or env -i the cache may be another user's")
    if installer.fix is FixKind.CLEAN_UP:
        program = invocation.program
        if program_name(program, use.env) not in installer.programs:
            return NoFix("run through `python -m`, it has no program word to clean up with")
        if not _reusable(program, use.context.env):
            return NoFix("its program word may mean another program at the end of the RUN")
        command = f"{program.raw} {installer.fix_text}"
    else:
        directory = use.directory
        if directory is None or not _SAFE_PATH.fullmatch(directory):
            return NoFix(f"its cache directory is not known; set {installer.cache_dir_variable}")
        command = " ".join((installer.fix_text, *(f"{directory}/{name}" for name in installer.removed)))
    end = None if use.run is None else use.run.end()
    if end is None:
        return NoFix("nothing appended to this RUN runs after it: it ends in a background job or an exit")
    return Edit(end.offset, f"{end.before}{command}{end.after}")


def _reusable(program: Word, stage_env: Mapping[str, str]) -> bool:
    """The program word means the same at the end of the RUN: static, or its only expansions
    are of the stage's ENV and ARG (`$CONDA_DIR/bin/conda`)."""
    return program.text is not None or expanded(program.raw, stage_env, None) is not None
