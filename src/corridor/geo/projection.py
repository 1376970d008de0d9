"""The metric projection the corridor is computed in, and transforms to and from WGS 84.

The M4 runs roughly east-west between 35.5° N (Latakia) and 36.2° N (Aleppo). A Lambert conformal conic
with standard parallels 35.6° N and 36.1° N keeps the scale within about 2e-5 of true over that band, so a
6 km buffer drawn in it lies within a few centimetres of 6 km on the ground (the benchmark measures this
against pyproj's geodesic; UTM zone 37N is off by metres here, Web Mercator by more than a kilometre).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

WGS84 = CRS.from_epsg(4326)

#: The project's metric CRS: Lambert conformal conic fitted to the M4 band.
CORRIDOR_CRS = CRS.from_proj4(
    "+proj=lcc +lat_1=35.6 +lat_2=36.1 +lat_0=35.85 +lon_0=36.5 "
    "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)

#: Other CRSs the benchmark compares against (never used to build outputs).
COMPARISON_CRS = {
    "corridor LCC (this project)": CORRIDOR_CRS,
    "UTM zone 37N (EPSG:32637)": CRS.from_epsg(32637),
    "Web Mercator (EPSG:3857)": CRS.from_epsg(3857),
}


#: The corridor's LCC as PROJ parameters (CORRIDOR_CRS is made from the same string).
_LCC = "+proj=lcc +lat_0=35.85 +lon_0=36.5 +lat_1=35.6 +lat_2=36.1 +x_0=0 +y_0=0 +ellps=WGS84"
#: The pipelines PROJ itself picks between WGS 84 and CORRIDOR_CRS (``Transformer.definition``),
#: given directly: ``from_crs`` looks the operation up in proj.db, 0.03-0.05 s of CPU a build for
#: the same transform, to the bit (tests/test_projection.py).
_PIPELINES = {
    "forward": f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {_LCC}",
    "inverse": f"+proj=pipeline +step +inv {_LCC} +step +proj=unitconvert +xy_in=rad +xy_out=deg",
}


@cache
def _transformer(src: CRS, dst: CRS) -> Transformer:
    if src == WGS84 and dst == CORRIDOR_CRS:
        return Transformer.from_pipeline(_PIPELINES["forward"])
    if src == CORRIDOR_CRS and dst == WGS84:
        return Transformer.from_pipeline(_PIPELINES["inverse"])
    return Transformer.from_crs(src, dst, always_xy=True)


def to_metric(geom: BaseGeometry, *, crs: CRS = CORRIDOR_CRS) -> BaseGeometry:
    """Project a lon/lat geometry into metres (``crs``, the corridor's LCC by default)."""
    t = _transformer(WGS84, crs)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def to_lonlat(geom: BaseGeometry, *, crs: CRS = CORRIDOR_CRS) -> BaseGeometry:
    """Project a metric geometry (in ``crs``) back to lon/lat."""
    t = _transformer(crs, WGS84)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def lonlat_to_xy(
    lon: np.ndarray, lat: np.ndarray, *, crs: CRS = CORRIDOR_CRS
) -> tuple[np.ndarray, np.ndarray]:
    """Project coordinate arrays from lon/lat to metres."""
    x, y = _transformer(WGS84, crs).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def xy_to_lonlat(
    x: np.ndarray, y: np.ndarray, *, crs: CRS = CORRIDOR_CRS
) -> tuple[np.ndarray, np.ndarray]:
    """Project coordinate arrays from metres back to lon/lat."""
    lon, lat = _transformer(crs, WGS84).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)
