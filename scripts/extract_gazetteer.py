"""Re-derive the study area's settlements and admin polygons from a Who's On First checkout.

Reads every record under ``data/`` of a checkout of ``whosonfirst-data/whosonfirst-data-admin-sy``
(one GeoJSON file per place), keeps the localities (points) and the regions and counties (polygons)
whose bounding box meets the gazetteer box, and writes:

- ``geodata/settlements.csv``: the localities within :data:`STUDY_KM` km of the modelled M4;
- ``geodata/admin.geojson``: the governorates (WOF ``region``) and districts (``county``), each level
  simplified as a coverage (shared edges stay shared) and with the error of the simplification
  measured;
- their entries in ``geodata/provenance.json``.

The selection rules are those of the shared extract (``../shared/reference/gazetteer/README.md``):
deprecated and superseded records are left out; ``name_ar`` is every Arabic name, ``variants`` every
other name WOF holds, each sorted and ``|``-separated. ``tests/test_settlements_data.py`` checks that
the committed rows equal the shared extract's.

Usage::

    python scripts/extract_gazetteer.py /path/to/whosonfirst-data-admin-sy
    # after a change of the modelled road, settlements.csv only, from the shared extract:
    python scripts/extract_gazetteer.py --localities ../shared/reference/gazetteer/localities.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from _registry import GEODATA, ROOT, update_provenance, write_text

REPOSITORY = "whosonfirst-data/whosonfirst-data-admin-sy"
COMMIT = "2db0f03b9f9d24bd371f318759d3e56c816c333e"
COMMIT_DATE = "2024-03-05"
#: sha256 over the sorted (path, sha256) list of every record read at :data:`COMMIT`; a checkout at
#: another commit (or edited) gives another value and the script stops.
RECORDS_SHA256 = "8f47f65c29fb02b77f8a1d2889c346639bd47f72e539c41db6e4c0dbf42e5293"
#: The gazetteer box (west, south, east, north): the road with 25 km or more on either side.
BOX = (35.60, 35.30, 37.40, 36.50)
#: A locality is part of the study area when it lies within this many km of the modelled road.
STUDY_KM = 25.0
#: Douglas-Peucker tolerance of the coverage simplification of the admin polygons, in metres.
SIMPLIFY_M = 50.0

LOCALITY_COLUMNS = (
    "wof_id",
    "geonames_id",
    "name",
    "wof_name",
    "name_ar",
    "variants",
    "lat",
    "lon",
    "feature_code",
    "population",
    "elevation_m",
    "gn_admin1",
    "geom_source",
    "gn_modified",
    "wof_path",
)
#: What geodata/settlements.csv keeps (a user's columns; the rest stay in the source records).
SETTLEMENT_COLUMNS = (
    "wof_id",
    "geonames_id",
    "name",
    "name_ar",
    "variants",
    "lat",
    "lon",
    "feature_code",
    "population",
)
ADMIN_LEVELS = {"region": "governorate", "county": "district"}

LICENCE = (
    "Who's On First: CC0 1.0; the GeoNames content it carries (names, points, population): CC BY 4.0; "
    "admin polygons: Mesoshapes (CC0)"
)
ATTRIBUTION = (
    "GeoNames, geonames.org; Data from Who's On First (https://whosonfirst.org/docs/licenses/)"
)


class GazetteerError(RuntimeError):
    """The checkout is missing, unreadable or not the pinned commit."""


def _bbox_meets(bounds: Sequence[float], box: Sequence[float] = BOX) -> bool:
    west, south, east, north = bounds
    return not (east < box[0] or west > box[2] or north < box[1] or south > box[3])


def _is_live(props: dict[str, Any]) -> bool:
    """False for deprecated and superseded records (the shared extract leaves them out)."""
    return not props.get("edtf:deprecated") and not props.get("wof:superseded_by")


def _names(props: dict[str, Any], *, arabic: bool) -> str:
    values = {
        v
        for k, vs in props.items()
        if k.startswith("name:") and k.startswith("name:ara_") == arabic
        for v in (vs if isinstance(vs, list) else [vs])
        if v
    }
    return "|".join(sorted(values))


def locality_row(record: dict[str, Any], wof_path: str) -> dict[str, str]:
    """One locality record as a row of the shared extract's columns (all values as text)."""
    p = record["properties"]
    lon, lat = record["geometry"]["coordinates"][:2]
    gn_id = p.get("gn:geonameid", (p.get("wof:concordances") or {}).get("gn:id", ""))
    row = {
        "wof_id": p["wof:id"],
        "geonames_id": gn_id,
        "name": p.get("gn:name", p.get("wof:name", "")),
        "wof_name": p.get("wof:name", ""),
        "name_ar": _names(p, arabic=True),
        "variants": _names(p, arabic=False),
        "lat": round(float(lat), 6),
        "lon": round(float(lon), 6),
        "feature_code": p.get("gn:feature_code", ""),
        "population": p.get("gn:population", ""),
        "elevation_m": p.get("gn:dem", ""),
        "gn_admin1": p.get("gn:admin1_code", ""),
        "geom_source": p.get("src:geom", ""),
        "gn_modified": p.get("gn:modification_date", ""),
        "wof_path": wof_path,
    }
    return {k: str(v) for k, v in row.items()}


def read_checkout(checkout: Path) -> tuple[list[dict[str, str]], list[dict[str, Any]], str]:
    """Read every record under ``checkout/data``.

    Returns
    -------
    localities, admin, digest
        Locality rows (shared-extract columns) and admin records in the box, sorted by latitude,
        longitude and id; and the sha256 over the sorted (path, sha256) list of all records read.
    """
    data = Path(checkout) / "data"
    if not data.is_dir():
        msg = f"{checkout}: no data/ folder; pass a checkout of {REPOSITORY}"
        raise GazetteerError(msg)
    files = sorted(data.rglob("*.geojson"), key=lambda p: p.relative_to(checkout).as_posix())
    if not files:
        raise GazetteerError(f"{data}: no .geojson records")
    listing = hashlib.sha256()
    localities: list[dict[str, str]] = []
    admin: list[dict[str, Any]] = []
    for path in files:
        rel = path.relative_to(checkout).as_posix()
        raw = path.read_bytes()
        listing.update(f"{rel} {hashlib.sha256(raw).hexdigest()}\n".encode())
        try:
            record = json.loads(raw)
            props = record["properties"]
            kind = props.get("wof:placetype")
            geom_type = record["geometry"]["type"]
        except (ValueError, KeyError, TypeError) as exc:
            raise GazetteerError(f"{path}: not a Who's On First record ({exc})") from None
        if not _is_live(props):
            continue
        if kind == "locality" and geom_type == "Point":
            lon, lat = record["geometry"]["coordinates"][:2]
            if _bbox_meets((lon, lat, lon, lat)):
                localities.append(locality_row(record, rel))
        elif kind in ADMIN_LEVELS and geom_type in {"Polygon", "MultiPolygon"}:
            geom = shape(record["geometry"])
            if _bbox_meets(geom.bounds):
                admin.append({"record": record, "geometry": geom, "wof_path": rel})
    localities.sort(key=lambda r: (float(r["lat"]), float(r["lon"]), int(r["wof_id"])))
    admin.sort(key=lambda a: (a["record"]["properties"]["wof:placetype"], a["record"]["id"]))
    return localities, admin, listing.hexdigest()


def road_distance_km(rows: Iterable[dict[str, str]]) -> np.ndarray:
    """Geodesic distance (km) from each row's point to the modelled M4 (the named-place line)."""
    sys.path.insert(0, str(ROOT / "src"))
    from corridor.geo.geodesy import nearest_on_line_m
    from corridor.geo.places import load_gazetteer
    from corridor.geo.route import route_from_places

    rows = list(rows)
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    line = route_from_places(load_gazetteer()).line
    # The projection finds each foot point to within metres; the geodesic minimum within 300 m of it
    # is exact to millimetres (see nearest_on_line_m), and the locality nearest the 25 km line is 15 m from it.
    dist_m, _, _ = nearest_on_line_m(lon, lat, line)
    return dist_m / 1000


def select_settlements(localities: list[dict[str, str]]) -> list[dict[str, str]]:
    """The localities within :data:`STUDY_KM` of the modelled road, with the committed columns."""
    km = road_distance_km(localities)
    return [
        {c: row[c] for c in SETTLEMENT_COLUMNS}
        for row, d in zip(localities, km, strict=True)
        if d <= STUDY_KM
    ]


def csv_text(rows: list[dict[str, str]], columns: Sequence[str]) -> str:
    """CSV with a header and LF line endings."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def simplify_admin(admin: list[dict[str, Any]], tolerance_m: float = SIMPLIFY_M) -> list[dict]:
    """Simplify each level as a coverage in the corridor's projection; measure the error.

    The error of a polygon is the Hausdorff distance (m, in the corridor's conformal projection,
    whose scale is within 2e-5 of true here) between its original and simplified outlines.
    """
    sys.path.insert(0, str(ROOT / "src"))
    from corridor.geo.projection import to_lonlat, to_metric

    out: list[dict] = []
    for level, level_name in ADMIN_LEVELS.items():
        group = [a for a in admin if a["record"]["properties"]["wof:placetype"] == level]
        metric = [to_metric(a["geometry"]) for a in group]
        simple = shapely.coverage_simplify(np.array(metric, dtype=object), tolerance_m)
        for a, before, after in zip(group, metric, simple, strict=True):
            error = shapely.hausdorff_distance(before.boundary, after.boundary, densify=0.05)
            geom = shapely.set_precision(to_lonlat(after), 1e-6)
            geom = shapely.orient_polygons(shapely.make_valid(geom), exterior_cw=False)
            p = a["record"]["properties"]
            out.append(
                {
                    "type": "Feature",
                    "properties": {
                        "wof_id": p["wof:id"],
                        "level": level_name,
                        "wof_placetype": level,
                        "name": p.get("wof:name", ""),
                        "name_ar": "|".join(p.get("name:ara_x_preferred") or []),
                        "parent_wof_id": p.get("wof:parent_id"),
                        "geom_source": p.get("src:geom", ""),
                        "wof_path": a["wof_path"],
                        "vertices_source": int(shapely.get_num_coordinates(a["geometry"])),
                        "vertices": int(shapely.get_num_coordinates(geom)),
                        "simplify_tolerance_m": tolerance_m,
                        "simplify_error_m": round(float(error), 1),
                    },
                    "geometry": mapping(geom),
                }
            )
    return out


def _round(obj: Any) -> Any:
    if isinstance(obj, list | tuple):
        if obj and isinstance(obj[0], float | int):
            return [round(float(v), 6) for v in obj]
        return [_round(v) for v in obj]
    return obj


def admin_text(features: list[dict]) -> str:
    """RFC 7946 FeatureCollection text, one feature per line, six decimals."""
    lines = []
    for f in features:
        geom = {"type": f["geometry"]["type"], "coordinates": _round(f["geometry"]["coordinates"])}
        feature = {"type": "Feature", "properties": f["properties"], "geometry": geom}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    props = {
        "source": f"{REPOSITORY} at {COMMIT} ({COMMIT_DATE})",
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "script": "scripts/extract_gazetteer.py",
    }
    head = json.dumps(props, ensure_ascii=False, sort_keys=True)
    return (
        '{"type":"FeatureCollection","properties":'
        + head
        + ',"features":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )


def provenance_entries(digest: str, counts: dict[str, int]) -> list[dict[str, Any]]:
    """The ``provenance.json`` entries of the two files written."""
    source = {
        "registry": "github",
        "repository": REPOSITORY,
        "commit": COMMIT,
        "commit_date": COMMIT_DATE,
        "member": "data/ (one GeoJSON record per place)",
        "records_sha256": digest,
        "records_read": counts["records"],
    }
    common = {
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "script": "scripts/extract_gazetteer.py",
    }
    return [
        {
            **common,
            "file": "geodata/settlements.csv",
            "derived_from": source,
            "selection": (
                f"localities (points) of the box {list(BOX)}, not deprecated or superseded, within "
                f"{STUDY_KM:g} km (geodesic) of the modelled M4: {counts['settlements']} of "
                f"{counts['localities']}"
            ),
        },
        {
            **common,
            "file": "geodata/admin.geojson",
            "derived_from": source,
            "selection": (
                "regions (governorates) and counties (districts) whose bounding box meets the box, "
                f"simplified as a coverage with a {SIMPLIFY_M:g} m tolerance"
            ),
        },
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: read the checkout, write the two files and their provenance."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "checkout", type=Path, nargs="?", help=f"a checkout of {REPOSITORY} at {COMMIT[:10]}"
    )
    parser.add_argument(
        "--localities",
        type=Path,
        help="re-select settlements.csv only, from the shared extract's localities.csv (the same "
        "rows as the checkout's, tested), after the modelled road changed; admin.geojson is kept",
    )
    parser.add_argument("--out", type=Path, default=GEODATA, help="folder to write (geodata/)")
    parser.add_argument(
        "--any-commit",
        action="store_true",
        help="accept a checkout whose records differ from the pinned commit's",
    )
    args = parser.parse_args(argv)
    if args.localities is not None:
        return _reselect(args.localities, args.out)
    if args.checkout is None:
        parser.error("give a checkout, or --localities")
    try:
        localities, admin, digest = read_checkout(args.checkout)
    except GazetteerError as exc:
        print(f"extract_gazetteer: {exc}", file=sys.stderr)
        return 2
    if digest != RECORDS_SHA256 and not args.any_commit:
        print(
            f"extract_gazetteer: the records' sha256 is {digest}, expected {RECORDS_SHA256} "
            f"(commit {COMMIT}); check out that commit, or pass --any-commit",
            file=sys.stderr,
        )
        return 2
    settlements = select_settlements(localities)
    features = simplify_admin(admin)
    args.out.mkdir(parents=True, exist_ok=True)
    write_text(args.out / "settlements.csv", csv_text(settlements, SETTLEMENT_COLUMNS))
    write_text(args.out / "admin.geojson", admin_text(features))
    if args.out.resolve() == GEODATA.resolve():
        counts = {
            "records": sum(1 for _ in (args.checkout / "data").rglob("*.geojson")),
            "localities": len(localities),
            "settlements": len(settlements),
        }
        update_provenance(provenance_entries(digest, counts))
    worst = max(f["properties"]["simplify_error_m"] for f in features)
    print(
        f"{len(settlements)} of {len(localities)} localities within {STUDY_KM:g} km of the road; "
        f"{len(features)} admin polygons, simplification error at most {worst:g} m"
    )
    return 0


def _reselect(localities_csv: Path, out: Path) -> int:
    """Write settlements.csv from the shared localities.csv; keep the provenance's source."""
    try:
        with localities_csv.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != LOCALITY_COLUMNS:
                print(
                    f"extract_gazetteer: {localities_csv}: not the shared localities.csv",
                    file=sys.stderr,
                )
                return 2
            localities = list(reader)
    except OSError as exc:
        print(f"extract_gazetteer: cannot read {localities_csv} ({exc})", file=sys.stderr)
        return 2
    settlements = select_settlements(localities)
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "settlements.csv", csv_text(settlements, SETTLEMENT_COLUMNS))
    if out.resolve() == GEODATA.resolve():
        old = {e["file"]: e for e in json.loads((GEODATA / "provenance.json").read_text("utf-8"))}
        source = old["geodata/settlements.csv"]["derived_from"]
        counts = {
            "records": source["records_read"],
            "localities": len(localities),
            "settlements": len(settlements),
        }
        entries = provenance_entries(source["records_sha256"], counts)
        update_provenance([e for e in entries if e["file"] == "geodata/settlements.csv"])
    print(f"{len(settlements)} of {len(localities)} localities within {STUDY_KM:g} km of the road")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
