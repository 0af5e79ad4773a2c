"""Procurement tables: the list columns, which are also the export columns."""

from django.utils.translation import gettext_lazy as _

from samdigi.core.tables import Column, Table
from samdigi.procurement.models import Tender, Threshold


class ThresholdTable(Table):
    model = Threshold
    label = Column("label", link=True)
    valid_from = Column("valid_from")
    valid_to = Column("valid_to")
    supplies_services_eur = Column("supplies_services_eur")
    supplies_services_dkk = Column("supplies_services_dkk")
    works_eur = Column("works_eur")
    works_dkk = Column("works_dkk")
    social_services_eur = Column("social_services_eur")
    social_services_dkk = Column("social_services_dkk")
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
