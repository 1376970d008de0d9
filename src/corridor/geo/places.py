"""The gazetteer: every named place the project uses, found by any spelling.

Places come from ``geodata/places.csv``: inside the corridor's box each stands at its GeoNames point
as the village gazetteer (Who's On First) holds it, with a 1 km uncertainty, a note on how the record
was identified and the other records the name could mean (``alternatives``). A place that no gazetteer
has may be given in ``geodata/places_derived.csv`` as a *rule* (``along:REF:KM``, a signed distance
along the M4 from a reference place) and get its position from the route, so that a user's own road
geometry (``--route``) moves it with it; since issue 10 no place needs one.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from corridor._data import geodata_path
from corridor._errors import InputError, UnknownPlaceError

REGISTRY_COLUMNS = (
    "id",
    "name",
    "name_ar",
    "alt_names",
    "lat",
    "lon",
    "source",
    "source_url",
    "geonames_id",
    "derivation",
    "uncertainty_m",
    "alternatives",
    "note",
)
DERIVED_COLUMNS = (
    "id",
    "name",
    "name_ar",
    "alt_names",
    "rule",
    "uncertainty_m",
    "source",
    "source_url",
    "note",
)


@dataclass(frozen=True, slots=True)
class Place:
    """A named place with its position, its source and how far the point may be from the place."""

    id: str
    name: str
    lat: float
    lon: float
    source: str
    uncertainty_m: float
    name_ar: str = ""
    alt_names: tuple[str, ...] = ()
    source_url: str = ""
    geonames_id: int | None = None
    derivation: str = ""
    note: str = ""
    #: Other GeoNames records the name could mean: (GeoNames id, km from this point), nearest first.
    alternatives: tuple[tuple[int, float], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling of the place: the main name, the Arabic one and the alternatives."""
        return tuple(n for n in (self.name, self.name_ar, *self.alt_names) if n)

    @property
    def is_derived(self) -> bool:
        """True when the position was computed from a description rather than read from a registry."""
        return bool(self.derivation)


@dataclass(frozen=True, slots=True)
class DerivedPlace:
    """A place known only by a description such as '2 km west of Saraqib on the M4'."""

    id: str
    name: str
    reference: str
    along_km: float
    uncertainty_m: float
    source: str
    name_ar: str = ""
    alt_names: tuple[str, ...] = ()
    source_url: str = ""
    note: str = ""

    @property
    def rule(self) -> str:
        """The rule as written in ``places_derived.csv``."""
        return f"along:{self.reference}:{self.along_km:+g}"


_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # tashkeel, superscript alef, tatweel
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|at|ad|an|az|ال)[\s-]+|^ال")
_NOT_WORD = re.compile(r"[^\w]+")


def normalize_name(name: str) -> str:
    """Fold a place name for matching: case, diacritics, Arabic letter forms, punctuation, article.

    ``"Jisr ash-Shughūr"``, ``"jisr ash shughur"`` and ``"JISR-ASH-SHUGHUR"`` all fold to the same key.
    """
    text = unicodedata.normalize("NFKD", name.strip().casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    text = text.replace("ʿ", "").replace("ʾ", "").replace("'", "").replace("’", "").replace("‘", "")
    text = _NOT_WORD.sub(" ", text).strip()
    return _ARTICLE.sub("", text).strip()


class Gazetteer(Mapping[str, Place]):
    """Places by id, with lookup by any spelling (case- and diacritic-insensitive)."""

    def __init__(self, places: Iterable[Place]) -> None:
        self._by_id: dict[str, Place] = {}
        self._by_key: dict[str, str] = {}
        by_geonames: dict[int, str] = {}
        for place in places:
            if place.id in self._by_id:
                msg = f"place id {place.id!r} appears twice"
                raise InputError(msg, field="id")
            if place.geonames_id is not None:
                other = by_geonames.setdefault(place.geonames_id, place.id)
                if other != place.id:
                    msg = f"GeoNames id {place.geonames_id} is given to both {other!r} and {place.id!r}"
                    raise InputError(msg, field="geonames_id")
            self._by_id[place.id] = place
        for place in self._by_id.values():
            for spelling in (place.id, *place.names):
                # First writer wins, and ids come first: a spelling never hides another place's id.
                self._by_key.setdefault(normalize_name(spelling), place.id)

    def __getitem__(self, place_id: str) -> Place:
        return self._by_id[place_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def find(self, name: str) -> Place:
        """Return the place called ``name`` (any known spelling).

        Raises
        ------
        UnknownPlaceError
            When no place has that spelling; the message lists the closest known names.
        """
        place_id = self._by_key.get(normalize_name(name))
        if place_id is None:
            raise UnknownPlaceError(self._unknown_message(name), field="place")
        return self._by_id[place_id]

    def suggest(self, name: str, *, n: int = 3) -> list[str]:
        """Return up to ``n`` known place names closest to ``name``."""
        keys = difflib.get_close_matches(normalize_name(name), self._by_key, n=n * 3, cutoff=0.5)
        names: list[str] = []
        for key in keys:
            shown = self._by_id[self._by_key[key]].name
            if shown not in names:
                names.append(shown)
        return names[:n]

    def with_places(self, places: Iterable[Place]) -> Gazetteer:
        """Return a new gazetteer with ``places`` added (or replacing those with the same id)."""
        merged = dict(self._by_id)
        merged.update({p.id: p for p in places})
        return Gazetteer(merged.values())

    def _unknown_message(self, name: str) -> str:
        close = self.suggest(name)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return f"unknown place {name!r}{hint}"


def _split_names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _read_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != columns:
                msg = f"expected the columns {', '.join(columns)}; found {reader.fieldnames}"
                raise InputError(msg, file=str(path), row=1)
            # Row numbers count the header as row 1, as a spreadsheet shows them.
            yield from enumerate(reader, start=2)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file ({exc})", file=str(path)) from exc


def _number(
    row: dict[str, str], field: str, path: Path, row_no: int, lo: float, hi: float
) -> float:
    try:
        value = float(row[field])
    except (TypeError, ValueError):
        msg = f"{row[field]!r} is not a number"
        raise InputError(msg, file=str(path), row=row_no, field=field) from None
    if not lo <= value <= hi:
        msg = f"{value} is outside {lo}..{hi}"
        raise InputError(msg, file=str(path), row=row_no, field=field)
    return value


def _geonames_id(value: str, path: Path, row_no: int, field: str) -> int:
    text = value.strip()
    if not text.isdigit() or int(text) == 0:
        msg = f"{value!r} is not a GeoNames id (a positive whole number)"
        raise InputError(msg, file=str(path), row=row_no, field=field)
    return int(text)


_ALTERNATIVE = re.compile(r"^(?P<id>\d+):(?P<km>\d+(?:\.\d+)?)$")


def _alternatives(value: str, path: Path, row_no: int) -> tuple[tuple[int, float], ...]:
    """Parse ``ID:KM|ID:KM`` (other GeoNames records and their distance from the chosen point)."""
    out = []
    for part in filter(None, (p.strip() for p in value.split("|"))):
        match = _ALTERNATIVE.match(part)
        if not match:
            msg = f"{part!r} is not GEONAMES_ID:KM"
            raise InputError(msg, file=str(path), row=row_no, field="alternatives")
        out.append((int(match["id"]), float(match["km"])))
    return tuple(out)


def read_registry_places(path: Path | None = None) -> list[Place]:
    """Read ``places.csv``: places whose position comes from a registry or a sourced coordinate.

    Raises
    ------
    InputError
        Naming the file, row and field: a missing or unreadable file, wrong columns, a coordinate or
        uncertainty that is not a number in range, a malformed GeoNames id or alternative, and an id
        or GeoNames id given to two rows.
    """
    path = path or geodata_path("places.csv")
    places = []
    seen: dict[str, int] = {}
    seen_gid: dict[int, int] = {}
    for row_no, row in _read_rows(path, REGISTRY_COLUMNS):
        if row["id"] in seen:
            msg = f"place id {row['id']!r} is also on row {seen[row['id']]}"
            raise InputError(msg, file=str(path), row=row_no, field="id")
        seen[row["id"]] = row_no
        gid = (
            _geonames_id(row["geonames_id"], path, row_no, "geonames_id")
            if row["geonames_id"].strip()
            else None
        )
        if gid is not None and gid in seen_gid:
            msg = f"GeoNames id {gid} is also on row {seen_gid[gid]}"
            raise InputError(msg, file=str(path), row=row_no, field="geonames_id")
        if gid is not None:
            seen_gid[gid] = row_no
        places.append(
            Place(
                id=row["id"],
                name=row["name"],
                name_ar=row["name_ar"],
                alt_names=_split_names(row["alt_names"]),
                lat=_number(row, "lat", path, row_no, -90, 90),
                lon=_number(row, "lon", path, row_no, -180, 180),
                source=row["source"],
                source_url=row["source_url"],
                geonames_id=gid,
                derivation=row["derivation"],
                uncertainty_m=_number(row, "uncertainty_m", path, row_no, 0, 1e6),
                note=row["note"],
                alternatives=_alternatives(row["alternatives"], path, row_no),
            )
        )
    return places


_RULE = re.compile(r"^along:(?P<ref>[a-z0-9-]+):(?P<km>[+-]?\d+(?:\.\d+)?)$")


def read_derived_places(path: Path | None = None) -> list[DerivedPlace]:
    """Read ``places_derived.csv``: places placed on the route by a rule."""
    path = path or geodata_path("places_derived.csv")
    derived = []
    for row_no, row in _read_rows(path, DERIVED_COLUMNS):
        match = _RULE.match(row["rule"].strip())
        if not match:
            msg = f"{row['rule']!r} is not a rule of the form along:PLACE_ID:SIGNED_KM"
            raise InputError(msg, file=str(path), row=row_no, field="rule")
        derived.append(
            DerivedPlace(
                id=row["id"],
                name=row["name"],
                name_ar=row["name_ar"],
                alt_names=_split_names(row["alt_names"]),
                reference=match["ref"],
                along_km=float(match["km"]),
                uncertainty_m=_number(row, "uncertainty_m", path, row_no, 0, 1e6),
                source=row["source"],
                source_url=row["source_url"],
                note=row["note"],
            )
        )
    return derived


def known_place_ids() -> frozenset[str]:
    """Every place id the project knows: registry rows and derived places."""
    return frozenset([p.id for p in read_registry_places()] + [d.id for d in read_derived_places()])


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Return the registry places (without the derived ones, which need a route)."""
    return Gazetteer(read_registry_places(path))


def place_at(derived: DerivedPlace, *, lon: float, lat: float) -> Place:
    """Turn a derived place into a :class:`Place` at the position its rule gives."""
    direction = "west (towards Latakia)" if derived.along_km < 0 else "east (towards Aleppo)"
    how = f"{abs(derived.along_km):g} km {direction} of {derived.reference} along the modelled M4"
    return Place(
        id=derived.id,
        name=derived.name,
        name_ar=derived.name_ar,
        alt_names=derived.alt_names,
        lat=lat,
        lon=lon,
        source=derived.source,
        source_url=derived.source_url,
        derivation=f"{derived.rule} ({how})",
        uncertainty_m=derived.uncertainty_m,
        note=derived.note,
    )


__all__ = [
    "DerivedPlace",
    "Gazetteer",
    "Place",
    "known_place_ids",
    "load_gazetteer",
    "normalize_name",
    "place_at",
    "read_derived_places",
    "read_registry_places",
]
