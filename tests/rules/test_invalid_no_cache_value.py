"""PIP003: a PIP_NO_CACHE_DIR value pip rejects (advisory, never fixed).

pip reads the variable with strtobool: `1 0 true false on off yes no y n t f` in any case are
valid (and every one of them turns the cache off), an empty value is ignored, anything else
(`10`, `bogus`, `" 1"`) makes pip abort. Rows: (Dockerfile, expected [(code, line, column)]).
"""

import pytest

from tests.helpers import assert_findings, dockerfile

F = "FROM python:3.12"


FINDING_CASES = [
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR=10"), [("PIP003", 2, 5)], id="ENV 10"),
    pytest.param(dockerfile(F, "ARG PIP_NO_CACHE_DIR=bogus"), [("PIP003", 2, 5)], id="ARG bogus"),
    pytest.param(dockerfile(F, 'ENV PIP_NO_CACHE_DIR=" 1"'), [("PIP003", 2, 5)], id="a quoted leading space"),
    pytest.param(dockerfile(F, 'ENV PIP_NO_CACHE_DIR="1 "'), [("PIP003", 2, 5)], id="a quoted trailing space"),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR 1 0"), [("PIP003", 2, 5)], id="legacy ENV, value with a space"),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=2 PIP_NO_CACHE_DIR=3"),
        [("PIP003", 2, 5), ("PIP003", 2, 24)],
        id="two settings in one ENV",
    ),
    pytest.param(
        dockerfile(F, "ENV A=1 \\", "    PIP_NO_CACHE_DIR=nope"),
        [("PIP003", 3, 5)],
        id="ENV pair on a continuation line",
    ),
    pytest.param(dockerfile(F, "\tenv PIP_NO_CACHE_DIR=2"), [("PIP003", 2, 6)], id="lower-case keyword after a tab"),
    pytest.param(
        dockerfile(F, "ARG X=bogus", "ENV PIP_NO_CACHE_DIR=$X"), [("PIP003", 3, 5)], id="ENV value from an ARG"
    ),
    pytest.param(
        dockerfile(F, "ENV PIP_NO_CACHE_DIR=10", "RUN pip install x"),
        [("PIP003", 2, 5)],
        id="pip aborts: reported, the call is not fixed",
    ),
    pytest.param(
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=10 pip install x && pip install y"),
        [("PIP003", 2, 5), ("PIP001", 2, 42)],
        id="inline prefix: its call aborts, the next one is fixed",
    ),
    pytest.param(
        dockerfile(F, "RUN sh -c 'PIP_NO_CACHE_DIR=on2 pip install x'"), [("PIP003", 2, 12)], id="inline inside sh -c"
    ),
    pytest.param(
        dockerfile(
            "# syntax=docker/dockerfile:1", F, "RUN <<EOF", "set -e", "PIP_NO_CACHE_DIR=yes! pip install x", "EOF"
        ),
        [("PIP003", 5, 1)],
        id="inline inside a heredoc body",
    ),
    pytest.param(
        dockerfile(F, "RUN export PIP_NO_CACHE_DIR=10 && pip install x"),
        [("PIP003", 2, 12)],
        id="export",
    ),
    pytest.param(
        dockerfile(F, "RUN env PIP_NO_CACHE_DIR=10 pip install x"),
        [("PIP003", 2, 9)],
        id="env wrapper",
    ),
    pytest.param(
        dockerfile(F, "RUN declare -x PIP_NO_CACHE_DIR=10; pip install x"), [("PIP003", 2, 16)], id="declare -x"
    ),
    pytest.param(
        dockerfile(F, "RUN sudo PIP_NO_CACHE_DIR=10 pip install x"),
        [("PIP003", 2, 10)],
        id="sudo VAR=x",
    ),
    pytest.param(
        dockerfile(F, "RUN local -x PIP_NO_CACHE_DIR=bogus; pip install x"), [("PIP003", 2, 14)], id="local -x"
    ),
    pytest.param(
        dockerfile(F, 'RUN export "PIP_NO_CACHE_DIR=10"; pip install x'), [("PIP003", 2, 12)], id="export, quoted"
    ),
    pytest.param(
        dockerfile(F, "RUN nice env PIP_NO_CACHE_DIR=10 pip install x"), [("PIP003", 2, 14)], id="env behind nice"
    ),
    pytest.param(
        dockerfile(F, "RUN export -n PIP_NO_CACHE_DIR=10; pip install x"),
        [("PIP001", 2, 36)],
        id="export -n does not export",
    ),
    pytest.param(
        dockerfile(F, "RUN declare -x PIP_NO_CACHE_DIR=10; declare +x PIP_NO_CACHE_DIR; pip install x"),
        [("PIP003", 2, 16), ("PIP001", 2, 66)],
        id="declare +x takes it out again",
    ),
    pytest.param(
        dockerfile(F, "RUN sudo pip install PIP_NO_CACHE_DIR=10"),
        [("PIP001", 2, 10)],
        id="an argument of the program sudo runs",
    ),
    pytest.param(
        dockerfile(F, "RUN PIP_NO_CACHE_DIR=10; pip install x"),
        [("PIP001", 2, 26)],
        id="a shell variable that is not exported: pip never sees it",
    ),
    pytest.param(
        dockerfile(F, "RUN readonly PIP_NO_CACHE_DIR=10; pip install x"),
        [("PIP001", 2, 35)],
        id="readonly does not export",
    ),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIR="), [], id="ENV empty"),
    pytest.param(dockerfile(F, 'ENV PIP_NO_CACHE_DIR=""'), [], id="ENV empty quotes"),
    pytest.param(
        dockerfile(F, "ARG X=1", "ENV PIP_NO_CACHE_DIR=$X", "RUN pip install x"), [], id="a variable expands to 1"
    ),
    pytest.param(
        dockerfile(F, "ARG X=1", "ENV PIP_NO_CACHE_DIR='$X'", "RUN pip install x"),
        [("PIP003", 3, 5)],
        id="single quotes keep the dollar: '$X' is no boolean",
    ),
    pytest.param(dockerfile(F, "ARG PIP_NO_CACHE_DIR="), [], id="ARG empty"),
    pytest.param(dockerfile(F, "ARG PIP_NO_CACHE_DIR"), [], id="ARG without a value"),
    pytest.param(
        dockerfile(F, "RUN PIP_NO_CACHE_DIR= pip install x"),
        [("PIP001", 2, 23)],
        id="inline empty: no PIP003, the cache stays on",
    ),
    pytest.param(dockerfile(F, "ENV pip_no_cache_dir=2"), [], id="another variable: names are case-sensitive"),
    pytest.param(dockerfile(F, "ENV PIP_NO_CACHE_DIRS=2 MY_PIP_NO_CACHE_DIR=2"), [], id="longer names"),
    pytest.param(dockerfile(F, "LABEL PIP_NO_CACHE_DIR=2"), [], id="LABEL"),
    pytest.param(dockerfile(F, "RUN echo PIP_NO_CACHE_DIR=10"), [], id="an argument, not an assignment"),
    pytest.param(dockerfile(F, "# PIP_NO_CACHE_DIR=10", "RUN true"), [], id="comment"),
    pytest.param(dockerfile(F, "# pipfix: ignore", "ENV PIP_NO_CACHE_DIR=10"), [], id="pipfix ignore"),
]

VALID = ["1", "0", "true", "false", "on", "off", "yes", "no", "y", "n", "t", "f"]
VALID_CASES = [
    pytest.param(dockerfile(F, line), [], id=line)
    for value in VALID
    for spelling in dict.fromkeys([value, value.upper(), value.title()])
    for line in (
        f"ENV PIP_NO_CACHE_DIR={spelling}",
        f"ARG PIP_NO_CACHE_DIR={spelling}",
        f"RUN PIP_NO_CACHE_DIR={spelling} pip install x",
    )
]


@pytest.mark.parametrize(("text", "expected"), FINDING_CASES + VALID_CASES)
def test_findings(text, expected):
    assert_findings(text, expected)
