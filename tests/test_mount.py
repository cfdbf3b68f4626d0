"""--strategy mount: a BuildKit cache mount on the directory each call really caches in.

Rows are (the lines before the RUN, the RUN's flags, its command, what the mount strategy does).
Every row is checked in every form a RUN takes: shell form, lower-case `run`, a continuation
line, exec form, a heredoc and ONBUILD; assert_fix adds CRLF, a BOM, no final newline and the
backtick escape. A mount row gives the mount text inserted right after `RUN `; a fall-back row
gives the reason the finding's message must hold, and the result must be exactly what
`--strategy flag` makes of the file. BuildKit's parser (the `dockerfile` package) must read every
result as the same instructions with the mount flags first.
"""

from __future__ import annotations

import json
import re

import pytest

from pipfix import Settings, Strategy, fix
from pipfix.mounts import MOUNTS, MOUNTS_WITHOUT_OWNER, NO_MOUNTS, UNKNOWN_FRONTEND, frontend_support
from tests.cli_support import PYTHON_M_PIPFIX, run, write  # noqa: F401 (run)
from tests.helpers import assert_fix, check_invariants, variants
from tests.test_corpus import buildkit_differences

F = "FROM python:3.12"
PIP = "--mount=type=cache,target=/root/.cache/pip "
UV = "--mount=type=cache,target=/root/.cache/uv "
MOUNT = Settings(strategy=Strategy.MOUNT)
FLAG = Settings(strategy=Strategy.FLAG)


class Fallback(str):
    """The reason a fall-back row's finding gives."""


def _exec_form(command: str) -> str:
    words = command.split() if re.fullmatch(r"[\w./=:-]+( [\w./=:-]+)*", command) else ["/bin/sh", "-c", command]
    return json.dumps(words)


# form name -> the RUN instruction with these flags and this command
FORMS = {
    "shell": lambda flags, command: f"RUN {flags}{command}",
    "lower-case run": lambda flags, command: f"run {flags}{command}",
    "continuation": lambda flags, command: f"RUN \\\n    {flags}{command}",
    "exec": lambda flags, command: f"RUN {flags}{_exec_form(command)}",
    "heredoc": lambda flags, command: f"RUN {flags}<<EOF\n{command}\nEOF",
    "onbuild": lambda flags, command: f"ONBUILD RUN {flags}{command}",
}

MOUNTED = [
    pytest.param([F], "", "pip install flask", PIP, id="pip as root"),
    pytest.param([F], "", "python -m pip install -r requirements.txt", PIP, id="python -m pip"),
    pytest.param([F], "", "uv pip install --system flask", UV, id="uv pip install"),
    pytest.param([F], "", "uv sync --frozen", UV, id="uv sync"),
    pytest.param(
        [F],
        "",
        "pip install --cache-dir /var/cache/pip x",
        "--mount=type=cache,target=/var/cache/pip ",
        id="--cache-dir",
    ),
    pytest.param(
        [F],
        "",
        "pip install --cache-dir=/var/cache/pip/ x",
        "--mount=type=cache,target=/var/cache/pip ",
        id="--cache-dir=",
    ),
    pytest.param(
        [F, "ENV PIP_CACHE_DIR=/var/cache/pip"],
        "",
        "pip install x",
        "--mount=type=cache,target=/var/cache/pip ",
        id="PIP_CACHE_DIR",
    ),
    pytest.param(
        [F, "ENV UV_CACHE_DIR=/opt/uv-cache"],
        "",
        "uv sync",
        "--mount=type=cache,target=/opt/uv-cache ",
        id="UV_CACHE_DIR",
    ),
    pytest.param(
        [F, "ENV XDG_CACHE_HOME=/cache"],
        "",
        "pip install x && uv sync",
        "--mount=type=cache,target=/cache/pip --mount=type=cache,target=/cache/uv ",
        id="XDG_CACHE_HOME",
    ),
    pytest.param(
        [F, "ENV HOME=/home/app"],
        "",
        "pip install x",
        "--mount=type=cache,target=/home/app/.cache/pip ",
        id="ENV HOME, as root",
    ),
    pytest.param(
        [F, "USER 1000", "ENV HOME=/home/app"],
        "",
        "pip install x",
        "--mount=type=cache,target=/home/app/.cache/pip,uid=1000 ",
        id="USER by number: uid",
    ),
    pytest.param(
        [F, "USER 1000:1001", "ENV PIP_CACHE_DIR=/tmp/pip"],
        "",
        "pip install x",
        "--mount=type=cache,target=/tmp/pip,uid=1000,gid=1001 ",
        id="USER uid:gid",
    ),
    pytest.param(
        [F, "USER 1000:app", "ENV PIP_CACHE_DIR=/tmp/pip"],
        "",
        "pip install x",
        "--mount=type=cache,target=/tmp/pip,uid=1000 ",
        id="USER uid:named group: the uid only",
    ),
    pytest.param(
        [F, "ARG UID=1000", "USER ${UID}", "ENV HOME=/home/u"],
        "",
        "pip install x",
        "--mount=type=cache,target=/home/u/.cache/pip,uid=1000 ",
        id="USER from an ARG with a default",
    ),
    pytest.param([F, "USER app", "USER root"], "", "pip install x", PIP, id="back to root"),
    pytest.param(
        [F, "RUN useradd -m -u 1000 -g 1000 app", "USER app"],
        "",
        "pip install x",
        "--mount=type=cache,target=/home/app/.cache/pip,uid=1000,gid=1000 ",
        id="a named USER whose uid an earlier RUN gave (useradd -u)",
    ),
    pytest.param(
        [F, "RUN adduser --system --uid 200 --home /srv/svc svc", "USER 200"],
        "",
        "pip install x",
        "--mount=type=cache,target=/srv/svc/.cache/pip,uid=200 ",
        id="USER by number: the home of the account with that uid",
    ),
    pytest.param(
        ["FROM python:3.12 AS base", "RUN adduser -D -u 1001 -h /opt/w w", "FROM base", "USER w:1001"],
        "",
        "pip install x",
        "--mount=type=cache,target=/opt/w/.cache/pip,uid=1001,gid=1001 ",
        id="an account of the parent stage (BusyBox adduser)",
    ),
    pytest.param([F, "USER 0:0"], "", "pip install x", PIP, id="USER 0:0 is root"),
    pytest.param(
        ["FROM python:3.12 AS base", "ENV PIP_CACHE_DIR=/pc", "FROM base"],
        "",
        "pip install x",
        "--mount=type=cache,target=/pc ",
        id="stage inheritance by name",
    ),
    pytest.param(
        [F, "ENV PIP_CACHE_DIR=/pc", "FROM python:3.12"],
        "",
        "pip install x",
        PIP,
        id="no inheritance from an unrelated stage",
    ),
    pytest.param([F], "", "pip install a && pip download b", PIP, id="two calls, one directory: one mount"),
    pytest.param([F], "", "apt-get install -y sudo gosu && pip install x", PIP, id="installing sudo is no user switch"),
    pytest.param([F], "", "uv pip install a && pip install b && uv sync", UV + PIP, id="two directories, by first use"),
    pytest.param([F], "--network=host ", "pip install x", PIP, id="existing flags stay after the mount"),
    pytest.param(
        [F, "USER 1000", "ENV HOME=/home/u"],
        PIP,
        "pip install x",
        "--mount=type=cache,target=/home/u/.cache/pip,uid=1000 ",
        id="root's mount does not cover another user",
    ),
    pytest.param(
        [F, "ENV PIP_CACHE_DIR=/pc"],
        PIP,
        "pip install x",
        "--mount=type=cache,target=/pc ",
        id="a mount beside PIP_CACHE_DIR does not cover it",
    ),
    pytest.param([F], UV, "pip install x", PIP, id="uv's mount does not cover pip"),
    pytest.param(["# syntax=docker/dockerfile:1", F], "", "pip install x", PIP, id="syntax 1"),
    pytest.param(["# syntax=docker/dockerfile:1.2", F], "", "pip install x", PIP, id="syntax 1.2"),
    pytest.param(
        ["# syntax = docker.io/docker/dockerfile:1.7-labs", F], "", "pip install x", PIP, id="syntax 1.7-labs"
    ),
    pytest.param(
        ["# syntax=docker/dockerfile:1.0-experimental", F], "", "pip install x", PIP, id="syntax 1.0-experimental"
    ),
    pytest.param(["# syntax=docker/dockerfile:experimental", F], "", "pip install x", PIP, id="syntax experimental"),
    pytest.param(
        [F],
        "",
        "pip install --cache-dir /c x && pip install --cache-dir /d y",
        "--mount=type=cache,target=/c --mount=type=cache,target=/d ",
        id="two --cache-dir, two mounts",
    ),
    pytest.param(
        [F], "", "pip install -r /root/.cache/requirements.txt", PIP, id="a file beside the cache is no mention"
    ),
    # the other installers: each its own cache directory
    pytest.param([F], "", "pdm install --prod", "--mount=type=cache,target=/root/.cache/pdm ", id="pdm"),
    pytest.param([F], "", "pip-sync requirements.txt", PIP, id="pip-sync: pip's cache"),
    pytest.param(
        [F],
        "",
        "poetry install --no-root",
        "--mount=type=cache,target=/root/.cache/pypoetry/cache --mount=type=cache,target=/root/.cache/pypoetry/artifacts ",
        id="poetry: cache/ and artifacts/, not virtualenvs/",
    ),
    pytest.param(
        [F, "ENV POETRY_CACHE_DIR=/opt/poetry", "USER 1000"],
        "",
        "poetry install",
        "--mount=type=cache,target=/opt/poetry/cache,uid=1000 --mount=type=cache,target=/opt/poetry/artifacts,uid=1000 ",
        id="poetry: POETRY_CACHE_DIR, a numeric user",
    ),
    pytest.param(
        [F], "", "uv sync && pdm install", UV + "--mount=type=cache,target=/root/.cache/pdm ", id="uv and pdm"
    ),
]

FALLBACKS = [
    pytest.param(
        ["FROM mcr.microsoft.com/windows/servercore:ltsc2022"], "", "pip install x", Fallback("Windows"),
        id="Windows base image",
    ),
    pytest.param(
        ["FROM --platform=windows/amd64 python:3.12"], "", "pip install x", Fallback("Windows"), id="Windows platform"
    ),
    pytest.param(
        ["FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win", "FROM win"], "", "pip install x",
        Fallback("Windows"), id="a stage built on a Windows stage",
    ),
    pytest.param(
        [F, 'SHELL ["powershell", "-Command"]'], "", "pip install x", Fallback("Windows"), id="PowerShell SHELL"
    ),
    pytest.param(
        [F, 'SHELL ["cmd", "/S", "/C"]'], "", "pip install x", Fallback("Windows"), id="cmd SHELL"
    ),
    pytest.param(
        ["# syntax=docker/dockerfile:1.1", F], "", "pip install x", Fallback("older than 1.2"), id="syntax 1.1"
    ),
    pytest.param(
        ["# syntax=docker/dockerfile:1.0", F], "", "pip install x", Fallback("older than 1.2"), id="syntax 1.0"
    ),
    pytest.param(
        ["# syntax=docker/dockerfile:1.1.7-experimental", F, "USER 1000", "ENV HOME=/h"], "", "pip install x",
        Fallback("not its uid option"), id="experimental 1.1: mounts, but no uid",
    ),
    pytest.param(
        ["# syntax=example.com/frontends/dockerfile-plus:2", F], "", "pip install x",
        Fallback("frontend pipfix cannot tell"), id="another frontend",
    ),
    pytest.param(
        ["# syntax=docker/dockerfile@sha256:" + "a" * 64, F], "", "pip install x",
        Fallback("frontend pipfix cannot tell"), id="frontend pinned by digest alone",
    ),
    pytest.param(
        [F, "USER app"], "", "pip install x", Fallback("USER app: a mount that user can write to needs its uid"),
        id="named user",
    ),
    pytest.param(
        [F, "USER app", "ENV PIP_CACHE_DIR=/tmp/pip"], "", "pip install x", Fallback("USER app"),
        id="named user, known directory",
    ),
    pytest.param(
        [F, "RUN useradd -m app", "USER app"], "", "pip install x", Fallback("give it with useradd -u"),
        id="an account created without a uid",
    ),
    pytest.param(
        [F, "RUN adduser --system --uid 200 svc", "USER svc"], "", "pip install x",
        Fallback("USER svc has no home"), id="a Debian system account: /nonexistent",
    ),
    pytest.param(
        ["FROM python:3.12 AS a", "RUN useradd -u 1000 app", "FROM python:3.12", "USER app"], "", "pip install x",
        Fallback("USER app: a mount"), id="an account of an unrelated stage",
    ),
    pytest.param(
        [F, "USER 1000"], "", "pip install x", Fallback("USER 1000 has no home pipfix knows"),
        id="USER by number without a home",
    ),
    pytest.param(
        [F, "ARG UID", "USER $UID", "ENV PIP_CACHE_DIR=/tmp/pip"], "", "pip install x",
        Fallback("USER is set from a build argument"), id="USER from a build argument without a default",
    ),
    pytest.param(
        [F], "", "pip install --cache-dir $CACHE x", Fallback("not known statically"), id="--cache-dir from a variable"
    ),
    pytest.param(
        [F, "ARG CACHE", "ENV PIP_CACHE_DIR=$CACHE"], "", "pip install x", Fallback("not known statically"),
        id="PIP_CACHE_DIR from a build argument",
    ),
    pytest.param(
        [F], "", "pip install --cache-dir cache x", Fallback("not known statically"), id="a relative --cache-dir"
    ),
    pytest.param(
        [F, 'ENV PIP_CACHE_DIR="/pip cache"'], "", "pip install x", Fallback("cannot stand unquoted"),
        id="a directory that needs quoting",
    ),
    pytest.param([F], "", "sudo pip install x", Fallback("sudo"), id="sudo"),
    pytest.param([F], "", "sudo -E pip install x", Fallback("sudo"), id="sudo -E"),
    pytest.param([F], "", "gosu app pip install x", Fallback("gosu"), id="gosu"),
    pytest.param([F], "", "su app -c 'pip install x'", Fallback("su"), id="su -c"),
    pytest.param([F], "", "env -i PATH=/usr/bin pip install x", Fallback("env -i"), id="env -i"),
    pytest.param([F], "", "nice sudo -E -u app pip install x", Fallback("sudo"), id="sudo behind a wrapper"),
    pytest.param([F], "", "runuser -u app -- true && pip install x", Fallback("runuser"), id="runuser"),
    pytest.param(
        [F], "", "pip install x && su app -c true", Fallback("the RUN runs `su`"), id="another command switches user"
    ),
    pytest.param(
        [F], "", "pip install x && rm -rf /root/.cache/pip", Fallback("also uses /root/.cache/pip"),
        id="the RUN removes the cache directory",
    ),
    pytest.param(
        [F], "", "pip install x && rm -rf ~/.cache", Fallback("also uses ~/.cache"), id="the RUN removes a parent"
    ),
    pytest.param(
        [F], "", "pip install x && rm -rf $HOME/.cache/pip/*", Fallback("also uses $HOME/.cache/pip/*"),
        id="the RUN empties the cache directory",
    ),
    pytest.param(
        [F], "", "pip install x && rm -rf /root/.cache/pip/http", Fallback("also uses /root/.cache/pip/http"),
        id="the RUN names a path in the cache directory",
    ),
    pytest.param(
        [F], "", "pip install --cache-dir /tmp/c x && rm -rf /tmp/*", Fallback("also uses /tmp/*"),
        id="the RUN empties the parent of --cache-dir",
    ),
    pytest.param(
        [F], "--mount=type=bind,target=/root/.cache/pip ", "pip install x",
        Fallback("already mounts something on /root/.cache/pip"), id="a bind mount on the directory",
    ),
    pytest.param(
        [F], "", "conda install -y numpy", Fallback("conda links the packages of its pkgs directory"),
        id="conda: the clean-up stays",
    ),
    pytest.param(
        [F], "", "/opt/conda/bin/mamba install -y numpy", Fallback("the clean-up stays"), id="mamba: the clean-up stays"
    ),
    pytest.param(
        [F], "", "pipenv install --deploy", Fallback("pipenv fills its own and pip's caches"),
        id="pipenv: the clean-up stays",
    ),
    pytest.param(
        [F], "", "pipx install black", Fallback("pipx runs pip or uv, whichever it finds"), id="pipx: the flag stays"
    ),
    pytest.param(
        [F], "", "poetry install && rm -rf /root/.cache/pypoetry/cache/repositories",
        Fallback("also uses /root/.cache/pypoetry/cache/repositories"), id="poetry: the RUN removes a part of the cache",
    ),
]  # fmt: skip

UNCHANGED = [
    pytest.param([F], "", "pip install --no-cache-dir x", id="the cache already off"),
    pytest.param([F, "ENV PIP_NO_CACHE_DIR=1"], "", "pip install x", id="stage-wide PIP_NO_CACHE_DIR"),
    pytest.param([F], PIP, "pip install x", id="a covering mount"),
    pytest.param(
        [F], "--mount=type=cache,target=/root/.cache ", "pip install x && uv sync", id="a mount on the parent"
    ),
    pytest.param([F], "", "uv sync --link-mode symlink", id="uv in symlink mode"),
    pytest.param([F], "", "pip uninstall -y x", id="no cache-filling call"),
    pytest.param(
        [F], "", "pip wheel x && cp /root/.cache/pip/wheels/x.whl /out", id="a later command reads the cache (reuse.py)"
    ),
]


def _text(setup: list[str], run: str) -> str:
    return "\n".join([*setup, run]) + "\n"


# Their fix is a command appended to the RUN, which exec form has no shell for: no fix there in
# any strategy (tests/rules), so no mount either.
_CLEAN_UP_TOOLS = re.compile(r"\b(poetry|conda|mamba|pipenv) ")


def _with_forms(rows):
    """Each row in each form; the exec form leaves out commands with quotes (its `sh -c` string
    would need them escaped) and the tools fixed by a clean-up."""
    return [
        pytest.param(*row.values, form, id=f"{row.id}, {name}")
        for row in rows
        for name, form in FORMS.items()
        if name != "exec" or not ("'" in row.values[2] or _CLEAN_UP_TOOLS.search(row.values[2]))
    ]


def assert_buildkit_reads(before: str, after: str) -> None:
    """BuildKit reads `after` as `before` with the mount flags first."""
    dockerfile = pytest.importorskip("dockerfile")
    result = fix(before, MOUNT)
    inserted = {edit.text for edit in result.edits}
    assert buildkit_differences(before, after, inserted, dockerfile) == []


@pytest.mark.parametrize(("setup", "flags", "command", "mount", "form"), _with_forms(MOUNTED))
def test_mount(setup, flags, command, mount, form):
    before = _text(setup, form(flags, command))
    after = _text(setup, form(mount + flags, command))
    assert_fix(before, after, Strategy.MOUNT)
    for finding in fix(before, MOUNT).findings:
        assert "no cache mount" not in finding.message
    assert_buildkit_reads(before, after)


@pytest.mark.parametrize(("setup", "flags", "command", "reason", "form"), _with_forms(FALLBACKS))
def test_fallback_to_the_flag(setup, flags, command, reason, form):
    before = _text(setup, form(flags, command))
    for _, transform in variants(before):
        source = transform(before)
        fixed = check_invariants(source, MOUNT)
        assert fixed == fix(source, FLAG).text != source  # exactly what --strategy flag inserts
    findings = [finding for finding in fix(before, MOUNT).findings if finding.fix is not None]
    assert findings and all("(no cache mount: " in finding.message for finding in findings)
    assert any(reason in finding.message for finding in findings), [finding.message for finding in findings]
    assert all("no cache mount" not in finding.message for finding in fix(before, FLAG).findings)
    assert_buildkit_reads(before, fix(before, MOUNT).text)


@pytest.mark.parametrize(("setup", "flags", "command", "form"), _with_forms(UNCHANGED))
def test_unchanged(setup, flags, command, form):
    before = _text(setup, form(flags, command))
    assert_fix(before, before, Strategy.MOUNT)


def test_a_call_that_turns_its_cache_off_keeps_its_flag():
    """No deletions: the other call keeps `--no-cache-dir`, and PIP004 (advisory) then says it
    defeats the new mount."""
    before = _text([F], "RUN pip install a && pip install --no-cache-dir b")
    after = _text([F], f"RUN {PIP}pip install a && pip install --no-cache-dir b")
    assert_fix(before, after, Strategy.MOUNT)
    assert [finding.code for finding in fix(after, MOUNT).findings] == ["PIP004"]


@pytest.mark.parametrize("strategy", list(Strategy))
def test_a_mount_on_another_directory_names_the_one_used(strategy):
    text = _text([F, "USER 1000", "ENV HOME=/home/u"], f"RUN {PIP}pip install x")
    (finding,) = fix(text, Settings(strategy=strategy)).findings
    assert finding.message == (
        "`pip install` keeps its download cache in the image layer: it caches in /home/u/.cache/pip, "
        "which the cache mount on /root/.cache/pip does not cover"
    )


def test_onbuild_runs_as_the_stage_ends():
    """An ONBUILD RUN runs in the child build, with the image's last USER and ENV (no ARG)."""
    before = _text([F, "ARG PIP_CACHE_DIR=/a"], "ONBUILD RUN pip install x\nUSER 1000\nENV HOME=/home/u")
    after = _text(
        [F, "ARG PIP_CACHE_DIR=/a"],
        "ONBUILD RUN --mount=type=cache,target=/home/u/.cache/pip,uid=1000 pip install x\nUSER 1000\nENV HOME=/home/u",
    )
    assert_fix(before, after, Strategy.MOUNT)
    turned_off = _text([F], "ONBUILD RUN pip install x\nENV PIP_NO_CACHE_DIR=1\nFROM python:3.12")
    for strategy in Strategy:
        assert_fix(turned_off, turned_off, strategy)


def test_each_finding_carries_its_own_mount():
    """A quick fix applies one finding's edit: each finding's fix is the mount of its call."""
    result = fix(_text([F], "RUN uv sync && pip install x && uv pip install y"), MOUNT)
    assert [finding.fix.text for finding in result.findings] == [UV, PIP, UV]
    assert [edit.text for edit in result.edits] == [UV, PIP]


@pytest.mark.parametrize(
    ("syntax", "support"),
    [
        (None, MOUNTS),
        ("docker/dockerfile:1", MOUNTS),
        ("docker/dockerfile:1.4", MOUNTS),
        ("docker/dockerfile:1.2.1", MOUNTS),
        ("docker/dockerfile:1-labs", MOUNTS),
        ("docker/dockerfile:labs", MOUNTS),
        ("docker/dockerfile-upstream:master", MOUNTS),
        ("docker.io/docker/dockerfile:1.7@sha256:" + "b" * 64, MOUNTS),
        (" Docker/Dockerfile:1.3 ", MOUNTS),
        ("docker/dockerfile:experimental", MOUNTS),
        ("docker/dockerfile:1.0-experimental", MOUNTS_WITHOUT_OWNER),
        ("docker/dockerfile:1.1.7-experimental", MOUNTS_WITHOUT_OWNER),
        ("docker/dockerfile:1.0", NO_MOUNTS),
        ("docker/dockerfile:1.1.7", NO_MOUNTS),
        ("docker/dockerfile:0.9", NO_MOUNTS),
        ("docker/dockerfile@sha256:" + "c" * 64, UNKNOWN_FRONTEND),
        ("docker/dockerfile:nightly", UNKNOWN_FRONTEND),
        ("tonistiigi/dockerfile:runmount20180618", UNKNOWN_FRONTEND),
        ("ghcr.io/me/my-dockerfile:2", UNKNOWN_FRONTEND),
    ],
)
def test_frontend_support(syntax, support):
    assert frontend_support(syntax) is support


# --- the strategy as users choose it: command line, configuration file, language server

MULTI = "FROM python:3.12\nRUN uv pip install --system a && pip install b\nUSER app\nRUN pip install c\n"
MULTI_MOUNT = (
    f"FROM python:3.12\nRUN {UV}{PIP}uv pip install --system a && pip install b\nUSER app\n"
    "RUN pip install --no-cache-dir c\n"
)


@pytest.fixture
def command() -> list[str]:
    return PYTHON_M_PIPFIX


@pytest.mark.parametrize("spelling", [["--strategy", "mount"], ["--strategy=MOUNT"]])
def test_command_line_write(run, tmp_path, spelling):
    dockerfile = write(tmp_path / "Dockerfile", MULTI)
    process = run("--write", *spelling, "Dockerfile")
    assert process.returncode == 0, process.stderr
    assert dockerfile.read_text() == MULTI_MOUNT


def test_command_line_check_says_why_there_is_no_mount(run, tmp_path):
    write(tmp_path / "Dockerfile", MULTI)
    process = run("--check", "--diff", "--strategy", "mount", "Dockerfile")  # --diff: the full parser
    assert process.returncode == 1
    output = process.stdout.decode()
    assert (
        "Dockerfile:4:5: PIP001 `pip install` keeps its download cache in the image layer (no cache mount: USER app"
        in output
    )
    assert f"+RUN {UV}{PIP}uv pip install --system a && pip install b" in output


def test_configuration_file(run, tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pipfix.toml", 'strategy = "mount"\n')
    process = run("-", stdin=MULTI.encode())
    assert (process.returncode, process.stdout.decode()) == (0, MULTI_MOUNT)


@pytest.mark.asyncio
async def test_language_server_setting(tmp_path):
    pytest.importorskip("pygls.lsp.server")  # pygls 2
    lsp = pytest.importorskip("tests.lsp_support")
    types = pytest.importorskip("lsprotocol.types")
    client = await lsp.SERVER.start()
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=pytest.importorskip("pytest_lsp").client_capabilities("neovim"),
                root_uri=tmp_path.as_uri(),
                initialization_options={"strategy": "mount"},
            )
        )
        uri = (tmp_path / "Dockerfile").as_uri()
        diagnostics = await lsp.open_document(client, uri, MULTI)
        assert "(no cache mount: USER app" in diagnostics[-1].message
        edits = await lsp.format_document(client, uri)
        assert len(edits) == 2  # the two mounts of the first RUN in one insertion
        assert lsp.apply_edits(MULTI, edits) == MULTI_MOUNT
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostics[0].range,
                context=types.CodeActionContext(diagnostics=diagnostics[:1]),
            )
        )
        assert actions[0].title == "pipfix: insert '--mount=type=cache,target=/root/.cache/uv' (PIP002)"
        await client.shutdown_session()
    finally:
        await lsp.stop(client)


def test_a_run_of_many_calls_is_checked_once(monkeypatch):
    """What a RUN's mounts depend on beyond each call (a program that switches user, the
    script's own uses of the directory) is found once per RUN, not once per call: a RUN of n
    calls costs n, not n squared."""
    from collections import Counter

    from pipfix import engine, mounts

    found: Counter[str] = Counter()
    for name in ("_user_switch", "_mention"):
        real = getattr(mounts, name)
        monkeypatch.setattr(mounts, name, lambda *args, real=real, name=name: found.update([name]) or real(*args))
    engine.forget()
    result = fix(_text([F], "RUN " + " && ".join(f"pip install x{i}" for i in range(50))), MOUNT)
    assert [edit.text for edit in result.edits] == [PIP]
    assert found == {"_user_switch": 1, "_mention": 1}
