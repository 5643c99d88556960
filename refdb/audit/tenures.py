"""Rules about tenures: impossible dates, two holders of a one-holder post, office after
death, and tenures still called current that nobody has confirmed for a long time.

Partial dates cover intervals ("2023" is any day of 2023), so a rule reports only what
is certain whichever day within them is meant: a tenure ending "2023" that starts
"2023-05-10" may be fine, one ending "2022" is not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from itertools import combinations

from sqlalchemy import select
from sqlmodel import col

from refdb.audit.facts import certain_span, interval
from refdb.audit.registry import AuditContext, Hit, rule
from refdb.models import Entity, Post, Tenure


@rule("tenure-end-before-start", "tenures", "error", "Tenure that ends before it starts")
def tenure_end_before_start(ctx: AuditContext) -> Iterator[Hit]:
    statement = select(Tenure.id, Tenure.person_id, Tenure.start_on, Tenure.end_on).where(
        col(Tenure.start_on).is_not(None),
        col(Tenure.end_on).is_not(None),
    )
    for tenure_id, person_id, start_on, end_on in ctx.rows(statement.order_by(Tenure.id)):
        start, end = interval(start_on), interval(end_on)
        if start and end and end[1] < start[0]:
            yield f"tenure:{tenure_id}", person_id, f"ends {end_on}, before it starts {start_on}"


@rule("tenure-overlap", "tenures", "error", "Two people in a one-holder post at once")
def tenure_overlap(ctx: AuditContext) -> Iterator[Hit]:
    statement = (
        select(
            Tenure.id,
            Tenure.post_id,
            Tenure.person_id,
            Tenure.start_on,
            Tenure.end_on,
            Tenure.status,
            Post.title,
        )
        .join(Post, Post.id == Tenure.post_id)
        # An acting holder stands in while the holder cannot serve: not a second holder.
        .where(Post.single_holder.is_(True), Tenure.acting.is_(False))  # type: ignore[attr-defined]
        .order_by(Tenure.id)
    )
    by_post: dict[int, list[tuple[int, int, tuple[date, date], str]]] = defaultdict(list)
    for tenure_id, post_id, person_id, start_on, end_on, status, title in ctx.rows(statement):
        span = certain_span(start_on, end_on, status == "current")
        if span:
            by_post[post_id].append((tenure_id, person_id, span, title))
    for post_id in sorted(by_post):
        for a, b in combinations(by_post[post_id], 2):
            (a_id, a_person, (a_start, a_end), title), (b_id, b_person, (b_start, b_end), _) = a, b
            if a_person != b_person and a_start < b_end and b_start < a_end:
                yield (
                    f"tenure:{a_id}+tenure:{b_id}",
                    a_person,
                    f"{title} (post {post_id}) has one holder at a time, but tenures {a_id} "
                    f"(entity {a_person}) and {b_id} (entity {b_person}) overlap",
                )


@rule("tenure-after-death", "tenures", "error", "Tenure continuing after a recorded death")
def tenure_after_death(ctx: AuditContext) -> Iterator[Hit]:
    statement = (
        select(Tenure.id, Tenure.person_id, Tenure.start_on, Tenure.end_on, Tenure.status, Entity.death_date)
        .join(Entity, Entity.id == Tenure.person_id)
        .where(Entity.death_date.is_not(None))  # type: ignore[union-attr]
        .order_by(Tenure.id)
    )
    for tenure_id, person_id, start_on, end_on, status, died_on in ctx.rows(statement):
        death = interval(died_on)
        if death is None:
            continue
        start, end = interval(start_on), interval(end_on)
        if start and start[0] > death[1]:
            problem = f"starts {start_on}, after death on {died_on}"
        elif end and end[0] > death[1]:
            problem = f"ends {end_on}, after death on {died_on}"
        elif end is None and status == "current":
            problem = f"still current, but the holder died on {died_on}"
        else:
            continue
        yield f"tenure:{tenure_id}", person_id, problem


@rule("tenure-unconfirmed", "tenures", "warning", "Tenure still held on record but not confirmed lately")
def tenure_unconfirmed(ctx: AuditContext) -> Iterator[Hit]:
    """A current or unknown tenure with no end, last confirmed more than ``stale_days`` ago
    (or never): the person may well have left; answers about today are guesses."""
    statement = (
        select(Tenure.id, Tenure.person_id, Tenure.status, Tenure.confirmed_on, Post.title)
        .join(Post, Post.id == Tenure.post_id)
        .where(Tenure.status.in_(("current", "unknown")), Tenure.end_on.is_(None))  # type: ignore[attr-defined,union-attr]
        .order_by(Tenure.id)
    )
    days = ctx.settings.stale_days
    for tenure_id, person_id, status, confirmed_on, title in ctx.rows(statement):
        confirmed = interval(confirmed_on)
        if confirmed is None:
            yield f"tenure:{tenure_id}", person_id, f"{title}: {status}, never confirmed"
            continue
        age = (ctx.settings.today - confirmed[1]).days
        if age > days:
            yield (
                f"tenure:{tenure_id}",
                person_id,
                f"{title}: {status}, last confirmed {confirmed_on} ({age} days ago, more than {days})",
            )
