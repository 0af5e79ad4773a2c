"""manage.py import_kle FILE.xml — load KL's KLE plan (the XML file your municipality receives)."""

from django.core.management.base import BaseCommand, CommandError

from samdigi.core.history import acting_as
from samdigi.landscape.kle_import import import_kle
from samdigi.landscape.rules.kle import KleFormatError


class Command(BaseCommand):
    help = "Import KL's KLE plan from its XML file. Safe to run again; retires, never deletes."

    def add_arguments(self, parser):
        parser.add_argument("path", help="KLE-Emneplan XML file")

    def handle(self, *args, path, **options):
        try:
            with open(path, "rb") as handle, acting_as(None):
                report = import_kle(handle)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {path}") from error
        except KleFormatError as error:
            raise CommandError(f"{path}: {error} — nothing was imported.") from error
        self.stdout.write(
            f"KLE plan {report.publication_date or ''}: {len(report.created)} new, "
            f"{len(report.updated)} changed, {len(report.retired)} retired, {report.unchanged} unchanged."
        )
        for label, numbers in (
            ("new", report.created),
            ("changed", report.updated),
            ("retired", report.retired),
        ):
            if numbers and options["verbosity"] > 1:
                self.stdout.write(f"  {label}: {', '.join(numbers)}")
