"""scan() against BuildKit's own parser (the `dockerfile` package wraps its Go code).

Every corpus file and every hand case of test_dockerfile.py must give the same instructions,
line ranges, joined values, flags and heredocs, or be rejected by both.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipfix.dockerfile import Instruction, scan
from pipfix.errors import CannotFix

from .test_dockerfile import HAND_TEXTS

dockerfile = pytest.importorskip("dockerfile")

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "files"

# The package wraps BuildKit v0.12.5 and passes the text as a C string; pipfix follows today's
# BuildKit where the two differ. No corpus file is affected.
KNOWN_DISAGREEMENTS = {
    "check directive before escape": "`check` is a parser directive since BuildKit 0.14; 0.12.5 ends the directives there",
    "unicode blank after #": "BuildKit 0.14+ trims any Unicode space after `#` in a directive; 0.12.5 only ASCII ones",
    "heredoc next to ${a/x/y}": "BuildKit 0.13+ lexes ${a/x/y}; 0.12.5 fails on the line and so finds no heredoc in it",
    "JSON with trailing text is shell form": "BuildKit 0.15 (#5107) decodes exec form with json.Unmarshal; 0.12.5's "
    "json.Decoder ignored text after the array",
    "JSON with trailing heredoc": "same as above: shell form today, so the heredoc is unterminated",
    "NUL byte": "the package passes the text as a C string and loses everything after a NUL",
    "non-ASCII flag": "BuildKit reads flags byte by byte and turns each byte of a UTF-8 character into a character",
    "deeply nested JSON": "Python's JSON decoder stops at ~1000 levels, Go's at 10000: pipfix refuses rather than guess",
}

_SPLIT = re.compile(r"[\t\v\f\r ]+")
_ONBUILD_THEN_KEYWORD = re.compile(r"ONBUILD[\t\v\f\r ]+[A-Z]+[\t\v\f\r \n]", re.IGNORECASE)


def _expected_value(instruction: Instruction) -> tuple[str, ...] | None:
    """BuildKit's `value` for the line parsers whose result scan() determines; None for the
    others (ENV, LABEL, ARG, HEALTHCHECK: only the raw script is compared for them)."""
    script = instruction.script
    if instruction.exec_form:
        return tuple(json.loads(script))
    keyword = instruction.keyword
    if keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"):
        return (script,) if script else ()
    if keyword in ("ADD", "COPY", "VOLUME", "FROM", "EXPOSE"):
        return tuple(_SPLIT.split(script)) if script else ()
    return None


def _flag_words(instruction: Instruction) -> tuple[str, ...]:
    return tuple(f"--{f.name}" if f.value is None else f"--{f.name}={f.value}" for f in instruction.flags)


def _compare(text: str, got: Instruction, want, problems: list[str], check_heredocs: bool = True) -> None:
    where = f"line {want.start_line}"
    want_keyword = (want.cmd or "").upper()
    if want_keyword == "ONBUILD" and want.sub_cmd:
        want_keyword = want.sub_cmd.upper()
        if not got.onbuild:
            problems.append(f"{where}: not read as ONBUILD")
    if (got.keyword, got.start_line, got.end_line) != (want_keyword, want.start_line, want.end_line):
        problems.append(
            f"{where}: {got.keyword} {got.start_line}-{got.end_line}, BuildKit {want_keyword} {want.start_line}-{want.end_line}"
        )
        return
    if got.exec_form != want.json and got.keyword != "HEALTHCHECK":
        problems.append(f"{where}: exec_form {got.exec_form}, BuildKit json {want.json}")
    expected = _expected_value(got)
    if expected is not None and expected != tuple(want.value):
        problems.append(f"{where}: value {expected!r}, BuildKit {want.value!r}")
    joined_line = (want.original or "").split("\n", 1)[0]
    if got.script not in joined_line:
        problems.append(f"{where}: script {got.script!r} is not in BuildKit's line {joined_line!r}")
    if not got.onbuild and _flag_words(got) != tuple(want.flags):
        problems.append(f"{where}: flags {_flag_words(got)!r}, BuildKit {want.flags!r}")
    if check_heredocs:
        heredocs = [(h.delimiter, text[h.body_start : h.body_end]) for h in got.heredocs]
        if heredocs != [(h.name, h.content) for h in want.heredocs]:
            problems.append(f"{where}: heredocs {heredocs!r}, BuildKit {want.heredocs!r}")
    for index, character in enumerate(got.script):
        if text[got.script_map.before(index)] != character:
            problems.append(f"{where}: script_map wrong at {index}")
            break


def disagreements(text: str) -> list[str]:
    try:
        expected = dockerfile.parse_string(text)
    except dockerfile.GoParseError as error:
        try:
            scan(text)
        except CannotFix:
            return []
        return [f"BuildKit rejects the file ({error}), scan() does not"]
    try:
        got = scan(text).instructions
    except CannotFix as error:
        return [f"scan() rejects the file ({error}), BuildKit does not"]
    if len(got) != len(expected):
        return [f"{len(got)} instructions, BuildKit {len(expected)}: {[(i.keyword, i.start_line) for i in got]}"]
    problems: list[str] = []
    for mine, theirs in zip(got, expected, strict=True):
        _compare(text, mine, theirs, problems, check_heredocs=not mine.onbuild)
    problems += _onbuild_disagreements(text, got, expected)
    return problems


def _onbuild_disagreements(text: str, got, expected) -> list[str]:
    """The package loses heredoc bodies and inner flags under ONBUILD: blank out the ONBUILD
    keywords (same length, so lines and offsets stay) and compare with BuildKit's reading of
    the inner instructions."""
    blanked = text
    indices = []
    for index, mine in enumerate(got[: len(expected)]):
        if mine.onbuild and mine.keyword != "ONBUILD" and _ONBUILD_THEN_KEYWORD.match(text, mine.start):
            blanked = blanked[: mine.start] + " " * 7 + blanked[mine.start + 7 :]
            indices.append(index)
    if not indices:
        return []
    inner = dockerfile.parse_string(blanked)
    problems: list[str] = []
    for index in indices:
        mine = got[index]
        plain = mine._replace(onbuild=False)
        _compare(text, plain, inner[index], problems)
    return problems


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*")) if CORPUS.is_dir() else []


def test_corpus_matches_buildkit() -> None:
    files = _corpus_files()
    if not files:
        pytest.skip(f"no corpus at {CORPUS}")
    failures = {}
    for path in files:
        file_id = path.name.split(".", 1)[0]
        problems = disagreements(path.read_bytes().decode("utf-8", errors="surrogateescape"))
        if problems and file_id not in KNOWN_DISAGREEMENTS:
            failures[file_id] = problems[:3]
    assert not failures, f"{len(failures)} of {len(files)} files disagree: {dict(list(failures.items())[:10])}"


@pytest.mark.parametrize("case_id", sorted(HAND_TEXTS))
def test_hand_case_matches_buildkit(case_id: str) -> None:
    problems = disagreements(HAND_TEXTS[case_id])
    if case_id in KNOWN_DISAGREEMENTS:
        assert problems, f"listed as a known disagreement but agrees: {KNOWN_DISAGREEMENTS[case_id]}"
    else:
        assert problems == []


_PIECES = st.sampled_from(
    [
        "RUN ",
        "run ",
        "COPY ",
        "ADD ",
        "ONBUILD ",
        "ENV ",
        "LABEL ",
        "ARG ",
        "CMD ",
        "HEALTHCHECK ",
        "FROM x",
        "pip install x",
        "--mount=type=cache ",
        "--a ",
        "-- ",
        "<<EOF",
        "<<-EOF",
        "<<'E'",
        '<<"E"',
        "2<<E",
        " EOF",
        "EOF",
        "\tEOF",
        "E",
        "\n",
        "\n",
        "\r\n",
        "\r",
        "\\",
        "`",
        "\\\n",
        "`\n",
        " ",
        "\t",
        "\v",
        "#",
        "# escape=`\n",
        "# syntax=x\n",
        '"',
        "'",
        "$",
        "${a:-b}",
        "${",
        "}",
        '["a"]',
        ' ["a",',
        ' "b"]',
        "=",
        "a=b",
        "\ufeff",
        "é",
    ]
)


def _json_with_trailing_text(text: str) -> bool:
    """Text that BuildKit 0.12.5 reads as exec form and today's BuildKit as shell form."""
    candidates = text.split("\n")
    try:
        candidates += [instruction.script for instruction in scan(text).instructions]
    except CannotFix:
        pass
    for candidate in candidates:
        for start in (i for i, character in enumerate(candidate) if character == "["):
            try:
                end = json.JSONDecoder().raw_decode(candidate, start)[1]
            except ValueError:
                continue
            if candidate[end:].strip():
                return True
    return False


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_generated_texts_match_buildkit(text: str) -> None:
    assume(not _json_with_trailing_text(text))
    assert disagreements(text) == []


# --- Instruction.flags_start: where the mount strategy inserts a flag

_INSERTED_FLAG = "--mount=type=cache,target=/x"


def _flag_insertion_problems(text: str) -> list[str]:
    """Insert a flag at the flags_start of every RUN that has arguments: scan() and BuildKit must
    both read it as that RUN's first flag, everything else as it was."""
    try:
        before = scan(text)
    except CannotFix:
        return []
    runs = [i for i in before.instructions if i.keyword == "RUN" and (i.script or i.flags)]
    if not runs:
        return []
    fixed = text
    for instruction in reversed(runs):
        fixed = fixed[: instruction.flags_start] + _INSERTED_FLAG + " " + fixed[instruction.flags_start :]
    problems = disagreements(fixed)
    try:
        after = scan(fixed).instructions
    except CannotFix:  # the longer line is too long: BuildKit rejects it too (disagreements)
        return problems
    for old, new in zip(before.instructions, after, strict=True):
        flags = [(flag.name, flag.value) for flag in new.flags]
        expected = [(flag.name, flag.value) for flag in old.flags]
        if old in runs:
            expected.insert(0, ("mount", _INSERTED_FLAG.partition("=")[2]))
        if (new.keyword, new.script, flags) != (old.keyword, old.script, expected):
            problems.append(f"line {old.start_line}: {new.keyword} {flags} {new.script!r}")
    return problems


@pytest.mark.parametrize("case_id", sorted(set(HAND_TEXTS) - set(KNOWN_DISAGREEMENTS)))
def test_a_flag_inserted_at_flags_start_is_the_first_flag(case_id: str) -> None:
    assert _flag_insertion_problems(HAND_TEXTS[case_id]) == []


def test_a_flag_inserted_at_flags_start_is_the_first_flag_in_the_corpus() -> None:
    files = [path for path in _corpus_files() if path.name.split(".", 1)[0] not in KNOWN_DISAGREEMENTS]
    if not files:
        pytest.skip(f"no corpus at {CORPUS}")
    failures = {}
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        if ("pip" in text or "uv" in text) and (problems := _flag_insertion_problems(text)):
            failures[path.name] = problems[:3]
    assert not failures, f"{len(failures)} files: {dict(list(failures.items())[:10])}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_a_flag_inserted_at_flags_start_is_the_first_flag_in_generated_texts(text: str) -> None:
    assume(not _json_with_trailing_text(text))
    assume(disagreements(text) == [])
    assert _flag_insertion_problems(text) == []
