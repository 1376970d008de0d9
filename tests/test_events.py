"""Events: the catalogue as points and patrol stretches, tagged against the corridor."""

import json

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor.events.tagging import STUDY_AREA_KM, Tagger
from corridor.geo.border import distance_to_border_m
from corridor.geo.geodesy import nearest_on_line_m


@pytest.fixture(scope="module")
def layers():
    return corridor.load()


def test_every_catalogue_event_is_a_tagged_point(layers):
    events = layers.events
    catalogue = json.loads(corridor._data.geodata_path("events.json").read_text(encoding="utf-8"))
    assert list(events.id) == [e["id"] for e in catalogue]
    assert (events.geom_type == "Point").all()
    for column in (
        "chainage_km",
        "side",
        "in_corridor",
        "border_km",
        "nearest_place",
        "in_study_area",
    ):
        assert column in events.columns
    assert events.sources.notna().all()


def test_patrols_are_the_stretch_of_road_they_covered(layers):
    patrols = layers.patrols.set_index("id")
    full = patrols.loc["2020-07-22-joint-patrol-22"]
    assert full.reach_km == pytest.approx(64.12, abs=0.01)  # Tronba to Ain al-Hawr, measured
    first = patrols.loc["2020-03-15-joint-patrol-1"]
    assert first.route_from == "tronba"
    assert first.route_to == "al-nayrab"
    assert 3 < first.reach_km < 10
    # The line follows the road: every vertex lies on it.
    road = layers.model.route.line
    coords = np.asarray(full.geometry.coords)
    d, _, _ = nearest_on_line_m(coords[:, 0], coords[:, 1], road, window_m=300, step_m=5)
    assert d.max() < 5


def test_patrol_direction_is_kept(layers):
    patrols = layers.patrols.set_index("id")
    west = patrols.loc["2020-07-22-joint-patrol-22"]  # Tronba to Ain al-Hawr: westward
    east = patrols.loc["2020-08-17-joint-patrol-25"]  # the reverse
    assert west.km_from > west.km_to
    assert (east.route_from, east.route_to) == ("ain-al-hawr", "tronba")
    assert east.km_from < east.km_to


def test_events_in_moscow_and_ankara_are_kept_and_flagged(layers):
    e = layers.events.set_index("id").loc["2020-03-05-agreement-moscow-protocol"]
    assert not e.in_study_area
    assert pd.isna(e.chainage_km)


def test_tronba_lies_on_the_corridor_end(layers):
    e = layers.events.set_index("id").loc["2020-03-15-joint-patrol-1"]
    assert e.in_corridor
    assert e.in_study_area


def test_disputed_outcomes_keep_both_sides(layers):
    e = layers.events.set_index("id").loc["2020-03-23-joint-patrol-2"]
    assert e.outcome == "disputed"
    sides = {s["by"]: s["outcome"] for s in json.loads(e.outcome_by_source)}
    assert len(set(sides.values())) > 1


def test_tags_agree_with_geodesic_measurement(layers):
    """The fast tagger against the slow, exact functions, on points all around the corridor."""
    model = layers.model
    tagger = Tagger.from_model(model)
    rng = np.random.default_rng(7)
    lon = rng.uniform(35.9, 37.1, 200)
    lat = rng.uniform(35.55, 36.15, 200)
    tags = tagger.tag(lon, lat)
    road, _, _ = nearest_on_line_m(lon, lat, model.route.line, window_m=3000, step_m=5)
    border, _, _ = distance_to_border_m(model.border.line, lon, lat)
    km, side = model.route.locate(lon, lat)
    assert np.abs(tags.road_km.to_numpy() * 1000 - road).max() < 2.0
    assert np.abs(tags.border_km.to_numpy(dtype=float) * 1000 - border).max() < 2.0
    near = road / 1000 <= STUDY_AREA_KM
    assert np.abs(tags.chainage_km.to_numpy(dtype=float)[near] - km[near]).max() < 0.005
    assert (tags.side.to_numpy()[near] == np.where(side[near] > 0, "north", "south")).all()
    inside = model.corridor.union
    import shapely

    assert (tags.in_corridor.to_numpy() == shapely.intersects_xy(inside, lon, lat)).all()
