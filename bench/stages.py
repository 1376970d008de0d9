"""Where a build's time goes: one whole `corridor build` in this process, each stage timed.

Run as ``python bench/stages.py OUT [EVENTS...]``; prints one JSON object: per stage, CPU seconds
and wall seconds (``bench/run.py`` writes them into RESULTS.md). CPU time is what to read on a shared
machine: wall time counts the other programs too. The stages are the pipeline's own functions,
wrapped for the run; the build itself is unchanged.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: pipeline functions timed, and the label each is reported under.
STAGES = {
    "_compute": "model (road, corridor, border)",
    "read_imports": "read the event files",
    "frames": "tag events, build the layers",
    "check_claims": "check the claims",
    "write_geojson": "write the GeoJSON files",
    "events_arrow": "events in Arrow (for GeoPackage, CSV, GeoParquet)",
    "study_area_layers": "split the GeoPackage's layers",
    "write_gpkg": "write the GeoPackage",
    "write_events_csv": "write events.csv",
    "write_events_parquet": "write events.parquet",
    "write_map": "draw map.html",
}
#: writers imported where they are used (not pipeline attributes): module, function, label.
LATE = [("corridor.export.kml", "write_kmz", "write corridor.kmz")]


def main() -> None:
    out, events = Path(sys.argv[1]), sys.argv[2:]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    from corridor import pipeline

    spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])

    def timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[STAGES[name]][0] += time.process_time() - cpu
                spent[STAGES[name]][1] += time.perf_counter() - wall

        return run

    for name in STAGES:
        setattr(pipeline, name, timed(name, getattr(pipeline, name)))
    for module_name, name, label in LATE:
        module = importlib.import_module(module_name)
        STAGES[name] = label
        setattr(module, name, timed(name, getattr(module, name)))
    imported = time.process_time() - cpu0, time.perf_counter() - wall0
    pipeline.build(out, events=events)
    total = time.process_time() - cpu0, time.perf_counter() - wall0
    rest = [t - imported[i] - sum(v[i] for v in spent.values()) for i, t in enumerate(total)]
    result = {
        "import the libraries": list(imported),
        **spent,
        "the rest": rest,
        "total": list(total),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
