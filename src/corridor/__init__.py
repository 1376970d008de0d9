"""corridor: the M4 security corridor in Idlib (Russia–Turkey protocol of 5 March 2020) as data.

>>> import corridor
>>> layers = corridor.load()          # GeoDataFrames: places, route, corridor, border, ...
>>> corridor.build("outputs")         # what `corridor build` does
>>> corridor.map(layers)              # the interactive map, in Jupyter
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridor.pipeline import BuildResult

__version__ = "0.1.0"
__all__ = ["__version__", "build", "load", "map"]


def load(**options: Any) -> Any:
    """Return the layers as GeoDataFrames in EPSG:4326; see :func:`corridor.pipeline.load`."""
    from corridor.pipeline import load as _load

    return _load(**options)


def build(out: str = "outputs", **options: Any) -> BuildResult:
    """Compute and write every output into ``out``; see :func:`corridor.pipeline.build`."""
    from corridor.pipeline import build as _build

    return _build(out, **options)


def map(layers: Any = None, **options: Any) -> Any:
    """The project's map as a ``folium.Map``; see :func:`corridor.pipeline.interactive_map`."""
    from corridor.pipeline import interactive_map

    return interactive_map(layers, **options)
