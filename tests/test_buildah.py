"""--strategy mount in a real build: buildah (the builder of podman, which implements BuildKit's
`RUN --mount=type=cache`) builds one Dockerfile as written, as `--strategy flag` fixes it and as
`--strategy mount` fixes it, twice.

The Dockerfile installs a package from an sdist (tests/data/probe) as root and then as
`USER 1000:1000`: pip builds its wheel and keeps it in `~/.cache/pip/wheels`, which is what is
looked for. The base image is a minimal Debian made by debootstrap; the build needs no network.

- as written, both wheels stay in the image;
- with the flag, neither does;
- with the mounts, neither does; they are in buildah's cache mounts instead, the user's owned by
  uid 1000 (the `uid` pipfix adds is what lets pip write there), and the second build builds no
  wheel: it takes them from the mounts.

Skipped without root, buildah or debootstrap (.ci/run installs them from Debian), or when
debootstrap cannot reach a Debian mirror.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipfix import Settings, Strategy, fix

from .probe import build_probe_sdist

WHEEL = "pipfix_probe-1.0-py3-none-any.whl"
INSTALL = "pip install --no-index --find-links /src pipfix-probe"
DOCKERFILE = f"""\
FROM localhost/pipfix-test-base
COPY pipfix_probe-1.0.tar.gz /src/
RUN python3 -m venv /venv && /venv/bin/{INSTALL}
RUN mkdir -p /home/app && chown 1000:1000 /home/app
USER 1000:1000
ENV HOME=/home/app
RUN python3 -m venv /home/app/venv && /home/app/venv/bin/{INSTALL}
"""
MOUNTED = DOCKERFILE.replace(
    "RUN python3 -m venv /venv", "RUN --mount=type=cache,target=/root/.cache/pip python3 -m venv /venv"
).replace(
    "RUN python3 -m venv /home",
    "RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000,gid=1000 python3 -m venv /home",
)
TIMEOUT = 600


class Buildah:
    """buildah with storage and cache mounts of its own under `root` (vfs: no overlay needed)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {**os.environ, "TMPDIR": str(root / "tmp")}  # where buildah keeps cache mounts
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def __call__(self, *args: str | Path, cwd: Path | None = None) -> str:
        command = [
            "buildah",
            "--root",
            self.root / "storage",
            "--runroot",
            self.root / "run",
            "--storage-driver",
            "vfs",
        ]
        process = subprocess.run(
            [*map(str, command), *map(str, args)],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=cwd,
            timeout=TIMEOUT,
        )
        assert process.returncode == 0, process.stdout + process.stderr
        return process.stdout

    def build(self, context: Path, dockerfile: str, tag: str) -> str:
        (context / "Dockerfile").write_text(dockerfile)
        return self("bud", "--pull-never", "--isolation", "chroot", "--layers=false", "-t", tag, ".", cwd=context)

    def cache_files(self, tag: str) -> list[str]:
        """The files under the image's pip caches, relative to its root."""
        container = self("from", "--pull-never", tag).strip()
        try:
            root = Path(self("mount", container).strip())
            caches = [root / "root/.cache/pip", root / "home/app/.cache/pip"]
            return sorted(
                str(path.relative_to(root)) for cache in caches for path in cache.rglob("*") if path.is_file()
            )
        finally:
            self("rm", container)

    def mounted_wheels(self) -> list[tuple[str, int]]:
        """The probe wheels in buildah's cache mounts (`$TMPDIR/buildah-cache*/TARGET`): the home
        of the target each is in, and the wheel's owner."""
        wheels = (self.root / "tmp").glob(f"buildah-cache*/**/{WHEEL}")
        return sorted(
            (_home(str(path).split("buildah-cache", 1)[1].split("/", 1)[1]), path.stat().st_uid) for path in wheels
        )


@pytest.fixture(scope="module")
def buildah(tmp_path_factory) -> Buildah:
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("buildah builds here as root")
    missing = [tool for tool in ("buildah", "debootstrap") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (apt-get install buildah debootstrap)")
    root = tmp_path_factory.mktemp("buildah")
    rootfs = root / "rootfs"
    bootstrap = subprocess.run(
        [
            "debootstrap",
            "--variant=minbase",
            "--include=python3-venv",
            "bookworm",
            rootfs,
            "http://deb.debian.org/debian",
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if bootstrap.returncode != 0:
        pytest.skip(f"debootstrap could not make a Debian base image: {bootstrap.stdout[-300:]}")
    tool = Buildah(root)
    container = tool("from", "scratch").strip()
    # cp -a: the root file system has device nodes, which copytree would read from
    subprocess.run(["cp", "-a", f"{rootfs}/.", tool("mount", container).strip()], check=True, timeout=TIMEOUT)
    tool("commit", "-q", container, "localhost/pipfix-test-base")
    return tool


@pytest.fixture
def context(tmp_path) -> Path:
    build_probe_sdist(tmp_path)
    return tmp_path


def _home(path: str) -> str:
    return path.split("/.cache", 1)[0]


def test_pipfix_makes_the_mounts_this_test_builds():
    assert fix(DOCKERFILE, Settings(strategy=Strategy.MOUNT)).text == MOUNTED


def test_as_written_the_wheels_stay_in_the_image(buildah, context):
    buildah.build(context, DOCKERFILE, "as-written")
    wheels = [path for path in buildah.cache_files("as-written") if path.endswith(WHEEL)]
    assert [_home(path) for path in wheels] == ["home/app", "root"]


def test_the_flag_keeps_them_out(buildah, context):
    buildah.build(context, fix(DOCKERFILE).text, "flag")
    assert not [path for path in buildah.cache_files("flag") if path.endswith(WHEEL)]


def test_the_mounts_keep_them_out_and_for_the_next_build(buildah, context):
    log = buildah.build(context, MOUNTED, "mount")
    assert log.count("Created wheel for pipfix-probe") == 2
    assert buildah.cache_files("mount") == []
    assert buildah.mounted_wheels() == [("home/app", 1000), ("root", 0)]
    rebuilt = buildah.build(context, MOUNTED, "mount-again")
    assert "Created wheel" not in rebuilt  # both taken from the mounts
    assert buildah.cache_files("mount-again") == []


def test_root_s_mount_does_not_hold_the_user_s_cache(buildah, context):
    """What other fixers insert: root's cache mount on every RUN. The user's wheel stays in the
    image, and pipfix says where it is."""
    peer = DOCKERFILE.replace("RUN python3", "RUN --mount=type=cache,target=/root/.cache/pip python3")
    buildah.build(context, peer, "root-mount")
    wheels = [path for path in buildah.cache_files("root-mount") if path.endswith(WHEEL)]
    assert [_home(path) for path in wheels] == ["home/app"]
    (finding,) = fix(peer).findings
    assert "it caches in /home/app/.cache/pip" in finding.message
