"""PIP009: Poetry calls that keep their cache. Rows: (before, after), the same in both strategies.

Measured with Poetry 2.5 in a temporary HOME: the cache is $POETRY_CACHE_DIR, else
$XDG_CACHE_HOME/pypoetry, else ~/.cache/pypoetry; `install` leaves cache/ (index pages) and
artifacts/ (the wheels) there, also with --no-cache and after `poetry cache clear --all PyPI`;
removing the two keeps virtualenvs/ and the environment works.
"""

import pytest

from pipfix import Strategy, fix
from tests.helpers import assert_findings, assert_fix, dockerfile

F = "FROM python:3.12"
RM = " && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts"

FIX_CASES = [
    pytest.param(
        dockerfile(F, "RUN poetry install --no-root"), dockerfile(F, f"RUN poetry install --no-root{RM}"), id="install"
    ),
    pytest.param(
        dockerfile(F, "RUN poetry lock && poetry sync && poetry add flask && poetry update && poetry remove six"),
        dockerfile(F, f"RUN poetry lock && poetry sync && poetry add flask && poetry update && poetry remove six{RM}"),
        id="every command that fills the cache, one removal",
    ),
    pytest.param(
        dockerfile(F, "USER app", "RUN poetry install"),
        dockerfile(
            F,
            "USER app",
            "RUN poetry install && rm -rf /home/app/.cache/pypoetry/cache /home/app/.cache/pypoetry/artifacts",
        ),
        id="another user's home",
    ),
    pytest.param(
        dockerfile(F, "ENV POETRY_CACHE_DIR=/opt/poetry-cache", "RUN poetry install"),
        dockerfile(
            F,
            "ENV POETRY_CACHE_DIR=/opt/poetry-cache",
            "RUN poetry install && rm -rf /opt/poetry-cache/cache /opt/poetry-cache/artifacts",
        ),
        id="POETRY_CACHE_DIR",
    ),
    pytest.param(
        dockerfile(F, "ENV XDG_CACHE_HOME=/xdg HOME=/app", "RUN poetry install"),
        dockerfile(
            F,
            "ENV XDG_CACHE_HOME=/xdg HOME=/app",
            "RUN poetry install && rm -rf /xdg/pypoetry/cache /xdg/pypoetry/artifacts",
        ),
        id="XDG_CACHE_HOME",
    ),
    pytest.param(
        dockerfile(F, "ENV HOME=/app", "RUN poetry install"),
        dockerfile(
            F, "ENV HOME=/app", "RUN poetry install && rm -rf /app/.cache/pypoetry/cache /app/.cache/pypoetry/artifacts"
        ),
        id="HOME",
    ),
    pytest.param(
        dockerfile(F, "RUN poetry --no-cache install && poetry cache clear --all -n PyPI"),
        dockerfile(F, f"RUN poetry --no-cache install && poetry cache clear --all -n PyPI{RM}"),
        id="neither --no-cache nor cache clear removes the wheels",
    ),
    pytest.param(
        dockerfile(F, "RUN POETRY_VIRTUALENVS_CREATE=false python -m poetry -C /app install --only main"),
        dockerfile(F, f"RUN POETRY_VIRTUALENVS_CREATE=false python -m poetry -C /app install --only main{RM}"),
        id="python -m poetry, -C",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "poetry install --no-root", "EOF"),
        dockerfile(
            "# syntax=docker/dockerfile:1",
            F,
            "RUN <<EOF",
            "set -e",
            "poetry install --no-root",
            RM.removeprefix(" && "),
            "EOF",
        ),
        id="heredoc under set -e",
    ),
    pytest.param(
        dockerfile(F, "RUN poetry install && rm -f /root/.cache/pypoetry"),
        dockerfile(F, f"RUN poetry install && rm -f /root/.cache/pypoetry{RM}"),
        id="rm without -r removes no directory",
    ),
    pytest.param(
        dockerfile(F, "RUN poetry install && rm -rf /root/.cache/pypoetry/cache"),
        dockerfile(F, f"RUN poetry install && rm -rf /root/.cache/pypoetry/cache{RM}"),
        id="the wheels are in artifacts/",
    ),
    pytest.param(
        dockerfile(F, "RUN poetry install && rm -rf $(poetry env info --path)"),
        dockerfile(F, f"RUN poetry install && rm -rf $(poetry env info --path){RM}"),
        id="another of Poetry's directories",
    ),
    pytest.param(
        dockerfile(F, "RUN poetry install", "RUN rm -rf /root/.cache/pypoetry"),
        dockerfile(F, f"RUN poetry install{RM}", "RUN rm -rf /root/.cache/pypoetry"),
        id="a removal in a later RUN saves nothing",
    ),
]

NOOP_CASES = [
    pytest.param(dockerfile(F, f"RUN poetry install{RM}"), id="cache and artifacts removed"),
    pytest.param(dockerfile(F, "RUN poetry install && rm -rf /root/.cache/pypoetry"), id="the directory removed"),
    pytest.param(dockerfile(F, "RUN poetry install && rm -rf ~/.cache"), id="a parent removed, with ~"),
    pytest.param(dockerfile(F, "RUN poetry install && rm -Rf $HOME/.cache/pypoetry/*"), id="its contents removed"),
    pytest.param(
        dockerfile(F, "ENV POETRY_CACHE_DIR=/tmp/poetry", "RUN poetry install && rm -rf $POETRY_CACHE_DIR"),
        id="POETRY_CACHE_DIR removed",
    ),
    pytest.param(
        dockerfile(
            F,
            "RUN poetry install \\",
            "    && rm -rf /root/.cache/pypoetry/artifacts \\",
            "    && rm -r --force /root/.cache/pypoetry/cache",
        ),
        id="cache and artifacts removed by two commands",
    ),
    pytest.param(
        dockerfile(
            F,
            "RUN pip install --no-cache-dir poetry \\",
            "    && poetry install --no-root \\",
            "    && rm -rf $(poetry config cache-dir)",
        ),
        id="rm -rf $(poetry config cache-dir)",
    ),
    pytest.param(
        dockerfile(F, "USER 1000", 'RUN poetry install && rm -rf "$(poetry config cache-dir)"'),
        id="rm -rf of the directory Poetry names, wherever it is",
    ),
    pytest.param(dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pypoetry poetry install"), id="cache mount"),
    pytest.param(
        dockerfile(
            F,
            "RUN poetry config virtualenvs.create false && poetry --version && poetry run pytest && poetry self add x",
        ),
        id="commands that download nothing",
    ),
    pytest.param(dockerfile(F, "RUN poetry export -f requirements.txt -o r.txt"), id="export"),
]


@pytest.mark.parametrize(("before", "after"), FIX_CASES)
@pytest.mark.parametrize("strategy", [Strategy.FLAG, Strategy.ENV])  # mount: tests/test_mount.py
def test_fix(before, after, strategy):
    assert_fix(before, after, strategy)


@pytest.mark.parametrize("before", NOOP_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_unchanged(before, strategy):
    assert_fix(before, before, strategy)


REPORTED_WITHOUT_A_FIX = [
    pytest.param(
        dockerfile(F, "USER 1000", "RUN poetry install"), [("PIP009", 3, 5)], id="a user whose home is not known"
    ),
    pytest.param(dockerfile(F, 'RUN ["poetry", "install"]'), [("PIP009", 2, 6)], id="exec form"),
    pytest.param(
        dockerfile(F, "ENV POETRY_CACHE_DIR=relative", "RUN poetry install"),
        [("PIP009", 3, 5)],
        id="a relative directory",
    ),
]


@pytest.mark.parametrize(("text", "expected"), REPORTED_WITHOUT_A_FIX)
def test_reported_without_a_fix(text, expected):
    assert_findings(text, expected)
    assert "; not fixed: " in fix(text).findings[0].message  # and the finding says why
