"""events.csv (Excel: UTF-8 with BOM, formulas guarded) and events.parquet (GeoParquet): every event."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import corridor
from corridor.export.tables import FORMULA_GUARD, events_csv_bytes, guard_formulas
from test_webmap import write_hostile

ARABIC = "سراقب"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables")
    texts = [
        f"{ARABIC} <b>x</b>",
        '=HYPERLINK("http://evil.example","click")',
        "+1",
        "-2",
        "@SUM(A1)",
        "plain",
    ]
    result = corridor.build(folder / "out", events=[write_hostile(folder / "rows.csv", texts)])
    return folder / "out", result, texts


def _read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return raw, pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_csv_has_every_event_and_column(built):
    out, result, _ = built
    raw, table = _read_csv(out / "events.csv")
    events = result.events
    assert list(table.columns) == [c for c in events.columns if c != "geometry"] + [
        "longitude",
        "latitude",
    ]
    assert list(table["id"]) == list(events["id"])
    assert b"\r\n" in raw and raw.count(b"\r\n") >= len(events) + 1
    np.testing.assert_allclose(table["longitude"].astype(float), events.geometry.x, atol=1e-7)
    np.testing.assert_allclose(table["latitude"].astype(float), events.geometry.y, atol=1e-7)
    assert ARABIC in " ".join(table["description"])


def _unguard(cell: str) -> str:
    """What a reader does to get the original text back."""
    if cell[:1] == FORMULA_GUARD and cell[1:2] and cell[1:2] in "=+-@\t\r":
        return cell[1:]
    return cell


def test_csv_values_round_trip(built):
    out, result, _ = built
    _, table = _read_csv(out / "events.csv")
    events = result.events
    for column in ("date", "kind", "outcome", "side", "sources", "place_names"):
        want = events[column].astype(object).where(events[column].notna(), "").astype(str)
        got = table[column].where(~table[column].str.startswith(FORMULA_GUARD + "="), table[column])
        got = got.map(
            lambda v: v[1:] if v[:1] == FORMULA_GUARD and v[1:2] in "=+-@\t\r" and v[1:2] else v
        )
        assert list(got) == list(want), column
    assert list(table["in_corridor"].str.lower()) == [str(v).lower() for v in events["in_corridor"]]
    np.testing.assert_allclose(
        table["border_km"].replace("", np.nan).astype(float),
        events["border_km"].astype(float),
        equal_nan=True,
    )


def test_formula_like_text_is_guarded(built):
    out, _, texts = built
    _, table = _read_csv(out / "events.csv")
    descriptions = set(table["description"])
    for text in texts:
        if text[0] in "=+-@":
            assert FORMULA_GUARD + text in descriptions and text not in descriptions, text
        else:
            assert text in descriptions
    series = pd.Series(["=1", None, "ok", "\tx"], dtype=object)
    assert list(guard_formulas(series)) == ["'=1", None, "ok", "'\tx"]


def test_parquet_is_geoparquet_with_every_event(built):
    out, result, _ = built
    frame = gpd.read_parquet(out / "events.parquet")
    events = result.events
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == list(events.columns)
    assert list(frame["id"]) == list(events["id"])
    assert frame.geometry.geom_equals(events.geometry.reset_index(drop=True)).all()
    for column in events.columns:
        if column == "geometry":
            continue
        a = events[column].astype(object).where(events[column].notna(), None).tolist()
        b = frame[column].astype(object).where(frame[column].notna(), None).tolist()
        assert a == b, column
    geo = json.loads(pq.read_metadata(out / "events.parquet").metadata[b"geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"


def test_tables_are_deterministic(built, tmp_path):
    out, result, texts = built
    again = corridor.build(tmp_path / "again", events=[write_hostile(tmp_path / "rows.csv", texts)])
    for name in ("events.csv", "events.parquet"):
        assert (out / name).read_bytes() == (again.out_dir / name).read_bytes(), name
    assert events_csv_bytes(result.events) == (out / "events.csv").read_bytes()


def test_parquet_is_what_geopandas_writes(built, tmp_path):
    # events.parquet is written from the shared Arrow table (tables.events_arrow): the same bytes as
    # geopandas' own to_parquet, so that a geopandas upgrade changing its conversion shows here.
    out, result, _ = built
    result.events.to_parquet(tmp_path / "x.parquet", index=False, compression="zstd")
    assert (tmp_path / "x.parquet").read_bytes() == (out / "events.parquet").read_bytes()


def _points_frame(shared: bool) -> gpd.GeoDataFrame:
    """Points (shared objects, as tagged events have, or not), an empty point and a missing one."""
    from shapely.geometry import Point

    places = [Point(36.6, 35.8), Point(-0.0, 89.5), Point(36.123456789, 35.987654321)]
    points = [places[i % 3] if shared else Point(places[i % 3].coords[0]) for i in range(30)]
    points += [Point(), None]
    return gpd.GeoDataFrame(
        {"id": [f"e{i}" for i in range(len(points))], "n": np.arange(len(points), dtype=float)},
        geometry=points,
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("shared", [True, False])
def test_events_arrow_is_geopandas_conversion(shared):
    from geopandas.io.arrow import _geopandas_to_arrow

    from corridor.export.tables import events_arrow

    frame = _points_frame(shared)
    frame.attrs["note"] = "kept"
    ours, theirs = events_arrow(frame), _geopandas_to_arrow(frame, index=False)
    assert ours.equals(theirs)
    assert ours.schema.equals(theirs.schema, check_metadata=True)
    assert ours.schema.field("geometry").metadata == theirs.schema.field("geometry").metadata


def test_csv_coordinates_match_geopandas():
    from shapely.geometry import LineString

    from corridor.export.geojson import COORD_DECIMALS
    from corridor.export.tables import _csv_table, events_arrow

    frame = _points_frame(shared=True)
    table = _csv_table(frame, events_arrow(frame))
    lon, lat = (table.column(n).to_numpy(zero_copy_only=False) for n in ("longitude", "latitude"))
    assert np.isnan(lon[-2:]).all() and np.isnan(lat[-2:]).all()  # the empty and the missing point
    np.testing.assert_array_equal(
        lon[:-2], np.round(frame.geometry.x[:-2].to_numpy(), COORD_DECIMALS)
    )
    np.testing.assert_array_equal(
        lat[:-2], np.round(frame.geometry.y[:-2].to_numpy(), COORD_DECIMALS)
    )
    assert str(lon[1]) == "-0.0"  # the point's own value, sign and all
    # Anything but points is refused, as geopandas' .x refuses it.
    lines = frame.set_geometry([LineString([(0, 0), (1, 1)])] * len(frame), crs="EPSG:4326")
    with pytest.raises(ValueError, match="Point"):
        _csv_table(lines, events_arrow(lines))
