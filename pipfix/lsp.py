"""`pipfix lsp`: a language server over stdio (pygls 2.x, the `lsp` extra).

- diagnostics on open, change and save: the finding's code and message, its range the pip,
  python or uv word (or the variable setting) the finding is about; after a change they wait
  until the edits have paused (CHANGE_DELAY), so typing is not analysed keystroke by keystroke
  and a formatting request sent with the change (format on save) is answered first;
- code actions: one preferred quick fix per fixable finding, and `source.fixAll.pipfix` (for
  code-actions-on-save);
- `textDocument/formatting` and `rangeFormatting`: the engine's insertions as TextEdits, in the
  position encoding the client negotiated (UTF-16 unless it offered UTF-8 or UTF-32);
- settings: `strategy` and `ignore` from initializationOptions and
  workspace/didChangeConfiguration (as is, or under a "pipfix" key), over the project's
  configuration file (pyproject.toml [tool.pipfix], pipfix.toml, .pipfix.toml), found from the
  document's directory (from the workspace root for untitled documents);
- the documents' texts are exactly the editor's: full sync (the whole text on every change),
  and changes with a range (from clients that send them anyway) applied with the
  specification's line breaks (LF, CRLF, CR), never str.splitlines(), which also breaks lines
  at a form feed, a vertical tab, U+001C-U+001E, U+0085, U+2028 and U+2029;
- a carriage return inside a line (a lone CR) ends a line for the specification but not for
  Neovim or Emacs, so nothing after the first one is sent (no diagnostics, no edits; one
  diagnostic on its line says so); the command line fixes such a file;
- a document the engine cannot fix gives no edits and no diagnostics; the reason goes to the
  client's log (window/logMessage). A configuration file (or client setting) that cannot be used
  is shown to the user (window/showMessage), once until it changes; the documents it governs
  get no edits meanwhile, as the command line refuses to run with it. The server never crashes
  on a document.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__
from .config import Config, ConfigError, Overrides, find_config, load_config, parse_codes, resolve
from .engine import Finding, Result, fix
from .runner import CACHE_CODES
from .settings import Settings, Strategy
from .source import UTF16, LspIndex, word_end

SOURCE = "pipfix"
FIX_ALL = "source.fixAll.pipfix"
CHANGE_DELAY = 0.05  # seconds without a new change before a changed document's diagnostics

LONE_CR_MESSAGE = (
    "this line holds a carriage return (CR) that does not end it: editors count the lines after it "
    "differently, so pipfix shows and fixes nothing after it here; `pipfix --write` fixes the file"
)
_LONE_CR = re.compile(r"\r(?!\n)")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientSettings:
    """What the editor sets; None or empty: not set (the configuration file decides)."""

    strategy: Strategy | None = None
    ignore: frozenset[str] = frozenset()


@dataclass
class Document:
    """An open document as the editor has it."""

    text: str
    version: int | None


@dataclass(frozen=True)
class Analysis:
    text: str
    settings: Settings | None  # None: the configuration cannot be used (shown to the user)
    result: Result | None  # None: the engine could not fix the document, or no settings
    index: LspIndex
    encoding: str  # of LSP positions, as negotiated at initialize
    lone_cr: int | None  # the offset of the first CR not followed by LF: nothing is sent after it

    def sendable(self, offset: int) -> bool:
        """Whether a position at `offset` means the same line in every editor: it is not after
        a lone CR (right before one is fine)."""
        return self.lone_cr is None or offset <= self.lone_cr


def apply_change(text: str, change: types.TextDocumentContentChangeEvent, encoding: str) -> str:
    """The text after one didChange content change, its range read with the specification's
    line breaks (LspIndex)."""
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return change.text
    index = LspIndex(text)
    start = index.offset(change.range.start.line, change.range.start.character, encoding)
    end = index.offset(change.range.end.line, change.range.end.character, encoding)
    return text[:start] + change.text + text[max(start, end) :]


class PipfixServer(LanguageServer):
    def __init__(self) -> None:
        # Full sync: the editor sends its whole text on every change, so the server's copy cannot
        # drift from it whatever characters it holds or however the editor counts lines. A
        # client that sends ranges anyway gets them applied with the specification's line breaks
        # (apply_change): pygls's own copy would not be right (str.splitlines), so it is unused.
        super().__init__("pipfix", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.client_settings = ClientSettings()
        self.documents: dict[str, Document] = {}
        self._analyses: dict[str, Analysis] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}  # uri -> its delayed publication
        self._shown_problems: dict[Path | None, str] = {}  # search start -> configuration problem shown

    # --- settings --------------------------------------------------------------------------

    def update_settings(self, raw: Any) -> None:
        if isinstance(raw, Mapping) and isinstance(raw.get("pipfix"), Mapping):
            raw = raw["pipfix"]
        if isinstance(raw, Mapping) and isinstance(raw.get("settings"), Mapping):
            raw = raw["settings"]
        if not isinstance(raw, Mapping):
            return
        strategy = self.client_settings.strategy
        ignore = self.client_settings.ignore
        if "strategy" in raw:
            try:
                strategy = None if raw["strategy"] is None else Strategy(str(raw["strategy"]).lower())
            except ValueError:
                self.show(
                    f"pipfix: unknown strategy {raw['strategy']!r} (flag, env or mount)", types.MessageType.Warning
                )
        if "ignore" in raw:
            value = raw["ignore"]
            try:
                ignore = parse_codes([value] if isinstance(value, str) else list(value or []))
            except (TypeError, ValueError):
                self.show(f"pipfix: bad ignore setting {value!r}", types.MessageType.Warning)
        self.client_settings = ClientSettings(strategy, ignore)
        self._analyses.clear()

    def settings_for(self, uri: str) -> Settings | None:
        """The settings for the document; None when its configuration file cannot be used."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        start: Path | None = Path(path).parent if path else None
        if start is None:
            root = self._workspace_or_none().root_path if self._workspace_or_none() else None
            start = Path(root) if root else None
        config = Config()
        if start is not None:
            try:
                found = find_config(start)
                if found is not None:
                    config = load_config(found)
            except (ConfigError, OSError) as error:
                self.configuration_problem(start, f"pipfix: {error} (no fixes until it is corrected)")
                return None
        self.configuration_problem(start, None)
        overrides = Overrides(strategy=self.client_settings.strategy, ignore=self.client_settings.ignore)
        return resolve(overrides, config).settings

    def configuration_problem(self, start: Path | None, message: str | None) -> None:
        """Show the user a configuration problem (`message`; None: there is none now) of the
        documents whose search starts at `start`, once until it changes."""
        if message is None:
            self._shown_problems.pop(start, None)
        elif self._shown_problems.get(start) != message:
            self._shown_problems[start] = message
            self.show(message, types.MessageType.Error)

    # --- documents and analysis ------------------------------------------------------------

    def open_document(self, item: types.TextDocumentItem) -> None:
        self.documents[item.uri] = Document(item.text, item.version)

    def change_document(self, params: types.DidChangeTextDocumentParams) -> None:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            self.log(f"pipfix: a change to {params.text_document.uri}, which is not open", types.MessageType.Warning)
            return
        for change in params.content_changes:
            document.text = apply_change(document.text, change, self.encoding)
        document.version = params.text_document.version

    def close_document(self, uri: str) -> None:
        self.cancel_publication(uri)
        self.documents.pop(uri, None)
        self._analyses.pop(uri, None)

    def analyze(self, uri: str) -> Analysis | None:
        document = self.documents.get(uri)
        if document is None:
            self.log(f"pipfix: cannot read {uri}: it is not open", types.MessageType.Warning)
            return None
        text = document.text
        settings = self.settings_for(uri)
        cached = self._analyses.get(uri)
        if cached is not None and cached.text == text and cached.settings == settings:
            return cached
        result: Result | None = None
        if settings is not None:
            try:
                result = fix(text, settings)
            except Exception as error:  # CannotFix, InternalError, or a bug: never crash
                self.log(f"pipfix: cannot fix {uri}: {error}", types.MessageType.Warning)
        lone_cr = _LONE_CR.search(text)
        analysis = Analysis(
            text, settings, result, LspIndex(text), self.encoding, None if lone_cr is None else lone_cr.start()
        )
        self._analyses[uri] = analysis
        return analysis

    @property
    def encoding(self) -> str:
        workspace = self._workspace_or_none()
        encoding = workspace.position_encoding if workspace is not None else None
        return str(getattr(encoding, "value", encoding) or UTF16)

    def _workspace_or_none(self) -> Any:
        try:
            return self.workspace
        except RuntimeError:  # before initialize
            return None

    def position(self, analysis: Analysis, offset: int) -> types.Position:
        line, character = analysis.index.position(offset, analysis.encoding)
        return types.Position(line=line, character=character)

    def offset(self, analysis: Analysis, position: types.Position) -> int:
        return analysis.index.offset(position.line, position.character, analysis.encoding)

    def finding_range(self, analysis: Analysis, finding: Finding) -> types.Range:
        end = word_end(analysis.text, finding.offset)
        return types.Range(start=self.position(analysis, finding.offset), end=self.position(analysis, end))

    def findings(self, analysis: Analysis) -> list[Finding]:
        """The findings whose positions can be sent (see Analysis.sendable)."""
        if analysis.result is None:
            return []
        return [finding for finding in analysis.result.findings if analysis.sendable(finding.offset)]

    def diagnostics(self, analysis: Analysis) -> list[types.Diagnostic]:
        findings = self.findings(analysis)
        diagnostics = [
            types.Diagnostic(
                range=self.finding_range(analysis, finding),
                message=finding.message,
                severity=types.DiagnosticSeverity.Warning
                if finding.code in CACHE_CODES
                else types.DiagnosticSeverity.Information,
                code=finding.code,
                source=SOURCE,
            )
            for finding in findings
        ]
        if analysis.result is not None and len(findings) < len(analysis.result.findings):
            diagnostics.append(self.lone_cr_diagnostic(analysis))
        return diagnostics

    def lone_cr_diagnostic(self, analysis: Analysis) -> types.Diagnostic:
        """On the first lone CR's line, from its start to the CR (the same in every editor)."""
        assert analysis.lone_cr is not None
        end = self.position(analysis, analysis.lone_cr)
        return types.Diagnostic(
            range=types.Range(start=types.Position(line=end.line, character=0), end=end),
            message=LONE_CR_MESSAGE,
            severity=types.DiagnosticSeverity.Warning,
            source=SOURCE,
        )

    def publish_later(self, uri: str) -> None:
        """Publish the diagnostics of `uri` once no change has come for CHANGE_DELAY."""
        self.cancel_publication(uri)
        self._pending[uri] = asyncio.get_running_loop().call_later(CHANGE_DELAY, self.publish, uri)

    def cancel_publication(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()

    def publish(self, uri: str) -> None:
        self.cancel_publication(uri)
        document = self.documents.get(uri)
        if document is None:
            return  # closed meanwhile
        analysis = self.analyze(uri)
        diagnostics = [] if analysis is None else self.diagnostics(analysis)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )

    def text_edit(self, analysis: Analysis, offset: int, text: str) -> types.TextEdit:
        position = self.position(analysis, offset)
        return types.TextEdit(range=types.Range(start=position, end=position), new_text=text)

    def text_edits(self, analysis: Analysis, offsets: range | None = None) -> list[types.TextEdit]:
        """The engine's insertions (those at offsets in `offsets`, when given) as TextEdits. The
        insertions at one offset (cache mounts) make one TextEdit: clients differ in how they
        order several inserts at one position."""
        if analysis.result is None:
            return []
        texts: dict[int, str] = {}
        for edit in analysis.result.edits:
            if (offsets is None or edit.offset in offsets) and analysis.sendable(edit.offset):
                texts[edit.offset] = texts.get(edit.offset, "") + edit.text
        return [self.text_edit(analysis, offset, text) for offset, text in texts.items()]

    def quick_fixes(self, uri: str, analysis: Analysis, params: types.CodeActionParams) -> list[types.CodeAction]:
        """One per fixable finding on the lines of the range (Neovim 0.7 sends the cursor as an
        empty range, anywhere on the line) or among the diagnostics the client sent."""
        sent = [d for d in params.context.diagnostics if d.source == SOURCE]
        actions = []
        for finding in self.findings(analysis):
            if finding.fix is None or not analysis.sendable(finding.fix.offset):
                continue
            diagnostic_range = self.finding_range(analysis, finding)
            matching = [d for d in sent if d.code == finding.code and d.range == diagnostic_range]
            on_the_lines = params.range.start.line <= diagnostic_range.start.line <= params.range.end.line
            if not (on_the_lines or matching):
                continue
            edit = self.text_edit(analysis, finding.fix.offset, finding.fix.text)
            actions.append(
                types.CodeAction(
                    title=f"pipfix: insert {finding.fix.text.strip()!r} ({finding.code})",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=matching or None,
                    is_preferred=True,
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
        return actions

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        logger.info(message)
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # no client connected (yet)
            pass

    def show(self, message: str, kind: types.MessageType) -> None:
        """A message the user sees (window/showMessage), also in the client's log."""
        self.log(message, kind)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:  # no client connected (yet)
            pass


def _kind_wanted(kind: str, only: Iterable[str] | None) -> bool:
    """LSP: `only` holds kinds or their prefixes ("source" asks for "source.fixAll.pipfix")."""
    if only is None:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def build_server() -> PipfixServer:
    server = PipfixServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: PipfixServer, params: types.InitializeParams) -> None:
        ls.update_settings(params.initialization_options)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: PipfixServer, params: types.DidChangeConfigurationParams) -> None:
        ls.update_settings(params.settings)
        for uri in list(ls.documents):
            ls.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PipfixServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.open_document(params.text_document)
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PipfixServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.change_document(params)
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PipfixServer, params: types.DidSaveTextDocumentParams) -> None:
        ls._analyses.clear()  # a saved configuration file may change every document's settings
        for uri in list(ls.documents):
            ls.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PipfixServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close_document(params.text_document.uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: PipfixServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        analysis = ls.analyze(params.text_document.uri)
        return [] if analysis is None else ls.text_edits(analysis)

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    def range_formatting(ls: PipfixServer, params: types.DocumentRangeFormattingParams) -> list[types.TextEdit]:
        analysis = ls.analyze(params.text_document.uri)
        if analysis is None:
            return []
        start = ls.offset(analysis, params.range.start)
        end = ls.offset(analysis, params.range.end)
        return ls.text_edits(analysis, range(start, end + 1))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
    )
    def code_action(ls: PipfixServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        analysis = ls.analyze(uri)
        if analysis is None or analysis.result is None:
            return []
        only = params.context.only
        actions: list[types.CodeAction] = []
        if _kind_wanted(types.CodeActionKind.QuickFix, only):
            actions += ls.quick_fixes(uri, analysis, params)
        if _kind_wanted(FIX_ALL, only):
            edits = ls.text_edits(analysis)
            if edits:
                actions.append(
                    types.CodeAction(
                        title="pipfix: fix all",
                        kind=FIX_ALL,
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                    )
                )
        return actions

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="pipfix lsp: %(message)s")
    # pygls complains of every change with a range under full sync; the server applies it.
    logging.getLogger("pygls.workspace.text_document").setLevel(logging.CRITICAL)
    build_server().start_io()
