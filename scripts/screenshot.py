"""Render the corridor map in headless chromium, network cut off, and save docs/map.png.

Usage: ``python scripts/screenshot.py [--out docs/map.png] [--html path/to/map.html] [--size 390x844]``
(``make screenshot``). Without ``--html`` the map is built afresh with ``corridor.build`` into a
temporary folder, so the picture always shows the current code and data. Every request that
would leave the machine is aborted: the picture is what a reader sees offline (the plain
background, no tiles). The PNG is reduced to a 256-colour palette to keep it small.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = (1400, 900)
MAX_BYTES = 500_000


def build_page(folder: Path) -> Path:
    """Write the map page into ``folder`` the way ``corridor build`` does, and return its path."""
    import corridor
    from corridor.webmap.page import map_html

    corridor.build(folder)
    page = folder / "map.html"
    if not page.exists():  # a build that does not write the map yet: the same map, by hand
        layers = corridor.load()
        claims = None
        try:
            from corridor.claims.check import check_claims, claims_document
        except ImportError:
            pass
        else:
            claims = claims_document(check_claims(layers.model))
        page.write_text(map_html(layers, claims=claims), encoding="utf-8", newline="\n")
    return page


def shoot(page: Path, out: Path, *, viewport: tuple[int, int] = VIEWPORT) -> list[str]:
    """Screenshot ``page`` into ``out``; return the page errors seen (none expected)."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        try:
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]}, device_scale_factor=1
            )
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:", "blob:"))
                    else route.abort("internetdisconnected")
                ),
            )
            tab = context.new_page()
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.goto(page.resolve().as_uri(), wait_until="load")
            tab.wait_for_timeout(800)
            png = tab.screenshot(type="png")
        finally:
            browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_small_png(png))
    return errors


def _small_png(png: bytes) -> bytes:
    """The same picture with a 256-colour palette (flat map colours survive; the file shrinks)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    quantised = image.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    quantised.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "map.png")
    parser.add_argument("--html", type=Path, default=None, help="an existing map.html to render")
    parser.add_argument(
        "--size", default=f"{VIEWPORT[0]}x{VIEWPORT[1]}", help="window size, e.g. 390x844 (a phone)"
    )
    args = parser.parse_args(argv)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must be WIDTHxHEIGHT in pixels, not {args.size!r}")
    if not CHROMIUM.exists():
        print(f"chromium is not installed at {CHROMIUM}; run `make browser`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        page = args.html if args.html else build_page(Path(tmp))
        errors = shoot(page, args.out, viewport=(width, height))
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size:,} bytes)")
    if errors:
        print("page errors:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    if size > MAX_BYTES:
        print(f"{args.out} is larger than {MAX_BYTES:,} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
