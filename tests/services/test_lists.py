"""One rule for a list key that names no list, whoever reads: a session or a search reader."""

from __future__ import annotations

import pytest

from refdb.database import Database
from refdb.errors import NotFound
from refdb.services import lookup
from refdb.services.lists import require_list


def test_a_known_list_passes_through_a_session_and_a_reader(shared_seeded_db: Database) -> None:
    with shared_seeded_db.session() as session:
        require_list(session, "ofac-sdn")
    with shared_seeded_db.reading() as reader:
        require_list(reader, "ofac-sdn")


def test_an_unknown_list_is_named_with_the_lists_there_are(shared_seeded_db: Database) -> None:
    with shared_seeded_db.reading() as reader, pytest.raises(NotFound) as raised:
        require_list(reader, "OFAC-SDN")  # keys are exact: the user is told the right one
    assert str(raised.value) == "no list 'OFAC-SDN'; the lists are ofac-sdn"


def test_an_empty_database_says_it_has_no_lists_yet(empty_db: Database) -> None:
    with empty_db.session() as session:
        with pytest.raises(NotFound, match=r"^no list 'ofac-sdn'; the lists are none yet$"):
            require_list(session, "ofac-sdn")
        # The lookups refuse through the same rule, before reading any entry.
        with pytest.raises(NotFound, match=r"^no list 'ofac-sdn'; the lists are none yet$"):
            lookup.sanctions(session, list_key="ofac-sdn")
