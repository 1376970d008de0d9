"""QGIS itself opens corridor.gpkg: every layer takes its stored style, and the map renders.

QGIS's Python bindings are Debian's ``python3-qgis`` for the system ``/usr/bin/python3`` (not the
venv), so the check runs ``tests/qgis_render.py`` in a subprocess and reads its JSON report and PNG.
``make test`` installs QGIS when missing; on CI (``CI`` set) a missing QGIS fails the run.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import corridor
from corridor.export.qgis import RENDERERS, TEMPLATES, qgis_colour
from corridor.webmap.style import PALETTE

SYSTEM_PYTHON = Path(os.environ.get("CORRIDOR_QGIS_PYTHON", "/usr/bin/python3"))
SCRIPT = Path(__file__).with_name("qgis_render.py")


def qgis_available() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
    )
    return probe.returncode == 0


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if not qgis_available():
        message = f"QGIS's Python (python3-qgis) is not importable by {SYSTEM_PYTHON}; `make test` installs it"
        if _on_ci():
            pytest.fail(message + " (CI must run the QGIS test, never skip it)")
        pytest.skip(message)
    out = tmp_path_factory.mktemp("qgis")
    corridor.build(out)
    png = out / "qgis.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(out)}
    env.pop("PYTHONPATH", None)  # QGIS's python must not see the venv's packages
    done = subprocess.run(
        [SYSTEM_PYTHON, SCRIPT, out / "corridor.gpkg", png],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report, png


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
