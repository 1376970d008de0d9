"""geo.geodesy: the fast nearest-point search agrees with GEOS and with geodesic truth."""

import numpy as np
import shapely

from corridor.geo.geodesy import GEOD, PlanarLine, nearest_on_line_m


def _line(rng, n=400):
    steps = rng.normal(0, 500, size=(n, 2)) + np.array([300.0, 0.0])
    xy = np.cumsum(steps, axis=0)
    xy[10] = xy[9]  # a zero-length segment
    return xy


def test_planar_line_locates_vertices_and_points_as_line_locate_point():
    rng = np.random.default_rng(7)
    xy = _line(rng)
    line = PlanarLine(xy)
    cum = line.cum
    lo, hi = xy.min(axis=0) - 5_000, xy.max(axis=0) + 5_000
    pts = rng.uniform(lo, hi, size=(500, 2))
    pts = np.vstack([pts, xy[[0, 9, 10, 200, -1]]])
    ours = line.locate(pts[:, 0], pts[:, 1])
    geos = shapely.line_locate_point(shapely.LineString(xy), shapely.points(pts))
    # Equal distance to two far-apart stretches would be a tie either may break; random points
    # make none, so every value must agree.
    np.testing.assert_allclose(ours, geos, atol=1e-6)
    np.testing.assert_allclose(ours[-5:], cum[[0, 9, 10, 200, -1]], atol=1e-6)


def test_nearest_on_line_is_the_geodesic_minimum():
    # Densified, so that straight in degrees and straight in the projection are the same line.
    line = shapely.segmentize(shapely.LineString([(36.0, 35.8), (36.3, 35.85), (36.6, 35.9)]), 5e-4)
    lon, lat = np.array([36.1, 36.45]), np.array([35.9, 35.7])
    dist, nlon, nlat = nearest_on_line_m(lon, lat, line)
    dense = shapely.segmentize(line, 1e-5)
    clon, clat = np.asarray(dense.coords).T
    for i in range(2):
        brute = GEOD.inv(np.full(clon.size, lon[i]), np.full(clon.size, lat[i]), clon, clat)[2]
        assert abs(dist[i] - brute.min()) < 1.0
        assert GEOD.inv(nlon[i], nlat[i], clon[brute.argmin()], clat[brute.argmin()])[2] < 20


def test_planar_distance_is_shapely_distance_to_the_bit():
    """The STR-tree distance equals GEOS's own, for a line and for a line in several parts."""
    import shapely
    from shapely.geometry import LineString, MultiLineString

    from corridor.geo.geodesy import planar_distance

    rng = np.random.default_rng(4)
    walk = np.cumsum(rng.normal(0, 500, size=(800, 2)), axis=0)
    x, y = rng.uniform(walk.min(0), walk.max(0), size=(3000, 2)).T
    for line in (
        LineString(walk),
        MultiLineString([walk[:300], walk[300:550], walk[560:]]),
    ):
        expected = shapely.distance(line, shapely.points(x, y))
        assert np.array_equal(planar_distance(line, x, y), expected)
    assert planar_distance(LineString(walk), [], []).shape == (0,)


def test_planar_line_locates_as_geos_does_to_the_bit():
    """PlanarLine.locate equals shapely.line_locate_point: random points, every vertex and every
    segment's midpoint (ties between segments), on a line that crosses itself, and beyond its ends."""
    import shapely
    from shapely.geometry import LineString

    from corridor.geo.geodesy import PlanarLine

    rng = np.random.default_rng(7)
    walk = np.cumsum(rng.normal(0, 500, size=(600, 2)), axis=0)
    lo, hi = walk.min(0) - 5_000, walk.max(0) + 5_000
    x, y = rng.uniform(lo, hi, size=(20_000, 2)).T
    mid = (walk[:-1] + walk[1:]) / 2
    x = np.concatenate([x, walk[:, 0], mid[:, 0]])
    y = np.concatenate([y, walk[:, 1], mid[:, 1]])
    expected = shapely.line_locate_point(LineString(walk), shapely.points(x, y))
    assert np.array_equal(PlanarLine(walk).locate(x, y), expected)
    assert PlanarLine(walk).locate([], []).shape == (0,)
