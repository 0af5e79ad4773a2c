"""Gantt-style timeline geometry: phases as bands, milestones as points, today as a line.

The view turns rows of dated bands and points into coordinates here; the template draws them as
SVG and the stylesheet colours them. A band says which phase it is (`kind`, the phase code, and
`tone`, a fallback colour slot for phases the stylesheet does not name), never a colour, so
presentation stays in the rendering layer. The legend lists the phases the bands show.
Pure module: no Django, plain values and dataclasses in, plain values out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TONES", "Band", "Point", "Row", "Timeline", "layout"]

LABEL_WIDTH = 220
CHART_WIDTH = 760
ROW_HEIGHT = 28
HEADER_HEIGHT = 24
# Colour slots the stylesheet defines (.band[data-tone="0"] ... [data-tone="6"]).
TONES = 7


@dataclass(frozen=True)
class Band:
    start: datetime.date
    end: datetime.date
    label: str
    # The phase's order; it picks the fallback colour slot and orders the legend.
    colour_index: int = 0
    # The phase code; the stylesheet colours known phases the same in every project model.
    kind: str = ""


@dataclass(frozen=True)
class Point:
    day: datetime.date
    label: str
    done: bool = False


@dataclass
class Row:
    label: str
    url: str = ""
    bands: list[Band] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)


@dataclass
class Timeline:
    width: int
    height: int
    label_width: int
    start: datetime.date
    end: datetime.date
    today_x: float | None
    ticks: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    # One entry per phase shown (kind, label, tone), in phase order.
    legend: list[dict[str, Any]] = field(default_factory=list)


def _x(day: datetime.date, start: datetime.date, span_days: int) -> float:
    return round(LABEL_WIDTH + CHART_WIDTH * (day - start).days / span_days, 1)


def layout(rows: list[Row], today: datetime.date) -> Timeline:
    """Coordinates for every band, point, year tick and the today line.

    The time axis spans the earliest to the latest date in the rows and today, padded to whole
    years so the ticks fall on 1 January.
    """
    days = [today]
    for row in rows:
        for band in row.bands:
            days += [band.start, band.end]
        days += [point.day for point in row.points]
    start = datetime.date(min(days).year, 1, 1)
    end = datetime.date(max(days).year + 1, 1, 1)
    span = max((end - start).days, 1)
    ticks = [
        {"x": _x(datetime.date(year, 1, 1), start, span), "label": str(year)}
        for year in range(start.year, end.year + 1)
    ]
    placed = []
    for index, row in enumerate(rows):
        y = HEADER_HEIGHT + index * ROW_HEIGHT
        bands = []
        for band in row.bands:
            x1, x2 = _x(band.start, start, span), _x(max(band.end, band.start), start, span)
            bands.append(
                {
                    "x": x1,
                    "width": max(round(x2 - x1, 1), 2),
                    "label": band.label,
                    "kind": band.kind,
                    "tone": band.colour_index % TONES,
                    "start": band.start,
                    "end": band.end,
                }
            )
        points = [
            {"x": _x(p.day, start, span), "label": p.label, "done": p.done, "day": p.day}
            for p in row.points
        ]
        placed.append(
            {
                "label": row.label,
                "url": row.url,
                "y": y,
                "mid": y + ROW_HEIGHT / 2,
                "text_y": y + ROW_HEIGHT / 2 + 4,
                "bar_y": y + 5,
                "bar_height": ROW_HEIGHT - 10,
                "bands": bands,
                "points": points,
            }
        )
    height = HEADER_HEIGHT + max(len(rows), 1) * ROW_HEIGHT + 4
    # One entry per phase code (a phase of the same code in two project models is one phase to
    # the reader); bands without a code are told apart by their label.
    legend: dict[str, dict[str, Any]] = {}
    for row in rows:
        for band in row.bands:
            if band.label:
                legend.setdefault(
                    band.kind or f"label:{band.label}",
                    {
                        "kind": band.kind,
                        "label": band.label,
                        "tone": band.colour_index % TONES,
                        "order": band.colour_index,
                    },
                )
    return Timeline(
        width=LABEL_WIDTH + CHART_WIDTH + 10,
        height=height,
        label_width=LABEL_WIDTH,
        start=start,
        end=end,
        today_x=_x(today, start, span) if start <= today <= end else None,
        ticks=ticks,
        rows=placed,
        legend=sorted(legend.values(), key=lambda entry: (entry["order"], entry["label"])),
    )
