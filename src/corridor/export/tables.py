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
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from corridor.export.geojson import COORD_DECIMALS

#: Put before a text cell that a spreadsheet would read as a formula.
FORMULA_GUARD = "'"
#: Characters that make a spreadsheet read a cell as a formula (or hide what follows).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = "^[=+\\-@\t\r]"
#: The Parquet compression (zstd: smaller than snappy, read everywhere pyarrow is).
PARQUET_COMPRESSION = "zstd"


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
    risky = pc.fill_null(pc.match_substring_regex(values, _FORMULA_PATTERN), False)
    if not pc.any(risky).as_py():
        return values
    guard, empty = pa.scalar(FORMULA_GUARD, values.type), pa.scalar("", values.type)
    return pc.if_else(risky, pc.binary_join_element_wise(guard, values, empty), values)


def events_table(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """The events without geometry, with ``longitude`` and ``latitude`` last (rounded like the GeoJSON)."""
    geometry = events.geometry
    table = pd.DataFrame(events.drop(columns=geometry.name))
    empty = geometry.isna() | geometry.is_empty
    lon = np.where(empty, np.nan, geometry.x.where(~empty))
    lat = np.where(empty, np.nan, geometry.y.where(~empty))
    table["longitude"] = np.round(lon.astype(float), COORD_DECIMALS)
    table["latitude"] = np.round(lat.astype(float), COORD_DECIMALS)
    return table


def events_csv_bytes(events: gpd.GeoDataFrame) -> bytes:
    """``events.csv``: UTF-8 with BOM, CRLF, a header, formula-looking text guarded."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrow = pa.Table.from_pandas(events_table(events), preserve_index=False)
    for i, field in enumerate(arrow.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            arrow = arrow.set_column(i, field, guard_formulas(arrow.column(i)))
    buffer = io.BytesIO()
    buffer.write("\ufeff".encode())
    pacsv.write_csv(arrow, buffer, write_options=pacsv.WriteOptions(eol="\r\n"))
    return buffer.getvalue()


def write_events_csv(path: Path, events: gpd.GeoDataFrame) -> None:
    """Write :func:`events_csv_bytes` to ``path``."""
    Path(path).write_bytes(events_csv_bytes(events))


def write_events_parquet(path: Path, events: gpd.GeoDataFrame) -> None:
    """Write the events as GeoParquet (WGS 84, WKB points, no index)."""
    frame = events if events.crs is not None else events.set_crs("EPSG:4326")
    frame.to_parquet(path, index=False, compression=PARQUET_COMPRESSION)
