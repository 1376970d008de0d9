"""The package works installed from a wheel: geodata and seeds travel inside it."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [path] = out.glob("corridor-*.whl")
    return path


def test_wheel_carries_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "corridor/geodata/places.csv",
        "corridor/geodata/places_derived.csv",
        "corridor/geodata/m4_route.csv",
        "corridor/geodata/border_tr_sy.geojson",
        "corridor/geodata/events.json",
        "corridor/geodata/PROVENANCE.md",
        "corridor/py.typed",
    ):
        assert needed in names
    assert any(n.startswith("corridor/seeds/") and n.endswith(".json") for n in names)
    assert any(n.startswith("corridor/webmap/assets/") for n in names)
    # The map's own script and stylesheet are package data, read with importlib.resources.
    assert {
        "corridor/webmap/dom.js",
        "corridor/webmap/layout.js",
        "corridor/webmap/runtime.js",
        "corridor/webmap/map.css",
    } <= names
    # The QGIS styles' templates and the Google Earth icons are package data of export/.
    from corridor.export.qgis import TEMPLATES

    for template in {*TEMPLATES.values(), "_marker.qml", "_road_symbol.qml"}:
        assert f"corridor/export/qml/{template}" in names, template
    assert "corridor/export/kml_icons/imported.png" in names


def test_installed_wheel_loads_without_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import corridor, corridor._data as d; "
        "layers = corridor.load(); "
        "print(corridor.__file__); print(d.geodata_dir()); print(len(layers.places), len(layers.events))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    module_file, data_dir, counts = result.stdout.strip().splitlines()
    assert module_file.startswith(str(site))
    assert data_dir.startswith(str(site))
    assert int(counts.split()[1]) > 50
