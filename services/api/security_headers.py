"""Response headers that make the web pages safe to open (issue 8, item 7).

Every response says ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``.
The auditor's pages (``/ui``) also carry a strict ``Content-Security-Policy``: their one script
and style sheet are same-origin files, so nothing inline is allowed, no other host is reached and
no other site may frame them. ``/docs`` serves Swagger UI, whose page needs its own policy; it is
left to that page.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UI_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        page = path == "/ui" or path.startswith("/ui/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _ALWAYS.items():
                    headers.setdefault(name, value)
                if page:
                    headers.setdefault("Content-Security-Policy", UI_CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)
