"""A bug answers one 500 problem and keeps the connection (issue 8, item 6).

Starlette hands an exception no handler took to its outermost middleware, which answers and
then re-raises it to the server, and uvicorn then drops the keep-alive connection. This
middleware sits inside that one: it logs the exception, answers the RFC 9457 problem itself
(when nothing of the response was sent yet) and swallows it, so the client's connection stays
usable. No input is meant to get here; tests fuzz the API to keep it so.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.api.problems import problem

_log = logging.getLogger(__name__)


class UnexpectedFailures:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            _log.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            if started:
                raise
            response = problem("internal-error", "the server failed; nothing was written", 500)
            await response(scope, receive, send)
