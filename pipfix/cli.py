"""The pipfix command line: `main(argv)`, the console script's entry point.

The command line is the typer command (cli_app.py). In front of it, a fast path takes the runs
that editors, pre-commit and CI start (PATHs or standard input, with options spelled plainly:
arguments.parse_plain) without importing typer, which costs more than fixing a file, and reads
standard input before importing the engine, while the editor is still writing the buffer into
the pipe. Both parsers are built from one option table (arguments.OPTIONS) and end in
command.execute, so a command line means the same whichever takes it. Data (diffs, findings,
reports, fixed text) goes to stdout or -o FILE; messages for people go to stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, quietly, as the typer command ends then
COMPLETION_VARIABLE = "_PIPFIX_COMPLETE"  # set when a shell asks the typer command for completions


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] != ["lsp"] and COMPLETION_VARIABLE not in os.environ:
        from .arguments import invocation, parse_plain

        values = parse_plain(args)
        if values is not None:
            try:
                data = sys.stdin.buffer.read() if values.paths == ["-"] else None
                from .command import execute

                return execute(invocation(values), data)
            except KeyboardInterrupt:
                return EXIT_INTERRUPTED
    from .cli_app import run

    return run(args)
