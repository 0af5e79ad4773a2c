"""The portfolio's own catalogue is complete in Danish and keeps every placeholder."""

import re
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "da" / "LC_MESSAGES" / "django.po"


def test_every_portfolio_message_is_translated_to_danish():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in catalogue if not e.translated() or e.obsolete] == []
    for entry in catalogue:
        names = set(re.findall(r"%\((\w+)\)s", entry.msgid))
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in texts:
            assert set(re.findall(r"%\((\w+)\)s", text)) == names, entry.msgid
