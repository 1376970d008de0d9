"""What the map draws of the places: a dot, a label on the side where it collides least, a
dashed circle for a derived position's uncertainty, and a popup with its source.
"""

from __future__ import annotations

from typing import Any

from corridor.events.tagging import STUDY_AREA_KM
from corridor.webmap import convert as cv

# Places whose label reads better on another side of the dot than the right (neighbours collide).
_LABEL_SIDE = {
    "tronba": "left",
    "sarmin": "top",
    "al-nayrab": "bottom",
    "idlib": "top",
    "al-mastumah": "left",
    "msibin": "right",
    "muhambal": "bottom",
    "kafr-shalaya": "top",
    "urum-al-jawz": "right",
    "bsanqul": "top",
    "al-kafir": "bottom",
    "al-ghassaniyah": "top",
    "bdama": "bottom",
    "ain-al-hawr": "left",
}

#: The towns a reader looks for first (the corridor's ends and the towns the record names most):
#: their labels win every collision. The other gazetteer places come next, derived places last.
KEY_PLACES = frozenset(
    {"saraqib", "tronba", "ariha", "jisr-al-shughur", "bdama", "idlib", "ain-al-hawr"}
)


def place_marks(layers: Any, model: Any) -> list[dict[str, Any]]:
    """The places within the study area: position, label side, uncertainty and popup."""
    ends = {model.corridor.section.from_id, model.corridor.section.to_id}
    drawn = []
    for p in layers.places.to_dict("records"):
        if p["road_offset_km"] > STUDY_AREA_KM:  # Moscow, Ankara: named in the far-events panel
            continue
        derived = bool(p["derived"])
        along = f"km {p['chainage_km']:.1f} from Latakia"
        if p["side"] != "road":
            along += f", {p['road_offset_km']:.1f} km {p['side']} of the road"
        position = (
            f"derived: {p['derivation']}"
            if derived
            else "gazetteer"
            + (f" (GeoNames {p['geonames_id']})" if not cv.missing(p["geonames_id"]) else "")
        )
        info = cv.info(
            k="Derived place" if derived else "Place",
            t=" · ".join(x for x in (cv.text(p["name"]), cv.text(p["name_ar"])) if x),
            rows=[
                ("Along the M4", along),
                ("To the Turkish border", f"{p['border_km']:.1f} km"),
                ("Position", position),
                ("Uncertainty", f"± {p['uncertainty_m'] / 1000:g} km"),
                ("Also written", cv.text(p["alt_names"]).replace("|", ", ")),
            ],
            notes=[p["note"]],
            src=[(p["source"], p["source_url"])],
        )
        drawn.append(
            {
                "ll": cv.ll(p["geometry"].x, p["geometry"].y),
                "name": cv.text(p["name"]),
                "derived": derived,
                "unc": round(float(p["uncertainty_m"])) if derived else 0,
                "major": (not derived) or p["id"] in ends,
                "key": p["id"] in KEY_PLACES or p["id"] in ends,
                "dir": _LABEL_SIDE.get(p["id"], "right"),
                "info": info,
            }
        )
    return drawn
