"""find_invocations: which command lines are installer calls that can fill a cache.

Each command line goes through the real pipeline: a one-RUN Dockerfile, scan, shell.commands,
find_invocations. Rows: command line -> (tool, subcommand, program as written), a list of them
when the line makes several calls (`uv run pip install x`), or None.
"""

import pytest

from pipfix.dockerfile import scan
from pipfix.invocation import Invocation, find_invocations
from pipfix.shell import commands


def invocations(line: str) -> tuple[tuple[Invocation, ...], str]:
    """The invocations of the single command of `RUN line`, and the file text."""
    text = f"FROM python:3.12\nRUN {line}\n"
    run = scan(text).instructions[1]
    found = list(commands(run, text))
    assert len(found) == 1, f"expected one simple command, got {len(found)}"
    return find_invocations(found[0]), text


def invocation(line: str) -> tuple[Invocation | None, str]:
    """The last invocation of `RUN line` (the one behind the wrappers), and the file text."""
    found, text = invocations(line)
    return (found[-1] if found else None), text


def summary(line: str):
    found, text = invocations(line)
    summaries = [(call.tool, call.subcommand.text, text[call.program.start : call.program.end]) for call in found]
    return None if not summaries else summaries[0] if len(summaries) == 1 else summaries


def pip(program: str = "pip", subcommand: str = "install") -> tuple[str, str, str]:
    return "pip", subcommand, program


def uv(subcommand: str, program: str = "uv") -> tuple[str, str, str]:
    return "uv", subcommand, program


PIP_CASES = [
    ("pip install x", pip()),
    ("pip3 install x", pip("pip3")),
    ("pip3.12 download x", pip("pip3.12", "download")),
    ("pip2 wheel x", pip("pip2", "wheel")),
    ("/opt/venv/bin/pip install x", pip("/opt/venv/bin/pip")),
    ('"pip" install x', pip('"pip"')),
    ("$PIP install x", pip("$PIP")),
    ("${VENV}/bin/pip install x", pip("${VENV}/bin/pip")),
    ("pip uninstall -y x", None),
    ("pip list", None),
    ("pip freeze", None),
    ("pip show x", None),
    ("pip config list", None),
    ("pip cache purge", None),
    ("pip check", None),
    ("pip --version", None),
    ("pip", None),
    ("pipx install x", ("pipx", "install", "pipx")),
    ("pip-compile requirements.in", None),
    ("pip-sync requirements.txt", ("pip-tools", "pip-sync", "pip-sync")),
    ("pipenv install", ("pipenv", "install", "pipenv")),
    ("poetry install", ("poetry", "install", "poetry")),
    ("echo pip install x", None),
    ("apt-get install -y python3-pip", None),
]

PIP_OPTION_CASES = [
    ("pip -q install x", pip()),
    ("pip -v --isolated --no-input --disable-pip-version-check install x", pip()),
    ("pip --timeout 60 install x", pip()),
    ("pip --timeout=60 install x", pip()),
    ("pip --proxy http://p:3128 install x", pip()),
    ("pip --log /tmp/pip.log install x", pip()),
    ("pip --cache-dir /c install x", pip()),
    ("pip --python /usr/bin/python3 install x", pip()),
    ("pip --exists-action w download x", pip(subcommand="download")),
    ("pip --retries 3 --trusted-host h --cert c.pem --client-cert k.pem wheel x", pip(subcommand="wheel")),
    ("pip --use-feature truststore install x", pip()),
    ("pip --no-cache-dir install x", pip()),
]

DOUBLE_DASH_CASES = [
    ("pip install -- x", pip()),
    ("pip -- install x", pip()),  # pip's option parser drops the `--`, then reads the subcommand
    ("python -m pip -- install x", pip("python")),
    ("python -- -m pip install x", None),  # after `--` python runs a script named `-m`
    ("sudo -- pip install x", pip()),
    ("env -- pip install x", pip()),
    ("conda run -n e -- pip install x", pip()),
    ("poetry run -- pip install x", pip()),
    ("uv run -- pip install x", [uv("run"), pip()]),
]

PYTHON_CASES = [
    ("python -m pip install x", pip("python")),
    ("python3 -u -m pip install x", pip("python3")),
    ("python -I -m pip install x", pip("python")),
    ("python -B -m pip install x", pip("python")),
    ("python -E -s -OO -m pip install x", pip("python")),
    ("python -W ignore -m pip install x", pip("python")),
    ("python -Wignore -m pip install x", pip("python")),
    ("python -X dev -m pip install x", pip("python")),
    ("python -Xdev -m pip install x", pip("python")),
    ("python -Im pip install x", pip("python")),
    ("python -mpip install x", pip("python")),
    ("python3.12 -m pip download x", pip("python3.12", "download")),
    ("pypy3 -m pip install x", pip("pypy3")),
    ("py -3.12 -m pip install x", pip("py")),
    ("/usr/local/bin/python3 -m pip install x", pip("/usr/local/bin/python3")),
    ('"$PYTHON" -m pip install x', pip('"$PYTHON"')),
    ("${PYTHON:-python3} -m pip install x", pip("${PYTHON:-python3}")),
    ("python -m pip -q --proxy http://p install x", pip("python")),
    ("python -c 'import pip' install x", None),
    ("python -Ic pass", None),
    ("python -V -m pip install x", None),
    ("python -h -m pip install x", None),  # -h prints the usage and exits
    ("python - -m pip install x", None),
    ("python setup.py install", None),
    ("python -m pipx install x", ("pipx", "install", "python")),
    ("python -m pip uninstall x", None),
    ("python -m pip", None),
    ("python -m", None),
    ("python", None),
]

WRAPPER_CASES = [
    ("sudo pip install x", pip()),
    ("sudo -u x -H pip install x", pip()),
    ("sudo -E pip install x", pip()),
    ("sudo --user=app pip install x", pip()),
    ("sudo --user app pip install x", pip()),
    ("env -i pip install x", pip()),
    ("env -u HOME pip install x", pip()),
    ("env -i PATH=/bin FOO=1 pip install x", pip()),
    ("exec pip install x", pip()),
    ("exec -a name pip install x", pip()),
    ("command pip install x", pip()),
    ("command -p pip install x", pip()),
    ("command -v pip", None),
    ("command -V pip", None),
    ("time pip install x", pip()),
    ("time -p pip install x", pip()),
    ("nice pip install x", pip()),
    ("nice -n 10 pip install x", pip()),
    ("nohup pip install x", pip()),
    ("timeout 600 pip install x", pip()),
    ("timeout -s KILL 10 pip install x", pip()),
    ("timeout -k 5 10 pip install x", pip()),
    ("timeout --signal=KILL 1m pip install x", pip()),
    ("xargs pip install", pip()),
    ("xargs -0 -n1 -I{} pip install {}", pip()),
    ("xargs -n 1 -P 4 pip install", pip()),
    ("xargs -I {} pip install {}", pip()),
    ("xargs -a reqs.txt pip install", pip()),
    ("xargs --arg-file reqs.txt pip install", pip()),
    ("find . -name r.txt -execdir pip install -r {} \\;", pip()),
    ("find /src -name r.txt -exec pip install -r {} +", pip()),
    ("find . -exec echo {} \\; -exec pip install {} \\;", pip()),
    ("find . -name '*.whl'", None),
    ("conda run -n env pip install x", pip()),
    ("conda run --no-capture-output -n env pip install x", pip()),
    ("mamba run -p /opt/env python -m pip install x", pip("python")),
    ("micromamba run -n base pip install x", pip()),
    ("conda install pip", ("conda", "install", "conda")),
    ("conda run -n env python train.py", None),
    ("pipenv run pip install x", pip()),
    ("poetry run python -m pip install x", pip("python")),
    ("uv run --with x pip install y", [uv("run"), pip()]),
    ("uv run --no-project -p 3.12 python -m pip install x", [uv("run"), pip("python")]),
    ("uv run pytest", uv("run")),
    ("sudo uv run uv pip install x", [uv("run"), uv("install")]),
    ("echo uv run pip install x", None),
    ("sudo -H env FOO=1 nice -n 5 timeout 60 pip install x", pip()),
    ("doas -u app pip install x", pip()),
    ("sudo --preserve-env=PATH pip install x", pip()),
    ("sudo FOO=1 pip install x", pip()),
    ("sudo", None),
    ("env -C /src pip install x", pip()),
    ("env --unset=HOME pip install x", pip()),
    ("env", None),
    ("command -- pip install x", pip()),
    ("time -- pip install x", pip()),
    ("nohup -- pip install x", pip()),
    ("nohup", None),
    ("gosu app pip install x", pip()),
    ("runuser -u app -- pip install x", pip()),
    ("runuser -l -u app pip install x", pip()),
    ("runuser --user=app pip install x", pip()),
    ("setpriv --reuid=1000 --regid 1000 --init-groups pip install x", pip()),
    ("setpriv --reset-env --reuid app python -m pip install x", pip("python")),
    ("chroot /mnt pip install x", pip()),
    ("chroot --userspec=app:app /mnt pip install x", pip()),
    ("chroot /mnt", None),
    ("xargs -i pip install {}", pip()),  # -i's value is attached, if any
    ("xargs -l1 pip install", pip()),
    ("sudo -Eu app pip install x", pip()),
    ("sudo -uapp pip install x", pip()),
    ("su-exec app:app python -m pip install x", pip("python")),
    ("timeout 10", None),
    ("xargs --max-procs 4 pip install", pip()),
    ("find . -name r.txt -exec", None),
    ("conda -n env run pip install x", pip()),
    ("micromamba run -n base -- pip install x", pip()),
    ("mamba install -y pip", ("conda", "install", "mamba")),  # conda's call, not pip's
    ("pipenv run", None),
    ("pipenv install", ("pipenv", "install", "pipenv")),
    ("poetry run pip install x", pip()),
    ("uv run", None),
    ("pyenv exec pip install x", pip()),
    ("pyenv exec python -m pip install x", pip("python")),
    ("pyenv exec -- pip3 install x", pip("pip3")),
    ("pyenv install 3.12", None),
    ("scl enable rh-python38 -- pip install x", pip()),
    ("scl enable rh-python38 -- python3 -m pip install x", pip("python3")),
    ("%PYTHON% -m pip install x", pip("%PYTHON%")),
    ('"%PYTHON%" -m pip install x', pip('"%PYTHON%"')),
    ("%PYTHON% setup.py install", None),
    ("%PIP% install x", pip("%PIP%")),
    ('"%PIP3%" install x', pip('"%PIP3%"')),
    ("%VENV% install x", None),
    ("py -%PY_VERSION% -m pip install x", pip("py")),
    ("py -${V} -m pip install x", pip("py")),
    ("py -$V -m pip download x", pip("py", "download")),
    ("py -%V% setup.py install", None),
    ("py -${V}x -m pip install x", None),
]

UV_CASES = [
    ("uv pip install x", uv("install")),
    ("/usr/local/bin/uv pip install x", uv("install", "/usr/local/bin/uv")),
    ("uv -q pip install x", uv("install")),
    ("uv --cache-dir /c pip install x", uv("install")),
    ("uv --directory /app sync", uv("sync")),
    ("uv pip sync requirements.txt", uv("sync")),
    ("uv pip compile requirements.in", uv("compile")),
    ("uv sync --frozen", uv("sync")),
    ("uv tool install ruff", uv("install")),
    ("sudo uv pip install x", uv("install")),
    ("uv add flask", uv("add")),
    ("uv remove flask", uv("remove")),
    ("uv lock", uv("lock")),
    ("uv --directory /app lock --upgrade", uv("lock")),
    ("uv run app.py", uv("run")),
    ("uv build", uv("build")),
    ("uv venv --seed /opt/venv", uv("venv")),
    ("uv venv /opt/venv --seed", uv("venv")),
    ("uv tool run ruff check", uv("run")),
    ("uv tool upgrade ruff", uv("upgrade")),
    ("uvx ruff check", uv("uvx", "uvx")),
    ("/root/.local/bin/uvx --from httpie http", uv("/root/.local/bin/uvx", "/root/.local/bin/uvx")),
    ("python -m uv pip install x", uv("install", "python")),
    ("python3 -m uv sync", uv("sync", "python3")),
    ("uv venv", None),
    ("uv venv /opt/venv", None),
    ("uv pip list", None),
    ("uv pip freeze", None),
    ("uv pip uninstall x", None),
    ("uv export --frozen", None),
    ("uv tree", None),
    ("uv tool list", None),
    ("uv python install 3.12", None),
    ("uv cache clean", None),
    ("uv --version", None),
    ("uvx", None),
]


def call(tool: str, subcommand: str, program: str | None = None) -> tuple[str, str, str]:
    return tool, subcommand, program or tool


OTHER_INSTALLER_CASES = [
    ("pdm install", call("pdm", "install")),
    ("pdm -v -c pdm.toml sync", call("pdm", "sync")),
    ("python -m pdm lock", call("pdm", "lock", "python")),
    ("pdm list", None),
    ("pdm run pip install x", None),  # pdm run is no wrapper pipfix knows
    ("pdm --version", None),
    ("pipx inject app x", call("pipx", "inject")),
    ("pipx run --spec black==24 black .", call("pipx", "run")),
    ("pipx list", None),
    ("pipx reinstall-all", None),  # no --pip-args: it reuses the ones given at install
    ("python -m piptools sync r.txt", call("pip-tools", "sync", "python")),
    ("/opt/venv/bin/pip-sync r.txt", call("pip-tools", "/opt/venv/bin/pip-sync", "/opt/venv/bin/pip-sync")),
    ("python -m piptools compile r.in", None),
    ("pipenv --python 3.12 install --deploy", call("pipenv", "install")),
    ("pipenv sync", call("pipenv", "sync")),
    ("pipenv --clear", None),
    ("pipenv run pytest", None),
    ("poetry -C /app install --no-root", call("poetry", "install")),
    ("python -m poetry lock", call("poetry", "lock", "python")),
    ("poetry config virtualenvs.create false", None),
    ("poetry self add poetry-plugin-export", None),
    ("conda env create -f environment.yml", call("conda", "create")),
    ("mamba update --all -y", call("conda", "update", "mamba")),
    ("/opt/conda/bin/micromamba create -n env python", call("conda", "create", "/opt/conda/bin/micromamba")),
    ("micromamba -r /opt/conda install -y x", call("conda", "install", "micromamba")),
    ("conda install --download-only x", None),
    ("conda install --dry-run x", None),
    ("conda info", None),
    ("conda clean --all --yes", None),
    ("conda env list", None),
    ("conda config --add channels conda-forge", None),
]


def rows(cases):
    """(line, expected) tuples as params named by their line; pytest.param rows (e.g. an
    expected failure: marks=pytest.mark.xfail(reason="engine bug: …", strict=True)) as they are."""
    return [case if hasattr(case, "marks") else pytest.param(*case, id=case[0]) for case in cases]


@pytest.mark.parametrize(
    ("line", "expected"),
    rows(
        PIP_CASES
        + PIP_OPTION_CASES
        + DOUBLE_DASH_CASES
        + PYTHON_CASES
        + WRAPPER_CASES
        + UV_CASES
        + OTHER_INSTALLER_CASES
    ),
)
def test_find_invocation(line, expected):
    assert summary(line) == expected


# What the command line says about the cache: (the word that turns it off, the --cache-dir
# word or value that wins). pip's last option wins; after `--` nothing is an option; uv's
# --no-cache beats --cache-dir in any order.
CACHE_OPTION_CASES = [
    ("pip install x", (None, None)),
    ("pip install --no-cache-dir x", ("--no-cache-dir", None)),
    ("pip --no-cache-dir install x", ("--no-cache-dir", None)),
    ("pip install x --no-cache-dir", ("--no-cache-dir", None)),
    ("pip install --no-cache x", ("--no-cache", None)),
    ("pip install --no-cach x", ("--no-cach", None)),
    ("pip install --no-cache-dir --cache-dir /c x", (None, "/c")),
    ("pip install --cache-dir /c --no-cache-dir x", ("--no-cache-dir", None)),
    ("pip install --no-cache-dir --cache-dir=/c x", (None, "--cache-dir=/c")),
    ("pip install -- x --no-cache-dir", (None, None)),
    ("uv pip install -n x", ("-n", None)),
    ("uv --no-cache-dir sync", ("--no-cache-dir", None)),
    ("uv --cache-dir /c sync", (None, "/c")),
    ("uv sync --no-cache --cache-dir /c", ("--no-cache", None)),
    ("uv run --no-cache app", ("--no-cache", None)),
    ("uv run app --no-cache", (None, None)),  # app's option, not uv's
    ("uv run --with x -- app -n", (None, None)),
    ("uvx --no-cache ruff", ("--no-cache", None)),
    ("uvx ruff check --no-cache", (None, None)),
    ("uvx --from ruff==0.5 ruff check --no-cache", (None, None)),
    ("uv tool run -n ruff", ("-n", None)),
    ("pipx install --pip-args=--no-cache-dir x", ("--pip-args=--no-cache-dir", None)),
    ("pipx install --pip-args '--pre --no-cache-dir' x", ("'--pre --no-cache-dir'", None)),
    ("pipx install --pip-args=--no-cach x", ("--pip-args=--no-cach", None)),
    ("pipx install --pip-args=--pre x", (None, None)),
    ("pipx run --no-cache black", (None, None)),  # pipx's own: its cached environments
    ("pip-sync --pip-args '--no-cache-dir' r.txt", ("'--no-cache-dir'", None)),
]


@pytest.mark.parametrize(("line", "expected"), rows(CACHE_OPTION_CASES))
def test_cache_options(line, expected):
    found, _ = invocation(line)
    assert found is not None
    assert (
        found.no_cache.raw if found.no_cache else None,
        found.cache_dir.raw if found.cache_dir else None,
    ) == expected


# Whether the RUN's variables reach the call (they do not behind sudo without -E, or env -i).
ENV_REACHABLE_CASES = [
    ("pip install x", True),
    ("env FOO=1 pip install x", True),
    ("nice -n 5 pip install x", True),
    ("sudo pip install x", False),
    ("sudo -H -u app pip install x", False),
    ("sudo -E pip install x", True),
    ("sudo --preserve-env pip install x", True),
    ("env -i pip install x", False),
    ("env -i PATH=/bin uv sync", False),
]


@pytest.mark.parametrize(("line", "expected"), rows(ENV_REACHABLE_CASES))
def test_env_reachable(line, expected):
    found, _ = invocation(line)
    assert found is not None
    assert found.env_reachable is expected


# What the wrappers do to the call's environment: (RUN variables reach it, a `VAR=x ` prefix
# reaches it, variables the wrappers set, variables they remove).
WRAPPING_CASES = [
    ("pip install x", (True, True, {}, set())),
    ("sudo pip install x", (False, False, {}, set())),
    ("sudo -E FOO=1 pip install x", (True, False, {"FOO": "1"}, set())),
    ("doas pip install x", (False, False, {}, set())),
    ("env FOO=1 BAR=$X pip install x", (True, True, {"FOO": "1", "BAR": None}, set())),
    ("env -u A --unset=B pip install x", (True, False, {}, {"A", "B"})),
    ("env - pip install x", (False, False, {}, set())),
    ("time pip install x", (True, False, {}, set())),
    ("nice -n 5 env FOO=1 pip install x", (True, True, {"FOO": "1"}, set())),
    ("gosu app env -i pip install x", (False, False, {}, set())),
    ("conda run -n e pip install x", (True, True, {}, set())),
]


@pytest.mark.parametrize(("line", "expected"), rows(WRAPPING_CASES))
def test_wrapping(line, expected):
    found, _ = invocation(line)
    assert found is not None
    assert (found.env_reachable, found.env_prefixable, dict(found.wrapper_env), set(found.wrapper_unset)) == expected
