"""Odd options: section ends far from the road are refused; short or wide corridors write no NaN and
print no warning; claims that cannot be measured say so."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings

import pytest

import corridor
from corridor._errors import InputError
from corridor.claims.check import check_claims
from corridor.geo.buffer import SECTION_END_MAX_KM
from corridor.geo.model import compute

#: A number that is not one, as Python, numpy, pandas or JSON would write it.
NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity)\b|nan%", re.IGNORECASE)
HALF_WIDTH_KINDS = {"corridor_half_width"}


def run(*args: str) -> subprocess.CompletedProcess:
    # Every warning, ours or a library's, is an error: none may reach the console.
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "corridor", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.mark.parametrize(
    ("section", "end", "distance"),
    [("moscow:saraqib", "Moscow", "2173"), ("idlib:sarmin", "Idlib", "9.3")],
)
def test_far_section_end_is_refused_in_one_line(tmp_path, section, end, distance):
    out = tmp_path / "out"
    first = run("check", "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run("build", "--out", str(out), "--section", section)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{end} is {distance}" in lines[0]
    assert f"at most {SECTION_END_MAX_KM:g} km" in lines[0]
    assert "the nearest place on the road is" in lines[0]
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_section_end_threshold_in_the_library():
    with pytest.raises(InputError, match=r"Idlib is 9\.3 km from the road.*Msibin"):
        compute(section="idlib:saraqib")
    # Zirbah lies 2.7 km off the road: within the threshold, snapped to the road as before.
    model = compute(section="zirbah:saraqib")
    assert model.section.length_km > 20


@pytest.mark.parametrize(
    "args",
    [
        ("build", "--section", "saraqib:tronba"),
        ("build", "--half-width-km", "500"),
        ("check", "--section", "tronba:saraqib"),
        ("check", "--section", "latakia:bdama"),  # ends on a vertex of the road
        ("check", "--section", "whole"),
        ("check", "--half-width-km", "0.2"),
    ],
    ids=lambda a: " ".join(a),
)
def test_odd_builds_write_no_nan_and_warn_nothing(tmp_path, args):
    out = tmp_path / "out"
    result = run(args[0], "--out", str(out), *args[1:])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert not NOT_A_NUMBER.search(result.stdout)
    written = [p for p in out.iterdir() if p.suffix in {".md", ".json", ".csv", ".geojson"}]
    assert {"claims.md", "claims.json"} <= {p.name for p in written}
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not NOT_A_NUMBER.search(text), (path.name, NOT_A_NUMBER.search(text))
    if (out / "map.html").exists():  # the legend says what north and south mean
        page = (out / "map.html").read_text(encoding="utf-8")
        assert "left and right of the road from Latakia to Aleppo" in page
    claims = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    for claim in claims:
        # A claim the model cannot measure here says why, instead of a number that is not one.
        if claim["verdict"] == "not_checkable":
            assert claim["evidence"].strip(), claim["claim_id"]
    widths = [c for c in claims if c["kind"] in {"corridor_half_width", "corridor_total_width"}]
    assert widths
    for claim in widths:
        assert claim["verdict"] != "partly" or "500" not in " ".join(args), claim["evidence"]


@pytest.mark.parametrize(
    "section", ["tronba:ain-al-hawr", "whole", "saraqib:tronba", "ariha:saraqib"]
)
def test_six_km_claims_never_partly_at_six_km(section):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = compute(section=section, half_width_km=6)
        results = check_claims(model)
    six = [r for r in results if r.kind in HALF_WIDTH_KINDS and float(r.stated["value"]) == 6]
    assert len(six) >= 2
    for r in six:
        assert r.verdict in {"supported", "not_checkable"}, (section, r.claim_id, r.evidence)
        if r.verdict == "not_checkable":
            assert model.section.label in r.evidence
            assert "longer than 12 km" in r.evidence
    if model.section.length_km > 12:
        assert {r.verdict for r in six} == {"supported"}


def test_library_calls_warn_nothing_on_a_short_section():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers = corridor.load(section="saraqib:tronba", half_width_km=500)
        check_claims(layers.model)
    assert layers.events.corridor_membership.notna().all()
