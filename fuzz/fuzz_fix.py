"""Coverage-guided fuzz target (atheris) for pipfix's scanner and fixer.

The input bytes are decoded as UTF-8 (as the command line does; undecodable inputs are
skipped) and given to `pipfix.dockerfile.scan` and `pipfix.fix` in both strategies. A crash is
any exception other than PipfixError (CannotFix for a file pipfix does not understand,
InternalError when its self-check catches a bad fix: both are findings too, see below), or a
fix that breaks the properties the property tests check: the result is the input plus
insertions, and a second fix changes nothing.

InternalError is a bug as well, but an expected class of it is already tracked; set
PIPFIX_FUZZ_INTERNAL_ERRORS=1 to stop on it too.

Run (see fuzz/README.md):  python fuzz/fuzz_fix.py fuzz/corpus -max_total_time=60
"""

from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports(include=["pipfix"]):
    from pipfix import InternalError, PipfixError, Settings, Strategy, fix
    from pipfix.dockerfile import scan
    from pipfix.edits import remove_edits

STRICT = os.environ.get("PIPFIX_FUZZ_INTERNAL_ERRORS") == "1"
SETTINGS = [Settings(strategy=strategy) for strategy in Strategy]


def test_one_input(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        scan(text)
    except PipfixError:
        pass
    for settings in SETTINGS:
        try:
            result = fix(text, settings)
        except InternalError:
            if STRICT:
                raise
            continue
        except PipfixError:
            continue
        if remove_edits(result.text, result.edits) != text:
            raise AssertionError("the fix is not the input plus insertions")
        again = fix(result.text, settings)
        if again.text != result.text:
            raise AssertionError("a second fix changed the text")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
