"""Atomic output sets: a build writes into a staging folder and swaps the whole set into place.

Moving files in one by one goes wrong halfway on Windows, where a file another program holds open
(``corridor.gpkg`` in QGIS) can be neither replaced nor renamed: the old and the new outputs end up
mixed. So the swap has two steps, each undone if the other fails:

1. every previous output that the new set replaces is moved aside into a backup folder (a file in use
   fails here, before anything new is in place);
2. every new file is moved in.

On any failure the files already moved are moved back, and the error names the file that was in use.
A short lock (a virus scanner, a sync client) is waited out with a few retries first.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corridor._errors import OutputError

#: How often, and how long apart, a move that met a locked file is tried again.
RETRIES = 5
RETRY_DELAY_S = 0.1

#: The move itself (a module attribute, so that tests can make it fail on a chosen file).
_replace = os.replace


def _move(src: Path, dst: Path) -> None:
    """``os.replace`` that waits out a short lock (``PermissionError``) before giving up."""
    for attempt in range(RETRIES):
        try:
            _replace(src, dst)
        except PermissionError:
            if attempt == RETRIES - 1:
                raise
            time.sleep(RETRY_DELAY_S)
        else:
            return


def _problem(path: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if isinstance(exc, PermissionError):
        reason += " (is it open in another program, e.g. QGIS? close it and build again)"
    return f"cannot replace {path}: {reason}"


def _undo(moves: list[tuple[Path, Path]]) -> list[Path]:
    """Move files back, newest move first; return those that could not be moved back."""
    stuck = []
    for src, dst in reversed(moves):
        try:
            _move(dst, src)
        except OSError:
            stuck.append(src)
    return stuck


def swap_in(stage: Path, out_dir: Path) -> None:
    """Replace the files of ``out_dir`` that ``stage`` has new versions of, all or none.

    Raises
    ------
    OutputError
        A file could not be moved (in use, no permission); the message names it, and the previous
        outputs are back where they were.
    """
    names = sorted(item.name for item in stage.iterdir())
    backup = Path(tempfile.mkdtemp(prefix=".corridor-previous-", dir=out_dir))
    done: list[tuple[Path, Path]] = []  # (from, to), in the order moved
    try:
        for src, dst in [(out_dir / n, backup / n) for n in names if (out_dir / n).exists()]:
            try:
                _move(src, dst)  # old aside: a file in use fails here, before anything new is in
            except OSError as exc:
                raise OutputError(_problem(src, exc)) from None
            done.append((src, dst))
        for name in names:
            try:
                _move(stage / name, out_dir / name)
            except OSError as exc:
                raise OutputError(_problem(out_dir / name, exc)) from None
            done.append((stage / name, out_dir / name))
    except OutputError as error:
        stuck = _undo(done)
        if stuck:  # nothing is deleted: the previous files wait in the backup folder
            listed = ", ".join(p.name for p in stuck)
            msg = f"{error}; {listed} could not be put back: the previous files are in {backup}"
            raise OutputError(msg) from None
        shutil.rmtree(backup, ignore_errors=True)
        msg = f"{error}; the previous outputs are unchanged"
        raise OutputError(msg) from None
    shutil.rmtree(backup, ignore_errors=True)


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder; on success swap its files into ``out_dir``, on failure discard it."""
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
        swap_in(stage, out_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if created and not any(out_dir.iterdir()):
            out_dir.rmdir()
        raise
    shutil.rmtree(stage, ignore_errors=True)
