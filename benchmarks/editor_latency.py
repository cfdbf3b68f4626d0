"""Editor latency (issue 4): what a user waits for on save.

    .venv/bin/python benchmarks/editor_latency.py            # 30 cold starts, 50 formattings
    .venv/bin/python benchmarks/editor_latency.py --runs 100

1. stdin cold start: `pipfix --stdin-filename Dockerfile -` on a typical 60-line Dockerfile,
   a new process each time (what conform.nvim, efm-langserver and Helix run on every save);
   median; for comparison, `pipfix --help` (the typer command, which plain runs never import)
   and a bare `python -c pass`.
2. LSP formatting once warm: `pipfix lsp` started once, a 500-line Dockerfile opened, then
   `textDocument/formatting` after an edit each time, somewhere else in the file (so the text
   is new each time, and what follows the edit too), measured
   from the request to the response, over stdio with a real client (pygls); the server handles
   messages in order, so this is the time from the edit's arrival to the edits.

Prints a small table; the numbers in the README come from it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run import FILLER, typical_dockerfile  # the same typical Dockerfile as benchmarks/run.py

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PIPFIX = [str(BIN / "pipfix")] if (BIN / "pipfix").exists() else [sys.executable, "-m", "pipfix"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# the filler of run.py with a pip and a uv call among it
FILLER = (
    *FILLER[:4],
    "RUN pip install gunicorn==22.0.0 uvicorn[standard]",
    *FILLER[4:],
    "RUN uv pip install --system httpx",
)


def dockerfile(lines: int) -> str:
    """A typical Dockerfile of `lines` lines with a pip or uv call every few lines."""
    return typical_dockerfile(lines, FILLER)


def cold_start(argv: list[str], stdin: bytes, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, input=stdin, capture_output=True, check=False, env=ENV)
        times.append(time.perf_counter() - start)
    return times


async def lsp_formatting(text: str, runs: int) -> tuple[list[float], float]:
    """(per-request seconds once warm, the first request's seconds)."""
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("editor-latency", "1")

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        pass  # the server analyses on every change; the time is in the formatting row

    await client.start_io(*PIPFIX, "lsp", env=ENV)
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=ROOT.as_uri())
    )
    client.initialized(types.InitializedParams())
    uri = "untitled:Dockerfile-500"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)
        )
    )
    params = types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        options=types.FormattingOptions(tab_size=4, insert_spaces=True),
    )
    times = []
    first = 0.0
    lines = text.splitlines(keepends=True)
    for version in range(2, runs + 3):
        # an edit (a comment line) somewhere else each time, from the top to the bottom of
        # the file, so each request analyses a new text and nothing after the edit is as before
        at = (version * 137) % len(lines)
        text = "".join([*lines[:at], f"# edit {version}\n", *lines[at:]])
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        start = time.perf_counter()
        edits = await client.text_document_formatting_async(params)
        elapsed = time.perf_counter() - start
        assert edits, "the 500-line Dockerfile has calls to fix"
        if version == 2:
            first = elapsed
        else:
            times.append(elapsed)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times, first


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="cold starts per command (default 30)")
    parser.add_argument("--lsp-runs", type=int, default=50, help="formatting requests (default 50)")
    args = parser.parse_args()

    typical = dockerfile(60).encode()
    big = dockerfile(500)
    rows = []
    stdin_times = cold_start([*PIPFIX, "--stdin-filename", "Dockerfile", "-"], typical, args.runs)
    rows.append(("stdin cold start, 60 lines (`pipfix --stdin-filename Dockerfile -`)", stdin_times))
    help_times = cold_start([*PIPFIX, "--help"], b"", max(5, args.runs // 3))
    rows.append(("for comparison: `pipfix --help`", help_times))
    python_times = cold_start([sys.executable, "-c", "pass"], b"", max(5, args.runs // 3))
    rows.append(("for comparison: `python -c pass`", python_times))
    try:
        lsp_times, first = asyncio.run(lsp_formatting(big, args.lsp_runs))
        rows.append(("LSP formatting, 500 lines, warm (after an edit)", lsp_times))
        rows.append(("LSP formatting, 500 lines, first request", [first]))
    except ImportError:
        print("pygls is not installed (pip install '.[lsp]'): LSP row skipped", file=sys.stderr)

    print(
        f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs,"
        f" load {os.getloadavg()[0]:.1f}"
    )
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}  runs")
    for name, times in rows:
        print(
            f"{name:<{width}}  {ms(statistics.median(times)):>8}  {ms(min(times)):>8}  "
            f"{ms(max(times)):>8}  {len(times)}"
        )


if __name__ == "__main__":
    main()
