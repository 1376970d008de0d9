"""The corridor map in Debian's chromium, network cut off: it draws, it answers clicks, and hostile
text from an imported file executes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import corridor
from browser import open_page
from corridor.webmap.page import map_html
from test_safe import hostile_strings
from test_webmap import page_data, write_acled, write_hostile

pytestmark = pytest.mark.browser

TILE_HOSTS = ("tile.openstreetmap.org", "tile.opentopomap.org", "server.arcgisonline.com")
VIEW = (1400, 900)


def _only_tiles_blocked(run) -> bool:
    return all(kind == "image" and any(h in url for h in TILE_HOSTS) for kind, url in run.blocked)


def _layer_var(html: str, key: str) -> str:
    """The global name folium gave the layer drawn for ``key``."""
    return re.search(rf'var (\w+) = corridorMap\.layer\("{key}"\);', html).group(1)


@pytest.fixture(scope="module")
def catalogue_map(tmp_path_factory):
    html = map_html(corridor.load())
    path = tmp_path_factory.mktemp("map") / "map.html"
    path.write_text(html, encoding="utf-8")
    return path, html, page_data(html)


_COUNT = """
() => {
    const div = document.querySelector('.folium-map');
    const n = (selector) => div.querySelectorAll(selector).length;
    const R = window.corridorMap;
    const members = (key) => R.layers[key].getLayers();
    return {
        corridor: n('.leaflet-cm-corridor-pane path'),
        road: n('.leaflet-cm-road-pane path'),
        patrol_lanes: n('.leaflet-cm-patrols-pane path'),
        ribbon: n('.leaflet-cm-judge-pane path'),
        border: n('.leaflet-cm-border-pane path'),
        place_dots: members('places').filter((l) => l instanceof L.CircleMarker && !(l instanceof L.Circle)).length,
        uncertainty: members('places').filter((l) => l instanceof L.Circle).length,
        place_labels: n('.leaflet-tooltip.cm-label'),
        km_labels: n('.leaflet-tooltip.cm-km'),
        distance_labels: n('.leaflet-tooltip.cm-dist'),
        event_markers: n('.leaflet-marker-pane > .cm-ev'),
        base_layers: n('.leaflet-control-layers-base label'),
        legend: n('.leaflet-control.cm-legend:not([hidden])'),
        time: n('.leaflet-control.cm-time input[type=range]'),
        elsewhere: n('.leaflet-control.cm-elsewhere li'),
        measure: n('.leaflet-control-measure'),
        fullscreen: n('.leaflet-control-zoom-fullscreen'),
        minimap: n('.leaflet-control-minimap'),
        scale: n('.leaflet-control-scale'),
        zoom: n('.leaflet-control-zoom-in'),
        attribution: div.querySelector('.leaflet-control-attribution').textContent,
        slider_max: Number(div.querySelector('.cm-time input').max),
    };
}
"""


def test_catalogue_map_draws_every_layer_and_control_offline(browser, catalogue_map):
    path, _html, data = catalogue_map
    with open_page(browser, path, viewport=VIEW) as run:
        counts = run.evaluate(_COUNT)
        overview = run.map_counts()
        bounds = run.evaluate(
            "() => { const b = window[document.querySelector('.folium-map').id].getBounds();"
            " return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"
        )
        assert run.page_errors == []
        assert run.dialogs == []
        assert _only_tiles_blocked(run), run.blocked  # the minimap's OSM tiles, nothing else
    events = data["events"]
    assert counts["corridor"] == 3  # north, south, and the part cut off at the border
    assert counts["road"] == len(data["road"])
    assert counts["patrol_lanes"] == sum(1 for e in events if "line" in e) == 20
    assert counts["ribbon"] == len(data["judge"])
    assert counts["border"] == len(data["border"]["ll"])
    assert counts["place_dots"] == counts["place_labels"] == len(data["places"])
    assert counts["uncertainty"] == sum(1 for p in data["places"] if p["unc"])
    assert counts["km_labels"] == len(data["km"])
    # One label per road-to-border link, one per model check (width, Tronba).
    assert counts["distance_labels"] == len(data["links"]) + len(data["checks"])
    assert counts["event_markers"] == overview["markers"] == len(events)
    assert overview["overlay_names"][:3] == [
        "Syria and Turkey (outlines)",
        "Corridor, north half (Turkish side while in force)",
        "Corridor, south half (Russian side while in force)",
    ]
    assert len(overview["overlay_names"]) == 17
    assert counts["base_layers"] == 4
    assert counts["slider_max"] == len(data["dates"])
    assert counts["elsewhere"] == len(data["elsewhere"]["items"])
    controls = ("legend", "time", "measure", "fullscreen", "minimap", "scale", "zoom")
    assert [counts[c] for c in controls] == [1] * len(controls)
    assert "OpenStreetMap contributors" in counts["attribution"]
    assert "GeoNames" in counts["attribution"]
    # The view is the corridor; Moscow and Ankara do not pull it away.
    south, west, north, east = bounds
    assert 35.3 < south < 35.75 and 35.9 < north < 36.3
    assert 35.6 < west < 36.1 and 36.7 < east < 37.6


def test_a_popup_opens_with_its_source_links(browser, catalogue_map):
    path, html, _data = catalogue_map
    name = _layer_var(html, "ev_attack")
    with open_page(browser, path, viewport=VIEW) as run:
        # A real click on the centre of an attack symbol that nothing covers.
        x, y = run.evaluate(
            """(name) => {
                for (const layer of window[name].getLayers()) {
                    const r = layer._icon.getBoundingClientRect();
                    const x = r.left + r.width / 2, y = r.top + r.height / 2;
                    if (document.elementFromPoint(x, y) === layer._icon) { return [x, y]; }
                }
                return null;
            }""",
            name,
        )
        run.page.mouse.click(x, y)
        text = run.popup_text(name)
        links = run.evaluate(
            "() => Array.from(document.querySelectorAll('.leaflet-popup-content a'))"
            ".map((a) => [a.protocol, a.target, a.rel])"
        )
        assert run.page_errors == []
    assert text.startswith("Attacks")
    assert "Date:" in text and "Sources:" in text
    assert links and all(link == ["https:", "_blank", "noopener noreferrer"] for link in links)


def test_disputed_patrol_shows_both_sides(browser, catalogue_map):
    path, _html, _data = catalogue_map
    with open_page(browser, path, viewport=VIEW) as run:
        text = run.evaluate(
            """() => {
                const group = corridorMap.layers.ev_patrol_cut;
                const marker = group.getLayers().find((l) => l instanceof L.Marker
                    && l.options.cmInfo.foot === '2020-03-15-joint-patrol-1');
                marker.fire('click', {latlng: marker.getLatLng()}, true);
                return document.querySelector('.leaflet-popup-content').textContent;
            }"""
        )
    assert "Turkish MoD: completed" in text and "Russian MoD: cut short" in text


def test_time_control_steps_through_the_dates(browser, catalogue_map):
    path, _html, data = catalogue_map
    ranks = [e["r"] for e in data["events"]]
    markers = "() => document.querySelectorAll('.leaflet-marker-pane > .cm-ev').length"
    with open_page(browser, path, viewport=VIEW) as run:
        all_dates = run.evaluate(markers)
        run.page.click(".cm-time button:has-text('◀')")  # from "All" to the last date
        last = run.evaluate(markers)
        run.evaluate(
            "() => { const i = document.querySelector('.cm-time input'); i.value = '3';"
            " i.dispatchEvent(new Event('input')); }"
        )
        third = run.evaluate(markers)
        label = run.evaluate("() => document.querySelector('.cm-time-label').textContent")
        highlighted = run.evaluate("() => document.querySelectorAll('.cm-ev.cm-now').length")
        run.page.click(".cm-time button:has-text('▶')")
        fourth = run.evaluate(markers)
        run.page.click(".cm-time button:has-text('All')")
        back = run.evaluate(markers)
        assert run.page_errors == []
    assert all_dates == back == len(ranks)
    assert last == sum(1 for r in ranks if r >= 0)  # undated events only under "All"
    assert third == sum(1 for r in ranks if 0 <= r <= 3)
    assert fourth == sum(1 for r in ranks if 0 <= r <= 4)
    assert highlighted == sum(1 for r in ranks if r == 3)
    assert label.startswith(f"To {data['dates'][3]}")


def test_hostile_imported_text_executes_nothing_and_reads_literally(browser, tmp_path):
    texts = hostile_strings()
    html = map_html(corridor.load(events=[write_hostile(tmp_path / "hostile.csv", texts)]))
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    with open_page(browser, path, viewport=VIEW, settle_ms=300) as run:
        shown = run.evaluate(
            """() => {
                const I = corridorMap.imported;
                return I.markers.map((marker, i) => {
                    const box = I.open(i).querySelector('.leaflet-popup-content');
                    const actors = Array.from(box.querySelectorAll('.cm-pop-row'))
                        .find((r) => r.textContent.startsWith('Actors: '));
                    return {
                        note: box.querySelector('.cm-pop-note').textContent,
                        title: box.querySelector('.cm-pop-title').textContent,
                        actors: actors ? actors.textContent : null,
                        links: box.querySelectorAll('a').length,
                        elements: box.querySelectorAll('img, script, svg, iframe, input').length,
                    };
                });
            }"""
        )
        # A real click on one marker, with the map zoomed in past clustering.
        x, y = run.evaluate(
            """() => {
                const map = window[document.querySelector('.folium-map').id];
                const marker = corridorMap.imported.markers[0];
                map.closePopup();
                map.setView(marker.getLatLng(), 18, {animate: false});
                const r = marker._icon.getBoundingClientRect();
                return [r.left + r.width / 2, r.top + r.height / 2];
            }"""
        )
        run.page.wait_for_timeout(200)
        run.page.mouse.click(x, y)
        clicked = run.evaluate("() => document.querySelector('.leaflet-popup-content').textContent")
        run.page.wait_for_timeout(300)  # give any image error handler its chance
        pwned = run.evaluate("() => typeof window.__pwned")
        assert run.page_errors == []
        assert run.dialogs == []
        assert _only_tiles_blocked(run), run.blocked  # no evil.example stylesheet either
    assert pwned == "undefined"
    assert [s["note"] for s in shown] == texts
    assert [s["title"] for s in shown] == [f"Protests: {t}" for t in texts]
    assert [s["actors"] for s in shown] == [f"Actors: {t} · {t}" for t in texts]
    assert all(s["links"] == 0 and s["elements"] == 0 for s in shown)
    assert "Imported event · hostile.csv" in clicked


def test_ten_thousand_imported_events_load_without_errors(browser, tmp_path):
    source = write_acled(tmp_path / "acled.csv", 10_000)
    html = map_html(corridor.load(events=[source]))
    path = tmp_path / "map10k.html"
    path.write_text(html, encoding="utf-8")
    with open_page(browser, path, viewport=VIEW, settle_ms=500) as run:
        state = run.evaluate(
            """() => ({
                clustered: corridorMap.imported.cluster.getLayers().length,
                drawn: corridorMap.imported.markers.length,
            })"""
        )
        counts = run.map_counts()
        # Move the time control to the middle date; the clusters follow once it rests.
        middle = run.evaluate(
            "() => { const i = document.querySelector('.cm-time input');"
            " i.value = String(Math.floor(Number(i.max) / 2)); i.dispatchEvent(new Event('input'));"
            " return Number(i.value); }"
        )
        run.page.wait_for_timeout(400)
        after = run.evaluate("() => corridorMap.imported.cluster.getLayers().length")
        assert run.page_errors == []
        print(f"\n10k imported events: {len(html):,} characters, load {run.load_seconds:.2f} s")
    data = page_data(html)
    assert state["drawn"] == state["clustered"] == data["imported"]["n"] > 9_000
    assert counts["clusters"] > 10
    assert 0 < after == sum(1 for r in data["imported"]["r"] if 0 <= r <= middle) < state["drawn"]


def test_page_opened_from_another_folder_still_works(browser, catalogue_map, tmp_path):
    """The page is one file: copied anywhere, it draws the same."""
    _path, html, _data = catalogue_map
    copy = Path(tmp_path) / "elsewhere" / "copy.html"
    copy.parent.mkdir()
    copy.write_text(html, encoding="utf-8")
    with open_page(browser, copy) as run:
        assert run.page_errors == []
        assert run.map_counts()["markers"] > 0


def test_claims_show_where_they_apply(browser, tmp_path):
    claims_module = pytest.importorskip("corridor.claims.check")
    layers = corridor.load()
    claims = claims_module.claims_document(claims_module.check_claims(layers.model))
    html = map_html(layers, claims=claims)
    path = tmp_path / "claims.html"
    path.write_text(html, encoding="utf-8")
    with open_page(browser, path, viewport=VIEW) as run:
        shown = run.evaluate(
            """() => corridorMap.layers.checks.getLayers()
                .filter((l) => l.options.cmInfo === undefined && l.getPopup && l.getPopup())
                .map((l) => {
                    const ll = l.getLatLng ? l.getLatLng() : l.getCenter();
                    l.openPopup(ll);
                    const box = l.getPopup().getElement();
                    return Array.from(box.querySelectorAll('.cm-pop-section .cm-pop-foot'))
                        .map((f) => f.textContent);
                })"""
        )
        assert run.page_errors == []
    placed = sorted({foot for feature in shown for foot in feature})
    assert placed == sorted(
        c["claim_id"] for c in claims if c["where"] and c["where"]["kind"] != "event"
    )
