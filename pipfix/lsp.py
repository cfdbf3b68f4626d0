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
- a document the engine cannot fix gives no edits and no diagnostics; the reason goes to the
  client's log (window/logMessage). The server never crashes on a document.
"""

from __future__ import annotations

import asyncio
import logging
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

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientSettings:
    """What the editor sets; None or empty: not set (the configuration file decides)."""

    strategy: Strategy | None = None
    ignore: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Analysis:
    text: str
    settings: Settings
    result: Result | None  # None: the engine could not fix the document
    index: LspIndex
    encoding: str  # of LSP positions, as negotiated at initialize


class PipfixServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("pipfix", __version__)
        self.client_settings = ClientSettings()
        self._analyses: dict[str, Analysis] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}  # uri -> its delayed publication

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
                self.log(f"pipfix: unknown strategy {raw['strategy']!r} (flag or env)", types.MessageType.Warning)
        if "ignore" in raw:
            value = raw["ignore"]
            try:
                ignore = parse_codes([value] if isinstance(value, str) else list(value or []))
            except (TypeError, ValueError):
                self.log(f"pipfix: bad ignore setting {value!r}", types.MessageType.Warning)
        self.client_settings = ClientSettings(strategy, ignore)
        self._analyses.clear()

    def settings_for(self, uri: str) -> Settings:
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
                self.log(f"pipfix: {error}", types.MessageType.Warning)
        overrides = Overrides(strategy=self.client_settings.strategy, ignore=self.client_settings.ignore)
        return resolve(overrides, config).settings

    # --- analysis --------------------------------------------------------------------------

    def analyze(self, uri: str) -> Analysis | None:
        try:
            document = self.workspace.get_text_document(uri)
            text = document.source
        except Exception as error:  # e.g. a file: URI for a document that was never opened
            self.log(f"pipfix: cannot read {uri}: {error}", types.MessageType.Warning)
            return None
        settings = self.settings_for(uri)
        cached = self._analyses.get(uri)
        if cached is not None and cached.text == text and cached.settings == settings:
            return cached
        try:
            result: Result | None = fix(text, settings)
        except Exception as error:  # CannotFix, InternalError, or a bug: never crash
            self.log(f"pipfix: cannot fix {uri}: {error}", types.MessageType.Warning)
            result = None
        analysis = Analysis(text, settings, result, LspIndex(text), self.encoding)
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

    def diagnostics(self, analysis: Analysis) -> list[types.Diagnostic]:
        if analysis.result is None:
            return []
        return [
            types.Diagnostic(
                range=self.finding_range(analysis, finding),
                message=finding.message,
                severity=types.DiagnosticSeverity.Warning
                if finding.code in CACHE_CODES
                else types.DiagnosticSeverity.Information,
                code=finding.code,
                source=SOURCE,
            )
            for finding in analysis.result.findings
        ]

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
        if uri not in self.workspace.text_documents:
            return  # closed meanwhile
        analysis = self.analyze(uri)
        diagnostics = [] if analysis is None else self.diagnostics(analysis)
        try:
            version = self.workspace.get_text_document(uri).version
        except Exception:
            version = None
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def text_edits(self, analysis: Analysis, offsets: range | None = None) -> list[types.TextEdit]:
        """The engine's insertions (those at offsets in `offsets`, when given) as TextEdits."""
        if analysis.result is None:
            return []
        edits = []
        for edit in analysis.result.edits:
            if offsets is not None and edit.offset not in offsets:
                continue
            position = self.position(analysis, edit.offset)
            edits.append(types.TextEdit(range=types.Range(start=position, end=position), new_text=edit.text))
        return edits

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        logger.info(message)
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
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
        for uri in list(ls.workspace.text_documents):
            ls.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PipfixServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PipfixServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PipfixServer, params: types.DidSaveTextDocumentParams) -> None:
        ls._analyses.clear()  # a saved configuration file may change every document's settings
        for uri in list(ls.workspace.text_documents):
            ls.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PipfixServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.cancel_publication(params.text_document.uri)
        ls._analyses.pop(params.text_document.uri, None)
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
            start = ls.offset(analysis, params.range.start)
            end = ls.offset(analysis, params.range.end)
            sent = [d for d in params.context.diagnostics if d.source == SOURCE]
            for finding in analysis.result.findings:
                if finding.fix is None:
                    continue
                finding_end = word_end(analysis.text, finding.offset)
                if finding_end < start or finding.offset > end:
                    continue
                diagnostic_range = ls.finding_range(analysis, finding)
                matching = [d for d in sent if d.code == finding.code and d.range == diagnostic_range]
                position = ls.position(analysis, finding.fix.offset)
                edit = types.TextEdit(range=types.Range(start=position, end=position), new_text=finding.fix.text)
                actions.append(
                    types.CodeAction(
                        title=f"pipfix: insert {finding.fix.text.strip()!r} ({finding.code})",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=matching or None,
                        is_preferred=True,
                        edit=types.WorkspaceEdit(changes={uri: [edit]}),
                    )
                )
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
    build_server().start_io()
