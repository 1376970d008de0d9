"""How close the corridor's edges are to the half-width, by geodesic distance (pyproj ``Geod``).

Used by the tests (which require 1 m) and by the benchmark (which compares projections and buffer
settings). Points near the two square ends of the section are left out: there the edge is the cap,
not a line parallel to the road.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from corridor.geo.buffer import QUAD_SEGS, Section, buffer_sides
from corridor.geo.geodesy import nearest_on_line_m
from corridor.geo.projection import CORRIDOR_CRS, to_lonlat, to_metric
from corridor.geo.route import Route


def edge_samples(polygon: BaseGeometry, *, spacing_deg: float = 0.001) -> np.ndarray:
    """Lon/lat points along the exterior rings of ``polygon``, about ``spacing_deg`` apart."""
    rings = [p.exterior for p in getattr(polygon, "geoms", [polygon]) if not p.is_empty]
    return np.vstack([np.asarray(shapely.segmentize(r, spacing_deg).coords) for r in rings])


def edge_errors_m(
    outline: BaseGeometry,
    route: Route,
    section: Section,
    half_width_m: float,
    *,
    end_margin_km: float | None = None,
) -> np.ndarray:
    """Geodesic distance from each sampled edge point to the road, minus the half-width, in metres.

    Points whose nearest road point is within ``end_margin_km`` (default: the half-width) of a section
    end are excluded, as are points lying on the road itself (where the halves meet).
    """
    margin = half_width_m / 1000 if end_margin_km is None else end_margin_km
    pts = edge_samples(outline)
    km, _ = route.locate(pts[:, 0], pts[:, 1])
    keep = (km > section.km_from + margin) & (km < section.km_to - margin)
    line = route.stretch(section.km_from, section.km_to)
    dist, _, _ = nearest_on_line_m(pts[keep, 0], pts[keep, 1], line, window_m=400, step_m=2)
    on_road = dist < half_width_m / 2
    return dist[~on_road] - half_width_m


def buffer_in(
    route: Route,
    section: Section,
    half_width_m: float,
    *,
    crs: CRS = CORRIDOR_CRS,
    quad_segs: int = QUAD_SEGS,
) -> BaseGeometry:
    """The unclipped corridor drawn in another projection or with other settings (for comparison)."""
    line = to_metric(route.stretch(section.km_from, section.km_to), crs=crs)
    north, south = buffer_sides(line, half_width_m, quad_segs=quad_segs)
    both = shapely.union_all([north, south])
    return to_lonlat(shapely.segmentize(both, 250.0), crs=crs)
