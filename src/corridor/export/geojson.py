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
import pyarrow as pa
import pyarrow.compute as pc
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


# --- Writing many rows: a column at a time, in Arrow -------------------------------------------
#
# Each column becomes an Arrow array holding, for every row, its '"key":value' text (the key folded
# in, so the final join needs no scalars); columns with one value in the whole chunk (all null, say)
# are folded into the next column's key instead. One element-wise join per chunk then makes the
# features, and their bytes go to the file as they lie in Arrow's buffer. For 200,000 imported events
# with some 50 columns this takes about 1 s of CPU here, against 5.4 s for a Python join per row, and
# writes the same bytes (tests/test_outputs.py compares the two).


def _arrow(values: Any, kind: pa.DataType) -> pa.Array:
    """``values`` as one contiguous Arrow array (pandas' Arrow-backed columns come chunked)."""
    array = pa.array(values, type=kind)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _escape_rows(values: pa.StringArray) -> np.ndarray:
    """Rows holding a character JSON escapes: ``"``, ``\\`` or a control character (below 0x20).

    CPython's encoder (``ensure_ascii=False``) escapes nothing else. The test runs over the column's
    bytes at once: UTF-8 never uses bytes below 0x80 inside a multi-byte letter.
    """
    _, offsets_buf, data_buf = values.buffers()
    if data_buf is None or not len(values):
        return np.empty(0, dtype=np.intp)
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[
        values.offset : values.offset + len(values) + 1
    ]
    data = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0] : offsets[-1]]
    hits = np.flatnonzero((data < 0x20) | (data == 0x22) | (data == 0x5C)) + offsets[0]
    if not hits.size:
        return np.empty(0, dtype=np.intp)
    return np.unique(np.searchsorted(offsets, hits, side="right") - 1)


class _Column:
    """The JSON texts of one column: either one text for every row, or an array with the key in it."""

    def __init__(
        self, prefix: str, texts: pa.Array | None = None, constant: str | None = None
    ) -> None:
        self.prefix, self.texts, self.constant = prefix, texts, constant


def _coded(prefix: str, codes: np.ndarray, encoded: list[str]) -> _Column:
    """A column given as codes into its distinct values' texts (code -1: null)."""
    used = np.unique(codes)
    if used.size == 1:
        return _Column(prefix, constant=encoded[int(used[0])] if used[0] >= 0 else "null")
    texts = pa.array([prefix + e for e in encoded] + [prefix + "null"], type=pa.string())
    return _Column(prefix, texts.take(pa.array(np.where(codes < 0, len(encoded), codes))))


def _float_texts(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """``repr`` of each distinct float (what ``json.dumps`` writes); NaN and infinities as null."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, [repr(v) if math.isfinite(v) else "null" for v in uniques.tolist()]


def _strings(prefix: str, values: pa.StringArray) -> _Column:
    if values.null_count == len(values):
        return _Column(prefix, constant="null")
    quoted = pc.binary_join_element_wise(prefix + '"', values, '"', "")
    rows = _escape_rows(values)
    if rows.size:
        escaped = [prefix + encode_basestring(v) for v in values.take(pa.array(rows)).to_pylist()]
        mask = np.zeros(len(values), dtype=bool)
        mask[rows] = True
        quoted = pc.replace_with_mask(quoted, pa.array(mask), pa.array(escaped, type=pa.string()))
    return _Column(prefix, pc.fill_null(quoted, prefix + "null"))


def _column(prefix: str, series: pd.Series) -> _Column:
    """One column's texts, the same as :func:`_json_scalar` gives value by value."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        flags = _arrow(series, pa.bool_())
        codes = np.where(flags.is_null().to_numpy(zero_copy_only=False), -1, 0)
        codes[pc.fill_null(flags, False).to_numpy(zero_copy_only=False)] = 1
        return _coded(prefix, codes, ["false", "true"])
    if pd.api.types.is_integer_dtype(dtype):
        ints = _arrow(series, pa.int64())
        if ints.null_count == len(ints):
            return _Column(prefix, constant="null")
        texts = pc.binary_join_element_wise(prefix, pc.cast(ints, pa.string()), "")
        return _Column(prefix, pc.fill_null(texts, prefix + "null"))
    if pd.api.types.is_float_dtype(dtype):
        return _coded(prefix, *_float_texts(series.to_numpy(dtype=float, na_value=np.nan)))
    if isinstance(dtype, pd.StringDtype):
        return _strings(prefix, _arrow(series, pa.string()))
    if pd.api.types.is_object_dtype(dtype) and series.dropna().map(type).eq(str).all():
        return _strings(prefix, _arrow(series.where(series.notna(), None), pa.string()))
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists, dicts): each encoded on its own
        texts = [prefix + _json_scalar(v) for v in series.tolist()]
        return _Column(prefix, pa.array(texts, type=pa.string()))
    return _coded(prefix, codes, [_json_scalar(v) for v in uniques.tolist()])


def _geometry_texts(geoms: gpd.GeoSeries, prefix: str, suffix: str) -> pa.Array:
    if len(geoms) and (geoms.geom_type == "Point").all():
        x_codes, x_texts = _float_texts(np.round(geoms.x.to_numpy(), COORD_DECIMALS))
        y_codes, y_texts = _float_texts(np.round(geoms.y.to_numpy(), COORD_DECIMALS))
        xs = pa.array([*x_texts, "null"]).take(
            pa.array(np.where(x_codes < 0, len(x_texts), x_codes))
        )
        ys = pa.array([*y_texts, "null"]).take(
            pa.array(np.where(y_codes < 0, len(y_texts), y_codes))
        )
        head = prefix + '{"type":"Point","coordinates":['
        return pc.binary_join_element_wise(head, xs, ",", ys, "]}" + suffix, "")
    return pa.array(
        [
            prefix
            + json.dumps(geometry_json(g), ensure_ascii=False, separators=(",", ":"))
            + suffix
            for g in geoms
        ],
        type=pa.string(),
    )


#: Rows encoded at a time when writing GeoJSON: bounds memory for a million imported events.
CHUNK_ROWS = 50_000


def _feature_bytes(frame: gpd.GeoDataFrame) -> bytes | memoryview:
    """The chunk's features as UTF-8, each followed by ``,\\n``."""
    if not len(frame):
        return b""
    geom_col = frame.geometry.name
    columns = [c for c in frame.columns if c != geom_col]
    arrays: list[pa.Array] = []
    pending = '{"type":"Feature","properties":{'
    for i, name in enumerate(columns):
        col = _column(
            pending + ("," if i else "") + encode_basestring(str(name)) + ":", frame[name]
        )
        if col.texts is None:
            pending = col.prefix + str(col.constant)
        else:
            arrays.append(col.texts)
            pending = ""
    arrays.append(_geometry_texts(frame.geometry, pending + '},"geometry":', "},\n"))
    lines = pc.binary_join_element_wise(*arrays, "") if len(arrays) > 1 else arrays[0]
    _, offsets_buf, data_buf = lines.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)
    start, end = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return memoryview(data_buf)[start:end]


def _write_bytes(out: TextIO, data: bytes | memoryview) -> None:
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(bytes(data).decode("utf-8"))
        return
    out.flush()
    buffer.write(data)


def write_geojson(frame: gpd.GeoDataFrame, out: TextIO) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON: one feature per line, stable order.

    Values are encoded a column at a time and rows a chunk at a time, so a million imported events
    take seconds and bounded memory. ``out`` is a text stream; a file's bytes are written to its
    binary buffer directly (UTF-8, as the file must be opened).
    """
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    out.write('{"type":"FeatureCollection","features":[\n')
    n = len(frame)
    for start in range(0, n, CHUNK_ROWS):
        data = _feature_bytes(frame.iloc[start : start + CHUNK_ROWS])
        # Every feature ends in a comma and a newline; the last one in the newline alone.
        _write_bytes(out, data[:-2] if start + CHUNK_ROWS >= n else data)
    out.write("\n]}\n")


def geojson_text(frame: gpd.GeoDataFrame) -> str:
    """:func:`write_geojson` into a string."""
    buffer = io.StringIO()
    write_geojson(frame, buffer)
    return buffer.getvalue()
