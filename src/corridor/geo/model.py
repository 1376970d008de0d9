"""The whole computation, in pipeline order: places → route → corridor → border → settlements.

:func:`compute` returns a :class:`Model`; nothing here writes files, so a notebook can call it freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.geo.border import BorderCheck, BorderData, check_border, load_border_data
from corridor.geo.buffer import (
    DEFAULT_HALF_WIDTH_KM,
    DEFAULT_SECTION,
    Corridor,
    Section,
    build_corridor,
    parse_section,
    resolve_section,
)
from corridor.geo.osm_route import read_road_file
from corridor.geo.places import Gazetteer, Place, load_gazetteer, place_at, read_derived_places
from corridor.geo.road_check import StretchCheck, check_road
from corridor.geo.route import Route, route_from_places
from corridor.geo.settlements import (
    corridor_admin_areas,
    locate_settlements,
    read_admin,
    read_settlements,
)
from corridor.geo.uncertainty import road_offsets_m


@dataclass(frozen=True)
class Model:
    """Everything the outputs are made from."""

    gazetteer: Gazetteer
    route: Route
    section: Section
    corridor: Corridor
    border: BorderData
    border_check: BorderCheck
    place_km: dict[str, float]
    place_side: dict[str, int]
    place_offset_km: dict[str, float]
    #: Every gazetteer locality of the study area, measured (see :mod:`corridor.geo.settlements`).
    settlements: pd.DataFrame = field(repr=False)
    #: The corridor's area and settlements per governorate and district.
    corridor_admin: pd.DataFrame = field(repr=False)
    #: Every reported along-road distance against the model (``geodata/road_distances.csv``).
    road_check: tuple[StretchCheck, ...] = ()

    @property
    def places(self) -> list[Place]:
        """All places, registry and derived, sorted by id."""
        return [self.gazetteer[k] for k in sorted(self.gazetteer)]


def locate_derived(gazetteer: Gazetteer, route: Route) -> Gazetteer:
    """Add the derived places (Tronba, Ain al-Hawr, …) at the positions their rules give on ``route``.

    A rule may refer to another derived place (Ain al-Hawr is measured from Tronba), so rules are
    resolved in as many passes as needed.
    """
    pending = read_derived_places()
    known_km = dict(route.place_km)
    resolved: list[Place] = []
    while pending:
        ready = [d for d in pending if d.reference in known_km or d.reference in gazetteer]
        if not ready:
            refs = ", ".join(sorted({d.reference for d in pending}))
            msg = f"derived places refer to unknown places: {refs}"
            raise ValueError(msg)
        for d in ready:
            if d.reference not in known_km:
                ref = gazetteer[d.reference]
                known_km[d.reference] = float(route.locate([ref.lon], [ref.lat])[0][0])
            km = known_km[d.reference] + d.along_km
            lon, lat = route.point_at(km)
            known_km[d.id] = km
            resolved.append(place_at(d, lon=lon, lat=lat))
        pending = [d for d in pending if d not in ready]
    return gazetteer.with_places(resolved)


def compute(
    *,
    section: str | tuple[str, str] = DEFAULT_SECTION,
    half_width_km: float = DEFAULT_HALF_WIDTH_KM,
    route_file: Path | str | None = None,
) -> Model:
    """Run the pipeline and return the model (no files are written).

    Parameters
    ----------
    section
        ``"FROM:TO"`` (any spellings), a pair of names, or ``"whole"``. Default: Tronba to Ain al-Hawr.
    half_width_km
        Depth of the corridor on each side of the road.
    route_file
        A GeoJSON line to use as the road instead of the named-place line.
    """
    registry = load_gazetteer()
    route = (
        read_road_file(Path(route_file), registry)
        if route_file is not None
        else route_from_places(registry)
    )
    gazetteer = locate_derived(registry, route)
    names = parse_section(section) if isinstance(section, str) else tuple(section)
    sec = resolve_section(names, gazetteer, route)
    border = load_border_data()
    corridor = build_corridor(route, sec, half_width_km=half_width_km, syria=border.syria)
    places = [gazetteer[k] for k in sorted(gazetteer)]
    lon = np.array([p.lon for p in places])
    lat = np.array([p.lat for p in places])
    km, side = route.locate(lon, lat)
    from corridor.geo.geodesy import nearest_on_line_m

    offset_m, _, _ = nearest_on_line_m(lon, lat, route.line, window_m=2000, step_m=10)
    offsets = road_offsets_m(route, {p.id: p.uncertainty_m for p in places})
    check = check_border(route, corridor, places, border, road_uncertainty_m=offsets)
    admin = read_admin()
    settled = locate_settlements(read_settlements(), route, corridor, border, admin)
    return Model(
        gazetteer=gazetteer,
        route=route,
        section=sec,
        corridor=corridor,
        border=border,
        border_check=check,
        place_km={p.id: float(k) for p, k in zip(places, km, strict=True)},
        place_side={p.id: int(s) for p, s in zip(places, side, strict=True)},
        place_offset_km={p.id: float(o) / 1000 for p, o in zip(places, offset_m, strict=True)},
        settlements=settled,
        corridor_admin=corridor_admin_areas(corridor, admin, settled),
        road_check=tuple(check_road({p.id: float(k) for p, k in zip(places, km, strict=True)})),
    )
