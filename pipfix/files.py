"""File I/O for the command line: find Dockerfiles, read them exactly, write them back safely."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import CannotFix

SKIPPED_DIRECTORIES = frozenset({".git"})


def is_dockerfile_name(name: str) -> bool:
    """Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile, Containerfile.*, *.containerfile,
    in any case; not BuildKit's per-Dockerfile ignore files (`Dockerfile.dockerignore`)."""
    name = name.lower()
    if name.endswith((".dockerignore", ".containerignore")):
        return False
    return (
        name in ("dockerfile", "containerfile")
        or name.startswith(("dockerfile.", "containerfile."))
        or name.endswith((".dockerfile", ".containerfile"))
    )


def iter_dockerfiles(paths: Iterable[Path]) -> Iterator[Path]:
    """Each named file as given (whatever its name), then the Dockerfiles under each named
    directory in sorted order; each path once."""
    seen: set[Path] = set()
    for path in paths:
        found = _dockerfiles_under(path) if path.is_dir() else [path]
        for file in found:
            if file not in seen:
                seen.add(file)
                yield file


def _dockerfiles_under(directory: Path) -> Iterator[Path]:
    # os.walk does not follow symlinked directories, so a symlink loop cannot hang it.
    for root, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(name for name in dirnames if name not in SKIPPED_DIRECTORIES)
        for name in sorted(filenames):
            if is_dockerfile_name(name):
                yield Path(root, name)


def read_source(path: Path) -> str:
    """The file's text, decoded as strict UTF-8 with nothing translated (line endings and a BOM
    stay as they are). Raises OSError, or CannotFix when the bytes are not UTF-8."""
    return decode_source(path.read_bytes())


def decode_source(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CannotFix(f"not valid UTF-8 at byte {error.start}") from None


def write_atomically(path: Path, text: str) -> None:
    """Replace the file's content with `text`, encoded as UTF-8, so that a reader sees either the
    old file or the new one, never a partial write. Keeps the file's permission bits; writes
    through a symlink to its target."""
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(target.stat().st_mode)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".pipfix"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(text.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
