"""Seed records: they load, agree with the catalogue, stay in the project's own words, and reject
broken input with a message that names the field."""

import copy
import json
import re
from pathlib import Path

import pytest

from corridor._data import geodata_path
from corridor._errors import InputError
from corridor.claims.seeds import (
    CHECK_KINDS,
    SeedRecord,
    load_seed,
    load_seeds,
    seeds_dir,
    validate_seed,
)
from corridor.events.catalogue import load_catalogue
from corridor.geo.places import known_place_ids

REPO = Path(__file__).resolve().parents[1]
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
KM_PER_MILE = 1.609344


def allowed_place_ids() -> frozenset[str]:
    """Every id in the committed gazetteer files (registry and derived places)."""
    return known_place_ids()


@pytest.fixture(scope="module")
def catalogue():
    return {e["id"]: e for e in load_catalogue(known_place_ids=allowed_place_ids())}


@pytest.fixture(scope="module")
def seeds(catalogue):
    return load_seeds(known_event_ids=set(catalogue), known_place_ids=allowed_place_ids())


def claims_of(seeds, kind):
    return [(seed, claim) for seed in seeds for claim in seed.claims if claim.kind == kind]


def test_seeds_dir_is_the_checkout_folder():
    assert seeds_dir() == REPO / "seeds"


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the shared seeds are not beside the repo")
def test_one_record_per_article(seeds):
    articles = sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))
    assert [seed.file for seed in seeds] == articles


def test_every_seed_validates_and_round_trips(seeds, catalogue):
    assert len(seeds) == 5
    for seed in seeds:
        assert (
            validate_seed(seed, known_event_ids=set(catalogue), known_place_ids=allowed_place_ids())
            == []
        )
        on_disk = json.loads((seeds_dir() / f"{seed.id}.json").read_text(encoding="utf-8"))
        assert seed.as_dict() == on_disk


def test_seed_files_are_canonical_json():
    for path in sorted(seeds_dir().glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n", path.name


def test_seeds_and_catalogue_list_each_other(seeds, catalogue):
    from_seeds = {(seed.id, e.event_id) for seed in seeds for e in seed.events}
    from_catalogue = {(s, event_id) for event_id, e in catalogue.items() for s in e["seeds"]}
    assert from_seeds == from_catalogue


def test_claim_ids_are_unique_and_prefixed(seeds):
    ids = [claim.id for seed in seeds for claim in seed.claims]
    assert len(ids) == len(set(ids))
    for seed in seeds:
        assert all(claim.id.startswith(seed.id[:3] + "-") for claim in seed.claims)


def test_every_check_kind_is_exercised_by_some_claim(seeds):
    used = {claim.kind for seed in seeds for claim in seed.claims}
    assert used == CHECK_KINDS


def test_place_ids_in_checks_are_gazetteer_ids(seeds):
    allowed = allowed_place_ids()
    for _, claim in claims_of(seeds, "place_offset"):
        assert claim.check["place"] in allowed
        assert claim.check["reference"] in allowed | {"m4"}


def test_unit_conversions_are_recorded_as_the_articles_round_them(seeds):
    conversions = claims_of(seeds, "unit_conversion")
    assert {(c.check["km"], c.check["mi"]) for _, c in conversions} == {(6, 3.7), (30, 19)}
    for _, claim in conversions:
        # Each article rounds to its last digit: 3.7 for 3.73, 19 for 18.64.
        assert claim.check["km"] / KM_PER_MILE == pytest.approx(claim.check["mi"], abs=0.5)


def test_patrol_numbers_claimed_agree_with_the_catalogue_count(seeds, catalogue):
    for _, claim in claims_of(seeds, "patrol_number"):
        event = catalogue[claim.check["event_id"]]
        counts = {event["patrol_number"]["tr_mod"], event["patrol_number"]["ru_centre"]}
        counts |= {o["number"] for o in event["patrol_number"]["other"]}
        assert claim.check["number"] in counts, claim.id


def test_ministry_outcomes_claimed_agree_with_the_catalogue(seeds, catalogue):
    for _, claim in claims_of(seeds, "patrol_outcome"):
        event = catalogue[claim.check["event_id"]]
        by_source = {o["by"]: o["outcome"] for o in event.get("outcome_by_source", [])}
        ministry = next(
            m for m in ("Turkish MoD", "Russian MoD") if claim.check["by"].startswith(m)
        )
        assert by_source[ministry] == claim.check["outcome"], claim.id


def test_a_claimed_day_that_differs_from_the_catalogue_is_a_recorded_disagreement(seeds, catalogue):
    differing = []
    for _, claim in claims_of(seeds, "event_date"):
        event = catalogue[claim.check["event_id"]]
        if claim.check["precision"] == "day" and claim.check["date"] != event["date"]:
            differing.append(claim.id)
            assert event["disagreements"] or event.get("date_note"), claim.id
    # Tasnim's Monday for the first patrol and Al Jazeera's 14 March start of the sit-ins.
    assert sorted(differing) == ["000-sit-ins-since-14-march", "004-first-patrol-monday"]


def test_the_road_links_disagreement_is_recorded(seeds):
    m4_links = {
        (seed.id[:3], tuple(claim.check["places"]))
        for seed, claim in claims_of(seeds, "road_links")
        if claim.check["road"] == "m4"
    }
    assert ("003", ("aleppo", "damascus")) in m4_links
    assert ("004", ("latakia", "aleppo")) in m4_links
    assert ("002", ("aleppo", "al-hasakah")) in m4_links


# ------------------------------------------------------------------ own words (copy detector)

RUN = 12


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.replace("’", "'").lower())


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _copied_runs(texts, article_runs):
    return [text for text in texts if _runs(text) & article_runs]


@pytest.fixture(scope="module")
def article_runs():
    if not SHARED_SEEDS.is_dir():
        pytest.skip("the shared seeds are not beside the repo")
    runs: set[tuple[str, ...]] = set()
    for path in SHARED_SEEDS.glob("*.txt"):
        runs |= _runs(path.read_text(encoding="utf-8"))
    return runs


def test_copy_detector_catches_a_copied_sentence(article_runs):
    article = next(SHARED_SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    words = article.split()
    planted = "In our words: " + " ".join(words[200:214]) + " and more."
    assert _copied_runs([planted], article_runs) == [planted]
    assert (
        _copied_runs(
            ["The corridor is twelve kilometres wide across the whole of its length."], article_runs
        )
        == []
    )


def test_no_seed_or_event_text_copies_an_article(article_runs):
    texts = []
    for path in sorted(seeds_dir().glob("*.json")):
        texts.extend(_strings(json.loads(path.read_text(encoding="utf-8"))))
    texts.extend(_strings(json.loads(geodata_path("events.json").read_text(encoding="utf-8"))))
    assert _copied_runs(texts, article_runs) == []


# ------------------------------------------------------------------ broken records are rejected


@pytest.fixture
def raw_seed():
    path = seeds_dir() / "000_dea8e08e3134d6b9.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["published"].update(date="2020-13-01"), "published.date"),
        (lambda r: r["published"].update(precision="month"), "published.date"),
        (lambda r: r["published"].update(basis="guessed"), "published.basis"),
        (lambda r: r.update(url="www.aljazeera.com"), "url"),
        (lambda r: r.pop("summary"), "summary"),
        (lambda r: r.update(file="other.txt"), "file"),
        (lambda r: r["events"][0].update(event_id="2020-03-05-nothing"), "events[0].event_id"),
        (lambda r: r["claims"][0]["check"].update(kind="vibes"), "claims[0].check.kind"),
        (lambda r: r["claims"][0]["check"].update(outcome="won"), "claims[0].check.outcome"),
        (lambda r: r["claims"][6]["check"].update(value_km="six"), "claims[6].check.value_km"),
        (lambda r: r["claims"][6]["check"].pop("value_km"), "claims[6].check.value_km"),
        (lambda r: r["claims"][0].update(id="999-wrong-prefix"), "claims[0].id"),
        (lambda r: r["claims"][0]["stated"].update(unit="furlong"), "claims[0].stated.unit"),
    ],
)
def test_broken_seed_is_rejected_naming_the_field(raw_seed, catalogue, change, field):
    change(raw_seed)
    problems = validate_seed(
        raw_seed, known_event_ids=set(catalogue), known_place_ids=allowed_place_ids()
    )
    assert problems
    assert problems[0].startswith(field + ": ")


def test_unknown_place_in_a_check_is_rejected(raw_seed, catalogue):
    broken = copy.deepcopy(raw_seed)
    broken["claims"].append(
        {
            "id": "000-extra",
            "statement": "A test place offset.",
            "attributed_to": "test",
            "stated": {"value": 2, "unit": "km", "qualifier": "test"},
            "check": {
                "kind": "place_offset",
                "place": "atlantis",
                "reference": "saraqib",
                "distance_km": 2,
                "direction": "W",
            },
        }
    )
    problems = validate_seed(
        broken, known_event_ids=set(catalogue), known_place_ids=allowed_place_ids()
    )
    assert problems == [
        f"claims[{len(broken['claims']) - 1}].check.place: 'atlantis' is not in the gazetteer"
    ]


def test_load_seed_raises_with_file_and_field(tmp_path, raw_seed):
    raw_seed["published"]["date"] = "15 March 2020"
    path = tmp_path / "000_dea8e08e3134d6b9.json"
    path.write_text(json.dumps(raw_seed), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_seed(path)
    assert caught.value.field == "published.date"
    assert str(path) in str(caught.value)


def test_load_seed_rejects_a_record_under_another_file_name(tmp_path, raw_seed):
    path = tmp_path / "001_61627727f20ee39d.json"
    path.write_text(json.dumps(raw_seed), encoding="utf-8")
    with pytest.raises(InputError, match="does not match the file name"):
        load_seed(path)


def test_load_seeds_reads_a_folder_sorted(tmp_path, raw_seed):
    (tmp_path / "000_dea8e08e3134d6b9.json").write_text(json.dumps(raw_seed), encoding="utf-8")
    records = load_seeds(tmp_path)
    assert [type(r) for r in records] == [SeedRecord]
    assert records[0].claims[6].check == {"kind": "corridor_half_width", "value_km": 6}
