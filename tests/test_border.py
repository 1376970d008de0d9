"""The border check, against a brute-force geodesic measurement and a moved border."""

import numpy as np
import pytest
import shapely
from shapely.affinity import translate

from corridor.geo.border import BorderData, check_border
from corridor.geo.geodesy import GEOD
from corridor.geo.model import compute


@pytest.fixture(scope="module")
def model():
    return compute()


def brute_force_min_km(route, border_line, km_lo, km_hi):
    """Every 50 m of road against every border vertex densified to 25 m: no projection at all."""
    road = np.asarray(route.stretch(km_lo, km_hi).segmentize(0.0005).coords)
    bbox = shapely.box(
        road[:, 0].min() - 0.5,
        road[:, 1].min() - 0.5,
        road[:, 0].max() + 0.5,
        road[:, 1].max() + 0.5,
    )
    near = shapely.intersection(border_line, bbox)
    border = np.vstack([np.asarray(g.coords) for g in getattr(near, "geoms", [near])])
    border = np.asarray(shapely.segmentize(shapely.LineString(border), 0.00025).coords)
    best = np.inf
    for lon, lat in road:
        d = GEOD.inv(
            np.full(len(border), lon), np.full(len(border), lat), border[:, 0], border[:, 1]
        )[2]
        best = min(best, d.min())
    return best / 1000


def test_minimum_distance_matches_brute_force(model):
    b = model.border_check
    _, _, km = b.m4_min_at
    truth = brute_force_min_km(model.route, model.border.line, km - 3, km + 3)
    # Brute force samples the road every 50 m and the border every 25 m: within a few metres of truth.
    assert b.m4_min_km == pytest.approx(truth, abs=0.005)


def test_bdama_is_about_two_km_from_the_border(model):
    # record.md: Bdama, on the road, is about 2 km from the border; its point is uncertain by ±1 km.
    assert 1.0 <= model.border_check.place_km["bdama"] <= 3.5


def test_profile_every_km(model):
    b = model.border_check
    assert np.allclose(np.diff(b.profile_km)[:-1], 1.0)
    assert b.profile_km[-1] == pytest.approx(model.route.length_km)
    assert b.profile_border_km.min() >= b.m4_min_km - 1e-9


def test_verdict_is_partly_and_names_where(model):
    assert model.border_check.verdict == "partly"
    v = model.border_check.verdict_details
    assert v["verdict"] == "partly"
    assert v["holds_on"] and v["closer_than_claim_on"]
    # Bdama (about 2 km) must be in a stretch where the road is closer than the claim.
    bdama_km = model.place_km["bdama"]
    assert any(s["km_from"] <= bdama_km <= s["km_to"] for s in v["closer_than_claim_on"])


def test_a_moved_border_changes_the_verdict(model):
    """Push the border 1° north (about 110 km): nowhere is 'about 30 km' true any more."""
    moved = translate(model.border.line, yoff=1.0)
    far = BorderData(
        line=moved, syria=model.border.syria, turkey=model.border.turkey, properties={}
    )
    check = check_border(model.route, model.corridor, model.places, far)
    assert check.verdict == "contradicted"
    assert check.m4_min_km > model.border_check.m4_min_km + 80


def test_north_edge_is_min_distance_less_half_width(model):
    b = model.border_check
    assert b.north_edge_min_km == pytest.approx(b.section_min_km - 6.0, abs=1e-6)
    assert (b.north_edge_min_km < 0) == (b.clipped_km2 > 0)
