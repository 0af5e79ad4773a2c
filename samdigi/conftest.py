"""Shared fixtures: the cast of personas, API clients, and the CI rule that a missing browser or
PostgreSQL fails rather than skips."""

import os

import pytest

from samdigi.core.testing import build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per user; tests create many users and test no cryptography.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}
