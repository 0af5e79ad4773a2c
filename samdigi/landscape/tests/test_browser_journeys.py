"""In a real browser, through the demo, as its users would:

- every list page is sorted, paged and filtered through htmx (the table is swapped, the page is not
  reloaded, the address follows);
- an export after filtering holds only the filtered rows, in the order shown;
- a municipality admin re-imports a full export of the contracts: the other municipalities' rows
  are skipped as unchanged, not refused;
- axe-core (from npm, injected by the test only) finds no serious or critical accessibility
  violation on the main pages, anonymous and logged in, in Danish;
- the language button switches the interface.

Seeding the demo takes most of the time, and the live server's transactional database is emptied
after every test, so the journeys through the demo share one test (as subtests) and one browser.
"""

import csv
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from samdigi.core.browser import chromium_page, run_axe
from samdigi.core.tests.test_list_partials import LIST_URLS
from samdigi.landscape.models import Contract, LeadTime, ReminderSubscription
from samdigi.organizations.models import Association, Municipality
from samdigi.portfolio.models import Project
from samdigi.portfolio.public import published_projects
from samdigi.procurement.models import Tender
from samdigi.procurement.public import published_tenders

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The smallest page size offered, so that more lists have a second page in the demo.
PER_PAGE = 25
# A search no record matches: filtering by it must empty any table that has rows.
NO_MATCH = {"text": "zzqxw", "search": "zzqxw", "number": "999999"}


@pytest.fixture
def browser_page(live_server):
    with chromium_page(live_server.url) as page:
        yield page


@pytest.fixture
def page(browser_page):
    browser_page.context.clear_cookies()
    browser_page.csp_violations.clear()
    yield browser_page
    assert browser_page.csp_violations == []


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("samdigi-demo")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")


# -- lists ----------------------------------------------------------------------------------------


def table_state(page):
    table = page.locator("#object-table")
    return (table.locator("p.count").inner_text(), table.locator("tbody").inner_text())


def htmx_swap(page, action):
    """Runs `action` and waits until htmx has replaced the table; fails if the page reloaded."""
    page.evaluate(
        "() => { window.journeyMarker = true;"
        " document.getElementById('object-table').dataset.stale = '1'; }"
    )
    action()
    page.wait_for_selector("#object-table:not([data-stale])", timeout=10_000)
    assert page.evaluate("() => window.journeyMarker === true"), "the whole page was reloaded"
    assert page.locator("h1").count() == 1, "the table was replaced by a whole page"
    assert page.locator("#object-table").count() == 1


def wait_for_query(page, pattern):
    page.wait_for_function(
        "pattern => new RegExp(pattern).test(window.location.search)", arg=pattern, timeout=10_000
    )


def sort_by_first_column(page, url):
    link = page.locator("#object-table thead th a").first
    if not link.count():
        return f"{url}: no sortable column"
    label = link.inner_text().strip()
    htmx_swap(page, link.click)
    wait_for_query(page, "sort=")
    sorted_header = page.locator("#object-table thead th[aria-sort]")
    if sorted_header.count() != 1 or sorted_header.inner_text().strip() != label:
        return f"{url}: sorting by {label!r} marked no column as sorted"
    return None


def next_page(page, url):
    """Pages forward when there is a second page; True when it did."""
    link = page.locator("#object-table nav.pagination a[rel=next]")
    if not link.count():
        return False
    before = table_state(page)
    htmx_swap(page, link.click)
    wait_for_query(page, "page=2")
    assert "sort=" in page.url, f"{url}: paging lost the sort order"
    assert "Side 2 af" in page.locator("#object-table nav.pagination").inner_text(), url
    assert table_state(page)[1] != before[1], f"{url}: the second page shows the first page's rows"
    return True


def filter_candidates(page):
    """(parameter, action) pairs, each setting one filter of the list's filter form: a word from
    the first row, each select's first options, then a search that matches nothing."""
    form = page.locator("form.filters")
    candidates = []
    search = form.locator("input[name=q]")
    if search.count():
        first_cell = page.locator("#object-table tbody tr").first.locator("td").first
        words = [w for w in re.split(r"\W+", first_cell.inner_text()) if len(w) >= 3]
        if words:
            candidates.append(("q", lambda: (search.fill(words[0]), search.press("Enter"))))
    selects = form.locator("select")
    for index in range(selects.count()):
        select = selects.nth(index)
        values = [
            v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v
        ]
        for value in values[:2]:
            candidates.append(
                (select.get_attribute("name"), lambda s=select, v=value: s.select_option(v))
            )
    inputs = form.locator("input[type=text], input[type=search], input[type=number]")
    for index in range(inputs.count()):
        field = inputs.nth(index)
        term = NO_MATCH[field.get_attribute("type")]
        candidates.append(
            (field.get_attribute("name"), lambda f=field, t=term: (f.fill(t), f.press("Enter")))
        )
    return candidates


def filter_until_the_table_changes(page, url):
    """Sets filters one at a time (each through htmx) until one changes the rows shown."""
    candidates = filter_candidates(page)
    if not candidates:
        return f"{url}: no filter to try"
    for name, action in candidates:
        before = table_state(page)
        htmx_swap(page, action)
        wait_for_query(page, f"{name}=")
        if table_state(page) != before:
            return None
    return f"{url}: no filter changed the table ({[name for name, _ in candidates]})"


def walk_list(page, url):
    """Sort, page and filter one list; returns (problems, paged)."""
    response = page.goto(f"{url}?per_page={PER_PAGE}")
    assert response.status == 200, url
    if page.locator("#object-table tbody tr td[colspan]").count():
        return [f"{url}: the demo shows this persona no rows"], False
    problems = [sort_by_first_column(page, url)]
    paged = next_page(page, url)
    if page.locator("form.filters").count():
        problems.append(filter_until_the_table_changes(page, url))
    if "per_page=" not in page.url:
        problems.append(f"{url}: the page size was lost")
    return [problem for problem in problems if problem], paged


def add_rows_the_demo_lacks():
    """Lead times and reminder subscriptions are settings the demo leaves empty."""
    association = Association.objects.get(short_name="DFS")
    for procedure, months in (("open", 18), ("restricted", 20)):
        LeadTime.objects.get_or_create(
            association=association, procedure=procedure, defaults={"months": months}
        )
    roskilde = Municipality.objects.get(name="Roskilde")
    for username in ("cio-roskilde", "pm-roskilde"):
        user = get_user_model().objects.get(username=username)
        ReminderSubscription.objects.get_or_create(owner=roskilde, user=user)


def walk_every_list(page):
    add_rows_the_demo_lacks()
    problems, paged = [], set()
    # The secretariat sees the most; reminders are a municipality's own business.
    personas = {"sekretariat": LIST_URLS, "cio-roskilde": ["landscape:remindersubscription_list"]}
    for username, names in personas.items():
        log_in(page, username)
        for name in names:
            if username == "sekretariat" and name == "landscape:remindersubscription_list":
                continue
            found, was_paged = walk_list(page, reverse(name))
            problems += found
            if was_paged:
                paged.add(reverse(name))
    assert problems == [], "\n".join(problems)
    # The demo is large enough that the main lists have more than one page.
    assert {"/contracts/", "/municipalities/", "/usages/"} <= paged, paged


# -- export and import ----------------------------------------------------------------------------


def download(page, testid):
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    return info.value


def export_after_filtering(page):
    log_in(page, "cio-roskilde")
    user = get_user_model().objects.get(username="cio-roskilde")
    page.goto("/contracts/")
    owner = page.locator("form.filters select[name=owner]")
    htmx_swap(page, lambda: owner.select_option(label="Roskilde"))
    wait_for_query(page, "owner=")
    htmx_swap(page, page.locator("#object-table thead th a").first.click)
    wait_for_query(page, "sort=")
    names_shown = page.locator("#object-table tbody tr td:first-child").all_inner_texts()

    with open(download(page, "export-csv").path(), encoding="utf-8-sig") as exported:
        header, *rows = list(csv.reader(exported, delimiter=";"))
    municipality = [label.lower() for label in header].index("kommune")
    expected = Contract.objects.visible_to(user).filter(owner__name="Roskilde").count()
    assert len(rows) == len(names_shown) == expected
    assert {row[municipality] for row in rows} == {"Roskilde"}
    assert [row[0] for row in rows] == [name.strip() for name in names_shown]


def reimport_a_full_export(page, tmp_path):
    log_in(page, "cio-roskilde")
    user = get_user_model().objects.get(username="cio-roskilde")
    visible = Contract.objects.visible_to(user)
    not_editable = visible.exclude(pk__in=Contract.objects.editable_by(user)).count()
    assert not_editable > 0, "the demo shows Roskilde no other municipality's contract"

    page.goto("/contracts/")
    workbook = tmp_path / "kontrakter.xlsx"
    download(page, "export-xlsx").save_as(workbook)
    sheet = openpyxl.load_workbook(workbook, read_only=True).active
    assert sum(1 for _row in sheet.iter_rows(min_row=2)) == visible.count()

    before = set(Contract.objects.values_list("pk", "version"))
    page.goto("/import/")
    page.locator("#id_kind").select_option("contracts")
    page.locator("#id_file").set_input_files(str(workbook))
    page.get_by_test_id("import-check").click()
    page.wait_for_selector("#result-heading")
    problems = page.get_by_test_id("import-problems")
    assert not problems.count(), problems.inner_text()
    skipped = page.get_by_test_id("import-skipped").inner_text()
    assert skipped.startswith(f"{not_editable} "), skipped

    page.get_by_test_id("import-confirm").click()
    page.wait_for_selector(".messages .message.success")
    assert not page.locator(".errors, .messages .message.error").count()
    # "Imported: 0 created, 0 changed, N unchanged, M skipped (not yours to change)."
    counts = [int(n) for n in re.findall(r"\d+", page.locator(".messages").inner_text())]
    assert counts == [0, 0, visible.count() - not_editable, not_editable], counts
    assert set(Contract.objects.values_list("pk", "version")) == before


# -- accessibility --------------------------------------------------------------------------------

PUBLIC_PAGES = ("/", "/public/", "/public/projects/", "/public/tenders/")
# Lists at their smallest page size: more rows add time, not new markup.
MAIN_PAGES = (
    "/",
    "/associations/",
    "/municipalities/?per_page=25",
    "/systems/?per_page=25",
    "/contracts/?per_page=25",
    "/contracts/add/",
    "/deadlines/",
    "/tenders/",
    "/tenders/opportunities/",
    "/projects/",
    "/projects/timeline/",
    "/import/",
)

BROKEN_REFERENCES = """() => Array.from(
    document.querySelectorAll("[aria-describedby], [aria-labelledby], [aria-controls]")
).flatMap((element) => ["aria-describedby", "aria-labelledby", "aria-controls"].flatMap(
    (attribute) => (element.getAttribute(attribute) || "").split(/\\s+/).filter(
        (id) => id && !document.getElementById(id)
    ).map((id) => `${element.id || element.tagName}: ${attribute}=${id}`)
))"""


def scan(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert page.locator("html").get_attribute("lang") == "da", url
    # axe leaves a reference to a missing element "to review"; it is simply broken.
    broken = [f"{url}: {reference}" for reference in page.evaluate(BROKEN_REFERENCES)]
    return run_axe(page) + broken


def scan_main_pages(page):
    contract = Contract.objects.filter(owner__name="Roskilde").order_by("pk").first()
    details = [
        contract.get_absolute_url(),
        Tender.objects.order_by("pk").first().get_absolute_url(),
        Project.objects.order_by("pk").first().get_absolute_url(),
    ]
    public_details = [
        reverse("portfolio:public_project", args=[published_projects().first().pk]),
        reverse("procurement:public_tender", args=[published_tenders().first().pk]),
    ]
    page.context.clear_cookies()
    violations = []
    for url in [*PUBLIC_PAGES, *public_details]:
        violations += scan(page, url)
    log_in(page, "cio-roskilde")
    for url in [*MAIN_PAGES, *details]:
        violations += scan(page, url)
    assert violations == [], "\n".join(violations)


def test_journeys_through_the_demo(page, settings, subtests, tmp_path):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with subtests.test("no serious or critical axe violation on the main pages"):
        scan_main_pages(page)
    with subtests.test("export after filtering"):
        export_after_filtering(page)
    with subtests.test("re-import of a full export as a municipality admin"):
        reimport_a_full_export(page, tmp_path)
    with subtests.test("every list sorts, pages and filters through htmx"):
        walk_every_list(page)


def test_axe_reports_what_it_should(page):
    """The scan is not vacuous: a picture without a text and an empty link are caught."""
    page.goto("/public/")
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/x.png"><a href="/"></a>\')'
    )
    found = "\n".join(run_axe(page))
    assert "image-alt" in found and "link-name" in found


def test_the_language_button_switches_the_interface(page):
    page.goto("/public/")
    danish = page.locator("h1").inner_text()
    assert danish != "What the associations publish"
    page.get_by_test_id("language-en").click()
    page.wait_for_selector("html[lang=en]")
    assert "/public/" in page.url, "switching language left the page"
    assert page.locator("h1").inner_text() == "What the associations publish"
    page.goto("/accounts/login/")
    assert page.get_by_role("button", name="Log in").is_visible()
    page.get_by_test_id("language-da").click()
    page.wait_for_selector("html[lang=da]")
    assert page.get_by_role("button", name="Log ind").is_visible()
    page.goto("/public/")
    assert page.locator("h1").inner_text() == danish
