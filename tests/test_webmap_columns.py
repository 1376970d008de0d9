"""The column helpers the map and the KMZ draw imported events with: same values as the plain
pandas and geopandas forms they replace."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from corridor.webmap.convert import point_xy
from corridor.webmap.events import _floats, _ints, catalogue_events
from corridor.webmap.page import script_json


def test_point_xy_matches_geoseries_x_and_y_with_missing_and_empty_points():
    points = gpd.GeoSeries([Point(36.1, 35.9), None, Point(), Point(-0.5, 2.25)])
    x, y = point_xy(points)
    np.testing.assert_array_equal(x, points.x.to_numpy(dtype=float))
    np.testing.assert_array_equal(y, points.y.to_numpy(dtype=float))
    assert np.isnan(x[1]) and np.isnan(y[2]) and x[3] == -0.5


def test_point_xy_refuses_other_geometries_as_geopandas_does():
    mixed = gpd.GeoSeries([Point(0, 0), LineString([(0, 0), (1, 1)])])
    with pytest.raises(ValueError, match="Point geometries"):
        point_xy(mixed)
    with pytest.raises(ValueError, match="Point geometries"):
        _ = mixed.x


def test_number_lists_keep_none_for_missing_and_truncate_like_int():
    values = pd.Series([1.26, None, -2.75, 3.0], dtype="Float64")
    assert _floats(values, 1) == [1.3, None, -2.8, 3.0]
    assert _floats(pd.Series([0.5, 1.5]), 0) == [0.0, 2.0]  # numpy's rounding, as before
    numbers = pd.to_numeric(values).astype("float64").to_numpy()
    assert _ints(numbers, None) == [1, None, -2, 3]
    assert _ints(numbers, 0) == [1, 0, -2, 3]
    assert all(type(v) is int for v in _ints(numbers, 0))
    with pytest.raises(OverflowError):  # as int(float("inf")) does
        _ints(np.array([np.inf]), None)


def _events(origins: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"origin": origins, "n": range(len(origins))}, index=range(10, 10 + len(origins))
    )


@pytest.mark.parametrize(
    "origins",
    [
        ["catalogue", "catalogue", "a.csv", "a.csv"],
        ["a.csv", "catalogue", "a.csv", "catalogue"],  # not one run: selected by mask
        ["a.csv", "a.csv"],
        [],
    ],
)
def test_catalogue_events_are_the_rows_a_mask_selects(origins):
    events = _events(origins)
    expected = events[events["origin"] == "catalogue"]
    pd.testing.assert_frame_equal(catalogue_events(events), expected)


def test_script_json_escapes_braces_inside_strings_only():
    value = {"a{": ["}{", "plain", 'q"{x}"', "\\{"], "b": {"c": "{{ 7*7 }}"}, "d": []}
    text = script_json(value)
    assert json.loads(text) == value
    # Only the structural braces of the two objects remain.
    assert text.count("{") == 2 and text.count("}") == 2
    assert "\\u007b\\u007b 7*7 \\u007d\\u007d" in text
