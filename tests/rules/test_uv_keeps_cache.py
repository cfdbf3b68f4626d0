"""PIP002: uv calls that keep their cache. Rows: (before, after with the flag, after with env).

uv turns its cache off with `--no-cache` (short `-n`, hidden alias `--no-cache-dir`) or with
`UV_NO_CACHE`, which it reads as a real boolean: `false`/`0` keep the cache. `PIP_NO_CACHE_DIR`
means nothing to uv. uv's `--no-cache` beats `--cache-dir` (uv-cache `CacheArgs`: a temporary
cache when no_cache is set, whatever the cache dir), so a `UV_NO_CACHE=1 ` prefix still works
where pip's variable would lose to the command line.
"""

import pytest

from pipfix import Settings, Strategy, fix
from tests.helpers import assert_fix, dockerfile

F = "FROM python:3.12"

FIX_CASES = [
    pytest.param(
        dockerfile(F, "RUN uv pip install --system flask"),
        dockerfile(F, "RUN uv pip install --no-cache --system flask"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv pip install --system flask"),
        id="uv pip install",
    ),
    pytest.param(
        dockerfile(F, "RUN /root/.local/bin/uv pip install x && /usr/local/bin/uv pip install y"),
        dockerfile(F, "RUN /root/.local/bin/uv pip install --no-cache x && /usr/local/bin/uv pip install --no-cache y"),
        dockerfile(
            F, "RUN UV_NO_CACHE=1 /root/.local/bin/uv pip install x && UV_NO_CACHE=1 /usr/local/bin/uv pip install y"
        ),
        id="uv under a path",
    ),
    pytest.param(
        dockerfile(F, "RUN uv -q pip install x"),
        dockerfile(F, "RUN uv -q pip install --no-cache x"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv -q pip install x"),
        id="uv global option before pip",
    ),
    pytest.param(
        dockerfile(F, "RUN uv --cache-dir /c pip install x"),
        dockerfile(F, "RUN uv --cache-dir /c pip install --no-cache x"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv --cache-dir /c pip install x"),
        id="uv --cache-dir value before pip",
    ),
    pytest.param(
        dockerfile(F, "RUN uv pip install --cache-dir /c x"),
        dockerfile(F, "RUN uv pip install --no-cache --cache-dir /c x"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv pip install --cache-dir /c x"),
        id="uv --cache-dir after the subcommand",
    ),
    pytest.param(
        dockerfile(F, "RUN uv pip sync requirements.txt && uv pip compile -o r.txt r.in"),
        dockerfile(F, "RUN uv pip sync --no-cache requirements.txt && uv pip compile --no-cache -o r.txt r.in"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv pip sync requirements.txt && UV_NO_CACHE=1 uv pip compile -o r.txt r.in"),
        id="uv pip sync and compile",
    ),
    pytest.param(
        dockerfile(F, "RUN uv sync --frozen --no-dev"),
        dockerfile(F, "RUN uv sync --no-cache --frozen --no-dev"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv sync --frozen --no-dev"),
        id="uv sync",
    ),
    pytest.param(
        dockerfile(F, "RUN uv tool install ruff"),
        dockerfile(F, "RUN uv tool install --no-cache ruff"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv tool install ruff"),
        id="uv tool install",
    ),
    pytest.param(
        dockerfile(F, "RUN uv venv /opt/venv && uv pip install x && uv pip list"),
        dockerfile(F, "RUN uv venv /opt/venv && uv pip install --no-cache x && uv pip list"),
        dockerfile(F, "RUN uv venv /opt/venv && UV_NO_CACHE=1 uv pip install x && uv pip list"),
        id="only the installing call of a RUN",
    ),
    pytest.param(
        dockerfile(F, "RUN uv pip install \\", "    flask \\", "    gunicorn"),
        dockerfile(F, "RUN uv pip install --no-cache \\", "    flask \\", "    gunicorn"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv pip install \\", "    flask \\", "    gunicorn"),
        id="continuation right after install",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install uv && uv pip install x"),
        dockerfile(F, "RUN pip install --no-cache-dir uv && uv pip install --no-cache x"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install uv && UV_NO_CACHE=1 uv pip install x"),
        id="pip and uv in one RUN, each with its own flag",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_NO_CACHE=false", "RUN uv pip install x"),
        dockerfile(F, "ENV UV_NO_CACHE=false", "RUN uv pip install --no-cache x"),
        dockerfile(F, "ENV UV_NO_CACHE=false", "RUN UV_NO_CACHE=1 uv pip install x"),
        id="ENV UV_NO_CACHE=false keeps the cache",
    ),
    pytest.param(
        dockerfile(F, "ARG UV_NO_CACHE=0", "RUN uv sync"),
        dockerfile(F, "ARG UV_NO_CACHE=0", "RUN uv sync --no-cache"),
        dockerfile(F, "ARG UV_NO_CACHE=0", "RUN UV_NO_CACHE=1 uv sync"),
        id="ARG UV_NO_CACHE=0 keeps the cache",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_NO_CACHE=Off", "RUN uv sync"),
        dockerfile(F, "ENV UV_NO_CACHE=Off", "RUN uv sync --no-cache"),
        dockerfile(F, "ENV UV_NO_CACHE=Off", "RUN UV_NO_CACHE=1 uv sync"),
        id="false values in any case",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_NO_CACHE=", "RUN uv sync"),
        dockerfile(F, "ENV UV_NO_CACHE=", "RUN uv sync --no-cache"),
        dockerfile(F, "ENV UV_NO_CACHE=", "RUN UV_NO_CACHE=1 uv sync"),
        id="an empty UV_NO_CACHE keeps the cache",
    ),
    pytest.param(
        dockerfile(F, "RUN UV_NO_CACHE=0 uv sync"),
        dockerfile(F, "RUN UV_NO_CACHE=0 uv sync --no-cache"),
        dockerfile(F, "RUN UV_NO_CACHE=0 UV_NO_CACHE=1 uv sync"),
        id="inline UV_NO_CACHE=0: the new prefix goes after it, so it wins",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN UV_NO_CACHE=false uv sync"),
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN UV_NO_CACHE=false uv sync --no-cache"),
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN UV_NO_CACHE=false UV_NO_CACHE=1 uv sync"),
        id="an inline false overrides the ENV",
    ),
    pytest.param(
        dockerfile(F, "RUN export UV_NO_CACHE=no; uv sync"),
        dockerfile(F, "RUN export UV_NO_CACHE=no; uv sync --no-cache"),
        dockerfile(F, "RUN export UV_NO_CACHE=no; UV_NO_CACHE=1 uv sync"),
        id="exported false keeps the cache",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN uv pip install x"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN uv pip install --no-cache x"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN UV_NO_CACHE=1 uv pip install x"),
        id="PIP_NO_CACHE_DIR means nothing to uv",
    ),
    pytest.param(
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 uv pip install x"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 uv pip install --no-cache x"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 UV_NO_CACHE=1 uv pip install x"),
        id="inline PIP_NO_CACHE_DIR means nothing to uv",
    ),
    pytest.param(
        dockerfile(F, "RUN UV_NO_CACHE=1 uv sync && uv pip install x"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv sync && uv pip install --no-cache x"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv sync && UV_NO_CACHE=1 uv pip install x"),
        id="an inline prefix covers its own command only",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install --no-cache-dir uv && uv pip install x"),
        dockerfile(F, "RUN pip install --no-cache-dir uv && uv pip install --no-cache x"),
        dockerfile(F, "RUN pip install --no-cache-dir uv && UV_NO_CACHE=1 uv pip install x"),
        id="pip's flag on another command does not count",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip uv sync"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip uv sync --no-cache"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip UV_NO_CACHE=1 uv sync"),
        id="a pip cache mount does not cover uv",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=bind,target=/root/.cache/uv uv sync"),
        dockerfile(F, "RUN --mount=type=bind,target=/root/.cache/uv uv sync --no-cache"),
        dockerfile(F, "RUN --mount=type=bind,target=/root/.cache/uv UV_NO_CACHE=1 uv sync"),
        id="a bind mount is not a cache mount",
    ),
    pytest.param(
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/root/.cache/uv uv sync"),
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/root/.cache/uv uv sync --no-cache"),
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/root/.cache/uv UV_NO_CACHE=1 uv sync"),
        id="after USER app the cache is in /home/app",
    ),
    pytest.param(
        dockerfile(F, "RUN sudo -H uv pip install --system x"),
        dockerfile(F, "RUN sudo -H uv pip install --no-cache --system x"),
        dockerfile(F, "RUN sudo -H uv pip install --no-cache --system x"),
        id="sudo: a variable cannot reach uv, the flag is used",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN env -i PATH=/bin uv sync"),
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN env -i PATH=/bin uv sync --no-cache"),
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN env -i PATH=/bin uv sync --no-cache"),
        id="env -i drops the ENV",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["uv", "pip", "install", "--system", "x"]'),
        dockerfile(F, 'RUN ["uv", "pip", "install", "--no-cache", "--system", "x"]'),
        dockerfile(F, 'RUN ["uv", "pip", "install", "--no-cache", "--system", "x"]'),
        id="exec form",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["uv","sync"]'),
        dockerfile(F, 'RUN ["uv","sync","--no-cache"]'),
        dockerfile(F, 'RUN ["uv","sync","--no-cache"]'),
        id="exec form, tight, subcommand last",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["/bin/sh", "-c", "uv sync && uv tool install ruff"]'),
        dockerfile(F, 'RUN ["/bin/sh", "-c", "uv sync --no-cache && uv tool install --no-cache ruff"]'),
        dockerfile(F, 'RUN ["/bin/sh", "-c", "UV_NO_CACHE=1 uv sync && UV_NO_CACHE=1 uv tool install ruff"]'),
        id="exec form sh -c",
    ),
    pytest.param(
        dockerfile(F, "RUN sh -c 'uv pip install x' && bash -c \"uv sync\""),
        dockerfile(F, "RUN sh -c 'uv pip install --no-cache x' && bash -c \"uv sync --no-cache\""),
        dockerfile(F, "RUN sh -c 'UV_NO_CACHE=1 uv pip install x' && bash -c \"UV_NO_CACHE=1 uv sync\""),
        id="sh -c and bash -c",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "uv venv", "uv pip install x", "EOF"),
        dockerfile(
            "# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "uv venv", "uv pip install --no-cache x", "EOF"
        ),
        dockerfile(
            "# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "uv venv", "UV_NO_CACHE=1 uv pip install x", "EOF"
        ),
        id="heredoc body",
    ),
    pytest.param(
        dockerfile(F, "ONBUILD RUN uv sync"),
        dockerfile(F, "ONBUILD RUN uv sync --no-cache"),
        dockerfile(F, "ONBUILD RUN UV_NO_CACHE=1 uv sync"),
        id="ONBUILD RUN",
    ),
    pytest.param(
        dockerfile("FROM python:3.12 AS a", "ENV UV_NO_CACHE=1", "FROM python:3.12", "RUN uv sync"),
        dockerfile("FROM python:3.12 AS a", "ENV UV_NO_CACHE=1", "FROM python:3.12", "RUN uv sync --no-cache"),
        dockerfile("FROM python:3.12 AS a", "ENV UV_NO_CACHE=1", "FROM python:3.12", "RUN UV_NO_CACHE=1 uv sync"),
        id="stages from the same image share nothing",
    ),
    pytest.param(
        dockerfile("FROM python:3.12 AS base", "ARG UV_NO_CACHE=1", "FROM base", "RUN uv sync"),
        dockerfile("FROM python:3.12 AS base", "ARG UV_NO_CACHE=1", "FROM base", "RUN uv sync --no-cache"),
        dockerfile("FROM python:3.12 AS base", "ARG UV_NO_CACHE=1", "FROM base", "RUN UV_NO_CACHE=1 uv sync"),
        id="an ARG ends with its stage: not inherited",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN unset UV_NO_CACHE; uv sync"),
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN unset UV_NO_CACHE; uv sync --no-cache"),
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN unset UV_NO_CACHE; UV_NO_CACHE=1 uv sync"),
        id="unset drops the ENV",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN env -u UV_NO_CACHE uv sync"),
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN env -u UV_NO_CACHE uv sync --no-cache"),
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN env -u UV_NO_CACHE uv sync --no-cache"),
        id="env -u drops the ENV, and would drop a prefix too",
    ),
    pytest.param(
        dockerfile(F, "RUN uv pip install x && UV_CACHE_DIR=/other uv pip install --link-mode symlink y"),
        dockerfile(F, "RUN uv pip install --no-cache x && UV_CACHE_DIR=/other uv pip install --link-mode symlink y"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv pip install x && UV_CACHE_DIR=/other uv pip install --link-mode symlink y"),
        id="a later call in symlink mode links into another cache",
    ),
    pytest.param(
        dockerfile(F, "RUN uv pip install --link-mode symlink y && uv pip install x"),
        dockerfile(F, "RUN uv pip install --link-mode symlink y && uv pip install --no-cache x"),
        dockerfile(F, "RUN uv pip install --link-mode symlink y && UV_NO_CACHE=1 uv pip install x"),
        id="a call after the one in symlink mode",
    ),
    pytest.param(
        dockerfile(F, "RUN uv sync && uv cache clean && rm -rf /root/.cache/uv"),
        dockerfile(F, "RUN uv sync --no-cache && uv cache clean && rm -rf /root/.cache/uv"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv sync && uv cache clean && rm -rf /root/.cache/uv"),
        id="a later clean-up is no read of the cache",
    ),
]

ALL_COMMANDS_CASES = [
    pytest.param(
        dockerfile(F, "RUN uv add flask && uv remove six && uv lock --upgrade"),
        dockerfile(F, "RUN uv add --no-cache flask && uv remove --no-cache six && uv lock --no-cache --upgrade"),
        dockerfile(
            F, "RUN UV_NO_CACHE=1 uv add flask && UV_NO_CACHE=1 uv remove six && UV_NO_CACHE=1 uv lock --upgrade"
        ),
        id="uv add remove lock",
    ),
    pytest.param(
        dockerfile(F, "RUN uv venv /opt/venv && uv lock"),
        dockerfile(F, "RUN uv venv /opt/venv && uv lock --no-cache"),
        dockerfile(F, "RUN uv venv /opt/venv && UV_NO_CACHE=1 uv lock"),
        id="uv venv without --seed downloads nothing, uv lock does",
    ),
    pytest.param(
        dockerfile(F, "RUN uv venv --seed /opt/venv"),
        dockerfile(F, "RUN uv venv --no-cache --seed /opt/venv"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv venv --seed /opt/venv"),
        id="uv venv --seed",
    ),
    pytest.param(
        dockerfile(F, "RUN uv build --wheel && uv tool upgrade ruff"),
        dockerfile(F, "RUN uv build --no-cache --wheel && uv tool upgrade --no-cache ruff"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv build --wheel && UV_NO_CACHE=1 uv tool upgrade ruff"),
        id="uv build, uv tool upgrade",
    ),
    pytest.param(
        dockerfile(F, "RUN uv run --frozen python manage.py collectstatic"),
        dockerfile(F, "RUN uv run --no-cache --frozen python manage.py collectstatic"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv run --frozen python manage.py collectstatic"),
        id="uv run",
    ),
    pytest.param(
        dockerfile(F, "RUN uvx ruff check --no-cache . && uv tool run --from httpie http --version"),
        dockerfile(
            F, "RUN uvx --no-cache ruff check --no-cache . && uv tool run --no-cache --from httpie http --version"
        ),
        dockerfile(
            F, "RUN UV_NO_CACHE=1 uvx ruff check --no-cache . && UV_NO_CACHE=1 uv tool run --from httpie http --version"
        ),
        id="uvx and uv tool run: the tool's own --no-cache does not count",
    ),
    pytest.param(
        dockerfile(F, "RUN /root/.local/bin/uvx pycowsay hi"),
        dockerfile(F, "RUN /root/.local/bin/uvx --no-cache pycowsay hi"),
        dockerfile(F, "RUN UV_NO_CACHE=1 /root/.local/bin/uvx pycowsay hi"),
        id="uvx under a path",
    ),
    pytest.param(
        dockerfile(F, "RUN python -m uv pip install x && python3 -m uv sync"),
        dockerfile(F, "RUN python -m uv pip install --no-cache x && python3 -m uv sync --no-cache"),
        dockerfile(F, "RUN UV_NO_CACHE=1 python -m uv pip install x && UV_NO_CACHE=1 python3 -m uv sync"),
        id="python -m uv",
    ),
    pytest.param(
        dockerfile(F, "RUN uv run pip install x"),
        dockerfile(F, "RUN uv run --no-cache pip install --no-cache-dir x"),
        dockerfile(F, "RUN UV_NO_CACHE=1 PIP_NO_CACHE_DIR=1 uv run pip install x"),
        id="uv run pip install: two calls, two caches",
    ),
    pytest.param(
        dockerfile(F, "RUN uv run --no-cache pip install x"),
        dockerfile(F, "RUN uv run --no-cache pip install --no-cache-dir x"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 uv run --no-cache pip install x"),
        id="uv run --no-cache does not reach pip",
    ),
    pytest.param(
        dockerfile(F, "RUN uv run uv pip install x"),
        dockerfile(F, "RUN uv run --no-cache uv pip install --no-cache x"),
        dockerfile(F, "RUN UV_NO_CACHE=1 uv run uv pip install x"),
        id="uv run uv pip install: one prefix reaches both",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["uvx", "ruff", "check"]'),
        dockerfile(F, 'RUN ["uvx", "--no-cache", "ruff", "check"]'),
        dockerfile(F, 'RUN ["uvx", "--no-cache", "ruff", "check"]'),
        id="uvx in exec form",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip uv run pip install x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip uv run --no-cache pip install x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip UV_NO_CACHE=1 uv run pip install x"),
        id="uv run pip under a pip cache mount: only uv is fixed",
    ),
]

NOOP_CASES = [
    pytest.param(dockerfile(F, "RUN uv pip install --no-cache x"), id="--no-cache"),
    pytest.param(dockerfile(F, "RUN uv pip install -n x"), id="-n"),
    pytest.param(dockerfile(F, "RUN uv pip install --no-cache-dir x"), id="hidden alias --no-cache-dir"),
    pytest.param(
        dockerfile(F, "RUN uv --no-cache pip install x && uv -n sync"), id="global flag before the subcommand"
    ),
    pytest.param(dockerfile(F, "RUN uv -qn sync"), id="-n clustered with -q"),
    pytest.param(dockerfile(F, "RUN uv sync --frozen \\", "    --no-cache"), id="flag on another continuation line"),
    pytest.param(dockerfile(F, "RUN uv pip install --cache-dir /c --no-cache x"), id="--no-cache with --cache-dir"),
    pytest.param(dockerfile(F, "ENV UV_NO_CACHE=1", "RUN uv pip install x"), id="ENV 1"),
    pytest.param(dockerfile(F, "ENV UV_NO_CACHE=true", "RUN uv sync"), id="ENV true"),
    pytest.param(dockerfile(F, "ENV UV_NO_CACHE=YES", "RUN uv sync"), id="ENV YES, any case"),
    pytest.param(dockerfile(F, "ENV UV_NO_CACHE 1", "RUN uv sync"), id="legacy ENV"),
    pytest.param(dockerfile(F, "ARG UV_NO_CACHE=1", "RUN uv tool install ruff"), id="ARG"),
    pytest.param(
        dockerfile("FROM python:3.12 AS base", "ENV UV_NO_CACHE=1", "FROM base", "RUN uv sync"),
        id="inherited from the stage",
    ),
    pytest.param(
        dockerfile(
            "FROM python:3.12 AS Base", "ENV UV_NO_CACHE=1", "FROM --platform=$BUILDPLATFORM BASE", "RUN uv sync"
        ),
        id="inherited, FROM with a flag, names in any case",
    ),
    pytest.param(
        dockerfile("FROM python:3.12", "ARG V=1", "ENV UV_NO_CACHE=$V", "FROM 0", "RUN uv sync"),
        id="inherited ENV set from an ARG, by index",
    ),
    pytest.param(dockerfile(F, "RUN UV_NO_CACHE=1 uv sync"), id="inline 1"),
    pytest.param(dockerfile(F, "RUN UV_NO_CACHE=true uv pip install x"), id="inline true"),
    pytest.param(
        dockerfile(F, "RUN export UV_NO_CACHE=1 && uv sync && uv pip install x"), id="export earlier in the RUN"
    ),
    pytest.param(dockerfile(F, "RUN env UV_NO_CACHE=1 uv sync"), id="env VAR=1 wrapper"),
    pytest.param(
        dockerfile(F, "ENV UV_NO_CACHE=1", "RUN uv --cache-dir /c pip install x"),
        id="UV_NO_CACHE beats uv's --cache-dir",
    ),
    pytest.param(dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/uv uv sync"), id="cache mount"),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache uv pip install x"), id="cache mount on a parent"
    ),
    pytest.param(dockerfile(F, "RUN --mount=type=tmpfs,target=/root/.cache/uv uv sync"), id="tmpfs mount"),
    pytest.param(
        dockerfile(F, "ENV UV_CACHE_DIR=/opt/uv-cache", "RUN --mount=type=cache,target=/opt/uv-cache uv sync"),
        id="cache mount on UV_CACHE_DIR",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/c uv --cache-dir /c pip install x"),
        id="cache mount on --cache-dir",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/uv,id=uv,sharing=locked \\", "    uv sync --frozen"),
        id="cache mount with more options, call on the next line",
    ),
    pytest.param(dockerfile(F, "RUN uv venv /opt/venv && uv export --frozen > r.txt"), id="uv venv and uv export"),
    pytest.param(
        dockerfile(F, "RUN uv tree && uv python install 3.12 && uv tool list"), id="uv tree, python, tool list"
    ),
    pytest.param(dockerfile(F, "RUN uvx --no-cache ruff check --no-cache ."), id="uvx --no-cache"),
    pytest.param(dockerfile(F, "RUN uv run -n --with x app.py"), id="uv run -n"),
    pytest.param(dockerfile(F, "RUN uv venv --seed --no-cache /opt/venv"), id="uv venv --seed --no-cache"),
    pytest.param(dockerfile(F, "RUN uv run --no-cache uv pip install --no-cache x"), id="uv run uv pip, both off"),
    pytest.param(dockerfile(F, "RUN UV_NO_CACHE=1 uv run uv pip install x"), id="a prefix reaches through uv run"),
    pytest.param(dockerfile(F, "RUN uvx"), id="uvx alone prints its usage"),
    pytest.param(
        dockerfile(F, "RUN uv pip list && uv pip freeze && uv pip uninstall x"), id="uv pip list freeze uninstall"
    ),
    pytest.param(
        dockerfile(F, "RUN uv --version && uv tool list && uv cache clean"), id="more uv commands without a download"
    ),
    pytest.param(dockerfile(F, "RUN echo uv pip install x && apt-get install -y uv"), id="uv as an argument"),
    pytest.param(dockerfile(F, "# uv pip install x", "RUN true"), id="comment"),
    pytest.param(dockerfile(F, 'CMD ["uv", "run", "app"]', "ENTRYPOINT uv sync"), id="CMD ENTRYPOINT"),
    pytest.param(dockerfile(F, "# pipfix: ignore", "RUN uv sync"), id="pipfix ignore"),
]


@pytest.mark.parametrize(("before", "after_flag", "after_env"), FIX_CASES + ALL_COMMANDS_CASES)
def test_fix_flag(before, after_flag, after_env):
    assert_fix(before, after_flag, Strategy.FLAG)


@pytest.mark.parametrize(("before", "after_flag", "after_env"), FIX_CASES + ALL_COMMANDS_CASES)
def test_fix_env(before, after_flag, after_env):
    assert_fix(before, after_env, Strategy.ENV)


@pytest.mark.parametrize("before", NOOP_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_unchanged(before, strategy):
    assert_fix(before, before, strategy)


SYMLINK_MODE_CASES = [
    pytest.param(dockerfile(F, "RUN uv sync --link-mode symlink --locked"), id="--link-mode symlink"),
    pytest.param(dockerfile(F, "RUN uv pip install --link-mode=symlink x"), id="--link-mode=symlink"),
    pytest.param(dockerfile(F, "RUN UV_LINK_MODE=symlink uv sync --locked"), id="inline UV_LINK_MODE"),
    pytest.param(dockerfile(F, "ENV UV_LINK_MODE=symlink", "RUN uv pip install --system x"), id="ENV UV_LINK_MODE"),
    pytest.param(
        dockerfile(F, "RUN uv pip install --system x && uv venv /v && uv pip install -p /v --link-mode symlink x"),
        id="a call that warms the cache a later call in symlink mode links into",
    ),
    pytest.param(
        dockerfile(F, "RUN uv sync --locked \\", "  && UV_LINK_MODE=symlink uv sync --locked --project /b"),
        id="a warm-up, then UV_LINK_MODE inline",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_CACHE_DIR=/uv", "RUN uv sync && export UV_LINK_MODE=symlink && uv sync --project /b"),
        id="a warm-up, then an exported UV_LINK_MODE, one UV_CACHE_DIR",
    ),
]


@pytest.mark.parametrize("before", SYMLINK_MODE_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_symlink_link_mode_needs_the_cache(before, strategy):
    """uv refuses --no-cache (and UV_NO_CACHE) in symlink mode: the environment links into the
    cache. Fixing these calls would break the build."""
    assert_fix(before, before, strategy)


def test_other_link_modes_are_fixed():
    before = dockerfile(F, "RUN uv sync --link-mode copy")
    assert_fix(before, dockerfile(F, "RUN uv sync --no-cache --link-mode copy"), Strategy.FLAG)


def test_a_later_read_of_the_cache_is_reported_without_a_fix():
    before = dockerfile(F, "RUN uv pip install --system x && cp -r /root/.cache/uv/wheels-v5 /wheels")
    for strategy in Strategy:
        assert_fix(before, before, strategy)
        (finding,) = fix(before, Settings(strategy=strategy)).findings
        assert (finding.code, finding.fix) == ("PIP002", None)
        assert finding.message.endswith(
            "; not fixed: `cp -r /root/.cache/uv/wheels-v5` reads the cache later in this RUN"
        )
