"""Reading a user's events: an ACLED export, a plain CSV, or GeoJSON points.

Rows are checked as a whole column at a time (fast enough for all of ACLED's Syria data). A bad row is
set aside with a :class:`Rejection` naming the file, the row and the field; the good rows are kept. A
problem with the file itself (unreadable, empty, binary, not UTF-8, a required column missing) raises
:class:`~corridor._errors.InputError`, since no row of it can be trusted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from corridor._errors import InputError, UnknownPlaceError
from corridor.events.csv_file import header_fields, is_json, read_csv, read_data
from corridor.events.rows import (
    Area,
    Checker,
    Rejection,
    as_numbers,
    check_coordinates,
    parse_dates,
)
from corridor.geo.border import load_border_data
from corridor.geo.places import Gazetteer
from corridor.geo.route import Route, route_from_places

#: ACLED's own fields, kept as they are (see the project's notes on the ACLED format).
ACLED_FIELDS = (
    "event_id_cnty",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "fatalities",
    "geo_precision",
    "time_precision",
    "source",
    "notes",
    "location",
    "admin1",
    "admin2",
    "admin3",
)
ACLED_REQUIRED = ("event_date", "latitude", "longitude", "event_type")

#: ACLED's event types in the project's vocabulary of kinds.
ACLED_KIND = {
    "Battles": "attack",
    "Explosions/Remote violence": "attack",
    "Violence against civilians": "attack",
    "Protests": "protest",
    "Riots": "protest",
    "Strategic developments": "report",
}
#: ACLED time_precision (1 the day, 2 the week, 3 the month) as the project's date precision.
ACLED_DATE_PRECISION = {"1": "day", "2": "week", "3": "month"}
#: ACLED geo_precision as a position uncertainty. ACLED defines the codes (1: the town itself; 2: near
#: a town or a small part of a region; 3: a larger part of a region) but gives no distances; these are
#: the project's reading of them at the scale of Idlib's towns and districts.
ACLED_UNCERTAINTY_M = {"1": 2_000.0, "2": 10_000.0, "3": 25_000.0}


PLAIN_ALIASES = {
    "date": ("date", "event_date"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
    "place": ("place", "location", "place_name"),
    "kind": ("kind", "type", "event_type"),
    "description": ("description", "notes", "text"),
    "source": ("source", "sources", "url"),
    "id": ("id", "event_id"),
}
PLAIN_DEFAULT_UNCERTAINTY_M = 1_000.0


@dataclass
class ImportResult:
    """The good rows of one file (with ``lon``/``lat``) and the rows set aside."""

    file: str
    format: str
    read: int
    table: pd.DataFrame
    rejected: list[Rejection] = field(default_factory=list)
    #: What the user should know about the file as a whole (e.g. that it has no rows).
    notices: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rejected.sort(key=lambda r: (r.row, r.field))


def read_events(
    path: Path | str,
    *,
    gazetteer: Gazetteer,
    route: Route | None = None,
    syria: BaseGeometry | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Read events from ``path`` (ACLED CSV, plain CSV or GeoJSON, told apart by their content).

    A file with a header and no rows gives an empty result with a notice; a file none of whose rows
    can be used raises :class:`~corridor._errors.InputError`, like an unreadable one.

    Parameters
    ----------
    path
        The file.
    gazetteer
        Places, for rows that give a place name instead of coordinates.
    route, syria
        The road (the study area is measured from it) and Syria's land, to tell swapped
        coordinates; by default the line through the gazetteer's named places and the committed
        outline (``geodata/syria_near.geojson``).
    progress
        Called with a short message while a large file is read.
    """
    path = Path(path)
    area = Area(
        route if route is not None else route_from_places(gazetteer),
        syria if syria is not None else load_border_data().syria,
    )
    data = read_data(path)
    if is_json(data):
        result = _read_geojson(path, data.decode("utf-8"), area)
    else:
        header = header_fields(data)
        columns = {h.strip().lower() for h in header}
        acled = {"event_id_cnty", "event_date"} <= columns or {
            "event_date",
            "sub_event_type",
        } <= columns
        result = (
            _read_acled(path, data, progress, area)
            if acled
            else _read_plain(path, data, gazetteer, progress, area)
        )
    if result.read == 0:
        what = "features" if result.format == "geojson" else "rows below the header"
        result.notices.append(f"{path}: the file has no {what}; nothing was imported from it")
    elif not len(result.table):
        first = result.rejected[0]
        msg = (
            f"none of its {result.read:,} rows could be used "
            f"(row {first.row}, field {first.field!r}: {first.message}"
            + (
                f"; and {len(result.rejected) - 1:,} more bad rows"
                if len(result.rejected) > 1
                else ""
            )
            + ")"
        )
        raise InputError(msg, file=str(path))
    return result


def _kinds(values: pd.Series) -> pd.Series:
    """A user's event kinds in the project's form (``Peaceful protest`` -> ``peaceful_protest``);
    blank ones become ``report``."""
    kind = values.fillna("").astype(str).str.strip().str.lower()
    kind = kind.str.replace(r"[\s/-]+", "_", regex=True)
    return kind.where(kind != "", "report")


def _ids(values: pd.Series, path: Path, rows: pd.Series) -> pd.Series:
    """The rows' own ids, or ``FILE-STEM:ROW`` where a row has none."""
    if values.dtype == "str" and not values.hasnans:  # a CSV's column: already that (no copy)
        ids = values
    else:  # (through Python objects: 0.05 s for 200,000 ids here)
        ids = values.astype("object").where(values.notna(), "").astype(str)
    blank = (ids.str.strip() == "").to_numpy(dtype=bool)
    if blank.any():  # only those rows get a made-up id
        ids = ids.astype(object)
        ids[blank] = path.stem + ":" + rows[blank].astype(str)
    return ids


def _require(path: Path, frame: pd.DataFrame, names: tuple[str, ...]) -> None:
    missing = [n for n in names if n not in frame.columns]
    if missing:
        have = ", ".join(c for c in frame.columns if c != "_row")
        msg = f"missing required column(s) {', '.join(missing)} (found: {have})"
        raise InputError(msg, file=str(path), row=1)


def _good_rows(table: pd.DataFrame, good: np.ndarray) -> pd.DataFrame:
    """The rows that passed the checks, numbered from 0; a clean file's table is not copied.

    Each column is filtered by the mask on its own: 0.06 to 0.2 s for the 19 columns of 200,000
    ACLED rows here, where the frame's own filter (a ``take`` of every Arrow column) took 0.3 to
    0.5 s for the table's 30.
    """
    if good.all():
        return table.reset_index(drop=True)
    columns = {name: table[name][good].reset_index(drop=True) for name in table.columns}
    return pd.DataFrame(columns, columns=table.columns)


def _mapped(values: pd.Series, mapping: Mapping[str, Any], *, strip: bool = False) -> pd.Series:
    """``values.map(mapping)`` (of the stripped text, with ``strip``), looking each distinct value
    up once (a column of 200,000 ACLED codes: 0.04 s -> 0.005 s here)."""
    return _each_distinct(values, lambda u: u.map(mapping), strip=strip)


def _each_distinct(
    values: pd.Series, func: Callable[[pd.Series], pd.Series], *, strip: bool = False
) -> pd.Series:
    """``func`` of ``values`` (as text, stripped, with ``strip``), worked out on the distinct values
    only: stripping all 200,000 ACLED rows' codes, and writing a note for each, cost 0.03 s here."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(uniques)
    if strip:
        distinct = distinct.astype(str).str.strip()
    out = func(distinct)
    return pd.Series(out.array.take(codes, allow_fill=True), index=values.index, name=values.name)


def _read_acled(
    path: Path, data: bytes, progress: Callable[[str], None] | None, area: Area
) -> ImportResult:
    wanted = {*ACLED_FIELDS, *ACLED_REQUIRED}
    frame, rejected = read_csv(path, data, progress, usecols=lambda c: c.strip().lower() in wanted)
    _require(path, frame, ACLED_REQUIRED)
    check = Checker(path, frame)
    check.rejected.extend(rejected)
    date, precision = parse_dates(frame["event_date"])
    raw_dates = frame["event_date"]
    check.reject(
        date.isna().to_numpy(),
        "event_date",
        lambda i: f"{raw_dates.iloc[i]!r} is not a date (use 2020-07-14 or 14 July 2020)",
    )
    lon, lat = check_coordinates(
        check, frame["latitude"], frame["longitude"], required=True, area=area
    )
    tp = frame.get("time_precision", pd.Series("1", index=frame.index))
    gp = frame.get("geo_precision", pd.Series("", index=frame.index))
    ids = _ids(frame.get("event_id_cnty", pd.Series("", index=frame.index)), path, frame["_row"])
    kind = _mapped(frame["event_type"], ACLED_KIND).fillna("report")
    # The columns made here are made for every row (their types then do not depend on which rows
    # are good) and kept for the good ones; the file's own columns are filtered once, though some
    # are kept twice (``notes`` is also ``description``).
    good = check.good
    raw = _good_rows(frame, good)

    def kept(values: pd.Series) -> pd.Series:
        return _good_rows(values.to_frame(), good).iloc[:, 0]

    def given(name: str) -> pd.Series:
        return raw[name] if name in raw.columns else pd.Series(pd.NA, index=raw.index)

    table = pd.DataFrame(
        {
            "id": kept(ids),
            "origin": path.name,
            "date": kept(date),
            "date_precision": kept(_mapped(tp, ACLED_DATE_PRECISION, strip=True).fillna(precision)),
            "kind": kept(kind),
            "outcome": given("sub_event_type"),
            "description": given("notes"),
            "sources": given("source"),
            "places": pd.NA,
            "place_names": given("location"),
            "uncertainty_m": kept(
                _mapped(gp, ACLED_UNCERTAINTY_M, strip=True)
                .fillna(ACLED_UNCERTAINTY_M["2"])
                .astype(float)
            ),
            "location_note": kept(
                _each_distinct(
                    gp, lambda u: "ACLED geo_precision " + u.where(u != "", "unknown"), strip=True
                )
            ),
            "lon": lon[good],
            "lat": lat[good],
        },
        index=raw.index,
    )
    for name in ACLED_FIELDS:
        table[name] = raw[name] if name in raw.columns else pd.NA
    table["fatalities"] = pd.Series(as_numbers(table["fatalities"]), index=table.index).astype(
        "Int64"
    )
    return ImportResult(str(path), "acled", len(frame) + len(rejected), table, check.rejected)


def _plain_column(frame: pd.DataFrame, name: str) -> str | None:
    for alias in PLAIN_ALIASES[name]:
        if alias in frame.columns:
            return alias
    return None


def _read_plain(
    path: Path,
    data: bytes,
    gazetteer: Gazetteer,
    progress: Callable[[str], None] | None,
    area: Area,
) -> ImportResult:
    frame, rejected = read_csv(path, data, progress)
    cols = {name: _plain_column(frame, name) for name in PLAIN_ALIASES}
    if cols["date"] is None or not (cols["place"] or (cols["latitude"] and cols["longitude"])):
        have = ", ".join(c for c in frame.columns if c != "_row")
        msg = f"needs a date column and either latitude and longitude or a place column (found: {have})"
        raise InputError(msg, file=str(path), row=1)
    check = Checker(path, frame)
    check.rejected.extend(rejected)

    def col(name: str) -> pd.Series:
        return frame[cols[name]] if cols[name] else pd.Series("", index=frame.index)

    date, precision = parse_dates(col("date"))
    raw_dates = col("date")
    check.reject(
        date.isna().to_numpy(),
        cols["date"],
        lambda i: f"{raw_dates.iloc[i]!r} is not a date (use YYYY-MM-DD)",
    )
    has_xy = bool(cols["latitude"] and cols["longitude"])
    lat_text = col("latitude") if has_xy else pd.Series("", index=frame.index)
    lon_text = col("longitude") if has_xy else pd.Series("", index=frame.index)
    lon, lat = check_coordinates(check, lat_text, lon_text, required=not cols["place"], area=area)
    places = col("place").fillna("").astype(str).str.strip()
    place_ids = pd.Series(pd.NA, index=frame.index, dtype="object")
    uncertainty = np.full(len(frame), PLAIN_DEFAULT_UNCERTAINTY_M)
    need_place = np.isnan(lon) | np.isnan(lat)
    for i in np.flatnonzero(need_place & check.good):
        name = places.iloc[i]
        if not name:
            check.reject(
                np.eye(1, len(frame), i, dtype=bool)[0],
                cols["place"] or "place",
                lambda _: "no coordinates and no place name",
            )
            continue
        try:
            found = gazetteer.find(name)
        except UnknownPlaceError as exc:
            message = str(exc).split(": ", 1)[-1]
            check.reject(
                np.eye(1, len(frame), i, dtype=bool)[0],
                cols["place"] or "place",
                lambda _, m=message: m,
            )
            continue
        lon[i], lat[i] = found.lon, found.lat
        place_ids.iloc[i] = found.id
        uncertainty[i] = found.uncertainty_m
    kind = _kinds(col("kind"))
    ids = _ids(col("id"), path, frame["_row"])
    table = pd.DataFrame(
        {
            "id": ids,
            "origin": path.name,
            "date": date,
            "date_precision": precision,
            "kind": kind,
            "outcome": pd.NA,
            "description": col("description"),
            "sources": col("source"),
            "places": place_ids,
            "place_names": places.where(places != "", pd.NA),
            "uncertainty_m": uncertainty,
            "location_note": np.where(
                need_place, "position of the named place", "coordinates as given"
            ),
            "lon": lon,
            "lat": lat,
        }
    )
    return ImportResult(
        str(path),
        "csv",
        len(frame) + len(rejected),
        _good_rows(table, check.good),
        check.rejected,
    )


_GEOJSON_COLUMNS = (
    "_row",
    "date",
    "latitude",
    "longitude",
    "kind",
    "description",
    "source",
    "id",
    "geometry_type",
)


def _read_geojson(path: Path, text: str, area: Area) -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        raise InputError(msg, file=str(path)) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise InputError("expected a GeoJSON FeatureCollection", file=str(path))
    rows = []
    for n, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        geom = (feature or {}).get("geometry") or {}
        coords = geom.get("coordinates") if geom.get("type") == "Point" else None
        lon_v, lat_v = coords[:2] if isinstance(coords, list) and len(coords) >= 2 else ("", "")
        rows.append(
            {
                "_row": n,
                "date": str(props.get("date", props.get("event_date", "")) or ""),
                "latitude": "" if lat_v is None else str(lat_v),
                "longitude": "" if lon_v is None else str(lon_v),
                "kind": str(props.get("kind", props.get("event_type", "")) or ""),
                "description": props.get("description", props.get("notes")),
                "source": props.get("source", props.get("sources")),
                "id": props.get("id"),
                "geometry_type": geom.get("type"),
            }
        )
    frame = pd.DataFrame(rows, columns=list(_GEOJSON_COLUMNS))
    check = Checker(path, frame)
    check.reject(
        (frame["geometry_type"] != "Point").to_numpy(),
        "geometry",
        lambda i: f"expected a Point, found {frame['geometry_type'].iloc[i]}",
    )
    date, precision = parse_dates(frame["date"])
    check.reject(
        date.isna().to_numpy(),
        "date",
        lambda i: f"{frame['date'].iloc[i]!r} is not a date (use YYYY-MM-DD)",
    )
    lon, lat = check_coordinates(
        check, frame["latitude"], frame["longitude"], required=True, area=area
    )
    kind = _kinds(frame["kind"])
    ids = _ids(frame["id"], path, frame["_row"])
    table = pd.DataFrame(
        {
            "id": ids,
            "origin": path.name,
            "date": date,
            "date_precision": precision,
            "kind": kind,
            "outcome": pd.NA,
            "description": frame["description"],
            "sources": frame["source"].map(
                lambda v: (
                    v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                )
            ),
            "places": pd.NA,
            "place_names": pd.NA,
            "uncertainty_m": PLAIN_DEFAULT_UNCERTAINTY_M,
            "location_note": "coordinates as given",
            "lon": lon,
            "lat": lat,
        }
    )
    return ImportResult(
        str(path), "geojson", len(frame), _good_rows(table, check.good), check.rejected
    )
