"""The ``corridor`` command: a thin layer that parses options, calls the library and sets the exit code.

Every error the user can act on is a :class:`corridor._errors.CorridorError`; it is printed as one line
on stderr with exit code 2, never as a traceback. Output survives any console: text a narrow code page
cannot show (Arabic spellings on cp1252) is replaced, not fatal, and a reader that stops early
(``corridor build | head -1``) ends the command quietly with exit code 0.
"""

from __future__ import annotations

import gc
import math
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from corridor import __version__
from corridor._errors import CorridorError, InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Model and map the M4 security corridor in Idlib (Russia–Turkey protocol, 5 March 2020).",
)


def _reader_gone(stream: object) -> NoReturn:
    """The reader closed the pipe: what it read was all it wanted, so stop quietly with exit 0.

    The stream is pointed at the null device, so that Python's last flush at exit cannot fail again
    and print "Exception ignored".
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        pass
    raise typer.Exit(0)


def say(text: str = "", *, err: bool = False) -> None:
    """Print a line to stdout (or stderr); a closed pipe ends the command quietly."""
    try:
        typer.echo(text, err=err)
    except BrokenPipeError:
        _reader_gone(sys.stderr if err else sys.stdout)


def tolerant_console() -> None:
    """Let stdout and stderr replace what their encoding cannot show instead of raising.

    A Windows console redirected to a file, or ``PYTHONIOENCODING=cp1252``, encodes with a code page
    that has no Arabic letters; a place's Arabic spelling then prints as ``?`` rather than ending the
    command in a ``UnicodeEncodeError``.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _freeze_imports() -> None:
    """Take everything loaded so far out of the garbage collector's walks (``gc.freeze``).

    A build makes millions of short-lived objects on top of about a million long-lived ones from
    the libraries (pandas, shapely, folium, Jinja), and every full collection walks them all:
    measured with ``gc.callbacks`` on a default build, 0.28-0.32 s of CPU in collections, 0.15 s
    once the pipeline's imports are frozen. Only the commands do this, since their process ends
    with the build; ``corridor.build()`` in a notebook leaves the collector as it is.
    """
    gc.freeze()


def _show_version(value: bool) -> None:
    if value:
        say(f"corridor {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Model and map the M4 security corridor in Idlib (Russia–Turkey protocol, 5 March 2020)."""


def _positive_km(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{text!r} is not a number", field="--half-width-km") from None
    if not (value > 0 and math.isfinite(value)):
        raise InputError(f"{text!r} must be a positive number of km", field="--half-width-km")
    return value


@app.command()
def build(
    out: Annotated[Path, typer.Option(help="Folder to write the outputs into.")] = Path("outputs"),
    section: Annotated[
        str, typer.Option(help="FROM:TO, two places (any spelling), or 'whole' for Latakia:Aleppo.")
    ] = "tronba:ain-al-hawr",
    half_width_km: Annotated[
        str, typer.Option("--half-width-km", help="Corridor depth on each side of the road, km.")
    ] = "6",
    route: Annotated[
        Path | None,
        typer.Option(help="A GeoJSON line of the real road (e.g. an OpenStreetMap export)."),
    ] = None,
    events: Annotated[
        list[Path] | None,
        typer.Option(
            "--events",
            help="Your events: an ACLED export, a CSV (date, latitude/longitude or place, kind, "
            "description, source) or GeoJSON points. Repeat for several files.",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Fail (exit 2, outputs untouched) on any bad row in --events.")
    ] = False,
    all_events: Annotated[
        bool,
        typer.Option(
            "--all-events",
            help="Write every imported event to events.geojson and corridor.gpkg too (by default "
            "at most 20,000; events.csv and events.parquet always hold them all).",
        ),
    ] = False,
) -> None:
    """Build the corridor and write GeoJSON, CSV, JSON and a GeoPackage into OUT."""
    from corridor.claims.check import summary_line
    from corridor.pipeline import build as run_build
    from corridor.report import border_report, events_report, road_report, settlements_report

    _freeze_imports()
    width = _positive_km(half_width_km)
    result = run_build(
        out,
        section=section,
        half_width_km=width,
        route=route,
        events=events or [],
        strict=strict,
        all_events=all_events,
        progress=lambda message: say(f"  ... {message}", err=True),
    )
    say(border_report(result.model))
    say("")
    say(road_report(result.model))
    say(settlements_report(result.model))
    say("")
    say(events_report(result.events, result.imports))
    if result.feature_note:
        say(f"events.geojson and corridor.gpkg hold {result.feature_note}")
    say("")
    say(summary_line(result.claims))
    say("")
    say(f"Wrote {len(result.files)} files to {result.out_dir}/:")
    for path in result.files:
        say(f"  {path.name}")


@app.command()
def check(
    out: Annotated[
        Path, typer.Option(help="Folder to write claims.json and claims.md into.")
    ] = Path("outputs"),
    section: Annotated[str, typer.Option(help="As for build.")] = "tronba:ain-al-hawr",
    half_width_km: Annotated[str, typer.Option("--half-width-km", help="As for build.")] = "6",
    route: Annotated[Path | None, typer.Option(help="As for build.")] = None,
) -> None:
    """Check what the seed articles claim against the model (also run by build)."""
    from corridor.claims.check import summary_line
    from corridor.pipeline import check as run_check

    _freeze_imports()
    width = _positive_km(half_width_km)
    result = run_check(out, section=section, half_width_km=width, route=route)
    for claim in result.claims:
        if claim.verdict in {"contradicted", "partly"}:
            say(f"  {claim.verdict:12s} {claim.outlet}: {claim.claim}")
    say(summary_line(result.claims))
    say(f"Wrote {', '.join(p.name for p in result.files)} to {result.out_dir}/")


@app.command()
def place(name: Annotated[str, typer.Argument(help="A place name, in any spelling.")]) -> None:
    """Look a place up by any spelling and show its position and source."""
    from corridor.geo.model import locate_derived
    from corridor.geo.places import load_gazetteer
    from corridor.geo.route import route_from_places

    registry = load_gazetteer()
    p = locate_derived(registry, route_from_places(registry)).find(name)
    say(f"{p.name} ({p.id}): {p.lat:.5f} N, {p.lon:.5f} E, ±{p.uncertainty_m:g} m")
    say(f"  spellings: {', '.join(p.names)}")
    say(f"  source: {p.source} {p.source_url}".rstrip())
    if p.derivation:
        say(f"  derived: {p.derivation}")
    for gid, km in p.alternatives:
        say(f"  not to be confused with: GeoNames {gid}, {km:g} km away")


@app.command()
def places(
    gazetteer: Annotated[
        Path,
        typer.Option(
            help="The village gazetteer's localities.csv (or its folder) to measure against."
        ),
    ],
) -> None:
    """Measure every place with a GeoNames id against the gazetteer; exit 1 if one is off."""
    from corridor.geo.localities import compare_places, read_localities
    from corridor.geo.places import read_registry_places

    matches = compare_places(read_registry_places(), read_localities(gazetteer))
    off = [m for m in matches if not m.within]
    for m in matches:
        mark = "ok" if m.within else "OFF"
        say(
            f"  {mark:3s} {m.place_id:18s} GeoNames {m.geonames_id:<9d} {m.distance_m:8.0f} m "
            f"(stated ±{m.uncertainty_m:g} m)"
        )
    say(f"{len(matches)} places measured against {gazetteer}; {len(off)} off.")
    if off:
        raise typer.Exit(1)


def main() -> None:
    """Entry point: run the app, turning project errors into one-line messages with exit code 2."""
    # typer reports its own usage errors (unknown option, missing argument) with exit code 2.
    tolerant_console()
    try:
        app()
    except CorridorError as exc:
        say(f"corridor: error: {exc}", err=True)
        sys.exit(2)
