"""What the map draws of the road and the corridor: land and country outlines, the minimap's
outline, the corridor's halves, the M4's segments and kilometre marks, and the border line.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from corridor.webmap import convert as cv
from corridor.webmap import style


def _label_point(
    geom: BaseGeometry, lon: float, lat: float, box: tuple[float, float, float, float]
) -> list[float]:
    """Where a country's name goes: the preferred point if it lies inside, else inside the view."""
    if geom.contains(Point(lon, lat)):
        return cv.ll(lon, lat)
    inside = geom.intersection(shapely.box(*box))
    point = inside.representative_point() if not inside.is_empty else geom.representative_point()
    return cv.ll(point.x, point.y)


def land(model: Any, view: tuple[float, float, float, float]) -> dict[str, Any]:
    """Syria's and Turkey's outlines (simplified) and the country and sea labels in ``view``."""
    syria = shapely.simplify(model.border.syria, 0.0002, preserve_topology=True)
    turkey = shapely.simplify(model.border.turkey, 0.0002, preserve_topology=True)
    lon0, lat0, _, lat1 = view
    labels = [
        [*_label_point(model.border.syria, 36.55, 35.6, view), "Syria", "cm-country"],
        [*_label_point(model.border.turkey, 36.3, 36.07, view), "Turkey", "cm-country"],
    ]
    sea = Point(lon0 + 0.12, (lat0 + lat1) / 2)
    if not (model.border.syria.contains(sea) or model.border.turkey.contains(sea)):
        labels.append([*cv.ll(sea.x, sea.y), "Mediterranean", "cm-sea"])
    return {"syria": cv.polys(syria), "turkey": cv.polys(turkey), "labels": labels}


def minimap(layers: Any, model: Any) -> dict[str, Any]:
    """The minimap's layers, coarsely simplified: the two countries, the corridor, the border and
    the road. It draws from these alone and loads no tiles, so opening the page asks no server."""
    whole = shapely.union_all(list(layers.corridor.geometry))
    return {
        "syria": cv.polys(shapely.simplify(model.border.syria, 0.005, preserve_topology=True)),
        "turkey": cv.polys(shapely.simplify(model.border.turkey, 0.005, preserve_topology=True)),
        "corridor": cv.polys(shapely.simplify(whole, 0.002, preserve_topology=True)),
        "border": cv.lines(shapely.simplify(model.border.line, 0.005)),
        "road": cv.lines(shapely.simplify(model.route.line, 0.002)),
    }


def corridor_halves(layers: Any, model: Any) -> dict[str, Any]:
    """The corridor's north and south halves and the part cut off at the border, with popups."""
    out: dict[str, Any] = {"cut": None}
    # ``corridor`` holds the halves; the part cut off at the border is a frame of its own.
    parts = [layers.corridor, getattr(layers, "corridor_cut", None)]
    frame = pd.concat([p for p in parts if p is not None and len(p)]).set_index("side")
    names = cv.name_of(layers)
    section = model.corridor.section
    where = f"{names[section.from_id]} to {names[section.to_id]}"
    for side in ("north", "south", "cut"):
        if side not in frame.index:
            continue
        row = frame.loc[side]
        width = f"{row['half_width_m'] / 1000:g} km"
        if side == "cut":
            info = cv.info(
                k="Corridor",
                t="Outside Syria: cut off at the border",
                rows=[
                    ("Area", f"{row['area_km2']:.1f} km²"),
                    ("Why", f"a {width} buffer north of the road reaches into Turkey here"),
                ],
                notes=[row["note"]],
            )
        else:
            info = cv.info(
                k="Corridor",
                t=f"{side.capitalize()} half: patrolled by {row['patrolled_by']}",
                rows=[
                    ("Depth", f"{width} from the road"),
                    ("Along", f"{where}, km {section.km_from:.1f} to {section.km_to:.1f}"),
                    ("Area in Syria", f"{row['area_km2']:.1f} km²"),
                ],
                notes=[row["note"]],
            )
        out[side] = {"rings": cv.polys(row.geometry), "info": info}
    return out


def road_segments(layers: Any) -> list[dict[str, Any]]:
    """The M4's segments, each dashed by how sure its course is, with popups."""
    names = cv.name_of(layers)
    out = []
    for seg in layers.route.to_dict("records"):
        a, b = names.get(seg["from"], seg["from"]), names.get(seg["to"], seg["to"])
        info = cv.info(
            k="M4 road",
            t=f"{a} – {b}",
            rows=[
                ("Kilometres from Latakia", f"{seg['km_from']:.1f} to {seg['km_to']:.1f}"),
                ("Length as modelled", f"{seg['length_km']:.1f} km"),
                ("How sure", f"{seg['confidence']}: {seg['confidence_meaning']}"),
            ],
            notes=[seg["basis"]],
            src=[("basis", seg["basis_url"])],
            foot=seg.get("geometry_source"),
        )
        coords = seg["geometry"].coords
        out.append(
            {"ll": cv.pts(coords), "dash": style.ROAD_DASH.get(seg["confidence"]), "info": info}
        )
    return out


def km_marks(model: Any) -> list[list[float]]:
    """A mark every 10 km of the M4 from Latakia: ``[lat, lon, km]``."""
    marks = []
    for km in range(0, int(model.route.length_km) + 1, 10):
        lon, lat = model.route.point_at(float(km))
        marks.append([*cv.ll(lon, lat), km])
    return marks


def border_line(layers: Any, view: tuple[float, float, float, float]) -> dict[str, Any]:
    """The Turkey–Syria border near ``view`` (half a degree around it), with its popup."""
    row = layers.border.iloc[0]
    lon0, lat0, lon1, lat1 = view
    near = row.geometry.intersection(shapely.box(lon0 - 0.5, lat0 - 0.5, lon1 + 0.5, lat1 + 0.5))
    info = cv.info(
        k="Border",
        t=cv.text(row.get("name")) or "Turkey–Syria border",
        rows=[
            ("Source", row.get("source")),
            ("Licence", row.get("licence")),
            ("Attribution", row.get("attribution")),
            ("Simplified to", row.get("simplification")),
        ],
        notes=[row.get("derivation")],
    )
    return {"ll": cv.lines(near), "info": info}
