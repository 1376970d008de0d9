"""``corridor.kmz`` for Google Earth: KML 2.2 (written with lxml) in a zip, ``doc.kml`` first.

One folder per layer, styled like the web map (:data:`corridor.webmap.style.PALETTE`; the event
icons in ``kml_icons/`` are drawn from the map's symbols by ``scripts/make_kml_icons.py`` and travel
inside the KMZ, so nothing is fetched). Events and patrols carry a ``TimeStamp`` for a day and a
``TimeSpan`` over a week, month or year, so Google Earth's time slider plays the chronology.

Google Earth renders a description as HTML. Every piece of text from the data goes through
:func:`corridor.webmap.safe.inert` before it joins the few tags written here (``<br>``, ``<b>`` and
links to plain http(s) addresses from :func:`corridor.webmap.safe.link`), so hostile text from an
imported file stays text. Names, which Google Earth shows in several places, keep only letters,
digits, spaces and plain punctuation. Imported events are capped as on the map
(:data:`corridor.webmap.events.MAX_IMPORTED_DRAWN`, the most recent in the study area), and the
document says so. The zip's timestamps are pinned: same inputs, same bytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from corridor.events.tagging import STUDY_AREA_KM
from corridor.export.kml_bulk import imported_placemarks, settlement_placemarks
from corridor.export.kml_elements import (
    GROUP_NAMES,
    KML,
    ROAD_ALPHA,
    description_html,
    folder,
    geometry_of,
    is_missing,
    kml_colour,
    kml_time,
    placemark,
    safe_name,
    shared_styles,
    sources_html,
    sub,
)
from corridor.webmap.convert import date_label
from corridor.webmap.events import (
    IMPORTED_TEXT_CHARS,
    MAX_IMPORTED_DRAWN,
    catalogue_events,
    event_group,
    imported_rows,
)
from corridor.webmap.safe import inert, link
from corridor.webmap.style import EVENT_SYMBOLS

KML_NS = "http://www.opengis.net/kml/2.2"
#: The id of the folder the imported placemarks go into.
IMPORTED_FOLDER = "imported"
SETTLEMENTS_FOLDER = "settlements"

__all__ = [
    "MAX_IMPORTED_DRAWN",
    "ZIP_DATE",
    "kml_bytes",
    "kml_colour",
    "kml_document",
    "safe_name",
    "write_kmz",
]

#: The time written into the zip's entries (the build is reproducible, so no clock is read).
ZIP_DATE = (2020, 3, 5, 0, 0, 0)


def _corridor_folder(layers: Any) -> etree._Element:
    marks = []
    # ``corridor`` holds the halves; the part cut off at the border is a frame of its own.
    cut = getattr(layers, "corridor_cut", None)
    rows = layers.corridor.to_dict("records") + ([] if cut is None else cut.to_dict("records"))
    for row in rows:
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
            placemark(
                name=safe_name(title),
                description=description_html(
                    [
                        ("Area", f"{row['area_km2']:.1f} km²"),
                        ("Depth", f"{row['half_width_m'] / 1000:g} km"),
                    ],
                    [row.get("note")],
                ),
                style_url=f"#corridor_{side}",
                geometry=geometry_of(row["geometry"]),
            )
        )
    return folder(name="Corridor (5 March 2020)", features=marks)


def _road_folder(layers: Any, names: dict[str, str]) -> etree._Element:
    marks = []
    for seg in layers.route.to_dict("records"):
        a, b = names.get(seg["from"], seg["from"]), names.get(seg["to"], seg["to"])
        marks.append(
            placemark(
                name=safe_name(f"M4: {a} – {b}"),
                description=description_html(
                    [
                        ("Kilometres from Latakia", f"{seg['km_from']:.1f} to {seg['km_to']:.1f}"),
                        ("How sure", f"{seg['confidence']}: {seg['confidence_meaning']}"),
                    ],
                    [seg.get("basis")],
                    link(seg.get("basis_url"), "basis"),
                ),
                style_url=f"#road_{seg['confidence'] if seg['confidence'] in ROAD_ALPHA else 'high'}",
                geometry=geometry_of(seg["geometry"]),
            )
        )
    note = "Opacity shows how sure the modelled course is: solid where well known, fainter where approximate."
    return folder(name="M4 road (as modelled)", description=inert(note), features=marks)


def _places_folder(layers: Any) -> etree._Element:
    marks = []
    for p in layers.places.to_dict("records"):
        if p["road_offset_km"] > STUDY_AREA_KM:
            continue
        marks.append(
            placemark(
                name=safe_name(p["name"]),
                description=description_html(
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
                style_url="#place",
                geometry=geometry_of(p["geometry"]),
            )
        )
    return folder(name="Places", features=marks)


def _settlements_folder(layers: Any) -> list[etree._Element]:
    """An empty Settlements folder when the layers have them (``geo.settlements``); its placemarks
    are added by :func:`kml_bytes` from :func:`kml_bulk.settlement_placemarks`."""
    frame = getattr(layers, "settlements", None)
    if frame is None or not len(frame) or "name" not in frame:
        return []
    count = int((frame.geometry.notna() & ~frame.geometry.is_empty).sum())
    return [folder(folder_id=SETTLEMENTS_FOLDER, name=f"Settlements ({count})")]


def _border_folder(layers: Any) -> etree._Element:
    row = layers.border.iloc[0]
    mark = placemark(
        name=safe_name(row.get("name") or "Turkey–Syria border"),
        description=description_html(
            [
                ("Source", row.get("source")),
                ("Licence", row.get("licence")),
                ("Attribution", row.get("attribution")),
            ]
        ),
        style_url="#border",
        geometry=geometry_of(row.geometry),
    )
    return folder(name="Turkey–Syria border", features=[mark])


def _event_mark(e: dict[str, Any], group: str, names: dict[str, str]) -> etree._Element:
    when = date_label(e.get("date"), e.get("date_precision"))
    kind = str(e.get("kind") or "").replace("_", " ")
    rows = [
        ("Date", when),
        ("Kind", kind),
        ("Outcome", str(e.get("outcome") or "").replace("_", " ")),
        ("Where", e.get("place_names")),
        (
            "Position uncertainty",
            f"± {e['uncertainty_m'] / 1000:g} km"
            if not is_missing(e.get("uncertainty_m"))
            else None,
        ),
        (
            "Km along the M4",
            f"{e['chainage_km']:.1f}" if not is_missing(e.get("chainage_km")) else None,
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
    return placemark(
        name=safe_name(f"{when} · {kind}"),
        description=description_html(
            rows, [e.get("description"), e.get("location_note")], sources_html(e.get("sources"))
        ),
        times=kml_time(e.get("date"), e.get("date_precision")),
        style_url=f"#ev_{group}",
        geometry=geometry_of(e["geometry"]),
    )


def _event_folders(
    layers: Any, names: dict[str, str], imported: tuple[pd.DataFrame, int, int]
) -> Iterator[etree._Element]:
    catalogue = catalogue_events(layers.events)
    near: dict[str, list[etree._Element]] = {g: [] for g in GROUP_NAMES}
    far: list[etree._Element] = []
    for e in catalogue.to_dict("records"):
        group = event_group(e["kind"], e.get("outcome"))
        mark = _event_mark(e, group, names)
        (near[group] if e.get("in_study_area") else far).append(mark)
    yield folder(
        name="Events (catalogue)",
        description=inert("The project's catalogue of events, by kind, dated for the time slider."),
        features=[folder(name=f"{GROUP_NAMES[g]} ({len(m)})", features=m) for g, m in near.items()],
    )
    if far:
        yield folder(
            name=f"Events far from the corridor ({len(far)})",
            description=inert(
                f"Catalogue events farther than {STUDY_AREA_KM:g} km from the road: talks, agreements and statements."
            ),
            features=far,
            visible=False,
        )
    rows, outside, in_area = imported
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
        # The placemarks join the tree in kml_bytes (kml_bulk builds them much faster).
        yield folder(
            folder_id=IMPORTED_FOLDER,
            name=f"Imported events ({len(rows):,})",
            description=inert(note + "."),
        )


def _patrols_folder(layers: Any, names: dict[str, str]) -> etree._Element:
    marks = []
    for p in layers.patrols.to_dict("records"):
        start, end = p.get("route_from"), p.get("route_to")
        group = event_group(p["kind"], p.get("outcome"))
        when = date_label(p.get("date"), p.get("date_precision"))
        marks.append(
            placemark(
                name=safe_name(
                    f"{when} · patrol {names.get(start, start)} – {names.get(end, end)}"
                ),
                description=description_html(
                    [
                        ("Date", when),
                        ("Outcome", str(p.get("outcome") or "").replace("_", " ")),
                        (
                            "Stretch",
                            f"km {p['km_from']:.1f} to {p['km_to']:.1f} ({p['reach_km']:.1f} km)",
                        ),
                    ],
                    [p.get("description")],
                    sources_html(p.get("sources")),
                ),
                times=kml_time(p.get("date"), p.get("date_precision")),
                style_url=f"#patrol_line_{group}",
                geometry=geometry_of(p["geometry"]),
            )
        )
    return folder(name="Patrols (stretch of road covered)", features=marks)


def kml_document(
    layers: Any, imported: tuple[pd.DataFrame, int, int] | None = None
) -> etree._Element:
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
        *_settlements_folder(layers),
        _patrols_folder(layers, names),
        *_event_folders(layers, names, imported or imported_rows(layers, MAX_IMPORTED_DRAWN)),
    ]
    root = etree.Element(KML + "kml", nsmap={None: KML_NS})
    document = sub(root, "Document")
    sub(document, "name", "M4 security corridor")
    sub(document, "open", "1")
    description = "<br>".join(inert(t) for t in (summary, attribution) if not is_missing(t) and t)
    if description:
        sub(document, "description", description)
    document.extend(shared_styles())
    document.extend(folders)
    return root


def _icons() -> dict[str, bytes]:
    icons = files("corridor.export").joinpath("kml_icons")
    return {
        f"files/{g}.png": icons.joinpath(f"{g}.png").read_bytes() for g in [*EVENT_SYMBOLS, "place"]
    }


def kml_bytes(layers: Any, imported: tuple[pd.DataFrame, int, int] | None = None) -> bytes:
    """``doc.kml``: the document with the imported placemarks and settlements from :mod:`kml_bulk`.

    ``imported`` is ``imported_rows(layers, MAX_IMPORTED_DRAWN)`` when the caller has it (a build
    shares it with the map); selected here when not given.
    """
    if imported is None:
        imported = imported_rows(layers, MAX_IMPORTED_DRAWN)
    root = kml_document(layers, imported)
    events = root.find(f".//{{{KML_NS}}}Folder[@id='{IMPORTED_FOLDER}']")
    if events is not None:
        events.extend(imported_placemarks(imported[0]))
    villages = root.find(f".//{{{KML_NS}}}Folder[@id='{SETTLEMENTS_FOLDER}']")
    if villages is not None:
        villages.extend(settlement_placemarks(layers.settlements))
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def write_kmz(
    path: Path, layers: Any, imported: tuple[pd.DataFrame, int, int] | None = None
) -> None:
    """Write ``corridor.kmz``: ``doc.kml`` first, then the icons, with pinned timestamps
    (``imported`` as for :func:`kml_bytes`)."""
    entries = {"doc.kml": kml_bytes(layers, imported), **_icons()}
    with zipfile.ZipFile(path, "w") as kmz:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            kmz.writestr(info, data, compresslevel=6)
