"""Request bodies: size limits (413) and gzip-compressed uploads, before anything parses them.

A pure ASGI middleware, so an oversized body is refused while it streams in rather than after it has been
held in memory, and a small gzip body that inflates into gigabytes (a "zip bomb") is cut off at the limit.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

MAX_BODY = 8 * 1024 * 1024  # compressed and uncompressed; a 500-change batch is far below this


class _TooLarge(Exception):
    pass


async def _send_error(send: Any, status: int, code: str, detail: str) -> None:
    body = json.dumps({"error": code, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(self, app: Any, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope["headers"]}
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _send_error(send, 413, "too_large", f"Request bodies are limited to {self.max_body} bytes.")
            return
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip"):
            await _send_error(send, 415, "unsupported_encoding", "Only gzip request bodies are accepted.")
            return
        try:
            body = await self._read(receive)
            if encoding == b"gzip":
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                body = inflater.decompress(body, self.max_body + 1)
                if len(body) > self.max_body or inflater.unconsumed_tail:
                    raise _TooLarge
        except _TooLarge:
            await _send_error(send, 413, "too_large", f"Request bodies are limited to {self.max_body} bytes.")
            return
        except zlib.error:
            await _send_error(send, 400, "bad_encoding", "The request body is not valid gzip.")
            return
        new_headers = [(k, v) for k, v in scope["headers"] if k.lower() not in (b"content-encoding", b"content-length")]
        new_headers.append((b"content-length", str(len(body)).encode()))
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": new_headers}, replay, send)

    async def _read(self, receive: Any) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)
