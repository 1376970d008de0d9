"""The writers: chunked GeoJSON equals unchunked, and a failing background writer is an error."""

import json

import geopandas as gpd
import pytest

import corridor
from corridor._errors import OutputError
from corridor.export import background, geojson


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


def fail(path):
    msg = f"disk full writing {path}"
    raise OSError(msg)


def test_background_failure_is_reported(tmp_path):
    with (
        pytest.raises(OutputError, match="disk full"),
        background.in_background(fail, tmp_path / "x"),
    ):
        pass


def test_background_work_is_done_when_the_block_ends(tmp_path):
    target = tmp_path / "written.txt"
    with background.in_background(target.write_text, "done"):
        pass
    assert target.read_text() == "done"


def nothing():
    pass


def test_worker_runs_its_job_and_reports_failure(tmp_path):
    target = tmp_path / "job.txt"
    ok = background.Worker(nothing)
    ok.submit(target.write_text, "done")
    ok.wait()
    assert target.read_text() == "done"
    bad = background.Worker(nothing)
    bad.submit(fail, tmp_path / "y")
    with pytest.raises(OutputError, match="disk full"):
        bad.wait()


def test_an_unused_worker_is_stopped():
    idle = background.Worker(nothing)
    idle.close()
    assert idle._process is None or not idle._process.is_alive()
