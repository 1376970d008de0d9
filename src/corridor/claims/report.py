"""``claims.md``: the checked claims as a readable report, and the one-line summary for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corridor.claims.base import (
    ABOUT_TOLERANCE_KM,
    APPROX_DAYS,
    AXIS_HALF_SECTOR_DEG,
    COMPASS_HALF_SECTOR_DEG,
    KM_PER_MILE,
    SUPPORTED_SHARE,
    VERDICTS,
    WIDTH_TOLERANCE_KM,
    ClaimResult,
    num,
)

_INTRO = (
    "Each statement the five seed articles make (as recorded, in the project's words, in `seeds/`) "
    "is set against the geographic model and the event catalogue, together with three descriptions "
    "from the research record of where Tronba lies. A verdict is **supported**, **contradicted**, "
    "**partly** (the evidence says where it holds and where not) or **not checkable** (the evidence "
    "says why). Unless the verdict says otherwise it rests on a measurement of the model; otherwise "
    "its basis is named beside it: *by construction* (the model was built from that very statement, "
    "so agreement proves nothing), *record* (sourced facts outside the model), *catalogue* (the "
    "event catalogue) or *arithmetic* (sums on the claim's own figures or dates)."
)


def summary_line(results: Sequence[ClaimResult]) -> str:
    """One line for the terminal: how many claims got each verdict."""
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    parts = ", ".join(f"{counts[v]} {v.replace('_', ' ')}" for v in VERDICTS)
    return f"Claims checked: {len(results)} ({parts})."


def _tolerances() -> str:
    return (
        f"Tolerances: widths ±{num(WIDTH_TOLERANCE_KM)} km (figures in whole km); "
        f'"about 30 km" ±{num(ABOUT_TOLERANCE_KM)} km; miles at the precision the article gives '
        f"(1 mi = {KM_PER_MILE} km exactly); compass points ±{num(COMPASS_HALF_SECTOR_DEG)}°, "
        "widened by the angle the points' uncertainty subtends; a road's direction within "
        f"{num(AXIS_HALF_SECTOR_DEG, 0)}° of the axis; approximate catalogue dates ±{APPROX_DAYS} "
        f"days. A distance or width that holds on more than {num(100 * SUPPORTED_SHARE, 0)}% of the "
        "road is supported; on less, partly."
    )


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _value(value: Any, unit: str | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, dict):
        return "; ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        numeric = len(value) == 2 and all(isinstance(v, int | float) for v in value)
        text = ("–" if numeric else ", ").join(
            num(v, 3) if isinstance(v, float) else str(v) for v in value
        )
    else:
        text = num(value, 3) if isinstance(value, float) else str(value)
    if unit in ("day", "month", "year") and value != 1:
        unit += "s"
    return text if unit in (None, "places", "outcome", "count", "date") else f"{text} {unit}"


def _table(results: Sequence[ClaimResult]) -> list[str]:
    lines = [
        "| claim | attributed to | stated | model | verdict | evidence |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        stated = _value(r.stated["value"], r.stated["unit"]) + f" ({r.stated['qualifier']})"
        model = _value(r.finding.value, r.finding.unit)
        model += f" ({r.finding.method})" if r.finding.method else ""
        verdict = f"**{r.verdict.replace('_', ' ')}**"
        if r.finding.basis not in ("model", "none"):
            verdict += f" ({r.finding.basis})"
        cells = [f"`{r.claim_id}` {r.claim}", r.attributed_to, stated, model, verdict, r.evidence]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _who(r: ClaimResult) -> str:
    return f"{r.outlet} ({r.source_seed[:3]})" if r.source_seed else r.outlet


def _said(group: Sequence[ClaimResult]) -> str:
    return "; ".join(f"{_who(r)}: {r.claim.rstrip('.')} ({r.verdict})" for r in group)


def _width(results: Sequence[ClaimResult]) -> list[str]:
    group = [r for r in results if r.kind in ("corridor_half_width", "corridor_total_width")]
    across = {
        float(r.stated["value"]) * (2 if r.kind == "corridor_half_width" else 1) for r in group
    }
    if len(across) < 2:
        return []
    first = group[0]
    text = f"**Corridor width.** {_said(group)}. The protocol sets 6 km deep on each side"
    if first.finding.value is None:  # not checkable on this section: the reason is in the table
        return [f"{text}; the model's width could not be measured on this section."]
    model = first.finding.value * (2 if first.kind == "corridor_half_width" else 1)
    return [f"{text}; the model's corridor is {num(model)} km across."]


def _links(results: Sequence[ClaimResult]) -> list[str]:
    group = [r for r in results if r.kind == "road_links" and r.check["road"] != "m5"]
    if len({tuple(r.check["places"]) for r in group}) < 2:
        return []
    return [
        f"**What the M4 joins.** {_said(group)}. The modelled road runs {group[0].model['value']}."
    ]


def _by_event(results: Sequence[ClaimResult], kind: str) -> dict[str, list[ClaimResult]]:
    groups: dict[str, list[ClaimResult]] = {}
    for r in results:
        if r.kind == kind and r.where:
            groups.setdefault(r.where["event_id"], []).append(r)
    return dict(sorted(groups.items()))


def _outcomes(results: Sequence[ClaimResult]) -> list[str]:
    out = []
    for event_id, group in _by_event(results, "patrol_outcome").items():
        if len({r.check["outcome"] for r in group}) > 1 or group[0].model["value"] == "disputed":
            said = "; ".join(
                f"{_who(r)}, citing {r.attributed_to}: {r.stated['value']}" for r in group
            )
            catalogue = group[0].evidence.split(". ")[0]
            out.append(f"**How `{event_id}` ended.** {said}. {catalogue}.")
    return out


def _dates(results: Sequence[ClaimResult]) -> list[str]:
    out = []
    for event_id, group in _by_event(results, "event_date").items():
        if any(r.verdict != "supported" for r in group):
            value = group[0].model["value"]
            out.append(f"**When `{event_id}` happened.** {_said(group)}. Catalogue: {value}.")
    return out


def _numbers(results: Sequence[ClaimResult]) -> list[str]:
    out = []
    for event_id, group in _by_event(results, "patrol_number").items():
        counts = group[0].model["value"]
        if isinstance(counts, dict) and len(set(counts.values())) > 1:
            out.append(f"**Number of `{event_id}`.** {_said(group)}. {group[0].evidence}")
    return out


def _places(results: Sequence[ClaimResult]) -> list[str]:
    groups: dict[str, list[ClaimResult]] = {}
    for r in results:
        if r.kind == "place_offset" and r.check["reference"] != "m4":
            groups.setdefault(r.check["place"], []).append(r)
    out = []
    for group in (g for _, g in sorted(groups.items())):
        if len({r.verdict for r in group}) > 1:
            said = "; ".join(
                f"{_who(r)}: {r.claim.rstrip('.')} ({r.verdict}, {r.finding.basis})" for r in group
            )
            name = group[0].where["label"].split(":")[0] if group[0].where else group[0].claim_id
            out.append(f"**Where {name} lies.** {said}.")
    return out


def disagreements(results: Sequence[ClaimResult]) -> list[str]:
    """Bullet texts for the topics on which the sources (or a source and the model) differ."""
    topics = (_width, _links, _outcomes, _numbers, _dates, _places)
    return [text for topic in topics for text in topic(results)]


def claims_markdown(results: Sequence[ClaimResult]) -> str:
    """The content of ``claims.md``: an introduction, one table per source, then the disagreements."""
    lines = [
        "# Claims in the seed articles, checked against the model",
        "",
        _INTRO,
        "",
        _tolerances(),
        "",
        summary_line(results),
    ]
    sources: dict[tuple[str, str], list[ClaimResult]] = {}
    for r in results:
        sources.setdefault((r.source_seed or "~", r.outlet), []).append(r)
    for group in sources.values():
        head = group[0]
        origin = f"seed `{head.source_seed}`" if head.source_seed else "research record"
        lines += ["", f"## {head.outlet}: {head.source_title} ({head.published or 'undated'})"]
        lines += ["", f"Source: {origin}.", "", *_table(group)]
    lines += ["", "## Where the sources disagree", ""]
    lines += [f"- {_cell(text)}" for text in disagreements(results)] or ["- Nowhere."]
    return "\n".join(lines) + "\n"
