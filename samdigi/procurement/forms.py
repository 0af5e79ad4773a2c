"""Forms for thresholds, tenders and the tender actions (move a step, award)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import people_of_reach
from samdigi.core.forms import DateInput, VersionedModelForm
from samdigi.landscape.models import ItSystem, KleClass, Vendor
from samdigi.organizations.models import Municipality
from samdigi.procurement.award_terms import award_terms_problems
from samdigi.procurement.models import (
    AwardCriteria,
    AwardDecision,
    Bid,
    Complaint,
    ParticipationRequest,
    Tender,
    TenderParticipant,
    Threshold,
    participant_problem,
)


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
        users = people_of_reach(get_user_model().objects.filter(is_active=True), self.user)
        self.fields["coordinator"].queryset = users.order_by("username")
        # Participants are members of the association (clean_participants checks it).
        self.fields["participants"].queryset = Municipality.objects.in_reach_of(self.user)
        if self.instance.pk:
            self.fields["participants"].initial = [
                p.municipality_id for p in self.instance.participants.all()
            ]

    def clean_participants(self):
        # The participants are rows of their own (saved by the view); the membership rule of
        # TenderParticipant.clean() is applied here too so the form names the field.
        chosen = self.cleaned_data.get("participants") or []
        owner = self.cleaned_data.get("owner") or (
            self.instance.owner if self.instance.owner_id else None
        )
        current = (
            set(self.instance.participants.values_list("municipality_id", flat=True))
            if self.instance.pk
            else set()
        )
        refused = [
            municipality.name
            for municipality in chosen
            if participant_problem(
                owner,
                municipality.pk,
                already_linked=municipality.pk in current,
                record_start=self.instance.start_day(),
            )
        ]
        if refused:
            raise forms.ValidationError(
                _(
                    "%(names)s: a joint tender's participants are current members of the "
                    "association that runs it; a municipality's own tender has no others."
                )
                % {"names": ", ".join(refused)}
            )
        return chosen


class StepMoveForm(forms.Form):
    date = forms.DateField(label=_("new date"), widget=DateInput())
    reason = forms.CharField(
        label=_("reason for moving"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the tender's history."),
    )


class AwardForm(forms.Form):
    """The outcome, and the terms of the contract every participant gets in the landscape: the
    winning product from the catalogue (or a new one), and each participant's own start date
    (roll-out in waves), defaulting to the common contract start."""

    vendor = forms.ModelChoiceField(label=_("winning vendor"), queryset=Vendor.objects.all())
    awarded_value = forms.DecimalField(
        label=_("awarded value (DKK excl. VAT)"), max_digits=15, decimal_places=2, min_value=0
    )
    criteria = forms.ChoiceField(
        label=_("award criteria"),
        choices=AwardCriteria.choices,
        initial=AwardCriteria.BEST_PRICE_QUALITY,
        required=False,
    )
    decided_on = forms.DateField(
        label=_("award decision date"),
        widget=DateInput(),
        required=False,
        help_text=_("Used when no award decision is recorded yet; default the signing date."),
    )
    product = forms.ModelChoiceField(
        label=_("winning product (catalogue)"), queryset=ItSystem.objects.all(), required=False
    )
    new_product = forms.CharField(
        label=_("or a new product"),
        max_length=200,
        required=False,
        help_text=_("Added to the association's catalogue when it is not there yet."),
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

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        default = self.initial.get("contract_start")
        for participant in self.participants:
            self.fields[self.start_field(participant)] = forms.DateField(
                label=_("%(municipality)s starts")
                % {"municipality": participant.municipality.name},
                widget=DateInput(),
                required=False,
                initial=default,
                help_text=_("Roll-out wave: empty means the common contract start."),
            )

    @staticmethod
    def start_field(participant):
        return f"start_{participant.municipality.code}"

    def starts(self):
        """Municipality id → its own start, for the participants given one."""
        data = self.cleaned_data
        return {
            p.municipality_id: data[self.start_field(p)]
            for p in self.participants
            if data.get(self.start_field(p))
        }

    def clean(self):
        data = super().clean()
        fields = {p.municipality.code: self.start_field(p) for p in self.participants}
        for field, message in award_terms_problems(
            data.get("contract_start"),
            data.get("contract_end"),
            {code: data.get(name) for code, name in fields.items()},
            bool(data.get("product")),
            data.get("new_product"),
        ):
            self.add_error(fields[field[1]] if isinstance(field, tuple) else field, message)
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


# --- outcome rows -----------------------------------------------------------------------------


class TenderChildForm(VersionedModelForm):
    """A row of a tender's outcome: the tender dropdown offers the tenders the user may change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tender"].queryset = Tender.objects.editable_by(self.user)


class ParticipationRequestForm(TenderChildForm):
    class Meta:
        model = ParticipationRequest
        fields = ["tender", "vendor", "received_on", "selected", "notes"]
        widgets = {"received_on": DateInput()}


class BidForm(TenderChildForm):
    class Meta:
        model = Bid
        fields = ["tender", "vendor", "received_on", "price", "compliant", "notes"]
        widgets = {"received_on": DateInput()}


class AwardDecisionForm(TenderChildForm):
    class Meta:
        model = AwardDecision
        fields = [
            "tender",
            "vendor",
            "decided_on",
            "criteria",
            "value",
            "product",
            "status",
            "cancelled_on",
            "notes",
        ]
        widgets = {"decided_on": DateInput(), "cancelled_on": DateInput()}


class ComplaintForm(TenderChildForm):
    class Meta:
        model = Complaint
        fields = [
            "tender",
            "award",
            "complainant",
            "filed_on",
            "outcome",
            "decided_on",
            "consequence",
            "notes",
        ]
        widgets = {"filed_on": DateInput(), "decided_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = AwardDecision.objects.visible_to(self.user).select_related(
            "vendor"
        )


class OpportunityFilterForm(forms.Form):
    """The filters over the opportunities' summary table (GET parameters)."""

    eu = forms.ChoiceField(
        label=_("EU procedure"),
        required=False,
        choices=[("", _("all")), ("yes", _("required")), ("no", _("not required"))],
    )
    min_members = forms.IntegerField(
        label=_("at least this many municipalities"), required=False, min_value=2, max_value=200
    )
    date_from = forms.DateField(label=_("common date from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("common date to"), required=False, widget=DateInput())

    def summary_filter(self):
        from samdigi.procurement.rules.opportunity_summary import SummaryFilter

        if not self.is_bound:
            return SummaryFilter()
        self.is_valid()  # a bad field is named on the page; the valid ones still filter
        data = self.cleaned_data
        eu = data.get("eu")
        return SummaryFilter(
            eu_required={"yes": True, "no": False}.get(eu),
            min_members=data.get("min_members") or 0,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
