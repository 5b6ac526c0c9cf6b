"""What the web server adds to Streamlit's own: the page's language is Swedish from the first byte.

Streamlit's page shell (index.html, served for every page URL) declares `<html lang="en">`, and
Streamlit 1.67 has no setting for it; a screen reader would then read every Swedish word with
English pronunciation until a script changed it. `dashboard.py` serves the app as an `st.App` with
this middleware, which writes `lang="sv"` into the shell as it is sent.
"""

from __future__ import annotations

import gzip

_ENGLISH = b'<html lang="en">'
_SWEDISH = b'<html lang="sv">'


def swedish(body: bytes, encoding: bytes) -> bytes:
    """An HTML body with `lang="sv"`, compressed again if it came compressed (Streamlit gzips for browsers)."""
    if encoding == b"gzip":
        return gzip.compress(swedish(gzip.decompress(body), b""), mtime=0)
    return body.replace(_ENGLISH, _SWEDISH, 1)


class SwedishDocument:
    """ASGI middleware: in an HTML response, `<html lang="en">` becomes `<html lang="sv">`; nothing else changes."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        held: list[bytes] = []

        async def send_swedish(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict((name.lower(), value) for name, value in message.get("headers", []))
                if headers.get(b"content-type", b"").startswith(b"text/html") and scope["method"] == "GET":
                    start = message  # sent with the body, whose length may change
                    return
            elif start is not None and message["type"] == "http.response.body":
                held.append(message.get("body", b""))
                if message.get("more_body"):
                    return  # the shell is small; held whole so the tag is never split
                headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"content-length"]
                encoding = dict((n.lower(), v) for n, v in headers).get(b"content-encoding", b"")
                body = swedish(b"".join(held), encoding)
                await send({**start, "headers": headers + [(b"content-length", str(len(body)).encode())]})
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await self.app(scope, receive, send_swedish)
