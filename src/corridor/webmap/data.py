"""What the corridor map draws, computed from the model and the events: the page's JSON data.

:func:`map_data` composes the data block from one module per theme: :mod:`~corridor.webmap.road`
(land, corridor, road, border), :mod:`~corridor.webmap.places`,
:mod:`~corridor.webmap.distances` (to the border), :mod:`~corridor.webmap.events` and
:mod:`~corridor.webmap.claims`; :mod:`~corridor.webmap.convert` holds the conversions they share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from corridor.events.catalogue import period_text, timeline_key
from corridor.events.tagging import STUDY_AREA_KM
from corridor.webmap import convert as cv
from corridor.webmap import legend, style
from corridor.webmap.claims import attach_claims, claim_features, model_checks
from corridor.webmap.distances import (
    RIBBON_PX,
    distance_lines,
    judge,
    links_to_border,
    verdict_sentence,
)
from corridor.webmap.events import (
    EVENT_GROUPS,
    GROUP_NAMES,
    IMPORTED_TEXT_CHARS,
    MAX_IMPORTED_DRAWN,
    catalogue_events,
    catalogue_marks,
    imported_columns,
    imported_rows,
)
from corridor.webmap.places import place_marks
from corridor.webmap.road import (
    border_line,
    corridor_halves,
    km_marks,
    land,
    minimap,
    road_segments,
)
from corridor.webmap.safe import inert
from corridor.webmap.settlements import NAMES_FROM_ZOOM, settlement_columns

NAMES_FROM_ZOOM_TEXT = f"{NAMES_FROM_ZOOM:g}"
#: Below this width in CSS pixels the legend, the lists and the minimap start folded to buttons.
NARROW_PX = 600

__all__ = ["IMPORTED_TEXT_CHARS", "MAX_IMPORTED_DRAWN", "map_data"]


def _catalogue_dates(events: pd.DataFrame) -> list[dict[str, Any]]:
    """The catalogue rows' date, precision and kind, with ``None`` for a missing date."""
    cat = catalogue_events(events)[["date", "date_precision", "kind"]]
    cat = cat.astype(object).where(cat.notna(), None)
    return cat.to_dict("records")


def map_data(
    layers: Any,
    *,
    claims: Sequence[Mapping[str, Any]] | None = None,
    max_imported: int = MAX_IMPORTED_DRAWN,
    imported: tuple[pd.DataFrame, int, int] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, str, bool]]]:
    """Everything the map draws: the JSON data, the legend's facts and the layer menu's entries.

    ``imported`` is what :func:`~corridor.webmap.events.imported_rows` gives for ``layers`` and
    ``max_imported``, when the caller has it already (a build shares it with the KMZ).

    Returns
    -------
    data, facts, layer_list
        ``data`` goes into the page for the script; ``facts`` fill the legend; ``layer_list``
        holds ``(key, name, shown at start)`` per overlay, in menu order.
    """
    model = layers.model
    names = cv.name_of(layers)
    lon0, lat0, lon1, lat1 = model.route.line.bounds
    view = (lon0 - 0.3, lat0 - 0.25, lon1 + 0.3, lat1 + 0.25)
    corridor = corridor_halves(layers, model)
    places = place_marks(layers, model)
    events, elsewhere = catalogue_marks(layers, model)
    rows, outside, in_area = (
        imported if imported is not None else imported_rows(layers, max_imported)
    )
    # A month or a year steps in after the days it contains, not before them.
    dates = sorted(
        {d for d in (e["date"] for e in events) if d}
        # Distinct dates first: iterating 20,000 rows took 0.024 s, their 475 dates 0.005 s.
        | {d for d in pd.unique(rows["date"].dropna().astype(str)).tolist() if d},
        key=timeline_key,
    )
    rank = {d: i for i, d in enumerate(dates)}
    for item in events:
        date = item.pop("date")
        item["r"] = rank.get(date, -1) if date else -1
        item.pop("id")
    if claims is None:
        checks = model_checks(layers, model)
        claims_note = (
            "Claims layer: the corridor's width and the distance from Tronba to Saraqib as "
            "modelled (no checked claims were given to the map)."
        )
    else:
        checks, placed, about_events = claim_features(claims, model)
        attach_claims(events, elsewhere, about_events)
        n_events = sum(len(v) for v in about_events.values())
        claims_note = (
            f"Claims layer: {placed} of {len(claims)} checked claims have a place on the map, "
            "coloured by verdict (dark: claims at one place disagree); "
            f"{n_events} more are about catalogued events and shown in their popups."
        )
    x0, y0, x1, y1 = layers.corridor.total_bounds
    counts = {g: sum(1 for e in events if e["g"] == g) for g in EVENT_GROUPS}
    imported_note = ""
    if len(rows) or outside:
        imported_note = f"{len(rows):,} imported events in the study area, clustered"
        if len(rows) < in_area:
            imported_note += f" (only the {len(rows):,} most recent of {in_area:,} are drawn)"
        if outside:
            imported_note += (
                f"; {outside:,} farther than {STUDY_AREA_KM:g} km from the road are not drawn"
            )
        imported_note += ". Texts are shortened; full rows: events.geojson."
    settlements = settlement_columns(layers)
    far = sorted({i["line"].split(" · ")[1] for i in elsewhere})
    data = {
        "style": dict(style.PALETTE, link=style.PALETTE["link"]),
        "panes": list(style.PANES),
        # The corridor with room for the labels of the places at its ends.
        "bounds": [
            [round(y0 - 0.04, 4), round(x0 - 0.06, 4)],
            [round(y1 + 0.04, 4), round(x1 + 0.1, 4)],
        ],
        "land": land(model, view),
        "mini": minimap(layers, model),
        "corridor": corridor,
        "road": road_segments(layers),
        "km": km_marks(model),
        "places": places,
        "border": border_line(layers, view),
        "links": links_to_border(layers, model),
        "judge": judge(model),
        "ribbon": RIBBON_PX,
        "legend_px": style.LEGEND_PX,
        "narrow_px": NARROW_PX,
        "link_dash": style.LINK_DASH,
        # Over all of the Syrian outline, so that no clipping edge shows when zoomed out.
        "line30": distance_lines(model, model.border.syria.bounds),
        "checks": checks,
        "events": events,
        "elsewhere": {
            "title": f"{len(elsewhere)} catalogue events far from the corridor",
            "note": (
                f"In {', '.join(far)}: talks, statements and events away from the road (the "
                "2024 joint patrol in the north-east was not an M4 patrol). They are listed here "
                "rather than drawn, so that the map stays on the corridor."
            ),
            "items": elsewhere,
            "short": f"{len(elsewhere)} events far away",
        },
        "settlements": settlements or {"n": 0},
        "settlement_zoom": settlements["zoom"] if settlements else 99,
        "imported": imported_columns(rows, rank) if len(rows) else {"n": 0},
        "dates": dates,
        "attribution": legend.attribution(
            cv.text(layers.border.iloc[0].get("attribution")),
            [settlements["s"][i] for i in sorted({i for i in settlements["source"] if i >= 0})]
            if settlements
            else [],
        ),
    }
    section = model.corridor.section
    facts = {
        "section": (
            f"Agreed by Russia and Turkey on 5 March 2020. Drawn: "
            f"{model.corridor.half_width_m / 1000:g} km each side of the M4 from "
            f"{names[section.from_id]} to {names[section.to_id]} "
            f"({section.length_km:.1f} km of road as modelled)."
        ),
        # The catalogue's span, computed from it, and what became of the corridor (arrangement.json).
        "period": period_text(_catalogue_dates(layers.events)),
        "half_width_km": model.corridor.half_width_m / 1000,
        "area_north": model.corridor.area_km2("north"),
        "area_south": model.corridor.area_km2("south"),
        "area_cut": model.corridor.area_km2("cut"),
        "verdict": verdict_sentence(layers, model),
        "counts": counts,
        "imported": imported_note,
        "claims": claims_note,
        "claims_given": claims is not None,
        "settlements": settlements["n"] if settlements else 0,
    }
    layer_list = [
        ("outlines", "Syria and Turkey (outlines)", True),
        ("corridor_north", "Corridor, north half (Turkish side while in force)", True),
        ("corridor_south", "Corridor, south half (Russian side while in force)", True),
    ]
    if corridor["cut"] is not None:
        layer_list.append(("corridor_cut", "Corridor outside Syria (cut off)", True))
    layer_list += [
        ("line30", "30 km from the border (25–35 km band)", True),
        # Off at first: one reading of the road at a time (the ribbon reads as a second road).
        ("judge", "About 30 km? Road coloured by distance", False),
        ("border", "Turkey–Syria border", True),
        ("links", "Shortest distances road–border", True),
        ("road", "M4 road (dashes: how sure its course is)", True),
        ("km", "M4 kilometres from Latakia", True),
        ("places", "Places (dashed circle: uncertainty)", True),
        *(
            [
                (
                    "settlements",
                    f"Villages and towns ({settlements['n']:,}, GeoNames; names from zoom {NAMES_FROM_ZOOM_TEXT})",
                    True,
                )
            ]
            if settlements
            else []
        ),
        ("checks", "Claims where they apply", True),
    ]
    layer_list += [(f"ev_{g}", f"{GROUP_NAMES[g]} ({counts[g]})", True) for g in EVENT_GROUPS]
    if len(rows):
        layer_list.append(("imported", f"Imported events ({len(rows):,}, clustered)", True))
    return data, facts, [(k, inert(n), s) for k, n, s in layer_list]
