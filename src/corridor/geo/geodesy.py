"""Ground truth in metres: geodesic lengths, areas and point-to-line distances on the WGS 84 ellipsoid.

Everything the project reports as a distance or an area comes from here (pyproj ``Geod``), not from the
projected plane; the projection is only used to find *which* points are nearest.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from corridor.geo.projection import lonlat_to_xy, xy_to_lonlat

GEOD = Geod(ellps="WGS84")


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two lon/lat points, in metres."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def densify(coords: np.ndarray, *, step_m: float) -> np.ndarray:
    """Insert points along each geodesic segment of a lon/lat polyline so none is longer than ``step_m``.

    The result follows the geodesics between the original vertices, which a straight line drawn in a
    projection does not.
    """
    coords = np.asarray(coords, dtype=float)
    out = [coords[:1]]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(coords):
        length = GEOD.inv(lon1, lat1, lon2, lat2)[2]
        n = int(np.ceil(length / step_m)) - 1
        if n > 0:
            mid = np.array(GEOD.npts(lon1, lat1, lon2, lat2, n), dtype=float)
            out.append(mid)
        out.append(np.array([[lon2, lat2]]))
    return np.vstack(out)


def cumulative_m(coords: np.ndarray) -> np.ndarray:
    """Geodesic distance from the first vertex to each vertex of a lon/lat polyline, in metres."""
    coords = np.asarray(coords, dtype=float)
    seg = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])[2]
    return np.concatenate([[0.0], np.cumsum(seg)])


def area_km2(geom: BaseGeometry) -> float:
    """Geodesic area of a lon/lat polygon, in square kilometres."""
    if geom.is_empty:
        return 0.0
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def planar_distance(line: LineString, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``shapely.distance(line, points)`` for many planar points, through an STR tree of its segments.

    GEOS measures a point against every segment of the line; the tree finds the nearest segment
    and GEOS measures against that one, so the figures are the same to the last bit (checked in
    the tests). For the 1,955 settlements against the 2,453-vertex border: 0.06 s -> 0.02 s.
    """
    x, y = np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float))
    # The segments of each part (a MultiLineString's parts are not joined).
    pieces = [shapely.get_coordinates(p) for p in shapely.get_parts(line)]
    segments = [np.stack([c[:-1], c[1:]], axis=1) for c in pieces if len(c) >= 2]
    if len(x) == 0 or not segments:
        return shapely.distance(line, shapely.points(x, y))
    tree = shapely.STRtree(shapely.linestrings(np.concatenate(segments)))
    (point_i, _), dist = tree.query_nearest(
        shapely.points(x, y), return_distance=True, all_matches=False
    )
    out = np.empty(len(x))
    out[point_i] = dist
    return out


class PlanarLine:
    """A planar polyline prepared for :meth:`locate`: its segments, their lengths and an STR tree.

    Parameters
    ----------
    xy
        The vertices, in metres (n x 2).
    """

    def __init__(self, xy: np.ndarray) -> None:
        self.xy = np.asarray(xy, dtype=float)
        d = np.diff(self.xy, axis=0)
        self._d = d
        # Lengths and their running sums as GEOS forms them (sqrt of dx² + dy², added in order).
        self._length = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])
        #: Distance along the line of each vertex (the running sums of the segment lengths).
        self.cum = np.concatenate([[0.0], np.cumsum(self._length)])
        self._start = self.cum[:-1]
        self._tree = shapely.STRtree(shapely.linestrings(np.stack([self.xy[:-1], self.xy[1:]], 1)))

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Distance along the line of the point on it nearest to each ``(x, y)``, in metres.

        The same figures as ``shapely.line_locate_point``, to the bit: GEOS walks every segment
        and keeps the first nearest one, then adds the position on it to the lengths before it;
        here the STR tree gives the nearest segments (all of them, on a tie: the first is kept)
        and the same sums are made. For the 1,955 settlements against the road: 0.05 s -> 0.02 s.
        """
        x, y = np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))
        if len(x) == 0:
            return np.zeros(0)
        point_i, seg_i = self._tree.query_nearest(shapely.points(x, y), all_matches=True)
        seg = np.full(len(x), np.iinfo(np.int64).max)
        np.minimum.at(seg, point_i, seg_i)
        d = self._d[seg]
        length2 = d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1]
        along = (x - self.xy[seg, 0]) * d[:, 0] + (y - self.xy[seg, 1]) * d[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.clip(np.where(length2 > 0, along / length2, 0.0), 0.0, 1.0)
        return self._start[seg] + fraction * self._length[seg]


@lru_cache(maxsize=32)
def _planar_line(line_lonlat: LineString) -> PlanarLine:
    """A lon/lat line in the corridor's metres, prepared for :meth:`PlanarLine.locate`.

    A build measures against the same border eleven times (the profile, its refinements and the
    shifted roads): projecting it and building the tree once saves 3-4 ms a call. The key is the
    line itself (shapely compares coordinates exactly), so any other line gets its own entry.
    """
    line = PlanarLine(np.column_stack(lonlat_to_xy(*np.asarray(line_lonlat.coords).T)))
    line.xy.setflags(write=False)
    line.cum.setflags(write=False)
    return line


def nearest_on_line_m(
    lon: np.ndarray,
    lat: np.ndarray,
    line_lonlat: LineString,
    *,
    window_m: float = 300.0,
    step_m: float = 5.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geodesic distance from each point to a lon/lat line, and the nearest point on it.

    The projection finds the nearest point on the line; the geodesic distance is then minimised over
    the line sampled every ``step_m`` within ``window_m`` of it. Near the true foot point the distance
    changes only to second order, so with the defaults the error is below 5 mm for points 500 m or more
    from the line (and the projected foot point is within a few metres of the geodesic one).

    Returns
    -------
    distance_m, nearest_lon, nearest_lat
        Arrays of the same length as ``lon``.
    """
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    line = _planar_line(line_lonlat)
    xy, cum = line.xy, line.cum
    along = line.locate(*lonlat_to_xy(lon, lat))
    offsets = np.arange(-window_m, window_m + step_m / 2, step_m)
    s = np.clip(along[:, None] + offsets[None, :], 0.0, cum[-1]).ravel()
    # Interpolating on the cumulative length is what line_interpolate_point does, without walking
    # the whole line for every sample.
    slon, slat = xy_to_lonlat(np.interp(s, cum, xy[:, 0]), np.interp(s, cum, xy[:, 1]))
    k = offsets.size
    d = GEOD.inv(np.repeat(lon, k), np.repeat(lat, k), slon, slat)[2].reshape(lon.size, k)
    best = np.argmin(d, axis=1)
    rows = np.arange(lon.size)
    flat = rows * k + best
    return d[rows, best], slon[flat], slat[flat]
