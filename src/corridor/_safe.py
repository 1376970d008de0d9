"""Make untrusted text (a user's CSV, an ACLED export) harmless in a folium 0.20 map.

Folium writes most text into the map's single ``<script>``, and several slots end up as HTML
without any escaping. Where each kind of text lands, and what :func:`inert` does about it
(checked in Chromium by ``tests/test_offline.py``):

==============================================  ==============================================
folium slot                                      where the text ends up
==============================================  ==============================================
``Popup(text)``, ``Marker(popup=text)``          inside a JS template literal passed to jQuery,
                                                 which parses it as HTML
``Tooltip(text)``, ``Marker(tooltip=text)``      inside a JS template literal, then HTML
``GeoJsonPopup`` / ``GeoJsonTooltip`` values     JSON data, then ``innerHTML`` of a table cell
and ``aliases``
``FeatureGroup(name=...)``, any layer ``name``   JSON, then ``innerHTML`` of the LayerControl
``TimestampedGeoJson`` ``popup`` / ``tooltip``   JSON data, then Leaflet's popup ``innerHTML``
properties
``MarkerCluster``                                no text of its own besides the layer ``name``
==============================================  ==============================================

``inert`` is enough for every one of these slots: its output contains no character that means
anything to HTML (``& < > " '``), to a JS template literal or string (backtick, ``$``,
backslash) or to a line-based parser (line breaks, U+2028/U+2029), and the browser shows the
original text. Pass it to ``Popup`` with the default ``parse_html=False`` (``parse_html=True``
would escape it a second time). Never pass already-inert text through ``inert`` again, and do
not use it for ``Popup(..., parse_html=True)`` or ``folium.Html(..., script=False)``.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

__all__ = ["inert", "link", "safe_url"]

# Characters that become character references. Besides the five HTML specials, these are the
# ones a JavaScript template literal or string gives a meaning to (escape, interpolation, end)
# and the line breaks that end a JS string or that some tools split lines on.
_REFERENCES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "\\": "&#92;",
    "`": "&#96;",
    "$": "&#36;",
    "\n": "&#10;",
    "\r": "&#13;",
    "\u2028": "&#8232;",
    "\u2029": "&#8233;",
}
# NUL, the other C0 and C1 controls, DEL and lone surrogates have no faithful HTML form (a
# reference to NUL or to 0x80-0x9F is remapped by the HTML parser), so they become U+FFFD.
_UNREPRESENTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SPECIAL = re.compile("[&<>\"'\\\\`$\n\r\u2028\u2029]")

_ALLOWED_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# Any control character, or a character a browser strips or treats as a separator inside a URL.
_URL_FORBIDDEN = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]")


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
        Text with ``& < > " ' \\ ` $``, line breaks and U+2028/U+2029 replaced by character
        references, and other control characters and lone surrogates replaced by U+FFFD.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    value = _UNREPRESENTABLE.sub("\ufffd", str(text))
    return _SPECIAL.sub(lambda match: _REFERENCES[match.group(0)], value)


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
    candidate = url.strip(" \t\n\r\f\v")  # ASCII whitespace only, as browsers do
    if not _ALLOWED_SCHEME.match(candidate) or _URL_FORBIDDEN.search(candidate):
        return None
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
