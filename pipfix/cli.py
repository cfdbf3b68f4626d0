"""The pipfix command line: `main(argv)`, the console script's entry point.

`pipfix lsp` runs the language server (lsp.py, needs the `lsp` extra); every other command
line is parsed by arguments.py and run by command.execute. Standard input is read before the
engine is imported, while the editor is still writing the buffer into the pipe. Data (diffs,
findings, reports, fixed text) goes to stdout or -o FILE; messages for people go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, quietly

LSP_USAGE = """\
usage: pipfix lsp [--stdio]

Run the pipfix language server on standard input and output (the only transport; --stdio is
accepted for the clients that pass it). Settings come from the client's initializationOptions
and workspace/didChangeConfiguration ({"strategy": "flag"|"env", "ignore": [CODE, ...]}) and
from the project's configuration file.
"""

LSP_MISSING = (
    "error: pipfix lsp needs pygls 2, an optional dependency: install pipfix with "
    "the lsp extra (pip install '.[lsp]' in a clone of pipfix)"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["lsp"]:
        return _lsp(args[1:])
    from .arguments import invocation, parse

    try:
        options = parse(args)
    except SystemExit as stop:  # help, --version, a usage error
        return stop.code if isinstance(stop.code, int) else EXIT_ERROR
    if options.explain is not None:
        sys.stdout.write(options.explain.markdown)
        return 0
    try:
        # Standard input first: the editor is writing the buffer into the pipe.
        data = sys.stdin.buffer.read() if options.paths == ["-"] else None
        from .command import execute

        return execute(invocation(options), data)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _lsp(args: Sequence[str]) -> int:
    if any(arg in ("-h", "--help") for arg in args):
        print(LSP_USAGE, end="")
        return 0
    unknown = [arg for arg in args if arg != "--stdio"]
    if unknown:
        print(f"error: pipfix lsp: unknown argument {unknown[0]!r}\n\n{LSP_USAGE}", end="", file=sys.stderr)
        return EXIT_ERROR
    try:
        from .lsp import serve
    except ImportError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        print(LSP_MISSING, file=sys.stderr)
        return EXIT_ERROR
    serve()
    return 0
