"""``make bench``: measures what the issues set targets for, as ratios against a baseline run alongside.

Writes bench/RESULTS.md. Nothing here is a test: the numbers are written down, not asserted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic_acled import write_acled  # noqa: E402

LIBRARIES = "import geopandas, folium, pyproj, shapely, pyogrio, typer"
# BENCH_QUICK=1 checks the script itself in a minute; the recorded results use the full sizes.
QUICK = os.environ.get("BENCH_QUICK") == "1"
EVENT_SIZES = (1_000, 10_000) if QUICK else (10_000, 100_000, 1_000_000)
BASELINE_SIZES = EVENT_SIZES[:2]


def wall(cmd: list[str], repeat: int = 3) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def build_vs_import(tmp: Path) -> dict:
    """`corridor build` against the bare import of its libraries, both as fresh processes.

    The libraries in site-packages load from bytecode that pip compiled; the project's own modules
    are compiled first too, so that both sides are timed alike (with PYTHONDONTWRITEBYTECODE set, as
    on some machines, an editable install would otherwise compile its 40 modules on every run).
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "src")], check=True)
    imp = wall([sys.executable, "-c", LIBRARIES], repeat=5)
    build = wall([sys.executable, "-m", "corridor", "build", "--out", str(tmp / "o")], repeat=5)
    return {"import_s": imp, "build_s": build, "ratio": build / imp}


def edge_accuracy() -> list[dict]:
    """Worst and mean edge error against geodesic truth, per projection and buffer setting."""
    from corridor.geo.accuracy import buffer_in, edge_errors_m
    from corridor.geo.model import compute
    from corridor.geo.projection import COMPARISON_CRS

    m = compute()
    rows = []
    for name, crs in COMPARISON_CRS.items():
        for quad_segs in (8, 128):
            errors = edge_errors_m(
                buffer_in(m.route, m.section, 6000, crs=crs, quad_segs=quad_segs),
                m.route,
                m.section,
                6000,
            )
            rows.append(
                {
                    "crs": name,
                    "quad_segs": quad_segs,
                    "max_abs_m": float(np.abs(errors).max()),
                    "mean_m": float(errors.mean()),
                }
            )
    return rows


def naive_baseline(csv_path: Path) -> float:
    """A geopandas spatial join plus per-row distances: how one would do it without the project."""
    import geopandas as gpd
    import pandas as pd

    import corridor
    from corridor.geo.projection import CORRIDOR_CRS

    t = time.perf_counter()
    layers = corridor.load()
    frame = pd.read_csv(csv_path)
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="mixed")
    points = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame.longitude, frame.latitude), crs=4326
    ).to_crs(CORRIDOR_CRS)
    halves = layers.corridor[layers.corridor.side.isin(["north", "south"])].to_crs(CORRIDOR_CRS)
    joined = gpd.sjoin(points, halves[["side", "geometry"]], how="left", predicate="within")
    road = layers.route.to_crs(CORRIDOR_CRS).union_all()
    border = layers.border.to_crs(CORRIDOR_CRS).geometry.iloc[0]
    joined["chainage_km"] = joined.geometry.apply(lambda p: road.project(p) / 1000)
    joined["border_km"] = joined.geometry.apply(lambda p: p.distance(border) / 1000)
    return time.perf_counter() - t


def events(tmp: Path) -> list[dict]:
    """Whole builds with N imported ACLED rows, against the build without, and the naive baseline."""
    base = wall([sys.executable, "-m", "corridor", "build", "--out", str(tmp / "o")], repeat=1)
    rows = []
    for n in EVENT_SIZES:
        path = write_acled(tmp / f"acled_{n}.csv", n)
        t = wall(
            [
                sys.executable,
                "-m",
                "corridor",
                "build",
                "--out",
                str(tmp / "o"),
                "--events",
                str(path),
            ],
            repeat=1,
        )
        naive = naive_baseline(path) if n in BASELINE_SIZES else None
        extra = t - base
        rows.append(
            {
                "n": n,
                "build_s": t,
                "marginal_us": extra / n * 1e6,
                "total_us": t / n * 1e6,
                "naive_s": naive,
                "speedup": naive / extra if naive else None,
            }
        )
        print(f"events: {rows[-1]}", flush=True)
    return rows


def map_numbers() -> str:
    """The map's size and browser load time (bench_map.py), as a Markdown section."""
    from bench_map import markdown, run

    return markdown(run())


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        b = build_vs_import(tmp)
        acc = edge_accuracy()
        ev = events(tmp)
        maps = map_numbers()
    lines = [
        "# Benchmark results",
        "",
        (
            f"Written by `make bench` on {time.strftime('%Y-%m-%d')} ({os.cpu_count()} cores). "
            "Each figure is measured in the same run as its baseline; ratios are what to compare "
            "across machines."
        ),
        "",
        "## `corridor build` against importing its libraries",
        "",
        "| bare import of the libraries | `corridor build` (whole process) | ratio (target ≤ 2) |",
        "|---|---|---|",
        f"| {b['import_s']:.2f} s | {b['build_s']:.2f} s | {b['ratio']:.2f} |",
        "",
        "## Corridor edge accuracy against geodesic truth (6 km, Tronba–Ain al-Hawr)",
        "",
        "| projection | segments per quarter circle | worst error (m) | mean error (m) |",
        "|---|---|---|---|",
        *(
            f"| {r['crs']} | {r['quad_segs']} | {r['max_abs_m']:.3f} | {r['mean_m']:+.3f} |"
            for r in acc
        ),
        "",
        "## Importing and tagging ACLED rows (synthetic, half near the corridor)",
        "",
        "| rows | whole build | per event, marginal (target ≤ 25 µs) | per event, total | naive geopandas baseline (read, sjoin, per-row distances) | baseline ÷ project's marginal time |",
        "|---|---|---|---|---|---|",
        *(
            f"| {r['n']:,} | {r['build_s']:.1f} s | {r['marginal_us']:.1f} µs | {r['total_us']:.1f} µs | "
            + (f"{r['naive_s']:.1f} s | {r['speedup']:.1f}× |" if r["naive_s"] else "not run | |")
            for r in ev
        ),
        "",
    ]
    lines += [
        "## The map (synthetic imported events, chromium with the network cut off)",
        "",
        maps,
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
