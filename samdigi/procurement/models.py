"""Procurement: thresholds as dated data, tenders (local or joint) with their planned timeline,
participants, outcome and the contracts they produce in the landscape.

The rules with numbers live in the pure modules: `timeline.py` (thresholds, classification,
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
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import ASSOCIATION_ADMIN, scope_for
from samdigi.core.models import OwnedModel, OwnedQuerySet, ParentAccessQuerySet, TrackedModel
from samdigi.landscape.models import ProcurementProcedure
from samdigi.procurement import timeline

MONEY = {"max_digits": 15, "decimal_places": 2}


def eur_rate() -> Decimal:
    """DKK per EUR used where a threshold has no official DKK figure (setting
    PROCUREMENT_EUR_RATE, default the ERM II central rate)."""
    return Decimal(str(getattr(settings, "PROCUREMENT_EUR_RATE", timeline.DEFAULT_EUR_RATE)))


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
    if user is None or not user.is_authenticated:
        return False
    scope = scope_for(user)
    return scope.is_superuser or user.is_staff or ASSOCIATION_ADMIN in scope.roles.values()


class ThresholdQuerySet(models.QuerySet):
    """National reference data: every signed-in user reads it; association admins and staff
    extend it (it changes every two years)."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self

    def editable_by(self, user):
        return self if can_edit_thresholds(user) else self.none()

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
        return self.filter(published=True)


class Tender(OwnedModel):
    """A procurement procedure run by one municipality (owner) or jointly by the association
    (owner = the association, with participating municipalities).

    The planned timeline is stored as TenderSteps produced by `timeline.schedule`; moving a step
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


class ParticipantQuerySet(ParentAccessQuerySet):
    parent_field = "tender"

    def editable_by(self, user):
        # The tender's editors, and a participating municipality's admins for its own row.
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        own_admin = Q(municipality__in=scope.admin_org_ids)
        return self.filter(
            Q(tender__in=Tender.objects.editable_by(user))
            | own_admin & Q(tender__in=Tender.objects.visible_to(user))
        )


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
        return f"{self.get_key_display()} {self.date.isoformat()}"

    @property
    def moved(self) -> bool:
        return self.date != self.scheduled_date
