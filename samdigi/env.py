"""Typed readers for the environment, so settings.py states each setting once with its type."""

import os
from decimal import Decimal, InvalidOperation
from typing import overload

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def env_str(name: str) -> str | None: ...
@overload
def env_str(name: str, default: str) -> str: ...
def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return Decimal(default)
    try:
        value = Decimal(raw.strip())
    except InvalidOperation as exc:
        raise ImproperlyConfigured(f"{name} must be a decimal number, not {raw!r}") from exc
    if not value.is_finite() or value <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive number, not {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
