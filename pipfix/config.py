"""Configuration files: find one, read it, check every key and value.

`[tool.pipfix]` in `pyproject.toml`, or the top level of `pipfix.toml` / `.pipfix.toml`. The
search starts in the files' common directory and goes up to the repository root (a directory
holding `.git`); in one directory `.pipfix.toml` wins over `pipfix.toml` over `pyproject.toml`
(as ruff does). One file is used, never merged with another.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .discovery import DEFAULT_EXCLUDE
from .errors import PipfixError, os_error_reason
from .settings import DEFAULT_SETTINGS, Settings, Strategy

CONFIG_NAMES = (".pipfix.toml", "pipfix.toml", "pyproject.toml")


class ConfigError(PipfixError):
    """A configuration file that cannot be read, or holds an unknown key or a bad value."""


@dataclass(frozen=True)
class Config:
    """The values a configuration file sets (None: not set there)."""

    path: Path | None = None  # the file, None when there is none
    strategy: Strategy | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    respect_gitignore: bool | None = None
    values: Mapping[str, Any] = field(default_factory=dict)  # as read, for --verbose

    @property
    def directory(self) -> Path | None:
        return None if self.path is None else self.path.parent


def find_config(start: Path) -> Path | None:
    """The first configuration file from `start` up to the repository root (or the file
    system's root when `start` is not in a repository)."""
    directory = start.resolve()
    while True:
        for name in CONFIG_NAMES:
            candidate = directory / name
            if _is_file(candidate) and (name != "pyproject.toml" or _has_pipfix_table(candidate)):
                return candidate
        if os.path.exists(directory / ".git") or directory.parent == directory:
            return None
        directory = directory.parent


def _is_file(path: Path) -> bool:
    """Whether `path` is a file. One that cannot be looked at (a directory without search
    permission) is an error: a configuration pipfix cannot see is not taken as missing."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as error:
        raise ConfigError(f"{path}: {os_error_reason(error)}") from None


def _has_pipfix_table(pyproject: Path) -> bool:
    try:
        return "pipfix" in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        return True  # report the broken file rather than skip it silently


def load_config(path: Path) -> Config:
    """Read and check the configuration in `path` (`[tool.pipfix]` of a pyproject.toml)."""
    document = _read_toml(path)
    table_name = "[tool.pipfix]" if path.name == "pyproject.toml" else "the file"
    values = document.get("tool", {}).get("pipfix", {}) if path.name == "pyproject.toml" else document
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: [tool.pipfix] must be a table")
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if key not in KEYS:
            raise ConfigError(f"{path}: unknown key {key!r} in {table_name}; allowed keys: {', '.join(KEYS)}")
        parse, allowed = KEYS[key]
        try:
            checked[key.replace("-", "_")] = parse(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{path}: bad value for {key!r}: {value!r}; allowed: "
                + allowed.format(rule_codes=", ".join(rule_codes()))
            ) from None
    return Config(path=path, values=values, **checked)


# path -> ((mtime, size), document): the language server looks the configuration up on every
# request; a file is parsed again only once it has changed.
_documents: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML document in `path` (shared: not to be modified)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as file:
            status = os.fstat(file.fileno())
            version = (status.st_mtime_ns, status.st_size)
            known = _documents.get(path)
            if known is not None and known[0] == version:
                return known[1]
            document = tomllib.load(file)
    except OSError as error:
        raise ConfigError(f"{path}: {os_error_reason(error)}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    _documents[path] = (version, document)
    return document


def _strategy(value: Any) -> Strategy:
    if not isinstance(value, str):
        raise TypeError
    return Strategy(value.lower())


def _patterns(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError
    return tuple(value)


def _codes(value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError
    codes = frozenset(item.upper() for item in value)
    if codes and not codes <= set(rule_codes()):
        raise ValueError
    return codes


def rule_codes() -> tuple[str, ...]:
    """Every rule's code, sorted. Imports the rules (and so the engine): only called when
    there are codes to check."""
    from .rules import RULES

    return tuple(sorted(rule.CODE for rule in RULES))


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def parse_codes(values: list[str]) -> frozenset[str]:
    """Rule codes from the command line: each value may hold several, separated by commas."""
    return _codes([code.strip() for value in values for code in value.split(",") if code.strip()])


# key -> (its parser, what it allows: a str.format template, {rule_codes} the rule codes)
KEYS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "strategy": (_strategy, " or ".join(repr(s.value) for s in Strategy)),
    "exclude": (_patterns, "a list of gitignore-style patterns"),
    "extend-exclude": (_patterns, "a list of gitignore-style patterns"),
    "select": (_codes, "a list of rule codes among {rule_codes}"),
    "ignore": (_codes, "a list of rule codes among {rule_codes}"),
    "respect-gitignore": (_boolean, "true or false"),
}


@dataclass(frozen=True)
class Overrides:
    """What the command line sets (None or empty: not given)."""

    strategy: Strategy | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    respect_gitignore: bool | None = None


@dataclass(frozen=True)
class Effective:
    """The values a run uses: command line, else configuration file, else defaults."""

    settings: Settings
    exclude: tuple[str, ...]  # exclude (or the defaults) + every extend-exclude
    respect_gitignore: bool


def resolve(overrides: Overrides, config: Config) -> Effective:
    """The command line beats the file, which beats the defaults. `ignore` and
    `extend-exclude` add up (from both the file and the command line); `exclude` and `select`
    replace. The rules `select` leaves out are ignored, as ruff does it: select, then ignore."""
    strategy = overrides.strategy or config.strategy or DEFAULT_SETTINGS.strategy
    exclude = overrides.exclude if overrides.exclude is not None else config.exclude
    patterns = (DEFAULT_EXCLUDE if exclude is None else exclude) + config.extend_exclude + overrides.extend_exclude
    respect_gitignore = next(
        value for value in (overrides.respect_gitignore, config.respect_gitignore, True) if value is not None
    )
    ignore = config.ignore | overrides.ignore
    select = overrides.select if overrides.select is not None else config.select
    if select is not None:
        ignore |= frozenset(rule_codes()) - select
    settings = replace(DEFAULT_SETTINGS, strategy=strategy, ignore=ignore)
    return Effective(settings, patterns, respect_gitignore)
