"""Imported events and settlements in ``corridor.kmz``: thousands of placemarks, built a column at a
time with lxml.

Through fastkml objects (how the KMZ was first written) the imported rows cost about 90 µs a
placemark to build and 60 µs to write (5 s of CPU for the 20,000 of a 200k-row ACLED import,
measured on this machine). Here the same KML elements are made with lxml, the XML library fastkml
itself writes with, and every distinct value is escaped once: about 10 µs a placemark. The elements
join the document's tree (``kml.kml_bytes``, lxml too), and the tests check the whole file against
OGC's KML 2.2 schema (fastkml's validator) and open it in QGIS.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from corridor.export.kml_elements import DECIMALS, is_missing, kml_time, safe_name
from corridor.webmap.convert import date_label, point_xy
from corridor.webmap.events import IMPORTED_TEXT_CHARS
from corridor.webmap.safe import inert

KML = "{http://www.opengis.net/kml/2.2}"


def _escaped(values: pd.Series, key: str = "") -> list[str]:
    """``key + inert(value)`` of each value ("" when the escaped value is empty or missing),
    each distinct value escaped once."""
    # Text columns are factorized as they are (Arrow's own hashing), and only their distinct
    # values become Python strings (place, sources and kind of 20,000 rows: 0.012 s -> 0.005 s
    # here, against converting every row first).
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype(object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array(
        [key + text if (text := inert(u)) else "" for u in uniques.tolist()] + [""], dtype=object
    )
    return table[codes].tolist()


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    return rows[name] if name in rows else pd.Series([None] * len(rows), index=rows.index)


def _times(rows: pd.DataFrame, kinds: pd.Series) -> tuple[list[Any], list[str], list[str]]:
    """Per row: the KML time (``(when,)``, ``(begin, end)`` or None), the description's date
    line (escaped) and the placemark's name. Each distinct (date, precision) is dated once and
    each distinct (dating, kind) named once (2,200 and about 4,000 of 20,000 rows from a 200k-row
    ACLED import: 0.14 s -> 0.06 s here, against dating every distinct (date, precision, kind))."""
    date = _column(rows, "date").astype(object)
    precision = _column(rows, "date_precision").astype(object)
    when_codes, when_first = _pairs(date, precision)
    times, labels = [], []
    dates, precisions = date.tolist(), precision.tolist()
    for i in when_first.tolist():
        d = None if is_missing(dates[i]) else dates[i]
        p = None if is_missing(precisions[i]) else precisions[i]
        t = kml_time(d, p)
        if t is None:
            times.append(None)
        elif hasattr(t, "timestamp"):
            times.append((str(t.timestamp),))
        else:
            times.append((str(t.begin), str(t.end)))
        labels.append(date_label(d, p))
    # Named per distinct (dating, kind): the label follows from the dating, so the names are the
    # same as per distinct (label, kind), and integer codes pair faster than the labels' text.
    name_codes, name_first = _pairs(pd.Series(when_codes), kinds)
    kind_list = kinds.tolist()
    names = [safe_name(f"{labels[when_codes[i]]} · {kind_list[i]}") for i in name_first.tolist()]
    escaped = ["<b>Date</b>: " + text if (text := inert(label)) else "" for label in labels]
    return _take(times, when_codes), _take(escaped, when_codes), _take(names, name_codes)


def _take(table: list[Any], codes: np.ndarray) -> list[Any]:
    """``[table[c] for c in codes]``, indexed by numpy (20,000 rows: 1.5 ms -> 0.6 ms here)."""
    values = np.empty(len(table), dtype=object)
    for i, value in enumerate(table):  # item by item, so that tuples stay whole
        values[i] = value
    return values[codes].tolist()


def _pairs(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's number among the distinct (a, b) pairs, and the first row of each pair."""
    combined = np.zeros(len(a), dtype=np.int64)
    for column in (a, b):
        part, uniques = pd.factorize(column, use_na_sentinel=True)
        combined = combined * (len(uniques) + 1) + (part + 1)
    codes, _ = pd.factorize(combined)
    first = np.empty(int(codes.max()) + 1 if codes.size else 0, dtype=np.intp)
    first[codes[::-1]] = np.arange(codes.size - 1, -1, -1)
    return codes, first


def _shortened(values: pd.Series) -> list[str]:
    """Each text cut to :data:`IMPORTED_TEXT_CHARS` characters (then "…") and escaped, one row at
    a time: nearly every description is its own (0.04 s -> 0.03 s for 20,000 rows against
    pandas' string methods and a shared escape table, measured here)."""
    cut = IMPORTED_TEXT_CHARS
    out = []
    for value in values.tolist():
        if is_missing(value):
            out.append("")
            continue
        text = str(value)
        out.append(inert(text[:cut] + "…" if len(text) > cut else text))
    return out


def _joined(lines: list[list[str]]) -> list[str]:
    """Per row, its non-empty lines (one list per line, each with its key) joined by ``<br>``.

    ``filter`` drops the empty ones in C: 7 lines of 20,000 rows in 0.02 s, against 0.05 s with a
    generator that adds each key to its value per row (measured here).
    """
    return ["<br>".join(filter(None, row)) for row in zip(*lines, strict=True)]


def _coordinates(rows: pd.DataFrame) -> list[str]:
    """Each row's ``lon,lat`` text; each distinct point formatted once (an event file repeats its
    places: the 20,000 imported rows of a 200k-row ACLED file hold 2,291 points, 0.027 s ->
    0.018 s here)."""
    lon, lat = (np.round(v, DECIMALS) for v in point_xy(rows.geometry))
    codes, first = _pairs(pd.Series(lon), pd.Series(lat))
    text = [
        f"{x:.{DECIMALS}f},{y:.{DECIMALS}f}"
        for x, y in zip(lon[first].tolist(), lat[first].tolist(), strict=True)
    ]
    return [text[c] for c in codes.tolist()]


def _template(time_tags: tuple[str, ...]) -> etree._Element:
    """An empty imported placemark; copying it is about twice as fast as building one."""
    sub = etree.SubElement
    mark = etree.Element(KML + "Placemark")
    sub(mark, KML + "name")
    sub(mark, KML + "description")
    if time_tags:
        primitive = sub(mark, KML + ("TimeStamp" if len(time_tags) == 1 else "TimeSpan"))
        for tag in time_tags:
            sub(primitive, KML + tag)
    sub(mark, KML + "styleUrl").text = "#ev_imported"
    sub(sub(mark, KML + "Point"), KML + "coordinates")
    return mark


_TEMPLATES = {0: _template(()), 1: _template(("when",)), 2: _template(("begin", "end"))}


def imported_placemarks(rows: pd.DataFrame) -> list[etree._Element]:
    """KML ``Placemark`` elements of imported rows (dated points, escaped descriptions).

    Parameters
    ----------
    rows
        Imported events (a slice of the events layer) with point geometries.

    Returns
    -------
    list
        One lxml element per row, in order: name, description, TimeStamp or TimeSpan, the
        ``#ev_imported`` style, the point.
    """
    n = len(rows)
    if not n:
        return []
    kind = _column(rows, "kind").astype(object).where(_column(rows, "kind").notna(), "")
    kind_words = kind.astype(str).str.replace("_", " ", regex=False)
    times, labels, names = _times(rows, kind_words)
    descriptions = _joined(
        [
            labels,
            _escaped(kind_words, "<b>Kind</b>: "),
            _escaped(_column(rows, "place_names"), "<b>Where</b>: "),
            _escaped(
                _column(rows, "chainage_km").astype("Float64").round(1).astype(object),
                "<b>Km along the M4</b>: ",
            ),
            _escaped(
                _column(rows, "in_corridor").map({True: "yes", False: "no"}),
                "<b>In the corridor</b>: ",
            ),
            _shortened(_column(rows, "description")),
            _escaped(_column(rows, "sources"), "<b>Sources</b>: "),
        ]
    )
    coords = _coordinates(rows)
    marks = []
    append = marks.append
    undated, stamp, span = _TEMPLATES[0], _TEMPLATES[1], _TEMPLATES[2]
    # lxml's own copy is deep; copy.deepcopy adds Python's memo bookkeeping around it (0.33 s ->
    # 0.09 s for 20,000 placemarks here).
    for name, description, when, point in zip(names, descriptions, times, coords, strict=True):
        if when is None:
            mark = undated.__copy__()
        elif len(when) == 1:
            mark = stamp.__copy__()
            mark[2][0].text = when[0]
        else:
            mark = span.__copy__()
            period = mark[2]
            period[0].text, period[1].text = when
        mark[0].text = name
        mark[1].text = description
        mark[-1][0].text = point
        append(mark)
    return marks


def settlement_placemarks(frame: pd.DataFrame) -> list[etree._Element]:
    """KML ``Placemark`` elements of the settlements layer: name, escaped description, point.

    Through fastkml the 1,955 settlements of the default build cost 0.5 s of CPU; here 0.03 s.

    Parameters
    ----------
    frame
        The settlements layer (``geo.settlements``) with point geometries.

    Returns
    -------
    list
        One lxml element per settlement with a geometry, in order, styled ``#settlement``.
    """
    rows = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if not len(rows):
        return []
    names = [safe_name(n) for n in _column(rows, "name").tolist()]
    descriptions = _joined(
        [
            _escaped(_column(rows, key), f"<b>{key.replace('_', ' ').capitalize()}</b>: ")
            for key in ("name_ar", "source", "licence")
        ]
    )
    lon = np.round(rows.geometry.x.to_numpy(dtype=float), DECIMALS)
    lat = np.round(rows.geometry.y.to_numpy(dtype=float), DECIMALS)
    template = etree.Element(KML + "Placemark")
    for tag in ("name", "description"):
        etree.SubElement(template, KML + tag)
    etree.SubElement(template, KML + "styleUrl").text = "#settlement"
    etree.SubElement(etree.SubElement(template, KML + "Point"), KML + "coordinates")
    marks = []
    for i, (x, y) in enumerate(zip(lon.tolist(), lat.tolist(), strict=True)):
        mark = template.__copy__()
        mark[0].text = names[i]
        mark[1].text = descriptions[i]
        mark[-1][0].text = f"{x:.{DECIMALS}f},{y:.{DECIMALS}f}"
        marks.append(mark)
    return marks
