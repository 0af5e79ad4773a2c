"""Procurement's panel on the front page: re-tenders that should start.

A re-tender start is the date the deadline engine stored on the contract (end + 1 day − the lead
time of the procedure the re-tender needs). Once a tender that replaces the contract exists (and
is not cancelled), the start has been made and the contract leaves the panel. One query.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.formats import date_format
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
from samdigi.landscape.models import Contract, DeadlineKind
from samdigi.procurement.models import Tender


def retender_starts(user, today: datetime.date) -> list[Item]:
    """Re-tender starts passed or due within the horizon, on contracts that have not ended yet
    and that no live tender replaces."""
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    replaced = Tender.contracts.through.objects.filter(contract_id=OuterRef("pk")).exclude(
        tender__status=Tender.Status.CANCELLED
    )
    contracts = (
        theirs(Contract.objects.all(), user)
        .filter(retender_start__lte=horizon, ends_on__gte=today)
        .exclude(Exists(replaced))
        .select_related("owner")
        .order_by("retender_start", "name", "pk")
    )
    return [
        Item(
            title=contract.name,
            url=contract.get_absolute_url(),
            date=contract.retender_start,
            context=contract.owner.name,
            note=gettext("the contract ends %(date)s") % {"date": date_format(contract.ends_on)},
        )
        for contract in contracts
    ]


register(
    PanelProvider(
        key="retender_starts",
        order=30,
        heading=gettext_lazy("Re-tenders to start"),
        empty_text=gettext_lazy("No re-tender has to start within 90 days."),
        items=retender_starts,
        see_all_url=lambda user: (
            f"{reverse('landscape:deadlines')}?"
            f"{urlencode({'kind': DeadlineKind.RETENDER_START, 'months': 3})}"
        ),
        see_all_label=gettext_lazy("All re-tender starts"),
        applies=acts_on_contracts,
    )
)
