"""Writing the outputs: RFC 7946 GeoJSON, CSV, JSON and a GeoPackage, deterministically and atomically.

Every file of a build is written into a staging folder beside the output folder and moved into place
only when all of them are complete, so a failed build leaves the previous outputs as they were.
"""

from __future__ import annotations

import io
import json
import math
import multiprocessing
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from json.encoder import encode_basestring  # the C encoder json.dumps uses
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TextIO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridor._errors import OutputError

#: Decimal places kept in GeoJSON coordinates: 1e-7 degrees is about 1 cm.
COORD_DECIMALS = 7


def _clean(value: Any) -> Any:
    """Plain JSON values from numpy/pandas ones; NaN and NA become null."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, list | tuple):
        if obj and isinstance(obj[0], float | int):
            return [round(float(v), COORD_DECIMALS) for v in obj[:2]]
        return [_round_coords(v) for v in obj]
    return obj


def geometry_json(geom: shapely.Geometry | None) -> dict | None:
    """A shapely geometry as an RFC 7946 geometry object (counter-clockwise exteriors, rounded)."""
    if geom is None or geom.is_empty:
        return None
    oriented = shapely.orient_polygons(geom, exterior_cw=False)
    mapping = shapely.geometry.mapping(oriented)
    return {"type": mapping["type"], "coordinates": _round_coords(mapping["coordinates"])}


def _json_scalar(value: Any) -> str:
    """One value as JSON text; missing and non-finite numbers are null."""
    if value is None or value is pd.NA:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(_clean(value), ensure_ascii=False, separators=(",", ":"))


def _literals(series: pd.Series) -> np.ndarray:
    """Each value of a column as JSON text, each distinct value encoded once."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    encoded = [_json_scalar(v) for v in uniques.tolist()]
    encoded.append("null")  # code -1: missing
    return np.asarray(encoded, dtype=object)[codes]


def _geometry_literals(geoms: gpd.GeoSeries) -> list[str]:
    if len(geoms) and (geoms.geom_type == "Point").all():
        xs = np.round(geoms.x.to_numpy(), COORD_DECIMALS)
        ys = np.round(geoms.y.to_numpy(), COORD_DECIMALS)
        return [
            f'{{"type":"Point","coordinates":[{x!r},{y!r}]}}'
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True)
        ]
    return [json.dumps(geometry_json(g), ensure_ascii=False, separators=(",", ":")) for g in geoms]


#: Rows encoded at a time when writing GeoJSON: bounds memory for a million imported events.
CHUNK_ROWS = 50_000


def _feature_lines(frame: gpd.GeoDataFrame) -> list[str]:
    """One GeoJSON Feature per row, as text."""
    geom_col = frame.geometry.name
    columns = [c for c in frame.columns if c != geom_col]
    # One array of '"key":value' per column, then one join per row: linear in the output size.
    parts = [
        ("," if i else '{"type":"Feature","properties":{')
        + encode_basestring(str(column))
        + ":"
        + _literals(frame[column])
        for i, column in enumerate(columns)
    ]
    close = "}," if parts else '{"type":"Feature","properties":{},'
    geoms = (
        close + '"geometry":' + np.asarray(_geometry_literals(frame.geometry), dtype=object) + "}"
    )
    return list(map("".join, zip(*parts, geoms, strict=True)))


def write_geojson(frame: gpd.GeoDataFrame, out: TextIO) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON: one feature per line, stable order.

    Values are encoded a column at a time and rows a chunk at a time, so a million imported events
    take seconds and bounded memory.
    """
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    out.write('{"type":"FeatureCollection","features":[\n')
    for start in range(0, len(frame), CHUNK_ROWS):
        if start:
            out.write(",\n")
        out.write(",\n".join(_feature_lines(frame.iloc[start : start + CHUNK_ROWS])))
    out.write("\n]}\n")


def geojson_text(frame: gpd.GeoDataFrame) -> str:
    """:func:`write_geojson` into a string."""
    buffer = io.StringIO()
    write_geojson(frame, buffer)
    return buffer.getvalue()


def json_text(data: Any) -> str:
    """Indented, key-sorted JSON text with a final newline."""
    return json.dumps(_clean(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def csv_text(frame: pd.DataFrame) -> str:
    """CSV text with a header, Unix newlines and no index."""
    return frame.to_csv(index=False, lineterminator="\n")


def write_gpkg(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Write the layers into one GeoPackage; timestamps are pinned so the file is reproducible."""
    import pyogrio

    # GDAL stamps each table with the current time unless told otherwise.
    with _gdal_config(OGR_CURRENT_DATE="2020-03-05T00:00:00Z"):
        for name, frame in layers.items():
            out = frame.copy()
            for col in out.columns:
                if out[col].dtype == bool:
                    out[col] = out[col].astype("int32")
            pyogrio.write_dataframe(out, path, layer=name, driver="GPKG", append=path.exists())


@contextmanager
def _gdal_config(**options: str) -> Iterator[None]:
    import pyogrio

    previous = pyogrio.get_gdal_config_option
    old = {k: previous(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(old)


def _worker(prepare: Callable[[], None], conn: Connection, job: tuple | None) -> None:
    prepare()
    if job is None:
        job = conn.recv()
        if job is None:
            return
    func, args = job
    try:
        func(*args)
    except Exception as exc:  # noqa: BLE001 - any failure is reported to the parent, which raises it
        conn.send(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from None
    conn.send(None)


class Worker:
    """A forked process that runs ``prepare`` at once, then one job it is sent later.

    A build starts one before computing, so that the map's code (folium takes a quarter of a second
    to import) loads on the second core meanwhile. Where fork is not available, ``prepare`` and the
    job run in this process when the job is submitted.
    """

    def __init__(
        self,
        prepare: Callable[[], None],
        job: tuple[Callable[..., None], tuple] | None = None,
    ) -> None:
        """Fork now; ``job``, when given, is run right after ``prepare`` (nothing is sent).

        A job given here reaches the child through fork's copy of memory; one given to
        :meth:`submit` later is pickled through a pipe, so it should be small.
        """
        self._prepare = prepare
        self._process = None
        self._job = getattr(job[0], "__name__", "output") if job else ""
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:
            return
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_worker, args=(prepare, child, job))
        self._process.start()

    def submit(self, func: Callable[..., None], *args: Any) -> None:
        """Send the job; without a worker process, run it here and now."""
        if self._process is None:
            self._prepare()
            func(*args)
            return
        self._job = getattr(func, "__name__", "output")
        self._conn.send((func, args))

    def wait(self) -> None:
        """Wait for the submitted job; raise :class:`OutputError` if it failed."""
        if self._process is None:
            return
        try:
            problem = self._conn.recv()
        except EOFError:  # it died without a word
            problem = None
        self._process.join()
        if problem or self._process.exitcode != 0:
            msg = f"writing {self._job} failed: {problem or 'the worker stopped'}"
            raise OutputError(msg)

    def close(self) -> None:
        """Stop the worker if no job was sent (a build that failed early need not wait for it)."""
        if self._process is not None and not self._job and self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _nothing() -> None:
    """Nothing to prepare."""


@contextmanager
def in_background(func: Callable[..., None], *args: Any) -> Iterator[None]:
    """Run ``func(*args)`` in a forked process while the ``with`` body runs, then wait for it.

    The GeoPackage (SQLite, written by GDAL while holding the GIL) and the GeoJSON (Python) take
    about as long as each other for many events; on two cores they are written side by side.
    """
    worker = Worker(_nothing, job=(func, args))
    if worker._process is None:  # no fork here: run it now
        func(*args)
    try:
        yield
    finally:
        worker.wait()


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``out_dir``, on failure discard it."""
    out_dir = Path(out_dir)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".corridor-build-", dir=out_dir))
    except OSError as exc:
        msg = f"cannot write to the output folder {out_dir} ({exc.strerror or exc})"
        raise OutputError(msg) from None
    try:
        yield stage
        for item in sorted(stage.iterdir()):
            item.replace(out_dir / item.name)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if created and not any(out_dir.iterdir()):
            out_dir.rmdir()
        raise
    shutil.rmtree(stage, ignore_errors=True)
