"""The security corridor: the road buffered to each side in metres, split north/south, clipped to Syria.

The 5 March 2020 protocol (para. 2) sets the corridor 6 km deep to the north and 6 km deep to the south
of the M4; Turkey patrolled the northern half and Russia the southern one. The buffer is drawn in the
project's conformal projection with round joins fine enough (``QUAD_SEGS``) that every edge point away
from the two ends lies within centimetres of the half-width by geodesic distance; the ends are cut
square (flat caps), since the protocol says nothing of how far the corridor reaches past them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import split

from corridor._errors import InputError
from corridor.geo.geodesy import GEOD, area_km2, nearest_on_line_m
from corridor.geo.places import Gazetteer, Place
from corridor.geo.projection import to_lonlat, to_metric
from corridor.geo.route import Route

#: The protocol's depth on each side of the road, in km.
DEFAULT_HALF_WIDTH_KM = 6.0
#: The agreed patrol section (protocol para. 3): from Trumba (Tronba) to Ain al-Hawr.
DEFAULT_SECTION = ("tronba", "ain-al-hawr")
#: How far (km) a section end may lie from the road. The ends are snapped to the road; farther than
#: this the snap would move the corridor's end by more than the uncertainty of the places on the
#: road (1–5 km, places.csv), so the section is refused rather than drawn from a point nobody named.
SECTION_END_MAX_KM = 3.0
#: Consecutive vertices of the buffered line nearer than this (m) are one point.
REPEATED_POINT_M = 0.01
#: Segments per quarter circle in the buffer's round joins. At 128 the chord of a 6 km arc sags by
#: 0.11 m at most; shapely's default of 8 sags by up to 29 m.
QUAD_SEGS = 128
#: Longest straight edge kept before converting to lon/lat, so that edges drawn straight in lon/lat
#: (as GeoJSON readers draw them) stay on the projected outline.
MAX_EDGE_M = 250.0


@dataclass(frozen=True, slots=True)
class Section:
    """A stretch of the road between two places, by chainage (``km_from`` < ``km_to``).

    ``from_id`` and ``to_id`` are in the order the user gave them (the protocol's is Tronba to
    Ain al-Hawr, east to west); ``km_from`` and ``km_to`` are always west to east.
    """

    from_id: str
    to_id: str
    km_from: float
    km_to: float

    @property
    def label(self) -> str:
        """``FROM:TO`` as given on the command line, by place id."""
        return f"{self.from_id}:{self.to_id}"

    @property
    def length_km(self) -> float:
        """Length along the modelled road, in km."""
        return self.km_to - self.km_from


def parse_section(text: str) -> tuple[str, str]:
    """Split a ``FROM:TO`` option into two place names (``whole`` means Latakia to Aleppo)."""
    if text.strip().lower() in {"whole", "all"}:
        return ("latakia", "aleppo")
    parts = [p.strip() for p in text.split(":")]
    if len(parts) != 2 or not all(parts):
        msg = f"--section must be FROM:TO (two place names) or 'whole', not {text!r}"
        raise InputError(msg, field="section")
    return parts[0], parts[1]


def _check_on_road(place: Place, gazetteer: Gazetteer, route: Route) -> None:
    """Refuse a section end farther than :data:`SECTION_END_MAX_KM` from the road."""
    (off_m,), _, _ = nearest_on_line_m(
        [place.lon], [place.lat], route.line, window_m=2000, step_m=10
    )
    if off_m / 1000 <= SECTION_END_MAX_KM:
        return
    # Places on the road: the route's named places, and those derived by a distance along it.
    on_road = [p for p in gazetteer.values() if p.id in route.place_km or p.is_derived]
    _, _, dist = GEOD.inv(
        np.full(len(on_road), place.lon),
        np.full(len(on_road), place.lat),
        [p.lon for p in on_road],
        [p.lat for p in on_road],
    )
    nearest = on_road[int(np.argmin(dist))]
    msg = (
        f"{place.name} is {off_m / 1000:.1f} km from the road (a section end may be at most "
        f"{SECTION_END_MAX_KM:g} km from it); the nearest place on the road is {nearest.name} "
        f"({nearest.id}, {np.min(dist) / 1000:.1f} km away)"
    )
    raise InputError(msg, field="section")


def resolve_section(names: tuple[str, str], gazetteer: Gazetteer, route: Route) -> Section:
    """Turn two place names (any spelling) into a :class:`Section` on ``route``.

    Each end must lie within :data:`SECTION_END_MAX_KM` of the road; the error names how far it is
    and the nearest place on the road.
    """
    a, b = (gazetteer.find(n) for n in names)
    if a.id == b.id:
        msg = f"the section must join two different places, not {a.name} to itself"
        raise InputError(msg, field="section")
    for end in (a, b):
        _check_on_road(end, gazetteer, route)
    (ka, kb), _ = route.locate(np.array([a.lon, b.lon]), np.array([a.lat, b.lat]))
    if abs(kb - ka) < 1.0:
        msg = f"{a.name} and {b.name} are less than 1 km apart along the road"
        raise InputError(msg, field="section")
    return Section(a.id, b.id, float(min(ka, kb)), float(max(ka, kb)))


@dataclass(frozen=True)
class Corridor:
    """The corridor's halves in lon/lat, clipped to Syria, and what the clip removed."""

    section: Section
    half_width_m: float
    north: BaseGeometry
    south: BaseGeometry
    union: BaseGeometry
    cut: BaseGeometry
    unclipped: BaseGeometry

    def area_km2(self, side: str) -> float:
        """Geodesic area of ``north``, ``south``, ``union``, ``cut`` or ``unclipped``, in km²."""
        return area_km2(getattr(self, side))


def _side_of(line_xy: LineString, point: shapely.Point) -> int:
    """+1 when ``point`` is left of the line (north for an eastbound road), -1 when right."""
    s = line_xy.project(point)
    xy = np.asarray(line_xy.coords)
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    i = int(np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(xy) - 2))
    (x0, y0), (x1, y1) = xy[i], xy[i + 1]
    return 1 if (x1 - x0) * (point.y - y0) - (y1 - y0) * (point.x - x0) > 0 else -1


def _extended(line_xy: LineString, by_m: float) -> LineString:
    """The line prolonged straight past both ends, so that it cuts a flat-capped buffer in two."""
    xy = np.asarray(line_xy.coords)
    head = xy[0] + (xy[0] - xy[1]) / np.linalg.norm(xy[0] - xy[1]) * by_m
    tail = xy[-1] + (xy[-1] - xy[-2]) / np.linalg.norm(xy[-1] - xy[-2]) * by_m
    return LineString(np.vstack([head, xy, tail]))


def _back(geom: BaseGeometry) -> BaseGeometry:
    """Metric to lon/lat, with long edges split first and rings oriented as RFC 7946 wants."""
    lonlat = to_lonlat(shapely.segmentize(geom, MAX_EDGE_M))
    return shapely.orient_polygons(lonlat, exterior_cw=False)


def buffer_sides(
    line_xy: LineString, half_width_m: float, *, quad_segs: int = QUAD_SEGS
) -> tuple[BaseGeometry, BaseGeometry]:
    """Buffer a metric line by ``half_width_m`` and split the result into (left, right) halves."""
    full = line_xy.buffer(half_width_m, quad_segs=quad_segs, cap_style="flat")
    pieces = split(full, _extended(line_xy, 2 * half_width_m)).geoms
    left = [p for p in pieces if _side_of(line_xy, p.representative_point()) > 0]
    right = [p for p in pieces if _side_of(line_xy, p.representative_point()) < 0]
    return shapely.union_all(left), shapely.union_all(right)


def build_corridor(
    route: Route,
    section: Section,
    *,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    syria: BaseGeometry | None = None,
) -> Corridor:
    """Buffer the road between the section's ends and clip the halves to Syria.

    Parameters
    ----------
    route
        The modelled M4.
    section
        Which stretch to buffer.
    half_width_km
        Depth on each side of the road (the protocol's 6 km).
    syria
        Syria's land near the corridor (lon/lat); the corridor is cut to it. ``None`` keeps it whole.
    """
    if not np.isfinite(half_width_km) or half_width_km <= 0:
        msg = f"the half-width must be a positive number of km, not {half_width_km}"
        raise InputError(msg, field="half-width-km")
    half_width_m = half_width_km * 1000
    # A section that ends on a vertex of the road repeats that vertex; the end's direction (which
    # the split line prolongs) needs two distinct points.
    line_xy = shapely.remove_repeated_points(
        to_metric(route.stretch(section.km_from, section.km_to)), tolerance=REPEATED_POINT_M
    )
    north_xy, south_xy = buffer_sides(line_xy, half_width_m)
    unclipped_xy = shapely.union_all([north_xy, south_xy])
    if syria is not None:
        syria_xy = to_metric(syria)
        cut_xy = unclipped_xy.difference(syria_xy)
        north_xy, south_xy = north_xy.intersection(syria_xy), south_xy.intersection(syria_xy)
    else:
        cut_xy = Polygon()
    union_xy = shapely.union_all([north_xy, south_xy])
    return Corridor(
        section=section,
        half_width_m=half_width_m,
        north=_polygonal(_back(north_xy)),
        south=_polygonal(_back(south_xy)),
        union=_polygonal(_back(union_xy)),
        cut=_polygonal(_back(cut_xy)),
        unclipped=_polygonal(_back(unclipped_xy)),
    )


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygons of an overlay result (drop slivers of lines and points)."""
    if isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    return shapely.union_all(polys) if polys else Polygon()
