"""Landscape tables: the list columns, which are also the export columns (and import headers)."""

from django.utils.translation import gettext_lazy as _

from samdigi.core.formatting import number
from samdigi.core.tables import Column, Table
from samdigi.landscape.models import (
    Contract,
    ItSystem,
    KleClass,
    LeadTime,
    ReminderSubscription,
    SystemUsage,
    Vendor,
)


class VendorTable(Table):
    model = Vendor
    name = Column("name", link=True)
    cvr = Column("cvr")
    foreign = Column("foreign")
    contact_name = Column("contact_name")
    contact_email = Column("contact_email")
    phone = Column("phone")
    website = Column("website")


class KleClassTable(Table):
    model = KleClass
    number = Column("number", link=True)
    title = Column("title")
    level = Column("level")
    retired = Column("retired")


class ItSystemTable(Table):
    model = ItSystem
    select_related = ("vendor", "owner")
    prefetch_related = ("kle",)
    name = Column("name", link=True)
    vendor = Column("vendor.name", label=_("vendor"))
    category = Column("category")
    licence_model = Column("licence_model")
    lifecycle = Column("lifecycle")
    kle = Column("kle", label=_("KLE task areas"), order_by=None)
    previous_names = Column("previous_names")
    description = Column("description", order_by=None)


class SystemUsageTable(Table):
    model = SystemUsage
    select_related = ("owner", "system", "responsible_unit", "main_contract")
    owner = Column("owner.name", label=_("municipality"))
    system = Column("system.name", label=_("IT system"), link=True)
    local_name = Column("local_name")
    lifecycle = Column("lifecycle")
    user_count = Column("user_count", formatter=number)
    responsible_unit = Column("responsible_unit.name", label=_("responsible unit"))
    business_critical = Column("business_critical")
    main_contract = Column("main_contract.name", label=_("main contract"))
    internal = Column("internal")
    notes = Column("notes", order_by=None)


class ContractTable(Table):
    model = Contract
    select_related = ("owner", "vendor")
    prefetch_related = ("systems", "co_owners")
    name = Column("name", link=True)
    owner = Column("owner.name", label=_("municipality"))
    co_owners = Column("co_owners", label=_("also signed by"), order_by=None)
    contract_number = Column("contract_number")
    vendor = Column("vendor.name", label=_("vendor"))
    systems = Column("systems", label=_("systems covered"), order_by=None)
    contract_type = Column("contract_type")
    procurement_form = Column("procurement_form")
    concluded = Column("concluded")
    valid_from = Column("valid_from")
    expiration = Column("expiration")
    irrevocable_until = Column("irrevocable_until")
    notice_months = Column("notice_months")
    notice_to_end_of = Column("notice_to_end_of")
    option_count = Column("option_count")
    option_months = Column("option_months")
    options_used = Column("options_used")
    terminated_on = Column("terminated_on")
    annual_value = Column("annual_value")
    total_value = Column("total_value")
    responsible = Column("responsible")
    internal = Column("internal")
    current_end = Column("current_end")
    notice_deadline = Column("notice_deadline")
    retender_start = Column("retender_start")


class ReminderSubscriptionTable(Table):
    model = ReminderSubscription
    select_related = ("owner", "user")
    user = Column("user.username", label=_("recipient"), link=True)
    owner = Column("owner.name", label=_("municipality"))
    kinds = Column("kinds", order_by=None, formatter=lambda v: ", ".join(v or []))
    days_ahead = Column(
        "days_ahead", order_by=None, formatter=lambda v: ", ".join(str(d) for d in v or [])
    )
    active = Column("active")


class LeadTimeTable(Table):
    model = LeadTime
    select_related = ("association",)
    association = Column("association.name", label=_("association"))
    procedure = Column("procedure", link=True)
    months = Column("months")
