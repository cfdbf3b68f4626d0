"""Real runs of the installers on PyPI: in a temporary HOME, the command as written leaves a copy
of what it installed in the tool's cache, and the command as pipfix fixes it leaves none.

The tools (uv, pdm, pipx, pip-tools, pipenv, Poetry) are installed from PyPI into one temporary
virtual environment per session; the tests skip when PyPI cannot be reached. What they install
is either `pipfix-probe`, an sdist built here (tests/data/probe: a build backend without
dependencies, so every tool builds it offline and caches the wheel it built), or, for Poetry,
which reads no local directory of packages, `six` from PyPI. The cases run at once (they wait
on the network and on subprocesses far more than they compute).

The fixed command is pipfix's own output: each command is put in `RUN` of a Dockerfile whose
`ENV HOME` is the run's temporary home, fixed with fix() in the flag and env strategies, and the
fixed `RUN` line is run with /bin/sh. The mount strategy's cache mounts (BuildKit does not run
here) must hold every copy the command as written left. A cache "holds a copy" when one of its files is named after the
installed module or has the module's file name in its bytes (a wheel, an HTTP cache database).
conda, mamba and micromamba are not on PyPI: their clean-up is not run here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipfix import Settings, Strategy, fix

from .probe import build_probe_sdist

# pdm 2.29 breaks with hishel 2 (AttributeError: SyncSqliteStorage); pdm does not cap it.
TOOLS = ("uv", "pdm", "hishel<2", "pipx", "pip-tools", "pipenv", "poetry")
TIMEOUT = 300


def _pypi_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/six/", timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Setup:
    tools: Path  # bin directory of the venv with the tools
    links: Path  # a directory holding the probe's sdist
    target: Path  # a venv for pip-sync to sync (never the tools' own)
    scratch: Path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    if not _pypi_reachable():
        pytest.skip("PyPI (https://pypi.org) cannot be reached: the installers cannot be installed")
    scratch = tmp_path_factory.mktemp("real-runs")
    quiet = {**_clean_environment(), "HOME": str(scratch), "PIP_NO_CACHE_DIR": "1", "UV_NO_CACHE": "1"}
    tools, target = scratch / "tools" / "bin", scratch / "target"
    subprocess.run([sys.executable, "-m", "venv", tools.parent], check=True, timeout=TIMEOUT)
    subprocess.run([tools / "python", "-m", "pip", "install", "-q", "uv"], check=True, env=quiet, timeout=TIMEOUT)
    # uv installs the others in a fraction of pip's time
    install = [tools / "uv", "pip", "install", "-q", "-p", tools / "python", *TOOLS]
    subprocess.run(install, check=True, env=quiet, timeout=TIMEOUT)
    subprocess.run([tools / "uv", "venv", "-q", "--seed", target], check=True, env=quiet, timeout=TIMEOUT)
    links = scratch / "links"
    links.mkdir()
    build_probe_sdist(links)
    return Setup(tools, links, target, scratch)


def _clean_environment() -> dict[str, str]:
    """This process's environment without the settings of the installers under test."""
    prefixes = ("PIP_", "UV_", "PDM_", "PIPX_", "PIPENV_", "POETRY_", "XDG_", "VIRTUAL_ENV", "CONDA")
    return {name: value for name, value in os.environ.items() if not name.startswith(prefixes)}


@dataclass
class Case:
    command: str  # as a user writes it in RUN
    caches: tuple[str, ...]  # the directories (under HOME) that must hold no copy once fixed
    module: str  # the installed module's file name: what a copy is recognised by
    files: dict[str, str] = field(default_factory=dict)  # project files, `{links}` filled in
    env: dict[str, str] = field(default_factory=dict)  # the run's variables, `{links}` filled in
    prepare: str = ""  # run once in the project before the runs (in a HOME of its own)
    check: str = ""  # run after the fixed command: what it installed still works
    ignore: tuple[str, ...] = ()  # paths in the caches that hold no download (pdm's self-check)
    after: Callable[[Setup], None] | None = None  # clean-up between runs


def _uninstall_probe(setup: Setup) -> None:
    subprocess.run([setup.target / "bin" / "python", "-m", "pip", "uninstall", "-q", "-y", "pipfix-probe"], check=True)


LINKS = {"PIP_FIND_LINKS": "{links}", "UV_FIND_LINKS": "{links}", "UV_NO_INDEX": "1", "UV_PYTHON_DOWNLOADS": "never"}
PROJECT = '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.9"\ndependencies = ["six"]\n'

CASES = {
    "uv pip install": Case(
        "uv venv -q /tmp/pipfix-probe-venv-$$ && uv pip install -p /tmp/pipfix-probe-venv-$$ pipfix-probe",
        (".cache/uv",),
        "pipfix_probe.py",
        env=LINKS,
    ),
    "uvx": Case("uvx --from pipfix-probe pipfix-probe", (".cache/uv",), "pipfix_probe.py", env=LINKS),
    "uv run": Case(
        "uv run --no-project --with pipfix-probe python -c 'import pipfix_probe'",
        (".cache/uv",),
        "pipfix_probe.py",
        env=LINKS,
    ),
    "pdm install": Case(
        "pdm install",
        (".cache/pdm",),
        "pipfix_probe.py",
        files={
            "pyproject.toml": PROJECT.replace("six", "pipfix-probe") + "[tool.pdm]\ndistribution = false\n"
            '[[tool.pdm.source]]\nname = "pypi"\nurl = "file://{links}"\ntype = "find_links"\n'
        },
        env={"PDM_CHECK_UPDATE": "false"},
        prepare="pdm lock",
        ignore=("self-check",),
        check="pdm run python -c 'import pipfix_probe'",
    ),
    "pipx install (uv)": Case(
        "pipx install pipfix-probe",
        (".cache/pip", ".cache/uv"),
        "pipfix_probe.py",
        env={**LINKS, "PIPX_DEFAULT_BACKEND": "uv"},
        check="~/.local/bin/pipfix-probe",
    ),
    "pipx install (pip)": Case(
        "pipx install pipfix-probe",
        (".cache/pip", ".cache/uv"),
        "pipfix_probe.py",
        # the shared pip that pipx creates and upgrades once (from PyPI), for both runs
        env={"PIP_FIND_LINKS": "{links}", "PIPX_DEFAULT_BACKEND": "pip", "PIPX_SHARED_LIBS": "{scratch}/pipx-shared"},
        check="~/.local/bin/pipfix-probe",
    ),
    "pip-sync": Case(
        "pip-sync --python-executable {target}/bin/python requirements.txt",
        (".cache/pip",),
        "pipfix_probe.py",
        files={"requirements.txt": "pipfix-probe==1.0\n"},
        env={"PIP_FIND_LINKS": "{links}", "PIP_NO_INDEX": "1"},
        check="{target}/bin/python -c 'import pipfix_probe'",
        after=_uninstall_probe,
    ),
    "pipenv sync": Case(
        "pipenv sync",
        (".cache/pipenv", ".cache/pip"),
        "pipfix_probe.py",
        files={
            "Pipfile": '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
            '[packages]\npipfix-probe = "==1.0"\n'
        },
        env={"PIP_FIND_LINKS": "{links}", "PIPENV_VENV_IN_PROJECT": "1", "PIPENV_YES": "1", "PIPENV_NOSPIN": "1"},
        prepare="pipenv lock",
        check="pipenv run python -c 'import pipfix_probe'",
    ),
    "poetry install": Case(
        "poetry install --no-root",
        (".cache/pypoetry",),
        "six.py",
        files={"pyproject.toml": PROJECT + "[tool.poetry]\npackage-mode = false\n"},
        prepare="poetry lock",
        ignore=("virtualenvs",),  # the environment itself, which the fix keeps
        check="poetry run python -c 'import six'",
    ),
}


def _copies(home: Path, case: Case) -> list[str]:
    """The files of the case's caches that hold a copy of the installed module."""
    name = case.module.encode()
    found = []
    for cache in case.caches:
        root = home / cache
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            relative = path.relative_to(root)
            if path.is_symlink() or not path.is_file() or relative.parts[0] in case.ignore:
                continue
            if case.module in path.name or name in path.read_bytes():
                found.append(f"{cache}/{relative}")
    return found


class RunFailed(Exception):
    pass


def _run(script: str, home: Path, project: Path, case: Case, setup: Setup) -> None:
    env = {
        **_clean_environment(),
        **{name: value.format(links=setup.links, scratch=setup.scratch) for name, value in case.env.items()},
        "HOME": str(home),
        "PATH": f"{setup.tools}:/usr/local/bin:/usr/bin:/bin",
    }
    process = subprocess.run(
        ["/bin/sh", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    if process.returncode != 0:
        raise RunFailed(f"`{script}` failed ({process.returncode}):\n{process.stdout}\n{process.stderr}")


def _template(case: Case, setup: Setup, directory: Path) -> Path:
    """The project the runs copy: the case's files, and what `prepare` made of them."""
    directory.mkdir(parents=True)
    for name, content in case.files.items():
        (directory / name).write_text(content.replace("{links}", str(setup.links)))
    if case.prepare:
        home = directory.parent / "prepare-home"
        home.mkdir()
        _run(case.prepare, home, directory, case, setup)
    return directory


def _fixed(command: str, home: Path, strategy: Strategy) -> str:
    """The command as pipfix fixes it, in a RUN whose user has `home` for HOME."""
    text = f"FROM python:3.12\nENV HOME={home}\nRUN {command}\n"
    result = fix(text, Settings(strategy=strategy))
    return result.text.splitlines()[2].removeprefix("RUN ")


@dataclass
class Outcome:
    label: str  # "as written", "fixed (flag)", "fixed (env)"
    script: str
    copies: list[str]  # what the caches hold of the installed module afterwards


def _outcomes(case: Case, setup: Setup, directory: Path) -> list[Outcome]:
    """Run the command as written and as fixed in each strategy (once when they agree), each in
    a fresh HOME and a fresh copy of the project; after a fixed one, `check`."""
    command = case.command.format(target=setup.target)
    runs = {"as written": (command, directory / "as-written")}
    for strategy in (Strategy.FLAG, Strategy.ENV):  # a shell runs them (mount: below)
        home = directory / strategy.value
        fixed = _fixed(command, home, strategy)
        if fixed not in [script for script, _ in runs.values()]:
            runs[f"fixed ({strategy.value})"] = (fixed, home)
    template = _template(case, setup, directory / "template")
    outcomes = []
    for label, (script, home) in runs.items():
        home.mkdir()
        project = shutil.copytree(template, directory / f"{home.name}-project")
        _run(script, home, project, case, setup)
        outcomes.append(Outcome(label, script, _copies(home, case)))
        if case.check and label != "as written":
            _run(case.check.format(target=setup.target), home, project, case, setup)
        if case.after is not None:
            case.after(setup)
        shutil.rmtree(home, ignore_errors=True)
    return outcomes


@pytest.fixture(scope="module")
def outcomes(setup: Setup) -> Iterator[dict[str, Future[list[Outcome]]]]:
    """Every case, run at once: they wait on the network far more than they compute."""
    pool = ThreadPoolExecutor(max_workers=len(CASES))
    futures = {
        name: pool.submit(_outcomes, case, setup, setup.scratch / name.replace(" ", "-"))
        for name, case in CASES.items()
    }
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize("name", list(CASES))
def test_the_cache_mounts_hold_what_the_command_caches(name: str, outcomes: dict[str, Future[list[Outcome]]]) -> None:
    """--strategy mount (no BuildKit here): the cache mounts pipfix adds hold every copy that the
    command as written left in its caches; where it adds none, the finding says why."""
    case = CASES[name]
    written = outcomes[name].result()[0]
    home = Path("/home/probe")
    text = f"FROM python:3.12\nENV HOME={home}\nRUN {case.command}\n"
    result = fix(text, Settings(strategy=Strategy.MOUNT))
    targets = [Path(target) for target in re.findall(r"--mount=type=cache,target=([^ ,]+)", result.text)]
    if not targets:
        assert any("(no cache mount: " in finding.message for finding in result.findings), result.findings
        return
    outside = [copy for copy in written.copies if not any((home / copy).is_relative_to(t) for t in targets)]
    assert written.copies and not outside, f"mounts on {targets}; outside them: {outside}"


@pytest.mark.parametrize("name", list(CASES))
def test_the_fixed_command_leaves_no_cache(name: str, outcomes: dict[str, Future[list[Outcome]]]) -> None:
    case = CASES[name]
    written, *fixed = outcomes[name].result()
    assert fixed, f"pipfix leaves `{written.script}` as it is"
    assert written.copies, f"`{written.script}` left no copy of {case.module} in {case.caches}: the test shows nothing"
    for outcome in fixed:
        assert not outcome.copies, f"`{outcome.script}` ({outcome.label}) left {outcome.copies}"
