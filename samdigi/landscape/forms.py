"""Forms for the landscape; the importers reuse them, so a row is checked exactly like a form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import people_of_reach
from samdigi.core.forms import DateInput, VersionedModelForm
from samdigi.landscape.models import (
    Contract,
    DeadlineKind,
    ItSystem,
    KleClass,
    LeadTime,
    ReminderSubscription,
    SystemUsage,
    Vendor,
)
from samdigi.organizations.models import Association, Municipality, Unit


class VendorForm(VersionedModelForm):
    # Scheme-less addresses ("kmd.dk") are taken as https, as Django 6 will do by default.
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Vendor
        fields = ["name", "cvr", "foreign", "contact_name", "contact_email", "phone", "website"]


class ItSystemForm(VersionedModelForm):
    owner_kind = "association"

    class Meta:
        model = ItSystem
        fields = [
            "owner",
            "name",
            "previous_names",
            "description",
            "vendor",
            "kle",
            "category",
            "licence_model",
            "lifecycle",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kle"].queryset = KleClass.objects.filter(retired__isnull=True)

    def owner_queryset(self, queryset):
        # Only associations own a catalogue; which of them, the catalogue's policy says.
        owners = super().owner_queryset(queryset)
        return owners.filter(pk__in=Association.objects.values("pk"))


class SystemUsageForm(VersionedModelForm):
    owner_kind = "municipality"

    class Meta:
        model = SystemUsage
        fields = [
            "owner",
            "system",
            "local_name",
            "lifecycle",
            "user_count",
            "responsible_unit",
            "business_critical",
            "main_contract",
            "notes",
            "internal",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.visible_to(
            self.user
        ).select_related("owner")
        self.fields["main_contract"].queryset = Contract.objects.visible_to(self.user)


class ContractForm(VersionedModelForm):
    owner_kind = "municipality"

    class Meta:
        model = Contract
        fields = [
            "owner",
            "co_owners",
            "vendor",
            "systems",
            "name",
            "contract_number",
            "contract_type",
            "procurement_form",
            "concluded",
            "valid_from",
            "expiration",
            "irrevocable_until",
            "notice_months",
            "notice_to_end_of",
            "option_count",
            "option_months",
            "options_used",
            "terminated_on",
            "annual_value",
            "total_value",
            "responsible",
            "notes",
            "internal",
        ]
        widgets = {
            name: DateInput()
            for name in (
                "concluded",
                "valid_from",
                "expiration",
                "irrevocable_until",
                "terminated_on",
            )
        }

    #: The page shows the fields in these sections (legend, field names); any field not named
    #: here comes last, so a new field is never lost from the form.
    fieldsets = (
        (_("Parties"), ("name", "contract_number", "owner", "co_owners", "vendor", "systems")),
        (
            _("Dates"),
            ("concluded", "valid_from", "expiration", "irrevocable_until", "terminated_on"),
        ),
        (
            _("Options and notice"),
            ("notice_months", "notice_to_end_of", "option_count", "option_months", "options_used"),
        ),
        (_("Value"), ("annual_value", "total_value")),
        (_("Procurement"), ("contract_type", "procurement_form")),
        (_("Responsibility and notes"), ("responsible", "notes", "internal")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Co-signers are members of the owner's associations (Contract.clean_links checks it).
        self.fields["co_owners"].queryset = Municipality.objects.in_reach_of(self.user)
        for name in ("co_owners", "systems"):
            # multiselect.js adds a search box to these; without script they stay plain lists.
            self.fields[name].widget.attrs.update(
                {
                    "data-searchable": "",
                    "data-search-label": _("Search the list"),
                    "data-chosen-label": _("Chosen"),
                    "data-none-label": _("none"),
                    "size": 8,
                }
            )
        self._preselect_only_owner()

    def _preselect_only_owner(self):
        """A new contract in a form where the user can edit for exactly one municipality starts
        with that municipality chosen (the page only; a bound form keeps what was sent)."""
        if self.is_bound or self.instance.pk or self.initial.get("owner"):
            return
        owners = list(self.fields["owner"].queryset.values_list("pk", flat=True)[:2])
        if len(owners) == 1:
            self.initial["owner"] = owners[0]

    def sections(self):
        """(legend, bound fields) per fieldset, in the order of `fieldsets`."""
        placed = set()
        sections = []
        for legend, names in self.fieldsets:
            fields = [self[name] for name in names if name in self.fields]
            placed.update(names)
            if fields:
                sections.append((legend, fields))
        rest = [field for field in self.visible_fields() if field.name not in placed]
        if rest:
            sections.append((_("Other"), rest))
        return sections

    def clean(self):
        data = super().clean()
        owner = data.get("owner")
        if owner is not None and owner.pk in {m.pk for m in data.get("co_owners") or []}:
            self.add_error("co_owners", _("The owner cannot also be a co-signer."))
        return data


class DaysAheadField(forms.CharField):
    """“180, 90, 30” ⇄ [180, 90, 30]."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        try:
            days = sorted(
                {int(part) for part in text.replace(";", ",").split(",") if part.strip()},
                reverse=True,
            )
        except ValueError as error:
            raise forms.ValidationError(
                _("Write whole numbers of days separated by commas, e.g. 180, 90, 30.")
            ) from error
        if not days or any(d < 0 or d > 730 for d in days):
            raise forms.ValidationError(
                _("Give between one and several numbers of days from 0 to 730.")
            )
        return days


class ReminderSubscriptionForm(VersionedModelForm):
    owner_kind = "municipality"

    kinds = forms.MultipleChoiceField(
        label=_("deadline kinds"), choices=DeadlineKind.choices, widget=forms.CheckboxSelectMultiple
    )
    days_ahead = DaysAheadField(label=_("days ahead"), initial="180, 90, 30")

    class Meta:
        model = ReminderSubscription
        fields = ["owner", "user", "kinds", "days_ahead", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True)
        self.fields["user"].queryset = people_of_reach(users, self.user, editing=True).order_by(
            "username"
        )

    def clean(self):
        data = super().clean()
        owner, user = data.get("owner"), data.get("user")
        if owner and user and not user.memberships.filter(organization=owner).exists():
            self.add_error("user", _("The recipient must have a role in this municipality."))
        return data


class LeadTimeForm(VersionedModelForm):
    class Meta:
        model = LeadTime
        fields = ["association", "procedure", "months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.editable_by(self.user)


class ImportForm(forms.Form):
    KINDS = [
        ("vendors", _("vendors")),
        ("systems", _("IT systems")),
        ("usages", _("system usages")),
        ("contracts", _("contracts")),
    ]
    kind = forms.ChoiceField(label=_("what the file contains"), choices=KINDS)
    file = forms.FileField(
        label=_("file"), help_text=_("CSV (comma or semicolon) or XLSX, first sheet.")
    )
    create_missing = forms.BooleanField(
        label=_("create unknown vendors and systems"),
        required=False,
        help_text=_("Otherwise a row naming an unknown vendor or system is reported as an error."),
    )
    commit = forms.BooleanField(required=False, widget=forms.HiddenInput)
