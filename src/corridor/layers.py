"""The model as GeoDataFrames (EPSG:4326): one function per output layer, columns named once here."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

from corridor.events.tagging import side_names
from corridor.geo.buffer import Corridor
from corridor.geo.model import Model
from corridor.geo.route import CONFIDENCE

CRS = "EPSG:4326"

PATROLLED_BY = {"north": "Turkey", "south": "Russia"}
WIDTH_NOTE = (
    "Protocol of 5 March 2020, para. 2: 6 km deep to the north and 6 km deep to the south of the M4 "
    "(12 km across). One seed report (Tasnim) instead calls it a six-kilometre-wide corridor; "
    "see claims."
)


def places_frame(model: Model) -> gpd.GeoDataFrame:
    """Named places with source, uncertainty, chainage and distance to the border."""
    rows = []
    for p in model.places:
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "name_ar": p.name_ar,
                "alt_names": "|".join(p.alt_names),
                "source": p.source,
                "source_url": p.source_url,
                "geonames_id": p.geonames_id,
                "derived": p.is_derived,
                "derivation": p.derivation,
                # Other GeoNames records the name could mean: id:km from this point.
                "alternatives": "|".join(f"{gid}:{km:g}" for gid, km in p.alternatives),
                "uncertainty_m": float(p.uncertainty_m),
                "chainage_km": round(model.place_km[p.id], 3),
                "road_offset_km": round(model.place_offset_km[p.id], 3),
                # The same rule as the events': on the road within the place's own uncertainty.
                "side": side_names(
                    model.place_side[p.id] * model.place_offset_km[p.id] * 1000, p.uncertainty_m
                ).item(),
                "border_km": round(model.border_check.place_km[p.id], 3),
                "note": p.note,
                "geometry": Point(p.lon, p.lat),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame["geonames_id"] = frame["geonames_id"].astype("Int64")
    return frame


def route_frame(model: Model) -> gpd.GeoDataFrame:
    """The modelled M4, one row per segment between named places."""
    rows = [
        {
            "from": s.from_id,
            "to": s.to_id,
            "km_from": round(s.km_from, 3),
            "km_to": round(s.km_to, 3),
            "length_km": round(s.km_to - s.km_from, 3),
            "confidence": s.confidence,
            "confidence_meaning": CONFIDENCE[s.confidence],
            "basis": s.basis,
            "basis_url": s.basis_url,
            "geometry_source": model.route.source,
            "geometry": LineString(s.coords),
        }
        for s in model.route.segments
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def corridor_frame(model: Model) -> gpd.GeoDataFrame:
    """North and south halves, their union, and the part cut off at the border."""
    c: Corridor = model.corridor
    rows = []
    for side in ("north", "south", "union", "cut"):
        geom = getattr(c, side)
        if side == "cut" and geom.is_empty:
            continue
        rows.append(
            {
                "side": side,
                "patrolled_by": PATROLLED_BY.get(side, "Turkey (north), Russia (south)")
                if side != "cut"
                else "",
                "half_width_m": c.half_width_m,
                "area_km2": round(c.area_km2(side), 3),
                "section": c.section.label,
                "section_km_from": round(c.section.km_from, 3),
                "section_km_to": round(c.section.km_to, 3),
                "clipped_to_syria": side != "cut",
                "note": (
                    "The part of the buffer that lies outside Syria (in Turkey) and was cut off."
                    if side == "cut"
                    else WIDTH_NOTE
                ),
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def border_frame(model: Model) -> gpd.GeoDataFrame:
    """The Turkey–Syria boundary used, with its source and licence."""
    props = {k: v for k, v in model.border.properties.items() if not isinstance(v, dict | list)}
    return gpd.GeoDataFrame(
        [{**props, "geometry": model.border.line}], geometry="geometry", crs=CRS
    )


def profile_frame(model: Model) -> pd.DataFrame:
    """Distance from the road to the border every kilometre (``border_profile.csv``)."""
    b = model.border_check
    return pd.DataFrame(
        {
            "chainage_km": np.round(b.profile_km, 3),
            "lon": np.round(b.profile_lon, 6),
            "lat": np.round(b.profile_lat, 6),
            "border_km": np.round(b.profile_border_km, 3),
        }
    )


def settlements_frame(model: Model) -> gpd.GeoDataFrame:
    """Every gazetteer locality of the study area (``settlements.geojson``), sorted by chainage.

    Columns: ``wof_id``, ``geonames_id``, ``name``, ``name_ar``, ``feature_code``, ``population``,
    ``chainage_km``, ``road_km``, ``side``, ``in_corridor``, ``corridor_half``, ``border_km``,
    ``district``, ``governorate``, ``source``, ``source_url``. The other spellings (``variants``,
    every language Who's On First holds) stay in ``settlements_in_corridor.csv`` and
    ``geodata/settlements.csv``: they would double the layer.
    """
    s = model.settlements
    return gpd.GeoDataFrame(
        s.drop(columns=["lon", "lat", "variants"]),
        geometry=gpd.points_from_xy(s["lon"], s["lat"]),
        crs=CRS,
    )


def settlements_in_corridor(model: Model) -> pd.DataFrame:
    """The settlements inside the corridor, with lon and lat (``settlements_in_corridor.csv``)."""
    s = model.settlements
    return s[s["in_corridor"]].reset_index(drop=True)


def corridor_admin_frame(model: Model) -> pd.DataFrame:
    """The corridor's area and settlements per governorate and district (``corridor_admin.csv``)."""
    return model.corridor_admin.copy()
