"""Importers: fetch the published sanction lists and parse each publisher's native format."""

from refdb.importers.records import (
    ImportFormatError,
    ParsedEntry,
    ParsedIdentifier,
    ParsedList,
    ParsedName,
)
from refdb.importers.sources import SOURCES, Source, get_source

__all__ = [
    "SOURCES",
    "ImportFormatError",
    "ParsedEntry",
    "ParsedIdentifier",
    "ParsedList",
    "ParsedName",
    "Source",
    "get_source",
]
