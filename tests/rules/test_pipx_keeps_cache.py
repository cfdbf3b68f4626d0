"""PIP006: pipx calls that keep pip's (or uv's) cache. Rows: (before, after flag, after env).

Measured with pipx 1.18 in a temporary HOME: install, inject, run, upgrade-all... fill the
cache of the backend (uv when it is installed, else pip); `--pip-args=--no-cache-dir` leaves none
with either backend, PIP_NO_CACHE_DIR=1 only with pip's. So both strategies use the flag.
"""

import pytest

from pipfix import Strategy
from tests.helpers import assert_findings, assert_fix, dockerfile

F = "FROM python:3.12"
FLAG = "--pip-args=--no-cache-dir"

FIX_CASES = [
    pytest.param(
        dockerfile(F, "RUN pipx install poetry"),
        dockerfile(F, f"RUN pipx install {FLAG} poetry"),
        id="pipx install",
    ),
    pytest.param(
        dockerfile(F, "RUN pipx install black && pipx inject black six && pipx upgrade black"),
        dockerfile(F, f"RUN pipx install {FLAG} black && pipx inject {FLAG} black six && pipx upgrade {FLAG} black"),
        id="install, inject, upgrade",
    ),
    pytest.param(
        dockerfile(F, "RUN pipx install-all spec.json && pipx upgrade-all && pipx upgrade-shared"),
        dockerfile(
            F, f"RUN pipx install-all {FLAG} spec.json && pipx upgrade-all {FLAG} && pipx upgrade-shared {FLAG}"
        ),
        id="install-all, upgrade-all, upgrade-shared",
    ),
    pytest.param(
        dockerfile(F, "RUN pipx run --spec black==24.1 black --version"),
        dockerfile(F, f"RUN pipx run {FLAG} --spec black==24.1 black --version"),
        id="pipx run",
    ),
    pytest.param(
        dockerfile(F, "RUN pipx run --no-cache pycowsay hi"),
        dockerfile(F, f"RUN pipx run {FLAG} --no-cache pycowsay hi"),
        id="pipx run --no-cache is about pipx's environments",
    ),
    pytest.param(
        dockerfile(F, "RUN python3 -m pipx install black && /usr/local/bin/pipx install ruff"),
        dockerfile(F, f"RUN python3 -m pipx install {FLAG} black && /usr/local/bin/pipx install {FLAG} ruff"),
        id="python -m pipx, pipx under a path",
    ),
    pytest.param(
        dockerfile(F, 'RUN pipx install --pip-args="--pre" black'),
        dockerfile(F, 'RUN pipx install --pip-args="--no-cache-dir --pre" black'),
        id="--pip-args given, double quotes: the flag goes into it",
    ),
    pytest.param(
        dockerfile(F, "RUN pipx install --pip-args '--index-url https://pypi.example/simple' black"),
        dockerfile(F, "RUN pipx install --pip-args '--no-cache-dir --index-url https://pypi.example/simple' black"),
        id="--pip-args given as a separate quoted word",
    ),
    pytest.param(
        dockerfile(F, "RUN pipx install --pip-args=--pre black"),
        dockerfile(F, "RUN pipx install --pip-args='--no-cache-dir '--pre black"),
        id="--pip-args given bare: a quoted flag before its value",
    ),
    pytest.param(
        dockerfile(F, 'RUN pipx install "--pip-args=--pre" black'),
        dockerfile(F, 'RUN pipx install "--pip-args=--no-cache-dir --pre" black'),
        id="the whole option quoted",
    ),
    pytest.param(
        dockerfile(F, "RUN pipx install --pip-args=--pre --pip-args='-q' black"),
        dockerfile(F, "RUN pipx install --pip-args=--pre --pip-args='--no-cache-dir -q' black"),
        id="the last --pip-args is the one pipx uses",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["pipx", "install", "black"]'),
        dockerfile(F, f'RUN ["pipx", "install", "{FLAG}", "black"]'),
        id="exec form",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["pipx", "install", "--pip-args=--pre", "black"]'),
        dockerfile(F, 'RUN ["pipx", "install", "--pip-args=--no-cache-dir --pre", "black"]'),
        id="exec form, --pip-args given",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["pipx", "install", "--pip-args", "--pre", "black"]'),
        dockerfile(F, 'RUN ["pipx", "install", "--pip-args", "--no-cache-dir --pre", "black"]'),
        id="exec form, --pip-args given as its own element",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pipx install --backend uv black"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", f"RUN pipx install {FLAG} --backend uv black"),
        id="PIP_NO_CACHE_DIR does not reach the uv backend",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1 PIPX_DEFAULT_BACKEND=uv", "RUN pipx install black"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1 PIPX_DEFAULT_BACKEND=uv", f"RUN pipx install {FLAG} black"),
        id="nor with PIPX_DEFAULT_BACKEND=uv",
    ),
]

NOOP_CASES = [
    pytest.param(dockerfile(F, f"RUN pipx install {FLAG} black"), id="--pip-args=--no-cache-dir"),
    pytest.param(dockerfile(F, "RUN pipx install --pip-args '--pre --no-cache-dir' black"), id="among other args"),
    pytest.param(dockerfile(F, "RUN pipx install --pip-args=--no-cache black"), id="an abbreviation pip accepts"),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pipx install black"), id="ENV PIP_NO_CACHE_DIR, pip backend"
    ),
    pytest.param(dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pipx install black"), id="inline PIP_NO_CACHE_DIR"),
    pytest.param(dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip pipx install black"), id="cache mount"),
    pytest.param(
        dockerfile(
            F, "RUN pipx list && pipx uninstall black && pipx reinstall-all && pipx ensurepath && pipx --version"
        ),
        id="commands without --pip-args or downloads",
    ),
    pytest.param(dockerfile(F, "RUN pip install --no-cache-dir pipx"), id="installing pipx"),
]


@pytest.mark.parametrize(("before", "after"), FIX_CASES)
@pytest.mark.parametrize("strategy", [Strategy.FLAG, Strategy.ENV])  # mount: tests/test_mount.py
def test_fix(before, after, strategy):
    assert_fix(before, after, strategy)


@pytest.mark.parametrize("before", NOOP_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_unchanged(before, strategy):
    assert_fix(before, before, strategy)


def test_the_finding_points_at_pipx():
    assert_findings(dockerfile(F, "RUN pip install pipx && pipx install black"), [("PIP001", 2, 5), ("PIP006", 2, 25)])


def test_a_pip_args_word_with_escapes_is_reported_without_a_fix():
    assert_findings(dockerfile(F, 'RUN sh -c "pipx install --pip-args=\\"--pre\\" black"'), [("PIP006", 2, 12)])
