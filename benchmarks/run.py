"""pipfix benchmarks: one command, one table.

    .venv/bin/python benchmarks/run.py            # moderate sizes (a few minutes, hadolint included)
    .venv/bin/python benchmarks/run.py --full     # adds the 50 MB file and the 100,000-file tree
    .venv/bin/python benchmarks/run.py --quick    # fewer repetitions, hadolint on a sample

Sections (issue 6): throughput against hadolint on the corpus, per-file cost by stage, scaling
with file size and file count, cold-start latency of `pipfix -`, peak memory. Wall times are
medians of interleaved repetitions; child peak RSS comes from os.wait4's rusage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# PIPFIX_SRC=/path/to/another/checkout benchmarks the pipfix found there (e.g. a "before" tree)
SOURCE = os.environ.get("PIPFIX_SRC")
sys.path.insert(0, SOURCE or str(ROOT))

CORPUS = Path(os.environ.get("PIPFIX_CORPUS", ROOT.parent / "shared" / "corpus" / "files"))
BIN = Path(sys.executable).parent
if SOURCE:
    os.environ["PYTHONPATH"] = SOURCE
    PIPFIX = [sys.executable, "-m", "pipfix"]
else:
    PIPFIX = [str(BIN / "pipfix")] if (BIN / "pipfix").exists() else [sys.executable, "-m", "pipfix"]
HADOLINT = str(BIN / "hadolint") if (BIN / "hadolint").exists() else shutil.which("hadolint")
HADOLINT_BATCH = 200  # files per hadolint invocation

TYPICAL = """\
# syntax=docker/dockerfile:1
FROM python:3.12-slim AS base
ARG APP_HOME=/app
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1
WORKDIR ${APP_HOME}
RUN apt-get update \\
    && apt-get install -y --no-install-recommends build-essential curl git \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --upgrade pip setuptools wheel
RUN pip install -r requirements.txt
COPY . .
RUN python -m pip install -e . && \\
    python -c "import app"
"""


FILLER = (
    "LABEL org.opencontainers.image.source=https://example.com/app",
    "RUN useradd --create-home appuser",
    "COPY --chown=appuser:appuser scripts/ /app/scripts/",
    "EXPOSE 8000",
    "HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1",
    "RUN mkdir -p /data && chown appuser /data",
)


def typical_dockerfile(lines: int = 60, filler: Sequence[str] = FILLER) -> str:
    """A typical Dockerfile of about `lines` lines: TYPICAL (a few pip calls), then the filler
    lines in turn, then USER and CMD."""
    body = TYPICAL.splitlines()
    i = 0
    while len(body) < lines - 2:
        body.append(filler[i % len(filler)])
        i += 1
    body += ["USER appuser", 'CMD ["gunicorn", "app:app"]']
    return "\n".join(body) + "\n"


def no_pip_dockerfile(lines: int = 60) -> str:
    text = typical_dockerfile(lines)
    return "\n".join(line for line in text.splitlines() if "pip" not in line and "python" not in line) + "\n"


# --- measuring ------------------------------------------------------------------------------


# Runs the command and reports its wall time, exit status and peak RSS. A wrapper process, so
# that the peak RSS is the command's own: Linux counts the memory of the process that forked a
# child (before its exec) in the child's ru_maxrss, and this benchmark itself grows large.
_WRAPPER = """
import os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdin=0, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run_child(argv: Sequence[str], stdin: bytes | None = None) -> tuple[float, int, int]:
    """Run a process; (wall seconds, exit status, peak RSS in KB of it and its waited children)."""
    with tempfile.TemporaryFile() as feed:
        if stdin is not None:
            feed.write(stdin)
            feed.seek(0)
        done = subprocess.run(
            [sys.executable, "-c", _WRAPPER, *argv],
            stdin=feed if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            check=True,
        )
    elapsed, status, peak = done.stdout.split()
    return float(elapsed), int(status), int(peak)


def median_time(function: Callable[[], object], repeat: int, best: bool = False) -> float:
    """The median (or with `best`, the minimum: the least disturbed by other load) of runs, each
    a first sight of its texts: what fix() remembers of the run before is forgotten."""
    from pipfix import engine

    times = []
    for _ in range(repeat):
        engine.forget()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times) if best else statistics.median(times)


def fit(points: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """Least squares y = a + b x: (b, a, r^2)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    b = sxy / sxx if sxx else 0.0
    a = my - b * mx
    ss = sum((y - my) ** 2 for y in ys)
    r2 = 1 - sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True)) / ss if ss else 1.0
    return b, a, r2


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, section: str, metric: str, value: str, target: str = "", met: bool | None = None) -> None:
        verdict = "" if met is None else ("yes" if met else "NO")
        self.rows.append((section, metric, value, target, verdict))
        print(f"  {section:<12} {metric:<52} {value:>22}  {target:<14} {verdict}", flush=True)

    def markdown(self) -> str:
        out = ["| section | metric | value | target | met |", "|---|---|---|---|---|"]
        out += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(out)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} CPUs (nproc), {model}, Python {platform.python_version()}, {system}"


def corpus_paths() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(path for path in CORPUS.iterdir() if path.is_file() and not path.name.startswith("."))


# --- 1. throughput --------------------------------------------------------------------------


def throughput(table: Table, paths: list[Path], repeat: int, hadolint_stride: int) -> dict:
    if not paths:
        table.add("throughput", "corpus absent: skipped", str(CORPUS))
        return {}
    n = len(paths)
    sample = paths[::hadolint_stride]
    runs: dict[str, list[float]] = {"default": [], "jobs1": [], "hadolint": []}
    rss: dict[str, int] = {}
    for _ in range(repeat):  # interleaved
        elapsed, _, peak = run_child([*PIPFIX, "--check", str(CORPUS)])
        runs["default"].append(elapsed)
        rss["default"] = max(rss.get("default", 0), peak)
        elapsed, _, peak = run_child([*PIPFIX, "--check", "--jobs", "1", str(CORPUS)])
        runs["jobs1"].append(elapsed)
        rss["jobs1"] = max(rss.get("jobs1", 0), peak)
        if HADOLINT:
            total = 0.0
            for i in range(0, len(sample), HADOLINT_BATCH):
                chunk = [str(p) for p in sample[i : i + HADOLINT_BATCH]]
                elapsed, _, _ = run_child([HADOLINT, "--no-fail", "-f", "json", *chunk])
                total += elapsed
            runs["hadolint"].append(total)
    default = statistics.median(runs["default"]) / n
    jobs1 = statistics.median(runs["jobs1"]) / n
    table.add(
        "throughput",
        f"pipfix --check, default jobs ({os.cpu_count()}), {n} files",
        f"{default * 1e3:.3f} ms/file",
        "<= 0.15 ms",
        default <= 0.15e-3,
    )
    # the targets are for the default --jobs (issue 6): one worker is shown for comparison
    table.add("throughput", f"pipfix --check --jobs 1, {n} files", f"{jobs1 * 1e3:.3f} ms/file")
    result = {"files": n, "default_s": runs["default"], "jobs1_s": runs["jobs1"], "rss_kb": rss}
    if HADOLINT:
        hadolint = statistics.median(runs["hadolint"]) / len(sample)
        table.add(
            "throughput", f"hadolint, batches of {HADOLINT_BATCH}, {len(sample)} files", f"{hadolint * 1e3:.2f} ms/file"
        )
        best = min(default, jobs1)
        table.add(
            "throughput",
            "ratio hadolint / pipfix (default jobs)",
            f"{hadolint / default:.0f}x",
            ">= 100x",
            hadolint / default >= 100,
        )
        table.add("throughput", "ratio hadolint / pipfix (--jobs 1)", f"{hadolint / jobs1:.0f}x")
        result.update(hadolint_s=runs["hadolint"], hadolint_files=len(sample), best=best)
    else:
        table.add("throughput", "hadolint not installed: skipped", "")
    table.add(
        "memory",
        "peak RSS, corpus --check --jobs 1",
        f"{rss['jobs1'] / 1024:.1f} MB",
        "< 100 MB",
        rss["jobs1"] < 100 * 1024,
    )
    table.add(
        "memory",
        "peak RSS, corpus --check default jobs (parent)",
        f"{rss['default'] / 1024:.1f} MB",
        "< 100 MB",
        rss["default"] < 100 * 1024,
    )
    return result


# --- 2. per-file cost -----------------------------------------------------------------------


def per_file(table: Table, paths: list[Path], repeat: int) -> None:
    from pipfix import engine
    from pipfix.dockerfile import scan
    from pipfix.errors import PipfixError
    from pipfix.files import read_source, write_atomically
    from pipfix.settings import DEFAULT_SETTINGS
    from pipfix.shell import commands
    from pipfix.stages import run_contexts

    if not paths:
        paths = []
        texts = [typical_dockerfile(), no_pip_dockerfile()] * 500
    else:
        texts = []
        for path in paths:
            try:
                texts.append(read_source(path))
            except (PipfixError, OSError):
                pass
    n = len(texts)

    def reading() -> None:
        for path in paths:
            try:
                read_source(path)
            except (PipfixError, OSError):
                pass

    candidates = [t for t in texts if engine.may_call_pip(t)]
    scanned = []
    for text in candidates:
        try:
            scanned.append((text, scan(text)))
        except PipfixError:
            pass
    contexts = [(text, df, run_contexts(df)) for text, df in scanned]

    def prefilter() -> None:
        for text in texts:
            text.find("\0")
            engine.may_call_pip(text)

    def scanning() -> None:
        for text in candidates:
            try:
                scan(text)
            except PipfixError:
                pass

    def stages() -> None:
        for _, df in scanned:
            run_contexts(df)

    def shell() -> None:
        for text, _, (runs, _) in contexts:
            for instruction, context in runs:
                if engine.may_call_pip(text[instruction.start : instruction.end]):
                    for _ in commands(instruction, text, context.dialect, context.env):
                        pass

    def violations() -> None:  # stages + shell + invocation + cache + rules
        for text, df in scanned:
            list(engine._violations(df, text, DEFAULT_SETTINGS))

    def whole() -> None:
        for text in texts:
            try:
                engine.fix(text)
            except PipfixError:
                pass

    changed = []
    for text in texts:
        try:
            result = engine.fix(text)
        except PipfixError:
            continue
        if result.changed:
            changed.append(result.text)

    directory = Path(tempfile.mkdtemp(prefix="pipfix-bench-"))
    targets = [directory / f"{i}.Dockerfile" for i in range(min(len(changed), 500))]
    for target in targets:
        target.write_text("x")

    def writing() -> None:
        for target, text in zip(targets, changed, strict=False):
            write_atomically(target, text)

    times = {
        "reading (read_source)": median_time(reading, repeat, best=True) if paths else 0.0,
        "prefilter (NUL + may_call_pip)": median_time(prefilter, repeat, best=True),
        "scanning (scan)": median_time(scanning, repeat, best=True),
        "stages (run_contexts)": median_time(stages, repeat, best=True),
        "shell parsing (commands)": median_time(shell, repeat, best=True),
        "violations (stages+shell+rules)": median_time(violations, repeat, best=True),
        "whole fix()": median_time(whole, repeat, best=True),
    }
    write_each = median_time(writing, 1) / max(len(targets), 1)
    shutil.rmtree(directory, ignore_errors=True)
    rules = (
        times["violations (stages+shell+rules)"] - times["shell parsing (commands)"] - times["stages (run_contexts)"]
    )
    label = f"{n} corpus files" if paths else f"{n} generated files"
    for name, seconds in times.items():
        table.add("per-file", f"{name}, avg over {label}", f"{seconds / n * 1e6:.1f} us")
    table.add("per-file", "rules+invocation+cache (violations - shell - stages)", f"{rules / n * 1e6:.1f} us")
    rest = (
        times["whole fix()"]
        - times["prefilter (NUL + may_call_pip)"]
        - times["scanning (scan)"]
        - times["violations (stages+shell+rules)"]
    )
    table.add("per-file", "self-check, findings, edits (fix - the above)", f"{rest / n * 1e6:.1f} us")
    table.add(
        "per-file",
        f"{len(candidates)} of {n} files mention pip/uv; fix() each",
        f"{(times['whole fix()']) / max(len(candidates), 1) * 1e6:.1f} us",
    )
    table.add("per-file", "writing (write_atomically, fsync), per changed file", f"{write_each * 1e6:.0f} us")
    no_pip = no_pip_dockerfile()
    each = median_time(lambda: [engine.fix(no_pip) for _ in range(1000)], repeat) / 1000
    table.add("per-file", "no pip/uv, 60-line file, fix()", f"{each * 1e3:.4f} ms", "< 0.05 ms", each < 0.05e-3)
    with tempfile.NamedTemporaryFile("w", suffix=".Dockerfile", delete=False) as handle:
        handle.write(no_pip)
    path = Path(handle.name)
    each = median_time(lambda: [engine.fix(read_source(path)) for _ in range(1000)], repeat) / 1000
    path.unlink()
    table.add("per-file", "no pip/uv, 60-line file, read + fix()", f"{each * 1e3:.4f} ms", "< 0.05 ms", each < 0.05e-3)


# --- 3. scaling -----------------------------------------------------------------------------


def big_text(size: int) -> str:
    """About `size` bytes of typical Dockerfile, every pip call different (as in a real file:
    fix() would remember a repeated RUN)."""
    block = typical_dockerfile(60)
    copies = max(1, size // len(block))
    return "".join(block.replace("pip install", f"pip install pkg{i}") for i in range(copies))


def scaling(table: Table, full: bool, paths: list[Path]) -> dict:
    from pipfix import engine

    sizes = [1_000, 10_000, 100_000, 1_000_000, 5_000_000] + ([20_000_000, 50_000_000] if full else [])
    points = []
    result: dict = {}
    for size in sizes:
        text = big_text(size)
        repeat = 5 if size <= 1_000_000 else 1
        seconds = median_time(lambda text=text: engine.fix(text), repeat)
        points.append((len(text) / 1e6, seconds))
        table.add("scaling", f"fix() in process, {len(text) / 1e6:g} MB file", f"{seconds * 1e3:.1f} ms")
    slope, _, r2 = fit(points)
    table.add("scaling", "fitted slope, file size (r^2)", f"{slope * 1e3:.0f} ms/MB (r2 {r2:.4f})")
    # time ~ size^k from 0.1 MB up (below, fixed costs dominate): k = 1 is linear, a quadratic
    # path gives 2
    exponent = fit([(math.log(mb), math.log(s)) for mb, s in points if mb >= 0.1])[0]
    table.add(
        "scaling",
        "growth exponent k (time ~ size^k), 0.1 MB and up",
        f"{exponent:.2f}",
        "linear (k < 1.1)",
        exponent < 1.1,
    )
    # the largest file in a child process (peak RSS), and the largest the CLI accepts through it
    directory = Path(tempfile.mkdtemp(prefix="pipfix-bench-"))
    largest = sizes[-1]
    big = directory / "Dockerfile"
    big.write_text(big_text(largest))
    script = "import sys; from pipfix.engine import fix; fix(open(sys.argv[1], encoding='utf-8').read())"
    elapsed, _, peak = run_child([sys.executable, "-c", script, str(big)])
    table.add("scaling", f"fix() in a child process, {largest / 1e6:g} MB file", f"{elapsed:.2f} s")
    table.add("memory", f"peak RSS, fix() of the {largest / 1e6:g} MB file", f"{peak / 1024:.0f} MB")
    try:
        from pipfix.files import MAX_SIZE
    except ImportError:
        MAX_SIZE = None
    cli_size = min(largest, int(MAX_SIZE * 0.95)) if MAX_SIZE else largest
    big.write_text(big_text(cli_size))
    elapsed, status, peak = run_child([*PIPFIX, "--check", str(big)])
    table.add("scaling", f"pipfix --check on a {cli_size / 1e6:g} MB file (exit {status})", f"{elapsed:.2f} s")
    table.add("memory", f"peak RSS, pipfix --check on the {cli_size / 1e6:g} MB file", f"{peak / 1024:.0f} MB")
    if MAX_SIZE and largest > MAX_SIZE:
        table.add("scaling", f"the CLI refuses files over {MAX_SIZE / 2**20:g} MiB (files.MAX_SIZE)", "")
    result["size_points"] = points
    shutil.rmtree(directory, ignore_errors=True)

    counts = [1, 10, 100, 1_000, 10_000] + ([100_000] if full else [])
    sources = []
    for path in paths[:500]:
        try:
            sources.append(path.read_bytes())
        except OSError:
            pass
    sources = sources or [typical_dockerfile().encode(), no_pip_dockerfile().encode()]
    count_points = []
    for count in counts:
        directory = Path(tempfile.mkdtemp(prefix="pipfix-bench-tree-"))
        for i in range(count):
            sub = directory / f"d{i // 1000}" / f"s{i % 1000}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / "Dockerfile").write_bytes(sources[i % len(sources)])
        # the minimum of a few runs: the least disturbed by other load on the machine
        elapsed = min(run_child([*PIPFIX, "--check", str(directory)])[0] for _ in range(3 if count <= 10_000 else 1))
        count_points.append((count, elapsed))
        table.add("scaling", f"pipfix --check, tree of {count} files", f"{elapsed:.2f} s")
        shutil.rmtree(directory, ignore_errors=True)
    slope, intercept, r2 = fit(count_points)
    table.add(
        "scaling", "fitted slope, file count (r^2)", f"{slope * 1e3:.3f} ms/file (r2 {r2:.4f})", "linear", r2 > 0.98
    )
    table.add("scaling", "fitted intercept (process start)", f"{intercept * 1e3:.0f} ms")
    result["count_points"] = count_points
    return result


# --- 4. latency -----------------------------------------------------------------------------


def latency(table: Table, repeat: int) -> None:
    data = typical_dockerfile(60).encode()
    baseline = statistics.median(run_child([sys.executable, "-c", "pass"])[0] for _ in range(repeat))
    times = [run_child([*PIPFIX, "--stdin-filename", "Dockerfile", "-"], data)[0] for _ in range(repeat)]
    cold = statistics.median(times)
    table.add(
        "latency",
        f"cold start `pipfix -`, 60-line file (median of {repeat})",
        f"{cold * 1e3:.0f} ms",
        "< 150 ms",
        cold < 0.150,
    )
    table.add("latency", "bare `python -c pass` on this machine", f"{baseline * 1e3:.0f} ms")
    import editor_latency  # benchmarks/editor_latency.py: a real LSP client over stdio

    lines, runs = 500, repeat * 10
    try:
        times, first = asyncio.run(editor_latency.lsp_formatting(editor_latency.dockerfile(lines), runs))
    except ImportError:
        table.add("latency", "`pipfix lsp` formatting: pygls is not installed", "")
        return
    warm = statistics.median(times)
    table.add(
        "latency",
        f"`pipfix lsp` formatting, {lines}-line file, warm, after an edit (median of {runs})",
        f"{warm * 1e3:.1f} ms",
        "< 5 ms",
        warm < 0.005,
    )
    table.add("latency", "the same, first request after opening", f"{first * 1e3:.1f} ms")


# --- profile --------------------------------------------------------------------------------


def profile(paths: list[Path], top: int = 15) -> str:
    """cProfile of fix() over the corpus: the top entries by own time."""
    import cProfile
    import io
    import pstats

    from pipfix.engine import fix, forget
    from pipfix.errors import PipfixError

    texts = []
    for path in paths:
        try:
            texts.append(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            pass
    texts = texts or [typical_dockerfile()] * 1000

    def run() -> None:
        for text in texts:
            try:
                fix(text)
            except PipfixError:
                pass

    run()
    forget()  # a first sight of each text, as in a CI run
    profiler = cProfile.Profile()
    profiler.runcall(run)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- main -----------------------------------------------------------------------------------


def compile_bytecode() -> str:
    """Compile the pipfix measured to bytecode, as `pip install` does; in a checkout with
    PYTHONDONTWRITEBYTECODE set, every process measured would compile it again (~20 ms)."""
    import compileall

    import pipfix

    package = Path(pipfix.__file__).parent
    compileall.compile_dir(package, quiet=1)
    return str(package)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="add the 50 MB file and the 100,000-file tree")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions; hadolint on every 10th file")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions of the throughput runs (default 3)")
    parser.add_argument("--hadolint-stride", type=int, default=None, help="run hadolint on every Nth corpus file")
    parser.add_argument("--only", nargs="*", choices=["throughput", "per-file", "scaling", "latency"])
    parser.add_argument("--profile", action="store_true", help="print cProfile's top entries of fix() on the corpus")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    parser.add_argument("--json", type=Path, help="also write the raw results as JSON to this file")
    options = parser.parse_args(argv)
    repeat = options.repeat or (1 if options.quick else 3)
    sections = set(options.only or ["throughput", "per-file", "scaling", "latency"])
    paths = corpus_paths()
    table = Table()
    print(f"machine: {machine()}")
    print(f"pipfix: {compile_bytecode()} (compiled to bytecode)")
    print(f"corpus: {CORPUS} ({len(paths)} files)" if paths else f"corpus: {CORPUS} absent")
    raw: dict = {"machine": machine()}
    start = time.perf_counter()
    if "throughput" in sections:
        raw["throughput"] = throughput(table, paths, repeat, options.hadolint_stride or (10 if options.quick else 1))
    if "per-file" in sections:
        per_file(table, paths, max(repeat, 5))
    if "scaling" in sections:
        raw["scaling"] = scaling(table, options.full, paths)
    if "latency" in sections:
        latency(table, 5 if options.quick else 15)
    print(f"total {time.perf_counter() - start:.0f} s")
    if options.profile:
        print(profile(paths))
    if options.markdown:
        options.markdown.write_text(f"Machine: {machine()}\n\n{table.markdown()}\n")
    if options.json:
        raw["rows"] = table.rows
        options.json.write_text(json.dumps(raw, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
