"""Checkers against the event catalogue and the calendar: dates, patrol outcomes and numbers, durations.

Each takes a claim's ``check`` parameters and the :class:`~corridor.claims.base.Context` and returns a
:class:`~corridor.claims.base.Finding`.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from corridor.claims.base import APPROX_DAYS, Context, Finding, not_checkable, num


def _span(text: str, precision: str | None = None) -> tuple[date, date]:
    """First and last day a date of some precision can mean."""
    parts = [int(p) for p in text.split("-")]
    precision = precision or {1: "year", 2: "month", 3: "day"}[len(parts)]
    if precision == "year":
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if precision == "month":
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    day = date(*parts)
    if precision == "week":
        return day, day + timedelta(days=6)
    if precision == "approx":
        return day - timedelta(days=APPROX_DAYS), day + timedelta(days=APPROX_DAYS)
    return day, day


def _gap_text(claim: tuple[date, date], best: date) -> str:
    """How far a claimed day or period lies from the catalogue's day."""
    later = claim[0] > best
    n = (claim[0] - best).days if later else (best - claim[1]).days
    days = f"{n} day{'s' if n != 1 else ''}"
    if claim[0] == claim[1]:
        return f"the claim is {days} {'later' if later else 'earlier'}"
    edge, side = ("starts", "after") if later else ("ends", "before")
    return f"the claim's period {edge} {days} {side} the catalogue date"


def _event(event_id: str, ctx: Context) -> Mapping[str, Any] | None:
    return ctx.events.get(event_id)


def check_event_date(check: Mapping[str, Any], ctx: Context) -> Finding:
    """An event's date as the claim gives it, against the catalogue's date and precision."""
    event = _event(check["event_id"], ctx)
    if event is None or event["date"] is None:
        return not_checkable({"reason": f"the catalogue has no date for {check['event_id']}"}, ctx)
    claim = _span(check["date"], check["precision"])
    precision = event["date_precision"]
    window = _span(event["date"], precision)
    best = window if precision not in ("day", "approx") else _span(event["date"], "day")
    if claim[0] <= best[0] and best[1] <= claim[1]:
        verdict = "supported"
    elif claim[1] < window[0] or window[1] < claim[0]:
        verdict = "contradicted"
    else:
        verdict = "partly"
    gap = ""
    if verdict != "supported" and precision in ("day", "approx"):
        gap = "; " + _gap_text(claim, best[0])
    note = f" ({event['date_note']})" if verdict != "supported" and event.get("date_note") else ""
    meaning = (
        "" if claim[0] == claim[1] else f", i.e. {claim[0].isoformat()} to {claim[1].isoformat()}"
    )
    evidence = (
        f"Catalogue: {event['date']} ({precision}); claim: {check['date']} "
        f"({check['precision']}{meaning}){gap}.{note}"
    )
    return Finding(
        event["date"],
        "date",
        f"date of catalogue event {event['id']}, known to the {precision}",
        verdict,
        evidence,
        "catalogue",
        {"kind": "event", "event_id": event["id"]},
    )


def _by_key(text: str) -> str:
    return text.split("(")[0].strip().casefold()


def check_patrol_outcome(check: Mapping[str, Any], ctx: Context) -> Finding:
    """How a patrol ended according to whom, against the catalogue's outcome and who reports it."""
    event = _event(check["event_id"], ctx)
    if event is None:
        return not_checkable({"reason": f"{check['event_id']} is not in the catalogue"}, ctx)
    claimed, by = check["outcome"], _by_key(check["by"])
    accounts = list(event.get("outcome_by_source") or [])
    said = "; ".join(f"{a['by']}: {a['outcome'].replace('_', ' ')}" for a in accounts)
    own = [a for a in accounts if _by_key(a["by"]) == by or by.startswith(_by_key(a["by"]))]
    if event["outcome"] == "disputed":
        if own and own[0]["outcome"] == claimed:
            others = [a for a in accounts if a["outcome"] != claimed]
            verdict = "partly" if others else "supported"
            evidence = (
                f"Disputed in the catalogue ({said}). The claim reports the {own[0]['by']}'s "
                f"account correctly; the {' and the '.join(a['by'] for a in others) or 'no one'} "
                "says otherwise."
            )
        elif any(a["outcome"] == claimed for a in accounts):
            verdict = "partly"
            evidence = (
                f"Disputed ({said}); the claim's outcome is one side's, but not {check['by']}'s."
            )
        else:
            verdict = "contradicted"
            evidence = f"Disputed ({said}); no source gives {claimed.replace('_', ' ')}."
    else:
        verdict = "supported" if event["outcome"] == claimed else "contradicted"
        evidence = f"Catalogue outcome: {event['outcome'].replace('_', ' ')}."
    return Finding(
        event["outcome"],
        "outcome",
        f"outcome of catalogue event {event['id']}, with who reported what",
        verdict,
        evidence,
        "catalogue",
        {"kind": "event", "event_id": event["id"]},
    )


def check_patrol_number(check: Mapping[str, Any], ctx: Context) -> Finding:
    """The ordinal a source gives a patrol, against the counts the catalogue records by source."""
    event = _event(check["event_id"], ctx)
    numbers = (event or {}).get("patrol_number")
    if not numbers:
        return not_checkable({"reason": f"the catalogue gives {check['event_id']} no number"}, ctx)
    counts = [("Turkish MoD", numbers.get("tr_mod")), ("Russian centre", numbers.get("ru_centre"))]
    counts += [(o["by"], o["number"]) for o in numbers.get("other", [])]
    counts = [(who, n) for who, n in counts if n is not None]
    by, claimed = _by_key(check["by"]), int(check["number"])
    # "Russian MoD" is matched to the Russian centre's count by its first word.
    own = [(w, n) for w, n in counts if by.startswith(_by_key(w).split()[0])]
    agree = [w for w, n in (own or counts) if n == claimed]
    listed = "; ".join(f"{who}: {n}" for who, n in counts)
    if agree:
        whose = "the count of " + " and ".join(agree)
        if not own:
            whose += f" (no count is recorded for {check['by']})"
        evidence = f"Catalogue counts: {listed}. The claim's {claimed} is {whose}."
        if len({n for _, n in counts}) > 1:
            evidence += " The sources number this patrol differently."
    else:
        evidence = f"Catalogue counts: {listed}; none that {check['by']} gives is {claimed}."
    verdict = "supported" if agree else "contradicted"
    return Finding(
        dict(counts),
        "count",
        f"patrol numbers recorded for catalogue event {event['id']} (Turkish MoD first)",
        verdict,
        evidence,
        "catalogue",
        {"kind": "event", "event_id": event["id"]},
    )


def _whole_units(start: date, end: date, unit: str) -> int:
    """Completed years, months or (counting both ends) days from ``start`` to ``end``."""
    if unit == "day":
        return (end - start).days + 1
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return months // 12 if unit == "year" else months


def check_duration(check: Mapping[str, Any], ctx: Context) -> Finding:
    """A length of time, by date arithmetic over every day the claim's dates can mean."""
    unit = check["unit"]
    if check["from"] is None or check["to"] is None:
        return not_checkable({"reason": "the claim gives only one end of the period"}, ctx)
    (a0, a1), (b0, b1) = _span(check["from"]), _span(check["to"])
    shortest, longest = _whole_units(a1, b0, unit), _whole_units(a0, b1, unit)
    days = {"day": 1.0, "month": 365.2425 / 12, "year": 365.2425}[unit]
    both_ends = 1 if unit == "day" else 0  # day counts include both ends (seeds/README.md)
    low, high = ((b0 - a1).days + both_ends) / days, ((b1 - a0).days + both_ends) / days
    span = f"{check['from']} to {check['to']}"
    if check["value"] is None:
        return not_checkable(
            {
                "reason": f"The article gives only the start; {span} is {num(low, 1)}–{num(high, 1)} "
                f"{unit}s, but there is no stated length to compare."
            },
            ctx,
        )
    stated = float(check["value"])
    if check["approx"]:
        # "About N units": anything that rounds to N.
        ok = low <= stated + 0.5 and stated - 0.5 <= high
        rule = f"about {num(stated)} {unit}s allows ±0.5"
        value: Any = [round(low, 2), round(high, 2)]
    else:
        ok = shortest <= stated <= longest
        rule = "whole units elapsed" + (", counting both ends" if unit == "day" else "")
        value = shortest if shortest == longest else [shortest, longest]
    length = num(low, 2) if num(low, 2) == num(high, 2) else f"{num(low, 2)}–{num(high, 2)}"
    whole = str(shortest) if shortest == longest else f"{shortest}–{longest}"
    evidence = f"From {span}: {length} {unit}s ({whole} whole); stated {num(stated)} ({rule})."
    return Finding(
        value,
        unit,
        "calendar arithmetic on the claim's dates",
        "supported" if ok else "contradicted",
        evidence,
        "arithmetic",
    )
