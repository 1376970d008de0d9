"""Checkers for what the model can measure: widths, miles, the border, the roads and where places lie.

Each takes a claim's ``check`` parameters and the :class:`~corridor.claims.base.Context` and returns a
:class:`~corridor.claims.base.Finding`; the tolerances they use are in :mod:`corridor.claims.base`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from corridor.claims.base import (
    ABOUT_TOLERANCE_KM,
    AXIS_HALF_SECTOR_DEG,
    COMPASS_HALF_SECTOR_DEG,
    KM_PER_MILE,
    MAJORITY_SHARE,
    ON_ROAD_MIN_KM,
    REGION_PLACES,
    ROADS,
    WIDTH_TOLERANCE_KM,
    Context,
    Finding,
    combine,
    half_unit,
    not_checkable,
    num,
    ranges_text,
    runs,
    share_verdict,
)
from corridor.geo.geodesy import GEOD, nearest_on_line_m

_COMPASS = {"N": 0, "NE": 45, "E": 90, "SE": 135, "S": 180, "SW": 225, "W": 270, "NW": 315}
_COMPASS_WORD = {
    "N": "north",
    "NE": "north-east",
    "E": "east",
    "SE": "south-east",
    "S": "south",
    "SW": "south-west",
    "W": "west",
    "NW": "north-west",
}


def _axis_share(lon: np.ndarray, lat: np.ndarray, axis: str) -> tuple[float, float]:
    """End-to-end bearing of a line, and the share of its length within 45° of ``axis``."""
    az, _, length = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    along = (
        np.abs(np.sin(np.radians(az))) if axis == "east-west" else np.abs(np.cos(np.radians(az)))
    )
    near = along >= math.sin(math.radians(AXIS_HALF_SECTOR_DEG)) - 1e-12
    bearing = GEOD.inv(lon[0], lat[0], lon[-1], lat[-1])[0] % 360
    return float(bearing), float(length[near].sum() / length.sum())


def _off_axis_deg(bearing: float, axis: str) -> float:
    reference = 90.0 if axis == "east-west" else 0.0
    diff = abs((bearing - reference + 90) % 180 - 90)
    return float(diff)


def _transect_where(ctx: Context, label: str) -> dict:
    """A line across the corridor at the middle of the section: north edge, road, south edge."""
    sec, route = ctx.model.corridor.section, ctx.model.route
    k = (sec.km_from + sec.km_to) / 2
    (lon0, lat0), (lon1, lat1) = route.point_at(k - 0.05), route.point_at(k + 0.05)
    lon, lat = route.point_at(k)
    heading = GEOD.inv(lon0, lat0, lon1, lat1)[0]
    half_m = ctx.model.corridor.half_width_m
    north = GEOD.fwd(lon, lat, heading - 90, half_m)[:2]
    south = GEOD.fwd(lon, lat, heading + 90, half_m)[:2]
    coords = [[round(float(x), 6), round(float(y), 6)] for x, y in (north, (lon, lat), south)]
    return {"kind": "transect", "chainage_km": round(k, 1), "coords": coords, "label": label}


def _border_cut(ctx: Context) -> tuple[list[list[float]], str]:
    """Section stretches where the border is nearer than the half-width, and the closest approach."""
    b, sec = ctx.model.border_check, ctx.model.corridor.section
    in_sec = (b.profile_km >= sec.km_from) & (b.profile_km <= sec.km_to)
    km, d = b.profile_km[in_sec], b.profile_border_km[in_sec]
    near = d < ctx.model.corridor.half_width_m / 1000
    at_km = b.m4_min_at[2] if sec.km_from <= b.m4_min_at[2] <= sec.km_to else km[np.argmin(d)]
    return runs(km, near), f"{num(b.section_min_km)} km at {_at(ctx, float(at_km))}"


def _at(ctx: Context, km: float) -> str:
    """``km 45.7, near Bdama``: a chainage, with the nearest named place on the road within 5 km."""
    on_road = [p for p, off in ctx.model.place_offset_km.items() if off < 0.5]
    near = min(on_road, key=lambda p: (abs(ctx.model.place_km[p] - km), p), default=None)
    if near is None or abs(ctx.model.place_km[near] - km) > 5:
        return f"km {num(km, 1)}"
    return f"km {num(km, 1)}, near {ctx.name(near)}"


def _unmeasurable_edge(ctx: Context) -> Finding | None:
    """Not checkable, and why, when the section leaves no side edge to measure on either half."""
    e = ctx.edges
    if (e.side == 1).any() and (e.side == -1).any():
        return None
    sec, half_km = ctx.model.corridor.section, ctx.model.corridor.half_width_m / 1000
    reason = (
        f"The corridor's width cannot be measured on the {sec.label} section: it is "
        f"{num(sec.length_km, 1)} km of road, and the edge is measured only away from the square "
        f"ends (more than the {num(half_km)} km half-width from each), which needs a section longer "
        f"than {num(2 * half_km)} km. Build a longer section to check this claim."
    )
    return not_checkable({"reason": reason}, ctx)


def check_half_width(check: Mapping[str, Any], ctx: Context) -> Finding:
    """The corridor's depth on each side, against the drawn corridor's measured edge."""
    stated = float(check["value_km"])
    if (short := _unmeasurable_edge(ctx)) is not None:
        return short
    e = ctx.edges
    model_km = ctx.model.corridor.half_width_m / 1000
    ok = np.abs(e.depth_km - stated) <= WIDTH_TOLERANCE_KM
    depth = "; ".join(
        f"{name} {num(float(np.median(d)), 3)} km (spread {num(1000 * float(np.ptp(d)), 2)} m)"
        for name, d in (("north", e.depth_km[e.side == 1]), ("south", e.depth_km[e.side == -1]))
        if d.size
    )
    cut, closest = _border_cut(ctx)
    note = (
        f" The Turkish border is nearer than that to the road on {ranges_text(cut)} (down to "
        f"{closest}), so there the north half is cut short on Syrian soil."
        if cut
        else " The border cuts neither half."
    )
    evidence = (
        f"Stated {num(stated)} km each side (±{num(WIDTH_TOLERANCE_KM)} km for a whole-km figure); "
        f"the model draws {num(model_km)} km each side (protocol para. 2). The drawn edge, measured "
        f"geodesically from the road at {e.depth_km.size} points, lies at: {depth}; "
        f"{num(100 * float(ok.mean()), 0)}% of the points are within the tolerance.{note}"
    )
    return Finding(
        round(float(np.median(e.depth_km)), 3),
        "km",
        "median geodesic distance from the drawn corridor's edge to the road, over the section",
        share_verdict(float(ok.mean())),
        evidence,
        "model",
        _transect_where(ctx, f"{num(model_km)} km each side of the road"),
    )


def check_total_width(check: Mapping[str, Any], ctx: Context) -> Finding:
    """The corridor's whole width: its north depth plus its south depth."""
    stated = float(check["value_km"])
    if (short := _unmeasurable_edge(ctx)) is not None:
        return short
    e = ctx.edges
    north, south = e.depth_km[e.side == 1], e.depth_km[e.side == -1]
    width = float(np.median(north) + np.median(south))
    share = float(np.mean(np.abs(2 * e.depth_km - stated) <= WIDTH_TOLERANCE_KM))
    half_km = ctx.model.corridor.half_width_m / 1000
    cut, _ = _border_cut(ctx)
    narrowest = (
        f" Where the Turkish border cuts the north half ({ranges_text(cut)}) the corridor narrows "
        f"to about {num(half_km + ctx.model.border_check.section_min_km, 1)} km."
        if cut
        else ""
    )
    evidence = (
        f"Stated {num(stated)} km across (±{num(WIDTH_TOLERANCE_KM)} km). The model's corridor is "
        f"{num(width)} km across: {num(half_km)} km each side (protocol para. 2), measured from the "
        f"drawn edge to the road.{narrowest} A {num(stated)} km total would mean "
        f"{num(stated / 2)} km each side."
    )
    return Finding(
        round(width, 3),
        "km",
        "median north depth plus median south depth of the drawn corridor (geodesic)",
        share_verdict(share),
        evidence,
        "model",
        _transect_where(ctx, f"{num(width)} km across"),
    )


def check_unit_conversion(check: Mapping[str, Any], _ctx: Context) -> Finding:
    """A km figure and the miles given for it, at the precision the miles are given to."""
    km, mi = float(check["km"]), float(check["mi"])
    exact = km / KM_PER_MILE
    tolerance = half_unit(mi)
    verdict = "supported" if abs(exact - mi) <= tolerance + 1e-9 else "contradicted"
    evidence = (
        f"{num(km)} km ÷ {KM_PER_MILE} km/mi = {num(exact, 3)} mi; the article's {num(mi)} mi is given "
        f"to ±{num(tolerance, 3)} mi, so it {'matches' if verdict == 'supported' else 'does not match'}."
    )
    return Finding(
        round(exact, 3), "mi", "km ÷ 1.609344 (international mile)", verdict, evidence, "arithmetic"
    )


def check_border_distance(check: Mapping[str, Any], ctx: Context) -> Finding:
    """Distance from the road to Turkey's border, along the whole modelled road."""
    b = ctx.model.border_check
    stated = float(check["value_km"])
    tolerance = ABOUT_TOLERANCE_KM if check.get("approx") else half_unit(stated)
    km, d = b.profile_km, b.profile_border_km
    ok = np.abs(d - stated) <= tolerance
    sec = ctx.model.corridor.section
    in_sec = (km >= sec.km_from) & (km <= sec.km_to)
    holds, closer = runs(km, ok), runs(km, d < stated - tolerance)
    lon, lat, at_km = b.m4_min_at
    miles = check.get("value_mi")
    mi_note = (
        f" The {num(float(miles))} mi also given equal {num(float(miles) * KM_PER_MILE, 1)} km."
        if miles
        else ""
    )
    evidence = (
        f"{num(stated - tolerance)}–{num(stated + tolerance)} km holds on {ranges_text(holds)}: "
        f"{num(100 * float(ok.mean()), 0)}% of the modelled road, "
        f"{num(100 * float(ok[in_sec].mean()), 0)}% of the {sec.label} section. The road is closer on "
        f"{ranges_text(closer)}, down to {num(b.m4_min_km)} km at {_at(ctx, at_km)}, "
        f"and up to {num(float(d.max()))} km away elsewhere.{mi_note}"
    )
    return Finding(
        [round(float(d.min()), 2), round(float(d.max()), 2)],
        "km",
        "geodesic distance from the modelled M4 to the Turkey–Syria boundary, every 1 km of road",
        share_verdict(float(ok.mean())),
        evidence,
        "model",
        {
            "kind": "stretches",
            "chainage_km": holds,
            "closest": {"lon": round(lon, 6), "lat": round(lat, 6), "chainage_km": round(at_km, 1)},
            "label": f"road {num(stated - tolerance)}–{num(stated + tolerance)} km from the border",
        },
    )


def _place_on_road(road: str, place_id: str, ctx: Context) -> tuple[str, str]:
    """How ``road`` reaches a place: ``model`` or ``record`` (with what shows it), or ``off``."""
    route = ctx.model.route
    target = REGION_PLACES.get(place_id, place_id)
    label = ctx.name(place_id)
    if target != place_id:
        label += f" (at {ctx.name(target)})"
    # The model has the M5 only where it shares the road with the M4, from Saraqib to Aleppo.
    shared_from = route.place_km.get("saraqib", math.inf) if road == "m5" else 0.0
    km = route.place_km.get(target)
    if km is not None and km >= shared_from - 1e-9:
        return "model", f"{label} at km {num(km, 1)} of the modelled road"
    if target in ROADS[road].places:
        return "record", label
    point = ctx.point(target)
    if point is None:
        return "off", f"{label} is not on its recorded course"
    dist, _, _ = nearest_on_line_m(np.array([point[0]]), np.array([point[1]]), route.line)
    return "off", (
        f"{label} is not on it: {num(float(dist[0]) / 1000, 0)} km from the nearest point of the "
        "modelled M4"
    )


def _road_note(road: str, found: list[tuple[str, str]]) -> str:
    parts = [note for status, note in found if status != "record"]
    recorded = [note for status, note in found if status == "record"]
    if recorded:
        sources = ", ".join(ROADS[road].sources)
        names = (
            ", ".join(recorded[:-1]) + " and " + recorded[-1] if len(recorded) > 1 else recorded[0]
        )
        parts.append(f"{names} on its recorded course ({sources})")
    return f"{road.upper()}: " + "; ".join(parts)


def check_road_links(check: Mapping[str, Any], ctx: Context) -> Finding:
    """Which places a road joins: the modelled road first, then the roads' recorded courses."""
    roads = ["m4", "m5"] if check["road"] == "m4+m5" else [check["road"]]
    places = list(check["places"])
    found = {r: [_place_on_road(r, p, ctx) for p in places] for r in roads}
    linked = [r for r in roads if all(status != "off" for status, _ in found[r])]
    verdict = combine([r in linked for r in roads])
    statuses = {status for r in roads for status, _ in found[r]}
    notes = [_road_note(r, found[r]) for r in roads]
    if verdict == "partly":
        notes.append(f"True of the {' and '.join(r.upper() for r in linked)} only")
    aleppo, damascus = ctx.point("aleppo"), ctx.point("damascus")
    if "damascus" in places and "m4" in roads and aleppo and damascus:
        az, _, dist = GEOD.inv(aleppo[0], aleppo[1], damascus[0], damascus[1])
        notes.append(
            f"Damascus lies {num(dist / 1000, 0)} km from Aleppo at a bearing of "
            f"{num(az % 360, 0)}°; the M5 joins the two"
        )
    route = ctx.model.route
    ends = f"{ctx.name(route.segments[0].from_id)}–{ctx.name(route.segments[-1].to_id)}"
    modelled = {"m4": ends, "m5": f"Saraqib–{ctx.name(route.segments[-1].to_id)} (shared)"}
    return Finding(
        "; ".join(f"{r.upper()} {modelled[r]}" for r in roads),
        None,
        f"places on the modelled road ({num(route.length_km, 1)} km); courses beyond it from the record",
        verdict,
        ". ".join(notes) + ".",
        "record" if "record" in statuses else "model",
    )


def check_road_orientation(check: Mapping[str, Any], ctx: Context) -> Finding:
    """A road's general direction: its end-to-end bearing and the share of its length near the axis."""
    axis, road = check["orientation"], check["road"]
    if road == "m4":
        coords = ctx.model.route.coords
        lon, lat, basis = coords[:, 0], coords[:, 1], "model"
        what = "the modelled M4 (Latakia–Aleppo)"
    else:
        pts = [ctx.point(p) for p in ROADS["m5"].places]
        lon = np.array([p[0] for p in pts if p])
        lat = np.array([p[1] for p in pts if p])
        basis, what = "record", "the M5 through Damascus, Homs, Hama, Saraqib and Aleppo"
    bearing, share = _axis_share(lon, lat, axis)
    off = _off_axis_deg(bearing, axis)
    tests = [off <= AXIS_HALF_SECTOR_DEG, share > MAJORITY_SHARE]
    verdict = combine(tests)
    evidence = (
        f"{what[0].upper()}{what[1:]}: end-to-end bearing {num(bearing, 1)}°, {num(off, 1)}° off "
        f"{axis} (within {num(AXIS_HALF_SECTOR_DEG, 0)}° counts); {num(100 * share, 0)}% of its length "
        f"runs within {num(AXIS_HALF_SECTOR_DEG, 0)}° of {axis} (more than half counts)."
    )
    if road == "m4":
        sec = ctx.model.corridor.section
        m = ctx.model.route.chainage_m / 1000
        inside = (m >= sec.km_from) & (m <= sec.km_to)
        _, sec_share = _axis_share(lon[inside], lat[inside], axis)
        evidence += f" In the {sec.label} section: {num(100 * sec_share, 0)}%."
    return Finding(
        round(share, 3),
        f"share of length within 45° of {axis}",
        f"geodesic bearings of {what}",
        verdict,
        evidence,
        basis,
    )


_ALONG = re.compile(r"^along:(?P<ref>[a-z0-9-]+):")


def check_place_offset(check: Mapping[str, Any], ctx: Context) -> Finding:
    """Where a place lies relative to the road or to another place: distance and compass direction."""
    place_id, ref_id = check["place"], check["reference"]
    if place_id not in ctx.model.gazetteer:
        return not_checkable({"reason": f"{place_id!r} is not in the gazetteer"}, ctx)
    place = ctx.model.gazetteer[place_id]
    rule = _ALONG.match(place.derivation)
    if ref_id == "m4":
        return _on_road(place_id, float(check["distance_km"]), ctx)
    ref = ctx.point(ref_id)
    if ref is None:
        return not_checkable({"reason": f"{ref_id!r} has no position"}, ctx)
    stated, direction = float(check["distance_km"]), check["direction"]
    az, _, dist_m = GEOD.inv(ref[0], ref[1], place.lon, place.lat)
    dist, bearing = dist_m / 1000, az % 360
    # Point uncertainties are bounds, not standard errors, so they add to the rounding of the figure.
    tolerance = half_unit(stated) + ref[2] + place.uncertainty_m / 1000
    dist_ok = abs(dist - stated) <= tolerance
    parts = [
        (
            f"{place.name} is {num(dist)} km from {ctx.name(ref_id)} at a bearing of "
            f"{num(bearing, 0)}° (stated {num(stated)} ± {num(tolerance, 1)} km: rounding plus both "
            "points' uncertainty)"
        )
    ]
    tests = [dist_ok]
    off = abs((bearing - _COMPASS.get(direction or "", 0) + 180) % 360 - 180)
    if direction and tolerance >= dist:
        parts.append(
            f"{num(off, 0)}° off {_COMPASS_WORD[direction]}, but at this distance the "
            "points' uncertainty allows any direction"
        )
    elif direction:
        # The uncertainty circles widen the sector by the angle they subtend at this distance.
        allowed = COMPASS_HALF_SECTOR_DEG + math.degrees(math.asin(tolerance / dist))
        tests.append(off <= allowed)
        parts.append(f"{num(off, 0)}° off {_COMPASS_WORD[direction]} (allowed {num(allowed, 0)}°)")
    verdict = combine(tests)
    circular = rule is not None and rule["ref"] == ref_id
    if circular:
        consequence = (
            "so agreement is by construction"
            if verdict == "supported"
            else f"so a mismatch means {ctx.name(ref_id)}'s point is not the one it was placed from"
        )
        parts.append(
            f"circular: the model places {place.name} from this very description (rule "
            f"{place.derivation.split(' ')[0]} in geodata/places_derived.csv), {consequence}"
        )
    elif place_id in ctx.model.place_km and ref_id in ctx.model.place_km and not dist_ok:
        by_road = (
            ctx.model.place_offset_km[place_id]
            + ctx.model.place_offset_km[ref_id]
            + abs(ctx.model.place_km[place_id] - ctx.model.place_km[ref_id])
        )
        if abs(by_road - stated) <= tolerance:
            parts.append(
                f"by the modelled road the distance would be {num(by_road, 1)} km, which fits"
            )
    return Finding(
        round(dist, 3),
        "km",
        f"geodesic distance and bearing from {ctx.name(ref_id)}'s point to {place.name}'s point",
        verdict,
        "; ".join(parts) + ".",
        "by construction" if circular else "model",
        {
            "kind": "offset",
            "coords": [
                [round(ref[0], 6), round(ref[1], 6)],
                [round(place.lon, 6), round(place.lat, 6)],
            ],
            "radius_m": round(place.uncertainty_m),
            "label": f"{place.name}: {num(dist)} km from {ctx.name(ref_id)}",
        },
    )


def _on_road(place_id: str, stated: float, ctx: Context) -> Finding:
    place = ctx.model.gazetteer[place_id]
    offset = ctx.model.place_offset_km[place_id]
    tolerance = max(ON_ROAD_MIN_KM, place.uncertainty_m / 1000)
    verdict = "supported" if abs(offset - stated) <= tolerance else "contradicted"
    route = ctx.model.route
    # The default road joins the named places, so it passes through them; a user's road does not.
    user_road = any(seg.confidence == "user" for seg in route.segments)
    anchored = place.is_derived or (place_id in route.place_km and not user_road)
    if place.is_derived:
        how = f"the model places {place.name} on the road by rule {place.derivation.split(' ')[0]}"
    else:
        how = f"the modelled road is drawn through {place.name}'s point (geodata/m4_route.csv)"
    note = f"; circular: {how}, so this holds by construction" if anchored else ""
    evidence = (
        f"{place.name}'s point is {num(offset)} km from the modelled M4 (allowed "
        f"{num(tolerance, 1)} km: the point's uncertainty, at least {num(ON_ROAD_MIN_KM, 0)} km){note}."
    )
    return Finding(
        round(offset, 3),
        "km",
        "geodesic distance from the place's point to the modelled M4",
        verdict,
        evidence,
        "by construction" if anchored else "model",
        {
            "kind": "point",
            "lon": round(place.lon, 6),
            "lat": round(place.lat, 6),
            "radius_m": round(place.uncertainty_m),
            "label": f"{place.name}: {num(offset)} km from the road",
        },
    )
