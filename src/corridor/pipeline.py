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
from corridor.events.tagging import Tagger
from corridor.export.geojson import write_geojson
from corridor.export.gpkg import study_area_layers, write_gpkg
from corridor.export.kml import write_kmz
from corridor.export.staging import staged
from corridor.export.tables import write_events_csv, write_events_parquet
from corridor.export.text import csv_text, json_text
from corridor.geo.buffer import DEFAULT_HALF_WIDTH_KM, DEFAULT_SECTION
from corridor.geo.model import Model, compute
from corridor.geo.road_check import road_check_document

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
    """The model's layers as GeoDataFrames in EPSG:4326 (``places``, ``route``, ``corridor``, …)."""
    events, patrols = event_frames(model, imports)
    return SimpleNamespace(
        places=layers.places_frame(model),
        route=layers.route_frame(model),
        corridor=layers.corridor_frame(model),
        border=layers.border_frame(model),
        profile=layers.profile_frame(model),
        settlements=layers.settlements_frame(model),
        settlements_in_corridor=layers.settlements_in_corridor(model),
        corridor_admin=layers.corridor_admin_frame(model),
        events=events,
        patrols=patrols,
        rejected=rejected_table(imports),
    )


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


def write_map(path: Path, layers: SimpleNamespace, claims: list[dict]) -> None:
    """Write the self-contained ``map.html`` from the layers."""
    from corridor.webmap.page import map_html

    path.write_text(map_html(layers, claims=claims), encoding="utf-8", newline="\n")


def render(
    model: Model,
    stage: Path,
    f: SimpleNamespace,
    claims: Sequence[ClaimResult],
) -> list[Path]:
    """Write every output file of ``model`` (its layers ``f``) into ``stage``; return their paths."""
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
        "corridor.geojson": f.corridor,
        "places.geojson": f.places,
        "border.geojson": f.border,
        "settlements.geojson": f.settlements,
        "events.geojson": f.events,
        "patrols.geojson": f.patrols,
    }
    for name, frame in geojson.items():
        with (stage / name).open("w", encoding="utf-8") as handle:
            write_geojson(frame, handle)
    gpkg_layers = {
        "places": f.places,
        "m4": f.route,
        "corridor": f.corridor,
        "border": f.border,
        "settlements": f.settlements,
        "events": f.events,
        "patrols": f.patrols,
        "border_profile": gpd.GeoDataFrame(
            f.profile, geometry=gpd.points_from_xy(f.profile.lon, f.profile.lat), crs=layers.CRS
        ),
    }
    reach = float(f.profile.border_km.max())
    write_gpkg(stage / "corridor.gpkg", study_area_layers(gpkg_layers, border_reach_km=reach))
    write_events_csv(stage / "events.csv", f.events)
    write_events_parquet(stage / "events.parquet", f.events)
    map_layers = SimpleNamespace(**vars(f), model=model)
    write_kmz(stage / "corridor.kmz", map_layers)
    write_map(stage / "map.html", map_layers, claims_document(claims))
    return [stage / name for name in OUTPUT_FILES]


def build(
    out: Path | str = "outputs",
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route_file: Path | str | None = None,
    events: Sequence[Path | str] = (),
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Compute the corridor and write all outputs into ``out`` (what ``corridor build`` does).

    The model and every layer are computed before anything is written; the files are then staged and
    moved into place together, so a failure at any point leaves the previous outputs untouched.
    """
    model = compute(section=section, half_width_km=half_width_km, route_file=route_file)
    imports = read_imports(model, events, strict=strict, progress=progress)
    f = frames(model, imports)
    claims = check_claims(model)
    out_dir = Path(out)
    with staged(out_dir) as stage:
        render(model, stage, f, claims)
    return BuildResult(
        model=model,
        out_dir=out_dir,
        files=[out_dir / n for n in OUTPUT_FILES],
        imports=imports,
        events=f.events,
        claims=claims,
    )


def check(
    out: Path | str = "outputs",
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route_file: Path | str | None = None,
) -> BuildResult:
    """Check every seed claim against the model and write ``claims.json`` and ``claims.md`` only."""
    model = compute(section=section, half_width_km=half_width_km, route_file=route_file)
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
    route_file: Path | str | None = None,
    events: Sequence[Path | str] = (),
) -> SimpleNamespace:
    """Return the layers as GeoDataFrames (EPSG:4326) without writing or reading any build output.

    The namespace has ``places``, ``route``, ``corridor``, ``border``, ``settlements``, ``events``,
    ``patrols`` (GeoDataFrames), ``profile``, ``settlements_in_corridor``, ``corridor_admin`` and
    ``rejected`` (DataFrames), ``imports`` (one result per file in ``events``) and ``model``
    (everything computed, for the curious).
    """
    model = compute(section=section, half_width_km=half_width_km, route_file=route_file)
    imports = read_imports(model, events)
    ns = frames(model, imports)
    ns.model = model
    ns.imports = imports
    return ns


def interactive_map(layers: SimpleNamespace | None = None, **options: object) -> object:
    """The project's map as a ``folium.Map`` for Jupyter (from ``layers``, or ``load(**options)``).

    In a notebook folium loads Leaflet from the web as usual; ``map.html`` from a build needs no
    network.
    """
    from corridor.webmap.page import build_map

    layers = layers if layers is not None else load(**options)  # type: ignore[arg-type]
    return build_map(layers, claims=claims_document(check_claims(layers.model)))
