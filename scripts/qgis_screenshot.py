"""Render corridor.gpkg in QGIS with its stored styles and save docs/qgis.png.

Usage: ``python scripts/qgis_screenshot.py [--out docs/qgis.png]`` (``make qgis-screenshot``). Builds the
outputs afresh into a temporary folder, runs ``tests/qgis_render.py`` under the system python3 that has
Debian's ``python3-qgis`` (the same script the QGIS test runs), and reduces the PNG to 256 colours.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

import corridor

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = Path("/usr/bin/python3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "qgis.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corridor-qgis-") as tmp:
        folder = Path(tmp)
        corridor.build(folder / "out")
        png = folder / "qgis.png"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": tmp}
        env.pop("PYTHONPATH", None)
        subprocess.run(
            [
                SYSTEM_PYTHON,
                ROOT / "tests" / "qgis_render.py",
                folder / "out" / "corridor.gpkg",
                png,
            ],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        image = Image.open(png).convert("RGB").quantize(colors=256)
        image.save(args.out, optimize=True)
    print(f"{args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
