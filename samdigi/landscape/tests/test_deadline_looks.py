"""The deadlines page looks like what it means: one section per month, each row's urgency as a
marker with its name (never colour alone), a passed notice deadline as "overdue by N days"."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samdigi.core.rules.months import add_months
from samdigi.core.testing import client_for, count_queries
from samdigi.landscape.models import Contract, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor():
    return Vendor.objects.create(name="Nordisk Journal A/S", cvr="29189846")


def _contract(world, vendor, name, expiration, notice_months=3, **kwargs):
    return Contract.objects.create(
        owner=world.own,
        vendor=vendor,
        name=name,
        expiration=expiration,
        notice_months=notice_months,
        option_count=0,
        procurement_form="open",
        **kwargs,
    )


def _sections(html):
    """(heading, section html) per month section of the deadline list."""
    return re.findall(
        r'<section class="deadline-month"[^>]*>\s*<h2[^>]*>([^<]*)</h2>(.*?)</section>', html, re.S
    )


def _row(html, name):
    match = re.search(
        r"<tr class=\"urgency-row[^>]*>(?:(?!</tr>).)*?>" + name + r"</a>.*?</tr>", html, re.S
    )
    assert match, f"no row for {name}"
    return match.group(0)


def test_deadlines_are_grouped_by_month_with_danish_headings(world, vendor):
    today = timezone.localdate()
    first = _contract(world, vendor, "Tidlig", add_months(today, 8))
    later = _contract(world, vendor, "Sen", add_months(today, 14))
    html = client_for(world, "own_viewer").get(reverse("landscape:deadlines")).content.decode()
    sections = _sections(html)
    headings = [heading for heading, _body in sections]
    months = "januar februar marts april maj juni juli august september oktober november december"
    danish = months.split()
    for contract in (first, later):
        day = contract.notice_deadline
        heading = f"{danish[day.month - 1]} {day.year}"
        assert heading in headings
        body = dict(sections)[heading]
        assert contract.name in body
    # Months in date order, each once.
    assert len(headings) == len(set(headings))
    order = [(int(h.split()[1]), danish.index(h.split()[0])) for h in headings]
    assert order == sorted(order)


def test_deadline_month_headings_are_english_in_english(world, vendor):
    today = timezone.localdate()
    contract = _contract(world, vendor, "Tidlig", add_months(today, 8))
    client = client_for(world, "own_viewer")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("landscape:deadlines")).content.decode()
    day = contract.notice_deadline
    assert day.strftime("%B %Y") in [heading for heading, _body in _sections(html)]
    assert re.search(r"\d+ days left", _row(html, "Tidlig"))


def test_a_passed_notice_deadline_is_listed_as_overdue_by_n_days(world, vendor):
    today = timezone.localdate()
    missed = _contract(world, vendor, "Glemt", add_months(today, 2))
    assert missed.notice_deadline < today
    overdue = (today - missed.notice_deadline).days
    html = client_for(world, "own_viewer").get(reverse("landscape:deadlines")).content.decode()
    row = _row(html, "Glemt")
    assert f"overskredet med {overdue} dage" in row
    assert 'data-urgency="overdue"' in row and "Overskredet" in row
    assert "-" + str(overdue) not in re.sub(r"<[^>]+>", "", row)  # never a negative count
    # The warning above the list names it too.
    assert re.search(r'data-testid="warnings">.*?Glemt', html, re.S)


@pytest.mark.parametrize(
    ("days", "danish", "english"),
    [
        (-1, "overskredet med 1 dag", "overdue by 1 day"),
        (-2, "overskredet med 2 dage", "overdue by 2 days"),
        (0, "i dag", "due today"),
        (1, "1 dag tilbage", "1 day left"),
        (45, "45 dage tilbage", "45 days left"),
    ],
)
def test_days_left_read_as_words_in_singular_and_plural(days, danish, english):
    for language, expected in (("da", danish), ("en", english)):
        with translation.override(language):
            text = render_to_string("landscape/includes/days_left.html", {"days": days})
        assert f">{expected}</span>" in text


def test_each_row_names_its_urgency_band(world, vendor):
    today = timezone.localdate()
    # Notice deadlines about 20, 60 and 200 days ahead (end 3 months after each).
    soon = _contract(world, vendor, "Snart", add_months(today + datetime.timedelta(days=20), 3))
    near = _contract(world, vendor, "Nær", add_months(today + datetime.timedelta(days=60), 3))
    far = _contract(world, vendor, "Fjern", add_months(today + datetime.timedelta(days=200), 3))
    html = client_for(world, "own_viewer").get(reverse("landscape:deadlines")).content.decode()
    for contract, band, label in (
        (soon, "within_30", "Inden for 30 dage"),
        (near, "within_90", "Inden for 90 dage"),
        (far, "later", "Senere"),
    ):
        row = _row(html, contract.name)
        notice = re.search(r"<tr[^>]*>.*?</tr>", row, re.S).group(0)
        assert f'data-urgency="{band}"' in notice and label in notice
        days = (contract.notice_deadline - today).days
        assert f"{days} dage tilbage" in notice


def test_the_deadline_list_costs_the_same_queries_for_one_or_many_contracts(world, vendor):
    today = timezone.localdate()
    client = client_for(world, "own_viewer")
    url = reverse("landscape:deadlines")
    _contract(world, vendor, "K0", add_months(today, 8))
    _contract(world, vendor, "G0", add_months(today, 1))  # overdue notice
    one = count_queries(lambda: client.get(url), world)
    for index in range(1, 12):
        _contract(world, vendor, f"K{index}", add_months(today, 8 + index))
        _contract(world, vendor, f"G{index}", add_months(today, 1))
    assert count_queries(lambda: client.get(url), world) == one


def test_the_contract_page_says_overdue_instead_of_negative_days(world, vendor):
    today = timezone.localdate()
    missed = _contract(world, vendor, "Glemt", add_months(today, 2))
    overdue = (today - missed.notice_deadline).days
    html = client_for(world, "own_viewer").get(missed.get_absolute_url()).content.decode()
    deadlines = re.search(r'data-testid="deadlines".*?</table>', html, re.S).group(0)
    assert f"overskredet med {overdue} dage" in deadlines
    assert f">-{overdue}<" not in deadlines
