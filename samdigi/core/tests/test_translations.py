"""Danish first: every message in every catalogue has a Danish translation."""

import importlib
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.functional import Promise

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


# --- templates: no literal text outside {% translate %} ------------------------------------------

TEMPLATES = sorted(
    path
    for pattern in ("*/templates/**/*.html", "*/templates/**/*.txt")
    for path in SAMDIGI.glob(pattern)
)
_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_LETTERS = re.compile(r"[A-Za-zÆØÅæøåÉé]{2,}")
# Literal text that is the same in every language: the product's name, currency codes, the
# language switch (each language named in itself), an e-mail address's brackets, an API path.
TEMPLATE_ALLOWLIST = {
    "samdigi",
    "Dansk",
    "English",
    "EUR",
    "DKK",
    "&lt;",
    "&gt;",
    "/api/v1/ocds/releases/",
}


def untranslated_template_text(source: str) -> list[str]:
    """Literal text with letters outside template tags and translate blocks: text nodes, and
    the attributes people read (title, aria-label, placeholder, alt)."""
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    source = re.sub(
        r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", " ", source, flags=re.S
    )
    source = re.sub(r"<(script|style|pre|code)\b.*?</\1>", " ", source, flags=re.S | re.I)
    source = re.sub(r"<!--.*?-->", " ", source, flags=re.S)
    source = _TAG.sub(" ", source)
    found = [
        m.group(2).strip()
        for m in re.finditer(r"\b(title|aria-label|placeholder|alt)=\"([^\"]*)\"", source)
    ]
    text = re.sub(r"<[^>]*>", " ", source)
    found += [chunk.strip() for chunk in re.split(r"\s{2,}|\n", text)]
    return [
        chunk
        for chunk in found
        if _LETTERS.search(" ".join(w for w in chunk.split() if w not in TEMPLATE_ALLOWLIST))
        and not all(w in TEMPLATE_ALLOWLIST or not _LETTERS.search(w) for w in chunk.split())
    ]


def test_the_template_scan_finds_literal_text():
    source = (
        '<h1>{% translate "Contracts" %}</h1><p title="Edit">Deadline</p>'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}<span>samdigi · 42</span>"
    )
    assert untranslated_template_text(source) == ["Edit", "Deadline"]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SAMDIGI)))
def test_templates_have_no_untranslated_text(path):
    assert untranslated_template_text(path.read_text(encoding="utf-8")) == []


# --- models, forms, filters: every label goes through gettext ----------------------------------


def _is_translatable(text) -> bool:
    return isinstance(text, Promise) or text in ("", None)


# Rows no page shows as a record (bookkeeping of reminders sent, calendar secrets, staged
# imports), generic-relation keys, and fields whose label no page shows: no label to translate.
INTERNAL_MODELS = {"landscape.SentReminder", "landscape.CalendarFeed", "landscape.StagedImport"}
INTERNAL_FIELDS = {
    "core.ChangeRecord.content_type",
    "core.ChangeRecord.object_id",
    "core.Attachment.content_type",
    "core.Attachment.object_id",
    "core.Attachment.uploaded_by",
}
# Choices that are proper names, the same in every language (the five regions).
PROPER_NAME_CHOICES = {"organizations.Municipality.region", "MunicipalityFilterSet.region"}


def _samdigi_models():
    from django.apps import apps

    return [m for m in apps.get_models() if m.__module__.startswith("samdigi.")]


def test_model_names_field_names_and_choices_are_translated():
    untranslated = []
    for model in _samdigi_models():
        opts = model._meta
        if opts.label in INTERNAL_MODELS:
            continue
        for name in ("verbose_name", "verbose_name_plural"):
            if not isinstance(opts.original_attrs.get(name), Promise):
                untranslated.append(f"{opts.label}.Meta.{name}")
        for field in opts.get_fields(include_hidden=False):
            where = f"{opts.label}.{field.name}"
            if field.auto_created or not hasattr(field, "verbose_name") or where in INTERNAL_FIELDS:
                continue
            if not isinstance(field.verbose_name, Promise):
                untranslated.append(f"{opts.label}.{field.name}: {field.verbose_name!r}")
            if not _is_translatable(getattr(field, "help_text", "")):
                untranslated.append(f"{opts.label}.{field.name} help_text")
            if where in PROPER_NAME_CHOICES:
                continue
            for _value, label in field.flatchoices if field.choices else ():
                if not isinstance(label, Promise):
                    untranslated.append(f"{opts.label}.{field.name} choice {label!r}")
    assert not untranslated, "\n".join(untranslated)


def _classes_in(module_suffix, base):
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("samdigi."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.{module_suffix}")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, base)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def test_form_labels_and_help_texts_are_translated():
    from django import forms

    untranslated = []
    for form_class in _classes_in("forms", forms.BaseForm):
        for name, field in getattr(form_class, "base_fields", {}).items():
            for attr in ("label", "help_text"):
                if not _is_translatable(getattr(field, attr, None)):
                    untranslated.append(f"{form_class.__qualname__}.{name}.{attr}")
            if isinstance(field, forms.ModelChoiceField):
                continue  # records, named by their data
            for _value, label in getattr(field, "choices", None) or ():
                literal = isinstance(label, str) and not isinstance(label, Promise)
                if literal and _LETTERS.search(label) and label[:1] != "-":
                    untranslated.append(f"{form_class.__qualname__}.{name} choice {label!r}")
    assert not untranslated, "\n".join(untranslated)


def test_filter_labels_are_translated():
    import django_filters

    untranslated = []
    for filterset in _classes_in("filters", django_filters.FilterSet):
        for name, declared in filterset.declared_filters.items():
            label = declared.extra.get(
                "label", declared._label if hasattr(declared, "_label") else None
            )
            if not _is_translatable(label):
                untranslated.append(f"{filterset.__qualname__}.{name}: {label!r}")
            if f"{filterset.__name__}.{name}" in PROPER_NAME_CHOICES:
                continue
            for _value, choice in declared.extra.get("choices") or ():
                if isinstance(choice, str) and not isinstance(choice, Promise):
                    untranslated.append(f"{filterset.__qualname__}.{name} choice {choice!r}")
    assert not untranslated, "\n".join(untranslated)


# --- pure-module messages: each has a Danish text ---------------------------------------------


def _message_catalogue():
    from samdigi.landscape import explanations
    from samdigi.portfolio import status_texts
    from samdigi.portfolio.models import PHASE_LABELS
    from samdigi.procurement import rule_texts

    return {
        **{f"rule_texts.step.{k}": v for k, v in rule_texts.STEP_TEXTS.items()},
        **{f"rule_texts.day.{k}": v for k, v in rule_texts.NOTE_DAYS.items()},
        **{f"status.{k}": v for k, v in status_texts.TEXTS.items()},
        **{f"deadlines.{k}": v for k, v in explanations.TEXTS.items()},
        **{f"deadlines.period.{k}": v for k, v in explanations.PERIOD_NAMES.items()},
        **{f"deadlines.error.{k}": v for k, v in explanations.DATE_ERRORS.items()},
        **{f"phase.{k}": v for k, v in PHASE_LABELS.items()},
    }


def test_every_rule_message_has_a_danish_text():
    catalogue = _message_catalogue()
    assert len(catalogue) > 30
    untranslated = []
    for key, message in catalogue.items():
        with translation.override("en"):
            english = str(message)
        with translation.override("da"):
            danish = str(message)
        if danish == english:
            untranslated.append(f"{key}: {english!r}")
    assert not untranslated, "\n".join(untranslated)


def test_rule_texts_render_in_both_languages():
    import datetime
    from decimal import Decimal

    from samdigi.portfolio.rules import status
    from samdigi.portfolio.status_texts import reason_text

    cost = status.cost_light(Decimal("1000000"), Decimal("1100000.01"))
    schedule = status.schedule_light(datetime.date(2025, 1, 31), datetime.date(2025, 2, 28))
    with translation.override("da"):
        assert reason_text(cost.rule, cost.params) == (
            "Prognosen 1.100.000,01 kr. overstiger basisbudgettet på 1.000.000,00 kr. med "
            "100.000,01 kr. (10,01 % af basisbudgettet), mere end 10 % af basisbudgettet."
        )
        assert "28. februar 2025" not in reason_text(schedule.rule, schedule.params)
        assert "28.02.2025" in reason_text(schedule.rule, schedule.params)
        assert "28 dage" in reason_text(schedule.rule, schedule.params)
    with translation.override("en"):
        assert reason_text(cost.rule, cost.params) == cost.reason.replace("2025-", "")
        assert reason_text(schedule.rule, schedule.params) == (
            "Forecast end 28/02/2025 against baseline end 31/01/2025: 28 days late, "
            "at least 1 month and at most 3 months."
        )
