"""Bringing your own events: ACLED, plain CSV and GeoJSON; bad rows reported, good rows kept."""

import json
import subprocess
import sys

import pandas as pd
import pytest

import corridor
from corridor._errors import InputError
from corridor.events.readers import read_events
from corridor.geo.model import locate_derived
from corridor.geo.places import load_gazetteer
from corridor.geo.route import route_from_places

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp"
)


def acled_row(
    eid, date, lat, lon, *, event_type="Explosions/Remote violence", tp="1", gp="1", notes="x"
):
    return (
        f"{eid},{date},2020,{tp},Political violence,{event_type},Remote explosive/landmine/IED,"
        f"Unidentified Armed Group,,3,Military Forces of Russia,,8,38,,760,Middle East,Syria,Idleb,"
        f"Ariha,Ariha,Ariha,{lat},{lon},{gp},SOHR,National,{notes},2,,1600000000"
    )


@pytest.fixture(scope="module")
def gazetteer():
    """Registry and derived places, as a build sees them."""
    registry = load_gazetteer()
    return locate_derived(registry, route_from_places(registry))


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_acled_both_date_formats_and_fields_kept(tmp_path, gazetteer):
    path = write(
        tmp_path,
        "acled.csv",
        "\n".join(
            [
                ACLED_HEADER,
                acled_row("SYR1", "14 July 2020", 35.8137, 36.6096),
                acled_row("SYR2", "2020-08-25", 35.80, 36.55, tp="3", gp="2"),
            ]
        )
        + "\n",
    )
    result = read_events(path, gazetteer=gazetteer)
    assert result.format == "acled"
    assert result.rejected == []
    t = result.table.set_index("id")
    assert t.loc["SYR1", "date"] == "2020-07-14"
    assert t.loc["SYR2", "date_precision"] == "month"
    assert t.loc["SYR2", "uncertainty_m"] > t.loc["SYR1", "uncertainty_m"]
    for name in (
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "fatalities",
        "geo_precision",
        "notes",
        "source",
    ):
        assert name in t.columns
    assert t.loc["SYR1", "fatalities"] == 2
    assert t.loc["SYR1", "kind"] == "attack"


def test_acled_columns_are_read_by_name_in_any_order(tmp_path, gazetteer):
    text = "latitude,notes,event_type,longitude,event_date\n35.81,x,Protests,36.60,2020-03-14\n"
    # No event_id_cnty, but sub_event_type/event_date are what mark ACLED; here it is plain CSV.
    result = read_events(write(tmp_path, "short.csv", text), gazetteer=gazetteer)
    assert len(result.table) == 1
    assert result.table.loc[0, "kind"] == "protests"


@pytest.mark.parametrize(
    ("row", "field", "needle"),
    [
        (acled_row("B1", "not a date", 35.8, 36.6), "event_date", "is not a date"),
        (acled_row("B2", "2020-07-14", 95, 36.6), "latitude", "outside -90..90"),
        (acled_row("B3", "2020-07-14", 35.8, 200), "longitude", "outside -180..180"),
        (acled_row("B4", "2020-07-14", 36.6, 35.8), "latitude", "look swapped"),
        (acled_row("B5", "2020-07-14", "abc", 36.6), "latitude", "not a number"),
        (acled_row("B6", "2020-07-14", "", 36.6), "latitude", "missing"),
    ],
)
def test_bad_acled_rows_name_file_row_and_field(tmp_path, gazetteer, row, field, needle):
    good = acled_row("G1", "2020-07-14", 35.8, 36.6)
    path = write(tmp_path, "bad.csv", f"{ACLED_HEADER}\n{good}\n{row}\n")
    result = read_events(path, gazetteer=gazetteer)
    assert list(result.table.id) == ["G1"]  # the good row is kept
    [bad] = result.rejected
    assert (bad.row, bad.field) == (3, field)
    assert needle in bad.message
    assert str(path) in str(bad)


def test_plain_csv_with_place_names_and_bom(tmp_path, gazetteer):
    text = "\ufeffdate,place,kind,description,source\n2020-03-15,Trumba,protest,sit-in,https://a.example\n2020-03-16,Atlantis,protest,x,y\n"
    result = read_events(write(tmp_path, "plain.csv", text), gazetteer=gazetteer)
    assert result.table.loc[0, "places"] == "tronba"
    # Trumba is GeoNames' Turumbah (163092), 3.4 km west of Saraqib.
    assert result.table.loc[0, "lon"] == pytest.approx(36.76833, abs=1e-5)
    assert result.table.loc[0, "lon"] < gazetteer.find("Saraqib").lon - 0.03
    [bad] = result.rejected
    assert bad.field == "place"
    assert "unknown place 'Atlantis'" in bad.message


def test_truncated_file_rejects_the_short_row(tmp_path, gazetteer):
    good = acled_row("G1", "2020-07-14", 35.8, 36.6)
    cut = acled_row("T1", "2020-07-14", 35.8, 36.6)[:60]  # the file ends mid-row
    result = read_events(
        write(tmp_path, "cut.csv", f"{ACLED_HEADER}\n{good}\n{cut}"), gazetteer=gazetteer
    )
    assert list(result.table.id) == ["G1"]
    assert result.rejected[0].row == 3


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("date,lat,lon\n2020-01-01,35,36\n".encode("utf-16"), "binary"),
        (b"date,latitude,longitude\n2020-01-01,35.8,36.6,\xe9t\xe9\n", "not UTF-8"),
        (b"id,notes\n1,x\n", "needs a date column"),
        (
            f"{ACLED_HEADER.replace('latitude,', '')}\n".encode(),
            r"missing required column\(s\) latitude",
        ),
        (b"{broken", "not valid JSON"),
    ],
)
def test_bad_files_are_file_level_errors(tmp_path, gazetteer, content, needle):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=needle) as info:
        read_events(path, gazetteer=gazetteer)
    assert str(path) in str(info.value)


def test_geojson_points(tmp_path, gazetteer):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"date": "2020-07-14", "kind": "attack", "description": "d"},
                "geometry": {"type": "Point", "coordinates": [36.61, 35.81]},
            },
            {
                "type": "Feature",
                "properties": {"date": "2020-07-14"},
                "geometry": {"type": "LineString", "coordinates": [[36, 35], [36.1, 35.1]]},
            },
        ],
    }
    result = read_events(write(tmp_path, "p.geojson", json.dumps(fc)), gazetteer=gazetteer)
    assert len(result.table) == 1
    assert result.rejected[0].field == "geometry"


def test_imported_events_are_tagged_and_out_of_area_flagged(tmp_path):
    path = write(
        tmp_path,
        "acled.csv",
        "\n".join(
            [
                ACLED_HEADER,
                acled_row("NEAR", "2020-07-14", 35.8137, 36.6096),
                acled_row("FAR", "2020-07-14", 35.33, 40.14),
            ]
        )
        + "\n",
    )
    events = corridor.load(events=[path]).events.set_index("id")
    assert events.loc["NEAR", "in_corridor"]
    assert events.loc["NEAR", "origin"] == "acled.csv"
    assert not events.loc["FAR", "in_study_area"]


def run_build(*args):
    return subprocess.run(
        [sys.executable, "-m", "corridor", "build", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_reports_bad_rows_and_strict_fails_untouched(tmp_path):
    path = write(
        tmp_path,
        "acled.csv",
        "\n".join(
            [
                ACLED_HEADER,
                acled_row("G", "2020-07-14", 35.8, 36.6),
                acled_row("B", "nope", 35.8, 36.6),
            ]
        )
        + "\n",
    )
    out = tmp_path / "out"
    ok = run_build("--out", str(out), "--events", str(path))
    assert ok.returncode == 0, ok.stderr
    assert "rejected" in ok.stdout
    assert f"{path}, row 3, field 'event_date'" in ok.stdout
    assert "acled.csv" in (out / "rejected_events.csv").read_text()
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    strict = run_build("--out", str(out), "--events", str(path), "--strict")
    assert strict.returncode == 2
    assert "row 3" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_cli_binary_events_file_is_exit_2(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x00\x01\x02")
    result = run_build("--out", str(tmp_path / "o"), "--events", str(path))
    assert result.returncode == 2
    assert "binary" in result.stderr
    assert not (tmp_path / "o").exists()


def test_swapped_coordinates_are_rejected_as_swapped(tmp_path, gazetteer):
    """Swapped, the row lands in Syria near the road; as given it is off Syria and far from it."""
    text = (
        "id,date,latitude,longitude\n"
        "GOOD,2021-05-01,35.8137,36.6096\n"  # Ariha, on the road
        "SWAP,2021-05-01,36.6096,35.8137\n"  # the same point swapped: in the Gulf of Iskenderun
        "FAR,2021-05-01,37.0662,37.3781\n"  # Gaziantep: far from the road both ways, kept and flagged
        "NEAR,2021-05-01,35.93,36.63\n"  # near the road as given: never swapped, whatever the other way
    )
    result = read_events(write(tmp_path, "e.csv", text), gazetteer=gazetteer)
    assert list(result.table.id) == ["GOOD", "FAR", "NEAR"]
    [bad] = result.rejected
    assert (bad.row, bad.field) == (3, "latitude")
    assert "swapped" in bad.message
    assert "36.6096" in bad.message and "35.8137" in bad.message
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"date": "2021-05-01"},
                "geometry": {"type": "Point", "coordinates": coords},
            }
            for coords in ([36.6096, 35.8137], [35.8137, 36.6096])  # GeoJSON: longitude first
        ],
    }
    result = read_events(write(tmp_path, "e.geojson", json.dumps(geojson)), gazetteer=gazetteer)
    assert len(result.table) == 1
    assert [r.row for r in result.rejected] == [2]
    assert "swapped" in result.rejected[0].message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("acled.csv", ACLED_HEADER + "\n"),
        ("plain.csv", "date,latitude,longitude\n"),
        ("points.geojson", '{"type": "FeatureCollection", "features": []}'),
    ],
)
def test_file_with_no_rows_warns_and_fails_strict(tmp_path, name, content):
    path = write(tmp_path, name, content)
    out = tmp_path / "out"
    ok = run_build("--out", str(out), "--events", str(path))
    assert ok.returncode == 0, ok.stderr
    [warning] = [line for line in ok.stdout.splitlines() if line.startswith("Warning:")]
    assert str(path) in warning
    assert "nothing was imported" in warning
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    strict = run_build("--out", str(out), "--events", str(path), "--strict")
    assert strict.returncode == 2
    assert str(path) in strict.stderr
    assert "Traceback" not in strict.stderr
    assert len(strict.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_file_with_no_usable_row_stops_the_build(tmp_path, gazetteer):
    path = write(
        tmp_path,
        "bad.csv",
        "\n".join(
            [
                ACLED_HEADER,
                acled_row("S1", "2021-05-01", 36.6096, 35.8137),  # swapped
                acled_row("S2", "not a date", 35.8, 36.6),
            ]
        )
        + "\n",
    )
    with pytest.raises(InputError, match=r"none of its 2 rows could be used.*swapped") as info:
        read_events(path, gazetteer=gazetteer)
    assert str(path) in str(info.value)
    out = tmp_path / "out"
    good = write(tmp_path, "good.csv", "date,latitude,longitude\n2021-05-01,35.8,36.6\n")
    assert run_build("--out", str(out), "--events", str(good)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run_build("--out", str(out), "--events", str(good), "--events", str(path))
    assert result.returncode == 2
    assert "none of its 2 rows could be used" in result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _chunks(table):
    return {
        c: table[c].array._pa_array.num_chunks for c in table.columns if table[c].dtype == "str"
    }


def test_any_csv_block_size_reads_the_same_rows(tmp_path, gazetteer, monkeypatch):
    # Arrow parses the file in blocks: rows that span blocks, bad rows in later blocks (numbered as
    # the file counts them) and a row longer than a block (read again with the largest block) come
    # out as with one block, and every column is one chunk (events.parquet's pages depend on that).
    from corridor.events import csv_file

    rows = [acled_row(f"E{i}", "2020-07-14", 35.8, 36.6, notes=f"note {i}") for i in range(60)]
    rows[17] = rows[17] + ",extra"
    rows[41] = acled_row("E41", "2020-07-14", 35.8, 36.6)[:50]
    rows[50] = acled_row("E50", "someday", 35.8, 36.6)
    long_row = acled_row("L1", "2020-07-15", 35.9, 36.5, notes='"' + "long, " * 300 + '"')
    for name, body in (("short.csv", rows), ("long.csv", [*rows, long_row])):
        path = write(tmp_path, name, ACLED_HEADER + "\n" + "\n".join(body) + "\n")
        whole = read_events(path, gazetteer=gazetteer)
        monkeypatch.setattr(csv_file, "CSV_BLOCK_BYTES", 1 << 10)
        blocks = read_events(path, gazetteer=gazetteer)
        monkeypatch.undo()
        assert [(r.row, r.field) for r in blocks.rejected] == [
            (19, "(row)"),
            (43, "(row)"),
            (52, "event_date"),
        ]
        assert blocks.rejected == whole.rejected
        pd.testing.assert_frame_equal(blocks.table, whole.table)
        assert set(_chunks(blocks.table).values()) == {1}
    assert blocks.table.notes.iloc[-1].startswith("long, long")


def test_non_ascii_text_is_checked_as_utf8(tmp_path, gazetteer):
    arabic = acled_row("A1", "2020-07-14", 35.8, 36.6, notes="سراقب")
    path = tmp_path / "ar.csv"
    path.write_bytes(f"\ufeff{ACLED_HEADER}\n{arabic}\n".encode())
    assert list(read_events(path, gazetteer=gazetteer).table.notes) == ["سراقب"]
    # A bad byte after non-ASCII text: its offset counts from after the byte-order mark.
    good = f"{ACLED_HEADER}\n{arabic}\n".encode()
    for bad in (b"\xff", b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80"):
        path.write_bytes(b"\xef\xbb\xbf" + good + bad + b"\n")
        with pytest.raises(InputError, match=f"bad byte at offset {len(good)}\\)"):
            read_events(path, gazetteer=gazetteer)


@pytest.mark.parametrize("lead", ["", "\n \t", "\x1c", "\u00a0", "\u2003\n"])
def test_geojson_is_told_after_any_white_space(tmp_path, gazetteer, lead):
    point = {"type": "Point", "coordinates": [36.6, 35.8]}
    feature = {"type": "Feature", "geometry": point, "properties": {"date": "2020-07-14"}}
    fc = json.dumps({"type": "FeatureCollection", "features": [feature]})
    path = tmp_path / "f.json"
    path.write_text(lead + fc, encoding="utf-8")
    if lead.strip(" \t\n"):  # JSON itself allows only ASCII white space before the text
        with pytest.raises(InputError, match="not valid JSON"):
            read_events(path, gazetteer=gazetteer)
    else:
        assert read_events(path, gazetteer=gazetteer).format == "geojson"
