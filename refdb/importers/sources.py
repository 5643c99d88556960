"""The lists refdb imports: key → parser, authority, list and the publisher's official URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from refdb.importers import eu, fcdo, ofac, uk, un
from refdb.importers.records import ImportFormatError, ParsedEntry, ParsedList


@dataclass(frozen=True)
class Source:
    key: str  # also the SanctionList key: the seeds already use "ofac-sdn"
    display_name: str
    authority: str  # authority key, e.g. "us-ofac"
    authority_name: str
    authority_country: str | None  # ISO 3166 alpha-2 in lower case, as the seeds write it
    default_url: str
    parse: Callable[[Path], ParsedList]
    companions: bool = False  # OFAC: optional alt/add/comments files beside the main one
    # Completes an entry from its previously stored raw record when a companion was missing.
    carry_over: Callable[[ParsedEntry, dict], ParsedEntry] | None = None
    # The record id an entry had under the list's former format, when the file says (UK: an
    # FCDO entry's OFSI Group ID): a stored entry under that id is continued, re-keyed.
    former_key: Callable[[ParsedEntry], str | None] | None = None

    @property
    def list_key(self) -> str:
        return self.key

    def companion_names(self, main_name: str) -> dict[str, str]:
        return ofac.companion_names(main_name) if self.companions else {}


_OFAC = "U.S. Department of the Treasury, Office of Foreign Assets Control"  # as in the seeds

SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            "ofac-sdn",
            "Specially Designated Nationals and Blocked Persons List",
            "us-ofac",
            _OFAC,
            "us",
            "https://www.treasury.gov/ofac/downloads/sdn.csv",
            partial(ofac.parse, source="ofac-sdn"),
            companions=True,
            carry_over=ofac.carry_over,
        ),
        Source(
            "ofac-cons",
            "OFAC Consolidated Sanctions List (non-SDN lists)",
            "us-ofac",
            _OFAC,
            "us",
            "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
            partial(ofac.parse, source="ofac-cons"),
            companions=True,
            carry_over=ofac.carry_over,
        ),
        Source(
            "un",
            "United Nations Security Council Consolidated List",
            "un-sc",
            "United Nations Security Council",
            None,
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
            un.parse,
        ),
        Source(
            "eu",
            "EU Consolidated Financial Sanctions List",
            "eu-council",
            "Council of the European Union",
            None,
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
            "content?token=dG9rZW4tMjAxNw",
            eu.parse,
        ),
        Source(
            "uk",
            "UK Sanctions List (FCDO; OFSI consolidated list until 2026-01-28)",
            "uk-ofsi",
            "HM Treasury, Office of Financial Sanctions Implementation",
            "gb",
            "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
            uk.parse,
            former_key=fcdo.ofsi_group_id,
        ),
    )
}


def get_source(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        raise ImportFormatError(f"unknown source {key!r}; choose one of {', '.join(SOURCES)}") from None
