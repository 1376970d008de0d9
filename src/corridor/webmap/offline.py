"""Turn a folium 0.20 map page into one HTML file that needs no network.

Folium links Leaflet, jQuery and every plugin from CDNs, so with no network its page is blank.
:func:`make_self_contained` swaps each of those links for the same file copied from the npm
registry (``corridor/webmap/assets/vendor/``, described by ``manifest.json``), drops the ones a map
never uses, turns the images and fonts the stylesheets need into ``data:`` URIs, and then
refuses (:class:`OfflineAssetError`) to return a page that would still load a script, a
stylesheet, a font or an image from elsewhere. Tile URL templates inside the map's JavaScript
are left alone: offline, the basemap is grey and everything else is drawn.

Usage::

    html = make_self_contained(folium_map.get_root().render())
    Path("map.html").write_text(html, encoding="utf-8", newline="\\n")

This module only deals with where code comes from. Text from users' files must be made safe
*before* folium renders it (``corridor.webmap.safe.inert``): folium executes template syntax in it
while rendering, which no later step can undo.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import resources
from typing import Any

from corridor._errors import CorridorError

__all__ = [
    "OfflineAssetError",
    "asset_licences",
    "asset_manifest",
    "external_references",
    "make_self_contained",
]


class OfflineAssetError(CorridorError):
    """A map page would still load something from outside the file.

    ``urls`` lists each remaining address, in document order.
    """

    def __init__(
        self,
        urls: Iterable[str],
        *,
        hints: dict[str, str] | None = None,
        message: str | None = None,
    ) -> None:
        self.urls = tuple(dict.fromkeys(urls))
        if message is None:
            hints = hints or {}
            lines = [f"  {u}" + (f" ({hints[u]})" if u in hints else "") for u in self.urls]
            message = (
                "the map page would still load these from outside the file, which fails "
                "offline:\n" + "\n".join(lines)
            )
        super().__init__(message)


_ASSETS = resources.files("corridor").joinpath("webmap/assets")

_FONT_AWESOME_CSS = (
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css"
)
_ROTATE_CSS = (
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css"
)
_AWESOME_JS = (
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.js"
)
_AWESOME_CSS = (
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.css"
)
_GLYPHICONS_CSS = "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css"

# Linked by folium by default or by a plugin, but used by no map code: dropped.
_NOT_NEEDED = {
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": "Bootstrap 5",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": "Bootstrap 5",
    "https://cdnjs.cloudflare.com/ajax/libs/highlight.js/8.4/styles/default.min.css": (
        "highlight.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/jqueryui/1.10.2/jquery-ui.min.js": "jQuery UI",
}
# Folium links these on every page; they are kept only when the page's own code uses them
# (a folium.Icon gives ``L.AwesomeMarkers``; its default ``prefix`` is ``glyphicon``).
_ONLY_WHEN_USED = {
    _AWESOME_JS: re.compile(r"L\.AwesomeMarkers"),
    _AWESOME_CSS: re.compile(r"L\.AwesomeMarkers"),
    _GLYPHICONS_CSS: re.compile(r"glyphicon", re.IGNORECASE),
    _FONT_AWESOME_CSS: re.compile(r"""["']prefix["']\s*:\s*["']fa["']"""),
}
_HINTS = {
    _FONT_AWESOME_CSS: (
        "Font Awesome is not vendored (about 1.2 MB of fonts): give folium.Icon "
        "prefix='glyphicon', or use a DivIcon or a CircleMarker"
    ),
}
# leaflet-timedimension's stylesheet offers the glyph font in five formats; every current
# browser takes the woff (vendored), so the others become empty instead of 200 KB of data.
_NETDNA_FONTS = "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/glyphicons-halflings-regular"
_UNUSED_FONT_FORMATS = frozenset(
    f"{_NETDNA_FONTS}{suffix}"
    for suffix in (".eot", ".eot?#iefix", ".ttf", ".svg#glyphicons-halflingsregular")
)
_EMPTY_DATA_URI = "data:,"

_LEAFLET = "leaflet"
_LEAFLET_JS = "leaflet.js"
_LEAFLET_ICONS = {
    "iconUrl": "images/marker-icon.png",
    "iconRetinaUrl": "images/marker-icon-2x.png",
    "shadowUrl": "images/marker-shadow.png",
}
_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
}

_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.IGNORECASE)
_NOT_EXTERNAL = re.compile(r"^(?:data:|blob:|about:|javascript:|#|$)", re.IGNORECASE)
# Markup that loads a remote resource, anywhere in the text (including inside the map script,
# where popup HTML waits to be parsed): raw "<" or folium's JSON escape "\u003c".
_REMOTE_MARKUP = re.compile(
    r"(?:<|\\u003c)(?:script|link|img|iframe|frame|embed|source|video|audio|object|input)\b"
    r"[^>]*?\b(?:src|href|data|poster)\s*=\s*(?:\\?[\"'])?\s*((?:https?:)?//[^\s\"'\\>]+)",
    re.IGNORECASE,
)
# Attributes through which an element loads something, per element (None: any element).
_LOADING_ATTRIBUTES = {
    "src": None,
    "srcset": None,
    "poster": None,
    "background": None,
    "data": {"object"},
    "href": {"link", "image", "use", "feimage"},
    "xlink:href": None,
}


@dataclass(frozen=True)
class _AssetTag:
    """A ``<script src>`` or ``<link rel=stylesheet>`` element of the page."""

    start: int
    end: int
    kind: str  # "script" or "stylesheet"
    url: str


class _Scanner(HTMLParser):
    """Finds asset links and every reference to a resource outside the page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._html = html
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", html))]
        self.assets: list[_AssetTag] = []
        self.external: list[str] = []
        self._script: tuple[int, str] | None = None
        self._in_style = False
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, self_closing: bool) -> None:
        values = {name: value or "" for name, value in attrs}
        start = self._offset()
        raw = self.get_starttag_text() or ""
        for name, value in values.items():
            allowed = _LOADING_ATTRIBUTES.get(name, set())
            if name in _LOADING_ATTRIBUTES and (allowed is None or tag in allowed):
                for url in _split_srcset(value) if name == "srcset" else [value.strip()]:
                    if not _NOT_EXTERNAL.match(url):
                        self.external.append(url)
            if name == "style":
                self.external.extend(_css_external(value))
        rel = values.get("rel", "").lower().split()
        if tag == "script" and "src" in values and not self_closing:
            self._script = (start, values["src"].strip())
        elif tag == "link" and "stylesheet" in rel and "href" in values:
            self.assets.append(
                _AssetTag(start, start + len(raw), "stylesheet", values["href"].strip())
            )
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            start, url = self._script
            closing = re.compile(r"</script\s*>", re.IGNORECASE).match(self._html, self._offset())
            end = closing.end() if closing else self._offset()
            self.assets.append(_AssetTag(start, end, "script", url))
            self._script = None
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.external.extend(_css_external(data))


def _split_srcset(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def _css_external(css: str) -> list[str]:
    found = [m.group(2).strip() for m in _CSS_URL.finditer(css)]
    found += [m.group(2).strip() for m in _CSS_IMPORT.finditer(css)]
    return [url for url in found if not _NOT_EXTERNAL.match(url)]


def external_references(html: str) -> list[str]:
    """List what an HTML page would load from outside itself.

    Parameters
    ----------
    html
        A complete page.

    Returns
    -------
    list of str
        In document order and without repeats: the addresses of scripts, stylesheets (and any
        other ``<link>``), images, frames and media, CSS ``url(...)`` and ``@import`` targets in
        ``<style>`` elements and ``style`` attributes, and remote ``src``/``href`` in markup that
        the map script holds as text. ``data:`` URIs and ``#fragment`` references do not count;
        URL templates in the JavaScript (tiles) are not markup and are not listed.
    """
    scanner = _Scanner(html)
    found = [tag.url for tag in scanner.assets if not _NOT_EXTERNAL.match(tag.url)]
    found += scanner.external
    found += [m.group(1) for m in _REMOTE_MARKUP.finditer(html)]
    return list(dict.fromkeys(found))


@functools.cache
def _manifest() -> dict[str, Any]:
    return json.loads(_ASSETS.joinpath("manifest.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Vendored:
    package: str
    version: str
    licence: str
    directory: str
    path: str
    sha256: str


@functools.cache
def _by_url() -> dict[str, _Vendored]:
    out = {}
    for pkg in _manifest()["packages"]:
        for entry in pkg["files"]:
            vendored = _Vendored(
                pkg["name"],
                pkg["version"],
                pkg["licence"],
                pkg["directory"],
                entry["path"],
                entry["sha256"],
            )
            for url in entry["replaces"]:
                out[_normalise(url)] = vendored
    return out


def _package_file(package: str, path: str) -> _Vendored:
    for pkg in _manifest()["packages"]:
        if pkg["name"] == package:
            for entry in pkg["files"]:
                if entry["path"] == path:
                    return _Vendored(
                        pkg["name"],
                        pkg["version"],
                        pkg["licence"],
                        pkg["directory"],
                        entry["path"],
                        entry["sha256"],
                    )
    msg = f"the vendored assets have no {package}/{path}; re-run scripts/vendor_assets.py"
    raise OfflineAssetError([], message=msg)


@functools.cache
def _read(directory: str, path: str, sha256: str) -> bytes:
    data = _ASSETS.joinpath(*directory.split("/"), *path.split("/")).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        msg = f"corridor/webmap/assets/{directory}/{path} does not match manifest.json; reinstall"
        raise OfflineAssetError([], message=msg)
    return data


def _normalise(url: str) -> str:
    url = url.strip()
    if url.startswith("//"):
        return "https:" + url
    if url.lower().startswith("http://"):
        return "https://" + url[len("http://") :]
    return url


def _data_uri(item: _Vendored) -> str:
    mime = _MIME[posixpath.splitext(item.path)[1].lower()]
    data = _read(item.directory, item.path, item.sha256)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _inline_css_urls(css: str, item: _Vendored) -> str:
    """Replace every ``url(...)`` of a vendored stylesheet by a data URI where it can."""
    base = posixpath.dirname(item.path)

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if _NOT_EXTERNAL.match(target):
            return match.group(0)
        normalised = _normalise(target)
        if normalised in _UNUSED_FONT_FORMATS:
            return f'url("{_EMPTY_DATA_URI}")'
        if normalised in _by_url():
            return f'url("{_data_uri(_by_url()[normalised])}")'
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", target, re.IGNORECASE):
            return match.group(0)  # left for the final check to report
        relative = posixpath.normpath(posixpath.join(base, re.split(r"[?#]", target)[0]))
        return f'url("{_data_uri(_package_file(item.package, relative))}")'

    return _CSS_URL.sub(replace, css)


def _rotate_css(own: str) -> str:
    """CSS for the ``fa-rotate-<angle>`` classes folium.Icon(angle=...) puts on icons."""
    angles = sorted({int(a) for a in re.findall(r"\bfa-rotate-(-?\d+)\b", own)} - {0})
    return "".join(f".fa-rotate-{a}{{transform:rotate({a}deg)}}" for a in angles)


def _banner(item: _Vendored) -> str:
    return f"/* {item.package}@{item.version} {item.path} ({item.licence}) */"


def _script(body: str) -> str:
    # "</script" inside the code would end the element early; "<\/script" means the same in JS.
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", body, flags=re.IGNORECASE) + "</script>"


def _style(body: str) -> str:
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", body, flags=re.IGNORECASE) + "</style>"


def _icon_default_script() -> str:
    # Leaflet finds its default marker images through the URL of its stylesheet; an inlined
    # stylesheet has none, so the images are handed over directly.
    icons = {
        option: _data_uri(_package_file(_LEAFLET, path)) for option, path in _LEAFLET_ICONS.items()
    }
    # The comment names the inliner as it was named when map.html was first published, so that
    # moving this module does not change the page's bytes.
    return _script(
        "/* corridor.offline: Leaflet's default marker images */\n"
        'L.Icon.Default.imagePath = "";\n'
        f"L.Icon.Default.mergeOptions({json.dumps(icons, sort_keys=True)});\n"
    )


def _licence_comment(packages: list[tuple[str, str]]) -> str:
    by_key = {(p["name"], p["version"]): p for p in _manifest()["packages"]}
    parts = ["<!--\nThird-party code inlined in this page, with its licences:\n"]
    for name, version in packages:
        pkg = by_key[(name, version)]
        entry = next(f for f in pkg["files"] if f["path"] == pkg["licence_file"])
        text = _read(pkg["directory"], entry["path"], entry["sha256"]).decode("utf-8")
        text = text.replace("-->", "- ->").replace("--!>", "- -!>")
        parts.append(f"\n===== {name} {version} ({pkg['licence']}) =====\n{text.strip()}\n")
    parts.append("-->\n")
    return "".join(parts)


def make_self_contained(html: str, *, licences: bool = True) -> str:
    """Return the page with every CDN asset folium linked replaced by its vendored copy.

    Scripts and stylesheets are inlined where their links were, so they still load in order;
    a file linked twice (folium links jQuery from two CDNs) is inlined once. Bootstrap 5,
    highlight.js and jQuery UI are dropped (no map code uses them), and so are the
    awesome-markers, glyphicon and Font Awesome files when the page has no ``folium.Icon``.
    Images and fonts become ``data:`` URIs, and Leaflet's default marker icon is wired up.

    Parameters
    ----------
    html
        A page rendered by folium, e.g. ``folium_map.get_root().render()``.
    licences
        Put the licence texts of the inlined packages in a comment at the first inlined asset.

    Returns
    -------
    str
        The page, loading nothing from the network; the same input always gives the same output.

    Raises
    ------
    OfflineAssetError
        When the result would still load a script, stylesheet, font or image from elsewhere,
        e.g. a plugin whose files are not vendored or a ``folium.Icon(prefix="fa")``; the
        message names every such address.
    """
    scanner = _Scanner(html)
    own = _without(html, scanner.assets)
    pieces: list[str] = []
    inlined: set[tuple[str, str]] = set()
    used_packages: list[tuple[str, str]] = []
    first_inline: int | None = None
    cursor = 0
    for tag in scanner.assets:
        pieces.append(html[cursor : tag.start])
        cursor = tag.end
        replacement = _replacement(tag, own, inlined, used_packages)
        if replacement is None:
            pieces.append(html[tag.start : tag.end])
            continue
        if first_inline is None and replacement.startswith(("<script>", "<style>")):
            first_inline = len(pieces)
        pieces.append(replacement)
    pieces.append(html[cursor:])
    if licences and used_packages and first_inline is not None:
        pieces.insert(first_inline, _licence_comment(used_packages))
    result = "".join(pieces)
    remaining = external_references(result)
    if remaining:
        raise OfflineAssetError(remaining, hints=_HINTS)
    return result


def _without(html: str, tags: list[_AssetTag]) -> str:
    kept, cursor = [], 0
    for tag in tags:
        kept.append(html[cursor : tag.start])
        cursor = tag.end
    kept.append(html[cursor:])
    return "".join(kept)


def _replacement(
    tag: _AssetTag,
    own: str,
    inlined: set[tuple[str, str]],
    used_packages: list[tuple[str, str]],
) -> str | None:
    """What an asset tag becomes: inlined code, a note that it was dropped, or None (kept)."""
    url = _normalise(tag.url)
    if url in _NOT_NEEDED:
        return f"<!-- {_NOT_NEEDED[url]} is not needed by the map: {url} -->"
    if url in _ONLY_WHEN_USED and not _ONLY_WHEN_USED[url].search(own):
        return f"<!-- not used by this map: {url} -->"
    if url == _FONT_AWESOME_CSS:
        return None  # used but not vendored: the final check reports it with a hint
    if url == _ROTATE_CSS:
        rules = _rotate_css(own)
        return _style(f"/* corridor.webmap.offline: icon rotation */\n{rules}\n") if rules else ""
    item = _by_url().get(url)
    if item is None:
        return None
    key = (item.package, item.path)
    if key in inlined:
        return f"<!-- already inlined above: {url} -->"
    inlined.add(key)
    if (item.package, item.version) not in used_packages:
        used_packages.append((item.package, item.version))
    text = _read(item.directory, item.path, item.sha256).decode("utf-8")
    if tag.kind == "stylesheet":
        return _style(f"{_banner(item)}\n{_inline_css_urls(text, item)}\n")
    code = _script(f"{_banner(item)}\n{text}\n")
    if (item.package, item.path) == (_LEAFLET, _LEAFLET_JS):
        code += "\n" + _icon_default_script()
    return code


def asset_manifest() -> dict[str, Any]:
    """Return the manifest of the vendored files (a copy; safe to modify).

    Returns
    -------
    dict
        ``packages``: for each npm package its name, version, SPDX licence, tarball sha256 and
        npm integrity, and its files (path, sha256, bytes, role and the CDN addresses each one
        replaces); ``total_bytes``: size of all vendored files.
    """
    return copy.deepcopy(_manifest())


def asset_licences() -> list[dict[str, str]]:
    """Return the licence of every vendored package, for an attribution page or a NOTICE file.

    Returns
    -------
    list of dict
        One dict per package, sorted by name: ``name``, ``version``, ``licence`` (SPDX) and
        ``text`` (the licence text shipped with the package).
    """
    out = []
    for pkg in _manifest()["packages"]:
        entry = next(f for f in pkg["files"] if f["path"] == pkg["licence_file"])
        text = _read(pkg["directory"], entry["path"], entry["sha256"]).decode("utf-8")
        out.append(
            {
                "name": pkg["name"],
                "version": pkg["version"],
                "licence": pkg["licence"],
                "text": text,
            }
        )
    return out
