"""Download a published list to disk: streamed, size-capped, retried, conditional (ETag)."""

from __future__ import annotations

import hashlib
import os
import ssl
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from refdb.errors import RefdbError

DEFAULT_MAX_BYTES = 512 * 1024 * 1024  # the full EU XML is ~25 MB; far above any real list
DEFAULT_TIMEOUT = 60.0
CHUNK = 256 * 1024
Progress = Callable[[int, int | None], None]


class FetchError(RefdbError):
    """A download failed; `status` is the HTTP status when the server answered."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FetchResult:
    path: Path | None  # None when not_modified
    url: str
    sha256: str | None
    size: int
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    not_modified: bool
    content_type: str | None


def fetch(
    url: str,
    dest_dir: Path,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = 3,
    backoff: float = 0.5,
    progress: Progress | None = None,
    filename: str | None = None,
) -> FetchResult:
    """GET `url` into dest_dir/filename (default: the URL's last path segment).

    Connection errors, incomplete bodies and 5xx answers are retried `retries` times with
    exponential backoff; a 4xx is final. With `etag`/`last_modified` from the previous fetch,
    a 304 answer returns `not_modified=True` and writes nothing.
    """
    headers = {"User-Agent": "refdb (sanctions list importer)"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    target = Path(dest_dir) / (filename or _filename(url))
    attempt = 0
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, verify=_tls()) as client:
        while True:
            attempt += 1
            try:
                return _get_once(client, url, headers, target, max_bytes, progress)
            except _Retryable as exc:
                if attempt > retries:
                    raise FetchError(
                        f"could not fetch {url} after {attempt} attempts: {exc}", exc.status
                    ) from exc
                time.sleep(backoff * 2 ** (attempt - 1))


@cache
def _tls() -> ssl.SSLContext:
    """httpx's default TLS context, built once: loading the CA bundle took ~50 ms per
    client, and an OFAC import opens four (main file and companions)."""
    return httpx.create_ssl_context()


def fetch_companions(
    main_url: str, names: dict[str, str], dest_dir: Path, **options: Any
) -> dict[str, FetchResult]:
    """Fetch optional files published beside `main_url` (OFAC's alt/add/comments files).

    A 404 means the publisher does not offer that file: it is left out, not an error.
    """
    found: dict[str, FetchResult] = {}
    for role, name in names.items():
        try:
            found[role] = fetch(urljoin(main_url, name), dest_dir, filename=name, **options)
        except FetchError as exc:
            if exc.status not in (404, 410):
                raise
    return found


class _Retryable(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _filename(url: str) -> str:
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return name if name and name not in (".", "..") else "download"


def _get_once(
    client: httpx.Client,
    url: str,
    headers: dict[str, str],
    target: Path,
    max_bytes: int,
    progress: Progress | None,
) -> FetchResult:
    fetched_at = datetime.now(UTC)
    try:
        with client.stream("GET", url, headers=headers) as response:
            meta = {
                "url": str(response.url),
                "etag": response.headers.get("etag"),
                "last_modified": response.headers.get("last-modified"),
                "fetched_at": fetched_at,
                "content_type": response.headers.get("content-type"),
            }
            if response.status_code == 304:
                return FetchResult(path=None, sha256=None, size=0, not_modified=True, **meta)
            if response.status_code >= 500:
                raise _Retryable(f"HTTP {response.status_code}", response.status_code)
            if response.status_code >= 400:
                raise FetchError(
                    f"could not fetch {url}: HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                    response.status_code,
                )
            total = _content_length(response)
            if total is not None and total > max_bytes:
                raise FetchError(f"{url} is {total:,} bytes, above the {max_bytes:,}-byte cap")
            sha256, size = _stream_to(response, target, max_bytes, total, progress, url)
            return FetchResult(path=target, sha256=sha256, size=size, not_modified=False, **meta)
    except httpx.TransportError as exc:  # connection refused/reset, timeouts, short bodies
        raise _Retryable(f"{type(exc).__name__}: {exc}") from exc


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    # A compressed body's length says nothing about the decoded size written to disk.
    if value and value.isdigit() and not response.headers.get("content-encoding"):
        return int(value)
    return None


def _stream_to(
    response: httpx.Response,
    target: Path,
    max_bytes: int,
    total: int | None,
    progress: Progress | None,
    url: str,
) -> tuple[str, int]:
    """Write the body to a temporary file beside `target`, then rename: never a partial file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    part: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
        ) as handle:
            part = Path(handle.name)
            for chunk in response.iter_bytes(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url} exceeds the {max_bytes:,}-byte cap")
                digest.update(chunk)
                handle.write(chunk)
                if progress:
                    progress(size, total)
        os.replace(part, target)
    except BaseException:
        if part is not None:
            part.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size
