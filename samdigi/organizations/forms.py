"""Forms for organisations, units and memberships."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samdigi.core.forms import DateInput, VersionedModelForm
from samdigi.organizations.models import (
    Association,
    AssociationMember,
    Membership,
    Municipality,
    PopulationFigure,
    Role,
    Unit,
)


class AssociationForm(VersionedModelForm):
    class Meta:
        model = Association
        fields = [
            "name",
            "short_name",
            "description",
            "secretariat_name",
            "secretariat_email",
            "secretariat_phone",
        ]


class AssociationMemberForm(VersionedModelForm):
    class Meta:
        model = AssociationMember
        fields = ["association", "municipality", "joined", "left"]
        widgets = {"joined": DateInput(), "left": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.editable_by(self.user)
        self.fields["municipality"].queryset = Municipality.objects.all()


class UnitForm(VersionedModelForm):
    owner_kind = "municipality"

    class Meta:
        model = Unit
        fields = ["owner", "name", "kind", "parent", "contact_email", "internal"]


class PopulationFigureForm(VersionedModelForm):
    class Meta:
        model = PopulationFigure
        fields = ["municipality", "date", "population", "source"]
        widgets = {"date": DateInput()}


class MembershipForm(VersionedModelForm):
    """Changing the role of an existing membership."""

    class Meta:
        model = Membership
        fields = ["role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.organization_id:
            allowed = self.instance.organization.roles()
            self.fields["role"].choices = [c for c in Role.choices if c[0] in allowed]


class InviteForm(forms.Form):
    """Give an existing user a role in an organisation, found by username or e-mail."""

    user = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        help_text=_("The person must already have a samdigi account."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        allowed = organization.roles()
        self.fields["role"].choices = [c for c in Role.choices if c[0] in allowed]

    def clean_user(self):
        identifier = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True
        )
        matches = list(users[:2])
        if not matches:
            raise forms.ValidationError(_("No active user has this username or e-mail."))
        if len(matches) > 1:
            raise forms.ValidationError(_("Several users have this e-mail; use the username."))
        user = matches[0]
        if Membership.objects.filter(user=user, organization=self.organization).exists():
            raise forms.ValidationError(_("This user already has a role here; change it instead."))
        return user
