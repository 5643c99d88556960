"""Tenures drawn as bars on one shared span of years, for the entity's timeline table."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from refdb import dates


def _years(tenure: dict[str, Any]) -> tuple[float | None, float | None]:
    start = dates.earliest(tenure["start"]) if tenure.get("start") else None
    end = dates.latest(tenure["end"]) if tenure.get("end") else None
    as_year = lambda day: day.year + (day.timetuple().tm_yday - 1) / 366  # noqa: E731
    return (as_year(start) if start else None, as_year(end) if end else None)


def timeline_bars(tenures: list[dict[str, Any]], width: int = 18) -> list[Text]:
    """One bar per tenure; an open current tenure runs to the right edge and ends in ▶.

    The span comes from the recorded dates only (not today's date), so a timeline reads
    the same whenever it is drawn. Unknown starts or ends show as dotted edges.
    """
    spans = [_years(tenure) for tenure in tenures]
    known = [year for span in spans for year in span if year is not None]
    if not known:
        return [Text("") for _ in tenures]
    low, high = min(known), max(known) + 1
    scale = (width - 1) / (high - low)
    bars = []
    for tenure, (start, end) in zip(tenures, spans, strict=True):
        cells = [" "] * width
        first = round((start - low) * scale) if start is not None else None
        last = round((end - low) * scale) if end is not None else None
        if first is not None and last is not None:
            cells[first : last + 1] = "━" * (last - first + 1)
        elif first is not None and tenure.get("status") == "current":
            cells[first:] = "━" * (width - 1 - first) + "▶"
        elif first is not None:
            # Start known, end unknown: a dotted tail says "lasted some while".
            tail = min(width, first + 4)
            cells[first:tail] = "━" + "┄" * (tail - first - 1)
        elif last is not None:
            head = max(0, last - 3)
            cells[head : last + 1] = "┄" * (last - head) + "━"
        style = "bold green" if tenure.get("current") else "cyan"
        bars.append(Text("".join(cells), style=style))
    return bars
