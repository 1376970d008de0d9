"""The command line: the happy path, and bad input as one line, exit code 2, nothing written."""

import os
import re
import subprocess
import sys
from pathlib import Path

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


# --- Consoles and pipes: never a traceback ------------------------------------------------------


def run_bytes(*args, env=None):
    """The CLI with its output redirected (a pipe, as a file would be), as raw bytes."""
    return subprocess.run(
        [sys.executable, "-m", "corridor", *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.parametrize("name", ["trumba", "ترنبة"])
@pytest.mark.parametrize("encoding", ["cp1252", "cp437"])
def test_place_on_a_narrow_code_page(name, encoding):
    """A Windows code page has no Arabic letters: they are replaced, and the rest reads as usual."""
    result = run_bytes("place", name, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode(encoding)  # every byte is in the code page
    assert re.search(r"Tronba \(tronba\): [\d.]+ N, [\d.]+ E, ±\d+ m", text), text
    assert "spellings: Tronba, ?????, Trumba" in text  # ترنبة could not be shown


def test_errors_on_a_narrow_code_page_are_one_line(tmp_path):
    result = run_bytes(
        "build", "--out", str(tmp_path / "o"), "--section", "ترنبة:Atlantis",
        env={"PYTHONIOENCODING": "cp1252"},
    )  # fmt: skip
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert "unknown place 'Atlantis'" in result.stderr.decode("cp1252")


def test_version():
    import tomllib

    from corridor import __version__

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert __version__ == project["project"]["version"]
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout == f"corridor {__version__}\n"


def closed_pipe(*args):
    """Run the CLI with its stdout a pipe whose reader has already gone."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "corridor", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # long before the command's first line: its first write meets EPIPE
    err = proc.stderr.read()
    return proc.wait(), err.decode(errors="replace")


def test_closed_pipe_ends_quietly(tmp_path):
    code, err = closed_pipe("place", "trumba")
    assert (code, err) == (0, "")
    code, err = closed_pipe("build", "--out", str(tmp_path / "o"))
    assert (code, err) == (0, "")  # no traceback, no "Exception ignored … BrokenPipeError"
    assert (tmp_path / "o" / "corridor.gpkg").is_file()  # the build itself was finished


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell pipeline")
def test_build_piped_into_head(tmp_path):
    script = (
        f'"{sys.executable}" -m corridor build --out "{tmp_path / "o"}" | head -1; '
        'echo "exit=${PIPESTATUS[0]}"'
    )
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    first, status = result.stdout.splitlines()
    assert first.startswith("Corridor section tronba:ain-al-hawr")
    assert status == "exit=0"
    assert result.stderr == ""
