"""A road file shaped like an OpenStreetMap export of the M4, turned into the one line the model needs.

An export of the M4 (Overpass, osmium, QGIS) is not one line. It has many ways, a carriageway for each
direction about 30 m apart, short gaps where a way is missing, slip roads, the M4 going on east of
Aleppo, and other roads (the M5) in the same file; and it may cover only part of the road. This module
keeps the M4's main carriageways (``ref`` M4, not ``*_link``), chains each direction's ways west to
east bridging gaps up to :data:`GAP_MAX_M`, averages the two carriageways into a centreline where they
run side by side, and fills what the file does not cover with the modelled road. Each segment of the
result says where it came from: ``confidence = user`` where the file covers it, the modelled
segment's confidence elsewhere (``m4.geojson``'s ``confidence`` and ``basis``).

A plain file (one line, or pieces that join into one, without OSM tags) is read by
:func:`corridor.geo.route.read_route_file` as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.ops import linemerge

from corridor._errors import InputError
from corridor.geo.geodesy import densify, distance_m
from corridor.geo.places import Gazetteer
from corridor.geo.projection import lonlat_to_xy, xy_to_lonlat
from corridor.geo.route import (
    DENSIFY_STEP_M,
    Route,
    Segment,
    load_route_json,
    read_route_definition,
    route_from_geojson,
    route_from_places,
    snap_places,
)

#: Longest gap between consecutive ways of one carriageway that is bridged by a straight line. Larger
#: gaps are filled with the modelled road.
GAP_MAX_M = 1000.0
#: Two carriageways closer than this are one road: their centreline is used. A dual carriageway's two
#: ways run 20–40 m apart; a slip road or a parallel street is further.
PAIR_MAX_M = 80.0
#: Spacing at which the carriageways are resampled before averaging.
SAMPLE_M = 50.0
#: A way of the file further than this from the modelled road (between its ends) is not the M4: the
#: modelled road's least confident segments may be several km off, not tens.
FAR_KM = 15.0
#: A vertex of the final line within this distance of the file's road came from the file.
FROM_FILE_M = 1.0
_REF_SPLIT = re.compile(r"[;,/]")


@dataclass(frozen=True)
class Way:
    """One line of the file, with its OSM tags."""

    coords: np.ndarray
    tags: dict


def _is_m4(ref: str) -> bool:
    return any(re.fullmatch(r"M\s*-?\s*4", t.strip(), re.IGNORECASE) for t in _REF_SPLIT.split(ref))


def read_ways(data: object, path: Path) -> list[Way]:
    """Every LineString (or MultiLineString part) of a GeoJSON object, with its feature's tags."""

    def walk(obj: object, tags: dict) -> list[tuple[dict, dict]]:
        if not isinstance(obj, dict):
            return []
        kind = obj.get("type")
        if kind == "FeatureCollection":
            return [g for f in obj.get("features") or [] for g in walk(f, {})]
        if kind == "Feature":
            props = obj.get("properties")
            return walk(obj.get("geometry"), props if isinstance(props, dict) else {})
        if kind == "GeometryCollection":
            return [g for sub in obj.get("geometries") or [] for g in walk(sub, tags)]
        return [(obj, tags)] if kind in {"LineString", "MultiLineString"} else []

    ways: list[Way] = []
    for number, (geom, tags) in enumerate(walk(data, {}), start=1):
        parts = geom.get("coordinates") or []
        for part in [parts] if geom["type"] == "LineString" else parts:
            try:
                arr = np.asarray(part, dtype=float)[:, :2]
            except (ValueError, IndexError, TypeError):
                msg = f"line {number} has malformed coordinates"
                raise InputError(msg, file=str(path), field="coordinates") from None
            bad = ~((np.abs(arr[:, 0]) <= 180) & (np.abs(arr[:, 1]) <= 90))
            if bad.any():
                msg = f"line {number}: {arr[np.argmax(bad)].tolist()} is out of range for lon, lat"
                raise InputError(msg, file=str(path), field="coordinates")
            if len(arr) >= 2:
                ways.append(Way(arr, dict(tags)))
    return ways


def is_osm_shaped(ways: list[Way]) -> bool:
    """True when the file carries OSM tags or its lines do not join into one."""
    if any("ref" in w.tags or "highway" in w.tags for w in ways):
        return True
    if len(ways) < 2:
        return False
    merged = linemerge(MultiLineString([LineString(w.coords) for w in ways]))
    return isinstance(merged, MultiLineString)


def m4_carriageways(ways: list[Way]) -> list[Way]:
    """The M4's main carriageways: ``ref`` holds M4 (``M4;M5`` too) and it is not a slip road.

    A file without any ``ref`` keeps all its lines that are not slip roads.
    """
    main = [w for w in ways if not str(w.tags.get("highway", "")).endswith("_link")]
    if not any("ref" in w.tags for w in ways):
        return main
    return [w for w in main if _is_m4(str(w.tags.get("ref", "")))]


def _extended_km(route: Route, coords: np.ndarray) -> np.ndarray:
    """Chainage on the modelled road, continued past its ends by the distance to the end point."""
    km, _ = route.locate(coords[:, 0], coords[:, 1])
    start, end = route.coords[0], route.coords[-1]
    for i, (lon, lat) in enumerate(coords):
        if km[i] >= route.length_km - 1e-6:
            km[i] = route.length_km + distance_m(end[0], end[1], lon, lat) / 1000
        elif km[i] <= 1e-6:
            km[i] = -distance_m(start[0], start[1], lon, lat) / 1000
    return km


def _chains(ways: list[Way], route: Route) -> list[np.ndarray]:
    """Each direction's ways oriented west to east, joined into chains across gaps up to GAP_MAX_M."""
    forward: list[tuple[float, np.ndarray]] = []
    backward: list[tuple[float, np.ndarray]] = []
    for way in ways:
        coords = way.coords[::-1] if str(way.tags.get("oneway", "")) == "-1" else way.coords
        km = _extended_km(route, coords[[0, -1]])
        oneway = str(way.tags.get("oneway", "")) in {"yes", "true", "1", "-1"} or (
            way.tags.get("highway") == "motorway"
        )
        eastward = coords if km[1] >= km[0] else coords[::-1]
        if not oneway:
            forward.append((float(min(km)), eastward))
            backward.append((float(min(km)), eastward))
        elif km[1] >= km[0]:
            forward.append((float(km[0]), eastward))
        else:
            backward.append((float(km[1]), eastward))
    chains = []
    for group in (forward, backward):
        current: list[np.ndarray] = []
        for _, coords in sorted(group, key=lambda item: item[0]):
            if current:
                end = current[-1][-1]
                gap = distance_m(end[0], end[1], coords[0, 0], coords[0, 1])
                if gap <= GAP_MAX_M:
                    current.append(coords if gap > 0 else coords[1:])
                    continue
                chains.append(np.vstack(current))
            current = [coords]
        if current:
            chains.append(np.vstack(current))
    return chains


def _centreline(chains: list[np.ndarray]) -> list[np.ndarray]:
    """Average side-by-side carriageways; keep the rest as it is. Returns pieces west to east."""
    lines_xy = [LineString(np.column_stack(lonlat_to_xy(*c.T))) for c in chains]
    order = sorted(range(len(lines_xy)), key=lambda i: -lines_xy[i].length)
    pieces: list[np.ndarray] = []
    covered = shapely.Polygon()
    for i in order:
        line = lines_xy[i]
        n = max(int(np.ceil(line.length / SAMPLE_M)), 1)
        pts = shapely.line_interpolate_point(line, np.linspace(0, line.length, n + 1))
        keep = (
            ~shapely.intersects(covered, pts) if not covered.is_empty else np.ones(len(pts), bool)
        )
        others = [lines_xy[j] for j in range(len(lines_xy)) if j != i]
        xy = shapely.get_coordinates(pts)
        if others:
            other = shapely.union_all(others)
            nearest = shapely.shortest_line(pts, other)
            ends = shapely.get_coordinates(nearest).reshape(-1, 2, 2)[:, 1]
            close = shapely.length(nearest) <= PAIR_MAX_M
            xy = np.where(close[:, None], (xy + ends) / 2, xy)
        runs = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(int), [0]])))
        for a, b in runs.reshape(-1, 2):
            if b - a >= 2:
                lon, lat = xy_to_lonlat(xy[a:b, 0], xy[a:b, 1])
                pieces.append(np.column_stack([lon, lat]))
        covered = shapely.union_all([covered, line.buffer(PAIR_MAX_M)])
    return pieces


def _join_with_model(
    pieces: list[np.ndarray], route: Route, path: Path
) -> tuple[np.ndarray, LineString]:
    """The file's pieces in road order with the modelled road between and around them.

    Returns the lon/lat vertices and the file's pieces as one metric geometry (for labelling).
    """
    spans = []
    for piece in pieces:
        km = _extended_km(route, piece[[0, -1]])
        x, y = lonlat_to_xy(piece[:, 0], piece[:, 1])
        off_km = float(np.max(shapely.distance(route.metric_line, shapely.points(x, y)))) / 1000
        if km[0] > 0 and km[1] < route.length_km and off_km > FAR_KM:
            msg = (
                f"an M4 way between km {km[0]:.0f} and {km[1]:.0f} lies {off_km:.0f} km from the "
                f"modelled road (more than {FAR_KM:g} km): is it the M4?"
            )
            raise InputError(msg, file=str(path), field="coordinates")
        spans.append((float(km[0]), float(km[1]), piece))
    spans.sort(key=lambda s: s[0])
    # Drop pieces inside another's span (a stray duplicate way).
    kept: list[tuple[float, float, np.ndarray]] = []
    for span in spans:
        if kept and span[1] <= kept[-1][1]:
            continue
        kept.append(span)
    parts: list[np.ndarray] = []
    at_km = 0.0
    for km_a, km_b, piece in kept:
        if km_a > at_km + 0.05:
            parts.append(np.asarray(route.stretch(at_km, min(km_a, route.length_km)).coords))
        parts.append(piece)
        at_km = max(at_km, km_b)
    if at_km < route.length_km - 0.05:
        parts.append(np.asarray(route.stretch(at_km, route.length_km).coords))
    coords = np.vstack(parts)
    keep = np.concatenate([[True], np.any(np.diff(coords, axis=0) != 0, axis=1)])
    metric = shapely.union_all(
        [LineString(np.column_stack(lonlat_to_xy(*p.T))) for _, _, p in kept]
    )
    return coords[keep], metric


def _label_segments(joined: Route, modelled: Route, from_file: LineString, name: str) -> Route:
    """Split the snapped route's segments where the file's coverage starts or stops."""
    x, y = lonlat_to_xy(joined.coords[:, 0], joined.coords[:, 1])
    user = shapely.distance(from_file, shapely.points(x, y)) <= FROM_FILE_M
    mid_km, _ = modelled.locate(joined.coords[:, 0], joined.coords[:, 1])
    out: list[Segment] = []
    for seg in joined.segments:
        lo = int(np.searchsorted(joined.chainage_m, seg.km_from * 1000 - 1e-6))
        hi = int(np.searchsorted(joined.chainage_m, seg.km_to * 1000 - 1e-6))
        start = lo
        for i in range(lo + 1, hi + 1):
            if i == hi or user[i] != user[start]:
                end = i
                if user[start]:
                    conf, basis = "user", f"from {name} (OpenStreetMap-shaped file)"
                else:
                    m = modelled.segment_at(float(np.median(mid_km[start : end + 1])))
                    conf = m.confidence
                    basis = f"modelled: {name} does not cover this stretch. {m.basis}"
                out.append(
                    Segment(
                        seg.from_id,
                        seg.to_id,
                        float(joined.chainage_m[start] / 1000),
                        float(joined.chainage_m[end] / 1000),
                        conf,
                        basis,
                        "" if conf == "user" else m.basis_url,
                        joined.coords[start : end + 1],
                    )
                )
                start = i
    return replace(joined, segments=tuple(out))


def read_road_file(path: Path | str, gazetteer: Gazetteer) -> Route:
    """Read ``--route``: a plain GeoJSON line, or an OpenStreetMap-shaped export of the M4.

    Raises
    ------
    InputError
        Unreadable or invalid JSON, no line, coordinates out of range, no M4 way in an OSM-shaped
        file, or named places too far from the road (the errors of :func:`read_route_file`).
    """
    path = Path(path)
    data = load_route_json(path)
    ways = read_ways(data, path)
    if not ways or not is_osm_shaped(ways):
        return route_from_geojson(data, path, gazetteer)
    main = m4_carriageways(ways)
    if not main:
        refs = sorted({str(w.tags.get("ref")) for w in ways if "ref" in w.tags})
        msg = f"no M4 way: no line has ref M4 (refs found: {', '.join(refs) or 'none'})"
        raise InputError(msg, file=str(path), field="ref")
    modelled = route_from_places(gazetteer)
    coords, from_file = _join_with_model(_centreline(_chains(main, modelled)), modelled, path)
    bare = Route.from_coords(
        densify(coords, step_m=DENSIFY_STEP_M), source=f"user route {path.name}"
    )
    joined = snap_places(bare, path, gazetteer, read_route_definition())
    labelled = _label_segments(joined, modelled, from_file, path.name)
    share = sum(s.km_to - s.km_from for s in labelled.segments if s.confidence == "user")
    source = (
        f"user route {path.name} (OpenStreetMap-shaped: {len(main)} of {len(ways)} lines used, "
        f"{share:.1f} of {labelled.length_km:.1f} km from the file, the rest modelled)"
    )
    return replace(labelled, source=source)
