"""PIP001: pip calls that keep their cache. Rows: (before, after with the flag, after with env)."""

import pytest

from pipfix import Settings, Strategy, fix
from pipfix.rules.pip_keeps_cache import CODE
from tests.helpers import assert_fix, dockerfile

F = "FROM python:3.12"

FIX_CASES = [
    pytest.param(
        dockerfile(F, "RUN pip install flask"),
        dockerfile(F, "RUN pip install --no-cache-dir flask"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install flask"),
        id="plain pip install",
    ),
    pytest.param(
        dockerfile(F, "RUN pip3 install flask && pip3.12 download x && pip2 wheel y"),
        dockerfile(
            F,
            "RUN pip3 install --no-cache-dir flask && pip3.12 download --no-cache-dir x && pip2 wheel --no-cache-dir y",
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 pip3 install flask && PIP_NO_CACHE_DIR=1 pip3.12 download x && PIP_NO_CACHE_DIR=1 pip2 wheel y",
        ),
        id="every pip of a RUN, install download wheel",
    ),
    pytest.param(
        dockerfile(F, "RUN /opt/venv/bin/pip install -r requirements.txt"),
        dockerfile(F, "RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 /opt/venv/bin/pip install -r requirements.txt"),
        id="pip under a path",
    ),
    pytest.param(
        dockerfile(F, 'RUN "pip" install x'),
        dockerfile(F, 'RUN "pip" install --no-cache-dir x'),
        dockerfile(F, 'RUN PIP_NO_CACHE_DIR=1 "pip" install x'),
        id="quoted pip",
    ),
    pytest.param(
        dockerfile(F, "RUN pip -q --timeout 60 --proxy http://p:3128 install x"),
        dockerfile(F, "RUN pip -q --timeout 60 --proxy http://p:3128 install --no-cache-dir x"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip -q --timeout 60 --proxy http://p:3128 install x"),
        id="general options with values before the subcommand",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install \\", "    flask \\", "    gunicorn"),
        dockerfile(F, "RUN pip install --no-cache-dir \\", "    flask \\", "    gunicorn"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install \\", "    flask \\", "    gunicorn"),
        id="continuation right after install",
    ),
    pytest.param(
        dockerfile(F, "RUN apt-get update \\", "    # the deps", "", "    && pip install \\", "    x"),
        dockerfile(F, "RUN apt-get update \\", "    # the deps", "", "    && pip install --no-cache-dir \\", "    x"),
        dockerfile(
            F, "RUN apt-get update \\", "    # the deps", "", "    && PIP_NO_CACHE_DIR=1 pip install \\", "    x"
        ),
        id="comment and empty line inside the continuation",
    ),
    pytest.param(
        dockerfile(F, "RUN python -m pip install --upgrade pip"),
        dockerfile(F, "RUN python -m pip install --no-cache-dir --upgrade pip"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 python -m pip install --upgrade pip"),
        id="python -m pip",
    ),
    pytest.param(
        dockerfile(F, "RUN python3.12 -u -I -m pip -q install x && pypy3 -mpip install y && py -3.11 -m pip install z"),
        dockerfile(
            F,
            "RUN python3.12 -u -I -m pip -q install --no-cache-dir x && pypy3 -mpip install --no-cache-dir y && py -3.11 -m pip install --no-cache-dir z",
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 python3.12 -u -I -m pip -q install x && PIP_NO_CACHE_DIR=1 pypy3 -mpip install y && PIP_NO_CACHE_DIR=1 py -3.11 -m pip install z",
        ),
        id="interpreters and their options",
    ),
    pytest.param(
        dockerfile(F, 'RUN "$PYTHON" -m pip install x && ${PYTHON:-python3} -m pip install y'),
        dockerfile(
            F, 'RUN "$PYTHON" -m pip install --no-cache-dir x && ${PYTHON:-python3} -m pip install --no-cache-dir y'
        ),
        dockerfile(
            F,
            'RUN PIP_NO_CACHE_DIR=1 "$PYTHON" -m pip install x && PIP_NO_CACHE_DIR=1 ${PYTHON:-python3} -m pip install y',
        ),
        id="python as a variable",
    ),
    pytest.param(
        dockerfile(F, "RUN $VENV/bin/pip install x && $PIP install y"),
        dockerfile(F, "RUN $VENV/bin/pip install --no-cache-dir x && $PIP install --no-cache-dir y"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 $VENV/bin/pip install x && PIP_NO_CACHE_DIR=1 $PIP install y"),
        id="pip behind a variable",
    ),
    pytest.param(
        dockerfile(F, "RUN sudo -H -u app pip install x"),
        dockerfile(F, "RUN sudo -H -u app pip install --no-cache-dir x"),
        dockerfile(F, "RUN sudo -H -u app pip install --no-cache-dir x"),
        id="sudo: a variable cannot reach pip, the flag is used",
    ),
    pytest.param(
        dockerfile(F, "RUN env -i PATH=/usr/bin pip install x"),
        dockerfile(F, "RUN env -i PATH=/usr/bin pip install --no-cache-dir x"),
        dockerfile(F, "RUN env -i PATH=/usr/bin pip install --no-cache-dir x"),
        id="env -i: the flag is used",
    ),
    pytest.param(
        dockerfile(F, "RUN env FOO=1 pip install x"),
        dockerfile(F, "RUN env FOO=1 pip install --no-cache-dir x"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 env FOO=1 pip install x"),
        id="env with assignments",
    ),
    pytest.param(
        dockerfile(F, "RUN exec pip install x; command pip install y; nice -n 5 nohup pip install z"),
        dockerfile(
            F,
            "RUN exec pip install --no-cache-dir x; command pip install --no-cache-dir y; nice -n 5 nohup pip install --no-cache-dir z",
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 exec pip install x; PIP_NO_CACHE_DIR=1 command pip install y; PIP_NO_CACHE_DIR=1 nice -n 5 nohup pip install z",
        ),
        id="exec command nice nohup",
    ),
    pytest.param(
        dockerfile(F, "RUN time pip install x"),
        dockerfile(F, "RUN time pip install --no-cache-dir x"),
        dockerfile(F, "RUN time pip install --no-cache-dir x"),
        id="time: a prefix would turn the keyword into a command, the flag is used",
    ),
    pytest.param(
        dockerfile(F, "RUN timeout 600 pip install x"),
        dockerfile(F, "RUN timeout 600 pip install --no-cache-dir x"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 timeout 600 pip install x"),
        id="timeout N",
    ),
    pytest.param(
        dockerfile(F, "RUN cat reqs.txt | xargs -n 1 pip install"),
        dockerfile(F, "RUN cat reqs.txt | xargs -n 1 pip install --no-cache-dir"),
        dockerfile(F, "RUN cat reqs.txt | PIP_NO_CACHE_DIR=1 xargs -n 1 pip install"),
        id="xargs",
    ),
    pytest.param(
        dockerfile(F, "RUN find /src -name requirements.txt -exec pip install -r {} +"),
        dockerfile(F, "RUN find /src -name requirements.txt -exec pip install --no-cache-dir -r {} +"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 find /src -name requirements.txt -exec pip install -r {} +"),
        id="find -exec",
    ),
    pytest.param(
        dockerfile(F, "RUN find . -exec | pip install x && doas pip install y"),
        dockerfile(F, "RUN find . -exec | pip install --no-cache-dir x && doas pip install --no-cache-dir y"),
        dockerfile(F, "RUN find . -exec | PIP_NO_CACHE_DIR=1 pip install x && doas pip install --no-cache-dir y"),
        id="find -exec without its command; doas resets the environment like sudo",
    ),
    pytest.param(
        dockerfile(F, "RUN micromamba run -n base pip install x && conda run -p /env python -m pip install y"),
        dockerfile(
            F,
            "RUN micromamba run -n base pip install --no-cache-dir x && conda run -p /env python -m pip install --no-cache-dir y",
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 micromamba run -n base pip install x && PIP_NO_CACHE_DIR=1 conda run -p /env python -m pip install y",
        ),
        id="conda micromamba run",
    ),
    pytest.param(
        dockerfile(F, "RUN pipenv run pip install x && poetry run pip install y && uv run pip install z"),
        dockerfile(
            F,
            "RUN pipenv run pip install --no-cache-dir x && poetry run pip install --no-cache-dir y && uv run --no-cache pip install --no-cache-dir z",
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 pipenv run pip install x && PIP_NO_CACHE_DIR=1 poetry run pip install y && UV_NO_CACHE=1 PIP_NO_CACHE_DIR=1 uv run pip install z",
        ),
        id="pipenv poetry uv run (uv run is a call of its own: PIP002)",
    ),
    pytest.param(
        dockerfile(F, "RUN if [ -f r.txt ]; then pip install -r r.txt; fi; for p in a b; do pip install $p; done"),
        dockerfile(
            F,
            "RUN if [ -f r.txt ]; then pip install --no-cache-dir -r r.txt; fi; for p in a b; do pip install --no-cache-dir $p; done",
        ),
        dockerfile(
            F,
            "RUN if [ -f r.txt ]; then PIP_NO_CACHE_DIR=1 pip install -r r.txt; fi; for p in a b; do PIP_NO_CACHE_DIR=1 pip install $p; done",
        ),
        id="if and for bodies",
    ),
    pytest.param(
        dockerfile(F, "RUN (cd /app && pip install .) || { echo fail; pip install x; } | tee log"),
        dockerfile(
            F, "RUN (cd /app && pip install --no-cache-dir .) || { echo fail; pip install --no-cache-dir x; } | tee log"
        ),
        dockerfile(
            F,
            "RUN (cd /app && PIP_NO_CACHE_DIR=1 pip install .) || { echo fail; PIP_NO_CACHE_DIR=1 pip install x; } | tee log",
        ),
        id="subshell brace group pipeline",
    ),
    pytest.param(
        dockerfile(F, 'RUN V="$(pip install x)"; echo `pip install y`'),
        dockerfile(F, 'RUN V="$(pip install --no-cache-dir x)"; echo `pip install --no-cache-dir y`'),
        dockerfile(F, 'RUN V="$(PIP_NO_CACHE_DIR=1 pip install x)"; echo `PIP_NO_CACHE_DIR=1 pip install y`'),
        id="command substitutions",
    ),
    pytest.param(
        dockerfile(F, "RUN bash -c 'pip install x' && sh -ec \"pip install y\""),
        dockerfile(F, "RUN bash -c 'pip install --no-cache-dir x' && sh -ec \"pip install --no-cache-dir y\""),
        dockerfile(F, "RUN bash -c 'PIP_NO_CACHE_DIR=1 pip install x' && sh -ec \"PIP_NO_CACHE_DIR=1 pip install y\""),
        id="sh -c and bash -c scripts",
    ),
    pytest.param(
        dockerfile(F, "RUN timeout 600 bash -c 'pip install x' && nice -n 5 sh -c 'pip install y'"),
        dockerfile(
            F,
            "RUN timeout 600 bash -c 'pip install --no-cache-dir x' && nice -n 5 sh -c 'pip install --no-cache-dir y'",
        ),
        dockerfile(
            F,
            "RUN timeout 600 bash -c 'PIP_NO_CACHE_DIR=1 pip install x' && nice -n 5 sh -c 'PIP_NO_CACHE_DIR=1 pip install y'",
        ),
        id="a shell script behind wrappers: one wrapper grammar for shells and pip",
    ),
    pytest.param(
        dockerfile(F, "RUN gosu app pip install --user x"),
        dockerfile(F, "RUN gosu app pip install --no-cache-dir --user x"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 gosu app pip install --user x"),
        id="gosu USER",
    ),
    pytest.param(
        dockerfile(F, "RUN runuser -u app -- pip install x && runuser app -c 'pip install y'"),
        dockerfile(
            F, "RUN runuser -u app -- pip install --no-cache-dir x && runuser app -c 'pip install --no-cache-dir y'"
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 runuser -u app -- pip install x && runuser app -c 'PIP_NO_CACHE_DIR=1 pip install y'",
        ),
        id="runuser, and its su form",
    ),
    pytest.param(
        dockerfile(F, "RUN setpriv --reuid=1000 --init-groups pip install x && chroot /mnt pip install y"),
        dockerfile(
            F,
            "RUN setpriv --reuid=1000 --init-groups pip install --no-cache-dir x && chroot /mnt pip install --no-cache-dir y",
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 setpriv --reuid=1000 --init-groups pip install x && PIP_NO_CACHE_DIR=1 chroot /mnt pip install y",
        ),
        id="setpriv and chroot keep the environment",
    ),
    pytest.param(
        dockerfile(F, "RUN setpriv --reset-env --reuid=1000 pip install x"),
        dockerfile(F, "RUN setpriv --reset-env --reuid=1000 pip install --no-cache-dir x"),
        dockerfile(F, "RUN setpriv --reset-env --reuid=1000 pip install --no-cache-dir x"),
        id="setpriv --reset-env: a variable cannot reach pip",
    ),
    pytest.param(
        dockerfile(F, "RUN cat r | xargs -i pip install {}"),
        dockerfile(F, "RUN cat r | xargs -i pip install --no-cache-dir {}"),
        dockerfile(F, "RUN cat r | PIP_NO_CACHE_DIR=1 xargs -i pip install {}"),
        id="xargs -i takes no next word",
    ),
    pytest.param(
        dockerfile(F, "RUN su app -c 'pip install --user x'"),
        dockerfile(F, "RUN su app -c 'pip install --no-cache-dir --user x'"),
        dockerfile(F, "RUN su app -c 'PIP_NO_CACHE_DIR=1 pip install --user x'"),
        id="su -c",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["pip", "install", "flask"]'),
        dockerfile(F, 'RUN ["pip", "install", "--no-cache-dir", "flask"]'),
        dockerfile(F, 'RUN ["pip", "install", "--no-cache-dir", "flask"]'),
        id="exec form, spaced",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["python","-m","pip","install","flask"]'),
        dockerfile(F, 'RUN ["python","-m","pip","install","--no-cache-dir","flask"]'),
        dockerfile(F, 'RUN ["python","-m","pip","install","--no-cache-dir","flask"]'),
        id="exec form, tight",
    ),
    pytest.param(
        dockerfile(F, 'RUN ["/bin/sh", "-c", "pip install flask"]'),
        dockerfile(F, 'RUN ["/bin/sh", "-c", "pip install --no-cache-dir flask"]'),
        dockerfile(F, 'RUN ["/bin/sh", "-c", "PIP_NO_CACHE_DIR=1 pip install flask"]'),
        id="exec form sh -c",
    ),
    pytest.param(
        dockerfile(F, "ONBUILD RUN pip install -r /app/requirements.txt"),
        dockerfile(F, "ONBUILD RUN pip install --no-cache-dir -r /app/requirements.txt"),
        dockerfile(F, "ONBUILD RUN PIP_NO_CACHE_DIR=1 pip install -r /app/requirements.txt"),
        id="ONBUILD RUN",
    ),
    pytest.param(
        dockerfile(F, "  run --network=host pip install x"),
        dockerfile(F, "  run --network=host pip install --no-cache-dir x"),
        dockerfile(F, "  run --network=host PIP_NO_CACHE_DIR=1 pip install x"),
        id="lower case keyword, leading whitespace, a flag",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install --cache-dir /tmp/c x"),
        dockerfile(F, "RUN pip install --cache-dir /tmp/c --no-cache-dir x"),
        dockerfile(F, "RUN pip install --cache-dir /tmp/c --no-cache-dir x"),
        id="--cache-dir after the subcommand: insert after its value",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install --no-cache-dir --cache-dir /tmp/c x"),
        dockerfile(F, "RUN pip install --no-cache-dir --cache-dir /tmp/c --no-cache-dir x"),
        dockerfile(F, "RUN pip install --no-cache-dir --cache-dir /tmp/c --no-cache-dir x"),
        id="--cache-dir after --no-cache-dir turns the cache back on",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pip install --cache-dir=/c x"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pip install --cache-dir=/c --no-cache-dir x"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pip install --cache-dir=/c --no-cache-dir x"),
        id="the command line --cache-dir beats the variable",
    ),
    pytest.param(
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install a && pip install b"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install a && pip install --no-cache-dir b"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install a && PIP_NO_CACHE_DIR=1 pip install b"),
        id="an inline prefix covers its own command only",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=", "RUN pip install x"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=", "RUN pip install --no-cache-dir x"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=", "RUN PIP_NO_CACHE_DIR=1 pip install x"),
        id="an empty value leaves the cache on",
    ),
    pytest.param(
        dockerfile("ARG PIP_NO_CACHE_DIR=1", F, "RUN pip install x"),
        dockerfile("ARG PIP_NO_CACHE_DIR=1", F, "RUN pip install --no-cache-dir x"),
        dockerfile("ARG PIP_NO_CACHE_DIR=1", F, "RUN PIP_NO_CACHE_DIR=1 pip install x"),
        id="an ARG before FROM is not seen by the stage",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install x", "ENV PIP_NO_CACHE_DIR=1"),
        dockerfile(F, "RUN pip install --no-cache-dir x", "ENV PIP_NO_CACHE_DIR=1"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install x", "ENV PIP_NO_CACHE_DIR=1"),
        id="an ENV after the RUN does not count",
    ),
    pytest.param(
        dockerfile("FROM python:3.12 AS a", "ENV PIP_NO_CACHE_DIR=1", "FROM python:3.12", "RUN pip install x"),
        dockerfile(
            "FROM python:3.12 AS a", "ENV PIP_NO_CACHE_DIR=1", "FROM python:3.12", "RUN pip install --no-cache-dir x"
        ),
        dockerfile(
            "FROM python:3.12 AS a",
            "ENV PIP_NO_CACHE_DIR=1",
            "FROM python:3.12",
            "RUN PIP_NO_CACHE_DIR=1 pip install x",
        ),
        id="stages from the same image share nothing",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN sudo pip install x"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN sudo pip install --no-cache-dir x"),
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN sudo pip install --no-cache-dir x"),
        id="sudo resets the environment",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip pip install x", "RUN pip install y"),
        dockerfile(
            F, "RUN --mount=type=cache,target=/root/.cache/pip pip install x", "RUN pip install --no-cache-dir y"
        ),
        dockerfile(
            F, "RUN --mount=type=cache,target=/root/.cache/pip pip install x", "RUN PIP_NO_CACHE_DIR=1 pip install y"
        ),
        id="a cache mount covers its own RUN only",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/uv pip install x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/uv pip install --no-cache-dir x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/uv PIP_NO_CACHE_DIR=1 pip install x"),
        id="a uv cache mount does not cover pip",
    ),
    pytest.param(
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/root/.cache/pip pip install x"),
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir x"),
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/root/.cache/pip PIP_NO_CACHE_DIR=1 pip install x"),
        id="after USER app the cache is in /home/app",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip gosu app pip install x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip gosu app pip install --no-cache-dir x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip PIP_NO_CACHE_DIR=1 gosu app pip install x"),
        id="gosu app: the cache is in /home/app, root's mount does not hold it",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip sudo -u app pip install x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip sudo -u app pip install --no-cache-dir x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip sudo -u app pip install --no-cache-dir x"),
        id="sudo -u app: the cache is in /home/app",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip sudo -EHu app pip install x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip sudo -EHu app pip install --no-cache-dir x"),
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip sudo -EHu app pip install --no-cache-dir x"),
        id="sudo with the user in a cluster of options",
    ),
    pytest.param(
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/home/app/.cache/pip sudo --user=root pip install x"),
        dockerfile(
            F,
            "USER app",
            "RUN --mount=type=cache,target=/home/app/.cache/pip sudo --user=root pip install --no-cache-dir x",
        ),
        dockerfile(
            F,
            "USER app",
            "RUN --mount=type=cache,target=/home/app/.cache/pip sudo --user=root pip install --no-cache-dir x",
        ),
        id="sudo back to root: the cache is in /root",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=bind,target=/root/.cache/pip pip install x"),
        dockerfile(F, "RUN --mount=type=bind,target=/root/.cache/pip pip install --no-cache-dir x"),
        dockerfile(F, "RUN --mount=type=bind,target=/root/.cache/pip PIP_NO_CACHE_DIR=1 pip install x"),
        id="a bind mount is not a cache mount",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "pip install x", "EOF"),
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "pip install --no-cache-dir x", "EOF"),
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "PIP_NO_CACHE_DIR=1 pip install x", "EOF"),
        id="heredoc body run by the shell",
    ),
    pytest.param(
        dockerfile(F, "RUN <<-'SCRIPT' bash", "\tpip install x", "\tSCRIPT", "RUN echo done"),
        dockerfile(F, "RUN <<-'SCRIPT' bash", "\tpip install --no-cache-dir x", "\tSCRIPT", "RUN echo done"),
        dockerfile(F, "RUN <<-'SCRIPT' bash", "\tPIP_NO_CACHE_DIR=1 pip install x", "\tSCRIPT", "RUN echo done"),
        id="heredoc fed to bash, tab-stripped, quoted delimiter",
    ),
    pytest.param(
        dockerfile(F, "RUN export PIP_NO_CACHE_DIR=1 && pip install a", "RUN pip install b"),
        dockerfile(F, "RUN export PIP_NO_CACHE_DIR=1 && pip install a", "RUN pip install --no-cache-dir b"),
        dockerfile(F, "RUN export PIP_NO_CACHE_DIR=1 && pip install a", "RUN PIP_NO_CACHE_DIR=1 pip install b"),
        id="export lasts for its RUN only",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install pip-tools && pip-compile && pip-sync"),
        dockerfile(F, "RUN pip install --no-cache-dir pip-tools && pip-compile && pip-sync --pip-args=--no-cache-dir"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install pip-tools && pip-compile && PIP_NO_CACHE_DIR=1 pip-sync"),
        id="pip-compile is not pip, pip-sync has a rule of its own (PIP007)",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install x \\", "  && pip uninstall -y y \\", "  && pip install z"),
        dockerfile(
            F, "RUN pip install --no-cache-dir x \\", "  && pip uninstall -y y \\", "  && pip install --no-cache-dir z"
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 pip install x \\",
            "  && pip uninstall -y y \\",
            "  && PIP_NO_CACHE_DIR=1 pip install z",
        ),
        id="uninstall in between is left alone",
    ),
    pytest.param(
        dockerfile(F, 'SHELL ["powershell", "-Command"]', "RUN pip install x; python -m pip install y"),
        dockerfile(
            F,
            'SHELL ["powershell", "-Command"]',
            "RUN pip install --no-cache-dir x; python -m pip install --no-cache-dir y",
        ),
        dockerfile(
            F,
            'SHELL ["powershell", "-Command"]',
            "RUN pip install --no-cache-dir x; python -m pip install --no-cache-dir y",
        ),
        id="PowerShell SHELL: split without the bash grammar, always the flag",
    ),
    pytest.param(
        dockerfile(F, 'SHELL ["cmd", "/S", "/C"]', "RUN C:/Python312/python.exe -m pip install x && pip install y"),
        dockerfile(
            F,
            'SHELL ["cmd", "/S", "/C"]',
            "RUN C:/Python312/python.exe -m pip install --no-cache-dir x && pip install --no-cache-dir y",
        ),
        dockerfile(
            F,
            'SHELL ["cmd", "/S", "/C"]',
            "RUN C:/Python312/python.exe -m pip install --no-cache-dir x && pip install --no-cache-dir y",
        ),
        id="cmd SHELL, python.exe by path",
    ),
    pytest.param(
        dockerfile(F, 'SHELL ["cmd", "/S", "/C"]', "RUN C:\\Python312\\python.exe -m pip install x"),
        dockerfile(F, 'SHELL ["cmd", "/S", "/C"]', "RUN C:\\Python312\\python.exe -m pip install --no-cache-dir x"),
        dockerfile(F, 'SHELL ["cmd", "/S", "/C"]', "RUN C:\\Python312\\python.exe -m pip install --no-cache-dir x"),
        id="cmd SHELL, a Windows path with backslashes",
    ),
    pytest.param(
        dockerfile(F, "ARG PIP_NO_CACHE_DIR", "RUN pip install x"),
        dockerfile(F, "ARG PIP_NO_CACHE_DIR", "RUN pip install --no-cache-dir x"),
        dockerfile(F, "ARG PIP_NO_CACHE_DIR", "RUN PIP_NO_CACHE_DIR=1 pip install x"),
        id="an ARG without a value sets nothing",
    ),
    pytest.param(
        dockerfile(
            F,
            "RUN (export PIP_NO_CACHE_DIR=1) && echo $(export PIP_NO_CACHE_DIR=1) \\",
            "    && f() { export PIP_NO_CACHE_DIR=1; } && pip install x",
        ),
        dockerfile(
            F,
            "RUN (export PIP_NO_CACHE_DIR=1) && echo $(export PIP_NO_CACHE_DIR=1) \\",
            "    && f() { export PIP_NO_CACHE_DIR=1; } && pip install --no-cache-dir x",
        ),
        dockerfile(
            F,
            "RUN (export PIP_NO_CACHE_DIR=1) && echo $(export PIP_NO_CACHE_DIR=1) \\",
            "    && f() { export PIP_NO_CACHE_DIR=1; } && PIP_NO_CACHE_DIR=1 pip install x",
        ),
        id="an export in a subshell, a substitution or a function never called does not reach a later call",
    ),
    pytest.param(
        dockerfile(F, "RUN pyenv exec pip install x && pyenv exec python -m pip install y"),
        dockerfile(
            F, "RUN pyenv exec pip install --no-cache-dir x && pyenv exec python -m pip install --no-cache-dir y"
        ),
        dockerfile(
            F,
            "RUN PIP_NO_CACHE_DIR=1 pyenv exec pip install x && PIP_NO_CACHE_DIR=1 pyenv exec python -m pip install y",
        ),
        id="pyenv exec",
    ),
    pytest.param(
        dockerfile(F, "RUN scl enable rh-python38 'pip install x' && scl enable rh-python38 -- pip install y"),
        dockerfile(
            F,
            "RUN scl enable rh-python38 'pip install --no-cache-dir x' && scl enable rh-python38 -- pip install --no-cache-dir y",
        ),
        dockerfile(
            F,
            "RUN scl enable rh-python38 'PIP_NO_CACHE_DIR=1 pip install x' && PIP_NO_CACHE_DIR=1 scl enable rh-python38 -- pip install y",
        ),
        id="scl enable: its script is run like sh -c, after -- its command",
    ),
    pytest.param(
        dockerfile(F, "RUN %PYTHON% -m pip install x && py -%V% -m pip install y && %PIP% install z"),
        dockerfile(
            F,
            "RUN %PYTHON% -m pip install --no-cache-dir x && py -%V% -m pip install --no-cache-dir y && %PIP% install --no-cache-dir z",
        ),
        dockerfile(
            F,
            "RUN %PYTHON% -m pip install --no-cache-dir x && py -%V% -m pip install --no-cache-dir y && %PIP% install --no-cache-dir z",
        ),
        id="cmd's variables without a SHELL (a Windows image's default shell is cmd): the flag, never a prefix",
    ),
    pytest.param(
        dockerfile(F, "RUN py -${PYTHON_VERSION} -m pip install git+https://h/a%20b%20c"),
        dockerfile(F, "RUN py -${PYTHON_VERSION} -m pip install --no-cache-dir git+https://h/a%20b%20c"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 py -${PYTHON_VERSION} -m pip install git+https://h/a%20b%20c"),
        id="the py launcher with a variable version; a URL's %20 is no cmd variable",
    ),
    pytest.param(
        dockerfile(F, 'SHELL ["cmd", "/S", "/C"]', "RUN %PYTHON% -m pip install x"),
        dockerfile(F, 'SHELL ["cmd", "/S", "/C"]', "RUN %PYTHON% -m pip install --no-cache-dir x"),
        dockerfile(F, 'SHELL ["cmd", "/S", "/C"]', "RUN %PYTHON% -m pip install --no-cache-dir x"),
        id="cmd SHELL, a variable as the interpreter",
    ),
    pytest.param(
        dockerfile(F, 'SHELL ["powershell", "-Command"]', "RUN & python -m pip install x; & pip install y"),
        dockerfile(
            F,
            'SHELL ["powershell", "-Command"]',
            "RUN & python -m pip install --no-cache-dir x; & pip install --no-cache-dir y",
        ),
        dockerfile(
            F,
            'SHELL ["powershell", "-Command"]',
            "RUN & python -m pip install --no-cache-dir x; & pip install --no-cache-dir y",
        ),
        id="PowerShell's call operator",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install x && rm -rf ~/.cache/pip && pip cache purge"),
        dockerfile(F, "RUN pip install --no-cache-dir x && rm -rf ~/.cache/pip && pip cache purge"),
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install x && rm -rf ~/.cache/pip && pip cache purge"),
        id="a later clean-up of the cache is no read of it",
    ),
    pytest.param(
        dockerfile(F, "RUN ls /root/.cache/pip; pip install x && pip install --cache-dir /root/.cache/pip y"),
        dockerfile(
            F,
            "RUN ls /root/.cache/pip; pip install --no-cache-dir x && pip install --cache-dir /root/.cache/pip --no-cache-dir y",
        ),
        dockerfile(
            F,
            "RUN ls /root/.cache/pip; PIP_NO_CACHE_DIR=1 pip install x && pip install --cache-dir /root/.cache/pip --no-cache-dir y",
        ),
        id="a read before the call, and a later call's own --cache-dir, are no reads after it",
    ),
    pytest.param(
        dockerfile(F, "USER app", "RUN pip install --user x && cp -r /root/.cache/pip/wheels /w"),
        dockerfile(F, "USER app", "RUN pip install --no-cache-dir --user x && cp -r /root/.cache/pip/wheels /w"),
        dockerfile(F, "USER app", "RUN PIP_NO_CACHE_DIR=1 pip install --user x && cp -r /root/.cache/pip/wheels /w"),
        id="a later read of another user's cache",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install x && cp -r ~/.cache/pip/wheels /w", "RUN pip install y"),
        dockerfile(F, "RUN pip install x && cp -r ~/.cache/pip/wheels /w", "RUN pip install --no-cache-dir y"),
        dockerfile(F, "RUN pip install x && cp -r ~/.cache/pip/wheels /w", "RUN PIP_NO_CACHE_DIR=1 pip install y"),
        id="a read of the cache keeps its own RUN's calls only",
    ),
]

NOOP_CASES = [
    pytest.param(dockerfile(F, "RUN pip install --no-cache-dir flask"), id="flag after the subcommand"),
    pytest.param(dockerfile(F, "RUN pip --no-cache-dir install flask"), id="flag before the subcommand"),
    pytest.param(dockerfile(F, "RUN pip install flask --no-cache-dir"), id="flag after the packages"),
    pytest.param(
        dockerfile(F, "RUN pip install \\", "    flask \\", "    --no-cache-dir"),
        id="flag on another continuation line",
    ),
    pytest.param(dockerfile(F, "RUN pip install --no-cache flask"), id="abbreviation --no-cache"),
    pytest.param(
        dockerfile(F, "RUN pip install --cache-dir /c --no-cache-dir x"), id="--no-cache-dir after --cache-dir"
    ),
    pytest.param(
        dockerfile(F, "RUN pip uninstall -y x && pip freeze && pip list && pip show x"), id="commands without a cache"
    ),
    pytest.param(
        dockerfile(F, "RUN pip config list && pip cache purge && pip check && pip --version"),
        id="more commands without a cache",
    ),
    pytest.param(
        dockerfile(F, "RUN pip-compile r.in && pipx list && pipenv --version && poetry --version"),
        id="other installers' commands that download nothing",
    ),
    pytest.param(dockerfile(F, "RUN echo pip install x && apt-get install -y python3-pip"), id="pip as an argument"),
    pytest.param(dockerfile(F, "# pip install x", "RUN true"), id="comment"),
    pytest.param(
        dockerfile(F, 'CMD ["pip", "install", "x"]', "ENTRYPOINT pip install x", 'LABEL a="pip install x"'),
        id="CMD ENTRYPOINT LABEL",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "COPY <<EOF /app/setup.sh", "pip install x", "EOF"),
        id="COPY heredoc",
    ),
    pytest.param(
        dockerfile(
            "# syntax=docker/dockerfile:1",
            F,
            "RUN <<EOF python3",
            "import subprocess",
            "subprocess.run(['pip', 'install', 'x'])",
            "EOF",
        ),
        id="heredoc fed to python",
    ),
    pytest.param(dockerfile(F, "RUN cat > /s.sh <<EOF", "pip install x", "EOF"), id="heredoc written to a file"),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR=1", "RUN pip install x"), id="ENV"),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR 1", "RUN pip install x"), id="legacy ENV"),
    pytest.param(
        dockerfile(F, "ENV A=1 PIP_NO_CACHE_DIR=off \\", "    B=2", "RUN pip install x"),
        id="ENV with several pairs, continued",
    ),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR=0", "RUN pip install x"), id="0 turns the cache off too"),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR=false", "RUN pip install x"), id="false turns the cache off too"),
    pytest.param(dockerfile(F, "ARG PIP_NO_CACHE_DIR=1", "RUN pip install x"), id="ARG with a value"),
    pytest.param(
        dockerfile("ARG PIP_NO_CACHE_DIR=1", F, "ARG PIP_NO_CACHE_DIR", "RUN pip install x"),
        id="global ARG declared again",
    ),
    pytest.param(
        dockerfile("FROM python:3.12 AS base", "ENV PIP_NO_CACHE_DIR=1", "FROM base", "RUN pip install x"),
        id="inherited from the stage by name",
    ),
    pytest.param(
        dockerfile("FROM python:3.12", "ENV PIP_NO_CACHE_DIR=1", "FROM 0", "RUN pip install x"),
        id="inherited from the stage by index",
    ),
    pytest.param(dockerfile(F, "RUN PIP_NO_CACHE_DIR=1 pip install x"), id="inline prefix"),
    pytest.param(dockerfile(F, "RUN export PIP_NO_CACHE_DIR=1; pip install x"), id="export earlier in the RUN"),
    pytest.param(dockerfile(F, "RUN env PIP_NO_CACHE_DIR=1 pip install x"), id="env VAR=1 wrapper"),
    pytest.param(dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip pip install x"), id="cache mount"),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache pip install x"), id="cache mount on a parent"
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip sudo -E pip install x"),
        id="sudo runs as root: root's mount holds it",
    ),
    pytest.param(
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/home/app/.cache/pip gosu app pip install x"),
        id="gosu app: a mount on app's cache",
    ),
    pytest.param(dockerfile(F, "RUN --mount=type=tmpfs,target=/root/.cache pip install x"), id="tmpfs mount"),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,id=pip,sharing=locked,target=/root/.cache/pip \\", "    pip install x"),
        id="cache mount with more options",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_CACHE_DIR=/var/cache/pip", "RUN --mount=type=cache,target=/var/cache/pip pip install x"),
        id="cache mount on PIP_CACHE_DIR",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/c pip install --cache-dir /c x"), id="cache mount on --cache-dir"
    ),
    pytest.param(
        dockerfile(F, "USER app", "RUN --mount=type=cache,target=/home/app/.cache/pip pip install x"),
        id="cache mount in the user's home",
    ),
    pytest.param(dockerfile(F, "# pipfix: ignore", "RUN pip install x"), id="pipfix ignore"),
    pytest.param(dockerfile(F, "# pipfix: skip-file", "RUN pip install x"), id="pipfix skip-file"),
    pytest.param(dockerfile(F, "# hadolint ignore=DL3008,DL3042", "RUN pip install x"), id="hadolint ignore in a list"),
    pytest.param(dockerfile("# hadolint global ignore=DL3042", F, "RUN pip install x"), id="hadolint global ignore"),
    pytest.param(dockerfile(F, "RUN command -v pip && which pip"), id="command -v is a lookup"),
    pytest.param(
        dockerfile(F, "RUN f() { export PIP_NO_CACHE_DIR=1; } && f && pip install x"),
        id="an export in a function reaches the calls after the function's call",
    ),
    pytest.param(
        dockerfile(F, "RUN { export PIP_NO_CACHE_DIR=1; } && if true; then pip install x; fi"),
        id="a brace group is no subshell",
    ),
    pytest.param(
        dockerfile(F, "RUN (export PIP_NO_CACHE_DIR=1; pip install x)"), id="an export inside the same subshell"
    ),
    pytest.param(dockerfile(F, "RUN pyenv install 3.12 && pyenv global 3.12"), id="pyenv without exec"),
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


# A RUN that reads pip's cache after a call needs the cache: the call is reported, not fixed.
# Rows: (before, how the message shows the command that reads it).
READ_LATER_CASES = [
    pytest.param(
        dockerfile(F, "RUN pip wheel x && cp /root/.cache/pip/wheels/*/x*.whl /wheels/"),
        "cp /root/.cache/pip/wheels/*/x*.whl",
        id="cp out of the cache",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install x \\", "  && find ~/.cache/pip -name '*.whl' -exec cp {} /w \\;"),
        "find ~/.cache/pip",
        id="find in the cache under ~",
    ),
    pytest.param(
        dockerfile(F, 'RUN pip install x && du -sh "$HOME/.cache/pip"'),
        'du -sh "$HOME/.cache/pip"',
        id="$HOME",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install x && ls //root/./.cache/pip/"),
        "ls //root/./.cache/pip/",
        id="a path written otherwise",
    ),
    pytest.param(dockerfile(F, "RUN pip install x && pip cache list"), "pip cache list", id="pip cache list"),
    pytest.param(
        dockerfile(F, "RUN pip install x && cp -r $(python -m pip cache dir)/wheels /w"),
        "python -m pip cache dir",
        id="pip cache dir in a substitution",
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_CACHE_DIR=/wheels-cache", "RUN pip install x && tar -cf /w.tar /wheels-cache/wheels"),
        "tar … /wheels-cache/wheels",
        id="PIP_CACHE_DIR",
    ),
    pytest.param(
        dockerfile(F, "RUN pip install --cache-dir /c x && ls /c/wheels"),
        "ls /c/wheels",
        id="the --cache-dir of the call",
    ),
    pytest.param(
        dockerfile(F, 'RUN pip install x && test -w "${PIP_CACHE_DIR}"'),
        'test -w "${PIP_CACHE_DIR}"',
        id="a test of PIP_CACHE_DIR",
    ),
    pytest.param(
        dockerfile(F, "RUN if true; then pip install x; else pip install y && sudo ls /root/.cache/pip; fi"),
        "sudo ls /root/.cache/pip",
        id="in another branch, behind sudo",
    ),
]


@pytest.mark.parametrize(("before", "reader"), READ_LATER_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_a_later_read_of_the_cache_is_reported_without_a_fix(before, reader, strategy):
    assert_fix(before, before, strategy)
    findings = fix(before, Settings(strategy=strategy)).findings
    assert findings and all(f.code == CODE and f.fix is None for f in findings)
    assert all(f"; not fixed: `{reader}` reads the cache later in this RUN" in f.message for f in findings)
