"""Errors as `--json` prints them: the reason, the exit code, and the details a script can act on."""

from __future__ import annotations

from refdb.errors import InvalidInput, NotFound


def test_an_error_as_json_carries_its_reason_and_exit_code() -> None:
    assert NotFound("no list 'x'").as_json() == {"error": "no list 'x'", "exit_code": 1}


def test_a_refused_edit_carries_a_message_per_field() -> None:
    error = InvalidInput({"end_on": "2020 is before the start 2021"}, "tenure")
    assert error.as_json() == {
        "error": "tenure: end_on: 2020 is before the start 2021",
        "exit_code": 2,
        "problems": {"end_on": "2020 is before the start 2021"},
    }
