from refdb.services import lookup


def test_seeded_database_answers_the_seed_case(seeded_db):
    with seeded_db.session() as session:
        profile = lookup.entity_profile(session, "li-shangfu")
    assert [s["record_id"] for s in profile["sanctions"]] == ["24838"]
    assert profile["sanctions"][0]["link"]["status"] == "confirmed"
