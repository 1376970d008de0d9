"""Events as GeoDataFrames: the catalogue (``geodata/events.json``) and imported rows, all tagged.

An event at a place is a point. A patrol is also drawn as the stretch of the M4 it covered (from its
start place to the farthest place it is reported to have reached), so a reader sees how far each one
got; those lines are a layer of their own (``patrols``), since a GeoPackage layer holds one geometry
type. List-valued fields are stored as JSON text so that GeoJSON, the GeoPackage and a CSV agree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from corridor.events.catalogue import PATROL_KINDS, load_catalogue
from corridor.events.grades import grade_names
from corridor.events.period import in_force
from corridor.events.tagging import Tagger, distinct_rows
from corridor.geo.model import Model

CRS = "EPSG:4326"

#: Columns every event row has, in this order, before the tags and any ACLED fields.
BASE_COLUMNS = (
    "id",
    "origin",
    "date",
    "date_precision",
    "kind",
    "outcome",
    "description",
    "sources",
    "places",
    "place_names",
    "uncertainty_m",
    "location_note",
)
CATALOGUE_COLUMNS = (
    "source_grades",
    "outcome_by_source",
    "patrol_no_tr",
    "patrol_no_ru",
    "patrol_numbers",
    "route_from",
    "route_to",
    "km_from",
    "km_to",
    "reach_km",
    "actors",
    "disagreements",
    "seeds",
    "related",
)
TAG_COLUMNS = (
    "chainage_km",
    "side",
    "road_km",
    "in_corridor",
    "corridor_membership",
    "in_force",
    "border_km",
    "nearest_place",
    "nearest_place_km",
    "in_study_area",
)


def _json(value: Any) -> str | None:
    if value in (None, [], {}):
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _catalogue_row(event: Mapping[str, Any], model: Model) -> dict[str, Any]:
    places = [model.gazetteer[p] for p in event["places"]]
    first = places[0]
    number = event.get("patrol_number") or {}
    route = event.get("route") or None
    row: dict[str, Any] = {
        "id": event["id"],
        "origin": "catalogue",
        "date": event.get("date"),
        "date_precision": event["date_precision"],
        "kind": event["kind"],
        "outcome": event["outcome"],
        "description": event["description"],
        "sources": _json(event["sources"]),
        "places": "|".join(p.id for p in places),
        "place_names": "|".join(p.name for p in places),
        "uncertainty_m": float(max(event.get("location_uncertainty_m") or 0, first.uncertainty_m)),
        "location_note": event.get("location_note"),
        # One grade per source, in the order of ``sources`` (geodata/sources.csv says why).
        "source_grades": "|".join(grade_names(s["url"] for s in event["sources"])),
        "outcome_by_source": _json(event.get("outcome_by_source")),
        "patrol_no_tr": number.get("tr_mod"),
        "patrol_no_ru": number.get("ru_centre"),
        "patrol_numbers": _json(number),
        "route_from": route["from"] if route else None,
        "route_to": route["to"] if route else None,
        "km_from": None,
        "km_to": None,
        "reach_km": None,
        "actors": _json(event.get("actors")),
        "disagreements": _json(event.get("disagreements")),
        "seeds": "|".join(event.get("seeds") or []) or None,
        "related": "|".join(event.get("related") or []) or None,
        "lon": first.lon,
        "lat": first.lat,
    }
    if route and event["kind"] in PATROL_KINDS:
        start, end = model.gazetteer[route["from"]], model.gazetteer[route["to"]]
        (k0, k1), _ = model.route.locate(
            np.array([start.lon, end.lon]), np.array([start.lat, end.lat])
        )
        row.update(km_from=round(float(k0), 3), km_to=round(float(k1), 3))
        row["reach_km"] = round(abs(float(k1 - k0)), 3)
        row["lon"], row["lat"] = start.lon, start.lat
    return row


def catalogue_table(
    model: Model, catalogue: Sequence[Mapping[str, Any]] | None = None
) -> pd.DataFrame:
    """The catalogue as one row per event, with ``lon``/``lat`` of where it happened (untagged)."""
    events = load_catalogue() if catalogue is None else catalogue
    rows = [_catalogue_row(e, model) for e in events]
    frame = pd.DataFrame(rows, columns=[*BASE_COLUMNS, *CATALOGUE_COLUMNS, "lon", "lat"])
    for col in ("patrol_no_tr", "patrol_no_ru"):
        frame[col] = frame[col].astype("Int64")
    for col in ("km_from", "km_to", "reach_km"):
        frame[col] = frame[col].astype("Float64")
    return frame


def tag(table: pd.DataFrame, tagger: Tagger) -> gpd.GeoDataFrame:
    """Add the corridor tags to a table with ``lon``/``lat`` and make it a point GeoDataFrame.

    The position tags weigh each row's ``uncertainty_m`` (0 where the table has none); ``in_force``
    comes from ``date`` and ``date_precision`` against the corridor's period
    (:mod:`corridor.events.period`).
    """
    lon = table["lon"].to_numpy(dtype=float)
    lat = table["lat"].to_numpy(dtype=float)
    radius = (
        table["uncertainty_m"].to_numpy(dtype=float)
        if "uncertainty_m" in table
        else np.zeros(len(lon))
    )
    tags = tagger.tag(lon, lat, radius)
    dates = table["date"] if "date" in table else pd.Series(pd.NA, index=table.index)
    precisions = table.get("date_precision", dates)
    forced = in_force(dates, precisions)
    tags.insert(tags.columns.get_loc("corridor_membership") + 1, "in_force", forced)
    out = pd.concat([table.drop(columns=["lon", "lat"]).reset_index(drop=True), tags], axis=1)
    # One point per distinct location, shared by the rows there (geometries are immutable): event
    # files repeat locations, and making 200,000 points took longer than tagging them.
    first, inverse = distinct_rows(lon, lat)
    points = shapely.points(lon[first], lat[first])[inverse]
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(points, crs=CRS), crs=CRS)


def patrol_lines(events: gpd.GeoDataFrame, model: Model) -> gpd.GeoDataFrame:
    """Each patrol with a known route as the stretch of road between its start and its reach."""
    mask = events["kind"].isin(PATROL_KINDS) & events["km_from"].notna() & events["km_to"].notna()
    rows = np.flatnonzero(mask.to_numpy(dtype=bool))
    # The rows are taken from a slice that ends at the last patrol (the catalogue's, at the top):
    # Arrow's take on a whole text column of 200,000 imported rows copied it (0.1 s here).
    head = events.iloc[: rows[-1] + 1 if rows.size else 0]
    patrols = head.iloc[rows].drop(columns=events.geometry.name)
    lines = [
        LineString(model.route.stretch(float(a), float(b)).coords)
        for a, b in zip(patrols["km_from"], patrols["km_to"], strict=True)
    ]
    keep = ["id", "date", "date_precision", "kind", "outcome", "route_from", "route_to"]
    keep += ["km_from", "km_to", "reach_km", "patrol_no_tr", "patrol_no_ru", "description"]
    keep += ["sources", "source_grades", "uncertainty_m", "outcome_by_source"]
    return gpd.GeoDataFrame(patrols[keep].reset_index(drop=True), geometry=lines, crs=CRS)
