"""The repository stands alone: nothing in it reads files outside its own tree.

The OCDS schemas were once read from a reference directory beside the repository, so a fresh clone
anywhere else failed. They are shipped in ``samdigi/procurement/ocds_schema/`` now, and the
domain and architecture notes in ``docs/``; this test keeps it that way.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SKIP_DIRS = {".git", ".venv", "node_modules", "staticfiles", "media", "__pycache__"}
SKIP_DIRS |= {".ruff_cache", ".mypy_cache", ".pytest_cache", ".hypothesis"}
# Code, build and script files: what runs or decides what runs.
SUFFIXES = {".py", ".sh", ".toml", ".cfg", ".ini", ".html", ".js", ".mk"}
NAMES = {"Makefile", "run"}
# A relative path up into the sibling directory, its reference folder, the absolute path, and the
# same spelled as pathlib parts; built from pieces so that this file does not match itself.
SHARED = "sha" + "red"
OUTSIDE = re.compile(
    rf"\.\./{SHARED}|{SHARED}/reference|/work/{SHARED}|[\"']{SHARED}[\"']\s*/\s*[\"']reference"
    rf"|[\"']\.\.[\"']\s*/\s*[\"']{SHARED}"
)


def code_files():
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in relative.parts):
            continue
        if path.is_file() and (path.suffix in SUFFIXES or path.name in NAMES):
            yield path, relative


def test_no_code_reads_outside_the_repository():
    offenders = []
    for path, relative in code_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_check_sees_the_files_it_guards():
    names = {str(relative) for _, relative in code_files()}
    assert {"Makefile", "pyproject.toml", "samdigi/procurement/ocds_validation.py"} <= names
    assert "samdigi/procurement/tests/test_ocds.py" in names


def test_the_pattern_finds_what_it_must():
    for line in [
        f'Path(__file__).parents[3] / ".." / "{SHARED}" / "reference" / "ocds-1.1.5"',
        f"ROOT.parent / '{SHARED}' / 'reference'",
        f"see ../{SHARED}/ARCHITECTURE.md",
        f"/work/{SHARED}/reference/ocds-1.1.5",
    ]:
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search("FilterSets shared by the list pages")
