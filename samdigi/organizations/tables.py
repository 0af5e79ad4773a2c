"""List-page tables; their columns are also the export's columns."""

from django.utils.translation import gettext_lazy as _

from samdigi.core.formatting import number
from samdigi.core.tables import Column, Table
from samdigi.organizations.models import Association, Membership, Municipality, Unit


class AssociationTable(Table):
    model = Association
    name = Column("name", link=True)
    short_name = Column("short_name")
    member_count = Column("member_count", label=_("member municipalities"))
    population_total = Column("population_total", label=_("population"), formatter=number)


class MunicipalityTable(Table):
    model = Municipality
    code = Column("code")
    name = Column("name", link=True)
    region = Column("region", label=_("region"))
    population = Column("population", formatter=number)
    population_date = Column("population_date")


class UnitTable(Table):
    model = Unit
    select_related = ("owner", "parent")
    name = Column("name", link=True)
    kind = Column("kind")
    owner = Column("owner.name", label=_("municipality"))
    parent = Column("parent.name", label=_("part of"))
    internal = Column("internal")


class MembershipTable(Table):
    model = Membership
    select_related = ("user", "organization")
    username = Column("user.username", label=_("username"), link=True)
    full_name = Column("user.get_full_name", label=_("name"), order_by="user__last_name")
    email = Column("user.email", label=_("e-mail"))
    organization = Column("organization.name", label=_("organisation"))
    role = Column("role")
