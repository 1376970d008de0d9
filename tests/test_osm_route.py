"""``--route`` with files shaped like an OpenStreetMap export of the M4 (see ``osm_synth``).

Done when a full and a partial export both build and the road used follows them within 60 m,
measured geodesically (pyproj Geod) from the road used to the file's main carriageways and back.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, shape

import corridor
from corridor._errors import InputError
from corridor.geo.osm_route import read_road_file
from corridor.geo.places import load_gazetteer
from corridor.geo.projection import lonlat_to_xy, xy_to_lonlat
from corridor.geo.route import route_from_places
from osm_synth import osm_export, write

GEOD = Geod(ellps="WGS84")
FOLLOW_M = 60.0
PARTIAL_KM = (40.0, 110.0)


@pytest.fixture(scope="module")
def modelled():
    return route_from_places(load_gazetteer())


@pytest.fixture(scope="module")
def files(tmp_path_factory, modelled):
    folder = tmp_path_factory.mktemp("osm")
    saraqib = modelled.place_km["saraqib"]
    full = osm_export(modelled.coords, shared_from_km=saraqib)
    part = osm_export(modelled.coords, shared_from_km=saraqib, keep_km=PARTIAL_KM)
    return {
        "full": (write(folder / "m4_full.geojson", full), full),
        "partial": (write(folder / "m4_partial.geojson", part), part),
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory, files):
    out = {}
    for name, (path, _) in files.items():
        folder = tmp_path_factory.mktemp(f"build-{name}")
        out[name] = (folder, corridor.build(folder, route=path))
    return out


def _main_carriageways(collection: dict) -> list[np.ndarray]:
    return [
        np.asarray(f["geometry"]["coordinates"])
        for f in collection["features"]
        if f["properties"]["highway"] == "motorway" and "M4" in f["properties"]["ref"].split(";")
    ]


def _vertices(lines: list[np.ndarray], step_m: float = 5.0) -> np.ndarray:
    """The lines' points every ``step_m`` (lon/lat)."""
    out = []
    for coords in lines:
        xy = shapely.segmentize(LineString(np.column_stack(lonlat_to_xy(*coords.T))), step_m)
        pts = np.asarray(xy.coords)
        out.append(np.column_stack(xy_to_lonlat(pts[:, 0], pts[:, 1])))
    return np.vstack(out)


def geodesic_gap_m(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Geodesic distance (pyproj Geod) from each point to the nearest target point.

    The projection only picks the nearest target; with targets every 5 m the result overstates the
    distance to the line by at most 2.5 m.
    """
    tree = shapely.STRtree(shapely.points(*lonlat_to_xy(*targets.T)))
    idx = tree.nearest(shapely.points(*lonlat_to_xy(*points.T)))
    return GEOD.inv(points[:, 0], points[:, 1], targets[idx, 0], targets[idx, 1])[2]


def test_the_synthetic_export_looks_like_osm(files):
    _, full = files["full"]
    props = [f["properties"] for f in full["features"]]
    main = [p for p in props if p["highway"] == "motorway" and "M4" in p["ref"]]
    assert 40 <= len(main) <= 50
    assert sum(p["highway"] == "motorway_link" for p in props) >= 6
    assert any(p["ref"] == "M5" for p in props)
    assert any(p["ref"] == "M4;M5" for p in props)


@pytest.mark.parametrize("name", ["full", "partial"])
def test_the_road_used_follows_the_export_within_60_m(name, files, builds, modelled):
    _, collection = files[name]
    _, result = builds[name]
    route = result.model.route
    carriageways = _vertices(_main_carriageways(collection))
    user = [s for s in route.segments if s.confidence == "user"]
    assert user, "no segment taken from the file"
    used = np.vstack([s.coords for s in user])
    gap = geodesic_gap_m(used, carriageways)
    assert gap.max() <= FOLLOW_M, f"{gap.max():.1f} m"
    # And back: every carriageway point between the road's ends is near the road used.
    km, _ = route.locate(carriageways[:, 0], carriageways[:, 1])
    covered = (km > 0.5) & (km < route.length_km - 0.5)
    back = geodesic_gap_m(carriageways[covered], _vertices([route.coords], step_m=5.0))
    assert back.max() <= FOLLOW_M, f"{back.max():.1f} m"
    # Slip roads (250 m off), the M5 and the M4 beyond Aleppo are not used.
    assert route.length_km == pytest.approx(modelled.length_km, abs=0.5)


def test_full_export_is_used_end_to_end(builds):
    folder, result = builds["full"]
    assert {s.confidence for s in result.model.route.segments} == {"user"}
    m4 = gpd.read_file(folder / "m4.geojson")
    assert set(m4["confidence"]) == {"user"}
    assert "OpenStreetMap-shaped" in result.model.route.source


def test_partial_export_is_filled_with_the_modelled_road_and_says_so(builds, files, modelled):
    folder, result = builds["partial"]
    route = result.model.route
    m4 = gpd.read_file(folder / "m4.geojson").sort_values("km_from")
    user = m4[m4["confidence"] == "user"]
    other = m4[m4["confidence"] != "user"]
    assert len(user) and len(other)
    assert set(other["confidence"]) <= {"high", "medium", "low"}
    assert other["basis"].str.startswith("modelled: m4_partial.geojson does not cover").all()
    # The file's stretch starts and ends where its ways do (the ways whose middle is in 40–110 km).
    ways = np.vstack(_main_carriageways(files["partial"][1]))
    km, _ = modelled.locate(ways[:, 0], ways[:, 1])
    lo, hi = user["km_from"].min(), user["km_to"].max()
    assert lo == pytest.approx(km.min(), abs=0.3)
    assert hi == pytest.approx(km.max(), abs=0.3)
    assert km.min() < PARTIAL_KM[0] + 5 and km.max() > PARTIAL_KM[1] - 5
    assert (user["km_to"] - user["km_from"]).sum() == pytest.approx(hi - lo, abs=0.05)
    # Outside the file's stretch the road is the modelled one.
    outside = np.vstack([s.coords for s in route.segments if s.confidence != "user"])
    d = geodesic_gap_m(outside, _vertices([modelled.coords], step_m=5.0))
    assert d.max() < 20  # the joins step 15 m sideways onto the file's carriageway
    # Segments tile the road: no gap, no overlap.
    kms = m4[["km_from", "km_to"]].to_numpy()
    assert np.allclose(kms[1:, 0], kms[:-1, 1], atol=0.002)
    assert kms[0, 0] == 0 and kms[-1, 1] == pytest.approx(route.length_km, abs=0.002)
    for feature in json.loads((folder / "m4.geojson").read_text(encoding="utf-8"))["features"]:
        assert shape(feature["geometry"]).length > 0


def test_a_file_without_the_m4_is_refused(tmp_path, files):
    _, full = files["full"]
    only_m5 = {
        "type": "FeatureCollection",
        "features": [f for f in full["features"] if f["properties"]["ref"] == "M5"],
    }
    path = write(tmp_path / "m5.geojson", only_m5)
    with pytest.raises(InputError, match="no M4 way") as caught:
        read_road_file(path, load_gazetteer())
    assert str(path) in str(caught.value)
    assert "M5" in str(caught.value)


def test_a_way_with_bad_coordinates_is_named(tmp_path, files):
    _, full = files["full"]
    broken = json.loads(json.dumps(full))
    broken["features"][3]["geometry"]["coordinates"][1] = [361.0, 35.0]
    path = write(tmp_path / "bad.geojson", broken)
    with pytest.raises(InputError, match=r"line 4.*out of range"):
        read_road_file(path, load_gazetteer())


def test_an_m4_way_far_from_the_road_is_refused(tmp_path, files):
    _, part = files["partial"]
    moved = json.loads(json.dumps(part))
    for feature in moved["features"]:
        if feature["properties"]["ref"].startswith("M4"):
            feature["geometry"]["coordinates"] = [
                [lon, lat - 0.3] for lon, lat in feature["geometry"]["coordinates"]
            ]
    path = write(tmp_path / "elsewhere.geojson", moved)
    with pytest.raises(InputError, match=r"lies 3\d km from the modelled road"):
        read_road_file(path, load_gazetteer())
