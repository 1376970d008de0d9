"""What the map draws of the claims: checked claims where they apply (one feature per place,
listing every claim made there), claims about events in the events' popups, and, when no checked
claims are given, the model's own checkable figures (the corridor's width, Tronba's position).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from corridor._errors import InputError
from corridor.geo.geodesy import distance_m
from corridor.geo.projection import to_lonlat, to_metric
from corridor.webmap import convert as cv
from corridor.webmap import style

#: Claims about stretches of the road are drawn in a lane south of the ribbon.
_CLAIM_LANE_PX = -17.0


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


def model_checks(layers: Any, model: Any) -> list[dict[str, Any]]:
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
            "ll": cv.pts(bar.coords),
            "verdict": "link",
            "weight": 2,
            "label": f"Corridor {w:g} km + {w:g} km",
            "at": cv.along(*bar.coords[1], *bar.coords[2], 0.7),
            "ticks": [cv.pts(bar.coords)[0], cv.pts(bar.coords)[-1]],
            "info": cv.info(
                k="Corridor width",
                t=f"{w:g} km each side of the road, {2 * w:g} km across",
                rows=[("Drawn at", f"km {at_km:.1f} of the M4")],
                notes=[note],
            ),
        }
    )
    names = cv.name_of(layers)
    places = layers.places.set_index("id")
    for pid in (section.from_id, section.to_id):
        if pid not in places.index or not bool(places.loc[pid, "derived"]):
            continue
        rule = cv.text(places.loc[pid, "derivation"])
        match = re.match(r"along:([a-z0-9-]+):([-+]?[0-9.]+)", rule)
        if not match or match.group(1) not in places.index or abs(float(match.group(2))) > 10:
            continue
        ref = places.loc[match.group(1)]
        here = places.loc[pid]
        dist_m = distance_m(ref.geometry.x, ref.geometry.y, here.geometry.x, here.geometry.y)
        out.append(
            {
                "type": "line",
                "ll": cv.pts(
                    [(ref.geometry.x, ref.geometry.y), (here.geometry.x, here.geometry.y)]
                ),
                "verdict": "link",
                "weight": 2,
                "dash": "4 3",
                "label": f"{names[pid]} – {names[match.group(1)]} {dist_m / 1000:.1f} km",
                "at": cv.along(
                    ref.geometry.x, ref.geometry.y, here.geometry.x, here.geometry.y, 0.5
                ),
                "info": cv.info(
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
    if not cv.missing(where.get("km_from")) and not cv.missing(where.get("km_to")):
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
    elif not cv.missing(where.get("lon")) and not cv.missing(where.get("lat")):
        geoms.append(Point(float(where["lon"]), float(where["lat"])))
    ids = list(where.get("places") or []) + ([where["place"]] if where.get("place") else [])
    for pid in ids:
        # An unknown name raises the gazetteer's UnknownPlaceError (an InputError naming candidates).
        place = model.gazetteer[pid] if pid in model.gazetteer else model.gazetteer.find(str(pid))
        geoms.append(Point(place.lon, place.lat))
    if not cv.missing(where.get("km")):
        geoms.append(Point(*model.route.point_at(float(where["km"]))))
    return geoms, False


def _verdict_key(verdict: Any) -> str:
    v = cv.text(verdict).strip().lower().replace("_", " ")
    return v if v in {"supported", "contradicted", "partly"} else "unchecked"


def _value(part: Any) -> str:
    """A stated or modelled value ({value, unit, qualifier}) as a short text."""
    if not isinstance(part, Mapping):
        return cv.text(part)
    value = part.get("value")
    if isinstance(value, list | tuple):
        value = ", ".join(cv.text(v) for v in value)
    text = " ".join(t for t in (cv.text(value), cv.text(part.get("unit"))) if t)
    return text + (f" ({cv.text(part['qualifier'])})" if part.get("qualifier") else "")


def claim_section(claim: Mapping[str, Any]) -> dict[str, Any]:
    """One claim as a block of a popup: who says what, the verdict and the evidence."""
    evidence = claim.get("evidence")
    if isinstance(evidence, Mapping):
        notes = [f"{cv.words(k)}: {cv.text(v)}" for k, v in evidence.items()]
    elif isinstance(evidence, list | tuple):
        notes = [cv.text(e) for e in evidence]
    else:
        notes = [cv.text(evidence)]
    outlet = cv.text(claim.get("outlet"))
    section = cv.info(
        t=(f"{outlet}: " if outlet else "") + cv.text(claim.get("claim")),
        rows=[
            ("Verdict", cv.words(claim.get("verdict"))),
            ("Stated", _value(claim.get("stated"))),
            ("Model", _value(claim.get("model"))),
        ],
        notes=notes,
        foot=cv.text(claim.get("claim_id")),
    )
    section["v"] = _verdict_key(claim.get("verdict"))
    return section


def claim_features(
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
        label = cv.text(where.get("label")) if isinstance(where, Mapping) else ""
        for geom in geoms:
            # Claims about the same place (to the map's precision) share one feature.
            key = json.dumps(
                [
                    geom.geom_type,
                    np.round(shapely.get_coordinates(geom), cv.DECIMALS).tolist(),
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
        verdict = verdicts.pop() if len(verdicts) == 1 else "mixed"  # they disagree
        info = {
            **cv.info(
                k="Claims checked here" if len(group["sections"]) > 1 else "Claim checked here",
                t=group["label"],
            ),
            "sections": group["sections"],
        }
        geom = group["geom"]
        if geom.geom_type == "Point":
            out.append(
                {"type": "point", "ll": cv.ll(geom.x, geom.y), "verdict": verdict, "info": info}
            )
            continue
        for part in cv.parts(geom, "LineString") or [LineString(geom.exterior.coords)]:
            line = cv.pts(part.coords)
            feature = {"type": "line", "ll": line, "verdict": verdict, "weight": 2.5, "info": info}
            if group["road"]:
                feature.update(dash=style.CLAIM_DASH, weight=3.5, lane=_CLAIM_LANE_PX)
            else:
                feature.update(dash=style.CLAIM_DASH, weight=3, ticks=[line[0], line[-1]])
                if group["label"]:
                    feature["label"] = group["label"]
                    feature["at"] = cv.along(*part.coords[-2], *part.coords[-1], 0.6)
            out.append(feature)
    return out, placed, about_events


def attach_claims(
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
