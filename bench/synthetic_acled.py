"""Synthetic events in ACLED's export format, for benchmarks and examples (not real data).

Half the rows fall around the corridor (Idlib and its surroundings), the rest anywhere in Syria, which
is roughly how ACLED's Syria data is spread. Like ACLED, which geocodes each event to a named location,
events share a fixed set of locations (``LOCATIONS`` of them). Everything is drawn from a seeded
generator, so the same size gives the same file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]  # fmt: skip
TYPES = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Protests", "Peaceful protest"),
    ("Strategic developments", "Other"),
    ("Violence against civilians", "Attack"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


#: Distinct event locations, of the order of the number of places ACLED uses in Syria.
LOCATIONS = 5_000


def write_acled(
    path: Path, n: int, *, seed: int = 2020, near_fraction: float = 0.5, locations: int = LOCATIONS
) -> Path:
    """Write ``n`` synthetic ACLED rows to ``path`` (both of ACLED's date formats appear).

    ``near_fraction`` is the expected share of rows drawn around the corridor rather than anywhere in
    Syria; the default gives the benchmark's half-and-half.
    """
    if not 0.0 <= near_fraction <= 1.0:
        msg = f"near_fraction must be between 0 and 1, not {near_fraction}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    m = min(n, locations)
    near = rng.random(m) < near_fraction
    place_lat = np.where(near, rng.normal(35.85, 0.12, m), rng.uniform(32.8, 37.0, m))
    place_lon = np.where(near, rng.normal(36.5, 0.35, m), rng.uniform(36.0, 41.5, m))
    which = rng.integers(0, m, n)
    lat, lon = place_lat[which], place_lon[which]
    day = rng.integers(0, 6 * 365, n)
    kinds = rng.integers(0, len(TYPES), n)
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(HEADER)
        base = np.datetime64("2018-01-01")
        for i in range(n):
            d = (base + day[i]).astype(object)
            date = d.isoformat() if i % 2 else f"{d.day} {MONTHS[d.month - 1]} {d.year}"
            et, st = TYPES[kinds[i]]
            w.writerow(
                [f"SYN{i}", date, d.year, 1 + i % 3, "Political violence", et, st, "Actor A", "",
                 2, "Actor B", "", 1, 12, "", 760, "Middle East", "Syria", "Idleb", "", "", "Place",
                 f"{lat[i]:.4f}", f"{lon[i]:.4f}", 1 + i % 3, "Synthetic", "Local",
                 f"synthetic event {i}", int(i % 4), "", 1600000000]
            )  # fmt: skip
    return path
