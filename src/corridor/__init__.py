"""corridor: the M4 security corridor in Idlib (Russia–Turkey protocol of 5 March 2020) as data.

>>> import corridor
>>> layers = corridor.load()          # GeoDataFrames: places, route, corridor, border, ...
>>> corridor.build("outputs")         # what `corridor build` does
>>> corridor.map(layers)              # the interactive map, in Jupyter

The options have the CLI's names: ``section``, ``half_width_km``, ``route``, ``events``, ``strict``
and ``out``. Importing the package is cheap; the libraries load on the first call.
"""

from __future__ import annotations

from typing import Any

from corridor._errors import CorridorError, InputError, OptionError, OutputError

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

#: The public functions and the pipeline functions they are. They are looked up on first use
#: (PEP 562), so ``import corridor`` stays cheap, and ``help(corridor.load)`` shows the pipeline's own
#: signature and docstring: one definition of each, none copied here.
_FROM_PIPELINE = {"load": "load", "build": "build", "check": "check", "map": "interactive_map"}


def __getattr__(name: str) -> Any:
    if name in _FROM_PIPELINE:
        from corridor import pipeline

        value = getattr(pipeline, _FROM_PIPELINE[name])
        globals()[name] = value
        return value
    msg = f"module 'corridor' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *_FROM_PIPELINE})
