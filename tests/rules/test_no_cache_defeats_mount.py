"""PIP004: `--no-cache-dir` (uv: `--no-cache`) under a cache or tmpfs mount that holds the cache
(advisory, never fixed). A mount covers the cache when its target is the cache dir or one of its
parents: `/root/.cache/pip` for pip run as root, `/home/app/.cache/pip` after `USER app`,
`$PIP_CACHE_DIR`; `/root/.cache/uv` or `$UV_CACHE_DIR` for uv. The finding points at the flag,
the text to remove by hand. Rows: (Dockerfile, expected [(code, line, column)]).
"""

import pytest

from tests.helpers import assert_findings, dockerfile

F = "FROM python:3.12"
PIP_MOUNT = "--mount=type=cache,target=/root/.cache/pip"  # 43 characters
UV_MOUNT = "--mount=type=cache,target=/root/.cache/uv"  # 42 characters

COVERING = [
    pytest.param(
        dockerfile(F, f"RUN {PIP_MOUNT} pip install --no-cache-dir x"), [("PIP004", 2, 60)], id="pip cache mount"
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache pip --no-cache-dir install x"),
        [("PIP004", 2, 48)],
        id="mount on the parent, flag before the subcommand",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=tmpfs,target=/root/.cache/pip python -m pip install x --no-cach"),
        [("PIP004", 2, 72)],
        id="tmpfs mount, an abbreviation after the packages",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=target=/root/.cache/pip/,type=cache pip install --no-cache-dir x"),
        [("PIP004", 2, 61)],
        id="target first, trailing slash",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,dst=/root/.cache/pip pip install --no-cache-dir x"),
        [("PIP004", 2, 57)],
        id="dst alias",
    ),
    pytest.param(
        dockerfile(F, f"RUN {PIP_MOUNT} \\", "    pip install \\", "      --no-cache-dir x"),
        [("PIP004", 4, 7)],
        id="flag on a continuation line",
    ),
    pytest.param(
        dockerfile(F, f"RUN {PIP_MOUNT} pip install --no-cache-dir a && pip download --no-cache-dir b"),
        [("PIP004", 2, 60), ("PIP004", 2, 93)],
        id="two calls in one RUN",
    ),
    pytest.param(
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/home/app/.cache/pip pip install --no-cache-dir x"),
        [("PIP004", 3, 64)],
        id="the user's home",
    ),
    pytest.param(
        dockerfile(
            F,
            "ENV PIP_CACHE_DIR=/var/cache/pip",
            "RUN --mount=type=cache,target=/var/cache/pip pip install --no-cache-dir x",
        ),
        [("PIP004", 3, 58)],
        id="mount on PIP_CACHE_DIR",
    ),
    pytest.param(
        dockerfile(F, f"RUN {UV_MOUNT} uv pip install --no-cache x && uv sync -n && uv tool install --no-cache-dir r"),
        [("PIP004", 2, 62), ("PIP004", 2, 86), ("PIP004", 2, 108)],
        id="uv --no-cache, -n and --no-cache-dir",
    ),
    pytest.param(
        dockerfile(F, "ENV UV_CACHE_DIR=/uv", "RUN --mount=type=cache,target=/uv uv --no-cache sync"),
        [("PIP004", 3, 38)],
        id="mount on UV_CACHE_DIR, uv's flag before the subcommand",
    ),
    pytest.param(
        dockerfile(F, f"RUN {PIP_MOUNT} sh -c 'pip install --no-cache-dir x'"),
        [("PIP004", 2, 67)],
        id="inside sh -c",
    ),
]

NOT_COVERING = [
    pytest.param(
        dockerfile(F, "RUN --mount=type=bind,target=/root/.cache/pip pip install --no-cache-dir x"), [], id="bind mount"
    ),
    pytest.param(dockerfile(F, f"RUN {UV_MOUNT} pip install --no-cache-dir x"), [], id="uv's cache mount, pip call"),
    pytest.param(dockerfile(F, f"RUN {PIP_MOUNT} uv pip install --no-cache x"), [], id="pip's cache mount, uv call"),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip/http pip install --no-cache-dir x"),
        [],
        id="mount on a subdirectory of the cache",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pipx pip install --no-cache-dir x"),
        [],
        id="mount on a sibling with a longer name",
    ),
    pytest.param(
        dockerfile(F, "USER app", f"RUN {PIP_MOUNT} pip install --no-cache-dir x"), [], id="root's cache after USER app"
    ),
    pytest.param(
        dockerfile(F, f"RUN {PIP_MOUNT} true", "RUN pip install --no-cache-dir x"), [], id="mount on another RUN"
    ),
    pytest.param(
        dockerfile(F, f"RUN {PIP_MOUNT} pip uninstall -y --no-cache-dir x"), [], id="a command without a cache"
    ),
    pytest.param(
        dockerfile(F, f"RUN {PIP_MOUNT} pip install -- x --no-cache-dir"), [], id="after -- it is a requirement"
    ),
    pytest.param(dockerfile(F, f"RUN {PIP_MOUNT} pip install x"), [], id="no flag"),
    pytest.param(
        dockerfile(F, f"RUN {PIP_MOUNT} pip install --no-cache-dir --cache-dir /c x"),
        [("PIP001", 2, 48)],
        id="a later --cache-dir moves the cache out of the mount: fixed, not PIP004",
    ),
]


@pytest.mark.parametrize(("text", "expected"), COVERING + NOT_COVERING)
def test_findings(text, expected):
    assert_findings(text, expected)
