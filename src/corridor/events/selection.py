"""Which imported events go into the outputs that draw every event as a feature.

The map and the KMZ draw at most :data:`MAX_IMPORTED_FEATURES` imported events: the most recent ones
in the study area (:func:`drawn`). ``events.geojson`` and ``corridor.gpkg`` hold every imported event
up to the same number; past it they keep that many (:func:`kept`), those in the study area first,
then the most recent first, unless the build is asked for all of them (``all_events``). The tables,
``events.csv`` and ``events.parquet``, always hold every row.

Why a cap on the GeoJSON and the GeoPackage: each imported row costs about 10 µs of CPU to write as
GeoJSON and 14 µs as a GeoPackage row (GDAL's inserts and R-tree), measured with 200,000 ACLED rows
(bench/RESULTS.md), and 200,000 rows make a 236 MB GeoJSON. The columnar files cost 2–3 µs a row each
and read back in a fraction of a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Imported events drawn on the map and in the KMZ, and kept in events.geojson and corridor.gpkg.
MAX_IMPORTED_FEATURES = 20_000


def _imported(events: pd.DataFrame) -> np.ndarray:
    return (events["origin"] != "catalogue").to_numpy(dtype=bool)


def _in_study_area(events: pd.DataFrame) -> np.ndarray:
    return events["in_study_area"].fillna(False).astype(bool).to_numpy(dtype=bool)


def _newest_first(events: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Positions (within ``rows``, a boolean mask) ordered from the most recent date to the oldest,
    ties in file order (a stable sort).

    An event file's dates repeat, so the distinct dates are ranked and the rows sorted by rank
    (0.01 s, not 1.3 s, for 150,000 rows). Dates compare as their ISO text (missing ones first).
    """
    codes, dates = pd.factorize(events["date"].to_numpy(dtype=object)[rows], use_na_sentinel=False)
    text = ["" if pd.isna(d) else str(d) for d in dates]
    rank = np.empty(len(text), dtype=np.int64)
    rank[sorted(range(len(text)), key=text.__getitem__)] = np.arange(len(text))
    return np.argsort(-rank[codes], kind="stable")


def drawn(events: pd.DataFrame, cap: int = MAX_IMPORTED_FEATURES) -> tuple[np.ndarray, int, int]:
    """The imported rows the map and the KMZ draw: at most ``cap``, the most recent, all in the study
    area and with a point.

    Returns
    -------
    tuple
        A boolean mask over ``events`` (in its order), the number of imported rows outside the study
        area (or with no point), and the number inside it.
    """
    imported = _imported(events)
    shown = imported & _in_study_area(events)
    shown &= ~events.geometry.is_empty.to_numpy(dtype=bool) & events.geometry.notna().to_numpy()
    outside = int(imported.sum() - shown.sum())
    inside = int(shown.sum())
    if inside > cap:
        positions = np.flatnonzero(shown)
        shown = np.zeros(len(events), dtype=bool)
        shown[positions[_newest_first(events, positions)[:cap]]] = True
    return shown, outside, inside


def kept(events: pd.DataFrame, cap: int | None = MAX_IMPORTED_FEATURES) -> np.ndarray:
    """The rows that ``events.geojson`` and ``corridor.gpkg`` hold (a boolean mask over ``events``).

    Every catalogue event, and every imported one while they number at most ``cap`` (``None``: no
    cap). Past it, ``cap`` imported events: those in the study area first, then the most recent first.
    """
    imported = _imported(events)
    count = int(imported.sum())
    if cap is None or count <= cap:
        return np.ones(len(events), dtype=bool)
    positions = np.flatnonzero(imported)
    far = ~_in_study_area(events)[positions]
    newest = _newest_first(events, positions)
    # Study-area rows first (a stable sort keeps the newest-first order within each part).
    order = newest[np.argsort(far[newest], kind="stable")]
    keep = ~imported
    keep[positions[order[:cap]]] = True
    return keep


def kept_note(events: pd.DataFrame, keep: np.ndarray) -> str | None:
    """How many imported events ``keep`` holds, when not every one (else ``None``): "20,000 of the
    197,762 imported events (…)", to follow "This layer holds" in the files and "events.geojson and
    corridor.gpkg hold" on the console."""
    imported = _imported(events)
    total, written = int(imported.sum()), int((imported & keep).sum())
    if written == total:
        return None
    return (
        f"{written:,} of the {total:,} imported events (those in the study area first, then the "
        "most recent); events.csv and events.parquet hold every one, and a build with --all-events "
        "(all_events=True) writes every one to the GeoJSON and the GeoPackage as well."
    )
