"""The M4 as a line from Latakia to Aleppo, with linear referencing (chainage in km from Latakia).

By default the line joins the named places of ``geodata/m4_route.csv`` (18 places at their GeoNames
points, in the order the sources put them on the road) by geodesics; each segment says how confident
the project is that the real road stays close to it, and why the road is said to pass there. A user who has the real road (for
example an OpenStreetMap export) passes it as a GeoJSON line with :func:`read_route_file`; the named
places are then snapped to it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import LineString, MultiLineString
from shapely.ops import linemerge

from corridor._data import geodata_path
from corridor._errors import InputError
from corridor.geo.geodesy import PlanarLine, cumulative_m, densify
from corridor.geo.places import Gazetteer, Place
from corridor.geo.projection import lonlat_to_xy

#: Spacing of the geodesic densification of the named-place line, in metres. At 250 m, the chord of
#: the projected polyline departs from the geodesic by far less than a millimetre.
DENSIFY_STEP_M = 250.0

#: Vertices closer than this (m) to a stretch's end are taken to be that end (float noise of locate).
STRETCH_EPS_M = 0.001

#: How far (km) a named route place may lie from a user's road before the file is rejected as the
#: wrong road (or swapped coordinates).
SNAP_LIMIT_KM = 5.0

CONFIDENCE = {
    "high": "the road stays within about 1 km of this straight segment",
    "medium": "the road may bend up to about 3 km away from this segment",
    "low": "long segment over winding road: it may be several km off, and shorter than the road",
    "user": "taken from the user's road geometry",
}
#: How far (m) the real road may lie from a segment of each confidence: the figures behind the words
#: of :data:`CONFIDENCE`, and the one place the ranges of the headline border numbers take them from
#: (:mod:`corridor.geo.uncertainty`). ``user``: an OpenStreetMap way is drawn to within tens of metres,
#: and the carriageways' centreline is what the model uses.
CONFIDENCE_M = {"high": 1000.0, "medium": 3000.0, "low": 5000.0, "user": 50.0}


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of the modelled road between two consecutive named places."""

    from_id: str
    to_id: str
    km_from: float
    km_to: float
    confidence: str
    basis: str
    basis_url: str
    coords: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Route:
    """A polyline from Latakia to Aleppo with geodesic chainage.

    Attributes
    ----------
    coords
        Lon/lat vertices (densified), west to east.
    chainage_m
        Geodesic distance from the first vertex to each vertex.
    segments
        The named-place segments, with their confidence.
    source
        Where the geometry came from (the named places, or a user's file).
    """

    coords: np.ndarray
    chainage_m: np.ndarray
    segments: tuple[Segment, ...]
    source: str
    place_km: dict[str, float]
    _xy: LineString = field(repr=False)
    _xy_cum: np.ndarray = field(repr=False)

    @classmethod
    def from_coords(
        cls,
        coords: np.ndarray,
        *,
        source: str,
        anchors: list[tuple[str, int]] | None = None,
        segment_info: list[tuple[str, str, str]] | None = None,
    ) -> Route:
        """Build a route from lon/lat vertices; ``anchors`` are (place id, vertex index) pairs."""
        coords = np.asarray(coords, dtype=float)
        cum = cumulative_m(coords)
        x, y = lonlat_to_xy(coords[:, 0], coords[:, 1])
        xy_cum = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))])
        segments: list[Segment] = []
        place_km: dict[str, float] = {}
        for k, (pid, idx) in enumerate(anchors or []):
            place_km[pid] = cum[idx] / 1000
            if k + 1 < len(anchors or []):
                nxt_id, nxt_idx = (anchors or [])[k + 1]
                confidence, basis, url = (segment_info or [])[k]
                segments.append(
                    Segment(
                        pid,
                        nxt_id,
                        cum[idx] / 1000,
                        cum[nxt_idx] / 1000,
                        confidence,
                        basis,
                        url,
                        coords[idx : nxt_idx + 1],
                    )
                )
        return cls(
            coords,
            cum,
            tuple(segments),
            source,
            place_km,
            LineString(np.column_stack([x, y])),
            xy_cum,
        )

    @property
    def length_km(self) -> float:
        """Geodesic length of the whole line, in km."""
        return float(self.chainage_m[-1] / 1000)

    @property
    def line(self) -> LineString:
        """The route as a lon/lat LineString."""
        return LineString(self.coords)

    @property
    def metric_line(self) -> LineString:
        """The route in the corridor's metric CRS."""
        return self._xy

    @cached_property
    def _planar(self) -> PlanarLine:
        """The metric line prepared for locating points on it (built on first use)."""
        return PlanarLine(np.asarray(self._xy.coords))

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Chainage (km from Latakia) of the nearest road point, and which side each point is on.

        Returns
        -------
        chainage_km, side
            ``side`` is +1 north of the road (left when driving east), -1 south, 0 on it.
        """
        x, y = lonlat_to_xy(np.atleast_1d(lon), np.atleast_1d(lat))
        # shapely.line_locate_point's figures, from an STR tree of the road's segments.
        along = self._planar.locate(x, y)
        chainage_km = np.interp(along, self._xy_cum, self.chainage_m) / 1000
        xy = self._planar.xy
        seg = np.clip(np.searchsorted(self._xy_cum, along, side="right") - 1, 0, len(xy) - 2)
        d = xy[seg + 1] - xy[seg]
        cross = d[:, 0] * (y - xy[seg, 1]) - d[:, 1] * (x - xy[seg, 0])
        return chainage_km, np.sign(cross).astype(int)

    def segment_at(self, km: float) -> Segment:
        """The segment that holds chainage ``km`` (the first or last one beyond the ends)."""
        for seg in self.segments:
            if km <= seg.km_to:
                return seg
        return self.segments[-1]

    def point_at(self, km: float) -> tuple[float, float]:
        """Lon/lat of the road point ``km`` km from Latakia (clamped to the line)."""
        m = float(np.clip(km * 1000, 0, self.chainage_m[-1]))
        lon = float(np.interp(m, self.chainage_m, self.coords[:, 0]))
        lat = float(np.interp(m, self.chainage_m, self.coords[:, 1]))
        return lon, lat

    def stretch(self, km_a: float, km_b: float) -> LineString:
        """The lon/lat line between two chainages (in either order), following the road."""
        lo, hi = sorted((km_a * 1000, km_b * 1000))
        lo, hi = max(lo, 0.0), min(hi, float(self.chainage_m[-1]))
        # A section that ends at a named place ends on a vertex: keep that vertex out of the inner ones,
        # or the line would repeat a point (a zero-length edge that the buffer cannot orient).
        inner = (self.chainage_m > lo + STRETCH_EPS_M) & (self.chainage_m < hi - STRETCH_EPS_M)
        ends = [
            [np.interp(m, self.chainage_m, self.coords[:, i]) for i in range(2)] for m in (lo, hi)
        ]
        return LineString(np.vstack([ends[0], self.coords[inner], ends[1]]))


def read_route_definition(path: Path | None = None) -> list[dict[str, str]]:
    """Read ``m4_route.csv``: the ordered named places the default line joins."""
    path = path or geodata_path("m4_route.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = ["seq", "place_id", "confidence_to_next", "basis", "basis_url"]
    if not rows or list(rows[0]) != expected:
        raise InputError(f"expected the columns {', '.join(expected)}", file=str(path), row=1)
    for i, row in enumerate(rows, start=2):
        conf = row["confidence_to_next"]
        if i - 2 < len(rows) - 1 and conf not in CONFIDENCE:
            msg = f"{conf!r} is not one of {', '.join(CONFIDENCE)}"
            raise InputError(msg, file=str(path), row=i, field="confidence_to_next")
    return rows


def route_from_places(
    gazetteer: Gazetteer, definition: list[dict[str, str]] | None = None
) -> Route:
    """The M4 as geodesics between the named places of ``m4_route.csv``."""
    rows = definition or read_route_definition()
    places: list[Place] = [gazetteer[row["place_id"]] for row in rows]
    pieces: list[np.ndarray] = []
    anchors: list[tuple[str, int]] = []
    n = 0
    for k, place in enumerate(places):
        if k == 0:
            pieces.append(np.array([[place.lon, place.lat]]))
            anchors.append((place.id, 0))
            n = 1
            continue
        prev = places[k - 1]
        seg = densify(
            np.array([[prev.lon, prev.lat], [place.lon, place.lat]]), step_m=DENSIFY_STEP_M
        )[1:]
        pieces.append(seg)
        n += len(seg)
        anchors.append((place.id, n - 1))
    info = [(r["confidence_to_next"], r["basis"], r["basis_url"]) for r in rows[:-1]]
    return Route.from_coords(
        np.vstack(pieces),
        source="geodesics between the named places of geodata/m4_route.csv",
        anchors=anchors,
        segment_info=info,
    )


def _lines_from_geojson(data: object, path: Path) -> list[LineString]:
    def geometries(obj: object) -> list[dict]:
        if not isinstance(obj, dict):
            return []
        kind = obj.get("type")
        if kind == "FeatureCollection":
            return [g for f in obj.get("features") or [] for g in geometries(f)]
        if kind == "Feature":
            return geometries(obj.get("geometry"))
        if kind == "GeometryCollection":
            return [g for sub in obj.get("geometries") or [] for g in geometries(sub)]
        return [obj] if kind in {"LineString", "MultiLineString"} else []

    lines: list[LineString] = []
    for geom in geometries(data):
        parts = geom.get("coordinates") or []
        if geom["type"] == "LineString":
            parts = [parts]
        for part in parts:
            if not part:
                continue
            try:
                arr = np.asarray(part, dtype=float)[:, :2]
            except (ValueError, IndexError, TypeError):
                raise InputError(
                    "a line has malformed coordinates", file=str(path), field="coordinates"
                ) from None
            if len(arr) >= 2:
                lines.append(LineString(arr))
    return lines


def read_route_file(path: Path, gazetteer: Gazetteer) -> Route:
    """Use a user's road geometry (a GeoJSON LineString or MultiLineString, WGS 84) as the M4.

    The pieces must join into one line. The named places of ``m4_route.csv`` are snapped to it; each
    must lie within :data:`SNAP_LIMIT_KM` of it, which also catches swapped coordinates.
    """
    path = Path(path)
    return route_from_geojson(load_route_json(path), path, gazetteer)


def load_route_json(path: Path) -> Any:
    """The parsed JSON of a ``--route`` file; an unreadable or invalid file is an InputError."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the route file ({exc})", file=str(path)) from exc
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        raise InputError(msg, file=str(path)) from None


def route_from_geojson(data: Any, path: Path, gazetteer: Gazetteer) -> Route:
    """:func:`read_route_file` on JSON already parsed from ``path`` (named in the errors)."""
    lines = _lines_from_geojson(data, path)
    if not lines:
        raise InputError("no LineString or MultiLineString found", file=str(path))
    merged = linemerge(MultiLineString(lines)) if len(lines) > 1 else lines[0]
    if isinstance(merged, MultiLineString):
        msg = (
            f"the lines do not join into one road ({len(merged.geoms)} separate pieces); "
            "pass a single connected line from Latakia to Aleppo"
        )
        raise InputError(msg, file=str(path))
    coords = np.asarray(merged.coords)[:, :2]
    bad = ~((np.abs(coords[:, 0]) <= 180) & (np.abs(coords[:, 1]) <= 90))
    if bad.any():
        i = int(np.argmax(bad))
        msg = f"coordinate {coords[i].tolist()} is out of range for longitude, latitude"
        raise InputError(msg, file=str(path), field="coordinates")
    definition = read_route_definition()
    west = gazetteer[definition[0]["place_id"]]
    to_west = np.hypot(coords[[0, -1], 0] - west.lon, coords[[0, -1], 1] - west.lat)
    if to_west[0] > to_west[1]:
        coords = coords[::-1]
    densified = densify(coords, step_m=DENSIFY_STEP_M)
    bare = Route.from_coords(densified, source=f"user route {path.name}")
    return snap_places(bare, path, gazetteer, definition)


def snap_places(
    bare: Route, path: Path, gazetteer: Gazetteer, definition: list[dict[str, str]]
) -> Route:
    """Snap the named places of ``definition`` to a user's road ``bare``; trim it to Latakia–Aleppo."""
    from corridor.geo.geodesy import nearest_on_line_m

    ids = [row["place_id"] for row in definition]
    lon = np.array([gazetteer[i].lon for i in ids])
    lat = np.array([gazetteer[i].lat for i in ids])
    dist, _, _ = nearest_on_line_m(lon, lat, bare.line, window_m=3000, step_m=25)
    far = [(i, d / 1000) for i, d in zip(ids, dist, strict=True) if d / 1000 > SNAP_LIMIT_KM]
    if far:
        swapped, _, _ = nearest_on_line_m(lat, lon, bare.line, window_m=3000, step_m=25)
        hint = (
            " (the coordinates look swapped: GeoJSON is longitude first)"
            if (swapped / 1000 <= SNAP_LIMIT_KM).sum() > len(ids) - len(far)
            else ""
        )
        listed = ", ".join(f"{i} {d:.1f} km" for i, d in far)
        msg = f"the line is not the M4: named places lie too far from it ({listed}){hint}"
        raise InputError(msg, file=str(path), field="coordinates")
    km, _ = bare.locate(lon, lat)
    if np.any(np.diff(km) <= 0):
        msg = "the named places do not follow one another along the line from Latakia to Aleppo"
        raise InputError(msg, file=str(path), field="coordinates")
    # A full export of the M4 runs on past Aleppo towards Iraq: keep Latakia to Aleppo only, so that
    # chainage counts from Latakia.
    trimmed = np.asarray(bare.stretch(km[0], km[-1]).coords)
    bare = Route.from_coords(densify(trimmed, step_m=DENSIFY_STEP_M), source=bare.source)
    km = km - km[0]
    idx = [int(np.argmin(np.abs(bare.chainage_m / 1000 - k))) for k in km]
    info = [("user", f"snapped to {path.name}", "") for _ in ids[:-1]]
    return Route.from_coords(
        bare.coords, source=bare.source, anchors=list(zip(ids, idx, strict=True)), segment_info=info
    )
