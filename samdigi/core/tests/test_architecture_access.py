"""Access is decided in one place: core/access.py and its policy classes. No other module filters
records by owner or membership, or reads the access scope's organisation sets, itself.

A plain text scan (no domain app is imported): each pattern below is how a hand-written access
rule looks. The scope's predicates on one organisation (`can_edit_owned`, `is_admin_of`) are the
access module's public answers and may be asked anywhere. The allowlist names the few legitimate
uses of the patterns, each with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # samdigi/
ACCESS_MODULE = "core/access.py"

PATTERNS = {
    "owner__in": re.compile(r"\bowner(_id)?__in\b"),
    "filter(owner=": re.compile(r"\.filter\(\s*owner(_id)?\s*="),
    "memberships__": re.compile(r"\bmemberships__"),
    "managed_organization_ids": re.compile(r"\bmanaged_organization_ids\b"),
    "scope internals": re.compile(
        r"\bscope\.(own_municipality_ids|association_ids|peer_municipality_ids|admin_org_ids"
        r"|editing_owner_ids|steering_association_ids|reachable_org_ids|association_members"
        r"|roles|administered_peer_ids|admin_association_ids|associations_edited_through_members"
        r"|visible_q|editable_q)\b"
    ),
}

# (module, pattern) → why it is not an access rule.
ALLOWED = {
    # A selection the user made (one municipality's rows), applied after visible_to; the one
    # named selection by owner that querysets offer.
    ("core/models.py", "filter(owner="): "OwnedQuerySet.for_owner: a selection, not access",
    # Menu entries and dashboard panels shown by role: they filter no records.
    ("core/navigation.py", "scope internals"): "which menu entries show, no records filtered",
    ("core/dashboard.py", "scope internals"): "which dashboard panels show, no records filtered",
    # Narrowing to the organisation (or the current members of the association) the user chose in
    # a filter or page, on querysets already narrowed by visible_to.
    ("landscape/views.py", "filter(owner="): "deadline list: the municipality chosen",
    ("landscape/views.py", "owner__in"): "deadline list: the association chosen, after visible_to",
    ("landscape/api.py", "owner__in"): "API filter `association`, after visible_to",
    ("procurement/services.py", "owner__in"): "pipeline/finder: the organisation chosen",
    ("procurement/services.py", "filter(owner="): "pipeline: the municipality chosen",
    ("organizations/views.py", "filter(owner="): "a municipality page lists its units (visible)",
    ("landscape/api.py", "filter(owner="): "API filter `municipality`, after visible_to",
    # Matching a record to the owner of a related record it already has (same-owner lookups).
    ("landscape/importers.py", "filter(owner="): "the import's own owner (checked per row)",
    ("portfolio/forms.py", "filter(owner="): "meetings of the project's association",
    ("portfolio/views.py", "filter(owner="): "meetings of the project's owner, after visible_to",
    # System work with no user (no access applies): demo data, recomputing stored dates, the
    # nightly reminders of each subscription's own municipality.
    ("landscape/demo.py", "filter(owner="): "demo data seeding, no user",
    ("landscape/models.py", "owner__in"): "recomputing members' stored dates, no user",
    ("landscape/reminders.py", "owner__in"): "the reminder job: each subscription's own contracts",
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        if relative in (ACCESS_MODULE, "core/testing.py", "conftest.py"):
            continue
        yield relative, path.read_text(encoding="utf-8")


def _findings():
    found = []
    for relative, text in _modules():
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for name, pattern in PATTERNS.items():
                if pattern.search(line) and (relative, name) not in ALLOWED:
                    found.append(f"{relative}:{number}: {name}: {line.strip()}")
    return found


def test_no_module_outside_core_access_filters_by_owner_or_membership():
    findings = _findings()
    assert not findings, "Access rules outside core/access.py:\n" + "\n".join(findings)


def test_every_allowlist_entry_is_still_needed():
    # A stale entry would let a new access rule slip into that module unnoticed.
    used = set()
    for relative, text in _modules():
        for name, pattern in PATTERNS.items():
            if (relative, name) in ALLOWED and pattern.search(text):
                used.add((relative, name))
    assert set(ALLOWED) - used == set()


def test_the_scan_finds_a_hand_written_rule():
    line = "qs.filter(owner__in=scope.own_municipality_ids)"
    assert PATTERNS["owner__in"].search(line) and PATTERNS["scope internals"].search(line)
    assert PATTERNS["filter(owner="].search("Unit.objects.filter(owner=org)")
    assert PATTERNS["memberships__"].search("users.filter(memberships__organization_id__in=x)")
