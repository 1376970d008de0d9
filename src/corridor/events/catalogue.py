"""The event catalogue: the agreement, the patrols and the incidents on the M4, each with its sources.

``geodata/events.json`` is a list of events sorted by date, then id. Every field is checked on load, so
a map or a claim check can rely on the vocabularies below without re-checking. The vocabularies are
module constants so that other modules (the map legend, the seed validator) share one definition.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date as calendar_date
from itertools import pairwise
from pathlib import Path
from typing import Any

from corridor._data import geodata_path
from corridor._errors import InputError

KINDS: frozenset[str] = frozenset(
    {
        "agreement",
        "ceasefire",
        "statement",
        "report",
        "meeting",
        "joint_patrol",
        "unilateral_patrol",
        "attack",
        "protest",
        "deployment",
        "suspension",
        "territorial_change",
        # A joint patrol under another agreement, away from the M4 (e.g. north-east Syria, 2024):
        # recorded so that nobody counts it as a corridor patrol. Not in PATROL_KINDS: it has no
        # route and no patrol number and is never drawn as an M4 patrol.
        "non_m4_patrol",
    }
)
PATROL_KINDS: frozenset[str] = frozenset({"joint_patrol", "unilateral_patrol"})

OUTCOMES: frozenset[str] = frozenset(
    {
        # patrols
        "completed",
        "conducted",
        "cut_short",
        "limited_route",
        "extended_route",
        "full_route",
        "called_off",
        "disputed",
        # agreements, statements, meetings, reports
        "signed",
        "in_force",
        "announced",
        "confirmed",
        "held",
        "ongoing",
        "no_resumption",
        "not_confirmed",
        "reopened",
        # incidents
        "blocked",
        "vehicle_damaged",
        "injuries",
        "casualties",
        "destroyed",
        "established",
        "captured",
        "withdrawn",
        "closed",
        "repaired",
    }
)

DATE_PRECISIONS: frozenset[str] = frozenset({"day", "approx", "week", "month", "year", "unknown"})

_DATE_PATTERNS: Mapping[str, re.Pattern[str]] = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "approx": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "week": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "year": re.compile(r"\d{4}"),
}
_ID = re.compile(r"(?:\d{4}(?:-\d{2}(?:-\d{2})?)?|undated)(?:-[a-z0-9]+)+")
SEED_ID = re.compile(r"\d{3}_[0-9a-f]{16}")

_REQUIRED = (
    "id",
    "date",
    "date_precision",
    "kind",
    "outcome",
    "places",
    "route",
    "location_uncertainty_m",
    "location_note",
    "patrol_number",
    "actors",
    "description",
    "sources",
    "seeds",
    "disagreements",
)
_OPTIONAL = ("date_note", "outcome_by_source", "casualties", "related")


def load_catalogue(
    path: Path | None = None, *, known_place_ids: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """Read and check the event catalogue.

    Parameters
    ----------
    path
        A JSON file; by default the committed ``geodata/events.json``.
    known_place_ids
        Gazetteer ids every ``places`` entry must belong to; ``None`` skips that check.

    Returns
    -------
    list of dict
        The events, in file order (date, then id).

    Raises
    ------
    InputError
        If the file is not valid JSON or any event breaks the schema; the message names the file,
        the event's index (row) and the field.
    """
    path = geodata_path("events.json") if path is None else path
    try:
        events = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg} at line {exc.lineno})", file=str(path)
        ) from exc
    validate_catalogue(events, file=str(path), known_place_ids=known_place_ids)
    return events


def validate_catalogue(
    events: Any, *, file: str = "events.json", known_place_ids: Collection[str] | None = None
) -> None:
    """Raise :class:`InputError` for the first problem in ``events``; return quietly if there is none.

    Parameters
    ----------
    events
        The parsed JSON (expected: a list of event objects).
    file
        Name used in error messages.
    known_place_ids
        Gazetteer ids; ``None`` skips the membership check of ``places``.
    """
    problems = catalogue_problems(events, known_place_ids=known_place_ids)
    if problems:
        row, field, message = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputError(message + more, file=file, row=row, field=field)


def catalogue_problems(
    events: Any, *, known_place_ids: Collection[str] | None = None
) -> list[tuple[int | None, str, str]]:
    """Return every problem as ``(event index or None, field, message)``, in file order."""
    if not isinstance(events, list):
        return [(None, "", "the catalogue must be a JSON list of events")]
    problems: list[tuple[int | None, str, str]] = []
    for index, event in enumerate(events):
        problems.extend(
            (index, field, message) for field, message in _event_problems(event, known_place_ids)
        )
    problems.extend(_collection_problems(events))
    return problems


def sort_key(event: Mapping[str, Any]) -> tuple[bool, str, str]:
    """The catalogue's order: dated events by their ISO date string, undated last, then by id."""
    date = event.get("date")
    return (date is None, date or "", str(event.get("id", "")))


def dated_span(events: Sequence[Mapping[str, Any]]) -> tuple[str, str] | None:
    """The first and last day the catalogue has an event on, as ISO dates; ``None`` if it has none.

    Only dates to the day (``day``, ``approx``, ``week``) count: a month or a year is a span, not a
    day, and an undated event has no place in time.
    """
    days = sorted(
        str(e["date"])
        for e in events
        if e.get("date") and e.get("date_precision") in {"day", "approx", "week"}
    )
    return (days[0], days[-1]) if days else None


def long_date(iso: str) -> str:
    """``2024-12-08`` as ``8 December 2024`` (English month names, no locale)."""
    day = calendar_date.fromisoformat(iso)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def period_text(events: Sequence[Mapping[str, Any]], arrangement_path: Path | None = None) -> str:
    """What the map and README say about time: the catalogue's span and what became of the corridor.

    The span is computed from ``events`` (:func:`dated_span`); the corridor's start and end come from
    ``geodata/arrangement.json`` (its ``start``, ``end`` and whether the end is inferred).
    """
    path = geodata_path("arrangement.json") if arrangement_path is None else arrangement_path
    try:
        arrangement = json.loads(path.read_text(encoding="utf-8"))
        start, end = str(arrangement["start"]), str(arrangement["end"])
        inferred = bool((arrangement.get("end_basis") or {}).get("inferred"))
        long_date(start), long_date(end)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"cannot read the corridor's start and end ({exc})", file=str(path)
        ) from exc
    span = dated_span(events)
    covers = (
        f"Catalogue: events from {long_date(span[0])} to {long_date(span[1])}. " if span else ""
    )
    ended = (
        " (the project's reading: no source says the protocol was formally ended)"
        if inferred
        else ""
    )
    patrol_days = sorted(
        str(e["date"]) for e in events if e.get("kind") == "joint_patrol" and e.get("date")
    )
    stopped = (
        f" The last joint patrol on the M4 was on {long_date(patrol_days[-1][:10])}."
        if patrol_days and len(patrol_days[-1]) >= 10
        else ""
    )
    return (
        f"{covers}The corridor was in force from {long_date(start)} until {long_date(end)}, when the "
        f"government fell and with it the front line the corridor divided{ended}.{stopped}"
    )


def timeline_key(date: str) -> str:
    """A sort key that puts a month or a year after the days it contains (on a time control).

    ``"2020"`` sorts after ``"2020-12-31"`` and before ``"2021-01-01"``; ``"2020-08"`` after
    ``"2020-08-31"``. A plain string sort would put them first, before the days they contain.
    """
    return date if len(date) >= 10 else date + "~"


def events_by_id(events: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Index a loaded catalogue by event id."""
    return {event["id"]: event for event in events}


def _event_problems(event: Any, known_place_ids: Collection[str] | None) -> list[tuple[str, str]]:
    if not isinstance(event, dict):
        return [("", "each event must be a JSON object")]
    out: list[tuple[str, str]] = []
    out.extend((key, "required field is missing") for key in _REQUIRED if key not in event)
    out.extend(
        (key, "unknown field") for key in event if key not in _REQUIRED and key not in _OPTIONAL
    )
    if out:
        return out

    event_id = event["id"]
    if not isinstance(event_id, str) or not _ID.fullmatch(event_id):
        out.append(("id", f"{event_id!r} is not a slug starting with its date or 'undated'"))
    out.extend(_date_problems(event))
    kind = event["kind"]
    if kind not in KINDS:
        out.append(("kind", f"{kind!r} is not one of {sorted(KINDS)}"))
    out.extend(_outcome_problems(event))
    out.extend(_place_problems(event, known_place_ids))
    out.extend(_patrol_problems(event))
    out.extend(_text_problems(event))
    out.extend(_source_problems(event))
    return out


def _date_problems(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    precision, date = event["date_precision"], event["date"]
    if precision not in DATE_PRECISIONS:
        return [("date_precision", f"{precision!r} is not one of {sorted(DATE_PRECISIONS)}")]
    if precision == "unknown":
        if date is not None:
            return [("date", "must be null when date_precision is 'unknown'")]
        if not str(event["id"]).startswith("undated-"):
            return [("id", "an event without a date must have an id starting 'undated-'")]
        return []
    if not isinstance(date, str) or not _DATE_PATTERNS[precision].fullmatch(date):
        return [("date", f"{date!r} does not match date_precision {precision!r}")]
    if not is_real_date(date):
        return [("date", f"{date!r} is not a calendar date")]
    if not str(event["id"]).startswith(date + "-"):
        return [("id", f"must start with the event's date {date!r}")]
    return []


def is_real_date(text: str) -> bool:
    """True for a valid ISO year, year-month or calendar day."""
    parts = [int(part) for part in text.split("-")]
    parts += [1] * (3 - len(parts))
    try:
        calendar_date(*parts)
    except ValueError:
        return False
    return True


def _outcome_problems(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    outcome = event["outcome"]
    out: list[tuple[str, str]] = []
    if outcome not in OUTCOMES:
        out.append(("outcome", f"{outcome!r} is not one of {sorted(OUTCOMES)}"))
    by_source = event.get("outcome_by_source")
    if by_source is None:
        if outcome == "disputed":
            out.append(("outcome_by_source", "a disputed outcome needs the sources' own outcomes"))
        return out
    if outcome != "disputed":
        out.append(("outcome", "must be 'disputed' when outcome_by_source is given"))
    if not isinstance(by_source, list) or len(by_source) < 2:
        return [*out, ("outcome_by_source", "needs at least two entries")]
    for i, entry in enumerate(by_source):
        field = f"outcome_by_source[{i}]"
        if not isinstance(entry, dict) or set(entry) != {"by", "outcome", "url"}:
            out.append((field, "needs exactly 'by', 'outcome' and 'url'"))
            continue
        if entry["outcome"] not in OUTCOMES - {"disputed"}:
            out.append((f"{field}.outcome", f"{entry['outcome']!r} is not a known outcome"))
        if not _is_url(entry["url"]):
            out.append((f"{field}.url", "must be an http(s) URL"))
    if len({entry.get("outcome") for entry in by_source if isinstance(entry, dict)}) < 2:
        out.append(("outcome_by_source", "the sources agree, so the outcome is not disputed"))
    return out


def _place_problems(
    event: Mapping[str, Any], known_place_ids: Collection[str] | None
) -> list[tuple[str, str]]:
    places = event["places"]
    if not isinstance(places, list) or not places:
        return [("places", "must be a non-empty list of place ids")]
    out: list[tuple[str, str]] = []
    for i, place in enumerate(places):
        if not isinstance(place, str):
            out.append((f"places[{i}]", "must be a place id string"))
        elif known_place_ids is not None and place not in known_place_ids:
            out.append((f"places[{i}]", f"{place!r} is not in the gazetteer"))
    if len(set(map(str, places))) != len(places):
        out.append(("places", "lists a place twice"))
    uncertainty = event["location_uncertainty_m"]
    if isinstance(uncertainty, bool) or not isinstance(uncertainty, int) or uncertainty < 0:
        out.append(("location_uncertainty_m", "must be a whole number of metres, zero or more"))
    route = event["route"]
    if route is None:
        return out
    if event["kind"] not in PATROL_KINDS:
        out.append(("route", "only patrols have a route"))
    if not isinstance(route, dict) or set(route) != {"from", "to", "reach_note"}:
        return [*out, ("route", "needs exactly 'from', 'to' and 'reach_note'")]
    for end in ("from", "to"):
        if route[end] not in places:
            out.append((f"route.{end}", f"{route[end]!r} must also be listed in places"))
    if route["from"] == route["to"]:
        out.append(("route", "starts and ends at the same place"))
    if not _is_text(route["reach_note"]):
        out.append(("route.reach_note", "must be a non-empty string"))
    return out


def _patrol_problems(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    number = event["patrol_number"]
    if number is None:
        return []
    if event["kind"] not in PATROL_KINDS:
        return [("patrol_number", "only patrols carry a patrol number")]
    if not isinstance(number, dict) or set(number) != {"tr_mod", "ru_centre", "other"}:
        return [("patrol_number", "needs exactly 'tr_mod', 'ru_centre' and 'other'")]
    out: list[tuple[str, str]] = [
        (f"patrol_number.{key}", "must be a positive whole number or null")
        for key in ("tr_mod", "ru_centre")
        if number[key] is not None and not _is_count(number[key])
    ]
    other = number["other"]
    if not isinstance(other, list):
        return [*out, ("patrol_number.other", "must be a list")]
    for i, entry in enumerate(other):
        if (
            not isinstance(entry, dict)
            or set(entry) != {"by", "number"}
            or not _is_text(entry["by"])
            or not _is_count(entry["number"])
        ):
            out.append(
                (f"patrol_number.other[{i}]", "needs a non-empty 'by' and a positive 'number'")
            )
    if number["tr_mod"] is None and number["ru_centre"] is None and not other:
        out.append(("patrol_number", "use null rather than an empty number"))
    return out


def _text_problems(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [
        (key, "must be a non-empty string")
        for key in ("location_note", "description")
        if not _is_text(event[key])
    ]
    out.extend(
        (key, "must be a non-empty string when present")
        for key in ("date_note", "casualties")
        if key in event and not _is_text(event[key])
    )
    for key in ("actors", "disagreements"):
        value = event[key]
        if not isinstance(value, list) or not all(_is_text(item) for item in value):
            out.append((key, "must be a list of non-empty strings"))
    seeds = event["seeds"]
    if not isinstance(seeds, list) or not all(
        isinstance(s, str) and SEED_ID.fullmatch(s) for s in seeds
    ):
        out.append(("seeds", "must be a list of seed ids such as '000_dea8e08e3134d6b9'"))
    related = event.get("related")
    if related is not None and (
        not isinstance(related, list) or not related or not all(_is_text(r) for r in related)
    ):
        out.append(("related", "must be a non-empty list of event ids when present"))
    return out


def _source_problems(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    sources = event["sources"]
    if not isinstance(sources, list) or not sources:
        return [("sources", "every event needs at least one source")]
    out: list[tuple[str, str]] = []
    for i, source in enumerate(sources):
        if not isinstance(source, dict) or set(source) != {"outlet", "url"}:
            out.append((f"sources[{i}]", "needs exactly 'outlet' and 'url'"))
            continue
        if not _is_text(source["outlet"]):
            out.append((f"sources[{i}].outlet", "must be a non-empty string"))
        if not _is_url(source["url"]):
            out.append((f"sources[{i}].url", "must be an http(s) URL"))
    return out


def _collection_problems(events: list[Any]) -> list[tuple[int | None, str, str]]:
    """Checks across events: unique ids, order, and links that point both ways."""
    dicts = [(i, e) for i, e in enumerate(events) if isinstance(e, dict) and "id" in e]
    out: list[tuple[int | None, str, str]] = []
    seen: dict[str, int] = {}
    for index, event in dicts:
        if event["id"] in seen:
            out.append((index, "id", f"{event['id']!r} repeats event {seen[event['id']]}"))
        seen.setdefault(event["id"], index)
    for (_, before), (index, after) in pairwise(dicts):
        if sort_key(after) < sort_key(before):
            out.append((index, "id", "events must be sorted by date, then id"))
    by_id = {event["id"]: event for _, event in dicts}
    for index, event in dicts:
        related = event.get("related")
        if not isinstance(related, list):
            continue
        for i, other_id in enumerate(related):
            other = by_id.get(other_id)
            if other is None:
                out.append((index, f"related[{i}]", f"{other_id!r} is not an event id"))
            elif other_id == event["id"]:
                out.append((index, f"related[{i}]", "an event cannot relate to itself"))
            elif event["id"] not in (other.get("related") or []):
                out.append((index, f"related[{i}]", f"{other_id!r} does not link back"))
    return out


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"https?://\S+", value) is not None
