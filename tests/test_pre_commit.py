"""The pre-commit hooks: the files pattern, and the real `pre-commit try-repo` on a repository
with a Dockerfile and a Containerfile."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipfix.discovery import is_dockerfile_name

ROOT = Path(__file__).resolve().parent.parent
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
FLASK = "FROM python:3.12\nRUN pip install flask\n"
FLASK_FLAG = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"

NAMES = [
    "Dockerfile",
    "dockerfile",
    "DOCKERFILE",
    "Dockerfile.prod",
    "api.Dockerfile",
    "web.dockerfile",
    "Containerfile",
    "containerfile",
    "Containerfile.test",
    "worker.containerfile",
    "Dockerfile.dockerignore",
    "Containerfile.containerignore",
    "Dockerfilex",
    "myDockerfile",
    "Dockerfile-dev",
    "docker-compose.yml",
    "notes.txt",
    "dockerfile.d/x.txt",
]


def test_the_hooks():
    assert HOOKS["pipfix"]["entry"] == "pipfix --write --force-exclude"
    assert HOOKS["pipfix-check"]["entry"] == "pipfix --check --force-exclude"
    for hook in HOOKS.values():
        assert (hook["language"], hook["types"]) == ("python", ["text"])


@pytest.mark.parametrize("hook", ["pipfix", "pipfix-check"])
@pytest.mark.parametrize("directory", ["", "deep/er/", ".devcontainer/"])
def test_the_files_pattern_matches_the_names_pipfix_searches_for(hook, directory):
    pattern = re.compile(HOOKS[hook]["files"])
    for name in NAMES:
        path = directory + name
        assert bool(pattern.search(path)) is is_dockerfile_name(Path(path).name), path


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def committed_repository(path: Path) -> Path:
    git("init", "-q", cwd=path)
    git("add", "-A", cwd=path)
    git(
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "-m",
        "init",
        cwd=path,
    )
    return path


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_try_repo(tmp_path):
    """try-repo installs the hook repository at its HEAD, so the test commits a copy of the
    project (never touching this checkout) and runs both hooks on a second repository."""
    hook_repo = tmp_path / "pipfix"
    shutil.copytree(ROOT / "pipfix", hook_repo / "pipfix", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, hook_repo / name)
    committed_repository(hook_repo)
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "Dockerfile").write_text(FLASK)
    (project / "Containerfile").write_text(FLASK)
    (project / "README.md").write_text("pip install flask\n")
    committed_repository(project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}

    def try_repo(hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--all-files", "--color", "never"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    check = try_repo("pipfix-check")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "Containerfile:2:5: PIP001" in check.stdout
    assert "app/Dockerfile:2:5: PIP001" in check.stdout
    assert (project / "Containerfile").read_text() == FLASK

    fix = try_repo("pipfix")
    assert fix.returncode == 1, fix.stdout + fix.stderr  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in fix.stdout
    assert (project / "Containerfile").read_text() == FLASK_FLAG
    assert (project / "app" / "Dockerfile").read_text() == FLASK_FLAG
    assert (project / "README.md").read_text() == "pip install flask\n"

    assert try_repo("pipfix-check").returncode == 0
