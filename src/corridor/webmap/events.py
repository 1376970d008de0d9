"""What the map draws of the events: catalogue events as symbols (and patrols as lanes beside
the road), those far away as a list, and imported events as compact columns for clustering.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from corridor.events.catalogue import PATROL_KINDS
from corridor.events.selection import MAX_IMPORTED_FEATURES, drawn
from corridor.webmap import convert as cv

#: Imported events drawn at most (the most recent ones in the study area).
MAX_IMPORTED_DRAWN = MAX_IMPORTED_FEATURES


#: Imported descriptions are cut to this many characters on the map.
IMPORTED_TEXT_CHARS = 300


#: Patrol outcomes drawn as "completed or full route"; any other patrol outcome is "cut short".
PATROL_DONE = frozenset({"completed", "conducted", "full_route", "extended_route"})


EVENT_GROUPS = ("patrol_done", "patrol_cut", "attack", "protest", "other")


GROUP_NAMES = {
    "patrol_done": "Patrols completed or full route",
    "patrol_cut": "Patrols cut short, limited or disputed",
    "attack": "Attacks",
    "protest": "Protests and blockades",
    "other": "Agreements, statements and other",
}


#: Patrol lanes: pixels beside the road (positive: to the left of the direction of the chainage,
#: i.e. north of the road), so that the road and its 30 km casing stay visible.
_LANES = {"patrol_done": 7.5, "patrol_cut": 12.5}


def event_group(kind: str, outcome: Any) -> str:
    """The map layer an event belongs to (one of :data:`EVENT_GROUPS`)."""
    if kind in PATROL_KINDS:
        return "patrol_done" if outcome in PATROL_DONE else "patrol_cut"
    if kind in {"attack", "protest"}:
        return kind
    return "other"


_NUMBERED_BY = {"tr_mod": "Turkish MoD", "ru_centre": "Russian centre"}


def _graded(outlet: Any, grade: str) -> str:
    """A source's link text with its grade from geodata/sources.csv ("SANA · state affiliated")."""
    return f"{cv.text(outlet)} · {cv.words(grade)}" if grade else cv.text(outlet)


def _event_info(e: Mapping[str, Any], names: Mapping[str, str], kicker: str) -> dict[str, Any]:
    kind, outcome = cv.words(e["kind"]), cv.words(e["outcome"])
    by = cv.json_list(e.get("outcome_by_source"))
    outcome_rows: list[tuple[str, Any]] = (
        [
            (
                "Outcome by source",
                cv.links(
                    (f"{cv.text(b.get('by'))}: {cv.words(b.get('outcome'))}", b.get("url"))
                    for b in by
                    if isinstance(b, Mapping)
                ),
            )
        ]
        if by
        else [("Outcome", outcome)]
    )
    route = ""
    if not cv.missing(e.get("route_from")) and not cv.missing(e.get("route_to")):
        route = f"{names.get(e['route_from'], e['route_from'])} → {names.get(e['route_to'], e['route_to'])}"
        if not cv.missing(e.get("km_from")) and not cv.missing(e.get("km_to")):
            route += f", km {float(e['km_from']):.1f} → {float(e['km_to']):.1f} ({float(e['reach_km']):.1f} km of road)"
    numbers = cv.json_dict(e.get("patrol_numbers"))
    numbered = " · ".join(
        f"{_NUMBERED_BY.get(k, cv.words(k))} no. {v}"
        for k, v in sorted(numbers.items())
        if isinstance(v, int)
    )
    where = cv.text(e.get("place_names")).replace("|", ", ")
    if not cv.missing(e.get("uncertainty_m")) and float(e["uncertainty_m"]) > 0:
        where += f" (± {float(e['uncertainty_m']) / 1000:g} km)"
    if bool(e.get("in_study_area")) and not cv.missing(e.get("road_km")):
        where += (
            "; inside the corridor"
            if bool(e.get("in_corridor"))
            else f"; {float(e['road_km']):.1f} km from the road, outside the corridor"
        )
    actors = ", ".join(cv.text(a) for a in cv.json_list(e.get("actors")))
    disagreements = [
        f"Sources disagree: {cv.text(d)}" for d in cv.json_list(e.get("disagreements"))
    ]
    grades = cv.text(e.get("source_grades")).split("|")
    sources = [
        (_graded(s.get("outlet"), grades[i] if i < len(grades) else ""), s.get("url"))
        for i, s in enumerate(cv.json_list(e.get("sources")))
        if isinstance(s, Mapping)
    ]
    return cv.info(
        k=kicker,
        t=kind.capitalize() + (f": {outcome}" if outcome else ""),
        rows=[
            ("Date", cv.date_label(e.get("date"), e.get("date_precision"))),
            *outcome_rows,
            ("Route", route),
            ("Patrol number", numbered),
            ("Where", where),
            ("Location", cv.text(e.get("location_note"))),
            ("Actors", actors),
        ],
        notes=[cv.text(e.get("description")), *disagreements],
        src=sources,
        foot=cv.text(e.get("id")),
    )


def _date_key(value: Any) -> str | None:
    return None if cv.missing(value) or not str(value) else str(value)


def catalogue_events(events: pd.DataFrame) -> pd.DataFrame:
    """The catalogue's rows of an events layer, in order.

    The catalogue comes first in the layer, so its rows are one run and are taken as a slice,
    which shares the columns; a boolean selection copies every column (53 columns of 200,000
    rows: 0.02 s a call, measured here, and the map and the KMZ make three). Rows found anywhere
    else are selected by the mask as before.

    Parameters
    ----------
    events
        The events layer (``layers.events``).

    Returns
    -------
    pandas.DataFrame
        The rows whose ``origin`` is ``"catalogue"``, with every column.
    """
    where = np.flatnonzero(events["origin"].eq("catalogue").fillna(False).to_numpy(dtype=bool))
    if len(where) and int(where[-1]) - int(where[0]) + 1 == len(where):
        return events.iloc[int(where[0]) : int(where[-1]) + 1]
    return events.iloc[where]


def catalogue_marks(layers: Any, model: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The catalogue's events in the study area (drawn) and elsewhere (listed), without ranks."""
    cat = catalogue_events(layers.events)
    names = cv.name_of(layers)
    patrol_lines = dict(zip(layers.patrols["id"], layers.patrols.geometry, strict=True))
    drawn: list[dict[str, Any]] = []
    elsewhere: list[dict[str, Any]] = []
    for e in cat.to_dict("records"):
        group = event_group(e["kind"], e["outcome"])
        if not bool(e["in_study_area"]):
            info = _event_info(e, names, "Elsewhere")
            line = " · ".join(
                [
                    cv.date_label(e["date"], e["date_precision"]),
                    cv.text(e["place_names"]).replace("|", ", "),
                    info.get("t", ""),
                ]
            )
            elsewhere.append(
                {"line": line, "info": info, "_key": (_date_key(e["date"]) or "~", e["id"])}
            )
            continue
        item: dict[str, Any] = {"g": group, "date": _date_key(e["date"]), "id": e["id"]}
        line_geom = patrol_lines.get(e["id"])
        if line_geom is not None and not cv.missing(e.get("km_to")):
            km_to = float(e["km_to"])
            coords = np.asarray(line_geom.coords)
            # Lanes are offset to the left of the line's direction: run it with the chainage
            # (west to east) so that the lane sits on the north side.
            ends, _ = model.route.locate(coords[[0, -1], 0], coords[[0, -1], 1])
            if ends[0] > ends[1]:
                coords = coords[::-1]
            item["line"] = cv.pts(coords)
            item["lane"] = _LANES[group] if group in _LANES else _LANES["patrol_done"]
            lon, lat = model.route.point_at(km_to)
        else:
            lon, lat = e["geometry"].x, e["geometry"].y
        item["ll"] = cv.ll(lon, lat)
        item["info"] = _event_info(e, names, GROUP_NAMES[group])
        drawn.append(item)
    drawn.sort(key=lambda d: (d["date"] or "~", d["id"]))
    offsets = cv.dodge([tuple(d["ll"]) for d in drawn])
    for item, off in zip(drawn, offsets, strict=True):
        item["o"] = off
    elsewhere.sort(key=lambda d: d.pop("_key"))
    return drawn, elsewhere


def _codes(values: pd.Series, table: dict[str, int]) -> list[int]:
    """Indices into the shared string table (-1 when missing or empty)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.array(
        [table.setdefault(t, len(table)) if (t := cv.text(u)) else -1 for u in uniques.tolist()]
        + [-1],
        dtype=np.int64,
    )
    return lookup[codes].tolist()


def _ranks(dates: pd.Series, rank: Mapping[str, int]) -> list[int]:
    """Each row's place in the map's date order (-1 when it has none), looked up once per distinct
    date (20,000 rows of a 200k-row ACLED file hold 475)."""
    codes, uniques = pd.factorize(dates, use_na_sentinel=True)
    lookup = np.array(
        [rank.get(d, -1) if isinstance(d, str) else -1 for d in uniques.tolist()] + [-1],
        dtype=np.int64,
    )
    return lookup[codes].tolist()


def _numbers(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()


# The lists below are made by numpy, not a Python test per value: 0.016 s -> 0.007 s for the five
# number columns of 20,000 rows (measured here).
def _floats(values: pd.Series, digits: int) -> list[float | None]:
    """The values rounded to ``digits`` decimals, ``None`` where missing."""
    rounded = np.round(_numbers(values), digits)
    gaps = np.isnan(rounded)
    if not gaps.any():
        return rounded.tolist()
    out = rounded.astype(object)
    out[gaps] = None
    return out.tolist()


def _ints(numbers: np.ndarray, fill: int | None) -> list[int | None]:
    """``int(v)`` of each number (towards zero), ``fill`` where missing."""
    gaps = np.isnan(numbers)
    known = numbers[~gaps]
    if known.size and not (np.abs(known) < 2.0**62).all():  # inf or beyond int64: Python's ints
        return [fill if math.isnan(v) else int(v) for v in numbers.tolist()]
    whole = np.where(gaps, 0, numbers).astype(np.int64)
    if fill == 0 or not gaps.any():
        return whole.tolist()
    out = whole.astype(object)
    out[gaps] = fill
    return out.tolist()


def _texts(values: pd.Series) -> list[str]:
    """:func:`convert.text` of each value; the whole column at once when it is all clean text."""
    items = values.tolist()
    if all(type(v) is str for v in items) and not cv.UNREPRESENTABLE.search("".join(items)):
        return items
    return [cv.text(v) for v in items]


#: The columns of the imported rows that the map (:func:`imported_columns`) and the KMZ draw.
DRAWN_COLUMNS = (
    "origin", "id", "date", "date_precision", "kind", "outcome", "event_type", "actor1", "actor2",
    "place_names", "sources", "side", "description", "fatalities", "uncertainty_m", "chainage_km",
    "road_km", "border_km", "in_corridor",
)  # fmt: skip


def imported_rows(layers: Any, cap: int) -> tuple[pd.DataFrame, int, int]:
    """The imported rows to draw (at most ``cap``, the most recent), all in the study area, with
    the columns in :data:`DRAWN_COLUMNS` and the geometry (:func:`corridor.events.selection.drawn`)."""
    events = layers.events
    # Masks first, rows last: copying every column of 200,000 rows twice to keep 20,000 took longer
    # than drawing them.
    shown, outside, inside = drawn(events, cap)
    # Only the columns the map and the KMZ draw are copied (53 -> 20 columns of 20,000 rows:
    # 0.09 s -> 0.03 s a call here, and both writers call it).
    keep = [c for c in (*DRAWN_COLUMNS, events.geometry.name) if c in events.columns]
    return events.loc[events.index[shown], keep], outside, inside


def imported_columns(rows: pd.DataFrame, rank: Mapping[str, int]) -> dict[str, Any]:
    """Imported rows as compact columns sharing one string table (what the script clusters)."""
    table: dict[str, int] = {}

    def column(name: str) -> pd.Series:
        return (
            rows[name]
            if name in rows.columns
            else pd.Series([None] * len(rows), index=rows.index, dtype="object")
        )

    desc = (
        column("description").astype("object").where(column("description").notna(), "").astype(str)
    )
    if cv.UNREPRESENTABLE.search("".join(desc.tolist())) is not None:
        # One search of all the texts first: nearly every file has no such character, and the
        # replacement a text at a time took 0.02 s for 20,000 rows (measured here).
        desc = desc.str.replace(cv.UNREPRESENTABLE, "\ufffd", regex=True)
    cut = desc.str.len() > IMPORTED_TEXT_CHARS
    dates = column("date").astype("object")
    c = {
        "origin": _codes(column("origin"), table),
        "date": _codes(dates, table),
        "prec": _codes(column("date_precision"), table),
        "kind": _codes(column("kind"), table),
        "outcome": _codes(column("outcome"), table),
        "etype": _codes(column("event_type"), table),
        "actor1": _codes(column("actor1"), table),
        "actor2": _codes(column("actor2"), table),
        "place": _codes(column("place_names"), table),
        "source": _codes(column("sources"), table),
        "side": _codes(column("side"), table),
        "id": _texts(column("id")),
        "desc": desc.str.slice(0, IMPORTED_TEXT_CHARS).tolist(),
        "cut": cut.astype(int).tolist(),
        "fat": _ints(_numbers(column("fatalities")), None),
        "unc": _ints(np.round(_numbers(column("uncertainty_m")), 0), 0),
        "km": _floats(column("chainage_km"), 1),
        "road": _floats(column("road_km"), 2),
        "bkm": _floats(column("border_km"), 1),
        "inc": column("in_corridor").fillna(False).astype(bool).astype(int).tolist(),
    }
    lon, lat = cv.point_xy(rows.geometry)
    return {
        "n": len(rows),
        "lat": np.round(lat, cv.DECIMALS).tolist(),
        "lon": np.round(lon, cv.DECIMALS).tolist(),
        "r": _ranks(dates, rank),
        "s": list(table),
        "c": c,
    }
