"""pipfix as users install it: `python -m build` makes a wheel and an sdist that install and run
in a clean virtual environment, and the README's install commands (pip, pipx, uv, a git URL)
work as written. Real builds and installs: they need PyPI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import pipfix
from tests.cli_support import SOURCE_ROOT
from tests.install_support import run_checked, source_tree, virtual_environment

FLASK = "FROM python:3.12\nRUN pip install flask\n"
FLASK_FLAG = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"
PACKAGE_MODULES = sorted(path.relative_to(SOURCE_ROOT).as_posix() for path in (SOURCE_ROOT / "pipfix").rglob("*.py"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The wheel and the sdist of this tree (the wheel built from the sdist, as `python -m build`
    does by default)."""
    tree = source_tree(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    run_checked([sys.executable, "-m", "build", "--outdir", str(out), str(tree)])
    return out


def works(bin_dir: Path, workdir: Path) -> None:
    """The pipfix installed in bin_dir runs: version, a finding, a fix, a rule's documentation."""
    pipfix_command = str(bin_dir / "pipfix")
    assert run_checked([pipfix_command, "--version"]).stdout == f"pipfix {pipfix.__version__}\n"
    (workdir / "Dockerfile").write_text(FLASK)
    check = subprocess.run([pipfix_command, "--check", "Dockerfile"], cwd=workdir, capture_output=True, text=True)
    assert check.returncode == 1, check.stderr
    assert check.stdout.startswith("Dockerfile:2:5: PIP001 ")
    assert run_checked([pipfix_command, "-"], input=FLASK).stdout == FLASK_FLAG
    explained = run_checked([pipfix_command, "--explain", "PIP001"]).stdout
    assert explained == (SOURCE_ROOT / "docs" / "rules" / "PIP001.md").read_text()


@pytest.mark.parametrize("kind", ["whl", "tar.gz"], ids=["wheel", "sdist"])
def test_the_wheel_and_the_sdist_install_and_run_in_a_clean_environment(dist, tmp_path, kind):
    (archive,) = dist.glob(f"pipfix-*.{kind}")
    bin_dir = virtual_environment(tmp_path / "venv")
    run_checked([str(bin_dir / "python"), "-m", "pip", "install", "--disable-pip-version-check", str(archive)])
    works(bin_dir, tmp_path)


def test_the_wheel_holds_the_package_and_the_sdist_its_sources(dist):
    (wheel,) = dist.glob("pipfix-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    info = f"pipfix-{pipfix.__version__}.dist-info/"
    assert [name for name in names if not name.startswith(("pipfix/", info))] == []
    assert sorted(name for name in names if name.endswith(".py")) == PACKAGE_MODULES
    (sdist,) = dist.glob("pipfix-*.tar.gz")
    root = f"pipfix-{pipfix.__version__}/"
    with tarfile.open(sdist) as archive:
        members = {name.removeprefix(root) for name in archive.getnames()}
    assert {"pyproject.toml", "README.md", *PACKAGE_MODULES} <= members


def readme_install_commands() -> list[str]:
    """The command lines of the README's Install section, in order."""
    readme = (SOURCE_ROOT / "README.md").read_text()
    section = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_the_readme_shows_these_install_commands():
    assert readme_install_commands() == [
        "pip install .",
        "pipx install .",
        "uv tool install .",
        "pipx install 'git+https://github.com/OWNER/pipfix@REF'",
    ]


@pytest.fixture(scope="module")
def git_repository(tmp_path_factory) -> tuple[Path, str]:
    """A git repository of this tree with one commit: (its path, the commit)."""
    tree = source_tree(tmp_path_factory.mktemp("repository"))
    git = ["git", "-c", "user.name=pipfix tests", "-c", "user.email=tests@localhost", "-c", "init.defaultBranch=main"]
    run_checked([*git, "init", "-q"], cwd=tree)
    run_checked([*git, "add", "-A"], cwd=tree)
    run_checked([*git, "commit", "-q", "-m", "pipfix"], cwd=tree)
    return tree, run_checked(["git", "rev-parse", "HEAD"], cwd=tree).stdout.strip()


@pytest.mark.parametrize("line", readme_install_commands())
def test_each_readme_install_command_works(tmp_path, git_repository, line):
    repository, commit = git_repository
    command = line.replace("https://github.com/OWNER/pipfix", f"file://{repository}").replace("@REF", f"@{commit}")
    tool = command.split()[0]
    tools_bin = Path(sys.executable).parent  # pipx and uv come with the test extra
    if shutil.which(tool, path=str(tools_bin)) is None and tool != "pip":
        pytest.fail(f"{tool} is not installed: pip install '.[test]'")
    venv_bin = virtual_environment(tmp_path / "venv")  # the active virtual environment, for pip
    installed_bin = tmp_path / "bin"  # where pipx and uv put their commands
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(installed_bin), str(venv_bin), str(tools_bin), os.environ.get("PATH", "")]),
        "VIRTUAL_ENV": str(venv_bin.parent),
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(installed_bin),
        "UV_TOOL_DIR": str(tmp_path / "uv-tools"),
        "UV_TOOL_BIN_DIR": str(installed_bin),
    }
    run_checked(["sh", "-c", command], cwd=source_tree(tmp_path / "clone"), env=env)
    found = shutil.which("pipfix", path=env["PATH"])
    assert found is not None and Path(found).is_relative_to(tmp_path), found
    works(Path(found).parent, tmp_path)
