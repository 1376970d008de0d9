"""The events as tables for spreadsheets and data work: ``events.csv`` and ``events.parquet``.

- ``events.csv``: every column of the events layer plus ``longitude`` and ``latitude`` (WGS 84),
  UTF-8 with a byte-order mark so that Excel shows Arabic as Arabic, RFC 4180 line ends (CRLF),
  written by pyarrow's CSV writer. A text cell that starts with ``= + - @``, a tab or a carriage
  return gets a leading apostrophe, so that a spreadsheet shows it as text instead of running it as
  a formula (OWASP's advice on CSV injection); :data:`FORMULA_GUARD` is that apostrophe, and a
  reader that wants the original strips it from such cells.
- ``events.parquet``: GeoParquet 1.0 (geopandas ``to_parquet``, pyarrow), WKB points, readable by
  ``geopandas.read_parquet``; the fast way to work with a million imported events.

Both are deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from corridor.export.geojson import COORD_DECIMALS
from corridor.webmap.convert import point_xy

#: Put before a text cell that a spreadsheet would read as a formula.
FORMULA_GUARD = "'"
#: Characters that make a spreadsheet read a cell as a formula (or hide what follows).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: For each first byte, whether it starts a formula (a lookup: 4x faster than ``np.isin`` here).
_FORMULA_BYTE = np.zeros(256, dtype=bool)
_FORMULA_BYTE[np.frombuffer("".join(FORMULA_START).encode("ascii"), dtype=np.uint8)] = True
#: The Parquet compression (zstd: smaller than snappy, read everywhere pyarrow is).
PARQUET_COMPRESSION = "zstd"


def _starts_like_formula(values: Any) -> Any:
    """For each cell of a pyarrow string array, whether its first byte is one of :data:`FORMULA_START`.

    Read straight from the array's offsets and bytes (every character there is one byte in UTF-8):
    0.03 s for the 38 text columns of 200,000 imported events, against 0.45 s for a regex match
    per column (pyarrow compute) measured here; the validity mask is read only for a column with
    nulls and a risky cell (0.1 s -> 0.03 s for those columns).
    """
    import pyarrow as pa

    n = len(values)
    _, offsets_buf, data_buf = values.buffers()
    if data_buf is None or not n:
        return np.zeros(n, dtype=bool)
    wide = pa.types.is_large_string(values.type)
    offsets = np.frombuffer(offsets_buf, dtype=np.int64 if wide else np.int32)
    offsets = offsets[values.offset : values.offset + n + 1]
    starts, ends = offsets[:-1], offsets[1:]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    # An empty cell's first "byte" is the next cell's: masked out (the data may end there).
    first = data[np.minimum(starts, max(len(data) - 1, 0))] if len(data) else np.zeros(n, np.uint8)
    risky = _FORMULA_BYTE[first] & (ends > starts)
    if values.null_count and risky.any():
        risky &= values.is_valid().to_numpy(zero_copy_only=False)
    return risky


def guard_formulas(values: Any) -> Any:
    """Text cells that start like a formula, with :data:`FORMULA_GUARD` in front (pyarrow compute).

    Parameters
    ----------
    values
        A pyarrow string array or chunked array (or a pandas Series of text).

    Returns
    -------
    The same kind of array; other cells and missing values unchanged.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pd.Series):
        guarded = guard_formulas(
            pa.array(values.astype(object), type=pa.string(), from_pandas=True)
        )
        return pd.Series(guarded.to_pylist(), index=values.index, dtype=object)
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    risky = np.concatenate([_starts_like_formula(c) for c in chunks]) if chunks else []
    if not np.any(risky):
        return values
    guard, empty = pa.scalar(FORMULA_GUARD, values.type), pa.scalar("", values.type)
    return pc.if_else(pa.array(risky), pc.binary_join_element_wise(guard, values, empty), values)


def events_arrow(events: gpd.GeoDataFrame) -> Any:
    """The events as the Arrow table that ``events.parquet`` holds (GeoParquet metadata, WKB points).

    Made once per build and shared: the GeoParquet and CSV writers and the GeoPackage's events
    layers (:func:`corridor.export.gpkg.study_area_layers`) all start from it, instead of each
    converting the frame and its 200,000 points again (0.33 s each here). It is the table
    ``GeoDataFrame.to_parquet(index=False)`` writes, made the way geopandas makes it
    (``geopandas.io.arrow._geopandas_to_arrow``), except that each distinct geometry object is
    encoded once: the rows of one location share their point (:func:`corridor.events.layer.tag`),
    and encoding 200,000 points took 0.25 s of CPU here, against 0.03 s for the 15,000 distinct
    ones and the lookup. The tests compare the bytes with geopandas' own ``to_parquet``.
    """
    import pyarrow as pa
    from geopandas.io.arrow import _create_metadata, _encode_metadata, _validate_dataframe

    frame = events if events.crs is not None else events.set_crs("EPSG:4326")
    _validate_dataframe(frame)
    geometry_columns = [c for c, kind in frame.dtypes.items() if kind == "geometry"]
    attributes = pd.DataFrame(frame.copy(deep=False))
    for name in geometry_columns:  # null columns for now (no memory), filled below
        attributes[name] = None
    table = pa.Table.from_pandas(attributes, preserve_index=False)
    for name in geometry_columns:
        field, wkb = _shared_wkb(np.asarray(frame[name].array), name, frame[name].crs)
        table = table.set_column(table.schema.get_field_index(name), field, wkb)
    geo = _create_metadata(
        frame,
        schema_version=None,
        geometry_encoding=dict.fromkeys(geometry_columns, "WKB"),
        write_covering_bbox=None,
    )
    metadata = {**table.schema.metadata, b"geo": _encode_metadata(geo)}
    if frame.attrs:
        metadata["PANDAS_ATTRS"] = json.dumps(frame.attrs)
    return table.replace_schema_metadata(metadata)


def _shared_wkb(geometries: np.ndarray, name: str, crs: Any) -> tuple[Any, Any]:
    """geopandas' WKB column (field and array) for ``geometries``, each distinct object encoded once."""
    import pyarrow as pa
    from geopandas.io._geoarrow import construct_wkb_array

    from corridor.events.tagging import distinct_rows

    objects = np.fromiter(map(id, geometries), dtype=np.int64, count=len(geometries))
    first, inverse = distinct_rows(objects)
    if len(first) > 0.8 * len(geometries):  # hardly shared: as geopandas does it
        return construct_wkb_array(geometries, field_name=name, crs=crs)
    field, wkb = construct_wkb_array(geometries[first], field_name=name, crs=crs)
    return field, wkb.take(pa.array(inverse))


def _csv_table(events: gpd.GeoDataFrame, table: Any | None) -> Any:
    """The CSV's columns in Arrow: every event column, then ``longitude`` and ``latitude`` (WGS 84,
    rounded like the GeoJSON; empty for a missing or empty point)."""
    import pyarrow as pa

    if table is None:
        table = events_arrow(events)
    geometry = events.geometry
    # x and y by point_xy (missing and empty points as NaN; other geometries refused, as geopandas'
    # .x does): 0.035 s for 200,000 events here, where .x, .y, .isna and .is_empty took 0.06 s.
    xy = point_xy(geometry)
    out = table.drop_columns([geometry.name]).replace_schema_metadata(None)
    for name, values in zip(("longitude", "latitude"), xy, strict=True):
        out = out.append_column(name, pa.array(np.round(values, COORD_DECIMALS), from_pandas=True))
    return out


def events_csv_bytes(events: gpd.GeoDataFrame, table: Any | None = None) -> bytes:
    """``events.csv``: UTF-8 with BOM, CRLF, a header, formula-looking text guarded.

    ``table`` is :func:`events_arrow` of ``events`` when the caller has it already.
    """
    buffer = io.BytesIO()
    _write_csv(buffer, events, table)
    return buffer.getvalue()


def _write_csv(out: Any, events: gpd.GeoDataFrame, table: Any | None) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrow = _csv_table(events, table)
    for i, field in enumerate(arrow.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            arrow = arrow.set_column(i, field, guard_formulas(arrow.column(i)))
    out.write("\ufeff".encode())
    pacsv.write_csv(arrow, out, write_options=pacsv.WriteOptions(eol="\r\n"))


def write_events_csv(path: Path, events: gpd.GeoDataFrame, table: Any | None = None) -> None:
    """Write :func:`events_csv_bytes` to ``path`` (``table``: :func:`events_arrow`, if made)."""
    with Path(path).open("wb") as handle:
        _write_csv(handle, events, table)


def write_events_parquet(path: Path, events: gpd.GeoDataFrame, table: Any | None = None) -> None:
    """Write the events as GeoParquet (WGS 84, WKB points, no index; ``table``: :func:`events_arrow`)."""
    import pyarrow.parquet as pq

    pq.write_table(
        events_arrow(events) if table is None else table, path, compression=PARQUET_COMPRESSION
    )
