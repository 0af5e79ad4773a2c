"""Load KL's KLE plan (parsed by landscape/rules/kle.py) into KleClass rows: idempotent, never deletes.

A number that is no longer in the file is retired (kept, because systems and projects may refer
to it). The whole import is one transaction: a malformed file changes nothing.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from samdigi.landscape.models import KleClass
from samdigi.landscape.rules.kle import parse_kle


@dataclass
class KleImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    publication_date: object = None


def import_kle(fileobj, today=None) -> KleImportReport:
    today = today or timezone.localdate()
    report = KleImportReport()
    with transaction.atomic():
        existing = {row.number: row for row in KleClass.objects.all()}
        by_uuid = {row.uuid: row for row in existing.values() if row.uuid}
        seen = set()
        reader = parse_kle(fileobj)
        for entry in reader:
            seen.add(entry.number)
            row = existing.get(entry.number) or (by_uuid.get(entry.uuid) if entry.uuid else None)
            parent = existing.get(entry.parent_number) if entry.parent_number else None
            values = {
                "number": entry.number,
                "title": entry.title[:300],
                "level": entry.level,
                "parent": parent,
                "uuid": entry.uuid or "",
                "guidance": entry.guidance or "",
                "retired": entry.retired,
            }
            if row is None:
                row = KleClass.objects.create(**values)
                existing[entry.number] = row
                report.created.append(entry.number)
                continue
            changed = [key for key, value in values.items() if getattr(row, key) != value]
            if changed:
                for key in changed:
                    setattr(row, key, values[key])
                row.save()
                existing[entry.number] = row
                report.updated.append(entry.number)
            else:
                report.unchanged += 1
        report.publication_date = reader.publication_date
        for number, row in existing.items():
            # Main groups ship with samdigi and stay; everything else absent from the plan retires.
            if number not in seen and row.retired is None and row.level > 1:
                row.retired = today
                row.save()
                report.retired.append(number)
    return report
