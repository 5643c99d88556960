"""Cut the committed test excerpts out of the full published lists in ../shared/data.

Run from the repository root:  .venv/bin/python tests/data/cut_excerpts.py [SHARED_DATA_DIR]
Excerpts keep the publishers' bytes exactly (line endings, encodings, OFAC's trailing 0x1A);
records are only selected, never edited. See tests/data/PROVENANCE.md.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[2] / "shared" / "data"

# OFAC ent_nums: Li Shangfu, the EDD, Rosoboronexport, entries with aliases/addresses/weak
# a.k.a. (36, 173, 306), with Remarks continued in sdn_comments.csv (12300, 28263, 28264),
# a vessel (4238), an aircraft (15431); 2680 and 2831 are gone by 2024, 48906/48907 are new.
OFAC_2021 = {
    "36",
    "173",
    "306",
    "2680",
    "2831",
    "4238",
    "12300",
    "15431",
    "18782",
    "24837",
    "24838",
    "28263",
    "28264",
}
OFAC_2024 = (OFAC_2021 - {"2680", "2831"}) | {"48906", "48907"}
# A sanctioned Russian official whose record gives his nationality as "Russia" (country
# normalisation: screening "ru" must agree with it).
OFAC_RUSSIA = {"16692"}
# Non-SDN list: Rosoboronexport (SSI), an individual, entries with comments.
OFAC_CONS = {"18782", "9639", "17014", "17016"}
# UN: plain individual, aliases, Arabic original script, BETWEEN dates, passport, several
# nationalities, low-quality aliases, DPRK; entities with a.k.a./f.k.a. and original script.
UN_REFS = {
    "CDi.001",
    "CDi.002",
    "CDi.003",
    "CDi.021",
    "CDi.030",
    "CFi.001",
    "IQi.001",
    "KPi.001",
    "CDe.001",
    "TAe.014",
    "YEe.001",
}
# UK Group IDs: an individual with 00/00/yyyy birth dates (16 rows), an entity (8), a group
# with Windows-1252 bytes (6), a group with an FKA name (3).
UK_GROUPS = {b"13349", b"13188", b"13191", b"10894"}
# congress-legislators (CC0), by bioguide (Trump, who has none, by govtrack): Cantwell
# (House then Senate terms, the file's first), Pelosi (seeded), Sanders (nickname), Norton
# (DC delegate), Hageman (at-large), Hernandez (Puerto Rico); Washington, Obama, Biden
# (seeded), Trump, Harris, Vance (President and Vice President terms).
US_CONGRESS = {
    "legislators-current.yaml": {"C000127", "P000197", "S000033", "N000147", "H001096", "H001103"},
    "executive.yaml": {"W000178", "O000167", "B000444", "412733", "H001075", "V000137"},
}
# Wikidata (CC0) wbgetentities responses: the entity's id, type, labels, aliases and the claims
# the importer reads; sitelinks, descriptions and other properties (most of the bytes) left out.
WIKIDATA_PROPERTIES = ("P31", "P21", "P27", "P39", "P569", "P570")


def cut_ofac_csv(src: Path, dst: Path, ids: set[str]) -> None:
    data = src.read_bytes()
    trailer = b"\x1a" if data.endswith(b"\x1a") else b""
    lines = data[: len(data) - len(trailer)].splitlines(keepends=True)
    kept = [line for line in lines if line.split(b",", 1)[0].decode() in ids]
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(b"".join(kept) + trailer)


def cut_un(src: Path, dst: Path, refs: set[str]) -> None:
    text = src.read_bytes().decode("utf-8")

    def keep(match: re.Match[str]) -> str:
        ref = re.search(r"<REFERENCE_NUMBER>(.*?)</REFERENCE_NUMBER>", match.group(0))
        return match.group(0) if ref and ref.group(1) in refs else ""

    text = re.sub(r"<(INDIVIDUAL|ENTITY)>.*?</\1>\s*", keep, text, flags=re.DOTALL)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(text.encode("utf-8"))


def cut_uk(src: Path, dst: Path, groups: set[bytes]) -> None:
    lines = src.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines[2:] if line.rstrip(b"\r\n").rsplit(b",", 1)[-1] in groups]
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(b"".join(lines[:2] + kept))


def cut_us_congress(src: Path, dst: Path, ids: set[str]) -> None:
    """The people (each a "- id:" block of the YAML list) with one of these ids, bytes unchanged."""
    blocks = re.split(r"(?m)^(?=- id:)", src.read_text("utf-8"))
    wanted = re.compile(r"(?m)^    (?:bioguide|govtrack): '?(" + "|".join(sorted(ids)) + r")'?$")
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("".join(block for block in blocks if wanted.search(block.split("  name:")[0])), "utf-8")


def cut_wikidata(src: Path, dst: Path) -> None:
    data = json.loads(src.read_bytes())
    for qid, entity in data["entities"].items():
        claims = entity["claims"]
        data["entities"][qid] = {
            **{key: entity[key] for key in ("type", "id", "modified", "labels", "aliases")},
            "claims": {prop: claims[prop] for prop in WIKIDATA_PROPERTIES if prop in claims},
        }
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


def main(shared: Path) -> None:
    ofac = shared / "ofac"
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        cut_ofac_csv(ofac / "2021-07-07" / name, HERE / "ofac" / "2021-07-07" / name, OFAC_2021)
    cut_ofac_csv(ofac / "sdn.csv", HERE / "ofac" / "2024-05-03" / "sdn.csv", OFAC_2024)
    cut_ofac_csv(ofac / "sdn.csv", HERE / "ofac" / "russia" / "sdn.csv", OFAC_RUSSIA)
    for name in ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"):
        cut_ofac_csv(ofac / "non_sdn_consolidated" / name, HERE / "ofac" / "cons" / name, OFAC_CONS)
    cut_un(shared / "un" / "consolidated.xml", HERE / "un" / "consolidated.xml", UN_REFS)
    (HERE / "eu").mkdir(exist_ok=True)
    shutil.copyfile(
        shared / "eu" / "fsf_v1_1_excerpt_2026-08-05.xml", HERE / "eu" / "fsf_v1_1_excerpt_2026-08-05.xml"
    )
    cut_uk(
        shared / "uk" / "sanctionsconlist_2018-04-13.csv",
        HERE / "uk" / "sanctionsconlist_2018-04-13.csv",
        UK_GROUPS,
    )
    for name, ids in US_CONGRESS.items():
        cut_us_congress(shared / "us-congress" / name, HERE / "us-congress" / name, ids)
    for qid in ("Q7747", "Q254220"):
        name = f"{qid}_wbgetentities.json"
        cut_wikidata(shared / "wikidata" / name, HERE / "wikidata" / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SHARED)
