"""Open a local HTML file in Debian's chromium with the network cut off, and report what happened.

Playwright (sync API) drives ``/usr/bin/chromium``; it never downloads a browser of its own.
Every request that is not ``file:``, ``data:`` or ``blob:`` is aborted and recorded, so a page
that still needs a CDN shows up as blocked requests and page errors instead of silently working
on a machine that happens to be online.

Usage in a test::

    from browser import open_page

    def test_map(browser, tmp_path):
        path = tmp_path / "map.html"
        path.write_text(html, encoding="utf-8")
        with open_page(browser, path) as page:
            assert page.page_errors == []
            assert page.map_counts()["markers"] == 3
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("CORRIDOR_CHROMIUM", "/usr/bin/chromium"))

LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    # Belt and braces next to the request routing below: no host name resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]

# What Leaflet drew, counted through the map object and through the DOM. The folium map div's
# id is also the name of the global that holds the L.Map. DOM counts stay inside the main map's
# panes, so a MiniMap's own panes are not counted.
_COUNT_JS = """
() => {
    const div = document.querySelector('.folium-map');
    const map = div ? window[div.id] : undefined;
    let layers = null;
    if (map && typeof map.eachLayer === 'function') {
        layers = 0;
        map.eachLayer(() => { layers += 1; });
    }
    const count = (selector) => div ? div.querySelectorAll(selector).length : 0;
    const pane = ':scope > .leaflet-map-pane > ';
    return {
        map: Boolean(map && window.L && map instanceof L.Map),
        layers: layers,
        paths: count(pane + '.leaflet-overlay-pane svg path'),
        markers: count(pane + '.leaflet-marker-pane > *'),
        clusters: count(pane + '.leaflet-marker-pane > .marker-cluster'),
        controls: count(':scope > .leaflet-control-container .leaflet-control'),
        overlay_names: Array.from(
            div ? div.querySelectorAll('.leaflet-control-layers-overlays label > span > span') : []
        ).map((span) => span.textContent.replace(/^ /, '')),
    };
}
"""

_ELEMENT_JS = """
(name) => {
    let layer = window[name];
    if (layer && typeof layer.getLayers === 'function') { layer = layer.getLayers()[0]; }
    return layer ? (layer._icon || layer._path || null) : null;
}
"""

_POPUP_TEXT_JS = """
(name) => {
    const layer = window[name];
    const popup = layer && layer.getPopup ? layer.getPopup() : null;
    if (!popup || !popup.isOpen()) { return null; }
    return popup.getElement().querySelector('.leaflet-popup-content').textContent;
}
"""


@dataclass
class PageRun:
    """What happened while a page loaded, plus the live page for further checks.

    Attributes
    ----------
    page_errors
        Uncaught exceptions and syntax errors (``pageerror``).
    console_errors
        ``console.error`` messages, including failed resource loads.
    dialogs
        Messages of ``alert``/``confirm``/``prompt`` dialogs (each is dismissed).
    blocked
        ``(resource type, url)`` of every request that was aborted because it left the machine.
    load_seconds
        Wall time of ``goto`` until the ``load`` event (reported, never asserted).
    """

    page: Any
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[tuple[str, str]] = field(default_factory=list)
    load_seconds: float = 0.0

    def evaluate(self, expression: str, arg: Any = None) -> Any:
        """Evaluate a JavaScript expression or function in the page and return its value."""
        return self.page.evaluate(expression, arg)

    def map_counts(self) -> dict[str, Any]:
        """Count what the main map drew.

        Returns ``map`` (an ``L.Map`` exists), ``layers`` (``eachLayer``), ``paths`` (SVG paths
        in the overlay pane), ``markers`` (children of the marker pane), ``clusters``,
        ``controls`` (``.leaflet-control`` elements) and ``overlay_names`` (LayerControl
        overlay labels as the reader sees them).
        """
        return self.page.evaluate(_COUNT_JS)

    def click_layer(self, name: str) -> None:
        """Click what draws the Leaflet layer held in the global ``name``, as a reader would.

        A marker is clicked on its icon, a vector layer on its SVG path; a group (GeoJson,
        FeatureGroup) on its first member.
        """
        handle = self.page.evaluate_handle(_ELEMENT_JS, name)
        element = handle.as_element()
        if element is None:
            msg = f"layer {name} has no element on the map (not added, or hidden)"
            raise AssertionError(msg)
        element.click()

    def popup_text(self, name: str) -> str | None:
        """Text of the popup bound to the layer ``name`` while it is open, else None."""
        return self.page.evaluate(_POPUP_TEXT_JS, name)

    def blocked_urls(self) -> list[str]:
        """The URLs of the blocked requests, in the order they were made."""
        return [url for _kind, url in self.blocked]


def chromium_available() -> bool:
    """True when Debian's chromium is installed where the harness expects it."""
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def launch(playwright: Any) -> Any:
    """Launch headless chromium for tests (a fresh temporary profile, no network services).

    Playwright's ``launch`` always creates a new, empty user-data-dir and deletes it on close.
    """
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=LAUNCH_ARGS,
    )


@contextlib.contextmanager
def open_page(
    browser: Any,
    path: Path,
    *,
    viewport: tuple[int, int] = (1024, 768),
    settle_ms: int = 200,
) -> Iterator[PageRun]:
    """Open a local HTML file with every non-file request aborted.

    Parameters
    ----------
    browser
        A Playwright ``Browser`` (the session fixture ``browser``).
    path
        HTML file to open.
    viewport
        Window size in CSS pixels.
    settle_ms
        Time to wait after the ``load`` event for timers the page starts (Leaflet animations).

    Yields
    ------
    PageRun
        Collected errors, dialogs and blocked requests, and the page for ``evaluate``.
    """
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        service_workers="block",
    )
    # A local page has no reason to take long, but on a shared 2-core machine at a load average of
    # 10 the catalogue map was measured loading in 1.5-3.5 s; 15 s leaves room without hiding a hang.
    context.set_default_timeout(15_000)
    page = context.new_page()
    run = PageRun(page=page)

    def route(route_: Any) -> None:
        request = route_.request
        if request.url.startswith(("file:", "data:", "blob:")):
            route_.continue_()
        else:
            run.blocked.append((request.resource_type, request.url))
            route_.abort("internetdisconnected")

    def on_console(message: Any) -> None:
        if message.type == "error":
            run.console_errors.append(message.text)

    def on_dialog(dialog: Any) -> None:
        run.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    page.on("pageerror", lambda error: run.page_errors.append(str(error)))
    page.on("console", on_console)
    page.on("dialog", on_dialog)
    try:
        started = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="load")
        run.load_seconds = time.perf_counter() - started
        page.wait_for_timeout(settle_ms)
        yield run
    finally:
        context.close()
