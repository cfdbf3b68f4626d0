"""File I/O for the command line: read Dockerfiles exactly, write them back safely."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import CannotFix


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
