"""corridor.gpkg: GeoPackage 1.3, real booleans, descriptions, study-area extents, QGIS styles, same bytes."""

from __future__ import annotations

import hashlib
import sqlite3
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

import corridor
from corridor.events.tagging import STUDY_AREA_KM
from corridor.export.gpkg import DESCRIPTIONS
from corridor.export.qgis import TEMPLATES, layer_qml
from corridor.webmap.style import PALETTE


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("gpkg")
    result = corridor.build(out)
    return out / "corridor.gpkg", result


def test_version_is_one_gdal_3_6_reads_without_warning(built):
    path, _ = built
    with sqlite3.connect(path) as db:
        (user_version,) = db.execute("PRAGMA user_version").fetchone()
        (application_id,) = db.execute("PRAGMA application_id").fetchone()
    assert application_id == 0x47504B47  # "GPKG"
    assert user_version == 10300


def test_booleans_are_geopackage_booleans(built):
    path, _ = built
    for layer, columns in {
        "events": ("in_corridor", "in_study_area"),
        "places": ("derived",),
        "corridor": ("clipped_to_syria",),
    }.items():
        info = pyogrio.read_info(path, layer=layer)
        subtypes = dict(zip(info["fields"], info["ogr_subtypes"], strict=True))
        for column in columns:
            assert subtypes[column] == "OFSTBoolean", (layer, column)
    with sqlite3.connect(path) as db:
        declared = {row[1]: row[2] for row in db.execute("PRAGMA table_info(events)")}
    assert declared["in_corridor"] == "BOOLEAN"


def test_every_layer_has_a_description(built):
    path, _ = built
    with sqlite3.connect(path) as db:
        rows = dict(db.execute("SELECT table_name, description FROM gpkg_contents"))
    for name, text in rows.items():
        assert text, name
        if name in DESCRIPTIONS:
            assert text == DESCRIPTIONS[name]


def test_far_rows_are_in_their_own_layers(built):
    path, result = built
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert {"places_far", "events_far", "border_full"} <= set(layers)
    places = gpd.read_file(path, layer="places")
    far = gpd.read_file(path, layer="places_far")
    assert (places.road_offset_km <= STUDY_AREA_KM).all()
    assert "moscow" in set(far["id"]) and "moscow" not in set(places["id"])
    events = gpd.read_file(path, layer="events")
    events_far = gpd.read_file(path, layer="events_far")
    assert events["in_study_area"].all() and not events_far["in_study_area"].any()
    assert len(events) + len(events_far) == len(result.events)
    # "Zoom to layer" stays on the corridor: within half a degree of the road's box.
    x0, y0, x1, y1 = gpd.read_file(path, layer="m4").total_bounds
    for name in ("places", "events", "border", "patrols", "corridor"):
        a, b, c, d = gpd.read_file(path, layer=name).total_bounds
        assert a > x0 - 0.5 and b > y0 - 0.5 and c < x1 + 0.5 and d < y1 + 0.5, name


def test_events_round_trip(built):
    path, result = built
    expected = result.events
    got = pd.concat(
        [gpd.read_file(path, layer="events"), gpd.read_file(path, layer="events_far")]
    ).set_index("id")
    expected = expected.set_index("id").loc[got.index]
    assert len(got) == len(expected) == len(result.events)
    for column in ("kind", "outcome", "date", "description", "side"):
        a = expected[column].astype(object).where(expected[column].notna(), None)
        b = got[column].astype(object).where(got[column].notna(), None)
        assert list(a) == list(b), column
    assert list(got["in_corridor"].astype(bool)) == list(expected["in_corridor"].astype(bool))
    np.testing.assert_allclose(got.geometry.x, expected.geometry.x, atol=1e-9)
    np.testing.assert_allclose(got.geometry.y, expected.geometry.y, atol=1e-9)


def test_every_layer_has_a_default_style(built):
    path, _ = built
    styles = pyogrio.read_dataframe(path, layer="layer_styles")
    layers = [n for n, _ in pyogrio.list_layers(path) if n != "layer_styles"]
    assert sorted(styles["f_table_name"]) == sorted(layers)
    assert styles["useAsDefault"].all()
    assert (styles["f_table_schema"] == "").all() and (styles["f_table_catalog"] == "").all()
    assert (styles["f_geometry_column"] == "geom").all()
    for qml in styles["styleQML"]:
        ET.fromstring(qml)  # well-formed


def test_styles_use_the_web_map_palette():
    corridor_qml = layer_qml("corridor")
    for key in ("north_fill", "south_fill", "cut"):
        hexcode = PALETTE[key].lstrip("#")
        rgb = ",".join(str(int(hexcode[i : i + 2], 16)) for i in (0, 2, 4))
        assert f'value="{rgb},255"' in corridor_qml, key
    events = ET.fromstring(layer_qml("events"))
    rules = {r.get("key"): r.get("filter") for r in events.iter("rule") if r.get("key")}
    assert set(rules) == {"imported", "patrol_done", "patrol_cut", "attack", "protest", "other"}
    assert rules["other"] == "ELSE"
    names = {
        s.get("name"): [o.get("value") for o in s.iter("Option") if o.get("name") == "name"]
        for s in events.iter("symbol")
    }
    assert names["2"] == ["triangle"] and names["3"] == ["square"] and names["4"] == ["diamond"]
    for layer in TEMPLATES:
        ET.fromstring(layer_qml(layer))


def test_geopackage_is_byte_identical_across_builds(built, tmp_path):
    path, _ = built
    corridor.build(tmp_path)
    a = hashlib.sha256(path.read_bytes()).hexdigest()
    b = hashlib.sha256((tmp_path / "corridor.gpkg").read_bytes()).hexdigest()
    assert a == b


def test_events_from_the_shared_arrow_table_are_the_frames_bytes(tmp_path):
    # The build writes the events layers from the GeoParquet's Arrow table (ArrowLayer); the same
    # layers written from the frames by pyogrio's write_dataframe must give the same file.
    from corridor.export.gpkg import study_area_layers, write_gpkg
    from corridor.export.tables import events_arrow
    from test_webmap import write_hostile

    layers = corridor.load(events=[write_hostile(tmp_path / "rows.csv", ["a", 'b "q"', "=c"])])
    frames = {"m4": layers.route, "events": layers.events}
    plain = study_area_layers(frames, border_reach_km=10.0)
    shared = study_area_layers(
        frames, border_reach_km=10.0, arrow={"events": events_arrow(layers.events)}
    )
    assert [type(v).__name__ for v in shared.values()] == [
        "GeoDataFrame",
        "ArrowLayer",
        "ArrowLayer",
    ]
    assert len(shared["events_far"]) == len(plain["events_far"]) > 0
    write_gpkg(tmp_path / "plain.gpkg", plain)
    write_gpkg(tmp_path / "shared.gpkg", shared)
    assert (tmp_path / "plain.gpkg").read_bytes() == (tmp_path / "shared.gpkg").read_bytes()
