"""The pieces of ``corridor.kmz``: colours, shared styles, times, geometries and escaped text.

:mod:`corridor.export.kml` assembles them into folders. Every piece of text from the data goes
through :func:`corridor.webmap.safe.inert` here before it joins the few tags written by this module
(``<br>``, ``<b>``, and links from :func:`corridor.webmap.safe.link`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from fastkml.enums import DateTimeResolution
from fastkml.geometry import (
    Coordinates,
    InnerBoundaryIs,
    LinearRing,
    MultiGeometry,
    OuterBoundaryIs,
)
from fastkml.geometry import LineString as KmlLineString
from fastkml.geometry import Point as KmlPoint
from fastkml.geometry import Polygon as KmlPolygon
from fastkml.styles import BalloonStyle, IconStyle, LabelStyle, LineStyle, PolyStyle, Style
from fastkml.times import KmlDateTime, TimeSpan, TimeStamp

from corridor.webmap.safe import inert, link
from corridor.webmap.style import EVENT_SYMBOLS, PALETTE

#: Coordinates are written to 6 decimals (about 10 cm).
DECIMALS = 6
#: How opaque the road is drawn by the confidence of its course (KML lines cannot be dashed).
ROAD_ALPHA = {"high": 255, "user": 255, "medium": 170, "low": 100}
GROUP_NAMES = {
    "patrol_done": "Patrols completed or full route",
    "patrol_cut": "Patrols cut short, limited or disputed",
    "attack": "Attacks",
    "protest": "Protests and blockades",
    "other": "Agreements, statements and other",
}
_NAME_UNSAFE = re.compile(r"[^\w\s.,:;()/·–—'-]")


def kml_colour(hex_colour: str, alpha: int = 255) -> str:
    """``#rrggbb`` as KML writes a colour: ``aabbggrr``."""
    h = hex_colour.lstrip("#").lower()
    return f"{alpha:02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def safe_name(text: Any, limit: int = 80) -> str:
    """A name that means nothing to HTML or to Google Earth's ``$[...]`` entities."""
    if is_missing(text):
        return ""
    return " ".join(_NAME_UNSAFE.sub(" ", str(text)).split())[:limit]


def is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def kml_time(date: Any, precision: Any) -> TimeStamp | TimeSpan | None:
    """The KML time of a date at its precision: a day is a ``TimeStamp``; a week, a month or a year
    is a ``TimeSpan`` from its first day to its last.

    A full date whose precision is only the month or the year (ACLED's ``time_precision`` 3) is
    written as that month or year, so the time slider does not claim a day nobody reported. Spans
    rather than KML's ``gYear``/``gYearMonth`` stamps: Google Earth draws a stamp at one instant
    (the first of the month or year), and GDAL's LIBKML driver, which QGIS opens KMZ files with,
    reads no time at all from a ``gYear`` stamp (seen in QGIS 3.22: 9 of 57 dated catalogue
    events came out undated).
    """
    if is_missing(date) or not str(date):
        return None
    text = str(date)
    if precision == "month" and len(text) >= 7:
        text = text[:7]
    elif precision == "year" and len(text) >= 4:
        text = text[:4]
    try:
        if re.fullmatch(r"\d{4}", text):
            first, last = dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            first = dt.date(int(text[:4]), int(text[5:7]), 1)
            last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        else:
            first = dt.date.fromisoformat(text[:10])
            if precision != "week":
                return TimeStamp(timestamp=KmlDateTime(first, DateTimeResolution.date))
            last = first + dt.timedelta(days=6)
    except ValueError:
        return None
    return TimeSpan(
        begin=KmlDateTime(first, DateTimeResolution.date),
        end=KmlDateTime(last, DateTimeResolution.date),
    )


def _coords(coords: np.ndarray) -> Coordinates:
    return Coordinates(coords=tuple(map(tuple, np.round(coords[:, :2], DECIMALS).tolist())))


def _ring(ring: Any) -> LinearRing:
    return LinearRing(kml_coordinates=_coords(shapely.get_coordinates(ring)))


def geometry_of(geom: Any) -> Any:
    """A shapely geometry as fastkml's KML geometry, built from its coordinate array.

    fastkml would take a pygeoif geometry instead, but pygeoif checks every vertex in Python:
    0.75 s of the 0.95 s this file took for the catalogue alone (measured with cProfile).
    Lines and polygons are tessellated so that Google Earth drapes them on the terrain.
    """
    kind = geom.geom_type
    if kind == "Point":
        return KmlPoint(kml_coordinates=_coords(shapely.get_coordinates(geom)))
    if kind == "LineString":
        return KmlLineString(
            tessellate=True, kml_coordinates=_coords(shapely.get_coordinates(geom))
        )
    if kind == "Polygon":
        return KmlPolygon(
            tessellate=True,
            outer_boundary=OuterBoundaryIs(kml_geometry=_ring(geom.exterior)),
            inner_boundaries=[InnerBoundaryIs(kml_geometry=_ring(r)) for r in geom.interiors],
        )
    return MultiGeometry(kml_geometries=[geometry_of(part) for part in geom.geoms])


def sources_html(value: Any) -> str:
    """Links to the sources (JSON list of {outlet, url, ...}) or the source text, escaped."""
    if is_missing(value) or not str(value):
        return ""
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        items = None
    if isinstance(items, list) and all(isinstance(i, dict) for i in items):
        parts = [
            link(i.get("url"), i.get("outlet") or i.get("title") or i.get("url")) for i in items
        ]
        return ", ".join(p for p in parts if p)
    return inert(value)


@cache
def _key(text: str) -> str:
    """A description's row label (the project's own words), escaped once."""
    return f"<b>{inert(text)}</b>: "


def description_html(
    rows: Iterable[tuple[str, Any]], notes: Iterable[Any] = (), sources: str = ""
) -> str:
    """HTML from escaped text: ``<b>key</b>: value`` lines, then notes, then the sources' links."""
    lines = [
        _key(key) + inert(value)
        for key, value in rows
        if value is not None and not is_missing(value) and str(value) != ""
    ]
    lines += [inert(n) for n in notes if n is not None and not is_missing(n) and str(n)]
    if sources:
        lines.append(_key("Sources") + sources)
    return "<br>".join(lines)


def shared_styles() -> list[Style]:
    """The shared styles; inside a Style the KML 2.2 schema wants Icon, Label, Line, Poly, Balloon."""
    p = PALETTE
    balloon = BalloonStyle(text="<b>$[name]</b><br>$[description]")
    styles = [
        Style(
            id="corridor_north",
            styles=[
                LineStyle(color=kml_colour(p["north_edge"]), width=1.5),
                PolyStyle(color=kml_colour(p["north_fill"], 150)),
            ],
        ),
        Style(
            id="corridor_south",
            styles=[
                LineStyle(color=kml_colour(p["south_edge"]), width=1.5),
                PolyStyle(color=kml_colour(p["south_fill"], 150)),
            ],
        ),
        Style(
            id="corridor_cut",
            styles=[
                LineStyle(color=kml_colour(p["cut"]), width=1.0),
                PolyStyle(color=kml_colour(p["cut"], 90)),
            ],
        ),
        Style(id="border", styles=[LineStyle(color=kml_colour(p["border"]), width=2.0)]),
        Style(
            id="place",
            styles=[
                IconStyle(icon_href="files/place.png", scale=0.6),
                LabelStyle(scale=0.8),
                balloon,
            ],
        ),
    ]
    styles.append(
        Style(
            id="settlement",
            styles=[
                IconStyle(icon_href="files/place.png", scale=0.4),
                LabelStyle(scale=0.6),
                balloon,
            ],
        )
    )
    styles += [
        Style(id=f"road_{key}", styles=[LineStyle(color=kml_colour(p["road"], a), width=3.0)])
        for key, a in ROAD_ALPHA.items()
    ]
    styles += [
        Style(
            id=f"patrol_line_{key}",
            styles=[LineStyle(color=kml_colour(p[key], 220), width=4.0), balloon],
        )
        for key in ("patrol_done", "patrol_cut")
    ]
    styles += [
        Style(
            id=f"ev_{group}",
            styles=[
                IconStyle(
                    icon_href=f"files/{group}.png", scale=0.8 if group != "imported" else 0.6
                ),
                LabelStyle(scale=0),
                balloon,
            ],
        )
        for group in EVENT_SYMBOLS
    ]
    return styles
