"""Atomic output sets: every file of a build is written into a staging folder beside the output folder
and moved into place only when all of them are complete, so a failed build leaves the previous
outputs as they were."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corridor._errors import OutputError


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
