"""The corridor's projection: the transforms the project builds directly are PROJ's own, to the bit."""

from __future__ import annotations

import numpy as np
from pyproj import Transformer

from corridor.geo import projection
from corridor.geo.projection import CORRIDOR_CRS, WGS84


def test_direct_pipelines_equal_projs_choice_to_the_bit():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(34.0, 39.0, 50_000), rng.uniform(33.0, 38.0, 50_000)
    chosen = Transformer.from_crs(WGS84, CORRIDOR_CRS, always_xy=True)
    x, y = projection.lonlat_to_xy(lon, lat)
    ex, ey = chosen.transform(lon, lat)
    assert np.array_equal(x, ex) and np.array_equal(y, ey)
    back = Transformer.from_crs(CORRIDOR_CRS, WGS84, always_xy=True)
    bl, bb = projection.xy_to_lonlat(x, y)
    el, eb = back.transform(x, y)
    assert np.array_equal(bl, el) and np.array_equal(bb, eb)


def test_the_pipelines_are_the_ones_proj_picks():
    forward = Transformer.from_crs(WGS84, CORRIDOR_CRS, always_xy=True).definition
    inverse = Transformer.from_crs(CORRIDOR_CRS, WGS84, always_xy=True).definition
    ours_forward = projection._transformer(WGS84, CORRIDOR_CRS).definition
    ours_inverse = projection._transformer(CORRIDOR_CRS, WGS84).definition
    assert (ours_forward, ours_inverse) == (forward, inverse)


def test_other_crs_pairs_still_go_through_proj():
    utm = projection.COMPARISON_CRS["UTM zone 37N (EPSG:32637)"]
    x, _ = projection.lonlat_to_xy(np.array([39.0]), np.array([36.0]), crs=utm)
    assert abs(x[0] - 500_000.0) < 1e-6  # 39° E is zone 37's central meridian
