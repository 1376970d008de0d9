"""The corridor map's legend, its hidden SVG definitions and the attribution line, as HTML.

Everything here is the project's own wording; the few values that come from the model or the data
(areas, distances, counts, file attributions) pass through :func:`corridor.webmap.safe.inert`. The HTML
goes into the page as it is (never through folium's template engine) and the map's script moves
the legend into a Leaflet control.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corridor.webmap.safe import inert
from corridor.webmap.style import CLAIM_DASH, LINK_DASH, PALETTE, ROAD_DASH

_OSM = '<a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener noreferrer">OpenStreetMap</a>'
_GEONAMES = (
    '<a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">GeoNames</a>'
)


def hatch_defs() -> str:
    """A hidden SVG holding the hatch pattern of the corridor's cut-off part (``url(#cm-hatch)``)."""
    c = PALETTE["cut"]
    return (
        '<svg class="cm-defs" aria-hidden="true" focusable="false"><defs>'
        '<pattern id="cm-hatch" width="7" height="7" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="7" height="7" fill="#ffffff" fill-opacity="0.55"/>'
        f'<line x1="0" y1="0" x2="0" y2="7" stroke="{c}" stroke-width="2.2"/>'
        "</pattern></defs></svg>"
    )


def attribution(border_attribution: str, settlement_sources: Sequence[str] = ()) -> str:
    """The data credits shown in the attribution control (the basemaps add their own).

    ``settlement_sources`` are the distinct sources of the settlements drawn, if any.
    """
    villages = (
        f" · villages and towns: {inert('; '.join(settlement_sources))}"
        if settlement_sources
        else ""
    )
    return (
        f"Road, border and outlines {inert(border_attribution)} ({_OSM} data, ODbL) · "
        f"places: {_GEONAMES} (CC BY 4.0) and the project's sources{villages}"
    )


def _svg(body: str) -> str:
    return f'<svg viewBox="0 0 30 14" aria-hidden="true">{body}</svg>'


def _fill(fill: str, edge: str, opacity: float = 0.45, dash: str = "") -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return _svg(
        f'<rect x="1" y="1.5" width="28" height="11" fill="{fill}" fill-opacity="{opacity}" '
        f'stroke="{edge}" stroke-width="1.2"{dash_attr}/>'
    )


def _line(colour: str, width: float, dash: str | None = None, opacity: float = 1.0) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    if dash == CLAIM_DASH:  # dotted: round dots, as on the map
        dash_attr += ' stroke-linecap="round"'
    return _svg(
        f'<line x1="2" y1="7" x2="28" y2="7" stroke="{colour}" stroke-width="{width}" '
        f'stroke-opacity="{opacity}"{dash_attr}/>'
    )


def _ribbon(colour: str) -> str:
    return _svg(
        f'<line x1="1" y1="4" x2="29" y2="4" stroke="{PALETTE["road"]}" stroke-width="2.4"/>'
        f'<line x1="1" y1="10" x2="29" y2="10" stroke="{colour}" stroke-width="5"/>'
    )


def _lanes() -> str:
    p = PALETTE
    return _svg(
        f'<line x1="1" y1="2.5" x2="29" y2="2.5" stroke="{p["patrol_cut"]}" stroke-width="3" stroke-opacity=".6"/>'
        f'<line x1="1" y1="6.5" x2="29" y2="6.5" stroke="{p["patrol_done"]}" stroke-width="3" stroke-opacity=".6"/>'
        f'<line x1="1" y1="11" x2="29" y2="11" stroke="{p["road"]}" stroke-width="2.4"/>'
    )


def _place(derived: bool) -> str:
    p = PALETTE
    if derived:
        return _svg(
            f'<circle cx="15" cy="7" r="6.2" fill="{p["uncertainty"]}" fill-opacity="0.06" '
            f'stroke="{p["uncertainty"]}" stroke-dasharray="2 2"/>'
            f'<circle cx="15" cy="7" r="3" fill="#fff" stroke="{p["place"]}" stroke-width="1.5"/>'
        )
    return _svg(f'<circle cx="15" cy="7" r="3.6" fill="{p["place"]}" stroke="#fff"/>')


def _settlement() -> str:
    return _svg(
        f'<circle cx="15" cy="7" r="2.4" fill="{PALETTE["uncertainty"]}" stroke="#fff" '
        'stroke-width="0.8"/>'
    )


def _row(symbol: str, text: str) -> str:
    return f'<div class="cm-leg-row">{symbol}<span>{text}</span></div>'


def _symbol(group: str) -> str:
    return f'<span class="cm-ev cm-ev-{group}"></span>'


def _inline(*pairs: tuple[str, str]) -> str:
    """Several small symbol-and-word pairs on one legend line."""
    items = "".join(f'<span class="cm-leg-item">{sym}{text}</span>' for sym, text in pairs)
    return f'<div class="cm-leg-row cm-leg-inline">{items}</div>'


def _fold(rows: list[str]) -> str:
    """The legend's rows as sections that fold, one per ``<h4>`` heading; the longest starts folded.

    Rows before the first heading, and ``<details>`` blocks of their own, stay as they are.
    """
    sections: list[tuple[str, list[str]]] = []
    loose: list[str] = []
    for item in rows:
        if item.startswith("<h4>"):
            sections.append((item.removeprefix("<h4>").removesuffix("</h4>"), []))
        elif sections and not item.startswith("<details"):
            sections[-1][1].append(item)
        else:
            loose.append(item)
    # Longest by the lines a reader scans (rows and inline rows), not by the markup's length.
    longest = max(range(len(sections)), key=lambda i: len(sections[i][1]), default=-1)
    folded = "".join(
        f'<details class="cm-leg-sec"{"" if i == longest else " open"}>'
        f"<summary>{title}</summary>{''.join(body)}</details>"
        for i, (title, body) in enumerate(sections)
    )
    return folded + "".join(loose)


def legend_html(element_id: str, facts: Mapping[str, Any]) -> str:
    """The legend's HTML, hidden until the map's script places it.

    Parameters
    ----------
    element_id
        The ``id`` the script looks for.
    facts
        Numbers and short texts from the model and the data: ``section`` (text), ``period`` (the
        catalogue's span and what became of the corridor, in the past tense), ``half_width_km``,
        ``area_north``, ``area_south``, ``area_cut`` (km²), ``verdict`` (a sentence), ``counts``
        (events drawn per group), ``imported`` (a sentence or ``""``), ``claims`` (a sentence).
    """
    p = PALETTE
    f = {k: inert(v) if isinstance(v, str) else v for k, v in facts.items()}
    counts = facts["counts"]
    w = f"{facts['half_width_km']:g}"
    rows = [
        '<h4>Corridor</h4><div class="cm-leg-note">North and south: left and right of the road from Latakia to Aleppo (east and west where it runs south, Jisr al-Shughur to al-Kafir).</div>',
        _row(
            _fill(p["north_fill"], p["north_edge"]),
            f"North half, {w} km deep: Turkish side while in force ({facts['area_north']:.0f} km²)",
        ),
        _row(
            _fill(p["south_fill"], p["south_edge"]),
            f"South half, {w} km deep: Russian side while in force ({facts['area_south']:.0f} km²)",
        ),
        _row(
            _fill("url(#cm-hatch)", p["cut"], 1.0, "3 3"),
            f"Outside Syria, cut off at the border ({facts['area_cut']:.1f} km²)",
        ),
        "<h4>M4 road: how sure its course is · km from Latakia</h4>",
        _inline(
            (_line(p["road"], 3, ROAD_DASH["high"]), "±1 km"),
            (_line(p["road"], 3, ROAD_DASH["medium"]), "±3 km"),
            (_line(p["road"], 3, ROAD_DASH["low"]), "several km"),
        ),
        "<h4>Distance to the border</h4>",
        (
            '<div class="cm-leg-note">Road coloured by it: a band south of the road, off at '
            "first (layer menu: “About 30 km?”)</div>"
        ),
        _inline(
            (_ribbon(p["holds"]), "25–35 km"),
            (_ribbon(p["closer"]), "closer"),
            (_ribbon(p["farther"]), "farther"),
        ),
        _row(_line(p["holds"], 1.6, "7 4"), "30 km from the border; shaded: 25–35 km"),
        _row(_line(p["border"], 2.4, "12 4 2 4"), "Turkey–Syria border"),
        _row(_line(p["link"], 1.2, LINK_DASH), "Shortest way from the road to the border"),
        "<h4>Places</h4>",
        _inline(
            (_place(False), "gazetteer"),
            (_place(True), "derived, with its uncertainty"),
        ),
        *(
            [
                _row(
                    _settlement(),
                    f"Villages and towns ({facts['settlements']:,}, GeoNames): names in Latin "
                    "and Arabic as you zoom in",
                )
            ]
            if facts.get("settlements")
            else []
        ),
        f"<h4>Events ({sum(counts.values())} from the catalogue)</h4>",
        _row(
            _lanes(),
            "Patrol: the stretch it covered, beside the road (for the chosen date, or open its symbol)",
        ),
        _row(_symbol("patrol_done"), f"Patrol completed or full route ({counts['patrol_done']})"),
        _row(
            _symbol("patrol_cut"),
            f"Patrol cut short, limited or disputed ({counts['patrol_cut']})",
        ),
        _row(_symbol("attack"), f"Attack ({counts['attack']})"),
        _row(_symbol("protest"), f"Protest or blockade ({counts['protest']})"),
        _row(_symbol("other"), f"Agreement, statement, other ({counts['other']})"),
    ]
    if facts["imported"]:
        rows.append(_row(_symbol("imported"), f["imported"]))
    if facts.get("claims_given"):
        rows += [
            "<h4>Claims checked, where they apply</h4>",
            _inline(
                (_line(p["supported"], 3, CLAIM_DASH), "supported"),
                (_line(p["partly"], 3, CLAIM_DASH), "partly"),
                (_line(p["contradicted"], 3, CLAIM_DASH), "contradicted"),
                (_line(p["unchecked"], 3, CLAIM_DASH), "not checkable"),
                (_line(p["mixed"], 3.5, CLAIM_DASH), "claims disagree"),
            ),
        ]
    notes = [
        (
            "A patrol's symbol marks the farthest point it reached; events at one place are fanned "
            "out around it."
        ),
        f["claims"],
        (
            "The slider at the bottom steps through the dates: an event dated only to a month or a "
            "year appears after the dated events of that month or year, undated events only under "
            "“All”."
        ),
        (
            "Basemaps (OpenStreetMap, topographic, satellite) are in the layer menu and need a "
            "network; offline, the plain background shows Syria and Turkey."
        ),
    ]
    rows.append(
        '<details class="cm-leg-more"><summary>How to read this map</summary>'
        + "".join(f'<div class="cm-leg-note">{n}</div>' for n in notes)
        + "</details>"
    )
    return (
        f'<div id="{inert(element_id)}" class="cm-legend" hidden>'
        '<div class="cm-leg-head"><div>'
        '<div class="cm-leg-title">The M4 security corridor, Idlib</div>'
        f'<div class="cm-leg-sub">{f["section"]}</div>'
        f'<div class="cm-leg-sub cm-leg-period">{f.get("period", "")}</div></div>'
        '<button type="button" class="cm-leg-toggle" aria-expanded="true" '
        'title="Show or hide the legend">−</button></div>'
        f'<div class="cm-leg-verdict">{f["verdict"]}</div>'
        f'<div class="cm-leg-body">{_fold(rows)}</div></div>'
    )
