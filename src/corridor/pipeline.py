"""``corridor build`` as a library call: compute the model, render every output, write them atomically."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd

from corridor import layers
from corridor._errors import InputError
from corridor.claims.check import ClaimResult, check_claims, claims_document, claims_markdown
from corridor.events.layer import catalogue_table, patrol_lines, tag
from corridor.events.readers import ImportResult, read_events
from corridor.events.selection import MAX_IMPORTED_FEATURES, kept, kept_note
from corridor.events.tagging import Tagger
from corridor.export.geojson import write_geojson
from corridor.export.gpkg import gpkg_descriptions, study_area_layers, write_gpkg
from corridor.export.staging import staged
from corridor.export.tables import events_arrow, write_events_csv, write_events_parquet
from corridor.export.text import csv_text, json_text
from corridor.geo.buffer import DEFAULT_HALF_WIDTH_KM, DEFAULT_SECTION
from corridor.geo.model import Model, compute
from corridor.geo.road_check import road_check_document
from corridor.options import Options, PathLike, check_options, check_path

#: The output files, in the order they are listed to the user. Downstream users rely on these names.
OUTPUT_FILES = (
    "m4.geojson",
    "corridor.geojson",
    "places.geojson",
    "border.geojson",
    "border_check.json",
    "border_profile.csv",
    "road_check.json",
    "settlements.geojson",
    "settlements_in_corridor.csv",
    "corridor_admin.csv",
    "events.geojson",
    "events.csv",
    "events.parquet",
    "patrols.geojson",
    "rejected_events.csv",
    "claims.json",
    "claims.md",
    "map.html",
    "corridor.gpkg",
    "corridor.kmz",
)
#: What ``corridor check`` writes.
CLAIM_FILES = ("claims.json", "claims.md")


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: the model and the paths written."""

    model: Model
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    imports: list[ImportResult] = field(default_factory=list)
    events: gpd.GeoDataFrame | None = None
    claims: list[ClaimResult] = field(default_factory=list)
    #: Set when events.geojson and corridor.gpkg hold fewer imported events than were read: what
    #: they hold (the same sentence is in the files).
    feature_note: str | None = None


def read_imports(
    model: Model,
    paths: Sequence[Path | str],
    *,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[ImportResult]:
    """Read the user's event files; with ``strict``, any bad row or a file with no rows is an error."""
    results = [
        read_events(
            p,
            gazetteer=model.gazetteer,
            route=model.route,
            syria=model.border.syria,
            progress=progress,
        )
        for p in paths
    ]
    empty = [n for res in results for n in res.notices]
    if strict and empty:
        raise InputError(f"--strict: {empty[0]}")
    rejected = [r for res in results for r in res.rejected]
    if strict and rejected:
        more = f" (and {len(rejected) - 1} more bad rows)" if len(rejected) > 1 else ""
        raise InputError(f"--strict: {rejected[0]}{more}")
    return results


def event_frames(
    model: Model, imports: Sequence[ImportResult] = ()
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The catalogue and the imported rows as one tagged point layer, and the patrols as lines."""
    tables = [catalogue_table(model), *(r.table for r in imports if len(r.table))]
    events = tag(pd.concat(tables, ignore_index=True), Tagger.from_model(model))
    return events, patrol_lines(events, model)


def rejected_table(imports: Sequence[ImportResult]) -> pd.DataFrame:
    """Every row set aside while importing: file, row, field and what was wrong."""
    rows = [
        {"file": r.file, "row": r.row, "field": r.field, "message": r.message}
        for res in imports
        for r in res.rejected
    ]
    return pd.DataFrame(rows, columns=["file", "row", "field", "message"])


def frames(model: Model, imports: Sequence[ImportResult] = ()) -> SimpleNamespace:
    """The model's layers as GeoDataFrames in EPSG:4326 (``places``, ``route``, ``corridor``, …).

    ``corridor`` holds the two halves only (so that its areas add up to the corridor's);
    ``corridor_union`` and ``corridor_cut`` are frames of their own.
    """
    events, patrols = event_frames(model, imports)
    parts = layers.corridor_frame(model)
    return SimpleNamespace(
        places=layers.places_frame(model),
        route=layers.route_frame(model),
        corridor=_rows(parts, "north", "south"),
        corridor_union=_rows(parts, "union"),
        corridor_cut=_rows(parts, "cut"),
        border=layers.border_frame(model),
        profile=layers.profile_frame(model),
        settlements=layers.settlements_frame(model),
        settlements_in_corridor=layers.settlements_in_corridor(model),
        corridor_admin=layers.corridor_admin_frame(model),
        events=events,
        patrols=patrols,
        rejected=rejected_table(imports),
    )


def _rows(frame: gpd.GeoDataFrame, *sides: str) -> gpd.GeoDataFrame:
    return frame[frame["side"].isin(sides)].reset_index(drop=True)


def corridor_parts(f: SimpleNamespace) -> gpd.GeoDataFrame:
    """North, south, union and cut as one frame: what ``corridor.geojson`` and the GeoPackage hold."""
    parts = [f.corridor, f.corridor_union, *([f.corridor_cut] if len(f.corridor_cut) else [])]
    return pd.concat(parts, ignore_index=True)


def border_check_document(model: Model) -> dict:
    """The content of ``border_check.json``, with the options and sources that produced it."""
    c = model.corridor
    return {
        **model.border_check.as_dict(),
        "section": c.section.label,
        "half_width_m": c.half_width_m,
        "route_source": model.route.source,
        "border_source": {
            k: v for k, v in model.border.properties.items() if isinstance(v, str | int | float)
        },
        "method": (
            "Geodesic distances on the WGS 84 ellipsoid (pyproj Geod); nearest points found in the "
            "corridor's Lambert conformal conic projection and refined geodesically."
        ),
    }


def claim_texts(claims: Sequence[ClaimResult]) -> dict[str, str]:
    """``claims.json`` and ``claims.md``."""
    return {"claims.json": json_text(claims_document(claims)), "claims.md": claims_markdown(claims)}


def write_map(
    path: Path,
    layers: SimpleNamespace,
    claims: list[dict],
    imported: tuple[pd.DataFrame, int, int] | None = None,
) -> None:
    """Write the self-contained ``map.html`` from the layers (``imported``: the rows drawn)."""
    from corridor.webmap.page import map_html

    page = map_html(layers, claims=claims, imported=imported)
    path.write_text(page, encoding="utf-8", newline="\n")


def render(
    model: Model,
    stage: Path,
    f: SimpleNamespace,
    claims: Sequence[ClaimResult],
    *,
    all_events: bool = False,
) -> str | None:
    """Write every output file of ``model`` (its layers ``f``) into ``stage``.

    ``events.geojson`` and ``corridor.gpkg`` hold at most
    :data:`~corridor.events.selection.MAX_IMPORTED_FEATURES` imported events unless ``all_events``
    (:func:`~corridor.events.selection.kept`); returns the note they then carry, else ``None``.
    """
    keep = kept(f.events, None if all_events else MAX_IMPORTED_FEATURES)
    note = kept_note(f.events, keep)
    feature_events = f.events if note is None else f.events.loc[keep].reset_index(drop=True)
    texts = {
        **claim_texts(claims),
        "border_check.json": json_text(border_check_document(model)),
        "border_profile.csv": csv_text(f.profile),
        "road_check.json": json_text(road_check_document(model.route, model.road_check)),
        "rejected_events.csv": csv_text(f.rejected),
        "settlements_in_corridor.csv": csv_text(f.settlements_in_corridor),
        "corridor_admin.csv": csv_text(f.corridor_admin),
    }
    for name, text in texts.items():
        (stage / name).write_text(text, encoding="utf-8")
    geojson = {
        "m4.geojson": f.route,
        "corridor.geojson": corridor_parts(f),
        "places.geojson": f.places,
        "border.geojson": f.border,
        "settlements.geojson": f.settlements,
        "events.geojson": feature_events,
        "patrols.geojson": f.patrols,
    }
    for name, frame in geojson.items():
        with (stage / name).open("w", encoding="utf-8") as handle:
            about = f"This file holds {note}" if note and name == "events.geojson" else None
            write_geojson(frame, handle, description=about)
    gpkg_layers = {
        "places": f.places,
        "m4": f.route,
        "corridor": corridor_parts(f),
        "border": f.border,
        "settlements": f.settlements,
        "events": feature_events,
        "patrols": f.patrols,
        "border_profile": gpd.GeoDataFrame(
            f.profile, geometry=gpd.points_from_xy(f.profile.lon, f.profile.lat), crs=layers.CRS
        ),
    }
    reach = float(f.profile.border_km.max())
    # The events in Arrow once, for the GeoPackage's events layers, events.csv and events.parquet.
    table = events_arrow(f.events)
    feature_table = table if note is None else table.filter(keep)
    gpkg = study_area_layers(gpkg_layers, border_reach_km=reach, arrow={"events": feature_table})
    write_gpkg(stage / "corridor.gpkg", gpkg, descriptions=gpkg_descriptions(note))
    write_events_csv(stage / "events.csv", f.events, table)
    write_events_parquet(stage / "events.parquet", f.events, table)
    del gpkg, table, feature_table
    map_layers = SimpleNamespace(**vars(f), model=model)
    # The KMZ writer is imported only here, so that corridor.load() in a notebook and the small
    # commands do not load it.
    from corridor.export.kml import write_kmz
    from corridor.webmap.events import MAX_IMPORTED_DRAWN, imported_rows

    # The imported rows drawn, selected once for both drawings (0.07 s for 200,000 rows here).
    drawn = imported_rows(map_layers, MAX_IMPORTED_DRAWN)
    write_kmz(stage / "corridor.kmz", map_layers, drawn)
    write_map(stage / "map.html", map_layers, claims_document(claims), drawn)
    return note


def build(
    out: PathLike = "outputs",
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route: PathLike | None = None,
    events: PathLike | Sequence[PathLike] = (),
    strict: bool = False,
    all_events: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Compute the corridor and write every output into ``out`` (what ``corridor build`` does).

    The model and every layer are computed before anything is written; the files are then staged and
    swapped into place as a set, so a failure at any point leaves the previous outputs whole.

    Parameters
    ----------
    out
        Folder to write the outputs into (created if missing).
    section
        The stretch of road to buffer: ``"FROM:TO"`` with any spelling of two places, a pair of names,
        or ``"whole"`` for Latakia to Aleppo. Default: Tronba to Ain al-Hawr, the protocol's patrol
        route.
    half_width_km
        Depth of the corridor on each side of the road, in km (a number). Default 6, the protocol's.
    route
        A GeoJSON line of the real road (e.g. an OpenStreetMap export) to use instead of the line
        through named places.
    events
        Your events: one path, or a list of paths, to ACLED exports, plain CSV files or GeoJSON
        points.
    strict
        If true, any bad row in ``events`` is an error (nothing is written) instead of being reported
        in ``rejected_events.csv`` and left out.
    all_events
        If true, ``events.geojson`` and ``corridor.gpkg`` hold every imported event. By default they
        hold at most 20,000 (:data:`~corridor.events.selection.MAX_IMPORTED_FEATURES`; those in the
        study area first, then the most recent) and say so; ``events.csv`` and ``events.parquet``
        always hold every one. Writing them all costs about 25 µs of CPU a row more.
    progress
        Called with a short message while large event files are read.

    Returns
    -------
    BuildResult
        The model, the files written, the import results, the tagged events and the claims.

    Raises
    ------
    corridor.CorridorError
        Bad input (an :class:`~corridor.InputError`, or an :class:`~corridor.OptionError` for a value
        of the wrong type) or an output folder that cannot be written.
    """
    opts = check_options(
        section=section,
        half_width_km=half_width_km,
        route=route,
        events=events,
        strict=strict,
        all_events=all_events,
    )
    out = check_path(out, "out")
    model = _compute(opts)
    imports = read_imports(model, opts.events, strict=opts.strict, progress=progress)
    f = frames(model, imports)
    claims = check_claims(model)
    out_dir = Path(out)
    with staged(out_dir) as stage:
        note = render(model, stage, f, claims, all_events=opts.all_events)
    return BuildResult(
        model=model,
        out_dir=out_dir,
        files=[out_dir / n for n in OUTPUT_FILES],
        imports=imports,
        events=f.events,
        claims=claims,
        feature_note=note,
    )


def check(
    out: PathLike = "outputs",
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route: PathLike | None = None,
) -> BuildResult:
    """Check every seed claim against the model and write ``claims.json`` and ``claims.md`` only.

    Parameters
    ----------
    out, section, half_width_km, route
        As for :func:`build`.

    Returns
    -------
    BuildResult
        The model, the two files written and the checked claims.
    """
    opts = check_options(section=section, half_width_km=half_width_km, route=route)
    out = check_path(out, "out")
    model = _compute(opts)
    claims = check_claims(model)
    out_dir = Path(out)
    with staged(out_dir) as stage:
        for name, text in claim_texts(claims).items():
            (stage / name).write_text(text, encoding="utf-8")
    return BuildResult(
        model=model, out_dir=out_dir, files=[out_dir / n for n in CLAIM_FILES], claims=claims
    )


def load(
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route: PathLike | None = None,
    events: PathLike | Sequence[PathLike] = (),
    strict: bool = False,
) -> SimpleNamespace:
    """Return the layers as GeoDataFrames (EPSG:4326) without writing or reading any build output.

    Parameters
    ----------
    section
        The stretch of road to buffer: ``"FROM:TO"`` with any spelling of two places, a pair of names,
        or ``"whole"`` for Latakia to Aleppo. Default: Tronba to Ain al-Hawr.
    half_width_km
        Depth of the corridor on each side of the road, in km (a number). Default 6.
    route
        A GeoJSON line of the real road to use instead of the line through named places.
    events
        One path, or a list of paths, to your event files (ACLED export, plain CSV, GeoJSON points).
    strict
        If true, any bad row in ``events`` is an error instead of being left out and listed in
        ``rejected``.

    Returns
    -------
    types.SimpleNamespace
        ``places``, ``route``, ``settlements``, ``events`` (catalogue and imported, tagged),
        ``patrols``, ``border`` (GeoDataFrames); ``corridor``: the north and south halves only, so ``corridor.plot()`` draws
        the corridor and ``corridor.area_km2.sum()`` is its area; ``corridor_union`` (the halves as one
        polygon) and ``corridor_cut`` (the part outside Syria that was cut off; no rows when nothing
        was); ``profile``, ``settlements_in_corridor``, ``corridor_admin`` and ``rejected``
        (DataFrames); ``imports`` (one result per file in
        ``events``) and ``model`` (everything computed, for the curious).

    Raises
    ------
    corridor.CorridorError
        Bad input: an :class:`~corridor.InputError`, or an :class:`~corridor.OptionError` for a value
        of the wrong type (e.g. ``half_width_km="6"``).
    """
    opts = check_options(
        section=section, half_width_km=half_width_km, route=route, events=events, strict=strict
    )
    model = _compute(opts)
    imports = read_imports(model, opts.events, strict=opts.strict)
    ns = frames(model, imports)
    ns.model = model
    ns.imports = imports
    return ns


def _compute(opts: Options) -> Model:
    return compute(section=opts.section, half_width_km=opts.half_width_km, route_file=opts.route)


def interactive_map(
    layers: SimpleNamespace | None = None,
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route: PathLike | None = None,
    events: PathLike | Sequence[PathLike] = (),
) -> object:
    """The project's map as a ``folium.Map``, for Jupyter (``corridor.map``).

    In a notebook folium loads Leaflet from the web as usual; ``map.html`` from a build needs no
    network.

    Parameters
    ----------
    layers
        What :func:`load` returned; when omitted, the layers are loaded with the other options.
    section, half_width_km, route, events
        As for :func:`load` (used only without ``layers``).

    Returns
    -------
    folium.Map
    """
    from corridor.webmap.page import build_map

    if layers is None:
        layers = load(section=section, half_width_km=half_width_km, route=route, events=events)
    return build_map(layers, claims=claims_document(check_claims(layers.model)))
