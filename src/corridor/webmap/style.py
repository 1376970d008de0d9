"""How the corridor map looks in the browser: palette, marker symbols, and the page's CSS and script.

The script (``runtime.js``) and the stylesheet (``map.css``) are files of this package, read with
:mod:`importlib.resources`; this module fills in the few values they share with Python (the
palette, the legend's width). The map's layers are drawn by the script from a JSON data block that
:mod:`corridor.webmap.page` writes into the page. The script builds every popup, label and list with
DOM calls and ``textContent``; it never hands text from the data to ``innerHTML``, so a hostile
event description stays text. Links are made only for ``http``/``https`` addresses.

The palette is one dict so that the legend (:mod:`corridor.webmap.legend`) and the drawing share it. Its
hierarchy, from quiet to loud: the land and country outlines (greys), the corridor halves (pale
fills: warm for the Turkish-patrolled north, cool for the Russian-patrolled south), the 30 km check
(a translucent casing under the road), the road and the border (near-black lines), then the
events (saturated symbols), which a reader looks at first.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from urllib.parse import quote

PALETTE: dict[str, str] = {
    "background": "#dce5ea",  # sea, and anything beyond the outlines
    "syria_land": "#fbfaf5",
    "turkey_land": "#e9e7e0",
    "outline": "#8d8d8d",
    "north_fill": "#f4a582",
    "north_edge": "#d6604d",
    "south_fill": "#92c5de",
    "south_edge": "#4393c3",
    "cut": "#6f6f6f",
    "road": "#1d1d1d",
    "border": "#111111",
    "holds": "#35978f",
    "closer": "#e08214",
    "farther": "#8073ac",
    "link": "#333333",
    "place": "#222222",
    "uncertainty": "#5a5a5a",
    "patrol_done": "#2166ac",
    "patrol_cut": "#b2182b",
    "attack": "#67001f",
    "protest": "#c51b7d",
    "other": "#4d4d4d",
    "imported": "#37474f",
    # Claim verdicts: hues the ribbon and the events do not use, drawn dotted.
    "supported": "#1b7837",
    "contradicted": "#c2185b",
    "partly": "#a6611a",
    "unchecked": "#8c8c8c",
    # Claims at one place disagree: black round dots (the road-border links are grey dashes).
    "mixed": "#000000",
}

#: Dashes of the thin road-to-border links; claims are drawn in round dots (``CLAIM_DASH``).
LINK_DASH = "5 3"
CLAIM_DASH = "1 4"

#: Dash patterns of the road by how sure its modelled course is (``route.CONFIDENCE``).
ROAD_DASH: dict[str, str | None] = {"high": None, "user": None, "medium": "9 5", "low": "2 6"}

#: Drawing order of the map's own panes (inside Leaflet's overlay pane, bottom to top).
PANES: tuple[str, ...] = (
    "cm-band",
    "cm-corridor",
    "cm-judge",
    "cm-outline",
    "cm-settle",
    "cm-uncert",
    "cm-links",
    "cm-border",
    "cm-patrols",
    "cm-road",
    "cm-checks",
    "cm-places",
)

# Event symbols: shape and colour both differ, so the kinds stay apart without colour vision.
_SHAPES = {
    "circle": "<circle cx='8' cy='8' r='5.6' fill='{c}' stroke='#fff' stroke-width='1.6'/>",
    "stop": (
        "<circle cx='8' cy='8' r='5.8' fill='{c}' stroke='#fff' stroke-width='1.6'/>"
        "<rect x='4.6' y='7' width='6.8' height='2' fill='#fff'/>"
    ),
    "triangle": "<path d='M8 1.6 L14.6 13.8 L1.4 13.8 Z' fill='{c}' stroke='#fff' stroke-width='1.5'/>",
    "square": "<rect x='2.6' y='2.6' width='10.8' height='10.8' fill='{c}' stroke='#fff' stroke-width='1.6'/>",
    "diamond": "<path d='M8 1.2 L14.8 8 L8 14.8 L1.2 8 Z' fill='{c}' stroke='#fff' stroke-width='1.5'/>",
    "dot": "<circle cx='8' cy='8' r='4.2' fill='{c}' stroke='#fff' stroke-width='1.4'/>",
}
#: Event groups: the layer each kind of event goes to, its symbol and its colour key.
EVENT_SYMBOLS: dict[str, tuple[str, str]] = {
    "patrol_done": ("circle", "patrol_done"),
    "patrol_cut": ("stop", "patrol_cut"),
    "attack": ("triangle", "attack"),
    "protest": ("square", "protest"),
    "other": ("diamond", "other"),
    "imported": ("dot", "imported"),
}


def symbol_uri(group: str) -> str:
    """The SVG of an event group's symbol as a ``data:`` URI (used by the markers and the legend)."""
    shape, colour = EVENT_SYMBOLS[group]
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16' viewBox='0 0 16 16'>"
        + _SHAPES[shape].format(c=PALETTE[colour])
        + "</svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="")


#: Width of the legend box in CSS pixels; the first view leaves this much room on the right.
LEGEND_PX = 302


_CSS_VALUES: dict[str, str] = {
    "background": PALETTE["background"],
    "holds": PALETTE["holds"],
    "imported": PALETTE["imported"],
    "legend-width": f"{LEGEND_PX - 20}px",
}
#: ``var(--cm-NAME)`` in ``map.css`` that stands for a value of :data:`_CSS_VALUES`.
_CSS_VALUE = re.compile(r"var\(--cm-([a-z-]+)\)")


def _package_text(name: str) -> str:
    """A text file shipped beside this module, without its leading comment, with LF line ends.

    The leading comment documents the file for its readers; the page does not need it. Line ends
    are normalised so that a checkout with CRLF files (Windows) writes the same page.
    """
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    text = text.replace("\r\n", "\n")
    if text.startswith("/*"):
        text = text[text.index("*/") + 2 :].lstrip("\n")
    return text


@functools.cache
def _css_template() -> str:
    return _package_text("map.css")


#: The page's script files, in the order they go into the page: helpers first, the runtime last.
_SCRIPTS = ("dom.js", "layout.js", "runtime.js")


@functools.cache
def runtime_js() -> str:
    """The script that draws the map (``dom.js``, ``layout.js`` and ``runtime.js``, in that order).

    It defines ``corridorMapRuntime(map, data)``, which the page calls once with the Leaflet map
    and the parsed JSON data block; the returned object hands each layer to folium's layer code
    (``layer(key)``), the minimap's layer, and adds the legend, the time control and the panel of
    far-away events (``finish()``).
    """
    return "".join(_package_text(name) for name in _SCRIPTS)


def css(map_id: str) -> str:
    """The page's own stylesheet (``map.css``), scoped to the map element ``map_id``.

    ``map.css`` writes the map element as ``#cm-map``, the palette's colours as
    ``var(--cm-NAME)`` and the event symbols' rules as the comment ``/* cm-event-symbols */``;
    each is filled in here, so that the stylesheet is valid CSS as it stands in the package.
    """
    symbols = "\n".join(
        f'.cm-ev-{group} {{ background-image: url("{symbol_uri(group)}"); }}'
        for group in EVENT_SYMBOLS
    )
    text = _css_template().replace("#cm-map", f"#{map_id}")
    text = text.replace("/* cm-event-symbols */", symbols)
    return _CSS_VALUE.sub(lambda m: _CSS_VALUES[m.group(1)], text)
