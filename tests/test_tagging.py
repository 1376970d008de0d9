"""Side, membership under uncertainty and the corridor's period: the answers an analyst asks for first."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely

import corridor
from corridor._data import geodata_path
from corridor.events.period import in_force, load_arrangement
from corridor.events.tagging import ON_ROAD_MIN_M, Tagger, side_names
from corridor.geo.geodesy import GEOD, nearest_on_line_m
from corridor.geo.projection import lonlat_to_xy, to_metric


@pytest.fixture(scope="module")
def layers():
    return corridor.load()


@pytest.fixture(scope="module")
def tagger(layers):
    return Tagger.from_model(layers.model)


def probe(model, km: float, offset_m: float) -> tuple[float, float]:
    """A point ``offset_m`` to the left (+) or right (-) of the road at chainage ``km`` (geodesic)."""
    (lon0, lat0), (lon1, lat1) = model.route.point_at(km - 0.05), model.route.point_at(km + 0.05)
    lon, lat = model.route.point_at(km)
    heading = GEOD.inv(lon0, lat0, lon1, lat1)[0]
    azimuth = heading - 90 if offset_m > 0 else heading + 90
    plon, plat, _ = GEOD.fwd(lon, lat, azimuth, abs(offset_m))
    return float(plon), float(plat)


def segment_middles(model) -> list[tuple[str, float]]:
    return [(f"{s.from_id}-{s.to_id}", (s.km_from + s.km_to) / 2) for s in model.route.segments]


def test_probes_3_km_left_and_right_are_north_and_south(layers, tagger):
    model = layers.model
    for name, km in segment_middles(model):
        points = [probe(model, km, 3000), probe(model, km, -3000), model.route.point_at(km)]
        lon, lat = np.array(points).T
        tags = tagger.tag(lon, lat, 1000.0)
        assert list(tags.side) == ["north", "south", "road"], name
        # 3 km from this point of the road, and no nearer to any other (where the road bends back,
        # another stretch may be nearer): the distance to the whole line, found independently.
        truth, _, _ = nearest_on_line_m(lon[:2], lat[:2], model.route.line)
        assert tags.road_km.to_numpy()[:2] == pytest.approx(truth / 1000, abs=0.01), name
        assert (truth <= 3000.5).all(), name


def test_on_the_southbound_leg_north_is_the_east_side(layers, tagger):
    """Jisr al-Shughur to al-Kafir runs south: left of the road from Latakia to Aleppo is east."""
    model = layers.model
    [leg] = [
        s for s in model.route.segments if (s.from_id, s.to_id) == ("jisr-al-shughur", "al-kafir")
    ]
    km = (leg.km_from + leg.km_to) / 2
    (lon0, lat0), (lon1, lat1) = model.route.point_at(leg.km_from), model.route.point_at(leg.km_to)
    assert abs(GEOD.inv(lon0, lat0, lon1, lat1)[0]) > 135  # it runs south
    road_lon, _ = model.route.point_at(km)
    left, right = probe(model, km, 1500), probe(model, km, -1500)
    assert right[0] < road_lon < left[0]
    tags = tagger.tag(np.array([left[0], right[0]]), np.array([left[1], right[1]]), 500.0)
    assert list(tags.side) == ["north", "south"]


def test_a_point_within_its_own_uncertainty_of_the_road_is_on_the_road(layers, tagger):
    model = layers.model
    km = 90.0
    lon, lat = np.array([probe(model, km, 2000), probe(model, km, -2000)] * 2).T
    radius = np.array([3000.0, 3000.0, 1000.0, 1000.0])
    assert list(tagger.tag(lon, lat, radius).side) == ["road", "road", "north", "south"]
    # With no uncertainty, only the road itself (within ON_ROAD_MIN_M) counts as on it.
    near = np.array([probe(model, km, ON_ROAD_MIN_M / 2), probe(model, km, 3 * ON_ROAD_MIN_M)])
    assert list(tagger.tag(near[:, 0], near[:, 1]).side) == ["road", "north"]
    assert list(side_names(np.array([0.0, -0.0, 1e-9]))) == ["road"] * 3


def test_no_catalogue_event_on_the_road_is_south(layers):
    events = layers.events
    on_road = events[events.in_study_area & (events.road_km * 1000 <= events.uncertainty_m)]
    assert len(on_road) >= 40  # most of the catalogue is placed at named places on the road
    assert (on_road.side == "road").all()
    assert not (events[events.road_km < 0.05].side == "south").any()


def test_places_and_events_at_them_agree_on_the_side(layers, tagger):
    """An event placed at a named place, as uncertain as the place, is tagged as the place is."""
    places = layers.places[layers.places.road_offset_km <= 25]
    assert set(places.side) == {"north", "road"}  # Idlib, Sarmin, Zirbah lie north; none south
    tags = tagger.tag(places.geometry.x, places.geometry.y, places.uncertainty_m)
    assert list(tags.side) == list(places.side)
    # The catalogue's own events at a single place, where their uncertainty is the place's.
    by_id = layers.places.set_index("id")
    events = layers.events[layers.events.in_study_area]
    single = events[~events.places.str.contains("|", regex=False)]
    theirs = by_id.uncertainty_m[single.places].to_numpy()
    same = single[single.uncertainty_m.to_numpy() == theirs]
    assert list(same.side) == list(by_id.side[same.places])
    # A wider disc around the same point reaches the road whenever the place's own disc does.
    wider = single[(single.uncertainty_m.to_numpy() >= theirs)]
    wider = wider[(by_id.side[wider.places] == "road").to_numpy()]
    assert len(same) + len(wider) >= 3
    assert (wider.side == "road").all()


def test_membership_is_possibly_where_the_uncertainty_crosses_the_edge(layers, tagger):
    model = layers.model
    km = (model.section.km_from + model.section.km_to) / 2
    half = model.corridor.half_width_m
    cases = [  # offset from the road (m), uncertainty (m), membership expected
        (0.0, 1000.0, "inside"),
        (-3000.0, 2500.0, "inside"),
        (half - 500, 1000.0, "possibly"),  # point inside, disc reaches out
        (-(half + 500), 1000.0, "possibly"),  # point outside, disc reaches in
        (half + 2000, 1000.0, "outside"),
        (3000.0, 50_000.0, "possibly"),  # the corridor is 12 km across: a 50 km disc covers more
        (half - 500, 0.0, "inside"),
    ]
    points = [probe(model, km, off) if off else model.route.point_at(km) for off, _, _ in cases]
    lon, lat = np.array(points).T
    tags = tagger.tag(lon, lat, np.array([r for _, r, _ in cases]))
    assert list(tags.corridor_membership) == [m for _, _, m in cases]
    assert list(tags.in_corridor) == [abs(off) < half for off, _, _ in cases]


def test_membership_agrees_with_discs_drawn_around_random_points(layers, tagger):
    """The fast edge distance against shapely: does the disc lie within, across or outside?"""
    model = layers.model
    rng = np.random.default_rng(11)
    lon = rng.uniform(36.0, 37.0, 400)
    lat = rng.uniform(35.55, 36.05, 400)
    radius = rng.choice([0.0, 1000.0, 2000.0, 10_000.0], 400)
    tags = tagger.tag(lon, lat, radius)
    area = to_metric(model.corridor.union)
    x, y = lonlat_to_xy(lon, lat)
    edge_m = shapely.distance(area.boundary, shapely.points(x, y))
    checked = 0
    for i in range(lon.size):
        if abs(edge_m[i] - radius[i]) < 20:  # too close to call at the projection's scale error
            continue
        disc = shapely.Point(x[i], y[i]).buffer(radius[i], quad_segs=64) if radius[i] else None
        if disc is None:
            expected = "inside" if area.intersects(shapely.Point(x[i], y[i])) else "outside"
        elif area.contains(disc):
            expected = "inside"
        elif area.intersects(disc):
            expected = "possibly"
        else:
            expected = "outside"
        assert tags.corridor_membership[i] == expected, (lon[i], lat[i], radius[i])
        checked += 1
    assert checked > 350
    assert set(tags.corridor_membership) == {"inside", "possibly", "outside"}


def test_membership_refuses_a_negative_or_missing_uncertainty(tagger):
    with pytest.raises(ValueError, match="uncertainty_m"):
        tagger.tag(np.array([36.6]), np.array([35.8]), np.array([np.nan]))
    with pytest.raises(ValueError, match="uncertainty_m"):
        tagger.tag(np.array([36.6]), np.array([35.8]), -1.0)


def test_catalogue_membership_weighs_uncertainty(layers):
    events = layers.events
    assert set(events.corridor_membership) <= {"inside", "possibly", "outside"}
    # An event placed only to within 6 km or more cannot be wholly inside a 12 km wide corridor.
    vague = events[events.uncertainty_m >= layers.model.corridor.half_width_m]
    assert len(vague) > 5
    assert not (vague.corridor_membership == "inside").any()
    # The point test is kept as it was.
    assert (events.corridor_membership.eq("inside") <= events.in_corridor).all()
    assert (events.corridor_membership.eq("outside") <= ~events.in_corridor).all()


def test_arrangement_period_and_its_sources():
    data = json.loads(geodata_path("arrangement.json").read_text(encoding="utf-8"))
    period = load_arrangement()
    assert str(period.start) == data["start"] == "2020-03-05"
    assert str(period.end) == data["end"]
    assert period.end_inferred  # no source ends it formally: the file says the date is inferred
    assert "No source" in period.why_this_end
    for basis in ("start_basis", "end_basis"):
        assert data[basis]["sources"]
    for alternative in data["alternatives"]:
        assert alternative["sources"], alternative["date"]
    assert set(data["date_windows"]) >= {"day", "approx", "week", "month", "year", "unknown"}


@pytest.mark.parametrize(
    ("date", "precision", "expected"),
    [
        ("2018-06-01", "day", False),
        ("2018", "year", False),
        ("2025-03-01", "day", False),
        ("2025", "year", False),
        ("2021-10-20", "day", True),
        ("2021", "year", True),
        ("2020-03-05", "day", True),  # the protocol's day
        ("2020-03-04", "day", False),
        ("2024-12-07", "day", True),  # the last day before the government fell
        ("2024-12-08", "day", False),
        ("2020", "year", None),  # straddles the start
        ("2020-03", "month", None),
        ("2024-12", "month", None),  # straddles the end
        ("2024-12-06", "approx", None),
        ("2024-12-01", "week", True),  # six days either side: 25 Nov to 7 Dec
        ("2024-12-03", "week", None),
        ("2024-11-20", "week", True),
        ("2019-07-14", "month", False),  # ACLED writes a day even when only the month is known
        (None, "unknown", None),
        ("not a date", "day", None),
    ],
)
def test_in_force_from_the_date_and_its_precision(date, precision, expected):
    [value] = in_force(pd.Series([date]), pd.Series([precision]))
    assert (None if value is pd.NA else bool(value)) is expected


def test_in_force_on_imported_and_catalogue_events(tmp_path, layers):
    path = tmp_path / "dated.csv"
    path.write_text(
        "id,date,latitude,longitude\nA,2018-05-01,35.8,36.6\nB,2021-06-01,35.8,36.6\n"
        "C,2025-02-01,35.8,36.6\nD,2020,35.8,36.6\n",
        encoding="utf-8",
    )
    events = corridor.load(events=[path]).events.set_index("id")
    assert str(events.in_force.dtype) == "boolean"
    assert [events.in_force.get(k) for k in "ABC"] == [False, True, False]
    assert events.in_force.get("D") is pd.NA
    catalogue = layers.events.set_index("id")
    assert catalogue.loc["2020-03-15-joint-patrol-1", "in_force"]
    assert not catalogue.in_force.isna().all()


def test_readme_states_the_period_and_what_north_means():
    text = (geodata_path("arrangement.json").parents[1] / "README.md").read_text(encoding="utf-8")
    readme = re.sub(r"\s+", " ", text)
    first, last = load_arrangement().label().split(" – ")
    assert f"protocol of {first}" in readme
    assert f"the last day in force is {last}" in readme
    assert "left or right of the road as it runs from Latakia to Aleppo" in readme
    assert "corridor_membership" in readme
    assert "in_force" in readme
