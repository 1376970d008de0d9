"""The Turkey–Syria border: how far the road, the corridor and the places are from it.

Reports say the M4 is "about 30 km" from Turkey's southern border. The distance in fact varies along the
road (Bdama, on the road, is about 2 km from the border), so the check gives a profile every kilometre
and says along which stretches "about 30 km" holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiLineString, shape
from shapely.geometry.base import BaseGeometry

from corridor._data import geodata_path
from corridor.geo.buffer import Corridor, Section, build_corridor
from corridor.geo.geodesy import nearest_on_line_m
from corridor.geo.places import Place
from corridor.geo.route import CONFIDENCE_M, Route
from corridor.geo.uncertainty import chainage_on, shifted_route

#: The figure the articles give, and the tolerance that "about" earns it. A round "30 km" (AA, also
#: given as 19 miles) reads as "to the nearest 10 km", so distances from 25 to 35 km agree with it.
CLAIMED_KM = 30.0
CLAIM_TOLERANCE_KM = 5.0
#: Spacing of the border-distance profile along the road.
PROFILE_STEP_KM = 1.0


@dataclass(frozen=True)
class BorderData:
    """The boundary line and the two countries' land near the corridor, with their sources."""

    line: BaseGeometry
    syria: BaseGeometry
    turkey: BaseGeometry
    properties: dict = field(repr=False)


def _read_feature(path: Path) -> tuple[BaseGeometry, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    feature = data["features"][0] if data.get("type") == "FeatureCollection" else data
    return shape(feature["geometry"]), dict(feature.get("properties") or {})


def load_border_data(folder: Path | None = None) -> BorderData:
    """Read the committed boundary (``border_tr_sy.geojson``) and the two country outlines."""

    def path(name: str) -> Path:
        return (folder / name) if folder else geodata_path(name)

    line, props = _read_feature(path("border_tr_sy.geojson"))
    syria, _ = _read_feature(path("syria_near.geojson"))
    turkey, _ = _read_feature(path("turkey_near.geojson"))
    return BorderData(line=line, syria=syria, turkey=turkey, properties=props)


def distance_to_border_m(
    line: BaseGeometry, lon: np.ndarray, lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geodesic distance (m) from each point to the border, and the nearest border point."""
    parts = list(line.geoms) if isinstance(line, MultiLineString) else [line]
    best = None
    for part in parts:
        result = np.vstack(nearest_on_line_m(lon, lat, part, window_m=500, step_m=10))
        best = result if best is None else np.where(result[0] < best[0], result, best)
    assert best is not None
    return best[0], best[1], best[2]


@dataclass(frozen=True)
class Stretch:
    """A run of the road between two chainages."""

    km_from: float
    km_to: float

    def as_dict(self) -> dict[str, float]:
        """JSON-ready form, rounded to 0.1 km."""
        return {"km_from": round(self.km_from, 1), "km_to": round(self.km_to, 1)}


def _runs(km: np.ndarray, mask: np.ndarray) -> list[Stretch]:
    """Maximal runs of consecutive profile samples where ``mask`` holds."""
    runs: list[Stretch] = []
    start: int | None = None
    for i, ok in enumerate(mask):
        if ok and start is None:
            start = i
        if not ok and start is not None:
            runs.append(Stretch(float(km[start]), float(km[i - 1])))
            start = None
    if start is not None:
        runs.append(Stretch(float(km[start]), float(km[-1])))
    return runs


@dataclass(frozen=True)
class BorderCheck:
    """Distances to the border, by geodesic measurement, and the verdict on "about 30 km"."""

    profile_km: np.ndarray
    profile_lon: np.ndarray
    profile_lat: np.ndarray
    profile_border_km: np.ndarray
    m4_min_km: float
    m4_min_at: tuple[float, float, float]
    m4_min_border_point: tuple[float, float]
    section_min_km: float
    section_max_km: float
    north_edge_min_km: float
    place_km: dict[str, float]
    clipped_km2: float
    clipped_where: dict
    #: The verdict on "about 30 km from the border": ``supported``, ``partly`` or ``contradicted``.
    verdict: str
    #: What the verdict rests on: the claim, its tolerance, the shares of road and section where it
    #: holds, and the stretches (``border_check.json``'s ``claim_30km``, with its ranges).
    verdict_details: dict
    #: The headline figures on the road shifted north and south by its uncertainty (see
    #: :func:`headline_ranges`); empty when not measured.
    ranges: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The content of ``border_check.json``; each ``*_range`` stands beside its value."""
        lon, lat, km = self.m4_min_at
        r = self.ranges
        beside = {
            f"{key}_range": r[key]
            for key in ("m4_min_km", "north_edge_min_km", "corridor_clipped_km2")
            if key in r
        }
        verdict = dict(self.verdict_details)
        if "claim_30km" in r:
            verdict.update(r["claim_30km"])
        return {
            **beside,
            "uncertainty": r.get("basis", {}),
            "m4_min_km": round(self.m4_min_km, 2),
            "m4_min_at": {"lon": round(lon, 6), "lat": round(lat, 6), "chainage_km": round(km, 2)},
            "m4_min_border_point": {
                "lon": round(self.m4_min_border_point[0], 6),
                "lat": round(self.m4_min_border_point[1], 6),
            },
            "section_min_km": round(self.section_min_km, 2),
            "section_max_km": round(self.section_max_km, 2),
            "north_edge_min_km": round(self.north_edge_min_km, 2),
            "corridor_clipped_km2": round(self.clipped_km2, 2),
            "corridor_clipped_where": self.clipped_where,
            "places_border_km": {k: round(v, 2) for k, v in sorted(self.place_km.items())},
            "claim_30km": verdict,
        }


def check_border(
    route: Route,
    corridor: Corridor,
    places: list[Place],
    border: BorderData,
    *,
    step_km: float = PROFILE_STEP_KM,
    road_uncertainty_m: np.ndarray | None = None,
) -> BorderCheck:
    """Measure the road, the corridor and the places against the border (geodesic distances).

    With ``road_uncertainty_m`` (metres per route vertex, :func:`corridor.geo.uncertainty.road_offsets_m`)
    the headline figures are measured again on the road shifted by it either way (``ranges``).
    """
    check = _check(route, corridor, places, border, step_km)
    if road_uncertainty_m is None:
        return check
    ranges = headline_ranges(check, route, corridor, border, road_uncertainty_m, step_km=step_km)
    return replace(check, ranges=ranges)


def _check(
    route: Route, corridor: Corridor, places: list[Place], border: BorderData, step_km: float
) -> BorderCheck:
    km = np.append(np.arange(0.0, route.length_km, step_km), route.length_km)
    m = km * 1000
    lon = np.interp(m, route.chainage_m, route.coords[:, 0])
    lat = np.interp(m, route.chainage_m, route.coords[:, 1])
    dist_m, _, _ = distance_to_border_m(border.line, lon, lat)

    road_min = _refined_min(route, border, km, dist_m)
    min_m, min_lon, min_lat, border_lon, border_lat = road_min
    min_km = float(route.locate(np.array([min_lon]), np.array([min_lat]))[0][0])

    sec = corridor.section
    in_sec = (km >= sec.km_from) & (km <= sec.km_to)
    # The refinement depends only on the lowest sample: when the road's lowest lies in the section
    # it is the section's too (the same first minimum), and the same search gives the same figure.
    lowest = int(np.argmin(dist_m))
    sec_min_m = (
        road_min[0]
        if in_sec[lowest]
        else _refined_min(route, border, km[in_sec], dist_m[in_sec])[0]
    )
    # The buffer's edge is the half-width from the road, so its closest approach to the border is the
    # section's closest road point less the half-width; below zero it reached into Turkey before the clip.
    north_edge_min_km = sec_min_m / 1000 - corridor.half_width_m / 1000

    place_lon = np.array([p.lon for p in places])
    place_lat = np.array([p.lat for p in places])
    place_d = distance_to_border_m(border.line, place_lon, place_lat)[0] / 1000 if places else []

    details = _verdict(km, dist_m / 1000, sec.km_from, sec.km_to)
    return BorderCheck(
        profile_km=km,
        profile_lon=lon,
        profile_lat=lat,
        profile_border_km=dist_m / 1000,
        m4_min_km=min_m / 1000,
        m4_min_at=(min_lon, min_lat, min_km),
        m4_min_border_point=(border_lon, border_lat),
        section_min_km=sec_min_m / 1000,
        section_max_km=float(dist_m[in_sec].max() / 1000),
        north_edge_min_km=north_edge_min_km,
        place_km={p.id: float(d) for p, d in zip(places, place_d, strict=True)},
        clipped_km2=corridor.area_km2("cut"),
        clipped_where=_clipped_where(route, corridor),
        verdict=details["verdict"],
        verdict_details=details,
    )


def _refined_min(
    route: Route, border: BorderData, km: np.ndarray, dist_m: np.ndarray
) -> tuple[float, float, float, float, float]:
    """The road's closest approach to the border near the lowest profile sample, on a 20 m grid.

    Returns the distance (m), the road point (lon, lat) and the border point (lon, lat).
    """
    i = int(np.argmin(dist_m))
    fine_km = np.arange(max(0.0, km[i] - 1.5), min(route.length_km, km[i] + 1.5), 0.02)
    m = fine_km * 1000
    lon = np.interp(m, route.chainage_m, route.coords[:, 0])
    lat = np.interp(m, route.chainage_m, route.coords[:, 1])
    d, blon, blat = distance_to_border_m(border.line, lon, lat)
    j = int(np.argmin(d))
    return float(d[j]), float(lon[j]), float(lat[j]), float(blon[j]), float(blat[j])


def _clipped_where(route: Route, corridor: Corridor) -> dict:
    cut = corridor.cut
    if cut.is_empty:
        return {}
    coords = np.vstack(
        [np.asarray(p.exterior.coords) for p in getattr(cut, "geoms", [cut]) if not p.is_empty]
    )
    km, _ = route.locate(coords[:, 0], coords[:, 1])
    c = cut.centroid
    return {
        "centroid": {"lon": round(c.x, 6), "lat": round(c.y, 6)},
        "chainage_km": {"from": round(float(km.min()), 1), "to": round(float(km.max()), 1)},
        "bbox": [round(v, 6) for v in cut.bounds],
    }


def _verdict(km: np.ndarray, d: np.ndarray, sec_from: float, sec_to: float) -> dict:
    lo, hi = CLAIMED_KM - CLAIM_TOLERANCE_KM, CLAIMED_KM + CLAIM_TOLERANCE_KM
    ok = (d >= lo) & (d <= hi)
    in_sec = (km >= sec_from) & (km <= sec_to)
    share_road = float(ok.mean())
    share_sec = float(ok[in_sec].mean()) if in_sec.any() else 0.0
    if share_road == 0:
        verdict = "contradicted"
    elif share_road > 0.9:
        verdict = "supported"
    else:
        verdict = "partly"
    return {
        "claimed_km": CLAIMED_KM,
        "tolerance_km": CLAIM_TOLERANCE_KM,
        "tolerance_basis": (
            "a round 'about 30 km' is read as correct to the nearest 10 km, so 25 to 35 km agree"
        ),
        "verdict": verdict,
        "share_of_road": round(share_road, 3),
        "share_of_section": round(share_sec, 3),
        "holds_on": [s.as_dict() for s in _runs(km, ok)],
        "closer_than_claim_on": [s.as_dict() for s in _runs(km, d < lo)],
        "farther_than_claim_on": [s.as_dict() for s in _runs(km, d > hi)],
        "road_min_km": round(float(d.min()), 2),
        "road_max_km": round(float(d.max()), 2),
        "section_min_km": round(float(d[in_sec].min()), 2) if in_sec.any() else None,
        "section_max_km": round(float(d[in_sec].max()), 2) if in_sec.any() else None,
    }


def _span(*values: float) -> list[float]:
    return [round(min(values), 2), round(max(values), 2)]


def headline_ranges(
    check: BorderCheck,
    route: Route,
    corridor: Corridor,
    border: BorderData,
    offsets_m: np.ndarray,
    *,
    step_km: float = PROFILE_STEP_KM,
) -> dict:
    """The headline figures with the road shifted north (towards Turkey) and south by ``offsets_m``.

    Each range is ``[low, high]`` over the value and the two shifted measurements; the corridor is
    rebuilt on each shifted road over the same stretch (the section's ends map vertex by vertex).
    """
    sec = corridor.section
    # Only the boundary near the road can be nearest to it (the road is at most ~45 km from it): the
    # line clipped to the road's box plus 1 degree gives the same distances at a fifth of the cost.
    west, south, east, north_lat = route.line.bounds
    near = replace(
        border,
        line=border.line.intersection(shapely.box(west - 1, south - 1, east + 1, north_lat + 1)),
    )
    measured = {}
    for name, north in (("north", True), ("south", False)):
        moved = shifted_route(route, offsets_m, north=north)
        section = Section(
            sec.from_id,
            sec.to_id,
            chainage_on(moved, route, sec.km_from),
            chainage_on(moved, route, sec.km_to),
        )
        moved_corridor = build_corridor(
            moved, section, half_width_km=corridor.half_width_m / 1000, syria=border.syria
        )
        measured[name] = (_check(moved, moved_corridor, [], near, step_km), moved)
    (n, moved_n), (s, moved_s) = measured["north"], measured["south"]

    def back(stretches: list[dict], moved: Route) -> list[dict]:
        """Stretches of a shifted road in the modelled road's chainage (vertex by vertex)."""
        return [
            {
                k: round(float(np.interp(v * 1000, moved.chainage_m, route.chainage_m) / 1000), 1)
                for k, v in st.items()
            }
            for st in stretches
        ]

    key = {
        "m4_min_km": "m4_min_km",
        "north_edge_min_km": "north_edge_min_km",
        "corridor_clipped_km2": "clipped_km2",
    }
    out: dict = {k: _span(getattr(check, a), getattr(n, a), getattr(s, a)) for k, a in key.items()}
    out["claim_30km"] = {
        "share_of_road_range": _span(
            check.verdict_details["share_of_road"],
            n.verdict_details["share_of_road"],
            s.verdict_details["share_of_road"],
        ),
        "holds_on_road_shifted_north": back(n.verdict_details["holds_on"], moved_n),
        "holds_on_road_shifted_south": back(s.verdict_details["holds_on"], moved_s),
    }
    out["basis"] = {
        "method": (
            "each figure measured again with the road moved sideways by its stated uncertainty, "
            "towards the border (north) and away from it (south); the range spans the value and "
            "both results. Between two named places the offset is the larger of the places' own "
            "uncertainty and the segment's figure tapered by a half sine to the places"
        ),
        "segment_uncertainty_m": dict(CONFIDENCE_M),
        "max_offset_m": round(float(np.max(offsets_m)), 1),
        "not_included": "the border line's own error (10 m in the OSM-derived source)",
    }
    return out
