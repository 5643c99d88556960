"""Officials importers: people with their names, identifiers, posts and dated tenures.

A source's parser (us_congress.py, wikidata.py, an FtM reader, ...) turns its files into
plain records (records.py), one ``OfficialsDocument(download, people)`` per file::

    OfficialPerson(
        record_id="P000197",                       # the source's own id, for messages
        name="Nancy Pelosi",                       # display name (the primary name of a new entity)
        names=(OfficialName("Nancy Patricia Pelosi", kind="alias", lang="en", script="Latn"), ...),
        identifiers=(OfficialIdentifier("bioguide", "P000197"), OfficialIdentifier("wikidata", "Q170581")),
        birth_date="1940-03-26", death_date=None,  # ISO partial dates: "1940", "1940-03", "1940-03-26"
        gender="female", nationality="us",         # as the seeds write them; ISO alpha-2, lower case
        tenures=(
            OfficialTenure(
                post=OfficialPost("United States Representative for CA-11",
                                  organization="United States House of Representatives", country="us"),
                start="2023-01-03", end=None, acting=False, status="current",
                locator="legislators-current.yaml: bioguide P000197, terms[18]",
            ),
        ),
        locator="legislators-current.yaml: bioguide P000197",  # cites the person, names, identifiers
    )

Rules a parser follows:
- Every person has at least one identifier, under a lower-case scheme: the source's own
  (bioguide, wikidata Q-id, an FtM entity id under the source's scheme) so that a
  re-import finds the person again; wikidata and bioguide values name one person for certain.
- Dates keep the source's precision. A tenure with an end date has status "ended";
  "current" only when the source says the person is in office; otherwise "unknown".
- The same post title in the same organization (by name) and country is one post; a
  ``key`` (e.g. "wikidata-Q11696") identifies a post across titles.
- Names keep their original script with ``lang``/``script`` when the source gives them.

``apply_officials`` writes the documents in one transaction (writer.py): each file becomes
a Source row (URL, sha256, fetch time, validators for a conditional GET), people are
reconciled with stored entities (reconcile.py: identifiers first, then name and birth
date, and merge proposals when unsure), only new or changed facts are written, each
logged in the change log and cited to its file with its locator.
"""

from refdb.importers.officials.records import (
    OfficialIdentifier,
    OfficialName,
    OfficialPerson,
    OfficialPost,
    OfficialsDocument,
    OfficialTenure,
)
from refdb.importers.officials.writer import OfficialsResult, OfficialsSource, apply_officials

__all__ = [
    "OfficialIdentifier",
    "OfficialName",
    "OfficialPerson",
    "OfficialPost",
    "OfficialTenure",
    "OfficialsDocument",
    "OfficialsResult",
    "OfficialsSource",
    "apply_officials",
]
