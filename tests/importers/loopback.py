"""A real HTTP server on 127.0.0.1 serving a folder, with ETag/Last-Modified (304) and
scripted failures (5xx, error pages, slow or cut-short answers)."""

from __future__ import annotations

import hashlib
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class Reply:
    """A scripted answer: a status and body, or a broken connection."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (for timeouts)
    short_by: int = 0  # announce this many more bytes than are sent, then hang up
    trickle: float = 0.0  # seconds between 100-byte pieces of the body (a slow server)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    scripts: dict[str, list[Reply]]
    routes: dict[str, Reply]
    requests: list[tuple[str, dict[str, str]]]

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that give up mid-answer (size cap, timeouts) are expected here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        self.server.requests.append((path, dict(self.headers)))
        if self.path in self.server.routes:  # an answer for this exact path and query
            self._reply(self.server.routes[self.path])
            return
        script = self.server.scripts.get(path)
        if script:
            self._reply(script.pop(0))
            return
        file = self.server.root / path.lstrip("/")
        if not file.is_file():
            self._reply(Reply(404, b"<html><body>Not Found</body></html>"))
            return
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        mtime = int(file.stat().st_mtime)
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        since = self.headers.get("If-Modified-Since")
        if self.headers.get("If-None-Match") == etag or (
            since and parsedate_to_datetime(since).timestamp() >= mtime
        ):
            self._reply(Reply(304, headers=headers))
            return
        self._reply(Reply(200, body, headers))

    def _reply(self, reply: Reply) -> None:
        time.sleep(reply.delay)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != 304:
            self.send_header("Content-Length", str(len(reply.body) + reply.short_by))
        self.end_headers()
        if reply.status != 304:
            self._body(reply)
        if reply.short_by:
            self.close_connection = True

    def _body(self, reply: Reply) -> None:
        if not reply.trickle:
            self.wfile.write(reply.body)
            return
        for start in range(0, len(reply.body), 100):
            self.wfile.write(reply.body[start : start + 100])
            self.wfile.flush()
            time.sleep(reply.trickle)


@dataclass
class HttpServer:
    root: Path
    base: str
    server: _Server

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def script(self, path: str, *replies: Reply) -> None:
        """The next requests for `path` get these replies, in order, then the file again."""
        self.server.scripts["/" + path.lstrip("/")] = list(replies)

    def route(self, url: str, body: bytes, status: int = 200) -> None:
        """Answer GETs of exactly this URL (path and query string) with ``body``."""
        parts = urlsplit(url)
        self.server.routes[parts.path + (f"?{parts.query}" if parts.query else "")] = Reply(status, body)

    def publish(self, source: Path, name: str | None = None) -> str:
        """Copy a file into the served folder; return its URL."""
        target = self.root / (name or source.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return self.url(str(target.relative_to(self.root)))

    def requests_for(self, path: str) -> list[dict[str, str]]:
        path = "/" + path.lstrip("/")
        return [headers for p, headers in self.server.requests if p == path]


@contextmanager
def serve(root: Path) -> Iterator[HttpServer]:
    root.mkdir(parents=True, exist_ok=True)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.root, server.scripts, server.routes, server.requests = root, {}, {}, []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield HttpServer(root, f"http://127.0.0.1:{server.server_address[1]}", server)
    finally:
        server.shutdown()
        server.server_close()
