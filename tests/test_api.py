"""The Python API: explicit parameters with the CLI's names, clear errors for wrong types, split layers."""

import inspect
import json
import pydoc
from pathlib import Path

import pytest

import corridor
from corridor import pipeline
from corridor._errors import CorridorError, InputError, OptionError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "notebooks" / "data" / "acled_example.csv"
OPTIONS = ("section", "half_width_km", "route", "events", "strict")


@pytest.fixture(scope="module")
def layers():
    return corridor.load()


@pytest.fixture(scope="module")
def route_file(tmp_path_factory, layers):
    """The modelled road written as a user's GeoJSON route (a single LineString)."""
    path = tmp_path_factory.mktemp("route") / "m4.geojson"
    coords = layers.model.route.coords.tolist()
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": coords},
    }
    path.write_text(json.dumps(feature))
    return path


@pytest.mark.parametrize("func", [corridor.load, corridor.build, corridor.check, corridor.map])
def test_help_lists_the_parameters(func):
    text = pydoc.render_doc(func, renderer=pydoc.plaintext)
    params = inspect.signature(func).parameters
    assert not any(p.kind is p.VAR_KEYWORD for p in params.values())
    for name in params:
        assert name in text
    assert "Parameters" in text and "----------" in text  # numpy-style


@pytest.mark.parametrize(
    ("public", "library"),
    [
        (corridor.load, pipeline.load),
        (corridor.build, pipeline.build),
        (corridor.check, pipeline.check),
    ],
)
def test_public_functions_have_the_pipelines_signature(public, library):
    """The lazy wrappers in corridor/__init__.py keep the library's names and defaults."""
    want = {n: p.default for n, p in inspect.signature(library).parameters.items()}
    got = {n: p.default for n, p in inspect.signature(public).parameters.items()}
    assert got == want


def test_load_and_build_take_the_clis_names():
    for func in (corridor.load, corridor.build):
        assert set(OPTIONS) <= set(inspect.signature(func).parameters)
    assert "out" in inspect.signature(corridor.build).parameters


def test_events_as_one_path_a_path_object_or_a_list(route_file):
    as_text = corridor.load(events=str(EXAMPLE), route=str(route_file))
    as_path = corridor.load(events=EXAMPLE, route=route_file)
    as_list = corridor.load(events=[EXAMPLE, str(EXAMPLE)], route=route_file)
    assert len(as_text.imports) == len(as_path.imports) == 1
    assert len(as_list.imports) == 2
    imported = as_text.events[as_text.events.origin == EXAMPLE.name]
    assert len(imported) == as_text.imports[0].read - len(as_text.rejected) > 200
    assert list(as_path.events.id) == list(as_text.events.id)
    assert as_text.model.route.source != corridor.load().model.route.source  # the file was used


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"half_width_km": "6"}, "half_width_km must be a number of km, not str '6'"),
        ({"half_width_km": None}, "half_width_km must be a number of km, not NoneType"),
        ({"half_width_km": True}, "half_width_km must be a number"),
        ({"events": 3}, "events must be a path or a list of paths, not int 3"),
        ({"events": [EXAMPLE, 3]}, "events[1] must be a path (str or pathlib.Path), not int 3"),
        ({"events": b"file.csv"}, "events must be a path or a list of paths, not bytes"),
        ({"route": 42}, "route must be a path"),
        ({"section": 5}, "section must be 'FROM:TO', 'whole' or a pair of place names, not int 5"),
        ({"section": ("tronba",)}, "section must be"),
        ({"strict": "yes"}, "strict must be True or False, not str 'yes'"),
    ],
)
def test_wrong_types_say_what_was_expected(kwargs, needle):
    with pytest.raises(OptionError) as caught:
        corridor.load(**kwargs)
    assert needle in str(caught.value)
    # One class for every error the project raises on purpose, and the usual Python one as well.
    assert isinstance(caught.value, CorridorError | InputError | TypeError)


def test_build_checks_its_options_before_writing_anything(tmp_path):
    target = tmp_path / "new"
    with pytest.raises(OptionError, match="half_width_km"):
        corridor.build(target, half_width_km="6")
    with pytest.raises(OptionError, match="out must be a path"):
        corridor.build(None)
    assert not target.exists()


@pytest.mark.parametrize("width", [0, -1, float("nan"), float("inf")])
def test_width_must_be_positive_and_finite(width):
    with pytest.raises(InputError, match="positive number of km"):
        corridor.load(half_width_km=width)


def test_numbers_of_any_kind_are_accepted():
    import numpy as np

    a = corridor.load(half_width_km=np.float64(4.5)).corridor.area_km2.sum()
    b = corridor.load(half_width_km=4.5).corridor.area_km2.sum()
    c = corridor.load(half_width_km=4).corridor.area_km2.sum()
    assert a == b and c < a


def test_corridor_layer_is_the_two_halves(layers):
    assert list(layers.corridor.side) == ["north", "south"]
    assert list(layers.corridor_union.side) == ["union"]
    assert list(layers.corridor_cut.side) == ["cut"]
    c = layers.model.corridor
    # The halves meet on the road line only: their areas add up to the union's.
    assert layers.corridor.area_km2.sum() == pytest.approx(c.area_km2("union"), abs=0.002)
    assert layers.corridor_union.area_km2.iloc[0] == pytest.approx(c.area_km2("union"), abs=0.001)
    assert layers.corridor_cut.area_km2.iloc[0] == pytest.approx(
        layers.model.border_check.clipped_km2, abs=0.001
    )
    assert layers.corridor.union_all().equals_exact(
        layers.corridor_union.geometry.iloc[0], 1e-6
    ) or (
        layers.corridor.union_all()
        .symmetric_difference(layers.corridor_union.geometry.iloc[0])
        .area
        < 1e-9
    )


def test_no_cut_rows_where_nothing_was_cut():
    far_from_border = corridor.load(section="saraqib:aleppo")
    assert len(far_from_border.corridor_cut) == 0
    assert list(far_from_border.corridor_cut.columns) == list(far_from_border.corridor.columns)


def test_verdict_is_a_word_with_its_details_beside_it(layers, tmp_path):
    check = layers.model.border_check
    assert check.verdict in {"supported", "partly", "contradicted"}
    assert check.verdict_details["verdict"] == check.verdict
    assert 0 < check.verdict_details["share_of_road"] < 1
    corridor.check(tmp_path)  # border_check.json is the build's; its content is unchanged
    doc = pipeline.border_check_document(layers.model)
    # claim_30km is the details, with the ranges measured on the shifted road beside them.
    assert {k: doc["claim_30km"][k] for k in check.verdict_details} == check.verdict_details
