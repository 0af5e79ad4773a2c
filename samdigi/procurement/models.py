"""Procurement: thresholds as dated data, tenders (local or joint) with their planned timeline,
participants, outcome and the contracts they produce in the landscape.

The rules with numbers live in the pure modules: `rules/schedule.py` (thresholds, classification,
backward schedules), `opportunities.py` (the joint-tender finder) and `ocds.py` (publication).
This module stores what they need and what they produce; `services.py` connects the two.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import (
    ASSOCIATION_ADMIN,
    ParticipationPolicy,
    StaffOnlyPolicy,
    current_association_ids,
    may_link_member,
    policy_of,
)
from samdigi.core.models import (
    MONEY,
    OwnedModel,
    OwnedQuerySet,
    ParentAccessQuerySet,
    PolicyQuerySet,
    TrackedModel,
)
from samdigi.landscape.models import ProcurementProcedure
from samdigi.procurement.rules import schedule as timeline


def eur_rate() -> Decimal:
    """DKK per EUR used where a threshold has no official DKK figure (setting
    PROCUREMENT_EUR_RATE, default the ERM II central rate)."""
    return Decimal(str(settings.PROCUREMENT_EUR_RATE))


class Category(models.TextChoices):
    SUPPLIES = timeline.SUPPLIES, _("supplies")
    SERVICES = timeline.SERVICES, _("services")
    WORKS = timeline.WORKS, _("works")
    SOCIAL_SERVICES = timeline.SOCIAL_SERVICES, _("social and other specific services")


class StepKey(models.TextChoices):
    PREPARATION_START = timeline.PREPARATION_START, _("preparation start")
    NOTICE_PUBLICATION = timeline.NOTICE_PUBLICATION, _("notice publication")
    PARTICIPATION_DEADLINE = (
        timeline.PARTICIPATION_DEADLINE,
        _("deadline for requests to participate"),
    )
    INVITATION_TO_TENDER = timeline.INVITATION_TO_TENDER, _("invitation to tender")
    INITIAL_TENDER_DEADLINE = timeline.INITIAL_TENDER_DEADLINE, _("initial tender deadline")
    TENDER_DEADLINE = timeline.TENDER_DEADLINE, _("tender deadline")
    AWARD_DECISION = timeline.AWARD_DECISION, _("award decision")
    STANDSTILL_END = timeline.STANDSTILL_END, _("end of the standstill period")
    CONTRACT_SIGNATURE = timeline.CONTRACT_SIGNATURE, _("contract signature")
    CONTRACT_START = timeline.CONTRACT_START, _("contract start")


def can_edit_thresholds(user) -> bool:
    return policy_of(Threshold).may_add(user, Threshold)


class ThresholdQuerySet(PolicyQuerySet):
    """National reference data: every signed-in user reads it; association admins and staff
    extend it (it changes every two years)."""

    access_policy = StaffOnlyPolicy(roles=(ASSOCIATION_ADMIN,))

    def periods(self) -> tuple[timeline.ThresholdPeriod, ...]:
        """The stored periods for the pure modules; the built-in ones if none are stored."""
        rows = list(self.order_by("valid_from"))
        if not rows:
            return timeline.DEFAULT_THRESHOLDS
        return tuple(row.as_period() for row in rows)


class Threshold(TrackedModel):
    """The EU thresholds for municipalities (sub-central authorities) for one period, excl. VAT.

    Published in EUR and DKK; where the DKK figure is missing the EUR figure is converted at the
    PROCUREMENT_EUR_RATE setting (default the ERM II central rate) and flagged as estimated.
    """

    label = models.CharField(_("period"), max_length=20, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    supplies_services_eur = models.DecimalField(_("supplies and services (EUR)"), **MONEY)
    supplies_services_dkk = models.DecimalField(
        _("supplies and services (DKK)"), null=True, blank=True, **MONEY
    )
    works_eur = models.DecimalField(_("works (EUR)"), **MONEY)
    works_dkk = models.DecimalField(_("works (DKK)"), null=True, blank=True, **MONEY)
    social_services_eur = models.DecimalField(
        _("social and other specific services (EUR)"), **MONEY
    )
    social_services_dkk = models.DecimalField(
        _("social and other specific services (DKK)"), null=True, blank=True, **MONEY
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = ThresholdQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="threshold_period_ends_after_start",
                violation_error_message=_("The period must end after it starts."),
            )
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("procurement:threshold_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to:
            overlapping = Threshold.objects.filter(
                valid_from__lte=self.valid_to, valid_to__gte=self.valid_from
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    {"valid_from": _("The period overlaps another threshold period.")}
                )

    def as_period(self) -> timeline.ThresholdPeriod:
        def amount(eur, dkk):
            return timeline.Amount(Decimal(eur), None if dkk is None else Decimal(dkk))

        return timeline.threshold_period(
            self.label,
            self.valid_from,
            self.valid_to,
            amount(self.supplies_services_eur, self.supplies_services_dkk),
            amount(self.works_eur, self.works_dkk),
            amount(self.social_services_eur, self.social_services_dkk),
            source=self.source,
        )

    def amounts(self):
        """The threshold of each kind in DKK, `estimated` where converted from EUR."""
        period = self.as_period()
        rate = eur_rate()
        return [
            period.amount(category, rate)
            for category in (timeline.SERVICES, timeline.WORKS, timeline.SOCIAL_SERVICES)
        ]


class TenderQuerySet(OwnedQuerySet):
    def published(self):
        # Internal wins over published: never public (procurement/public.py).
        return self.filter(published=True, internal=False)


class Tender(OwnedModel):
    """A procurement procedure run by one municipality (owner) or jointly by the association
    (owner = the association, with participating municipalities).

    The planned timeline is stored as TenderSteps produced by `rules.schedule.schedule`; moving a step
    needs a reason, which is recorded in the history. Awarding creates the resulting contract of
    each participant in the landscape in one action (`services.award`).
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        PREPARING = "preparing", _("preparing")
        PUBLISHED = "published", _("published")
        EVALUATING = "evaluating", _("evaluating")
        AWARDED = "awarded", _("awarded")
        STANDSTILL = "standstill", _("standstill")
        CONTRACT_SIGNED = "contract_signed", _("contract signed")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    procedure = models.CharField(
        _("procedure"),
        max_length=40,
        choices=ProcurementProcedure.choices,
        default=ProcurementProcedure.OPEN,
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.SERVICES
    )
    cpv_codes = models.CharField(
        _("CPV codes"),
        max_length=300,
        blank=True,
        help_text=_("Optional, separated by commas, e.g. 48000000-8."),
    )
    estimated_value = models.DecimalField(
        _("estimated value (DKK excl. VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The whole term including all options; for a joint tender all participants."),
        **MONEY,
    )
    required_start = models.DateField(
        _("new contract must start"), null=True, blank=True, db_index=True
    )
    electronic_submission = models.BooleanField(_("electronic submission"), default=True)
    prior_information_notice = models.BooleanField(_("prior information notice"), default=False)
    contracts = models.ManyToManyField(
        "landscape.Contract",
        verbose_name=_("contracts being replaced"),
        blank=True,
        related_name="replacing_tenders",
    )
    systems = models.ManyToManyField(
        "landscape.ItSystem", verbose_name=_("systems"), blank=True, related_name="tenders"
    )
    kle = models.ManyToManyField(
        "landscape.KleClass", verbose_name=_("KLE task areas"), blank=True, related_name="tenders"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_tenders",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    # Classification stored when the timeline is scheduled.
    eu_procedure_required = models.BooleanField(
        _("EU procedure required"), null=True, blank=True, editable=False
    )
    classification = models.TextField(_("threshold assessment"), blank=True, editable=False)
    # Actual dates.
    notice_published_on = models.DateField(_("notice published on"), null=True, blank=True)
    tender_deadline_on = models.DateField(_("actual tender deadline"), null=True, blank=True)
    award_decision_on = models.DateField(_("award decision on"), null=True, blank=True)
    contract_signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    # Outcome.
    winning_vendor = models.ForeignKey(
        "landscape.Vendor",
        verbose_name=_("winning vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="won_tenders",
    )
    awarded_value = models.DecimalField(
        _("awarded value (DKK excl. VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    published = models.BooleanField(
        _("published as open data"),
        default=False,
        help_text=_("Published tenders are public as OCDS without login."),
    )
    opportunity_key = models.CharField(_("opportunity"), max_length=32, blank=True, editable=False)

    objects = TenderQuerySet.as_manager()

    assignee_fields = ("coordinator",)

    class Meta:
        ordering = ["required_start", "title"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self):
        return self.title

    @classmethod
    def history_labels(cls) -> dict:
        """Names in the History of what replanning records besides fields: moved steps (by
        their key) and the reason for moving, in the reader's language."""
        return {**dict(StepKey.choices), "moved_reason": _("reason for moving")}

    def get_absolute_url(self):
        return reverse("procurement:tender_detail", args=[self.pk])

    @property
    def is_joint(self) -> bool:
        return self.owner_id is not None and not self.owner.is_municipality

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CONTRACT_SIGNED, self.Status.CANCELLED)

    def participant_names(self) -> str:
        return "; ".join(p.municipality.name for p in self.participants.all())

    def local_id(self) -> str:
        return f"{self.created_at:%Y}-{self.pk:05d}" if self.created_at else str(self.pk)

    def clean(self):
        super().clean()
        from samdigi.organizations.models import Organization

        if self.cpv_codes:
            import re

            codes = [c.strip() for c in self.cpv_codes.split(",") if c.strip()]
            bad = [c for c in codes if not re.fullmatch(r"\d{8}(-\d)?", c)]
            if bad:
                raise ValidationError(
                    {
                        "cpv_codes": _(
                            "%(codes)s: a CPV code has 8 digits and an optional check digit, "
                            "e.g. 48000000-8."
                        )
                        % {"codes": ", ".join(bad)}
                    }
                )
        if self.owner_id and not Organization.objects.filter(pk=self.owner_id).exists():
            raise ValidationError({"owner": _("Choose a municipality or an association.")})

    def start_day(self):
        return self.created_at.date() if self.created_at else None

    def clean_links(self, links):
        """The contracts a tender replaces are its municipality's own (held, also as co-signer)
        or, for a joint tender, the association's members'; its systems come from the catalogue
        of the association(s) concerned. Links already on the tender may stay."""
        super().clean_links(links)
        if not self.owner_id:
            return
        joint = not self.owner.is_municipality
        errors = {}
        if "contracts" in links:
            current = self.current_links("contracts")
            refused = []
            for contract in links["contracts"]:
                if contract.pk in current:
                    continue
                if joint:
                    holders = {contract.owner_id, *contract.co_owners.values_list("pk", flat=True)}
                    allowed = any(
                        may_link_member([self.owner_id], holder, record_start=self.start_day())
                        for holder in holders
                    )
                else:
                    allowed = contract.is_held_by(self.owner_id)
                if not allowed:
                    refused.append(contract.name)
            if refused:
                errors["contracts"] = (
                    _(
                        "%(names)s: a joint tender replaces contracts of the association's "
                        "current members."
                    )
                    if joint
                    else _("%(names)s: a municipality's tender replaces its own contracts.")
                ) % {"names": ", ".join(refused)}
        if "systems" in links:
            associations = {self.owner_id} if joint else current_association_ids(self.owner_id)
            current = self.current_links("systems")
            refused = [
                system.name
                for system in links["systems"]
                if system.pk not in current and system.owner_id not in associations
            ]
            if refused:
                errors["systems"] = _(
                    "%(names)s: the systems must be in the catalogue of the association concerned."
                ) % {"names": ", ".join(refused)}
        if errors:
            raise ValidationError(errors)


def participant_problem(owner, municipality_id, *, already_linked=False, record_start=None):
    """Why a municipality may not take part in a tender of `owner`, or None. A joint tender's
    participants are current members of the owning association (one that has left may stay on
    a tender that started before it left); a municipality's own tender has only itself."""
    if owner is None or municipality_id is None:
        return None
    if owner.is_municipality:
        if municipality_id != owner.pk:
            return _("A municipality's own tender has no other participants.")
        return None
    if not may_link_member(
        [owner.pk], municipality_id, already_linked=already_linked, record_start=record_start
    ):
        return _(
            "The municipality is not a current member of the association that runs the tender."
        )
    return None


class ParticipantQuerySet(ParentAccessQuerySet):
    # The tender's editors, and a participating municipality's admins for its own row.
    access_policy = ParticipationPolicy("tender")


class TenderParticipant(TrackedModel):
    """A municipality taking part in a joint tender, with its share of the estimated value and the
    contract it replaces; the award creates its resulting contract."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="participants"
    )
    municipality = models.ForeignKey(
        "organizations.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="tender_participations",
    )
    estimated_value = models.DecimalField(
        _("estimated value share (DKK excl. VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    replaced_contract = models.ForeignKey(
        "landscape.Contract",
        verbose_name=_("contract being replaced"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    options_needed = models.PositiveSmallIntegerField(
        _("options to use to reach the common date"), default=0
    )
    resulting_contract = models.ForeignKey(
        "landscape.Contract",
        verbose_name=_("resulting contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="from_tender_participations",
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "municipality__name"]
        verbose_name = _("tender participant")
        verbose_name_plural = _("tender participants")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "municipality"],
                name="unique_participant_per_tender",
                violation_error_message=_("The municipality already takes part in this tender."),
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.tender}"

    def get_absolute_url(self):
        return self.tender.get_absolute_url()

    def clean(self):
        super().clean()
        # A participant already on the tender stays (also after its municipality has left).
        if (
            self.tender_id
            and self.municipality_id
            and not self.was_linked("municipality_id", self.municipality_id)
        ):
            problem = participant_problem(self.tender.owner, self.municipality_id)
            if problem:
                raise ValidationError({"municipality": problem})
        if (
            self.replaced_contract_id
            and self.municipality_id
            and not self.replaced_contract.is_held_by(self.municipality_id)
        ):
            raise ValidationError(
                {
                    "replaced_contract": _(
                        "The contract being replaced must be the participating municipality's own."
                    )
                }
            )


class StepQuerySet(ParentAccessQuerySet):
    parent_field = "tender"


class TenderStep(TrackedModel):
    """One planned date of a tender's timeline, with the rule that produced it. When a user moves
    it, the reason is kept here and in the tender's history."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="steps"
    )
    key = models.CharField(_("step"), max_length=40, choices=StepKey.choices)
    date = models.DateField(_("date"))
    rule = models.CharField(_("rule"), max_length=60)
    explanation = models.TextField(_("explanation"), blank=True)
    scheduled_date = models.DateField(_("scheduled date"))
    moved_reason = models.TextField(_("reason for moving"), blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "date", "id"]
        verbose_name = _("tender step")
        verbose_name_plural = _("tender steps")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "key"],
                name="unique_step_per_tender",
                violation_error_message=_("The tender already has this step."),
            )
        ]

    def __str__(self):
        return f"{self.get_key_display()} {formats.date_format(self.date, 'SHORT_DATE_FORMAT')}"

    @property
    def moved(self) -> bool:
        return self.date != self.scheduled_date


# --- outcome: requests to participate, bids, award decisions, complaints -----------------------


class OutcomeQuerySet(ParentAccessQuerySet):
    """A tender's outcome rows are seen and changed with the tender."""

    parent_field = "tender"


class ConstraintFieldsMixin:
    """Reports a constraint's violation under the field at fault (`constraint_fields`: constraint
    name → field), so that forms and the API name the field instead of "__all__"."""

    constraint_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            fields = {
                str(c.violation_error_message): self.constraint_fields[c.name]
                for c in self._meta.constraints
                if c.name in self.constraint_fields
            }
            remapped = {}
            for key, errors in error.error_dict.items():
                for item in errors:
                    target = fields.get(str(item.message % (item.params or {})), key)
                    target = fields.get(str(item.message), target)
                    remapped.setdefault(target, []).append(item)
            raise ValidationError(remapped) from error


class ParticipationRequest(ConstraintFieldsMixin, TrackedModel):
    """A request to participate received in a restricted or negotiated procedure; `selected`
    marks the candidates invited to tender."""

    tender = models.ForeignKey(
        Tender,
        verbose_name=_("tender"),
        on_delete=models.CASCADE,
        related_name="participation_requests",
    )
    vendor = models.ForeignKey(
        "landscape.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        related_name="participation_requests",
    )
    received_on = models.DateField(_("received on"))
    selected = models.BooleanField(_("selected as candidate"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    constraint_fields = {"unique_participation_request_per_vendor": "vendor"}
    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "received_on", "id"]
        verbose_name = _("request to participate")
        verbose_name_plural = _("requests to participate")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "vendor"],
                name="unique_participation_request_per_vendor",
                violation_error_message=_("This vendor's request is already recorded."),
            )
        ]

    def __str__(self):
        return f"{self.vendor} – {self.tender}"

    def get_absolute_url(self):
        return self.tender.get_absolute_url()


class Bid(ConstraintFieldsMixin, TrackedModel):
    """A tender (offer) received: who, when, the price and whether it complied with the tender
    documents. The count of bids is OCDS `tender.numberOfTenderers`."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="bids"
    )
    vendor = models.ForeignKey(
        "landscape.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="bids"
    )
    received_on = models.DateField(_("received on"))
    price = models.DecimalField(
        _("price (DKK excl. VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    compliant = models.BooleanField(_("compliant"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    constraint_fields = {"unique_bid_per_vendor": "vendor", "bid_price_not_negative": "price"}
    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "received_on", "id"]
        verbose_name = _("tender received")
        verbose_name_plural = _("tenders received")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "vendor"],
                name="unique_bid_per_vendor",
                violation_error_message=_("This vendor's tender is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="bid_price_not_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.vendor} – {self.tender}"

    def get_absolute_url(self):
        return self.tender.get_absolute_url()


class AwardCriteria(models.TextChoices):
    BEST_PRICE_QUALITY = "best_price_quality", _("best price-quality ratio")
    LOWEST_PRICE = "lowest_price", _("lowest price")


class AwardDecision(ConstraintFieldsMixin, TrackedModel):
    """The contracting authority's award decision. An annulled decision stays, with status
    cancelled; a re-evaluation is a new decision. At most one decision of a tender is active."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        CANCELLED = "cancelled", _("cancelled (annulled)")

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="award_decisions"
    )
    vendor = models.ForeignKey(
        "landscape.Vendor",
        verbose_name=_("winning vendor"),
        on_delete=models.PROTECT,
        related_name="award_decisions",
    )
    decided_on = models.DateField(_("decision date"))
    criteria = models.CharField(
        _("award criteria"),
        max_length=30,
        choices=AwardCriteria.choices,
        default=AwardCriteria.BEST_PRICE_QUALITY,
    )
    value = models.DecimalField(
        _("awarded value (DKK excl. VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    product = models.ForeignKey(
        "landscape.ItSystem",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_decisions",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    constraint_fields = {
        "one_active_award_per_tender": "status",
        "award_cancelled_after_decision": "cancelled_on",
    }
    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "decided_on", "id"]
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["tender"],
                condition=Q(status="active"),
                name="one_active_award_per_tender",
                violation_error_message=_(
                    "The tender already has an active award decision; it must be annulled first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True)
                | Q(cancelled_on__gte=models.F("decided_on")),
                name="award_cancelled_after_decision",
                violation_error_message=_("An award cannot be cancelled before it was decided."),
            ),
        ]

    def __str__(self):
        return f"{self.vendor} {formats.date_format(self.decided_on, 'SHORT_DATE_FORMAT')} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.tender.get_absolute_url()

    def clean(self):
        super().clean()
        if self.cancelled_on and self.decided_on and self.cancelled_on < self.decided_on:
            raise ValidationError(
                {"cancelled_on": _("An award cannot be cancelled before it was decided.")}
            )
        if self.tender_id and self.status == self.Status.ACTIVE:
            others = AwardDecision.objects.filter(
                tender_id=self.tender_id, status=self.Status.ACTIVE
            )
            if others.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {
                        "status": _(
                            "The tender already has an active award decision; it must be "
                            "annulled first."
                        )
                    }
                )


class Complaint(ConstraintFieldsMixin, TrackedModel):
    """A complaint to Klagenævnet for Udbud. Upholding it with the consequence "award annulled"
    or "re-evaluation" cancels the active award decision; "procedure cancelled" also cancels the
    tender (`services.apply_complaint`)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        DISMISSED = "dismissed", _("dismissed")
        UPHELD = "upheld", _("upheld")
        SETTLED = "settled", _("settled")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Consequence(models.TextChoices):
        NONE = "none", _("none")
        AWARD_ANNULLED = "award_annulled", _("award annulled")
        RE_EVALUATION = "re_evaluation", _("re-evaluation")
        PROCEDURE_CANCELLED = "procedure_cancelled", _("procedure cancelled")

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="complaints"
    )
    award = models.ForeignKey(
        AwardDecision,
        verbose_name=_("award decision complained of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    complainant = models.ForeignKey(
        "landscape.Vendor",
        verbose_name=_("complainant"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    filed_on = models.DateField(_("filed on"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    consequence = models.CharField(
        _("consequence"), max_length=30, choices=Consequence.choices, default=Consequence.NONE
    )
    notes = models.TextField(_("notes"), blank=True)

    constraint_fields = {
        "complaint_consequence_only_when_upheld": "consequence",
        "complaint_decided_after_filed": "decided_on",
    }
    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "filed_on", "id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=Q(consequence="none") | Q(outcome="upheld"),
                name="complaint_consequence_only_when_upheld",
                violation_error_message=_("Only an upheld complaint has a consequence."),
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("filed_on")),
                name="complaint_decided_after_filed",
                violation_error_message=_("A complaint cannot be decided before it was filed."),
            ),
        ]

    def __str__(self):
        return _("Complaint by %(vendor)s, %(date)s") % {
            "vendor": self.complainant,
            "date": formats.date_format(self.filed_on, "SHORT_DATE_FORMAT")
            if self.filed_on
            else "",
        }

    def get_absolute_url(self):
        return self.tender.get_absolute_url()

    def clean(self):
        super().clean()
        if self.award_id and self.tender_id and self.award.tender_id != self.tender_id:
            raise ValidationError({"award": _("Choose an award decision of this tender.")})
        if self.consequence != self.Consequence.NONE and self.outcome != self.Outcome.UPHELD:
            raise ValidationError({"consequence": _("Only an upheld complaint has a consequence.")})
        if self.decided_on and self.filed_on and self.decided_on < self.filed_on:
            raise ValidationError(
                {"decided_on": _("A complaint cannot be decided before it was filed.")}
            )
