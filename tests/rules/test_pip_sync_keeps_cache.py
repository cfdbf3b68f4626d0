"""PIP007: pip-sync calls that keep pip's cache. Rows: (before, after flag, after env).

Measured with pip-tools 7.7 in a temporary HOME: pip-sync leaves the wheel pip built in
~/.cache/pip; `--pip-args=--no-cache-dir` and PIP_NO_CACHE_DIR=1 leave none. Of two
--pip-args the last wins, so a flag for one already given goes into its value.
"""

import pytest

from pipfix import Strategy
from tests.helpers import assert_findings, assert_fix, dockerfile

F = "FROM python:3.12"
FLAG = "--pip-args=--no-cache-dir"

FIX_CASES = [
    pytest.param(
        dockerfile(F, "RUN pip-sync requirements.txt"),
        dockerfile(F, f"RUN pip-sync {FLAG} requirements.txt"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip-sync requirements.txt"),
        id="pip-sync",
    ),
    pytest.param(
        dockerfile(F, "RUN python -m piptools sync r.txt && /opt/venv/bin/pip-sync r.txt"),
        dockerfile(F, f"RUN python -m piptools sync {FLAG} r.txt && /opt/venv/bin/pip-sync {FLAG} r.txt"),
        dockerfile(
            F, "RUN PIP_NO_CACHE_DIR=1 python -m piptools sync r.txt && PIP_NO_CACHE_DIR=1 /opt/venv/bin/pip-sync r.txt"
        ),
        id="python -m piptools sync, pip-sync under a path",
    ),
    pytest.param(
        dockerfile(F, 'RUN pip-sync --pip-args "--user -q" r.txt'),
        dockerfile(F, 'RUN pip-sync --pip-args "--no-cache-dir --user -q" r.txt'),
        dockerfile(F, 'RUN PIP_NO_CACHE_DIR=1 pip-sync --pip-args "--user -q" r.txt'),
        id="--pip-args given: into its value, or the variable",
    ),
    pytest.param(
        dockerfile(F, "RUN sudo pip-sync r.txt"),
        dockerfile(F, f"RUN sudo pip-sync {FLAG} r.txt"),
        dockerfile(F, f"RUN sudo pip-sync {FLAG} r.txt"),
        id="sudo: the variable cannot reach pip",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["pip-sync", "r.txt"]'),
        dockerfile(F, f'RUN ["pip-sync", "{FLAG}", "r.txt"]'),
        dockerfile(F, f'RUN ["pip-sync", "{FLAG}", "r.txt"]'),
        id="exec form",
    ),
]

NOOP_CASES = [
    pytest.param(dockerfile(F, f"RUN pip-sync {FLAG} r.txt"), id="--pip-args=--no-cache-dir"),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pip-sync r.txt"), id="ENV PIP_NO_CACHE_DIR"),
    pytest.param(dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip pip-sync r.txt"), id="cache mount"),
    pytest.param(dockerfile(F, "RUN pip-compile r.in && python -m piptools compile r.in"), id="pip-compile"),
]


@pytest.mark.parametrize(("before", "after_flag", "after_env"), FIX_CASES)
def test_fix_flag(before, after_flag, after_env):
    assert_fix(before, after_flag, Strategy.FLAG)


@pytest.mark.parametrize(("before", "after_flag", "after_env"), FIX_CASES)
def test_fix_env(before, after_flag, after_env):
    assert_fix(before, after_env, Strategy.ENV)


@pytest.mark.parametrize("before", NOOP_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_unchanged(before, strategy):
    assert_fix(before, before, strategy)


def test_the_finding_points_at_pip_sync():
    assert_findings(dockerfile(F, "RUN pip-sync r.txt"), [("PIP007", 2, 5)])
