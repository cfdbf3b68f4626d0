"""The edits that turn a call's cache off: a flag in the call, or a variable before it."""

from __future__ import annotations

from .cache import CacheUse
from .edits import Edit
from .invocation import Invocation
from .settings import Strategy
from .shell import Word
from .wrappers import expands_in_cmd

_PIP_FLAG = "--no-cache-dir"


def cache_off_edit(use: CacheUse, strategy: Strategy) -> Edit | None:
    """The edit for a call that keeps its cache, or None when it cannot be placed safely."""
    invocation = use.invocation
    installer = invocation.installer
    command = invocation.command
    if not command.confident:
        return None
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


def _into_pip_args(word: Word, value_start: int) -> Edit | None:
    """`--no-cache-dir ` at the start of a --pip-args value, quoted as the word needs it:
    `--pip-args="--no-cache-dir --pre"`, or `--pip-args='--no-cache-dir '--pre` for a bare value
    (an exec-form element is a JSON string: always quoted). None when the word's text is not its
    file text, or has an escape before the value: no offset inside it is known then."""
    raw = word.raw
    if word.end - word.start != len(raw) or "\\" in raw[: value_start + 1]:
        return None
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
