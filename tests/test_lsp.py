"""`pipfix lsp` through a real LSP client over stdio (pytest-lsp), the server started as
`python -m pipfix lsp`."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

pytest.importorskip("pygls.lsp.server")  # pygls 2
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from .cli_support import CLEAN_ENV, SOURCE_ROOT  # noqa: E402

pytestmark = pytest.mark.asyncio

SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "pipfix", "lsp"],
    server_env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
)

MULTI = (
    "FROM python:3.12\n"
    "RUN pip install flask && \\\n"
    "    python -m pip install gunicorn\n"
    "RUN uv pip install --system requests\n"
)
UNICODE = "FROM python:3.12\nRUN echo '😀 é' && pip install flask\n"
HEREDOC_BROKEN = "FROM python:3.12\nRUN <<EOF\npip install flask\n"


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()


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


def utf16_offset(text: str, line: int, character: int) -> int:
    """The code-point offset of an LSP position given in UTF-16 code units."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(each) for each in lines[:line])
    units = 0
    for char in lines[line] if line < len(lines) else "":
        if units >= character:
            break
        units += 2 if ord(char) > 0xFFFF else 1
        offset += 1
    return offset


def apply(text: str, edits) -> str:
    """Apply TextEdits (UTF-16 positions) the way a client does: from the end backwards."""
    spans = [
        (
            utf16_offset(text, edit.range.start.line, edit.range.start.character),
            utf16_offset(text, edit.range.end.line, edit.range.end.character),
            edit.new_text,
        )
        for edit in edits
    ]
    for start, end, new in sorted(spans, key=lambda span: span[0], reverse=True):
        text = text[:start] + new + text[end:]
    return text


async def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> list[types.Diagnostic]:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=version, text=text)
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


async def change_document(client: LanguageClient, uri: str, text: str, version: int) -> list[types.Diagnostic]:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


async def format_document(client: LanguageClient, uri: str) -> list[types.TextEdit]:
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    return list(edits or [])


def span(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    r = diagnostic.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


async def test_capabilities(tmp_path):
    # a separate session, to read the initialize result
    client = await SERVER.start()
    try:
        result = await client.initialize_session(
            types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri())
        )
        capabilities = result.capabilities
        assert capabilities.document_formatting_provider
        assert capabilities.document_range_formatting_provider
        kinds = capabilities.code_action_provider.code_action_kinds
        assert types.CodeActionKind.QuickFix in kinds and "source.fixAll.pipfix" in kinds
        assert result.server_info.name == "pipfix"
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_diagnostics_at_the_words_they_are_about(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    diagnostics = await open_document(client, uri, MULTI)
    got = sorted((d.code, span(d)) for d in diagnostics)
    assert got == [
        ("PIP001", (1, 4, 1, 7)),  # pip
        ("PIP001", (2, 4, 2, 10)),  # python (of python -m pip)
        ("PIP002", (3, 4, 3, 6)),  # uv
    ]
    assert all(d.source == "pipfix" and d.message for d in diagnostics)
    assert all(d.severity == types.DiagnosticSeverity.Warning for d in diagnostics)


async def test_formatting_gives_the_cli_output_with_insertions_only(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    await open_document(client, uri, MULTI)
    edits = await format_document(client, uri)
    assert edits and all(e.range.start == e.range.end for e in edits)
    assert apply(MULTI, edits) == cli_output(MULTI)


async def test_range_formatting_fixes_only_the_range(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    await open_document(client, uri, MULTI)
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=3, character=0), end=types.Position(line=3, character=36)),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert apply(MULTI, edits) == MULTI.replace("uv pip install", "uv pip install --no-cache")


async def test_nothing_to_fix_gives_no_edits_and_no_diagnostics(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"
    assert await open_document(client, uri, text) == []
    assert await format_document(client, uri) == []


async def test_quick_fix_and_fix_all(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    diagnostics = await open_document(client, uri, MULTI)
    first = next(d for d in diagnostics if d.range.start.line == 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=first.range,
            context=types.CodeActionContext(diagnostics=[first]),
        )
    )
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert len(quick) == 1
    assert quick[0].is_preferred and list(quick[0].diagnostics) == [first]
    fixed_one = apply(MULTI, quick[0].edit.changes[uri])
    assert fixed_one == MULTI.replace("RUN pip install flask", "RUN pip install --no-cache-dir flask")

    fix_all = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert [a.kind for a in fix_all] == ["source.fixAll.pipfix"]
    assert apply(MULTI, fix_all[0].edit.changes[uri]) == cli_output(MULTI)


async def test_non_ascii_before_the_call_counts_utf16_units(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    [diagnostic] = await open_document(client, uri, UNICODE)
    # `RUN echo '😀 é' && ` is 18 code points; the emoji is 2 UTF-16 code units.
    assert UNICODE.splitlines()[1].index("pip") == 18
    assert span(diagnostic) == (1, 19, 1, 22)
    edits = await format_document(client, uri)
    assert [(e.range.start.line, e.range.start.character) for e in edits] == [(1, 30)]
    assert apply(UNICODE, edits) == cli_output(UNICODE)


async def test_untitled_document(client: LanguageClient):
    uri = "untitled:Untitled-1"
    diagnostics = await open_document(client, uri, MULTI)
    assert len(diagnostics) == 3
    assert apply(MULTI, await format_document(client, uri)) == cli_output(MULTI)


async def test_unparseable_change_does_not_crash_the_server(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    assert len(await open_document(client, uri, MULTI)) == 3
    assert await change_document(client, uri, HEREDOC_BROKEN, 2) == []
    assert await format_document(client, uri) == []
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=2, character=0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not actions
    assert any("cannot fix" in m.message for m in client.log_messages)
    # the server is still there, and recovers when the document is fixed
    assert len(await change_document(client, uri, MULTI, 3)) == 3


async def test_settings_from_initialization_options_and_configuration_change(tmp_path):
    client = await SERVER.start()
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("neovim"),
                root_uri=tmp_path.as_uri(),
                initialization_options={"strategy": "env", "ignore": ["PIP002"]},
            )
        )
        uri = (tmp_path / "Dockerfile").as_uri()
        diagnostics = await open_document(client, uri, MULTI)
        assert {d.code for d in diagnostics} == {"PIP001"}
        assert apply(MULTI, await format_document(client, uri)) == cli_output(
            MULTI, "--strategy", "env", "--ignore", "PIP002"
        )

        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"pipfix": {"strategy": "flag", "ignore": []}})
        )
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        assert len(client.diagnostics[uri]) == 3
        assert apply(MULTI, await format_document(client, uri)) == cli_output(MULTI)
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_settings_from_the_project_configuration_file(client: LanguageClient, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pipfix.toml").write_text('strategy = "env"\nignore = ["PIP002"]\n')
    (tmp_path / "docker").mkdir()
    uri = (tmp_path / "docker" / "Dockerfile").as_uri()
    diagnostics = await open_document(client, uri, MULTI)
    assert {d.code for d in diagnostics} == {"PIP001"}
    assert "PIP_NO_CACHE_DIR=1 pip install flask" in apply(MULTI, await format_document(client, uri))


async def test_utf8_position_encoding_when_the_client_offers_it(tmp_path):
    client = await SERVER.start()
    try:
        capabilities = client_capabilities("visual-studio-code")
        capabilities.general = types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
        )
        result = await client.initialize_session(
            types.InitializeParams(capabilities=capabilities, root_uri=tmp_path.as_uri())
        )
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
        uri = (tmp_path / "Dockerfile").as_uri()
        [diagnostic] = await open_document(client, uri, UNICODE)
        prefix = UNICODE.splitlines()[1][:18]
        assert diagnostic.range.start.character == len(prefix.encode("utf-8"))
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_saving_republishes(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    await open_document(client, uri, MULTI)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
    assert len(client.diagnostics[uri]) == 3


async def test_format_on_save_right_after_a_change_sees_the_change(client: LanguageClient, tmp_path):
    # an editor sends the change and the formatting request together; the change's diagnostics
    # come once the edits pause
    uri = (tmp_path / "Dockerfile").as_uri()
    await open_document(client, uri, "FROM python:3.12\n")
    for version, text in enumerate(["FROM python:3.12\nRUN pip install a\n", MULTI], 2):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    assert apply(MULTI, await format_document(client, uri)) == cli_output(MULTI)
    while client.diagnostics.get(uri) is None or len(client.diagnostics[uri]) != 3:
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
    assert sorted(d.code for d in client.diagnostics[uri]) == ["PIP001", "PIP001", "PIP002"]
