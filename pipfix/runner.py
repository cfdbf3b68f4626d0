"""Process files: read, fix and (in write mode) write each one, in parallel when there are many.

Nothing here prints: each file gives an `Outcome`, in the order of the paths given.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .engine import Result, fix
from .errors import PipfixError
from .files import MAX_SIZE, Snapshot, read_snapshot, write_atomically
from .rules import RULES
from .settings import Settings

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64

CACHE_CODES = frozenset(rule.CODE for rule in RULES if rule.FIXABLE)


class Mode(enum.Enum):
    PREVIEW = "preview"  # report what would change, write nothing
    CHECK = "check"  # print the findings, write nothing
    WRITE = "write"  # fix the files in place


class Status(enum.Enum):
    CHANGED = "changed"  # fixed, or would be fixed
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: Status
    result: Result | None  # None when the file could not be read or fixed
    error: str | None = None  # the reason, when status is FAILED


def fails_check(result: Result) -> bool:
    """--check fails when the file would change, or when a call keeps its cache even though
    pipfix could not fix it; advisory findings (PIP003, PIP004) are reported but do not fail."""
    return result.changed or any(finding.code in CACHE_CODES for finding in result.findings)


def fix_source(read: Callable[[], str], settings: Settings) -> Result | str:
    """Read and fix one source: its Result, or the reason it could not be fixed."""
    try:
        return fix(read(), settings)
    except PipfixError as error:
        return str(error)
    except OSError as error:
        return os_error_reason(error)
    except Exception as error:  # a bug in pipfix: report it and go on with the other files
        return f"internal error, a bug in pipfix: {type(error).__name__}: {error}"


def os_error_reason(error: OSError) -> str:
    return error.strerror or str(error)


def process_file(path: Path, mode: Mode, settings: Settings, max_size: int | None = MAX_SIZE) -> Outcome:
    """Read, fix and (in write mode) write one file. The file is written only when the fix
    changed it, only when the fix passed the engine's self-check, and only when the file on
    disk is still the one that was read (files.write_atomically)."""
    snapshots: list[Snapshot] = []

    def read() -> str:
        snapshots.append(read_snapshot(path, max_size))
        return snapshots[0].text

    fixed = fix_source(read, settings)
    if isinstance(fixed, str):
        return Outcome(path, Status.FAILED, None, fixed)
    if not fixed.changed:
        return Outcome(path, Status.UNCHANGED, fixed)
    if mode is Mode.WRITE:
        try:
            write_atomically(path, fixed.text, snapshots[0])
        except PipfixError as error:
            return Outcome(path, Status.FAILED, None, str(error))
        except OSError as error:
            return Outcome(path, Status.FAILED, None, os_error_reason(error))
    return Outcome(path, Status.CHANGED, fixed)


def process_files(
    paths: Sequence[Path], mode: Mode, settings: Settings, jobs: int, max_size: int | None = MAX_SIZE
) -> Iterator[Outcome]:
    """Each file's Outcome, in the order of `paths` whether or not they run in parallel. Files
    larger than `max_size` bytes (None: no limit) are refused unread."""
    work = partial(process_file, mode=mode, settings=settings, max_size=max_size)
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        yield from map(work, paths)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(work, paths, chunksize=max(1, len(paths) // (jobs * 8)))
