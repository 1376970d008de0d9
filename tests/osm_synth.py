"""Synthetic files shaped like an OpenStreetMap export of the M4, made from a road line.

What an export of the M4 looks like (Overpass ``way[ref~M4]`` with the neighbourhood, or a QGIS
selection): two carriageways, one each way, about 30 m apart; each split into dozens of ways; a way
missing here and there; slip roads (``motorway_link``); the M5 leaving at Saraqib; and the M4 going on
east of Aleppo. The shared M4/M5 stretch carries ``ref = M4;M5`` as OSM tags roads with two refs.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
from shapely.geometry import LineString
from shapely.ops import substring

from corridor.geo.projection import lonlat_to_xy, xy_to_lonlat

#: Half the distance between the two carriageways, in metres.
OFFSET_M = 15.0
#: Length of the piece removed from the eastbound carriageway.
GAP_M = 300.0


def _lonlat(line_xy: LineString) -> list[list[float]]:
    xy = np.asarray(line_xy.coords)
    lon, lat = xy_to_lonlat(xy[:, 0], xy[:, 1])
    return np.round(np.column_stack([lon, lat]), 7).tolist()


def _feature(way_id: int, line_xy: LineString, **tags: str) -> dict:
    return {
        "type": "Feature",
        "id": f"way/{way_id}",
        "properties": {"@id": f"way/{way_id}", "highway": "motorway", "oneway": "yes", **tags},
        "geometry": {"type": "LineString", "coordinates": _lonlat(line_xy)},
    }


def _cut(line: LineString, breaks: np.ndarray) -> list[LineString]:
    edges = np.concatenate([[0.0], np.sort(breaks), [line.length]])
    return [substring(line, a, b) for a, b in itertools.pairwise(edges) if b > a]


def osm_export(
    road: np.ndarray,
    *,
    shared_from_km: float,
    gap_at_km: float = 70.0,
    keep_km: tuple[float, float] | None = None,
    ways_each: int = 21,
) -> dict:
    """A FeatureCollection of an M4 export around ``road`` (lon/lat, west to east).

    Parameters
    ----------
    road
        The road's centreline, lon/lat, west to east.
    shared_from_km
        Where the M5 joins (from here to the end the ways carry ``ref = M4;M5``).
    gap_at_km
        Where :data:`GAP_M` of the eastbound carriageway is missing.
    keep_km
        Keep only the main carriageway ways within this stretch (a partial export).
    ways_each
        Ways per carriageway.
    """
    centre = LineString(np.column_stack(lonlat_to_xy(road[:, 0], road[:, 1])))
    # Driving on the right: eastbound traffic on the right (south) of the centreline.
    east = centre.offset_curve(-OFFSET_M, quad_segs=4)
    west = centre.offset_curve(OFFSET_M, quad_segs=4).reverse()
    rng = np.random.default_rng(5)
    features = []
    way_id = 100
    extent = (0.0, centre.length) if keep_km is None else (keep_km[0] * 1e3, keep_km[1] * 1e3)
    for line, eastbound in ((east, True), (west, False)):
        breaks = np.sort(rng.uniform(0.02, 0.98, ways_each - 1)) * line.length
        if eastbound:  # the gap: a way ends, the next starts GAP_M further on
            g = gap_at_km * 1000
            pieces = [substring(line, 0, g), substring(line, g + GAP_M, line.length)]
            ways = _cut(pieces[0], breaks[breaks < g]) + _cut(
                pieces[1], breaks[breaks > g + GAP_M] - (g + GAP_M)
            )
        else:
            ways = _cut(line, breaks)
        for way in ways:
            mid = centre.project(way.interpolate(0.5, normalized=True))
            if not extent[0] <= mid <= extent[1]:
                continue
            ref = "M4;M5" if mid >= shared_from_km * 1000 else "M4"
            features.append(_feature(way_id, way, ref=ref, name="الطريق الدولي M4"))
            way_id += 1
        # Slip roads every 30 km: leave the carriageway and curve 250 m away over 600 m.
        for at in np.arange(15_000, line.length - 1000, 30_000):
            if not extent[0] <= centre.project(line.interpolate(at)) <= extent[1]:
                continue
            p0 = np.asarray(line.interpolate(at).coords[0])
            p1 = np.asarray(line.interpolate(at + 300).coords[0])
            p2 = np.asarray(line.interpolate(at + 600).coords[0])
            normal = np.array([-(p2 - p0)[1], (p2 - p0)[0]]) / np.linalg.norm(p2 - p0)
            side = -1.0  # to the right of the direction of travel
            link = LineString([p0, p1 + side * 60 * normal, p2 + side * 250 * normal])
            features.append(_feature(way_id, link, ref="", highway="motorway_link"))
            way_id += 1
    # The M5 leaving southwards at Saraqib, and the M4 going on east of Aleppo.
    junction = np.asarray(centre.interpolate(shared_from_km * 1000).coords[0])
    m5 = LineString(junction + np.array([[0, 0], [-2000, -10_000], [-3000, -25_000]]))
    end = np.asarray(centre.coords[-1])
    beyond = LineString(end + np.array([[0, 0], [12_000, -3000], [30_000, -8000]]))
    for line, ref in ((m5, "M5"), (beyond, "M4")):
        if keep_km is not None and ref == "M4":
            continue
        for sign in (-1.0, 1.0):
            carriage = line.offset_curve(sign * OFFSET_M)
            carriage = carriage if sign < 0 else carriage.reverse()
            for way in _cut(carriage, np.array([carriage.length / 2])):
                features.append(_feature(way_id, way, ref=ref))
                way_id += 1
    return {"type": "FeatureCollection", "features": features}


def write(path: Path, collection: dict) -> Path:
    """Write the collection as GeoJSON text."""
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path
