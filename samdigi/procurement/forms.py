"""Forms for thresholds, tenders and the tender actions (move a step, award)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import scope_for
from samdigi.core.forms import DateInput, VersionedModelForm
from samdigi.landscape.models import KleClass, Vendor
from samdigi.organizations.models import Municipality
from samdigi.procurement.models import Tender, TenderParticipant, Threshold


class ThresholdForm(VersionedModelForm):
    class Meta:
        model = Threshold
        fields = [
            "label",
            "valid_from",
            "valid_to",
            "supplies_services_eur",
            "supplies_services_dkk",
            "works_eur",
            "works_dkk",
            "social_services_eur",
            "social_services_dkk",
            "source",
        ]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}


TENDER_DATES = (
    "required_start",
    "notice_published_on",
    "tender_deadline_on",
    "award_decision_on",
    "contract_signed_on",
)


class TenderForm(VersionedModelForm):
    """The lead organisation offers only where the user may create records: a municipality's
    admins and editors plan its own tenders, an association's admins the joint ones."""

    participants = forms.ModelMultipleChoiceField(
        label=_("participating municipalities"),
        queryset=Municipality.objects.all(),
        required=False,
        help_text=_("For a joint tender: the municipalities taking part."),
    )

    class Meta:
        model = Tender
        fields = [
            "owner",
            "title",
            "reference",
            "description",
            "procedure",
            "category",
            "cpv_codes",
            "estimated_value",
            "required_start",
            "electronic_submission",
            "prior_information_notice",
            "participants",
            "contracts",
            "systems",
            "kle",
            "coordinator",
            "status",
            "notice_published_on",
            "tender_deadline_on",
            "award_decision_on",
            "contract_signed_on",
            "winning_vendor",
            "awarded_value",
            "published",
            "internal",
        ]
        widgets = {name: DateInput() for name in TENDER_DATES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label = _("lead organisation")
        self.fields["kle"].queryset = KleClass.objects.filter(retired__isnull=True)
        scope = scope_for(self.user)
        users = get_user_model().objects.filter(is_active=True)
        if not scope.is_superuser:
            users = users.filter(
                memberships__organization_id__in=scope.reachable_org_ids
            ).distinct()
        self.fields["coordinator"].queryset = users.order_by("username")
        if self.instance.pk:
            self.fields["participants"].initial = [
                p.municipality_id for p in self.instance.participants.all()
            ]


class StepMoveForm(forms.Form):
    date = forms.DateField(label=_("new date"), widget=DateInput())
    reason = forms.CharField(
        label=_("reason for moving"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the tender's history."),
    )


class AwardForm(forms.Form):
    """The outcome, and the terms of the contract every participant gets in the landscape."""

    vendor = forms.ModelChoiceField(label=_("winning vendor"), queryset=Vendor.objects.all())
    awarded_value = forms.DecimalField(
        label=_("awarded value (DKK excl. VAT)"), max_digits=15, decimal_places=2, min_value=0
    )
    signed_on = forms.DateField(label=_("contract signed on"), widget=DateInput())
    contract_start = forms.DateField(label=_("contract starts"), widget=DateInput())
    contract_end = forms.DateField(label=_("contract expires"), widget=DateInput())
    option_count = forms.IntegerField(
        label=_("extension options"), min_value=0, max_value=20, initial=0
    )
    option_months = forms.IntegerField(
        label=_("months per option"), min_value=0, max_value=120, initial=0
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("contract_start"), data.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", _("The contract must end after it starts."))
        return data


class OpportunityPlanForm(forms.Form):
    association = forms.IntegerField(widget=forms.HiddenInput)


class TenderParticipantForm(VersionedModelForm):
    class Meta:
        model = TenderParticipant
        fields = ["estimated_value", "replaced_contract", "options_needed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from samdigi.landscape.models import Contract

        # Only the participating municipality's own contracts can be the one being replaced.
        self.fields["replaced_contract"].queryset = Contract.objects.visible_to(self.user).filter(
            owner_id=self.instance.municipality_id
        )
