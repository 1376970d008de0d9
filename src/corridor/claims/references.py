"""Statements from the research record (not the seed articles) that are checked like the seeds' claims.

They are what the project once used to place villages by rule ("Trumba 2 km west of Saraqib", the
patrol route's 70 km); now that every place stands at its gazetteer point they are tested instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corridor.claims.seeds import Claim, Stated


@dataclass(frozen=True)
class ReferenceSource:
    """A source from the research record (not a seed article) whose statements are checked too."""

    outlet: str
    title: str
    published: str | None
    url: str
    claims: tuple[Claim, ...]


def _offset(claim_id: str, text: str, by: str, km: float, ref: str, direction: str) -> Claim:
    word = {"W": "west", "S": "south", "SE": "south-east"}[direction]
    return Claim(
        id=claim_id,
        statement=text,
        attributed_to=by,
        stated=Stated(km, "km", f"{word} of {ref.title()}"),
        check={
            "kind": "place_offset",
            "place": "tronba",
            "reference": ref,
            "distance_km": km,
            "direction": direction,
        },
    )


#: Where the research record's sources put places (record.md §1.1, §2, §3; record-after-2020.md §5):
#: Tronba relative to Saraqib and Idlib, the patrol route's length, Bdama's distance from the border and
#: where the 13th patrol stopped. Every place now stands at its gazetteer point, so these test the
#: sources against the gazetteer and the modelled road; none of them places anything.
def _road(claim_id: str, text: str, by: str, km: float, approx: bool = False) -> Claim:
    return Claim(
        id=claim_id,
        statement=text,
        attributed_to=by,
        stated=Stated(km, "km", "along the M4 from Tronba to Ain al-Hawr"),
        check={
            "kind": "road_distance",
            "from": "tronba",
            "to": "ain-al-hawr",
            "distance_km": km,
            "approx": approx,
        },
    )


def _claim(claim_id: str, text: str, by: str, stated: Stated, check: dict[str, Any]) -> Claim:
    return Claim(id=claim_id, statement=text, attributed_to=by, stated=stated, check=check)


REFERENCE_SOURCES: tuple[ReferenceSource, ...] = (
    ReferenceSource(
        "Additional Protocol (Moscow)",
        "Para. 3 of the Additional Protocol on Idlib (English text, Voltaire Network)",
        "2020-03-05",
        "https://www.voltairenet.org/article209431.html",
        (
            _offset(
                "ref-tronba-west-of-saraqib",
                "The patrols start from Trumba (Tronba), 2 km west of Saraqib.",
                "Additional Protocol, para. 3",
                2,
                "saraqib",
                "W",
            ),
        ),
    ),
    ReferenceSource(
        "eSyria",
        "eSyria's description of Tronba",
        None,
        "http://www.esyria.sy/eidleb/index.php?p=stories&category=places&filename=201006150855021",
        (
            _offset(
                "ref-tronba-south-of-idlib",
                "Tronba lies 23 km south of Idlib city.",
                "eSyria",
                23,
                "idlib",
                "S",
            ),
        ),
    ),
    ReferenceSource(
        "SMART News Agency",
        "Opposition factions regain control of Tronba village, Idlib",
        "2020-02-27",
        "https://smartnews-agency.com/en/wires/2020-02-27-opposition-factions-regain-control-of-tronba-village-idlib",
        (
            _offset(
                "ref-tronba-south-east-of-idlib",
                "Tronba lies 15 km south-east of Idlib.",
                "SMART News Agency",
                15,
                "idlib",
                "SE",
            ),
        ),
    ),
    ReferenceSource(
        "Turkish Ministry of Defence (via Internethaber)",
        "The Turkish–Russian joint patrol, supported from the air",
        None,
        "https://www.internethaber.com/turk-rus-ortak-devriyesi-ihalar-zirhli-araclara-havadan-destek-verdi-2119958h.htm",
        (
            _road(
                "ref-patrol-route-70-km",
                "The joint patrol route from Trumba to Ain al-Hawr is 70 km long.",
                "Turkish Ministry of Defence",
                70,
            ),
        ),
    ),
    ReferenceSource(
        "Russian Reconciliation Centre (via TASS)",
        "Russian and Turkish patrol first fully inspected the M4 highway",
        None,
        "https://freetvonline.live/russian-and-turkish-patrol-first-fully-inspected-m4-highway-in-syria/",
        (
            _road(
                "ref-patrol-route-71-km",
                "The patrol covered the whole 71 km route from Trumba to Ain al-Hawr.",
                "Russian Reconciliation Centre",
                71,
            ),
        ),
    ),
    ReferenceSource(
        "Radio Alkul",
        "Joint patrol on the M4, 12 August 2020",
        "2020-08-12",
        "https://radioalkul.com/p333800",
        (
            _road(
                "ref-patrol-route-73-km",
                "The patrol route from Tronba to Ain al-Hawr runs about 73 km along the M4.",
                "Radio Alkul",
                73,
                approx=True,
            ),
        ),
    ),
    ReferenceSource(
        "Arabic Wikipedia (mirror)",
        "Bdama",
        None,
        "https://defzone.net/wiki/ar/%D8%A8%D8%AF%D8%A7%D9%85%D8%A7",
        (
            _claim(
                "ref-bdama-border-2-km",
                "Bdama, which the M4 crosses, lies about 2 km from the Turkish border.",
                "Arabic Wikipedia",
                Stated(2, "km", "from the Turkish border"),
                {"kind": "place_border_distance", "place": "bdama", "value_km": 2},
            ),
        ),
    ),
    ReferenceSource(
        "ISW News (Arabic)",
        "The 13th joint patrol on the M4",
        "2020-05-28",
        "https://arabic.iswnews.com/?p=8668",
        (
            _claim(
                "ref-kafr-shalaya-few-km-past-ariha",
                "The 13th patrol stopped at the eastern entrance of Kafr Shalaya, a few km past Ariha.",
                "ISW News; South Front",
                Stated([2, 5], "km", "past Ariha along the M4 ('a few km')"),
                {
                    "kind": "road_distance",
                    "from": "ariha",
                    "to": "kafr-shalaya",
                    "min_km": 2,
                    "max_km": 5,
                },
            ),
        ),
    ),
)
