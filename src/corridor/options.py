"""The options of ``corridor.load``, ``corridor.build`` and ``corridor.check``, checked in one place.

The CLI and the Python API take the same options under the same names (``section``,
``half_width_km``, ``route``, ``events``, ``strict``, ``all_events``, ``out``). A value of the wrong type is an
:class:`~corridor._errors.OptionError` saying what was expected, raised before any work is done, so a
user never meets a numpy error or a string read as a list of file names.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Real
from pathlib import Path

from corridor._errors import InputError, OptionError

#: A path as the API accepts it: text or any ``os.PathLike`` (e.g. ``pathlib.Path``).
PathLike = str | os.PathLike


@dataclass(frozen=True)
class Options:
    """Checked and normalised options (paths as :class:`~pathlib.Path`, width as a float)."""

    section: str | tuple[str, str]
    half_width_km: float
    route: Path | None
    events: tuple[Path, ...]
    strict: bool
    all_events: bool = False


def _what(value: object) -> str:
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _is_path(value: object) -> bool:
    return isinstance(value, str | os.PathLike) and not isinstance(value, bytes)


def check_path(value: object, name: str) -> Path:
    """``value`` as a :class:`~pathlib.Path`; anything but text or a path-like object is an error."""
    if not _is_path(value):
        msg = f"{name} must be a path (str or pathlib.Path), not {_what(value)}"
        raise OptionError(msg)
    return Path(os.fspath(value))


def check_events(events: object) -> tuple[Path, ...]:
    """One path (a str or Path is one file, never a sequence of characters) or a list of paths."""
    if events is None:
        return ()
    if _is_path(events):
        return (check_path(events, "events"),)
    if isinstance(events, bytes | dict) or not isinstance(events, Iterable):
        msg = f"events must be a path or a list of paths, not {_what(events)}"
        raise OptionError(msg)
    return tuple(check_path(item, f"events[{i}]") for i, item in enumerate(events))


def check_half_width(value: object) -> float:
    """A positive, finite number of km; text, booleans and other types are errors."""
    if isinstance(value, bool) or not isinstance(value, Real):
        hint = " (pass a number: 6, not '6')" if isinstance(value, str) else ""
        msg = f"half_width_km must be a number of km, not {_what(value)}{hint}"
        raise OptionError(msg)
    km = float(value)
    if not (km > 0 and math.isfinite(km)):
        msg = f"half_width_km must be a positive number of km, not {value}"
        raise InputError(msg)
    return km


def check_section(value: object) -> str | tuple[str, str]:
    """``"FROM:TO"``, ``"whole"``, or a pair of place names."""
    if isinstance(value, str):
        return value
    if (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, str) for v in value)
    ):
        return (value[0], value[1])
    msg = f"section must be 'FROM:TO', 'whole' or a pair of place names, not {_what(value)}"
    raise OptionError(msg)


def check_options(
    *,
    section: object,
    half_width_km: object,
    route: object = None,
    events: object = (),
    strict: object = False,
    all_events: object = False,
) -> Options:
    """Check every option and return them normalised; the first wrong one raises."""
    for name, flag in (("strict", strict), ("all_events", all_events)):
        if not isinstance(flag, bool):
            msg = f"{name} must be True or False, not {_what(flag)}"
            raise OptionError(msg)
    return Options(
        section=check_section(section),
        half_width_km=check_half_width(half_width_km),
        route=None if route is None else check_path(route, "route"),
        events=check_events(events),
        strict=strict,
        all_events=all_events,
    )
