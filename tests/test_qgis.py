"""QGIS itself opens corridor.gpkg (every layer takes its stored style, and the map renders) and
corridor.kmz (every folder, every placemark, every date).

QGIS's Python bindings are Debian's ``python3-qgis`` for the system ``/usr/bin/python3`` (not the
venv), so the check runs ``tests/qgis_render.py`` in a subprocess and reads its JSON report and PNG.
``make test`` installs QGIS when missing; on CI (``CI`` set) a missing QGIS fails the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import corridor
from corridor.export.qgis import RENDERERS, TEMPLATES, qgis_colour
from corridor.webmap.style import PALETTE
from test_safe import hostile_strings
from test_webmap import write_hostile

KML = "{http://www.opengis.net/kml/2.2}"
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}
SYSTEM_PYTHON = Path(os.environ.get("CORRIDOR_QGIS_PYTHON", "/usr/bin/python3"))
SCRIPT = Path(__file__).with_name("qgis_render.py")
KMZ_SCRIPT = Path(__file__).with_name("qgis_kmz.py")


def qgis_available() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
    )
    return probe.returncode == 0


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


def _need_qgis() -> None:
    if not qgis_available():
        message = f"QGIS's Python (python3-qgis) is not importable by {SYSTEM_PYTHON}; `make test` installs it"
        if _on_ci():
            pytest.fail(message + " (CI must run the QGIS test, never skip it)")
        pytest.skip(message)


def _run_qgis(script: Path, *args: Path) -> dict:
    """Run a QGIS script with the system Python; return the JSON object it prints last."""
    home = args[0].parent
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(home)}
    env.pop("PYTHONPATH", None)  # QGIS's python must not see the venv's packages
    done = subprocess.run(
        [SYSTEM_PYTHON, script, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    _need_qgis()
    out = tmp_path_factory.mktemp("qgis")
    corridor.build(out)
    png = out / "qgis.png"
    return _run_qgis(SCRIPT, out / "corridor.gpkg", png), png


def test_every_layer_takes_its_stored_style(rendered):
    report, _ = rendered
    layers = report["layers"]
    styled = {name for name in layers if name != "layer_styles"}
    assert styled <= set(TEMPLATES), styled - set(TEMPLATES)
    for name in styled:
        info = layers[name]
        assert info["valid"], name
        assert info["renderer"] == RENDERERS[TEMPLATES[name]], (name, info["renderer"])
    # A single-symbol layer could be QGIS's default; its colour shows it is the stored one.
    assert layers["border"]["colours"] == [PALETTE["border"]]
    corridor_colours = set(layers["corridor"]["colours"])
    assert {PALETTE["north_fill"], PALETTE["south_fill"], PALETTE["cut"]} <= corridor_colours
    event_colours = set(layers["events"]["colours"])
    for key in ("patrol_done", "patrol_cut", "attack", "protest", "other", "imported"):
        assert PALETTE[key] in event_colours, key


def test_places_are_labelled_as_plain_text(rendered):
    report, _ = rendered
    for name in ("places", "places_far"):
        info = report["layers"][name]
        assert info["labels"] and info["label_field"] == "name", name
        assert info["label_html"] is False, name


def test_no_drawn_layer_reaches_beyond_the_study_area(rendered):
    report, _ = rendered
    layers = report["layers"]
    x0, y0, x1, y1 = layers["m4"]["extent"]
    for name in ("places", "events", "patrols", "corridor", "border", "border_profile"):
        a, b, c, d = layers[name]["extent"]
        assert a >= x0 - 1 and b >= y0 - 1 and c <= x1 + 1 and d <= y1 + 1, (
            name,
            layers[name]["extent"],
        )
    assert layers["places_far"]["extent"][3] > 55  # Moscow is kept, in its own layer


def _pixels(image: np.ndarray, hex_colour: str, alpha: float, background: str) -> int:
    """Pixels within 6 levels of ``hex_colour`` drawn at ``alpha`` over ``background``."""
    fg = np.array([int(x) for x in qgis_colour(hex_colour).split(",")[:3]], dtype=float)
    bg = np.array([int(x) for x in qgis_colour(background).split(",")[:3]], dtype=float)
    blended = alpha * fg + (1 - alpha) * bg
    return int((np.abs(image[..., :3] - blended).max(axis=-1) <= 6).sum())


def test_the_map_renders_with_the_corridor_colours(rendered):
    _, png = rendered
    image = np.asarray(Image.open(png).convert("RGB"), dtype=float)
    assert image.shape[:2] == (800, 1400)
    background = "#fbfaf5"
    background_px = _pixels(image, background, 1.0, background)
    assert background_px < image.shape[0] * image.shape[1] * 0.95  # something was drawn
    north = _pixels(image, PALETTE["north_fill"], 0.6, background)
    south = _pixels(image, PALETTE["south_fill"], 0.6, background)
    # Each half of the corridor covers several per cent of the picture at this extent.
    assert north > 20_000, north
    assert south > 20_000, south
    road = _pixels(image, PALETTE["road"], 1.0, background)
    assert road > 500, road


@pytest.fixture(scope="module")
def kmz_in_qgis(tmp_path_factory):
    """corridor.kmz of a build with hostile imported text, as QGIS reads it, and its doc.kml."""
    _need_qgis()
    folder = tmp_path_factory.mktemp("qgis_kmz")
    texts = [*hostile_strings(), "مدينة سراقب <b>x</b>"]
    out = folder / "out"
    corridor.build(out, events=[write_hostile(folder / "hostile.csv", texts)])
    with zipfile.ZipFile(out / "corridor.kmz") as kmz:
        doc = etree.fromstring(kmz.read("doc.kml"))
    return _run_qgis(KMZ_SCRIPT, out / "corridor.kmz"), doc, texts


def test_qgis_opens_every_kmz_folder_with_the_placemarks_written(kmz_in_qgis):
    report, doc, texts = kmz_in_qgis
    assert report["driver"] == "LIBKML"  # GDAL's driver built on Google's libkml
    written = {
        folder.findtext("k:name", namespaces=KML_NS): [
            mark.findtext("k:name", namespaces=KML_NS)
            for mark in folder.findall("k:Placemark", KML_NS)
        ]
        for folder in doc.iter(KML + "Folder")
    }
    read = report["folders"]
    assert set(read) == set(written)
    for name, info in read.items():
        assert info["valid"], name
        # Hostile names come back as the same characters: text, nothing interpreted.
        assert info["names"] == written[name], name
    imported = next(v for k, v in read.items() if k.startswith("Imported"))
    assert imported["features"] == len(texts)
    events = sum(v["features"] for k, v in read.items() if k in _event_folders(doc))
    assert events == 103


def test_qgis_reads_a_time_for_every_dated_placemark(kmz_in_qgis):
    report, doc, texts = kmz_in_qgis
    for name in _event_folders(doc) | {"Patrols (stretch of road covered)"}:
        info = report["folders"][name]
        undated = sum(n.startswith("date unknown") for n in info["names"])
        assert info["dated"] == info["features"] - undated > 0, name
    imported = next(v for k, v in report["folders"].items() if k.startswith("Imported"))
    assert imported["dated"] == len(texts)


def _event_folders(doc) -> set[str]:
    """The catalogue's event folders: those inside "Events (catalogue)", and the far events."""
    names = set()
    for folder in doc.iter(KML + "Folder"):
        title = folder.findtext("k:name", namespaces=KML_NS)
        if title == "Events (catalogue)":
            names |= {f.findtext("k:name", namespaces=KML_NS) for f in folder.iter(KML + "Folder")}
            names.discard(title)
        elif title.startswith("Events far"):
            names.add(title)
    return names
