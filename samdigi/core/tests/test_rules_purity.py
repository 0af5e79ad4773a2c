"""The rules packages stay pure: no Django, no DRF, no ORM models, nothing outside the rules.

Every module under a ``samdigi/<app>/rules/`` package (``core/rules`` included) is read as source
and its import statements are checked, wherever they stand: at the top, inside a function, or
under ``TYPE_CHECKING``. A rule module may import the standard library, plain third-party
libraries (``holidays``, ``dateutil``) and other rules modules, nothing else from samdigi, so the
rules can be tested as tables and reused without a database. The check reads files only; it
imports no domain app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SAMDIGI = Path(__file__).resolve().parents[2]
FORBIDDEN_ROOTS = {"django", "rest_framework", "django_filters", "django_tables2"}


def rules_modules() -> list[Path]:
    return sorted(
        path
        for package in SAMDIGI.glob("*/rules")
        if (package / "__init__.py").is_file()
        for path in package.rglob("*.py")
    )


def module_name(path: Path) -> str:
    parts = path.relative_to(SAMDIGI.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_rules_module(dotted: str) -> bool:
    # samdigi.<app>.rules or anything below it.
    parts = dotted.split(".")
    return len(parts) >= 3 and parts[0] == "samdigi" and parts[2] == "rules"


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def violations(source: str, importer: str, is_package: bool = False) -> list[str]:
    """The imports in ``source`` (the module ``importer``) that a rules module must not make."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, importer, is_package)
            # `from samdigi.x import rules` names a rules package; anything else from a
            # non-rules samdigi module is a module or a name outside the rules.
            if module.count(".") == 1 and module.startswith("samdigi."):
                targets = [f"{module}.{alias.name}" for alias in node.names]
            else:
                targets = [module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets = [node.args[0].value]
        for target in targets:
            root = target.split(".")[0]
            if root in FORBIDDEN_ROOTS or (root == "samdigi" and not _is_rules_module(target)):
                found.append(f"line {node.lineno}: {target}")
    return found


def test_there_are_rules_packages_to_check():
    names = {module_name(path) for path in rules_modules()}
    # One known module per app, so that a moved or renamed package cannot empty the check.
    assert {
        "samdigi.core.rules.months",
        "samdigi.landscape.rules.deadlines",
        "samdigi.portfolio.rules.cost_sharing",
        "samdigi.procurement.rules.schedule",
    } <= names


@pytest.mark.parametrize("path", rules_modules(), ids=lambda path: module_name(path))
def test_rules_module_imports_nothing_from_django_or_the_orm(path):
    bad = violations(path.read_text(encoding="utf-8"), module_name(path), path.stem == "__init__")
    assert not bad, f"{module_name(path)} imports outside the pure rules: {bad}"


@pytest.mark.parametrize(
    "source",
    [
        "import django",
        "from django.utils.translation import gettext as _",
        "from rest_framework import serializers",
        "def f():\n    from samdigi.procurement.models import Tender",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from samdigi.core.access import Scope",
        "from ..models import Tender",
        "from .. import services",
        "from samdigi.procurement import services",
        "import samdigi.landscape.models",
        "import importlib\nimportlib.import_module('django.db')",
    ],
)
def test_the_check_catches_an_impure_import(source):
    assert violations(source, "samdigi.procurement.rules.schedule")


@pytest.mark.parametrize(
    "source",
    [
        "import datetime\nfrom decimal import Decimal",
        "import holidays",
        "from samdigi.core.rules.months import add_months",
        "from samdigi.procurement.rules import schedule",
        "from samdigi.procurement import rules",
        "from .schedule import SERVICES",
        "from . import schedule",
    ],
)
def test_the_check_allows_pure_imports(source):
    assert violations(source, "samdigi.procurement.rules.opportunities") == []
