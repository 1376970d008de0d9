"""``corridor.kmz`` for Google Earth: KML 2.2 (written with fastkml) in a zip, ``doc.kml`` first.

One folder per layer, styled like the web map (:data:`corridor.webmap.style.PALETTE`; the event
icons in ``kml_icons/`` are drawn from the map's symbols by ``scripts/make_kml_icons.py`` and travel
inside the KMZ, so nothing is fetched). Events and patrols carry ``TimeStamp`` (``TimeSpan`` for a
week) at the precision of their date, so Google Earth's time slider plays the chronology.

Google Earth renders a description as HTML. Every piece of text from the data goes through
:func:`corridor.webmap.safe.inert` before it joins the few tags written here (``<br>``, ``<b>`` and
links to plain http(s) addresses from :func:`corridor.webmap.safe.link`), so hostile text from an
imported file stays text. Names, which Google Earth shows in several places, keep only letters,
digits, spaces and plain punctuation. Imported events are capped as on the map
(:data:`corridor.webmap.data.MAX_IMPORTED_DRAWN`, the most recent in the study area), and the
document says so. The zip's timestamps are pinned: same inputs, same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from fastkml import KML, Document, Folder, Placemark
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
from fastkml.styles import (
    BalloonStyle,
    IconStyle,
    LabelStyle,
    LineStyle,
    PolyStyle,
    Style,
    StyleUrl,
)
from fastkml.times import KmlDateTime, TimeSpan, TimeStamp

from corridor.events.tagging import STUDY_AREA_KM
from corridor.webmap.data import (
    IMPORTED_TEXT_CHARS,
    MAX_IMPORTED_DRAWN,
    _imported,
    date_label,
    event_group,
)
from corridor.webmap.safe import inert, link
from corridor.webmap.style import EVENT_SYMBOLS, PALETTE

#: The time written into the zip's entries (the build is reproducible, so no clock is read).
ZIP_DATE = (2020, 3, 5, 0, 0, 0)
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
    if _missing(text):
        return ""
    return " ".join(_NAME_UNSAFE.sub(" ", str(text)).split())[:limit]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _time(date: Any, precision: Any) -> TimeStamp | TimeSpan | None:
    """The KML time of a date at its precision (year, month, day; a week is a span of 7 days)."""
    if _missing(date) or not str(date):
        return None
    text = str(date)
    try:
        if re.fullmatch(r"\d{4}", text):
            return TimeStamp(
                timestamp=KmlDateTime(dt.date(int(text), 1, 1), DateTimeResolution.year)
            )
        if re.fullmatch(r"\d{4}-\d{2}", text):
            day = dt.date(int(text[:4]), int(text[5:7]), 1)
            return TimeStamp(timestamp=KmlDateTime(day, DateTimeResolution.year_month))
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    if precision == "week":
        end = day + dt.timedelta(days=6)
        return TimeSpan(
            begin=KmlDateTime(day, DateTimeResolution.date),
            end=KmlDateTime(end, DateTimeResolution.date),
        )
    return TimeStamp(timestamp=KmlDateTime(day, DateTimeResolution.date))


def _coords(coords: np.ndarray) -> Coordinates:
    return Coordinates(coords=tuple(map(tuple, np.round(coords[:, :2], DECIMALS).tolist())))


def _ring(ring: Any) -> LinearRing:
    return LinearRing(kml_coordinates=_coords(shapely.get_coordinates(ring)))


def _geometry(geom: Any) -> Any:
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
    return MultiGeometry(kml_geometries=[_geometry(part) for part in geom.geoms])


def _sources(value: Any) -> str:
    """Links to the sources (JSON list of {outlet, url, ...}) or the source text, escaped."""
    if _missing(value) or not str(value):
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


def _description(
    rows: Iterable[tuple[str, Any]], notes: Iterable[Any] = (), sources: str = ""
) -> str:
    """HTML from escaped text: ``<b>key</b>: value`` lines, then notes, then the sources' links."""
    lines = [
        _key(key) + inert(value)
        for key, value in rows
        if value is not None and not _missing(value) and str(value) != ""
    ]
    lines += [inert(n) for n in notes if n is not None and not _missing(n) and str(n)]
    if sources:
        lines.append(_key("Sources") + sources)
    return "<br>".join(lines)


def _styles() -> list[Style]:
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


def _corridor_folder(layers: Any) -> Folder:
    marks = []
    for row in layers.corridor.to_dict("records"):
        side = row["side"]
        if (
            side not in {"north", "south", "cut"}
            or row["geometry"] is None
            or row["geometry"].is_empty
        ):
            continue
        title = (
            "Outside Syria: cut off at the border"
            if side == "cut"
            else f"{side.capitalize()} half: patrolled by {row['patrolled_by']}"
        )
        marks.append(
            Placemark(
                name=safe_name(title),
                description=_description(
                    [
                        ("Area", f"{row['area_km2']:.1f} km²"),
                        ("Depth", f"{row['half_width_m'] / 1000:g} km"),
                    ],
                    [row.get("note")],
                ),
                style_url=StyleUrl(url=f"#corridor_{side}"),
                kml_geometry=_geometry(row["geometry"]),
            )
        )
    return Folder(name="Corridor (5 March 2020)", features=marks)


def _road_folder(layers: Any, names: dict[str, str]) -> Folder:
    marks = []
    for seg in layers.route.to_dict("records"):
        a, b = names.get(seg["from"], seg["from"]), names.get(seg["to"], seg["to"])
        marks.append(
            Placemark(
                name=safe_name(f"M4: {a} – {b}"),
                description=_description(
                    [
                        ("Kilometres from Latakia", f"{seg['km_from']:.1f} to {seg['km_to']:.1f}"),
                        ("How sure", f"{seg['confidence']}: {seg['confidence_meaning']}"),
                    ],
                    [seg.get("basis")],
                    link(seg.get("basis_url"), "basis"),
                ),
                style_url=StyleUrl(
                    url=f"#road_{seg['confidence'] if seg['confidence'] in ROAD_ALPHA else 'high'}"
                ),
                kml_geometry=_geometry(seg["geometry"]),
            )
        )
    note = "Opacity shows how sure the modelled course is: solid where well known, fainter where approximate."
    return Folder(name="M4 road (as modelled)", description=inert(note), features=marks)


def _places_folder(layers: Any) -> Folder:
    marks = []
    for p in layers.places.to_dict("records"):
        if p["road_offset_km"] > STUDY_AREA_KM:
            continue
        marks.append(
            Placemark(
                name=safe_name(p["name"]),
                description=_description(
                    [
                        ("Arabic", p.get("name_ar")),
                        ("Along the M4", f"km {p['chainage_km']:.1f} from Latakia"),
                        ("To the Turkish border", f"{p['border_km']:.1f} km"),
                        (
                            "Position",
                            "derived: " + str(p["derivation"]) if p["derived"] else "gazetteer",
                        ),
                        ("Uncertainty", f"± {p['uncertainty_m'] / 1000:g} km"),
                    ],
                    [p.get("note")],
                    link(p.get("source_url"), p.get("source")),
                ),
                style_url=StyleUrl(url="#place"),
                kml_geometry=_geometry(p["geometry"]),
            )
        )
    return Folder(name="Places", features=marks)


def _border_folder(layers: Any) -> Folder:
    row = layers.border.iloc[0]
    mark = Placemark(
        name=safe_name(row.get("name") or "Turkey–Syria border"),
        description=_description(
            [
                ("Source", row.get("source")),
                ("Licence", row.get("licence")),
                ("Attribution", row.get("attribution")),
            ]
        ),
        style_url=StyleUrl(url="#border"),
        kml_geometry=_geometry(row.geometry),
    )
    return Folder(name="Turkey–Syria border", features=[mark])


def _event_mark(e: dict[str, Any], group: str, names: dict[str, str]) -> Placemark:
    when = date_label(e.get("date"), e.get("date_precision"))
    kind = str(e.get("kind") or "").replace("_", " ")
    rows = [
        ("Date", when),
        ("Kind", kind),
        ("Outcome", str(e.get("outcome") or "").replace("_", " ")),
        ("Where", e.get("place_names")),
        (
            "Position uncertainty",
            f"± {e['uncertainty_m'] / 1000:g} km" if not _missing(e.get("uncertainty_m")) else None,
        ),
        (
            "Km along the M4",
            f"{e['chainage_km']:.1f}" if not _missing(e.get("chainage_km")) else None,
        ),
        (
            "In the corridor",
            "yes"
            if e.get("in_corridor") is True
            else "no"
            if e.get("in_corridor") is False
            else None,
        ),
        ("Origin", e.get("origin")),
    ]
    return Placemark(
        name=safe_name(f"{when} · {kind}"),
        description=_description(
            rows, [e.get("description"), e.get("location_note")], _sources(e.get("sources"))
        ),
        times=_time(e.get("date"), e.get("date_precision")),
        style_url=StyleUrl(url=f"#ev_{group}"),
        kml_geometry=_geometry(e["geometry"]),
    )


def _column(rows: pd.DataFrame, name: str) -> list[Any]:
    if name not in rows:
        return [None] * len(rows)
    values = rows[name].astype(object)
    return values.where(values.notna(), None).tolist()


def _imported_marks(rows: pd.DataFrame) -> list[Placemark]:
    """Placemarks of imported rows, a column at a time.

    Built like :func:`_event_mark` but from columns, with the shared objects (style, times) made
    once: for 20,000 rows this took 5.0 s of CPU row by row, and takes about 1.1 s this way
    (measured on this machine; fastkml's objects and serialisation are most of what is left).
    """
    lon = np.round(rows.geometry.x.to_numpy(dtype=float), DECIMALS).tolist()
    lat = np.round(rows.geometry.y.to_numpy(dtype=float), DECIMALS).tolist()
    cols = {
        c: _column(rows, c)
        for c in ("date", "date_precision", "kind", "place_names", "description", "sources")
    }
    km = _column(rows, "chainage_km")
    inside = _column(rows, "in_corridor")
    style = StyleUrl(url="#ev_imported")
    times: dict[tuple[Any, Any], Any] = {}
    marks = []
    for i in range(len(rows)):
        date, precision = cols["date"][i], cols["date_precision"][i]
        key = (date, precision)
        if key not in times:
            times[key] = (_time(date, precision), date_label(date, precision))
        time, when = times[key]
        kind = str(cols["kind"][i] or "").replace("_", " ")
        text = cols["description"][i]
        if text is not None and len(str(text)) > IMPORTED_TEXT_CHARS:
            text = str(text)[:IMPORTED_TEXT_CHARS] + "…"
        facts = [("Date", when), ("Kind", kind), ("Where", cols["place_names"][i])]
        if km[i] is not None:
            facts.append(("Km along the M4", f"{km[i]:.1f}"))
        if inside[i] is not None:
            facts.append(("In the corridor", "yes" if inside[i] else "no"))
        marks.append(
            Placemark(
                name=safe_name(f"{when} · {kind}"),
                description=_description(facts, [text], inert(cols["sources"][i] or "")),
                times=time,
                style_url=style,
                kml_geometry=KmlPoint(kml_coordinates=Coordinates(coords=((lon[i], lat[i]),))),
            )
        )
    return marks


def _event_folders(layers: Any, names: dict[str, str]) -> Iterator[Folder]:
    events = layers.events
    catalogue = events[events["origin"] == "catalogue"]
    near: dict[str, list[Placemark]] = {g: [] for g in GROUP_NAMES}
    far: list[Placemark] = []
    for e in catalogue.to_dict("records"):
        group = event_group(e["kind"], e.get("outcome"))
        mark = _event_mark(e, group, names)
        (near[group] if e.get("in_study_area") else far).append(mark)
    yield Folder(
        name="Events (catalogue)",
        description=inert("The project's catalogue of events, by kind, dated for the time slider."),
        features=[Folder(name=f"{GROUP_NAMES[g]} ({len(m)})", features=m) for g, m in near.items()],
    )
    if far:
        yield Folder(
            name=f"Events far from the corridor ({len(far)})",
            description=inert(
                f"Catalogue events farther than {STUDY_AREA_KM:g} km from the road: talks, agreements and statements."
            ),
            features=far,
            visibility=False,
        )
    rows, outside, in_area = _imported(layers, MAX_IMPORTED_DRAWN)
    if len(rows) or outside:
        note = f"{len(rows):,} imported events in the study area"
        if len(rows) < in_area:
            note += f" (only the {len(rows):,} most recent of {in_area:,} are included, as on the map; every row is in events.csv and events.parquet)"
        if outside:
            note += f"; {outside:,} farther than {STUDY_AREA_KM:g} km from the road are left out"
        note += (
            f". Texts are shortened to {IMPORTED_TEXT_CHARS} characters, as on the map; "
            "full rows: events.csv, events.parquet"
        )
        marks = _imported_marks(rows)
        yield Folder(
            name=f"Imported events ({len(rows):,})", description=inert(note + "."), features=marks
        )


def _patrols_folder(layers: Any, names: dict[str, str]) -> Folder:
    marks = []
    for p in layers.patrols.to_dict("records"):
        start, end = p.get("route_from"), p.get("route_to")
        group = event_group(p["kind"], p.get("outcome"))
        when = date_label(p.get("date"), p.get("date_precision"))
        marks.append(
            Placemark(
                name=safe_name(
                    f"{when} · patrol {names.get(start, start)} – {names.get(end, end)}"
                ),
                description=_description(
                    [
                        ("Date", when),
                        ("Outcome", str(p.get("outcome") or "").replace("_", " ")),
                        (
                            "Stretch",
                            f"km {p['km_from']:.1f} to {p['km_to']:.1f} ({p['reach_km']:.1f} km)",
                        ),
                    ],
                    [p.get("description")],
                    _sources(p.get("sources")),
                ),
                times=_time(p.get("date"), p.get("date_precision")),
                style_url=StyleUrl(url=f"#patrol_line_{group}"),
                kml_geometry=_geometry(p["geometry"]),
            )
        )
    return Folder(name="Patrols (stretch of road covered)", features=marks)


def kml_document(layers: Any) -> KML:
    """The KML document of the layers (``places``, ``route``, ``corridor``, ``border``, ``events``, ``patrols``)."""
    names = dict(zip(layers.places["id"], layers.places["name"], strict=True))
    attribution = layers.border.iloc[0].get("attribution")
    summary = (
        "The M4 security corridor agreed by Russia and Turkey on 5 March 2020, as modelled by the "
        "corridor project. Use the time slider to play the events and patrols in order."
    )
    folders = [
        _corridor_folder(layers),
        _road_folder(layers, names),
        _border_folder(layers),
        _places_folder(layers),
        _patrols_folder(layers, names),
        *_event_folders(layers, names),
    ]
    document = Document(
        name="M4 security corridor",
        description="<br>".join(inert(t) for t in (summary, attribution) if not _missing(t) and t),
        styles=_styles(),
        features=folders,
        isopen=True,
    )
    return KML(features=[document])


def _icons() -> dict[str, bytes]:
    folder = files("corridor.export").joinpath("kml_icons")
    return {
        f"files/{g}.png": folder.joinpath(f"{g}.png").read_bytes()
        for g in [*EVENT_SYMBOLS, "place"]
    }


def write_kmz(path: Path, layers: Any) -> None:
    """Write ``corridor.kmz``: ``doc.kml`` first, then the icons, with pinned timestamps."""
    text = kml_document(layers).to_string(prettyprint=False, precision=DECIMALS)
    entries = {
        "doc.kml": ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8"),
        **_icons(),
    }
    with zipfile.ZipFile(path, "w") as kmz:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            kmz.writestr(info, data, compresslevel=6)
