"""``corridor build`` as a library call: compute the model, render every output, write them atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd

from corridor import layers
from corridor.corridor import DEFAULT_HALF_WIDTH_KM, DEFAULT_SECTION
from corridor.model import Model, compute
from corridor.outputs import csv_text, geojson_text, json_text, staged, write_gpkg

#: The output files, in the order they are listed to the user. Downstream users rely on these names.
OUTPUT_FILES = (
    "m4.geojson",
    "corridor.geojson",
    "places.geojson",
    "border.geojson",
    "border_check.json",
    "border_profile.csv",
    "corridor.gpkg",
)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: the model and the paths written."""

    model: Model
    out_dir: Path
    files: list[Path] = field(default_factory=list)


def frames(model: Model) -> SimpleNamespace:
    """The model's layers as GeoDataFrames in EPSG:4326 (``places``, ``route``, ``corridor``, …)."""
    return SimpleNamespace(
        places=layers.places_frame(model),
        route=layers.route_frame(model),
        corridor=layers.corridor_frame(model),
        border=layers.border_frame(model),
        profile=layers.profile_frame(model),
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


def render(model: Model, stage: Path) -> list[Path]:
    """Write every output file of ``model`` into ``stage`` and return their paths."""
    f = frames(model)
    texts = {
        "m4.geojson": geojson_text(f.route),
        "corridor.geojson": geojson_text(f.corridor),
        "places.geojson": geojson_text(f.places),
        "border.geojson": geojson_text(f.border),
        "border_check.json": json_text(border_check_document(model)),
        "border_profile.csv": csv_text(f.profile),
    }
    for name, text in texts.items():
        (stage / name).write_text(text, encoding="utf-8")
    gpkg_layers: dict[str, gpd.GeoDataFrame] = {
        "places": f.places,
        "m4": f.route,
        "corridor": f.corridor,
        "border": f.border,
        "border_profile": gpd.GeoDataFrame(
            f.profile, geometry=gpd.points_from_xy(f.profile.lon, f.profile.lat), crs=layers.CRS
        ),
    }
    write_gpkg(stage / "corridor.gpkg", gpkg_layers)
    return [stage / name for name in OUTPUT_FILES]


def build(
    out: Path | str = "outputs",
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route_file: Path | str | None = None,
) -> BuildResult:
    """Compute the corridor and write all outputs into ``out`` (what ``corridor build`` does).

    The model is computed before anything is written; the files are then staged and moved into place
    together, so a failure at any point leaves the previous outputs untouched.
    """
    model = compute(section=section, half_width_km=half_width_km, route_file=route_file)
    out_dir = Path(out)
    with staged(out_dir) as stage:
        render(model, stage)
    return BuildResult(model=model, out_dir=out_dir, files=[out_dir / n for n in OUTPUT_FILES])


def load(
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route_file: Path | str | None = None,
) -> SimpleNamespace:
    """Return the layers as GeoDataFrames (EPSG:4326) without writing or reading any build output.

    The namespace has ``places``, ``route``, ``corridor``, ``border`` (GeoDataFrames), ``profile``
    (a DataFrame) and ``model`` (everything computed, for the curious).
    """
    model = compute(section=section, half_width_km=half_width_km, route_file=route_file)
    ns = frames(model)
    ns.model = model
    return ns
