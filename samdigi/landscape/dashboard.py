"""The landscape's panels on the front page: contract decisions that are due.

The dates are the ones the deadline engine (landscape/rules/deadlines.py) stored on each contract, read
with the deadline list's own filters (landscape/services.py), so the dashboard and the deadline
page never disagree. One query per panel.
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from samdigi.core.dashboard import (
    HORIZON_DAYS,
    Item,
    PanelProvider,
    acts_on_contracts,
    register,
    theirs,
)
from samdigi.landscape import services
from samdigi.landscape.models import Contract, DeadlineKind


def _contracts(user):
    return theirs(Contract.objects.all(), user).select_related("owner")


def _deadline_url(kind):
    # Three months is the deadline page's nearest horizon to the dashboard's 90 days.
    return f"{reverse('landscape:deadlines')}?{urlencode({'kind': kind, 'months': 3})}"


def notice_deadlines(user, today: datetime.date) -> list[Item]:
    """Notice deadlines due within the horizon, and those passed on contracts that still run with
    no notice given (the deadline page's warnings): the contract rolls on unless someone acts."""
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    due = services.range_q(today, horizon, [DeadlineKind.NOTICE_DEADLINE])
    contracts = _contracts(user).filter(
        (due & Q(terminated_on__isnull=True)) | services.unnoticed_q(today)
    )
    return [
        Item(
            title=contract.name,
            url=contract.get_absolute_url(),
            date=contract.notice_deadline,
            context=contract.owner.name,
        )
        for contract in contracts.order_by("notice_deadline", "name", "pk")
    ]


def option_decisions(user, today: datetime.date) -> list[Item]:
    """Options to decide on: use the next option or re-tender, by the option decision date."""
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    contracts = _contracts(user).filter(
        option_decision__lte=horizon, terminated_on__isnull=True, current_end__gte=today
    )
    return [
        Item(
            title=contract.name,
            url=contract.get_absolute_url(),
            date=contract.option_decision,
            context=contract.owner.name,
            note=gettext("option %(next)s of %(count)s")
            % {"next": contract.options_used + 1, "count": contract.option_count},
        )
        for contract in contracts.order_by("option_decision", "name", "pk")
    ]


register(
    PanelProvider(
        key="notice_deadlines",
        order=10,
        heading=gettext_lazy("Notice deadlines"),
        empty_text=gettext_lazy("No notice deadline passed or due within 90 days."),
        items=notice_deadlines,
        see_all_url=lambda user: _deadline_url(DeadlineKind.NOTICE_DEADLINE),
        see_all_label=gettext_lazy("All notice deadlines"),
        applies=acts_on_contracts,
    )
)

register(
    PanelProvider(
        key="option_decisions",
        order=20,
        heading=gettext_lazy("Options to decide"),
        empty_text=gettext_lazy("No option to decide on within 90 days."),
        items=option_decisions,
        see_all_url=lambda user: _deadline_url(DeadlineKind.OPTION_DECISION),
        see_all_label=gettext_lazy("All option decisions"),
        applies=acts_on_contracts,
    )
)
