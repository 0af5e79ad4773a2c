"""Which municipality a record may link to, by association membership (docs/architecture.md, "Access:
one place"): a joint project's or tender's participants are current members of the owning
association; a member that has left may stay on records that started before it left, but cannot
be added afresh.

Plain values in and out: membership periods are (joined, left) pairs, `left` None while current
and exclusive (a municipality that left on 1 July is no longer a member that day).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

Period = tuple[datetime.date, datetime.date | None]


def member_on(periods: Iterable[Period], day: datetime.date) -> bool:
    """Whether one of the periods covers the day."""
    return any(joined <= day and (left is None or left > day) for joined, left in periods)


def may_link(
    periods: Iterable[Period],
    today: datetime.date,
    *,
    already_linked: bool,
    record_start: datetime.date | None = None,
) -> bool:
    """Whether a municipality with these membership periods may be linked to a record.

    Added afresh: only a current member. Already on the record: it may stay when it was a member
    when the record started (or, for a record without a start date, at some time at all).
    """
    periods = list(periods)
    if member_on(periods, today):
        return True
    if not already_linked:
        return False
    if record_start is None:
        return bool(periods)
    return member_on(periods, record_start)
