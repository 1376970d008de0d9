"""The corridor: edges at the half-width by geodesic distance, halves on the right sides, the clip."""

import numpy as np
import pytest
import shapely

from corridor._errors import InputError, UnknownPlaceError
from corridor.geo.accuracy import edge_errors_m, edge_samples
from corridor.geo.border import load_border_data
from corridor.geo.buffer import build_corridor, parse_section, resolve_section
from corridor.geo.model import compute
from corridor.geo.projection import lonlat_to_xy


@pytest.fixture(scope="module")
def model():
    return compute()


def test_default_section_is_the_protocols_patrol_route(model):
    sec = model.section
    assert (sec.from_id, sec.to_id) == ("tronba", "ain-al-hawr")
    # Measured on the road through the gazetteer's points (it was an input, 70.5 km, before).
    assert sec.length_km == pytest.approx(64.12, abs=0.01)


def test_edges_lie_at_six_km_by_geodesic_distance(model):
    c = model.corridor
    errors = edge_errors_m(c.unclipped, model.route, model.section, c.half_width_m)
    assert errors.size > 1000
    # The bar is 1 m; a careless buffer (8 segments per quarter circle) is off by ~40 m.
    assert np.abs(errors).max() < 1.0


def test_clipped_edges_are_at_the_half_width_or_on_the_border(model):
    c = model.corridor
    pts = edge_samples(c.union)
    km, _ = model.route.locate(pts[:, 0], pts[:, 1])
    # The border comes closest 3.4 km east of the section's western end (Ain al-Hawr), so only the
    # first 3 km, where the flat cap is, are left out.
    margin = 3.0
    inner = (km > model.section.km_from + margin) & (km < model.section.km_to - margin)
    syria_edge = model.border.syria.boundary
    on_border = shapely.distance(shapely.points(pts[inner]), syria_edge) < 1e-4  # about 10 m
    errors = edge_errors_m(
        c.union, model.route, model.section, c.half_width_m, end_margin_km=margin
    )
    assert on_border.any()  # the clip really happened (near Bdama)
    assert np.sort(np.abs(errors))[: (~on_border).sum() - 5].max() < 1.0


def test_north_is_north_and_south_is_south(model):
    c = model.corridor
    for geom, expected in ((c.north, 1), (c.south, -1)):
        # 500 m inside each half, away from the road they share as an edge.
        pts = edge_samples(geom.buffer(-0.005))[::20]
        _, side = model.route.locate(pts[:, 0], pts[:, 1])
        assert (side == expected).all()
    assert c.north.intersection(c.south).area < 1e-9
    assert c.area_km2("union") == pytest.approx(c.area_km2("north") + c.area_km2("south"), rel=1e-6)


def test_area_is_twice_the_half_width_times_the_length_less_the_bends(model):
    c = model.corridor
    # A bend of angle t gains a wedge of w^2 t / 2 on its outer side and loses w^2 tan(t / 2) on its
    # inner side. Through the gazetteer's villages the road turns sharply (about 90 degrees at Jisr
    # al-Shughur and at al-Kafir), so the bends do not cancel: the loss is some 19 km^2.
    sec, w = model.section, c.half_width_m / 1000
    ids = [s.from_id for s in model.route.segments] + [model.route.segments[-1].to_id]
    on = [
        model.gazetteer[i]
        for i in ids
        if sec.km_from - 1e-6 <= model.place_km[i] <= sec.km_to + 1e-6
    ]
    x, y = lonlat_to_xy(np.array([p.lon for p in on]), np.array([p.lat for p in on]))
    heading = np.arctan2(np.diff(y), np.diff(x))
    turn = np.abs((np.diff(heading) + np.pi) % (2 * np.pi) - np.pi)
    loss = float((w**2 * (np.tan(turn / 2) - turn / 2)).sum())
    assert loss > 10
    assert c.area_km2("unclipped") == pytest.approx(2 * w * sec.length_km - loss, rel=0.005)


def test_clip_removes_only_what_lies_outside_syria(model):
    c = model.corridor
    syria = model.border.syria
    assert c.area_km2("cut") > 1.0  # the corridor reaches into Hatay near Bdama
    assert c.cut.intersection(syria).area < 1e-8
    assert c.union.difference(syria.buffer(1e-6)).area < 1e-9
    assert c.area_km2("unclipped") == pytest.approx(
        c.area_km2("union") + c.area_km2("cut"), rel=1e-4
    )


def test_half_width_option_moves_the_edges(model):
    c3 = build_corridor(model.route, model.section, half_width_km=3, syria=None)
    errors = edge_errors_m(c3.unclipped, model.route, model.section, 3000)
    assert np.abs(errors).max() < 1.0
    assert c3.area_km2("unclipped") == pytest.approx(
        model.corridor.area_km2("unclipped") / 2, rel=0.02
    )


@pytest.mark.parametrize("bad", [0, -6, float("nan"), float("inf")])
def test_bad_half_width(model, bad):
    with pytest.raises(InputError, match="positive"):
        build_corridor(model.route, model.section, half_width_km=bad)


def test_section_parsing_and_resolution(model):
    assert parse_section("whole") == ("latakia", "aleppo")
    assert parse_section(" Ariha : Saraqib ") == ("Ariha", "Saraqib")
    with pytest.raises(InputError, match="FROM:TO"):
        parse_section("Ariha")
    sec = resolve_section(("Saraqib", "ariha"), model.gazetteer, model.route)
    assert sec.km_from < sec.km_to and sec.label == "saraqib:ariha"
    with pytest.raises(UnknownPlaceError, match="did you mean 'Ariha'"):
        resolve_section(("Arihaa", "Saraqib"), model.gazetteer, model.route)
    with pytest.raises(InputError, match="two different places"):
        resolve_section(("Ariha", "ariha"), model.gazetteer, model.route)


def test_whole_road_section():
    whole = compute(section="whole")
    assert whole.section.length_km == pytest.approx(whole.route.length_km, abs=0.01)
    assert whole.corridor.area_km2("union") > compute().corridor.area_km2("union")


def test_no_border_data_means_no_clip(model):
    c = build_corridor(model.route, model.section, syria=None)
    assert c.cut.is_empty
    assert load_border_data().syria.is_valid
