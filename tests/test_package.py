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


# --- What each install brings --------------------------------------------------------------------

TEST_TOOLS = {"pytest", "ruff", "playwright", "nbclient", "nbformat", "matplotlib", "mapclassify"}


def _project():
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements):
    from packaging.requirements import Requirement

    return {Requirement(r).name.lower() for r in requirements}


def _closure(names):
    """``names`` and everything they require, as installed here (markers and extras honoured)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen, todo = set(), list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def test_run_dependencies_hold_no_test_or_notebook_tools():
    project = _project()
    assert not _names(project["dependencies"]) & TEST_TOOLS
    extras = project["optional-dependencies"]
    assert "corridor[notebook]" in extras["test"]  # make test brings the notebook's tools too
    assert {"ipykernel", "matplotlib", "mapclassify"} <= _names(extras["notebook"])


def test_make_run_installs_the_project_without_extras():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(RUN_STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "pip install --quiet -e .\n" in recipe + "\n" and "[" not in recipe
    run = makefile.split("\nrun: ", 1)[1].split("\n", 1)[0]
    assert run.strip() == "$(RUN_STAMP)"


def test_the_notebooks_imports_come_with_the_notebook_extra():
    """Every module the notebook imports is in the standard library or installed by `.[notebook]`."""
    import json
    import re
    import sys
    from importlib import metadata

    project = _project()
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["notebook"])
    installed = _closure(wanted)
    cells = json.loads((ROOT / "notebooks" / "corridor.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    modules = set(re.findall(r"^\s*(?:from|import) ([A-Za-z_]\w*)", code, flags=re.MULTILINE))
    by_module = metadata.packages_distributions()
    for module in modules - {"corridor"}:
        if module in sys.stdlib_module_names:
            continue
        dists = {d.lower().replace("_", "-") for d in by_module.get(module, [])}
        assert dists & installed, (
            f"the notebook imports {module}, which .[notebook] does not install"
        )
