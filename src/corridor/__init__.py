"""corridor: the M4 security corridor in Idlib (Russia–Turkey protocol of 5 March 2020) as data.

>>> import corridor
>>> layers = corridor.load()          # GeoDataFrames: places, route, corridor, border, ...
>>> corridor.build("outputs")         # what `corridor build` does
>>> corridor.map(layers)              # the interactive map, in Jupyter

The options have the CLI's names: ``section``, ``half_width_km``, ``route``, ``events``, ``strict``
and ``out``. Importing the package is cheap; the libraries load on the first call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from corridor._errors import CorridorError, InputError, OptionError, OutputError

if TYPE_CHECKING:
    from types import SimpleNamespace

    from corridor.pipeline import BuildResult

__version__ = "0.1.0"
__all__ = [
    "CorridorError",
    "InputError",
    "OptionError",
    "OutputError",
    "__version__",
    "build",
    "check",
    "load",
    "map",
]

#: The protocol's patrol route and depth; ``corridor.pipeline`` has the same defaults (tested).
_SECTION = ("tronba", "ain-al-hawr")
_HALF_WIDTH_KM = 6.0

_Path = str | os.PathLike


def load(
    *,
    section: str | tuple[str, str] = _SECTION,
    half_width_km: float = _HALF_WIDTH_KM,
    route: _Path | None = None,
    events: _Path | Sequence[_Path] = (),
    strict: bool = False,
) -> SimpleNamespace:
    """Return the layers as GeoDataFrames (EPSG:4326), without writing anything.

    Parameters
    ----------
    section
        The stretch of road to buffer: ``"FROM:TO"`` with any spelling of two places, a pair of names,
        or ``"whole"`` for Latakia to Aleppo. Default: Tronba to Ain al-Hawr, the patrol route.
    half_width_km
        Depth of the corridor on each side of the road, in km (a number). Default 6.
    route
        A GeoJSON line of the real road (e.g. an OpenStreetMap export) to use instead of the line
        through named places.
    events
        One path, or a list of paths, to your event files: ACLED exports, plain CSV, GeoJSON points.
    strict
        If true, any bad row in ``events`` raises instead of being left out and listed in
        ``rejected``.

    Returns
    -------
    types.SimpleNamespace
        ``places``, ``route``, ``border``, ``events`` (catalogue and imported, tagged), ``patrols``
        (GeoDataFrames); ``corridor``: the north and south halves, so that ``.plot()`` draws the
        corridor and ``.area_km2.sum()`` is its area; ``corridor_union`` and ``corridor_cut`` (the part
        outside Syria that was cut off) as frames of their own; ``profile`` and ``rejected``
        (DataFrames); ``imports`` and ``model``.

    Raises
    ------
    InputError
        Bad input: an unknown place, an unreadable file, a non-positive width; its subclass
        :class:`OptionError` (also a ``TypeError``) for a value of the wrong type.

    Examples
    --------
    >>> layers = corridor.load(events="acled.csv", half_width_km=6)   # doctest: +SKIP
    >>> layers.corridor.area_km2.sum()                                # doctest: +SKIP
    """
    from corridor.pipeline import load as _load

    return _load(
        section=section, half_width_km=half_width_km, route=route, events=events, strict=strict
    )


def build(
    out: _Path = "outputs",
    *,
    section: str | tuple[str, str] = _SECTION,
    half_width_km: float = _HALF_WIDTH_KM,
    route: _Path | None = None,
    events: _Path | Sequence[_Path] = (),
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Compute everything and write every output into ``out``: what ``corridor build`` does.

    Parameters
    ----------
    out
        Folder to write the outputs into (created if missing). The previous outputs stay whole if the
        build fails.
    section, half_width_km, route, events, strict
        As for :func:`load` (and the CLI's ``--section``, ``--half-width-km``, ``--route``,
        ``--events``, ``--strict``).
    progress
        Called with a short message while large event files are read.

    Returns
    -------
    corridor.pipeline.BuildResult
        ``model``, ``out_dir``, ``files`` (the paths written), ``imports``, ``events``, ``claims``.

    Raises
    ------
    CorridorError
        :class:`InputError` / :class:`OptionError` for bad input, :class:`OutputError` when the
        outputs cannot be written (the message names the file).
    """
    from corridor.pipeline import build as _build

    return _build(
        out,
        section=section,
        half_width_km=half_width_km,
        route=route,
        events=events,
        strict=strict,
        progress=progress,
    )


def check(
    out: _Path = "outputs",
    *,
    section: str | tuple[str, str] = _SECTION,
    half_width_km: float = _HALF_WIDTH_KM,
    route: _Path | None = None,
) -> BuildResult:
    """Check the seed articles' claims against the model; write ``claims.json`` and ``claims.md``.

    Parameters
    ----------
    out, section, half_width_km, route
        As for :func:`build`.
    """
    from corridor.pipeline import check as _check

    return _check(out, section=section, half_width_km=half_width_km, route=route)


def map(
    layers: Any = None,
    *,
    section: str | tuple[str, str] = _SECTION,
    half_width_km: float = _HALF_WIDTH_KM,
    route: _Path | None = None,
    events: _Path | Sequence[_Path] = (),
) -> Any:
    """The project's map as a ``folium.Map``, for Jupyter.

    Parameters
    ----------
    layers
        What :func:`load` returned; when omitted, the layers are loaded with the other options.
    section, half_width_km, route, events
        As for :func:`load` (used only without ``layers``).
    """
    from corridor.pipeline import interactive_map

    options = {"section": section, "half_width_km": half_width_km, "route": route, "events": events}
    return interactive_map(layers, **options)
