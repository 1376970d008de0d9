"""``make bench``: measures what the issues set targets for, as ratios against a baseline run alongside.

Writes bench/RESULTS.md. Nothing here is a test: the numbers are written down, not asserted.
"""

from __future__ import annotations

import json
import os
import resource
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

LIBRARIES = "import geopandas, folium, pyproj, shapely, pyogrio, pyarrow, typer"
# BENCH_QUICK=1 checks the script itself in a minute; the recorded results use the full sizes.
QUICK = os.environ.get("BENCH_QUICK") == "1"
EVENT_SIZES = (1_000, 10_000) if QUICK else (10_000, 200_000, 1_000_000)
BASELINE_SIZES = EVENT_SIZES[:2]
#: Import-and-build pairs timed for the build-against-import ratio.
PAIRS = 3 if QUICK else 9
#: The size the per-event target is set for, and profiled stage by stage.
TARGET_SIZE = EVENT_SIZES[1]


def timed(cmd: list[str], repeat: int = 3) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a command, in seconds.

    On a machine shared with other work, CPU time is the steadier measure of the command itself.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def wall(cmd: list[str], repeat: int = 3) -> float:
    """Median wall time of a command, in seconds."""
    return timed(cmd, repeat)[0]


def build_vs_import(tmp: Path) -> dict:
    """`corridor build` against the bare import of its libraries, both as fresh processes.

    The libraries in site-packages load from bytecode that pip compiled; the project's own modules
    are compiled first too, so that both sides are timed alike (with PYTHONDONTWRITEBYTECODE set, as
    on some machines, an editable install would otherwise compile its 40 modules on every run).
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "src")], check=True)
    # The two are timed in turn, a pair at a time, so that a busy spell on a shared machine falls on
    # both sides alike; medians of the pairs' runs.
    runs: list[tuple[float, float, float, float]] = []
    for _ in range(PAIRS):
        runs.append(
            timed([sys.executable, "-c", LIBRARIES], repeat=1)
            + timed([sys.executable, "-m", "corridor", "build", "--out", str(tmp / "o")], repeat=1)
        )
    imp, imp_cpu, build, build_cpu = (statistics.median(r[i] for r in runs) for i in range(4))
    return {
        "import_s": imp,
        "build_s": build,
        "ratio": build / imp,
        "import_cpu_s": imp_cpu,
        "build_cpu_s": build_cpu,
        "ratio_cpu": build_cpu / imp_cpu,
    }


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


def naive_baseline(csv_path: Path, out: Path) -> tuple[float, float]:
    """How one would do it with geopandas alone: read, spatial join, per-row distances, then write
    the events as GeoJSON and GeoPackage with geopandas' defaults. Returns (wall, CPU) seconds."""
    import geopandas as gpd
    import pandas as pd

    import corridor
    from corridor.geo.projection import CORRIDOR_CRS

    t, cpu = time.perf_counter(), time.process_time()
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
    result = joined.drop(columns="index_right").to_crs(4326)
    result.to_file(out / "naive.geojson", driver="GeoJSON")
    result.to_file(out / "naive.gpkg", driver="GPKG")
    return time.perf_counter() - t, time.process_time() - cpu


def _imported_features(path: Path) -> int:
    """Imported events in an events.geojson (one feature a line, as the project writes it)."""
    with path.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if '"origin":"catalogue"' not in line) - 2


def events(tmp: Path) -> list[dict]:
    """Whole builds with N imported ACLED rows, against the build without, and the naive baseline.

    The extra time per event is the build with the rows less the build without them, both whole
    processes writing every output and the map, in wall and in CPU time: the default build (at most
    20,000 imported rows in events.geojson and corridor.gpkg) and one with ``--all-events``. At the
    target size each is run three times, alternating, and the medians taken.
    """
    build = [sys.executable, "-m", "corridor", "build", "--out", str(tmp / "o")]
    base_wall, base_cpu = timed(build, repeat=3)
    rows = []
    for n in EVENT_SIZES:
        path = write_acled(tmp / f"acled_{n}.csv", n)
        runs: dict[str, list[tuple[float, float]]] = {"default": [], "all": []}
        for _ in range(3 if n == TARGET_SIZE else 1):
            runs["default"].append(timed([*build, "--events", str(path)], repeat=1))
            features = _imported_features(tmp / "o" / "events.geojson")
            runs["all"].append(timed([*build, "--events", str(path), "--all-events"], repeat=1))
            geojson_mb = (tmp / "o" / "events.geojson").stat().st_size / 1e6
        naive = naive_baseline(path, tmp) if n in BASELINE_SIZES else (None, None)
        row: dict = {"n": n, "features": features, "geojson_all_mb": geojson_mb}
        for key, timings in runs.items():
            t = statistics.median(w for w, _ in timings)
            cpu = statistics.median(c for _, c in timings)
            row[key] = {
                "build_s": t,
                "build_cpu_s": cpu,
                "marginal_us": (t - base_wall) / n * 1e6,
                "marginal_cpu_us": (cpu - base_cpu) / n * 1e6,
            }
        row["naive_cpu_s"] = naive[1]
        extra_all = row["all"]["build_cpu_s"] - base_cpu
        row["speedup_cpu"] = naive[1] / extra_all if naive[1] else None
        rows.append(row)
        print(f"events: {row}", flush=True)
    return rows


def stages(tmp: Path) -> dict:
    """One build with TARGET_SIZE rows, stage by stage (bench/stages.py), and one without."""
    path = write_acled(tmp / f"acled_{TARGET_SIZE}.csv", TARGET_SIZE)
    out = {}
    for label, extra in (("without", []), ("with", [str(path)])):
        cmd = [sys.executable, str(HERE / "stages.py"), str(tmp / "s"), *extra]
        out[label] = json.loads(
            subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        )
    return out


def map_numbers() -> str:
    """The map's size and browser load time (bench_map.py), as a Markdown section.

    ``BENCH_MAP=0`` leaves it out; a failure (chromium too slow to load the page on a busy machine)
    is written down instead of losing the rest of the results.
    """
    if os.environ.get("BENCH_MAP") == "0":
        return "Not measured in this run (`BENCH_MAP=0`)."
    from bench_map import markdown, run

    try:
        return markdown(run())
    except Exception as exc:  # noqa: BLE001 - reported in the results, the other sections kept
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"Not measured in this run: {type(exc).__name__}: {first}"


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        b = build_vs_import(tmp)
        acc = edge_accuracy()
        ev = events(tmp)
        st = stages(tmp)
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
        (
            f"Fresh processes, the import and the build timed in turn, {PAIRS} pairs; medians. "
            f"The import is `{LIBRARIES}`."
        ),
        "",
        "| | bare import of the libraries | `corridor build` (whole process) | ratio (target ≤ 2) |",
        "|---|---|---|---|",
        f"| wall | {b['import_s']:.2f} s | {b['build_s']:.2f} s | {b['ratio']:.2f} |",
        f"| CPU | {b['import_cpu_s']:.2f} s | {b['build_cpu_s']:.2f} s | {b['ratio_cpu']:.2f} |",
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
        (
            "Whole `corridor build` processes, every output and the map, one process each. The extra "
            "time per event is the build with the rows less the build without (target: at most 20 µs "
            f"for {TARGET_SIZE:,} rows; medians of 3 alternating runs at that size). The default build "
            "writes every row to events.csv and events.parquet and at most 20,000 imported rows to "
            "events.geojson and corridor.gpkg; `--all-events` writes every row to all four. CPU time "
            "is the steadier figure on a shared machine."
        ),
        "",
        (
            "| rows | default: whole build (wall / CPU) | default: extra per event, wall / CPU | "
            "imported rows in events.geojson | `--all-events`: extra per event, CPU | "
            "`--all-events`: events.geojson | naive geopandas (read, sjoin, per-row distances, "
            "to_file GeoJSON + GPKG of every row), CPU | naive ÷ `--all-events` extra CPU |"
        ),
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {r['n']:,} | {r['default']['build_s']:.1f} s / {r['default']['build_cpu_s']:.1f} s | "
            f"{r['default']['marginal_us']:.1f} µs / {r['default']['marginal_cpu_us']:.1f} µs | "
            f"{r['features']:,} | {r['all']['marginal_cpu_us']:.1f} µs | "
            f"{r['geojson_all_mb']:.0f} MB | "
            + (
                f"{r['naive_cpu_s']:.1f} s | {r['speedup_cpu']:.1f}× |"
                if r["naive_cpu_s"]
                else "not run | |"
            )
            for r in ev
        ),
        "",
        f"### Where the time goes ({TARGET_SIZE:,} rows, one build in one process)",
        "",
        "| stage | CPU without events | CPU with them | extra per event (CPU) | wall with them |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {st['without'].get(name, [0, 0])[0]:.2f} s | {cpu:.2f} s | "
            f"{(cpu - st['without'].get(name, [0, 0])[0]) / TARGET_SIZE * 1e6:.1f} µs | {w:.2f} s |"
            for name, (cpu, w) in st["with"].items()
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
