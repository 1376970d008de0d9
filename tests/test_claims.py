"""The claims check: every seed claim gets a verdict, the verdicts follow the geography, and they change
when the model does (a narrower corridor, a moved border, a moved Saraqib or Tronba)."""

import dataclasses
import json

import pytest
from shapely.affinity import translate

from corridor.claims.base import Context
from corridor.claims.check import (
    BASES,
    KM_PER_MILE,
    REFERENCE_SOURCES,
    VERDICTS,
    check_claims,
    claims_document,
    claims_markdown,
    run_check,
    summary_line,
    where_features,
)
from corridor.claims.seeds import load_seeds
from corridor.events.catalogue import events_by_id, load_catalogue
from corridor.export.text import json_text
from corridor.geo.border import BorderData, check_border
from corridor.geo.model import compute


@pytest.fixture(scope="module")
def model():
    return compute()


@pytest.fixture(scope="module")
def seeds():
    return load_seeds()


@pytest.fixture(scope="module")
def results(model, seeds):
    return check_claims(model, seeds)


@pytest.fixture(scope="module")
def by_id(results):
    return {r.claim_id: r for r in results}


@pytest.fixture(scope="module")
def ctx(model):
    return Context(model, events_by_id(load_catalogue()))


def verdicts(model, *ids):
    found = {r.claim_id: r for r in check_claims(model)}
    return [found[i].verdict for i in ids]


# --- coverage -----------------------------------------------------------------------------------


def test_every_seed_claim_gets_one_result_in_record_order(results, seeds):
    expected = [c.id for s in seeds for c in s.claims]
    assert len(expected) == 59
    seed_results = [r for r in results if r.source_seed is not None]
    assert [r.claim_id for r in seed_results] == expected
    reference = [c.id for src in REFERENCE_SOURCES for c in src.claims]
    assert [r.claim_id for r in results if r.source_seed is None] == reference


def test_results_carry_source_verdict_basis_and_evidence(results, seeds):
    outlets = {s.id: s.outlet for s in seeds}
    for r in results:
        assert r.verdict in VERDICTS
        assert r.finding.basis in BASES
        assert r.evidence.strip()
        if r.source_seed:
            assert r.outlet == outlets[r.source_seed]
        if r.verdict != "not_checkable":
            assert r.model["method"], r.claim_id


def test_not_checkable_claims_keep_their_reason(results, seeds):
    reasons = {
        c.id: c.check["reason"] for s in seeds for c in s.claims if c.kind == "not_checkable"
    }
    assert len(reasons) == 17
    for r in results:
        if r.claim_id in reasons:
            assert r.verdict == "not_checkable"
            assert r.evidence == reasons[r.claim_id]


def test_unknown_kind_is_not_checkable_and_says_why(ctx):
    finding = run_check({"kind": "altitude", "value_m": 400}, ctx)
    assert finding.verdict == "not_checkable"
    assert "altitude" in finding.evidence


# --- verdicts the geography gives ---------------------------------------------------------------


def test_half_width_supported_and_six_km_wide_contradicted(by_id):
    for claim_id in ("000-half-width", "002-half-width"):
        r = by_id[claim_id]
        assert r.verdict == "supported"
        assert r.model["value"] == pytest.approx(6.0, abs=0.001)
        assert "Bdama" in r.evidence  # where the border cuts the north half short
    wide = by_id["004-six-km-wide"]
    assert wide.verdict == "contradicted"
    assert wide.model["value"] == pytest.approx(12.0, abs=0.002)
    assert wide.where["kind"] == "transect"


def test_width_transect_is_twelve_km_across(by_id):
    from corridor.geo.geodesy import distance_m

    (n_lon, n_lat), (r_lon, r_lat), (s_lon, s_lat) = by_id["004-six-km-wide"].where["coords"]
    assert distance_m(n_lon, n_lat, r_lon, r_lat) == pytest.approx(6000, abs=1)
    assert distance_m(r_lon, r_lat, s_lon, s_lat) == pytest.approx(6000, abs=1)
    assert n_lat > r_lat > s_lat


def test_miles_are_judged_at_the_precision_given(by_id, ctx):
    assert KM_PER_MILE == 1.609344
    assert by_id["000-miles"].verdict == "supported"  # 3.728 mi rounds to 3.7
    assert by_id["000-miles"].model["value"] == pytest.approx(3.728, abs=0.001)
    assert by_id["002-miles"].verdict == "supported"  # 18.64 mi rounds to 19
    conversions = {3.73: "supported", 3.72: "contradicted", 3.8: "contradicted", 4: "supported"}
    for mi, verdict in conversions.items():
        finding = run_check({"kind": "unit_conversion", "km": 6, "mi": mi}, ctx)
        assert finding.verdict == verdict, mi
    assert run_check({"kind": "unit_conversion", "km": 30, "mi": 18}, ctx).verdict == "contradicted"


def test_thirty_km_holds_only_in_places(by_id, model):
    r = by_id["002-border-30km"]
    assert r.verdict == "partly"
    # Same stretches as the border module's own verdict on "about 30 km".
    assert r.where["chainage_km"] == [
        [s["km_from"], s["km_to"]] for s in model.border_check.verdict_details["holds_on"]
    ]
    lo, hi = r.model["value"]
    assert lo == pytest.approx(model.border_check.m4_min_km, abs=0.02)
    assert hi > 35
    assert "30.6 km" in r.evidence  # the 19 miles, converted


def test_road_links(by_id):
    assert by_id["004-latakia-aleppo"].verdict == "supported"
    assert by_id["004-latakia-aleppo"].finding.basis == "model"
    damascus = by_id["003-aleppo-damascus"]
    assert damascus.verdict == "contradicted"
    assert "M5" in damascus.evidence
    assert by_id["004-m4-m5-damascus-aleppo"].verdict == "partly"
    assert by_id["004-m5-links"].verdict == "supported"
    for claim_id in ("001-iraq-mediterranean", "002-aleppo-hasakah"):
        assert by_id[claim_id].verdict == "supported"
        assert by_id[claim_id].finding.basis == "record"


def test_damascus_lies_far_from_the_modelled_m4(by_id):
    # Damascus is some 300 km south of Aleppo; its distance to the road must be in the evidence.
    evidence = by_id["003-aleppo-damascus"].evidence
    assert "309 km from Aleppo" in evidence
    assert "225 km from the nearest point" in evidence


def test_orientation(by_id, ctx):
    for claim_id in ("000-road-east-west", "001-m4-east-west"):
        assert by_id[claim_id].verdict == "supported"
        assert 0.5 < by_id[claim_id].model["value"] < 0.8
    assert by_id["001-m5-north-south"].verdict == "supported"
    wrong = {"kind": "road_orientation", "road": "m4", "orientation": "north-south"}
    assert run_check(wrong, ctx).verdict == "contradicted"


def test_patrol_outcomes_correctly_attributed_but_disputed(by_id):
    for claim_id in (
        "000-first-patrol-completed",
        "003-first-patrol-stopped",
        "004-first-patrol-cut-short",
        "003-second-patrol-completed",
        "003-second-patrol-cut-short",
    ):
        r = by_id[claim_id]
        assert r.verdict == "partly"
        assert "completed" in r.evidence
        assert "cut short" in r.evidence


def test_patrol_outcome_misattributed(ctx):
    check = {
        "kind": "patrol_outcome",
        "event_id": "2020-03-15-joint-patrol-1",
        "outcome": "completed",
        "by": "Russian MoD",
    }
    assert run_check(check, ctx).verdict == "partly"
    check["outcome"] = "full_route"
    assert run_check(check, ctx).verdict == "contradicted"


def test_patrol_numbers(by_id, ctx):
    r = by_id["002-26th-patrol-number"]
    assert r.verdict == "supported"
    assert r.model["value"]["Russian centre"] == 23
    assert "differently" in r.evidence
    assert by_id["000-first-patrol-number"].verdict == "supported"
    wrong = {
        "kind": "patrol_number",
        "event_id": "2020-08-25-joint-patrol-26",
        "number": 23,
        "by": "Turkish MoD",
    }
    assert run_check(wrong, ctx).verdict == "contradicted"
    wrong["by"] = "Russian MoD"
    assert run_check(wrong, ctx).verdict == "supported"


def test_event_dates(by_id):
    assert by_id["000-first-patrol-date"].verdict == "supported"
    assert by_id["001-ceasefire-last-week"].verdict == "supported"  # 6 March is in 2–8 March
    assert by_id["000-deal-this-month"].verdict == "supported"
    monday = by_id["004-first-patrol-monday"]
    assert monday.verdict == "contradicted"
    assert "1 day later" in monday.evidence
    assert by_id["003-agreed-last-month"].verdict == "contradicted"  # February, not March
    # The catalogue dates the sit-ins "about 12 March"; 14 March is within that window.
    assert by_id["000-sit-ins-since-14-march"].verdict == "partly"


def test_durations(by_id, ctx):
    assert by_id["000-war-tenth-year"].verdict == "supported"
    assert by_id["001-four-days-of-talks"].verdict == "supported"
    assert by_id["002-hiatus-four-years"].verdict == "supported"
    assert by_id["001-closed-since-2012"].verdict == "not_checkable"
    talks = {"kind": "duration", "from": "2020-03-10", "to": "2020-03-13", "unit": "day"}
    assert run_check({**talks, "value": 3, "approx": False}, ctx).verdict == "contradicted"
    war = {"kind": "duration", "from": "2011-03-15", "to": "2020-03-14", "unit": "year"}
    # One day short of nine years is eight whole years.
    assert run_check({**war, "value": 9, "approx": False}, ctx).verdict == "contradicted"
    assert run_check({**war, "value": 9, "approx": True}, ctx).verdict == "supported"
    hiatus = {"kind": "duration", "from": "2020-08", "to": "2024-07", "unit": "year"}
    assert run_check({**hiatus, "value": 3, "approx": True}, ctx).verdict == "contradicted"


def test_tronba_checks(by_id):
    # Tronba is GeoNames' Turumbah now, not a point placed from the protocol's words: the protocol's
    # "2 km west of Saraqib" is tested (3.4 km between the points, within 2 ± 2.5 km, due west).
    protocol = by_id["ref-tronba-west-of-saraqib"]
    assert protocol.verdict == "supported"
    assert protocol.finding.basis == "model"
    assert "circular" not in protocol.evidence
    assert protocol.model["value"] == pytest.approx(3.43, abs=0.02)
    smart = by_id["ref-tronba-south-east-of-idlib"]
    assert smart.verdict == "supported"
    assert smart.finding.basis == "model"
    assert smart.model["value"] == pytest.approx(14.46, abs=0.05)
    esyria = by_id["ref-tronba-south-of-idlib"]
    assert esyria.verdict == "contradicted"
    # Idlib is 9 km off the road, Tronba on it 9 km further east: 18 km by road, still not 23 +- 2.5.
    assert "by the modelled road" not in esyria.evidence
    assert by_id["001-ariha-on-m4"].finding.basis == "by construction"


def test_patrol_route_lengths_are_measured_not_placed(by_id, model):
    # The three reported lengths of Tronba - Ain al-Hawr, against the road through the gazetteer's
    # points: 64.1 km, shorter than each figure, within what the segments' confidence allows.
    expected = {"70": 0.916, "71": 0.903, "73": 0.878}
    for km, ratio in expected.items():
        r = by_id[f"ref-patrol-route-{km}-km"]
        assert r.kind == "road_distance"
        assert r.verdict == "supported", r.evidence
        assert r.model["value"] == pytest.approx(64.12, abs=0.05)
        assert f"model ÷ reported = {ratio}" in r.evidence
    assert model.place_km["tronba"] - model.place_km["ain-al-hawr"] == pytest.approx(
        64.12, abs=0.05
    )


def test_bdama_and_kafr_shalaya_claims(by_id):
    bdama = by_id["ref-bdama-border-2-km"]
    assert bdama.verdict == "supported"
    assert bdama.model["value"] == pytest.approx(2.82, abs=0.02)
    assert "GeoNames 171494" in bdama.evidence
    # Kafr Shalaya is 8.3 km past Ariha by the modelled road (Urum al-Jawz lies between them): more
    # than "a few km" even with both points moved 1 km towards each other.
    shalaya = by_id["ref-kafr-shalaya-few-km-past-ariha"]
    assert shalaya.verdict == "contradicted"
    assert shalaya.model["value"] == pytest.approx(8.3, abs=0.05)
    assert "shorter than the straight line" in shalaya.evidence


def test_road_distance_verdicts_follow_the_figure(ctx):
    base = {"kind": "road_distance", "from": "tronba", "to": "ain-al-hawr"}
    # Shorter than the chain of straight lines through the places, less 2 km of end-point slack.
    assert run_check({**base, "distance_km": 60}, ctx).verdict == "contradicted"
    assert run_check({**base, "distance_km": 63}, ctx).verdict == "supported"
    # Longer than the segments' stated confidence lets the road bend (85.7 km).
    assert run_check({**base, "distance_km": 86}, ctx).verdict == "supported"
    assert run_check({**base, "distance_km": 87}, ctx).verdict == "contradicted"
    assert run_check({**base, "from": "nowhere", "distance_km": 5}, ctx).verdict == "not_checkable"


# --- verdicts change with the model -------------------------------------------------------------


def test_narrower_corridor_flips_the_width_claims():
    narrow = compute(half_width_km=3)
    assert verdicts(narrow, "000-half-width", "004-six-km-wide") == ["contradicted", "supported"]


def test_moved_border_flips_the_thirty_km_claim(model, by_id):
    far = BorderData(
        line=translate(model.border.line, yoff=1.0),
        syria=model.border.syria,
        turkey=model.border.turkey,
        properties={},
    )
    moved = dataclasses.replace(
        model, border=far, border_check=check_border(model.route, model.corridor, model.places, far)
    )
    r = {x.claim_id: x for x in check_claims(moved)}["002-border-30km"]
    assert r.verdict == "contradicted"
    assert r.where["chainage_km"] == []
    assert r.model["value"][0] > by_id["002-border-30km"].model["value"][0] + 80


def test_border_moved_a_little_changes_where_thirty_km_holds(model, by_id):
    south = BorderData(
        line=translate(model.border.line, yoff=-0.05),
        syria=model.border.syria,
        turkey=model.border.turkey,
        properties={},
    )
    check = check_border(model.route, model.corridor, model.places, south)
    moved = dataclasses.replace(model, border=south, border_check=check)
    r = {x.claim_id: x for x in check_claims(moved)}["002-border-30km"]
    assert r.where["chainage_km"] != by_id["002-border-30km"].where["chainage_km"]


def _moved(model, place_id, **shift):
    place = model.gazetteer[place_id]
    new = dataclasses.replace(
        place,
        lon=place.lon + shift.get("dlon", 0.0),
        lat=place.lat + shift.get("dlat", 0.0),
    )
    return dataclasses.replace(model, gazetteer=model.gazetteer.with_places([new]))


def test_moved_saraqib_changes_the_protocols_tronba(model):
    # Saraqib about 5 km east: Tronba now lies some 8.4 km due west of it, so the direction holds and
    # the distance (2 ± 2.5 km) does not.
    ids = (
        "ref-tronba-west-of-saraqib",
        "ref-tronba-south-east-of-idlib",
        "ref-tronba-south-of-idlib",
    )
    east = _moved(model, "saraqib", dlon=0.055)
    assert verdicts(east, *ids) == ["partly", "supported", "contradicted"]
    # About 5 km north: Tronba is now south-west of it, and too far.
    north = _moved(model, "saraqib", dlat=0.045)
    result = {r.claim_id: r for r in check_claims(north)}[ids[0]]
    assert result.verdict == "contradicted"


def test_moved_tronba_changes_the_independent_checks(model):
    # Tronba 0.1° (11 km) further south: about 23 km from Idlib at a bearing near 143°. The distance
    # now fits eSyria's 23 km and no longer SMART's 15 km; the direction still fits SE, not S.
    moved = _moved(model, "tronba", dlat=-0.1)
    ids = ("ref-tronba-south-east-of-idlib", "ref-tronba-south-of-idlib")
    assert verdicts(model, *ids) == ["supported", "contradicted"]
    assert verdicts(moved, *ids) == ["partly", "partly"]


def test_on_road_is_circular_only_when_the_road_is_drawn_through_the_town(model, tmp_path):
    # A user's road (here the model's own line, thinned) is not drawn through Ariha's point, so the
    # check measures something: the thinned line passes within a few hundred metres of it.
    line = {"type": "LineString", "coordinates": model.route.coords[::4].tolist()}
    path = tmp_path / "m4.geojson"
    path.write_text(json.dumps(line), encoding="utf-8")
    ariha = {r.claim_id: r for r in check_claims(compute(route_file=path))}["001-ariha-on-m4"]
    assert ariha.verdict == "supported"
    assert ariha.finding.basis == "model"
    assert 0 < ariha.model["value"] < 1.0


# --- outputs ------------------------------------------------------------------------------------


def test_document_is_json_ready_with_the_agreed_keys(results):
    doc = claims_document(results)
    assert len(doc) == len(results)
    keys = {
        "source_seed",
        "outlet",
        "claim_id",
        "kind",
        "claim",
        "attributed_to",
        "stated",
        "model",
        "verdict",
        "basis",
        "evidence",
        "where",
    }
    assert all(set(d) == keys for d in doc)
    assert json.loads(json_text(doc)) == json.loads(json.dumps(doc))


def test_outputs_are_deterministic(model, results):
    again = check_claims(model)
    assert json_text(claims_document(again)) == json_text(claims_document(results))
    assert claims_markdown(again) == claims_markdown(results)


def test_markdown_has_a_table_per_source_and_the_disagreements(results, seeds):
    text = claims_markdown(results)
    assert text.count("| claim | attributed to |") == len(seeds) + len(REFERENCE_SOURCES)
    for s in seeds:
        assert f"## {s.outlet}: {s.headline} ({s.published.date})" in text
    disagreements = text.split("## Where the sources disagree")[1]
    for topic in ("Corridor width", "What the M4 joins", "2020-03-15-joint-patrol-1", "Number of"):
        assert topic in disagreements
    assert summary_line(results) in text


def test_summary_counts_every_claim(results):
    line = summary_line(results)
    counts = [int(part.split()[0]) for part in line.split("(")[1].rstrip(").").split(", ")]
    assert sum(counts) == len(results) == 67
    assert f"{sum(r.verdict == 'contradicted' for r in results)} contradicted" in line


def test_where_features_for_the_map(results, model):
    fc = where_features(results, model)
    ids = {f["properties"]["claim_id"]: f for f in fc["features"]}
    assert {"002-border-30km", "004-six-km-wide", "ref-tronba-west-of-saraqib"} <= set(ids)
    stretches = ids["002-border-30km"]["geometry"]
    assert stretches["type"] == "MultiLineString"
    assert len(stretches["coordinates"]) == len(model.border_check.verdict_details["holds_on"])
    lines = [
        line
        for f in fc["features"]
        for line in (
            f["geometry"]["coordinates"]
            if f["geometry"]["type"] == "MultiLineString"
            else [f["geometry"]["coordinates"]]
        )
        if "Line" in f["geometry"]["type"]
    ]
    assert lines and all(len(line) >= 2 for line in lines)
    road = ids["ref-patrol-route-71-km"]["geometry"]
    assert road["type"] == "MultiLineString" and len(road["coordinates"]) == 1
