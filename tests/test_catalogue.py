"""The event catalogue: schema, vocabularies, numbering, provenance and rejection of broken records."""

import copy
import json
from pathlib import Path

import pytest

from corridor._data import geodata_path
from corridor._errors import InputError
from corridor.events.catalogue import (
    DATE_PRECISIONS,
    KINDS,
    OUTCOMES,
    catalogue_problems,
    load_catalogue,
    validate_catalogue,
)
from corridor.geo.places import known_place_ids

REPO = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = REPO.parent / "shared" / "reference"


def allowed_place_ids() -> frozenset[str]:
    """Every id in the committed gazetteer files (registry and derived places)."""
    return known_place_ids()


@pytest.fixture(scope="module")
def events():
    return load_catalogue(known_place_ids=allowed_place_ids())


def by_id(events):
    return {e["id"]: e for e in events}


def test_committed_catalogue_is_canonical_json():
    """Sorted, 2-space indent, UTF-8 without escapes, newline at the end: re-dumping is a no-op."""
    path = geodata_path("events.json")
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_every_place_and_route_end_is_a_gazetteer_id(events):
    allowed = allowed_place_ids()
    for event in events:
        assert set(event["places"]) <= allowed, event["id"]
        if event["route"]:
            assert {event["route"]["from"], event["route"]["to"]} <= allowed, event["id"]


def test_vocabularies_cover_what_the_catalogue_uses(events):
    assert {e["kind"] for e in events} == KINDS
    assert {e["outcome"] for e in events} <= OUTCOMES
    assert {e["date_precision"] for e in events} <= DATE_PRECISIONS


def test_dated_joint_patrols_are_1_to_26_without_18_and_23_in_date_order(events):
    patrols = [e for e in events if e["kind"] == "joint_patrol"]
    numbers = [e["patrol_number"]["tr_mod"] for e in patrols]
    assert numbers == [n for n in range(1, 27) if n not in (18, 23)]
    assert all(e["date_precision"] == "day" for e in patrols)
    assert all(e["date"].startswith("2020-") for e in patrols)


@pytest.mark.parametrize(
    ("event_id", "tr_mod", "ru_centre"),
    [
        ("2020-07-14-joint-patrol-21", 21, 20),
        ("2020-08-17-joint-patrol-25", 25, 22),
        ("2020-08-25-joint-patrol-26", 26, 23),
    ],
)
def test_numbering_disagreements_are_kept(events, event_id, tr_mod, ru_centre):
    number = by_id(events)[event_id]["patrol_number"]
    assert (number["tr_mod"], number["ru_centre"]) == (tr_mod, ru_centre)


def test_disputed_patrols_keep_both_ministries_outcomes(events):
    for event_id in ("2020-03-15-joint-patrol-1", "2020-03-23-joint-patrol-2"):
        event = by_id(events)[event_id]
        assert event["outcome"] == "disputed"
        outcomes = {entry["by"]: entry["outcome"] for entry in event["outcome_by_source"]}
        assert outcomes == {"Turkish MoD": "completed", "Russian MoD": "cut_short"}
        assert event["disagreements"]


def test_attacks_on_patrols_link_both_ways_on_the_same_day(events):
    index = by_id(events)
    linked_attacks = [e for e in events if e["kind"] == "attack" and e.get("related")]
    assert len(linked_attacks) == 4  # 16 Jun, 14 Jul, 17 Aug, 25 Aug
    for attack in linked_attacks:
        (patrol_id,) = attack["related"]
        patrol = index[patrol_id]
        assert patrol["kind"] == "joint_patrol"
        assert patrol["date"] == attack["date"]
        assert attack["id"] in patrol["related"]


def test_full_route_patrols_run_tronba_to_ain_al_hawr(events):
    full = [e for e in events if e["outcome"] == "full_route"]
    assert [e["date"] for e in full] == ["2020-07-22", "2020-08-12"]
    assert all((e["route"]["from"], e["route"]["to"]) == ("tronba", "ain-al-hawr") for e in full)


def test_undated_events_sort_last(events):
    undated = [e for e in events if e["date"] is None]
    assert undated
    assert events[-len(undated) :] == undated
    assert all(e["id"].startswith("undated-") for e in undated)


@pytest.mark.skipif(
    not SHARED_REFERENCE.is_dir(), reason="the shared reference is not beside the repo"
)
def test_every_source_url_comes_from_the_record(events):
    reference = "".join(
        (SHARED_REFERENCE / name).read_text(encoding="utf-8")
        for name in ("record.md", "record-after-2020.md", "timeline.csv")
    )
    urls = {s["url"] for e in events for s in e["sources"]}
    urls |= {o["url"] for e in events for o in e.get("outcome_by_source", [])}
    assert sorted(u for u in urls if u not in reference) == []


# ------------------------------------------------------------------ broken records are rejected


def _mutated(events, index, change):
    broken = copy.deepcopy(events)
    change(broken[index])
    return broken


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda e: e.update(date="2020-02-30"), "date"),
        (lambda e: e.update(date="2020-03"), "date"),
        (lambda e: e.update(date_precision="fortnight"), "date_precision"),
        (lambda e: e.update(kind="skirmish"), "kind"),
        (lambda e: e.update(outcome="won"), "outcome"),
        (lambda e: e.update(sources=[]), "sources"),
        (lambda e: e.pop("sources"), "sources"),
        (lambda e: e["sources"][0].update(url="ftp://example.org/x"), "sources[0].url"),
        (lambda e: e.update(places=[]), "places"),
        (lambda e: e.update(places=["atlantis"]), "places[0]"),
        (lambda e: e.update(location_uncertainty_m=-5), "location_uncertainty_m"),
        (lambda e: e.update(id="joint-patrol-1"), "id"),
        (lambda e: e.update(colour="red"), "colour"),
        (lambda e: e["route"].update(to="ariha"), "route.to"),
        (lambda e: e.pop("outcome_by_source"), "outcome_by_source"),
        (lambda e: e.update(seeds=["not-a-seed"]), "seeds"),
        (lambda e: e["patrol_number"].update(tr_mod=0), "patrol_number.tr_mod"),
    ],
)
def test_broken_event_is_rejected_naming_row_and_field(events, change, field):
    index = next(i for i, e in enumerate(events) if e["id"] == "2020-03-15-joint-patrol-1")
    broken = _mutated(events, index, change)
    with pytest.raises(InputError) as caught:
        validate_catalogue(broken, file="events.json", known_place_ids=allowed_place_ids())
    assert caught.value.row == index
    assert caught.value.field == field
    assert f"row {index}" in str(caught.value)
    assert "events.json" in str(caught.value)


def test_related_link_must_point_back(events):
    index = next(i for i, e in enumerate(events) if e["id"] == "2020-06-16-joint-patrol-17")
    broken = _mutated(events, index, lambda e: e.update(related=["2020-03-15-joint-patrol-1"]))
    problems = catalogue_problems(broken)
    fields = {(row, field) for row, field, _ in problems}
    assert (index, "related[0]") in fields  # patrol 1 does not link back to patrol 17
    attack_row = next(
        i for i, e in enumerate(events) if e["id"].endswith("attack-ied-ariha-urum-al-jawz")
    )
    assert (attack_row, "related[0]") in fields  # the attack's patrol no longer links back


def test_duplicate_and_unsorted_ids_are_rejected(events):
    duplicated = [*copy.deepcopy(events), copy.deepcopy(events[0])]
    messages = [message for _, field, message in catalogue_problems(duplicated) if field == "id"]
    assert any("repeats" in m for m in messages)
    assert any("sorted" in m for m in messages)


def test_invalid_json_names_the_file(tmp_path):
    path = tmp_path / "events.json"
    path.write_text("[{]", encoding="utf-8")
    with pytest.raises(InputError, match=r"events\.json"):
        load_catalogue(path)


def test_non_list_is_rejected(tmp_path):
    path = tmp_path / "events.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="list"):
        load_catalogue(path)
