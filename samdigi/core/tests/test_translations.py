"""Danish first: every message in every catalogue has a Danish translation."""

import re
from pathlib import Path

import polib
import pytest

SAMDIGI = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(SAMDIGI.glob("**/locale/da/LC_MESSAGES/django.po"))


def test_every_app_with_ui_text_has_a_danish_catalogue():
    found = {path.relative_to(SAMDIGI).parts[0] for path in CATALOGUES}
    assert {"locale", "landscape"} <= found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SAMDIGI)))
def test_every_message_is_translated_to_danish(path):
    catalogue = polib.pofile(str(path))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SAMDIGI)))
def test_placeholders_survive_translation(path):
    for entry in polib.pofile(str(path)):
        names = set(re.findall(r"%\((\w+)\)s", entry.msgid))
        translations = (
            [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        )
        for text in translations:
            assert set(re.findall(r"%\((\w+)\)s", text)) == names, entry.msgid
