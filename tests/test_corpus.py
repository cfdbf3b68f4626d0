"""fix() over every real-world Dockerfile of the shared corpus, in every strategy.

For each file (bytes decoded as UTF-8 with surrogateescape, so nothing is lost) and each
strategy:

- no exception but PipfixError, and only for the files listed in REJECTED, which BuildKit
  rejects too (checked with its own parser where the `dockerfile` package is installed);
- idempotent: fixing the fixed text changes nothing and finds nothing left to fix;
- insertions only: removing the inserted texts (Result.edits) gives back the original exactly,
  and applying them to the original gives Result.text;
- every inserted text is one pipfix may insert, and each edit is the fix of a finding of the
  matching tool (pip: PIP001, uv: PIP002, pdm: PIP005 ...);
- BuildKit reads the fixed file as the same instructions: keyword, line range, flags, form and
  every value (and heredoc body) equal to the original's once the inserted texts are removed
  (the mount strategy's cache mounts are the only flags a fix may add, before the others).

The corpus is third-party and lives outside the project (../shared/corpus, see its README):
it is read in place and the tests skip when it is absent. The whole module runs in a few
seconds: fix() runs once per file and strategy (module fixture), the checks reuse the results.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipfix import PipfixError, Result, Settings, Strategy, fix
from pipfix.edits import remove_edits
from pipfix.errors import CannotFix

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "files"
STRATEGIES = tuple(Strategy)

# Files fix() refuses, with BuildKit's reason: BuildKit's parser rejects each of them too.
REJECTED = {
    "3ca2060b37520954": "`ENV` with a word and no `=` after a name=value pair (a Jinja-style template): "
    'BuildKit: can\'t find = in "base_distro"',
    "68392390d0b29a1b": "`ENV` mixing name=value with a bare word: BuildKit: can't find = in "
    '"sagemaker_training-*.tar.gz)"',
    "adbda5bf3762313c": '`ENV` with a bare word after name=value pairs: BuildKit: can\'t find = in "spec.version"',
}

PIP_FLAGS = {" --no-cache-dir", ', "--no-cache-dir"', ',"--no-cache-dir"'}
NO_CACHE_FLAGS = {" --no-cache", ', "--no-cache"', ',"--no-cache"'}
# pipx and pip-sync: the flag, or into a --pip-args value already given
PIP_ARGS_FLAGS = {" --pip-args=--no-cache-dir", ', "--pip-args=--no-cache-dir"', "--no-cache-dir ", "'--no-cache-dir '"}


class Matching:
    """The texts a regular expression matches (for `in`)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.pattern.fullmatch(text) is not None


# Clean-ups appended to the RUN, the same in both strategies (the call's own program word).
CLEAN_UPS = {
    "PIP008": Matching(r" && \S*pipenv --clear"),
    "PIP009": Matching(r" && rm -rf (/\S*)/cache \1/artifacts"),
    "PIP010": Matching(r" && \S*(conda|mamba) clean --all --yes"),
}
# The env strategy falls back to the flag where a variable cannot reach the call (sudo, env -i,
# exec form, PowerShell or cmd); the mount strategy where a mount cannot be placed safely.
ALLOWED_TEXTS = {
    Strategy.FLAG: {
        "PIP001": PIP_FLAGS,
        "PIP002": NO_CACHE_FLAGS,
        "PIP005": NO_CACHE_FLAGS,
        "PIP006": PIP_ARGS_FLAGS,
        "PIP007": PIP_ARGS_FLAGS,
        **CLEAN_UPS,
    },
    Strategy.ENV: {
        "PIP001": PIP_FLAGS | {"PIP_NO_CACHE_DIR=1 "},
        "PIP002": NO_CACHE_FLAGS | {"UV_NO_CACHE=1 "},
        "PIP005": NO_CACHE_FLAGS | {"PDM_NO_CACHE=1 "},
        "PIP006": PIP_ARGS_FLAGS,
        "PIP007": PIP_ARGS_FLAGS | {"PIP_NO_CACHE_DIR=1 "},
        **CLEAN_UPS,
    },
    Strategy.MOUNT: {
        "PIP001": PIP_FLAGS,
        "PIP002": NO_CACHE_FLAGS,
        "PIP005": NO_CACHE_FLAGS,
        "PIP006": PIP_ARGS_FLAGS,
        "PIP007": PIP_ARGS_FLAGS,
        **CLEAN_UPS,
    },
}
MOUNT_TEXT = re.compile(r"(--mount=type=cache,target=/[^\s,]+(,uid=\d+(,gid=\d+)?)? )+")


def allowed_text(strategy: Strategy, code: str, text: str) -> bool:
    if strategy is Strategy.MOUNT and MOUNT_TEXT.fullmatch(text):
        return True
    return text in ALLOWED_TEXTS[strategy].get(code, ())


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.glob("*") if path.is_file()) if CORPUS.is_dir() else []


def file_id(path: Path) -> str:
    return path.name.split(".", 1)[0]


def read_corpus_file(path: Path) -> tuple[str, bool]:
    """The text (lossless for any bytes) and whether the bytes were valid UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="surrogateescape"), False


@dataclass
class Run:
    """fix() of one file in one strategy."""

    file_id: str
    source: str
    result: Result | None = None
    error: PipfixError | None = None
    crash: BaseException | None = None
    seconds: float = 0.0


@dataclass
class CorpusRuns:
    files: int
    not_utf8: list[str]
    runs: dict[Strategy, list[Run]] = field(default_factory=dict)

    def fixed(self, strategy: Strategy) -> list[Run]:
        return [run for run in self.runs[strategy] if run.result is not None]


def fix_corpus(strategies=STRATEGIES) -> CorpusRuns:
    paths = corpus_files()
    texts = [(file_id(path), *read_corpus_file(path)) for path in paths]
    corpus = CorpusRuns(len(paths), [name for name, _, utf8 in texts if not utf8])
    for strategy in strategies:
        settings = Settings(strategy=strategy)
        runs = []
        for name, text, _ in texts:
            run = Run(name, text)
            start = time.perf_counter()
            try:
                run.result = fix(text, settings)
            except PipfixError as error:
                run.error = error
            except Exception as error:
                run.crash = error
            run.seconds = time.perf_counter() - start
            runs.append(run)
        corpus.runs[strategy] = runs
    return corpus


@pytest.fixture(scope="module")
def corpus() -> CorpusRuns:
    if not corpus_files():
        pytest.skip(f"no corpus at {CORPUS}")
    return fix_corpus()


def _report(failures: list[str], what: str, limit: int = 15) -> str:
    shown = "\n  ".join(failures[:limit])
    more = f"\n  ... and {len(failures) - limit} more" if len(failures) > limit else ""
    return f"{len(failures)} {what}:\n  {shown}{more}"


def without_insertions(result: Result) -> str:
    """Result.text with every inserted text taken out again."""
    return remove_edits(result.text, result.edits)


def with_insertions(source: str, result: Result) -> str:
    pieces, previous = [], 0
    for edit in sorted(result.edits, key=lambda edit: edit.offset):
        pieces += [source[previous : edit.offset], edit.text]
        previous = edit.offset
    pieces.append(source[previous:])
    return "".join(pieces)


# --- the properties


def test_no_crash(corpus: CorpusRuns) -> None:
    """fix() raises nothing but PipfixError, and never its InternalError (a failed self-check)."""
    failures = []
    for strategy, runs in corpus.runs.items():
        for run in runs:
            if run.crash is not None:
                failures.append(f"{run.file_id} ({strategy.value}): {type(run.crash).__name__}: {run.crash}")
            elif run.error is not None and not isinstance(run.error, CannotFix):
                failures.append(f"{run.file_id} ({strategy.value}): {type(run.error).__name__}: {run.error}")
    assert not failures, _report(failures, "files crash")


def test_rejected_files_are_the_listed_ones(corpus: CorpusRuns) -> None:
    for strategy, runs in corpus.runs.items():
        rejected = {run.file_id: str(run.error) for run in runs if isinstance(run.error, CannotFix)}
        print(f"\n{strategy.value}: PipfixError for {len(rejected)} files: {rejected}")
        assert set(rejected) == set(REJECTED), f"{strategy.value}: rejected {rejected}, listed {sorted(REJECTED)}"


def test_rejected_files_are_rejected_by_buildkit(corpus: CorpusRuns) -> None:
    dockerfile = pytest.importorskip("dockerfile")
    failures = []
    for run in corpus.runs[Strategy.FLAG]:
        if isinstance(run.error, CannotFix):
            try:
                dockerfile.parse_string(run.source)
            except dockerfile.GoParseError:
                continue
            failures.append(f"{run.file_id}: pipfix says {run.error!s}, BuildKit parses it")
    assert not failures, _report(failures, "files rejected by pipfix only")


def test_idempotent(corpus: CorpusRuns) -> None:
    failures = []
    for strategy in STRATEGIES:
        settings = Settings(strategy=strategy)
        for run in corpus.fixed(strategy):
            if not run.result.changed:
                continue
            try:
                again = fix(run.result.text, settings)
            except PipfixError as error:
                failures.append(f"{run.file_id} ({strategy.value}): the fixed text raises {error!r}")
                continue
            if again.text != run.result.text or again.edits:
                inserts = [(edit.offset, edit.text) for edit in again.edits][:3]
                failures.append(f"{run.file_id} ({strategy.value}): second fix inserts {inserts}")
            left = [f for f in again.findings if f.fix is not None]
            if left:
                failures.append(f"{run.file_id} ({strategy.value}): fixable findings left: {left[:2]}")
    assert not failures, _report(failures, "fixed files are not stable")


def test_removing_the_insertions_gives_back_the_original(corpus: CorpusRuns) -> None:
    failures = []
    for strategy in STRATEGIES:
        for run in corpus.fixed(strategy):
            result = run.result
            if result.source != run.source:
                failures.append(f"{run.file_id} ({strategy.value}): Result.source is not the text given")
            if without_insertions(result) != run.source:
                failures.append(f"{run.file_id} ({strategy.value}): removing the edits does not give the original")
            if with_insertions(run.source, result) != result.text:
                failures.append(f"{run.file_id} ({strategy.value}): applying the edits does not give Result.text")
            if not result.edits and result.text != run.source:
                failures.append(f"{run.file_id} ({strategy.value}): text changed without edits")
    assert not failures, _report(failures, "fixes are not pure insertions")


def test_inserted_texts_are_the_known_ones(corpus: CorpusRuns) -> None:
    failures = []
    for strategy in STRATEGIES:
        for run in corpus.fixed(strategy):
            fixes = {}
            for finding in run.result.findings:
                if finding.fix is not None:
                    fixes.setdefault(finding.fix, finding.code)
            for edit in run.result.edits:
                code = fixes.get(edit)
                line = run.source.count("\n", 0, edit.offset) + 1
                if code is None:
                    failures.append(f"{run.file_id}:{line} ({strategy.value}): {edit.text!r} is no finding's fix")
                elif not allowed_text(strategy, code, edit.text):
                    failures.append(f"{run.file_id}:{line} ({strategy.value}): {code} inserts {edit.text!r}")
    assert not failures, _report(failures, "unexpected insertions")


# --- BuildKit reads the fixed file as the same instructions


def _is_insertion(fixed, original, inserted, same=None) -> bool:
    """`original` is `fixed` with some occurrences of the `inserted` pieces taken out.

    Works on strings (pieces are strings) and on tuples (pieces are tuples of elements; `same`
    compares two elements). A small search over (position in fixed, position in original):
    it branches only where an inserted piece starts."""
    if fixed == original:
        return True
    if len(fixed) < len(original):
        return False
    same = same or (lambda a, b: a == b)
    todo, seen = [(0, 0)], {(0, 0)}
    while todo:
        i, j = todo.pop()
        while True:
            if i == len(fixed) and j == len(original):
                return True
            for piece in inserted:
                k = i + len(piece)
                if fixed[i:k] == piece and (k, j) not in seen:
                    seen.add((k, j))
                    todo.append((k, j))
            if i < len(fixed) and j < len(original) and same(fixed[i], original[j]):
                i, j = i + 1, j + 1
                if (i, j) in seen:
                    break
                seen.add((i, j))
            else:
                break
    return False


def buildkit_differences(original_text: str, fixed_text: str, inserted: set[str], dockerfile) -> list[str]:
    before = dockerfile.parse_string(original_text)
    try:
        after = dockerfile.parse_string(fixed_text)
    except dockerfile.GoParseError as error:
        return [f"BuildKit rejects the fixed file: {error}"]
    if len(before) != len(after):
        return [f"{len(after)} instructions after the fix, {len(before)} before"]
    pieces = sorted(inserted, key=len, reverse=True)
    elements = tuple((piece.lstrip(", ").strip('"'),) for piece in pieces if piece.startswith(","))

    def same_text(a: str, b: str) -> bool:
        return _is_insertion(a, b, pieces)

    mounts = {flag for piece in pieces if piece.startswith("--mount=") for flag in piece.split()}
    problems = []
    for old, new in zip(before, after, strict=True):
        where = f"line {old.start_line}"
        added = len(new.flags) - len(old.flags)
        new_flags = new.flags[added:] if added > 0 and set(new.flags[:added]) <= mounts else new.flags
        if (new.cmd, new.sub_cmd, new.start_line, new.end_line, new.json, new_flags) != (
            old.cmd, old.sub_cmd, old.start_line, old.end_line, old.json, old.flags
        ):  # fmt: skip
            problems.append(
                f"{where}: {new.cmd} {new.sub_cmd} {new.start_line}-{new.end_line} json={new.json} {new.flags}, "
                f"was {old.cmd} {old.sub_cmd} {old.start_line}-{old.end_line} json={old.json} {old.flags}"
            )
            continue
        if not same_text(new.original, old.original):
            problems.append(f"{where}: original {new.original!r}, was {old.original!r}")
        if old.json:
            values_ok = _is_insertion(tuple(new.value), tuple(old.value), elements, same_text)
        else:
            values_ok = len(new.value) == len(old.value) and all(map(same_text, new.value, old.value))
        if not values_ok:
            problems.append(f"{where}: value {new.value!r}, was {old.value!r}")
        if [h.name for h in new.heredocs] != [h.name for h in old.heredocs] or not all(
            same_text(n.content, o.content) for n, o in zip(new.heredocs, old.heredocs, strict=True)
        ):
            problems.append(f"{where}: heredocs {new.heredocs!r}, were {old.heredocs!r}")
    return problems


def test_buildkit_reads_the_fixed_file_the_same(corpus: CorpusRuns) -> None:
    dockerfile = pytest.importorskip("dockerfile")
    failures = []
    checked = 0
    for strategy in STRATEGIES:
        for run in corpus.fixed(strategy):
            if not run.result.changed:
                continue
            checked += 1
            inserted = {edit.text for edit in run.result.edits}
            for problem in buildkit_differences(run.source, run.result.text, inserted, dockerfile)[:3]:
                failures.append(f"{run.file_id} ({strategy.value}): {problem}")
    assert checked, "no file changed: nothing was compared"
    assert not failures, _report(failures, "differences in BuildKit's reading of fixed files")


def test_is_insertion_helper() -> None:
    """The comparison above must not accept what it should reject."""
    flag = [" --no-cache-dir"]
    assert _is_insertion("pip install --no-cache-dir a", "pip install a", flag)
    assert _is_insertion(
        "pip install --no-cache-dir a && pip install --no-cache-dir b",
        "pip install --no-cache-dir a && pip install b",
        flag,
    )
    assert not _is_insertion("pip install --no-cache-dir a", "pip install b", flag)
    assert not _is_insertion("pip install --no-cache-dirx a", "pip install a", flag)
    assert not _is_insertion("pip install a", "pip install --no-cache-dir a", flag)
    same = lambda a, b: _is_insertion(a, b, flag)  # noqa: E731
    element = [("--no-cache-dir",)]
    assert _is_insertion(("pip", "install", "--no-cache-dir", "x"), ("pip", "install", "x"), element, same)
    assert not _is_insertion(("pip", "install", "--no-cache-dir"), ("pip", "install", "x"), element, same)
    assert _is_insertion(("sh", "-c", "pip install --no-cache-dir x"), ("sh", "-c", "pip install x"), element, same)


# --- numbers for the record (shown with -s or -rP)


def test_corpus_summary(corpus: CorpusRuns) -> None:
    print(f"\ncorpus: {corpus.files} files, {len(corpus.not_utf8)} not UTF-8 (read with surrogateescape)")
    for strategy, runs in corpus.runs.items():
        results = [run.result for run in runs if run.result is not None]
        fixed = Counter(f.code for result in results for f in result.findings if f.fix is not None)
        found = Counter(f.code for result in results for f in result.findings)
        texts = Counter(edit.text for result in results for edit in result.edits)
        total = sum(run.seconds for run in runs)
        slowest = max(runs, key=lambda run: run.seconds)
        print(
            f"{strategy.value}: {sum(r.changed for r in results)} files changed, findings {dict(found)}, "
            f"fixed {dict(fixed)}, inserted {dict(texts)}; fix() {total:.2f} s in all, "
            f"{1000 * total / len(runs):.2f} ms a file, slowest {slowest.file_id} {1000 * slowest.seconds:.1f} ms"
        )
    assert corpus.runs
