"""Checkers for where the sources put places on the road: along-road distances, and a place's border distance.

The modelled road joins named places by straight lines, so between two places it is never longer than
the real road through the same places, and the real road is longer by however much it winds. A reported
length is therefore checked against a range: from the model's length less the two end points'
uncertainty, to the longest road each segment's stated confidence allows (:data:`BEND_KM`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from corridor.claims.base import Context, Finding, half_unit, not_checkable, num

#: How far the road may stray from each straight segment, by the segment's confidence: the figures
#: ``corridor.geo.route.CONFIDENCE`` states (high: about 1 km; medium: up to about 3 km; low: "several
#: km", read as 5 km).
BEND_KM: Mapping[str, float] = {"high": 1.0, "medium": 3.0, "low": 5.0, "user": 0.0}
#: "About N km" is read as within a tenth of N (beyond the rounding of N itself).
ABOUT_SHARE = 0.1


def _longest_km(ctx: Context, km_a: float, km_b: float) -> float:
    """The longest road between two chainages that the segments' confidences allow.

    Each segment (or the part of it between the chainages) is replaced by a road that bends once, at
    its middle, as far from the segment as its confidence allows, scaled by the share of the segment
    used: two sides of an isosceles triangle. A road that zigzags more would be longer still, so this is
    the allowance the model's own stated confidence gives, not a bound on any road.
    """
    lo, hi = sorted((km_a, km_b))
    total = 0.0
    for seg in ctx.model.route.segments:
        part = min(hi, seg.km_to) - max(lo, seg.km_from)
        if part <= 0:
            continue
        bend = BEND_KM.get(seg.confidence, 0.0) * part / (seg.km_to - seg.km_from)
        total += 2 * math.hypot(part / 2, bend)
    return total


def check_road_distance(check: Mapping[str, Any], ctx: Context) -> Finding:
    """A distance along the road between two places, against the modelled road.

    ``check`` has ``from`` and ``to`` (place ids) and either ``distance_km`` (with ``approx``) or
    ``min_km`` and ``max_km`` (a range such as "a few km").
    """
    a, b = check["from"], check["to"]
    missing = [p for p in (a, b) if p not in ctx.model.place_km]
    if missing:
        return not_checkable({"reason": f"{', '.join(missing)} is not in the gazetteer"}, ctx)
    ka, kb = ctx.model.place_km[a], ctx.model.place_km[b]
    model_km = abs(kb - ka)
    pa, pb = ctx.model.gazetteer[a], ctx.model.gazetteer[b]
    # The road passes each place somewhere within its point's uncertainty, and the place's point may
    # be off the road: both shift where along the road the place is.
    ends = (
        pa.uncertainty_m / 1000
        + pb.uncertainty_m / 1000
        + ctx.model.place_offset_km[a]
        + ctx.model.place_offset_km[b]
    )
    longest = _longest_km(ctx, ka, kb)
    if "distance_km" in check:
        stated = float(check["distance_km"])
        rounding = (ABOUT_SHARE * stated if check.get("approx") else 0.0) + half_unit(stated)
        lo_stated, hi_stated = stated - rounding, stated + rounding
        stated_text = (
            f"{'about ' if check.get('approx') else ''}{num(stated)} km "
            f"({num(lo_stated, 1)}–{num(hi_stated, 1)} km with its rounding)"
        )
        ratio_text = f"; model ÷ reported = {num(model_km / stated, 3)}"
    else:
        lo_stated, hi_stated = float(check["min_km"]), float(check["max_km"])
        stated_text = f"{num(lo_stated)}–{num(hi_stated)} km"
        ratio_text = ""
    lo_model, hi_model = max(model_km - ends, 0.0), longest + ends
    overlap = lo_stated <= hi_model and hi_stated >= lo_model
    verdict = "supported" if overlap else "contradicted"
    if overlap:
        finding = "which overlaps the stated figure"
    elif hi_stated < lo_model:
        finding = (
            "so the stated figure is shorter than the straight line through the places the road "
            "passes, even with the end points moved by their uncertainty"
        )
    else:
        finding = (
            "so the stated figure is longer than the segments' confidence allows the road to be"
        )
    evidence = (
        f"Stated {stated_text}. The "
        f"modelled road from {pa.name} (km {num(ka, 1)}) to {pb.name} (km {num(kb, 1)}) is "
        f"{num(model_km, 1)} km{ratio_text}. With both ends moved by their uncertainty and the road "
        f"allowed to bend as far as each segment's confidence says, the road would be "
        f"{num(lo_model, 1)}–{num(hi_model, 1)} km, {finding}."
    )
    return Finding(
        round(model_km, 2),
        "km",
        "chainage between the two places' nearest points on the modelled M4 (geodesic)",
        verdict,
        evidence,
        "model",
        {
            "kind": "stretches",
            "chainage_km": [[round(min(ka, kb), 1), round(max(ka, kb), 1)]],
            "label": f"{pa.name}–{pb.name}: {num(model_km, 1)} km by the modelled road",
        },
    )


def check_place_border_distance(check: Mapping[str, Any], ctx: Context) -> Finding:
    """A place's distance from the Turkish border, from its gazetteer point."""
    place_id = check["place"]
    if place_id not in ctx.model.gazetteer:
        return not_checkable({"reason": f"{place_id!r} is not in the gazetteer"}, ctx)
    place = ctx.model.gazetteer[place_id]
    stated = float(check["value_km"])
    dist = ctx.model.border_check.place_km[place_id]
    tolerance = half_unit(stated) + place.uncertainty_m / 1000
    verdict = "supported" if abs(dist - stated) <= tolerance else "contradicted"
    b = ctx.model.border_check
    evidence = (
        f"{place.name}'s point (GeoNames {place.geonames_id}) is {num(dist)} km from the "
        f"Turkey–Syria boundary (stated {num(stated)} ± {num(tolerance, 1)} km: rounding plus the "
        f"point's uncertainty). The modelled road comes closest to the border, {num(b.m4_min_km)} km, "
        f"at km {num(b.m4_min_at[2], 1)}, {num(abs(b.m4_min_at[2] - ctx.model.place_km[place_id]), 1)} "
        f"km along the road from {place.name}."
    )
    return Finding(
        round(dist, 3),
        "km",
        "geodesic distance from the place's point to the Turkey–Syria boundary",
        verdict,
        evidence,
        "model",
        {
            "kind": "point",
            "lon": round(place.lon, 6),
            "lat": round(place.lat, 6),
            "radius_m": round(place.uncertainty_m),
            "label": f"{place.name}: {num(dist)} km from the border",
        },
    )


__all__ = ["ABOUT_SHARE", "BEND_KM", "check_place_border_distance", "check_road_distance"]
