"""Security settings: CSP, throttled logins, production checks, no secret key by default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def test_pages_carry_a_strict_content_security_policy(db):
    response = Client().get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "<script>" not in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


def test_the_login_page_speaks_danish_by_default_whatever_the_browser_says(db):
    html = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="da"' in html
    assert "Log ind" in html


def test_the_language_switch_sets_english(db):
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in html and "Log in to samdigi" in html


def test_repeated_failed_logins_are_locked_out(db, django_user_model):
    django_user_model.objects.create_user("offer", "o@example.dk", "rigtigt-kodeord")
    client = Client()
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "offer", "password": "forkert"})
    response = client.post(reverse("login"), {"username": "offer", "password": "rigtigt-kodeord"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_correct_login_works_and_forms_need_csrf(db, django_user_model):
    django_user_model.objects.create_user("bruger", "b@example.dk", "rigtigt-kodeord")
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(
            reverse("login"), {"username": "bruger", "password": "rigtigt-kodeord"}
        ).status_code
        == 403
    )
    client = Client()
    response = client.post(reverse("login"), {"username": "bruger", "password": "rigtigt-kodeord"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def _clean_environment():
    return {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY"}
    }


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**_clean_environment(), "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-production-secret-" + "y" * 30,
        ALLOWED_HOSTS="samdigi.example.dk",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_debug_a_secret_key_is_required():
    env = _clean_environment()
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_seed_demo_refuses_to_run_in_production():
    result = _manage("seed_demo", DEBUG="false", SECRET_KEY="z" * 60)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.django_db
def test_user_text_is_escaped_and_markdown_sanitised(world):
    from samdigi.core.templatetags.samdigi import markdown
    from samdigi.core.testing import client_for
    from samdigi.organizations.models import Unit

    unit = Unit.objects.create(owner=world.own, name="<script>alert(1)</script>")
    html = client_for(world, "own_viewer").get(unit.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    cleaned = markdown("**fed** <img src=x onerror=alert(1)> [link](javascript:alert(1))")
    assert "<strong>fed</strong>" in cleaned
    assert "onerror" not in cleaned and "javascript:" not in cleaned
