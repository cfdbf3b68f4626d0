"""An LSP client's side of the tests: `pipfix lsp` started as `python -m pipfix lsp`, and
positions and edits applied the way the specification says a client does, written here
independently of pipfix.source (lines end at LF, CRLF or a lone CR only; characters are code
units of the negotiated position encoding, UTF-16 by default)."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import Iterable

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .cli_support import CLEAN_ENV, SOURCE_ROOT

SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "pipfix", "lsp"],
    server_env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
)


async def stop(client: LanguageClient) -> None:
    """End a session started with SERVER.start(). pygls' own stop waits for the server to exit,
    which it never does when a test failed before shutdown_session(): the server is then killed,
    so the failure is reported instead of hanging the run."""
    server = client._server
    if server is not None and server.returncode is None:
        try:
            await asyncio.wait_for(server.wait(), 5)
        except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
            server.kill()
    await client.stop()


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


# LSP position encoding -> (Python codec, bytes per code unit)
_CODECS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}


def code_units(text: str, encoding: str = "utf-16") -> int:
    codec, unit = _CODECS[encoding]
    return len(text.encode(codec)) // unit


def to_offset(text: str, position: types.Position, encoding: str = "utf-16") -> int:
    """The code-point offset of an LSP position, clamped to its line."""
    starts = line_starts(text)
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    content_end = start + len(text[start:end].rstrip("\r\n"))
    offset = start
    units = 0
    while offset < content_end and units < position.character:
        units += code_units(text[offset], encoding)
        offset += 1
    return offset


def to_position(text: str, offset: int, encoding: str = "utf-16") -> types.Position:
    starts = line_starts(text)
    line = max(i for i, start in enumerate(starts) if start <= offset)
    return types.Position(line=line, character=code_units(text[starts[line] : offset], encoding))


def apply_edits(text: str, edits: Iterable[types.TextEdit], encoding: str = "utf-16") -> str:
    """Apply TextEdits (all relative to `text`) as a client does: from the end backwards."""
    spans = [
        (to_offset(text, e.range.start, encoding), to_offset(text, e.range.end, encoding), e.new_text) for e in edits
    ]
    for start, end, new in sorted(spans, key=lambda span: span[0], reverse=True):
        text = text[:start] + new + text[end:]
    return text


def edits_as_changes(
    text: str, edits: Iterable[types.TextEdit], encoding: str = "utf-16"
) -> list[types.TextDocumentContentChangePartial]:
    """The didChange content changes a client sends once it applied `edits` to `text`: one per
    edit, from the end backwards, so each range holds in the text the previous ones left."""
    ordered = sorted(edits, key=lambda e: to_offset(text, e.range.start, encoding), reverse=True)
    return [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in ordered]


def insertion(
    text: str, offset: int, new_text: str, encoding: str = "utf-16"
) -> tuple[str, types.TextDocumentContentChangePartial]:
    """The text after inserting `new_text` at `offset`, and the incremental change that says so."""
    position = to_position(text, offset, encoding)
    change = types.TextDocumentContentChangePartial(range=types.Range(start=position, end=position), text=new_text)
    return text[:offset] + new_text + text[offset:], change


def cli_output(text: str, *args: str) -> str:
    """`pipfix -` on `text`: the whole fixed text (the editors' stdin contract)."""
    process = subprocess.run(
        [sys.executable, "-m", "pipfix", *args, "-"],
        input=text.encode(),
        capture_output=True,
        env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
        check=True,
        timeout=60,
    )
    return process.stdout.decode()


async def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> list[types.Diagnostic]:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=version, text=text)
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


def send_changes(
    client: LanguageClient, uri: str, version: int, changes: list[types.TextDocumentContentChangeEvent]
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=changes,
        )
    )


async def format_document(client: LanguageClient, uri: str) -> list[types.TextEdit]:
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    return list(edits or [])
