"""The command line: the happy path, and bad input as one line, exit code 2, nothing written."""

import subprocess
import sys

import pytest


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "corridor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_build_prints_the_border_table_and_the_files(tmp_path):
    result = run("build", "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert "closest point of the M4" in result.stdout
    assert "About 30 km" in result.stdout
    assert "Bdama" in result.stdout and "corridor.gpkg" in result.stdout
    assert (tmp_path / "o" / "corridor.geojson").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--section", "Atlantis:Ariha"], "unknown place 'Atlantis'"),
        (["--section", "Sraqib:Ariha"], "did you mean 'Saraqib'"),
        (["--section", "Ariha"], "FROM:TO"),
        (["--half-width-km", "-3"], "positive"),
        (["--half-width-km", "abc"], "not a number"),
        (["--route", "no/such/file.geojson"], "cannot read the route file"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, args, needle):
    out = tmp_path / "o"
    result = run("build", "--out", str(out), *args)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("build", "--out", str(blocker / "sub"))
    assert result.returncode == 2
    assert "cannot write to the output folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error():
    result = run("build", "--width", "6")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_place_lookup():
    result = run("place", "trumba")
    assert result.returncode == 0
    # Tronba is GeoNames' Turumbah now, not derived from the protocol's words.
    assert "Tronba (tronba)" in result.stdout and "derived" not in result.stdout
    assert "https://www.geonames.org/163092" in result.stdout
    hawr = run("place", "Ain al-Hawr")
    assert "not to be confused with: GeoNames 172220, 7 km away" in hawr.stdout


def test_check_writes_the_claims_and_lists_what_fails(tmp_path):
    result = run("check", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.json", "claims.md"]
    assert "contradicted" in result.stdout
    assert "Aleppo and Damascus" in result.stdout
    assert "Claims checked:" in result.stdout


def test_check_with_a_narrower_corridor_flips_the_width_claims(tmp_path):
    import json

    run("check", "--out", str(tmp_path), "--half-width-km", "3")
    claims = {
        c["claim_id"]: c["verdict"] for c in json.loads((tmp_path / "claims.json").read_text())
    }
    assert claims["004-six-km-wide"] == "supported"
    assert claims["000-half-width"] == "contradicted"
