"""Map benchmark: size of map.html and its load time in headless chromium, network cut off.

``run()`` builds the map for the catalogue alone and with N synthetic imported events scattered
along the M4 (ACLED format, written by ``tests/test_webmap.write_acled``), and opens each page
with the test harness (``tests/browser.py``). ``make bench`` calls it; on its own::

    python bench/bench_map.py            # prints a Markdown table
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import corridor  # noqa: E402
from browser import launch, open_page  # noqa: E402
from corridor.webmap.page import MAX_IMPORTED_DRAWN, map_html  # noqa: E402
from test_webmap import page_data, write_acled  # noqa: E402

SIZES = (0, 10_000, 100_000)
# What one step of the time control costs with imported events: re-clustering half of them.
_STEP_JS = """
() => {
    const I = window.corridorMap.imported;
    if (!I) { return null; }
    const started = performance.now();
    I.cluster.clearLayers();
    I.cluster.addLayers(I.markers.filter((m, i) => i % 2 === 0));
    return performance.now() - started;
}
"""
VIEWPORT = (1400, 900)


def run(sizes: tuple[int, ...] = SIZES) -> list[dict]:
    """Measure the map for each number of imported events.

    Returns
    -------
    list of dict
        Per size: ``imported`` (rows in the file), ``drawn`` (imported events on the map, at most
        ``MAX_IMPORTED_DRAWN``), ``bytes`` (map.html), ``build_s`` (corridor.load plus map_html),
        ``load_s`` (chromium, navigation to the ``load`` event, which includes drawing every
        layer and clustering), ``step_ms`` (re-clustering half the imported events, what one
        step of the time control costs; ``None`` without imported events), ``page_errors``.
    """
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for n in sizes:
                events = [write_acled(Path(tmp) / f"acled_{n}.csv", n)] if n else []
                started = time.perf_counter()
                html = map_html(corridor.load(events=events))
                build_s = time.perf_counter() - started
                page = Path(tmp) / f"map_{n}.html"
                page.write_text(html, encoding="utf-8")
                with open_page(browser, page, viewport=VIEWPORT, settle_ms=0) as opened:
                    load_s = opened.load_seconds
                    step_ms = opened.evaluate(_STEP_JS)
                    errors = list(opened.page_errors)
                results.append(
                    {
                        "imported": n,
                        "drawn": page_data(html)["imported"]["n"],
                        "bytes": len(html.encode("utf-8")),
                        "build_s": round(build_s, 2),
                        "load_s": round(load_s, 2),
                        "step_ms": None if step_ms is None else round(step_ms),
                        "page_errors": len(errors),
                    }
                )
        finally:
            browser.close()
    return results


def markdown(results: list[dict]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| imported events | drawn | map.html | build | load in chromium | time step | page errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['imported']:,} | {r['drawn']:,} | {r['bytes'] / 1e6:.2f} MB | "
            f"{r['build_s']:.2f} s | {r['load_s']:.2f} s | "
            f"{'–' if r['step_ms'] is None else str(r['step_ms']) + ' ms'} | {r['page_errors']} |"
        )
    lines.append(
        f"\nAt most {MAX_IMPORTED_DRAWN:,} imported events are drawn (the most recent in the "
        "study area)."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
