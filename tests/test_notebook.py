"""The notebook runs top to bottom in a fresh kernel without the network, and is committed clean."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import geopandas as gpd
import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from shapely.geometry import Point

import corridor
from corridor.geo.projection import lonlat_to_xy, to_metric

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "corridor.ipynb"
EXAMPLE = ROOT / "notebooks" / "data" / "acled_example.csv"
SCRIPT = ROOT / "scripts" / "make_example_acled.py"

# Run first in the kernel: any Python-level connection (urllib, requests, a tile fetch) then fails the
# cell. The kernel's own messaging goes through libzmq, not Python sockets, so it is unaffected.
OFFLINE_CELL_ID = "test-offline-guard"
OFFLINE_SOURCE = """
import socket

def _no_network(*args, **kwargs):
    raise OSError("the notebook tried to use the network")

socket.socket.connect = _no_network
socket.socket.connect_ex = _no_network
socket.create_connection = _no_network
socket.getaddrinfo = _no_network
"""


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(OFFLINE_SOURCE, id=OFFLINE_CELL_ID))
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on the first error
    return {cell.id: cell for cell in nb.cells if cell.cell_type == "code"}


def outputs(cell, mime: str) -> list[str]:
    """The ``mime`` parts of a cell's display outputs."""
    return [o["data"][mime] for o in cell.outputs if mime in o.get("data", {})]


def stdout(cell) -> str:
    return "".join(o["text"] for o in cell.outputs if o.get("name") == "stdout")


@pytest.mark.slow
def test_every_cell_runs_and_none_writes_to_stderr(executed):
    for cell_id, cell in executed.items():
        assert all(o["output_type"] != "error" for o in cell.outputs), cell_id
        # A warning (deprecated call, misplaced tick labels, a font fallback) is a defect to fix.
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell_id


@pytest.mark.slow
def test_every_plot_is_drawn(executed):
    for cell_id in ("map", "profile-plot", "monthly", "patrols-plot", "acled-map"):
        assert len(outputs(executed[cell_id], "image/png")) == 1, cell_id


@pytest.mark.slow
def test_corridor_table_shows_both_halves(executed):
    (html,) = outputs(executed["corridor"], "text/html")
    expected = corridor.load().corridor
    assert list(expected.side) == ["north", "south"]  # the halves only: their areas add up
    for side, area in zip(expected.side, expected.area_km2, strict=True):
        assert f"<td>{side}</td>" in html
        assert f"{area:.3f}" in html


def importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


@pytest.mark.slow
def test_interactive_maps_are_rendered(executed):
    explore = executed["explore"]
    if importable("mapclassify"):
        (html,) = outputs(explore, "text/html")
        assert "leaflet" in html.lower()
    else:
        # geopandas' optional dependency is missing: the notebook says so instead of failing.
        assert "No .explore() map" in stdout(explore)
        assert not outputs(explore, "text/html")
    (html,) = outputs(executed["webmap"], "text/html")
    assert "leaflet" in html.lower()


@pytest.mark.slow
def test_in_corridor_count_is_what_the_polygons_contain(executed):
    """The count the notebook prints agrees with a plain point-in-polygon test on the raw file."""
    raw = pd.read_csv(EXAMPLE)
    points = gpd.GeoSeries(gpd.points_from_xy(raw.longitude, raw.latitude), crs="EPSG:4326")
    layers = corridor.load()
    halves = layers.corridor.set_index("side").geometry
    inside = int(points.within(layers.corridor_union.geometry.iloc[0]).sum())
    north = int(points.within(halves["north"]).sum())
    assert 0 < north < inside  # the example must have something on each side to show
    kept = len(raw) - len(corridor.load(events=[EXAMPLE]).rejected)
    assert f"{inside} of {kept} imported events fall inside the corridor." in stdout(
        executed["acled-inside"]
    )


def raw_days(raw: pd.DataFrame) -> pd.Series:
    """ACLED's two date styles, ``2022-10-28`` and ``28 October 2022``."""
    iso = pd.to_datetime(raw.event_date, format="%Y-%m-%d", errors="coerce")
    return iso.fillna(pd.to_datetime(raw.event_date, format="%d %B %Y", errors="coerce"))


def inside_while_in_force(raw: pd.DataFrame) -> pd.Series:
    """From the raw file, without the library's tagging: the whole uncertainty circle inside the
    corridor (drawn with shapely), and the whole date span within the period of arrangement.json."""
    union = to_metric(corridor.load().corridor_union.geometry.iloc[0])
    x, y = lonlat_to_xy(raw.longitude.to_numpy(), raw.latitude.to_numpy())
    radius = raw.geo_precision.map({1: 2_000, 2: 10_000, 3: 25_000}).to_numpy()
    whole = [union.contains(Point(a, b).buffer(r)) for a, b, r in zip(x, y, radius, strict=True)]
    day = raw_days(raw)
    month = day.dt.to_period("M")
    first = day.where(raw.time_precision == 1, day - pd.Timedelta(days=6))
    first = first.where(raw.time_precision != 3, month.dt.start_time)
    last = day.where(raw.time_precision == 1, day + pd.Timedelta(days=6))
    last = last.where(raw.time_precision != 3, month.dt.end_time.dt.normalize())
    period = json.loads((ROOT / "geodata" / "arrangement.json").read_text(encoding="utf-8"))
    forced = (first >= period["start"]) & (last < period["end"])
    return pd.Series(whole, index=raw.index) & forced


@pytest.mark.slow
def test_inside_while_in_force_is_answered(executed):
    raw = pd.read_csv(EXAMPLE)
    expected = inside_while_in_force(raw)
    assert 0 < expected.sum() < (raw_days(raw).dt.year > 2019).sum()
    printed = re.search(
        r"while it was in force \((.+?)\): (\d+); possibly inside: (\d+)\.",
        stdout(executed["acled-inside"]),
    )
    assert printed is not None
    assert printed.group(1) == "5 March 2020 – 7 December 2024"
    assert int(printed.group(2)) == int(expected.sum())
    membership_table, answer_table = outputs(executed["acled-inside"], "text/html")
    assert "possibly" in membership_table and "not in force" in membership_table
    # The answer's totals row ends with the grand total: the same count.
    assert re.search(
        rf"<th>all</th>(\s*<td>\d+</td>)*\s*<td>{int(expected.sum())}</td>\s*</tr>\s*</tbody>",
        answer_table,
    )


@pytest.mark.slow
def test_nearest_to_the_border_table_lists_the_inside_events(executed):
    html = outputs(executed["acled-border"], "text/html")[-1]
    layers = corridor.load(events=[EXAMPLE])
    events = layers.events
    inside = events[
        (events.origin == EXAMPLE.name)
        & events.corridor_membership.eq("inside")
        & events.in_force.eq(True)
    ]
    distance = dict(zip(inside.event_id_cnty, inside.border_km.astype(float), strict=True))
    # Rows sharing a location tie on distance, so compare distances rather than ids.
    listed = re.findall(r"<td>(SYN\d+)</td>", html)
    assert len(listed) == min(10, len(inside)) > 0
    shown = [distance[event_id] for event_id in listed]  # a KeyError: an event not in the answer
    assert shown == sorted(inside.border_km.astype(float))[: len(listed)]  # nearest first


def test_committed_notebook_has_no_outputs_and_minimal_metadata():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [], cell.id
        assert cell.execution_count is None, cell.id
        assert cell.metadata == {}, cell.id
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    # No absolute paths from someone's machine leak into the committed file.
    assert "/work/" not in json.dumps(nb)


def test_example_acled_file_is_what_the_script_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_example_acled", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.make_example(tmp_path / "acled.csv")
    assert written.read_bytes() == EXAMPLE.read_bytes()


def test_example_acled_file_is_mostly_around_the_corridor():
    layers = corridor.load(events=[EXAMPLE])
    imported = layers.events[layers.events.origin == EXAMPLE.name]
    # A few random points fall in the sea north of Latakia; swapped, they land by the road in
    # Syria, so the reader sets them aside as swapped. Every other row is kept.
    rejected = layers.rejected
    assert 0 < len(rejected) < 15
    assert len(imported) + len(rejected) == 300
    assert rejected.message.str.contains("look swapped").all()
    raw = pd.read_csv(EXAMPLE).set_index(pd.RangeIndex(2, 302))
    at = raw.loc[rejected.row]
    border = layers.model.border
    points = gpd.points_from_xy(at.longitude, at.latitude)
    assert not any(border.syria.intersects(p) or border.turkey.intersects(p) for p in points)
    assert imported.in_study_area.mean() > 0.6
