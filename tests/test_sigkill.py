"""SIGKILL in the middle of `pipfix --write` on a large batch: every file is exactly the
original or exactly the fixed version. Temporary files (`.NAME.*.pipfix`) may remain after a
SIGKILL (nothing can remove them); they are hidden, never taken for Dockerfiles, and a second
run fixes the rest and ignores them."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from pipfix.discovery import is_dockerfile_name
from pipfix.engine import fix
from tests.cli_support import CLEAN_ENV, PYTHON_M_PIPFIX, SOURCE_ROOT, write

COPIES = 2000
VARIANTS = [
    "FROM python:3.12\nRUN pip install flask\n",
    "FROM python:3.12\r\nRUN python -m pip install -r requirements.txt && \\\r\n    uv pip install x\r\n",
    '\ufeffFROM python:3.12 AS build\nRUN <<EOF\npip install numpy\nEOF\nFROM build\nRUN ["pip", "install", "y"]\n',
    "FROM python:3.12\nRUN pip install --no-cache-dir flask\n",  # already clean
    "FROM python:3.12\n" + "".join(f"RUN pip install package{n} && echo {n}\n" for n in range(40)),
]


def test_sigkill_mid_batch_leaves_every_file_whole(tmp_path):
    tree = tmp_path / "tree"
    expected = {}
    for number in range(COPIES):
        original = VARIANTS[number % len(VARIANTS)]
        path = write(tree / f"d{number // 100:02}" / f"s{number:04}" / "Dockerfile", original)
        expected[path] = (original.encode(), fix(original).text.encode())
    environment = {**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)}
    process = subprocess.Popen(
        [*PYTHON_M_PIPFIX, "--write", "--jobs", "2", "tree"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    first = next(path for path, (original, fixed) in expected.items() if original != fixed)
    deadline = time.monotonic() + 120
    try:
        while first.read_bytes() == expected[first][0] and process.poll() is None:
            assert time.monotonic() < deadline, "pipfix fixed nothing in 120 s"
            time.sleep(0.005)
        time.sleep(0.2)  # well into the batch
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the workers too
        process.wait()
    assert process.returncode == -signal.SIGKILL, "pipfix finished before it was killed"

    fixed_count = 0
    for path, (original, fixed) in expected.items():
        content = path.read_bytes()
        assert content in (original, fixed), path
        fixed_count += content == fixed != original
    changing = sum(original != fixed for original, fixed in expected.values())
    assert 0 < fixed_count < changing, (fixed_count, changing)  # killed mid-batch

    leftovers = [path for path in tree.rglob("*") if path.is_file() and path not in expected]
    assert all(path.name.startswith(".") and path.name.endswith(".pipfix") for path in leftovers), leftovers
    assert not any(is_dockerfile_name(path.name) for path in leftovers)

    again = subprocess.run(
        [*PYTHON_M_PIPFIX, "--write", "--jobs", "2", "tree"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    assert all(path.read_bytes() == fixed for path, (_, fixed) in expected.items())
