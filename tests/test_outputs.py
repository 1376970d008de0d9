"""The GeoJSON writer: chunked equals unchunked, and an empty layer is valid."""

import json

import geopandas as gpd
import pytest

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


def reference_text(frame):
    """The GeoJSON written value by value with Python's json encoder: what the writer must equal."""
    from json.encoder import encode_basestring

    lines = []
    rows = frame.drop(columns="geometry").itertuples(index=False)
    for row, geom in zip(rows, frame.geometry, strict=True):
        props = ",".join(
            encode_basestring(k) + ":" + geojson._json_scalar(v.item() if hasattr(v, "item") else v)
            for k, v in zip(frame.columns.drop("geometry"), row, strict=True)
        )
        shape = json.dumps(geojson.geometry_json(geom), ensure_ascii=False, separators=(",", ":"))
        lines.append('{"type":"Feature","properties":{' + props + '},"geometry":' + shape + "}")
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def awkward_frame():
    """Every kind of column the layers have, with hostile text, missing values and constant runs."""
    from pathlib import Path

    import numpy as np
    import pandas as pd

    texts = (Path(__file__).parent / "hostile_strings.txt").read_text(encoding="utf-8").splitlines()
    texts += ['quote " and \\ backslash', "tab\tnew\nline\r\x00\x1f\x7f", "ترنبة", "😀", ""]
    n = 60
    rng = np.random.default_rng(7)
    pick = [texts[i % len(texts)] for i in range(n)]
    return gpd.GeoDataFrame(
        {
            "text": pd.array(pick, dtype="str"),
            "text_na": pd.array([None if i % 3 else t for i, t in enumerate(pick)], dtype="str"),
            "object_text": pd.Series(
                [None if i % 4 == 0 else t for i, t in enumerate(pick)], dtype=object
            ),
            "all_null": pd.array([None] * n, dtype="str"),
            "constant": "same for all",
            "ints": pd.array([None if i % 5 == 0 else i * 10**9 for i in range(n)], dtype="Int64"),
            "plain_ints": np.arange(n) - 30,
            "floats": np.where(np.arange(n) % 7 == 0, np.nan, rng.normal(0, 1e6, n)),
            "tiny": rng.random(n) * 1e-9,
            "Floats": pd.array([None if i % 2 else i / 3 for i in range(n)], dtype="Float64"),
            "flags": np.arange(n) % 3 == 0,
            "maybe": pd.array(
                [None if i % 4 == 1 else i % 2 == 0 for i in range(n)], dtype="boolean"
            ),
            "lists": [[i, "x"] if i % 2 else None for i in range(n)],
        },
        geometry=gpd.points_from_xy(rng.uniform(35, 37, n), rng.uniform(35, 37, n)),
        crs=4326,
    )


@pytest.mark.parametrize("chunk", [7, 50_000])
@pytest.mark.parametrize(
    ("distinct", "combined", "sample"),
    [(0.5, 0.125, 256), (0.0, 0.125, 256), (1.0, 0.0, 4), (0.0, 1.0, 4)],
    ids=["default", "joined-as-is", "coded-apart", "sampled-merged"],
)
def test_column_wise_writer_matches_pythons_encoder(monkeypatch, chunk, distinct, combined, sample):
    # Every path a column can take: coded or joined as it is, merged into runs or not, sampled.
    frame = awkward_frame()
    monkeypatch.setattr(geojson, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(geojson, "DISTINCT_SHARE", distinct)
    monkeypatch.setattr(geojson, "COMBINED_SHARE", combined)
    monkeypatch.setattr(geojson, "SAMPLE_ROWS", sample)
    text = geojson.geojson_text(frame)
    assert text == reference_text(frame)
    back = json.loads(text)["features"]
    assert [f["properties"]["text"] for f in back] == list(frame["text"])
    assert back[0]["properties"]["floats"] is None and back[1]["properties"]["ints"] == 10**9


def test_writing_to_a_file_gives_the_same_bytes(tmp_path):
    frame = awkward_frame()
    path = tmp_path / "x.geojson"
    with path.open("w", encoding="utf-8") as handle:
        geojson.write_geojson(frame, handle)
    assert path.read_bytes() == geojson.geojson_text(frame).encode("utf-8")


def test_catalogue_layers_match_pythons_encoder():
    layers = corridor.load()
    for name in ("events", "patrols", "places", "route", "corridor", "border"):
        frame = getattr(layers, name)
        assert geojson.geojson_text(frame) == reference_text(frame), name
