"""Listings for auditors: `refdb officials`, `refdb links`, `refdb posts`, paged and counted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from refdb import phrases
from refdb.cli import app
from refdb.cli.options import COUNTRY, DATE, DbOption, LimitOption, OffsetOption, one_of, open_database
from refdb.cli.output import Format, emit_rows, nothing_found, output_options, say_page
from refdb.countries import country_name
from refdb.services import listings
from refdb.services.listings import LinkFilters, OfficialFilters, PostFilters
from refdb.vocab import LINK_BASES, LINK_STATUSES

CountryOption = Annotated[
    str | None, typer.Option(metavar=COUNTRY, help="Country of the post, e.g. us or cn.")
]


def _show(
    page: dict[str, Any],
    output: Format,
    noun: str,
    columns: Sequence[str],
    cells: Callable[[dict[str, Any]], Sequence[Any]],
) -> None:
    """A page of a listing of ``noun``s (singular: "official", "link", "post")."""
    if not page["items"]:
        past = f" past row {page['total']:,}" if page["total"] else ""
        nothing_found(f"no {noun}s match{past}", output == "json", page)
    say_page(page, noun)
    emit_rows(page, page["items"], output, columns, cells, phrases.counted(page["total"], noun))


@app.command()
@output_options
def officials(
    post: Annotated[str | None, typer.Option(help="Words of a post title, e.g. 'defense minister'.")] = None,
    country: CountryOption = None,
    in_office_on: Annotated[
        str | None,
        typer.Option(metavar=DATE, help="In office on some day of this date."),
    ] = None,
    sanctioned: Annotated[
        str | None,
        typer.Option(
            metavar="yes|no",
            help="With (or without) a confirmed link to an entry in force on the --in-office-on "
            "date, or today.",
        ),
    ] = None,
    proposed: Annotated[
        bool, typer.Option("--proposed", help="Count proposed links as sanctioned too.")
    ] = False,
    source: Annotated[
        str | None, typer.Option(help="Only officials whose facts cite this source (its key or id).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Text within the official's name.")] = None,
    limit: LimitOption = listings.DEFAULT_LIMIT,
    offset: OffsetOption = 0,
    db: DbOption = None,
    output: Format = "table",
) -> None:
    """Officials (people holding or having held a post), with their posts and sanctions.

    Filtered by name, post, country and date; the post, country and date
    filters hold for one same tenure.

    Examples:
      refdb officials --sanctioned yes
      refdb officials --in-office-on 2023 --sanctioned yes --json
      refdb officials --post "minister of national defense" --country cn
      refdb officials --source us-congress --limit 50 --offset 50 --csv
    """
    filters = OfficialFilters(post, country, in_office_on, sanctioned, proposed, source, name)  # type: ignore[arg-type]
    with open_database(db).reading() as reader:
        page = listings.officials(reader, filters, limit=limit, offset=offset)
    _show(
        page,
        output,
        "official",
        ["person", "id", "post", "term", "sanctioned"],
        lambda o: (
            o["name"],
            o["id"],
            phrases.posts_held(o),
            phrases.term(o["tenures"][0] if o["tenures"] else None),
            phrases.sanctioned(o),
        ),
    )


@app.command()
@output_options
def links(
    status: Annotated[str | None, typer.Option(help=f"{one_of(LINK_STATUSES)}.")] = None,
    basis: Annotated[str | None, typer.Option(help=f"{one_of(LINK_BASES)}.")] = None,
    min_score: Annotated[float | None, typer.Option(help="Lowest match score, 0 to 1.")] = None,
    max_score: Annotated[float | None, typer.Option(help="Highest match score, 0 to 1.")] = None,
    needs_review: Annotated[
        bool | None,
        typer.Option(
            "--needs-review/--reviewed", help="Only links flagged for review (or not).", show_default=False
        ),
    ] = None,
    entity: Annotated[str | None, typer.Option(help="Text within the linked entity's name.")] = None,
    limit: LimitOption = listings.DEFAULT_LIMIT,
    offset: OffsetOption = 0,
    db: DbOption = None,
    output: Format = "table",
) -> None:
    """Links between curated entities and sanction entries, oldest first.

    Examples:
      refdb links --status proposed --min-score 0.9
      refdb links --needs-review --json
      refdb links --status confirmed --basis named --csv
    """
    filters = LinkFilters(status, basis, min_score, max_score, needs_review, entity)
    with open_database(db).reading() as reader:
        page = listings.links(reader, filters, limit=limit, offset=offset)
    _show(
        page,
        output,
        "link",
        ["id", "entity", "entry", "status", "score"],
        lambda k: (
            k["id"],
            k["entity"],
            phrases.link_entry(k),
            phrases.link_state(k),
            phrases.score(k["score"]),
        ),
    )


@app.command()
@output_options
def posts(
    title: Annotated[str | None, typer.Option(help="Words of the post title.")] = None,
    country: CountryOption = None,
    organization: Annotated[
        str | None, typer.Option(help="Words of the organization's name, or its key.")
    ] = None,
    limit: LimitOption = listings.DEFAULT_LIMIT,
    offset: OffsetOption = 0,
    db: DbOption = None,
    output: Format = "table",
) -> None:
    """Posts by title, with how many people held each and how many hold it today.

    Examples:
      refdb posts --country cn
      refdb posts --title minister --json
      refdb posts --organization "department of defense"
    """
    filters = PostFilters(title, country, organization)
    with open_database(db).reading() as reader:
        page = listings.posts(reader, filters, limit=limit, offset=offset)
    # The table names the country, as `refdb show` does ("cn" reads like Switzerland's "ch");
    # --csv keeps the code, as --json and `refdb screen --csv` do.
    named = output == "table"
    _show(
        page,
        output,
        "post",
        ["id", "post", "country", "held by", "now"],
        lambda p: (
            p["id"],
            f"{p['title']}, {p['organization']}" if p["organization"] else p["title"],
            country_name(p["country"] or "") if named else p["country"] or "",
            p["holders"],
            p["current_holders"],
        ),
    )
