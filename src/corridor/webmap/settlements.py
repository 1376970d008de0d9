"""What the map draws of the settlements (villages and towns from GeoNames) as offline context.

The frame is ``layers.settlements`` (columns ``name``, ``name_ar``, ``geonames_id``,
``population``, ``feature_code``, ``chainage_km``, ``side``, ``in_corridor``, ``border_km``,
``district``, ``governorate``, and when present ``source`` and ``source_url``). It goes into the
page as compact columns, repeated texts as indices into one string table; the page's script draws a
small dot for each and its names in Latin and Arabic from :data:`NAMES_FROM_ZOOM` on, and builds
a popup from the columns on a click (text only, through ``textContent``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from corridor.webmap import convert as cv
from corridor.webmap.safe import safe_url

#: Village names appear from this zoom level on (the corridor's first view is about zoom 10).
NAMES_FROM_ZOOM = 11.0
#: Settlements drawn at most (the most populous first), to keep the page light.
MAX_SETTLEMENTS = 3_000

_TEXT_COLUMNS = ("name", "name_ar")
#: Columns whose few distinct texts repeat: stored once in the string table ``s``.
_SHARED_COLUMNS = ("feature_code", "side", "district", "governorate", "source", "source_url")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype="object")


def _numbers(values: pd.Series, digits: int) -> list[float | None]:
    arr = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    return [None if np.isnan(v) else float(v) for v in np.round(arr, digits).tolist()]


def _geonames_id(value: Any) -> str:
    """A GeoNames id as digits ("" when missing), whether the column holds ints, floats or text."""
    if cv.missing(value):
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return cv.text(value)


def settlement_columns(layers: Any) -> dict[str, Any] | None:
    """The settlements as compact columns for the page, or None when the layers have none.

    Rows without a usable point are left out; past :data:`MAX_SETTLEMENTS` the most populous are
    kept. The order is by chainage, then name, so that the same frame gives the same page.
    """
    frame = getattr(layers, "settlements", None)
    if frame is None or len(frame) == 0:
        return None
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = frame[frame.geometry.geom_type == "Point"]
    if len(frame) == 0:
        return None
    population = pd.to_numeric(_column(frame, "population"), errors="coerce").fillna(0)
    if len(frame) > MAX_SETTLEMENTS:
        keep = population.sort_values(ascending=False, kind="stable").index[:MAX_SETTLEMENTS]
        frame = frame.loc[frame.index.isin(keep)]
        population = population.loc[frame.index]
    order = pd.DataFrame(
        {
            "km": pd.to_numeric(_column(frame, "chainage_km"), errors="coerce").fillna(np.inf),
            "name": _column(frame, "name").astype("object").fillna("").astype(str),
        },
        index=frame.index,
    ).sort_values(["km", "name"], kind="stable")
    frame = frame.loc[order.index]
    population = population.loc[order.index]
    out: dict[str, Any] = {
        "n": len(frame),
        "lat": np.round(frame.geometry.y.to_numpy(dtype=float), cv.DECIMALS).tolist(),
        "lon": np.round(frame.geometry.x.to_numpy(dtype=float), cv.DECIMALS).tolist(),
        "pop": [int(v) for v in population.tolist()],
        "gid": [_geonames_id(v) for v in _column(frame, "geonames_id").tolist()],
        "km": _numbers(_column(frame, "chainage_km"), 1),
        "bkm": _numbers(_column(frame, "border_km"), 1),
        "inc": [
            int(bool(v)) if not cv.missing(v) else 0 for v in _column(frame, "in_corridor").tolist()
        ],
        "zoom": NAMES_FROM_ZOOM,
    }
    for name in _TEXT_COLUMNS:
        # A name column may list variants ("الرامي|رامي"): the label shows the first one.
        out[name] = [cv.text(v).split("|")[0].strip() for v in _column(frame, name).tolist()]
    table: dict[str, int] = {}
    for name in _SHARED_COLUMNS:
        values = [cv.text(v) for v in _column(frame, name).tolist()]
        if name == "source_url":  # only plain http(s) addresses become links
            values = [v if safe_url(v) is not None else "" for v in values]
        out[name] = [table.setdefault(v, len(table)) if v else -1 for v in values]
    out["s"] = list(table)
    return out
