"""A hostile or broken server: each download fault is one line, exit 2, nothing written."""

from __future__ import annotations

import gzip
import time

import pytest

from tests.conftest import Run
from tests.faults.conftest import OFAC_2021, Victim
from tests.importers.loopback import HttpServer, Reply

SDN = (OFAC_2021 / "sdn.csv").read_bytes()


def run_import(refdb: Run, victim: Victim, url: str) -> tuple[float, object]:
    started = time.monotonic()
    result = refdb("import", "ofac-sdn", "--url", url, "--db", str(victim.path), "--force")
    return time.monotonic() - started, result


def test_a_body_cut_short_is_retried_then_refused(refdb: Run, victim: Victim, server: HttpServer) -> None:
    server.script("sdn.csv", *[Reply(200, SDN[: len(SDN) // 2], short_by=len(SDN) // 2)] * 4)

    _, result = run_import(refdb, victim, server.url("sdn.csv"))

    victim.assert_refused(result, "could not fetch", "sdn.csv")


def test_a_trickling_server_meets_the_deadline(refdb: Run, victim: Victim, server: HttpServer) -> None:
    server.script("sdn.csv", Reply(200, SDN, trickle=0.05))  # 2,000 bytes a second

    took, result = run_import(refdb, victim, server.url("sdn.csv"))

    victim.assert_refused(result, "within 1.5 s", "bytes received", "REFDB_FETCH_DEADLINE")
    assert took < 5


def test_a_silent_server_meets_the_deadline(refdb: Run, victim: Victim, server: HttpServer) -> None:
    server.script("sdn.csv", *[Reply(200, SDN, delay=4)] * 4)

    took, result = run_import(refdb, victim, server.url("sdn.csv"))

    victim.assert_refused(result, "within 1.5 s")
    assert took < 5


def test_a_redirect_loop_is_refused_at_once(refdb: Run, victim: Victim, server: HttpServer) -> None:
    loop = Reply(302, headers={"Location": server.url("sdn.csv")})
    server.script("sdn.csv", *[loop] * 30)

    _, result = run_import(refdb, victim, server.url("sdn.csv"))

    victim.assert_refused(result, "too many redirects")
    assert len(server.requests_for("sdn.csv")) == 21  # one try: a loop is not retried


def test_an_html_page_instead_of_the_list(refdb: Run, victim: Victim, server: HttpServer) -> None:
    server.script("sdn.csv", Reply(200, b"<!DOCTYPE html><html><body>Please log in</body></html>"))

    _, result = run_import(refdb, victim, server.url("sdn.csv"))

    victim.assert_refused(result, "got an HTML page instead of the list")


def test_a_gzip_bomb_is_refused_before_it_fills_the_disk(
    refdb: Run, victim: Victim, server: HttpServer
) -> None:
    bomb = gzip.compress(b"0" * (16 * 1024 * 1024), compresslevel=9)  # 16 MB from ~16 KB
    server.script("sdn.csv", Reply(200, bomb, headers={"Content-Encoding": "gzip"}))

    _, result = run_import(refdb, victim, server.url("sdn.csv"))

    victim.assert_refused(result, "compression bomb")


def test_a_file_announced_above_the_size_cap(refdb: Run, victim: Victim, server: HttpServer) -> None:
    server.script("sdn.csv", Reply(200, b"1,", short_by=10**12))  # claims a terabyte

    _, result = run_import(refdb, victim, server.url("sdn.csv"))

    victim.assert_refused(result, "above the", "byte cap")


@pytest.mark.parametrize("status", [404, 500])
def test_error_statuses(refdb: Run, victim: Victim, server: HttpServer, status: int) -> None:
    server.script("sdn.csv", *[Reply(status, b"<html>error</html>")] * 4)

    _, result = run_import(refdb, victim, server.url("sdn.csv"))

    victim.assert_refused(result, f"HTTP {status}" if status == 404 else "could not fetch")


def test_a_file_url_is_read_not_retried(refdb: Run, victim: Victim, tmp_path) -> None:
    missing = tmp_path / "nowhere" / "sdn.csv"

    took, result = run_import(refdb, victim, missing.as_uri())

    victim.assert_refused(result, f"no such file: {missing}")
    assert took < 1  # no retries with back-off


def test_a_file_url_imports_the_file(refdb: Run, victim: Victim) -> None:
    result = refdb("import", "ofac-sdn", "--url", (OFAC_2021 / "sdn.csv").as_uri(), "--db", str(victim.path))

    assert result.code == 0, result.err
    assert "13 unchanged" in result.err
