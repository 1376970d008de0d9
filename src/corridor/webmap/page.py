"""The corridor map: a folium map for notebooks, and one self-contained, deterministic HTML page.

>>> layers = corridor.load()
>>> html = map_html(layers)          # what ``corridor build`` writes to outputs/map.html
>>> m = build_map(layers)            # the same map as a folium.Map, for Jupyter

How it is put together, and why:

- Folium supplies the page, the Leaflet map, the basemaps, the layer menu and the plugins
  (measure, full screen, minimap, scale). Every thematic layer is drawn by the map's own script
  (``webmap/runtime.js``) from one JSON block in the page; folium only names the
  layers, so the layer menu lists them and switches them.
- Folium renders each element's output a second time as a Jinja template, so text it carries can
  run Python while the map is built. The JSON block, the legend and the script therefore go into
  the page as raw elements that no template engine reads. The JSON escapes ``< > & /``, U+2028
  and U+2029 everywhere and ``{ }`` inside strings, so no ``</script>``, no Jinja delimiter and no
  remote ``//`` address can appear in it. The script builds popups with ``textContent``.
- Imported events (an ACLED export can hold hundreds of thousands of rows) go in as compact
  columns with shared string tables and are clustered in the browser. At most
  :data:`MAX_IMPORTED_DRAWN` of them are drawn (the most recent in the study area); their texts are
  shortened to :data:`IMPORTED_TEXT_CHARS` characters. The legend says when either happens; the
  full rows are in ``events.geojson``.
- Element ids are numbered in tree order instead of folium's random ones, so the same inputs give
  a byte-identical page.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from corridor._errors import InputError
from corridor.webmap import legend, plugins, style
from corridor.webmap.data import IMPORTED_TEXT_CHARS, MAX_IMPORTED_DRAWN, map_data
from corridor.webmap.offline import make_self_contained

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["IMPORTED_TEXT_CHARS", "MAX_IMPORTED_DRAWN", "build_map", "map_html", "script_json"]

_BASEMAPS = (
    (
        "OpenStreetMap (needs the network)",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        19,
    ),
    (
        "Topographic, OpenTopoMap (needs the network)",
        "https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png",
        (
            'Map data: &copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
            'contributors, SRTM | Map style: &copy; <a href="https://opentopomap.org">'
            "OpenTopoMap</a> (CC-BY-SA)"
        ),
        17,
    ),
    (
        "Satellite, Esri World Imagery (needs the network)",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        (
            "Tiles &copy; Esri &mdash; Source: Esri, i-cubed, USDA, USGS, AEX, GeoEye, "
            "Getmapping, Aerogrid, IGN, IGP, UPR-EGP, and the GIS User Community"
        ),
        19,
    ),
)
_PLAIN_NAME = "Plain background (in the file, offline)"

# --- JSON that is safe inside a <script> element and inert to Jinja -------------------------------

_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "/": "\\/",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_BRACES = re.compile("[{}]")


def _brace(match: re.Match[str]) -> str:
    return "\\u007b" if match.group() == "{" else "\\u007d"


#: A stretch of JSON text up to the next string literal that holds a brace (group 1: structure and
#: brace-free literals, each literal an unrolled loop, possessive so that nothing is retried), then
#: that literal (group 2, absent at the end). JSON never escapes a brace, so a literal with none
#: matches the brace-free form whole. One match per literal with a brace, not one per literal:
#: 0.06 s -> 0.02 s for the 3 MB data block of a map with 20,000 imported events (measured here).
_UP_TO_BRACED = re.compile(
    r'((?:[^"]++|"[^"\\{}]*+(?:\\.[^"\\{}]*+)*+")*+)("[^"\\]*(?:\\.[^"\\]*)*")?'
)


def _escape_braces(match: re.Match[str]) -> str:
    literal = match.group(2)
    if literal is None:
        return match.group(1)
    return match.group(1) + _BRACES.sub(_brace, literal)


def _dump(value: Any) -> str:
    # One C-encoded dump of the whole value, then braces escaped inside string literals only: the
    # structural braces of objects must stay.
    text = json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
    )
    return _UP_TO_BRACED.sub(_escape_braces, text)


def script_json(value: Any) -> str:
    """Serialise ``value`` as JSON that can sit inside any ``<script>`` element of the page.

    Keys are sorted and separators compact, so the text is deterministic. ``< > & /``, U+2028 and
    U+2029 become ``\\u`` escapes (or ``\\/``) wherever they are, since they only ever occur
    inside strings; ``{`` and ``}`` are escaped inside strings, so the text holds no Jinja
    delimiter. ``JSON.parse`` gives back the original values.

    Parameters
    ----------
    value
        Dicts, lists and tuples of strings, ints, finite floats, booleans and ``None``.

    Returns
    -------
    str
        The JSON text.
    """
    text = _dump(value)
    # One str.replace per character (no replacement holds any of the six): the same text as one
    # regular-expression pass with a function per match, in a third of the time.
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return text


# --- Folium elements ------------------------------------------------------------------------------


class _Raw(Element):
    """Text that goes into the page exactly as given: never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _Map(folium.Map):
    """A folium map that links Leaflet only (no jQuery, Bootstrap or awesome-markers: unused)."""

    default_js: ClassVar[list[tuple[str, str]]] = [
        (n, u) for n, u in folium.Map.default_js if n == "leaflet"
    ]
    default_css: ClassVar[list[tuple[str, str]]] = [
        (n, u) for n, u in folium.Map.default_css if n == "leaflet_css"
    ]


class _Runtime(JSCSSMixin, MacroElement):
    """The map's script, stylesheet, data block and legend; defines the global ``corridorMap``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var corridorMap = corridorMapRuntime(
                {{ this._parent.get_name() }},
                JSON.parse(document.getElementById({{ this.data_id|tojson }}).textContent)
            );
        {% endmacro %}
        """
    )
    default_js: ClassVar[list[tuple[str, str]]] = list(plugins.MarkerCluster.default_js)
    default_css: ClassVar[list[tuple[str, str]]] = list(plugins.MarkerCluster.default_css)

    def __init__(self, data: dict[str, Any], legend_facts: dict[str, Any]) -> None:
        super().__init__()
        self._name = "CorridorRuntime"
        self.data = data
        self.legend_facts = legend_facts

    @property
    def data_id(self) -> str:
        return f"cm-data-{self._parent.get_name()}"

    def render(self, **kwargs: Any) -> None:
        super().render(**kwargs)
        figure = self.get_root()
        map_id = self._parent.get_name()
        legend_id = f"cm-legend-{map_id}"
        data = {**self.data, "ids": {"legend": legend_id}}
        name = self.get_name()
        figure.header.add_child(_Raw(f"<style>\n{style.css(map_id)}</style>"), name=name + "_css")
        figure.header.add_child(_Raw(f"<script>\n{style.runtime_js()}</script>"), name=name + "_js")
        body = (
            legend.hatch_defs()
            + legend.legend_html(legend_id, self.legend_facts)
            + f'<script type="application/json" id="{self.data_id}">{script_json(data)}</script>'
        )
        figure.html.add_child(_Raw(body), name=name + "_body")


class _JsLayer(Layer):
    """A layer drawn by the map's script; folium only names it for the layer menu."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = corridorMap.layer({{ this.key|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, key: str, *, name: str, overlay: bool = True, show: bool = True) -> None:
        super().__init__(name=name, overlay=overlay, control=True, show=show)
        self._name = "CorridorLayer"
        self.key = key


class _MiniMap(plugins.MiniMap):
    """folium's MiniMap drawn from the file alone (outlines, corridor, road: no tiles), folded on
    a narrow screen."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = new L.Control.MiniMap(
                corridorMap.minimapLayer(),
                corridorMap.minimapOptions({{ this.options|tojavascript }})
            );
            {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
        {% endmacro %}
        """
    )


class _Finish(MacroElement):
    """Adds the legend, the time control and the far-events panel once the layers exist."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            corridorMap.finish();
        {% endmacro %}
        """
    )


def _number_ids(root: Element) -> None:
    """Replace folium's random element ids by their position in the tree (deterministic output)."""
    counter = itertools.count(1)

    def walk(element: Element) -> None:
        element._id = str(next(counter))
        for child in element._children.values():
            walk(child)

    walk(root)


# --- Public API -----------------------------------------------------------------------------------


def build_map(
    layers: Any,
    *,
    claims: Sequence[Mapping[str, Any]] | None = None,
    max_imported: int = MAX_IMPORTED_DRAWN,
    imported: tuple[pd.DataFrame, int, int] | None = None,
) -> folium.Map:
    """Build the corridor map as a ``folium.Map`` (for a notebook; :func:`map_html` for a file).

    Parameters
    ----------
    layers
        The namespace :func:`corridor.load` returns (``places``, ``route``, ``corridor``,
        ``border``, ``events``, ``patrols``, ``model``, ...).
    claims
        Optional checked claims (dicts with ``claim_id``, ``outlet``, ``claim``, ``verdict``,
        ``evidence`` and ``where``); those with a ``where`` are drawn where they apply. ``where``
        may give ``geometry`` (GeoJSON, lon/lat), ``lon`` and ``lat``, ``place`` or ``places``
        (gazetteer ids), ``km`` or ``km_from`` and ``km_to`` (chainage along the M4), or a list
        ``stretches`` of ``{km_from, km_to}``.
    max_imported
        Most imported events drawn; the most recent ones in the study area are kept.
    imported
        The imported rows to draw, as :func:`corridor.webmap.events.imported_rows` gives them for
        these layers and ``max_imported`` (a build selects them once for the map and the KMZ);
        selected here when not given.

    Returns
    -------
    folium.Map
        The map, with element ids numbered so that rendering it twice gives the same page.

    Raises
    ------
    InputError
        When ``max_imported`` is negative or a claim's ``where`` names an unknown place.
    """
    if max_imported < 0:
        raise InputError(f"max_imported must be 0 or more, not {max_imported}")
    return map_from_data(
        *map_data(layers, claims=claims, max_imported=max_imported, imported=imported)
    )


def map_from_data(
    data: dict[str, Any], facts: dict[str, Any], layer_list: Sequence[tuple[str, str, bool]]
) -> folium.Map:
    """The folium map for what :func:`corridor.webmap.data.map_data` computed.

    Split from :func:`build_map` so that a build can compute the data while another process loads
    folium, and hand it over (it is plain data, small enough to send).
    """
    south, west = data["bounds"][0]
    north, east = data["bounds"][1]
    m = _Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=10,
        tiles=None,
        control_scale=True,
        # MarkerCluster needs a maximum zoom on the map itself when there is no tile layer.
        maxZoom=19,
        zoomSnap=0.25,
        zoomDelta=0.5,
    )
    m.get_root().title = "The M4 security corridor, Idlib"
    _Runtime(data, facts).add_to(m)
    _JsLayer("plain", name=_PLAIN_NAME, overlay=False).add_to(m)
    for name, url, attribution, max_zoom in _BASEMAPS:
        folium.TileLayer(
            tiles=url, attr=attribution, name=name, overlay=False, show=False, max_zoom=max_zoom
        ).add_to(m)
    for key, name, show in layer_list:
        _JsLayer(key, name=name, show=show).add_to(m)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    plugins.Fullscreen(
        position="topleft", title="Full screen", title_cancel="Leave full screen"
    ).add_to(m)
    plugins.MeasureControl(
        position="topleft",
        primary_length_unit="kilometers",
        secondary_length_unit="miles",
        primary_area_unit="sqkilometers",
        secondary_area_unit="hectares",
    ).add_to(m)
    _MiniMap(
        position="bottomright", width=170, height=140, zoom_level_offset=-5, toggle_display=True
    ).add_to(m)
    _Finish().add_to(m)
    _number_ids(m.get_root())
    return m


def map_html(
    layers: Any,
    *,
    claims: Sequence[Mapping[str, Any]] | None = None,
    max_imported: int = MAX_IMPORTED_DRAWN,
    imported: tuple[pd.DataFrame, int, int] | None = None,
) -> str:
    """Return the corridor map as one HTML page that needs no network (``outputs/map.html``).

    Parameters
    ----------
    layers, claims, max_imported, imported
        As for :func:`build_map`.

    Returns
    -------
    str
        The page: Leaflet and the plugins inlined from the vendored copies (with their
        licences), the data in a JSON block. The same inputs give the same text.

    Raises
    ------
    corridor.webmap.offline.OfflineAssetError
        If the page would still load a script, stylesheet, font or image from the network.
    """
    return page_html(build_map(layers, claims=claims, max_imported=max_imported, imported=imported))


def page_html(m: folium.Map) -> str:
    """The map as one self-contained HTML page (see :func:`map_html`)."""
    page = make_self_contained(m.get_root().render())
    # The page is in English (popups and names in other scripts say their own language).
    return page.replace("<html>", '<html lang="en">', 1)
