"""SVG coordinates must be plain numbers: a Danish decimal comma ("640,3") breaks every drawing."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2]


def test_every_template_with_svg_turns_localisation_off_around_it():
    offenders = []
    for path in TEMPLATES.glob("**/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<svg", text):
            before = text[: match.start()]
            if before.count("{% localize off %}") <= before.count("{% endlocalize %}"):
                offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []
