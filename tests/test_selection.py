"""Which imported events the feature files hold: the cap on events.geojson and corridor.gpkg."""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point
from typer.testing import CliRunner

import corridor
from corridor import pipeline
from corridor.cli import app
from corridor.events.selection import drawn, kept, kept_note
from test_webmap import write_acled


def _events(rows: list[tuple[str, bool, str | None]]) -> gpd.GeoDataFrame:
    """Rows of (origin, in_study_area, date), one point each."""
    return gpd.GeoDataFrame(
        {
            "origin": [r[0] for r in rows],
            "in_study_area": [r[1] for r in rows],
            "date": [r[2] for r in rows],
        },
        geometry=[Point(36.6 + i / 1000, 35.8) for i in range(len(rows))],
        crs="EPSG:4326",
    )


def test_under_the_cap_every_row_is_kept_near_or_far():
    events = _events([("catalogue", True, "2020-03-05"), ("a.csv", False, "2021-01-01")] * 3)
    assert kept(events, 3).all()
    assert kept(events, None).all()
    assert kept_note(events, kept(events, 3)) is None


def test_over_the_cap_study_area_first_then_newest_and_catalogue_always():
    events = _events(
        [
            ("catalogue", False, "2020-03-05"),  # 0: kept whatever the cap
            ("a.csv", False, "2024-12-01"),  # 1: far, the newest of all
            ("a.csv", True, "2020-01-01"),  # 2: near, oldest
            ("a.csv", True, "2023-05-05"),  # 3: near, newest near
            ("a.csv", True, "2021-07-07"),  # 4: near
            ("a.csv", False, "2022-02-02"),  # 5: far
            ("b.csv", True, "2023-05-05"),  # 6: near, ties with 3 (file order breaks it)
        ]
    )
    assert kept(events, 2).tolist() == [True, False, False, True, False, False, True]
    # Three places left after the near ones run out at four: the newest far row fills the fifth.
    assert kept(events, 5).tolist() == [True, True, True, True, True, False, True]
    assert np.flatnonzero(kept(events, 1)).tolist() == [0, 3]  # the tie goes to the earlier row
    note = kept_note(events, kept(events, 2))
    assert note.startswith("2 of the 6 imported events") and "events.parquet" in note


def test_the_map_draws_the_newest_in_the_study_area_only():
    events = _events(
        [
            ("a.csv", True, "2020-01-01"),
            ("a.csv", False, "2024-01-01"),
            ("a.csv", True, None),
            ("catalogue", True, "2020-03-05"),
        ]
    )
    mask, outside, inside = drawn(events, 1)
    assert mask.tolist() == [True, False, False, False]  # a missing date sorts as the oldest
    assert (outside, inside) == (1, 2)
    mask, _, _ = drawn(events, 10)
    assert mask.tolist() == [True, False, True, False]


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    """A build of 40 imported rows with the cap at 5, and one with all_events."""
    tmp = tmp_path_factory.mktemp("capped")
    acled = write_acled(tmp / "acled.csv", 40)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "MAX_IMPORTED_FEATURES", 5)
        capped = corridor.build(tmp / "capped", events=acled)
        full = corridor.build(tmp / "full", events=acled, all_events=True)
    return capped, full


def _imported(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["origin"] != "catalogue"]


def test_capped_build_keeps_the_cap_in_the_feature_files_and_every_row_in_the_tables(capped):
    result, _ = capped
    out = result.out_dir
    imported = _imported(result.events)
    assert len(imported) == 40
    geo = gpd.read_file(out / "events.geojson")
    assert len(_imported(geo)) == 5
    assert len(geo) == len(result.events) - 35  # the whole catalogue is there
    layers = {
        name: pyogrio.read_dataframe(out / "corridor.gpkg", layer=name)
        for name in ("events", "events_far")
    }
    assert sum(len(_imported(f)) for f in layers.values()) == 5
    # The five are the newest (every synthetic row lies in the study area).
    newest = sorted(imported["date"].astype(str), reverse=True)[:5]
    assert sorted(_imported(geo)["date"].astype(str), reverse=True) == newest
    assert len(_imported(pd.read_csv(out / "events.csv"))) == 40
    assert len(_imported(pd.read_parquet(out / "events.parquet"))) == 40


def test_capped_build_says_so_in_both_files_and_in_its_result(capped):
    result, _ = capped
    out = result.out_dir
    assert result.feature_note.startswith("5 of the 40 imported events")
    document = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    assert document["description"] == f"This file holds {result.feature_note}"
    assert (
        pyogrio.read_info(out / "events.geojson")["layer_metadata"]["DESCRIPTION"]
        == (document["description"])
    )
    with sqlite3.connect(out / "corridor.gpkg") as db:
        texts = dict(db.execute("SELECT table_name, description FROM gpkg_contents"))
    for layer in ("events", "events_far"):
        assert texts[layer].endswith(f"Together, events and events_far hold {result.feature_note}")
    assert result.feature_note not in texts["places"]


def test_all_events_writes_every_row_and_no_note(capped):
    _, result = capped
    assert result.feature_note is None
    assert len(_imported(gpd.read_file(result.out_dir / "events.geojson"))) == 40
    document = json.loads((result.out_dir / "events.geojson").read_text(encoding="utf-8"))
    assert "description" not in document


def test_all_events_must_be_a_boolean(tmp_path):
    with pytest.raises(corridor.OptionError, match="all_events must be True or False, not str"):
        corridor.build(tmp_path / "out", all_events="yes")
    assert not (tmp_path / "out").exists()


def test_cli_prints_the_note_and_takes_all_events(tmp_path, monkeypatch):
    acled = write_acled(tmp_path / "acled.csv", 12)
    monkeypatch.setattr(pipeline, "MAX_IMPORTED_FEATURES", 4)
    runner = CliRunner()
    args = ["build", "--out", str(tmp_path / "o"), "--events", str(acled)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "events.geojson and corridor.gpkg hold 4 of the 12 imported events" in result.output
    result = runner.invoke(app, [*args, "--all-events"])
    assert result.exit_code == 0, result.output
    assert "corridor.gpkg hold" not in result.output
    assert len(_imported(gpd.read_file(tmp_path / "o" / "events.geojson"))) == 12
