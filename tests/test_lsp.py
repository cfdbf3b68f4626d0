"""`pipfix lsp` through a real LSP client over stdio (pytest-lsp), the server started as
`python -m pipfix lsp`."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("pygls.lsp.server")  # pygls 2
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient, client_capabilities  # noqa: E402

from .lsp_support import (  # noqa: E402
    SERVER,
    apply_edits,
    cli_output,
    format_document,
    open_document,
    stop,
)

pytestmark = pytest.mark.asyncio

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


async def change_document(client: LanguageClient, uri: str, text: str, version: int) -> list[types.Diagnostic]:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


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
        # the whole text on every change: the server's copy cannot drift from the editor's
        assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Full
        assert result.server_info.name == "pipfix"
        await client.shutdown_session()
    finally:
        await stop(client)


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
    assert apply_edits(MULTI, edits) == cli_output(MULTI)


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
    assert apply_edits(MULTI, edits) == MULTI.replace("uv pip install", "uv pip install --no-cache")


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
    fixed_one = apply_edits(MULTI, quick[0].edit.changes[uri])
    assert fixed_one == MULTI.replace("RUN pip install flask", "RUN pip install --no-cache-dir flask")

    fix_all = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert [a.kind for a in fix_all] == ["source.fixAll.pipfix"]
    assert apply_edits(MULTI, fix_all[0].edit.changes[uri]) == cli_output(MULTI)


async def test_non_ascii_before_the_call_counts_utf16_units(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    [diagnostic] = await open_document(client, uri, UNICODE)
    # `RUN echo '😀 é' && ` is 18 code points; the emoji is 2 UTF-16 code units.
    assert UNICODE.splitlines()[1].index("pip") == 18
    assert span(diagnostic) == (1, 19, 1, 22)
    edits = await format_document(client, uri)
    assert [(e.range.start.line, e.range.start.character) for e in edits] == [(1, 30)]
    assert apply_edits(UNICODE, edits) == cli_output(UNICODE)


async def test_untitled_document(client: LanguageClient):
    uri = "untitled:Untitled-1"
    diagnostics = await open_document(client, uri, MULTI)
    assert len(diagnostics) == 3
    assert apply_edits(MULTI, await format_document(client, uri)) == cli_output(MULTI)


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
        assert apply_edits(MULTI, await format_document(client, uri)) == cli_output(
            MULTI, "--strategy", "env", "--ignore", "PIP002"
        )

        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"pipfix": {"strategy": "flag", "ignore": []}})
        )
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        assert len(client.diagnostics[uri]) == 3
        assert apply_edits(MULTI, await format_document(client, uri)) == cli_output(MULTI)
        await client.shutdown_session()
    finally:
        await stop(client)


async def test_settings_from_the_project_configuration_file(client: LanguageClient, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pipfix.toml").write_text('strategy = "env"\nignore = ["PIP002"]\n')
    (tmp_path / "docker").mkdir()
    uri = (tmp_path / "docker" / "Dockerfile").as_uri()
    diagnostics = await open_document(client, uri, MULTI)
    assert {d.code for d in diagnostics} == {"PIP001"}
    assert "PIP_NO_CACHE_DIR=1 pip install flask" in apply_edits(MULTI, await format_document(client, uri))


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
        await stop(client)


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
    assert apply_edits(MULTI, await format_document(client, uri)) == cli_output(MULTI)
    while client.diagnostics.get(uri) is None or len(client.diagnostics[uri]) != 3:
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
    assert sorted(d.code for d in client.diagnostics[uri]) == ["PIP001", "PIP001", "PIP002"]


async def code_actions(
    client: LanguageClient, uri: str, start: tuple[int, int], end: tuple[int, int], diagnostics=()
) -> list[types.CodeAction]:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=start[0], character=start[1]),
                end=types.Position(line=end[0], character=end[1]),
            ),
            context=types.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )
    return [action for action in actions or [] if action.kind == types.CodeActionKind.QuickFix]


@pytest.mark.parametrize("character", [0, 3, 20, 26], ids=["line start", "before the word", "after it", "line end"])
async def test_quick_fix_with_the_cursor_anywhere_on_the_line(client: LanguageClient, tmp_path, character):
    # Neovim 0.7 sends an empty range at the cursor, with the diagnostics of the line
    uri = (tmp_path / "Dockerfile").as_uri()
    diagnostics = await open_document(client, uri, MULTI)
    on_line_1 = [d for d in diagnostics if d.range.start.line == 1]
    for sent in (on_line_1, []):
        [action] = await code_actions(client, uri, (1, character), (1, character), sent)
        assert list(action.diagnostics or []) == sent
        fixed = apply_edits(MULTI, action.edit.changes[uri])
        assert fixed == MULTI.replace("RUN pip install flask", "RUN pip install --no-cache-dir flask")


async def test_no_quick_fix_on_a_line_without_a_finding(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    await open_document(client, uri, MULTI)
    assert await code_actions(client, uri, (0, 5), (0, 5)) == []
    # a selection over lines 1 to 3 gets the fix of each
    assert len(await code_actions(client, uri, (1, 0), (3, 0))) == 3


LONE_CR = "FROM python:3.12\nRUN pip install a && echo 'x\ry' && pip install b\nRUN pip install c\n"


async def test_nothing_is_sent_after_a_lone_cr(client: LanguageClient, tmp_path):
    # Neovim and Emacs do not end a line at a lone CR, the specification does: any position
    # after it would name another line in one of them
    uri = (tmp_path / "Dockerfile").as_uri()
    diagnostics = await open_document(client, uri, LONE_CR)
    finding, note = sorted(diagnostics, key=lambda d: d.code or "")[::-1]
    assert (finding.code, span(finding)) == ("PIP001", (1, 4, 1, 7))
    assert span(note) == (1, 0, 1, LONE_CR.split("\n")[1].index("\r"))
    assert note.code is None and "carriage return" in note.message and "pipfix --write" in note.message

    expected = LONE_CR.replace("RUN pip install a", "RUN pip install --no-cache-dir a")
    assert apply_edits(LONE_CR, await format_document(client, uri)) == expected
    fix_all = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert apply_edits(LONE_CR, fix_all[0].edit.changes[uri]) == expected
    assert await code_actions(client, uri, (2, 0), (3, 0)) == []  # the lines after it
    # the command line fixes every call
    assert cli_output(LONE_CR).count("--no-cache-dir") == 3


async def test_a_lone_cr_after_the_last_finding_changes_nothing(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM python:3.12\nRUN pip install a\nRUN echo '\r'\n"
    [diagnostic] = await open_document(client, uri, text)
    assert diagnostic.code == "PIP001"
    assert apply_edits(text, await format_document(client, uri)) == cli_output(text)


async def test_a_broken_configuration_is_shown_to_the_user(client: LanguageClient, tmp_path):
    (tmp_path / ".git").mkdir()
    config = tmp_path / "pipfix.toml"
    config.write_text('strategy = "env"\nline-length = 80\n')
    uri = (tmp_path / "Dockerfile").as_uri()
    assert await open_document(client, uri, MULTI) == []
    assert await format_document(client, uri) == []  # no fixes with settings it cannot know
    [shown] = client.messages
    assert shown.type == types.MessageType.Error
    assert str(config) in shown.message and "line-length" in shown.message

    # shown once, not on every request
    await format_document(client, uri)
    assert len(client.messages) == 1

    config.write_text('strategy = "env"\n')
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert len(client.diagnostics[uri]) == 3
    assert "PIP_NO_CACHE_DIR=1 pip install flask" in apply_edits(MULTI, await format_document(client, uri))
    assert len(client.messages) == 1


async def test_a_bad_client_setting_is_shown_to_the_user(tmp_path):
    client = await SERVER.start()
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("neovim"),
                root_uri=tmp_path.as_uri(),
                initialization_options={"strategy": "mount-everything"},
            )
        )
        await open_document(client, (tmp_path / "Dockerfile").as_uri(), MULTI)
        assert [m.message for m in client.messages] == [
            "pipfix: unknown strategy 'mount-everything' (flag, env or mount)"
        ]
        await client.shutdown_session()
    finally:
        await stop(client)
