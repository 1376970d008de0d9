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
# Most columns of an imported events layer hold few distinct values (ACLED's event types, admin
# names, the corridor tags, the points themselves: ACLED geocodes to named locations). Such a column
# becomes codes into the JSON texts of its distinct values ('"key":value', the key folded in), and
# neighbouring coded columns are merged into one code per row for the combinations that occur, while
# those stay few; a merged run is then one Arrow take from its combined texts. Columns with mostly
# distinct values (ids, descriptions, ACLED's notes) go into the final join as they are, between their
# key and quotes as scalars; a row needing JSON escapes gets its escaped text swapped in first, and a
# column with missing values has its texts built whole. One element-wise join per chunk then makes
# the features, and their bytes go to the file as they lie in Arrow's buffer. For 200,000 imported
# ACLED rows (53 columns) this takes 1.1 s of CPU here, against 2.5 s for one Arrow array per column
# joined at the end and 5.4 s for a Python join per row, and writes the same bytes
# (tests/test_outputs.py compares them with Python's encoder).

#: A column is joined as it is (not coded) when its distinct values are more than this share of rows.
DISTINCT_SHARE = 0.5
#: Coded columns are merged while their combinations number at most this share of rows (or 64).
COMBINED_SHARE = 0.125
#: Rows looked at first to tell a column of distinct values without hashing all of it.
SAMPLE_ROWS = 256


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


class _Coded:
    """A run of columns as one code per row into the texts of the combinations (``None``: one text)."""

    def __init__(self, texts: list[str], codes: np.ndarray | None = None) -> None:
        self.texts, self.codes = texts, codes


#: What a column turns into: coded runs, and whole Arrow arrays of text.
_Piece = _Coded | pa.Array


def _coded(prefix: str, codes: np.ndarray, encoded: list[str]) -> _Coded:
    """A column given as codes into its distinct values' texts (code -1: null)."""
    texts = [prefix + e for e in encoded] + [prefix + "null"]
    return _Coded(texts, np.where(codes < 0, len(encoded), codes))


def _float_texts(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """``repr`` of each distinct float (what ``json.dumps`` writes); NaN and infinities as null."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, [repr(v) if math.isfinite(v) else "null" for v in uniques.tolist()]


def _quoted(prefix: str, values: pa.StringArray) -> pa.Array:
    """Every row's ``prefix`` and JSON string (or null), as one array."""
    quoted = pc.binary_join_element_wise(prefix + '"', values, '"', "")
    rows = _escape_rows(values)
    if rows.size:
        escaped = [prefix + encode_basestring(v) for v in values.take(pa.array(rows)).to_pylist()]
        mask = np.zeros(len(values), dtype=bool)
        mask[rows] = True
        quoted = pc.replace_with_mask(quoted, pa.array(mask), pa.array(escaped, type=pa.string()))
    return pc.fill_null(quoted, prefix + "null")


def _strings(prefix: str, values: pa.StringArray) -> list[_Piece]:
    if values.null_count == len(values):
        return [_Coded([prefix + "null"])]
    # Hashing a column costs about as much as joining it: columns whose first rows are all distinct
    # (ids, descriptions, notes) are joined as they are without being hashed.
    sample = values.slice(0, SAMPLE_ROWS)
    unique = len(sample) == SAMPLE_ROWS and pc.count_distinct(sample).as_py() == SAMPLE_ROWS
    encoded = None if unique else pc.dictionary_encode(values)
    distinct = [] if encoded is None else encoded.dictionary.to_pylist()
    if encoded is not None and len(distinct) <= DISTINCT_SHARE * len(values):
        codes = pc.fill_null(encoded.indices, len(distinct)).to_numpy(zero_copy_only=False)
        texts = [prefix + encode_basestring(v) for v in distinct] + [prefix + "null"]
        return [_Coded(texts, codes)]
    if values.null_count:
        return [_quoted(prefix, values)]
    rows = _escape_rows(values)
    if rows.size:
        inner = [encode_basestring(v)[1:-1] for v in values.take(pa.array(rows)).to_pylist()]
        mask = np.zeros(len(values), dtype=bool)
        mask[rows] = True
        values = pc.replace_with_mask(values, pa.array(mask), pa.array(inner, type=pa.string()))
    return [_Coded([prefix + '"']), values, _Coded(['"'])]


def _column(prefix: str, series: pd.Series) -> list[_Piece]:
    """One column's texts, the same as :func:`_json_scalar` gives value by value."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        flags = _arrow(series, pa.bool_())
        codes = np.where(flags.is_null().to_numpy(zero_copy_only=False), -1, 0)
        codes[pc.fill_null(flags, False).to_numpy(zero_copy_only=False)] = 1
        return [_coded(prefix, codes, ["false", "true"])]
    if pd.api.types.is_float_dtype(dtype):
        return [_coded(prefix, *_float_texts(series.to_numpy(dtype=float, na_value=np.nan)))]
    if isinstance(dtype, pd.StringDtype):
        return _strings(prefix, _arrow(series, pa.string()))
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists, dicts): each encoded on its own
        return [pa.array([prefix + _json_scalar(v) for v in series.tolist()], type=pa.string())]
    distinct = uniques.tolist()
    if len(distinct) > DISTINCT_SHARE * len(series):
        if pd.api.types.is_integer_dtype(dtype):
            texts = pc.fill_null(pc.cast(_arrow(series, pa.int64()), pa.string()), "null")
            return [_Coded([prefix]), texts]
        if all(type(v) is str for v in distinct):
            return _strings(prefix, _arrow(series.where(series.notna(), None), pa.string()))
    return [_coded(prefix, codes, [_json_scalar(v) for v in distinct])]


def _merged(a: _Coded, b: _Coded, n: int) -> _Coded | None:
    """One code per row for the pairs of ``a`` and ``b``; ``None`` if the pairs are too many."""
    if a.codes is None or b.codes is None:
        codes = b.codes if a.codes is None else a.codes
        return _Coded([x + y for x in a.texts for y in b.texts], codes)
    width, limit = len(b.texts), max(64, COMBINED_SHARE * n)
    pairs = a.codes.astype(np.int64) * width + b.codes
    if len(a.texts) * width <= limit:
        return _Coded([x + y for x in a.texts for y in b.texts], pairs)
    codes, uniques = pd.factorize(pairs)
    if len(uniques) > limit:
        return None
    first, second = np.divmod(uniques, width)
    texts = [a.texts[i] + b.texts[j] for i, j in zip(first.tolist(), second.tolist(), strict=True)]
    return _Coded(texts, codes)


def _geometry_texts(geoms: gpd.GeoSeries, prefix: str, suffix: str) -> list[_Piece]:
    if len(geoms) and (geoms.geom_type == "Point").all():
        x = _coded("", *_float_texts(np.round(geoms.x.to_numpy(), COORD_DECIMALS)))
        y = _coded("", *_float_texts(np.round(geoms.y.to_numpy(), COORD_DECIMALS)))
        head = prefix + '{"type":"Point","coordinates":['
        return [_Coded([head]), x, _Coded([","]), y, _Coded(["]}" + suffix])]
    texts = [
        prefix + json.dumps(geometry_json(g), ensure_ascii=False, separators=(",", ":")) + suffix
        for g in geoms
    ]
    return [pa.array(texts, type=pa.string())]


#: Rows encoded at a time when writing GeoJSON: bounds memory for a million imported events.
CHUNK_ROWS = 50_000


def _joined(pieces: list[_Piece], n: int) -> list[pa.Array | str]:
    """The pieces with neighbouring coded runs merged, as arrays and (for one text) scalars."""
    out: list[pa.Array | str] = []
    run: _Coded | None = None

    def close(run: _Coded | None) -> None:
        if run is not None:
            out.append(run.texts[0] if run.codes is None else pa.array(run.texts).take(run.codes))

    for piece in pieces:
        if not isinstance(piece, _Coded):
            close(run)
            out.append(piece)
            run = None
            continue
        merged = piece if run is None else _merged(run, piece, n)
        if merged is None:
            close(run)
            merged = piece
        run = merged
    close(run)
    return out


def _feature_bytes(frame: gpd.GeoDataFrame) -> bytes | memoryview:
    """The chunk's features as UTF-8, each followed by ``,\\n``."""
    if not len(frame):
        return b""
    geom_col = frame.geometry.name
    columns = [c for c in frame.columns if c != geom_col]
    pieces: list[_Piece] = [_Coded(['{"type":"Feature","properties":{'])]
    for i, name in enumerate(columns):
        key = ("," if i else "") + encode_basestring(str(name)) + ":"
        pieces += _column(key, frame[name])
    pieces += _geometry_texts(frame.geometry, '},"geometry":', "},\n")
    parts = _joined(pieces, len(frame))
    if len(parts) == 1 and isinstance(parts[0], str):  # every row the same text
        parts = [pa.array([parts[0]] * len(frame), type=pa.string())]
    lines = pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]
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


def write_geojson(frame: gpd.GeoDataFrame, out: TextIO, *, description: str | None = None) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON: one feature per line, stable order.

    Values are encoded a column at a time and rows a chunk at a time, so a million imported events
    take seconds and bounded memory. ``out`` is a text stream; a file's bytes are written to its
    binary buffer directly (UTF-8, as the file must be opened). A ``description`` is written as a
    member of the feature collection (RFC 7946 §6.1 allows such members; GDAL reads it as the
    layer's ``DESCRIPTION``).
    """
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    about = "" if description is None else f',"description":{encode_basestring(description)}'
    out.write('{"type":"FeatureCollection"' + about + ',"features":[\n')
    n = len(frame)
    for start in range(0, n, CHUNK_ROWS):
        data = _feature_bytes(frame.iloc[start : start + CHUNK_ROWS])
        # Every feature ends in a comma and a newline; the last one in the newline alone.
        _write_bytes(out, data[:-2] if start + CHUNK_ROWS >= n else data)
    out.write("\n]}\n")


def geojson_text(frame: gpd.GeoDataFrame, *, description: str | None = None) -> str:
    """:func:`write_geojson` into a string."""
    buffer = io.StringIO()
    write_geojson(frame, buffer, description=description)
    return buffer.getvalue()
