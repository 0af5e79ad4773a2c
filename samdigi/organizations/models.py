"""Organisations: municipalities, associations, their membership history, units and user roles."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samdigi.core import access
from samdigi.core.access import (
    AssociationPolicy,
    MembershipPolicy,
    StaffOnlyPolicy,
    current_membership_q,
)
from samdigi.core.models import OwnedModel, ParentAccessQuerySet, PolicyQuerySet, TrackedModel


class Region(models.IntegerChoices):
    NORDJYLLAND = 1081, "Region Nordjylland"
    MIDTJYLLAND = 1082, "Region Midtjylland"
    SYDDANMARK = 1083, "Region Syddanmark"
    HOVEDSTADEN = 1084, "Region Hovedstaden"
    SJAELLAND = 1085, "Region Sjælland"


class Organization(TrackedModel):
    """The common parent of municipalities and associations: what a membership or a record's
    owner points at. Concrete rows are always a Municipality or an Association (multi-table)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        ASSOCIATION = "association", _("association")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, editable=False)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def is_municipality(self):
        return self.kind == self.Kind.MUNICIPALITY

    def specific(self):
        """The Municipality or Association behind this organisation row."""
        if self.is_municipality:
            return self.municipality
        return self.association

    def get_absolute_url(self):
        return self.specific().get_absolute_url()

    def roles(self):
        if self.is_municipality:
            return access.MUNICIPALITY_ROLES
        return access.ASSOCIATION_ROLES


class MunicipalityQuerySet(PolicyQuerySet):
    # The 98 municipalities, their codes, regions and populations are public reference data,
    # changed by system administrators (Django admin, population updates).
    access_policy = StaffOnlyPolicy()

    def in_reach_of(self, user):
        """The municipalities whose shared records the user works with: their own and the other
        members of their associations (all of them for a superuser)."""
        return access.municipalities_in_reach(self, user)


class Municipality(Organization):
    """A Danish municipality (kommune) with its official three-digit code.

    Population is dated data: the current figure is kept here for fast lists, and every figure
    with its date in PopulationFigure, so cost shares can use the figure of a stated date.
    """

    code = models.CharField(
        _("municipality code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", _("The code has exactly three digits."))],
    )
    region = models.PositiveIntegerField(_("region"), choices=Region.choices)
    population = models.PositiveIntegerField(_("population"), default=0)
    population_date = models.DateField(_("population date"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def save(self, *args, **kwargs):
        self.kind = Organization.Kind.MUNICIPALITY
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name

    @property
    def region_code(self):
        return self.region

    @property
    def region_name(self):
        return self.get_region_display()

    def get_absolute_url(self):
        return reverse("organizations:municipality_detail", args=[self.code])

    def population_on(self, day: datetime.date) -> int | None:
        """The population figure in force on the given day (the latest dated on or before it)."""
        figure = self.population_figures.filter(date__lte=day).order_by("-date").first()
        return figure.population if figure else None


class PopulationFigure(TrackedModel):
    """A municipality's population on a date (Danmarks Statistik, FOLK1A). Old figures are kept."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="population_figures",
    )
    date = models.DateField(_("date"))
    population = models.PositiveIntegerField(_("population"), validators=[MinValueValidator(1)])
    source = models.CharField(
        _("source"), max_length=200, blank=True, default="Danmarks Statistik, FOLK1A"
    )

    # Dated reference figures: added by system staff (the municipality's page offers it).
    access_policy = StaffOnlyPolicy()

    class Meta:
        ordering = ["municipality__name", "-date"]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "date"],
                name="unique_population_per_date",
                violation_error_message=_("This municipality already has a figure for that date."),
            )
        ]

    def __str__(self):
        return f"{self.municipality}: {self.population} ({self.date})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        latest = self.municipality.population_figures.order_by("-date").first()
        if latest and (
            self.municipality.population != latest.population
            or self.municipality.population_date != latest.date
        ):
            municipality = self.municipality
            municipality.population = latest.population
            municipality.population_date = latest.date
            municipality.save()


class AssociationQuerySet(PolicyQuerySet):
    access_policy = AssociationPolicy()


class Association(Organization):
    """A digitalisation association (digitaliseringsfællesskab): member municipalities, a
    secretariat and a steering committee."""

    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    secretariat_name = models.CharField(_("secretariat contact"), max_length=200, blank=True)
    secretariat_email = models.EmailField(_("secretariat e-mail"), blank=True)
    secretariat_phone = models.CharField(_("secretariat phone"), max_length=40, blank=True)

    objects = AssociationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("association")
        verbose_name_plural = _("associations")

    def save(self, *args, **kwargs):
        self.kind = Organization.Kind.ASSOCIATION
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:association_detail", args=[self.pk])

    def current_members(self, on: datetime.date | None = None):
        return self.members.current(on).select_related("municipality")


class AssociationMemberQuerySet(ParentAccessQuerySet):
    parent_field = "association"

    def current(self, on=None):
        return self.filter(current_membership_q(on=on))


class AssociationMember(TrackedModel):
    """A municipality's membership of an association for a period; history is kept, so leaving
    sets `left` rather than deleting the row."""

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="members"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="association_memberships",
    )
    joined = models.DateField(_("joined"), default=timezone.localdate)
    left = models.DateField(_("left"), null=True, blank=True)

    objects = AssociationMemberQuerySet.as_manager()

    class Meta:
        ordering = ["association", "municipality__name", "-joined"]
        verbose_name = _("member municipality")
        verbose_name_plural = _("member municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gt=models.F("joined")),
                name="member_left_after_joined",
                violation_error_message=_("A municipality must leave after it joined."),
            ),
            models.UniqueConstraint(
                fields=["association", "municipality", "joined"],
                name="unique_member_period_start",
                violation_error_message=_("This membership period already exists."),
            ),
        ]

    def __str__(self):
        return f"{self.municipality} i {self.association}"

    def clean(self):
        super().clean()
        if self.association_id is None or self.municipality_id is None or self.joined is None:
            return
        overlapping = AssociationMember.objects.filter(
            association_id=self.association_id, municipality_id=self.municipality_id
        ).exclude(pk=self.pk)
        for other in overlapping:
            other_end = other.left or datetime.date.max
            this_end = self.left or datetime.date.max
            if other.joined < this_end and self.joined < other_end:
                raise ValidationError(
                    {"joined": _("The municipality is already a member in this period.")}
                )

    def get_absolute_url(self):
        return self.association.get_absolute_url()

    @property
    def is_current(self):
        today = timezone.localdate()
        return self.joined <= today and (self.left is None or self.left > today)


class Unit(OwnedModel):
    """An administrative unit (forvaltning or afdeling) of a municipality; units can nest."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "forvaltning", _("administration (forvaltning)")
        DEPARTMENT = "afdeling", _("department (afdeling)")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        ordering = ["owner__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="unique_unit_name_per_municipality",
                violation_error_message=_("The municipality already has a unit with this name."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:unit_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.owner_id and not Municipality.objects.filter(pk=self.owner_id).exists():
            raise ValidationError({"owner": _("A unit belongs to a municipality.")})
        if self.parent_id and self.parent.owner_id != self.owner_id:
            raise ValidationError(
                {"parent": _("The parent unit must belong to the same municipality.")}
            )


class Role(models.TextChoices):
    ASSOCIATION_ADMIN = access.ASSOCIATION_ADMIN, _("association admin")
    STEERING_MEMBER = access.STEERING_MEMBER, _("steering committee member")
    ASSOCIATION_VIEWER = access.ASSOCIATION_VIEWER, _("association viewer")
    MUNICIPALITY_ADMIN = access.MUNICIPALITY_ADMIN, _("municipality admin")
    MUNICIPALITY_EDITOR = access.MUNICIPALITY_EDITOR, _("municipality editor")
    MUNICIPALITY_VIEWER = access.MUNICIPALITY_VIEWER, _("municipality viewer")


class MembershipQuerySet(PolicyQuerySet):
    access_policy = MembershipPolicy()


class Membership(TrackedModel):
    """A user's role in one organisation. One row per user and organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                name="unique_membership_per_user_and_organization",
                violation_error_message=_("The user already has a role in this organisation."),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organization}: {self.get_role_display()}"

    def get_absolute_url(self):
        return reverse("organizations:membership_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.organization_id and self.role:
            if self.role not in self.organization.roles():
                raise ValidationError(
                    {"role": _("This role does not exist for this kind of organisation.")}
                )
            if self.pk:
                old = Membership.objects.filter(pk=self.pk).values_list("role", flat=True).first()
                if old in access.ADMIN_ROLES and self.role != old and self.is_last_admin():
                    raise ValidationError(
                        {"role": _("The last admin of an organisation cannot lose the admin role.")}
                    )

    def is_last_admin(self) -> bool:
        admin_role = (
            access.MUNICIPALITY_ADMIN
            if self.organization.is_municipality
            else access.ASSOCIATION_ADMIN
        )
        return not (
            Membership.objects.filter(organization_id=self.organization_id, role=admin_role)
            .exclude(pk=self.pk)
            .exists()
        )

    def delete_check(self):
        """Why this membership may not be removed, or None."""
        if self.role in access.ADMIN_ROLES and self.is_last_admin():
            return _("The last admin of an organisation cannot be removed.")
        return None
