"""The settlements of the study area: every gazetteer locality within 25 km of the road, placed on it.

``geodata/settlements.csv`` holds the localities (GeoNames points via Who's On First) and
``geodata/admin.geojson`` the governorate and district polygons (Mesoshapes via Who's On First); both
are written by ``scripts/extract_gazetteer.py``. For each settlement this module measures the chainage
of the nearest road point, the side of the road, whether it lies in the corridor (and in which half),
its distance to the Turkish border, and the district and governorate whose polygon holds it. It also
splits the corridor's area by governorate and district.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from corridor._data import geodata_path
from corridor._errors import InputError
from corridor.geo.border import BorderData
from corridor.geo.buffer import Corridor
from corridor.geo.geodesy import area_km2, planar_distance
from corridor.geo.localities import coordinate
from corridor.geo.projection import lonlat_to_xy, to_metric
from corridor.geo.route import Route

COLUMNS = (
    "wof_id",
    "geonames_id",
    "name",
    "name_ar",
    "variants",
    "lat",
    "lon",
    "feature_code",
    "population",
)
#: The two admin levels of ``admin.geojson``, finest last.
LEVELS = ("governorate", "district")
SIDE_NAMES = {1: "north", -1: "south", 0: "road"}
#: A settlement closer than this to the road lies on it (the road passes through its point).
ON_ROAD_M = 1.0
#: A point this close to a corridor half (degrees: the GeoJSON coordinate precision) is in it.
EDGE_DEG = 1e-7
SOURCE = "GeoNames via Who's On First (whosonfirst-data-admin-sy 2db0f03)"


@dataclass(frozen=True)
class Settlement:
    """One row of ``settlements.csv``, checked."""

    wof_id: int
    geonames_id: int | None
    name: str
    name_ar: str
    variants: str
    lat: float
    lon: float
    feature_code: str
    population: int


def _field(row: dict[str, str], name: str, path: Path, row_no: int) -> str:
    value = row.get(name)
    if value is None:
        raise InputError("the row is short", file=str(path), row=row_no, field=name)
    return value.strip()


def _integer(text: str, name: str, path: Path, row_no: int, *, required: bool) -> int | None:
    if not text:
        if required:
            raise InputError("is empty", file=str(path), row=row_no, field=name)
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError(
            f"{text!r} is not a whole number", file=str(path), row=row_no, field=name
        ) from None


def read_settlements(path: Path | None = None) -> list[Settlement]:
    """Read and check ``settlements.csv`` (file, row and field named on any problem).

    Raises
    ------
    InputError
        A missing or unreadable file, other columns, a row without coordinates or with coordinates
        out of range, or a ``wof_id`` / ``geonames_id`` that occurs twice.
    """
    path = Path(path) if path is not None else geodata_path("settlements.csv")
    out: list[Settlement] = []
    seen: dict[str, dict[int, int]] = {"wof_id": {}, "geonames_id": {}}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                msg = f"expected the columns {', '.join(COLUMNS)}; found {reader.fieldnames}"
                raise InputError(msg, file=str(path), row=1)
            for row_no, row in enumerate(reader, start=2):
                get = {c: _field(row, c, path, row_no) for c in COLUMNS}
                wof = _integer(get["wof_id"], "wof_id", path, row_no, required=True)
                gn = _integer(get["geonames_id"], "geonames_id", path, row_no, required=False)
                for name, value in (("wof_id", wof), ("geonames_id", gn)):
                    if value is None:
                        continue
                    if value in seen[name]:
                        msg = f"{value} occurs twice (also row {seen[name][value]})"
                        raise InputError(msg, file=str(path), row=row_no, field=name)
                    seen[name][value] = row_no
                lat = coordinate(get, "lat", path, row_no, 90)
                lon = coordinate(get, "lon", path, row_no, 180)
                pop = _integer(get["population"], "population", path, row_no, required=False)
                out.append(
                    Settlement(
                        wof_id=int(wof or 0),
                        geonames_id=gn,
                        name=get["name"],
                        name_ar=get["name_ar"],
                        variants=get["variants"],
                        lat=lat,
                        lon=lon,
                        feature_code=get["feature_code"],
                        population=int(pop or 0),
                    )
                )
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the settlements file ({exc})", file=str(path)) from None
    if not out:
        raise InputError("no settlements", file=str(path))
    return out


@dataclass(frozen=True)
class AdminArea:
    """A governorate or district polygon (lon/lat)."""

    wof_id: int
    level: str
    name: str
    name_ar: str
    geometry: BaseGeometry


def read_admin(path: Path | None = None) -> list[AdminArea]:
    """Read ``admin.geojson``: the governorates and districts of the study area."""
    path = Path(path) if path is not None else geodata_path("admin.geojson")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        areas = [
            AdminArea(
                wof_id=int(f["properties"]["wof_id"]),
                level=str(f["properties"]["level"]),
                name=str(f["properties"]["name"]),
                name_ar=str(f["properties"].get("name_ar") or ""),
                geometry=shape(f["geometry"]),
            )
            for f in data["features"]
        ]
    except OSError as exc:
        raise InputError(f"cannot read the admin polygons ({exc})", file=str(path)) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"not the admin polygons ({exc})", file=str(path)) from None
    bad = [a.level for a in areas if a.level not in LEVELS]
    if bad:
        raise InputError(f"unknown level {bad[0]!r}", file=str(path), field="level")
    return areas


def _which(areas: list[AdminArea], level: str, points: np.ndarray) -> np.ndarray:
    """The name of the ``level`` polygon holding each point ('' for none)."""
    names = np.full(len(points), "", dtype=object)
    for area in (a for a in areas if a.level == level):
        shapely.prepare(area.geometry)
        names[shapely.intersects(area.geometry, points) & (names == "")] = area.name
    return names


def locate_settlements(
    settlements: list[Settlement],
    route: Route,
    corridor: Corridor,
    border: BorderData,
    admin: list[AdminArea],
) -> pd.DataFrame:
    """Each settlement measured against the road, the corridor, the border and the admin polygons.

    Returns
    -------
    pandas.DataFrame
        One row per settlement, sorted by chainage: the gazetteer columns, ``chainage_km`` (nearest
        road point, km from Latakia), ``road_km`` (distance to the road, in the corridor's
        projection, whose scale is within 2e-5 of true here), ``side`` (north/south of the road),
        ``in_corridor`` and ``corridor_half`` (the half whose polygon holds it; ``road`` for a
        point on the line between the halves; '' outside),
        ``border_km`` (projected, within 5 m of geodesic), ``district``, ``governorate``, ``source`` and ``source_url``.
    """
    lon = np.array([s.lon for s in settlements])
    lat = np.array([s.lat for s in settlements])
    km, side = route.locate(lon, lat)
    x, y = lonlat_to_xy(lon, lat)
    road_m = planar_distance(route.metric_line, x, y)
    points = shapely.points(lon, lat)
    # The same lon/lat polygons that corridor.geojson holds, so the count is the file's count. A
    # point on an edge counts as inside: the section's ends are cut through the end villages' own
    # points (Ain al-Hawr, Tronba), which float noise of 1e-14 degrees put on either side; within
    # the files' coordinate precision (1e-7 degrees, 1 cm) of a half is in it.
    half = np.full(len(points), "", dtype=object)
    for name in ("north", "south"):
        geom = getattr(corridor, name)
        shapely.prepare(geom)
        half[shapely.dwithin(geom, points, EDGE_DEG) & (half == "")] = name
    # A named place that is a vertex of the modelled road lies on the line between the two halves
    # (both polygons touch it): it belongs to neither half.
    half[(half != "") & (road_m < ON_ROAD_M)] = "road"
    # In the conformal projection: its scale is within 1e-4 of true up to the border, so at 50 km the
    # distance is off by 5 m at most (tested against pyproj Geod), and it takes milliseconds where
    # the geodesic search for 1,900 points takes seconds.
    border_m = planar_distance(to_metric(border.line), x, y)
    frame = pd.DataFrame(
        {
            "wof_id": [s.wof_id for s in settlements],
            "geonames_id": pd.array([s.geonames_id for s in settlements], dtype="Int64"),
            "name": [s.name for s in settlements],
            "name_ar": [s.name_ar for s in settlements],
            "variants": [s.variants for s in settlements],
            "feature_code": [s.feature_code for s in settlements],
            "population": [s.population for s in settlements],
            "chainage_km": np.round(km, 3),
            "road_km": np.round(road_m / 1000, 3),
            "side": [SIDE_NAMES[int(v)] for v in side],
            "in_corridor": half != "",
            "corridor_half": half.astype(str),
            "border_km": np.round(border_m / 1000, 3),
            "district": _which(admin, "district", points).astype(str),
            "governorate": _which(admin, "governorate", points).astype(str),
            "source": SOURCE,
            "source_url": [
                f"https://www.geonames.org/{s.geonames_id}" if s.geonames_id else ""
                for s in settlements
            ],
            "lon": lon,
            "lat": lat,
        }
    )
    return frame.sort_values(["chainage_km", "wof_id"], kind="stable").reset_index(drop=True)


def corridor_admin_areas(
    corridor: Corridor, admin: list[AdminArea], settlements: pd.DataFrame
) -> pd.DataFrame:
    """The corridor's area (geodesic km²) and settlement count per governorate and district.

    A last row per level, ``(outside the polygons)``, holds what no polygon of that level covers (the
    Mesoshapes outlines and the border outline differ a little), so each level sums to the corridor.
    """
    rows = []
    for level in LEVELS:
        column = level
        covered = {"north": 0.0, "south": 0.0}
        for area in sorted((a for a in admin if a.level == level), key=lambda a: a.name):
            shapely.prepare(area.geometry)
            if not shapely.intersects(area.geometry, corridor.union):
                continue
            part = {h: getattr(corridor, h).intersection(area.geometry) for h in ("north", "south")}
            north, south = area_km2(part["north"]), area_km2(part["south"])
            if north + south < 1e-6:
                continue
            covered["north"] += north
            covered["south"] += south
            here = settlements[settlements[column] == area.name]
            rows.append(
                {
                    "level": level,
                    "name": area.name,
                    "name_ar": area.name_ar,
                    "wof_id": area.wof_id,
                    "north_km2": north,
                    "south_km2": south,
                    "settlements_north": int((here["corridor_half"] == "north").sum()),
                    "settlements_south": int((here["corridor_half"] == "south").sum()),
                    "settlements_on_road": int((here["corridor_half"] == "road").sum()),
                }
            )
        rest = {h: corridor.area_km2(h) - covered[h] for h in ("north", "south")}
        outside = settlements[settlements[column] == ""]
        rows.append(
            {
                "level": level,
                "name": "(outside the polygons)",
                "name_ar": "",
                "wof_id": 0,
                "north_km2": max(rest["north"], 0.0),
                "south_km2": max(rest["south"], 0.0),
                "settlements_north": int((outside["corridor_half"] == "north").sum()),
                "settlements_south": int((outside["corridor_half"] == "south").sum()),
                "settlements_on_road": int((outside["corridor_half"] == "road").sum()),
            }
        )
    frame = pd.DataFrame(rows)
    frame["total_km2"] = frame["north_km2"] + frame["south_km2"]
    total = corridor.area_km2("north") + corridor.area_km2("south")
    frame["share"] = np.round(frame["total_km2"] / total, 4) if total > 0 else 0.0
    for c in ("north_km2", "south_km2", "total_km2"):
        frame[c] = np.round(frame[c], 2)
    return frame
