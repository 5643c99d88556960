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
DEFAULT_TIMEOUT = 30.0  # seconds one connect or read may wait for the server
# Seconds a whole download may take, retries included: a server trickling 200 bytes a
# second never trips the read timeout, and kept `refdb import` busy for 8 minutes and more.
DEFAULT_DEADLINE = 300.0
DEADLINE_VARIABLE = "REFDB_FETCH_DEADLINE"
# A compressed body expanding more than this is refused: lists compress about 5 to 10 times.
BOMB_RATIO = 100
BOMB_FLOOR = 4 * 1024 * 1024  # bytes decoded before the ratio is judged
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
    deadline: float | None = None,
    retries: int = 3,
    backoff: float = 0.5,
    progress: Progress | None = None,
    filename: str | None = None,
) -> FetchResult:
    """GET `url` into dest_dir/filename (default: the URL's last path segment).

    Connection errors, incomplete bodies and 5xx answers are retried `retries` times with
    exponential backoff; a 4xx, a redirect loop and a URL scheme other than http(s) are
    final. The whole download, retries included, must end within `deadline` seconds
    (default: $REFDB_FETCH_DEADLINE, else DEFAULT_DEADLINE). With `etag`/`last_modified`
    from the previous fetch, a 304 answer returns `not_modified=True` and writes nothing.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"cannot fetch {url}: only http:// and https:// URLs are downloaded")
    budget = deadline if deadline is not None else float(os.environ.get(DEADLINE_VARIABLE, DEFAULT_DEADLINE))
    clock = _Deadline(url, budget)
    headers = {"User-Agent": "refdb (sanctions list importer)"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    target = Path(dest_dir) / (filename or _filename(url))
    attempt = 0
    limits = httpx.Timeout(min(timeout, budget))
    with httpx.Client(timeout=limits, follow_redirects=True, verify=_tls()) as client:
        while True:
            attempt += 1
            try:
                return _get_once(client, url, headers, target, max_bytes, progress, clock)
            except _Retryable as exc:
                clock.check(f"after {attempt} attempts ({exc})")
                if attempt > retries:
                    raise FetchError(
                        f"could not fetch {url} after {attempt} attempts: {exc}", exc.status
                    ) from exc
                time.sleep(min(backoff * 2 ** (attempt - 1), clock.remaining()))


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


class _Deadline:
    """The time left for one download, retries included."""

    def __init__(self, url: str, seconds: float) -> None:
        self.url, self.seconds = url, seconds
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.ends - time.monotonic())

    def check(self, progress: str) -> None:
        if time.monotonic() >= self.ends:
            raise FetchError(
                f"could not fetch {self.url} within {self.seconds:g} s ({progress}); the server "
                f"is too slow or not answering (set {DEADLINE_VARIABLE} to allow longer)"
            )


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
    clock: _Deadline,
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
            sha256, size = _stream_to(response, target, max_bytes, total, progress, url, clock)
            return FetchResult(path=target, sha256=sha256, size=size, not_modified=False, **meta)
    except httpx.TooManyRedirects as exc:
        raise FetchError(f"could not fetch {url}: too many redirects (a redirect loop?)") from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise FetchError(f"could not fetch {url}: {exc}") from exc
    except httpx.DecodingError as exc:
        raise FetchError(f"could not fetch {url}: the compressed body is corrupt ({exc})") from exc
    except httpx.TransportError as exc:  # connection refused/reset, timeouts, short bodies
        raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
    except OSError as exc:  # the download could not be saved: disk full, no permission
        raise FetchError(f"could not save {url} to {target.parent}: {exc.strerror or exc}") from exc


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
    clock: _Deadline,
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
            # Chunks as they arrive (a fixed chunk size would wait for it to fill), so the
            # deadline is checked however slowly the server sends.
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url} exceeds the {max_bytes:,}-byte cap")
                if size > BOMB_FLOOR and size > BOMB_RATIO * response.num_bytes_downloaded:
                    raise FetchError(
                        f"{url} decompresses to over {BOMB_RATIO} times the bytes sent "
                        f"({size:,} from {response.num_bytes_downloaded:,}): refused as a compression bomb"
                    )
                digest.update(chunk)
                handle.write(chunk)
                if progress:
                    progress(size, total)
                clock.check(f"{size:,} bytes received")
        os.replace(part, target)
    except BaseException:
        if part is not None:
            part.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size
