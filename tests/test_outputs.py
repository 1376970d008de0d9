"""The GeoJSON writer: chunked equals unchunked, and an empty layer is valid."""

import json

import geopandas as gpd

import corridor
from corridor.export import geojson


def test_chunked_geojson_is_the_same_text(monkeypatch):
    events = corridor.load().events
    whole = geojson.geojson_text(events)
    monkeypatch.setattr(geojson, "CHUNK_ROWS", 7)
    assert geojson.geojson_text(events) == whole
    data = json.loads(whole)
    assert len(data["features"]) == len(events)
    back = gpd.GeoDataFrame.from_features(data["features"], crs=4326)
    assert list(back.id) == list(events.id)
    assert back.geometry.x.round(7).tolist() == events.geometry.x.round(7).tolist()


def test_empty_layer_is_valid_geojson():
    empty = corridor.load().patrols.iloc[:0]
    assert json.loads(geojson.geojson_text(empty)) == {"type": "FeatureCollection", "features": []}
