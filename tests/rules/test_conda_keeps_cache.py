"""PIP010: conda, mamba and micromamba calls that keep their package cache. Rows: (before, after),
the same in both strategies: the fix is a clean-up appended at the end of the RUN's script, so
that it runs after everything else and keeps the RUN's exit status.
"""

import pytest

from pipfix import Strategy, fix
from tests.helpers import assert_findings, assert_fix, dockerfile

F = "FROM continuumio/miniconda3"
CLEAN = " && conda clean --all --yes"

FIX_CASES = [
    pytest.param(
        dockerfile(F, "RUN conda install -y numpy"),
        dockerfile(F, f"RUN conda install -y numpy{CLEAN}"),
        id="conda install",
    ),
    pytest.param(
        dockerfile(F, "RUN /opt/conda/bin/conda install -y numpy"),
        dockerfile(F, "RUN /opt/conda/bin/conda install -y numpy && /opt/conda/bin/conda clean --all --yes"),
        id="the call's own program word, path included",
    ),
    pytest.param(
        dockerfile(F, "RUN mamba create -n env python && micromamba install -y -f env.yaml"),
        dockerfile(
            F,
            "RUN mamba create -n env python && micromamba install -y -f env.yaml"
            " && mamba clean --all --yes && micromamba clean --all --yes",
        ),
        id="mamba and micromamba",
    ),
    pytest.param(
        dockerfile(F, "RUN conda env create -f environment.yml && conda env update -f extra.yml"),
        dockerfile(F, f"RUN conda env create -f environment.yml && conda env update -f extra.yml{CLEAN}"),
        id="two calls, one clean-up",
    ),
    pytest.param(
        dockerfile(F, "RUN conda update -y conda && conda upgrade --all -y"),
        dockerfile(F, f"RUN conda update -y conda && conda upgrade --all -y{CLEAN}"),
        id="update, upgrade",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install -y x; echo done"),
        dockerfile(F, f"RUN conda install -y x; echo done{CLEAN}"),
        id="after the whole script",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install -y x || true"),
        dockerfile(F, f"RUN conda install -y x || true{CLEAN}"),
        id="after an ||",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install -y x;"),
        dockerfile(F, f"RUN conda install -y x{CLEAN};"),
        id="before a final ;",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install -y x  # the science stack"),
        dockerfile(F, f"RUN conda install -y x{CLEAN}  # the science stack"),
        id="before a trailing comment",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install -y x \\", "    && echo y \\", "    # a comment line ends it", ""),
        dockerfile(F, "RUN conda install -y x \\", f"    && echo y{CLEAN} \\", "    # a comment line ends it", ""),
        id="continuation ending in a comment line",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install -y x \\", ""),
        dockerfile(F, f"RUN conda install -y x{CLEAN} \\", ""),
        id="a script ending in a continuation",
    ),
    pytest.param(
        dockerfile(F, "RUN if [ -f env.yml ]; then conda env update -f env.yml; fi \\", "    && rm -rf /tmp/env"),
        dockerfile(
            F, "RUN if [ -f env.yml ]; then conda env update -f env.yml; fi \\", f"    && rm -rf /tmp/env{CLEAN}"
        ),
        id="inside an if, appended after it all",
    ),
    pytest.param(
        dockerfile(F, "ENV CONDA_DIR=/opt/conda", "RUN $CONDA_DIR/bin/mamba install -y x"),
        dockerfile(
            F,
            "ENV CONDA_DIR=/opt/conda",
            "RUN $CONDA_DIR/bin/mamba install -y x && $CONDA_DIR/bin/mamba clean --all --yes",
        ),
        id="a program word with the stage's variable",
    ),
    pytest.param(
        dockerfile(F, "RUN conda clean -afy && conda install -y x"),
        dockerfile(F, f"RUN conda clean -afy && conda install -y x{CLEAN}"),
        id="a clean-up before the call does not count",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install -y x && conda clean --index-cache --yes"),
        dockerfile(F, f"RUN conda install -y x && conda clean --index-cache --yes{CLEAN}"),
        id="a clean-up without --all does not count",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install -y x", "RUN conda clean --all --yes"),
        dockerfile(F, f"RUN conda install -y x{CLEAN}", "RUN conda clean --all --yes"),
        id="a clean-up in a later RUN saves nothing",
    ),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/root/.cache/pip conda install -y x"),
        dockerfile(F, f"RUN --mount=type=cache,target=/root/.cache/pip conda install -y x{CLEAN}"),
        id="a mount elsewhere does not cover pkgs",
    ),
    pytest.param(
        dockerfile(F, "RUN sh -c 'conda install -y x' && echo ok"),
        dockerfile(F, f"RUN sh -c 'conda install -y x' && echo ok{CLEAN}"),
        id="a call inside sh -c",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "conda install -y x", "EOF"),
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", f"conda install -y x{CLEAN}", "EOF"),
        id="heredoc: the body is the script",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -eux", "conda install -y x", "EOF"),
        dockerfile(
            "# syntax=docker/dockerfile:1",
            F,
            "RUN <<EOF",
            "set -eux",
            "conda install -y x",
            "conda clean --all --yes",
            "EOF",
        ),
        id="heredoc under set -e: a line of its own",
    ),
    pytest.param(
        dockerfile(
            "# syntax=docker/dockerfile:1",
            F,
            "RUN <<EOF",
            "set -o errexit",
            "  conda install -y x",
            "  echo ok",
            "EOF",
            "RUN true",
        ),
        dockerfile(
            "# syntax=docker/dockerfile:1",
            F,
            "RUN <<EOF",
            "set -o errexit",
            "  conda install -y x",
            "  echo ok",
            "  conda clean --all --yes",
            "EOF",
            "RUN true",
        ),
        id="heredoc under set -o errexit: the last line's indentation, lines after it move",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<-EOF", "\tset -e", "\tmamba install -y x", "\tEOF"),
        dockerfile(
            "# syntax=docker/dockerfile:1",
            F,
            "RUN <<-EOF",
            "\tset -e",
            "\tmamba install -y x",
            "\tmamba clean --all --yes",
            "\tEOF",
        ),
        id="tab-stripped heredoc under set -e",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "#!/bin/bash -ex", "conda install -y x", "EOF"),
        dockerfile(
            "# syntax=docker/dockerfile:1",
            F,
            "RUN <<EOF",
            "#!/bin/bash -ex",
            "conda install -y x",
            "conda clean --all --yes",
            "EOF",
        ),
        id="heredoc with a shebang's -e",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "set +e", "conda install -y x", "EOF"),
        dockerfile(
            "# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "set +e", f"conda install -y x{CLEAN}", "EOF"
        ),
        id="heredoc where set +e undoes set -e: a new line would hide a failure",
    ),
    pytest.param(
        dockerfile("# syntax=docker/dockerfile:1", F, "RUN bash <<EOF", "conda install -y x", "EOF"),
        dockerfile("# syntax=docker/dockerfile:1", F, f"RUN bash <<EOF{CLEAN}", "conda install -y x", "EOF"),
        id="heredoc fed to bash: after its marker",
    ),
    pytest.param(
        dockerfile(
            "# syntax=docker/dockerfile:1", F, "RUN conda install -y x && cat <<EOF > /etc/motd", "hello", "EOF"
        ),
        dockerfile(
            "# syntax=docker/dockerfile:1", F, f"RUN conda install -y x && cat <<EOF > /etc/motd{CLEAN}", "hello", "EOF"
        ),
        id="a heredoc of data: after the line",
    ),
    pytest.param(
        dockerfile(F, "ONBUILD RUN conda install -y x"),
        dockerfile(F, f"ONBUILD RUN conda install -y x{CLEAN}"),
        id="ONBUILD",
    ),
]

NOOP_CASES = [
    pytest.param(dockerfile(F, "RUN conda install -y x && conda clean -afy"), id="clean -afy"),
    pytest.param(dockerfile(F, "RUN conda install -y x && conda clean -a -y"), id="clean -a -y"),
    pytest.param(dockerfile(F, "RUN conda install -y x && conda clean -ya"), id="clean -ya"),
    pytest.param(dockerfile(F, "RUN conda install -y x && conda clean -y --all"), id="clean -y --all"),
    pytest.param(dockerfile(F, "RUN conda install -y x && conda clean -ay; rm -f /tmp/x.sh"), id="clean, then more"),
    pytest.param(dockerfile(F, "RUN mamba install -y x && conda clean --all --yes"), id="any of the family cleans"),
    pytest.param(
        dockerfile(F, "RUN conda install -y x \\", "    && /opt/conda/bin/conda clean --all --yes --quiet"),
        id="clean under a path",
    ),
    pytest.param(dockerfile(F, "RUN /opt/conda/bin/conda install -y x && rm -rf /opt/conda/pkgs/*"), id="pkgs removed"),
    pytest.param(
        dockerfile(F, "RUN --mount=type=cache,target=/opt/conda/pkgs conda install -y x"), id="cache mount on pkgs"
    ),
    pytest.param(
        dockerfile(
            F, "ENV CONDA_PKGS_DIRS=/pkgs,/opt/conda/pkgs", "RUN --mount=type=cache,target=/pkgs conda install -y x"
        ),
        id="cache mount on CONDA_PKGS_DIRS",
    ),
    pytest.param(
        dockerfile(
            F,
            "ENV MAMBA_ROOT_PREFIX=/opt/mamba",
            "RUN --mount=type=cache,target=/opt/mamba/pkgs micromamba install -y x",
        ),
        id="cache mount on MAMBA_ROOT_PREFIX/pkgs",
    ),
    pytest.param(
        dockerfile(F, "RUN conda install --download-only -y x"), id="--download-only keeps the packages on purpose"
    ),
    pytest.param(dockerfile(F, "RUN conda install --dry-run x"), id="--dry-run"),
    pytest.param(
        dockerfile(F, "RUN conda info && conda config --add channels conda-forge && conda env list && conda --version"),
        id="commands that download nothing",
    ),
    pytest.param(dockerfile(F, "RUN conda run -n env python train.py && conda init bash"), id="conda run, conda init"),
    pytest.param(dockerfile(F, "RUN echo conda install x"), id="conda as an argument"),
]


@pytest.mark.parametrize(("before", "after"), FIX_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_fix(before, after, strategy):
    assert_fix(before, after, strategy)


@pytest.mark.parametrize("before", NOOP_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_unchanged(before, strategy):
    assert_fix(before, before, strategy)


def test_a_clean_up_goes_after_a_flag_at_the_same_place():
    before = dockerfile(F, "RUN conda install -y uv && uv sync")
    assert_fix(before, dockerfile(F, f"RUN conda install -y uv && uv sync --no-cache{CLEAN}"), Strategy.FLAG)
    assert_fix(before, dockerfile(F, f"RUN conda install -y uv && UV_NO_CACHE=1 uv sync{CLEAN}"), Strategy.ENV)


REPORTED_WITHOUT_A_FIX = [
    pytest.param(
        dockerfile(F, 'RUN ["conda", "install", "-y", "x"]'),
        [("PIP010", 2, 6)],
        id="exec form: no shell to clean up in",
    ),
    pytest.param(dockerfile(F, "RUN conda install -y x &"), [("PIP010", 2, 5)], id="a background job"),
    pytest.param(dockerfile(F, "RUN conda install -y x; exit 0"), [("PIP010", 2, 5)], id="the script exits"),
    pytest.param(
        dockerfile(F, "RUN sudo conda install -y x"), [("PIP010", 2, 10)], id="behind sudo: another user's cache"
    ),
    pytest.param(
        dockerfile(F, "RUN python -m conda install -y x"), [("PIP010", 2, 5)], id="python -m conda: no program word"
    ),
    pytest.param(
        dockerfile(F, "RUN export C=/opt/conda/bin/conda; $C install -y x"),
        [("PIP010", 2, 36)],
        id="a program word from the RUN's own variable",
    ),
    pytest.param(
        dockerfile(F, 'SHELL ["pwsh", "-Command"]', "RUN conda install -y x"), [("PIP010", 3, 5)], id="PowerShell"
    ),
]


@pytest.mark.parametrize(("text", "expected"), REPORTED_WITHOUT_A_FIX)
def test_reported_without_a_fix(text, expected):
    assert_findings(text, expected)
    assert "; not fixed: " in fix(text).findings[0].message  # and the finding says why
