"""fetch() against a real HTTP server on 127.0.0.1: no mocking of the network layer."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest
from excerpts import DATA, EXCERPTS
from loopback import HttpServer, Reply

from refdb.importers.fetch import FetchError, fetch, fetch_companions
from refdb.importers.ofac import companion_names


def test_download_is_written_whole_with_its_hash_and_cache_headers(
    http_server: HttpServer, tmp_path: Path
) -> None:
    url = http_server.publish(EXCERPTS["un"])
    seen: list[tuple[int, int | None]] = []

    result = fetch(url, tmp_path / "dl", progress=lambda done, total: seen.append((done, total)))

    body = EXCERPTS["un"].read_bytes()
    assert result.path == tmp_path / "dl" / "consolidated.xml"
    assert result.path.read_bytes() == body
    assert result.sha256 == hashlib.sha256(body).hexdigest()
    assert result.size == len(body)
    assert result.etag and result.last_modified
    assert not result.not_modified
    assert seen[-1] == (len(body), len(body))
    assert [p.name for p in (tmp_path / "dl").iterdir()] == ["consolidated.xml"]


def test_unchanged_list_is_not_downloaded_again(http_server: HttpServer, tmp_path: Path) -> None:
    url = http_server.publish(EXCERPTS["uk"])
    first = fetch(url, tmp_path / "a")

    by_etag = fetch(url, tmp_path / "b", etag=first.etag)
    by_date = fetch(url, tmp_path / "c", last_modified=first.last_modified)

    assert by_etag.not_modified and by_date.not_modified
    assert by_etag.path is None
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()
    sent = http_server.requests_for(EXCERPTS["uk"].name)
    assert sent[1]["If-None-Match"] == first.etag
    assert sent[2]["If-Modified-Since"] == first.last_modified


def test_server_error_is_retried_then_succeeds(http_server: HttpServer, tmp_path: Path) -> None:
    url = http_server.publish(EXCERPTS["eu"])
    http_server.script(EXCERPTS["eu"].name, Reply(500, b"oops"), Reply(503, b"busy"))

    result = fetch(url, tmp_path, backoff=0.01)

    assert result.path is not None
    assert result.path.read_bytes() == EXCERPTS["eu"].read_bytes()
    assert len(http_server.requests_for(EXCERPTS["eu"].name)) == 3


def test_persistent_server_error_gives_up_with_the_status(http_server: HttpServer, tmp_path: Path) -> None:
    http_server.script("sdn.csv", *[Reply(502, b"bad gateway")] * 3)

    with pytest.raises(FetchError, match=r"after 3 attempts: HTTP 502") as raised:
        fetch(http_server.url("sdn.csv"), tmp_path / "dl", retries=2, backoff=0.01)

    assert raised.value.status == 502
    assert not (tmp_path / "dl").exists()


def test_client_error_is_final_and_not_retried(http_server: HttpServer, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"HTTP 404") as raised:
        fetch(http_server.url("missing.csv"), tmp_path, backoff=0.01)

    assert raised.value.status == 404
    assert len(http_server.requests_for("missing.csv")) == 1


def test_body_cut_short_is_retried(http_server: HttpServer, tmp_path: Path) -> None:
    url = http_server.publish(EXCERPTS["ofac-sdn"])
    http_server.script("sdn.csv", Reply(200, b'36,"AEROCARIBBEAN', short_by=5000))

    result = fetch(url, tmp_path, backoff=0.01)

    assert result.path is not None
    assert result.path.read_bytes() == EXCERPTS["ofac-sdn"].read_bytes()
    assert len(http_server.requests_for("sdn.csv")) == 2


def test_size_cap_stops_the_download_and_leaves_no_file(http_server: HttpServer, tmp_path: Path) -> None:
    url = http_server.publish(EXCERPTS["un"])

    with pytest.raises(FetchError, match=r"1,000-byte cap"):
        fetch(url, tmp_path / "dl", max_bytes=1000)

    assert not list((tmp_path / "dl").glob("*"))  # no partial file is left behind


def test_slow_server_times_out(http_server: HttpServer, tmp_path: Path) -> None:
    http_server.script("slow.csv", Reply(200, b"x", delay=1.0), Reply(200, b"x", delay=1.0))

    with pytest.raises(FetchError, match=r"after 2 attempts: ReadTimeout"):
        fetch(http_server.url("slow.csv"), tmp_path, timeout=0.2, retries=1, backoff=0.01)


def test_connection_refused_is_reported(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the fetch: nothing listens

    with pytest.raises(FetchError, match=r"ConnectError"):
        fetch(f"http://127.0.0.1:{port}/sdn.csv", tmp_path, retries=1, backoff=0.01)


def test_ofac_companions_are_fetched_from_the_same_base_and_404_means_absent(
    http_server: HttpServer, tmp_path: Path
) -> None:
    folder = DATA / "ofac" / "2021-07-07"
    url = http_server.publish(folder / "sdn.csv", "downloads/sdn.csv")
    http_server.publish(folder / "alt.csv", "downloads/alt.csv")

    found = fetch_companions(url, companion_names("sdn.csv"), tmp_path, backoff=0.01)

    assert set(found) == {"alt"}
    assert (tmp_path / "alt.csv").read_bytes() == (folder / "alt.csv").read_bytes()
    assert http_server.requests_for("downloads/add.csv")  # asked for, answered 404


def test_companion_server_error_is_not_mistaken_for_absence(http_server: HttpServer, tmp_path: Path) -> None:
    url = http_server.url("sdn.csv")
    http_server.script("alt.csv", *[Reply(500)] * 2)

    with pytest.raises(FetchError, match="HTTP 500"):
        fetch_companions(url, {"alt": "alt.csv"}, tmp_path, retries=1, backoff=0.01)
