"""Keeping a tender's threshold assessment and schedule true to its data.

Whenever the procedure, category, value, required start, submission settings, owner (its lead
times) or an actual date of a tender changes — by page, API, import or admin — the assessment
and the stored steps are recomputed here (a post_save receiver), so nobody has to press
"schedule again" and page and API agree.

Manual moves: a step a user moved (it has a reason) keeps its moved date through every re-plan
while that date is still lawful given the steps before it; later steps follow it. A move that a
change made unlawful (e.g. a tender deadline after switching from open to restricted) is undone,
and that is written to the tender's history with the reason it had. Moves of steps the new
procedure does not have disappear with the step. "Schedule again" is a deliberate fresh start
that drops every move. Actual dates (notice sent, tender deadline, award decision, signature)
replace the planned date of their step and push later steps; they are never undone, but
``date_warnings`` checks them against the legal minimums.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samdigi.core.models import ChangeRecord
from samdigi.procurement import rule_texts
from samdigi.procurement.models import Tender, TenderStep, eur_rate
from samdigi.procurement.rules import schedule

#: Tender fields the assessment or the schedule depends on.
WATCHED = (
    "owner_id",
    "procedure",
    "category",
    "estimated_value",
    "required_start",
    "electronic_submission",
    "prior_information_notice",
    "notice_published_on",
    "tender_deadline_on",
    "award_decision_on",
    "contract_signed_on",
)

#: Actual date field → the step it fixes.
ACTUAL_FIELDS = {
    "notice_published_on": schedule.NOTICE_PUBLICATION,
    "tender_deadline_on": schedule.TENDER_DEADLINE,
    "award_decision_on": schedule.AWARD_DECISION,
    "contract_signed_on": schedule.CONTRACT_SIGNATURE,
}


class MoveRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def actual_dates(tender) -> dict:
    return {
        key: getattr(tender, field)
        for field, key in ACTUAL_FIELDS.items()
        if getattr(tender, field) is not None
    }


def _thresholds():
    from samdigi.procurement.models import Threshold

    return Threshold.objects.periods()


def compute(tender, moves=None, today=None) -> schedule.Schedule:
    """The tender's plan from its data, the given moves and its actual dates (pure call)."""
    from samdigi.procurement.services import lead_months_for

    return schedule.plan(
        tender.procedure,
        tender.category,
        tender.estimated_value or 0,
        tender.required_start,
        tender.electronic_submission,
        tender.prior_information_notice,
        _thresholds(),
        eur_rate(),
        lead_months_for(tender),
        moves=moves or {},
        actual=actual_dates(tender),
        today=today,
    )


def stored_moves(tender) -> dict:
    """key → (date, reason) of the steps a user moved."""
    return {s.key: (s.date, s.moved_reason) for s in tender.steps.all() if s.moved_reason}


def assessment_text(result: schedule.Schedule) -> str:
    return "\n".join(
        [*rule_texts.assessment_lines(result.classification), *rule_texts.schedule_warnings(result)]
    )


def _history(tender, user, changes) -> None:
    ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(Tender),
        object_id=str(tender.pk),
        object_repr=str(tender)[:255],
        action=ChangeRecord.Action.UPDATE,
        user=user if user is not None and user.is_authenticated else None,
        version=tender.version,
        changes=changes,
    )


@transaction.atomic
def replan(tender, user=None, *, fresh=False, extra_move=None) -> schedule.Schedule | None:
    """Recompute and store the assessment and the steps. ``fresh`` drops every manual move;
    ``extra_move`` = (key, date, reason) adds one. None when the tender has no required start."""
    if tender.required_start is None:
        return None
    today = timezone.localdate()
    existing = {s.key: s for s in tender.steps.all()}
    moves = {} if fresh else stored_moves(tender)
    if extra_move is not None:
        key, day, reason = extra_move
        moves[key] = (day, reason)
    result = compute(tender, {k: day for k, (day, _r) in moves.items()}, today)
    unmoved = compute(tender, {}, today).dates() if moves else result.dates()
    dropped = {key for key, _day, _earliest in result.dropped_moves}
    if extra_move is not None and extra_move[0] in dropped:
        key, day, earliest = next(d for d in result.dropped_moves if d[0] == extra_move[0])
        if earliest is None:
            raise MoveRefused(_("The date cannot come before the step before it."))
        raise MoveRefused(
            _("The date is earlier than the law allows: %(earliest)s at the earliest.")
            % {"earliest": rule_texts._day(earliest)}
        )
    steps_changed = False
    with translation.override(settings.LANGUAGE_CODE):
        texts = {step.key: rule_texts.step_text(step, tender.procedure) for step in result.steps}
        assessment = assessment_text(result)
    for step in result.steps:
        kept = step.key in moves and step.key not in dropped
        values = {
            "date": step.date,
            "rule": step.rule,
            "explanation": texts[step.key],
            "scheduled_date": unmoved.get(step.key, step.date) if kept else step.date,
            "moved_reason": moves[step.key][1] if kept else "",
        }
        row = existing.pop(step.key, None)
        if row is None:
            TenderStep.objects.create(
                tender=tender, key=step.key, created_by=user, updated_by=user, **values
            )
            steps_changed = True
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_by = user
            row.save()
            steps_changed = True
    for row in existing.values():
        row.delete()
        steps_changed = True
    for key, day, _earliest in result.dropped_moves:
        _history(
            tender,
            user,
            {
                # Keys, not labels: the History names them in the reader's language.
                key: [day.isoformat(), result.dates()[key].isoformat()],
                "moved_reason": [moves[key][1], None],
            },
        )
    stored = {
        "eu_procedure_required": result.classification.eu_required,
        "classification": assessment,
    }
    if steps_changed:
        # The published dates changed: OCDS readers polling with ?since= must see the tender again.
        stored["updated_at"] = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(**stored)
    tender.eu_procedure_required = result.classification.eu_required
    tender.classification = assessment
    _remember(tender)
    return result


def move_step(step, new_date, reason, user=None) -> schedule.Schedule:
    """Move one planned date with a reason; later steps follow. Refused (MoveRefused) when the
    date breaks a legal minimum or comes before the step before it."""
    tender = step.tender
    old = step.date
    actual_field = next(
        (f for f, key in ACTUAL_FIELDS.items() if key == step.key and getattr(tender, f)), None
    )
    if actual_field is not None:
        # The step's date is a fact (e.g. the tender deadline the notice set): moving it replaces
        # the fact (a corrected notice), or the plan would drop the move silently and keep showing
        # the replaced date on the tender, its public page and in OCDS.
        setattr(tender, actual_field, new_date)
        tender.save_if_current(tender.version, user)
        result = replan(tender, user)
    else:
        result = replan(tender, user, extra_move=(step.key, new_date, reason))
    _history(
        tender,
        user,
        {
            step.key: [old.isoformat(), new_date.isoformat()],
            "moved_reason": [None, reason],
        },
    )
    return result


# --- reading ------------------------------------------------------------------------------------


def date_warnings(tender) -> list[schedule.DateWarning]:
    """The tender's actual dates checked against the legal minimums (and day notes)."""
    return schedule.check_actual_dates(
        tender.procedure,
        actual_dates(tender),
        tender.electronic_submission,
        tender.prior_information_notice,
    )


def warnings_data(tender) -> list[dict]:
    """The actual-date warnings for the API, in the request's language."""
    return [
        {
            "code": w.code,
            "step": w.step,
            "rule": rule_texts.citation(w.rule, tender.procedure),
            "minimum_date": w.minimum,
            "actual_date": w.actual,
            "message": rule_texts.date_warning_text(w, tender.procedure),
        }
        for w in date_warnings(tender)
    ]


def timeline_rows(tender, steps) -> list[dict]:
    """The stored steps with their explanation in the active language, their warnings and notes,
    for the tender page. Texts come from a fresh computation where its date matches the row."""
    planned = {}
    if tender.required_start is not None:
        moves = {s.key: s.date for s in steps if s.moved_reason}
        planned = {s.key: s for s in compute(tender, moves).steps}
    warnings = {}
    for w in date_warnings(tender):
        warnings.setdefault(w.step, []).append(w)
    actual = actual_dates(tender)
    rows = []
    order = {key: index for index, key in enumerate(schedule.STEP_ORDER)}
    for row in sorted(steps, key=lambda s: (order.get(s.key, len(order)), s.date)):
        step = planned.get(row.key)
        text = row.explanation
        if step is not None and step.date == row.date:
            text = rule_texts.step_text(step, tender.procedure)
        elif schedule.working_day_note(row.date):
            text += " " + rule_texts.day_note(schedule.working_day_note(row.date), row.date)
        found = warnings.get(row.key, [])
        rows.append(
            {
                "step": row,
                "text": text,
                "actual": actual.get(row.key) == row.date,
                "warnings": [
                    rule_texts.date_warning_text(w, tender.procedure)
                    for w in found
                    if not w.is_note
                ],
                "notes": [
                    rule_texts.date_warning_text(w, tender.procedure) for w in found if w.is_note
                ],
            }
        )
    return rows


def current_assessment(tender) -> list[str]:
    """The threshold assessment in the active language (the stored text is in the default)."""
    if tender.required_start is None:
        return tender.classification.splitlines() if tender.classification else []
    result = compute(tender, {k: d for k, (d, _r) in stored_moves(tender).items()})
    return rule_texts.assessment_lines(result.classification) + rule_texts.schedule_warnings(result)


def rationale_da(tender) -> str | None:
    """OCDS planning.rationale (release language "da"): the threshold assessment in Danish."""
    if tender.required_start is None:
        return tender.classification.split("\n")[0] if tender.classification else None
    with translation.override("da"):
        result = compute(tender)
        return " ".join(rule_texts.assessment_lines(result.classification)[:2])


# --- the receiver -------------------------------------------------------------------------------


def _remember(tender) -> None:
    loaded = getattr(tender, "_loaded_values", None)
    if loaded is None:
        tender._loaded_values = loaded = {}
    for name in WATCHED:
        loaded[name] = getattr(tender, name)


def _changed(tender, created: bool) -> bool:
    if created:
        return True
    loaded = getattr(tender, "_loaded_values", None)
    if not loaded:
        return True
    return any(name in loaded and loaded[name] != getattr(tender, name) for name in WATCHED)


def tender_saving(sender, instance, raw=False, **kwargs):
    # Decided before saving: the history receiver resets the loaded values after the save.
    instance._replan_needed = not raw and instance.pk is not None and _changed(instance, False)


def tender_saved(sender, instance, created, raw=False, **kwargs):
    # A new tender is scheduled when someone asks for it ("Schedule backwards"); from then on
    # every relevant edit re-plans it.
    needed = getattr(instance, "_replan_needed", False)
    instance._replan_needed = False
    if raw or created or not needed:
        return
    if instance.required_start is None or not instance.steps.exists():
        _remember(instance)
        return
    replan(instance, instance.updated_by)


def connect():
    pre_save.connect(tender_saving, sender=Tender, dispatch_uid="procurement-replan-check")
    post_save.connect(tender_saved, sender=Tender, dispatch_uid="procurement-replan")
