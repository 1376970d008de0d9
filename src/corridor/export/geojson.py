"""RFC 7946 GeoJSON text from GeoDataFrames: longitude first, WGS 84, counter-clockwise rings, stable order."""

from __future__ import annotations

import io
import json
import math
from json.encoder import encode_basestring  # the C encoder json.dumps uses
from typing import Any, TextIO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

#: Decimal places kept in GeoJSON coordinates: 1e-7 degrees is about 1 cm.
COORD_DECIMALS = 7


def _clean(value: Any) -> Any:
    """Plain JSON values from numpy/pandas ones; NaN and NA become null."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, list | tuple):
        if obj and isinstance(obj[0], float | int):
            return [round(float(v), COORD_DECIMALS) for v in obj[:2]]
        return [_round_coords(v) for v in obj]
    return obj


def geometry_json(geom: shapely.Geometry | None) -> dict | None:
    """A shapely geometry as an RFC 7946 geometry object (counter-clockwise exteriors, rounded)."""
    if geom is None or geom.is_empty:
        return None
    oriented = shapely.orient_polygons(geom, exterior_cw=False)
    mapping = shapely.geometry.mapping(oriented)
    return {"type": mapping["type"], "coordinates": _round_coords(mapping["coordinates"])}


def _json_scalar(value: Any) -> str:
    """One value as JSON text; missing and non-finite numbers are null."""
    if value is None or value is pd.NA:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(_clean(value), ensure_ascii=False, separators=(",", ":"))


def _literals(series: pd.Series) -> np.ndarray:
    """Each value of a column as JSON text, each distinct value encoded once."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    encoded = [_json_scalar(v) for v in uniques.tolist()]
    encoded.append("null")  # code -1: missing
    return np.asarray(encoded, dtype=object)[codes]


def _geometry_literals(geoms: gpd.GeoSeries) -> list[str]:
    if len(geoms) and (geoms.geom_type == "Point").all():
        xs = np.round(geoms.x.to_numpy(), COORD_DECIMALS)
        ys = np.round(geoms.y.to_numpy(), COORD_DECIMALS)
        return [
            f'{{"type":"Point","coordinates":[{x!r},{y!r}]}}'
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True)
        ]
    return [json.dumps(geometry_json(g), ensure_ascii=False, separators=(",", ":")) for g in geoms]


#: Rows encoded at a time when writing GeoJSON: bounds memory for a million imported events.
CHUNK_ROWS = 50_000


def _feature_lines(frame: gpd.GeoDataFrame) -> list[str]:
    """One GeoJSON Feature per row, as text."""
    geom_col = frame.geometry.name
    columns = [c for c in frame.columns if c != geom_col]
    # One array of '"key":value' per column, then one join per row: linear in the output size.
    parts = [
        ("," if i else '{"type":"Feature","properties":{')
        + encode_basestring(str(column))
        + ":"
        + _literals(frame[column])
        for i, column in enumerate(columns)
    ]
    close = "}," if parts else '{"type":"Feature","properties":{},'
    geoms = (
        close + '"geometry":' + np.asarray(_geometry_literals(frame.geometry), dtype=object) + "}"
    )
    return list(map("".join, zip(*parts, geoms, strict=True)))


def write_geojson(frame: gpd.GeoDataFrame, out: TextIO) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON: one feature per line, stable order.

    Values are encoded a column at a time and rows a chunk at a time, so a million imported events
    take seconds and bounded memory.
    """
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    out.write('{"type":"FeatureCollection","features":[\n')
    for start in range(0, len(frame), CHUNK_ROWS):
        if start:
            out.write(",\n")
        out.write(",\n".join(_feature_lines(frame.iloc[start : start + CHUNK_ROWS])))
    out.write("\n]}\n")


def geojson_text(frame: gpd.GeoDataFrame) -> str:
    """:func:`write_geojson` into a string."""
    buffer = io.StringIO()
    write_geojson(frame, buffer)
    return buffer.getvalue()
