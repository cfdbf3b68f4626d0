"""The engine's self-check on edits built by hand: the fix kinds it must accept (a cache mount
flag, a clean-up appended to a RUN, a new line in a heredoc body that moves every later
instruction down) and the broken edits it must refuse with InternalError.

The edits here come from no rule, so the check is tested apart from the rules that make them.
"""

from __future__ import annotations

import pytest

from pipfix import DEFAULT_SETTINGS, Edit, engine
from pipfix.dockerfile import scan
from pipfix.edits import apply_edits
from pipfix.errors import InternalError
from pipfix.pragmas import suppressions
from pipfix.stages import run_contexts

MOUNT = "--mount=type=cache,target=/root/.cache/pip "


def after(source: str, marker: str, text: str) -> Edit:
    """Insert `text` right after the first `marker` of `source`."""
    return Edit(source.index(marker) + len(marker), text)


def before(source: str, marker: str, text: str) -> Edit:
    """Insert `text` right before the first `marker` of `source`."""
    return Edit(source.index(marker), text)


def self_check(source: str, edits: list[Edit]) -> None:
    dockerfile = scan(source)
    ordered = tuple(sorted(edits, key=lambda edit: edit.offset))
    runs, _ = run_contexts(dockerfile)
    fixed = apply_edits(source, ordered)
    engine._self_check(source, fixed, ordered, dockerfile, DEFAULT_SETTINGS, suppressions(dockerfile), runs)


PIP = "FROM python\nRUN pip install flask\n"
CLEAN = "FROM python\nRUN pip install --no-cache-dir flask\n"
HEREDOC = "FROM python\nRUN <<EOF\npip install --no-cache-dir flask\nEOF\nRUN pip install --no-cache-dir a\n"
TWO_RUNS = "FROM python\nRUN <<EOF\npip install --no-cache-dir flask\nEOF\nRUN pip install a\n"
SUPPRESSED = (
    "FROM python\nRUN <<EOF\npip install --no-cache-dir a\nEOF\n# pipfix: ignore=PIP002\nRUN uv pip install b\n"
)
ONBUILD = "FROM python\nONBUILD RUN pip install flask\n"
FLAGGED = "FROM python\nRUN --network=host pip install flask\n"
MOUNTED_HEREDOC = "FROM python\nRUN <<EOF\npip install flask\nEOF\n"
CONTINUED = "FROM python\nRUN pip install --no-cache-dir a \\\n    b\nRUN echo done\n"
SPACED = "FROM python\n\nRUN pip install flask\n"
COMMENTED = "FROM python\n# a note\nRUN pip install --no-cache-dir a\n# pipfix: ignore\nRUN pip install b\n"

ACCEPTED = [
    pytest.param(PIP, [after(PIP, "RUN ", MOUNT)], id="a cache mount flag"),
    pytest.param(FLAGGED, [after(FLAGGED, "RUN ", MOUNT)], id="a cache mount before another flag"),
    pytest.param(FLAGGED, [before(FLAGGED, "pip", MOUNT)], id="a cache mount after another flag"),
    pytest.param(ONBUILD, [after(ONBUILD, "ONBUILD RUN ", MOUNT)], id="a cache mount on ONBUILD RUN"),
    pytest.param(MOUNTED_HEREDOC, [after(MOUNTED_HEREDOC, "RUN ", MOUNT)], id="a cache mount on a heredoc RUN"),
    pytest.param(CLEAN, [after(CLEAN, "flask", " && conda clean --all --yes")], id="a clean-up appended"),
    pytest.param(
        CONTINUED, [after(CONTINUED, "    b", " \\\n    && conda clean --all --yes")], id="a continued clean-up"
    ),
    pytest.param(HEREDOC, [before(HEREDOC, "EOF\nRUN", "conda clean --all --yes\n")], id="a heredoc line"),
    pytest.param(
        MOUNTED_HEREDOC,
        [after(MOUNTED_HEREDOC, "<<EOF\n", "export PIP_NO_CACHE_DIR=1\n")],
        id="a heredoc line that turns the cache off",
    ),
    pytest.param(
        TWO_RUNS,
        [before(TWO_RUNS, "EOF\nRUN", "conda clean --all --yes\n"), after(TWO_RUNS, "install", " --no-cache-dir")],
        id="a RUN moved down by a heredoc line, then fixed",
    ),
    pytest.param(
        TWO_RUNS,
        [before(TWO_RUNS, "EOF\nRUN", "conda clean --all --yes\n"), after(TWO_RUNS, "EOF\nRUN ", MOUNT)],
        id="a RUN moved down by a heredoc line, then mounted",
    ),
    pytest.param(
        SUPPRESSED,
        [before(SUPPRESSED, "EOF\n#", "conda clean --all --yes\n"), after(SUPPRESSED, "install b", " && echo done")],
        id="a pragma moved down by a heredoc line still applies",
    ),
    pytest.param(COMMENTED, [after(COMMENTED, "# a note\n", "# more\n")], id="a line outside every RUN"),
    pytest.param(
        PIP,
        [before(PIP, "RUN", "# a comment\n"), after(PIP, "install", " --no-cache-dir")],
        id="a line before a RUN's keyword",
    ),
    pytest.param(
        COMMENTED,
        [after(COMMENTED, "FROM python\n", "# more\n"), after(COMMENTED, "install --no-cache-dir a", " && echo")],
        id="a line outside every RUN and an edit in one",
    ),
]


@pytest.mark.parametrize(("source", "edits"), ACCEPTED)
def test_the_self_check_accepts(source: str, edits: list[Edit]) -> None:
    self_check(source, edits)


REJECTED = [
    pytest.param(PIP, [after(PIP, "flask", " && echo")], "not stable", id="a fixable finding left"),
    pytest.param(CLEAN, [after(CLEAN, "flask", " && pip install b")], "not stable", id="a new call keeps its cache"),
    pytest.param(PIP, [before(PIP, "RUN", "X")], "changed the instructions", id="a keyword changed"),
    pytest.param(
        PIP, [after(PIP, "RUN ", "--network=none ")], "changed the instructions", id="a flag that mounts nothing"
    ),
    pytest.param(
        PIP, [after(PIP, "RUN ", MOUNT.strip())], "changed the instructions", id="a mount glued to the word after it"
    ),
    pytest.param(
        PIP,
        [after(PIP, "RUN ", "--mount=type=bind,target=/root/.cache/pip ")],
        "changed the instructions",
        id="a bind mount",
    ),
    pytest.param(
        PIP,
        [after(PIP, "RUN ", "--security=type=cache,target=/root/.cache/pip ")],
        "changed the instructions",
        id="a cache mount's value under another flag",
    ),
    pytest.param(
        PIP,
        [after(PIP, "RUN ", "--mount=type=cache,target=/root/.cache/pip --network=none ")],
        "changed the instructions",
        id="a mount and another flag in one insertion",
    ),
    pytest.param(CONTINUED, [after(CONTINUED, "a \\", " x")], "changed the instructions", id="a continuation broken"),
    pytest.param(
        CONTINUED, [after(CONTINUED, "    b", "\n    c")], "changed the instructions", id="a line break in a RUN"
    ),
    pytest.param(HEREDOC, [after(HEREDOC, "<<EOF\n", "EOF\n")], "changed the instructions", id="a heredoc ended early"),
    pytest.param(HEREDOC, [after(HEREDOC, "<<EOF", " <<END")], "changed the instructions", id="a heredoc added"),
    pytest.param(
        'FROM python\nRUN ["pip", "install", "a"]\n',
        [Edit(len('FROM python\nRUN ["pip", "install"'), ', "--no-cache-dir')],
        "changed the instructions",
        id="the JSON of an exec form broken",
    ),
    pytest.param(
        COMMENTED, [after(COMMENTED, "# a note\n", "RUN echo\n")], "changed the instructions", id="a new instruction"
    ),
    pytest.param(
        SPACED,
        [after(SPACED, "FROM python\n", "ENV PIP_NO_CACHE_DIR=1\n")],
        "changed the instructions",
        id="an ENV added",
    ),
    pytest.param(
        SPACED, [after(SPACED, "FROM python\n", "# pipfix: ignore\n")], "not stable", id="a pragma added hides nothing"
    ),
]


@pytest.mark.parametrize(("source", "edits", "reason"), REJECTED)
def test_the_self_check_refuses(source: str, edits: list[Edit], reason: str) -> None:
    with pytest.raises(InternalError, match=reason):
        self_check(source, edits)
