"""Which files a run processes: the Dockerfiles under the directories it is given, and the files
it is named, less what the exclude patterns and `.gitignore` files leave out.

Pure of output: `discover` returns the files, sorted, and why each left-out path was left out.
Paths are strings here, written as pathlib writes them: a Path object per file costs more than
matching it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import os_error_reason

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

ALWAYS_SKIPPED = frozenset({".git"})

# Directories no one keeps their own Dockerfiles in; `exclude` replaces this list,
# `extend-exclude` adds to it.
DEFAULT_EXCLUDE = (
    ".bzr",
    ".hg",
    ".svn",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".venv",
    "venv",
    "__pypackages__",
    "node_modules",
    "site-packages",
)


# Extensions of names that only look like Dockerfiles: BuildKit's per-Dockerfile ignore files,
# and sources, documents and data about Dockerfiles (dockerfile.py, Dockerfile-parser.js,
# dockerfile_test.go, Dockerfile.md). Variants named after a language stay Dockerfiles where
# the name is not a file extension (Dockerfile.python, Dockerfile.golang, Dockerfile.cpp).
NOT_DOCKERFILE_EXTENSIONS = frozenset(
    {
        *("dockerignore", "containerignore"),
        *("py", "pyi", "pyc", "pyx", "ipynb", "go", "rs", "js", "mjs", "cjs", "ts", "tsx", "jsx"),
        *("java", "kt", "rb", "php", "pl", "lua", "cs", "c", "h", "hpp", "swift", "scala"),
        *("sh", "bash", "zsh", "fish", "ps1", "psm1", "bat"),
        *("md", "rst", "adoc", "txt", "html", "htm", "css", "json", "jsonc", "yaml", "yml", "toml"),
        *("xml", "ini", "cfg", "csv", "lock", "sum", "mod", "diff", "patch", "orig", "rej", "snap"),
    }
)
DOCKERFILE_STEMS = ("dockerfile", "containerfile")
_PREFIXES = tuple(stem + separator for stem in DOCKERFILE_STEMS for separator in ".-_")
_SUFFIXES = tuple("." + stem for stem in DOCKERFILE_STEMS)


def is_dockerfile_name(name: str) -> bool:
    """Dockerfile, Dockerfile.*, Dockerfile-*, Dockerfile_*, *.Dockerfile, and the same with
    Containerfile, in any case; not a name that ends in NOT_DOCKERFILE_EXTENSIONS."""
    name = name.lower()
    if name.rpartition(".")[2] in NOT_DOCKERFILE_EXTENSIONS:
        return False
    return name in DOCKERFILE_STEMS or name.startswith(_PREFIXES) or name.endswith(_SUFFIXES)


@dataclass(frozen=True)
class Filters:
    root: Path  # exclude patterns are relative to it: the config file's directory, else the CWD
    exclude: tuple[str, ...]  # gitignore-style patterns
    respect_gitignore: bool = True
    force_exclude: bool = False  # apply the filters to explicitly named files too

    @cached_property
    def excluding(self) -> Callable[[str], int | None]:
        """The index of the exclude pattern that leaves out a pattern path (see _pattern_path),
        or None when it is kept."""
        if all(_PLAIN_NAME.fullmatch(pattern) for pattern in self.exclude):
            names: dict[str, list[tuple[int, bool]]] = {}
            for index, pattern in enumerate(self.exclude):
                names.setdefault(pattern.rstrip("/"), []).append((index, pattern.endswith("/")))
            return partial(_named, names)
        from pathspec import GitIgnoreSpec  # only once there is a path to match

        spec = GitIgnoreSpec.from_lines(self.exclude)

        def excluding(relative: str) -> int | None:
            result = spec.check_file(relative)
            return result.index if result.include else None

        return excluding


# A pattern that is only a name (`node_modules`, `.venv`, `build/`) leaves out every path with a
# component of that name (with a slash: a directory's). The default patterns all are: matching
# them by name spares importing pathspec and a regular expression per pattern and path.
_PLAIN_NAME = re.compile(r"\.?[A-Za-z0-9_][A-Za-z0-9._-]*/?")


def _named(names: dict[str, list[tuple[int, bool]]], relative: str) -> int | None:
    """The index of the name pattern that decides `relative` (which ends with a slash for a
    directory), as pathspec decides it: a pattern naming the file itself beats one naming a
    directory on its path; then the last pattern wins."""
    parts = relative.rstrip("/").split("/")
    last = len(parts) - 1
    is_dir = relative.endswith("/")
    best = (0, -1)  # (precedence, index)
    for position, part in enumerate(parts):
        for index, directory_only in names.get(part, ()):
            if position < last or is_dir:
                best = max(best, (1, index))
            elif not directory_only:
                best = max(best, (2, index))
    return None if best[1] < 0 else best[1]


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str  # e.g. "matches an exclude pattern ('vendor/')"


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)  # sorted, each once
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Skipped] = field(default_factory=list)  # directories that could not be searched


def discover(paths: Iterable[Path], filters: Filters) -> Discovery:
    """The files to process: each named file (through the filters only with `force_exclude`),
    and the Dockerfiles under each named directory (an excluded one too, unless
    `force_exclude`: patterns then apply below it, not to it). Symbolic links to directories are not
    followed inside a search (git keeps them as links too), so a link loop cannot hang it."""
    found = Discovery()
    gitignore = Gitignore()
    files: list[str] = []
    for path in paths:
        # os.path.isdir: a path pipfix may not look at is taken as a file, which reading reports
        if os.path.isdir(path):
            search_filters = filters
            if reason := excluded(path, True, filters, gitignore):
                if filters.force_exclude:
                    found.skipped.append(Skipped(str(path), reason))
                    continue
                # Named, so searched: its contents are matched relative to it, not through it.
                search_filters = replace(filters, root=Path(os.path.abspath(path)), respect_gitignore=False)
            files += _search(str(path), search_filters, gitignore, found)
        elif filters.force_exclude and (reason := excluded(path, False, filters, gitignore)):
            found.skipped.append(Skipped(str(path), reason))
        else:
            files.append(str(path))
    found.files = _sorted_once(files)
    return found


def _search(top: str, filters: Filters, gitignore: Gitignore, discovery: Discovery) -> list[str]:
    found = []
    skipped = discovery.skipped
    # What Path(root, name) writes: the entries of "." without a leading "./".
    shown_from = len(os.curdir + os.sep) if top == os.curdir else 0

    def unsearchable(error: OSError) -> None:
        shown = str(error.filename)[shown_from:] if error.filename != top else top
        discovery.errors.append(Skipped(shown, os_error_reason(error)))

    for root, dirnames, filenames in os.walk(top, onerror=unsearchable):
        kept = []
        # abspath(root/name) is abspath(root)/name: a name from a listing is never . or ..
        absolute_root = os.path.abspath(root)
        shown_root = os.path.join(root[shown_from:], "")
        for name in sorted(dirnames):
            if name in ALWAYS_SKIPPED:
                continue
            if reason := _excluded(os.path.join(absolute_root, name), True, filters, gitignore):
                skipped.append(Skipped(shown_root + name, reason))
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not is_dockerfile_name(name):
                continue
            if reason := _excluded(os.path.join(absolute_root, name), False, filters, gitignore):
                skipped.append(Skipped(shown_root + name, reason))
            else:
                found.append(shown_root + name)
    return found


def _sorted_once(paths: Iterable[str]) -> list[str]:
    """Each path once, sorted as pathlib (3.12 and later) sorts paths: component by component,
    in the file system's case (all one case on Windows)."""
    unique: dict[str, str] = {}
    for path in paths:
        unique.setdefault(os.path.normcase(path), path)
    return [unique[key] for key in sorted(unique, key=lambda key: key.split(os.sep))]


def excluded(path: Path, is_dir: bool, filters: Filters, gitignore: Gitignore) -> str | None:
    """Why `path` is left out, or None when it is kept."""
    return _excluded(os.path.abspath(path), is_dir, filters, gitignore)


def _excluded(absolute: str, is_dir: bool, filters: Filters, gitignore: Gitignore) -> str | None:
    """excluded() of the path whose os.path.abspath is `absolute`."""
    relative = _pattern_path(absolute, filters.root, is_dir)
    index = filters.excluding(relative)
    if index is not None:
        return f"matches the exclude pattern {filters.exclude[index]!r}"
    if filters.respect_gitignore and (ignore_file := gitignore.ignoring(absolute, is_dir)):
        return f"ignored by {ignore_file}"
    return None


def _pattern_path(absolute: str, root: Path | str, is_dir: bool) -> str:
    """The path (absolute and normalized, as os.path.abspath makes it) as a gitignore pattern
    sees it: relative to root, with a trailing slash for a directory. A path outside root is
    matched by its absolute path, so that patterns without a leading slash (`vendor/`,
    `*.dev.Dockerfile`) still apply to it."""
    if os.sep == "/":  # strings only: building Path objects costs more than the matching
        base = _root_string(root)
        if absolute == base:
            relative = "."
        elif base is not None and absolute.startswith(base if base.endswith("/") else base + "/"):
            relative = absolute[len(base) :].lstrip("/") if base.endswith("/") else absolute[len(base) + 1 :]
        else:
            relative = absolute.lstrip("/")
    else:
        try:
            relative = Path(absolute).relative_to(root).as_posix()
        except ValueError:
            relative = Path(absolute).as_posix().lstrip("/")
    return relative + "/" if is_dir and relative not in ("", ".") else relative


_ROOTS: dict[Path | str, str | None] = {}


def _root_string(root: Path | str) -> str | None:
    """`root` as the prefix Path.relative_to compares an absolute path with; None when no
    absolute path (normalized, as os.path.abspath makes it) can lie under it."""
    if root not in _ROOTS:
        text = str(root)
        normal = os.path.isabs(text) and os.path.normpath(text) == text and not text.startswith("//")
        _ROOTS[root] = text if normal else None
    return _ROOTS[root]


class Gitignore:
    """git's ignore rules for paths inside a git repository: the `.gitignore` files from the
    path's directory up to the repository root (the deepest that decides wins), then
    `.git/info/exclude`. Outside a repository nothing is ignored, as for git."""

    def __init__(self) -> None:
        self._specs: dict[str, GitIgnoreSpec | None] = {}
        self._roots: dict[str, str | None] = {}

    def ignoring(self, absolute: str, is_dir: bool) -> Path | None:
        """The ignore file that ignores the path (absolute and normalized), or None."""
        directory = os.path.dirname(absolute)
        root = self._root(directory)
        if root is None:
            return None
        candidates = []
        while True:
            candidates.append((directory, os.path.join(directory, ".gitignore")))
            if directory == root:
                break
            directory = os.path.dirname(directory)
        candidates.append((root, os.path.join(root, ".git", "info", "exclude")))
        for base, ignore_file in candidates:
            spec = self._spec(ignore_file)
            if spec is None:
                continue
            result = spec.check_file(_pattern_path(absolute, base, is_dir))
            if result.include is not None:
                return Path(ignore_file) if result.include else None
        return None

    def _root(self, directory: str) -> str | None:
        """The repository root above the absolute, normalized `directory` (strings: cheap)."""
        roots = self._roots
        if directory not in roots:
            if os.path.exists(os.path.join(directory, ".git")):
                roots[directory] = directory
            else:
                parent = os.path.dirname(directory)
                roots[directory] = None if parent == directory else self._root(parent)
        return roots[directory]

    def _spec(self, ignore_file: str) -> GitIgnoreSpec | None:
        if ignore_file not in self._specs:
            try:
                with open(ignore_file, encoding="utf-8", errors="replace") as file:
                    lines = file.read().splitlines()
            except OSError:
                lines = None
            if lines:
                from pathspec import GitIgnoreSpec

                self._specs[ignore_file] = GitIgnoreSpec.from_lines(lines)
            else:
                self._specs[ignore_file] = None
        return self._specs[ignore_file]


def common_directory(paths: Sequence[Path]) -> Path:
    """The deepest directory that holds every path (a directory path holds itself)."""
    directories = [os.path.abspath(path if os.path.isdir(path) else path.parent or ".") for path in paths]
    return Path(os.path.commonpath(directories)) if directories else Path.cwd()
