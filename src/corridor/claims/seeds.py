"""Seed records: one structured, sourced summary per news article the project started from.

Each ``seeds/<stem>.json`` says who published the article and when (and how that was worked out),
which catalogue events it reports, and what it claims. Every claim carries a machine-readable
``check`` so that a later step can test it against the geographic model (a width, a distance, a date,
a patrol's outcome) or say plainly that it cannot (``not_checkable``, with a reason).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from corridor._data import data_dir
from corridor._errors import InputError
from corridor.events.catalogue import OUTCOMES, SEED_ID, is_real_date

PUBLISHED_PRECISIONS: frozenset[str] = frozenset({"day", "month", "year"})
BASES: frozenset[str] = frozenset({"stated", "inferred"})
STATED_UNITS: frozenset[str] = frozenset(
    {"km", "mi", "date", "count", "places", "outcome", "year", "day"}
)
ROADS: frozenset[str] = frozenset({"m4", "m5", "m4+m5"})
ORIENTATIONS: frozenset[str] = frozenset({"east-west", "north-south"})
RELATIONS: frozenset[str] = frozenset({"links", "connects"})
CLAIM_DATE_PRECISIONS: frozenset[str] = frozenset({"day", "week", "month", "year"})
DURATION_UNITS: frozenset[str] = frozenset({"day", "month", "year"})
DIRECTIONS: frozenset[str] = frozenset({"N", "NE", "E", "SE", "S", "SW", "W", "NW"})

# Each check kind with the parameters it takes (besides "kind") and whether each is required.
CHECK_PARAMS: Mapping[str, Mapping[str, bool]] = {
    "corridor_half_width": {"value_km": True},
    "corridor_total_width": {"value_km": True},
    "unit_conversion": {"km": True, "mi": True},
    "border_distance": {"value_km": True, "value_mi": False, "approx": True},
    "road_links": {"road": True, "places": True, "relation": True},
    "road_orientation": {"road": True, "orientation": True},
    "place_offset": {"place": True, "reference": True, "distance_km": True, "direction": True},
    "event_date": {"event_id": True, "date": True, "precision": True},
    "patrol_outcome": {"event_id": True, "outcome": True, "by": True},
    "patrol_number": {"event_id": True, "number": True, "by": True},
    "duration": {"from": True, "to": True, "value": True, "unit": True, "approx": True},
    "not_checkable": {"reason": True},
}
CHECK_KINDS: frozenset[str] = frozenset(CHECK_PARAMS)

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_DATE_BY_PRECISION = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "week": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "year": re.compile(r"\d{4}"),
}
_TOP_FIELDS = (
    "id",
    "file",
    "outlet",
    "outlet_basis",
    "headline",
    "published",
    "url",
    "summary",
    "events",
    "claims",
)
_OPTIONAL_TOP_FIELDS = ("outlet_note",)


@dataclass(frozen=True, slots=True)
class Published:
    """When the article appeared, how precisely that is known, and how it was worked out."""

    date: str
    precision: str
    basis: str
    how: str


@dataclass(frozen=True, slots=True)
class SeedEvent:
    """A catalogue event the article reports, and how it reports it."""

    event_id: str
    as_reported: str


@dataclass(frozen=True, slots=True)
class Stated:
    """A claim's figure as the article gives it."""

    value: Any
    unit: str | None
    qualifier: str


@dataclass(frozen=True, slots=True)
class Claim:
    """One assertion in an article, who it is attributed to, and how to check it."""

    id: str
    statement: str
    attributed_to: str
    stated: Stated
    check: dict[str, Any]

    @property
    def kind(self) -> str:
        """The check kind, one of :data:`CHECK_KINDS`."""
        return str(self.check["kind"])


@dataclass(frozen=True, slots=True)
class SeedRecord:
    """The structured record of one seed article."""

    id: str
    file: str
    outlet: str
    outlet_basis: str
    headline: str
    published: Published
    url: str | None
    summary: str
    events: tuple[SeedEvent, ...]
    claims: tuple[Claim, ...]
    outlet_note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data (``outlet_note`` left out when empty)."""
        data = asdict(self)
        data["events"] = list(data["events"])
        data["claims"] = list(data["claims"])
        if data["outlet_note"] is None:
            del data["outlet_note"]
        return data


def seeds_dir() -> Path:
    """Return the folder of seed records: ``corridor/seeds`` in a wheel, ``seeds/`` in a checkout."""
    return data_dir("seeds")


def load_seeds(
    folder: Path | None = None,
    *,
    known_event_ids: Collection[str] | None = None,
    known_place_ids: Collection[str] | None = None,
) -> list[SeedRecord]:
    """Read and check every ``*.json`` seed record in a folder, sorted by id.

    Parameters
    ----------
    folder
        Where the records are; by default :func:`seeds_dir`.
    known_event_ids, known_place_ids
        Catalogue event ids and gazetteer ids that references must resolve to; ``None`` skips
        that cross-check.

    Returns
    -------
    list of SeedRecord

    Raises
    ------
    InputError
        If a file is not JSON or a record has a problem; the message names the file and field.
    """
    folder = seeds_dir() if folder is None else folder
    return [
        load_seed(path, known_event_ids=known_event_ids, known_place_ids=known_place_ids)
        for path in sorted(folder.glob("*.json"))
    ]


def load_seed(
    path: Path,
    *,
    known_event_ids: Collection[str] | None = None,
    known_place_ids: Collection[str] | None = None,
) -> SeedRecord:
    """Read and check one seed record; see :func:`load_seeds`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg} at line {exc.lineno})", file=str(path)
        ) from exc
    problems = _problems(data, known_event_ids=known_event_ids, known_place_ids=known_place_ids)
    if not problems and data["id"] != path.stem:
        problems = [("id", f"{data['id']!r} does not match the file name {path.name!r}")]
    if problems:
        field, message = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputError(message + more, file=str(path), field=field)
    return _record(data)


def validate_seed(
    record: SeedRecord | Mapping[str, Any],
    *,
    known_event_ids: Collection[str] | None,
    known_place_ids: Collection[str] | None,
) -> list[str]:
    """Return the problems in one seed record, each as ``"field: message"``; empty when it is sound.

    Parameters
    ----------
    record
        A loaded :class:`SeedRecord` or the raw JSON object.
    known_event_ids, known_place_ids
        Catalogue event ids and gazetteer ids references must resolve to; ``None`` skips the check.
    """
    data = record.as_dict() if isinstance(record, SeedRecord) else record
    problems = _problems(data, known_event_ids=known_event_ids, known_place_ids=known_place_ids)
    return [f"{field}: {message}" for field, message in problems]


def _record(data: Mapping[str, Any]) -> SeedRecord:
    return SeedRecord(
        id=data["id"],
        file=data["file"],
        outlet=data["outlet"],
        outlet_basis=data["outlet_basis"],
        outlet_note=data.get("outlet_note"),
        headline=data["headline"],
        published=Published(**data["published"]),
        url=data["url"],
        summary=data["summary"],
        events=tuple(SeedEvent(**event) for event in data["events"]),
        claims=tuple(
            Claim(
                id=claim["id"],
                statement=claim["statement"],
                attributed_to=claim["attributed_to"],
                stated=Stated(**claim["stated"]),
                check=dict(claim["check"]),
            )
            for claim in data["claims"]
        ),
    )


def _problems(
    data: Any,
    *,
    known_event_ids: Collection[str] | None,
    known_place_ids: Collection[str] | None,
) -> list[tuple[str, str]]:
    if not isinstance(data, Mapping):
        return [("", "a seed record must be a JSON object")]
    out = [(key, "required field is missing") for key in _TOP_FIELDS if key not in data]
    out.extend(
        (key, "unknown field")
        for key in data
        if key not in _TOP_FIELDS and key not in _OPTIONAL_TOP_FIELDS
    )
    if out:
        return out
    seed_id = data["id"]
    if not isinstance(seed_id, str) or not SEED_ID.fullmatch(seed_id):
        return [("id", f"{seed_id!r} is not a seed id such as '000_dea8e08e3134d6b9'")]
    if data["file"] != f"{seed_id}.txt":
        out.append(("file", f"must be {seed_id}.txt"))
    for key in ("outlet", "headline", "summary"):
        if not _is_text(data[key]):
            out.append((key, "must be a non-empty string"))
    if data["outlet_basis"] not in BASES:
        out.append(("outlet_basis", f"must be one of {sorted(BASES)}"))
    if "outlet_note" in data and not _is_text(data["outlet_note"]):
        out.append(("outlet_note", "must be a non-empty string when present"))
    url = data["url"]
    if url is not None and not (isinstance(url, str) and re.fullmatch(r"https?://\S+", url)):
        out.append(("url", "must be null or an http(s) URL"))
    out.extend(_published_problems(data["published"]))
    out.extend(_event_problems(data["events"], known_event_ids))
    out.extend(_claim_problems(data["claims"], seed_id, known_event_ids, known_place_ids))
    return out


def _published_problems(published: Any) -> list[tuple[str, str]]:
    if not isinstance(published, Mapping) or set(published) != {
        "date",
        "precision",
        "basis",
        "how",
    }:
        return [("published", "needs exactly 'date', 'precision', 'basis' and 'how'")]
    out: list[tuple[str, str]] = []
    precision = published["precision"]
    if precision not in PUBLISHED_PRECISIONS:
        out.append(("published.precision", f"must be one of {sorted(PUBLISHED_PRECISIONS)}"))
    elif not _date_matches(published["date"], precision):
        out.append(
            ("published.date", f"{published['date']!r} does not match precision {precision!r}")
        )
    if published["basis"] not in BASES:
        out.append(("published.basis", f"must be one of {sorted(BASES)}"))
    if not _is_text(published["how"]):
        out.append(("published.how", "must say what dates the article"))
    return out


def _event_problems(events: Any, known_event_ids: Collection[str] | None) -> list[tuple[str, str]]:
    if not isinstance(events, list):
        return [("events", "must be a list")]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, event in enumerate(events):
        field = f"events[{i}]"
        if not isinstance(event, Mapping) or set(event) != {"event_id", "as_reported"}:
            out.append((field, "needs exactly 'event_id' and 'as_reported'"))
            continue
        event_id = event["event_id"]
        if known_event_ids is not None and event_id not in known_event_ids:
            out.append((f"{field}.event_id", f"{event_id!r} is not in the event catalogue"))
        if event_id in seen:
            out.append((f"{field}.event_id", f"{event_id!r} is listed twice"))
        seen.add(event_id)
        if not _is_text(event["as_reported"]):
            out.append((f"{field}.as_reported", "must be a non-empty string"))
    return out


def _claim_problems(
    claims: Any,
    seed_id: str,
    known_event_ids: Collection[str] | None,
    known_place_ids: Collection[str] | None,
) -> list[tuple[str, str]]:
    if not isinstance(claims, list):
        return [("claims", "must be a list")]
    out: list[tuple[str, str]] = []
    prefix = seed_id[:3] + "-"
    seen: set[str] = set()
    for i, claim in enumerate(claims):
        field = f"claims[{i}]"
        if not isinstance(claim, Mapping) or set(claim) != {
            "id",
            "statement",
            "attributed_to",
            "stated",
            "check",
        }:
            out.append((field, "needs exactly id, statement, attributed_to, stated and check"))
            continue
        claim_id = claim["id"]
        if not (
            isinstance(claim_id, str)
            and claim_id.startswith(prefix)
            and _SLUG.fullmatch(claim_id[len(prefix) :])
        ):
            out.append((f"{field}.id", f"{claim_id!r} must be '{prefix}<slug>'"))
        elif claim_id in seen:
            out.append((f"{field}.id", f"{claim_id!r} is used twice"))
        seen.add(str(claim_id))
        for key in ("statement", "attributed_to"):
            if not _is_text(claim[key]):
                out.append((f"{field}.{key}", "must be a non-empty string"))
        out.extend(_stated_problems(claim["stated"], f"{field}.stated"))
        out.extend(
            _check_problems(claim["check"], f"{field}.check", known_event_ids, known_place_ids)
        )
    return out


def _stated_problems(stated: Any, field: str) -> list[tuple[str, str]]:
    if not isinstance(stated, Mapping) or set(stated) != {"value", "unit", "qualifier"}:
        return [(field, "needs exactly 'value', 'unit' and 'qualifier'")]
    out: list[tuple[str, str]] = []
    value = stated["value"]
    if not (value is None or isinstance(value, (int, float, str, list))) or isinstance(value, bool):
        out.append((f"{field}.value", "must be a number, a string, a list or null"))
    if stated["unit"] is not None and stated["unit"] not in STATED_UNITS:
        out.append((f"{field}.unit", f"must be null or one of {sorted(STATED_UNITS)}"))
    if not _is_text(stated["qualifier"]):
        out.append((f"{field}.qualifier", "must be a non-empty string"))
    return out


def _check_problems(
    check: Any,
    field: str,
    known_event_ids: Collection[str] | None,
    known_place_ids: Collection[str] | None,
) -> list[tuple[str, str]]:
    if not isinstance(check, Mapping) or check.get("kind") not in CHECK_KINDS:
        kind = check.get("kind") if isinstance(check, Mapping) else None
        return [(f"{field}.kind", f"{kind!r} is not one of {sorted(CHECK_KINDS)}")]
    kind = check["kind"]
    params = CHECK_PARAMS[kind]
    out = [
        (f"{field}.{name}", f"required for a {kind} check")
        for name, required in params.items()
        if required and name not in check
    ]
    out.extend(
        (f"{field}.{name}", f"not a parameter of a {kind} check")
        for name in check
        if name != "kind" and name not in params
    )
    if out:
        return out

    def bad(name: str, message: str) -> None:
        out.append((f"{field}.{name}", message))

    def need_number(name: str, *, positive: bool = True) -> None:
        value = check[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            bad(name, "must be a number")
        elif positive and value <= 0:
            bad(name, "must be greater than zero")

    def need_event(name: str) -> None:
        if not _is_text(check[name]):
            bad(name, "must be an event id")
        elif known_event_ids is not None and check[name] not in known_event_ids:
            bad(name, f"{check[name]!r} is not in the event catalogue")

    def need_place(name: str, *, allow: frozenset[str] = frozenset()) -> None:
        value = check[name]
        if value in allow:
            return
        if not _is_text(value):
            bad(name, "must be a place id")
        elif known_place_ids is not None and value not in known_place_ids:
            bad(name, f"{value!r} is not in the gazetteer")

    def need_in(name: str, allowed: frozenset[str]) -> None:
        if check[name] not in allowed:
            bad(name, f"{check[name]!r} is not one of {sorted(allowed)}")

    def need_bool(name: str) -> None:
        if not isinstance(check[name], bool):
            bad(name, "must be true or false")

    if kind in ("corridor_half_width", "corridor_total_width"):
        need_number("value_km")
    elif kind == "unit_conversion":
        need_number("km")
        need_number("mi")
    elif kind == "border_distance":
        need_number("value_km")
        if check.get("value_mi") is not None:
            need_number("value_mi")
        need_bool("approx")
    elif kind == "road_links":
        need_in("road", ROADS)
        need_in("relation", RELATIONS)
        places = check["places"]
        if (
            not isinstance(places, list)
            or len(places) < 2
            or not all(isinstance(p, str) and _SLUG.fullmatch(p) for p in places)
        ):
            bad("places", "must list two or more lowercase place slugs")
    elif kind == "road_orientation":
        need_in("road", ROADS)
        need_in("orientation", ORIENTATIONS)
    elif kind == "place_offset":
        need_place("place")
        need_place("reference", allow=frozenset({"m4"}))
        need_number("distance_km", positive=False)
        if check["direction"] is not None:
            need_in("direction", DIRECTIONS)
    elif kind == "event_date":
        need_event("event_id")
        need_in("precision", CLAIM_DATE_PRECISIONS)
        if check["precision"] in CLAIM_DATE_PRECISIONS and not _date_matches(
            check["date"], check["precision"]
        ):
            bad("date", f"{check['date']!r} does not match precision {check['precision']!r}")
    elif kind == "patrol_outcome":
        need_event("event_id")
        need_in("outcome", OUTCOMES - {"disputed"})
        if not _is_text(check["by"]):
            bad("by", "must name who reports the outcome")
    elif kind == "patrol_number":
        need_event("event_id")
        number = check["number"]
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            bad("number", "must be a positive whole number")
        if not _is_text(check["by"]):
            bad("by", "must name who gives the number")
    elif kind == "duration":
        for end in ("from", "to"):
            value = check[end]
            if value is not None and not (
                isinstance(value, str) and _PARTIAL_DATE.fullmatch(value) and is_real_date(value)
            ):
                bad(end, "must be null or an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        if check["value"] is not None:
            need_number("value")
        need_in("unit", DURATION_UNITS)
        need_bool("approx")
    elif not _is_text(check["reason"]):
        bad("reason", "must say why the claim cannot be checked")
    return out


def _date_matches(value: Any, precision: str) -> bool:
    pattern = _DATE_BY_PRECISION.get(precision)
    return (
        isinstance(value, str)
        and pattern is not None
        and pattern.fullmatch(value) is not None
        and is_real_date(value)
    )


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
