"""Performance guards that are not timings (issue 6): count the expensive work instead.

- a file that never mentions pip or uv is never scanned (the cheap prefilter answers);
- tree-sitter parses only inside RUN instructions that mention pip or uv;
- the self-check scans no file twice, and re-parses only the RUN instructions that were edited;
- a file sent again with one instruction changed (an editor) re-parses only that instruction.

They run over a synthetic set and, when present, over the shared corpus (../shared/corpus).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipfix import cache, engine, shell
from pipfix.errors import PipfixError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "files"

SYNTHETIC = [
    'FROM alpine\nRUN apk add curl\nCOPY . /app\nCMD ["sh"]\n',
    "FROM debian\nRUN apt-get update && apt-get install -y git\nENV A=1\n",
    "FROM python:3.12\nRUN apt-get update\nRUN pip install flask\nRUN echo done\n",
    "FROM python:3.12\nRUN echo one\nRUN <<EOF\npip install x\nEOF\nRUN echo two\n",
    "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\nRUN make\n",
    "FROM ghcr.io/astral-sh/uv\nRUN uv pip install --system x\nRUN ls\n",
    "FROM python\nRUN sh -c 'pip install a && echo b'\nRUN true\nONBUILD RUN pip install c\n",
    "# a comment\nFROM scratch\nLABEL a=b\n",
]


def _texts() -> list[str]:
    texts = list(SYNTHETIC)
    if CORPUS.is_dir():
        for path in sorted(CORPUS.iterdir()):
            try:
                texts.append(path.read_bytes().decode("utf-8"))
            except (OSError, UnicodeDecodeError):
                pass
    return texts


class _Counting:
    """Wraps the tree-sitter parser: counts parses, and fails one outside an allowed RUN."""

    def __init__(self, parser, state: dict) -> None:
        self._parser = parser
        self._state = state

    def parse(self, data, *args, **kwargs):
        assert self._state["inside"], "tree-sitter ran outside a RUN that mentions pip or uv"
        self._state["parses"] += 1
        return self._parser.parse(data, *args, **kwargs)


@pytest.fixture
def counters(monkeypatch):
    state = {"inside": 0, "parses": 0, "scans": [], "runs": []}
    engine.forget()  # what earlier tests left is not this test's work
    real_parser = shell._parser()
    monkeypatch.setattr(shell, "_parser", lambda: _Counting(real_parser, state))

    real_scan = engine.scan

    def scan(text):
        state["scans"].append(text)
        return real_scan(text)

    monkeypatch.setattr(engine, "scan", scan)

    real_commands = engine.commands

    def commands(instruction, text, *args, **kwargs):
        piece = text[instruction.start : instruction.end]
        state["runs"].append(piece)
        assert engine.may_call_pip(piece), "shell parsing of a RUN without pip or uv"
        state["inside"] += 1
        try:
            yield from real_commands(instruction, text, *args, **kwargs)
        finally:
            state["inside"] -= 1

    monkeypatch.setattr(engine, "commands", commands)

    real_script_end = cache.script_end

    def script_end(instruction, text):
        # where a clean-up is appended (conda clean, pipenv --clear): one more parse of a RUN
        # that calls such a tool
        assert engine.may_call_pip(text[instruction.start : instruction.end]), (
            "shell parsing of a RUN without pip or uv"
        )
        state["inside"] += 1
        try:
            return real_script_end(instruction, text)
        finally:
            state["inside"] -= 1

    monkeypatch.setattr(cache, "script_end", script_end)
    return state


def _fix_all(texts: list[str]) -> list:
    results = []
    for text in texts:
        try:
            results.append(engine.fix(text))
        except PipfixError:
            results.append(None)
    return results


def test_files_without_pip_or_uv_are_never_scanned(counters) -> None:
    texts = _texts()
    _fix_all(texts)
    without = [text for text in texts if not engine.may_call_pip(text)]
    assert without  # the set has such files
    scanned = set(counters["scans"])
    assert not [text for text in without if text in scanned]
    assert counters["parses"] > 0  # and the guard saw the parser run where it should


def test_the_shell_parser_runs_only_on_runs_that_mention_pip_or_uv(counters) -> None:
    # the assertions live in the wrappers: commands() only for RUNs mentioning pip or uv, and
    # tree-sitter only inside such a commands() call
    _fix_all(_texts())
    assert counters["runs"]
    assert all(engine.may_call_pip(run) for run in counters["runs"])


def test_the_self_check_reparses_only_the_edited_runs(counters) -> None:
    lines = [f"RUN pip --version > /tmp/{i}\n" for i in range(10)]
    text = "FROM python\n" + "".join(lines[:5]) + "RUN pip install x\n" + "".join(lines[5:])
    result = engine.fix(text)
    assert result.changed
    # 11 RUNs for the fix, then only the edited RUN again (and no second scan of the file)
    assert len(counters["scans"]) == 1
    assert len(counters["runs"]) == 11 + 1


def test_one_scan_per_file(counters) -> None:
    texts = _texts()
    results = _fix_all(texts)
    assert any(result is not None and result.changed for result in results)
    candidates = sum(1 for text in texts if engine.may_call_pip(text) and "\0" not in text)
    assert len(counters["scans"]) == candidates


def test_a_file_sent_again_with_one_change_reparses_only_that_instruction(counters) -> None:
    lines = [f"RUN pip install package{i}\n" for i in range(20)]
    text = "FROM python\n" + "".join(lines)
    first = engine.fix(text)
    parsed = len(counters["runs"])
    assert parsed == 20 + 20  # each RUN, then each fixed RUN in the self-check
    edited = text.replace("package7", "package7 package8")
    second = engine.fix(edited)
    assert len(counters["runs"]) - parsed == 2  # the changed RUN, and its fixed text
    assert second.text == first.text.replace("package7", "package7 package8")
