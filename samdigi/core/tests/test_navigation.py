"""The navigation registry, the menu it renders, and the error pages. No domain app is imported:
the domain's entries are reached through the registry and their URLs only."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from samdigi.core import navigation
from samdigi.core.access import scope_for
from samdigi.core.crawl import crawl, nav_links
from samdigi.core.navigation import Importer, MenuGroup, MenuItem, Registry

pytestmark = pytest.mark.django_db

BASE_TEMPLATE = Path(navigation.__file__).parent / "templates" / "core" / "base.html"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.dk", "pw-root")


@pytest.fixture
def plain_user(db):
    return get_user_model().objects.create_user("plain", "plain@example.dk", "pw-plain")


def small_registry():
    registry = Registry()
    registry.register(
        MenuGroup(
            "account",
            "Account",
            (
                MenuItem("Profile", "profile"),
                MenuItem("Password", "password_change", match=("/accounts/password/done/",)),
                MenuItem("Staff", "public", permission=navigation.staff_only),
            ),
            weight=20,
        )
    )
    registry.register(
        MenuGroup(
            "first",
            "First",
            (
                MenuItem(
                    "Expanded",
                    "swagger-ui",
                    expand=lambda user, scope: [("One", {}), ("Two", {})],
                ),
            ),
            weight=10,
        )
    )
    registry.register(MenuGroup("hidden", "Hidden", (MenuItem("Gone", "no-such-url"),)))
    return registry


# --- the registry, unit by unit ---------------------------------------------------------------


def test_groups_come_in_weight_order_and_hide_what_the_user_may_not_see(plain_user):
    sections = small_registry().sections(plain_user, "/")
    assert [section.key for section in sections] == ["first", "account"]
    account = sections[1]
    assert [link.label for link in account.links] == ["Profile", "Password"]
    assert account.url == "/me/"  # a group links to its first visible item
    # An item that expands gives one link per target; a URL that does not exist gives none.
    assert [link.label for link in sections[0].links] == ["One", "Two"]


def test_the_page_is_current_and_its_section_too(plain_user):
    sections = small_registry().sections(plain_user, "/accounts/password/")
    account = sections[1]
    assert account.current == "true"
    assert [link.current for link in account.links] == ["", "page"]
    # A page below an item (or named in its `match`) marks the item and section as "true".
    sections = small_registry().sections(plain_user, "/accounts/password/done/")
    assert [link.current for link in sections[1].links] == ["", "true"]
    sections = small_registry().sections(plain_user, "/me/")
    assert sections[1].current == "page" and sections[1].links[0].current == "page"
    assert all(not section.current for section in small_registry().sections(plain_user, "/"))


def test_the_longest_matching_url_wins():
    registry = Registry()
    registry.register(
        MenuGroup("a", "A", (MenuItem("Accounts", "password_change"), MenuItem("Me", "profile")))
    )
    registry.register(MenuGroup("b", "B", (MenuItem("Done", "password_change_done"),), weight=200))
    user = get_user_model().objects.create_user("u", "u@example.dk", "pw")
    sections = registry.sections(user, "/accounts/password/done/")
    assert sections[0].current == "" and sections[1].current == "page"


def test_nobody_signed_out_gets_a_menu():
    from django.contrib.auth.models import AnonymousUser

    assert small_registry().sections(AnonymousUser(), "/") == []
    assert small_registry().sections(None, "/") == []


def test_a_group_key_is_registered_once():
    registry = small_registry()
    with pytest.raises(ValueError, match="twice"):
        registry.register(MenuGroup("first", "Again", ()))


def test_an_import_link_needs_an_importer_and_the_right_to_edit(plain_user, superuser):
    registry = Registry()
    registry.register_importer(Importer("app.thing", "profile", "things"))
    assert registry.import_url("app.other", superuser) is None
    assert registry.import_url("app.thing", superuser) == "/me/?kind=things"
    assert scope_for(plain_user).editing_owner_ids == frozenset()
    assert registry.import_url("app.thing", plain_user) is None


def test_nav_links_reads_only_the_navigation():
    html = (
        '<a href="/outside/">x</a><nav class="main-nav"><ul><li><a href="/a/" '
        'aria-current="page">A <b>1</b></a></li></ul></nav><nav class="pagination">'
        '<a href="/p/">p</a></nav><nav class="section-nav"><a href="/b/">B</a></nav>'
    )
    links = nav_links(html)
    assert [(link.href, link.text, link.current, link.nav) for link in links] == [
        ("/a/", "A 1", "page", "main-nav"),
        ("/b/", "B", "", "section-nav"),
    ]


# --- the site's own registry and template -----------------------------------------------------


def test_the_base_template_names_no_domain_url():
    source = BASE_TEMPLATE.read_text()
    assert re.findall(r"{% url '(\w+):", source) == []
    assert "{% main_menu" in source


def test_every_app_registered_its_entries_and_every_entry_resolves(superuser):
    keys = [group.key for group in navigation.registry.groups]
    # The domain apps register through their navigation.py modules (autodiscovered).
    assert len(keys) >= 6 and "api" in keys
    for group in navigation.registry.groups:
        for item in group.items:
            if item.expand is None:
                assert reverse(item.url_name, kwargs=item.url_kwargs or None), item.url_name
    sections = navigation.registry.sections(superuser, "/")
    urls = [link.url for section in sections for link in section.links]
    assert len(urls) == len(set(urls)) > 20


def test_a_superuser_reaches_every_menu_page_from_the_front_page(superuser):
    client = Client()
    client.force_login(superuser)
    expected = {
        link.url
        for section in navigation.registry.sections(superuser, "/")
        for link in section.links
    }
    result = crawl(client)
    assert expected <= result.reached, expected - result.reached
    assert {path: status for path, status in result.statuses.items() if status != 200} == {}
    for path, links in result.links.items():
        if path == "/" or not links:
            continue
        # The page is marked in the menu: its own link says aria-current="page", and the main
        # menu marks the section it lies in.
        assert [link.href for link in links if link.current == "page"][-1] == path, path
        assert any(link.current for link in links if link.nav == "main-nav"), path


def test_the_menu_follows_the_language(superuser):
    client = Client()
    client.force_login(superuser)
    danish = {link.text for link in nav_links(client.get("/me/").content.decode())}
    client.cookies["django_language"] = "en"
    english = {link.text for link in nav_links(client.get("/me/").content.decode())}
    assert "API" in danish and "API" in english
    assert danish != english


def test_the_template_tag_marks_the_page_for_the_request(superuser):
    from django.template import Context, Template

    request = RequestFactory().get("/api/docs/")
    request.user = superuser
    html = Template(
        "{% load menu %}{% main_menu as s %}{% for x in s %}{{ x.key }}={{ x.current }};{% endfor %}"
    ).render(Context({"request": request}))
    assert "api=page;" in html


# --- error pages ------------------------------------------------------------------------------


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def page(client, path, language=None):
    if language:
        client.cookies["django_language"] = language
    return client.get(path)


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("da", "Siden findes ikke", "findes ikke, eller du kan ikke se den"),
        ("en", "This page does not exist", "does not exist, or you cannot see it"),
    ],
)
def test_404_is_a_page_in_the_users_language(production, plain_user, language, heading, advice):
    client = Client()
    client.force_login(plain_user)
    response = page(client, "/no-such-page/", language)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert heading in html and advice in html
    assert 'href="/"' in html  # the way back
    assert 'data-testid="main-nav"' in html


@pytest.mark.urls("samdigi.core.tests.error_urls")
@pytest.mark.parametrize(
    ("language", "advice"),
    [
        ("da", "spørg din kommunes administrator"),
        ("en", "ask your municipality's administrator"),
    ],
)
def test_403_says_read_only_and_whom_to_ask(production, plain_user, language, advice):
    client = Client()
    client.force_login(plain_user)
    response = page(client, "/forbidden/", language)
    assert response.status_code == 403
    html = response.content.decode().replace("&#x27;", "'")
    assert f'lang="{language}"' in html
    assert advice in html
    assert 'data-testid="error-403"' in html and 'href="/"' in html


@pytest.mark.urls("samdigi.core.tests.error_urls")
@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("da", "Noget gik galt", "kontakt sekretariatet"),
        ("en", "Something went wrong", "contact the secretariat"),
    ],
)
def test_500_is_standalone_and_in_the_users_language(production, language, heading, advice):
    client = Client(raise_request_exception=False)
    response = page(client, "/bug/", language)
    assert response.status_code == 500
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert heading in html and advice in html
    assert 'href="/"' in html and "core/samdigi.css" in html
    assert "Traceback" not in html


def test_the_500_page_renders_without_a_request_or_database():
    # Django renders 500.html with no context at all; nothing in it may need one.
    from django.template import loader

    with translation.override("en"):
        html = loader.get_template("500.html").render()
    assert "Something went wrong" in html


def test_the_demo_in_debug_mode_shows_the_styled_404_not_the_technical_one(settings, plain_user):
    settings.DEBUG = True
    client = Client()
    client.force_login(plain_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-404"' in html and "Siden findes ikke" in html
    assert "DEBUG = True" not in html
    # The API keeps answering in JSON.
    api = client.get("/api/v1/no-such-endpoint/")
    assert api.status_code == 404 and 'data-testid="error-404"' not in api.content.decode()
