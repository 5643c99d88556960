"""The one rule for which curated entity kinds can be which list targets (refdb/vocab.py)."""

from __future__ import annotations

import pytest

from refdb.vocab import ENTITY_KINDS, kinds_agree


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_any_entity_can_be_a_target_of_unknown_kind(kind: str) -> None:
    assert kinds_agree(kind, "unknown")


def test_public_bodies_and_organizations_are_one_kind_of_target() -> None:
    assert kinds_agree("public_body", "organization")
    assert kinds_agree("organization", "public_body")
    assert not kinds_agree("person", "organization")
    assert not kinds_agree("vessel", "aircraft")


def test_the_sanction_lists_named_are_those_refdb_imports() -> None:
    # vocab keeps the keys so that a search can name lists never imported without
    # importing the importers; the registry is where each is defined.
    from refdb.importers.sources import SOURCES
    from refdb.vocab import SANCTION_LISTS

    assert set(SANCTION_LISTS) == set(SOURCES)
