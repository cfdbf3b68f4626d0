"""The language server's copy of a document stays the editor's, whatever characters it holds.

Python's str.splitlines() also ends lines at a form feed, a vertical tab, U+001C-U+001E, U+0085,
U+2028 and U+2029; the LSP specification ends them only at LF, CRLF and CR. Each test opens a
text holding one of those characters, sends incremental didChange messages before and after it
(and the edits of each format-on-save, as an editor reports the edits it applied), saves twice,
and checks that the text after applying the server's edits is what `pipfix -` prints for the
editor's text.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pygls.lsp.server")  # pygls 2
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient, client_capabilities  # noqa: E402

from .lsp_support import (  # noqa: E402
    SERVER,
    apply_edits,
    cli_output,
    edits_as_changes,
    format_document,
    insertion,
    open_document,
    send_changes,
    to_position,
)

pytestmark = pytest.mark.asyncio

# Line breaks for str.splitlines(), ordinary characters for LSP.
NOT_LINE_BREAKS = {
    "form feed": "\f",
    "vertical tab": "\v",
    "file separator U+001C": "\x1c",
    "group separator U+001D": "\x1d",
    "record separator U+001E": "\x1e",
    "next line U+0085": "\x85",
    "line separator U+2028": "\u2028",
    "paragraph separator U+2029": "\u2029",
}


# The capabilities of these clients offer UTF-8, UTF-32 and only UTF-16 positions first.
@pytest_lsp.fixture(config=SERVER, params=["neovim", "emacs", "visual-studio-code"])
async def client(lsp_client: LanguageClient, request, tmp_path):
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities(request.param), root_uri=tmp_path.as_uri())
    )
    lsp_client.position_encoding = result.capabilities.position_encoding or "utf-16"  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


class Editor:
    """The editor's side: its text, and each change sent as an incremental didChange."""

    def __init__(self, client: LanguageClient, uri: str, text: str) -> None:
        self.client = client
        self.encoding = client.position_encoding  # type: ignore[attr-defined]
        self.uri = uri
        self.text = text
        self.version = 1

    def insert(self, offset: int, new_text: str) -> None:
        self.text, change = insertion(self.text, offset, new_text, self.encoding)
        self.send([change])

    def send(self, changes: list[types.TextDocumentContentChangeEvent]) -> None:
        self.version += 1
        send_changes(self.client, self.uri, self.version, changes)

    async def save(self) -> None:
        """Format on save: apply the server's edits, report them as changes, save; the result
        must be the command line's fix of the text before."""
        edits = await format_document(self.client, self.uri)
        fixed = apply_edits(self.text, edits, self.encoding)
        assert fixed == cli_output(self.text)
        if edits:
            self.send(edits_as_changes(self.text, edits, self.encoding))
        self.text = fixed
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=self.uri))
        )


@pytest.mark.parametrize("char", NOT_LINE_BREAKS.values(), ids=NOT_LINE_BREAKS.keys())
async def test_incremental_changes_around_a_character_splitlines_breaks_at(client: LanguageClient, tmp_path, char):
    text = (
        "FROM python:3.12\n"
        f"RUN echo 'a{char}b' && pip install flask\n"
        f"RUN echo {char} && python -m pip install gunicorn\n"
    )
    editor = Editor(client, (tmp_path / "Dockerfile").as_uri(), text)
    await open_document(client, editor.uri, text)

    editor.insert(editor.text.index(char), "z")  # before it, on its line
    editor.insert(editor.text.index("flask") + len("flask"), " numpy")  # after it, on its line
    editor.insert(len(editor.text), f"RUN pip install six{char}\n")  # lines below it
    await editor.save()
    assert editor.text.count("--no-cache-dir") == 3

    editor.insert(editor.text.index("gunicorn"), "uvicorn ")  # after it, once the fixes are in
    editor.insert(len(editor.text), f"RUN echo {char}{char} && uv pip install --system requests\n")
    await editor.save()
    assert editor.text.count("--no-cache-dir") == 3 and editor.text.count("--no-cache ") == 1
    assert await format_document(client, editor.uri) == []  # the server's text is the editor's


async def test_a_change_that_replaces_a_range_across_lines(client: LanguageClient, tmp_path):
    text = "FROM python:3.12\nRUN echo '\f' && pip install a\r\nRUN echo '\u2028'\rRUN pip install b\n"
    editor = Editor(client, (tmp_path / "Dockerfile").as_uri(), text)
    await open_document(client, editor.uri, text)
    start = text.index("a\r\n")
    end = text.index("b\n")
    replacement = "c \\\n    && pip install d\nRUN pip install e"
    change = types.TextDocumentContentChangePartial(
        range=types.Range(
            start=to_position(text, start, editor.encoding), end=to_position(text, end + 1, editor.encoding)
        ),
        text=replacement,
    )
    assert (change.range.start.line, change.range.end.line) == (1, 3)
    editor.text = text[:start] + replacement + text[end + 1 :]
    editor.send([change])
    await editor.save()
    assert editor.text.count("--no-cache-dir") == 3


async def test_a_whole_document_change_replaces_the_text(client: LanguageClient, tmp_path):
    editor = Editor(client, (tmp_path / "Dockerfile").as_uri(), "FROM a\n")
    await open_document(client, editor.uri, editor.text)
    editor.text = "FROM a\nRUN echo '\x85' && pip install b\n"
    editor.send([types.TextDocumentContentChangeWholeDocument(text=editor.text)])
    editor.insert(len(editor.text), "RUN pip install c\n")
    await editor.save()
    assert editor.text.count("--no-cache-dir") == 2
