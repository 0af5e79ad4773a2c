"""manage.py send_reminders — e-mail the deadline digests that are due (run daily; idempotent)."""

from django.core.management.base import BaseCommand

from samdigi.landscape.reminders import send_reminders


class Command(BaseCommand):
    help = "Send one digest e-mail per person with the contract deadlines that are due. Safe to run repeatedly."

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder e-mail(s) sent.")
