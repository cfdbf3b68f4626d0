"""PIP008: pipenv calls that keep their caches. Rows: (before, after), the same in both strategies.

Measured with pipenv 2026.10 in a temporary HOME: pip's cache goes to ~/.cache/pipenv; with
PIP_NO_CACHE_DIR=1 (or --extra-pip-args=--no-cache-dir) `install --deploy` and `sync` leave none
there, and `pipenv --clear` afterwards empties it in any case, from any directory.
"""

import pytest

from pipfix import Strategy
from tests.helpers import assert_findings, assert_fix, dockerfile

F = "FROM python:3.12"
CLEAR = " && pipenv --clear"

FIX_CASES = [
    pytest.param(
        dockerfile(F, "RUN pipenv install --system --deploy"),
        dockerfile(F, f"RUN pipenv install --system --deploy{CLEAR}"),
        id="install --deploy",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install --no-cache-dir pipenv && pipenv sync"),
        dockerfile(F, f"RUN pip install --no-cache-dir pipenv && pipenv sync{CLEAR}"),
        id="sync",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pipenv lock && pipenv update"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", f"RUN pipenv lock && pipenv update{CLEAR}"),
        id="locking fills pipenv's cache whatever pip is told",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pipenv install --system"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", f"RUN pipenv install --system{CLEAR}"),
        id="install without --deploy may lock",
    ),
    pytest.param(
        dockerfile(F, "RUN /usr/local/bin/pipenv --python 3.12 install --dev"),
        dockerfile(F, "RUN /usr/local/bin/pipenv --python 3.12 install --dev && /usr/local/bin/pipenv --clear"),
        id="global options, a path",
    ),
    pytest.param(
        dockerfile(F, "RUN pipenv install --clear"),
        dockerfile(F, f"RUN pipenv install --clear{CLEAR}"),
        id="install's own --clear clears before it locks",
    ),
    pytest.param(
        dockerfile(F, "RUN pipenv install --deploy", "RUN pipenv --clear"),
        dockerfile(F, f"RUN pipenv install --deploy{CLEAR}", "RUN pipenv --clear"),
        id="a clean-up in a later RUN saves nothing",
    ),
    pytest.param(
        dockerfile(F, "RUN set -ex && pipenv install --deploy --system --dev"),
        dockerfile(F, f"RUN set -ex && pipenv install --deploy --system --dev{CLEAR}"),
        id="after set -ex",
    ),
]

NOOP_CASES = [
    pytest.param(dockerfile(F, f"RUN pipenv install --deploy --system{CLEAR}"), id="pipenv --clear after"),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pipenv install --deploy --system"),
        id="install --deploy with the variable",
    ),
    pytest.param(dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pipenv sync"), id="sync with the variable"),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pipenv install --ignore-pipfile"), id="--ignore-pipfile"),
    pytest.param(dockerfile(F, "RUN pipenv sync --extra-pip-args=--no-cache-dir"), id="--extra-pip-args"),
    pytest.param(dockerfile(F, "RUN pipenv install --deploy && rm -rf /root/.cache"), id="its cache's parent removed"),
    pytest.param(dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pipenv pipenv sync"), id="cache mount"),
    pytest.param(
        dockerfile(F, "RUN pipenv --version && pipenv run pytest && pipenv requirements > r.txt && pipenv graph"),
        id="commands that download nothing",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIX_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_fix(before, after, strategy):
    assert_fix(before, after, strategy)


@pytest.mark.parametrize("before", NOOP_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_unchanged(before, strategy):
    assert_fix(before, before, strategy)


def test_python_m_pipenv_is_reported_without_a_fix():
    assert_findings(dockerfile(F, "RUN python -m pipenv sync"), [("PIP008", 2, 5)])
