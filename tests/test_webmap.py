"""corridor.webmap.page without a browser: the page is self-contained, deterministic, small, and what it
draws agrees with the model; untrusted text stays text (the browser half is test_webmap_browser.py).
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import re
from pathlib import Path

import numpy as np
import pytest

import corridor
from corridor._errors import InputError
from corridor.geo.border import distance_to_border_m
from corridor.geo.geodesy import distance_m
from corridor.webmap.offline import external_references
from corridor.webmap.page import MAX_IMPORTED_DRAWN, build_map, map_html, script_json
from test_safe import hostile_strings

ACLED_HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
]
_ACLED_TYPES = [
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Battles", "Armed clash"),
    ("Protests", "Peaceful protest"),
    ("Strategic developments", "Other"),
]


def write_acled(path: Path, n: int, *, seed: int = 1, note_chars: int = 180) -> Path:
    """Write ``n`` synthetic ACLED rows scattered along the modelled M4 (test data, not facts)."""
    model = corridor.load().model
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_HEADER)
        for i in range(n):
            lon, lat = model.route.point_at(rng.uniform(0, model.route.length_km))
            lon, lat = lon + rng.gauss(0, 0.05), lat + rng.gauss(0, 0.05)
            event_type, sub_type = _ACLED_TYPES[i % len(_ACLED_TYPES)]
            date = f"{rng.randint(2017, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            note = f"Synthetic event {i}: " + "x" * note_chars
            writer.writerow(
                [
                    f"SYN{i}",
                    date,
                    date[:4],
                    1,
                    event_type,
                    sub_type,
                    "Actor A",
                    "Actor B",
                    "Idleb",
                    f"Village {i % 300}",
                    f"{lat:.4f}",
                    f"{lon:.4f}",
                    1 + i % 3,
                    "https://example.org/source",
                    note,
                    i % 3,
                ]
            )
    return path


def write_hostile(path: Path, texts: list[str]) -> Path:
    """One imported ACLED row per hostile text, the text in every free-text field."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_HEADER)
        for i, text in enumerate(texts):
            writer.writerow(
                [
                    f"H{i} {text}",
                    f"2020-05-{1 + i % 28:02d}",
                    "2020",
                    1,
                    "Protests",
                    text,
                    text,
                    text,
                    "Idleb",
                    text,
                    f"{35.8 + 0.002 * i:.4f}",
                    f"{36.3 + 0.01 * i:.4f}",
                    1,
                    text,
                    text,
                    0,
                ]
            )
    return path


_DATA = re.compile(r'<script type="application/json" id="cm-data-[^"]+">(.*?)</script>', re.DOTALL)


def page_data(html: str) -> dict:
    """The map's JSON data block, parsed as the browser does."""
    found = _DATA.findall(html)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture(scope="module")
def layers():
    return corridor.load()


@pytest.fixture(scope="module")
def html(layers):
    return map_html(layers)


@pytest.fixture(scope="module")
def data(html):
    return page_data(html)


# --- The page as a whole --------------------------------------------------------------------------


def test_page_loads_nothing_from_the_network(html):
    assert external_references(html) == []
    # Tiles are URL templates for Leaflet, not markup: the only remote addresses left.
    hosts = set(re.findall(r"https://([a-z0-9.{}-]+)/", html.split("</script>")[-1]))
    assert hosts <= {
        "tile.openstreetmap.org",
        "{s}.tile.opentopomap.org",
        "server.arcgisonline.com",
    }


def test_same_inputs_give_a_byte_identical_page(layers, html):
    assert map_html(layers) == html
    again = corridor.load()
    assert map_html(again) == html
    # The notebook path renders the folium map itself; it is numbered the same way every time.
    assert build_map(layers).get_root().render() == build_map(layers).get_root().render()


def test_folium_ids_are_numbered_not_random(html):
    assert not re.search(r"_[0-9a-f]{32}\b", html)
    assert re.search(r'class="folium-map" id="map_\d+"', html)


def test_catalogue_page_is_small(html):
    size = len(html.encode("utf-8"))
    assert 400_000 < size <= 1_500_000
    # Nothing the map does not use is inlined (jQuery, Bootstrap, icon fonts, timedimension).
    for unused in ("jquery@", "bootstrap@", "awesome-markers", "leaflet-timedimension", "moment@"):
        assert f"/* {unused}" not in html


def test_layer_menu_lists_every_layer_once(html, layers):
    block = re.search(r"overlays :\s*\{(.*?)\},\s*\};", html, re.DOTALL).group(1)
    names = [json.loads(n) for n in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', block)]
    counts = layers.events[layers.events["origin"] == "catalogue"]
    in_area = counts[counts["in_study_area"]]
    assert names[:4] == [
        "Syria and Turkey (outlines)",
        "Corridor, north half (Turkish side while in force)",
        "Corridor, south half (Russian side while in force)",
        "Corridor outside Syria (cut off)",
    ]
    assert "Turkey–Syria border" in names
    assert "30 km from the border (25–35 km band)" in names
    assert f"Attacks ({(in_area['kind'] == 'attack').sum()})" in names
    # 17 overlays, and the villages when the layers carry settlements.
    settlements = getattr(layers, "settlements", None)
    with_villages = settlements is not None and len(settlements) > 0
    assert len(names) == len(set(names)) == 17 + with_villages
    bases = re.search(r"base_layers :\s*\{(.*?)\},", html, re.DOTALL).group(1)
    assert [json.loads(n) for n in re.findall(r'("[^"]*")\s*:', bases)] == [
        "Plain background (in the file, offline)",
        "OpenStreetMap (needs the network)",
        "Topographic, OpenTopoMap (needs the network)",
        "Satellite, Esri World Imagery (needs the network)",
    ]
    # The road coloured by its distance to the border starts off: one reading of the road at once.
    shown = re.findall(r"var (\w+) = corridorMap\.layer\(\"(\w+)\"\);", html)
    added = set(re.findall(r"(\w+)\.addTo\(map_\d+\);", html))
    assert {key for var, key in shown if var not in added} == {"judge"}


def test_minimap_draws_from_the_file_and_names_no_tile_server(data, html):
    mini = data["mini"]
    assert set(mini) == {"syria", "turkey", "corridor", "border", "road"}
    assert all(mini[k] for k in mini)
    # The only tile addresses are the three basemaps a reader may choose, each under its name.
    assert html.count("tile.openstreetmap.org") == 1
    assert "corridorMap.minimapOptions(" in html


def test_page_declares_its_language(html):
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')


def test_attribution_names_the_data_and_basemaps(html, data):
    assert "© OpenStreetMap contributors" in data["attribution"]
    assert "ODbL" in data["attribution"]
    assert "GeoNames" in data["attribution"]
    assert "CC BY 4.0" in data["attribution"]
    assert "OpenTopoMap" in html
    assert "Esri" in html


# --- What is drawn agrees with the model ---------------------------------------------------------


def test_view_is_the_corridor_not_moscow(data, layers):
    (south, west), (north, east) = data["bounds"]
    x0, y0, x1, y1 = layers.corridor.total_bounds
    assert west < x0 and east > x1 and south < y0 and north > y1
    assert east - west < 1.5  # Moscow and Ankara would stretch it to tens of degrees


def test_events_far_away_are_listed_not_drawn(data, layers):
    catalogue = layers.events[layers.events["origin"] == "catalogue"]
    far = catalogue[~catalogue["in_study_area"]]
    assert len(data["elsewhere"]["items"]) == len(far) > 0
    assert len(data["events"]) == len(catalogue) - len(far)
    assert "Moscow" in data["elsewhere"]["note"] and "Ankara" in data["elsewhere"]["note"]
    drawn_names = {p["name"] for p in data["places"]}
    assert {"Moscow", "Ankara"}.isdisjoint(drawn_names)
    assert {"Tronba", "Ain al-Hawr", "Saraqib", "Latakia"} <= drawn_names


def test_event_groups_follow_kind_and_outcome(data, layers):
    groups = [e["g"] for e in data["events"]]
    catalogue = layers.events[(layers.events["origin"] == "catalogue")]
    in_area = catalogue[catalogue["in_study_area"]]
    patrols = in_area[in_area["kind"].isin(["joint_patrol", "unilateral_patrol"])]
    done = patrols["outcome"].isin(["completed", "conducted", "full_route", "extended_route"])
    assert groups.count("patrol_done") == done.sum()
    assert groups.count("patrol_cut") == (~done).sum()
    assert groups.count("attack") == (in_area["kind"] == "attack").sum()
    assert groups.count("protest") == (in_area["kind"] == "protest").sum()


def test_patrols_are_drawn_west_to_east_so_their_lane_is_north(data, layers):
    model = layers.model
    lines = [e["line"] for e in data["events"] if "line" in e]
    assert len(lines) == len(layers.patrols)
    for line in lines:
        (lat0, lon0), (lat1, lon1) = line[0], line[-1]
        km, _ = model.route.locate(np.array([lon0, lon1]), np.array([lat0, lat1]))
        assert km[0] < km[1]


def test_events_sharing_a_place_are_fanned_out(data):
    by_place: dict[tuple, list] = {}
    for e in data["events"]:
        by_place.setdefault(tuple(e["ll"]), []).append(tuple(e["o"]))
    crowded = max(by_place.values(), key=len)
    assert len(crowded) > 5
    assert len(set(crowded)) == len(crowded)


def test_road_segments_and_kilometre_marks(data, layers):
    assert len(data["road"]) == len(layers.route)
    dashes = {seg["dash"] for seg in data["road"]}
    assert None in dashes and len(dashes) >= 2  # solid where sure, dashed where not
    marks = data["km"]
    assert [m[2] for m in marks] == list(range(0, int(layers.model.route.length_km) + 1, 10))
    lon, lat = layers.model.route.point_at(50.0)
    assert distance_m(marks[5][1], marks[5][0], lon, lat) < 2


def test_closest_approach_matches_the_border_check(data, layers):
    check = layers.model.border_check
    closest = [link for link in data["links"] if link["min"]]
    assert len(closest) == 1
    (rlat, rlon), (blat, blon) = closest[0]["road"], closest[0]["border"]
    assert distance_m(rlon, rlat, blon, blat) == pytest.approx(check.m4_min_km * 1000, abs=5)
    assert closest[0]["label"] == f"Road closest to the border {check.m4_min_km:.1f} km"
    # Each other connection really is the shortest: its length is the border distance of its
    # road point, within the 1 m rounding of the coordinates.
    for link in data["links"]:
        (rlat, rlon), (blat, blon) = link["road"], link["border"]
        shortest, _, _ = distance_to_border_m(
            layers.model.border.line, np.array([rlon]), np.array([rlat])
        )
        assert distance_m(rlon, rlat, blon, blat) == pytest.approx(shortest[0], abs=5)
    # Bdama is within 5 km of the closest point: folded into it, not drawn twice.
    assert len(data["links"]) >= 5
    assert "near Bdama" in json.dumps(closest[0]["info"], ensure_ascii=False)


def test_road_colour_agrees_with_the_border_distance(data, layers):
    check = layers.model.border_check
    ranges = {"closer": (0, 25), "holds": (25, 35), "farther": (35, 1e9)}
    total = 0.0
    for run in data["judge"]:
        line = np.array(run["ll"])
        km, _ = layers.model.route.locate(line[:, 1], line[:, 0])
        total += km[-1] - km[0]
        inner = (km > km[0] + 0.6) & (km < km[-1] - 0.6)
        dist = np.interp(km[inner], check.profile_km, check.profile_border_km)
        lo, hi = ranges[run["cls"]]
        assert ((dist >= lo - 0.01) & (dist <= hi + 0.01)).all(), run["cls"]
    assert total == pytest.approx(layers.model.route.length_km, abs=0.05)
    held = [r for r in data["judge"] if r["cls"] == "holds"]
    assert len(held) == len(check.verdict_details["holds_on"])


@pytest.mark.parametrize("km", [25, 30, 35])
def test_distance_lines_are_their_distance_from_the_border(data, layers, km):
    line = np.array([p for part in data["line30"][str(km)] for p in part])
    assert len(line) > 20
    dist, _, _ = distance_to_border_m(layers.model.border.line, line[:, 1], line[:, 0])
    # Drawn in the conformal projection from the border simplified by 100 m, then simplified by
    # 25 m: within 60 m, as distances.BORDER_DRAW_SIMPLIFY_M states (58 m measured).
    assert np.abs(dist / 1000 - km).max() < 0.060


def test_derived_places_carry_their_uncertainty(data, layers):
    derived = layers.places[layers.places["derived"]]
    drawn = {p["name"]: p for p in data["places"]}
    for row in derived.itertuples():
        assert drawn[row.name]["derived"] is True
        assert drawn[row.name]["unc"] == round(row.uncertainty_m)
    assert drawn["Latakia"]["unc"] == 0  # a gazetteer position gets no circle


def test_corridor_halves_and_the_cut_part(data, layers):
    for side in ("north", "south", "cut"):
        rings = data["corridor"][side]["rings"]
        assert rings and len(rings[0][0]) > 20
    assert "Turkey" in data["corridor"]["north"]["info"]["t"]
    assert "Russia" in data["corridor"]["south"]["info"]["t"]
    assert "cut off" in data["corridor"]["cut"]["info"]["t"]


def test_catalogue_popups_have_source_links(data):
    patrol = next(e for e in data["events"] if e["info"]["foot"] == "2020-03-15-joint-patrol-1")
    rows = dict(patrol["info"]["rows"])
    by_source = rows["Outcome by source"]
    assert [label for label, _ in by_source] == [
        "Turkish MoD: completed",
        "Russian MoD: cut short",
    ]
    assert all(url.startswith("https://") for _, url in patrol["info"]["src"])


def test_links_are_http_only():
    from corridor.webmap.convert import links as _links

    assert _links([("a", "https://x.org/p"), ("b", "javascript:alert(1)"), ("c", "//evil")]) == [
        ["a", "https://x.org/p"],
        ["b", None],
        ["c", None],
    ]


# --- Untrusted text -------------------------------------------------------------------------------


def test_script_json_round_trips_and_hides_markup_and_templates():
    texts = [*hostile_strings(), "a{b}c", "}}{{", "</SCRIPT>", "\u2028\u2029", "//host"]
    value = {"texts": texts, "nested": [{"t": t, "n": 1.5} for t in texts], "x": None}
    text = script_json(value)
    assert json.loads(text) == value
    for forbidden in ("<", ">", "&", "\u2028", "\u2029", "//", "{{", "{%", "{#", "}}"):
        assert forbidden not in text


def test_script_json_is_the_text_of_one_regular_expression_pass():
    """The per-character replaces and the unrolled string pattern give the text the simple
    forms gave: braces escaped inside strings only, then the six characters everywhere."""
    texts = [*hostile_strings(), 'a{b}"c\\', '\\"{', "}}{{", "</SCRIPT>", "\u2028", "//h"]
    value = {"texts": texts, "nested": [{"t{": t, "n": [1.5, {}]} for t in texts]}
    plain = json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
    )
    braces = re.sub(
        r'"(?:[^"\\]|\\.)*"',
        lambda m: m.group().replace("{", "\\u007b").replace("}", "\\u007d"),
        plain,
    )
    escapes = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "/": "\\/"}
    escapes |= {"\u2028": "\\u2028", "\u2029": "\\u2029"}
    expected = re.sub("[<>&/\u2028\u2029]", lambda m: escapes[m.group()], braces)
    assert script_json(value) == expected


def test_script_json_rejects_what_json_cannot_hold():
    with pytest.raises(ValueError, match="Out of range"):
        script_json([math.nan])
    with pytest.raises(TypeError):
        script_json({"x": object()})


@pytest.fixture
def clean_environ(monkeypatch):
    """A Jinja payload that ran would set CORRIDOR_PWNED; undo it after the test."""
    monkeypatch.setenv("CORRIDOR_PWNED", "placeholder")
    monkeypatch.delenv("CORRIDOR_PWNED")


def test_hostile_imported_text_stays_text(tmp_path, clean_environ):
    texts = hostile_strings()
    imported = corridor.load(events=[write_hostile(tmp_path / "hostile.csv", texts)])
    assert len(imported.events) - len(corridor.load().events) == len(texts)
    html = map_html(imported)
    assert "CORRIDOR_PWNED" not in os.environ, "a Jinja payload ran while the map was built"
    assert external_references(html) == []
    # The data block gives the browser back every text exactly.
    columns = page_data(html)["imported"]
    strings = columns["s"]
    assert columns["c"]["desc"] == texts
    assert [strings[i] for i in columns["c"]["actor1"]] == texts
    assert [strings[i] for i in columns["c"]["source"]] == texts
    # Outside the data block, none of the payloads appears raw.
    outside = _DATA.sub("", html)
    for text in texts:
        if len(text) > 12 and any(c in text for c in "<>{}$`"):
            assert text not in outside, text
    assert "<img src=x onerror" not in html  # only ever as \u003cimg, inside JSON strings
    assert "{{ 7*7 }}" not in html


def test_names_from_files_never_reach_the_layer_menu(tmp_path):
    path = write_hostile(tmp_path / "{{ 7*7 }}<b>.csv", ["x"])
    html = map_html(corridor.load(events=[path]))
    block = re.search(r"overlays :\s*\{(.*?)\},\s*\};", html, re.DOTALL).group(1)
    assert "Imported events (1, clustered)" in block
    assert "<b>" not in block and "{{" not in block and "49" not in block


# --- Imported events at scale ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = write_acled(tmp_path_factory.mktemp("acled") / "acled.csv", 10_000)
    return corridor.load(events=[path])


def test_ten_thousand_imported_events_fit_in_eight_megabytes(big):
    html = map_html(big)
    size = len(html.encode("utf-8"))
    assert size <= 8_000_000
    columns = page_data(html)["imported"]
    assert columns["n"] == len(columns["lat"]) == len(columns["c"]["desc"])
    in_area = big.events[(big.events["origin"] != "catalogue") & big.events["in_study_area"]]
    assert columns["n"] == len(in_area) > 9_000
    print(f"\n10k imported events: {size:,} bytes")


def test_only_the_most_recent_imported_events_are_drawn_past_the_cap(big):
    html = map_html(big, max_imported=250)
    data = page_data(html)
    columns = data["imported"]
    assert columns["n"] == 250
    drawn = {columns["s"][i] for i in columns["c"]["date"]}
    imported = big.events[(big.events["origin"] != "catalogue") & big.events["in_study_area"]]
    left_out = set(imported["date"]) - drawn
    assert min(drawn) >= max(left_out)
    assert f"only the 250 most recent of {len(imported):,}" in html
    assert MAX_IMPORTED_DRAWN >= 10_000


def test_imported_events_outside_the_study_area_are_counted_not_drawn(tmp_path):
    path = tmp_path / "far.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "latitude", "longitude", "description"])
        writer.writerow(["2021-01-02", "33.51", "36.29", "Damascus"])
        writer.writerow(["2021-01-03", "35.80", "36.60", "near Ariha"])
    html = map_html(corridor.load(events=[path]))
    columns = page_data(html)["imported"]
    assert columns["c"]["desc"] == ["near Ariha"]
    assert "1 farther than 25 km from the road are not drawn" in html


def test_imported_descriptions_are_shortened_and_flagged(tmp_path):
    path = write_acled(tmp_path / "long.csv", 3, note_chars=1_000)
    columns = page_data(map_html(corridor.load(events=[path])))["imported"]["c"]
    assert all(len(d) == 300 for d in columns["desc"])
    assert columns["cut"] == [1, 1, 1]


def test_negative_cap_is_an_input_error(layers):
    with pytest.raises(InputError, match="max_imported"):
        build_map(layers, max_imported=-1)


# --- Claims ---------------------------------------------------------------------------------------


def test_claims_are_drawn_where_they_apply(layers):
    claims = [
        {
            "claim_id": "000-thirty",
            "outlet": "Somewhere",
            "claim": "about 30 km from the border",
            "verdict": "partly",
            "evidence": "holds on two stretches",
            "where": {"kind": "stretches", "chainage_km": [[10, 19], [75, 101]]},
        },
        {
            "claim_id": "001-tronba",
            "outlet": "Protocol",
            "claim": "Tronba is 2 km west of Saraqib",
            "verdict": "supported",
            "evidence": {"stated": "2 km", "model": "2.0 km"},
            "where": {"place": "Trumba"},
        },
        {
            "claim_id": "002-tronba-again",
            "outlet": "Elsewhere",
            "claim": "Tronba lies somewhere else",
            "verdict": "contradicted",
            "where": {"kind": "point", "lon": 36.76833, "lat": 35.85979},  # Tronba (GeoNames)
        },
        {"claim_id": "003", "claim": "no place", "verdict": "not_checkable", "where": None},
        {
            "claim_id": "004-patrol",
            "outlet": "Agency",
            "claim": "the first patrol was completed",
            "verdict": "partly",
            "where": {"kind": "event", "event_id": "2020-03-15-joint-patrol-1"},
        },
    ]
    data = page_data(map_html(layers, claims=claims))
    checks = data["checks"]
    lanes = [c for c in checks if "lane" in c]
    assert [c["verdict"] for c in lanes] == ["partly", "partly"]
    first = np.array(lanes[0]["ll"])
    km, _ = layers.model.route.locate(first[:, 1], first[:, 0])
    assert km[0] == pytest.approx(10, abs=0.01) and km[-1] == pytest.approx(19, abs=0.01)
    # Two claims at Tronba's position: one feature listing both, coloured as a disagreement.
    points = [c for c in checks if c["type"] == "point"]
    assert len(points) == 1
    assert points[0]["ll"] == next(p["ll"] for p in data["places"] if p["name"] == "Tronba")
    assert [s["foot"] for s in points[0]["info"]["sections"]] == ["001-tronba", "002-tronba-again"]
    assert points[0]["verdict"] == "mixed"
    # A claim about an event is shown in that event's popup; no model checks are drawn.
    patrol = next(e for e in data["events"] if e["info"]["foot"] == "2020-03-15-joint-patrol-1")
    assert [s["foot"] for s in patrol["info"]["sections"]] == ["004-patrol"]
    assert len(checks) == 3
    with pytest.raises(InputError, match="Nowhere"):
        map_html(layers, claims=[{"claim": "x", "where": {"place": "Nowhere"}}])


def test_checked_claims_of_the_claims_module_are_placed(layers):
    claims_module = pytest.importorskip("corridor.claims.check")
    claims = claims_module.claims_document(claims_module.check_claims(layers.model))
    data = page_data(map_html(layers, claims=claims))
    placed = [s["foot"] for c in data["checks"] for s in c["info"]["sections"]]
    expected = [c["claim_id"] for c in claims if c["where"] and c["where"]["kind"] != "event"]
    assert sorted(set(placed)) == sorted(expected)
    about_events = [
        s["foot"]
        for e in [*data["events"], *(i for i in data["elsewhere"]["items"])]
        for s in e["info"].get("sections", [])
    ]
    assert sorted(about_events) == sorted(
        c["claim_id"] for c in claims if c["where"] and c["where"]["kind"] == "event"
    )


def test_without_claims_the_model_shows_width_and_no_placement_rule(data, layers):
    # Both ends of the section (Tronba, Ain al-Hawr) are gazetteer points now, so no line shows a
    # position derived from a reference place; only the width bar is drawn.
    [width] = data["checks"]
    assert width["label"] == "Corridor 6 km + 6 km"
    (lat0, lon0), (lat1, lon1) = width["ll"][0], width["ll"][-1]
    assert distance_m(lon0, lat0, lon1, lat1) == pytest.approx(12_000, rel=0.002)
    assert not layers.places.set_index("id").loc[["tronba", "ain-al-hawr"], "derived"].any()


def test_runtime_script_can_sit_inside_a_script_element():
    from corridor.webmap.style import css, runtime_js

    for text in (runtime_js(), css("map_1")):
        assert "</script" not in text.lower() and "<!--" not in text
    assert "innerHTML" not in runtime_js()


def test_script_and_stylesheet_are_package_files_inlined_whole(html):
    """runtime.js and map.css are read from the package and go into the page unchanged but for
    their header comment and the values the stylesheet takes from the palette."""
    from importlib import resources

    from corridor.webmap.style import PALETTE, css, runtime_js

    folder = resources.files("corridor.webmap")
    scripts = [
        folder.joinpath(name).read_text(encoding="utf-8")
        for name in ("dom.js", "layout.js", "runtime.js")
    ]
    sheet = folder.joinpath("map.css").read_text(encoding="utf-8")
    # Each file goes in whole but for its header comment, helpers first.
    bodies = [text[text.index("*/") + 2 :].lstrip("\n") for text in scripts]
    assert all(text.startswith("/*") for text in scripts)
    assert runtime_js() == "".join(bodies)
    assert "function corridorMapRuntime(map, D)" in bodies[2]
    assert "function corridorMapDom(POPUP)" in bodies[0]
    assert f"<script>\n{runtime_js()}</script>" in html
    map_id = re.search(r'<div class="folium-map" id="(map_\w+)" ', html).group(1)
    assert f"<style>\n{css(map_id)}</style>" in html
    # Every placeholder of the stylesheet is filled; none is left for the browser to ignore.
    filled = css(map_id)
    assert "var(--cm-" in sheet and "var(--cm-" not in filled
    assert "#cm-map" in sheet and "#cm-map" not in filled
    assert f"background: {PALETTE['background']}" in filled
    assert filled.count(".cm-ev-") >= 6 and "/* cm-event-symbols */" not in filled


def test_each_line_kind_has_its_own_look_in_the_legend(html):
    """The shortest way to the border and disagreeing claims must not read as the same line."""
    from corridor.webmap.style import CLAIM_DASH, LINK_DASH, PALETTE

    rows = {
        text: svg
        for svg, text in re.findall(r"(<svg[^>]*>.*?</svg>)(?:<span>)?([^<]+)", html)
        if text.strip()
    }
    link = rows["Shortest way from the road to the border"]
    assert f'stroke-dasharray="{LINK_DASH}"' in link and PALETTE["link"] in link
    assert LINK_DASH != CLAIM_DASH and PALETTE["link"] != PALETTE["mixed"]


def test_claims_disagreeing_at_one_place_are_drawn_apart_from_the_links(layers):
    from corridor.webmap.data import map_data

    claims = [
        {"claim_id": "a", "claim": "x", "verdict": "supported", "where": {"place": "tronba"}},
        {"claim_id": "b", "claim": "y", "verdict": "contradicted", "where": {"place": "tronba"}},
    ]
    data, _facts, _ = map_data(layers, claims=claims)
    assert [c["verdict"] for c in data["checks"]] == ["mixed"]
    assert data["style"]["mixed"] != data["style"]["link"]
    assert data["link_dash"] != "1 4"


def test_settlements_go_in_as_columns_and_their_sources_stay_inert(layers):
    import geopandas as gpd
    from shapely.geometry import Point

    from corridor.webmap.data import map_data

    hostile = '<img src=x onerror="window.__pwned=1">'
    lon, lat = layers.model.route.point_at(90.0)
    frame = gpd.GeoDataFrame(
        {
            "name": ["B-village", "A-village", "Empty"],
            "name_ar": ["ب", "أ|ا", None],
            "geonames_id": [1.0, 2.0, None],
            "population": [10, 20, None],
            "feature_code": ["PPL", "PPL", "PPL"],
            "chainage_km": [91.0, 90.0, 89.5],
            "side": ["north", "south", "north"],
            "in_corridor": [True, False, None],
            "border_km": [20.0, 21.0, None],
            "district": ["Ariha"] * 3,
            "governorate": ["Idlib"] * 3,
            "source": [hostile, "GeoNames", "GeoNames"],
            "source_url": ["javascript:alert(1)", "https://www.geonames.org/2", None],
            "geometry": [Point(lon, lat), Point(lon + 0.01, lat), Point(lon, lat - 0.01)],
        },
        crs="EPSG:4326",
    )
    with_villages = type(layers)(**vars(layers))
    with_villages.settlements = frame
    data, facts, layer_list = map_data(with_villages)
    towns = data["settlements"]
    assert towns["n"] == 3
    assert towns["name"] == ["Empty", "A-village", "B-village"]  # by chainage
    assert towns["name_ar"] == ["", "أ", "ب"]  # the first of the variants
    assert towns["gid"] == ["", "2", "1"] and towns["pop"] == [0, 20, 10]
    assert towns["inc"] == [0, 0, 1]
    urls = [towns["s"][i] if i >= 0 else "" for i in towns["source_url"]]
    assert urls == ["", "https://www.geonames.org/2", ""]  # javascript: dropped
    assert hostile not in data["attribution"] and "&lt;img" in data["attribution"]
    assert facts["settlements"] == 3
    assert any(key == "settlements" for key, _name, _shown in layer_list)
    # Without settlements nothing of them is drawn.
    without = type(layers)(**vars(layers))
    without.settlements = None
    assert map_data(without)[0]["settlements"] == {"n": 0}


def test_map_loads_four_folium_plugins_and_shares_them_with_folium_plugins():
    """Drawing the map loads only the plugin modules it uses; a later ``import folium.plugins``
    gets the very same classes (no second copies), and its other plugins still work."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from corridor.webmap import page, plugins\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('folium.plugins'))\n"
        "assert loaded == ['folium.plugins.fullscreen', 'folium.plugins.marker_cluster', "
        "'folium.plugins.measure_control', 'folium.plugins.minimap'], loaded\n"
        "import folium.plugins\n"
        "assert folium.plugins.MiniMap is plugins.MiniMap is page._MiniMap.__mro__[1]\n"
        "assert folium.plugins.MarkerCluster is plugins.MarkerCluster\n"
        "from folium.plugins.fullscreen import Fullscreen\n"
        "assert Fullscreen is plugins.Fullscreen\n"
        "assert folium.plugins.HeatMap([[36.0, 36.5]]).get_name()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(corridor.__file__).parents[1])}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
