"""The checks of an award's contract terms, once for the award page (AwardForm) and the API
(`POST /api/v1/tenders/{id}/award/`), so both refuse the same input with the same words.

Each problem is (field, message); the field is the form's and the API's own name, except a
participant's own start, which is ("start", municipality code) and each caller names its way
(the form's `start_<code>` field, the API's `starts`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.utils.translation import gettext as _

StartField = tuple[str, str]


def award_terms_problems(
    contract_start: datetime.date | None,
    contract_end: datetime.date | None,
    starts: Mapping[str, datetime.date | None],
    product_chosen: bool,
    new_product: str | None,
) -> list[tuple[str | StartField, str]]:
    """What is wrong with the terms; empty when nothing. ``starts`` maps a participant's
    municipality code to its own start (roll-out wave), None for the common start."""
    problems: list[tuple[str | StartField, str]] = []
    ends_before = _("The contract must end after it starts.")
    if contract_start and contract_end and contract_end < contract_start:
        problems.append(("contract_end", ends_before))
    for code, own in starts.items():
        if own and contract_end and contract_end < own:
            problems.append((("start", code), ends_before))
    if product_chosen and (new_product or "").strip():
        problems.append(("new_product", _("Choose a catalogue product or name a new one.")))
    return problems
