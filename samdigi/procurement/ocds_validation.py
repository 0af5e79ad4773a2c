"""Validate OCDS release packages against the official 1.1.5 schema, offline.

The package schema refers to the release schema by its URL
(``https://standard.open-contracting.org/schema/1__1__5/release-schema.json``). Validation must
never reach the network — the server may have none, and a test must not depend on a web site — so
a ``referencing`` registry maps each schema's ``id`` to the local copy in ``SCHEMA_DIR``
(``samdigi/procurement/ocds_schema/``, shipped with the project under the schemas' own Apache 2.0
licence, see its README) or in another directory passed in. A reference outside that registry
fails as unresolvable instead of being fetched.

The schema declares JSON Schema draft 4, so the draft 4 validator is used, with format checking:
``date-time`` is checked (``rfc3339-validator`` is installed); ``uri`` is checked only if a URI
format library happens to be installed. In 1.1.5 the closed codelists (release tag, initiation
type, tender/award/contract status, method, main category, currency) are enums in the schema and
so are checked by it; the open ones (party roles, submission method, …) are not, and
``codelist_warnings`` reports values outside their CSV lists as warnings.

A pure module (no Django): dicts in, lists of messages out.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource

# The official OCDS 1.1.5 files, inside the repository so that nothing reads outside its tree.
SCHEMA_DIR = Path(__file__).resolve().parent / "ocds_schema"
PACKAGE_SCHEMA = "release-package-schema.json"
RELEASE_SCHEMA = "release-schema.json"
_OCID = re.compile(r"ocds-[a-z0-9]{6}-.+")
_MAX_MESSAGE = 300


@lru_cache(maxsize=8)
def _load(schema_dir: str) -> tuple[dict[str, Any], dict[str, Any], Registry]:
    directory = Path(schema_dir)
    resources = []
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name] = contents
        uri = contents.get("id") or contents.get("$id")
        if uri:
            # from_contents reads "$schema" and so treats "id" the draft 4 way.
            resources.append((uri, Resource.from_contents(contents)))
    missing = [n for n in (PACKAGE_SCHEMA, RELEASE_SCHEMA) if n not in schemas]
    if missing:
        raise FileNotFoundError(f"{', '.join(missing)} not found in {directory}")
    registry = Registry().with_resources(resources)
    return schemas[PACKAGE_SCHEMA], schemas[RELEASE_SCHEMA], registry


def load_registry(schema_dir: Path | str = SCHEMA_DIR) -> Registry:
    """The registry mapping the schemas' URLs to the local files (cached per directory)."""
    return _load(str(Path(schema_dir).resolve()))[2]


def _validator(schema: dict[str, Any], registry: Registry) -> Draft4Validator:
    return Draft4Validator(schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def _message(error: Any) -> str:
    text = error.message
    if len(text) > _MAX_MESSAGE:
        # Enum errors list the whole codelist (the currency list has ~300 codes).
        text = text[: _MAX_MESSAGE - 1] + "…"
    return f"{error.json_path}: {text}"


def _errors(validator: Draft4Validator, instance: Any) -> list[str]:
    # Sorted by the path as text: lists of mixed int and str path parts may not compare.
    errors = sorted(validator.iter_errors(instance), key=lambda e: (e.json_path, e.message))
    return [_message(e) for e in errors]


def _release_checks(releases: list[Any], path: str) -> list[str]:
    """Rules of the standard the schema cannot express."""
    messages = []
    seen: set[tuple[str, str]] = set()
    for index, release in enumerate(releases):
        if not isinstance(release, dict):
            continue
        ocid, release_id = release.get("ocid"), release.get("id")
        if isinstance(ocid, str) and not _OCID.fullmatch(ocid):
            messages.append(
                f"{path}[{index}].ocid: {ocid!r} does not start with 'ocds-' and a 6-character "
                "prefix"
            )
        if isinstance(release_id, str) and "#" in release_id:
            messages.append(f"{path}[{index}].id: a release id must not contain '#'")
        if isinstance(ocid, str) and isinstance(release_id, str):
            if (ocid, release_id) in seen:
                messages.append(
                    f"{path}[{index}].id: release id {release_id!r} is used twice for {ocid}"
                )
            seen.add((ocid, release_id))
    return messages


def validate_release_package(package: Any, schema_dir: Path | str = SCHEMA_DIR) -> list[str]:
    """Error messages for ``package`` against the official schema; an empty list means valid.

    Each message starts with the JSON path of the offending value.
    """
    package_schema, _, registry = _load(str(Path(schema_dir).resolve()))
    messages = _errors(_validator(package_schema, registry), package)
    if isinstance(package, dict) and isinstance(package.get("releases"), list):
        messages.extend(_release_checks(package["releases"], "$.releases"))
    return messages


def validate_release(release: Any, schema_dir: Path | str = SCHEMA_DIR) -> list[str]:
    """Error messages for a single release against the release schema."""
    _, release_schema, registry = _load(str(Path(schema_dir).resolve()))
    return _errors(_validator(release_schema, registry), release) + _release_checks([release], "$")


@lru_cache(maxsize=32)
def _codelist(schema_dir: str, name: str) -> frozenset[str]:
    path = Path(schema_dir) / "codelists" / name
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


def codelist_warnings(package: Any, schema_dir: Path | str = SCHEMA_DIR) -> list[str]:
    """Values of the open codelists this project writes that are not in the standard's lists.

    Open codelists may be extended, so these are warnings, not errors: they flag typos.
    """
    directory = str(Path(schema_dir).resolve())
    roles = _codelist(directory, "partyRole.csv")
    submission = _codelist(directory, "submissionMethod.csv")
    warnings = []
    releases = package.get("releases", []) if isinstance(package, dict) else []
    for index, release in enumerate(releases):
        if not isinstance(release, dict):
            continue
        for p_index, party in enumerate(release.get("parties") or []):
            for role in (party or {}).get("roles") or []:
                if role not in roles:
                    warnings.append(
                        f"$.releases[{index}].parties[{p_index}].roles: {role!r} is not in the "
                        "partyRole codelist"
                    )
        for method in (release.get("tender") or {}).get("submissionMethod") or []:
            if method not in submission:
                warnings.append(
                    f"$.releases[{index}].tender.submissionMethod: {method!r} is not in the "
                    "submissionMethod codelist"
                )
    return warnings
