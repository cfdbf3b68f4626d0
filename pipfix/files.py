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
  `.NAME.*.pipfix`, never matched as a Dockerfile), written, given the file's owner, group,
  permission bits and extended attributes (ACLs included), fsynced, then renamed over the file
  with `os.replace`. A reader sees the old file or the new one, never a mix; a crash leaves
  one of the two (and at worst the temporary file). A symbolic link is followed: its target is
  fixed and the link stays a link.
- Just before the replace, the file is checked against what was read (size, mtime, inode): if
  it changed in between (an editor saved it), nothing is written and the file is reported.
- A file without write permission is not written (the rename could replace it, but its owner
  made it read-only).
- Where a new file could not be the same file, the file is rewritten in place instead: a file
  with several hard links (a rename would leave the other names with the old text), a file
  whose owner, group or extended attributes pipfix may not give to a new file (another user's
  file that you may write), a directory pipfix may not create files in, a single-file bind
  mount that gives EBUSY or EXDEV. The text was verified first (the engine's self-check runs
  before any write) and the file is checked against what was read on the open descriptor; its
  new size is reserved (a full disk fails before any byte is written); only the bytes from the
  first fix on are written, from one prepared buffer, then fsynced. This is not
  atomic: a crash in the middle can leave the file with the fixed text up to some point and
  old bytes after it (the part before the first fix is never rewritten). When even that is not
  possible the file is reported and left alone.
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
    old file or the new one, never a partial write. Keeps the file's owner, group, permission
    bits and extended attributes; writes through a symlink to its target. With `snapshot` (what
    was read), raises ChangedOnDisk and writes nothing when the file no longer matches it.

    Rewrites the file in place instead (rewrite_in_place) when a new file could not be the same
    file: several hard links, an owner or attributes that cannot be given to a new file, no
    temporary file possible next to it, a rename that fails (EBUSY/EXDEV: a bind-mounted single
    file)."""
    data = text.encode("utf-8")
    target = Path(os.path.realpath(path))
    status = target.stat()
    if snapshot is not None and not snapshot.matches(status):
        raise ChangedOnDisk()
    if not os.access(target, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        # The rename would replace a file its owner made read-only: refuse, as an editor would.
        raise PermissionError(errno.EACCES, "Permission denied (the file is read-only)")
    if status.st_nlink > 1:
        rewrite_in_place(target, data, snapshot)
        return
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
                _copy_attributes(target, status, file.fileno())
                os.fsync(file.fileno())
            # Last look: an editor may have saved while the temporary file was written.
            if snapshot is not None and not snapshot.matches(target.stat()):
                raise ChangedOnDisk()
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except _AttributesNotKept:
        rewrite_in_place(target, data, snapshot)
        return
    except OSError as error:
        if error.errno not in (errno.EBUSY, errno.EXDEV):
            raise
        rewrite_in_place(target, data, snapshot)
        return
    _fsync_directory(target.parent)


class _AttributesNotKept(Exception):
    """The new file cannot be given the file's owner, group or extended attributes."""


def _copy_attributes(target: Path, status: os.stat_result, descriptor: int) -> None:
    """Give the new file (open as `descriptor`) the owner, group, permission bits and extended
    attributes (ACLs are some) of `target`, whose stat is `status`; raises _AttributesNotKept
    when the system does not allow it (another user's file, an attribute only root may set)."""
    new = os.fstat(descriptor)
    if (new.st_uid, new.st_gid) != (status.st_uid, status.st_gid):
        try:
            os.fchown(descriptor, status.st_uid, status.st_gid)
        except PermissionError:
            raise _AttributesNotKept() from None
    os.fchmod(descriptor, stat.S_IMODE(status.st_mode))  # after chown, which clears setuid bits
    if not hasattr(os, "listxattr"):
        return  # not Linux: no extended attributes to keep
    try:
        wanted = {name: os.getxattr(target, name) for name in os.listxattr(target)}
        present = set(os.listxattr(descriptor))
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return  # a file system without them
        raise
    try:
        for name in present - wanted.keys():  # e.g. a default ACL the directory gave the new file
            os.removexattr(descriptor, name)
        for name, value in wanted.items():
            if name not in present or os.getxattr(descriptor, name) != value:
                os.setxattr(descriptor, name, value)
    except OSError:
        raise _AttributesNotKept() from None


def rewrite_in_place(target: Path, data: bytes, snapshot: Snapshot | None) -> None:
    """Overwrite the file itself with `data` (see the module's documentation): the stale-file
    check runs on the open file, the new size is reserved before any byte is written (a full disk
    fails with the file untouched), only the bytes from the first difference with what was read
    are written."""
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
        written = 0 if snapshot is None else _common_prefix_length(snapshot.text.encode("utf-8"), data)
        view = memoryview(data)
        while written < len(data):
            written += os.pwrite(descriptor, view[written:], written)
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _common_prefix_length(old: bytes, new: bytes) -> int:
    length = min(len(old), len(new))
    same = 0
    while same < length and old[same : same + 4096] == new[same : same + 4096]:
        same += 4096
    end = min(same + 4096, length)
    while same < end and old[same] == new[same]:
        same += 1
    return min(same, length)


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
