"""Countries as lists and people write them, as ISO 3166-1 alpha-2 codes: the one rule
for search, screening, link proposals and the audit.

Lists write "China", "Korea, North", "Russian Federation", "north korean" or "RU"; a
person types "cn". All of them go through ``country_code``, over the names kept by
the ``countrynames`` library (OpenSanctions': country names, adjectives and list
spellings in many languages). That library's own look-up first normalises its 27,000
names with ICU (3-5 s at each start of refdb), so this module reads the same data and
folds it more cheaply (case, accents, punctuation): about 0.1 s, once, on the first
name that is not a code.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

_NOT_A_COUNTRY = "FAIL"  # the library's key for names known to be no country ("unknown", "asia")
_PUNCTUATION = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """How a name is looked up: lower case, accents dropped (other scripts too: the
    lists write English), punctuation as spaces."""
    folded = text.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return _PUNCTUATION.sub(" ", folded).strip()


def _library_names() -> dict[str, list[str]]:
    """countrynames' data (code -> names), read without importing the package, whose
    ``__init__`` loads ICU."""
    spec = importlib.util.find_spec("countrynames")
    assert spec is not None and spec.submodule_search_locations, "countrynames is a dependency"
    path = Path(next(iter(spec.submodule_search_locations))) / "data.py"
    data_spec = importlib.util.spec_from_file_location("countrynames.data", path)
    assert data_spec is not None and data_spec.loader is not None
    module = importlib.util.module_from_spec(data_spec)
    data_spec.loader.exec_module(module)
    return module.DATA


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, names in _library_names().items():
        if len(code) != 2 and code != _NOT_A_COUNTRY:
            continue  # the Soviet Union, Yugoslavia...: no alpha-2 code today
        for name in names:
            if key := _key(name):
                table.setdefault(key, code)
    return table


@lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """The lowercase ISO alpha-2 code (as refdb stores it) of a country as written:
    a code ("cn", "RUS"), a name ("China", "Korea, North") or an adjective ("north
    korean"); None for what is no country or none known."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.lower()  # checked as codes where they are entered, not here
    code = _table().get(_key(text))
    return None if code is None or code == _NOT_A_COUNTRY else code.lower()


def country_codes(values: Iterable[str]) -> list[str]:
    """The codes of the countries among ``values``, each once, in order."""
    return list(dict.fromkeys(code for code in map(country_code, values) if code))


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """A country's English name for people ("China" for "cn": "ch" is Switzerland);
    anything else (a list's own spelling, an unknown code) as it is. The names are
    ICU's (PyICU, which countrynames brings)."""
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        return code
    import icu  # its import costs ~0.1 s: only for output that shows a country to people

    name = icu.Locale("", code.upper()).getDisplayCountry(icu.Locale("en"))
    return code if name.upper() == code.upper() else name
