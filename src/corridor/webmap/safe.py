"""Make untrusted text (a user's CSV, an ACLED export) harmless in a folium 0.20 map.

Two things make raw text dangerous in folium 0.20:

1. Most text is written into the map's single ``<script>`` and several slots become HTML
   without any escaping, so markup, ``</script>``, ``${...}``, backticks and backslashes run
   or break the page in the browser.
2. Folium renders each element's output *a second time as a Jinja template* (every
   ``MacroElement`` wraps its rendered script in ``branca.element.Element``, which compiles it).
   Any ``{{ ... }}``, ``{% ... %}`` or ``{# ...`` in any string that reaches the page (popup,
   tooltip, layer name, and every GeoJSON property, shown or not) is executed in Python when
   the map is built: ``{{ 7*7 }}`` becomes ``49``, and the usual Jinja payloads reach ``os``.

Where each kind of text ends up (checked in Chromium by ``tests/test_offline.py``):

- ``Popup(text)``, ``Marker(popup=text)``: a JS template literal handed to jQuery, which
  parses it as HTML.
- ``Tooltip(text)``, ``Marker(tooltip=text)``: a JS template literal, then HTML.
- ``GeoJsonPopup`` / ``GeoJsonTooltip``: property values are JSON data, then ``innerHTML`` of
  a table cell; ``aliases`` are JSON, then ``innerHTML`` of the header cell.
- ``FeatureGroup(name=...)`` and any layer ``name``: JSON, then ``innerHTML`` of the
  LayerControl entry.
- ``TimestampedGeoJson`` ``popup`` / ``tooltip`` properties: JSON data, then Leaflet's popup or
  tooltip ``innerHTML``.
- ``MarkerCluster``: no text of its own besides the layer ``name``; its markers' popups and
  tooltips are the slots above.

:func:`inert` is enough for every one of these slots: its output contains no character that
means anything to HTML (``& < > " '``), to a JS template literal or string (backtick, ``$``,
backslash), to Jinja (``{ }``) or to a line-based parser (line breaks, U+2028/U+2029), and the
browser shows the original text. :func:`inert_data` applies it to every string of a GeoJSON
``properties`` mapping or a whole FeatureCollection. Pass inert text to ``Popup`` with the
default ``parse_html=False`` (``parse_html=True`` would escape it a second time), and never run
already-inert text through ``inert`` again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

__all__ = ["inert", "inert_data", "link", "safe_url"]

# Characters that become character references. Besides the five HTML specials, these are the
# ones a JavaScript template literal or string gives a meaning to (escape, interpolation, end),
# the braces of Jinja's delimiters, and the line breaks that end a JS string or that some
# tools split lines on.
_REFERENCES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "\\": "&#92;",
    "`": "&#96;",
    "$": "&#36;",
    "{": "&#123;",
    "}": "&#125;",
    "\n": "&#10;",
    "\r": "&#13;",
    "\u2028": "&#8232;",
    "\u2029": "&#8233;",
}
# NUL, the other C0 and C1 controls, DEL and lone surrogates have no faithful HTML form (a
# reference to NUL or to 0x80-0x9F is remapped by the HTML parser), so they become U+FFFD.
_UNREPRESENTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SPECIAL = re.compile("[&<>\"'\\\\`${}\n\r\u2028\u2029]")

_ALLOWED_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# Any control character, or a character a browser strips or treats as a separator inside a URL.
_URL_FORBIDDEN = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]")
#: http(s)://, a host name of ASCII letters, digits and hyphens in dot-separated labels, then the
#: end or a path, query or fragment: a URL whose host :func:`urllib.parse.urlsplit` finds as is.
_PLAIN_HOST = re.compile(r"^https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:[/?#]|$)", re.IGNORECASE)


def inert(text: object) -> str:
    """Return ``text`` as HTML that shows the same characters and runs nothing.

    The result is safe inside HTML text and quoted attributes, and inside a JavaScript template
    literal or string that is later parsed as HTML, which is how folium 0.20 uses popup and
    tooltip text.

    Parameters
    ----------
    text
        Any value; ``None`` and NaN (a missing value in pandas) give ``""``, anything else is
        converted with ``str``.

    Returns
    -------
    str
        Text with ``& < > " ' \\ ` $ { }``, line breaks and U+2028/U+2029 replaced by
        character references, and other control characters and lone surrogates replaced by
        U+FFFD.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    value = str(text)
    if _UNREPRESENTABLE.search(value) is not None:
        value = _UNREPRESENTABLE.sub("\ufffd", value)
    if _SPECIAL.search(value) is None:
        return value
    # One str.replace per character present, "&" first (no reference holds another special
    # character): the same text as a regular-expression pass with a function per match, in about
    # a third less time (the 20,000 distinct texts of 20,000 imported events: 0.017 s -> 0.012 s;
    # every cell of a 10,000-row ACLED file: 0.50 s -> 0.14 s, measured here).
    for char, reference in _REFERENCES.items():
        if char in value:
            value = value.replace(char, reference)
    return value


def inert_data(value: Any) -> Any:
    """Return a copy of JSON-like data with every string (keys included) made :func:`inert`.

    Meant for GeoJSON ``properties`` (or a whole Feature or FeatureCollection) built from
    untrusted rows: folium puts every property into the page, and the Jinja second pass runs
    any template syntax in them even when no popup shows the property.

    Parameters
    ----------
    value
        Nested dicts, lists and tuples of strings, numbers, booleans and ``None``.

    Returns
    -------
    Any
        The same structure (tuples become lists) with strings replaced by ``inert(string)``;
        numbers, booleans and ``None`` are kept as they are.
    """
    if isinstance(value, str):
        return inert(value)
    if isinstance(value, Mapping):
        return {inert(key): inert_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [inert_data(item) for item in value]
    return value


def safe_url(url: object) -> str | None:
    """Return an ``http``/``https`` URL ready for a quoted ``href``, or ``None``.

    Parameters
    ----------
    url
        Candidate URL. Surrounding ASCII whitespace is ignored; the scheme is compared without
        regard to case.

    Returns
    -------
    str or None
        The URL escaped like :func:`inert` (the browser reads back the same URL), or ``None`` for
        anything else: other schemes (``javascript:``, ``data:``, ``vbscript:``, ...),
        protocol-relative ``//host`` addresses, URLs without a host, and URLs containing
        whitespace or control characters.
    """
    if not isinstance(url, str):
        return None
    return _safe_url(url)


@lru_cache(maxsize=4096)
def _safe_url(url: str) -> str | None:
    # A build checks the same few source addresses thousands of times (2,495 calls, 0.1 s of CPU
    # uncached): each distinct one is parsed once.
    candidate = url.strip(" \t\n\r\f\v")  # ASCII whitespace only, as browsers do
    if not _ALLOWED_SCHEME.match(candidate) or _URL_FORBIDDEN.search(candidate):
        return None
    if _PLAIN_HOST.match(candidate):
        # A plain host name right after the scheme: urlsplit would find it and raise nothing
        # (it costs 30 µs, and a build checks 2,000 distinct GeoNames addresses).
        return inert(candidate)
    try:
        host = urlsplit(candidate).hostname
    except ValueError:  # e.g. a malformed IPv6 literal
        return None
    if not host:
        return None
    return inert(candidate)


def link(url: object, label: object = None) -> str:
    """Return an HTML link that opens ``url`` in a new tab, or the inert label alone.

    Parameters
    ----------
    url
        Link target; only ``http`` and ``https`` URLs (see :func:`safe_url`) make a link.
    label
        Visible text; when empty or ``None`` the URL itself is shown.

    Returns
    -------
    str
        ``<a href="..." target="_blank" rel="noopener noreferrer">label</a>``, or
        ``inert(label)`` when the URL is refused (``inert(url)`` when there is no label either,
        so the reader still sees what the source said).
    """
    href = safe_url(url)
    text = inert(label)
    if href is None:
        return text or inert(url)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{text or href}</a>'
