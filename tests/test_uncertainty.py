"""Ranges of the headline border figures from the road's stated uncertainty."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pyproj import Geod

import corridor
from corridor.geo.model import compute
from corridor.geo.route import CONFIDENCE_M
from corridor.geo.uncertainty import road_offsets_m, shifted_route

GEOD = Geod(ellps="WGS84")
FIGURES = ("m4_min_km", "north_edge_min_km", "corridor_clipped_km2")


@pytest.fixture(scope="module")
def model():
    return compute()


@pytest.fixture(scope="module")
def offsets(model):
    return road_offsets_m(model.route, {p.id: p.uncertainty_m for p in model.places})


def test_offsets_follow_the_segment_confidence(model, offsets):
    route = model.route
    assert np.isfinite(offsets).all() and (offsets >= 0).all()
    km = route.chainage_m / 1000
    for seg in route.segments:
        mid = int(np.argmin(np.abs(km - (seg.km_from + seg.km_to) / 2)))
        assert offsets[mid] == pytest.approx(CONFIDENCE_M[seg.confidence], rel=0.01)
        start = int(np.argmin(np.abs(km - seg.km_from)))
        place = model.gazetteer[seg.from_id]
        # At a named place the road is as uncertain as the place's point (or its segment, if less).
        neighbours = [s for s in route.segments if seg.from_id in (s.from_id, s.to_id)]
        bound = max(min(place.uncertainty_m, CONFIDENCE_M[s.confidence]) for s in neighbours)
        assert offsets[start] <= bound + 1e-6
    assert offsets.max() <= max(CONFIDENCE_M.values())


@pytest.mark.parametrize("north", [True, False])
def test_shifted_road_moves_each_vertex_by_its_offset_to_the_chosen_side(model, offsets, north):
    route = model.route
    moved = shifted_route(route, offsets, north=north)
    assert len(moved.coords) == len(route.coords)
    d = GEOD.inv(*route.coords.T, *moved.coords.T)[2]
    # The conformal projection's scale is within 2e-5 of true here.
    assert np.allclose(d, offsets, rtol=1e-3, atol=0.5)
    _, side = route.locate(moved.coords[:, 0], moved.coords[:, 1])
    far = offsets > 100
    far[[0, -1]] = False
    assert (side[far] == (1 if north else -1)).mean() > 0.99
    assert list(moved.place_km) == list(route.place_km)


def test_ranges_hold_the_value_and_move_the_right_way(model, offsets):
    b = model.border_check
    r = b.ranges
    for key, value in zip(FIGURES, (b.m4_min_km, b.north_edge_min_km, b.clipped_km2), strict=True):
        lo, hi = r[key]
        assert lo <= round(value, 2) <= hi, key
        assert lo < hi, key
    # Moving the road by at most d moves its distance to the border by at most d.
    worst = offsets.max() / 1000
    assert b.m4_min_km - r["m4_min_km"][0] <= worst + 0.05
    assert r["m4_min_km"][1] - b.m4_min_km <= worst + 0.05
    # Towards Turkey, more of the buffer falls outside Syria.
    assert r["corridor_clipped_km2"][1] > b.clipped_km2 + 1
    lo, hi = r["claim_30km"]["share_of_road_range"]
    assert lo <= b.verdict_details["share_of_road"] <= hi


def test_a_road_from_a_file_carries_the_file_s_small_uncertainty(tmp_path, model):
    path = tmp_path / "road.geojson"
    geometry = {"type": "LineString", "coordinates": model.route.coords.tolist()}
    path.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": geometry}))
    user = compute(route_file=path)
    lo, hi = user.border_check.ranges["m4_min_km"]
    assert hi - lo <= 2 * CONFIDENCE_M["user"] / 1000 + 0.02
    assert lo <= user.border_check.m4_min_km <= hi


def test_border_check_json_puts_each_range_beside_its_value(tmp_path):
    result = corridor.build(tmp_path)
    text = (tmp_path / "border_check.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    data = json.loads(text)
    for key in FIGURES:
        lo, hi = data[f"{key}_range"]
        assert lo <= data[key] <= hi
    assert data["uncertainty"]["segment_uncertainty_m"] == CONFIDENCE_M
    claim = data["claim_30km"]
    assert claim["share_of_road_range"][0] <= claim["share_of_road"]
    assert claim["holds_on_road_shifted_north"] and claim["holds_on_road_shifted_south"]
    for stretch in claim["holds_on_road_shifted_north"]:
        assert 0 <= stretch["km_from"] <= stretch["km_to"] <= result.model.route.length_km + 0.1
