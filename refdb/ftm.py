"""The FollowTheMoney vocabulary refdb speaks, for export and import alike.

FtM (https://followthemoney.tech) describes an entity as ``{"id", "schema", "properties"}``
with every property a list of strings. refdb's kinds map onto FtM schemata, its name kinds
onto name properties; dates stay partial ISO strings ("2018", "2018-09"), as FtM writes them.
"""

from __future__ import annotations

from typing import Any

# refdb entity kind (and sanction target kind) → FtM schema.
KIND_SCHEMA = {
    "person": "Person",
    "organization": "Organization",
    "public_body": "PublicBody",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "unknown": "LegalEntity",
}
SCHEMA_KIND = {schema: kind for kind, schema in KIND_SCHEMA.items() if kind != "unknown"}
# Schemata whose entities may hold an Identification (its holder's range is LegalEntity).
LEGAL_ENTITIES = frozenset({"Person", "Organization", "PublicBody", "LegalEntity", "Company"})

# refdb name kind → FtM property; the display name is "name".
NAME_PROPERTY = {
    "primary": "name",
    "alias": "alias",
    "original_script": "alias",
    "weak_alias": "weakAlias",
    "former": "previousName",
}
GENDERS = ("male", "female", "other")  # the values FtM's gender type accepts

Entity = dict[str, Any]


def entity(schema: str, entity_id: str, properties: dict[str, list[str] | str | None]) -> Entity:
    """An FtM entity with empty values dropped and single values made lists, in first-seen order."""
    cleaned: dict[str, list[str]] = {}
    for prop, values in properties.items():
        items = [values] if isinstance(values, str) else values or []
        kept = list(dict.fromkeys(text for value in items if value and (text := str(value).strip())))
        if kept:
            cleaned[prop] = kept
    return {"id": entity_id, "schema": schema, "properties": cleaned}


# Every schema of FtM 4.11, so that an import can tell a schema it leaves aside (Address,
# Family, ...) from a name that is not FtM at all.
SCHEMATA = frozenset(
    [
        "Address",
        "Airplane",
        "Analyzable",
        "Article",
        "Asset",
        "Associate",
        "Audio",
        "BankAccount",
        "Call",
        "CallForTenders",
        "Company",
        "Contract",
        "ContractAward",
        "Control",
        "CourtCase",
        "CourtCaseParty",
        "CryptoWallet",
        "Debt",
        "Directorship",
        "Document",
        "Documentation",
        "EconomicActivity",
        "Email",
        "Employment",
        "Event",
        "Family",
        "Folder",
        "HyperText",
        "Identification",
        "Image",
        "Interest",
        "Interval",
        "LegalEntity",
        "License",
        "Membership",
        "Mention",
        "Message",
        "Note",
        "Occupancy",
        "Organization",
        "Ownership",
        "Package",
        "Page",
        "Pages",
        "Passport",
        "Payment",
        "Person",
        "PlainText",
        "Position",
        "Project",
        "ProjectParticipant",
        "PublicBody",
        "RealEstate",
        "Representation",
        "Risk",
        "Sanction",
        "Security",
        "Similar",
        "Succession",
        "Table",
        "TaxRoll",
        "Territory",
        "Thing",
        "Trip",
        "UnknownLink",
        "UserAccount",
        "Value",
        "Vehicle",
        "Vessel",
        "Video",
        "Workbook",
    ]
)
