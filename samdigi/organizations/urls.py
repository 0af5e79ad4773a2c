from django.urls import path

from samdigi.core.views import model_urls, section
from samdigi.organizations import views
from samdigi.organizations.models import (
    Association,
    AssociationMember,
    Membership,
    Municipality,
    PopulationFigure,
    Unit,
)

app_name = "organizations"

urlpatterns = [
    path("people/invite/<int:org_pk>/", views.invite, name="invite"),
]


urlpatterns += [
    section(
        "associations/",
        model_urls(
            Association,
            views.AssociationListView,
            views.AssociationDetailView,
            views.AssociationEditView,
        ),
    ),
    section(
        "association-members/",
        model_urls(AssociationMember, None, None, views.AssociationMemberEditView),
    ),
    section(
        "municipalities/",
        model_urls(
            Municipality,
            views.MunicipalityListView,
            views.MunicipalityDetailView,
            lookup="<str:code>",
        ),
    ),
    section(
        "population-figures/",
        model_urls(PopulationFigure, None, None, views.PopulationFigureEditView),
    ),
    section(
        "units/",
        model_urls(
            Unit, views.UnitListView, views.UnitDetailView, views.UnitEditView, views.UnitDeleteView
        ),
    ),
    section(
        "memberships/",
        model_urls(
            Membership,
            views.MembershipListView,
            views.MembershipDetailView,
            views.MembershipEditView,
            views.MembershipDeleteView,
        ),
    ),
]
