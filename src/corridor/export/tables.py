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

import geopandas as gpd
import numpy as np
import pandas as pd

from corridor.export.geojson import COORD_DECIMALS

#: Put before a text cell that a spreadsheet would read as a formula.
FORMULA_GUARD = "'"
#: Characters that make a spreadsheet read a cell as a formula (or hide what follows).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The Parquet compression (zstd: smaller than snappy, read everywhere pyarrow is).
PARQUET_COMPRESSION = "zstd"


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if c != getattr(frame, "_geometry_column_name", None)
        and (pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object)
        and not frame[c].dropna().map(type).eq(bool).all()
    ]


def guard_formulas(series: pd.Series) -> pd.Series:
    """Text cells that start like a formula, with :data:`FORMULA_GUARD` in front."""
    text = series.astype("string")
    risky = text.str.startswith(FORMULA_START).fillna(False).to_numpy(dtype=bool)
    if not risky.any():
        return series
    out = series.astype(object).copy()
    out[risky] = FORMULA_GUARD + text[risky].astype(object)
    return out


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

    table = events_table(events)
    for column in _text_columns(table):
        table[column] = guard_formulas(table[column])
    arrow = pa.Table.from_pandas(table, preserve_index=False)
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
