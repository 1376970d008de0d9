"""Forked workers (to be removed: a build runs in one process)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from corridor._errors import OutputError


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
