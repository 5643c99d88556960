"""Closed vocabularies, enforced by CHECK constraints and by the service layer."""

ENTITY_KINDS = ("person", "organization", "public_body", "vessel", "aircraft")
TARGET_KINDS = (*ENTITY_KINDS, "unknown")
# Lists rarely separate public bodies from other organizations (OFAC lists the EDD as an entity).
_KIND_GROUPS = {"public_body": "organization"}


def kind_group(kind: str) -> str:
    return _KIND_GROUPS.get(kind, kind)


def kinds_agree(entity_kind: str, target_kind: str) -> bool:
    """Whether a curated entity of ``entity_kind`` can be the target of a list entry of
    ``target_kind``: the one rule for link proposals and the audit."""
    return target_kind == "unknown" or kind_group(entity_kind) == kind_group(target_kind)


# The sanction lists refdb imports (refdb/importers/sources.py, one source each): a
# search names those never imported, so "no match" says what it could not check.
SANCTION_LISTS = ("eu", "ofac-cons", "ofac-sdn", "uk", "un")
NAME_KINDS = ("primary", "alias", "weak_alias", "former", "original_script")
TENURE_STATUSES = ("current", "ended", "unknown")
RELATION_KINDS = (
    "part_of",
    "member_of",
    "subordinate_of",
    "bought_from",
    "owned_by",
    "family_of",
    "associate_of",
    "successor_of",
)
LINK_STATUSES = ("proposed", "confirmed", "rejected")
MERGE_STATUSES = ("proposed", "accepted", "rejected")
# An analyst's verdict on a screening hit: not the screened person (cleared), or them.
SCREENING_VERDICTS = ("cleared", "confirmed")
LINK_BASES = ("named", "post_holder", "owner", "family", "associate")
SOURCE_KINDS = (
    "article",
    "press_release",
    "official_record",
    "list_file",
    "reference_work",
    "dataset",
)
CHANGE_ACTIONS = ("create", "update", "delete")
# Tables whose rows can carry citations.
CITABLE = (
    "entity",
    "name",
    "identifier",
    "post",
    "tenure",
    "relation",
    "authority",
    "program",
    "sanction_entry",
    "link",
)
