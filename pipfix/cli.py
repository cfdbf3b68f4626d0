"""The pipfix command line: `main(argv)`, the console script's entry point.

Three ways in, chosen from argv before anything slow is imported:

- `pipfix lsp`: the language server (lsp.py, needs the `lsp` extra);
- the fast path: PATHs or standard input (`pipfix -`, `--stdin-filename`) with only the common
  options (those editors, pre-commit and CI pass); it never imports typer, whose import costs
  more than fixing a file, and with standard input it reads the text first, then imports the
  engine;
- everything else: the typer command (cli_app.py), with its help and usage errors.

Both non-LSP paths end in command.execute, so they behave the same. Data (diffs, findings,
reports, fixed text) goes to stdout or -o FILE; messages for people go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

STDIN = "-"
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, quietly, as the typer command ends then

LSP_USAGE = """\
usage: pipfix lsp [--stdio]

Run the pipfix language server on standard input and output (the only transport; --stdio is
accepted for the clients that pass it). Settings come from the client's initializationOptions
and workspace/didChangeConfiguration ({"strategy": "flag"|"env", "ignore": [CODE, ...]}) and
from the project's configuration file.
"""

LSP_MISSING = "error: pipfix lsp needs pygls 2, an optional dependency: pip install 'pipfix[lsp]'"

# The options the fast path understands: flags, and options taking one value.
_FLAGS = {
    "-w": "write",
    "--write": "write",
    "--check": "check",
    "--force-exclude": "force_exclude",
    "--isolated": "isolated",
    "--exit-non-zero-on-fix": "exit_non_zero_on_fix",
    "-q": "quiet",
    "--quiet": "quiet",
    "-s": "silent",
    "--silent": "silent",
    "-v": "verbose",
    "--verbose": "verbose",
}
_VALUED = {"--stdin-filename", "--config", "--strategy", "--ignore"}
_STRATEGIES = ("flag", "env")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["lsp"]:
        return _lsp(args[1:])
    fast = parse_fast(args)
    if fast is not None:
        try:
            return _run_fast(fast)
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
    from .cli_app import run_app

    return run_app(args)


def parse_fast(args: Sequence[str]) -> dict | None:
    """The options of a plain run, `paths` included, or None when the command line needs the
    full parser (another option, a usage error, --help...)."""
    options: dict = {"ignore": []}
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg == STDIN or not arg.startswith("-"):
            positional.append(arg)
        elif arg in _FLAGS:
            options[_FLAGS[arg]] = True
        elif name in _VALUED:
            if not equals:
                if i + 1 >= len(args):
                    return None
                i += 1
                value = args[i]
            key = name[2:].replace("-", "_")
            if key == "ignore":
                options["ignore"].append(value)
            else:
                options[key] = value
        else:
            return None
        i += 1
    stdin_filename = options.get("stdin_filename")
    paths = positional or ([STDIN] if stdin_filename is not None else ["."])
    if STDIN in paths and len(paths) > 1:
        return None
    if stdin_filename is not None and STDIN not in paths:
        return None
    options["paths"] = paths
    if options.get("write") and options.get("check"):
        return None
    if options.get("exit_non_zero_on_fix") and not options.get("write"):
        return None
    if options.get("config") is not None and options.get("isolated"):
        return None
    strategy = options.get("strategy")
    if strategy is not None and strategy.lower() not in _STRATEGIES:
        return None
    if options["ignore"]:
        from .config import parse_codes

        try:
            options["ignore"] = parse_codes(options["ignore"])
        except (TypeError, ValueError):
            return None
    return options


def _run_fast(options: dict) -> int:
    paths = options["paths"]
    # Standard input first: the editor is writing the buffer into the pipe.
    data = sys.stdin.buffer.read() if paths == [STDIN] else None
    from pathlib import Path

    from .command import Invocation, execute
    from .config import Overrides
    from .console import Mode, Verbosity
    from .settings import Strategy

    strategy = options.get("strategy")
    config = options.get("config")
    invocation = Invocation(
        paths=paths,
        mode=Mode.WRITE if options.get("write") else Mode.CHECK if options.get("check") else Mode.PREVIEW,
        overrides=Overrides(
            strategy=None if strategy is None else Strategy(strategy.lower()),
            ignore=frozenset(options["ignore"]),
        ),
        force_exclude=bool(options.get("force_exclude")),
        stdin_filename=options.get("stdin_filename"),
        config=None if config is None else Path(config),
        isolated=bool(options.get("isolated")),
        exit_non_zero_on_fix=bool(options.get("exit_non_zero_on_fix")),
        verbosity=Verbosity.SILENT
        if options.get("silent")
        else Verbosity.QUIET
        if options.get("quiet")
        else Verbosity.VERBOSE
        if options.get("verbose")
        else Verbosity.NORMAL,
    )
    return execute(invocation, data)


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
