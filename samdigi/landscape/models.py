"""The IT landscape: vendors, KLE task areas, the association's system catalogue, each
municipality's use of systems, and contracts with their deadlines.

Contract dates are computed by the pure engine in `landscape/rules/deadlines.py`; the results that lists
filter and sort by (current end, notice deadline, option decision, re-tender start) are stored on
the contract at save time so a national deadline list is one indexed query.
"""

import contextlib
import contextvars
import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import (
    CoOwnedPolicy,
    PrivateOwnedPolicy,
    ReferenceDataPolicy,
    SharedCataloguePolicy,
    current_association_ids,
    may_link_member,
)
from samdigi.core.models import (
    MONEY,
    OwnedModel,
    OwnedQuerySet,
    ParentAccessQuerySet,
    PolicyQuerySet,
    TrackedModel,
)
from samdigi.landscape.rules import deadlines
from samdigi.landscape.rules.cvr import CvrError, validate_cvr

# Stored on each contract by refresh_derived(), from landscape/rules/deadlines.py.
DERIVED_DATE_FIELDS = deadlines.DERIVED_FIELDS


class ProcurementProcedure(models.TextChoices):
    """How a contract was (or will be) bought; keys shared with procurement/rules/schedule.py."""

    OPEN = "open", _("EU open procedure (offentligt udbud)")
    RESTRICTED = "restricted", _("EU restricted procedure (begrænset udbud)")
    COMPETITIVE_NEGOTIATION = "competitive_negotiation", _("competitive procedure with negotiation")
    COMPETITIVE_DIALOGUE = "competitive_dialogue", _("competitive dialogue")
    INNOVATION_PARTNERSHIP = "innovation_partnership", _("innovation partnership")
    NEGOTIATED_WITHOUT_PUBLICATION = (
        "negotiated_without_publication",
        _("negotiated procedure without prior publication"),
    )
    NATIONAL = "national", _("national tender (annoncering)")
    DIRECT_AWARD = "direct_award", _("direct award")
    FRAMEWORK_CALL_OFF = "framework_call_off", _("framework call-off (SKI or own)")


class GlobalQuerySet(PolicyQuerySet):
    """Shared reference data: every signed-in user reads it; anyone who edits somewhere edits it."""

    access_policy = ReferenceDataPolicy()


class Vendor(TrackedModel):
    """A supplier. Danish companies carry a CVR number (validated, unique); foreign ones have none.
    Vendors are shared by every association: the same company sells to all of them."""

    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(
        _("CVR number"),
        max_length=8,
        blank=True,
        null=True,
        unique=True,
        error_messages={"unique": _("A vendor with this CVR number already exists.")},
    )
    foreign = models.BooleanField(_("foreign vendor"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = GlobalQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("landscape:vendor_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if isinstance(self.cvr, str) and not self.cvr.strip():
            # No CVR is NULL, never "": the unique index takes any number of NULLs but one "".
            # Also for the API and code paths that skip clean().
            self.cvr = None
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.cvr in ("", None):
            self.cvr = None
            return
        if self.foreign:
            raise ValidationError({"cvr": _("A foreign vendor has no CVR number.")})
        try:
            self.cvr = validate_cvr(self.cvr)
        except CvrError as error:
            raise ValidationError(
                {
                    "cvr": _(
                        "%(value)s is not a valid CVR number: 8 digits, the first not 0, "
                        "and the modulus-11 check must hold."
                    )
                    % {"value": self.cvr}
                }
            ) from error


class KleClass(TrackedModel):
    """A KLE number (KL's classification of municipal tasks): main group "NN", group "NN.NN" or
    topic "NN.NN.NN". Only the main groups ship with samdigi; the full plan is imported from KL's XML
    file. Numbers that data refers to are retired, never deleted."""

    number = models.CharField(_("KLE number"), max_length=8, unique=True)
    title = models.CharField(_("title"), max_length=300)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    uuid = models.CharField(_("UUID"), max_length=64, blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    retired = models.DateField(_("retired"), null=True, blank=True)

    objects = GlobalQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("KLE task area")
        verbose_name_plural = _("KLE task areas")

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("landscape:kleclass_detail", args=[self.pk])

    def main_group(self):
        return self.number[:2]


class CatalogueQuerySet(OwnedQuerySet):
    """The association's catalogue: its members read it, and the admins of the association and the
    admins and editors of its member municipalities maintain it together."""

    access_policy = SharedCataloguePolicy()


class ItSystem(OwnedModel):
    """An entry in an association's shared IT-system catalogue."""

    class LicenceModel(models.TextChoices):
        PROPRIETARY = "proprietary", _("proprietary")
        OPEN_SOURCE = "open_source", _("open source")
        SAAS = "saas", _("SaaS")

    class Lifecycle(models.TextChoices):
        ACTIVE = "active", _("active")
        PHASING_OUT = "phasing_out", _("phasing out")
        RETIRED = "retired", _("retired")

    name = models.CharField(_("name"), max_length=200)
    previous_names = models.CharField(_("previous names"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="systems",
    )
    kle = models.ManyToManyField(
        KleClass, verbose_name=_("KLE task areas"), blank=True, related_name="systems"
    )
    category = models.CharField(_("category"), max_length=100, blank=True)
    licence_model = models.CharField(
        _("licence model"),
        max_length=20,
        choices=LicenceModel.choices,
        default=LicenceModel.PROPRIETARY,
    )
    lifecycle = models.CharField(
        _("lifecycle"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.ACTIVE
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("IT system")
        verbose_name_plural = _("IT systems")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="unique_system_name_per_association",
                violation_error_message=_("The catalogue already has a system with this name."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("landscape:itsystem_detail", args=[self.pk])

    def clean(self):
        super().clean()
        from samdigi.organizations.models import Association

        if self.owner_id and not Association.objects.filter(pk=self.owner_id).exists():
            raise ValidationError({"owner": _("The catalogue belongs to an association.")})


class SystemUsage(OwnedModel):
    """One municipality's use of one catalogue system."""

    class Lifecycle(models.TextChoices):
        PILOT = "pilot", _("pilot")
        PHASING_IN = "phasing_in", _("phasing in")
        IN_OPERATION = "in_operation", _("in operation")
        PHASING_OUT = "phasing_out", _("phasing out")
        NOT_IN_USE = "not_in_use", _("not in use")

    system = models.ForeignKey(
        ItSystem, verbose_name=_("IT system"), on_delete=models.PROTECT, related_name="usages"
    )
    local_name = models.CharField(_("local name"), max_length=200, blank=True)
    lifecycle = models.CharField(
        _("lifecycle"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.IN_OPERATION
    )
    user_count = models.PositiveIntegerField(_("number of users"), null=True, blank=True)
    responsible_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="system_usages",
    )
    business_critical = models.BooleanField(_("business-critical"), default=False)
    main_contract = models.ForeignKey(
        "Contract",
        verbose_name=_("main contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="main_for_usages",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["owner__name", "system__name"]
        verbose_name = _("system usage")
        verbose_name_plural = _("system usages")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "system"],
                name="unique_usage_per_municipality_and_system",
                violation_error_message=_(
                    "The municipality already registers its use of this system."
                ),
            )
        ]

    def __str__(self):
        return f"{self.local_name or self.system} ({self.owner})"

    def get_absolute_url(self):
        return reverse("landscape:systemusage_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if (
            self.responsible_unit_id
            and self.owner_id
            and self.responsible_unit.owner_id != self.owner_id
        ):
            raise ValidationError(
                {"responsible_unit": _("The unit must belong to the same municipality.")}
            )
        if (
            self.main_contract_id
            and self.owner_id
            and not self.main_contract.is_held_by(self.owner_id)
        ):
            raise ValidationError(
                {"main_contract": _("The contract must belong to the same municipality.")}
            )
        if (
            self.system_id
            and self.owner_id
            and not self.was_linked("system_id", self.system_id)
            and not may_link_member([self.system.owner_id], self.owner_id)
        ):
            raise ValidationError(
                {
                    "system": _(
                        "The system must be in the catalogue of an association the municipality "
                        "is a member of."
                    )
                }
            )


class ContractQuerySet(OwnedQuerySet):
    """Contracts signed jointly are visible and editable for each co-owner as for the owner."""

    access_policy = CoOwnedPolicy("co_owners", "municipality_id")


class Contract(OwnedModel):
    """An agreement with a vendor, with the dates of docs/domain.md and its money (DKK excl. VAT).

    The derived dates are stored (see `refresh_derived`) so deadline lists filter in the database.
    """

    class Type(models.TextChoices):
        LICENCE = "licence", _("licence")
        OPERATION = "operation", _("operation")
        SUPPORT = "support", _("support and maintenance")
        DEVELOPMENT = "development", _("development")
        FRAMEWORK_CALL_OFF = "framework_call_off", _("framework call-off")
        SAAS = "saas", _("SaaS")

    class NoticeTo(models.TextChoices):
        NONE = "none", _("no period end")
        MONTH = "month", _("end of a month")
        QUARTER = "quarter", _("end of a quarter")
        YEAR = "year", _("end of a year")

    co_owners = models.ManyToManyField(
        "organizations.Municipality",
        verbose_name=_("also signed by"),
        blank=True,
        related_name="co_owned_contracts",
        help_text=_("Other municipalities that signed the same contract jointly."),
    )
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="contracts"
    )
    systems = models.ManyToManyField(
        ItSystem, verbose_name=_("systems covered"), blank=True, related_name="contracts"
    )
    name = models.CharField(_("name"), max_length=250)
    contract_number = models.CharField(_("contract number"), max_length=100, blank=True)
    contract_type = models.CharField(
        _("contract type"), max_length=30, choices=Type.choices, default=Type.LICENCE
    )
    procurement_form = models.CharField(
        _("procurement form"),
        max_length=40,
        choices=ProcurementProcedure.choices,
        blank=True,
        help_text=_("How the current contract was bought."),
    )
    concluded = models.DateField(_("concluded"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    expiration = models.DateField(
        _("expiration date"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a running contract that ends only by notice."),
    )
    irrevocable_until = models.DateField(_("irrevocable until"), null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField(
        _("notice period (months)"), default=0, validators=[MaxValueValidator(120)]
    )
    notice_to_end_of = models.CharField(
        _("notice to the end of"), max_length=10, choices=NoticeTo.choices, default="none"
    )
    option_count = models.PositiveSmallIntegerField(
        _("extension options"), default=0, validators=[MaxValueValidator(20)]
    )
    option_months = models.PositiveSmallIntegerField(
        _("months per option"), default=0, validators=[MaxValueValidator(120)]
    )
    options_used = models.PositiveSmallIntegerField(_("options used"), default=0)
    terminated_on = models.DateField(
        _("notice given on"),
        null=True,
        blank=True,
        help_text=_("The day notice of termination was given."),
    )
    annual_value = models.DecimalField(
        _("annual value (DKK excl. VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    total_value = models.DecimalField(
        _("total value (DKK excl. VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    responsible = models.CharField(_("responsible person"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Derived by landscape/rules/deadlines.py on every save.
    current_end = models.DateField(
        _("current end"), null=True, blank=True, editable=False, db_index=True
    )
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The day the contract actually ends, counting notice already given."),
    )
    latest_end = models.DateField(_("latest possible end"), null=True, blank=True, editable=False)
    notice_deadline = models.DateField(
        _("notice deadline"), null=True, blank=True, editable=False, db_index=True
    )
    option_decision = models.DateField(
        _("option decision date"), null=True, blank=True, editable=False, db_index=True
    )
    retender_start = models.DateField(
        _("re-tender start"), null=True, blank=True, editable=False, db_index=True
    )

    objects = ContractQuerySet.as_manager()

    history_excluded_fields = TrackedModel.history_excluded_fields + DERIVED_DATE_FIELDS

    class Meta:
        ordering = ["current_end", "name"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(options_used__lte=models.F("option_count")),
                name="contract_options_used_within_count",
                violation_error_message=_("More options used than the contract has."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("landscape:contract_detail", args=[self.pk])

    def is_held_by(self, municipality_id) -> bool:
        return self.owner_id == municipality_id or (
            self.pk is not None and self.co_owners.filter(pk=municipality_id).exists()
        )

    def dates(self) -> deadlines.ContractDates:
        return deadlines.ContractDates(
            concluded=self.concluded,
            valid_from=self.valid_from,
            expiration=self.expiration,
            irrevocable_until=self.irrevocable_until,
            notice_months=self.notice_months or 0,
            notice_to_end_of=self.notice_to_end_of or "none",
            option_count=self.option_count or 0,
            option_months=self.option_months or 0,
            options_used=self.options_used or 0,
            terminated_on=self.terminated_on,
            procurement_procedure=self.procurement_form or None,
        )

    def lead_months(self, overrides=None) -> int:
        """Lead time of the re-tender: by default for the procedure the threshold assessment
        requires for the estimated value (whole term with options), docs/domain.md "Lead time"."""
        dates = self.dates()
        end = deadlines.effective_end(dates)
        return deadlines.retender_lead_months(
            dates,
            overrides,
            estimated=deadlines.estimated_value(dates, self.annual_value, self.total_value),
            threshold=services_threshold((end or timezone.localdate()) + datetime.timedelta(1)),
        )

    def clean(self):
        super().clean()
        try:
            self.dates()
        except deadlines.ContractDatesError as error:
            from samdigi.landscape.explanations import date_error_text

            raise ValidationError({error.field: date_error_text(error)}) from error
        if self.owner_id and self.owner.kind != "municipality":
            raise ValidationError({"owner": _("A contract belongs to a municipality.")})

    def clean_links(self, links):
        """Co-signers share a current association with the owner, and the systems come from the
        catalogue of one; links already on the contract may stay (a co-signer that has left)."""
        super().clean_links(links)
        if not self.owner_id:
            return
        associations = current_association_ids(self.owner_id)
        errors = {}
        if "co_owners" in links:
            current = self.current_links("co_owners")
            if any(m.pk == self.owner_id for m in links["co_owners"]):
                errors["co_owners"] = _("The owner cannot also be a co-signer.")
            else:
                refused = [
                    m.name
                    for m in links["co_owners"]
                    if m.pk not in current and not may_link_member(associations, m.pk)
                ]
                if refused:
                    errors["co_owners"] = _(
                        "%(names)s: a co-signer must be a current member of an association the "
                        "contract's municipality belongs to."
                    ) % {"names": ", ".join(refused)}
        if "systems" in links:
            current = self.current_links("systems")
            refused = [
                s.name
                for s in links["systems"]
                if s.pk not in current and s.owner_id not in associations
            ]
            if refused:
                errors["systems"] = _(
                    "%(names)s: the systems must be in the catalogue of an association the "
                    "contract's municipality belongs to."
                ) % {"names": ", ".join(refused)}
        if errors:
            raise ValidationError(errors)

    def refresh_derived(self, overrides=None):
        try:
            dates = self.dates()
        except deadlines.ContractDatesError:
            return
        # The same function the data migrations call (landscape 0003).
        for name, value in deadlines.derived_dates(dates, self.lead_months(overrides)).items():
            setattr(self, name, value)

    def save(self, *args, **kwargs):
        self.refresh_derived(lead_time_overrides_for(self.owner_id))
        super().save(*args, **kwargs)

    def deadlines(self, today=None):
        today = today or timezone.localdate()
        return deadlines.deadlines(
            self.dates(), today, self.lead_months(lead_time_overrides_for(self.owner_id))
        )

    def validity(self, today=None):
        return deadlines.validity(self.dates(), today or timezone.localdate())


_lead_time_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "lead_time_memo", default=None
)


@contextlib.contextmanager
def remembered_lead_times():
    """Within the block, look each municipality's lead times up once (imports save thousands of
    contracts of a few municipalities)."""
    token = _lead_time_memo.set({})
    try:
        yield
    finally:
        _lead_time_memo.reset(token)


def lead_time_overrides_for(municipality_id) -> dict[str, int]:
    """The association's configured lead times for a municipality's contracts (the first current
    association that configured any), else the defaults of docs/domain.md."""
    if municipality_id is None:
        return {}
    memo = _lead_time_memo.get()
    if memo is not None:
        if municipality_id not in memo:
            memo[municipality_id] = _lead_time_overrides(municipality_id)
        return memo[municipality_id]
    return _lead_time_overrides(municipality_id)


def services_threshold(day):
    """The EU threshold (DKK) for services in force on ``day``, from the stored periods (memoised
    within ``remembered_lead_times``)."""
    from samdigi.procurement.models import Threshold, eur_rate

    memo = _lead_time_memo.get()
    if memo is not None and "thresholds" in memo:
        periods = memo["thresholds"]
    else:
        periods = Threshold.objects.periods()
        if memo is not None:
            memo["thresholds"] = periods
    return deadlines.services_threshold(day, periods, eur_rate())


def _lead_time_overrides(municipality_id) -> dict[str, int]:
    from samdigi.organizations.models import AssociationMember

    associations = (
        AssociationMember.objects.current()
        .filter(municipality_id=municipality_id)
        .values("association_id")
    )
    rows = LeadTime.objects.filter(association__in=associations).order_by("association_id")
    overrides: dict[str, int] = {}
    for procedure, months in rows.values_list("procedure", "months"):
        overrides.setdefault(procedure, months)
    return overrides


class LeadTimeQuerySet(ParentAccessQuerySet):
    parent_field = "association"


class LeadTime(TrackedModel):
    """An association's planning norm: how many months before a new contract must start the
    re-tender begins, per procedure. Missing procedures use the defaults of docs/domain.md."""

    association = models.ForeignKey(
        "organizations.Association",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="lead_times",
    )
    procedure = models.CharField(
        _("procedure"), max_length=40, choices=ProcurementProcedure.choices
    )
    months = models.PositiveSmallIntegerField(
        _("lead time (months)"), validators=[MaxValueValidator(60)]
    )

    objects = LeadTimeQuerySet.as_manager()

    class Meta:
        ordering = ["association", "procedure"]
        verbose_name = _("re-tender lead time")
        verbose_name_plural = _("re-tender lead times")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "procedure"],
                name="unique_lead_time_per_procedure",
                violation_error_message=_("This procedure already has a lead time."),
            )
        ]

    def __str__(self):
        return f"{self.get_procedure_display()}: {self.months}"

    def get_absolute_url(self):
        return reverse("landscape:leadtime_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        recompute_member_contracts(self.association_id)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        recompute_member_contracts(self.association_id)
        return result


def recompute_member_contracts(association_id) -> None:
    """Stored re-tender starts depend on the lead times: recompute the current members' contracts
    (after a lead time is added, changed or removed)."""
    from samdigi.organizations.models import AssociationMember

    members = AssociationMember.objects.current().filter(association_id=association_id)
    contracts = list(Contract.objects.filter(owner__in=members.values("municipality_id")))
    with remembered_lead_times():
        for contract in contracts:
            contract.refresh_derived(lead_time_overrides_for(contract.owner_id))
    Contract.objects.bulk_update(contracts, DERIVED_DATE_FIELDS, batch_size=1000)


class DeadlineKind(models.TextChoices):
    NOTICE_DEADLINE = "notice_deadline", _("notice deadline")
    OPTION_DECISION = "option_decision", _("option decision")
    RETENDER_START = "retender_start", _("re-tender start")
    EXPIRY = "expiry", _("expiry")


def default_days_ahead():
    return [180, 90, 30]


def all_deadline_kinds():
    return [kind.value for kind in DeadlineKind]


class ReminderQuerySet(OwnedQuerySet):
    """Reminder settings are the municipality's own business: only its members see them."""

    access_policy = PrivateOwnedPolicy()


class ReminderSubscription(OwnedModel):
    """Who in a municipality gets which deadline kinds, and how many days ahead."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminder_subscriptions",
    )
    kinds = models.JSONField(_("deadline kinds"), default=all_deadline_kinds)
    days_ahead = models.JSONField(_("days ahead"), default=default_days_ahead)
    active = models.BooleanField(_("active"), default=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["owner__name", "user__username"]
        verbose_name = _("reminder subscription")
        verbose_name_plural = _("reminder subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "user"],
                name="unique_reminder_per_user_and_municipality",
                violation_error_message=_(
                    "This person already has reminders for this municipality."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.owner}"

    def get_absolute_url(self):
        return reverse("landscape:remindersubscription_detail", args=[self.pk])

    def clean(self):
        super().clean()
        valid = {kind.value for kind in DeadlineKind}
        if not isinstance(self.kinds, list) or not self.kinds or not set(self.kinds) <= valid:
            raise ValidationError({"kinds": _("Choose one or more deadline kinds.")})
        if (
            not isinstance(self.days_ahead, list)
            or not self.days_ahead
            or not all(isinstance(d, int) and 0 <= d <= 730 for d in self.days_ahead)
        ):
            raise ValidationError(
                {"days_ahead": _("Give whole numbers of days between 0 and 730.")}
            )


class SentReminder(models.Model):
    """A reminder that went out, so the same one is never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=DeadlineKind.choices)
    deadline = models.DateField()
    days_ahead = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "contract", "kind", "deadline", "days_ahead"],
                name="unique_sent_reminder",
            )
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.deadline} ({self.days_ahead})"


def new_feed_secret() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret calendar URL. Revoking replaces the secret; old subscriptions stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret = models.CharField(max_length=64, unique=True, default=new_feed_secret)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user}"

    def rotate(self):
        self.secret = new_feed_secret()
        self.save(update_fields=["secret"])


from samdigi.landscape.staging import StagedImport  # noqa: E402,F401 (registered with this app)
