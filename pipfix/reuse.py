"""Whether a RUN still needs a call's cache after the call: a later command of the RUN reads it
(`cp -r ~/.cache/pip/wheels /wheels`, `find /root/.cache/pip`, `pip cache list`), or a later uv
call in symlink mode links its environment into it. That cache is part of what the RUN builds:
turning it off would break the build, or only make the later call download everything again."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence

from .cache import CacheUse, Reuse
from .shell import Command, Word
from .wrappers import program_name, unwrap

_Last = dict[str | None, tuple[int, str]]

# tool -> the variable that moves its cache; `TOOL:` stands for that cache wherever it is
_CACHE_DIR_VARIABLES = {"pip": "PIP_CACHE_DIR", "uv": "UV_CACHE_DIR"}
_CACHE_READS = {"pip": frozenset({"dir", "info", "list"}), "uv": frozenset({"dir"})}  # `pip cache list`
_CLEAN_UPS = frozenset({"rm", "rmdir"})
_DEFAULT_CACHE = re.compile(r"\.cache/(pip|uv)(?![\w.-])")  # ~/.cache/pip, $VENV_HOME/.cache/uv
_PIP_PROGRAM = re.compile(r"pip[\d.]*")
_PATH_MAX = 1024  # longer words are no paths worth reading (and their ancestors would cost)
_SHOWN = 60  # characters of a word shown in a message
_ELLIPSIS = Word("…", "…", 0, 0)  # words left out of a message


def reuses(uses: Sequence[tuple[int, CacheUse]], commands: Sequence[Command], home: str | None) -> list[Reuse | None]:
    """For each use (with the position of its command in the RUN's `commands`): how a later
    command of the RUN needs its cache, or None."""
    last_read: _Last = {}  # what is read (a path, `TOOL:`) -> the last command that reads it
    for position in range(uses[0][0] + 1 if uses else len(commands), len(commands)):
        for key, shown in _reads(commands[position], home):
            last_read[key] = position, shown
    last_link: _Last = {}  # a uv cache directory (None: unknown) -> the last call that links into it
    for position, use in uses:
        if links_into_cache(use):
            last_link[use.directory] = position, _shown(use.invocation.command.words)
    found: list[Reuse | None] = []
    for position, use in uses:
        directory = use.directory
        linking = _later(position, last_link, (directory, None) if directory else tuple(last_link))
        reading = _later(position, last_read, (f"{use.invocation.tool}:", directory))
        if linking is not None and use.invocation.tool == "uv":
            found.append(Reuse(linking, links=True))
        else:
            found.append(None if reading is None else Reuse(reading, links=False))
    return found


def links_into_cache(use: CacheUse) -> bool:
    """A uv call in symlink link mode: its environment links into the cache."""
    if use.invocation.tool != "uv":
        return False
    words = [word.text for word in use.invocation.arguments]
    for position, word in enumerate(words):
        if word == "--link-mode=symlink" or (
            word == "--link-mode" and words[position + 1 : position + 2] == ["symlink"]
        ):
            return True
    return use.env.get("UV_LINK_MODE") == "symlink"


def _later(position: int, last: _Last, keys: Sequence[str | None]) -> str | None:
    """How the last command after `position` that has one of `keys` is shown, or None."""
    after = [last[key] for key in keys if key in last and last[key][0] > position]
    return max(after)[1] if after else None


def _reads(command: Command, home: str | None) -> list[tuple[str, str]]:
    """What a command reads of the caches: the paths it names (with their parents) and `TOOL:`
    for a tool's cache wherever it is; each with the command as a message shows it."""
    words = command.words
    read: list[tuple[str, str]] = []
    after_cache_dir = False
    for position, word in enumerate(words):
        text = word.text
        if after_cache_dir or (text is not None and text.startswith("--cache-dir")):  # where a call puts its own
            after_cache_dir = text == "--cache-dir"
            continue
        if text == "cache" and (tool := _cache_command(words, position)) is not None:
            return [(f"{tool}:", " ".join(word.raw for word in words[: position + 2]))]
        if "/" not in word.raw and "CACHE_DIR" not in word.raw:
            continue  # most words
        keys = list(_named(word, command.exported.get("HOME") or home))
        if keys:
            shown = _shown(words[: position + 1] if position <= 2 else (words[0], _ELLIPSIS, word))
            read.extend((key, shown) for key in keys)
    return [] if not read or _cleans_up(command) else read


def _cleans_up(command: Command) -> bool:
    """`rm -rf ~/.cache/pip` (behind wrappers too) removes what it names."""
    unwrapped = unwrap(command.words, command.exported, lambda word: True)
    return unwrapped is not None and program_name(command.words[unwrapped[0]], command.exported) in _CLEAN_UPS


def _cache_command(words: Sequence[Word], at: int) -> str | None:
    """For `pip cache list`, `python -m pip cache dir`, `uv cache dir` (commands that read a
    cache, not `pip cache purge` or `uv cache clean`) with `cache` at words[at]: the tool."""
    if at == 0 or at + 1 >= len(words):
        return None
    name = program_name(words[at - 1], {})
    tool = "pip" if name is not None and _PIP_PROGRAM.fullmatch(name) else name
    return tool if tool in _CACHE_READS and words[at + 1].text in _CACHE_READS[tool] else None


def _named(word: Word, home: str | None) -> Iterator[str]:
    """The caches a word names: an absolute path and its parents, `TOOL:` for a default cache
    under a home it cannot resolve or a variable that moves the cache."""
    value = word.text if word.text is not None else word.raw.replace('"', "").replace("'", "")
    if value.startswith("-"):
        value = value.partition("=")[2]  # --find-links=/root/.cache/pip/wheels
    for tool, variable in _CACHE_DIR_VARIABLES.items():
        if variable in value:
            yield f"{tool}:"
    path = _resolved(value, home)
    if path is not None:
        path = "/" + posixpath.normpath(path).lstrip("/")  # normpath keeps a leading "//"
        while path != "/":
            yield path
            path = posixpath.dirname(path)
    elif (default := _DEFAULT_CACHE.search(value)) is not None:
        yield f"{default.group(1)}:"


def _resolved(value: str, home: str | None) -> str | None:
    """The absolute path a word names (`~` and `$HOME` resolved), or None."""
    if len(value) > _PATH_MAX:
        return None
    for prefix in ("~/", "$HOME/", "${HOME}/"):
        if value.startswith(prefix):
            return None if home is None else home + "/" + value[len(prefix) :]
    return value if value.startswith("/") and "$" not in value else None


def _shown(words: Sequence[Word]) -> str:
    """Words of a command as a message shows them: at most four, each shortened."""
    shown = " ".join(word.raw if len(word.raw) <= _SHOWN else word.raw[: _SHOWN - 1] + "…" for word in words[:4])
    return shown + " …" if len(words) > 4 else shown
