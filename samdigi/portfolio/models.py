"""Projects of an association and their governance: project models with phases and gates, gate
requests and decisions, steering-committee meetings, participants and cost lines, business cases,
risks, status reports, milestones, benefits and strategies.

The rules with numbers live in the pure modules (cost_sharing, business_case, status, risk, gates,
timeline); this module stores rows and hands plain values to them. A project's phase and baseline
change only in `services.record_decision`, never through a form or the API.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import (
    AssociationScopedPolicy,
    OwnedPolicy,
    ParentPolicy,
    ParticipationPolicy,
    may_link_member,
)
from samdigi.core.access import deciders_q as access_deciders_q
from samdigi.core.models import (
    MONEY,
    OwnedModel,
    OwnedQuerySet,
    ParentAccessQuerySet,
    PolicyQuerySet,
    TrackedModel,
)
from samdigi.portfolio import status_texts
from samdigi.portfolio.rules import risk as risk_rules
from samdigi.portfolio.rules import status as status_rules
from samdigi.portfolio.rules.business_case import DEFAULT_DISCOUNT_RATE

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class DocumentKind(models.TextChoices):
    """The documents a gate can require (configurable per phase through GateRequirement)."""

    CHARTER = "charter", _("project charter")
    BUSINESS_CASE = "business_case", _("business case")
    RISK_LOG = "risk_log", _("risk log")
    BENEFIT_PLAN = "benefit_plan", _("benefit realisation plan")
    CLOSURE_REPORT = "closure_report", _("closure report")
    OTHER = "other", _("other document")


class Light(models.TextChoices):
    GREEN = "green", _("green")
    YELLOW = "yellow", _("yellow")
    RED = "red", _("red")


# --- project models -----------------------------------------------------------------------------


class AssociationScopedQuerySet(PolicyQuerySet):
    """Rows that belong to an association: read by its members, changed by its admins.
    Subclasses name the path to the association (`association_field`)."""

    association_field = "association"
    access_policy = AssociationScopedPolicy()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "access_policy" not in cls.__dict__:
            cls.access_policy = AssociationScopedPolicy(cls.association_field)


# Phases of the state IT-project model and the light model:
# (code, name, skippable, closed, required documents at the gate into the phase)
STATE_MODEL = (
    ("idea", "Idé", False, False, ()),
    ("analysis", "Analyse", False, False, (DocumentKind.CHARTER,)),
    (
        "procurement",
        "Anskaffelse",
        True,
        False,
        (DocumentKind.CHARTER, DocumentKind.BUSINESS_CASE, DocumentKind.RISK_LOG),
    ),
    (
        "execution",
        "Gennemførelse",
        False,
        False,
        (
            DocumentKind.CHARTER,
            DocumentKind.BUSINESS_CASE,
            DocumentKind.RISK_LOG,
            DocumentKind.BENEFIT_PLAN,
        ),
    ),
    ("realisation", "Realisering", False, False, (DocumentKind.BENEFIT_PLAN,)),
    ("closed", "Afsluttet", False, True, (DocumentKind.CLOSURE_REPORT,)),
)
LIGHT_MODEL = (
    ("idea", "Idé", False, False, ()),
    (
        "execution",
        "Gennemførelse",
        False,
        False,
        (DocumentKind.CHARTER, DocumentKind.BUSINESS_CASE),
    ),
    ("closed", "Afsluttet", False, True, (DocumentKind.CLOSURE_REPORT,)),
)
# The shipped phases' names in the reader's language; a phase an association renamed keeps its
# own name (data, not interface).
PHASE_LABELS = {
    "idea": _("Idea"),
    "analysis": _("Analysis"),
    "procurement": _("Acquisition"),
    "execution": _("Execution"),
    "realisation": _("Realisation"),
    "closed": _("Closed"),
}
SHIPPED_PHASE_NAMES = {code: name for code, name, *_rest in STATE_MODEL + LIGHT_MODEL}
SHIPPED_MODELS = (
    ("state", "Statens it-projektmodel", STATE_MODEL),
    ("light", "Let projektmodel", LIGHT_MODEL),
)


class ProjectModelQuerySet(AssociationScopedQuerySet):
    def for_association(self, association, key="state"):
        """The association's project model `key`, creating the shipped models on demand."""
        ensure_project_models(association)
        return self.get(association=association, key=key)


def ensure_project_models(association) -> None:
    """Create the state model and the light model for an association that has none yet."""
    if ProjectModel.objects.filter(association=association).exists():
        return
    for key, name, phases in SHIPPED_MODELS:
        model = ProjectModel.objects.create(association=association, key=key, name=name)
        for order, (code, phase_name, skippable, closed, documents) in enumerate(phases, 1):
            phase = Phase.objects.create(
                project_model=model,
                order=order,
                code=code,
                name=phase_name,
                skippable=skippable,
                closes_project=closed,
            )
            for document in documents:
                GateRequirement.objects.create(phase=phase, document=document)


class ProjectModel(TrackedModel):
    """A phase template of an association (the state IT-project model, a light model, ...) with
    the association's planning norms: status-report cadence and discount rate."""

    association = models.ForeignKey(
        "organizations.Association",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="project_models",
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status_cadence_months = models.PositiveSmallIntegerField(
        _("status report cadence (months)"), default=1, validators=[MinValueValidator(1)]
    )
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=6,
        decimal_places=4,
        default=DEFAULT_DISCOUNT_RATE,
        help_text=_("As a fraction: 0.035 is 3.5 %."),
    )

    objects = ProjectModelQuerySet.as_manager()

    class Meta:
        ordering = ["association__name", "name"]
        verbose_name = _("project model")
        verbose_name_plural = _("project models")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "key"],
                name="unique_project_model_key_per_association",
                violation_error_message=_(
                    "The association already has a project model with this key."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portfolio:projectmodel_detail", args=[self.pk])

    def first_phase(self):
        return self.phases.order_by("order").first()


class PhaseQuerySet(AssociationScopedQuerySet):
    association_field = "project_model__association"


class Phase(TrackedModel):
    """A phase of a project model; the gate into it is decided by the steering committee."""

    project_model = models.ForeignKey(
        ProjectModel,
        verbose_name=_("project model"),
        on_delete=models.CASCADE,
        related_name="phases",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    skippable = models.BooleanField(
        _("may be skipped"), default=False, help_text=_("E.g. procurement when nothing is bought.")
    )
    closes_project = models.BooleanField(_("closes the project"), default=False)

    objects = PhaseQuerySet.as_manager()

    class Meta:
        ordering = ["project_model", "order"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(
                fields=["project_model", "order"],
                name="unique_phase_order_per_model",
                violation_error_message=_(
                    "The project model already has a phase at this position."
                ),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language while it is the shipped one; a renamed phase's own
        name otherwise."""
        if self.code in PHASE_LABELS and self.name == SHIPPED_PHASE_NAMES.get(self.code):
            return str(PHASE_LABELS[self.code])
        return self.name

    def get_absolute_url(self):
        return self.project_model.get_absolute_url()

    def required_documents(self):
        return [r.document for r in self.requirements.all()]


class GateRequirementQuerySet(AssociationScopedQuerySet):
    association_field = "phase__project_model__association"


class GateRequirement(TrackedModel):
    """A document required at the gate into a phase."""

    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="requirements"
    )
    document = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)

    objects = GateRequirementQuerySet.as_manager()

    class Meta:
        ordering = ["phase", "id"]
        verbose_name = _("gate requirement")
        verbose_name_plural = _("gate requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "document"],
                name="unique_gate_requirement",
                violation_error_message=_("This document is already required at this gate."),
            )
        ]

    def __str__(self):
        return f"{self.phase}: {self.get_document_display()}"

    def get_absolute_url(self):
        return self.phase.get_absolute_url()


# --- strategies ---------------------------------------------------------------------------------


class Strategy(OwnedModel):
    """A digitalisation strategy: a dated document with goals that projects link to."""

    title = models.CharField(_("title"), max_length=250)
    period_start = models.PositiveSmallIntegerField(_("from year"))
    period_end = models.PositiveSmallIntegerField(_("to year"))
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    file = models.FileField(_("file"), upload_to="strategies/", blank=True, max_length=300)

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="strategy_period_ends_after_start",
                violation_error_message=_(
                    "The strategy period must end in or after its first year."
                ),
            )
        ]

    def __str__(self):
        return f"{self.title} {self.period_start}–{self.period_end}"

    def get_absolute_url(self):
        return reverse("portfolio:strategy_detail", args=[self.pk])


class StrategyGoalQuerySet(ParentAccessQuerySet):
    parent_field = "strategy"


class StrategyGoal(TrackedModel):
    """A goal or focus area of a strategy; a goal's page lists the projects that serve it."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="goals"
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)

    objects = StrategyGoalQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "number"]
        verbose_name = _("strategy goal")
        verbose_name_plural = _("strategy goals")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="unique_goal_number_per_strategy",
                violation_error_message=_("The strategy already has a goal with this number."),
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("portfolio:strategygoal_detail", args=[self.pk])


# --- projects -----------------------------------------------------------------------------------


# A project is closed in a phase that closes it: it and its rows are then read-only (the
# closed-parent hook of core.access.ParentPolicy, and ProjectQuerySet.open): the one place the
# "editable, not closed project" rule lives.
PROJECT_CLOSED = "phase__closes_project"


class ProjectQuerySet(OwnedQuerySet):
    def open(self):
        return self.exclude(**{PROJECT_CLOSED: True})

    def open_editable_by(self, user):
        """The projects whose rows the user may change now: editable, and not closed."""
        return self.editable_by(user).open()


class Project(OwnedModel):
    """An IT project: local (owned by one municipality) or joint (owned by the association, with
    participating municipalities). Its phase and baseline (approved budget, end date, benefits)
    are set only by gate decisions."""

    # Editors of a member municipality may also propose a joint project to the association.
    access_policy = OwnedPolicy(proposed_by_members=True)
    objects = ProjectQuerySet.as_manager()

    class Kind(models.TextChoices):
        LOCAL = "local", _("local project")
        JOINT = "joint", _("joint project")

    class InnovationArea(models.TextChoices):
        BACK_OFFICE = "back_office", _("back-office administration")
        CITIZEN_SERVICE = "citizen_service", _("service to citizens")
        BOTH = "both", _("both")

    class InnovationDegree(models.TextChoices):
        INCREMENTAL = "incremental", _("incremental")
        RADICAL = "radical", _("radical")

    class InnovationType(models.TextChoices):
        SERVICE = "service", _("service (product) innovation")
        PROCESS = "process", _("process innovation")

    class CostKey(models.TextChoices):
        POPULATION = "population", _("by population")
        EQUAL = "equal", _("equally")
        AGREED = "agreed", _("agreed percentages")

    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LOCAL)
    summary = models.CharField(_("short description"), max_length=500, blank=True)
    background = models.TextField(_("background"), blank=True, help_text=_("Markdown."))
    project_model = models.ForeignKey(
        ProjectModel,
        verbose_name=_("project model"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        on_delete=models.PROTECT,
        related_name="projects",
        editable=False,
        null=True,
    )
    project_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_projects",
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    kle = models.ManyToManyField(
        "landscape.KleClass", verbose_name=_("KLE task areas"), blank=True, related_name="projects"
    )
    systems = models.ManyToManyField(
        "landscape.ItSystem",
        verbose_name=_("related IT systems"),
        blank=True,
        related_name="projects",
    )
    goals = models.ManyToManyField(
        StrategyGoal, verbose_name=_("strategy goals"), blank=True, related_name="projects"
    )
    innovation_area = models.CharField(
        _("innovation area"), max_length=20, choices=InnovationArea.choices, blank=True
    )
    innovation_degree = models.CharField(
        _("innovation degree"), max_length=20, choices=InnovationDegree.choices, blank=True
    )
    innovation_type = models.CharField(
        _("innovation type"), max_length=20, choices=InnovationType.choices, blank=True
    )
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Comma-separated."))
    published = models.BooleanField(_("published"), default=False)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    cost_key = models.CharField(
        _("cost-sharing key"), max_length=20, choices=CostKey.choices, default=CostKey.POPULATION
    )
    population_date = models.DateField(
        _("population figures of"),
        null=True,
        blank=True,
        help_text=_("The date of the population figures the cost shares use."),
    )
    baseline_budget = models.DecimalField(
        _("approved budget"), **MONEY, null=True, blank=True, editable=False
    )
    baseline_end = models.DateField(_("approved end date"), null=True, blank=True, editable=False)
    baseline_benefits = models.TextField(_("approved benefits"), blank=True, editable=False)

    assignee_fields = ("project_manager", "project_owner")

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(start_date__isnull=True)
                | Q(planned_end__gte=models.F("start_date")),
                name="project_ends_after_start",
                violation_error_message=_("The planned end must be on or after the start date."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:project_detail", args=[self.pk])

    @property
    def association(self):
        return self.project_model.association

    @property
    def is_joint(self):
        return self.kind == self.Kind.JOINT

    @property
    def is_closed(self):
        return bool(self.phase and self.phase.closes_project)

    def tag_list(self):
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    def save(self, *args, **kwargs):
        if self.phase_id is None and self.project_model_id:
            self.phase = self.project_model.first_phase()
        super().save(*args, **kwargs)

    def clean_links(self, links):
        """Systems come from the catalogue of the project model's association; strategy goals
        from the strategies of the project's owner or its association (for a joint project also
        of the association's current members). Links already on the project may stay."""
        super().clean_links(links)
        if not (self.owner_id and self.project_model_id):
            return
        association_id = self.project_model.association_id
        errors = {}
        if "systems" in links:
            current = self.current_links("systems")
            refused = [
                system.name
                for system in links["systems"]
                if system.pk not in current and system.owner_id != association_id
            ]
            if refused:
                errors["systems"] = _(
                    "%(names)s: the systems must be in the catalogue of the project's association."
                ) % {"names": ", ".join(refused)}
        if "goals" in links:
            current = self.current_links("goals")
            allowed = {self.owner_id, association_id}
            if self.kind == self.Kind.JOINT:
                from samdigi.organizations.models import AssociationMember

                allowed |= set(
                    AssociationMember.objects.current()
                    .filter(association_id=association_id)
                    .values_list("municipality_id", flat=True)
                )
            refused = [
                str(goal)
                for goal in links["goals"]
                if goal.pk not in current and goal.strategy.owner_id not in allowed
            ]
            if refused:
                errors["goals"] = _(
                    "%(names)s: the goals must belong to a strategy of the project's "
                    "municipality or association."
                ) % {"names": ", ".join(refused)}
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        from samdigi.organizations.models import AssociationMember

        if not (self.owner_id and self.project_model_id):
            return
        association_id = self.project_model.association_id
        if self.kind == self.Kind.JOINT:
            if self.owner_id != association_id:
                raise ValidationError(
                    {
                        "owner": _(
                            "A joint project is owned by the association of its project model."
                        )
                    }
                )
            self.internal = False
        elif not (
            AssociationMember.objects.current()
            .filter(association_id=association_id, municipality_id=self.owner_id)
            .exists()
        ):
            raise ValidationError(
                {
                    "owner": _(
                        "A local project is owned by a member municipality of the association "
                        "of its project model."
                    )
                }
            )


class ProjectChildQuerySet(PolicyQuerySet):
    """Rows that belong to a project: seen with the project, changed by whoever changes the project.

    Rows of a closed project are read-only, except where the model says `editable_after_closure`
    (the benefits register outlives the project).
    """

    project_path = "project"
    access_policy = ParentPolicy("project", PROJECT_CLOSED)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "access_policy" not in cls.__dict__:
            cls.access_policy = ParentPolicy(cls.project_path, PROJECT_CLOSED)


class ProjectChild(TrackedModel):
    """Base of the rows that belong to one project."""

    objects = ProjectChildQuerySet.as_manager()
    editable_after_closure = False

    class Meta:
        abstract = True

    @property
    def internal(self):
        return self.project.internal

    @property
    def owner_id(self):
        return self.project.owner_id


class ParticipantQuerySet(ProjectChildQuerySet):
    access_policy = ParticipationPolicy("project", "municipality_id", PROJECT_CLOSED)

    def answerable_by(self, user):
        """Participations the user answers for their municipality (its admin)."""
        return self.access_policy.answerable(self, user)


class Participant(ProjectChild):
    """A municipality taking part in a joint project. The secretariat invites; the municipality's
    admin joins or declines for it."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        JOINED = "joined", _("joined")
        DECLINED = "declined", _("declined")
        LEFT = "left", _("left")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="participants"
    )
    municipality = models.ForeignKey(
        "organizations.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="project_participations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    agreed_percentage = models.DecimalField(
        _("agreed percentage"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    responded_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["project", "municipality__code"]
        verbose_name = _("participating municipality")
        verbose_name_plural = _("participating municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "municipality"],
                name="unique_participant_per_project",
                violation_error_message=_("The municipality already takes part in this project."),
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.project}"

    def get_absolute_url(self):
        return reverse("portfolio:project_tab", args=[self.project_id, "participants"])

    def clean(self):
        super().clean()
        if self.project_id and not self.project.is_joint:
            raise ValidationError({"project": _("Only joint projects have participants.")})
        # Added afresh: only a current member of the association. A participant already on the
        # project stays (also after its municipality has left the association).
        if (
            self.project_id
            and self.municipality_id
            and not self.was_linked("municipality_id", self.municipality_id)
            and not may_link_member([self.project.owner_id], self.municipality_id)
        ):
            raise ValidationError(
                {
                    "municipality": _(
                        "The municipality is not a current member of the association that runs "
                        "the project."
                    )
                }
            )


class CostLine(ProjectChild):
    """One yearly cost of a project (DKK excl. VAT); joint costs are split by the project's key."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("investment")
        RUNNING = "running", _("running")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="cost_lines"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    description = models.CharField(_("description"), max_length=250, blank=True)

    class Meta:
        ordering = ["project", "year", "kind", "pk"]
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}: {self.amount}"

    def get_absolute_url(self):
        return reverse("portfolio:project_tab", args=[self.project_id, "participants"])


class BusinessCaseQuerySet(ProjectChildQuerySet):
    def editable_by(self, user):
        return super().editable_by(user).filter(frozen=False)


class BusinessCase(ProjectChild):
    """A version of a project's business case. The version a gate decision approves is frozen:
    from then on it is read-only, and changes go into a new version."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="business_cases"
    )
    number = models.PositiveSmallIntegerField(_("version number"), default=1)
    title = models.CharField(_("title"), max_length=250, blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=6,
        decimal_places=4,
        default=DEFAULT_DISCOUNT_RATE,
        help_text=_("As a fraction: 0.035 is 3.5 %."),
    )
    notes = models.TextField(_("notes"), blank=True)
    frozen = models.BooleanField(_("approved and frozen"), default=False, editable=False)

    objects = BusinessCaseQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("business case")
        verbose_name_plural = _("business cases")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"],
                name="unique_business_case_version",
                violation_error_message=_(
                    "The project already has a business case with this version number."
                ),
            )
        ]

    def __str__(self):
        return _("Business case v%(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("portfolio:businesscase_detail", args=[self.pk])

    def year_lines(self):
        from samdigi.portfolio.rules.business_case import YearLine

        return [
            YearLine(
                year=line.year - self.start_year,
                investment=line.investment,
                running=line.running,
                budget_releasing=line.budget_releasing,
                other_economic=line.other_economic,
                non_monetary=line.non_monetary,
            )
            for line in self.lines.all()
            if line.year >= self.start_year
        ]


class BusinessCaseLineQuerySet(ProjectChildQuerySet):
    project_path = "business_case__project"

    def editable_by(self, user):
        return super().editable_by(user).filter(business_case__frozen=False)


class BusinessCaseLine(TrackedModel):
    """One year of a business case: costs and benefits in DKK, non-monetary benefits in words."""

    business_case = models.ForeignKey(
        BusinessCase,
        verbose_name=_("business case"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    investment = models.DecimalField(_("investment"), **MONEY, default=Decimal(0))
    running = models.DecimalField(_("running costs"), **MONEY, default=Decimal(0))
    budget_releasing = models.DecimalField(
        _("budget-releasing benefits"), **MONEY, default=Decimal(0)
    )
    other_economic = models.DecimalField(_("other economic benefits"), **MONEY, default=Decimal(0))
    non_monetary = models.TextField(_("non-monetary benefits"), blank=True)

    objects = BusinessCaseLineQuerySet.as_manager()

    class Meta:
        ordering = ["business_case", "year", "pk"]
        verbose_name = _("business case line")
        verbose_name_plural = _("business case lines")

    def __str__(self):
        return f"{self.business_case}: {self.year}"

    def get_absolute_url(self):
        return self.business_case.get_absolute_url()

    @property
    def project(self):
        return self.business_case.project

    @property
    def internal(self):
        return self.project.internal


class GateRequest(ProjectChild):
    """The project manager's request for the gate into a phase; blocked while required documents
    are missing (see services.request_gate). It goes on a meeting's agenda until decided."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DECIDED = "decided", _("decided")
        WITHDRAWN = "withdrawn", _("withdrawn")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="gate_requests"
    )
    # The phase the project was in when the gate was requested: the agenda and minutes name the
    # real move, also after the decision has moved the project on.
    from_phase = models.ForeignKey(
        Phase,
        verbose_name=_("from phase"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    to_phase = models.ForeignKey(
        Phase, verbose_name=_("into phase"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    justification = models.TextField(_("justification"), blank=True)
    proposed_budget = models.DecimalField(_("proposed budget"), **MONEY, null=True, blank=True)
    proposed_end = models.DateField(_("proposed end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    meeting = models.ForeignKey(
        "SteeringMeeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gate_requests",
    )

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = _("gate request")
        verbose_name_plural = _("gate requests")

    def __str__(self):
        return _("%(project)s: gate into %(phase)s") % {
            "project": self.project,
            "phase": self.to_phase,
        }

    def get_absolute_url(self):
        return reverse("portfolio:gaterequest_detail", args=[self.pk])

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def save(self, *args, **kwargs):
        if self.pk is None and self.from_phase_id is None and self.project_id:
            self.from_phase_id = self.project.phase_id
        super().save(*args, **kwargs)

    @property
    def decision(self):
        """The decision that settled the request (a postponement keeps it pending)."""
        return self.decisions.order_by("-decided_on", "-pk").first()


class GateDecisionQuerySet(ProjectChildQuerySet):
    def editable_by(self, user):
        return self.visible_to(user).filter(deciders_q(user, "project__"))


def deciders_q(user, prefix=""):
    """Who decides at a gate: the association's admins and steering committee for a joint
    project, the owning municipality's admin for a local one. `prefix` leads from the queried
    model to the project ("" on projects, "project__" on their rows)."""
    return access_deciders_q(
        user,
        f"{prefix}owner",
        Q(**{f"{prefix}kind": Project.Kind.JOINT}),
        Q(**{f"{prefix}kind": Project.Kind.LOCAL}),
    )


def can_decide(user, project) -> bool:
    """Whether the user records gate decisions for this project (and sees it)."""
    return Project.objects.visible_to(user).filter(pk=project.pk).filter(deciders_q(user)).exists()


class GateDecision(ProjectChild):
    """The steering committee's decision at a gate, with the baseline it approves. An approving
    decision moves the project into the requested phase (services.record_decision)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approved")
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("approved with conditions")
        POSTPONED = "postponed", _("postponed")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="decisions"
    )
    # A postponed request stays pending and is decided again at a later meeting: one request may
    # have several decisions.
    request = models.ForeignKey(
        GateRequest,
        verbose_name=_("gate request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    from_phase = models.ForeignKey(
        Phase, verbose_name=_("from phase"), on_delete=models.PROTECT, related_name="+", null=True
    )
    to_phase = models.ForeignKey(
        Phase, verbose_name=_("into phase"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("decision"), max_length=30, choices=Outcome.choices)
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_body = models.CharField(_("decided by"), max_length=200, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    meeting = models.ForeignKey(
        "SteeringMeeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    baseline_budget = models.DecimalField(_("approved budget"), **MONEY, null=True, blank=True)
    baseline_end = models.DateField(_("approved end date"), null=True, blank=True)
    baseline_benefits = models.TextField(_("approved benefits"), blank=True)
    business_case = models.ForeignKey(
        BusinessCase,
        verbose_name=_("approved business case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
    )

    objects = GateDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("gate decision")
        verbose_name_plural = _("gate decisions")

    def __str__(self):
        return _("%(phase)s: %(outcome)s") % {
            "phase": self.to_phase,
            "outcome": self.get_outcome_display(),
        }

    def get_absolute_url(self):
        return reverse("portfolio:gatedecision_detail", args=[self.pk])

    @property
    def approves(self):
        from samdigi.portfolio.rules.gates import moves_phase

        return moves_phase(self.outcome)


class SteeringMeeting(OwnedModel):
    """A steering-committee meeting of an association: agenda (pending gate requests and other
    items), minutes, and the decisions taken there. Exports to DOCX."""

    title = models.CharField(_("title"), max_length=250)
    date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=250, blank=True)
    other_items = models.TextField(
        _("other agenda items"), blank=True, help_text=_("One item per line.")
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("steering committee meeting")
        verbose_name_plural = _("steering committee meetings")

    def __str__(self):
        return f"{self.title} ({formats.date_format(self.date, 'SHORT_DATE_FORMAT')})"

    def get_absolute_url(self):
        return reverse("portfolio:steeringmeeting_detail", args=[self.pk])

    def other_item_list(self):
        return [line.strip() for line in self.other_items.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        from samdigi.organizations.models import Association

        if self.owner_id and not Association.objects.filter(pk=self.owner_id).exists():
            raise ValidationError(
                {"owner": _("A steering committee meeting belongs to an association.")}
            )


class Risk(ProjectChild):
    """A project risk: probability × consequence (1–5 each), inherent and residual after the
    response; scored and banded by portfolio.rules.risk."""

    class Response(models.TextChoices):
        AVOID = "avoid", _("avoid")
        REDUCE = "reduce", _("reduce")
        TRANSFER = "transfer", _("transfer")
        ACCEPT = "accept", _("accept")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="risks"
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    probability = models.PositiveSmallIntegerField(_("probability"), validators=RATING_VALIDATORS)
    consequence = models.PositiveSmallIntegerField(_("consequence"), validators=RATING_VALIDATORS)
    residual_probability = models.PositiveSmallIntegerField(
        _("residual probability"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    residual_consequence = models.PositiveSmallIntegerField(
        _("residual consequence"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    responsible = models.CharField(_("risk owner"), max_length=200, blank=True)
    response = models.CharField(
        _("response"), max_length=10, choices=Response.choices, default=Response.REDUCE
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    next_review = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        ordering = ["project", "-probability", "-consequence", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=5),
                name="risk_probability_1_to_5",
                violation_error_message=_("Probability is rated from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(consequence__gte=1, consequence__lte=5),
                name="risk_consequence_1_to_5",
                violation_error_message=_("Consequence is rated from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(residual_probability__isnull=True)
                | Q(residual_probability__gte=1, residual_probability__lte=5),
                name="risk_residual_probability_1_to_5",
                violation_error_message=_("Residual probability is rated from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(residual_consequence__isnull=True)
                | Q(residual_consequence__gte=1, residual_consequence__lte=5),
                name="risk_residual_consequence_1_to_5",
                violation_error_message=_("Residual consequence is rated from 1 to 5."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:risk_detail", args=[self.pk])

    @property
    def score(self):
        return risk_rules.score(self.probability, self.consequence)

    @property
    def level(self):
        return risk_rules.level_for_score(self.score)

    @property
    def residual_score(self):
        if self.residual_probability and self.residual_consequence:
            return risk_rules.score(self.residual_probability, self.residual_consequence)
        return None

    def clean(self):
        super().clean()
        if bool(self.residual_probability) != bool(self.residual_consequence):
            raise ValidationError(
                {
                    "residual_consequence": _(
                        "Give both residual probability and consequence, or neither."
                    )
                }
            )


class StatusReport(ProjectChild):
    """The project manager's status for a period with forecasts. The computed cost and schedule
    lights (portfolio.rules.status, against the baseline in force when the report is saved) are stored
    beside the manager's own rating, never instead of it."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="status_reports"
    )
    period_end = models.DateField(_("period ending"))
    manager_rating = models.CharField(
        _("manager's overall rating"), max_length=10, choices=Light.choices
    )
    manager_cost_rating = models.CharField(
        _("manager's cost rating"), max_length=10, choices=Light.choices, blank=True
    )
    manager_schedule_rating = models.CharField(
        _("manager's schedule rating"), max_length=10, choices=Light.choices, blank=True
    )
    summary = models.TextField(_("status"), blank=True)
    forecast_cost = models.DecimalField(_("forecast total cost"), **MONEY, null=True, blank=True)
    forecast_end = models.DateField(_("forecast end date"), null=True, blank=True)
    cost_light = models.CharField(
        _("computed cost light"), max_length=10, choices=Light.choices, blank=True, editable=False
    )
    schedule_light = models.CharField(
        _("computed schedule light"),
        max_length=10,
        choices=Light.choices,
        blank=True,
        editable=False,
    )
    computed_light = models.CharField(
        _("computed overall light"),
        max_length=10,
        choices=Light.choices,
        blank=True,
        editable=False,
    )
    cost_reason = models.CharField(_("cost rule"), max_length=500, blank=True, editable=False)
    schedule_reason = models.CharField(
        _("schedule rule"), max_length=500, blank=True, editable=False
    )

    # The reasons are codes and figures behind the lights, which the history records already.
    history_excluded_fields = (
        *TrackedModel.history_excluded_fields,
        "cost_reason",
        "schedule_reason",
    )

    class Meta:
        ordering = ["project", "-period_end", "-pk"]
        get_latest_by = "period_end"
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        indexes = [models.Index(fields=["project", "-period_end"])]

    def __str__(self):
        return _("Status %(date)s") % {
            "date": formats.date_format(self.period_end, "SHORT_DATE_FORMAT")
        }

    def get_absolute_url(self):
        return reverse("portfolio:statusreport_detail", args=[self.pk])

    @property
    def cost_reason_text(self) -> str:
        """The cost rule in the reader's language (stored as a code with its figures)."""
        return status_texts.stored_text(self.cost_reason)

    @property
    def schedule_reason_text(self) -> str:
        return status_texts.stored_text(self.schedule_reason)

    def compute_lights(self, project=None):
        """Fill the computed lights from the project's baseline (none without a baseline)."""
        project = project or self.project
        self.cost_light = self.schedule_light = self.computed_light = ""
        self.cost_reason = self.schedule_reason = ""
        lights = []
        if project.baseline_budget is not None and self.forecast_cost is not None:
            cost = status_rules.cost_light(project.baseline_budget, self.forecast_cost)
            self.cost_light, self.cost_reason = cost.light.value, status_texts.stored(cost)
            lights.append(cost.light)
        if project.baseline_end is not None and self.forecast_end is not None:
            schedule = status_rules.schedule_light(project.baseline_end, self.forecast_end)
            self.schedule_light = schedule.light.value
            self.schedule_reason = status_texts.stored(schedule)
            lights.append(schedule.light)
        if lights:
            self.computed_light = status_rules.worst(*lights).value

    def save(self, *args, **kwargs):
        self.compute_lights()
        super().save(*args, **kwargs)


class Milestone(ProjectChild):
    """A dated milestone of a project, drawn as a point on the timeline."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=250)
    due = models.DateField(_("due"))
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["project", "due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:milestone_detail", args=[self.pk])


class Benefit(ProjectChild):
    """An entry of the benefits register; it outlives the project and stays editable after the
    project is closed, so realised benefits can still be measured."""

    editable_after_closure = True

    class Kind(models.TextChoices):
        BUDGET_RELEASING = "budget_releasing", _("budget-releasing")
        OTHER_ECONOMIC = "other_economic", _("other economic")
        NON_MONETARY = "non_monetary", _("non-monetary")
        DISBENEFIT = "disbenefit", _("disbenefit")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="benefits"
    )
    title = models.CharField(_("benefit"), max_length=250)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    responsible = models.CharField(_("owner in the line organisation"), max_length=200, blank=True)
    receiving_municipality = models.ForeignKey(
        "organizations.Municipality",
        verbose_name=_("receiving municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kpi = models.CharField(_("KPI"), max_length=250, blank=True)
    measurement_method = models.TextField(_("how it is measured"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        ordering = ["project", "title", "pk"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__isnull=True)
                | Q(baseline_date__isnull=True)
                | Q(target_date__gte=models.F("baseline_date")),
                name="benefit_target_after_baseline",
                violation_error_message=_("The target date must be on or after the baseline date."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:benefit_detail", args=[self.pk])

    def clean(self):
        super().clean()
        # The benefit is received by the project's municipality, or by one taking part in the
        # joint project.
        municipality_id = self.receiving_municipality_id
        if (
            municipality_id
            and self.project_id
            and not self.was_linked("receiving_municipality_id", municipality_id)
            and municipality_id != self.project.owner_id
            and not self.project.participants.filter(municipality_id=municipality_id).exists()
        ):
            raise ValidationError(
                {
                    "receiving_municipality": _(
                        "The receiving municipality must be the project's municipality or take "
                        "part in the project."
                    )
                }
            )


class MeasurementQuerySet(ProjectChildQuerySet):
    project_path = "benefit__project"


class Measurement(TrackedModel):
    """A measured value of a benefit's KPI on a date."""

    editable_after_closure = True

    benefit = models.ForeignKey(
        Benefit, verbose_name=_("benefit"), on_delete=models.CASCADE, related_name="measurements"
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=15, decimal_places=2)
    note = models.CharField(_("note"), max_length=250, blank=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["benefit", "date", "pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self):
        return f"{self.benefit}: {self.value} ({self.date})"

    def get_absolute_url(self):
        return self.benefit.get_absolute_url()

    @property
    def project(self):
        return self.benefit.project

    @property
    def internal(self):
        return self.project.internal


def today() -> datetime.date:
    return timezone.localdate()


def _latest_light_label(self):
    value = getattr(self, "latest_light", None)
    return Light(value).label if value else ""


Project.latest_light_label = _latest_light_label
