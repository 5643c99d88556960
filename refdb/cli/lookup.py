"""Scripted lookups: `refdb show`, `holders`, `sanctions`, `entry`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from refdb import phrases
from refdb.cli import app
from refdb.cli.options import DATE, DbOption, JsonOption, OffsetOption, open_database
from refdb.cli.output import (
    Format,
    console,
    emit,
    emit_rows,
    nothing_found,
    output_options,
    say,
    say_page,
    table,
)
from refdb.countries import country_name
from refdb.services import list_age, lookup


@app.command()
def show(
    entity: Annotated[
        str,
        typer.Argument(
            help="Entity id, key, or an identifier it carries, e.g. 12, li-shangfu, P000197 or Q7747."
        ),
    ],
    on: Annotated[
        str | None,
        typer.Option(
            metavar=DATE,
            help="As refdb recorded it at the end of this date (or at an ISO date-time), rebuilt "
            "from the change log.",
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """One entity: names, identifiers, posts held, sanction entries and their links.

    An identifier (a bioguide id, a Wikidata QID, ...) is looked up under every
    scheme when no entity has that id or key.

    Examples:
      refdb show li-shangfu
      refdb show 12 --json
      refdb show P000197
      refdb show li-shangfu --on 2026-11-29
    """
    database = open_database(db)
    with database.session() as session:
        if on:
            from refdb.services.history import entity_as_of  # the change log's replay: only with --on

            profile = entity_as_of(session, entity, on)
        else:
            profile = lookup.entity_profile(session, entity)
    if on:
        say(f"as recorded in refdb at {profile['as_of']}, rebuilt from the change log")
    elif not json:
        _warn_stale(profile["sanctions"])
    if matched := profile.get("matched_identifier"):
        say(f"{entity}: the {matched['scheme']} identifier of {profile['name']} (id {profile['id']})")
    emit(profile, json, _render_profile)


def _warn_stale(entries: list[dict[str, Any]]) -> None:
    """On stderr, beside a table: JSON callers read each entry's list_age_days."""
    for warning in list_age.stale_warnings((e["list"], e.get("list_age_days")) for e in entries):
        say(warning)


def _render_profile(p: dict[str, Any]) -> None:
    # Imported people have no hand-given key; "key None" read like a defect.
    key = f", key {escape(p['key'])}" if p["key"] else ""
    facts = [f"[bold]{escape(p['name'])}[/]  ({p['kind']}, id {p['id']}{key})"]
    for label in ("birth_date", "birth_place", "death_date", "nationality", "country"):
        if value := p[label]:
            # Countries by name, as the screening table shows them: "cn" read like Switzerland's "ch".
            shown = country_name(value) if label in ("nationality", "country") else str(value)
            facts.append(f"{label.replace('_', ' ')}: {escape(shown)}")
    if p.get("merged_from"):
        facts.append(
            "merged from entities " + ", ".join(str(i) for i in p["merged_from"]) + " (their ids lead here)"
        )
    console().print("\n".join(facts))
    if len(p["names"]) > 1:
        console().print("names: " + "; ".join(escape(f"{n['name']} ({n['kind']})") for n in p["names"]))
    if p["identifiers"]:
        console().print(
            "identifiers: " + escape(", ".join(f"{i['scheme']}:{i['value']}" for i in p["identifiers"]))
        )
    if p["tenures"]:
        console().print(
            table(
                "Posts",
                ["post", "organization", "start", "end", "status"],
                [
                    (
                        t["post"] + (" (acting)" if t["acting"] else ""),
                        t["organization"],
                        t["start"] or "?",
                        t["end"] or ("" if t["status"] == "current" else "?"),
                        t["status"],
                    )
                    for t in p["tenures"]
                ],
            )
        )
    if p["sanctions"]:
        # Five columns, each a phrase ("ofac-sdn 24838", "2018-09-20 to 2021-01-08"), so
        # that the table reads on an 80-column terminal.
        console().print(
            table(
                "Sanctions",
                ["entry", "listed as", "programs", "listed", "link"],
                [
                    (
                        f"{s['list']} {s['record_id']}",
                        s["name"],
                        ", ".join(
                            f"{g['code']} ({g['legal_basis']})" if g["legal_basis"] else g["code"]
                            for g in s["programs"]
                        ),
                        _listing_period(s),
                        f"{s['link']['status']} ({s['link']['basis'] or 'basis unknown'})"
                        + (" — needs review" if s["link"]["needs_review"] else ""),
                    )
                    for s in p["sanctions"]
                ],
            )
        )
        for s in p["sanctions"]:
            for line in _cited_sources(s["link"]["citations"] + s["citations"]):
                console().print(f"  [{s['record_id']}] " + line, highlight=False)
    if p["relations"]:
        console().print(
            table(
                "Relations",
                ["relation", "with", "start", "end"],
                [
                    (
                        r["kind"] if r["direction"] == "outgoing" else f"{r['kind']} (of)",
                        r["other"],
                        r["start"],
                        r["end"],
                    )
                    for r in p["relations"]
                ],
            )
        )
    if p["citations"]:
        console().print("Sources:")
        for line in _cited_sources(p["citations"]):
            console().print("  " + line, highlight=False)


def _listing_period(entry: dict[str, Any]) -> str:
    """When an entry was in force: "2018-09-20", "2018-09-20 to 2021-01-08", "by
    2024-05-03" when the list publishes no listing date (the first file that held it), or
    "delisted" when nothing is known."""
    by = entry["listed_no_later_than"]
    listed = entry["listed_on"] or (f"by {by}" if by else "")
    if entry["status"] != "delisted":
        return listed or "active"
    return f"{listed or '?'} to {entry['delisted_on']}" if entry["delisted_on"] else "delisted"


def _cited_sources(citations: list[dict[str, Any]]) -> list[str]:
    """One line a source, however many citations name it (an entry and its link often cite
    the same notice, which printed the same line twice), with each of its quotes once; a
    quote that another of the source's quotes holds whole says nothing more. --json keeps
    every citation: each supports its own fact."""
    quotes: dict[int, list[str]] = {}
    first: dict[int, dict[str, Any]] = {}
    for c in citations:
        first.setdefault(c["source_id"], c)
        kept = quotes.setdefault(c["source_id"], [])
        if c["quote"] and c["quote"] not in kept:
            kept.append(c["quote"])
    lines = []
    for source_id, c in first.items():
        said = [
            q for q in quotes[source_id] if not any(q != other and q in other for other in quotes[source_id])
        ]
        verified = "" if c["verified"] else " [yellow](unverified)[/]"
        quoted = " — " + "; ".join(f'"{escape(q)}"' for q in said) if said else ""
        lines.append(f"{escape(c['source'])}{verified}{quoted}")
    return lines


@app.command()
@output_options
def holders(
    post: Annotated[str, typer.Argument(help="Words of the post title.")],
    on: Annotated[str, typer.Option(metavar=DATE, help="Held on some day of this date.")],
    db: DbOption = None,
    output: Format = "table",
) -> None:
    """Who held a post on a date; "2023" asks about any day of 2023.

    Examples:
      refdb holders "Secretary of Defense" --on 2023-07-12
      refdb holders "minister of national defense" --on 2023 --json
      refdb holders "secretary of state" --on 2022 --csv
    """
    database = open_database(db)
    with database.session() as session:
        answers = lookup.holders(session, post, on)
    if not answers:
        nothing_found(f"nobody is recorded holding a post matching {post!r} on {on}", output == "json")
    emit_rows(
        answers,
        answers,
        output,
        # Four columns, the post with its organization and the term as a phrase, so that
        # an answer reads on an 80-column terminal.
        ["person", "id", "post", "term"],
        lambda a: (
            a["person"],
            a["person_id"],
            f"{a['tenure']['post']}, {a['tenure']['organization']}",
            phrases.term(a["tenure"]) + ("" if a["certain"] else " (uncertain)"),
        ),
        f"Holders of {post!r} on {on}",
    )


@app.command()
@output_options
def sanctions(
    entity: Annotated[str | None, typer.Option(help="Only entries linked to this entity.")] = None,
    program: Annotated[str | None, typer.Option(help='Program code, e.g. "CAATSA - RUSSIA".')] = None,
    list_key: Annotated[str | None, typer.Option("--list", help="List key, e.g. ofac-sdn.")] = None,
    active_on: Annotated[
        str | None, typer.Option(metavar=DATE, help="Only entries in force on this date.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most entries to show.")] = 100,
    offset: OffsetOption = 0,
    db: DbOption = None,
    output: Format = "table",
) -> None:
    """Sanction entries as published, with their links to curated entities.

    Examples:
      refdb sanctions --entity li-shangfu
      refdb sanctions --program "CAATSA - RUSSIA" --active-on 2023-07 --json
      refdb sanctions --list ofac-sdn --limit 1000 --offset 1000 --csv
    """
    database = open_database(db)
    filters: dict[str, Any] = dict(entity=entity, program=program, list_key=list_key, active_on=active_on)
    with database.session() as session:
        entries = lookup.sanctions(session, **filters, limit=limit, offset=offset)
        whole = len(entries) < limit and not offset  # the page is all there is
        total = len(entries) if whole else lookup.count_sanctions(session, **filters)
    if not entries:
        nothing_found("no sanction entries match", output == "json")
    say_page({"items": entries, "total": total, "offset": offset}, "entry", "entries")
    if output in ("table", "csv"):
        _warn_stale(entries)
    emit_rows(
        entries,
        entries,
        output,
        ["entry", "name", "kind", "programs", "listed", "links"],
        lambda e: (
            f"{e['list']} {e['record_id']}",
            e["name"],
            e["target_kind"],
            ", ".join(g["code"] for g in e["programs"]),
            _listing_period(e),
            ", ".join(f"{k['entity']} ({k['status']})" for k in e["links"]),
        ),
        phrases.counted(len(entries), "sanction entry", "sanction entries"),
    )


@app.command()
def entry(
    list_key: Annotated[str, typer.Argument(metavar="LIST", help="List key, e.g. ofac-sdn.")],
    record_id: Annotated[str, typer.Argument(help="The list's own record id, e.g. 24838.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """One sanction entry as published, with every name and its links.

    Example: refdb entry ofac-sdn 24838
    """
    database = open_database(db)
    with database.session() as session:
        item = lookup.sanction_entry(session, list_key, record_id)

    def render(e: dict[str, Any]) -> None:
        console().print(
            f"[bold]{escape(e['name'])}[/]  {e['list']} record {e['record_id']} "
            f"({e['target_kind']}, {e['status']})"
        )
        console().print(escape(e["listing"]))
        for label in ("title", "birth_dates", "nationalities"):
            if value := e.get(label):
                shown = "; ".join(value) if isinstance(value, list) else value  # not "['China']"
                console().print(f"{label.replace('_', ' ')}: {escape(shown)}")
        console().print("programs: " + escape(", ".join(g["code"] for g in e["programs"])))
        console().print("names: " + "; ".join(escape(f"{n['name']} ({n['kind']})") for n in e["names"]))
        if e["remarks"]:
            console().print(f"remarks: {escape(e['remarks'])}")
        for k in e["links"]:
            console().print(f"link: {escape(k['entity'])} (id {k['entity_id']}) — {k['status']}")

    emit(item, json, render)
