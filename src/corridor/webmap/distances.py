"""What the map draws of the distances to the border: the shortest road–border links with
their labels, the road coloured by the "about 30 km" verdict, and the 25, 30 and 35 km lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from corridor.events.tagging import STUDY_AREA_KM
from corridor.geo.border import CLAIM_TOLERANCE_KM, CLAIMED_KM, distance_to_border_m
from corridor.geo.geodesy import distance_m
from corridor.geo.projection import to_lonlat, to_metric
from corridor.webmap import convert as cv

#: The 30 km check is a ribbon this many pixels south of the road (negative: right of the chainage).
RIBBON_PX = -9.0


# Road points measured to the border (besides the overall closest point), by priority; one within
# 5 km of the road's closest point, or of one kept before it, is left out.
_LINK_PLACES = (
    "bdama",
    "ariha",
    "saraqib",
    "latakia",
    "jisr-al-shughur",
    "ain-al-hawr",
    "tronba",
    "aleppo",
)


_LINK_MIN_GAP_KM = 5.0


_LABEL_CLEARANCE_KM = 5.0


_LABEL_ASIDE_DEG = 0.035  # about 4 km


def _place_labels(links: list[dict[str, Any]], layers: Any) -> None:
    """Put each link's distance label on the link, clear of place dots and earlier labels.

    Tries the middle first, then points nearer either end; "clear" means at least
    :data:`_LABEL_CLEARANCE_KM` from every place drawn and every label already placed, which at
    the map's first zoom keeps the labels from covering each other.
    """
    places = layers.places[layers.places["road_offset_km"] <= STUDY_AREA_KM].geometry
    taken = [(float(g.x), float(g.y)) for g in places]
    for link in links:
        (rlat, rlon), (blat, blon) = link["road"], link["border"]
        # On the line first, then beside it (a link that runs along the road has no room on it).
        k = math.cos(math.radians(rlat))
        dx, dy = (blon - rlon) * k, blat - rlat
        norm = math.hypot(dx, dy) or 1.0
        side = (-dy / norm / k * _LABEL_ASIDE_DEG, dx / norm * _LABEL_ASIDE_DEG)
        on_line = [(rlon + t * (blon - rlon), rlat + t * (blat - rlat)) for t in (0.5, 0.7, 0.3)]
        candidates = [
            *on_line,
            *((x + sign * side[0], y + sign * side[1]) for x, y in on_line for sign in (1, -1)),
        ]

        def clearance(point: tuple[float, float]) -> float:
            return min(distance_m(*point, *other) for other in taken) / 1000

        best = next(
            (c for c in candidates if clearance(c) >= _LABEL_CLEARANCE_KM),
            max(candidates, key=clearance),
        )
        taken.append(best)
        link["at"] = cv.ll(*best)


def nearest_place(model: Any, names: Mapping[str, str], km: float) -> str:
    """The name of the place on the road nearest to chainage ``km`` ("" when none)."""
    on_road = [
        (abs(k - km), pid) for pid, k in model.place_km.items() if model.place_offset_km[pid] < 1
    ]
    return names[min(on_road)[1]] if on_road else ""


def links_to_border(layers: Any, model: Any) -> list[dict[str, Any]]:
    """Shortest road–border links: the closest approach, then at chosen places; labels placed clear."""
    names = cv.name_of(layers)
    check = model.border_check
    lon, lat, km_min = check.m4_min_at
    near = nearest_place(model, names, km_min)
    out = [
        {
            "road": cv.ll(lon, lat),
            "border": cv.ll(*check.m4_min_border_point),
            "label": f"Road closest to the border {check.m4_min_km:.1f} km",
            "min": True,
            "info": cv.info(
                k="Closest approach",
                t=f"The road comes within {check.m4_min_km:.2f} km of the border",
                rows=[
                    ("Where", f"km {km_min:.1f} of the M4, near {near}"),
                    (
                        "Measured",
                        "geodesic distance on the WGS 84 ellipsoid, refined on a 20 m grid",
                    ),
                ],
            ),
        }
    ]
    kept = [km_min]
    picks = []
    for pid in _LINK_PLACES:
        if pid not in model.place_km:
            continue
        km = model.place_km[pid]
        if min(abs(km - k) for k in kept) < _LINK_MIN_GAP_KM:
            continue
        kept.append(km)
        picks.append((pid, km))
    if not picks:
        return out
    road = [model.route.point_at(km) for _, km in picks]
    dist_m, blon, blat = distance_to_border_m(
        model.border.line, np.array([p[0] for p in road]), np.array([p[1] for p in road])
    )
    for (pid, km), (rlon, rlat), d, bx, by in zip(picks, road, dist_m, blon, blat, strict=True):
        out.append(
            {
                "road": cv.ll(rlon, rlat),
                "border": cv.ll(bx, by),
                "label": f"{names[pid]} – border {d / 1000:.1f} km",
                "min": False,
                "info": cv.info(
                    k="Distance to the border",
                    t=f"{names[pid]}: {d / 1000:.1f} km from the road to the border",
                    rows=[
                        ("Road point", f"km {km:.1f} of the M4"),
                        ("Measured", "geodesic distance to the nearest point of the border"),
                    ],
                ),
            }
        )
    _place_labels(out, layers)
    return out


def _class_of(d: float) -> str:
    lo, hi = CLAIMED_KM - CLAIM_TOLERANCE_KM, CLAIMED_KM + CLAIM_TOLERANCE_KM
    return "closer" if d < lo else "farther" if d > hi else "holds"


def judge(model: Any) -> list[dict[str, Any]]:
    """The road cut where its distance to the border crosses 25 and 35 km, each run classified."""
    check = model.border_check
    km, dist = check.profile_km, check.profile_border_km
    lo, hi = CLAIMED_KM - CLAIM_TOLERANCE_KM, CLAIMED_KM + CLAIM_TOLERANCE_KM
    classes = [_class_of(float(d)) for d in dist]
    cuts = [float(km[0])]
    for i in range(len(km) - 1):
        if classes[i] != classes[i + 1]:
            d0, d1 = float(dist[i]), float(dist[i + 1])
            threshold = lo if (min(d0, d1) < lo <= max(d0, d1)) else hi
            t = (threshold - d0) / (d1 - d0) if d1 != d0 else 0.5
            cuts.append(float(km[i] + min(max(t, 0.0), 1.0) * (km[i + 1] - km[i])))
    cuts.append(float(km[-1]))
    runs = []
    start = 0
    for i in range(1, len(km) + 1):
        if i == len(km) or classes[i] != classes[start]:
            runs.append((classes[start], start, i - 1))
            start = i
    words = {
        "holds": "within 25–35 km of the border: “about 30 km” holds here",
        "closer": "closer to the border than 25 km: “about 30 km” overstates the distance",
        "farther": "farther from the border than 35 km: “about 30 km” understates the distance",
    }
    out = []
    for n, (cls, i0, i1) in enumerate(runs):
        a, b = cuts[n], cuts[n + 1]
        d = dist[i0 : i1 + 1]
        out.append(
            {
                "ll": cv.pts(model.route.stretch(a, b).coords),
                "cls": cls,
                "info": cv.info(
                    k="About 30 km from the border?",
                    t=f"km {a:.1f} to {b:.1f}: {float(d.min()):.1f}–{float(d.max()):.1f} km",
                    rows=[
                        ("Verdict here", words[cls]),
                        ("Tolerance", model.border_check.verdict_details.get("tolerance_basis")),
                    ],
                ),
            }
        )
    return out


#: Simplification of the border before drawing the 25/30/35 km lines from it, in metres. Measured
#: at every vertex drawn (geodesic distance to the full border): the lines stay within 60 m of their
#: distance (58 m at worst, 7 m too close on average), against 43 m at 50 m, and the bands cost
#: 0.12 s of CPU instead of 0.22 s; 60 m is under a screen pixel at the map's first zoom.
BORDER_DRAW_SIMPLIFY_M = 100.0


def _border_zones(
    border_xy: BaseGeometry, distances_km: tuple[int, ...]
) -> dict[int, BaseGeometry]:
    """The areas within each distance of the border (metric), built by growing one from the next.

    A buffer of a buffer is the buffer by the summed distance, and growing a smooth polygon is far
    cheaper than offsetting the wiggly border line 25 km at once (0.05 s against 0.4 s here); at 32
    segments per quarter circle the result is within 25 m of a 64-segment direct buffer.
    """
    zones: dict[int, BaseGeometry] = {}
    zone = border_xy.buffer(5_000, quad_segs=32).simplify(1.0)
    grown = 5
    for d in sorted(distances_km):
        zone = zone.buffer((d - grown) * 1000, quad_segs=32).simplify(1.0)
        grown = d
        zones[d] = zone
    return zones


def distance_lines(model: Any, view: tuple[float, float, float, float]) -> dict[str, Any]:
    """The lines 25, 30 and 35 km from the border inside Syria (within ``view``), and the band
    between 25 and 35 km."""
    lon0, lat0, lon1, lat1 = view
    # Enough border on each side that the buffers' ends lie outside the view.
    near = model.border.line.intersection(
        shapely.box(lon0 - 0.6, lat0 - 0.6, lon1 + 0.6, lat1 + 0.6)
    )
    # Drawn lines 25-35 km out need no 10 m border detail (see BORDER_DRAW_SIMPLIFY_M): fewer
    # vertices make the buffers far cheaper (the 5 km one: 0.13 s at 50 m, 0.04 s at 100 m).
    metric = to_metric(near).simplify(BORDER_DRAW_SIMPLIFY_M)
    inside = to_metric(model.border.syria.intersection(shapely.box(*view)))
    out: dict[str, Any] = {"info": {}}
    zones = _border_zones(metric, (25, 30, 35))
    for d, zone in zones.items():
        line = shapely.simplify(zone.boundary.intersection(inside), 25)
        out[str(d)] = cv.lines(to_lonlat(line))
        out["info"][str(d)] = cv.info(
            k="Distance from the border",
            t=f"{d} km from the Turkish border",
            rows=[("Drawn", "offset of the border line in the corridor's conformal projection")],
        )
    band = shapely.simplify(zones[35].difference(zones[25]).intersection(inside), 40)
    out["band"] = cv.polys(to_lonlat(band))
    out["label"], out["label_text"] = None, f"{CLAIMED_KM:g} km from the border"
    thirty = [LineString([(p[1], p[0]) for p in line]) for line in out["30"] if len(line) > 1]
    if thirty:
        # Label the line south of the corridor's middle, away from the road's own labels.
        section = model.corridor.section
        lon, lat = model.route.point_at((section.km_from + section.km_to) / 2)
        target = Point(lon, lat - 0.12)
        best = min(thirty, key=lambda g: g.distance(target))
        point = best.interpolate(best.project(target))
        out["label"] = cv.ll(point.x, point.y)
    return out


def verdict_sentence(layers: Any, model: Any) -> str:
    """The legend's sentence on “about 30 km from the Turkish border”."""
    v = model.border_check.verdict_details
    check = model.border_check
    word = {"supported": "Mostly", "partly": "Partly", "contradicted": "No"}.get(
        v["verdict"], v["verdict"]
    )
    near = nearest_place(model, cv.name_of(layers), check.m4_min_at[2])
    return (
        f"“About {v['claimed_km']:g} km from the Turkish border”? {word}. The road is "
        f"{v['claimed_km'] - v['tolerance_km']:g}–{v['claimed_km'] + v['tolerance_km']:g} km from "
        f"the border along {v['share_of_road']:.0%} of its length ({v['share_of_section']:.0%} of "
        f"the corridor's); it comes within {check.m4_min_km:.1f} km of it at km "
        f"{check.m4_min_at[2]:.1f}, near {near}."
    )
