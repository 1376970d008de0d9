"""When the corridor was in force: the arrangement's period (``geodata/arrangement.json``) and ``in_force``.

The period runs from the protocol (5 March 2020) to the day its premise ceased to exist (the fall of the
government on 8 December 2024); the file gives the sources, the reason for that end date and the readings
not taken. An event's date stands for a span of days, by its ``date_precision``: ``in_force`` is true
when the whole span lies in the period, false when none of it does, and null when the span straddles
an end of the period or the event has no date.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from corridor._data import geodata_path
from corridor._errors import InputError

#: Days either side of the date that a precision allows (``month`` and ``year`` are whole periods).
#: ``approx``: "within a few days" (geodata/EVENTS.md), the same three days the claim checks use.
#: ``week``: ACLED's time_precision 2 says only that the event fell in the week (or weekend) of the
#: date given, without saying where in it the date lies, so six days either side.
WINDOW_DAYS: Mapping[str, int] = {"day": 0, "approx": 3, "week": 6}
#: Precisions read from the date's first characters as a whole month or year. ACLED writes a full
#: date even when only the month is known (time_precision 3), so only ``YYYY-MM`` is used.
WHOLE_PERIODS: Mapping[str, str] = {"month": "M", "year": "Y"}


@dataclass(frozen=True, slots=True)
class Arrangement:
    """The corridor's period: in force on the days ``start <= day < end``."""

    start: date
    end: date
    start_sources: tuple[str, ...]
    end_sources: tuple[str, ...]
    end_inferred: bool
    why_this_end: str

    def label(self) -> str:
        """``5 March 2020 – 7 December 2024``: the first and last day in force."""
        last = pd.Timestamp(self.end) - pd.Timedelta(days=1)
        return f"{_day(pd.Timestamp(self.start))} – {_day(last)}"


def _day(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts.strftime('%B %Y')}"


def _iso(value: Any, path: str, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        msg = f"{value!r} is not an ISO date (YYYY-MM-DD)"
        raise InputError(msg, file=path, field=name) from None


def _urls(basis: Mapping[str, Any], path: str, name: str) -> tuple[str, ...]:
    urls = tuple(str(s.get("url", "")) for s in basis.get("sources") or [])
    if not urls or not all(u.startswith(("https://", "http://")) for u in urls):
        msg = "needs at least one source, each with an http(s) url"
        raise InputError(msg, file=path, field=f"{name}.sources")
    return urls


@cache
def load_arrangement() -> Arrangement:
    """Read and check ``geodata/arrangement.json``."""
    path = geodata_path("arrangement.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    start = _iso(data.get("start"), str(path), "start")
    end = _iso(data.get("end"), str(path), "end")
    if not start < end:
        raise InputError(f"start {start} is not before end {end}", file=str(path), field="end")
    end_basis = data.get("end_basis") or {}
    return Arrangement(
        start=start,
        end=end,
        start_sources=_urls(data.get("start_basis") or {}, str(path), "start_basis"),
        end_sources=_urls(end_basis, str(path), "end_basis"),
        end_inferred=bool(end_basis.get("inferred")),
        why_this_end=str(end_basis.get("why_this_date", "")),
    )


def date_spans(dates: pd.Series, precisions: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day (``datetime64``) that each date may stand for; ``NaT`` when unknown."""
    text = dates.astype("object").where(dates.notna(), "").astype(str).str.strip()
    prec = precisions.astype("object").where(precisions.notna(), "").astype(str)
    first = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    last = first.copy()
    for name, days in WINDOW_DAYS.items():
        rows = prec == name
        if rows.any():
            day = pd.to_datetime(text[rows].str[:10], format="%Y-%m-%d", errors="coerce")
            first[rows] = day - pd.Timedelta(days=days)
            last[rows] = day + pd.Timedelta(days=days)
    for name, freq in WHOLE_PERIODS.items():
        rows = prec == name
        if rows.any():
            head = text[rows].str[: 7 if freq == "M" else 4]
            fmt = "%Y-%m" if freq == "M" else "%Y"
            start = pd.to_datetime(head, format=fmt, errors="coerce")
            first[rows] = start
            last[rows] = start + (pd.offsets.MonthEnd(1) if freq == "M" else pd.offsets.YearEnd(1))
    return first, last


def in_force(
    dates: pd.Series, precisions: pd.Series, arrangement: Arrangement | None = None
) -> pd.arrays.BooleanArray:
    """Whether the corridor was in force at each event's date (nullable: unknown when it straddles).

    Parameters
    ----------
    dates
        ISO dates at their precision (``2020-07-14``, ``2020-07``, ``2020``; ACLED's full dates too).
    precisions
        ``day``, ``approx``, ``week``, ``month``, ``year`` or ``unknown`` for each date.
    arrangement
        The period; :func:`load_arrangement` by default.
    """
    period = arrangement or load_arrangement()
    # Events share dates (ACLED: a few thousand days for 200,000 rows): each (date, precision) is
    # parsed once, 0.31 s -> 0.03 s of CPU here.
    date_codes, _ = pd.factorize(dates, use_na_sentinel=False)
    precision_codes, kinds = pd.factorize(precisions, use_na_sentinel=False)
    pair, _ = pd.factorize(date_codes * max(len(kinds), 1) + precision_codes)
    once = np.empty(int(pair.max()) + 1 if pair.size else 0, dtype=np.intp)
    once[pair[::-1]] = np.arange(pair.size - 1, -1, -1)  # the first row of each pair
    first, last = date_spans(
        dates.iloc[once].reset_index(drop=True), precisions.iloc[once].reset_index(drop=True)
    )
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    # NaT compares False both ways, so an unknown span is neither inside nor outside.
    inside = ((first >= start) & (last < end)).to_numpy()[pair]
    outside = ((last < start) | (first >= end)).to_numpy()[pair]
    return pd.arrays.BooleanArray(inside, ~(inside | outside))
