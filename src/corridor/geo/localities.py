"""The village-level gazetteer (Who's On First's GeoNames localities) and the project's places against it.

The shared gazetteer (``localities.csv``: one GeoNames populated place a row, with Who's On First's id)
is not shipped with the package; :func:`read_localities` reads it from wherever it is, and
:func:`compare_places` measures every place of ``geodata/places.csv`` that has a GeoNames id against
the record of that id: the stated uncertainty is a promise, and this is where it is kept or broken.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from corridor._errors import InputError
from corridor.geo.geodesy import GEOD
from corridor.geo.places import Place

#: The columns :func:`read_localities` needs (the file has more).
LOCALITY_COLUMNS = ("wof_id", "geonames_id", "name", "name_ar", "lat", "lon", "gn_admin1")
#: GeoNames admin1 codes of the governorates the road crosses (the gazetteer's README).
GOVERNORATES = {"2": "Latakia", "9": "Aleppo", "10": "Hama", "12": "Idlib"}


@dataclass(frozen=True, slots=True)
class Locality:
    """One GeoNames record of the gazetteer."""

    geonames_id: int
    name: str
    name_ar: str
    lat: float
    lon: float
    governorate: str
    row: int


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A project place and the gazetteer record of its GeoNames id."""

    place_id: str
    geonames_id: int
    gazetteer_name: str
    distance_m: float
    uncertainty_m: float
    #: (GeoNames id, stated km, measured km) of each alternative the row names.
    alternatives: tuple[tuple[int, float, float | None], ...]

    @property
    def within(self) -> bool:
        """True when the place's point lies within its stated uncertainty of the gazetteer's."""
        return self.distance_m <= self.uncertainty_m


def coordinate(row: dict[str, str], field: str, path: Path, row_no: int, limit: float) -> float:
    """A latitude or longitude from a CSV row: a finite number within ±``limit`` degrees, or an
    :class:`InputError` naming the file, row and field."""
    text = (row.get(field) or "").strip()
    if not text:
        raise InputError("no coordinate", file=str(path), row=row_no, field=field)
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"{text!r} is not a number", file=str(path), row=row_no, field=field
        ) from None
    if not (math.isfinite(value) and -limit <= value <= limit):
        msg = f"{text} is outside -{limit:g}..{limit:g}"
        raise InputError(msg, file=str(path), row=row_no, field=field)
    return value


def read_localities(path: Path | str) -> dict[int, Locality]:
    """Read the gazetteer's ``localities.csv``; the records with a GeoNames id, by that id.

    Parameters
    ----------
    path
        The file, or the folder holding it.

    Raises
    ------
    InputError
        With the file, the row (the header is row 1) and the field: a missing or unreadable file,
        missing columns, a row without coordinates or with coordinates out of range, a GeoNames id
        that is not a number, or one that appears twice.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "localities.csv"
    out: dict[int, Locality] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in LOCALITY_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                msg = f"missing the columns {', '.join(missing)}"
                raise InputError(msg, file=str(path), row=1)
            for row_no, row in enumerate(reader, start=2):
                text = (row["geonames_id"] or "").strip()
                if not text:
                    continue  # a Who's On First record that GeoNames does not have
                if not text.isdigit():
                    msg = f"{text!r} is not a GeoNames id"
                    raise InputError(msg, file=str(path), row=row_no, field="geonames_id")
                gid = int(text)
                if gid in out:
                    msg = f"GeoNames id {gid} is also on row {out[gid].row}"
                    raise InputError(msg, file=str(path), row=row_no, field="geonames_id")
                out[gid] = Locality(
                    geonames_id=gid,
                    name=row["name"] or "",
                    name_ar=row["name_ar"] or "",
                    lat=coordinate(row, "lat", path, row_no, 90),
                    lon=coordinate(row, "lon", path, row_no, 180),
                    governorate=GOVERNORATES.get((row["gn_admin1"] or "").split(".")[0], ""),
                    row=row_no,
                )
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the gazetteer ({exc})", file=str(path)) from exc
    return out


def _km(a: Place | Locality, b: Locality) -> float:
    return float(GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2]) / 1000


def compare_places(places: Iterable[Place], localities: Mapping[int, Locality]) -> list[PlaceMatch]:
    """Every place with a GeoNames id that the gazetteer holds, measured against that record.

    Places whose id the gazetteer lacks (it covers only the corridor's box) are left out.
    """
    matches = []
    for place in places:
        record = localities.get(place.geonames_id) if place.geonames_id else None
        if record is None:
            continue
        alternatives = tuple(
            (gid, km, _km(place, localities[gid]) if gid in localities else None)
            for gid, km in place.alternatives
        )
        matches.append(
            PlaceMatch(
                place.id,
                record.geonames_id,
                record.name,
                _km(place, record) * 1000,
                place.uncertainty_m,
                alternatives,
            )
        )
    return matches


__all__ = [
    "GOVERNORATES",
    "LOCALITY_COLUMNS",
    "Locality",
    "PlaceMatch",
    "compare_places",
    "read_localities",
]
