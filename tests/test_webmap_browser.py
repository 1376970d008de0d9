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


#: The places a reader looks for first (issue 13): labelled in view at the first desktop view.
KEY_NAMES = ["Saraqib", "Tronba", "Ariha", "Jisr al-Shughur", "Bdama", "Idlib"]

# What the reader sees at load, measured on the page's boxes: the share of the view that controls
# cover (the union of their rectangles, counted on a 2 px grid), whether the legend fits (no
# scrolling, above the minimap), and for each named place whether its label is in view and how much
# of it another visible label or a control covers.
LAYOUT_JS = """
(names) => {
    const div = document.querySelector('.folium-map');
    const view = div.getBoundingClientRect();
    const visible = (node) => {
        const r = node.getBoundingClientRect();
        const style = getComputedStyle(node);
        return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const controls = Array.from(div.querySelectorAll('.leaflet-control, .cm-notice')).filter(visible)
        .map((node) => node.getBoundingClientRect());
    let covered = 0, cells = 0;
    for (let y = view.top + 1; y < view.bottom; y += 2) {
        for (let x = view.left + 1; x < view.right; x += 2) {
            cells += 1;
            if (controls.some((r) => x >= r.left && x < r.right && y >= r.top && y < r.bottom)) { covered += 1; }
        }
    }
    const area = (a) => Math.max(0, a.right - a.left) * Math.max(0, a.bottom - a.top);
    const cut = (a, b) => ({left: Math.max(a.left, b.left), right: Math.min(a.right, b.right),
                            top: Math.max(a.top, b.top), bottom: Math.min(a.bottom, b.bottom)});
    const tips = Array.from(div.querySelectorAll('.leaflet-tooltip')).filter(visible);
    const labels = {};
    names.forEach((name) => {
        const mine = tips.filter((t) => t.classList.contains('cm-label') && t.textContent === name);
        if (mine.length !== 1) { labels[name] = {found: mine.length}; return; }
        const box = mine[0].getBoundingClientRect();
        const others = tips.filter((t) => t !== mine[0]).map((t) => ({text: t.textContent, r: t.getBoundingClientRect()}));
        let worst = 0, by = null;
        others.concat(controls.map((r) => ({text: 'control', r: r}))).forEach((o) => {
            const share = area(cut(box, o.r)) / area(box);
            if (share > worst) { worst = share; by = o.text; }
        });
        labels[name] = {found: 1, in_view: box.left >= view.left && box.right <= view.right
            && box.top >= view.top && box.bottom <= view.bottom, covered: worst, by: by};
    });
    const legend = div.querySelector('.cm-legend');
    const lr = legend.getBoundingClientRect();
    const mini = div.querySelector('.leaflet-control-minimap');
    const mr = mini ? mini.getBoundingClientRect() : null;
    return {
        controls_share: covered / cells,
        labels: labels,
        legend: {
            scroll: legend.scrollHeight - legend.clientHeight,
            bottom: lr.bottom, minimap_top: mr ? mr.top : null, view_bottom: view.bottom,
            over_minimap: mr ? area(cut(lr, mr)) : 0,
            collapsed: legend.classList.contains('cm-collapsed'),
            folded: Array.from(legend.querySelectorAll('details.cm-leg-sec:not([open]) > summary')).map((s) => s.textContent),
        },
    };
}
"""


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
        assert run.blocked == []  # no tile, not even the minimap's: nothing leaves the page
    events = data["events"]
    assert counts["corridor"] == 3  # north, south, and the part cut off at the border
    assert counts["road"] == len(data["road"])
    # One reading of the road at a time: no patrol lane and no distance ribbon at load.
    assert sum(1 for e in events if "line" in e) == 20
    assert counts["patrol_lanes"] == 0
    assert counts["ribbon"] == 0 < len(data["judge"])
    assert counts["border"] == len(data["border"]["ll"])
    assert counts["place_dots"] == counts["place_labels"] == len(data["places"])
    assert counts["uncertainty"] == sum(1 for p in data["places"] if p["unc"])
    assert counts["km_labels"] == len(data["km"])
    # One label per road-to-border link, one per model check (width, Tronba), each saying what
    # it measures.
    assert counts["distance_labels"] == len(data["links"]) + len(data["checks"])
    assert all(" – border " in link["label"] for link in data["links"][1:])
    assert counts["event_markers"] == overview["markers"] == len(events)
    assert overview["overlay_names"][:3] == [
        "Syria and Turkey (outlines)",
        "Corridor, north half (Turkish side while in force)",
        "Corridor, south half (Russian side while in force)",
    ]
    assert len(overview["overlay_names"]) == 17 + (data["settlements"]["n"] > 0)
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
        assert run.blocked == []  # no evil.example stylesheet, no tile either
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


# --- Reading at a glance (issue 13) ---------------------------------------------------------------

PHONE = (390, 844)


@pytest.fixture(scope="module")
def built_map(tmp_path_factory):
    """The page `corridor build` writes (with the checked claims: the busiest default view)."""
    out = tmp_path_factory.mktemp("build")
    corridor.build(out)
    return out / "map.html"


@pytest.mark.parametrize("viewport", [VIEW, PHONE], ids=["desktop", "phone"])
def test_opening_the_map_asks_no_server(browser, built_map, viewport):
    zoom = "() => window[document.querySelector('.folium-map').id].getZoom()"
    with open_page(browser, built_map, viewport=viewport, settle_ms=100) as run:
        first = run.evaluate(zoom)
        # A pan keeps the zoom: the minimap, following, must not snap it to whole levels.
        run.evaluate("() => window[document.querySelector('.folium-map').id].panBy([200, 80])")
        run.page.wait_for_timeout(600)
        assert run.evaluate(zoom) == first
        name = re.search(r"var (\w+) = new L\.Control\.MiniMap", built_map.read_text("utf-8"))
        snaps = run.evaluate(
            "(n) => [window[n]._miniMap.options.zoomSnap, window[n]._mainMap.options.zoomSnap]",
            name.group(1),
        )
        assert snaps[0] == snaps[1] == 0.25
        assert run.page_errors == []
        assert run.blocked == []


def test_desktop_view_names_the_key_places_clear_of_everything(browser, built_map):
    with open_page(browser, built_map, viewport=VIEW, settle_ms=400) as run:
        layout = run.evaluate(LAYOUT_JS, KEY_NAMES)
        # With the layer menu open the legend still ends above the minimap.
        run.page.hover(".leaflet-control-layers")
        run.page.wait_for_timeout(200)
        with_menu = run.evaluate(LAYOUT_JS, KEY_NAMES)["legend"]
        assert run.page_errors == []
    print(f"\ndesktop: controls cover {layout['controls_share']:.1%}; legend {layout['legend']}")
    assert layout["controls_share"] <= 0.30
    for name in KEY_NAMES:
        label = layout["labels"][name]
        assert label["found"] == 1, name
        assert label["in_view"], name
        assert label["covered"] == 0, (name, label)
    legend = layout["legend"]
    assert legend["scroll"] == 0  # everything in the legend is on screen, nothing cut off
    assert legend["over_minimap"] == 0 and legend["bottom"] <= legend["minimap_top"]
    assert not legend["collapsed"]
    assert any(title.startswith("Events") for title in legend["folded"])
    assert with_menu["over_minimap"] == 0 and with_menu["bottom"] <= with_menu["minimap_top"]


def test_phone_view_keeps_most_of_the_screen_for_the_map(browser, built_map):
    with open_page(browser, built_map, viewport=PHONE, settle_ms=400) as run:
        layout = run.evaluate(LAYOUT_JS, KEY_NAMES)
        state = run.evaluate(
            """() => ({
                toggle: document.querySelector('.cm-leg-toggle').textContent,
                minimap: document.querySelector('.leaflet-control-minimap').getBoundingClientRect().width,
                elsewhere_open: document.querySelector('.cm-elsewhere').open,
            })"""
        )
        # The legend's button opens it again.
        run.page.click(".cm-leg-toggle")
        opened = run.evaluate(LAYOUT_JS, KEY_NAMES)["legend"]
        assert run.page_errors == []
    print(f"\nphone: controls cover {layout['controls_share']:.1%}")
    assert layout["controls_share"] <= 0.35
    assert layout["legend"]["collapsed"] and state["toggle"] == "Legend"
    assert state["minimap"] < 40 and state["elsewhere_open"] is False
    assert not opened["collapsed"] and opened["over_minimap"] == 0


def test_secondary_labels_never_cover_a_place_label(browser, built_map):
    """At the first view and two zooms closer, no visible label overlaps a place's label."""
    overlaps = """() => {
        const vis = (n) => { const r = n.getBoundingClientRect();
            return r.width > 0 && getComputedStyle(n).visibility !== 'hidden' && getComputedStyle(n).display !== 'none'; };
        const tips = Array.from(document.querySelectorAll('.leaflet-tooltip')).filter(vis);
        const places = tips.filter((t) => t.classList.contains('cm-label'));
        const hits = [];
        places.forEach((p) => { const a = p.getBoundingClientRect();
            tips.forEach((t) => { if (t === p || t.classList.contains('cm-label')) { return; }
                const b = t.getBoundingClientRect();
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
                    hits.push([p.textContent, t.textContent]); } }); });
        return hits;
    }"""
    with open_page(browser, built_map, viewport=VIEW, settle_ms=300) as run:
        found = [run.evaluate(overlaps)]
        for _ in range(2):
            run.evaluate(
                "() => { const m = window[document.querySelector('.folium-map').id];"
                " m.setZoom(m.getZoom() + 1, {animate: false}); }"
            )
            run.page.wait_for_timeout(300)
            found.append(run.evaluate(overlaps))
        assert run.page_errors == []
    assert found == [[], [], []]


def test_patrol_lane_shows_for_the_chosen_date_or_an_open_patrol(browser, catalogue_map):
    path, _html, data = catalogue_map
    lanes = "() => document.querySelectorAll('.leaflet-cm-patrols-pane path').length"
    with open_page(browser, path, viewport=VIEW) as run:
        at_load = run.evaluate(lanes)
        run.evaluate(
            """() => {
                const marker = corridorMap.layers.ev_patrol_cut.getLayers().find((l) => l instanceof L.Marker
                    && l.options.cmInfo.foot === '2020-03-15-joint-patrol-1');
                marker.fire('click', {latlng: marker.getLatLng()}, true);
            }"""
        )
        opened = run.evaluate(lanes)
        run.evaluate("() => window[document.querySelector('.folium-map').id].closePopup()")
        closed = run.evaluate(lanes)
        rank = next(
            e["r"] for e in data["events"] if e["info"]["foot"] == "2020-03-15-joint-patrol-1"
        )
        run.evaluate(f"() => corridorMap.setTime({rank})")
        on_date = run.evaluate(lanes)
        assert run.page_errors == []
    same_day = sum(1 for e in data["events"] if "line" in e and e["r"] == rank)
    assert (at_load, opened, closed) == (0, 1, 0)
    assert on_date == same_day >= 1


def test_a_tile_basemap_offline_keeps_the_land_and_says_it_needs_the_network(
    browser, catalogue_map
):
    path, _html, _data = catalogue_map
    with open_page(browser, path, viewport=VIEW) as run:
        assert run.blocked == []
        run.page.hover(".leaflet-control-layers")
        run.page.click(".leaflet-control-layers-base label:has-text('Satellite')")
        run.page.wait_for_timeout(600)
        state = run.evaluate(
            """() => ({
                land: getComputedStyle(document.querySelector('.leaflet-cm-land-pane')).display,
                fills: document.querySelectorAll('.leaflet-cm-land-pane path').length,
                notice: document.querySelector('.cm-notice').hidden ? '' : document.querySelector('.cm-notice').textContent,
            })"""
        )
        assert run.page_errors == []
        asked = run.blocked_urls()
    assert state["land"] != "none" and state["fills"] == 2
    assert "needs the network" in state["notice"]
    assert asked and all("arcgisonline.com" in url for url in asked)  # only once chosen


def _settlements_frame(texts):
    """A small synthetic settlements frame (test data, not facts) next to the M4."""
    import geopandas as gpd
    from shapely.geometry import Point

    model = corridor.load().model
    rows = []
    for i, (km, name, ar) in enumerate(texts):
        lon, lat = model.route.point_at(km)
        rows.append(
            {
                "name": name,
                "name_ar": ar,
                "geonames_id": 9_000_000 + i,
                "population": 1000 + i,
                "feature_code": "PPL",
                "chainage_km": km,
                "side": "north",
                "in_corridor": True,
                "border_km": 20.0,
                "district": "Ariha",
                "governorate": "Idlib",
                "geometry": Point(lon, lat + 0.01),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def test_village_names_appear_as_you_zoom_in_in_latin_and_arabic(browser, tmp_path):
    hostile = hostile_strings()[0]
    layers = corridor.load()
    layers.settlements = _settlements_frame(
        [(95.0, "Testville", "قرية"), (97.0, hostile, hostile), (93.0, "Nameless", "")]
    )
    html = map_html(layers)
    path = tmp_path / "villages.html"
    path.write_text(html, encoding="utf-8")
    names = """() => Array.from(document.querySelectorAll('.leaflet-tooltip.cm-settle'))
        .filter((t) => getComputedStyle(t).display !== 'none' && t.getBoundingClientRect().width > 0)
        .map((t) => Array.from(t.querySelectorAll('span span')).map((s) => [s.textContent, s.lang || '']))"""
    with open_page(browser, path, viewport=VIEW) as run:
        at_first = run.evaluate(names)
        run.evaluate(
            """() => { const m = window[document.querySelector('.folium-map').id];
                const T = corridorMap.data.settlements;
                const i = T.name.indexOf('Testville');
                m.setView([T.lat[i], T.lon[i]], 12, {animate: false}); }"""
        )
        run.page.wait_for_timeout(300)
        close = run.evaluate(names)
        popup = run.evaluate(
            """() => { const T = corridorMap.data.settlements;
                const dot = corridorMap.layers.settlements.cmDots[T.name.indexOf('Testville')];
                dot.openPopup(); return dot.getPopup().getElement().textContent; }"""
        )
        pwned = run.evaluate("() => typeof window.__pwned")
        assert run.page_errors == [] and run.dialogs == []
    assert at_first == []
    shown = {tuple(map(tuple, name)) for name in close}
    assert (("Testville", ""), ("قرية", "ar")) in shown
    assert (("Nameless", ""),) in shown
    # A hostile name is shown as the text it is, in both scripts' slots.
    assert ((hostile, ""), (hostile, "ar")) in shown
    assert "Settlement" in popup and "GeoNames 9000000" in popup and "Ariha, Idlib" in popup
    assert pwned == "undefined"
