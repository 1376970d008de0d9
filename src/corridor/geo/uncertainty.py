"""How far the real road may be from the modelled one, and the modelled road shifted by that much.

Each segment's confidence (:data:`corridor.geo.route.CONFIDENCE`) says how far the real road may bend
away from it, in metres (:data:`corridor.geo.route.CONFIDENCE_M`). Between two named places the road
passes each place within the place's own uncertainty and may stray by up to the segment's figure in
between; so the offset allowed at a point of a segment is the larger of the two places' uncertainties
(interpolated along the segment) and the segment's figure tapered to zero at its ends by a half sine.
A stretch taken from the user's road file (``user``) is allowed its figure everywhere.

The headline border numbers are then measured again on the road shifted by that offset to the north
(towards Turkey, which lies north of the whole road) and to the south: the two results bound the value.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from corridor.geo.projection import lonlat_to_xy, xy_to_lonlat
from corridor.geo.route import CONFIDENCE_M, Route


def road_offsets_m(route: Route, place_uncertainty_m: Mapping[str, float]) -> np.ndarray:
    """The offset (m) the real road may have from each vertex of ``route``.

    Parameters
    ----------
    route
        The modelled road, with its segments.
    place_uncertainty_m
        How far (m) each named place's point may be from the place (``Place.uncertainty_m``).
    """
    km = route.chainage_m / 1000
    out = np.zeros(len(km))
    for seg in route.segments:
        u = CONFIDENCE_M[seg.confidence]
        inside = (km >= seg.km_from - 1e-9) & (km <= seg.km_to + 1e-9)
        span = max(seg.km_to - seg.km_from, 1e-9)
        t = np.clip((km[inside] - seg.km_from) / span, 0.0, 1.0)
        if seg.confidence == "user":
            here = np.full(t.shape, u)
        else:
            ua = min(float(place_uncertainty_m.get(seg.from_id, u)), u)
            ub = min(float(place_uncertainty_m.get(seg.to_id, u)), u)
            here = np.maximum(ua * (1 - t) + ub * t, u * np.sin(np.pi * t))
        out[inside] = np.maximum(out[inside], here)
    return out


def shifted_route(route: Route, offsets_m: np.ndarray, *, north: bool) -> Route:
    """``route`` with each vertex moved ``offsets_m`` sideways (north of the eastbound road, or south).

    The vertices keep their order and their named-place anchors, so chainage on the shifted road maps
    to the original one vertex by vertex. Sideways is the normal of the road's direction at the
    vertex (the mean of its two edges) in the corridor's conformal projection.
    """
    x, y = lonlat_to_xy(route.coords[:, 0], route.coords[:, 1])
    xy = np.column_stack([x, y])
    edge = np.diff(xy, axis=0)
    edge /= np.maximum(np.linalg.norm(edge, axis=1, keepdims=True), 1e-9)
    direction = np.vstack([edge[:1], edge[:-1] + edge[1:], edge[-1:]])
    direction /= np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-9)
    left = np.column_stack([-direction[:, 1], direction[:, 0]])  # north for an eastbound road
    moved = xy + (1.0 if north else -1.0) * offsets_m[:, None] * left
    lon, lat = xy_to_lonlat(moved[:, 0], moved[:, 1])
    anchors = [
        (pid, int(np.argmin(np.abs(route.chainage_m / 1000 - km))))
        for pid, km in route.place_km.items()
    ]
    info = [(s.confidence, s.basis, s.basis_url) for s in route.segments]
    if len(info) != max(len(anchors) - 1, 0):  # segments split by source (osm_route): no anchors
        anchors, info = [], []
    return Route.from_coords(
        np.column_stack([lon, lat]),
        source=f"{route.source}, shifted {'north' if north else 'south'} by its uncertainty",
        anchors=anchors,
        segment_info=info,
    )


def chainage_on(shifted: Route, route: Route, km: float) -> float:
    """The chainage on ``shifted`` of the vertex position that is ``km`` on ``route``."""
    return float(np.interp(km * 1000, route.chainage_m, shifted.chainage_m) / 1000)
