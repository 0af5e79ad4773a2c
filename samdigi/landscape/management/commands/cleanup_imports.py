"""manage.py cleanup_imports — delete staged import files and records past their time (run at least
daily; idempotent)."""

from django.core.management.base import BaseCommand

from samdigi.landscape.staging import cleanup_staged


class Command(BaseCommand):
    help = (
        "Delete staged spreadsheet imports (files under MEDIA_ROOT/imports and their records) older "
        "than IMPORT_STAGE_HOURS (default 24). Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=None, help="Age in hours (default: IMPORT_STAGE_HOURS)."
        )

    def handle(self, *args, hours=None, **options):
        records, files = cleanup_staged(hours)
        self.stdout.write(f"{records} staged import(s) and {files} stray file(s) deleted.")
