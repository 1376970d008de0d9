"""Where the project's committed data lives, installed (wheel) or in a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGE = resources.files("corridor")


def data_dir(name: str) -> Path:
    """Return one of the project's data folders (``geodata`` or ``seeds``).

    A wheel carries them inside the package (``corridor/geodata``); a checkout (editable install)
    keeps them at the top level. The current directory is never consulted.
    """
    packaged = Path(str(_PACKAGE / name))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    msg = f"the corridor {name} folder is missing (looked in {packaged} and {checkout})"
    raise FileNotFoundError(msg)


def geodata_dir() -> Path:
    """Return the folder holding ``places.csv``, the route, the border and the catalogue."""
    return data_dir("geodata")


def geodata_path(name: str) -> Path:
    """Return the path of one committed data file, e.g. ``geodata_path("places.csv")``."""
    return geodata_dir() / name
