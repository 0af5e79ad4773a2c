"""The summary table of joint-tender opportunities: one row per group, filtered and sorted.

A pure module (no Django): the page hands in plain rows and the filter's values and gets back the
rows to show, so the order and the filters are tested without a database.

"Separate tenders avoided" counts what the association saves in procurement work: without the
joint tender each member municipality would run its own; with it, one tender replaces them, so
a group of n municipalities avoids n − 1 tenders.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: Sort keys the page offers, each with how to read it from a row.
SORTS = {
    "rank": lambda row: row.rank,
    "group": lambda row: row.name.casefold(),
    "members": lambda row: row.members,
    "date": lambda row: row.target_date,
    "value": lambda row: row.value,
    "eu": lambda row: row.eu_required,
    "avoided": lambda row: row.tenders_avoided,
}
DEFAULT_SORT = "rank"


def tenders_avoided(municipality_count: int) -> int:
    """One joint tender instead of one per municipality."""
    return max(0, municipality_count - 1)


@dataclass(frozen=True)
class SummaryRow:
    key: str
    rank: int
    name: str
    #: Member municipalities (a municipality with two contracts in the group counts once).
    members: int
    contracts: int
    target_date: date
    value: Decimal
    eu_required: bool

    @property
    def tenders_avoided(self) -> int:
        return tenders_avoided(self.members)


@dataclass(frozen=True)
class SummaryFilter:
    #: True: only groups that need an EU procedure; False: only those that do not; None: all.
    eu_required: bool | None = None
    min_members: int = 0
    date_from: date | None = None
    date_to: date | None = None

    def keeps(self, row: SummaryRow) -> bool:
        if self.eu_required is not None and row.eu_required != self.eu_required:
            return False
        if row.members < self.min_members:
            return False
        if self.date_from is not None and row.target_date < self.date_from:
            return False
        return self.date_to is None or row.target_date <= self.date_to


def normalise_sort(sort: str | None) -> str:
    """A sort the page offers ("value", "-value"), or the default (the finder's rank)."""
    key = (sort or "").removeprefix("-")
    return sort if sort and key in SORTS else DEFAULT_SORT


def select(
    rows: Iterable[SummaryRow], filters: SummaryFilter, sort: str | None = None
) -> list[SummaryRow]:
    """The rows the filter keeps, in the asked order; ties keep the finder's rank."""
    sort = normalise_sort(sort)
    descending = sort.startswith("-")
    read = SORTS[sort.removeprefix("-")]
    kept = sorted((row for row in rows if filters.keeps(row)), key=lambda row: row.rank)
    return sorted(kept, key=read, reverse=descending)
