"""Every setting the code reads is declared in settings.py through the env helpers, so the README's
table is the whole list and a typo in a name fails loudly instead of falling back to a default."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from samdigi.env import env_decimal
from samdigi.procurement.rules import schedule

SAMDIGI = Path(__file__).resolve().parents[2]
README = SAMDIGI.parent / "README.md"


def test_no_code_reads_settings_with_a_fallback_default():
    pattern = re.compile(r"getattr\(\s*settings\s*,")
    offenders = [
        f"{path.relative_to(SAMDIGI)}:{number}"
        for path in SAMDIGI.rglob("*.py")
        if "migrations" not in path.parts and path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "name",
    ["OCDS_PREFIX", "OCDS_PUBLISHER_NAME", "PROCUREMENT_EUR_RATE", "MAX_ATTACHMENT_BYTES"],
)
def test_the_settings_are_declared_and_listed_in_the_readme(name):
    from samdigi import settings as module

    assert hasattr(module, name)
    assert re.search(rf"^\| `{name}` \|", README.read_text(encoding="utf-8"), re.MULTILINE)


def test_the_default_eur_rate_is_the_rules_default():
    from samdigi import settings as module

    assert module.PROCUREMENT_EUR_RATE == schedule.DEFAULT_EUR_RATE


def test_an_eur_rate_from_the_environment_is_a_positive_decimal(monkeypatch):
    monkeypatch.setenv("PROCUREMENT_EUR_RATE", "7.5")
    assert env_decimal("PROCUREMENT_EUR_RATE", "7.46038") == Decimal("7.5")
    for bad in ("7,5", "-1", "0", "NaN"):
        monkeypatch.setenv("PROCUREMENT_EUR_RATE", bad)
        with pytest.raises(ImproperlyConfigured, match="PROCUREMENT_EUR_RATE"):
            env_decimal("PROCUREMENT_EUR_RATE", "7.46038")
