"""The relational domain model (see ../shared/DESIGN.md); tables are created only by migrations."""

from refdb.models.base import utcnow
from refdb.models.provenance import Change, Citation, FindingAck, Source
from refdb.models.reference import Entity, Identifier, MergeProposal, Name, Post, Relation, Tenure
from refdb.models.sanctions import (
    Authority,
    EntryName,
    EntryProgram,
    Link,
    Program,
    SanctionEntry,
    SanctionList,
)
from refdb.models.screening import ScreeningDecision

__all__ = [
    "Authority",
    "Change",
    "Citation",
    "Entity",
    "EntryName",
    "EntryProgram",
    "FindingAck",
    "Identifier",
    "Link",
    "MergeProposal",
    "Name",
    "Post",
    "Program",
    "Relation",
    "SanctionEntry",
    "SanctionList",
    "ScreeningDecision",
    "Source",
    "Tenure",
    "utcnow",
]
