"""The settlements layer: counts checked against an independent point-in-polygon count, the measured
columns against pyproj, the admin split of the corridor, and bad gazetteer input."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from pyproj import Geod
from shapely.geometry import Point

import corridor
from corridor._errors import InputError
from corridor.geo.settlements import COLUMNS, read_admin, read_settlements

ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = [ROOT.parent / "shared", ROOT.parents[1] / "shared"]
SHARED = next((p / "reference" / "gazetteer" for p in _CANDIDATES if p.is_dir()), None)
GEOD = Geod(ellps="WGS84")
#: What the map (webmap) draws from the layer.
MAP_COLUMNS = {
    "name",
    "name_ar",
    "geonames_id",
    "population",
    "feature_code",
    "chainage_km",
    "side",
    "in_corridor",
    "border_km",
    "district",
    "governorate",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    result = corridor.build(folder)
    return folder, result


def _gazetteer_points() -> gpd.GeoDataFrame:
    """The whole shared gazetteer (2 882 localities) where present, else the committed rows."""
    path = SHARED / "localities.csv" if SHARED else ROOT / "geodata" / "settlements.csv"
    if SHARED is None and os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}:
        pytest.fail("the shared gazetteer must be beside the repo on CI")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return gpd.GeoDataFrame(
        {"wof_id": [int(r["wof_id"]) for r in rows]},
        geometry=[Point(float(r["lon"]), float(r["lat"])) for r in rows],
        crs="EPSG:4326",
    )


def test_corridor_count_equals_an_independent_point_in_polygon_count(out):
    folder, result = out
    halves = gpd.read_file(folder / "corridor.geojson").set_index("side")
    points = _gazetteer_points()
    union = halves.loc["union", "geometry"]
    independent = set(points[points.intersects(union)]["wof_id"])
    listed = pd.read_csv(folder / "settlements_in_corridor.csv")
    assert set(listed["wof_id"]) == independent
    assert len(listed) == len(independent) > 150
    north = set(points[points.intersects(halves.loc["north", "geometry"])]["wof_id"])
    south = set(points[points.intersects(halves.loc["south", "geometry"])]["wof_id"])
    by_half = listed.groupby("corridor_half")["wof_id"].apply(set).to_dict()
    # A point both halves touch lies on the road between them (Bdama, Muhambal, Ariha: route vertices).
    assert by_half == {"north": north - south, "south": south - north, "road": north & south}
    # Those are exactly the settlements whose points are vertices of the modelled road.
    frame = result.model.settlements
    on_line = set(frame.loc[frame["road_km"] < 0.001, "wof_id"])
    assert north & south and north & south <= on_line
    layer = gpd.read_file(folder / "settlements.geojson")
    assert int(layer["in_corridor"].sum()) == len(independent)


def test_cli_prints_the_counts_per_half(tmp_path):
    from typer.testing import CliRunner

    from corridor.cli import app

    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    listed = pd.read_csv(tmp_path / "settlements_in_corridor.csv")
    north = int((listed["corridor_half"] == "north").sum())
    south = int((listed["corridor_half"] == "south").sum())
    assert f"{len(listed):,} in the corridor, {north:,} in the northern half" in result.output
    on_road = int((listed["corridor_half"] == "road").sum())
    assert f"{south:,} in the southern half (Russia's), {on_road:,} on the road" in result.output
    assert "district: Jisr-Ash-Shugur" in result.output


def test_layer_has_the_map_columns_and_no_missing_values(out):
    _, result = out
    layer = result.model.settlements
    frame = corridor.load().settlements
    assert set(frame.columns) >= MAP_COLUMNS
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == len(read_settlements())
    for column in frame.columns.drop(["geonames_id", "geometry"]):
        assert not frame[column].isna().any(), column
    assert frame["chainage_km"].is_monotonic_increasing
    assert set(frame["side"]) <= {"north", "south", "road"}
    assert (layer["district"] != "").all() and (layer["governorate"] != "").all()
    # Off the road, the half holding a settlement is its side of the road.
    inside = layer[layer["in_corridor"] & (layer["corridor_half"] != "road")]
    assert (inside["side"] == inside["corridor_half"]).all()
    assert (layer.loc[layer["in_corridor"], "road_km"] <= 6.001).all()
    assert not (layer["in_corridor"] & (layer["road_km"] > 6.01)).any()


def test_distances_agree_with_pyproj_geod(out):
    _, result = out
    s = result.model.settlements
    route = result.model.route
    sample = s.iloc[:: max(1, len(s) // 40)]
    line = np.asarray(route.line.coords)
    for row in sample.itertuples():
        # Brute force: the nearest of the road's vertices (densified every 250 m) by geodesic.
        d = GEOD.inv(np.full(len(line), row.lon), np.full(len(line), row.lat), *line.T)[2]
        assert row.road_km == pytest.approx(d.min() / 1000, abs=0.01)
    border = result.model.border.line
    coords = np.vstack([np.asarray(g.coords) for g in getattr(border, "geoms", [border])])
    for row in sample.itertuples():
        d = GEOD.inv(np.full(len(coords), row.lon), np.full(len(coords), row.lat), *coords.T)[2]
        # The border's vertices are 10 m apart or more, so the nearest vertex overstates the
        # distance to the line a little; the projected distance is within 5 m of geodesic.
        assert row.border_km <= d.min() / 1000 + 0.005
        assert row.border_km == pytest.approx(d.min() / 1000, abs=0.1)
    from corridor.geo.border import distance_to_border_m

    geodesic = distance_to_border_m(border, sample["lon"].to_numpy(), sample["lat"].to_numpy())[0]
    assert np.abs(sample["border_km"].to_numpy() - geodesic / 1000).max() <= 0.005


def test_known_towns_fall_in_their_district_and_governorate(out):
    _, result = out
    s = result.model.settlements.set_index("name")
    assert (s.loc["Arīḩā", ["district", "governorate"]] == ["Ariha", "Idlib"]).all()
    jisr = s[s.index.str.startswith("Jisr ash Shugh")].iloc[0]
    assert (jisr["district"], jisr["governorate"]) == ("Jisr-Ash-Shugur", "Idlib")
    assert s.loc["Sarāqib", "governorate"] == "Idlib"


def test_corridor_area_per_level_adds_up_to_the_corridor(out):
    _, result = out
    a = result.model.corridor_admin
    c = result.model.corridor
    total = c.area_km2("north") + c.area_km2("south")
    for level in ("governorate", "district"):
        rows = a[a["level"] == level]
        assert rows["total_km2"].sum() == pytest.approx(total, abs=0.1)
        assert rows["share"].sum() == pytest.approx(1.0, abs=0.002)
        assert (rows[["north_km2", "south_km2"]] >= 0).all().all()
        outside = rows[rows["name"] == "(outside the polygons)"]["total_km2"].iloc[0]
        assert outside < 0.01 * total
        in_corridor = int(result.model.settlements["in_corridor"].sum())
        counts = rows[["settlements_north", "settlements_south", "settlements_on_road"]]
        assert counts.sum().sum() == in_corridor
    # The Tronba–Ain al-Hawr section runs through Idlib governorate and, at its western end (Ain
    # al-Hawr at its GeoNames point, 1.9% of the area), just into Latakia's.
    gov = a[a["level"] == "governorate"].set_index("name")["total_km2"]
    assert gov["Idlib"] > 0.8 * total and gov["Lattakia"] > 0.01 * total


def test_gpkg_holds_the_settlements_layer(out):
    folder, result = out
    layers = dict(pyogrio.list_layers(folder / "corridor.gpkg"))
    assert layers["settlements"] == "Point"
    info = pyogrio.read_info(folder / "corridor.gpkg", layer="settlements")
    assert info["features"] == len(result.model.settlements)


# --- bad gazetteer input -----------------------------------------------------------------------


def _write(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "settlements.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


GOOD = ["1", "11", "Ţurumbah", "طرمبة", "", "35.8", "36.7", "PPL", "0"]


def test_reads_a_good_file(tmp_path):
    (s,) = read_settlements(_write(tmp_path, [GOOD]))
    assert (s.wof_id, s.geonames_id, s.lon, s.lat) == (1, 11, 36.7, 35.8)


@pytest.mark.parametrize(
    ("change", "row", "field", "message"),
    [
        ({5: ""}, 3, "lat", "no coordinate"),
        ({6: "x"}, 3, "lon", "not a number"),
        ({5: "135.8"}, 3, "lat", "outside"),
        ({1: "11"}, 3, "geonames_id", r"occurs twice \(also row 2\)"),
        ({0: "1", 1: "12"}, 3, "wof_id", "occurs twice"),
        ({0: ""}, 3, "wof_id", "is empty"),
    ],
)
def test_bad_rows_are_named(tmp_path, change, row, field, message):
    bad = ["2", "12", *GOOD[2:]]
    for i, value in change.items():
        bad[i] = value
    path = _write(tmp_path, [GOOD, bad])
    with pytest.raises(InputError, match=message) as caught:
        read_settlements(path)
    assert (caught.value.file, caught.value.row, caught.value.field) == (str(path), row, field)


def test_missing_file_and_wrong_columns_are_named(tmp_path):
    with pytest.raises(InputError, match="cannot read") as caught:
        read_settlements(tmp_path / "absent.csv")
    assert caught.value.file == str(tmp_path / "absent.csv")
    path = tmp_path / "other.csv"
    path.write_text("id,lat,lon\n1,35,36\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected the columns") as caught:
        read_settlements(path)
    assert caught.value.row == 1
    with pytest.raises(InputError, match="cannot read the admin polygons"):
        read_admin(tmp_path / "absent.geojson")


def test_readme_quotes_the_current_counts(out):
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    s = out[1].model.settlements
    inside = s[s["in_corridor"]]
    match = re.search(
        r"Of the ([\d,]+) gazetteer settlements within 25 km of the road, \*\*(\d+)\*\* lie in the "
        r"corridor: (\d+) in the\s+northern half, (\d+) in the southern half and (\d+)",
        readme,
    )
    assert match
    numbers = [int(g.replace(",", "")) for g in match.groups()]
    halves = inside["corridor_half"].value_counts()
    assert numbers == [
        len(s),
        len(inside),
        halves.get("north", 0),
        halves.get("south", 0),
        halves.get("road", 0),
    ]
