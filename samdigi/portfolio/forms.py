"""Forms of the portfolio. Dropdowns are narrowed to what the user may see; the project of a
project's row is narrowed to the projects the user may change."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import is_proposal, people_of_reach, policy_of, scope_for
from samdigi.core.forms import DateInput, VersionedModelForm
from samdigi.core.uploads import check_upload
from samdigi.organizations.models import Association, Municipality
from samdigi.portfolio.models import (
    Benefit,
    BusinessCase,
    BusinessCaseLine,
    CostLine,
    DocumentKind,
    GateDecision,
    GateRequest,
    Measurement,
    Milestone,
    Participant,
    Phase,
    Project,
    ProjectModel,
    Risk,
    StatusReport,
    SteeringMeeting,
    Strategy,
    StrategyGoal,
    ensure_project_models,
)


class ProjectForm(VersionedModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "kind",
            "owner",
            "project_model",
            "summary",
            "background",
            "project_owner",
            "project_manager",
            "start_date",
            "planned_end",
            "kle",
            "systems",
            "goals",
            "innovation_area",
            "innovation_degree",
            "innovation_type",
            "tags",
            "internal",
            "published",
            "cost_key",
            "population_date",
        ]
        widgets = {
            "start_date": DateInput(),
            "planned_end": DateInput(),
            "population_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for association in Association.objects.visible_to(self.user):
            ensure_project_models(association)
        self.fields["project_model"].queryset = ProjectModel.objects.visible_to(
            self.user
        ).select_related("association")
        self.fields["owner"].help_text = _(
            "The municipality for a local project, the association for a joint one."
        )
        from django.contrib.auth import get_user_model

        users = people_of_reach(
            get_user_model().objects.filter(is_active=True).order_by("username"), self.user
        )
        self.fields["project_owner"].queryset = users
        self.fields["project_manager"].queryset = users
        if "kle" in self.fields:
            self.fields["kle"].queryset = self.fields["kle"].queryset.filter(retired__isnull=True)

    def owner_queryset(self, queryset):
        """Besides the organisations the user edits for, a new project may be proposed as a joint
        project of an association whose member municipality the user edits for."""
        owners = super().owner_queryset(queryset)
        if self.instance.pk:
            return owners
        # The policy's owners (proposals included): Project declares proposed_by_members.
        allowed = policy_of(Project).creatable_owners(scope_for(self.user), Project)
        if allowed is None:
            return owners
        return queryset.filter(Q(pk__in=owners.values("pk")) | Q(pk__in=allowed))

    def clean(self):
        data = super().clean()
        owner = data.get("owner")
        if owner is not None and not self.instance.pk and is_proposal(self.user, Project, owner.pk):
            # A proposal: joint, and its proposer manages it until the association decides.
            if data.get("kind") != Project.Kind.JOINT:
                self.add_error(
                    "kind", _("A project proposed to an association is a joint project.")
                )
            if data.get("project_manager") is None:
                data["project_manager"] = self.user
                self.instance.project_manager = self.user
        return data


class ProjectChildForm(VersionedModelForm):
    """A row of a project: the project dropdown offers the projects the user may change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "project" in self.fields:
            projects = Project.objects.editable_by(self.user)
            if not getattr(self._meta.model, "editable_after_closure", False):
                projects = projects.exclude(phase__closes_project=True)
            self.fields["project"].queryset = projects


class ParticipantForm(ProjectChildForm):
    class Meta:
        model = Participant
        fields = ["project", "municipality", "status", "agreed_percentage"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = self.fields["project"].queryset.filter(
            kind=Project.Kind.JOINT
        )
        # Participants are members of the association (Participant.clean checks it).
        self.fields["municipality"].queryset = Municipality.objects.in_reach_of(self.user)


class CostLineForm(ProjectChildForm):
    class Meta:
        model = CostLine
        fields = ["project", "year", "kind", "amount", "description"]


class RiskForm(ProjectChildForm):
    class Meta:
        model = Risk
        fields = [
            "project",
            "title",
            "description",
            "probability",
            "consequence",
            "residual_probability",
            "residual_consequence",
            "responsible",
            "response",
            "mitigation",
            "status",
            "next_review",
        ]
        widgets = {"next_review": DateInput()}


class StatusReportForm(ProjectChildForm):
    class Meta:
        model = StatusReport
        fields = [
            "project",
            "period_end",
            "manager_rating",
            "manager_cost_rating",
            "manager_schedule_rating",
            "summary",
            "forecast_cost",
            "forecast_end",
        ]
        widgets = {"period_end": DateInput(), "forecast_end": DateInput()}


class MilestoneForm(ProjectChildForm):
    class Meta:
        model = Milestone
        fields = ["project", "title", "due", "done_on", "description"]
        widgets = {"due": DateInput(), "done_on": DateInput()}


class BenefitForm(ProjectChildForm):
    class Meta:
        model = Benefit
        fields = [
            "project",
            "title",
            "kind",
            "responsible",
            "receiving_municipality",
            "kpi",
            "measurement_method",
            "unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
        ]
        widgets = {"baseline_date": DateInput(), "target_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_municipality"].queryset = Municipality.objects.in_reach_of(self.user)


class MeasurementForm(VersionedModelForm):
    class Meta:
        model = Measurement
        fields = ["benefit", "date", "value", "note"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit"].queryset = Benefit.objects.editable_by(self.user)


class BusinessCaseForm(ProjectChildForm):
    class Meta:
        model = BusinessCase
        fields = ["project", "number", "title", "start_year", "discount_rate", "notes"]


class BusinessCaseLineForm(VersionedModelForm):
    class Meta:
        model = BusinessCaseLine
        fields = [
            "business_case",
            "year",
            "investment",
            "running",
            "budget_releasing",
            "other_economic",
            "non_monetary",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_case"].queryset = BusinessCase.objects.editable_by(self.user)


class SteeringMeetingForm(VersionedModelForm):
    owner_kind = "association"

    class Meta:
        model = SteeringMeeting
        fields = ["owner", "title", "date", "location", "other_items", "minutes"]
        widgets = {"date": DateInput()}


class StrategyForm(VersionedModelForm):
    url = forms.URLField(label=_("web address"), required=False, assume_scheme="https")

    class Meta:
        model = Strategy
        fields = ["owner", "title", "period_start", "period_end", "description", "url", "file"]

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and hasattr(uploaded, "content_type"):
            check_upload(uploaded, allowed=("pdf", "docx"))
        return uploaded


class StrategyGoalForm(VersionedModelForm):
    class Meta:
        model = StrategyGoal
        fields = ["strategy", "number", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = Strategy.objects.editable_by(self.user)


class GateRequestForm(forms.Form):
    """The project manager asks for the gate into a later phase."""

    to_phase = forms.ModelChoiceField(queryset=Phase.objects.none(), label=_("Into phase"))
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea, required=False)
    proposed_budget = forms.DecimalField(
        label=_("Proposed budget"), max_digits=15, decimal_places=2, required=False
    )
    proposed_end = forms.DateField(label=_("Proposed end date"), required=False, widget=DateInput())

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].queryset = Phase.objects.filter(pk__in=[p.pk for p in phases])


class GateDecisionForm(forms.Form):
    """The steering committee's decision at a gate and the baseline it approves."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=GateDecision.Outcome.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    decision_body = forms.CharField(label=_("Decided by"), max_length=200, required=False)
    conditions = forms.CharField(label=_("Conditions"), widget=forms.Textarea, required=False)
    baseline_budget = forms.DecimalField(
        label=_("Approved budget"), max_digits=15, decimal_places=2, required=False
    )
    baseline_end = forms.DateField(label=_("Approved end date"), required=False, widget=DateInput())
    baseline_benefits = forms.CharField(
        label=_("Approved benefits"), widget=forms.Textarea, required=False
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=SteeringMeeting.objects.none(), required=False
    )
    document = forms.FileField(label=_("Decision document"), required=False)

    def __init__(self, *args, user=None, gate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = gate
        meetings = SteeringMeeting.objects.visible_to(user)
        if gate is not None:
            # The meetings of the association whose project model the project follows.
            meetings = meetings.filter(owner_id=gate.project.project_model.association_id)
        self.fields["meeting"].queryset = meetings

    def clean_document(self):
        uploaded = self.cleaned_data.get("document")
        if uploaded:
            self.media_type = check_upload(uploaded)
        return uploaded

    def clean(self):
        data = super().clean()
        if data.get("outcome") == GateDecision.Outcome.APPROVED_WITH_CONDITIONS and not data.get(
            "conditions"
        ):
            self.add_error("conditions", _("Write the conditions of the approval."))
        decided_on = data.get("decided_on")
        if decided_on is not None:
            from samdigi.portfolio.services import decision_date_problem

            problem = decision_date_problem(decided_on, self.gate, data.get("meeting"))
            if problem:
                self.add_error("decided_on", problem)
        return data


class GateRequestModelForm(VersionedModelForm):
    """Editing a pending request's text (its phase is fixed once requested)."""

    class Meta:
        model = GateRequest
        fields = ["justification", "proposed_budget", "proposed_end", "meeting"]
        widgets = {"proposed_end": DateInput()}


# --- the steering committee's agenda ---------------------------------------------------------


class ScheduleGateForm(forms.Form):
    """From a gate request's page: the meeting whose agenda it goes on."""

    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=SteeringMeeting.objects.none())

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            meetings if meetings is not None else self.fields["meeting"].queryset
        )


class AgendaAddForm(forms.Form):
    """From a meeting's page: a pending gate request to put on its agenda."""

    gate_request = forms.ModelChoiceField(
        label=_("Gate request"), queryset=GateRequest.objects.none()
    )

    def __init__(self, *args, requests=None, **kwargs):
        super().__init__(*args, **kwargs)
        if requests is not None:
            self.fields["gate_request"].queryset = requests
        self.fields["gate_request"].label_from_instance = lambda gate: (
            _("%(project)s: from %(current)s to %(phase)s")
            % {"project": gate.project, "current": gate.from_phase or "—", "phase": gate.to_phase}
        )


# --- project models ----------------------------------------------------------------------------


class ProjectModelForm(VersionedModelForm):
    """A project model of an association; only the association's admins change it."""

    class Meta:
        model = ProjectModel
        fields = [
            "association",
            "key",
            "name",
            "description",
            "status_cadence_months",
            "discount_rate",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The associations whose project models the user may set up (the model's policy).
        allowed = policy_of(ProjectModel).creatable_owners(scope_for(self.user), ProjectModel)
        associations = Association.objects.filter(kind=Association.Kind.ASSOCIATION)
        if allowed is not None:
            associations = associations.filter(pk__in=allowed)
        self.fields["association"].queryset = associations
        if self.instance.pk:
            # Moving a model (and its projects) to another association is not an edit.
            self.fields["association"].disabled = True


class PhaseForm(VersionedModelForm):
    """A phase of a project model with the documents its gate requires; the position is a
    number, and an empty one puts the phase last."""

    required_documents = forms.MultipleChoiceField(
        label=_("Documents required at the gate"),
        choices=DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Phase
        fields = ["project_model", "order", "code", "name", "skippable", "closes_project"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_model"].queryset = ProjectModel.objects.editable_by(self.user)
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Empty: after the last phase.")
        if self.instance.pk:
            self.fields["project_model"].disabled = True
            self.fields["required_documents"].initial = self.instance.required_documents()

    def clean(self):
        from samdigi.portfolio.services import phase_sequence_problem

        data = super().clean()
        model = data.get("project_model") or (
            self.instance.project_model if self.instance.project_model_id else None
        )
        if model is None or not data.get("code"):
            return data
        others = list(model.phases.exclude(pk=self.instance.pk).order_by("order"))
        if data.get("order") is None:
            data["order"] = max((p.order for p in others), default=0) + 1
            self.instance.order = data["order"]
        problem = phase_sequence_problem(
            others, (data["order"], data["code"], data.get("closes_project", False))
        )
        if problem:
            field, message = problem
            self.add_error(field, message)
        return data

    def _save_m2m(self):
        super()._save_m2m()
        from samdigi.portfolio.services import set_required_documents

        set_required_documents(self.instance, self.cleaned_data.get("required_documents") or [])
