"""Where each event stands relative to the corridor: chainage, side, membership, border distance.

``side`` is ``north`` or ``south`` for left or right of the road as it runs from Latakia to Aleppo (on
the leg from Jisr al-Shughur south to al-Kafir the north half is the east side), and ``road``
for a point on the road or nearer to it than its own position uncertainty, whose side cannot be told.
``in_corridor`` tests the point; ``corridor_membership`` tests the disc of radius ``uncertainty_m``
around it: ``inside`` when the whole disc is inside the corridor, ``outside`` when the whole disc is
outside, ``possibly`` when the disc crosses the corridor's edge.

Tagging must keep up with analysts who load all of ACLED's Syria data (a million rows), so it works on
arrays: the points are projected once, nearest road and border segments are found with STRtrees, and
planar distances in the conformal projection are turned into ground metres with the projection's
scale factor. The tests hold the results to the geodesic ones (:mod:`corridor.geo.geodesy`) within 0.1%.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import shapely
from pyproj import Proj
from shapely.geometry.base import BaseGeometry

from corridor.geo.model import Model
from corridor.geo.projection import CORRIDOR_CRS, lonlat_to_xy, to_metric
from corridor.geo.route import Route

#: Where the projection still measures the border distance well (Syria and its neighbours).
REGION = (34.0, 32.0, 43.5, 38.5)  # lon_min, lat_min, lon_max, lat_max
#: How close to the corridor's outline (m) a point still counts as inside.
INSIDE_TOLERANCE_M = 0.5
#: Events farther than this from the modelled road are outside the study area (kept, and flagged).
STUDY_AREA_KM = 25.0
#: A point this near the road (m) is on it whatever uncertainty it states: the carriageway and its
#: verges, and twenty times the tagger's own error against the geodesic (under 2 m, tests/test_events.py).
ON_ROAD_MIN_M = 50.0
#: The values of ``corridor_membership``.
MEMBERSHIP = ("inside", "possibly", "outside")
#: Places that can be named as an event's nearest place: those within this distance of the road.
NEAREST_PLACE_MAX_ROAD_KM = 50.0

_LAT_GRID = np.arange(-80.0, 80.01, 0.05)


@cache
def _scale_by_latitude() -> np.ndarray:
    """The projection's point scale factor along a meridian (conformal: the same in every direction)."""
    factors = Proj(CORRIDOR_CRS).get_factors(np.full(_LAT_GRID.size, 36.5), _LAT_GRID)
    return np.asarray(factors.meridional_scale)


#: A road simplified to at most this many segments is searched by brute force (fast for the
#: named-place line, which is 8 segments); a longer one (a user's real road) through an STRtree.
BRUTE_FORCE_MAX_SEGMENTS = 64
#: Simplification tolerance for the road before tagging: far below the positions' own uncertainty.
ROAD_SIMPLIFY_M = 0.5


def _nearest_index(tree: shapely.STRtree, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index in ``tree`` of the geometry nearest each point (one per point, ties to the first)."""
    inp, hit = tree.query_nearest(shapely.points(x, y), all_matches=False)
    out = np.empty(x.size, dtype=np.intp)
    out[inp] = hit
    return out


@dataclass(frozen=True)
class _Segments:
    """Segments of a metric (multi)line, with a value (e.g. chainage) interpolated along them."""

    a: np.ndarray
    b: np.ndarray
    along_a: np.ndarray
    along_b: np.ndarray
    tree: shapely.STRtree | None

    @classmethod
    def of(cls, geom: BaseGeometry, along: np.ndarray | None = None, *, brute: bool) -> _Segments:
        """Segments of ``geom``; ``along`` is a value per vertex (single line only)."""
        starts, ends, along_a, along_b = [], [], [], []
        for part in getattr(geom, "geoms", [geom]):
            xy = np.asarray(part.coords)[:, :2]
            values = along if along is not None else np.zeros(len(xy))
            starts.append(xy[:-1])
            ends.append(xy[1:])
            along_a.append(values[:-1])
            along_b.append(values[1:])
        a, b = np.vstack(starts), np.vstack(ends)
        tree = None if brute else shapely.STRtree(shapely.linestrings(np.stack([a, b], axis=1)))
        return cls(a, b, np.concatenate(along_a), np.concatenate(along_b), tree)

    def nearest(
        self, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For each point: planar distance (m), foot point, interpolated value, segment direction."""
        if self.tree is not None:
            seg = _nearest_index(self.tree, x, y)
        else:
            seg = (
                np.concatenate(
                    [
                        self._brute(x[i : i + 100_000], y[i : i + 100_000])
                        for i in range(0, x.size, 100_000)
                    ]
                )
                if x.size
                else np.empty(0, dtype=np.intp)
            )
        a, d = self.a[seg], self.b[seg] - self.a[seg]
        t = np.clip(
            ((x - a[:, 0]) * d[:, 0] + (y - a[:, 1]) * d[:, 1]) / np.einsum("ij,ij->i", d, d), 0, 1
        )
        foot = a + d * t[:, None]
        value = self.along_a[seg] + t * (self.along_b[seg] - self.along_a[seg])
        return np.hypot(x - foot[:, 0], y - foot[:, 1]), foot, value, d

    def _brute(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        d = self.b - self.a
        px, py = x[:, None], y[:, None]
        t = np.clip(
            ((px - self.a[:, 0]) * d[:, 0] + (py - self.a[:, 1]) * d[:, 1]) / (d * d).sum(1), 0, 1
        )
        dx = px - (self.a[:, 0] + t * d[:, 0])
        dy = py - (self.a[:, 1] + t * d[:, 1])
        return np.argmin(dx * dx + dy * dy, axis=1)


def _road_segments(line_xy: BaseGeometry, chainage_km: np.ndarray) -> _Segments:
    """The road simplified for tagging, keeping each kept vertex's chainage."""
    simple = line_xy.simplify(ROAD_SIMPLIFY_M)
    # simplify() keeps a subset of the vertices, unchanged: look each one's chainage up.
    position = {tuple(v): i for i, v in enumerate(np.asarray(line_xy.coords))}
    keep = np.asarray(simple.coords)
    along = chainage_km[[position[tuple(v)] for v in keep]]
    brute = len(keep) - 1 <= BRUTE_FORCE_MAX_SEGMENTS
    return _Segments.of(simple, along, brute=brute)


def side_names(signed_m: np.ndarray, uncertainty_m: np.ndarray | float = 0.0) -> np.ndarray:
    """``north`` / ``south`` / ``road`` from the signed distance to the road (m, + left of the road
    from Latakia to Aleppo) and the position's uncertainty (m): the one rule for events and places.
    """
    signed = np.asarray(signed_m, dtype=float)
    near = np.abs(signed) <= np.maximum(np.asarray(uncertainty_m, dtype=float), ON_ROAD_MIN_M)
    return np.where(near, "road", np.where(signed > 0, "north", "south")).astype(object)


def within_study_area(route: Route, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether each point lies within :data:`STUDY_AREA_KM` of ``route`` (``False`` for NaN)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.zeros(lon.shape, dtype=bool)
    x0, y0, x1, y1 = np.asarray(route.line.bounds)
    # A degree of latitude is 111 km and one of longitude at least 80 km this far south (< 44° N):
    # only points in the road's box widened that much can be near it.
    pad = STUDY_AREA_KM / 80.0
    box = (lon >= x0 - pad) & (lon <= x1 + pad) & (lat >= y0 - pad) & (lat <= y1 + pad)
    if box.any():
        x, y = lonlat_to_xy(lon[box], lat[box])
        road = _road_segments(route.metric_line, route.chainage_m / 1000)
        planar, _, _, _ = road.nearest(x, y)
        k = np.interp(lat[box], _LAT_GRID, _scale_by_latitude())
        out[box] = planar / k / 1000 <= STUDY_AREA_KM
    return out


def looks_swapped(
    route: Route, syria: BaseGeometry, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Points whose latitude and longitude look swapped: as given, they lie outside the study area
    and off Syrian land; the other way round, within the study area and in Syria.

    Near the coast north of Latakia latitude and longitude are both about 35.5 to 36: there a point
    moved by swapping stays near where it was, so a point in Syria as given is never called swapped.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    # Event data repeat locations: each point is looked at once (0.13 s -> 0.02 s of CPU for the
    # 200,000 rows and 5,000 places of a synthetic ACLED file here).
    first, inverse = distinct_rows(lon, lat)
    if len(first) < 0.8 * len(lon):
        return looks_swapped(route, syria, lon[first], lat[first])[inverse]
    out = np.zeros(lon.shape, dtype=bool)
    finite = np.isfinite(lon) & np.isfinite(lat)
    flipped = np.flatnonzero(finite)[within_study_area(route, lat[finite], lon[finite])]
    if flipped.size:
        shapely.prepare(syria)
        a, b = lon[flipped], lat[flipped]
        out[flipped] = (
            shapely.intersects_xy(syria, b, a)
            & ~within_study_area(route, a, b)
            & ~shapely.intersects_xy(syria, a, b)
        )
    return out


def distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct combination of values, and each row's combination number.

    ``lon[first][inverse]`` is ``lon`` again. Each column is hashed by pandas and the codes combined:
    0.02 s for 200,000 points here, where ``np.unique(..., axis=0)`` sorted them in 3.2 s.
    """
    code = np.zeros(len(columns[0]), dtype=np.int64)
    rest = list(columns)
    if len(rest) >= 2 and all(np.asarray(c).dtype == np.float64 for c in rest[:2]):
        # Two float columns hashed at once as one complex column: pandas hashes the parts as it
        # hashes floats (NaN equals NaN, -0.0 equals 0.0) and numbers the pairs in the order they
        # first appear, as below (0.016 s -> 0.008 s for 200,000 points here).
        pair = np.empty(len(rest[0]), dtype=np.complex128)
        pair.real, pair.imag = rest[0], rest[1]
        code, _ = pd.factorize(pair, use_na_sentinel=False)
        rest = rest[2:]
    for column in rest:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)  # NaN counts as a value
        code, _ = pd.factorize(code * len(uniques) + codes)
    first = np.empty(int(code.max()) + 1 if code.size else 0, dtype=np.intp)
    first[code[::-1]] = np.arange(code.size - 1, -1, -1)
    return first, code


@dataclass(frozen=True)
class Tagger:
    """Precomputed geometry for tagging many points at once; build it with :meth:`from_model`."""

    road: _Segments
    border: _Segments
    corridor_xy: BaseGeometry
    edge: _Segments | None
    reach_m: float
    place_ids: np.ndarray
    place_xy: np.ndarray
    scale: np.ndarray

    @classmethod
    def from_model(cls, model: Model) -> Tagger:
        """Prepare the road, border, corridor and places of ``model`` for tagging."""
        route = model.route
        # Half a metre of slack keeps points that lie on the outline (Tronba is a section end, on
        # the end cap) inside despite the round trip through lon/lat.
        corridor_xy = to_metric(model.corridor.union).buffer(INSIDE_TOLERANCE_M)
        shapely.prepare(corridor_xy)
        outline = corridor_xy.boundary
        edge = None if outline.is_empty else _Segments.of(outline, brute=False)
        near = [p for p in model.places if model.place_offset_km[p.id] <= NEAREST_PLACE_MAX_ROAD_KM]
        px, py = lonlat_to_xy(np.array([p.lon for p in near]), np.array([p.lat for p in near]))
        return cls(
            road=_road_segments(route.metric_line, route.chainage_m / 1000),
            border=_Segments.of(to_metric(model.border.line), brute=False),
            corridor_xy=corridor_xy,
            edge=edge,
            # No part of the corridor is farther than this from the road (the buffer's depth).
            reach_m=model.corridor.half_width_m + INSIDE_TOLERANCE_M,
            place_ids=np.array([p.id for p in near]),
            place_xy=np.column_stack([px, py]),
            scale=_scale_by_latitude(),
        )

    def _nearest_place(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Planar distance to, and index of, the nearest named place (a few dozen: brute force)."""
        dist = np.empty(x.size)
        near = np.empty(x.size, dtype=np.intp)
        for i in range(0, x.size, 100_000):
            dx = x[i : i + 100_000, None] - self.place_xy[:, 0]
            dy = y[i : i + 100_000, None] - self.place_xy[:, 1]
            d2 = dx * dx + dy * dy
            k = np.argmin(d2, axis=1)
            near[i : i + 100_000] = k
            dist[i : i + 100_000] = np.sqrt(d2[np.arange(k.size), k])
        return dist, near

    def _ground_m(self, planar_m: np.ndarray, lat1: np.ndarray, lat2: np.ndarray) -> np.ndarray:
        # Average of the scale at both ends: exact to a few parts in 1e6 over tens of km here.
        k1 = np.interp(lat1, _LAT_GRID, self.scale)
        k2 = np.interp(lat2, _LAT_GRID, self.scale)
        return planar_m / ((k1 + k2) / 2)

    def membership(
        self,
        x: np.ndarray,
        y: np.ndarray,
        lat: np.ndarray,
        *,
        inside: np.ndarray,
        radius: np.ndarray,
        road_m: np.ndarray,
    ) -> np.ndarray:
        """``inside`` / ``possibly`` / ``outside`` for discs of ``radius`` (ground m) around metric
        points, given the point test (``inside``) and each point's ground distance to the road."""
        out = np.where(inside, "inside", "outside").astype(object)
        # A disc can only reach the corridor's edge if it reaches within the buffer's depth of the
        # road; for the others the point test is the answer (most of a large import, unmeasured).
        near = (radius > 0) & (road_m <= self.reach_m + radius)
        if self.edge is None or not near.any():
            return out
        # The same point comes with several uncertainties (ACLED's geo_precision): measure each
        # point once (0.25 s -> 0.09 s for the 14,876 distinct rows of 200,000 ACLED rows here).
        first, inverse = distinct_rows(x[near], y[near])
        xs, ys, lats = x[near][first], y[near][first], lat[near][first]
        edge_planar, foot, _, _ = self.edge.nearest(xs, ys)
        foot_lat = lats + (foot[:, 1] - ys) / 111_000.0
        edge_m = self._ground_m(edge_planar, lats, foot_lat)[inverse]
        crosses = edge_m < radius[near]
        out[np.flatnonzero(near)[crosses]] = "possibly"
        return out

    def tag(
        self, lon: np.ndarray, lat: np.ndarray, uncertainty_m: np.ndarray | float = 0.0
    ) -> pd.DataFrame:
        """Tag points given in lon/lat, each with its position uncertainty in metres.

        Parameters
        ----------
        lon, lat
            The points (WGS 84).
        uncertainty_m
            How far (m) each real position may lie from the point: a scalar or one per point,
            finite and not negative; 0 (the default) tags the points as exact.

        Returns
        -------
        DataFrame
            ``chainage_km`` (along the road from Latakia), ``side`` (north / south / road, see the
            module's docstring), ``road_km``, ``in_corridor`` (the point), ``corridor_membership``
            (the uncertainty disc: inside / possibly / outside), ``border_km``, ``nearest_place``,
            ``nearest_place_km``, ``in_study_area`` (within :data:`STUDY_AREA_KM` of the road).
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        radius = np.broadcast_to(np.asarray(uncertainty_m, dtype=float), lon.shape).copy()
        if not np.isfinite(radius).all() or (radius < 0).any():
            bad = radius[~(np.isfinite(radius) & (radius >= 0))][0]
            msg = f"uncertainty_m must be a finite number of metres, 0 or more, not {bad}"
            raise ValueError(msg)
        # Event data repeat locations (ACLED geocodes to named places): tag each location once.
        first, inverse = distinct_rows(lon, lat, radius)
        if len(first) < 0.8 * len(lon):
            tags = self.tag(lon[first], lat[first], radius[first])
            return tags.iloc[inverse].reset_index(drop=True)
        x, y = lonlat_to_xy(lon, lat)

        road_planar, foot, chainage, d = self.road.nearest(x, y)
        # North is left of the eastbound road: the sign of the cross product with its direction.
        cross = d[:, 0] * (y - foot[:, 1]) - d[:, 1] * (x - foot[:, 0])
        # The foot point's latitude is close to the event's: use the event's for the scale.
        road_m = self._ground_m(road_planar, lat, lat)

        # The border's STRtree is searched once per point, whatever uncertainties it comes with
        # (0.16 s -> 0.06 s for the 14,876 distinct rows of 200,000 ACLED rows here).
        once, again = distinct_rows(x, y)
        bx, by, blat = x[once], y[once], lat[once]
        border_planar, bfoot, _, _ = self.border.nearest(bx, by)
        bfoot_lat = blat + (bfoot[:, 1] - by) / 111_000.0  # a latitude near enough for the scale
        border_m = self._ground_m(border_planar, blat, bfoot_lat)[again]

        place_planar, near = self._nearest_place(x, y)
        place_m = self._ground_m(place_planar, lat, lat)

        in_area = road_m / 1000 <= STUDY_AREA_KM
        in_corridor = shapely.intersects_xy(self.corridor_xy, x, y)
        member = self.membership(x, y, lat, inside=in_corridor, radius=radius, road_m=road_m)
        side = side_names(np.where(cross > 0, road_m, -road_m), radius)
        x0, y0, x1, y1 = REGION
        in_region = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        # Outside the study area, "km along the M4" and "nearest named place" mean nothing, and far
        # outside the region the projection is no longer fit to measure the border distance.
        return pd.DataFrame(
            {
                "chainage_km": pd.array(
                    np.where(in_area, np.round(chainage, 3), np.nan), dtype="Float64"
                ),
                "side": pd.array(np.where(in_area, side, None)),
                "road_km": np.round(road_m / 1000, 3),
                "in_corridor": in_corridor,
                "corridor_membership": pd.array(member),
                "border_km": pd.array(
                    np.where(in_region, np.round(border_m / 1000, 3), np.nan), dtype="Float64"
                ),
                "nearest_place": pd.array(np.where(in_area, self.place_ids[near], None)),
                "nearest_place_km": pd.array(
                    np.where(in_area, np.round(place_m / 1000, 3), np.nan), dtype="Float64"
                ),
                "in_study_area": in_area,
            }
        )
