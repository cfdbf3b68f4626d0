"""Properties of fix() on generated Dockerfiles, in every strategy.

The generator is a small grammar of what real Dockerfiles hold around pip and uv calls: stages
with and without names, ENV/ARG of the cache variables with valid, false, empty and rejected
values, RUN flags (cache, tmpfs and bind mounts), continuations with comment and empty lines,
pip, python -m pip and uv calls behind wrappers and options, `&&`/`;`/`|`, `sh -c '…'`,
heredocs and exec form; LF or CRLF, an optional BOM, an optional final newline, and the
backtick escape. For every generated file:

- fix() raises nothing at all (the files are valid, so not even CannotFix or InternalError);
- a second fix changes nothing and finds nothing left to fix (idempotence);
- the result is the input plus insertions: removing the edits gives back the input;
- every insertion is one the strategy allows, and matches its finding's tool;
- every strategy reports the same findings, and every finding fixed by a flag or a variable
  carries its edit;
- CRLF line endings, a BOM and a missing final newline change neither the fix nor the positions;
- what fix() remembers of the RUN instructions it has seen changes no result.

Arbitrary text may be rejected, but only with a PipfixError.

The number of examples comes from the hypothesis profile (tests/conftest.py; HYPOTHESIS_PROFILE=ci
in CI) or PIPFIX_HYPOTHESIS_EXAMPLES.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipfix import PipfixError, Settings, Strategy, engine, fix
from pipfix.edits import remove_edits

# The number of examples comes from the hypothesis profile (tests/conftest.py: HYPOTHESIS_PROFILE
# dev or ci) unless PIPFIX_HYPOTHESIS_EXAMPLES sets it.
EXAMPLES = os.environ.get("PIPFIX_HYPOTHESIS_EXAMPLES")
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    **({"max_examples": int(EXAMPLES)} if EXAMPLES else {}),
)

# --- the grammar ------------------------------------------------------------------------------

PACKAGES = st.sampled_from(["flask", "'requests==2.*'", '"numpy>=1"', ".", "-r requirements.txt", "-e .", "$PKG"])
WRAPPERS = st.sampled_from(
    [
        "", "", "", "sudo ", "sudo -H -u app ", "sudo -E ", "env ", "env -i PATH=/bin ", "env A=1 ",
        "command ", "nice -n 5 ", "timeout 600 ", "nohup ", "time ", "xargs -n1 ", "conda run -n base ",
        "micromamba run -n base ", "poetry run ", "pipenv run ", "uv run ",
    ]
)  # fmt: skip
PIP_PROGRAMS = st.sampled_from(
    [
        "pip", "pip3", "pip3.12", "/opt/venv/bin/pip", '"pip"', "$PIP", "python -m pip", "python3 -u -m pip",
        "python -Im pip", "python -mpip", "/usr/bin/python3.11 -m pip", '"$PYTHON" -m pip', "py -3.12 -m pip",
    ]
)  # fmt: skip
PIP_GENERAL = st.sampled_from(
    ["", "", "-q ", "--timeout 60 ", "--proxy http://p:3128 ", "--no-cache-dir ", "-v --isolated "]
)
PIP_SUBCOMMANDS = st.sampled_from(["install", "install", "download", "wheel", "uninstall -y", "list", "freeze", "show"])
PIP_OPTIONS = st.sampled_from(
    [
        "",
        "",
        "--upgrade ",
        "--no-cache-dir ",
        "--no-cache ",
        "--cache-dir /tmp/c ",
        "--cache-dir=/c --no-cache-dir ",
        "--user ",
    ]
)
PIP_TRAILING = st.sampled_from(["", "", "", " --no-cache-dir", " --cache-dir /c", " -- x"])
UV_CALLS = st.sampled_from(
    [
        "uv pip install", "uv pip install --system", "uv -q pip install", "uv --cache-dir /c pip install",
        "uv pip sync", "uv pip compile -o r.txt", "uv sync --frozen", "uv tool install", "uv venv", "uv lock",
        "uv pip list", "uv pip install -n", "uv --no-cache sync", "uv pip install --no-cache", "/root/.local/bin/uv sync",
    ]
)  # fmt: skip
OTHER_INSTALLER_CALLS = st.sampled_from(
    [
        "uvx ruff", "uv run app.py", "uv add flask", "uv venv --seed", "pdm install", "pdm -v --no-cache sync",
        "PDM_NO_CACHE=1 pdm lock", "pipx install", "pipx install --pip-args=--pre", "pipx run --spec x",
        "pip-sync r.txt", "pip-sync --pip-args '-q'", "pipenv install --deploy", "pipenv lock", "pipenv --clear",
        "poetry install", "poetry --no-cache lock", "rm -rf /root/.cache/pypoetry", "conda install -y",
        "/opt/conda/bin/mamba create -n e", "micromamba install -y", "conda clean -afy", "conda env list",
    ]
)  # fmt: skip
ASSIGNMENTS = st.sampled_from(
    [
        "",
        "",
        "",
        "PIP_NO_CACHE_DIR=1 ",
        "PIP_NO_CACHE_DIR= ",
        "PIP_NO_CACHE_DIR=bogus ",
        "UV_NO_CACHE=1 ",
        "UV_NO_CACHE=false ",
        "A=1 ",
    ]
)
OTHER_COMMANDS = st.sampled_from(
    [
        "true", "apt-get update", "echo pip install x", "cd /app", "export PIP_NO_CACHE_DIR=1", "export UV_NO_CACHE=0",
        "apt-get install -y python3-pip", "rm -rf /var/lib/apt/lists/*", "command -v pip", "rm -rf ~/.cache/pip",
    ]
)  # fmt: skip
SEPARATORS = st.sampled_from([" && ", " && ", "; ", " | ", " || "])
VALUES = st.sampled_from(["1", "0", "true", "false", "off", "YES", "", '""', "bogus", "10", '" 1"', "$X"])
FLAGS = st.sampled_from(
    [
        "", "", "", "--mount=type=cache,target=/root/.cache/pip ", "--mount=type=cache,target=/root/.cache ",
        "--mount=type=cache,target=/root/.cache/uv ", "--mount=type=tmpfs,target=/root/.cache ",
        "--mount=type=bind,target=/root/.cache/pip ", "--network=host ", "--mount=type=cache,target=/c ",
    ]
)  # fmt: skip


@st.composite
def pip_call(draw) -> str:
    return (
        draw(ASSIGNMENTS) + draw(WRAPPERS) + draw(PIP_PROGRAMS) + " " + draw(PIP_GENERAL) + draw(PIP_SUBCOMMANDS) + " "
        + draw(PIP_OPTIONS) + draw(PACKAGES) + draw(PIP_TRAILING)
    )  # fmt: skip


@st.composite
def uv_call(draw) -> str:
    return draw(ASSIGNMENTS) + draw(WRAPPERS) + draw(UV_CALLS) + " " + draw(PACKAGES)


@st.composite
def other_installer_call(draw) -> str:
    return draw(ASSIGNMENTS) + draw(WRAPPERS) + draw(OTHER_INSTALLER_CALLS) + " " + draw(PACKAGES)


SIMPLE_COMMAND = st.one_of(pip_call(), pip_call(), uv_call(), other_installer_call(), OTHER_COMMANDS)
COMPOUND = st.sampled_from(
    [
        "{}",
        "{}",
        "{}",
        "({})",
        "{{ {}; }}",
        "if true; then {}; fi",
        "for p in a b; do {}; done",
        'V="$({})"',
        "su app -c '{}'",
    ]
)
COMMAND = st.builds(
    lambda shape, command: shape.format(command) if "'" not in command else command, COMPOUND, SIMPLE_COMMAND
)


@st.composite
def command_list(draw, separators=SEPARATORS) -> list[str]:
    """Commands, each but the first preceded by its separator."""
    commands = draw(st.lists(COMMAND, min_size=1, max_size=4))
    return [commands[0]] + [draw(separators) + command for command in commands[1:]]


@st.composite
def shell_run(draw, eol: str, escape: str) -> str:
    """A shell-form RUN, its commands spread over continuation lines."""
    parts = [draw(split_by_continuation(part, eol, escape)) for part in draw(command_list())]
    text = parts[0]
    for part in parts[1:]:
        if draw(st.booleans()):
            gap = draw(st.sampled_from(["", " ", " \t"]))
            text += f" {escape}{gap}{eol}"
            text += "".join(draw(st.lists(st.sampled_from([f"    # a note{eol}", eol]), max_size=2)))
            text += "    " + part.lstrip(" ")
        else:
            text += part
    if draw(st.booleans()):
        text = f"sh -c '{text}'" if "'" not in text else text
    return text


@st.composite
def split_by_continuation(draw, command: str, eol: str, escape: str) -> str:
    """The command, maybe cut at one of its blanks by a line continuation (Docker joins the
    lines before the shell sees them, even inside quotes)."""
    blanks = [index for index, char in enumerate(command) if char == " " and index]
    if not blanks or draw(st.booleans()):
        return command
    cut = draw(st.sampled_from(blanks))
    return f"{command[:cut]} {escape}{eol}   {command[cut:]}"


@st.composite
def heredoc_run(draw, eol: str) -> str:
    strip = draw(st.booleans())
    delimiter = draw(st.sampled_from(["EOF", "'EOF'", '"SCRIPT"']))
    program = draw(st.sampled_from(["", "", " bash", " sh -e", " python3"]))
    indent = "\t" if strip else ""
    body = [indent + line for line in draw(st.lists(COMMAND, min_size=1, max_size=3))]
    end = indent + delimiter.strip("'\"")
    return f"<<{'-' if strip else ''}{delimiter}{program}{eol}" + "".join(line + eol for line in body) + end


@st.composite
def exec_run(draw) -> str:
    words = draw(
        st.sampled_from(
            [
                ["pip", "install", "flask"], ["python", "-m", "pip", "install", "x"], ["uv", "pip", "install", "x"],
                ["uv", "sync"], ["pip", "install", "--no-cache-dir", "x"], ["/bin/sh", "-c"], ["sh", "-c"],
            ]
        )
    )  # fmt: skip
    if words[-1] == "-c":
        words = [*words, " && ".join(draw(st.lists(COMMAND, min_size=1, max_size=2)))]
    separator = draw(st.sampled_from([", ", ",", " , "]))
    return "[" + separator.join(json.dumps(word) for word in words) + "]"


@st.composite
def setting(draw) -> str:
    name = draw(
        st.sampled_from(
            [
                "PIP_NO_CACHE_DIR",
                "UV_NO_CACHE",
                "PIP_CACHE_DIR",
                "UV_CACHE_DIR",
                "PDM_NO_CACHE",
                "POETRY_CACHE_DIR",
                "X",
            ]
        )
    )
    value = draw(VALUES)
    shape = draw(st.sampled_from(["ENV {n}={v}", "ARG {n}={v}", "ARG {n}", "ENV A=1 {n}={v}", "env {n}={v}"]))
    if name.endswith("CACHE_DIR") and name != "PIP_NO_CACHE_DIR":
        value = draw(st.sampled_from(["/c", "/root/.cache/pip", "/var/cache/uv"]))
    if draw(st.booleans()) and value and not value.startswith('"') and shape.startswith("ENV {n}="):
        shape = "ENV {n} {v}"  # legacy form
    return shape.format(n=name, v=value)


@st.composite
def dockerfiles(draw, eol: str | None = None) -> str:
    eol = eol or draw(st.sampled_from(["\n", "\r\n"]))
    escape = draw(st.sampled_from(["\\", "\\", "`"]))
    lines = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["# syntax=docker/dockerfile:1", "# syntax=docker/dockerfile:1.1"])))
    if escape == "`":
        lines.append("# escape=`")
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["ARG PIP_NO_CACHE_DIR=", "ARG UV_NO_CACHE="])) + draw(VALUES))  # global
    stage_names: list[str] = []
    for stage in range(draw(st.integers(1, 3))):
        previous = str(stage - 1) if stage else "ubuntu"
        base = draw(
            st.sampled_from(
                ["python:3.12", "python:3.11-slim", "python:3.12-windowsservercore", *stage_names, previous]
            )
        )
        name = f"s{stage}"
        lines.append(f"FROM {base} AS {name}" if draw(st.booleans()) else f"FROM {base}")
        stage_names.append(name)
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["run", "run", "run", "setting", "user", "comment", "empty", "pragma"]))
            if kind == "setting":
                lines.append(draw(setting()))
            elif kind == "user":
                lines.append(draw(st.sampled_from(["USER app", "USER root", "USER 1000", "USER 1000:1000"])))
            elif kind == "comment":
                lines.append("# pip install x")
            elif kind == "empty":
                lines.append("")
            elif kind == "pragma":
                lines.append(draw(st.sampled_from(["# pipfix: ignore", "# hadolint ignore=DL3042"])))
            else:
                form = draw(st.sampled_from(["shell", "shell", "heredoc", "exec"]))
                keyword = draw(st.sampled_from(["RUN", "RUN", "run", "ONBUILD RUN"]))
                flags = draw(FLAGS) if form != "exec" or draw(st.booleans()) else ""
                if form == "shell":
                    script = draw(shell_run(eol, escape))
                elif form == "heredoc":
                    script = draw(heredoc_run(eol))
                else:
                    script = draw(exec_run())
                lines.append(f"{keyword} {flags}{script}")
    text = eol.join(lines)
    if draw(st.booleans()):
        text += eol
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


# --- properties -------------------------------------------------------------------------------

FLAG_TEXT = {
    "pip": " --no-cache-dir",
    "uv": " --no-cache",
    "pdm": " --no-cache",
    "pipx": " --pip-args=--no-cache-dir",
    "pip-tools": " --pip-args=--no-cache-dir",
}
ENV_TEXT = {
    "pip": "PIP_NO_CACHE_DIR=1 ",
    "uv": "UV_NO_CACHE=1 ",
    "pdm": "PDM_NO_CACHE=1 ",
    "pip-tools": "PIP_NO_CACHE_DIR=1 ",
}
EXEC_TEXT = {tool: re.compile(rf'[ \t]*,[ \t]*"{flag.strip()}"') for tool, flag in FLAG_TEXT.items()}
INTO_PIP_ARGS = re.compile(r"--no-cache-dir |'--no-cache-dir '")  # into a --pip-args value given
CLEAN_UP = {
    "pipenv": re.compile(r" && \S*pipenv --clear"),
    "poetry": re.compile(r" && rm -rf (/\S*)/cache \1/artifacts"),
    "conda": re.compile(r" && \S*(conda|mamba) clean --all --yes"),
}
TOOL = {
    "PIP001": "pip",
    "PIP002": "uv",
    "PIP005": "pdm",
    "PIP006": "pipx",
    "PIP007": "pip-tools",
    "PIP008": "pipenv",
    "PIP009": "poetry",
    "PIP010": "conda",
}
MOUNT_TEXT = re.compile(r"(--mount=type=cache,target=/[^\s,]+(,uid=\d+(,gid=\d+)?)? )+")


def allowed(text: str, tool: str, strategy: Strategy) -> bool:
    # the mount strategy keeps the clean-ups of pipenv and conda
    if strategy is Strategy.MOUNT and tool not in ("pipenv", "conda") and MOUNT_TEXT.fullmatch(text):
        return True
    if tool in CLEAN_UP:
        return CLEAN_UP[tool].fullmatch(text) is not None
    if text == FLAG_TEXT[tool] or EXEC_TEXT[tool].fullmatch(text):
        return True
    if tool in ("pipx", "pip-tools") and INTO_PIP_ARGS.fullmatch(text):
        return True
    return strategy is Strategy.ENV and text == ENV_TEXT.get(tool)


def check(text: str, strategy: Strategy) -> None:
    settings_ = Settings(strategy=strategy)
    result = fix(text, settings_)
    assert result.source == text
    # insertions only, sorted, inside the text
    offsets = [edit.offset for edit in result.edits]
    assert offsets == sorted(offsets) and all(0 <= offset <= len(text) for offset in offsets)
    assert remove_edits(result.text, result.edits) == text
    # every insertion is one the strategy allows, for the tool of its finding
    fixes = {finding.fix: finding for finding in result.findings if finding.fix is not None}
    assert set(result.edits) == set(fixes)
    for edit, finding in fixes.items():
        assert finding.code in TOOL, f"{finding.code} carries an edit"
        assert allowed(edit.text, TOOL[finding.code], strategy), f"{finding.code}: {edit.text!r}"
    # idempotent
    again = fix(result.text, settings_)
    assert again.text == result.text
    assert not [finding for finding in again.findings if finding.fix is not None]


@SETTINGS
@given(text=dockerfiles())
def test_generated_dockerfiles_flag(text):
    check(text, Strategy.FLAG)


@SETTINGS
@given(text=dockerfiles())
def test_generated_dockerfiles_env(text):
    check(text, Strategy.ENV)


@SETTINGS
@given(text=dockerfiles())
def test_generated_dockerfiles_mount(text):
    check(text, Strategy.MOUNT)


@SETTINGS
@given(first=dockerfiles(), second=dockerfiles(), strategy=st.sampled_from(list(Strategy)))
def test_what_fix_remembers_changes_no_result(first, second, strategy):
    # fix() remembers the findings of RUN instructions it has seen (memory.py): a RUN text
    # seen before, in another file, stage or context, must be found again as if it were new
    settings_ = Settings(strategy=strategy)
    fix(first, settings_)
    remembered = fix(second, settings_)
    engine.forget()
    assert remembered == fix(second, settings_)


def positions(result) -> list[tuple[str, int, int]]:
    return [(finding.code, finding.line, finding.column) for finding in result.findings]


@SETTINGS
@given(text=dockerfiles())
def test_strategies_report_the_same_findings(text):
    flag, env = fix(text, Settings(strategy=Strategy.FLAG)), fix(text, Settings(strategy=Strategy.ENV))
    assert positions(flag) == positions(env) == positions(fix(text, Settings(strategy=Strategy.MOUNT)))
    # a file that parses leaves no call unfixed whose fix is a flag or a variable (a clean-up
    # appended to the RUN has no place behind sudo, in exec form ...)
    assert all(finding.fix is not None for finding in flag.findings if TOOL.get(finding.code) in FLAG_TEXT)


@SETTINGS
@given(text=dockerfiles(eol="\n"), strategy=st.sampled_from(list(Strategy)))
def test_line_endings_bom_and_final_newline_do_not_matter(text, strategy):
    settings_ = Settings(strategy=strategy)
    text = text.removeprefix("\ufeff")
    base = fix(text, settings_)
    for name, transform in [
        ("crlf", lambda t: t.replace("\n", "\r\n")),
        ("bom", lambda t: "\ufeff" + t),
        ("no final newline", lambda t: t.removesuffix("\n")),
    ]:
        result = fix(transform(text), settings_)
        assert result.text == transform(base.text), name
        assert positions(result) == positions(base), name


# Files outside the grammar that once broke a property, checked the same way.
EXAMPLES_OUTSIDE_THE_GRAMMAR = [
    pytest.param("FROM a\nRUN pip -- install x\n", Strategy.ENV, id="pip -- install, env"),
    pytest.param("FROM a\nRUN pip -- install x\n", Strategy.FLAG, id="pip -- install, flag"),
]


@pytest.mark.parametrize(("text", "strategy"), EXAMPLES_OUTSIDE_THE_GRAMMAR)
def test_examples_outside_the_grammar(text, strategy):
    check(text, strategy)


@SETTINGS
@given(text=st.text(), strategy=st.sampled_from(list(Strategy)))
def test_arbitrary_text_raises_only_pipfix_errors(text, strategy):
    try:
        fix(text, Settings(strategy=strategy))
    except PipfixError:
        pass


@SETTINGS
@given(
    text=st.lists(
        st.sampled_from(
            ["FROM a", "RUN ", "pip install x", "uv sync", " \\", "\n", "\r\n", "<<EOF", "EOF", "'", '"', "[", "]", "`"]
        ),
        max_size=30,
    ).map("".join),
    strategy=st.sampled_from(list(Strategy)),
)
def test_dockerfile_like_fragments_raise_only_pipfix_errors(text, strategy):
    try:
        result = fix(text, Settings(strategy=strategy))
    except PipfixError:
        return
    assert remove_edits(result.text, result.edits) == text
