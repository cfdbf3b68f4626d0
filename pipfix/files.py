"""File I/O for the command line: read Dockerfiles exactly, write them back safely.

The guarantees (README, "Safety"):

- Bytes in, bytes out: the file is decoded as strict UTF-8 with nothing translated (line
  endings, a BOM, a missing final newline stay as they are). A file that is not valid UTF-8 is
  refused (`not valid UTF-8 at byte N`) and never written: the engine edits text, and splicing
  edits into undecodable bytes would be a second code path for a case real Dockerfiles do not
  have.
- Only regular files are read, and none larger than MAX_SIZE (4 MiB). A FIFO is opened without
  blocking and refused, so it never hangs a run; a directory or a device is refused too.
- A write replaces the whole file at once: a temporary file in the same directory (hidden,
  `.NAME.*.pipfix`, never matched as a Dockerfile), written, flushed and fsynced, given the
  file's permission bits, then renamed over the file with `os.replace`. A reader sees the old
  file or the new one, never a mix. A symbolic link is followed: its target is fixed and the
  link stays a link.
- Just before the replace, the file is checked against what was read (size, mtime, inode): if
  it changed in between (an editor saved it), nothing is written and the file is reported.
- A file without write permission is not written (the rename could replace it, but its owner
  made it read-only).
- Where the rename cannot work (a directory pipfix may not create files in, a read-only
  directory, a single-file bind mount that gives EBUSY or EXDEV), the file is rewritten in
  place: its new size is reserved first (so a full disk fails before any byte is written), the
  whole new content goes out from one prepared buffer, then it is fsynced. When even that is
  not possible the file is reported and left alone.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import CannotFix, PipfixError

TEMPORARY_SUFFIX = ".pipfix"

# Files larger than this are refused before they are read. The engine is linear but needs about
# 60 bytes of memory per byte of Dockerfile and 2-4 s per MB; real Dockerfiles are a few KB.
MAX_SIZE = 4 * 1024 * 1024

# The errors with which creating the temporary file or renaming it fails where an in-place
# rewrite may still work.
_RENAME_IMPOSSIBLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.EBUSY, errno.EXDEV, errno.ENOTSUP})


class ChangedOnDisk(PipfixError):
    """The file changed between reading and writing it; it was not written."""

    def __init__(self) -> None:
        super().__init__("changed on disk while pipfix was running")


@dataclass(frozen=True)
class Snapshot:
    """A file's text and the stat fields that tell whether it changed since."""

    text: str
    size: int
    mtime_ns: int
    device: int
    inode: int

    def matches(self, status: os.stat_result) -> bool:
        return (status.st_size, status.st_mtime_ns, status.st_dev, status.st_ino) == (
            self.size,
            self.mtime_ns,
            self.device,
            self.inode,
        )


def read_source(path: Path, max_size: int | None = MAX_SIZE) -> str:
    """The file's text, decoded as strict UTF-8 with nothing translated (line endings and a BOM
    stay as they are). Raises OSError, or CannotFix when the bytes are not UTF-8 or the path is
    not a regular file."""
    return read_snapshot(path, max_size).text


def read_snapshot(path: Path, max_size: int | None = MAX_SIZE) -> Snapshot:
    """The file's text (as read_source) and its size, mtime and inode when it was read. A file
    larger than `max_size` bytes is refused (CannotFix) without being read."""
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise CannotFix(_not_a_regular_file(status.st_mode))
        if max_size is not None and status.st_size > max_size:
            raise CannotFix(f"too large ({status.st_size} bytes; the limit is {max_size})")
        os.set_blocking(descriptor, True)
        chunks = []
        while chunk := os.read(descriptor, max(status.st_size + 1, 1 << 16)):
            chunks.append(chunk)
        data = b"".join(chunks)
        after = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    if len(data) != after.st_size or after.st_mtime_ns != status.st_mtime_ns:
        raise ChangedOnDisk()
    return Snapshot(decode_source(data), after.st_size, after.st_mtime_ns, after.st_dev, after.st_ino)


def _not_a_regular_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISFIFO(mode):
        return "not a regular file (a FIFO)"
    if stat.S_ISSOCK(mode):
        return "not a regular file (a socket)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "not a regular file (a device)"
    return "not a regular file"


def decode_source(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CannotFix(f"not valid UTF-8 at byte {error.start}") from None


def write_atomically(path: Path, text: str, snapshot: Snapshot | None = None) -> None:
    """Replace the file's content with `text`, encoded as UTF-8, so that a reader sees either the
    old file or the new one, never a partial write. Keeps the file's permission bits; writes
    through a symlink to its target. With `snapshot` (what was read), raises ChangedOnDisk and
    writes nothing when the file no longer matches it.

    Falls back to rewrite_in_place when no temporary file can be made next to the file or the
    rename fails (EBUSY/EXDEV: a bind-mounted single file)."""
    data = text.encode("utf-8")
    target = Path(os.path.realpath(path))
    status = target.stat()
    if snapshot is not None and not snapshot.matches(status):
        raise ChangedOnDisk()
    if not os.access(target, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        # The rename would replace a file its owner made read-only: refuse, as an editor would.
        raise PermissionError(errno.EACCES, "Permission denied (the file is read-only)")
    try:
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX)
    except OSError as error:
        if error.errno not in _RENAME_IMPOSSIBLE:
            raise
        rewrite_in_place(target, data, snapshot)
        return
    try:
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fchmod(file.fileno(), stat.S_IMODE(status.st_mode))
                os.fsync(file.fileno())
            # Last look: an editor may have saved while the temporary file was written.
            if snapshot is not None and not snapshot.matches(target.stat()):
                raise ChangedOnDisk()
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        if error.errno not in (errno.EBUSY, errno.EXDEV):
            raise
        rewrite_in_place(target, data, snapshot)
        return
    _fsync_directory(target.parent)


def rewrite_in_place(target: Path, data: bytes, snapshot: Snapshot | None) -> None:
    """The fallback: overwrite the file itself with `data`, from one prepared buffer. The
    stale-file check runs on the open file; the new size is reserved before any byte is
    written, so a full disk fails with the file untouched."""
    descriptor = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise CannotFix(_not_a_regular_file(status.st_mode))
        if snapshot is not None and not snapshot.matches(status):
            raise ChangedOnDisk()
        if len(data) > status.st_size and hasattr(os, "posix_fallocate"):
            try:
                os.posix_fallocate(descriptor, 0, len(data))
            except OSError as error:
                if error.errno not in (errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
                    raise
        view = memoryview(data)
        written = 0
        while written < len(data):
            written += os.pwrite(descriptor, view[written:], written)
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; best effort (not every file system allows it)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
