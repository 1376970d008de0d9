"""What the claim checkers share: tolerances, facts from outside the model, and the check context.

The tolerances are module constants, each with the reason for its size; :mod:`corridor.claims.check`
re-exports them. A checker takes a claim's ``check`` parameters and a :class:`Context` (the model and
the event catalogue) and returns a :class:`Finding`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

import numpy as np

from corridor.geo import border
from corridor.geo.accuracy import edge_samples
from corridor.geo.geodesy import nearest_on_line_m
from corridor.geo.model import Model

#: The international mile, exactly (1959 agreement).
KM_PER_MILE = 1.609344
#: A width stated as a whole number of km ("6 km") agrees with anything that rounds to it.
WIDTH_TOLERANCE_KM = 0.5
#: "About 30 km" from the border: the border module's reading of a round figure (nearest 10 km).
ABOUT_TOLERANCE_KM = border.CLAIM_TOLERANCE_KM
#: Share of the road a distance or width must hold on to be "supported" rather than "partly"; the same
#: rule as the border module's own verdict, so the two never disagree.
SUPPORTED_SHARE = 0.9
#: A town "on" the road: town points are centres, so the road may pass up to the point's uncertainty
#: away, and never less than 1 km (the edge of a small town).
ON_ROAD_MIN_KM = 1.0
#: An 8-point compass name ("W", "SE") covers a 45° sector: 22.5° either side of its bearing.
COMPASS_HALF_SECTOR_DEG = 22.5
#: A road "runs east-west" where it is nearer to that axis than to the other one (within 45°) ...
AXIS_HALF_SECTOR_DEG = 45.0
#: ... along most (more than half) of its length.
MAJORITY_SHARE = 0.5
#: The catalogue's ``approx`` dates are "within a few days" (geodata/EVENTS.md): three either side.
APPROX_DAYS = 3
#: Spacing of the corridor-edge samples, about 1 km: the claims need the depth to metres, not the
#: centimetre check of the buffer itself (tests/test_corridor.py samples ten times as densely).
EDGE_SPACING_DEG = 0.01

VERDICTS = ("supported", "contradicted", "partly", "not_checkable")
#: What a verdict rests on: a measurement on the model; a model value built from the claim itself (so
#: agreement proves nothing); sourced facts outside the model; the event catalogue; arithmetic on the
#: claim's own figures; nothing.
BASES = ("model", "by construction", "record", "catalogue", "arithmetic", "none")


#: Regions a claim names, and the place on the road that reaches them.
REGION_PLACES: Mapping[str, str] = {"mediterranean": "latakia", "iraq": "al-yarubiyah"}


@dataclass(frozen=True)
class RoadFact:
    """A road's course through named places, in order, from the research record."""

    places: tuple[str, ...]
    sources: tuple[str, ...]


#: The roads' courses beyond what the model draws. M4: Latakia (a Mediterranean port) to Saraqib,
#: Aleppo, then east via al-Hasakah to al-Yarubiyah on the Iraqi border (record.md §3: Wikipedia, SANA).
#: M5: Damascus, Homs, Hama, Saraqib (where it meets the M4), Aleppo (Wikipedia; Syria's transport
#: minister via Voltaire Network).
ROADS: Mapping[str, RoadFact] = {
    "m4": RoadFact(
        ("latakia", "saraqib", "aleppo", "al-hasakah", "al-yarubiyah"),
        ("https://en.wikipedia.org/wiki/M4_motorway_(Syria)", "https://sanasyria.org/?p=1155487"),
    ),
    "m5": RoadFact(
        ("damascus", "homs", "hama", "saraqib", "aleppo"),
        (
            "https://en.wikipedia.org/wiki/M5_motorway_(Syria)",
            "https://www.voltairenet.org/article209328.html",
        ),
    ),
}


@dataclass(frozen=True)
class Finding:
    """What a checker found: the model's value (with unit and method), a verdict and the evidence."""

    value: Any
    unit: str | None
    method: str
    verdict: str
    evidence: str
    basis: str
    where: dict | None = None


@dataclass(frozen=True)
class Edges:
    """The drawn corridor's edge, sampled, with each point's geodesic distance from the road."""

    km: np.ndarray  # chainage of the nearest road point
    side: np.ndarray  # +1 north, -1 south
    depth_km: np.ndarray


class Context:
    """The model and the catalogue, with measurements computed once and shared by the checkers."""

    def __init__(self, model: Model, events: Mapping[str, Mapping[str, Any]]) -> None:
        self.model = model
        self.events = events

    def point(self, place_id: str) -> tuple[float, float, float] | None:
        """Lon, lat and uncertainty (km) of a gazetteer place; ``None`` if unknown."""
        if place_id in self.model.gazetteer:
            p = self.model.gazetteer[place_id]
            return p.lon, p.lat, p.uncertainty_m / 1000
        return None

    def name(self, place_id: str) -> str:
        """A place's display name."""
        if place_id in self.model.gazetteer:
            return self.model.gazetteer[place_id].name
        return place_id.replace("-", " ").title()

    @cached_property
    def edges(self) -> Edges:
        """The drawn (unclipped) corridor's edge, measured against the road."""
        return _measure_edges(self.model)


def num(value: float, digits: int = 2) -> str:
    """Fixed-precision text for a number, trailing zeros removed (``6.00`` -> ``6``)."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def half_unit(value: float) -> float:
    """Half a unit of the last digit a figure is given to: 3.7 -> 0.05, 19 -> 0.5."""
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return 0.5 * 10.0 ** min(int(exponent), 0)


def share_verdict(share: float) -> str:
    """Verdict for a figure that holds on ``share`` of the road (or of the corridor's edge)."""
    if share <= 0:
        return "contradicted"
    return "supported" if share > SUPPORTED_SHARE else "partly"


def combine(tests: list[bool]) -> str:
    """Supported when every test holds, partly when some do, contradicted when none does."""
    return "supported" if all(tests) else ("partly" if any(tests) else "contradicted")


def runs(km: np.ndarray, mask: np.ndarray) -> list[list[float]]:
    """Chainage ranges [from, to] of consecutive samples where ``mask`` holds."""
    out: list[list[float]] = []
    start = None
    for i, ok in enumerate(mask):
        if ok and start is None:
            start = i
        if start is not None and (not ok or i == len(mask) - 1):
            end = i if ok else i - 1
            out.append([round(float(km[start]), 1), round(float(km[end]), 1)])
            start = None
    return out


def ranges_text(stretches: list[list[float]]) -> str:
    """``km 10–19, km 75–101``, or ``nowhere``."""
    return ", ".join(f"km {num(a, 1)}–{num(b, 1)}" for a, b in stretches) or "nowhere"


def _measure_edges(model: Model) -> Edges:
    route, corridor = model.route, model.corridor
    sec, half_km = corridor.section, corridor.half_width_m / 1000
    pts = edge_samples(corridor.unclipped, spacing_deg=EDGE_SPACING_DEG)
    km, side = route.locate(pts[:, 0], pts[:, 1])
    # Leave out the square ends, where the edge is the cap rather than a line beside the road.
    keep = (km > sec.km_from + half_km) & (km < sec.km_to - half_km)
    line = route.stretch(sec.km_from, sec.km_to)
    dist, _, _ = nearest_on_line_m(pts[keep, 0], pts[keep, 1], line, window_m=150, step_m=10)
    return Edges(km[keep], side[keep], dist / 1000)


def not_checkable(check: Mapping[str, Any], _ctx: Context) -> Finding:
    """A claim the model cannot test; the reason is the evidence."""
    return Finding(None, None, "", "not_checkable", str(check.get("reason", "")), "none")


@dataclass(frozen=True)
class ClaimResult:
    """One claim, what the model says about it, and the verdict."""

    source_seed: str | None
    outlet: str
    source_title: str
    published: str | None
    claim_id: str
    claim: str
    attributed_to: str
    kind: str
    check: dict[str, Any]
    stated: dict[str, Any]
    finding: Finding

    @property
    def verdict(self) -> str:
        """``supported``, ``contradicted``, ``partly`` or ``not_checkable``."""
        return self.finding.verdict

    @property
    def evidence(self) -> str:
        """Where the claim holds and where not, with numbers."""
        return self.finding.evidence

    @property
    def model(self) -> dict[str, Any]:
        """The model's value, its unit and how it was computed."""
        f = self.finding
        return {"value": f.value, "unit": f.unit, "method": f.method}

    @property
    def where(self) -> dict | None:
        """Where the claim applies (chainage stretches, a point, a transect), or ``None``."""
        return self.finding.where
