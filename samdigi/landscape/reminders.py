"""Deadline reminders: one digest e-mail per person, each reminder sent once.

A reminder is due when a deadline of a kind the person subscribed to is exactly N days ahead for
one of their N, or was N days ahead on a day the job did not run (it catches up, but never for a
deadline already passed). SentReminder's unique key makes a second run the same day send nothing.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samdigi.landscape import services
from samdigi.landscape.ical import site_root
from samdigi.landscape.models import Contract, ReminderSubscription, SentReminder


def due_reminders(today):
    """(user, [(row, days_ahead)]) for every person with something due today."""
    subscriptions = ReminderSubscription.objects.filter(
        active=True, user__is_active=True
    ).select_related("user", "owner")
    per_user = defaultdict(list)
    horizon = max((max(s.days_ahead) for s in subscriptions if s.days_ahead), default=0)
    if not horizon:
        return []
    contracts_by_owner = defaultdict(list)
    owners = {s.owner_id for s in subscriptions}
    window_end = today + timezone.timedelta(days=horizon)
    for contract in (
        Contract.objects.filter(owner__in=owners)
        .filter(services.range_q(today, window_end))
        .select_related("owner", "vendor")
    ):
        contracts_by_owner[contract.owner_id].append(contract)
    already = set(
        SentReminder.objects.filter(deadline__gte=today).values_list(
            "user_id", "contract_id", "kind", "deadline", "days_ahead"
        )
    )
    for subscription in subscriptions:
        rows = services.deadline_rows(
            contracts_by_owner[subscription.owner_id], today, window_end, subscription.kinds
        )
        for row in rows:
            days_left = (row.date - today).days
            # The smallest threshold already reached: 30 days before, not also 90 and 180 again.
            reached = [d for d in sorted(subscription.days_ahead) if days_left <= d]
            if not reached:
                continue
            days_ahead = reached[0]
            key = (subscription.user_id, row.contract.pk, row.kind, row.date, days_ahead)
            if key in already:
                continue
            already.add(key)
            per_user[subscription.user].append((row, days_ahead))
    return list(per_user.items())


def send_reminders(today=None) -> int:
    """Send the digests due today; returns the number of e-mails sent."""
    today = today or timezone.localdate()
    sent = 0
    for user, items in due_reminders(today):
        if not user.email:
            continue
        with transaction.atomic():
            try:
                for row, days_ahead in items:
                    SentReminder.objects.create(
                        user=user,
                        contract=row.contract,
                        kind=row.kind,
                        deadline=row.date,
                        days_ahead=days_ahead,
                    )
            except IntegrityError:
                # Another run got there first: it sends this digest, not us.
                continue
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "user": user,
                    "items": items,
                    "today": today,
                    "site": site_root(),
                }
                subject = render_to_string("landscape/reminder_subject.txt", context).strip()
                body = render_to_string("landscape/reminder_email.txt", context)
            message = EmailMultiAlternatives(
                subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]
            )
            message.send()
            sent += 1
    return sent
