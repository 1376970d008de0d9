"""The project's places against the village gazetteer, and bad gazetteer input.

The shared gazetteer (``../shared/reference/gazetteer`` beside the repository) is not part of the
project; where it is present every committed row is measured against it, and the committed rows are
checked against what they state about themselves always.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from corridor._errors import InputError
from corridor.geo.geodesy import distance_m
from corridor.geo.localities import compare_places, read_localities
from corridor.geo.places import read_registry_places

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repository; a worktree under a folder of worktrees has it one level further up.
CANDIDATES = [
    ROOT.parent / "shared/reference/gazetteer",
    ROOT.parent.parent / "shared/reference/gazetteer",
]
SHARED = next((p for p in CANDIDATES if (p / "localities.csv").is_file()), None)
needs_shared = pytest.mark.skipif(SHARED is None, reason="../shared/reference/gazetteer is absent")
#: Inside this box the gazetteer holds every GeoNames locality (its README): lat, lon.
BOX = (35.30, 36.50, 35.60, 37.40)
#: Inside the box but not in the gazetteer: Who's On First holds no GeoNames locality for Aleppo's
#: 170063 (its city record is not among the localities), so Aleppo keeps the GeoNames package's point.
NOT_IN_GAZETTEER = {"aleppo"}
HEADER = "wof_id,geonames_id,name,wof_name,name_ar,variants,lat,lon,feature_code,gn_admin1\n"


@pytest.fixture(scope="module")
def places():
    return read_registry_places()


def in_box(place) -> bool:
    inside = BOX[0] <= place.lat <= BOX[1] and BOX[2] <= place.lon <= BOX[3]
    return inside and place.id not in NOT_IN_GAZETTEER


# --- the committed rows, always ----------------------------------------------------------------


def test_every_place_in_the_gazetteers_box_is_a_geonames_point_within_1_km(places):
    inside = [p for p in places if in_box(p)]
    assert len(inside) >= 20
    for p in inside:
        assert p.geonames_id, p.id
        assert p.uncertainty_m <= 1000, p.id
        assert p.source_url == f"https://www.geonames.org/{p.geonames_id}", p.id
        assert "Who's On First" in p.source, p.id
        assert not p.is_derived, p.id


def test_alternatives_are_far_enough_to_matter_and_named_in_the_note(places):
    with_alternatives = [p for p in places if p.alternatives]
    assert {p.id for p in with_alternatives} >= {"ain-al-hawr", "al-kafir", "msibin"}
    for p in with_alternatives:
        for gid, km in p.alternatives:
            assert gid != p.geonames_id
            assert km > 0.5, (p.id, gid)  # a candidate further than the chosen point's uncertainty


# --- against the shared gazetteer, where it is ------------------------------------------------


@needs_shared
def test_every_place_lies_within_its_uncertainty_of_the_gazetteer_point(places):
    localities = read_localities(SHARED)
    matches = compare_places(places, localities)
    inside = {p.id for p in places if in_box(p)}
    assert {m.place_id for m in matches} == inside  # the gazetteer has every place in its box
    assert all(
        next(p for p in places if p.id == pid).geonames_id not in localities
        for pid in NOT_IN_GAZETTEER
    )
    for m in matches:
        assert m.within, f"{m.place_id} is {m.distance_m:.0f} m from GeoNames {m.geonames_id}"
        assert m.distance_m < 1.0  # the row holds the gazetteer's point itself (5 decimals)
        for gid, stated, measured in m.alternatives:
            assert measured is not None, gid
            assert measured == pytest.approx(stated, abs=0.05), (m.place_id, gid)


@needs_shared
def test_identified_records_are_the_ones_the_issue_names(places):
    localities = read_localities(SHARED)
    by_id = {p.id: p for p in places}
    assert by_id["tronba"].geonames_id == 163092
    assert localities[163092].name == "Ţurumbah"
    assert by_id["bsanqul"].geonames_id == 171733
    assert localities[171733].name == "Dabsanqūl"
    # 'Ayn al Hawr: the Latakia one is on the road to Bdama; the Idlib one is the alternative.
    assert by_id["ain-al-hawr"].geonames_id == 172221
    assert localities[172221].governorate == "Latakia"
    assert localities[172220].governorate == "Idlib"
    assert localities[172220].name == localities[172221].name
    # Kufayr south of Jisr al-Shughur, as the report says; Musibin between Ariha and al-Nayrab.
    jisr, kafir = by_id["jisr-al-shughur"], localities[by_id["al-kafir"].geonames_id]
    assert kafir.lat < jisr.lat
    assert distance_m(jisr.lon, jisr.lat, kafir.lon, kafir.lat) < 4000
    ariha, nayrab, msibin = by_id["ariha"], by_id["al-nayrab"], by_id["msibin"]
    assert ariha.lon < msibin.lon < nayrab.lon


@needs_shared
def test_the_cli_measures_the_places_against_the_gazetteer():
    result = subprocess.run(
        [sys.executable, "-m", "corridor", "places", "--gazetteer", str(SHARED)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ain-al-hawr" in result.stdout and "GeoNames 172221" in result.stdout
    assert result.stdout.strip().endswith("0 off.")


# --- bad gazetteer input -----------------------------------------------------------------------


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "localities.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"localities.csv: cannot read the gazetteer"):
        read_localities(tmp_path / "localities.csv")


def test_row_without_coordinates(tmp_path):
    path = _write(
        tmp_path,
        "1,163092,Ţurumbah,Turumbah,,,35.85979,36.76833,PPL,12.0\n2,172221,A,A,,,,36.1,PPL,2.0\n",
    )
    with pytest.raises(InputError) as info:
        read_localities(path)
    assert str(info.value) == f"{path}, row 3, field 'lat': no coordinate"


def test_coordinates_out_of_range_or_not_numbers(tmp_path):
    path = _write(tmp_path, "1,163092,T,T,,,35.8,236.7,PPL,12.0\n")
    with pytest.raises(InputError, match=r"row 2, field 'lon': 236.7 is outside -180..180"):
        read_localities(path)
    path = _write(tmp_path, "1,163092,T,T,,,nan,36.7,PPL,12.0\n")
    with pytest.raises(InputError, match=r"row 2, field 'lat'"):
        read_localities(path)


def test_duplicate_id(tmp_path):
    path = _write(
        tmp_path,
        "1,163092,T,T,,,35.8,36.7,PPL,12.0\n2,5,B,B,,,35.8,36.7,PPL,12.0\n3,163092,T,T,,,35.9,36.7,PPL,12.0\n",
    )
    with pytest.raises(InputError) as info:
        read_localities(path)
    assert (
        str(info.value)
        == f"{path}, row 4, field 'geonames_id': GeoNames id 163092 is also on row 2"
    )


def test_missing_columns(tmp_path):
    path = tmp_path / "localities.csv"
    path.write_text("wof_id,name\n1,A\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 1: missing the columns geonames_id, name_ar, lat"):
        read_localities(path)


def test_records_without_a_geonames_id_are_skipped(tmp_path):
    path = _write(tmp_path, "1,,Haffe,Haffe,,,35.6,36.0,,\n2,163092,T,T,,,35.8,36.7,PPL,12.0\n")
    assert list(read_localities(path)) == [163092]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (None, "cannot read the gazetteer"),
        ("1,163092,T,T,,,,36.7,PPL,12.0\n", "row 2, field 'lat': no coordinate"),
        (
            "1,163092,T,T,,,35.8,36.7,PPL,12.0\n2,163092,T,T,,,35.8,36.7,PPL,12.0\n",
            "row 3, field 'geonames_id': GeoNames id 163092 is also on row 2",
        ),
    ],
)
def test_cli_bad_gazetteer_exits_2_with_one_line(tmp_path, body, expected):
    path = tmp_path / "localities.csv" if body is None else _write(tmp_path, body)
    result = subprocess.run(
        [sys.executable, "-m", "corridor", "places", "--gazetteer", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("corridor: error: ") and str(path) in lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_reports_a_place_off_the_gazetteer(tmp_path):
    # One place moved 2 km north in a copy of the gazetteer: the check finds it and exits 1.
    tronba = next(p for p in read_registry_places() if p.id == "tronba")
    path = _write(tmp_path, f"1,163092,T,T,,,{tronba.lat + 0.018:.5f},{tronba.lon},PPL,12.0\n")
    result = subprocess.run(
        [sys.executable, "-m", "corridor", "places", "--gazetteer", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if "tronba" in x)
    assert line.split()[0] == "OFF"
    assert int(line.split()[4]) == pytest.approx(
        distance_m(tronba.lon, tronba.lat, tronba.lon, tronba.lat + 0.018), abs=1
    )
    assert "1 places measured" in result.stdout and "1 off." in result.stdout


def test_committed_places_file_bad_rows_are_named(tmp_path):
    # The project's own places.csv: a row without coordinates names file, row and field.
    src = (ROOT / "geodata/places.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(src))
    lat = rows[0].index("lat")
    rows[3][lat] = ""
    path = tmp_path / "places.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(InputError) as info:
        read_registry_places(path)
    assert str(info.value) == f"{path}, row 4, field 'lat': '' is not a number"
