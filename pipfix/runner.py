"""Process files: read, fix and (in write mode) write each one, in parallel when there are many.

Nothing here prints: each file gives an `Outcome`, in the order of the paths given.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .console import Mode, Status
from .engine import Finding, Result, fix
from .errors import PipfixError, os_error_reason
from .files import MAX_SIZE, Snapshot, read_snapshot, write_atomically
from .pragmas import PragmaWarning
from .rules import RULES
from .settings import Settings

# Below this many files, the process pool costs more than it saves: importing multiprocessing,
# forking the workers and the round trips take about 25 ms (on 2 CPUs, with fixing a file
# taking 0.2 ms, the break-even is near 300 files).
PARALLEL_THRESHOLD = 256

CACHE_CODES = frozenset(rule.CODE for rule in RULES if rule.FIXABLE)


@dataclass(frozen=True)
class Outcome:
    path: str | Path
    status: Status
    findings: tuple[Finding, ...] = ()
    fails_check: bool = False  # see fails_check()
    # With keep_result, for a file with findings or changes: the whole Result, its texts
    # included (for diffs and the machine formats). Otherwise None: it would only cost the
    # pickling of both texts back from a worker.
    result: Result | None = None
    error: str | None = None  # the reason, when status is FAILED
    warnings: tuple[PragmaWarning, ...] = ()


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


def process_file(
    path: str | Path,
    mode: Mode,
    settings: Settings,
    max_size: int | None = MAX_SIZE,
    keep_result: bool = False,
) -> Outcome:
    """Read, fix and (in write mode) write one file. The file is written only when the fix
    changed it, only when the fix passed the engine's self-check, and only when the file on
    disk is still the one that was read (files.write_atomically)."""
    snapshots: list[Snapshot] = []

    def read() -> str:
        snapshots.append(read_snapshot(Path(path), max_size))
        return snapshots[0].text

    fixed = fix_source(read, settings)
    if isinstance(fixed, str):
        return Outcome(path, Status.FAILED, error=fixed)
    if fixed.changed and mode is Mode.WRITE:
        try:
            write_atomically(Path(path), fixed.text, snapshots[0])
        except PipfixError as error:
            return Outcome(path, Status.FAILED, error=str(error))
        except OSError as error:
            return Outcome(path, Status.FAILED, error=os_error_reason(error))
    return Outcome(
        path,
        Status.CHANGED if fixed.changed else Status.UNCHANGED,
        fixed.findings,
        fails_check(fixed),
        fixed if keep_result and (fixed.changed or fixed.findings) else None,
        warnings=fixed.warnings,
    )


def process_files(
    paths: Sequence[str | Path],
    mode: Mode,
    settings: Settings,
    jobs: int,
    max_size: int | None = MAX_SIZE,
    keep_results: bool = False,
) -> Iterator[Outcome]:
    """Each file's Outcome, in the order of `paths` whether or not they run in parallel. Files
    larger than `max_size` bytes (None: no limit) are refused unread. `keep_results`: the
    outcomes carry their Result (see Outcome.result)."""
    work = partial(process_file, mode=mode, settings=settings, max_size=max_size, keep_result=keep_results)
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        yield from map(work, paths)
        return
    import multiprocessing  # here: about 12 ms that only a parallel run needs
    from concurrent.futures import ProcessPoolExecutor

    # fork where it is safe (Linux; pipfix runs no threads of its own): the workers start with
    # pipfix imported, where Python 3.14's default (forkserver) would import it in each.
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    try:
        yield from pool.map(work, paths, chunksize=max(1, len(paths) // (jobs * 8)))
    finally:
        # Without waiting for the files not started yet, when the caller stopped early (a
        # reader that closed the pipe).
        pool.shutdown(cancel_futures=True)
