"""Swapping an output set into place: all or nothing, even when a file is in use (Windows, QGIS)."""

import hashlib
import os
from pathlib import Path

import pytest

import corridor
from corridor._errors import OutputError
from corridor.export import staging

NAMES = ("a.geojson", "b.csv", "corridor.gpkg", "map.html")


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def previous(tmp_path):
    """An output folder holding a previous build's files, and one file the new set does not have."""
    out = tmp_path / "out"
    out.mkdir()
    for name in NAMES:
        (out / name).write_text(f"old {name}")
    (out / "notes.txt").write_text("the user's own file")
    return out


def write_new(stage):
    for name in NAMES:
        (stage / name).write_text(f"new {name}")


def lock(monkeypatch, *, nth=None, name=None):
    """Make a move fail with PermissionError, as Windows does for a file another program holds open.

    ``nth``: the n-th distinct file moved (1-based) is locked; ``name``: files of that name are
    locked wherever they are. A lock persists, so the retries meet it too.
    """
    seen: list[str] = []
    locked: set[str] = set()

    def replace(src, dst):
        key = os.fspath(src)
        if key not in seen:
            seen.append(key)
            if (nth is not None and len(seen) == nth) or (name is not None and src.name == name):
                locked.add(key)
        if key in locked:
            raise PermissionError(13, "The process cannot access the file", key)
        Path(src).replace(dst)

    monkeypatch.setattr(staging, "_replace", replace)
    monkeypatch.setattr(staging, "RETRY_DELAY_S", 0.0)
    return seen


def test_the_whole_set_is_swapped_in(previous):
    with staging.staged(previous) as stage:
        write_new(stage)
    assert digest(previous) == {
        **{n: hashlib.sha256(f"new {n}".encode()).hexdigest() for n in NAMES},
        "notes.txt": hashlib.sha256(b"the user's own file").hexdigest(),
    }
    assert sorted(p.name for p in previous.iterdir()) == sorted([*NAMES, "notes.txt"])


# Moves 1-4 set the old files aside, 5-8 bring the new ones in: a failure at each one.
@pytest.mark.parametrize("nth", range(1, 2 * len(NAMES) + 1))
def test_a_failure_at_any_move_leaves_the_previous_set_whole(previous, monkeypatch, nth):
    before = digest(previous)
    seen = lock(monkeypatch, nth=nth)
    with pytest.raises(OutputError) as caught, staging.staged(previous) as stage:
        write_new(stage)
    failed = seen[nth - 1]
    name = Path(failed).name
    assert f"cannot replace {previous / name}" in str(caught.value)
    assert "in another program" in str(caught.value)
    assert "the previous outputs are unchanged" in str(caught.value)
    assert digest(previous) == before  # and no staging or backup folder is left behind


def test_a_short_lock_is_waited_out(previous, monkeypatch):
    calls = []

    def flaky(src, dst):
        calls.append(src)
        if src.name == "corridor.gpkg" and len([c for c in calls if c.name == src.name]) < 3:
            raise PermissionError(13, "busy", os.fspath(src))
        Path(src).replace(dst)

    monkeypatch.setattr(staging, "_replace", flaky)
    monkeypatch.setattr(staging, "RETRY_DELAY_S", 0.0)
    with staging.staged(previous) as stage:
        write_new(stage)
    assert (previous / "corridor.gpkg").read_text() == "new corridor.gpkg"


def test_when_the_old_files_cannot_be_put_back_they_are_kept_and_named(previous, monkeypatch):
    """Worst case: the move in fails and so does putting the old file back. Nothing is lost."""

    def replace(src, dst):
        if src.name == "map.html" and ".corridor-" in src.parent.name:
            raise PermissionError(13, "denied", os.fspath(src))  # neither the new one nor the undo
        Path(src).replace(dst)

    monkeypatch.setattr(staging, "_replace", replace)
    monkeypatch.setattr(staging, "RETRY_DELAY_S", 0.0)
    with (
        pytest.raises(OutputError, match=r"map\.html could not be put back") as caught,
        staging.staged(previous) as stage,
    ):
        write_new(stage)
    backup = Path(str(caught.value).rsplit(" in ", 1)[1])
    assert backup.parent == previous
    assert (backup / "map.html").read_text() == "old map.html"
    for name in set(NAMES) - {"map.html"}:
        assert (previous / name).read_text() == f"old {name}"


def test_a_build_with_the_geopackage_open_in_qgis(tmp_path, monkeypatch):
    """The real set of outputs: the GeoPackage is locked; the message names it; nothing changed."""
    corridor.build(tmp_path)
    before = digest(tmp_path)
    lock(monkeypatch, name="corridor.gpkg")
    with pytest.raises(OutputError, match=r"cannot replace .*corridor\.gpkg: .*QGIS"):
        corridor.build(tmp_path, half_width_km=3)
    assert digest(tmp_path) == before
    monkeypatch.undo()
    corridor.build(tmp_path, half_width_km=3)  # closed in QGIS: the next build goes through
    assert digest(tmp_path) != before
    assert sorted(digest(tmp_path)) == sorted(before)
