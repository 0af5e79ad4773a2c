"""Deadline rows for lists, reminders and calendars, read from the dates stored on contracts.

The dates are computed by landscape/rules/deadlines.py when a contract is saved; reading the stored
values keeps a national list at one query, however many contracts it covers.
"""

import datetime
from dataclasses import dataclass

from samdigi.landscape.models import DeadlineKind

FIELD_OF_KIND = {
    DeadlineKind.NOTICE_DEADLINE: "notice_deadline",
    DeadlineKind.OPTION_DECISION: "option_decision",
    DeadlineKind.RETENDER_START: "retender_start",
    DeadlineKind.EXPIRY: "ends_on",
}


@dataclass(frozen=True)
class DeadlineRow:
    contract: object
    kind: str
    date: datetime.date

    @property
    def kind_label(self):
        return DeadlineKind(self.kind).label

    @property
    def days_left(self):
        from django.utils import timezone

        return (self.date - timezone.localdate()).days

    @property
    def uid(self):
        """Stable across feeds and time, so calendar clients update instead of duplicating."""
        return f"contract-{self.contract.pk}-{self.kind}@samdigi"


def deadline_rows(contracts, start, end, kinds=None):
    wanted = [DeadlineKind(k) for k in kinds] if kinds else list(DeadlineKind)
    rows = []
    for contract in contracts:
        for kind in wanted:
            day = getattr(contract, FIELD_OF_KIND[kind])
            if day is None or (start and day < start) or (end and day > end):
                continue
            if kind == DeadlineKind.NOTICE_DEADLINE and contract.terminated_on:
                continue  # notice already given: nothing left to decide
            rows.append(DeadlineRow(contract, kind.value, day))
    rows.sort(key=lambda row: (row.date, row.contract.name, row.kind))
    return rows


def range_q(start, end, kinds=None):
    """A filter for contracts with at least one wanted deadline in [start, end]."""
    from django.db.models import Q

    wanted = [DeadlineKind(k) for k in kinds] if kinds else list(DeadlineKind)
    q = Q(pk__in=[])
    for kind in wanted:
        q |= Q(**{f"{FIELD_OF_KIND[kind]}__gte": start, f"{FIELD_OF_KIND[kind]}__lte": end})
    return q


def unnoticed_q(today):
    """Fixed-term contracts whose notice deadline passed with no notice given and that still run:
    they roll on (or end) without the decision anyone meant to take."""
    from django.db.models import Q

    return Q(notice_deadline__lt=today, terminated_on__isnull=True, current_end__gte=today)
