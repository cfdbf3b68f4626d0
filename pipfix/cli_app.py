"""The typer command, pipfix's command line: every option of the table in arguments.py, with
its help, usage errors, --version, --explain and shell completion; and `pipfix lsp`.

cli.main brings here every command line that its fast path (arguments.parse_plain) leaves:
typer is imported only then, because importing it costs more than fixing a file.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from .arguments import DESCRIPTION, EXAMPLES, OPTIONS, PATHS_HELP, Option, invocation, problem, settle
from .command import EXIT_ERROR, execute

LSP_HELP = """\
Run the pipfix language server on standard input and output (the only transport; --stdio is
accepted for the clients that pass it). Settings come from the client's initializationOptions
and workspace/didChangeConfiguration ({"strategy": "flag"|"env"|"mount", "ignore": [CODE, ...]}) and
from the project's configuration file.
"""

LSP_MISSING = (
    "error: pipfix lsp needs pygls 2, an optional dependency: install pipfix with "
    "the lsp extra (pip install '.[lsp]' in a clone of pipfix)"
)


def run(args: Sequence[str]) -> int:
    """Run the command line `args` (sys.argv[1:]); the exit status."""
    if args[:1] == ["lsp"]:
        command, args, name = lsp_app, args[1:], "pipfix lsp"
    else:
        command, name = app, "pipfix"
    try:
        command(args=list(args), prog_name=name)
    except SystemExit as stop:  # typer ends every run with one
        return int(stop.code or 0)
    return 0


def _verbatim(text: str) -> str:
    """`text` as the help shows it: each paragraph as written (click rewraps them otherwise)."""
    return "\n\n".join(f"\b\n{paragraph}" for paragraph in text.strip("\n").split("\n\n"))


def _app(completion: bool) -> typer.Typer:
    return typer.Typer(
        add_completion=completion,  # --install-completion, --show-completion
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help and errors: no rich, whose import is slower still
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )


def pipfix(context: typer.Context, paths: list[str] | None, **options: Any) -> None:
    """Run what the command line asks for (its parameters are the option table, see _signature)."""
    values = settle(paths, options)
    wrong = problem(values)
    if wrong is not None:
        context.fail(wrong)
    raise typer.Exit(execute(invocation(values)))


def _signature() -> inspect.Signature:
    """pipfix's parameters, for typer (which reads them with inspect.signature): the PATHs, then
    one for each option of the table, in its order."""
    parameter = inspect.Parameter
    paths = Annotated[
        list[str] | None,
        typer.Argument(metavar="PATH...", help=PATHS_HELP, show_default=False),
    ]
    return inspect.Signature(
        [
            parameter("context", parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
            parameter("paths", parameter.KEYWORD_ONLY, default=None, annotation=paths),
            *(
                parameter(option.dest, parameter.KEYWORD_ONLY, default=option.absent, annotation=_annotation(option))
                for option in OPTIONS
            ),
        ]
    )


def _annotation(option: Option) -> Any:
    """What typer reads for `option`: its type, and a typer.Option with its names and help."""
    settings: dict[str, Any] = {"help": option.help, "show_default": False}
    if option.prints is not None:
        settings.update(is_eager=True, callback=_printer(option.prints))
    if option.negatable:
        long_names = [name for name in option.names if name.startswith("--")]
        names = [f"{name}/{negative}" for name, negative in zip(long_names, option.negative_names, strict=True)]
        return Annotated[bool | None, typer.Option(*names, **settings)]
    if option.metavar is None:
        return Annotated[bool, typer.Option(*option.names, **settings)]
    settings.update(
        metavar=f"[{'|'.join(option.choices)}]" if option.choices else option.metavar,
        parser=_parser(option),
    )
    if option.choices:
        settings["autocompletion"] = lambda: list(option.choices)
    value = list[Any] if option.repeat else Any
    return Annotated[value | None, typer.Option(*option.names, **settings)]


def _parser(option: Option) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return option.value(text)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None

    return parse


def _printer(prints: Callable[[Any], str]) -> Callable[[typer.Context, Any], None]:
    def callback(context: typer.Context, value: Any) -> None:
        if value and not context.resilient_parsing:  # resilient: completing a command line
            sys.stdout.write(prints(value))
            raise typer.Exit()

    return callback


pipfix.__signature__ = _signature()  # type: ignore[attr-defined]
app = _app(completion=True)
app.command(help=_verbatim(DESCRIPTION), epilog=_verbatim(EXAMPLES))(pipfix)

lsp_app = _app(completion=False)  # completion is for `pipfix`


@lsp_app.command(help=_verbatim(LSP_HELP))
def lsp(
    stdio: Annotated[bool, typer.Option("--stdio", help="Use standard input and output (the default).")] = False,
) -> None:
    """Serve the language server until the client ends it."""
    try:
        from .lsp import serve
    except ImportError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        print(LSP_MISSING, file=sys.stderr)
        raise typer.Exit(EXIT_ERROR) from None
    serve()
