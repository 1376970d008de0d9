"""The pieces of ``corridor.kmz``: colours, shared styles, times, geometries and escaped text.

:mod:`corridor.export.kml` assembles them into folders. The elements are lxml's, in the KML 2.2
namespace and in the order OGC's schema gives (the tests validate the file against it). They were
fastkml objects; fastkml writes with lxml too, and these elements serialise to the same bytes, but
importing fastkml (with pygeoif, arrow and its class registry) took 0.16-0.18 s of CPU and building
its objects 0.2 s more for a default build, where these take about 0.03 s (measured on this
machine with time.process_time). Every piece of text from the data goes
through :func:`corridor.webmap.safe.inert` here before it joins the few tags written by this module
(``<br>``, ``<b>``, and links from :func:`corridor.webmap.safe.link`).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from lxml import etree

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

#: The KML 2.2 namespace, as lxml spells a qualified tag.
KML = "{http://www.opengis.net/kml/2.2}"


def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    """A KML child element of ``parent`` (with ``text`` when given)."""
    child = etree.SubElement(parent, KML + tag)
    if text is not None:
        child.text = text
    return child


def placemark(
    name: str,
    description: str,
    style_url: str,
    geometry: etree._Element,
    times: TimeStamp | TimeSpan | None = None,
) -> etree._Element:
    """A ``Placemark``: name, description, time, style and geometry (empty texts left out)."""
    mark = etree.Element(KML + "Placemark")
    if name:
        sub(mark, "name", name)
    if description:
        sub(mark, "description", description)
    if times is not None:
        mark.append(times.element())
    sub(mark, "styleUrl", style_url)
    mark.append(geometry)
    return mark


def folder(
    name: str,
    features: Sequence[etree._Element] = (),
    *,
    description: str = "",
    visible: bool = True,
    folder_id: str | None = None,
) -> etree._Element:
    """A ``Folder``: name, visibility (written only when hidden), description, then its features."""
    out = etree.Element(KML + "Folder")
    if folder_id is not None:
        out.set("id", folder_id)
    if name:
        sub(out, "name", name)
    if not visible:
        sub(out, "visibility", "0")
    if description:
        sub(out, "description", description)
    out.extend(features)
    return out


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


class DateTimeResolution(enum.Enum):
    """How much of a date KML is told: the year, the month, or the day (XML Schema's names)."""

    year = "gYear"
    year_month = "gYearMonth"
    date = "date"


@dataclass(frozen=True)
class KmlDateTime:
    """A date at a resolution; ``str`` gives its KML text (``2020``, ``2020-03``, ``2020-03-15``)."""

    dt: dt.date
    resolution: DateTimeResolution

    def __str__(self) -> str:
        if self.resolution is DateTimeResolution.year:
            return self.dt.strftime("%Y")
        if self.resolution is DateTimeResolution.year_month:
            return self.dt.strftime("%Y-%m")
        return self.dt.isoformat()


@dataclass(frozen=True)
class TimeStamp:
    """KML's ``TimeStamp``: one moment (``when``)."""

    timestamp: KmlDateTime

    def element(self) -> etree._Element:
        """The ``TimeStamp`` element."""
        out = etree.Element(KML + "TimeStamp")
        sub(out, "when", str(self.timestamp))
        return out


@dataclass(frozen=True)
class TimeSpan:
    """KML's ``TimeSpan``: from ``begin`` to ``end``."""

    begin: KmlDateTime
    end: KmlDateTime

    def element(self) -> etree._Element:
        """The ``TimeSpan`` element."""
        out = etree.Element(KML + "TimeSpan")
        sub(out, "begin", str(self.begin))
        sub(out, "end", str(self.end))
        return out


def kml_time(date: Any, precision: Any) -> TimeStamp | TimeSpan | None:
    """The KML time of a date at its precision: a day is a ``TimeStamp``; a week, a month or a year
    is a ``TimeSpan`` from its first day to its last.

    A full date whose precision is only the month or the year (ACLED's ``time_precision`` 3) is
    written as that month or year, so the time slider does not claim a day nobody reported. Spans
    rather than KML's ``gYear``/``gYearMonth`` stamps: KML defines a stamp as a single moment,
    so a span says better that the event lies somewhere in it, and GDAL's LIBKML driver, which QGIS
    opens KMZ files with, reads no time at all from a ``gYear`` stamp (seen in QGIS 3.22: 9 of the 102 dated catalogue
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


def _coordinates(parent: etree._Element, geom: Any) -> None:
    """``coordinates``: lon,lat to :data:`DECIMALS` places, a space between points."""
    xy = np.round(shapely.get_coordinates(geom)[:, :2], DECIMALS).tolist()
    sub(parent, "coordinates", " ".join(f"{x:.{DECIMALS}f},{y:.{DECIMALS}f}" for x, y in xy))


def geometry_of(geom: Any) -> etree._Element:
    """A shapely geometry as a KML geometry element, written from its coordinate array.

    Lines and polygons are tessellated so that Google Earth drapes them on the terrain.
    """
    kind = geom.geom_type
    out = etree.Element(KML + ("MultiGeometry" if kind.startswith(("Multi", "Geometry")) else kind))
    if kind == "Point":
        _coordinates(out, geom)
    elif kind == "LineString":
        sub(out, "tessellate", "1")
        _coordinates(out, geom)
    elif kind == "Polygon":
        sub(out, "tessellate", "1")
        _coordinates(sub(sub(out, "outerBoundaryIs"), "LinearRing"), geom.exterior)
        for ring in geom.interiors:
            _coordinates(sub(sub(out, "innerBoundaryIs"), "LinearRing"), ring)
    else:
        out.extend(geometry_of(part) for part in geom.geoms)
    return out


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


def _style(style_id: str, *parts: tuple[str, dict[str, str]]) -> etree._Element:
    """A ``Style`` of sub-styles, each a tag and its children's texts in schema order."""
    style = etree.Element(KML + "Style", id=style_id)
    for tag, children in parts:
        part = sub(style, tag)
        for child, text in children.items():
            if child == "href":  # an IconStyle's icon
                sub(sub(part, "Icon"), "href", text)
            else:
                sub(part, child, text)
    return style


def _line(colour: str, width: float) -> tuple[str, dict[str, str]]:
    return "LineStyle", {"color": colour, "width": str(width)}


def _poly(colour: str) -> tuple[str, dict[str, str]]:
    return "PolyStyle", {"color": colour}


def _icon(href: str, scale: float) -> tuple[str, dict[str, str]]:
    return "IconStyle", {"scale": str(scale), "href": href}


def _label(scale: float) -> tuple[str, dict[str, str]]:
    return "LabelStyle", {"scale": str(scale)}


def shared_styles() -> list[etree._Element]:
    """The shared styles; inside a Style the KML 2.2 schema wants Icon, Label, Line, Poly, Balloon."""
    p = PALETTE
    balloon = ("BalloonStyle", {"text": "<b>$[name]</b><br>$[description]"})
    styles = [
        _style(
            "corridor_north",
            _line(kml_colour(p["north_edge"]), 1.5),
            _poly(kml_colour(p["north_fill"], 150)),
        ),
        _style(
            "corridor_south",
            _line(kml_colour(p["south_edge"]), 1.5),
            _poly(kml_colour(p["south_fill"], 150)),
        ),
        _style("corridor_cut", _line(kml_colour(p["cut"]), 1.0), _poly(kml_colour(p["cut"], 90))),
        _style("border", _line(kml_colour(p["border"]), 2.0)),
        _style("place", _icon("files/place.png", 0.6), _label(0.8), balloon),
        _style("settlement", _icon("files/place.png", 0.4), _label(0.6), balloon),
    ]
    styles += [
        _style(f"road_{key}", _line(kml_colour(p["road"], a), 3.0)) for key, a in ROAD_ALPHA.items()
    ]
    styles += [
        _style(f"patrol_line_{key}", _line(kml_colour(p[key], 220), 4.0), balloon)
        for key in ("patrol_done", "patrol_cut")
    ]
    styles += [
        _style(
            f"ev_{group}",
            _icon(f"files/{group}.png", 0.8 if group != "imported" else 0.6),
            _label(0),
            balloon,
        )
        for group in EVENT_SYMBOLS
    ]
    return styles
