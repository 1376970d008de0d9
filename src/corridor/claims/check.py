"""Every claim of the seed articles checked against the model: stated value, model value, verdict, evidence.

:func:`check_claims` runs one checker per check kind (:data:`CHECKERS`; the geographic ones are in
:mod:`corridor.claims.checks`, the catalogue and calendar ones in :mod:`corridor.claims.timeline`, and the
tolerances, each with its justification, in :mod:`corridor.claims.base`) over every claim in ``seeds/``,
plus eight statements from the research record (:mod:`corridor.claims.references`). :func:`claims_document` and :func:`claims_markdown` give the
content of ``claims.json`` and ``claims.md``; :func:`where_features` turns the claims that have a place
into GeoJSON for the map.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from corridor.claims.base import (
    ABOUT_TOLERANCE_KM,
    APPROX_DAYS,
    AXIS_HALF_SECTOR_DEG,
    BASES,
    COMPASS_HALF_SECTOR_DEG,
    KM_PER_MILE,
    MAJORITY_SHARE,
    ON_ROAD_MIN_KM,
    SUPPORTED_SHARE,
    VERDICTS,
    WIDTH_TOLERANCE_KM,
    ClaimResult,
    Context,
    Finding,
    not_checkable,
)
from corridor.claims.checks import (
    check_border_distance,
    check_half_width,
    check_place_offset,
    check_road_links,
    check_road_orientation,
    check_total_width,
    check_unit_conversion,
)
from corridor.claims.references import REFERENCE_SOURCES, ReferenceSource
from corridor.claims.report import claims_markdown, summary_line
from corridor.claims.roads import check_place_border_distance, check_road_distance
from corridor.claims.seeds import Claim, SeedRecord, load_seeds
from corridor.claims.timeline import (
    check_duration,
    check_event_date,
    check_patrol_number,
    check_patrol_outcome,
)
from corridor.events.catalogue import events_by_id, load_catalogue
from corridor.geo.model import Model

__all__ = [
    "ABOUT_TOLERANCE_KM",
    "APPROX_DAYS",
    "AXIS_HALF_SECTOR_DEG",
    "BASES",
    "CHECKERS",
    "COMPASS_HALF_SECTOR_DEG",
    "KM_PER_MILE",
    "MAJORITY_SHARE",
    "ON_ROAD_MIN_KM",
    "REFERENCE_SOURCES",
    "SUPPORTED_SHARE",
    "VERDICTS",
    "WIDTH_TOLERANCE_KM",
    "ClaimResult",
    "ReferenceSource",
    "check_claims",
    "claims_document",
    "claims_markdown",
    "run_check",
    "summary_line",
    "where_features",
]


#: One checker per seed check kind (seeds/README.md).
CHECKERS: Mapping[str, Callable[[Mapping[str, Any], Context], Finding]] = {
    "corridor_half_width": check_half_width,
    "corridor_total_width": check_total_width,
    "unit_conversion": check_unit_conversion,
    "border_distance": check_border_distance,
    "road_links": check_road_links,
    "road_orientation": check_road_orientation,
    "place_offset": check_place_offset,
    "road_distance": check_road_distance,
    "place_border_distance": check_place_border_distance,
    "event_date": check_event_date,
    "patrol_outcome": check_patrol_outcome,
    "patrol_number": check_patrol_number,
    "duration": check_duration,
    "not_checkable": not_checkable,
}


def run_check(check: Mapping[str, Any], ctx: Context) -> Finding:
    """Dispatch on ``check["kind"]``; an unknown kind is not checkable, and says so."""
    kind = check.get("kind")
    checker = CHECKERS.get(str(kind))
    if checker is None:
        return not_checkable({"reason": f"no checker for the check kind {kind!r}"}, ctx)
    return checker(check, ctx)


def _result(
    claim: Claim,
    ctx: Context,
    *,
    seed: str | None,
    outlet: str,
    title: str,
    published: str | None,
) -> ClaimResult:
    finding = run_check(claim.check, ctx)
    if (
        finding.where is None
        and claim.stated.unit == "places"
        and isinstance(claim.stated.value, str)
    ):
        point = ctx.point(claim.stated.value)
        if point is not None:
            where = {"kind": "point", "lon": round(point[0], 6), "lat": round(point[1], 6)}
            finding = dataclasses.replace(finding, where={**where, "label": claim.statement})
    return ClaimResult(
        source_seed=seed,
        outlet=outlet,
        source_title=title,
        published=published,
        claim_id=claim.id,
        claim=claim.statement,
        attributed_to=claim.attributed_to,
        kind=claim.kind,
        check=dict(claim.check),
        stated={
            "value": claim.stated.value,
            "unit": claim.stated.unit,
            "qualifier": claim.stated.qualifier,
        },
        finding=finding,
    )


def check_claims(
    model: Model,
    seeds: Sequence[SeedRecord] | None = None,
    catalogue: Sequence[Mapping[str, Any]] | None = None,
    *,
    reference: bool = True,
) -> list[ClaimResult]:
    """Check every claim of every seed record against ``model`` and the event catalogue.

    Parameters
    ----------
    model
        The computed model (:func:`corridor.geo.model.compute`).
    seeds, catalogue
        Seed records and catalogue events; by default the committed ones.
    reference
        Also check the research record's statements of where Tronba lies (:data:`REFERENCE_SOURCES`).

    Returns
    -------
    list of ClaimResult
        Seeds in id order, claims in record order, then the reference statements.
    """
    seeds = load_seeds() if seeds is None else seeds
    events = events_by_id(load_catalogue() if catalogue is None else catalogue)
    ctx = Context(model, events)
    results = [
        _result(
            claim,
            ctx,
            seed=s.id,
            outlet=s.outlet,
            title=s.headline,
            published=s.published.date,
        )
        for s in sorted(seeds, key=lambda s: s.id)
        for claim in s.claims
    ]
    for src in REFERENCE_SOURCES if reference else ():
        results += [
            _result(c, ctx, seed=None, outlet=src.outlet, title=src.title, published=src.published)
            for c in src.claims
        ]
    return results


def claims_document(results: Iterable[ClaimResult]) -> list[dict[str, Any]]:
    """The content of ``claims.json``: one JSON-ready object per claim, in check order."""
    return [
        {
            "source_seed": r.source_seed,
            "outlet": r.outlet,
            "claim_id": r.claim_id,
            "kind": r.kind,
            "claim": r.claim,
            "attributed_to": r.attributed_to,
            "stated": r.stated,
            "model": r.model,
            "verdict": r.verdict,
            "basis": r.finding.basis,
            "evidence": r.evidence,
            "where": r.where,
        }
        for r in results
    ]


def where_features(results: Iterable[ClaimResult], model: Model) -> dict[str, Any]:
    """The claims that have a place, as a GeoJSON FeatureCollection for the map (lon/lat)."""
    features = []
    for r in results:
        w = r.where
        if not w or w["kind"] == "event":
            continue
        if w["kind"] == "stretches":
            parts = [list(map(list, model.route.stretch(a, b).coords)) for a, b in w["chainage_km"]]
            geometry = {"type": "MultiLineString", "coordinates": _rounded(parts)}
        elif w["kind"] in ("transect", "offset"):
            geometry = {"type": "LineString", "coordinates": w["coords"]}
        else:
            geometry = {"type": "Point", "coordinates": [w["lon"], w["lat"]]}
        props = {
            "claim_id": r.claim_id,
            "outlet": r.outlet,
            "verdict": r.verdict,
            "label": w.get("label", r.claim),
            "claim": r.claim,
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _rounded(parts: list[list[list[float]]]) -> list[list[list[float]]]:
    return [[[round(x, 6), round(y, 6)] for x, y in part] for part in parts]
