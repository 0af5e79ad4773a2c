"""Procurement tables: the list columns, which are also the export columns."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samdigi.core.formatting import money
from samdigi.core.tables import Column, Table
from samdigi.procurement.models import Tender, Threshold, eur_rate
from samdigi.procurement.rules import schedule


def eur(value) -> str:
    """An amount in euro, labelled EUR (the generic money display would call it kr.)."""
    if value is None or value == "":
        return ""
    return f"{money(value, with_unit=False)} EUR"


class DkkThresholdColumn(Column):
    """A threshold in DKK; where no official figure is stored, the EUR figure converted at the
    configured rate, marked as estimated (docs/domain.md: "converts … and says so")."""

    def __init__(self, accessor, category, **kwargs):
        super().__init__(accessor, **kwargs)
        self.category = category

    def text(self, obj) -> str:
        if self.raw(obj) is not None:
            return money(self.raw(obj))
        amount = obj.as_period().amount(self.category, eur_rate())
        return gettext("%(amount)s (estimated from EUR)") % {"amount": money(amount.dkk)}


class ThresholdTable(Table):
    model = Threshold
    label = Column("label", link=True)
    valid_from = Column("valid_from")
    valid_to = Column("valid_to")
    supplies_services_eur = Column("supplies_services_eur", formatter=eur)
    supplies_services_dkk = DkkThresholdColumn("supplies_services_dkk", schedule.SERVICES)
    works_eur = Column("works_eur", formatter=eur)
    works_dkk = DkkThresholdColumn("works_dkk", schedule.WORKS)
    social_services_eur = Column("social_services_eur", formatter=eur)
    social_services_dkk = DkkThresholdColumn("social_services_dkk", schedule.SOCIAL_SERVICES)
    source = Column("source", order_by=None)


class TenderTable(Table):
    model = Tender
    select_related = ("owner", "winning_vendor")
    prefetch_related = ("participants__municipality",)
    title = Column("title", link=True)
    reference = Column("reference")
    owner = Column("owner.name", label=_("lead organisation"))
    participants = Column("participant_names", label=_("participants"), order_by=None)
    procedure = Column("procedure")
    category = Column("category")
    status = Column("status")
    estimated_value = Column("estimated_value")
    required_start = Column("required_start")
    eu_procedure_required = Column("eu_procedure_required")
    winning_vendor = Column("winning_vendor.name", label=_("winning vendor"))
    awarded_value = Column("awarded_value")
    published = Column("published")
