"""Import officials files: get each (conditional GET), parse all of them before writing,
then write them in one transaction and propose links to list entries."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from refdb import dates
from refdb.database import Database
from refdb.errors import RefdbError
from refdb.importers.downloads import Download
from refdb.importers.officials import ftm, us_congress, wikidata
from refdb.importers.officials.fetching import obtain
from refdb.importers.officials.forms import forms_beside
from refdb.importers.officials.reconcile import chunks
from refdb.importers.officials.records import OfficialsDocument
from refdb.importers.officials.writer import OfficialsResult, OfficialsSource, Progress, apply_officials
from refdb.importers.service import collector_paused

Parser = Callable[[Download], OfficialsDocument]

US_CONGRESS = OfficialsSource(us_congress.KEY, us_congress.TITLE, us_congress.PUBLISHER)
WIKIDATA = OfficialsSource(wikidata.KEY, wikidata.TITLE, wikidata.PUBLISHER)
FTM = OfficialsSource(ftm.KEY, ftm.TITLE, ftm.PUBLISHER)
# What `refdb import --list` shows of the officials sources: title and default URLs.
OFFICIALS = {
    us_congress.KEY: (US_CONGRESS.title, us_congress.DEFAULT_URLS),
    wikidata.KEY: (WIKIDATA.title, (wikidata.API_URL, wikidata.SPARQL_URL)),
    ftm.KEY: (FTM.title, ()),  # no default: a file or URL is named, e.g. an OpenSanctions export
}


def import_us_congress(
    database: Database,
    *,
    urls: Sequence[str] = (),
    files: Sequence[Path] = (),
    force: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    fetch_options: dict[str, Any] | None = None,
    as_of: date | str | None = None,
) -> OfficialsResult:
    """Import legislators-current.yaml and executive.yaml (by default from the project's
    official URLs); a file the server reports unchanged since its last import is skipped.
    ``as_of``: the day the files' facts were true (see ``import_files``)."""
    return import_files(
        database,
        US_CONGRESS,
        _targets(urls, files, us_congress.DEFAULT_URLS),
        lambda download: OfficialsDocument(
            download, us_congress.parse(download.path, download.fetched_at.date())
        ),
        force=force,
        actor=actor,
        progress=progress,
        fetch_options=fetch_options,
        as_of=as_of,
    )


def import_ftm(
    database: Database,
    target: str | Path,
    *,
    force: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    fetch_options: dict[str, Any] | None = None,
    as_of: date | str | None = None,
) -> OfficialsResult:
    """Import the people, posts, tenures and sanctions of a FollowTheMoney JSON lines file: a URL
    (fetched conditionally: unchanged since the last import, it is skipped) or a path.
    ``as_of``: the day the file's facts were true (see ``import_files``)."""
    if isinstance(target, str) and not target.startswith(("http://", "https://")):
        target = Path(target)
    if isinstance(target, Path) and not target.is_file():
        raise RefdbError(f"no such file: {target}")
    return import_files(
        database,
        FTM,
        [target],
        _parse_ftm,
        force=force,
        actor=actor,
        progress=progress,
        fetch_options=fetch_options,
        as_of=as_of,
    )


def _parse_ftm(download: Download) -> OfficialsDocument:
    with forms_beside(download.path) as forms:
        people, sanctions = ftm.read(download.path)
        return OfficialsDocument(download, people, sanctions, forms())


def confirmation_day(as_of: date | str | None) -> date | None:
    """The day a file's facts are stated true on (--as-of): a whole day, not yet to come,
    since a tenure is confirmed on one day; text is read as YYYY-MM-DD."""
    if isinstance(as_of, str):
        if dates.precision(dates.normalize(as_of) or "") != "day":
            raise RefdbError(f"--as-of {as_of!r}: give a day, YYYY-MM-DD")
        as_of = dates.earliest(as_of)
    if as_of is not None and as_of > datetime.now(UTC).date():
        raise RefdbError(f"--as-of {as_of.isoformat()} is in the future")
    return as_of


def import_files(
    database: Database,
    source: OfficialsSource,
    targets: Sequence[str | Path],
    parse: Parser,
    *,
    force: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    fetch_options: dict[str, Any] | None = None,
    as_of: date | str | None = None,
) -> OfficialsResult:
    """Tenures the files still list as held are written as confirmed on ``as_of``; by default
    on the day a file was downloaded, or, for a local file, whose own date is unknown, on
    its modification date (the oldest, of several)."""
    as_of = confirmation_day(as_of)
    local = [target for target in targets if isinstance(target, Path)]
    if as_of is not None:
        confirmed: tuple[date, str] | None = (as_of, "as of")
    elif local:
        confirmed = (min(_modified_on(path) for path in local), "file date")
    else:
        confirmed = None
    with tempfile.TemporaryDirectory(prefix="refdb-import-") as folder, collector_paused():
        documents: list[OfficialsDocument] = []
        unchanged: list[dict[str, Any]] = []
        for target in targets:
            download = obtain(
                database,
                source.key,
                target,
                Path(folder),
                force=force,
                progress=progress,
                fetch_options=fetch_options,
            )
            if download is None:
                unchanged.append({"file": Path(str(target)).name, "url": str(target), "not_modified": True})
                continue
            # Every file is parsed before anything is written: a bad one is refused first.
            documents.append(parse(download))
        if not documents:
            return OfficialsResult(source=source.key, files=unchanged, not_modified=True)
        result = apply_officials(
            database, source, documents, actor=actor, progress=progress, confirmed=confirmed
        )
    result.files += unchanged
    return result


def _modified_on(path: Path) -> date:
    try:
        return min(datetime.fromtimestamp(path.stat().st_mtime, UTC).date(), datetime.now(UTC).date())
    except OSError as error:
        raise RefdbError(f"cannot read {path}: {error.strerror or error}") from None


def _targets(urls: Sequence[str], files: Sequence[Path], defaults: Sequence[str]) -> list[str | Path]:
    if urls and files:
        raise RefdbError("give either --url or --file, not both")
    return [*urls, *files] or list(defaults)


def import_wikidata(
    database: Database,
    qids: Sequence[str] = (),
    *,
    positions: Sequence[str] = (),
    api_url: str = wikidata.API_URL,
    sparql_url: str = wikidata.SPARQL_URL,
    actor: str | None = None,
    progress: Progress | None = None,
    fetch_options: dict[str, Any] | None = None,
) -> OfficialsResult:
    """Import people by Wikidata QID, and the holders of positions (SPARQL), with their P39."""
    wanted = [_qid(q) for q in qids]
    with tempfile.TemporaryDirectory(prefix="refdb-import-") as folder:
        reader = _WikidataReader(database, api_url, Path(folder), fetch_options)
        for position in map(_qid, positions):
            found = wikidata.holders_of(
                reader.get(wikidata.holders_url(sparql_url, position), f"holders-{position}"), position
            )
            if not found:
                raise RefdbError(f"{wikidata.KEY}: the SPARQL endpoint names no holder of {position}")
            wanted += found
        wanted = list(dict.fromkeys(wanted))
        if not wanted:
            raise RefdbError("name one or more QIDs (e.g. Q7747), or a position with --position QID")
        batches = []
        for batch in chunks(wanted, wikidata.BATCH):
            url = wikidata.entities_url(api_url, batch, "labels|aliases|claims")
            download = reader.download(url, f"wbgetentities-{batch[0]}-{len(batch)}.json")
            batches.append((download, wikidata.entities_of(download.path, download.path.name, batch), batch))
        people_entities = [entities[q] for _, entities, batch in batches for q in batch]
        position_ids = sorted({p for e in people_entities for p in wikidata.positions_held(e)})
        position_entities = reader.entities(position_ids, "labels|claims")
        country_ids = {c for e in people_entities for c in wikidata.countries_of(e, "P27")}
        country_ids |= {c for e in position_entities.values() for c in wikidata.countries_of(e, "P17")}
        countries = {
            c: wikidata.iso_code(reader.get(wikidata.claims_url(api_url, c, "P297"), f"P297-{c}"), c)
            for c in sorted(country_ids)
        }
        body_ids = {o for e in position_entities.values() if (o := wikidata.organization_of_position(e))}
        body_ids |= {o for e in people_entities for o in wikidata.statement_organizations(e)}
        bodies = wikidata.labels(reader.entities(sorted(body_ids), "labels")) if body_ids else {}
        posts = {q: wikidata.post(q, position_entities.get(q), countries, bodies) for q in position_ids}
        documents = [
            OfficialsDocument(
                download,
                [wikidata.person(download.path.name, entities[q], posts, countries, bodies) for q in batch],
            )
            for download, entities, batch in batches
        ]
        return apply_officials(database, WIKIDATA, documents, actor=actor, progress=progress)


class _WikidataReader:
    """GETs against the Wikidata API and query service, each answer saved to a file."""

    def __init__(
        self, database: Database, api_url: str, folder: Path, fetch_options: dict[str, Any] | None
    ) -> None:
        self.database, self.api_url, self.folder, self.options = database, api_url, folder, fetch_options

    def download(self, url: str, filename: str) -> Download:
        found = obtain(
            self.database,
            wikidata.KEY,
            url,
            self.folder,
            force=True,
            fetch_options=self.options,
            filename=filename,
        )
        assert found is not None  # an unconditional GET is never "not modified"
        return found

    def get(self, url: str, name: str) -> Path:
        return self.download(url, f"{name}.json").path

    def entities(self, qids: list[str], props: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for batch in chunks(qids, wikidata.BATCH):
            path = self.get(
                wikidata.entities_url(self.api_url, batch, props), f"entities-{batch[0]}-{len(batch)}"
            )
            found.update(wikidata.entities_of(path, path.name, batch))
        return found


def _qid(text: str) -> str:
    qid = text.strip().upper()
    if not wikidata.is_qid(qid):
        raise RefdbError(f"{wikidata.KEY}: {text!r} is not a Wikidata item id (like Q7747)")
    return qid
