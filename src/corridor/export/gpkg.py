"""The GeoPackage: every layer in one file, written by GDAL (pyogrio), styled for QGIS, reproducible.

- GeoPackage 1.3 (GDAL's ``VERSION`` creation option): GDAL 3.6, which Debian 12 and its QGIS
  build on, warns that its own default, 1.4, "may only be partially supported".
- Booleans are GeoPackage booleans (``BOOLEAN``, GDAL's ``OFSTBoolean`` subtype), as in the GeoJSON.
- Each layer has a description (``gpkg_contents.description``, GDAL's ``DESCRIPTION`` layer option)
  and a default QGIS style in ``layer_styles`` (:mod:`corridor.export.qgis`).
- No layer reaches beyond the study area: places and events more than
  :data:`~corridor.events.tagging.STUDY_AREA_KM` from the road go to ``places_far`` and
  ``events_far``, and ``border`` is the stretch of the boundary near the road (the whole line is
  ``border_full``), so "zoom to layer" shows the corridor, not half of Europe.
- Timestamps are pinned (``OGR_CURRENT_DATE``, ``update_time``): same inputs, same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridor.events.tagging import STUDY_AREA_KM
from corridor.export.qgis import styles_table

#: GeoPackage version written (1.4 makes GDAL 3.6 warn on opening).
GPKG_VERSION = "1.3"
#: The name of every layer's geometry column (GDAL's default for GeoPackage).
GEOMETRY_COLUMN = "geom"
#: The time GDAL stamps into ``gpkg_contents.last_change``.
PINNED_DATE = "2020-03-05T00:00:00Z"
#: The border layer keeps the boundary within this many km of the road's bounding box beyond the
#: farthest distance the border profile measures (every nearest border point lies inside).
BORDER_MARGIN_KM = 5.0

#: What each layer holds, written as its GeoPackage description.
DESCRIPTIONS: dict[str, str] = {
    "places": f"Named places within {STUDY_AREA_KM:g} km of the modelled M4: source, position "
    "uncertainty, km along the road and distance to the Turkish border.",
    "places_far": f"Named places farther than {STUDY_AREA_KM:g} km from the road (capitals and "
    "cities where talks were held), kept apart so that the other layers stay on the corridor.",
    "m4": "The modelled M4 road, one row per segment between named places, with how sure its "
    "course is (confidence) and the basis of each segment.",
    "corridor": "The security corridor of 5 March 2020: north half (Turkish patrols), south half "
    "(Russian patrols), their union, and the part of the buffer cut off at the border.",
    "border": "The Turkey–Syria boundary near the road (the stretch the distance check measures "
    "against), with its source and licence. Whole line: border_full.",
    "border_full": "The whole Turkey–Syria boundary used, with its source and licence.",
    "events": f"Events within {STUDY_AREA_KM:g} km of the road: the project's catalogue and any "
    "imported rows, each with its sources, date precision and corridor tags.",
    "events_far": f"Events farther than {STUDY_AREA_KM:g} km from the road (talks, agreements "
    "and statements elsewhere, and imported rows outside the study area).",
    "patrols": "Each patrol with a known route as the stretch of the M4 it covered.",
    "border_profile": "Distance from the road to the border every kilometre along the M4.",
    "settlements": "Settlements near the corridor from the gazetteer.",
}


def gpkg_descriptions(note: str | None = None) -> dict[str, str]:
    """:data:`DESCRIPTIONS`, with ``note`` (how many imported events the file holds, when not every
    one: :func:`corridor.events.selection.kept_note`) after those of ``events`` and ``events_far``."""
    if note is None:
        return DESCRIPTIONS
    with_note = {"events", "events_far"}
    return {
        k: f"{v} Together, events and events_far hold {note}" if k in with_note else v
        for k, v in DESCRIPTIONS.items()
    }


#: Geometry type of layers that may be empty (GDAL cannot tell it from no rows).
_EMPTY_GEOMETRY = {"places_far": "Point", "events_far": "Point"}


def _geometry_type(name: str, frame: gpd.GeoDataFrame | pd.Series) -> str:
    """The layer's geometry type from a frame, or from the series of its rows' geometry types."""
    types = (frame if isinstance(frame, pd.Series) else frame.geom_type).dropna().unique()
    if len(types) == 1:
        return str(types[0])
    return _EMPTY_GEOMETRY.get(name, "Unknown") if not len(types) else "Unknown"


@dataclass(frozen=True)
class ArrowLayer:
    """A layer already in Arrow (WKB geometry), written by pyogrio's ``write_arrow`` as it is.

    The events layers are made this way from the table the GeoParquet writer uses
    (:func:`corridor.export.tables.events_arrow`): splitting it in Arrow and skipping pyogrio's own
    conversion of the frame takes 0.1 s of CPU for 200,000 imported events instead of 0.6 s here,
    and GDAL writes the same bytes (tests/test_gpkg.py).
    """

    table: Any
    rows: np.ndarray  #: which rows of ``table`` the layer holds (booleans)
    geometry_column: str
    geometry_type: str
    crs: str | None

    def __len__(self) -> int:
        return int(np.count_nonzero(self.rows))

    def arrow(self) -> Any:
        """The layer's rows as one batch in the types GDAL takes (made when written, then freed)."""
        import pyarrow as pa

        # One batch per layer, as pyogrio makes from a frame: GDAL lays the file out the same way.
        return _gdal_types(self.table.filter(pa.array(self.rows)).combine_chunks())


def _crs_text(frame: gpd.GeoDataFrame) -> str | None:
    """The CRS as pyogrio's ``write_dataframe`` passes it to GDAL."""
    crs = frame.crs
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt("WKT1_GDAL")


def _arrow_as_pyogrio_makes_it(frame: gpd.GeoDataFrame) -> bool:
    """Whether pyogrio's ``write_dataframe`` would hand GDAL the frame's columns as Arrow converts
    them (it turns datetimes held as objects, and zoned ones, into text first)."""
    for name, dtype in frame.dtypes.items():
        if name == frame.geometry.name:
            continue
        if dtype == "object" and pd.api.types.infer_dtype(frame[name]) == "datetime":
            return False
        if isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) != "UTC":
            return False
    return True


def _gdal_types(table: Any) -> Any:
    """Columns of Arrow's null type as text, as pyogrio's ``write_dataframe`` does (GDAL has none)."""
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(i, field.with_type(pa.string()), table[i].cast(pa.string()))
        elif pa.types.is_dictionary(field.type) and pa.types.is_null(field.type.value_type):
            kind = pa.dictionary(field.type.index_type, pa.string())
            table = table.set_column(i, field.with_type(kind), table[i].cast(kind))
    return table


def _split_arrow(
    name: str, frame: gpd.GeoDataFrame, table: Any, far: np.ndarray
) -> tuple[ArrowLayer, ArrowLayer]:
    types = frame.geometry.geom_type
    geometry, crs = frame.geometry.name, _crs_text(frame)
    near = ~far
    return (
        ArrowLayer(table, near, geometry, _geometry_type(name, types[near]), crs),
        ArrowLayer(table, far, geometry, _geometry_type(f"{name}_far", types[far]), crs),
    )


def study_area_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    border_reach_km: float,
    arrow: Mapping[str, Any] | None = None,
) -> dict[str, gpd.GeoDataFrame | ArrowLayer]:
    """Split the far-away rows of ``places``, ``events`` and ``border`` into layers of their own.

    Parameters
    ----------
    layers
        The layers by name; ``places`` needs ``road_offset_km``, ``events`` ``in_study_area``,
        ``m4`` the road (its bounding box bounds the border).
    border_reach_km
        The farthest road-to-border distance measured (``border_profile``'s largest ``border_km``).
    arrow
        Layer name to the same layer as an Arrow table with WKB geometry
        (:func:`corridor.export.tables.events_arrow`), for ``events``: its two parts are then
        :class:`ArrowLayer` s split from the table, not frames.

    Returns
    -------
    dict
        The same layers in the same order, with ``places_far`` after ``places``, ``events_far``
        after ``events`` and ``border_full`` after ``border``; every far layer is present, even empty.
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    for name, frame in layers.items():
        if name == "places":
            far = frame["road_offset_km"] > STUDY_AREA_KM
            out["places"], out["places_far"] = _split(frame, far)
        elif name == "events":
            far = ~frame["in_study_area"].astype("boolean").fillna(False).astype(bool)
            if arrow and "events" in arrow and _arrow_as_pyogrio_makes_it(frame):
                mask = far.to_numpy(dtype=bool)
                out["events"], out["events_far"] = _split_arrow(name, frame, arrow[name], mask)
            else:
                out["events"], out["events_far"] = _split(frame, far)
        elif name == "border" and "m4" in layers:
            lon0, lat0, lon1, lat1 = layers["m4"].total_bounds
            km = border_reach_km + BORDER_MARGIN_KM
            dlat = km / 111.0
            dlon = km / (111.0 * math.cos(math.radians((lat0 + lat1) / 2)))
            box = shapely.box(lon0 - dlon, lat0 - dlat, lon1 + dlon, lat1 + dlat)
            near = frame.copy()
            near["geometry"] = shapely.intersection(frame.geometry.to_numpy(), box)
            out["border"], out["border_full"] = near, frame
        else:
            out[name] = frame
    return out


def _split(frame: gpd.GeoDataFrame, far: pd.Series) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    mask = far.to_numpy(dtype=bool)
    return frame.loc[~mask].reset_index(drop=True), frame.loc[mask].reset_index(drop=True)


def _prepared(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Boolean columns with missing values as pandas' nullable boolean (written as BOOLEAN)."""
    out = frame
    for col in frame.columns:
        if col == frame.geometry.name or frame[col].dtype != object:
            continue
        # infer_dtype first: a Python look at every value of a long text column costs 0.05 s.
        if pd.api.types.infer_dtype(frame[col], skipna=True) != "boolean":
            continue
        values = frame[col].dropna()
        if len(values) and values.map(type).eq(bool).all():
            if out is frame:
                out = frame.copy()
            out[col] = frame[col].astype("boolean")
    return out


def write_gpkg(
    path: Path,
    layers: Mapping[str, gpd.GeoDataFrame | ArrowLayer],
    descriptions: Mapping[str, str] | None = None,
) -> None:
    """Write the layers into one GeoPackage with their descriptions and default QGIS styles.

    Parameters
    ----------
    path
        The file to create (it must not exist).
    layers
        Layer name to its frame (or :class:`ArrowLayer`), in the order QGIS lists them.
    descriptions
        Layer name to its description; by default :data:`DESCRIPTIONS`.
    """
    import pyogrio
    from pyogrio.raw import write_arrow

    descriptions = DESCRIPTIONS if descriptions is None else descriptions
    geometry_columns: dict[str, str] = {}
    # GDAL stamps each table with the current time unless told otherwise. The file is written in a
    # staging folder and thrown away if anything fails, so SQLite need not sync to disk after every
    # layer: without the syncs and with the journal in memory the seven layers take 0.11 s instead of
    # 0.19 s here, and the bytes are the same.
    with _gdal_config(
        OGR_CURRENT_DATE=PINNED_DATE,
        OGR_SQLITE_SYNCHRONOUS="OFF",
        OGR_SQLITE_JOURNAL="MEMORY",
    ):
        for name, frame in layers.items():
            # The geometry column is named here rather than read back from each written layer
            # (pyogrio.read_info, 8 ms a layer): GDAL's default name, so the same bytes.
            options = {"GEOMETRY_NAME": GEOMETRY_COLUMN}
            if descriptions.get(name):
                options["DESCRIPTION"] = descriptions[name]
            if isinstance(frame, ArrowLayer):
                write_arrow(
                    frame.arrow(),
                    path,
                    layer=name,
                    driver="GPKG",
                    geometry_name=frame.geometry_column,
                    geometry_type=frame.geometry_type,
                    crs=frame.crs,
                    append=path.exists(),
                    dataset_options={"VERSION": GPKG_VERSION} if not path.exists() else None,
                    layer_options=options,
                )
                geometry_columns[name] = GEOMETRY_COLUMN
                continue
            pyogrio.write_dataframe(
                _prepared(frame),
                path,
                layer=name,
                driver="GPKG",
                append=path.exists(),
                geometry_type=_geometry_type(name, frame),
                dataset_options={"VERSION": GPKG_VERSION} if not path.exists() else None,
                layer_options=options,
                # The Arrow path hands GDAL whole columns: 200,000 imported events take 2.4 s of
                # CPU instead of 9.4 s (bench/RESULTS.md); the tables hold the same values.
                use_arrow=True,
            )
            geometry_columns[name] = GEOMETRY_COLUMN
        styles = styles_table(geometry_columns, dict(descriptions))
        if len(styles):
            pyogrio.write_dataframe(
                styles,
                path,
                layer="layer_styles",
                driver="GPKG",
                append=True,
                layer_options={"DESCRIPTION": "Default QGIS styles of the layers (QML)."},
            )


@contextmanager
def _gdal_config(**options: str) -> Iterator[None]:
    import pyogrio

    previous = pyogrio.get_gdal_config_option
    old = {k: previous(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(old)
