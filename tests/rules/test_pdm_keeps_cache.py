"""PIP005: pdm calls that keep their cache. Rows: (before, after with the flag, after with env).

Measured with pdm 2.29 in a temporary HOME: install, sync, add, update, lock, remove and build
fill ~/.cache/pdm; `pdm --no-cache CMD` and any non-empty PDM_NO_CACHE (`0` and `false`
included) leave no cache; an empty PDM_NO_CACHE keeps it; `pdm install --no-cache` is a usage
error (exit 2), so the flag goes before the command.
"""

import pytest

from pipfix import Strategy
from tests.helpers import assert_findings, assert_fix, dockerfile

F = "FROM python:3.12"

FIX_CASES = [
    pytest.param(
        dockerfile(F, "RUN pdm install --prod --frozen-lockfile"),
        dockerfile(F, "RUN pdm --no-cache install --prod --frozen-lockfile"),
        dockerfile(F, "RUN PDM_NO_CACHE=1 pdm install --prod --frozen-lockfile"),
        id="pdm install",
    ),
    pytest.param(
        dockerfile(F, "RUN pdm sync && pdm add flask && pdm update && pdm lock && pdm remove six && pdm build"),
        dockerfile(
            F,
            "RUN pdm --no-cache sync && pdm --no-cache add flask && pdm --no-cache update && pdm --no-cache lock"
            " && pdm --no-cache remove six && pdm --no-cache build",
        ),
        dockerfile(
            F,
            "RUN PDM_NO_CACHE=1 pdm sync && PDM_NO_CACHE=1 pdm add flask && PDM_NO_CACHE=1 pdm update"
            " && PDM_NO_CACHE=1 pdm lock && PDM_NO_CACHE=1 pdm remove six && PDM_NO_CACHE=1 pdm build",
        ),
        id="every command that fills the cache",
    ),
    pytest.param(
        dockerfile(F, "RUN pdm -v -c /etc/pdm.toml install -G prod"),
        dockerfile(F, "RUN pdm -v -c /etc/pdm.toml --no-cache install -G prod"),
        dockerfile(F, "RUN PDM_NO_CACHE=1 pdm -v -c /etc/pdm.toml install -G prod"),
        id="global options before the command, one with a value",
    ),
    pytest.param(
        dockerfile(F, "RUN python -m pdm install && /root/.local/bin/pdm sync"),
        dockerfile(F, "RUN python -m pdm --no-cache install && /root/.local/bin/pdm --no-cache sync"),
        dockerfile(F, "RUN PDM_NO_CACHE=1 python -m pdm install && PDM_NO_CACHE=1 /root/.local/bin/pdm sync"),
        id="python -m pdm, pdm under a path",
    ),
    pytest.param(
        dockerfile(F, "RUN pdm install \\", "    --prod"),
        dockerfile(F, "RUN pdm --no-cache install \\", "    --prod"),
        dockerfile(F, "RUN PDM_NO_CACHE=1 pdm install \\", "    --prod"),
        id="continuation",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["pdm", "install", "--prod"]'),
        dockerfile(F, 'RUN ["pdm", "--no-cache", "install", "--prod"]'),
        dockerfile(F, 'RUN ["pdm", "--no-cache", "install", "--prod"]'),
        id="exec form",
    ),
    pytest.param(
        dockerfile(F, "ENV PDM_NO_CACHE=", "RUN pdm install"),
        dockerfile(F, "ENV PDM_NO_CACHE=", "RUN pdm --no-cache install"),
        dockerfile(F, "ENV PDM_NO_CACHE=", "RUN PDM_NO_CACHE=1 pdm install"),
        id="an empty PDM_NO_CACHE keeps the cache",
    ),
    pytest.param(
        dockerfile(F, "RUN sudo -H pdm install"),
        dockerfile(F, "RUN sudo -H pdm --no-cache install"),
        dockerfile(F, "RUN sudo -H pdm --no-cache install"),
        id="sudo: a variable cannot reach pdm, the flag is used",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip pdm install"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip pdm --no-cache install"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip PDM_NO_CACHE=1 pdm install"),
        id="a pip cache mount does not cover pdm",
    ),
    pytest.param(
        dockerfile(F, "RUN sh -c 'pdm install'", "ONBUILD RUN pdm sync"),
        dockerfile(F, "RUN sh -c 'pdm --no-cache install'", "ONBUILD RUN pdm --no-cache sync"),
        dockerfile(F, "RUN sh -c 'PDM_NO_CACHE=1 pdm install'", "ONBUILD RUN PDM_NO_CACHE=1 pdm sync"),
        id="sh -c and ONBUILD",
    ),
]

NOOP_CASES = [
    pytest.param(dockerfile(F, "RUN pdm --no-cache install"), id="--no-cache"),
    pytest.param(dockerfile(F, "RUN pdm -v --no-cache install"), id="--no-cache after another global option"),
    pytest.param(dockerfile(F, "ENV PDM_NO_CACHE=1", "RUN pdm install"), id="ENV 1"),
    pytest.param(dockerfile(F, "ENV PDM_NO_CACHE=false", "RUN pdm install"), id="ENV false: pdm reads any value"),
    pytest.param(dockerfile(F, "RUN PDM_NO_CACHE=yes pdm sync"), id="inline"),
    pytest.param(dockerfile(F, "RUN export PDM_NO_CACHE=1 && pdm install"), id="exported"),
    pytest.param(dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pdm pdm install"), id="cache mount"),
    pytest.param(dockerfile(F, "RUN --mount=type=cache,target=/root/.cache pdm install"), id="mount on a parent"),
    pytest.param(
        dockerfile(F, "ENV PDM_CACHE_DIR=/pdm", "RUN --mount=type=cache,target=/pdm pdm install"),
        id="cache mount on PDM_CACHE_DIR",
    ),
    pytest.param(
        dockerfile(F, "RUN pdm list && pdm export -o r.txt && pdm run app && pdm config && pdm info && pdm --version"),
        id="commands that download nothing",
    ),
    pytest.param(dockerfile(F, "RUN echo pdm install"), id="pdm as an argument"),
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


def test_the_finding_points_at_pdm():
    assert_findings(dockerfile(F, "RUN cd /app && pdm install"), [("PIP005", 2, 16)])


def test_no_cache_under_a_pdm_cache_mount_defeats_it():
    assert_findings(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pdm pdm --no-cache install"), [("PIP004", 2, 52)]
    )
