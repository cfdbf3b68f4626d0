"""Reading a command's GNU-style options: `--name=value`, `--name value`, `-n value`,
`-nvalue` and clusters of single letters (`-lm`), ended by `--`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Options(NamedTuple):
    named: frozenset[str]  # every option given (`-lm` gives -l and -m)
    values: dict[str, str]  # the value of each option that takes one (`-u app`, `--user=app`)
    end: int  # the index of the first word after the options (and a `--`)
    operands: tuple[str, ...]  # the words between options, when permuted (GNU getopt's default)

    def value(self, *names: str) -> str | None:
        """The value of the first of `names` that is given."""
        return next((self.values[name] for name in names if name in self.values), None)


def read_options(
    texts: Sequence[str | None], index: int, value_options: frozenset[str], permute: bool = False
) -> Options:
    """The options from texts[index] on (None: a word whose value is not known, read as "?").
    Without `permute` the first operand ends them; with it, operands are collected and the
    options after them read too, as GNU getopt does for commands such as useradd."""
    named: set[str] = set()
    values: dict[str, str] = {}
    operands: list[str] = []
    while index < len(texts):
        option = texts[index] or "?"
        if not option.startswith("-"):
            if not permute:
                break
            operands.append(option)
            index += 1
            continue
        index += 1
        if option == "--":
            if permute:
                operands += [text or "?" for text in texts[index:]]
                index = len(texts)
            break
        if option.startswith("--") or option == "-":
            name, equals, value = option.partition("=")
            named.add(name)
            if equals:
                values[name] = value
            elif name in value_options and index < len(texts):
                values[name] = texts[index] or "?"
                index += 1
            continue
        for position, letter in enumerate(option[1:], start=2):
            name = f"-{letter}"
            named.add(name)
            if name in value_options:
                if position < len(option):
                    values[name] = option[position:]
                elif index < len(texts):
                    values[name] = texts[index] or "?"
                    index += 1
                break
    return Options(frozenset(named), values, index, tuple(operands))
