"""The README's headline numbers are the model's: a change to the data must update the prose."""

import re
from pathlib import Path

import pytest

from corridor.geo.model import compute

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def model():
    return compute()


def number(pattern: str) -> float:
    match = re.search(pattern, README)
    assert match, pattern
    return float(match.group(1))


def test_headline_numbers_match_the_model(model):
    b = model.border_check
    assert number(r"Aleppo is ([\d.]+) km long") == pytest.approx(model.route.length_km, abs=0.05)
    assert number(r"within \*\*([\d.]+) km\*\* of the Turkish border") == pytest.approx(
        b.m4_min_km, abs=0.05
    )
    assert number(r"\(km ([\d.]+) from Latakia\)") == pytest.approx(b.m4_min_at[2], abs=0.05)
    assert number(r"reach \*\*([\d.]+) km into Turkey\*\*") == pytest.approx(
        -b.north_edge_min_km, abs=0.05
    )
    assert number(r"cut off at the border is \*\*([\d.]+) km²\*\*") == pytest.approx(
        b.clipped_km2, abs=0.05
    )
    assert number(r"holds on \*\*(\d+)%\*\* of the road") == pytest.approx(
        b.verdict_details["share_of_road"] * 100, abs=0.5
    )
    assert number(r"and (\d+)% of the patrol section") == pytest.approx(
        b.verdict_details["share_of_section"] * 100, abs=0.5
    )


def test_claim_counts_match_the_check(model):
    from collections import Counter

    from corridor.claims.check import check_claims

    counts = Counter(r.verdict for r in check_claims(model))
    assert number(r"Of the (\d+) statements checked") == sum(counts.values())
    assert number(r"\*\*(\d+)\*\* are supported") == counts["supported"]
    assert number(r"\*\*(\d+)\*\* contradicted") == counts["contradicted"]
    assert number(r"\*\*(\d+)\*\* hold only partly") == counts["partly"]
    assert number(r"\*\*(\d+)\*\* cannot be checked") == counts["not_checkable"]


def test_road_check_figures_match_the_model(model):
    # "What it finds" states model ÷ reported for every reported along-road distance.
    by_id = {c.reported.id: c for c in model.road_check}
    stated = {
        "bassa-ariha": r"al-Bassa–Ariha 96 km: ([\d.]+)",
        "ariha-saraqib": r"Ariha–Saraqib about 20 km: ([\d.]+)",
        "latakia-saraqib-120": r"Latakia–Saraqib 120 km: ([\d.]+)",
        "latakia-saraqib-98": r"and 98 km:\s+([\d.]+)",
        "jisr-al-shughur-ariha": r"Jisr al-Shughur–Ariha about 25 km: ([\d.]+)",
        "latakia-kafriya": r"Latakia–Kafriya 28 km: ([\d.]+)",
        "saraqib-aleppo": r"Saraqib–Aleppo about 60 km: ([\d.]+)",
    }
    for check_id, pattern in stated.items():
        assert number(pattern) == pytest.approx(by_id[check_id].ratio, abs=0.005), check_id
    patrol = re.search(r"\(model ÷ reported ([\d.]+), ([\d.]+),\s+([\d.]+)\)", README)
    assert patrol
    expected = [by_id[f"tronba-ain-al-hawr-{km}"].ratio for km in (70, 71, 73)]
    assert [float(x) for x in patrol.groups()] == pytest.approx(expected, abs=0.005)
    assert number(r"Tronba to Ain al-Hawr,\s+measures ([\d.]+) km") == pytest.approx(
        model.section.length_km, abs=0.05
    )


def python_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_python_examples():
    assert len(python_examples()) >= 2


@pytest.mark.parametrize("index", range(len(python_examples())))
def test_python_example_runs_as_written(index, tmp_path):
    """Each ```python block of the README runs, unchanged, from a checkout's top folder.

    It runs in a copy of the files it names (so a build writes into the test's folder, not the
    checkout's outputs/) and in a fresh interpreter, as a user would paste it.
    """
    import os
    import shutil
    import subprocess
    import sys

    code = python_examples()[index]
    root = Path(__file__).resolve().parents[1]
    for name in re.findall(r"\"((?:notebooks|geodata|seeds)/[^\"]+)\"", code):
        assert (root / name).is_file(), f"the README names {name}, which does not exist"
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    if "corridor.build(" in code:
        assert (tmp_path / "outputs" / "events.geojson").is_file()
