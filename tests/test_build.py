"""A whole build: the files, their format (RFC 7946), determinism, atomicity, and ``load()``."""

import hashlib
import json

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import shape

import corridor
from corridor.pipeline import OUTPUT_FILES


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    corridor.build(folder)
    return folder


def test_every_output_file_is_written(out):
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)


def test_geojson_is_rfc7946(out):
    for name in ("m4.geojson", "corridor.geojson", "places.geojson", "border.geojson"):
        data = json.loads((out / name).read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and "crs" not in data
        for feature in data["features"]:
            geom = shape(feature["geometry"])
            assert geom.is_valid, name
            for poly in getattr(geom, "geoms", [geom]):
                if poly.geom_type == "Polygon":
                    assert poly.exterior.is_ccw, name
                    assert all(not ring.is_ccw for ring in poly.interiors), name
    places = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    aleppo = next(f for f in places["features"] if f["properties"]["id"] == "aleppo")
    lon, lat = aleppo["geometry"]["coordinates"]
    assert lon == pytest.approx(37.16, abs=0.05) and lat == pytest.approx(
        36.2, abs=0.05
    )  # lon first


def test_columns_promised_in_the_readme(out):
    m4 = gpd.read_file(out / "m4.geojson")
    assert {"from", "to", "km_from", "km_to", "confidence"} <= set(m4.columns)
    cor = gpd.read_file(out / "corridor.geojson")
    assert {"side", "half_width_m", "area_km2", "section"} <= set(cor.columns)
    assert {"north", "south", "union"} <= set(cor.side)
    places = gpd.read_file(out / "places.geojson")
    assert {
        "id",
        "name",
        "alt_names",
        "source",
        "uncertainty_m",
        "chainage_km",
        "border_km",
    } <= set(places.columns)
    check = json.loads((out / "border_check.json").read_text())
    for key in (
        "m4_min_km",
        "m4_min_at",
        "north_edge_min_km",
        "corridor_clipped_km2",
        "places_border_km",
        "claim_30km",
    ):
        assert key in check
    assert set(check["m4_min_at"]) == {"lon", "lat", "chainage_km"}
    header = (out / "border_profile.csv").read_text().splitlines()[0]
    assert header == "chainage_km,lon,lat,border_km"


def test_geopackage_holds_the_same_layers(out):
    layers = {name for name, _ in pyogrio.list_layers(out / "corridor.gpkg")}
    assert {"places", "m4", "corridor", "border", "border_profile"} <= layers
    from_gpkg = gpd.read_file(out / "corridor.gpkg", layer="corridor")
    from_json = gpd.read_file(out / "corridor.geojson")
    assert list(from_gpkg.side) == list(from_json.side)
    for a, b in zip(from_gpkg.geometry, from_json.geometry, strict=True):
        assert shapely.equals_exact(a.normalize(), b.normalize(), tolerance=1e-6)


def test_same_inputs_build_identical_bytes(out, tmp_path):
    corridor.build(tmp_path)
    assert digest(tmp_path) == digest(out)


def test_load_matches_the_files(out):
    layers = corridor.load()
    for name in ("places", "route", "corridor", "border"):
        frame = getattr(layers, name)
        assert isinstance(frame, gpd.GeoDataFrame) and frame.crs.to_epsg() == 4326
    on_disk = gpd.read_file(out / "places.geojson")
    assert list(layers.places.id) == list(on_disk.id)
    assert list(layers.places.border_km) == pytest.approx(list(on_disk.border_km))
    # corridor.geojson keeps every part (north, south, union, cut); load() splits them.
    on_disk = gpd.read_file(out / "corridor.geojson").set_index("side")
    assert list(on_disk.index) == ["north", "south", "union", "cut"]
    for frame in (layers.corridor, layers.corridor_union, layers.corridor_cut):
        assert list(frame.area_km2) == pytest.approx(list(on_disk.loc[frame.side, "area_km2"]))


def test_failed_build_leaves_previous_outputs_untouched(out, tmp_path):
    corridor.build(tmp_path)
    before = digest(tmp_path)
    with pytest.raises(corridor._errors.UnknownPlaceError):
        corridor.build(tmp_path, section="Atlantis:Ariha")
    with pytest.raises(corridor._errors.InputError):
        corridor.build(tmp_path, half_width_km=-1)
    assert digest(tmp_path) == before  # and no staging folder is left behind


def test_failed_build_into_a_new_folder_creates_nothing(tmp_path):
    target = tmp_path / "new"
    with pytest.raises(corridor._errors.InputError):
        corridor.build(target, section="Ariha")
    assert not target.exists()
