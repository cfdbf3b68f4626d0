"""The atheris fuzz target (fuzz/fuzz_fix.py) runs for a bounded time: 60 s by default,
PIPFIX_FUZZ_SECONDS to change it (0 skips). Skipped where atheris is not installed. A crash
fails the test with libFuzzer's report; the input it saved (crash-*) goes into
tests/test_fuzz_regressions.py."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from tests.cli_support import CLEAN_ENV, SOURCE_ROOT

FUZZ = SOURCE_ROOT / "fuzz"
SECONDS = int(os.environ.get("PIPFIX_FUZZ_SECONDS", "60"))


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
@pytest.mark.skipif(SECONDS <= 0, reason="PIPFIX_FUZZ_SECONDS=0")
def test_fuzz_target_runs_without_a_crash(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    process = subprocess.run(
        [
            sys.executable,
            str(FUZZ / "fuzz_fix.py"),
            str(corpus),
            str(FUZZ / "seeds"),
            f"-max_total_time={SECONDS}",
            "-max_len=4096",
            "-timeout=30",
            "-rss_limit_mb=4096",
            f"-artifact_prefix={tmp_path}/",
            "-seed=1",
        ],
        capture_output=True,
        cwd=tmp_path,
        env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
        timeout=SECONDS + 120,
    )
    report = process.stderr.decode(errors="replace")
    artifacts = sorted(path.name for path in tmp_path.iterdir() if path.name != "corpus")
    assert process.returncode == 0, f"{artifacts}\n{report[-4000:]}"
    assert "Done" in report
