"""QGIS styles stored in the GeoPackage: a default style per layer, drawn from the web map's palette.

QGIS looks for a table ``layer_styles`` in a GeoPackage when it opens a layer and applies the row
whose ``f_table_name`` and ``f_geometry_column`` match and whose ``useAsDefault`` is true (QGIS 3.22,
``QgsOgrProviderUtils::loadStyle``; ``f_table_catalog`` and ``f_table_schema`` are empty strings).
The styles are QML documents kept as templates in ``qml/`` beside this module; here they are filled
with the colours of :data:`corridor.webmap.style.PALETTE` and the groups the map uses, so QGIS, the
web map and Google Earth show the same corridor. ``tests/test_qgis.py`` opens the file in QGIS
itself and renders it.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template
from xml.sax.saxutils import quoteattr

import pandas as pd

from corridor.events.catalogue import PATROL_KINDS
from corridor.geo.border import CLAIM_TOLERANCE_KM, CLAIMED_KM
from corridor.webmap.events import _LANES as LANES_PX
from corridor.webmap.events import PATROL_DONE
from corridor.webmap.style import EVENT_SYMBOLS, PALETTE, ROAD_DASH

#: The QML template each GeoPackage layer is styled with.
#: Settlement names are labelled from this scale (1:N) in.
SETTLEMENT_LABELS_FROM = 150_000

TEMPLATES: dict[str, str] = {
    "corridor": "corridor.qml",
    "m4": "m4.qml",
    "border": "border.qml",
    "border_full": "border.qml",
    "border_profile": "border_profile.qml",
    "events": "events.qml",
    "events_far": "events.qml",
    "patrols": "patrols.qml",
    "places": "places.qml",
    "places_far": "places.qml",
    "settlements": "places.qml",
}
#: The renderer each template sets (``tests/test_qgis.py`` checks QGIS took it).
RENDERERS: dict[str, str] = {
    "corridor.qml": "categorizedSymbol",
    "m4.qml": "categorizedSymbol",
    "border.qml": "singleSymbol",
    "border_profile.qml": "graduatedSymbol",
    "events.qml": "RuleRenderer",
    "patrols.qml": "RuleRenderer",
    "places.qml": "RuleRenderer",
}
#: QGIS's shape names for the map's event symbols (``style._SHAPES``): the "stop" symbol is a
#: circle with a white bar added in the template; the imported "dot" is a smaller circle.
_QGIS_SHAPE = {
    "circle": "circle",
    "stop": "circle",
    "triangle": "triangle",
    "square": "square",
    "diamond": "diamond",
    "dot": "circle",
}
#: Marker sizes in pixels: the map's 16 px symbols, the dot smaller.
_MARKER_PX = {"dot": 8, "default": 13}
#: Label font: DejaVu Sans ships with QGIS on Debian and has Arabic; other systems substitute.
FONT = "DejaVu Sans"
#: The date written in ``update_time``: the build is reproducible, so no clock is read.
STYLE_DATE = pd.Timestamp("2020-03-05T00:00:00Z")
#: Column names and order of QGIS's ``layer_styles`` table.
STYLE_COLUMNS = (
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
)


def qgis_colour(hex_colour: str, alpha: int = 255) -> str:
    """``#rrggbb`` as QGIS writes a colour: ``r,g,b,a``."""
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{alpha}"


@cache
def _template(name: str) -> Template:
    return Template(files("corridor.export").joinpath("qml", name).read_text(encoding="utf-8"))


def _attr(text: str) -> str:
    """Text for a double-quoted XML attribute (without the quotes)."""
    return quoteattr(text, {'"': "&quot;"})[1:-1]


def _in(column: str, values: frozenset[str]) -> str:
    items = ",".join(f"'{v}'" for v in sorted(values))
    return f"coalesce(\"{column}\", '') IN ({items})"


def _event_filters() -> dict[str, str]:
    """QGIS expressions that sort events into the map's groups (``webmap.events.event_group``)."""
    catalogue = "\"origin\" = 'catalogue'"
    patrol = f"{catalogue} AND {_in('kind', PATROL_KINDS)}"
    filters = {
        "is_imported": "coalesce(\"origin\", '') <> 'catalogue'",
        "is_patrol_done": f"{patrol} AND {_in('outcome', PATROL_DONE)}",
        "is_patrol_cut": f"{patrol} AND NOT {_in('outcome', PATROL_DONE)}",
        "is_attack": f"{catalogue} AND \"kind\" = 'attack'",
        "is_protest": f"{catalogue} AND \"kind\" = 'protest'",
    }
    return {k: _attr(v) for k, v in filters.items()}


def _markers() -> dict[str, str]:
    out = {}
    for group, (shape, colour) in EVENT_SYMBOLS.items():
        out[f"marker_{group}"] = _template("_marker.qml").substitute(
            colour=qgis_colour(PALETTE[colour]),
            shape=_QGIS_SHAPE[shape],
            size=_MARKER_PX.get(shape, _MARKER_PX["default"]),
        )
    return out


def _road_symbols() -> str:
    order = ("high", "user", "medium", "low")  # the categories' symbols 0..3 in m4.qml
    return "".join(
        _template("_road_symbol.qml").substitute(
            name=i,
            dash=(ROAD_DASH.get(key) or "").replace(" ", ";"),
            use_dash="1" if ROAD_DASH.get(key) else "0",
            road=qgis_colour(PALETTE["road"]),
        )
        for i, key in enumerate(order)
    )


def layer_qml(layer: str) -> str:
    """The QML document that styles the GeoPackage layer ``layer``."""
    template = TEMPLATES[layer]
    values: dict[str, object] = {k: qgis_colour(v) for k, v in PALETTE.items()}
    lo, hi = CLAIMED_KM - CLAIM_TOLERANCE_KM, CLAIMED_KM + CLAIM_TOLERANCE_KM
    values.update(lo=f"{lo:g}", hi=f"{hi:g}")
    values.update(_event_filters())
    values.update(_markers())
    values.update(
        road_symbols=_road_symbols(),
        is_done=_attr(_in("outcome", PATROL_DONE)),
        # The web map's patrol lanes in pixels north of the road: negative, as QGIS offsets to the
        # right of a line's direction and the stretches run in chainage order (checked in a render).
        lane_done=f"{-LANES_PX['patrol_done']:g}",
        lane_cut=f"{-LANES_PX['patrol_cut']:g}",
        is_derived=_attr('"derived"' if layer != "settlements" else "FALSE"),
        plain_label="Settlement" if layer == "settlements" else "Gazetteer position",
        label_field="name",
        font=FONT,
        font_size="7" if layer == "settlements" else "9",
        size="3" if layer == "settlements" else "9",
        # Two thousand village names cover the whole corridor at its own extent: they appear from
        # 1:150,000 in (about 12 km across a screen), as the web map shows them from zoom 11.
        label_scale_visibility="1" if layer == "settlements" else "0",
        label_scale_min=f"{SETTLEMENT_LABELS_FROM:g}" if layer == "settlements" else "0",
    )
    return _template(template).substitute(values)


def styles_table(
    layers: dict[str, str], descriptions: dict[str, str] | None = None
) -> pd.DataFrame:
    """The rows of ``layer_styles``: one default style per layer that has a template.

    Parameters
    ----------
    layers
        Layer name to its geometry column, for the layers written into the GeoPackage.
    descriptions
        Layer name to the text QGIS shows beside the style (optional).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`STYLE_COLUMNS`, one row per styled layer, in the order given.
    """
    descriptions = descriptions or {}
    rows = [
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": name,
            "f_geometry_column": geometry_column,
            "styleName": name,
            "styleQML": layer_qml(name),
            "styleSLD": "",
            "useAsDefault": True,
            "description": descriptions.get(name, ""),
            "owner": "corridor",
            "ui": "",
            "update_time": STYLE_DATE,
        }
        for name, geometry_column in layers.items()
        if name in TEMPLATES
    ]
    frame = pd.DataFrame(rows, columns=list(STYLE_COLUMNS))
    frame["useAsDefault"] = frame["useAsDefault"].astype(bool)
    return frame
