"""The modelled road against every along-road distance the sources report (``road_check.json``).

A line through named places is shorter than the road it stands for: the road winds between them. How
much shorter, stretch by stretch, is a finding, not an error to hide, so every reported figure is kept
(the sources disagree: 70, 71 and 73 km for the patrol route; 98 and 120 km Latakia–Saraqib) and set
against the model as model ÷ reported. The reported figures are in ``geodata/road_distances.csv``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from corridor._data import geodata_path
from corridor._errors import InputError
from corridor.geo.route import Route

ROAD_DISTANCE_COLUMNS = (
    "id",
    "from_id",
    "to_id",
    "reported_km",
    "approx",
    "source",
    "source_url",
    "note",
)


@dataclass(frozen=True, slots=True)
class ReportedDistance:
    """An along-road distance between two named places, as a source gives it."""

    id: str
    from_id: str
    to_id: str
    reported_km: float
    approx: bool
    source: str
    source_url: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class StretchCheck:
    """One reported distance against the model's chainage between the same two places."""

    reported: ReportedDistance
    model_km: float

    @property
    def ratio(self) -> float:
        """Model ÷ reported: below 1 where the modelled road is shorter than the road described."""
        return self.model_km / self.reported.reported_km

    def as_dict(self) -> dict:
        r = self.reported
        return {
            "id": r.id,
            "from": r.from_id,
            "to": r.to_id,
            "reported_km": r.reported_km,
            "approx": r.approx,
            "model_km": round(self.model_km, 2),
            "model_over_reported": round(self.ratio, 3),
            "source": r.source,
            "source_url": r.source_url,
            "note": r.note,
        }


def read_road_distances(path: Path | None = None) -> list[ReportedDistance]:
    """Read ``road_distances.csv``, naming file, row and field on any bad value."""
    path = path or geodata_path("road_distances.csv")
    out = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != ROAD_DISTANCE_COLUMNS:
                msg = f"expected the columns {', '.join(ROAD_DISTANCE_COLUMNS)}"
                raise InputError(msg, file=str(path), row=1)
            for row_no, row in enumerate(reader, start=2):
                try:
                    km = float(row["reported_km"])
                except ValueError:
                    msg = f"{row['reported_km']!r} is not a number"
                    raise InputError(msg, file=str(path), row=row_no, field="reported_km") from None
                if not 0 < km < 1000:
                    msg = f"{km:g} is not a road distance in km"
                    raise InputError(msg, file=str(path), row=row_no, field="reported_km")
                if row["approx"] not in {"yes", "no"}:
                    msg = f"{row['approx']!r} is neither yes nor no"
                    raise InputError(msg, file=str(path), row=row_no, field="approx")
                out.append(
                    ReportedDistance(
                        row["id"],
                        row["from_id"],
                        row["to_id"],
                        km,
                        row["approx"] == "yes",
                        row["source"],
                        row["source_url"],
                        row["note"],
                    )
                )
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file ({exc})", file=str(path)) from exc
    return out


def check_road(
    place_km: Mapping[str, float], reported: Sequence[ReportedDistance] | None = None
) -> list[StretchCheck]:
    """Every reported distance against the model: the chainage between the two places' road points.

    ``place_km`` is the chainage (km from Latakia) of the nearest road point of each place.
    """
    reported = read_road_distances() if reported is None else reported
    checks = []
    for r in reported:
        missing = [p for p in (r.from_id, r.to_id) if p not in place_km]
        if missing:
            msg = f"{', '.join(missing)} is not a known place"
            raise InputError(msg, file=str(geodata_path("road_distances.csv")), field="from_id")
        checks.append(StretchCheck(r, abs(place_km[r.to_id] - place_km[r.from_id])))
    return checks


def road_check_document(route: Route, checks: Sequence[StretchCheck]) -> dict:
    """The content of ``road_check.json``: the road's segments, and every stretch as model ÷ reported.

    Stretches that several sources give different lengths for are listed together under
    ``disagreements``, every figure kept.
    """
    groups: dict[tuple[str, str], list[StretchCheck]] = {}
    for c in checks:
        groups.setdefault((c.reported.from_id, c.reported.to_id), []).append(c)
    return {
        "route_source": route.source,
        "length_km": round(route.length_km, 2),
        "segments": [
            {
                "from": s.from_id,
                "to": s.to_id,
                "km_from": round(s.km_from, 2),
                "km_to": round(s.km_to, 2),
                "length_km": round(s.km_to - s.km_from, 2),
                "confidence": s.confidence,
                "basis": s.basis,
                "basis_url": s.basis_url,
            }
            for s in route.segments
        ],
        "stretches": [c.as_dict() for c in checks],
        "disagreements": [
            {
                "from": a,
                "to": b,
                "reported_km": [c.reported.reported_km for c in group],
                "model_km": round(group[0].model_km, 2),
            }
            for (a, b), group in groups.items()
            if len({c.reported.reported_km for c in group}) > 1
        ],
        "method": (
            "Model: the chainage between the two places' nearest points on the modelled road "
            "(geodesic, WGS 84). A road drawn as straight lines between named places is shorter than "
            "the road it stands for wherever the road winds between them."
        ),
    }


__all__ = [
    "ROAD_DISTANCE_COLUMNS",
    "ReportedDistance",
    "StretchCheck",
    "check_road",
    "read_road_distances",
    "road_check_document",
]
