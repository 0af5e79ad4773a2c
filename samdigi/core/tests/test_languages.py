"""Danish pages speak Danish and English pages English: the main pages of the demo, rendered in
each language, carry no words of the other language outside the data (names, titles) users
typed; dates and quarters follow the language; the API answers in the language asked for."""

import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from samdigi.core.history import acting_as
from samdigi.core.quarters import quarter_label

# Words that give the other language away; case-sensitive, whole words.
ENGLISH_WORDS = [
    "Contract",
    "Contracts",
    "contract",
    "Deadline",
    "Deadlines",
    "deadline",
    "Project",
    "Projects",
    "project",
    "Tender",
    "Tenders",
    "tender",
    "Municipality",
    "municipality",
    "Overview",
    "History",
    "the",
    "with",
    "which",
    "days",
    "month",
]
DANISH_WORDS = [
    "Kontrakt",
    "Kontrakter",
    "kontrakt",
    "kontrakten",
    "Frist",
    "Frister",
    "frist",
    "Projekt",
    "Projekter",
    "projekt",
    "kommune",
    "Kommune",
    "Overblik",
    "Historik",
    "og",
    "ikke",
    "dage",
    "måneder",
]

# Danish law's names and terms ("offentligt udbud", "lov om Klagenævnet for Udbud") are cited in
# Danish in English too, so "udbud" is not on the list.

# Text in which the other language is right: the language switch names each language in itself.
ALLOWED = {"Dansk", "English"}


class _Text(HTMLParser):
    """The page's text nodes and the texts people read out of attributes, without scripts."""

    def __init__(self):
        super().__init__()
        self.texts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "code", "pre"}:
            self._skip += 1
        for name, value in attrs:
            if name in {"title", "aria-label", "placeholder", "alt"} and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "code", "pre"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def _data_values() -> set[str]:
    """Every text users or the demo typed in (names, titles, descriptions): they are data, in
    whatever language they were written, not interface."""
    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith("samdigi."):
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            values.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) > 2)
    for user in get_user_model().objects.all():
        values.update(
            v for v in (user.get_full_name(), user.username, user.email) if v and len(v) > 2
        )
    return values


def foreign_words(html: str, words, data_values) -> list[str]:
    """The other language's words on the page, each with the text it stands in."""
    parser = _Text()
    parser.feed(html)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")
    found = []
    for text in parser.texts:
        if text in ALLOWED or not pattern.search(text):
            continue
        # Data may contain the word ("Kontraktstyring" is a system's name): take it out first.
        rest = text
        if rest.endswith("…") and any(v.startswith(rest[:-1]) for v in data_values):
            continue  # a shortened name
        for value in sorted((v for v in data_values if v in rest), key=len, reverse=True):
            rest = rest.replace(value, " ")
        match = pattern.search(rest)
        if match:
            found.append(f"{match.group(1)!r} in {text[:160]!r}")
    return found


def _main_pages():
    from samdigi.landscape.models import Contract
    from samdigi.portfolio.models import Project, Risk, StatusReport
    from samdigi.procurement.models import Tender

    project = Project.objects.filter(kind="joint").order_by("pk").first()
    contract = Contract.objects.order_by("pk").first()
    tender = Tender.objects.order_by("pk").first()
    report = StatusReport.objects.exclude(cost_reason="").order_by("pk").first()
    risk = Risk.objects.order_by("pk").first()
    return [
        reverse("home"),
        reverse("landscape:deadlines"),
        reverse("landscape:contract_list"),
        contract.get_absolute_url(),
        reverse("landscape:contract_tab", args=[contract.pk, "history"]),
        reverse("landscape:itsystem_list"),
        reverse("portfolio:project_list"),
        project.get_absolute_url(),
        reverse("portfolio:project_tab", args=[project.pk, "history"]),
        reverse("portfolio:timeline"),
        reverse("portfolio:risk_list"),
        risk.get_absolute_url(),
        report.get_absolute_url(),
        reverse("portfolio:steeringmeeting_list"),
        reverse("procurement:tender_list"),
        tender.get_absolute_url(),
        reverse("procurement:pipeline"),
        reverse("procurement:opportunities"),
        reverse("procurement:threshold_list"),
    ]


@pytest.fixture
def demo(db):
    from samdigi.core.demo import run_seeders
    from samdigi.organizations.management.commands.seed_demo import seed_organizations

    with acting_as(None):
        seed_organizations()
        run_seeders(io.StringIO())


def _client(language):
    client = Client()
    client.force_login(get_user_model().objects.get(username="sekretariat"))
    client.cookies["django_language"] = language
    return client


def test_main_pages_carry_no_words_of_the_other_language(demo):
    data_values = _data_values()
    pages = _main_pages()
    problems = []
    for language, words in (("da", ENGLISH_WORDS), ("en", DANISH_WORDS)):
        client = _client(language)
        for url in pages:
            try:
                response = client.get(url)
            except Exception as error:  # noqa: BLE001 - name the page, go on with the others
                problems.append(f"{language} {url}: {error!r}")
                continue
            if response.status_code != 200 or response["Content-Language"] != language:
                problems.append(f"{language} {url}: {response.status_code}")
                continue
            if url == reverse("procurement:pipeline"):
                quarter = r"K[1-4] 20\d\d" if language == "da" else r"Q[1-4] 20\d\d"
                if not re.search(quarter, response.content.decode()):
                    problems.append(f"{language} {url}: no quarter written as {quarter}")
            problems += [
                f"{language} {url}: {word}"
                for word in foreign_words(response.content.decode(), words, data_values)
            ]
    assert not problems, "\n".join(problems)


def test_the_scan_finds_a_word_of_the_other_language():
    html = "<main><h1>Kontrakter</h1><p>Contract ends</p><td>Contract Manager Pro</td></main>"
    assert foreign_words(html, ENGLISH_WORDS, {"Contract Manager Pro"}) == [
        "'Contract' in 'Contract ends'"
    ]
    assert foreign_words("<p>Kontrakt</p>", DANISH_WORDS, set()) == ["'Kontrakt' in 'Kontrakt'"]


def test_quarters_and_dates_follow_the_language():
    day = datetime.date(2026, 11, 30)
    with translation.override("da"):
        assert quarter_label(day) == "K4 2026"
        assert quarter_label((2027, 1)) == "K1 2027"
    with translation.override("en"):
        assert quarter_label(day) == "Q4 2026"
        from django.utils import formats

        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "30/11/2026"
        assert formats.date_format(day) == "30 November 2026"
