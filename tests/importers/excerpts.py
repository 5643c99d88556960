"""Where the importer tests find their data: committed excerpts and the full shared copies."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"

EXCERPTS = {
    "ofac-sdn": DATA / "ofac" / "2021-07-07" / "sdn.csv",
    "ofac-cons": DATA / "ofac" / "cons" / "cons_prim.csv",
    "un": DATA / "un" / "consolidated.xml",
    "eu": DATA / "eu" / "fsf_v1_1_excerpt_2026-08-05.xml",
    "uk": DATA / "uk" / "sanctionsconlist_2018-04-13.csv",
}
