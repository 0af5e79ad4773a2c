"""Danish first: every message in the catalogue has a Danish translation."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_every_message_is_translated_to_danish():
    catalogue = polib.pofile(str(LOCALE / "da" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalogue if not entry.translated() or entry.obsolete]
    assert missing == []
    assert catalogue.percent_translated() == 100


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(LOCALE / "da" / "LC_MESSAGES" / "django.po"))
    import re

    for entry in catalogue:
        names = set(re.findall(r"%\((\w+)\)s", entry.msgid))
        translations = (
            [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        )
        for text in translations:
            assert set(re.findall(r"%\((\w+)\)s", text)) == names, entry.msgid
