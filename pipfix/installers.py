"""The installer table: every tool whose download cache pipfix knows, as data.

The invocation stage reads how a call is written (program names, options, the commands that
fill the cache), the cache stage where the cache lives and what turns it off, the fixes which
edit turns it off. Adding an installer is a row here and a rule module in rules/.

What each row says was measured with the real tools (a temporary HOME, before and after the
fix: tests/test_real_runs.py) or, for conda and its kin (not on PyPI), taken from their docs.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field


class FixKind(enum.Enum):
    FLAG = "flag"  # `fix_text` right after the command (`pip install --no-cache-dir`)
    GLOBAL_FLAG = "global flag"  # `fix_text` right before the command (`pdm --no-cache install`)
    CLEAN_UP = "clean-up"  # `PROGRAM fix_text` appended to the RUN (`conda clean --all --yes`)
    REMOVAL = "removal"  # `rm -rf` of the cache's `removed` directories appended to the RUN


class Truth(enum.Enum):
    """How a tool reads its no-cache variable."""

    NON_EMPTY = "non-empty"  # any non-empty value turns the cache off (pip aborts on a non-boolean)
    BOOLEAN = "boolean"  # a true value turns it off, a false or empty one keeps it on


@dataclass(frozen=True, slots=True)
class CleanUp:
    """A command that empties the cache when it runs after the call in the same RUN."""

    command: str | None  # its command word (`conda clean`); None: options alone (`pipenv --clear`)
    options: frozenset[str]  # one of them must be given (`--all`)
    letters: str = ""  # or one of these short options, also in a cluster (`-afy`)


@dataclass(frozen=True, slots=True)
class Installer:
    name: str  # what messages call the tool
    programs: frozenset[str]  # program file names (lower case, without `.exe`)
    commands: frozenset[tuple[str, ...]]  # the (sub)commands that fill the cache
    fix: FixKind
    fix_text: str  # the flag that turns the cache off, or the clean-up's arguments
    program_pattern: re.Pattern[str] | None = None  # more program names (pip3.12)
    modules: frozenset[str] = frozenset()  # `python -m MODULE`
    # program names that stand for a command (`uvx` is `uv tool run`)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    value_options: frozenset[str] = frozenset()  # options before the command that take a value
    needs_option: Mapping[tuple[str, ...], str] = field(default_factory=dict)  # `uv venv --seed`
    # options with which the command downloads nothing, or keeps what it downloads on purpose
    exempt_options: frozenset[str] = frozenset()
    # commands that run another command: their own options end at its first word
    runners: frozenset[tuple[str, ...]] = frozenset()
    runner_value_options: frozenset[str] = frozenset()
    no_cache_options: frozenset[str] = frozenset()  # options that turn the cache off
    no_cache_letters: str = ""  # short options that turn it off, also in a cluster (`-qn`)
    pip_args_option: str | None = None  # the option whose value the tool passes on to pip
    cache_dir_option: str | None = None
    # pip's option parser: of --no-cache-dir and --cache-dir the last wins, and a --cache-dir
    # on the command line beats the no-cache variable
    last_cache_option_wins: bool = False
    no_cache_variable: str | None = None
    truth: Truth = Truth.BOOLEAN
    env_fix: bool = True  # the env strategy sets no_cache_variable=1 before the call
    cache_dir_variable: str | None = None  # (for conda a list: the first entry is written to)
    cache_name: str | None = None  # the cache's directory under ~/.cache (XDG_CACHE_HOME)
    prefix_cache: str | None = None  # or its directory under the tool's prefix (conda's pkgs)
    root_prefix_variable: str | None = None
    clean_up: CleanUp | None = None  # a command that empties the cache
    removed: tuple[str, ...] = ()  # REMOVAL: the cache's subdirectories that the fix removes
    cache_dir_query: tuple[str, ...] = ()  # the command that prints the cache directory
    # words the text of a file must contain to call the tool (the engine's cheap prefilter)
    mentions: tuple[str, ...] = ()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _commands(text: str) -> frozenset[tuple[str, ...]]:
    """`"pip install, sync"` -> {("pip", "install"), ("sync",)}"""
    return frozenset(tuple(command.split()) for command in text.split(","))


def _abbreviations(option: str, shortest: str) -> frozenset[str]:
    """`option` and every prefix of it down to `shortest` (optparse accepts unique prefixes)."""
    return frozenset(option[:end] for end in range(len(shortest), len(option) + 1))


PIP = Installer(
    name="pip",
    programs=frozenset({"pip"}),
    program_pattern=re.compile(r"pip\d+(\.\d+)*"),
    modules=frozenset({"pip"}),
    commands=_commands("install, download, wheel"),
    value_options=_words(
        "--python --log --log-file --local-log --keyring-provider --proxy --retries --timeout"
        " --exists-action --trusted-host --cert --client-cert --cache-dir --use-feature"
        " --use-deprecated --resume-retries"
    ),
    no_cache_options=_abbreviations("--no-cache-dir", "--no-ca"),
    cache_dir_option="--cache-dir",
    last_cache_option_wins=True,
    no_cache_variable="PIP_NO_CACHE_DIR",
    truth=Truth.NON_EMPTY,
    cache_dir_variable="PIP_CACHE_DIR",
    cache_name="pip",
    fix=FixKind.FLAG,
    fix_text="--no-cache-dir",
    mentions=("pip", "PIP"),  # PIP: `$PIP install`, and PIP_NO_CACHE_DIR for PIP003
)

UV = Installer(
    name="uv",
    programs=frozenset({"uv", "uvx"}),
    modules=frozenset({"uv"}),
    aliases={"uvx": ("tool", "run")},
    # `uv export` and `uv tree` resolve only when the lock file is out of date, `uv venv`
    # without --seed downloads nothing
    commands=_commands(
        "pip install, pip sync, pip compile, sync, add, remove, lock, run, build, venv,"
        " tool install, tool upgrade, tool run"
    ),
    needs_option={("venv",): "--seed"},
    value_options=_words(
        "--cache-dir --color --directory --project --config-file --allow-insecure-host"
        " --python-preference --python-fetch"
    ),
    runners=_commands("run, tool run"),
    runner_value_options=_words(
        "--extra --no-extra --group --no-group --only-group --no-editable-package --env-file -w"
        " --with --with-editable --with-requirements --package --python-platform --index"
        " --default-index -i --index-url --extra-index-url -f --find-links --index-strategy"
        " --keyring-provider -P --upgrade-package --upgrade-group --resolution --prerelease"
        " --prerelease-package --fork-strategy --exclude-newer --exclude-newer-package"
        " --no-sources-package --reinstall-package --link-mode -C --config-setting"
        " --config-settings-package --no-build-isolation-package --no-build-package"
        " --no-binary-package --cache-dir --refresh-package -p --python --color"
        " --allow-insecure-host --directory --project --config-file --from -c --constraints -b"
        " --build-constraints --overrides --torch-backend"
    ),
    no_cache_options=frozenset({"--no-cache", "--no-cache-dir"}),  # --no-cache-dir: a hidden alias
    no_cache_letters="n",
    cache_dir_option="--cache-dir",
    no_cache_variable="UV_NO_CACHE",
    cache_dir_variable="UV_CACHE_DIR",
    cache_name="uv",
    fix=FixKind.FLAG,
    fix_text="--no-cache",
    mentions=("uv",),
)

# pdm's --no-cache is one of its global options: `pdm install --no-cache` is a usage error.
# PDM_NO_CACHE turns the cache off whatever its value, unless empty.
PDM = Installer(
    name="pdm",
    programs=frozenset({"pdm"}),
    modules=frozenset({"pdm"}),
    commands=_commands("install, sync, add, update, lock, remove, build"),
    value_options=_words("-c --config"),
    no_cache_options=frozenset({"--no-cache"}),
    no_cache_variable="PDM_NO_CACHE",
    truth=Truth.NON_EMPTY,
    cache_dir_variable="PDM_CACHE_DIR",
    cache_name="pdm",
    fix=FixKind.GLOBAL_FLAG,
    fix_text="--no-cache",
    mentions=("pdm",),
)

# pipx runs pip, or uv when uv is installed (pipx 1.8 and later): `--pip-args=--no-cache-dir`
# reaches both, PIP_NO_CACHE_DIR only pip, so the env strategy uses the flag too. pipx's own
# `run --no-cache` is about its cached environments, not about downloads.
PIPX = Installer(
    name="pipx",
    programs=frozenset({"pipx"}),
    modules=frozenset({"pipx"}),
    commands=_commands("install, install-all, inject, upgrade, upgrade-all, upgrade-shared, run"),
    runners=_commands("run"),
    runner_value_options=_words(
        "--python-args --with --spec --python --fetch-python --index-url --pip-args --cooldown --backend"
    ),
    pip_args_option="--pip-args",
    no_cache_variable="PIP_NO_CACHE_DIR",
    truth=Truth.NON_EMPTY,
    env_fix=False,
    cache_dir_variable="PIP_CACHE_DIR",
    cache_name="pip",
    fix=FixKind.FLAG,
    fix_text="--pip-args=--no-cache-dir",
    mentions=("pip",),
)

# pip-tools' pip-sync runs pip: its --pip-args and pip's variables both reach it.
PIP_TOOLS = Installer(
    name="pip-tools",
    programs=frozenset({"pip-sync"}),
    modules=frozenset({"piptools"}),
    aliases={"pip-sync": ("sync",)},
    commands=_commands("sync"),
    pip_args_option="--pip-args",
    no_cache_variable="PIP_NO_CACHE_DIR",
    truth=Truth.NON_EMPTY,
    cache_dir_variable="PIP_CACHE_DIR",
    cache_name="pip",
    fix=FixKind.FLAG,
    fix_text="--pip-args=--no-cache-dir",
    mentions=("pip",),
)

# pipenv points pip's cache at its own (~/.cache/pipenv); pip's variable and --extra-pip-args
# reach it when pipenv installs from the lock file, but locking fills a cache of pipenv's own
# whatever pip is told. `pipenv --clear` empties both, from any directory.
PIPENV = Installer(
    name="pipenv",
    programs=frozenset({"pipenv"}),
    modules=frozenset({"pipenv"}),
    commands=_commands("install, sync, lock, update, upgrade"),
    value_options=_words("--python --pypi-mirror"),
    pip_args_option="--extra-pip-args",
    no_cache_variable="PIP_NO_CACHE_DIR",
    truth=Truth.NON_EMPTY,
    cache_dir_variable="PIPENV_CACHE_DIR",
    cache_name="pipenv",
    clean_up=CleanUp(None, frozenset({"--clear"})),
    fix=FixKind.CLEAN_UP,
    fix_text="--clear",
    mentions=("pip",),
)

# Neither Poetry's --no-cache nor `poetry cache clear --all` removes the downloaded wheels
# (artifacts/); removing cache/ and artifacts/ does, and keeps the virtualenvs/ that Poetry
# puts in the same directory by default.
POETRY = Installer(
    name="poetry",
    programs=frozenset({"poetry"}),
    modules=frozenset({"poetry"}),
    commands=_commands("install, sync, add, update, lock, remove"),
    value_options=_words("-C --directory -P --project"),
    cache_dir_variable="POETRY_CACHE_DIR",
    cache_name="pypoetry",
    removed=("cache", "artifacts"),
    cache_dir_query=("config", "cache-dir"),  # `rm -rf $(poetry config cache-dir)`
    fix=FixKind.REMOVAL,
    fix_text="rm -rf",
    mentions=("poetry",),
)

# conda, mamba and micromamba keep every package in the pkgs directory of their prefix. Never
# `clean --force-pkgs-dirs` (-f): environments may link back into pkgs.
CONDA = Installer(
    name="conda",
    programs=frozenset({"conda", "mamba", "micromamba"}),
    modules=frozenset({"conda"}),
    commands=_commands("install, create, update, upgrade, env create, env update"),
    value_options=_words("-r --root-prefix"),
    exempt_options=_words("--download-only --dry-run"),
    cache_dir_variable="CONDA_PKGS_DIRS",
    prefix_cache="pkgs",
    root_prefix_variable="MAMBA_ROOT_PREFIX",
    clean_up=CleanUp("clean", frozenset({"--all"}), "a"),
    fix=FixKind.CLEAN_UP,
    fix_text="clean --all --yes",
    mentions=("conda", "mamba"),
)

INSTALLERS = (PIP, UV, PDM, PIPX, PIP_TOOLS, PIPENV, POETRY, CONDA)

_BY_PROGRAM: Mapping[str, Installer] = {name: row for row in INSTALLERS for name in row.programs}
_BY_MODULE: Mapping[str, Installer] = {name: row for row in INSTALLERS for name in row.modules}
_PATTERNED = tuple(row for row in INSTALLERS if row.program_pattern is not None)
MENTIONS = tuple(dict.fromkeys(word for row in INSTALLERS for word in row.mentions))


def installer_of_program(name: str) -> Installer | None:
    """The installer a program file name (from wrappers.program_name) runs."""
    row = _BY_PROGRAM.get(name)
    if row is not None:
        return row
    return next((row for row in _PATTERNED if row.program_pattern and row.program_pattern.fullmatch(name)), None)


def installer_of_module(name: str | None) -> Installer | None:
    """The installer `python -m NAME` runs."""
    return None if name is None else _BY_MODULE.get(name)
