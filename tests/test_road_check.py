"""The road against every reported along-road distance: road_check.json, the CLI summary, bad rows."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest

from corridor._errors import InputError
from corridor.geo.geodesy import GEOD
from corridor.geo.model import compute
from corridor.geo.road_check import read_road_distances, road_check_document
from corridor.geo.route import read_route_definition
from corridor.pipeline import OUTPUT_FILES


@pytest.fixture(scope="module")
def model():
    return compute()


def chain_km(model, a: str, b: str) -> float:
    """Independent of the route code: pyproj's geodesics through m4_route.csv's places in order."""
    ids = [row["place_id"] for row in read_route_definition()]
    lo, hi = sorted((ids.index(a), ids.index(b)))
    pts = [model.gazetteer[i] for i in ids[lo : hi + 1]]
    return sum(GEOD.inv(p.lon, p.lat, q.lon, q.lat)[2] for p, q in itertools.pairwise(pts)) / 1000


def test_every_reported_distance_is_checked_and_disagreements_kept(model):
    checks = {c.reported.id: c for c in model.road_check}
    assert set(checks) == {r.id for r in read_road_distances()}
    tronba = sorted(
        c.reported.reported_km for c in model.road_check if c.reported.to_id == "ain-al-hawr"
    )
    assert tronba == [70, 71, 73]
    doc = road_check_document(model.route, model.road_check)
    disputed = {(d["from"], d["to"]): d["reported_km"] for d in doc["disagreements"]}
    assert disputed == {("tronba", "ain-al-hawr"): [70, 71, 73], ("latakia", "saraqib"): [98, 120]}


@pytest.mark.parametrize(
    ("check_id", "ratio"),
    [
        ("bassa-ariha", 0.947),
        ("tronba-ain-al-hawr-70", 0.916),
        ("tronba-ain-al-hawr-71", 0.903),
        ("tronba-ain-al-hawr-73", 0.878),
        ("jisr-al-shughur-ariha", 1.268),
        ("ariha-saraqib", 0.993),
        ("latakia-saraqib-98", 1.187),
        ("latakia-saraqib-120", 0.969),
    ],
)
def test_model_over_reported_per_stretch(model, check_id, ratio):
    c = next(c for c in model.road_check if c.reported.id == check_id)
    # The model's chainage equals the geodesic chain through the named places, computed apart.
    assert c.model_km == pytest.approx(
        chain_km(model, c.reported.from_id, c.reported.to_id), abs=0.01
    )
    assert c.ratio == pytest.approx(ratio, abs=0.001)


def test_patrol_section_is_measured_between_62_and_80_km(model):
    km = model.place_km["tronba"] - model.place_km["ain-al-hawr"]
    assert 62 <= km <= 80
    assert km == pytest.approx(chain_km(model, "ain-al-hawr", "tronba"), abs=0.01)


def test_road_check_json_is_written_and_listed(tmp_path):
    assert "road_check.json" in OUTPUT_FILES
    result = subprocess.run(
        [sys.executable, "-m", "corridor", "build", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads((tmp_path / "o" / "road_check.json").read_text(encoding="utf-8"))
    assert doc["length_km"] == pytest.approx(165.5, abs=0.05)
    assert len(doc["segments"]) == 17
    assert all(s["basis"] and s["basis_url"].startswith("http") for s in doc["segments"])
    by_id = {s["id"]: s for s in doc["stretches"]}
    assert by_id["bassa-ariha"]["model_over_reported"] == pytest.approx(0.947, abs=0.001)
    assert by_id["tronba-ain-al-hawr-73"]["approx"] is True
    # The CLI summary prints every stretch, all three patrol figures and both Latakia-Saraqib ones.
    out = result.stdout
    assert "The road against the reported distances" in out
    table = out.split("The road against the reported distances")[1].split("Events")[0]
    assert table.count("Tronba–Ain al-Hawr") == 3
    assert "about 73" in table and " 70 " in table and " 71 " in table
    assert table.count("Latakia–Saraqib") == 2 and " 98 " in table and " 120 " in table
    assert "0.95" in table  # al-Bassa–Ariha


def test_bad_rows_name_file_row_and_field(tmp_path):
    path = tmp_path / "road_distances.csv"
    header = "id,from_id,to_id,reported_km,approx,source,source_url,note\n"
    path.write_text(header + "a,ariha,saraqib,twenty,yes,s,https://x,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, field 'reported_km': 'twenty' is not a number"):
        read_road_distances(path)
    path.write_text(header + "a,ariha,saraqib,20,maybe,s,https://x,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, field 'approx'"):
        read_road_distances(path)
    path.write_text(header + "a,ariha,saraqib,-3,no,s,https://x,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, field 'reported_km'"):
        read_road_distances(path)
    with pytest.raises(InputError, match="cannot read the file"):
        read_road_distances(tmp_path / "missing.csv")
