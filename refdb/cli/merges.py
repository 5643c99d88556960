"""Merge proposals: `refdb merges` lists them, `accept` merges the two entities, `reject` keeps them apart."""

from __future__ import annotations

from typing import Annotated

import typer

from refdb import phrases
from refdb.cli import app
from refdb.cli.options import ActorOption, DbOption, JsonOption, one_of, open_database
from refdb.cli.output import console, print_json, say, table
from refdb.errors import InvalidInput
from refdb.services import merges
from refdb.services.edits import editing
from refdb.vocab import MERGE_STATUSES

merges_app = typer.Typer(invoke_without_command=True)
app.add_typer(merges_app, name="merges")

Reason = Annotated[str, typer.Option(help="Why you decide so (logged with every moved fact).")]
STATUSES = (*MERGE_STATUSES, "all")
ProposalId = Annotated[int, typer.Argument(help="The merge proposal's id (merge_id), from `refdb merges`.")]


@merges_app.callback()
def list_merges(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(help=f"{one_of(STATUSES)}.")] = "proposed",
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Entities an import thinks may be one: list the proposals, accept (merge) or reject.

    Lists the proposals oldest first, the open ones unless --status says otherwise.

    Examples:
      refdb merges
      refdb merges --status all --json
      refdb merges accept 3 --reason "same bioguide id on both records"
      refdb merges reject 4 --reason "other middle name, born elsewhere"
    """
    if ctx.invoked_subcommand is not None:
        return
    if status not in STATUSES:
        raise InvalidInput({"status": one_of(STATUSES)})
    database = open_database(db)
    with database.session() as session:
        items = [
            merges.proposal_dict(session, p)
            for p in merges.merge_proposals(session, None if status == "all" else status)
        ]
    if json:
        print_json(items)
        return
    if not items:
        say(f"no merge proposals ({status})")
        return
    console().print(
        table(
            f"Merge proposals ({status}, {len(items)})",
            ["id", "keep", "merge into it", "score", "status", "why"],
            [
                (
                    p["merge_id"],
                    f"{p['entity']} ({p['entity_id']})",
                    f"{p['other']} ({p['other_id']})",
                    "" if p["score"] is None else f"{p['score']:.2f}",
                    p["status"],
                    p["explanation"] or "",
                )
                for p in items
            ],
        )
    )


def _decide(
    proposal_id: int, status: str, reason: str, db: str | None, actor: str | None, json: bool
) -> None:
    database = open_database(db, actor)
    with editing(database) as editor:
        decided, merged = merges.decide_merge(editor, proposal_id, status, reason)
        result = merges.decision_dict(editor.session, decided, merged)
    if json:
        print_json(result)
    else:
        say(phrases.merge_decision(result))


@merges_app.command("accept")
def accept(
    proposal_id: ProposalId,
    reason: Reason,
    db: DbOption = None,
    actor: ActorOption = None,
    json: JsonOption = False,
) -> None:
    """Accept a proposal: merge the other entity into the kept one.

    Its names, identifiers, posts held, links and citations move onto the kept
    one, in one logged transaction; its id and key then lead there.

    Example:
      refdb merges accept 3 --reason "bioguide P000197 on both records"
    """
    _decide(proposal_id, "accepted", reason, db, actor, json)


@merges_app.command("reject")
def reject(
    proposal_id: ProposalId,
    reason: Reason,
    db: DbOption = None,
    actor: ActorOption = None,
    json: JsonOption = False,
) -> None:
    """Reject a proposal: the two stay apart, and no import proposes the pair again.

    Example:
      refdb merges reject 4 --reason "namesake: born in another state"
    """
    _decide(proposal_id, "rejected", reason, db, actor, json)
