"""The lists refdb imports: key → parser, authority, list and the publisher's official URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from refdb.importers import eu, ofac, uk, un
from refdb.importers.records import ImportFormatError, ParsedList


@dataclass(frozen=True)
class Source:
    key: str
    display_name: str
    authority: str  # authority key, e.g. "us-ofac"
    list_key: str
    default_url: str
    parse: Callable[[Path], ParsedList]
    companions: bool = False  # OFAC: optional alt/add/comments files beside the main one

    def companion_names(self, main_name: str) -> dict[str, str]:
        return ofac.companion_names(main_name) if self.companions else {}


SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            "ofac-sdn",
            "US Treasury OFAC Specially Designated Nationals (SDN) list",
            "us-ofac",
            "sdn",
            "https://www.treasury.gov/ofac/downloads/sdn.csv",
            partial(ofac.parse, source="ofac-sdn"),
            companions=True,
        ),
        Source(
            "ofac-cons",
            "US Treasury OFAC Consolidated (non-SDN) Sanctions List",
            "us-ofac",
            "non-sdn-consolidated",
            "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
            partial(ofac.parse, source="ofac-cons"),
            companions=True,
        ),
        Source(
            "un",
            "UN Security Council Consolidated List",
            "un-sc",
            "consolidated",
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
            un.parse,
        ),
        Source(
            "eu",
            "EU Consolidated Financial Sanctions List (FSF)",
            "eu-council",
            "fsf",
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
            "content?token=dG9rZW4tMjAxNw",
            eu.parse,
        ),
        Source(
            "uk",
            "UK OFSI Consolidated List of Financial Sanctions Targets",
            "uk-ofsi",
            "consolidated",
            "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
            uk.parse,
        ),
    )
}


def get_source(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        raise ImportFormatError(
            f"unknown source {key!r}; choose one of {', '.join(SOURCES)}"
        ) from None
