"""Operations: a database outage answers 503 and heals itself, the production start works in one
command, the login lock-out keys on the real client behind the proxy, and answers that depend on
the user are never cached."""

import contextlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from samdigi.conftest import in_ci
from samdigi.core.client_address import client_address

ROOT = Path(__file__).resolve().parents[3]
PG_CTL = os.environ.get("SAMDIGI_PG_CTL")
PG_DATA = os.environ.get("SAMDIGI_PG_DATA")


# --- database outage: the middleware on any database ------------------------------------------


@pytest.mark.urls("samdigi.core.tests.outage_urls")
def test_a_view_that_loses_the_database_answers_503_with_retry_after(db):
    client = Client(raise_request_exception=False)
    page = client.get("/outage/")
    assert page.status_code == 503
    assert int(page["Retry-After"]) > 0
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert 'lang="da"' in html and "Prøv igen om et øjeblik" in html

    api = client.get("/api/v1/outage/")
    assert api.status_code == 503
    assert int(api["Retry-After"]) > 0
    assert api["Content-Type"].startswith("application/json")
    assert "database" in api.json()["detail"]


@pytest.mark.urls("samdigi.core.tests.outage_urls")
def test_the_outage_page_follows_the_chosen_language(db):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    html = client.get("/outage/").content.decode()
    assert 'lang="en"' in html and "Please try again in a moment" in html


@pytest.mark.urls("samdigi.core.tests.outage_urls")
def test_other_errors_still_answer_500(db):
    for url in ("/bug/", "/missing-table/"):
        response = Client(raise_request_exception=False).get(url)
        assert response.status_code == 500, url
        assert "Retry-After" not in response


def test_losing_the_database_while_loading_the_session_answers_503(world, monkeypatch):
    # The first query of a signed-in request is the session lookup in a middleware, outside any
    # view: that path must give 503 too, on pages and API alike.
    client = Client(raise_request_exception=False)
    client.force_login(world.user("own_viewer"))

    def unreachable(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", unreachable)
    for url in (reverse("home"), "/api/v1/units/"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"]


def _settings_with(expression, **env):
    """A setting as settings.py reads it from the given environment (in a fresh process)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            f"print(repr({expression}))",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samdigi.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_database_connections_are_health_checked_and_kept_on_postgresql():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    database = "settings.DATABASES['default']"
    postgres = "postgresql://u@127.0.0.1:1/x"
    assert (
        _settings_with(f"{database}['CONN_MAX_AGE']", DATABASE_URL=postgres, CONN_MAX_AGE="")
        == "60"
    )
    assert (
        _settings_with(f"{database}['CONN_MAX_AGE']", DATABASE_URL=postgres, CONN_MAX_AGE="5")
        == "5"
    )
    assert _settings_with(f"{database}['CONN_HEALTH_CHECKS']", DATABASE_URL=postgres) == "True"


def test_smtp_is_configured_from_the_environment():
    smtp = {"EMAIL_HOST": "smtp.example.dk", "EMAIL_HOST_USER": "samdigi", "EMAIL_PORT": "2525"}
    expression = "(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)"
    assert _settings_with(expression, **smtp) == repr(
        ("django.core.mail.backends.smtp.EmailBackend", "smtp.example.dk", 2525, "samdigi")
    )
    assert "console" in _settings_with("settings.EMAIL_BACKEND", EMAIL_HOST="")


# --- database outage: a real PostgreSQL restart under a live server ----------------------------


def _postgres_leg_in_ci() -> bool:
    return in_ci() and os.environ.get("DATABASE_URL", "").startswith("postgres")


def _pg_ctl(*args, check=True):
    command = [PG_CTL, "-D", PG_DATA, "-l", str(Path(PG_DATA).parent / "server.log"), *args]
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root; scripts/with_postgres.py runs it as `postgres`.
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=check, stdout=subprocess.DEVNULL, timeout=90)


def _get(base_url, path, headers, method="GET", body=None):
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.mark.skipif(
    not (PG_CTL and PG_DATA) and not _postgres_leg_in_ci(),
    reason="needs the throwaway cluster of scripts/with_postgres.py (SAMDIGI_PG_CTL, "
    "SAMDIGI_PG_DATA); the PostgreSQL leg of `make test` runs it",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_postgresql_restart_answers_503_loses_nothing_and_recovers(live_server, world, mode):
    if not (PG_CTL and PG_DATA):
        pytest.fail(
            "CI on PostgreSQL must restart its database: run pytest through "
            "scripts/with_postgres.py, which sets SAMDIGI_PG_CTL and SAMDIGI_PG_DATA"
        )
    assert connection.vendor == "postgresql"
    from rest_framework.authtoken.models import Token

    from samdigi.organizations.models import Unit

    token = Token.objects.create(user=world.user("own_admin")).key
    session = Client()
    session.force_login(world.user("own_admin"))
    page_headers = {"Cookie": f"sessionid={session.cookies['sessionid'].value}"}
    api_headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    acknowledged = []
    for number in range(5):
        body = json.dumps({"owner": world.own.pk, "name": f"Enhed {mode} {number}"})
        status, _headers, content = _get(
            live_server.url, "/api/v1/units/", api_headers, "POST", body
        )
        assert status == 201, content
        acknowledged.append(json.loads(content)["id"])
    if mode == "immediate":
        # with_postgres.py runs with synchronous_commit=off: give the WAL writer its 3 × 200 ms
        # to write what was acknowledged, as a crash-safe server would have done at commit.
        time.sleep(1)

    seen = []
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            for path, headers in (("/", page_headers), ("/api/v1/units/", api_headers)):
                try:
                    seen.append((path, _get(live_server.url, path, headers)[0]))
                except OSError as error:  # the live server itself must keep answering
                    seen.append((path, repr(error)))

    worker = threading.Thread(target=hammer, daemon=True)
    worker.start()
    try:
        time.sleep(0.3)
        _pg_ctl("-m", mode, "-w", "stop")
        down_page = _get(live_server.url, "/", page_headers)
        down_api = _get(live_server.url, "/api/v1/units/", api_headers)
        down_write = _get(
            live_server.url,
            "/api/v1/units/",
            api_headers,
            "POST",
            json.dumps({"owner": world.own.pk, "name": "Aldrig gemt"}),
        )
    finally:
        # The rest of the suite needs its database back, whatever happened above.
        if _pg_ctl("status", check=False).returncode != 0:
            _pg_ctl("-w", "-t", "60", "start")
        connections.close_all()  # this thread's connection died with the server

    assert down_page[0] == 503 and down_page[1]["Retry-After"]
    assert "text/html" in down_page[1]["Content-Type"]
    assert down_api[0] == 503 and down_api[1]["Retry-After"]
    assert "detail" in json.loads(down_api[2])
    assert down_write[0] == 503

    # The site heals itself: no restart of the application, no manual step.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _get(live_server.url, "/api/v1/units/", api_headers)[0] == 200:
            break
        time.sleep(0.2)
    time.sleep(0.5)
    stop.set()
    worker.join(timeout=30)

    assert _get(live_server.url, "/", page_headers)[0] == 200
    statuses = {status for _path, status in seen}
    assert statuses <= {200, 503}, seen
    assert 503 in statuses
    assert seen[-1][1] == 200
    # Acknowledged before the restart: still there. Refused during it: never written.
    assert set(Unit.objects.filter(pk__in=acknowledged).values_list("pk", flat=True)) == set(
        acknowledged
    )
    assert not Unit.objects.filter(name="Aldrig gemt").exists()


# --- the production start ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_production_start_serves_pages_and_static_files_with_debug_off(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SAMDIGI_PG")) and key != "CONN_MAX_AGE"
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="production-test-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        PYTHON=sys.executable,
    )
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        ["scripts/serve_production.sh"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # As behind the documented TLS-terminating proxy: otherwise every page redirects to https.
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    try:
        deadline = time.monotonic() + 240
        login = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                login = _get(f"http://127.0.0.1:{port}", "/accounts/login/", headers)
                break
            except OSError:
                time.sleep(0.5)
        assert login is not None, (tmp_path / "server.log").read_text()
        status, _headers, body = login
        html = body.decode()
        assert status == 200, html
        assert "Log ind" in html
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
        # Hashed by the manifest storage, so it may be cached for ever.
        assert re.search(r"samdigi\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
        css_status, css_headers, css = _get(
            f"http://127.0.0.1:{port}", stylesheet, {**headers, "Cookie": "sessionid=abc"}
        )
        assert css_status == 200 and css
        assert "no-store" not in css_headers.get("Cache-Control", "")
        assert "max-age" in css_headers.get("Cache-Control", "")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, 15)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait(timeout=30)
        log.close()


# --- login lock-out behind the reverse proxy ---------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.9", None, 0, "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", 0, "203.0.113.9"),  # no proxy: the header is forged
        ("10.0.0.1", "198.51.100.1", 1, "198.51.100.1"),
        ("10.0.0.1", "6.6.6.6, 198.51.100.1", 1, "198.51.100.1"),  # forged left-most entry
        ("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.1", 2, "198.51.100.1"),
        ("10.0.0.1", "2001:db8::1", 1, "2001:db8::1"),
        ("10.0.0.1", None, 1, "10.0.0.1"),
        ("10.0.0.1", "not-an-address", 1, "10.0.0.1"),
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(remote, forwarded, proxies, expected):
    assert client_address(remote, forwarded, proxies) == expected


def _fail_logins(client, username, forwarded_for, times):
    for _attempt in range(times):
        client.post(
            reverse("login"),
            {"username": username, "password": "forkert"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )


def test_one_attackers_failures_behind_the_proxy_do_not_lock_out_the_real_user(
    db, django_user_model, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("offer", "o@example.dk", "rigtigt-kodeord")
    _fail_logins(Client(), "offer", "203.0.113.66", 6)

    attacker = Client()
    locked = attacker.post(
        reverse("login"),
        {"username": "offer", "password": "rigtigt-kodeord"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.66",  # forging a new address does not help
    )
    assert locked.status_code == 429

    user = Client()
    response = user.post(
        reverse("login"),
        {"username": "offer", "password": "rigtigt-kodeord"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert user.session["_auth_user_id"]


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_lock(
    db, django_user_model, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    django_user_model.objects.create_user("offer", "o@example.dk", "rigtigt-kodeord")
    for number in range(6):
        _fail_logins(Client(), "offer", f"198.51.100.{number}", 1)
    response = Client().post(
        reverse("login"),
        {"username": "offer", "password": "rigtigt-kodeord"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert response.status_code == 429


# --- no caching of what depends on the user ----------------------------------------------------


def _no_store(response) -> bool:
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and not directives & {"public", "max-age"}


def test_signed_in_pages_and_api_answers_are_private_and_not_stored(world):
    from samdigi.core.testing import client_for

    client = client_for(world, "own_viewer")
    for url in (reverse("home"), reverse("public"), "/api/v1/units/", reverse("profile")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))


def test_token_authenticated_api_answers_are_private_and_not_stored(world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.user("own_viewer"))
    response = Client().get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert _no_store(response)
    refused = Client().get("/api/v1/units/", HTTP_AUTHORIZATION="Token wrong")
    assert refused.status_code == 401
    assert _no_store(refused)


def test_anonymous_public_pages_stay_cacheable(db):
    for url in (reverse("public"), "/api/v1/ocds/releases/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url


def test_an_answer_that_varies_on_the_cookie_sent_is_not_stored(db):
    # A signed-out browser still sends its session cookie; the page varies on it, so no cache
    # may keep it for the next person behind the same proxy.
    client = Client()
    client.cookies["sessionid"] = "expired-or-signed-out"
    response = client.get(reverse("public"))
    assert "Cookie" in response["Vary"]
    assert _no_store(response)
