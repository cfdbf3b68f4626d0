"""examples/*/Dockerfile fixed by pipfix must equal examples/*/fixed.txt, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipfix import fix

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_DIRS = sorted(path.parent for path in EXAMPLES.glob("*/Dockerfile"))


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_every_example_is_collected():
    assert [path.name for path in EXAMPLE_DIRS] == ["ml", "webapp", "windows"]


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=lambda path: path.name)
def test_example_is_fixed_as_expected(example):
    expected = read(example / "fixed.txt")
    assert fix(read(example / "Dockerfile")).text == expected


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=lambda path: path.name)
def test_fixed_example_is_left_alone(example):
    expected = read(example / "fixed.txt")
    assert fix(expected).text == expected


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=lambda path: path.name)
def test_expected_output_only_inserts_the_flag(example):
    """A check of the hand-written expectations themselves, independent of the engine."""
    source, expected = read(example / "Dockerfile"), read(example / "fixed.txt")
    assert expected != source
    assert without_flags(expected) == without_flags(source)


def without_flags(text: str) -> str:
    return text.replace(" --no-cache-dir", "").replace(" --no-cache", "")
