"""Draw the Google Earth icons of corridor.kmz from the web map's symbols (``webmap.style``).

Writes one 32x32 PNG per event group (and one for places) into ``src/corridor/export/kml_icons/``:
the shapes of ``style._SHAPES`` on their 16-unit grid, scaled 2x, in the colours of ``PALETTE``,
with a white edge. Drawn 8x larger and reduced, for smooth edges. Run again after changing the
palette; ``tests/test_kml.py`` checks each icon's colour against the palette.

    python scripts/make_kml_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from corridor.webmap.style import EVENT_SYMBOLS, PALETTE

OUT = Path(__file__).resolve().parents[1] / "src" / "corridor" / "export" / "kml_icons"
SIZE = 32
SCALE = 8  # supersampling
UNIT = SIZE * SCALE / 16  # pixels per unit of the map's 16-unit symbol grid
WHITE = (255, 255, 255, 255)


def _rgb(hex_colour: str) -> tuple[int, int, int, int]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 255)


def _pts(*coords: float) -> list[tuple[float, float]]:
    return [(coords[i] * UNIT, coords[i + 1] * UNIT) for i in range(0, len(coords), 2)]


def draw(shape: str, colour: str) -> Image.Image:
    image = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    fill, edge = _rgb(colour), int(1.6 * UNIT)
    if shape in {"circle", "stop", "dot"}:
        r = {"circle": 5.6, "stop": 5.8, "dot": 4.2}[shape] * UNIT
        c = 8 * UNIT
        pen.ellipse((c - r, c - r, c + r, c + r), fill=fill, outline=WHITE, width=edge)
        if shape == "stop":
            pen.rectangle((4.6 * UNIT, 7 * UNIT, 11.4 * UNIT, 9 * UNIT), fill=WHITE)
    elif shape == "triangle":
        pen.polygon(_pts(8, 1.6, 14.6, 13.8, 1.4, 13.8), fill=fill, outline=WHITE, width=edge)
    elif shape == "square":
        pen.rectangle(
            (2.6 * UNIT, 2.6 * UNIT, 13.4 * UNIT, 13.4 * UNIT), fill=fill, outline=WHITE, width=edge
        )
    elif shape == "diamond":
        pen.polygon(_pts(8, 1.2, 14.8, 8, 8, 14.8, 1.2, 8), fill=fill, outline=WHITE, width=edge)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icons = {group: draw(shape, PALETTE[key]) for group, (shape, key) in EVENT_SYMBOLS.items()}
    icons["place"] = draw("dot", PALETTE["place"])
    for name, image in icons.items():
        image.save(OUT / f"{name}.png", optimize=True)
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
