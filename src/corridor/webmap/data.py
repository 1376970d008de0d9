"""What the corridor map draws, computed from the model and the events: the page's JSON data.

:func:`map_data` returns three things: the data block the map's script draws from (coordinates
as ``[lat, lon]`` rounded to :data:`DECIMALS`, popups as small "info" dicts of rows, notes and
links), the numbers the legend states, and the entries of the layer menu. Text from the data is
kept as text here (only unprintable characters become U+FFFD); the script shows it with
``textContent``. URLs are kept only when :func:`corridor.webmap.safe.safe_url` accepts them (plain
http or https).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from corridor._errors import InputError
from corridor.events.catalogue import PATROL_KINDS
from corridor.events.tagging import STUDY_AREA_KM
from corridor.geo.border import CLAIM_TOLERANCE_KM, CLAIMED_KM, distance_to_border_m
from corridor.geo.geodesy import distance_m
from corridor.geo.projection import to_lonlat, to_metric
from corridor.webmap import legend, style
from corridor.webmap.safe import inert, safe_url

#: Imported events drawn at most (the most recent ones in the study area).
MAX_IMPORTED_DRAWN = 20_000
#: Imported descriptions are cut to this many characters on the map.
IMPORTED_TEXT_CHARS = 300
#: Coordinates are written to 5 decimals (about 1 m).
DECIMALS = 5

#: Patrol outcomes drawn as "completed or full route"; any other patrol outcome is "cut short".
PATROL_DONE = frozenset({"completed", "conducted", "full_route", "extended_route"})
EVENT_GROUPS = ("patrol_done", "patrol_cut", "attack", "protest", "other")
_GROUP_NAMES = {
    "patrol_done": "Patrols completed or full route",
    "patrol_cut": "Patrols cut short, limited or disputed",
    "attack": "Attacks",
    "protest": "Protests and blockades",
    "other": "Agreements, statements and other",
}
#: Patrol lanes: pixels beside the road (positive: to the left of the direction of the chainage,
#: i.e. north of the road), so that the road and its 30 km casing stay visible.
_LANES = {"patrol_done": 7.5, "patrol_cut": 12.5}
#: The 30 km check is a ribbon this many pixels south of the road (negative: right of the chainage).
RIBBON_PX = -9.0
#: Claims about stretches of the road are drawn in a lane south of the ribbon.
_CLAIM_LANE_PX = -17.0

#: Tiles under the minimap's outlines (remote: grey when offline).
MINIMAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

# Places whose label reads better on another side of the dot than the right (neighbours collide).
_LABEL_SIDE = {
    "tronba": "left",
    "sarmin": "top",
    "al-nayrab": "bottom",
    "idlib": "top",
    "al-mastumah": "left",
    "msibin": "right",
    "muhambal": "bottom",
    "kafr-shalaya": "top",
    "urum-al-jawz": "right",
    "bsanqul": "top",
    "al-kafir": "bottom",
    "al-ghassaniyah": "top",
    "bdama": "bottom",
    "ain-al-hawr": "left",
}
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

_UNREPRESENTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


# --- Small conversions ----------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    """Text for the data block: missing values become empty, unprintable characters U+FFFD."""
    if _missing(value):
        return ""
    return _UNREPRESENTABLE.sub("\ufffd", str(value))


def _pts(coords: Any) -> list[list[float]]:
    """[lat, lon] pairs rounded to :data:`DECIMALS`, without repeated points."""
    arr = np.round(np.asarray(coords, dtype=float)[:, :2], DECIMALS)
    if len(arr) == 0:
        return []
    keep = np.ones(len(arr), dtype=bool)
    keep[1:] = np.any(arr[1:] != arr[:-1], axis=1)
    return [[float(lat), float(lon)] for lon, lat in arr[keep]]


def _ll(lon: float, lat: float) -> list[float]:
    return [round(float(lat), DECIMALS), round(float(lon), DECIMALS)]


def _parts(geom: BaseGeometry, kind: str) -> list[BaseGeometry]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == kind:
        return [geom]
    return [p for g in getattr(geom, "geoms", []) for p in _parts(g, kind)]


def _lines(geom: BaseGeometry) -> list[list[list[float]]]:
    return [_pts(p.coords) for p in _parts(geom, "LineString")]


def _polys(geom: BaseGeometry) -> list[list[list[list[float]]]]:
    return [
        [_pts(p.exterior.coords), *(_pts(r.coords) for r in p.interiors)]
        for p in _parts(geom, "Polygon")
    ]


def _info(
    k: str | None = None,
    t: str | None = None,
    rows: Iterable[tuple[str, Any]] = (),
    notes: Iterable[str] = (),
    src: Iterable[tuple[str, Any]] = (),
    foot: str | None = None,
) -> dict[str, Any]:
    """A popup's content: kicker, title, rows of key and text (or links), notes, sources."""
    out: dict[str, Any] = {}
    if k:
        out["k"] = _text(k)
    if t:
        out["t"] = _text(t)
    kept_rows = [[_text(key), value] for key, value in rows if value not in (None, "", [])]
    if kept_rows:
        out["rows"] = [[key, _text(v) if isinstance(v, str) else v] for key, v in kept_rows]
    kept_notes = [_text(n) for n in notes if _text(n)]
    if kept_notes:
        out["notes"] = kept_notes
    links = _links(src)
    if links:
        out["src"] = links
    if foot:
        out["foot"] = _text(foot)
    return out


def _links(items: Iterable[tuple[str, Any]]) -> list[list[str | None]]:
    """[label, url] pairs; a URL that is not plain http(s) is dropped and only its label kept."""
    out: list[list[str | None]] = []
    for label, url in items:
        href = _text(url).strip() if safe_url(url) is not None else None
        text = _text(label) or (href or _text(url))
        if text or href:
            out.append([text, href])
    return out


def _json_list(value: Any) -> list[Any]:
    if _missing(value) or value == "":
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    return parsed if isinstance(parsed, list) else [parsed]


def _json_dict(value: Any) -> dict[str, Any]:
    if _missing(value) or value == "":
        return {}
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _words(code: Any) -> str:
    return _text(code).replace("_", " ")


def date_label(date: Any, precision: Any) -> str:
    """How a catalogue date reads on the map ("2020-03 (month)", "about 2020-05-20", ...)."""
    if _missing(date) or not str(date):
        return "date unknown"
    d, p = str(date), _text(precision)
    return {
        "approx": f"about {d}",
        "week": f"week of {d}",
        "month": f"{d} (month)",
        "year": f"{d} (year)",
    }.get(p, d)


def event_group(kind: str, outcome: Any) -> str:
    """The map layer an event belongs to (one of :data:`EVENT_GROUPS`)."""
    if kind in PATROL_KINDS:
        return "patrol_done" if outcome in PATROL_DONE else "patrol_cut"
    if kind in {"attack", "protest"}:
        return kind
    return "other"


def _dodge(keys: Sequence[tuple[float, float]]) -> list[list[int]]:
    """Pixel offsets that fan out symbols sharing a position (a sunflower spiral)."""
    seen: dict[tuple[float, float], int] = {}
    out = []
    for key in keys:
        k = seen.get(key, 0)
        seen[key] = k + 1
        if k == 0:
            out.append([0, 0])
            continue
        r, angle = 9.0 * math.sqrt(k), math.radians(137.508 * k)
        out.append([round(r * math.cos(angle)), round(r * math.sin(angle))])
    return out


# --- The data block -------------------------------------------------------------------------------


def _name_of(layers: Any) -> dict[str, str]:
    return dict(zip(layers.places["id"], layers.places["name"], strict=True))


def _label_point(
    geom: BaseGeometry, lon: float, lat: float, box: tuple[float, float, float, float]
) -> list[float]:
    """Where a country's name goes: the preferred point if it lies inside, else inside the view."""
    if geom.contains(Point(lon, lat)):
        return _ll(lon, lat)
    inside = geom.intersection(shapely.box(*box))
    point = inside.representative_point() if not inside.is_empty else geom.representative_point()
    return _ll(point.x, point.y)


def _land(model: Any, view: tuple[float, float, float, float]) -> dict[str, Any]:
    syria = shapely.simplify(model.border.syria, 0.0002, preserve_topology=True)
    turkey = shapely.simplify(model.border.turkey, 0.0002, preserve_topology=True)
    lon0, lat0, _, lat1 = view
    labels = [
        [*_label_point(model.border.syria, 36.55, 35.6, view), "Syria", "cm-country"],
        [*_label_point(model.border.turkey, 36.3, 36.07, view), "Turkey", "cm-country"],
    ]
    sea = Point(lon0 + 0.12, (lat0 + lat1) / 2)
    if not (model.border.syria.contains(sea) or model.border.turkey.contains(sea)):
        labels.append([*_ll(sea.x, sea.y), "Mediterranean", "cm-sea"])
    return {"syria": _polys(syria), "turkey": _polys(turkey), "labels": labels}


def _minimap(model: Any) -> dict[str, Any]:
    return {
        "tiles": MINIMAP_TILES,
        "syria": _polys(shapely.simplify(model.border.syria, 0.005, preserve_topology=True)),
        "border": _lines(shapely.simplify(model.border.line, 0.005)),
        "road": _lines(shapely.simplify(model.route.line, 0.002)),
    }


def _corridor(layers: Any, model: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"cut": None}
    frame = layers.corridor.set_index("side")
    names = _name_of(layers)
    section = model.corridor.section
    where = f"{names[section.from_id]} to {names[section.to_id]}"
    for side in ("north", "south", "cut"):
        if side not in frame.index:
            continue
        row = frame.loc[side]
        width = f"{row['half_width_m'] / 1000:g} km"
        if side == "cut":
            info = _info(
                k="Corridor",
                t="Outside Syria: cut off at the border",
                rows=[
                    ("Area", f"{row['area_km2']:.1f} km²"),
                    ("Why", f"a {width} buffer north of the road reaches into Turkey here"),
                ],
                notes=[row["note"]],
            )
        else:
            info = _info(
                k="Corridor",
                t=f"{side.capitalize()} half: patrolled by {row['patrolled_by']}",
                rows=[
                    ("Depth", f"{width} from the road"),
                    ("Along", f"{where}, km {section.km_from:.1f} to {section.km_to:.1f}"),
                    ("Area in Syria", f"{row['area_km2']:.1f} km²"),
                ],
                notes=[row["note"]],
            )
        out[side] = {"rings": _polys(row.geometry), "info": info}
    return out


def _road(layers: Any) -> list[dict[str, Any]]:
    names = _name_of(layers)
    out = []
    for seg in layers.route.to_dict("records"):
        a, b = names.get(seg["from"], seg["from"]), names.get(seg["to"], seg["to"])
        info = _info(
            k="M4 road",
            t=f"{a} – {b}",
            rows=[
                ("Kilometres from Latakia", f"{seg['km_from']:.1f} to {seg['km_to']:.1f}"),
                ("Length as modelled", f"{seg['length_km']:.1f} km"),
                ("How sure", f"{seg['confidence']}: {seg['confidence_meaning']}"),
            ],
            notes=[seg["basis"]],
            src=[("basis", seg["basis_url"])],
            foot=seg.get("geometry_source"),
        )
        coords = seg["geometry"].coords
        out.append(
            {"ll": _pts(coords), "dash": style.ROAD_DASH.get(seg["confidence"]), "info": info}
        )
    return out


def _km_marks(model: Any) -> list[list[float]]:
    marks = []
    for km in range(0, int(model.route.length_km) + 1, 10):
        lon, lat = model.route.point_at(float(km))
        marks.append([*_ll(lon, lat), km])
    return marks


def _places(layers: Any, model: Any) -> list[dict[str, Any]]:
    ends = {model.corridor.section.from_id, model.corridor.section.to_id}
    drawn = []
    for p in layers.places.to_dict("records"):
        if p["road_offset_km"] > STUDY_AREA_KM:  # Moscow, Ankara: named in the far-events panel
            continue
        derived = bool(p["derived"])
        along = f"km {p['chainage_km']:.1f} from Latakia"
        if p["side"] != "on road":
            along += f", {p['road_offset_km']:.1f} km {p['side']} of the road"
        position = (
            f"derived: {p['derivation']}"
            if derived
            else "gazetteer"
            + (f" (GeoNames {p['geonames_id']})" if not _missing(p["geonames_id"]) else "")
        )
        info = _info(
            k="Derived place" if derived else "Place",
            t=" · ".join(x for x in (_text(p["name"]), _text(p["name_ar"])) if x),
            rows=[
                ("Along the M4", along),
                ("To the Turkish border", f"{p['border_km']:.1f} km"),
                ("Position", position),
                ("Uncertainty", f"± {p['uncertainty_m'] / 1000:g} km"),
                ("Also written", _text(p["alt_names"]).replace("|", ", ")),
            ],
            notes=[p["note"]],
            src=[(p["source"], p["source_url"])],
        )
        drawn.append(
            {
                "ll": _ll(p["geometry"].x, p["geometry"].y),
                "name": _text(p["name"]),
                "derived": derived,
                "unc": round(float(p["uncertainty_m"])) if derived else 0,
                "major": (not derived) or p["id"] in ends,
                "dir": _LABEL_SIDE.get(p["id"], "right"),
                "info": info,
            }
        )
    return drawn


def _border(layers: Any, view: tuple[float, float, float, float]) -> dict[str, Any]:
    row = layers.border.iloc[0]
    lon0, lat0, lon1, lat1 = view
    near = row.geometry.intersection(shapely.box(lon0 - 0.5, lat0 - 0.5, lon1 + 0.5, lat1 + 0.5))
    info = _info(
        k="Border",
        t=_text(row.get("name")) or "Turkey–Syria border",
        rows=[
            ("Source", row.get("source")),
            ("Licence", row.get("licence")),
            ("Attribution", row.get("attribution")),
            ("Simplified to", row.get("simplification")),
        ],
        notes=[row.get("derivation")],
    )
    return {"ll": _lines(near), "info": info}


def _along(lon0: float, lat0: float, lon1: float, lat1: float, t: float) -> list[float]:
    return _ll(lon0 + t * (lon1 - lon0), lat0 + t * (lat1 - lat0))


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
        link["at"] = _ll(*best)


def _nearest_place(model: Any, names: Mapping[str, str], km: float) -> str:
    on_road = [
        (abs(k - km), pid) for pid, k in model.place_km.items() if model.place_offset_km[pid] < 1
    ]
    return names[min(on_road)[1]] if on_road else ""


def _links_to_border(layers: Any, model: Any) -> list[dict[str, Any]]:
    names = _name_of(layers)
    check = model.border_check
    lon, lat, km_min = check.m4_min_at
    near = _nearest_place(model, names, km_min)
    out = [
        {
            "road": _ll(lon, lat),
            "border": _ll(*check.m4_min_border_point),
            "label": f"{check.m4_min_km:.1f} km",
            "min": True,
            "info": _info(
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
                "road": _ll(rlon, rlat),
                "border": _ll(bx, by),
                "label": f"{d / 1000:.1f} km",
                "min": False,
                "info": _info(
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


def _judge(model: Any) -> list[dict[str, Any]]:
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
                "ll": _pts(model.route.stretch(a, b).coords),
                "cls": cls,
                "info": _info(
                    k="About 30 km from the border?",
                    t=f"km {a:.1f} to {b:.1f}: {float(d.min()):.1f}–{float(d.max()):.1f} km",
                    rows=[
                        ("Verdict here", words[cls]),
                        ("Tolerance", model.border_check.verdict.get("tolerance_basis")),
                    ],
                ),
            }
        )
    return out


#: Simplification of the border before drawing the 25/30/35 km lines from it, in metres.
BORDER_DRAW_SIMPLIFY_M = 50.0


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


def _distance_lines(model: Any, view: tuple[float, float, float, float]) -> dict[str, Any]:
    """The lines 25, 30 and 35 km from the border inside Syria (within ``view``), and the band
    between 25 and 35 km."""
    lon0, lat0, lon1, lat1 = view
    # Enough border on each side that the buffers' ends lie outside the view.
    near = model.border.line.intersection(
        shapely.box(lon0 - 0.6, lat0 - 0.6, lon1 + 0.6, lat1 + 0.6)
    )
    # Drawn lines 25-35 km out need no 10 m border detail: 50 m is far below a screen pixel at any
    # zoom that shows them, and makes the buffers ten times cheaper.
    metric = to_metric(near).simplify(BORDER_DRAW_SIMPLIFY_M)
    inside = to_metric(model.border.syria.intersection(shapely.box(*view)))
    out: dict[str, Any] = {"info": {}}
    zones = _border_zones(metric, (25, 30, 35))
    for d, zone in zones.items():
        line = shapely.simplify(zone.boundary.intersection(inside), 25)
        out[str(d)] = _lines(to_lonlat(line))
        out["info"][str(d)] = _info(
            k="Distance from the border",
            t=f"{d} km from the Turkish border",
            rows=[("Drawn", "offset of the border line in the corridor's conformal projection")],
        )
    band = shapely.simplify(zones[35].difference(zones[25]).intersection(inside), 40)
    out["band"] = _polys(to_lonlat(band))
    out["label"], out["label_text"] = None, f"{CLAIMED_KM:g} km from the border"
    thirty = [LineString([(p[1], p[0]) for p in line]) for line in out["30"] if len(line) > 1]
    if thirty:
        # Label the line south of the corridor's middle, away from the road's own labels.
        section = model.corridor.section
        lon, lat = model.route.point_at((section.km_from + section.km_to) / 2)
        target = Point(lon, lat - 0.12)
        best = min(thirty, key=lambda g: g.distance(target))
        point = best.interpolate(best.project(target))
        out["label"] = _ll(point.x, point.y)
    return out


def _quiet_km(model: Any, section: Any) -> float:
    """A chainage in the section where the corridor is whole and no named place is near."""
    half_km = model.corridor.half_width_m / 1000
    marks = sorted(
        {section.km_from, section.km_to}
        | {k for k in model.place_km.values() if section.km_from < k < section.km_to}
    )
    check = model.border_check
    gaps = []
    for a, b in pairwise(marks):
        middle = (a + b) / 2
        whole = np.interp(middle, check.profile_km, check.profile_border_km) > half_km + 1
        gaps.append((whole, b - a, middle))
    return max(gaps)[2] if gaps else (section.km_from + section.km_to) / 2


def _model_checks(layers: Any, model: Any) -> list[dict[str, Any]]:
    """What the model itself can show of the articles' checkable figures: width and Tronba."""
    out = []
    section = model.corridor.section
    half_m = model.corridor.half_width_m
    at_km = _quiet_km(model, section)
    a, b = (to_metric(Point(*model.route.point_at(k))) for k in (at_km - 0.5, at_km + 0.5))
    centre = to_metric(Point(*model.route.point_at(at_km)))
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length  # left of the chainage direction: north
    ends = [
        Point(centre.x - nx * half_m, centre.y - ny * half_m),
        Point(centre.x + nx * half_m, centre.y + ny * half_m),
    ]
    bar = to_lonlat(LineString([(p.x, p.y) for p in (ends[0], centre, ends[1])]))
    note = layers.corridor["note"].iloc[0] if len(layers.corridor) else ""
    w = half_m / 1000
    out.append(
        {
            "type": "line",
            "ll": _pts(bar.coords),
            "verdict": "link",
            "weight": 2,
            "label": f"{w:g} km + {w:g} km",
            "at": _along(*bar.coords[1], *bar.coords[2], 0.7),
            "ticks": [_pts(bar.coords)[0], _pts(bar.coords)[-1]],
            "info": _info(
                k="Corridor width",
                t=f"{w:g} km each side of the road, {2 * w:g} km across",
                rows=[("Drawn at", f"km {at_km:.1f} of the M4")],
                notes=[note],
            ),
        }
    )
    names = _name_of(layers)
    places = layers.places.set_index("id")
    for pid in (section.from_id, section.to_id):
        if pid not in places.index or not bool(places.loc[pid, "derived"]):
            continue
        rule = _text(places.loc[pid, "derivation"])
        match = re.match(r"along:([a-z0-9-]+):([-+]?[0-9.]+)", rule)
        if not match or match.group(1) not in places.index or abs(float(match.group(2))) > 10:
            continue
        ref = places.loc[match.group(1)]
        here = places.loc[pid]
        dist_m = distance_m(ref.geometry.x, ref.geometry.y, here.geometry.x, here.geometry.y)
        out.append(
            {
                "type": "line",
                "ll": _pts([(ref.geometry.x, ref.geometry.y), (here.geometry.x, here.geometry.y)]),
                "verdict": "link",
                "weight": 2,
                "dash": "4 3",
                "label": f"{dist_m / 1000:.1f} km",
                "at": _along(ref.geometry.x, ref.geometry.y, here.geometry.x, here.geometry.y, 0.5),
                "info": _info(
                    k="Position of a corridor end",
                    t=f"{names[pid]}: {dist_m / 1000:.2f} km from {names[match.group(1)]}",
                    rows=[
                        ("Placed by", rule),
                        ("Uncertainty", f"± {here['uncertainty_m'] / 1000:g} km"),
                    ],
                    notes=[here["source"]],
                    src=[(here["source"], here["source_url"])],
                ),
            }
        )
    return out


def _where_geoms(where: Any, model: Any) -> tuple[list[BaseGeometry], bool]:
    """The geometries a claim's ``where`` names, and whether they are stretches of the road.

    Reads the ``where`` of :mod:`corridor.claims.check` (``kind``: ``stretches`` with ``chainage_km``
    pairs, ``transect`` or ``offset`` with ``coords``, ``point`` with ``lon``/``lat``; ``event``
    claims go to their event's popup instead) and the simpler forms :func:`build_map` lists.
    """
    if not isinstance(where, Mapping) or where.get("kind") == "event":
        return [], False
    geoms: list[BaseGeometry] = []
    stretches = (
        [(a, b) for a, b in where.get("chainage_km") or []]
        if where.get("kind") == "stretches"
        else []
    )
    stretches += [(s["km_from"], s["km_to"]) for s in where.get("stretches") or []]
    if not _missing(where.get("km_from")) and not _missing(where.get("km_to")):
        stretches.append((where["km_from"], where["km_to"]))
    for a, b in stretches:
        geoms.append(model.route.stretch(float(a), float(b)))
    if stretches:
        return geoms, True
    if where.get("coords"):
        geoms.append(LineString([(float(x), float(y)) for x, y in where["coords"]]))
    elif isinstance(where.get("geometry"), Mapping):
        try:
            geoms.append(shapely.geometry.shape(where["geometry"]))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InputError(f"a claim's where.geometry is not GeoJSON: {exc}") from None
    elif not _missing(where.get("lon")) and not _missing(where.get("lat")):
        geoms.append(Point(float(where["lon"]), float(where["lat"])))
    ids = list(where.get("places") or []) + ([where["place"]] if where.get("place") else [])
    for pid in ids:
        # An unknown name raises the gazetteer's UnknownPlaceError (an InputError naming candidates).
        place = model.gazetteer[pid] if pid in model.gazetteer else model.gazetteer.find(str(pid))
        geoms.append(Point(place.lon, place.lat))
    if not _missing(where.get("km")):
        geoms.append(Point(*model.route.point_at(float(where["km"]))))
    return geoms, False


def _verdict_key(verdict: Any) -> str:
    v = _text(verdict).strip().lower().replace("_", " ")
    return v if v in {"supported", "contradicted", "partly"} else "unchecked"


def _value(part: Any) -> str:
    """A stated or modelled value ({value, unit, qualifier}) as a short text."""
    if not isinstance(part, Mapping):
        return _text(part)
    value = part.get("value")
    if isinstance(value, list | tuple):
        value = ", ".join(_text(v) for v in value)
    text = " ".join(t for t in (_text(value), _text(part.get("unit"))) if t)
    return text + (f" ({_text(part['qualifier'])})" if part.get("qualifier") else "")


def claim_section(claim: Mapping[str, Any]) -> dict[str, Any]:
    """One claim as a block of a popup: who says what, the verdict and the evidence."""
    evidence = claim.get("evidence")
    if isinstance(evidence, Mapping):
        notes = [f"{_words(k)}: {_text(v)}" for k, v in evidence.items()]
    elif isinstance(evidence, list | tuple):
        notes = [_text(e) for e in evidence]
    else:
        notes = [_text(evidence)]
    outlet = _text(claim.get("outlet"))
    section = _info(
        t=(f"{outlet}: " if outlet else "") + _text(claim.get("claim")),
        rows=[
            ("Verdict", _words(claim.get("verdict"))),
            ("Stated", _value(claim.get("stated"))),
            ("Model", _value(claim.get("model"))),
        ],
        notes=notes,
        foot=_text(claim.get("claim_id")),
    )
    section["v"] = _verdict_key(claim.get("verdict"))
    return section


def _claim_features(
    claims: Sequence[Mapping[str, Any]], model: Any
) -> tuple[list[dict[str, Any]], int, dict[str, list[dict[str, Any]]]]:
    """Claims with a place as map features (one per place, listing every claim made there),
    how many claims were placed, and the claims about catalogue events by event id."""
    groups: dict[str, dict[str, Any]] = {}
    about_events: dict[str, list[dict[str, Any]]] = {}
    placed = 0
    for claim in claims:
        where = claim.get("where")
        if isinstance(where, Mapping) and where.get("kind") == "event" and where.get("event_id"):
            about_events.setdefault(str(where["event_id"]), []).append(claim_section(claim))
            continue
        geoms, along_road = _where_geoms(where, model)
        if not geoms:
            continue
        placed += 1
        label = _text(where.get("label")) if isinstance(where, Mapping) else ""
        for geom in geoms:
            # Claims about the same place (to the map's precision) share one feature.
            key = json.dumps(
                [
                    geom.geom_type,
                    np.round(shapely.get_coordinates(geom), DECIMALS).tolist(),
                    along_road,
                ]
            )
            group = groups.setdefault(
                key, {"geom": geom, "road": along_road, "label": label, "sections": []}
            )
            group["sections"].append(claim_section(claim))
    out = []
    for group in groups.values():
        verdicts = {section.pop("v", None) for section in group["sections"]}
        verdict = verdicts.pop() if len(verdicts) == 1 else "link"  # mixed: neutral dark
        info = {
            **_info(
                k="Claims checked here" if len(group["sections"]) > 1 else "Claim checked here",
                t=group["label"],
            ),
            "sections": group["sections"],
        }
        geom = group["geom"]
        if geom.geom_type == "Point":
            out.append(
                {"type": "point", "ll": _ll(geom.x, geom.y), "verdict": verdict, "info": info}
            )
            continue
        for part in _parts(geom, "LineString") or [LineString(geom.exterior.coords)]:
            line = _pts(part.coords)
            feature = {"type": "line", "ll": line, "verdict": verdict, "weight": 2.5, "info": info}
            if group["road"]:
                feature.update(dash="1 4", weight=3.5, lane=_CLAIM_LANE_PX)
            else:
                feature.update(dash="1 4", weight=3, ticks=[line[0], line[-1]])
                if group["label"]:
                    feature["label"] = group["label"]
                    feature["at"] = _along(*part.coords[-2], *part.coords[-1], 0.6)
            out.append(feature)
    return out, placed, about_events


_NUMBERED_BY = {"tr_mod": "Turkish MoD", "ru_centre": "Russian centre"}


def _event_info(e: Mapping[str, Any], names: Mapping[str, str], kicker: str) -> dict[str, Any]:
    kind, outcome = _words(e["kind"]), _words(e["outcome"])
    by = _json_list(e.get("outcome_by_source"))
    outcome_rows: list[tuple[str, Any]] = (
        [
            (
                "Outcome by source",
                _links(
                    (f"{_text(b.get('by'))}: {_words(b.get('outcome'))}", b.get("url"))
                    for b in by
                    if isinstance(b, Mapping)
                ),
            )
        ]
        if by
        else [("Outcome", outcome)]
    )
    route = ""
    if not _missing(e.get("route_from")) and not _missing(e.get("route_to")):
        route = f"{names.get(e['route_from'], e['route_from'])} → {names.get(e['route_to'], e['route_to'])}"
        if not _missing(e.get("km_from")) and not _missing(e.get("km_to")):
            route += f", km {float(e['km_from']):.1f} → {float(e['km_to']):.1f} ({float(e['reach_km']):.1f} km of road)"
    numbers = _json_dict(e.get("patrol_numbers"))
    numbered = " · ".join(
        f"{_NUMBERED_BY.get(k, _words(k))} no. {v}"
        for k, v in sorted(numbers.items())
        if isinstance(v, int)
    )
    where = _text(e.get("place_names")).replace("|", ", ")
    if not _missing(e.get("uncertainty_m")) and float(e["uncertainty_m"]) > 0:
        where += f" (± {float(e['uncertainty_m']) / 1000:g} km)"
    if bool(e.get("in_study_area")) and not _missing(e.get("road_km")):
        where += (
            "; inside the corridor"
            if bool(e.get("in_corridor"))
            else f"; {float(e['road_km']):.1f} km from the road, outside the corridor"
        )
    actors = ", ".join(_text(a) for a in _json_list(e.get("actors")))
    disagreements = [f"Sources disagree: {_text(d)}" for d in _json_list(e.get("disagreements"))]
    sources = [
        (s.get("outlet"), s.get("url"))
        for s in _json_list(e.get("sources"))
        if isinstance(s, Mapping)
    ]
    return _info(
        k=kicker,
        t=kind.capitalize() + (f": {outcome}" if outcome else ""),
        rows=[
            ("Date", date_label(e.get("date"), e.get("date_precision"))),
            *outcome_rows,
            ("Route", route),
            ("Patrol number", numbered),
            ("Where", where),
            ("Location", _text(e.get("location_note"))),
            ("Actors", actors),
        ],
        notes=[_text(e.get("description")), *disagreements],
        src=sources,
        foot=_text(e.get("id")),
    )


def _date_key(value: Any) -> str | None:
    return None if _missing(value) or not str(value) else str(value)


def _catalogue(layers: Any, model: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The catalogue's events in the study area (drawn) and elsewhere (listed), without ranks."""
    events = layers.events
    cat = events[events["origin"] == "catalogue"]
    names = _name_of(layers)
    patrol_lines = dict(zip(layers.patrols["id"], layers.patrols.geometry, strict=True))
    drawn: list[dict[str, Any]] = []
    elsewhere: list[dict[str, Any]] = []
    for e in cat.to_dict("records"):
        group = event_group(e["kind"], e["outcome"])
        if not bool(e["in_study_area"]):
            info = _event_info(e, names, "Elsewhere")
            line = " · ".join(
                [
                    date_label(e["date"], e["date_precision"]),
                    _text(e["place_names"]).replace("|", ", "),
                    info.get("t", ""),
                ]
            )
            elsewhere.append(
                {"line": line, "info": info, "_key": (_date_key(e["date"]) or "~", e["id"])}
            )
            continue
        item: dict[str, Any] = {"g": group, "date": _date_key(e["date"]), "id": e["id"]}
        line_geom = patrol_lines.get(e["id"])
        if line_geom is not None and not _missing(e.get("km_to")):
            km_to = float(e["km_to"])
            coords = np.asarray(line_geom.coords)
            # Lanes are offset to the left of the line's direction: run it with the chainage
            # (west to east) so that the lane sits on the north side.
            ends, _ = model.route.locate(coords[[0, -1], 0], coords[[0, -1], 1])
            if ends[0] > ends[1]:
                coords = coords[::-1]
            item["line"] = _pts(coords)
            item["lane"] = _LANES[group] if group in _LANES else _LANES["patrol_done"]
            lon, lat = model.route.point_at(km_to)
        else:
            lon, lat = e["geometry"].x, e["geometry"].y
        item["ll"] = _ll(lon, lat)
        item["info"] = _event_info(e, names, _GROUP_NAMES[group])
        drawn.append(item)
    drawn.sort(key=lambda d: (d["date"] or "~", d["id"]))
    offsets = _dodge([tuple(d["ll"]) for d in drawn])
    for item, off in zip(drawn, offsets, strict=True):
        item["o"] = off
    elsewhere.sort(key=lambda d: d.pop("_key"))
    return drawn, elsewhere


def _attach_claims(
    events: list[dict[str, Any]],
    elsewhere: list[dict[str, Any]],
    about_events: Mapping[str, list[dict[str, Any]]],
) -> None:
    """Add the claims about each catalogued event to its popup."""
    for item in [*events, *elsewhere]:
        sections = about_events.get(item["info"].get("foot", ""))
        if sections:
            item["info"]["sections"] = [
                {k: v for k, v in section.items() if k != "v"} for section in sections
            ]


def _codes(values: pd.Series, table: dict[str, int]) -> list[int]:
    """Indices into the shared string table (-1 when missing or empty)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.array(
        [table.setdefault(t, len(table)) if (t := _text(u)) else -1 for u in uniques] + [-1],
        dtype=np.int64,
    )
    return lookup[codes].tolist()


def _floats(values: pd.Series, digits: int) -> list[float | None]:
    arr = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    rounded = np.round(arr, digits)
    return [None if math.isnan(v) else float(v) for v in rounded.tolist()]


def _imported(layers: Any, cap: int) -> tuple[pd.DataFrame, int, int]:
    """The imported rows to draw (at most ``cap``, the most recent), all in the study area."""
    events = layers.events
    imported = events[events["origin"] != "catalogue"]
    inside = imported[imported["in_study_area"].fillna(False).astype(bool)]
    inside = inside[~inside.geometry.is_empty & inside.geometry.notna()]
    outside = len(imported) - len(inside)
    if len(inside) > cap:
        order = inside["date"].astype("object").where(inside["date"].notna(), "")
        keep = order.sort_values(ascending=False, kind="stable").index[:cap]
        inside = inside.loc[inside.index.isin(keep)]
    return inside, outside, len(imported) - outside


def _imported_columns(rows: pd.DataFrame, rank: Mapping[str, int]) -> dict[str, Any]:
    table: dict[str, int] = {}

    def column(name: str) -> pd.Series:
        return (
            rows[name]
            if name in rows.columns
            else pd.Series([None] * len(rows), index=rows.index, dtype="object")
        )

    desc = (
        column("description").astype("object").where(column("description").notna(), "").astype(str)
    )
    desc = desc.str.replace(_UNREPRESENTABLE, "\ufffd", regex=True)
    cut = desc.str.len() > IMPORTED_TEXT_CHARS
    dates = column("date").astype("object")
    fatalities = pd.to_numeric(column("fatalities"), errors="coerce")
    c = {
        "origin": _codes(column("origin"), table),
        "date": _codes(dates, table),
        "prec": _codes(column("date_precision"), table),
        "kind": _codes(column("kind"), table),
        "outcome": _codes(column("outcome"), table),
        "etype": _codes(column("event_type"), table),
        "actor1": _codes(column("actor1"), table),
        "actor2": _codes(column("actor2"), table),
        "place": _codes(column("place_names"), table),
        "source": _codes(column("sources"), table),
        "side": _codes(column("side"), table),
        "id": [_text(v) for v in column("id").tolist()],
        "desc": desc.str.slice(0, IMPORTED_TEXT_CHARS).tolist(),
        "cut": cut.astype(int).tolist(),
        "fat": [None if math.isnan(v) else int(v) for v in fatalities.astype("float64").tolist()],
        "unc": [0 if v is None else round(v) for v in _floats(column("uncertainty_m"), 0)],
        "km": _floats(column("chainage_km"), 1),
        "road": _floats(column("road_km"), 2),
        "bkm": _floats(column("border_km"), 1),
        "inc": column("in_corridor").fillna(False).astype(bool).astype(int).tolist(),
    }
    geometry = rows.geometry
    return {
        "n": len(rows),
        "lat": np.round(geometry.y.to_numpy(dtype=float), DECIMALS).tolist(),
        "lon": np.round(geometry.x.to_numpy(dtype=float), DECIMALS).tolist(),
        "r": [rank.get(d, -1) if isinstance(d, str) else -1 for d in dates.tolist()],
        "s": list(table),
        "c": c,
    }


def _verdict_sentence(layers: Any, model: Any) -> str:
    v = model.border_check.verdict
    check = model.border_check
    word = {"supported": "Mostly", "partly": "Partly", "contradicted": "No"}.get(
        v["verdict"], v["verdict"]
    )
    near = _nearest_place(model, _name_of(layers), check.m4_min_at[2])
    return (
        f"“About {v['claimed_km']:g} km from the Turkish border”? {word}. The road is "
        f"{v['claimed_km'] - v['tolerance_km']:g}–{v['claimed_km'] + v['tolerance_km']:g} km from "
        f"the border along {v['share_of_road']:.0%} of its length ({v['share_of_section']:.0%} of "
        f"the corridor's); it comes within {check.m4_min_km:.1f} km of it at km "
        f"{check.m4_min_at[2]:.1f}, near {near}."
    )


def map_data(
    layers: Any,
    *,
    claims: Sequence[Mapping[str, Any]] | None = None,
    max_imported: int = MAX_IMPORTED_DRAWN,
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, str, bool]]]:
    """Everything the map draws: the JSON data, the legend's facts and the layer menu's entries.

    Returns
    -------
    data, facts, layer_list
        ``data`` goes into the page for the script; ``facts`` fill the legend; ``layer_list``
        holds ``(key, name, shown at start)`` per overlay, in menu order.
    """
    model = layers.model
    names = _name_of(layers)
    lon0, lat0, lon1, lat1 = model.route.line.bounds
    view = (lon0 - 0.3, lat0 - 0.25, lon1 + 0.3, lat1 + 0.25)
    corridor = _corridor(layers, model)
    places = _places(layers, model)
    events, elsewhere = _catalogue(layers, model)
    rows, outside, in_area = _imported(layers, max_imported)
    dates = sorted(
        {d for d in (e["date"] for e in events) if d}
        | {d for d in rows["date"].dropna().astype(str) if d}
    )
    rank = {d: i for i, d in enumerate(dates)}
    for item in events:
        date = item.pop("date")
        item["r"] = rank.get(date, -1) if date else -1
        item.pop("id")
    if claims is None:
        checks = _model_checks(layers, model)
        claims_note = (
            "Claims layer: the corridor's width and the distance from Tronba to Saraqib as "
            "modelled (no checked claims were given to the map)."
        )
    else:
        checks, placed, about_events = _claim_features(claims, model)
        _attach_claims(events, elsewhere, about_events)
        n_events = sum(len(v) for v in about_events.values())
        claims_note = (
            f"Claims layer: {placed} of {len(claims)} checked claims have a place on the map, "
            "coloured by verdict (dark: claims at one place disagree); "
            f"{n_events} more are about catalogued events and shown in their popups."
        )
    x0, y0, x1, y1 = layers.corridor.total_bounds
    counts = {g: sum(1 for e in events if e["g"] == g) for g in EVENT_GROUPS}
    imported_note = ""
    if len(rows) or outside:
        imported_note = f"{len(rows):,} imported events in the study area, clustered"
        if len(rows) < in_area:
            imported_note += f" (only the {len(rows):,} most recent of {in_area:,} are drawn)"
        if outside:
            imported_note += (
                f"; {outside:,} farther than {STUDY_AREA_KM:g} km from the road are not drawn"
            )
        imported_note += ". Texts are shortened; full rows: events.geojson."
    far = sorted({i["line"].split(" · ")[1] for i in elsewhere})
    data = {
        "style": dict(style.PALETTE, link=style.PALETTE["link"]),
        "panes": list(style.PANES),
        # The corridor with room for the labels of the places at its ends.
        "bounds": [
            [round(y0 - 0.04, 4), round(x0 - 0.06, 4)],
            [round(y1 + 0.04, 4), round(x1 + 0.1, 4)],
        ],
        "land": _land(model, view),
        "mini": _minimap(model),
        "corridor": corridor,
        "road": _road(layers),
        "km": _km_marks(model),
        "places": places,
        "border": _border(layers, view),
        "links": _links_to_border(layers, model),
        "judge": _judge(model),
        "ribbon": RIBBON_PX,
        "legend_px": style.LEGEND_PX,
        # Over all of the Syrian outline, so that no clipping edge shows when zoomed out.
        "line30": _distance_lines(model, model.border.syria.bounds),
        "checks": checks,
        "events": events,
        "elsewhere": {
            "title": f"{len(elsewhere)} catalogue events far from the corridor",
            "note": (
                f"In {', '.join(far)}: talks, agreements and statements. They are listed here "
                "rather than drawn, so that the map stays on the corridor."
            ),
            "items": elsewhere,
        },
        "imported": _imported_columns(rows, rank) if len(rows) else {"n": 0},
        "dates": dates,
        "attribution": legend.attribution(_text(layers.border.iloc[0].get("attribution"))),
    }
    section = model.corridor.section
    facts = {
        "section": (
            f"Agreed by Russia and Turkey on 5 March 2020. Drawn: "
            f"{model.corridor.half_width_m / 1000:g} km each side of the M4 from "
            f"{names[section.from_id]} to {names[section.to_id]} "
            f"({section.length_km:.1f} km of road as modelled)."
        ),
        "half_width_km": model.corridor.half_width_m / 1000,
        "area_north": model.corridor.area_km2("north"),
        "area_south": model.corridor.area_km2("south"),
        "area_cut": model.corridor.area_km2("cut"),
        "verdict": _verdict_sentence(layers, model),
        "counts": counts,
        "imported": imported_note,
        "claims": claims_note,
        "claims_given": claims is not None,
    }
    layer_list = [
        ("outlines", "Syria and Turkey (outlines)", True),
        ("corridor_north", "Corridor, north half (Turkish patrols)", True),
        ("corridor_south", "Corridor, south half (Russian patrols)", True),
    ]
    if corridor["cut"] is not None:
        layer_list.append(("corridor_cut", "Corridor outside Syria (cut off)", True))
    layer_list += [
        ("line30", "30 km from the border (25–35 km band)", True),
        ("judge", "About 30 km? Road coloured by distance", True),
        ("border", "Turkey–Syria border", True),
        ("links", "Shortest distances road–border", True),
        ("road", "M4 road (dashes: how sure its course is)", True),
        ("km", "M4 kilometres from Latakia", True),
        ("places", "Places (dashed circle: uncertainty)", True),
        ("checks", "Claims where they apply", True),
    ]
    layer_list += [(f"ev_{g}", f"{_GROUP_NAMES[g]} ({counts[g]})", True) for g in EVENT_GROUPS]
    if len(rows):
        layer_list.append(("imported", f"Imported events ({len(rows):,}, clustered)", True))
    return data, facts, [(k, inert(n), s) for k, n, s in layer_list]
