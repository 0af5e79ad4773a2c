"""Pages for associations, municipalities, units and memberships: declarations over core views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samdigi.core import dashboard
from samdigi.core.access import current_membership_q, in_reach, may_manage_people, scope_for
from samdigi.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from samdigi.organizations import filters, forms, tables
from samdigi.organizations.models import (
    Association,
    AssociationMember,
    Membership,
    Organization,
    Unit,
)


def _people_tab():
    return ("people", _("People and roles"), "organizations/tab_people.html")


def people_context(request, organization):
    """Memberships of an organisation that the user may see, and whether they may manage them."""
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(organization_id=organization.pk)
        .select_related("user")
        .order_by("role", "user__username")
    )
    can_manage = may_manage_people(request.user, organization.pk)
    return {
        "memberships": memberships,
        "can_manage_people": can_manage,
        "invite_form": forms.InviteForm(organization=organization) if can_manage else None,
        "invite_url": reverse("organizations:invite", args=[organization.pk]),
    }


# --- associations ---------------------------------------------------------------------------


def association_queryset():
    """Associations with their current member count and population. Call it per request: the
    day that decides who is a current member is taken when it is called."""
    current = current_membership_q("members__")
    return Association.objects.annotate(
        member_count=Count("members", filter=current, distinct=True),
        population_total=Sum("members__municipality__population", filter=current),
    ).order_by("name")


class AssociationListView(ObjectListView):
    model = Association
    table_class = tables.AssociationTable
    filterset_class = filters.AssociationFilterSet

    def base_queryset(self):
        return association_queryset()


class AssociationDetailView(ObjectDetailView):
    template_name = "organizations/association_detail.html"

    @property
    def tabs(self):
        return (
            _people_tab(),
            ("former", _("Former members"), "organizations/association_former.html"),
        )

    def get_extra_context(self, obj, tab):
        if tab == "people":
            return people_context(self.request, obj)
        if tab == "former":
            return {
                "former": obj.members.exclude(current_membership_q())
                .select_related("municipality")
                .order_by("-left")
            }
        members = list(obj.current_members().order_by("municipality__name"))
        scope = scope_for(self.request.user)
        return {
            "members": members,
            "population_total": sum(m.municipality.population for m in members),
            "can_manage_members": scope.is_admin_of(obj.pk),
        }


class AssociationEditView(ObjectEditView):
    form_class = forms.AssociationForm

    def after_save(self, instance, created):
        if created:
            Membership.objects.get_or_create(
                user=self.request.user,
                organization=instance,
                defaults={"role": Membership._meta.get_field("role").choices[0][0]},
            )


class AssociationMemberEditView(ObjectEditView):
    form_class = forms.AssociationMemberForm

    def success_url(self, instance):
        return instance.association.get_absolute_url()


# --- municipalities -------------------------------------------------------------------------


class MunicipalityListView(ObjectListView):
    table_class = tables.MunicipalityTable
    filterset_class = filters.MunicipalityFilterSet
    paginate_by = 100

    def can_add(self):
        return False  # reference data, or rows made by invitation (the People tab)


class MunicipalityDetailView(ObjectDetailView):
    template_name = "organizations/municipality_detail.html"

    @property
    def tabs(self):
        return (
            ("population", _("Population"), "organizations/municipality_population.html"),
            _people_tab(),
        )

    def get_extra_context(self, obj, tab):
        if tab == "people":
            return people_context(self.request, obj)
        if tab == "population":
            return {
                "figures": obj.population_figures.order_by("-date"),
                "can_add_figure": self.request.user.is_staff,
            }
        return {
            "associations": Association.objects.visible_to(self.request.user)
            .filter(members__in=AssociationMember.objects.current().filter(municipality=obj))
            .distinct(),
            "units": Unit.objects.visible_to(self.request.user)
            .filter(owner=obj)
            .select_related("parent"),
            "can_add_unit": scope_for(self.request.user).can_edit_owned(obj.pk),
        }


class PopulationFigureEditView(ObjectEditView):
    form_class = forms.PopulationFigureForm

    def success_url(self, instance):
        return reverse(
            "organizations:municipality_tab", args=[instance.municipality.code, "population"]
        )


# --- units ----------------------------------------------------------------------------------


class UnitListView(ObjectListView):
    table_class = tables.UnitTable
    filterset_class = filters.UnitFilterSet


class UnitDetailView(ObjectDetailView):
    template_name = "organizations/unit_detail.html"


class UnitEditView(ObjectEditView):
    form_class = forms.UnitForm


class UnitDeleteView(ObjectDeleteView):
    pass


# --- memberships ----------------------------------------------------------------------------


class MembershipListView(ObjectListView):
    table_class = tables.MembershipTable
    filterset_class = filters.MembershipFilterSet

    def can_add(self):
        return False  # reference data, or rows made by invitation (the People tab)


class MembershipDetailView(ObjectDetailView):
    template_name = "organizations/membership_detail.html"


class MembershipEditView(ObjectEditView):
    form_class = forms.MembershipForm

    def can_add(self):
        return False  # reference data, or rows made by invitation (the People tab)

    def success_url(self, instance):
        return instance.organization.get_absolute_url() + "people/"


class MembershipDeleteView(ObjectDeleteView):
    def delete_problem(self, obj):
        return obj.delete_check()

    def success_url(self, obj):
        return obj.organization.get_absolute_url() + "people/"


@login_required
def invite(request, org_pk):
    """Give an existing user a role in an organisation the requester manages."""
    try:
        organization = Organization.objects.get(pk=org_pk)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc
    if not in_reach(request.user, organization.pk):
        raise Http404
    if not may_manage_people(request.user, organization.pk):
        raise PermissionDenied(_("Only the organisation's admins manage its people."))
    form = forms.InviteForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            membership = Membership.objects.create(
                user=form.cleaned_data["user"],
                organization=organization,
                role=form.cleaned_data["role"],
                created_by=request.user,
                updated_by=request.user,
            )
        messages.success(
            request,
            _("%(user)s now has the role %(role)s.")
            % {"user": membership.user, "role": membership.get_role_display()},
        )
        return HttpResponseRedirect(organization.get_absolute_url() + "people/")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "organizations/invite.html",
        {
            "form": form,
            "organization": organization,
            "cancel_url": organization.get_absolute_url() + "people/",
        },
        status=status,
    )


@login_required
def profile(request):
    memberships = Membership.objects.filter(user=request.user).select_related(
        "organization__municipality", "organization__association"
    )
    return render(request, "organizations/profile.html", {"memberships": memberships})


def home(request):
    """Before login: what samdigi is, with the way to the public pages and the login form.
    After login: the work that has come to the user, as panels the domain apps contribute."""
    if not request.user.is_authenticated:
        form = AuthenticationForm(request)
        # The page starts with what samdigi is; the focus stays at the top for screen readers.
        form.fields["username"].widget.attrs.pop("autofocus", None)
        return render(request, "core/home.html", {"form": form})
    return render(
        request,
        "core/home.html",
        {
            "panels": dashboard.build(request.user, timezone.localdate()),
            "associations": Association.objects.visible_to(request.user),
            "memberships": Membership.objects.filter(user=request.user).select_related(
                "organization__municipality", "organization__association"
            ),
        },
    )
