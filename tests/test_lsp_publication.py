"""When `pipfix lsp` publishes the diagnostics of a changed document: once the changes pause
(lsp.CHANGE_DELAY), for the last of them. In process, with the server's own timer."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("pygls.lsp.server")  # pygls 2

from pipfix import lsp


def test_a_burst_of_changes_is_published_once_after_the_pause(monkeypatch) -> None:
    server = lsp.PipfixServer()
    published: list[str] = []
    monkeypatch.setattr(server, "publish", published.append)

    async def type_three_characters() -> None:
        for _ in range(3):
            server.publish_later("file:///Dockerfile")
            await asyncio.sleep(0)
        assert published == []  # not while typing
        await asyncio.sleep(lsp.CHANGE_DELAY * 4)

    asyncio.run(type_three_characters())
    assert published == ["file:///Dockerfile"]


def test_closing_cancels_the_pending_publication(monkeypatch) -> None:
    server = lsp.PipfixServer()
    published: list[str] = []
    monkeypatch.setattr(server, "publish", published.append)

    async def change_then_close() -> None:
        server.publish_later("file:///Dockerfile")
        server.cancel_publication("file:///Dockerfile")
        await asyncio.sleep(lsp.CHANGE_DELAY * 4)

    asyncio.run(change_then_close())
    assert published == []
