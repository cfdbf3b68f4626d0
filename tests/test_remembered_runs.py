"""fix() remembers the findings of the RUN instructions it has seen, so that an editor sending a
file again with one change costs only that change (memory.MEMORY.runs). What it remembers must never
change a result: the same RUN text in another place, stage or context is found again, not lent
the findings of the first."""

from __future__ import annotations

import pytest

from pipfix import Settings, Strategy, engine, fix
from pipfix.memory import MEMORY, Memory

RUN = "RUN pip install flask\n"
MOUNT_RUN = "RUN --mount=type=cache,target=/root/.cache/pip pip install flask\n"

# (a file fixed first, a file with the same RUN text fixed after it)
CASES = {
    "moved down": ("FROM python\n" + RUN, "FROM python\n# a comment\nLABEL a=b\n\n" + RUN),
    "ENV turns the cache off": ("FROM python\n" + RUN, "FROM python\nENV PIP_NO_CACHE_DIR=1\n" + RUN),
    "ENV no longer turns it off": ("FROM python\nENV PIP_NO_CACHE_DIR=1\n" + RUN, "FROM python\n" + RUN),
    "ARG of the stage": ("FROM python\n" + RUN, "FROM python\nARG PIP_NO_CACHE_DIR=1\n" + RUN),
    "inherited from a stage": (
        "FROM python AS base\nFROM base\n" + RUN,
        "FROM python AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\n" + RUN,
    ),
    "another user, another home": ("FROM python\n" + MOUNT_RUN, "FROM python\nUSER app\n" + MOUNT_RUN),
    "HOME moved": ("FROM python\n" + MOUNT_RUN, "FROM python\nENV HOME=/home/x\n" + MOUNT_RUN),
    "a PowerShell SHELL": (
        "FROM python\n" + RUN,
        'FROM python\nSHELL ["powershell", "-Command"]\n' + RUN,
    ),
    "CRLF": ("FROM python\n" + RUN, ("FROM python\n" + RUN).replace("\n", "\r\n")),
    "a heredoc body": (
        "FROM python\nRUN <<EOF\npip install a\nEOF\n",
        "FROM python\nRUN <<EOF\npip install a\nEOF\n".replace("\n", "\r\n"),
    ),
}


@pytest.mark.parametrize("strategy", list(Strategy))
@pytest.mark.parametrize(("first", "second"), CASES.values(), ids=CASES.keys())
def test_a_remembered_run_changes_no_result(first, second, strategy) -> None:
    engine.forget()
    settings = Settings(strategy=strategy)
    fix(first, settings)
    remembered = fix(second, settings)
    engine.forget()
    assert remembered == fix(second, settings)


def test_another_strategy_is_not_served_the_first_ones_fix() -> None:
    engine.forget()
    text = "FROM python\n" + RUN
    assert fix(text, Settings(strategy=Strategy.FLAG)).text.endswith("pip install --no-cache-dir flask\n")
    assert fix(text, Settings(strategy=Strategy.ENV)).text.endswith("RUN PIP_NO_CACHE_DIR=1 pip install flask\n")


def test_the_memory_is_bounded() -> None:
    engine.forget()
    assert Memory.RUN_ENTRIES == Memory.LINE_ENTRIES  # each file below brings one of each
    for i in range(Memory.RUN_ENTRIES + 10):
        fix(f"FROM python\nRUN pip install package{i}\n")
    assert 0 < len(MEMORY.runs) <= Memory.RUN_ENTRIES
    assert 0 < len(MEMORY.lines) <= Memory.LINE_ENTRIES


def test_a_very_long_run_is_not_remembered() -> None:
    engine.forget()
    packages = " ".join(f"package{i}" for i in range(Memory.RUN_TEXT // 8))
    result = fix(f"FROM python\nRUN pip install {packages}\n")
    assert result.changed and MEMORY.runs == {}
    assert [line for line, _ in MEMORY.lines if "package" in line] == []  # nor its line
