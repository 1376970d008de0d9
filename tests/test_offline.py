"""corridor.webmap.offline: a folium map as one HTML file that works with the network cut off.

The browser tests open each page in chromium with every non-file request aborted, so a page
that still needed a CDN would show up as page errors, blocked requests and missing layers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import branca.colormap
import folium
import pytest
from folium import plugins

from browser import open_page
from corridor._errors import CorridorError
from corridor.webmap import offline
from corridor.webmap.offline import (
    OfflineAssetError,
    asset_licences,
    asset_manifest,
    external_references,
    make_self_contained,
)
from corridor.webmap.safe import inert, inert_data
from test_safe import hostile_strings

REPO = Path(__file__).resolve().parents[1]
ASSETS = Path("src/corridor/webmap/assets")
# Synthetic test positions around the middle of the corridor; not data.
CENTRE = (35.80, 36.65)
TILE_HOST = "tile.openstreetmap.org"
T1, T2 = "2020-03-05T00:00:00Z", "2020-03-15T00:00:00Z"


@dataclass
class BuiltMap:
    """A folium map and the JS global names of the layers the tests click or read."""

    map: folium.Map
    places: list[str] = field(default_factory=list)
    route: str = ""


def _feature(geometry: dict, **properties: object) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _line(lat: float, lon: float) -> dict:
    # Diagonal: a horizontal SVG path has a zero-height box, which Playwright will not click.
    return {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.12, lat + 0.06]]}


def smoke_map() -> BuiltMap:
    """Every folium feature the project's map may use, with plain labels."""
    m = folium.Map(location=CENTRE, zoom_start=10)
    built = BuiltMap(map=m)
    places = folium.FeatureGroup(name="Places").add_to(m)
    for i, label in enumerate(["Place A", "Place B", "Place C"]):
        marker = folium.Marker(
            [CENTRE[0] + 0.08, CENTRE[1] - 0.15 + 0.15 * i],
            popup=folium.Popup(label),
            tooltip=label,
        ).add_to(places)
        built.places.append(marker.get_name())
    # Four events close together: one cluster of 4 at zoom 10.
    events = plugins.MarkerCluster(name="Events").add_to(m)
    for i in range(4):
        folium.Marker([CENTRE[0] - 0.1 + 0.001 * i, CENTRE[1] + 0.1], popup=f"Event {i}").add_to(
            events
        )
    corridor = {
        "type": "FeatureCollection",
        "features": [
            _feature(_line(CENTRE[0], CENTRE[1] - 0.06), name="Route segment"),
            _feature(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [CENTRE[1] - 0.3, CENTRE[0] - 0.25],
                            [CENTRE[1] - 0.2, CENTRE[0] - 0.25],
                            [CENTRE[1] - 0.2, CENTRE[0] - 0.2],
                            [CENTRE[1] - 0.3, CENTRE[0] - 0.25],
                        ]
                    ],
                },
                name="Corridor",
            ),
        ],
    }
    route = folium.GeoJson(
        corridor,
        name="Route",
        popup=folium.GeoJsonPopup(fields=["name"], aliases=["Name"]),
        tooltip=folium.GeoJsonTooltip(fields=["name"]),
    ).add_to(m)
    built.route = route.get_name()
    timed = [
        _feature(
            {"type": "Point", "coordinates": [CENTRE[1] + 0.2 + 0.05 * i, CENTRE[0] + 0.15]},
            times=[time],
            popup=f"Timed {i}",
        )
        for i, time in enumerate([T1, T1, T2])
    ]
    plugins.TimestampedGeoJson(
        {"type": "FeatureCollection", "features": timed}, period="P10D", auto_play=False
    ).add_to(m)
    plugins.MeasureControl().add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MiniMap().add_to(m)
    folium.LayerControl().add_to(m)
    return built


def _write(tmp_path: Path, name: str, html: str) -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8", newline="\n")
    return path


def _only_tiles_blocked(blocked: list[tuple[str, str]]) -> bool:
    return all(kind == "image" and TILE_HOST in url for kind, url in blocked)


# --- The vendored files -------------------------------------------------------------------


def test_manifest_matches_the_committed_files():
    manifest = asset_manifest()
    root = Path(str(resources.files("corridor").joinpath("webmap/assets")))
    listed = set()
    for pkg in manifest["packages"]:
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", pkg["integrity"]), pkg["name"]
        assert re.fullmatch(r"[0-9a-f]{64}", pkg["tarball_sha256"]), pkg["name"]
        assert pkg["licence"] in {"MIT", "BSD-2-Clause", "Apache-2.0"}, pkg["name"]
        paths = {f["path"] for f in pkg["files"]}
        assert pkg["licence_file"] in paths, f"{pkg['name']} ships no licence"
        for entry in pkg["files"]:
            data = (root / pkg["directory"] / entry["path"]).read_bytes()
            assert len(data) == entry["bytes"], entry["path"]
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
            listed.add((root / pkg["directory"] / entry["path"]).resolve())
    on_disk = {p.resolve() for p in (root / "vendor").rglob("*") if p.is_file()}
    assert on_disk == listed, "files under _assets/vendor that the manifest does not list"
    total = sum(f["bytes"] for p in manifest["packages"] for f in p["files"])
    assert manifest["total_bytes"] == total
    print(f"\nvendored: {total} bytes in {len(on_disk)} files")


@pytest.mark.skipif(
    not (REPO / ".git").exists() or shutil.which("git") is None, reason="not a git checkout"
)
def test_no_vendored_file_is_ignored_by_git():
    """An ignored file would be missing from commits and from the wheel (hatch honours it)."""
    files = sorted(str(p.relative_to(REPO)) for p in (REPO / ASSETS).rglob("*") if p.is_file())
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=REPO,
        input="\n".join(files) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert len(files) > 50
    assert result.stdout == ""


def test_manifest_is_written_deterministically():
    text = resources.files("corridor").joinpath("webmap/assets/manifest.json").read_text("utf-8")
    again = json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert text == again


FOLIUM_ASSETS = [
    *folium.folium._default_js,
    *folium.folium._default_css,
    *plugins.MarkerCluster.default_js,
    *plugins.MarkerCluster.default_css,
    *plugins.TimestampedGeoJson.default_js,
    *plugins.TimestampedGeoJson.default_css,
    *plugins.MeasureControl.default_js,
    *plugins.MeasureControl.default_css,
    *plugins.Fullscreen.default_js,
    *plugins.Fullscreen.default_css,
    *plugins.MiniMap.default_js,
    *plugins.MiniMap.default_css,
]
NOT_VENDORED_ON_PURPOSE = {
    "bootstrap",  # Bootstrap 5: no map code uses it
    "bootstrap_css",
    "awesome_markers_font_css",  # Font Awesome: folium.Icon(prefix="fa") is refused
    "awesome_rotate_css",  # generated for the angles the page uses
    "jqueryui1.10.2",
    "highlight.js_css",
}


@pytest.mark.parametrize(("name", "url"), FOLIUM_ASSETS, ids=[n for n, _ in FOLIUM_ASSETS])
def test_every_asset_folium_links_is_vendored_or_dropped_on_purpose(name, url):
    replaced = {u for p in asset_manifest()["packages"] for f in p["files"] for u in f["replaces"]}
    if name in NOT_VENDORED_ON_PURPOSE:
        assert url not in replaced
    else:
        assert url in replaced, f"{name}: {url} is neither vendored nor dropped"


def test_asset_licences_cover_every_package():
    licences = asset_licences()
    assert [p["name"] for p in licences] == [p["name"] for p in asset_manifest()["packages"]]
    leaflet = next(p for p in licences if p["name"] == "leaflet")
    assert leaflet["licence"] == "BSD-2-Clause"
    assert "Vladimir Agafonkin" in leaflet["text"]
    assert all(len(p["text"]) > 500 for p in licences)


# --- make_self_contained without a browser --------------------------------------------------


def test_self_contained_page_links_nothing_remote():
    html = make_self_contained(smoke_map().map.get_root().render())
    assert external_references(html) == []
    assert not re.search(r"<script[^>]+\bsrc\s*=", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]+\bhref\s*=", html, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html, re.IGNORECASE)
    # Tile URL templates stay: offline the basemap is grey, which is expected.
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert inlined_packages(html) == {
        "leaflet",
        "jquery",
        "leaflet.markercluster",
        "leaflet-timedimension",
        "moment",
        "iso8601-js-period",
        "leaflet-measure",
        "leaflet.fullscreen",
        "leaflet-minimap",
    }


def test_jquery_linked_twice_is_inlined_once():
    html = make_self_contained(smoke_map().map.get_root().render())
    assert html.count("/* jquery@3.7.1 jquery.min.js") == 1
    assert "already inlined above: https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/" in html


def inlined_packages(html: str) -> set[str]:
    """Packages whose files were inlined, read from the banner comment before each file."""
    return set(re.findall(r"<(?:script|style)>/\* ([@\w.-]+)@[\d.]+ ", html))


def test_plain_map_drops_what_it_does_not_use():
    m = folium.Map(location=CENTRE, zoom_start=9)
    folium.CircleMarker(CENTRE, radius=6, popup="circle").add_to(m)
    html = make_self_contained(m.get_root().render())
    assert inlined_packages(html) == {"leaflet", "jquery"}
    assert "L.AwesomeMarkers" not in html
    assert "glyphicon-" not in html
    size = len(html.encode("utf-8"))
    leaflet_js = next(
        f["bytes"]
        for p in asset_manifest()["packages"]
        if p["name"] == "leaflet"
        for f in p["files"]
        if f["path"] == "leaflet.js"
    )
    # Leaflet and jQuery inlined, nothing else of substance.
    assert leaflet_js < size < 400_000
    print(f"\nplain map (Leaflet + jQuery + one CircleMarker): {size} bytes")


def test_icon_map_gets_awesome_markers_glyphicons_and_rotation():
    m = folium.Map(location=CENTRE, zoom_start=9)
    icon = folium.Icon(color="red", icon="flag", angle=45)
    folium.Marker(CENTRE, icon=icon).add_to(m)
    html = make_self_contained(m.get_root().render())
    assert inlined_packages(html) == {
        "leaflet",
        "jquery",
        "drmonty-leaflet-awesome-markers",
        "bootstrap",
    }
    assert ".glyphicon-flag:before" in html
    assert ".fa-rotate-45{transform:rotate(45deg)}" in html
    assert "not used by this map: https://cdn.jsdelivr.net/npm/@fortawesome/" in html


def test_offline_errors_are_corridor_errors():
    assert issubclass(OfflineAssetError, CorridorError)


def test_font_awesome_icons_are_refused_with_a_hint():
    m = folium.Map(location=CENTRE, zoom_start=9)
    folium.Marker(CENTRE, icon=folium.Icon(icon="car", prefix="fa")).add_to(m)
    with pytest.raises(OfflineAssetError) as caught:
        make_self_contained(m.get_root().render())
    assert caught.value.urls == (offline._FONT_AWESOME_CSS,)
    assert "prefix='glyphicon'" in str(caught.value)


@pytest.mark.parametrize(
    ("snippet", "url"),
    [
        (
            '<script src="https://example.org/unknown.js"></script>',
            "https://example.org/unknown.js",
        ),
        ('<link rel="stylesheet" href="//cdn.example.org/x.css"/>', "//cdn.example.org/x.css"),
        (
            '<link rel="icon" href="http://example.org/favicon.ico">',
            "http://example.org/favicon.ico",
        ),
        ("<style>@import 'https://example.org/a.css';</style>", "https://example.org/a.css"),
        ("<style>.x{background:url(//example.org/bg.png)}</style>", "//example.org/bg.png"),
        (
            '<div style="background:url(https://example.org/i.png)"></div>',
            "https://example.org/i.png",
        ),
        ('<img src="https://example.org/logo.png">', "https://example.org/logo.png"),
        ('<img srcset="a.png 1x, https://example.org/b.png 2x">', "https://example.org/b.png"),
        ('<script src="local.js"></script>', "local.js"),
    ],
)
def test_unhandled_remote_asset_is_refused_by_name(snippet, url):
    page = smoke_map().map.get_root().render().replace("</head>", snippet + "\n</head>", 1)
    with pytest.raises(OfflineAssetError) as caught:
        make_self_contained(page)
    assert url in caught.value.urls
    assert url in str(caught.value)


def test_branca_colormap_needs_d3_which_is_not_vendored():
    # A colormap legend links d3 3.5.5; it is refused by name rather than left to fail offline.
    m = folium.Map(location=CENTRE, zoom_start=9)
    branca.colormap.LinearColormap(["#ffffff", "#aa0000"], vmin=0, vmax=1).add_to(m)
    with pytest.raises(OfflineAssetError) as caught:
        make_self_contained(m.get_root().render())
    assert caught.value.urls == ("https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",)


def test_remote_markup_waiting_in_the_map_script_is_refused():
    # A popup holding a remote image would load it when the reader opens the popup.
    m = folium.Map(location=CENTRE, zoom_start=9)
    folium.Marker(CENTRE, popup='<img src="https://example.org/photo.jpg">').add_to(m)
    with pytest.raises(OfflineAssetError, match=r"https://example\.org/photo\.jpg"):
        make_self_contained(m.get_root().render())


@pytest.mark.parametrize(
    "page",
    [
        '<a href="https://example.org/source">a link is not a download</a>',
        "<script>L.tileLayer('https://{s}.tile.example.org/{z}/{x}/{y}.png')</script>",
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        "<style>.a{background:url(data:image/png;base64,AAAA)}.b{behavior:url(#default#VML)}</style>",
    ],
)
def test_external_references_ignores_what_does_not_load(page):
    assert external_references(f"<html><head></head><body>{page}</body></html>") == []


def test_output_is_deterministic_and_idempotent():
    page = smoke_map().map.get_root().render()
    first = make_self_contained(page)
    assert make_self_contained(page) == first
    assert make_self_contained(first) == first


def test_inlined_code_cannot_end_its_element_early():
    assert (
        offline._script("var s = '</script><b>';") == "<script>var s = '<\\/script><b>';</script>"
    )
    assert offline._script("a = '</SCRIPT >'") == "<script>a = '<\\/SCRIPT >'</script>"
    assert offline._style("a::after{content:'</style>'}") == (
        "<style>a::after{content:'<\\/style>'}</style>"
    )


def test_licence_texts_travel_with_the_inlined_code():
    page = smoke_map().map.get_root().render()
    html = make_self_contained(page)
    comment = html[
        html.index("<!--\nThird-party code") : html.index("-->", html.index("<!--\nThird"))
    ]
    for name in ("leaflet 1.9.3 (BSD-2-Clause)", "jquery 3.7.1 (MIT)", "iso8601-js-period 0.2.1"):
        assert name in comment
    assert "Apache License" in comment
    assert "drmonty" not in comment, "awesome-markers is not used by this map"
    assert "Third-party code" not in make_self_contained(page, licences=False)


def test_size_of_the_self_contained_map():
    html = make_self_contained(smoke_map().map.get_root().render())
    size = len(html.encode("utf-8"))
    assert 400_000 < size < 1_000_000
    print(f"\nsmoke map (all plugins, no folium.Icon): {size} bytes")


# --- In the browser, network cut off ----------------------------------------------------------


@pytest.mark.browser
def test_cdn_page_is_blank_offline(browser, tmp_path):
    """Control: folium's own page cannot work here, so the harness really is offline."""
    path = _write(tmp_path, "cdn.html", smoke_map().map.get_root().render())
    with open_page(browser, path) as run:
        assert any("L is not defined" in e for e in run.page_errors)
        assert any(kind == "script" for kind, _ in run.blocked)
        assert run.map_counts()["map"] is False


@pytest.mark.browser
def test_self_contained_map_draws_everything_offline(browser, tmp_path):
    built = smoke_map()
    html = make_self_contained(built.map.get_root().render())
    path = _write(tmp_path, "map.html", html)
    with open_page(browser, path) as run:
        counts = run.map_counts()
        assert run.page_errors == []
        assert run.dialogs == []
        assert _only_tiles_blocked(run.blocked), run.blocked
        assert counts["map"] is True
        # 3 places + 1 cluster of 4 events + 2 timed points shown at the first time.
        assert counts["markers"] == 6
        assert counts["clusters"] == 1
        assert run.evaluate("() => document.querySelector('.marker-cluster').textContent") == "4"
        assert counts["paths"] == 2  # the route line and the corridor polygon
        assert counts["overlay_names"] == ["Places", "Events", "Route"]
        controls = run.evaluate(
            """() => ['.leaflet-control-zoom', '.leaflet-control-attribution',
                      '.leaflet-control-layers', '.leaflet-control-measure',
                      '.leaflet-control-minimap', '.leaflet-bar-timecontrol',
                      '.leaflet-control-zoom-fullscreen']
                .map((s) => document.querySelectorAll(s).length)"""
        )
        assert controls == [1, 1, 1, 1, 1, 1, 1]
        # Leaflet's default marker image, from a data URI, actually decoded.
        icon = run.evaluate(
            "(n) => [window[n]._icon.src.slice(0, 22), window[n]._icon.naturalWidth]",
            built.places[0],
        )
        assert icon == ["data:image/png;base64,", 25]
        # The time control's glyph font loaded from its data URI.
        assert run.evaluate(
            "() => document.fonts.check('12px \"Glyphicons Halflings\"', '\\ue072')"
        )

        run.click_layer(built.places[1])
        assert run.popup_text(built.places[1]) == "Place B"
        run.click_layer(built.route)
        cell = run.evaluate(
            "(n) => window[n].getPopup().getElement().querySelector('td').textContent",
            built.route,
        )
        assert cell == "Route segment"
        assert run.page_errors == []
        print(f"\nbrowser load of the smoke map: {run.load_seconds:.2f} s")


@pytest.mark.browser
def test_icon_marker_renders_offline(browser, tmp_path):
    m = folium.Map(location=CENTRE, zoom_start=9)
    folium.Marker(CENTRE, icon=folium.Icon(color="red", icon="flag", angle=45)).add_to(m)
    path = _write(tmp_path, "icon.html", make_self_contained(m.get_root().render()))
    with open_page(browser, path) as run:
        assert run.page_errors == []
        assert _only_tiles_blocked(run.blocked)
        state = run.evaluate(
            """() => {
                const marker = document.querySelector('.leaflet-marker-pane .awesome-marker');
                const glyph = marker.querySelector('i');
                return {
                    background: getComputedStyle(marker).backgroundImage.slice(0, 27),
                    glyph: getComputedStyle(glyph, '::before').content,
                    transform: getComputedStyle(glyph).transform,
                    font: document.fonts.check('12px "Glyphicons Halflings"', '\\ue034'),
                };
            }"""
        )
    assert state["background"] == 'url("data:image/png;base64,'
    assert state["glyph"] == '"\ue034"'  # glyphicon-flag
    assert state["transform"].startswith("matrix(0.707")  # rotated by 45 degrees
    assert state["font"] is True


@pytest.mark.browser
def test_marker_cluster_needs_a_max_zoom_without_tiles(browser, tmp_path):
    """web-map.md: tiles=None and MarkerCluster fail unless the map itself has maxZoom."""
    results = {}
    for label, options in {"missing": {}, "maxZoom": {"maxZoom": 19}}.items():
        m = folium.Map(location=CENTRE, zoom_start=9, tiles=None, **options)
        cluster = plugins.MarkerCluster().add_to(m)
        for i in range(3):
            folium.Marker([CENTRE[0] + 0.001 * i, CENTRE[1]]).add_to(cluster)
        path = _write(tmp_path, f"cluster_{label}.html", make_self_contained(m.get_root().render()))
        with open_page(browser, path) as run:
            results[label] = (run.page_errors, run.map_counts()["clusters"], run.blocked)
    assert results["missing"][0] == ["Map has no maxZoom specified"]
    assert results["maxZoom"] == ([], 1, [])


# --- Hostile text in every slot -----------------------------------------------------------------

EXTRA_HOSTILE = ["two\nlines ${window.__pwned=1}", "cr\r\nlf", "nul\x00byte"]


def hostile_map(texts: list[str], *, make_inert: bool = True) -> tuple[folium.Map, dict]:
    """One marker, GeoJson line, cluster marker and timed point per text, each in every slot."""
    clean = inert if make_inert else str
    m = folium.Map(location=CENTRE, zoom_start=8)
    names: dict[str, list[str]] = {"marker": [], "geojson": [], "clustered": []}
    # LayerControl keys layers by name, so a name used twice would hide a layer: prefix it.
    cluster = plugins.MarkerCluster(name=clean("Events " + texts[0])).add_to(m)
    timed = []
    for i, text in enumerate(texts):
        safe = clean(text)
        lat, lon = CENTRE[0] - 0.5 + (i // 8) * 0.2, CENTRE[1] - 0.8 + (i % 8) * 0.2
        group = folium.FeatureGroup(name=safe).add_to(m)
        marker = folium.Marker([lat, lon], popup=safe, tooltip=safe).add_to(group)
        names["marker"].append(marker.get_name())
        properties = {"name": text, "note": text}  # "note" is never shown, but still in the page
        collection = {
            "type": "FeatureCollection",
            "features": [
                _feature(
                    _line(lat + 0.05, lon),
                    **(inert_data(properties) if make_inert else properties),
                )
            ],
        }
        line = folium.GeoJson(
            collection,
            control=False,
            popup=folium.GeoJsonPopup(fields=["name"], aliases=[safe]),
            tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=[safe]),
        ).add_to(group)
        names["geojson"].append(line.get_name())
        clustered = folium.Marker([lat + 0.1, lon], popup=folium.Popup(safe)).add_to(cluster)
        names["clustered"].append(clustered.get_name())
        timed.append(
            _feature(
                {"type": "Point", "coordinates": [lon + 0.05, lat - 0.05]},
                times=[T1],
                popup=safe,
                tooltip=safe,
                index=i,
            )
        )
    plugins.TimestampedGeoJson(
        {"type": "FeatureCollection", "features": timed}, auto_play=False
    ).add_to(m)
    folium.LayerControl().add_to(m)
    return m, names


# Opens every popup and tooltip and reads what the reader would see.
_READ_ALL_SLOTS = """
(names) => {
    const content = (overlay, selector) => {
        const element = overlay ? overlay.getElement() : null;
        const node = element ? element.querySelector(selector) : null;
        return node ? node.textContent : null;
    };
    const out = {popup: [], tooltip: [], field: [], alias: [], field_tooltip: [],
                 clustered: [], timed_popup: [], timed_tooltip: []};
    for (const name of names.marker) {
        const layer = window[name];
        layer.openPopup();
        out.popup.push(content(layer.getPopup(), '.leaflet-popup-content'));
        layer.closePopup();
        layer.openTooltip();
        out.tooltip.push(layer.getTooltip().getElement().textContent);
        layer.closeTooltip();
    }
    for (const name of names.geojson) {
        const layer = window[name];
        layer.openPopup();
        out.field.push(content(layer.getPopup(), 'td'));
        out.alias.push(content(layer.getPopup(), 'th'));
        layer.closePopup();
        layer.openTooltip();
        out.field_tooltip.push(content(layer.getTooltip(), 'td'));
        layer.closeTooltip();
    }
    for (const name of names.clustered) {
        out.clustered.push(window[name].getPopup().getContent().textContent);
    }
    const map = window[document.querySelector('.folium-map').id];
    const timed = [];
    map.eachLayer((layer) => {
        if (layer.feature && layer.feature.properties.times) { timed.push(layer); }
    });
    timed.sort((a, b) => a.feature.properties.index - b.feature.properties.index);
    for (const layer of timed) {
        layer.openPopup();
        out.timed_popup.push(content(layer.getPopup(), '.leaflet-popup-content'));
        layer.closePopup();
        layer.openTooltip();
        out.timed_tooltip.push(layer.getTooltip().getElement().textContent);
        layer.closeTooltip();
    }
    return out;
}
"""


@pytest.fixture
def clean_environ(monkeypatch):
    """A Jinja payload that ran would write CORRIDOR_PWNED; undo it after the test."""
    monkeypatch.setenv("CORRIDOR_PWNED", "placeholder")
    monkeypatch.delenv("CORRIDOR_PWNED")


@pytest.mark.browser
def test_hostile_text_is_inert_in_every_slot(browser, tmp_path, clean_environ):
    texts = [*hostile_strings(), *EXTRA_HOSTILE]
    m, names = hostile_map(texts)
    html = make_self_contained(m.get_root().render())
    assert "CORRIDOR_PWNED" not in os.environ, "Jinja ran user text while folium rendered"
    path = _write(tmp_path, "hostile.html", html)
    with open_page(browser, path) as run:
        slots = run.evaluate(_READ_ALL_SLOTS, names)
        counts = run.map_counts()
        run.page.wait_for_timeout(300)  # let any image error handlers fire
        pwned = run.evaluate("() => typeof window.__pwned")
        assert run.page_errors == []
        assert run.dialogs == []
        assert _only_tiles_blocked(run.blocked), run.blocked
    assert pwned == "undefined"
    expected = [t.replace("\x00", "\ufffd") for t in texts]
    assert counts["overlay_names"] == ["Events " + expected[0], *expected]
    for slot in ("popup", "field", "alias", "field_tooltip", "clustered", "timed_popup"):
        assert slots[slot] == expected, slot
    # Tooltip templates pad the text with white space.
    for slot in ("tooltip", "timed_tooltip"):
        assert [t.strip() for t in slots[slot]] == [t.strip() for t in expected], slot


@pytest.mark.browser
def test_raw_text_is_caught_by_the_hostile_test(browser, tmp_path):
    """Control: without inert, folium runs the payload, and the checks above would see it."""
    m, _names = hostile_map(['<img src=x onerror="window.__pwned=1">'], make_inert=False)
    path = _write(tmp_path, "raw.html", make_self_contained(m.get_root().render()))
    with open_page(browser, path, settle_ms=300) as run:
        assert run.evaluate("() => window.__pwned") == 1
