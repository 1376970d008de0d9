"""Plain-text tables for the terminal: the border check as ``corridor build`` prints it."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd

from corridor.events.period import load_arrangement
from corridor.events.readers import ImportResult
from corridor.geo.model import Model

#: How many bad rows the terminal shows; rejected_events.csv has them all.
SHOWN_REJECTIONS = 10


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*r) for r in rows]
    return "\n".join(lines)


def _range(ranges: dict, key: str, unit: str, *, signed: bool = False) -> str:
    if key not in ranges:
        return ""
    lo, hi = ranges[key]
    fmt = "+.2f" if signed else ".2f"
    return f" [{lo:{fmt}} to {hi:{fmt}} {unit}]"


def _stretches(runs: list[dict]) -> str:
    return "; ".join(f"km {s['km_from']:.0f}–{s['km_to']:.0f}" for s in runs) or "nowhere"


def border_report(model: Model) -> str:
    """The border check as a readable text report."""
    b = model.border_check
    r = b.ranges
    sec = model.corridor.section
    lon, lat, km = b.m4_min_at
    v = b.verdict_details
    lines = [
        (
            f"Corridor section {sec.label}: {sec.length_km:.1f} km of road, "
            f"{model.corridor.half_width_m / 1000:g} km each side "
            f"(north {model.corridor.area_km2('north'):.1f} km², "
            f"south {model.corridor.area_km2('south'):.1f} km²)."
        ),
        f"Road modelled from: {model.route.source} ({model.route.length_km:.1f} km, Latakia–Aleppo).",
        "",
        "Distance to the Turkish border (geodesic; [range] with the road shifted by its stated",
        "uncertainty towards and away from the border, see border_check.json 'uncertainty'):",
        (
            f"  closest point of the M4: {b.m4_min_km:.2f} km{_range(r, 'm4_min_km', 'km')} "
            f"at km {km:.1f} ({lat:.5f} N, {lon:.5f} E)"
        ),
        f"  along the corridor section: {b.section_min_km:.2f} to {b.section_max_km:.2f} km",
        (
            f"  corridor's northern edge: {b.north_edge_min_km:+.2f} km"
            f"{_range(r, 'north_edge_min_km', 'km', signed=True)} "
            "(negative: it would reach into Turkey before clipping)"
        ),
        f"  cut off at the border: {b.clipped_km2:.2f} km²{_range(r, 'corridor_clipped_km2', 'km²')}",
        "",
    ]
    on = _stretches(v["holds_on"])
    lines.append(
        f'"About {v["claimed_km"]:g} km from the border" (±{v["tolerance_km"]:g} km): '
        f"{v['verdict']}. Holds on {on}; "
        f"{v['share_of_road'] * 100:.0f}% of the road, {v['share_of_section'] * 100:.0f}% of the section."
    )
    if "claim_30km" in r:
        lo, hi = r["claim_30km"]["share_of_road_range"]
        north = _stretches(r["claim_30km"]["holds_on_road_shifted_north"])
        south = _stretches(r["claim_30km"]["holds_on_road_shifted_south"])
        lines.append(
            f"  With the road shifted by its uncertainty: {lo * 100:.0f}–{hi * 100:.0f}% of the road; "
            f"holds on {north} (shifted north), {south} (shifted south)."
        )
    lines.append("")
    rows = [
        [
            p.name + (" *" if p.is_derived else ""),
            f"{model.place_km[p.id]:.1f}",
            f"{model.place_offset_km[p.id]:.1f}",
            f"{b.place_km[p.id]:.1f}",
            f"±{p.uncertainty_m / 1000:.1f}",
        ]
        for p in sorted(model.places, key=lambda p: model.place_km[p.id])
        if model.place_offset_km[p.id] < 50
    ]
    lines.append(
        _table(["place", "km from Latakia", "off road km", "border km", "position km"], rows)
    )
    if any(p.is_derived for p in model.places):
        lines.append("* derived position (see places.geojson 'derivation')")
    return "\n".join(lines)


def road_report(model: Model) -> str:
    """Every reported along-road distance against the modelled road, as model ÷ reported."""
    rows = [
        [
            f"{model.gazetteer[c.reported.from_id].name}–{model.gazetteer[c.reported.to_id].name}",
            f"{'about ' if c.reported.approx else ''}{c.reported.reported_km:g}",
            f"{c.model_km:.1f}",
            f"{c.ratio:.2f}",
            c.reported.source.split(":")[0].split(",")[0].split(" via ")[0],
        ]
        for c in model.road_check
    ]
    lines = [
        (
            f"The road against the reported distances ({model.route.length_km:.1f} km modelled "
            "Latakia–Aleppo; a line through named places is shorter than a winding road):"
        ),
        _table(["stretch", "reported km", "model km", "model ÷ reported", "source"], rows),
    ]
    return "\n".join(lines)


def settlements_report(model: Model) -> str:
    """Settlements in each half of the corridor, and the corridor's area per governorate/district."""
    s = model.settlements
    inside = s[s["in_corridor"]]
    north = int((inside["corridor_half"] == "north").sum())
    south = int((inside["corridor_half"] == "south").sum())
    on_road = int((inside["corridor_half"] == "road").sum())
    lines = [
        (
            f"Settlements (GeoNames via Who's On First, {len(s):,} within 25 km of the road): "
            f"{len(inside):,} in the corridor, {north:,} in the northern half (Turkey's patrols), "
            f"{south:,} in the southern half (Russia's)"
            + (f", {on_road:,} on the road between them" if on_road else "")
            + "; listed in settlements_in_corridor.csv."
        ),
        "Corridor by governorate and district (corridor_admin.csv):",
    ]
    a = model.corridor_admin
    rows = [
        [
            f"{r.level}: {r.name}",
            f"{r.north_km2:.1f}",
            f"{r.south_km2:.1f}",
            f"{r.share * 100:.1f}%",
            f"{r.settlements_north + r.settlements_south + r.settlements_on_road:,}",
        ]
        for r in a.itertuples()
        if r.total_km2 >= 0.05
    ]
    lines.append(_table(["area", "north km²", "south km²", "share", "settlements"], rows))
    return "\n".join(lines)


#: The events table's columns after the source: what each count means is in its heading line.
EVENT_COLUMNS = ["read", "kept", "flagged", "inside", "possibly", "inside in force", "rejected"]


def _counts(group: gpd.GeoDataFrame) -> list[str]:
    member = group["corridor_membership"]
    inside = member.eq("inside").to_numpy(dtype=bool)
    forced = group["in_force"].fillna(value=False).to_numpy(dtype=bool)
    return [
        f"{int((~group['in_study_area']).sum()):,}",
        f"{int(inside.sum()):,}",
        f"{int(member.eq('possibly').sum()):,}",
        f"{int((inside & forced).sum()):,}",
    ]


def events_report(events: gpd.GeoDataFrame, imports: Sequence[ImportResult]) -> str:
    """Events read, kept, flagged (outside the study area), in the corridor and rejected, per source.

    ``inside`` counts the events whose whole uncertainty disc lies in the corridor, ``possibly``
    those whose disc crosses its edge (``corridor_membership``), and ``inside in force`` the inside
    ones dated within the corridor's period (``in_force``).
    """
    rows = []
    for origin, group in events.groupby("origin", sort=False):
        result = next((r for r in imports if r.table is not None and origin == _name(r.file)), None)
        read = result.read if result else len(group)
        rejected = len(result.rejected) if result else 0
        rows.append([str(origin), f"{read:,}", f"{len(group):,}", *_counts(group), f"{rejected:,}"])
    for r in imports:
        if not len(r.table):
            rows.append(
                [_name(r.file), f"{r.read:,}", "0", "0", "0", "0", "0", f"{len(r.rejected):,}"]
            )
    heading = (
        "Events (flagged: outside the study area, kept and marked in_study_area = false; inside: the "
        "whole uncertainty disc is in the corridor; possibly: the disc crosses its edge; in force: "
        f"dated within {load_arrangement().label()}):"
    )
    lines = [
        heading,
        _table(["source", *EVENT_COLUMNS], rows),
    ]
    lines += [f"Warning: {note}" for r in imports for note in r.notices]
    bad = [x for r in imports for x in r.rejected]
    if bad:
        lines.append(f"Rejected rows ({len(bad):,}; all listed in rejected_events.csv):")
        lines += [f"  {x}" for x in bad[:SHOWN_REJECTIONS]]
        if len(bad) > SHOWN_REJECTIONS:
            lines.append(f"  ... and {len(bad) - SHOWN_REJECTIONS:,} more")
    return "\n".join(lines)


def _name(path: str) -> str:
    from pathlib import Path

    return Path(path).name
