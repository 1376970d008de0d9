"""Re-derive the JavaScript, CSS, images and fonts that folium 0.20.0 maps load from CDNs.

Each npm package is fetched with ``npm pack`` into the git-ignored ``.cache/npm/`` and checked
against the integrity pinned below before anything is read from it. Only the files a map needs
are copied to ``src/corridor/webmap/assets/vendor/<name>@<version>/``, next to the package's licence,
and ``src/corridor/webmap/assets/manifest.json`` records where every byte came from and which CDN
address each file stands in for. ``corridor.webmap.offline`` reads that manifest at run time; npm is
never needed to build or install the project.

Run from the repository root::

    .venv/bin/python scripts/vendor_assets.py

The output is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "npm"
ASSETS = ROOT / "src" / "corridor" / "_assets"
VENDOR = ASSETS / "vendor"
MANIFEST = ASSETS / "manifest.json"
REGISTRY = "https://registry.npmjs.org"

# Debian's copy of the Apache licence: iso8601-js-period declares Apache-2.0 but ships no text.
APACHE_2_TEXT = Path("/usr/share/common-licenses/Apache-2.0")

# The standard MIT permission text, for the one package (drmonty-leaflet-awesome-markers) whose
# tarball declares MIT in package.json but carries no licence file.
MIT_TEXT = """\
MIT License

Copyright (c) {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

JSDELIVR = "https://cdn.jsdelivr.net"
CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
NETDNA_BS3 = "https://netdna.bootstrapcdn.com/bootstrap/3.0.0"


@dataclass(frozen=True)
class Licence:
    """Where a package's licence text comes from."""

    spdx: str
    file: str | None = None  # a file inside the tarball
    mit_holder: str | None = None  # build the MIT text for this holder
    apache: bool = False  # copy Debian's Apache-2.0 text


@dataclass(frozen=True)
class Package:
    """One npm package and the files a folium map takes from it.

    ``files`` maps a path inside the tarball (without the leading ``package/``) to the CDN
    addresses folium 0.20.0 links for it. Images and fonts that a vendored stylesheet refers to
    with a relative ``url(...)`` are found and copied automatically.
    """

    name: str
    version: str
    integrity: str
    licence: Licence
    files: dict[str, tuple[str, ...]]
    extra_files: tuple[str, ...] = ()
    note: str = ""
    # path of a file built here -> (path of the tarball file it is built from, CDN addresses)
    derived: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


PACKAGES: tuple[Package, ...] = (
    Package(
        name="leaflet",
        version="1.9.3",
        integrity="sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
        licence=Licence("BSD-2-Clause", file="LICENSE"),
        files={
            "dist/leaflet.js": (f"{JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js",),
            "dist/leaflet.css": (f"{JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css",),
        },
        # L.Icon.Default needs these once its CSS is inlined (offline.py hands them over).
        extra_files=("dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png"),
    ),
    Package(
        name="jquery",
        version="3.7.1",
        integrity="sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        licence=Licence("MIT", file="LICENSE.txt"),
        files={
            "dist/jquery.min.js": (
                "https://code.jquery.com/jquery-3.7.1.min.js",
                f"{CDNJS}/jquery/3.7.1/jquery.min.js",
            ),
        },
    ),
    Package(
        name="drmonty-leaflet-awesome-markers",
        version="2.0.2",
        integrity="sha512-g508pdnnHQr9l4kU6McvJzcSd0w1FvHFlZZCYc4oT+zjwYJi1qtj0fFBFEWMKoNfHK4UcBya1eccyjKfu4chjQ==",
        licence=Licence("MIT", mit_holder="2012-2013 Lennard Voogdt"),
        files={
            # Not the .min.js: in this tarball it is a stale 2.0.1 build without the
            # extraClasses option, which folium.Icon(angle=...) relies on.
            "js/leaflet.awesome-markers.js": (
                f"{CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",
            ),
            "css/leaflet.awesome-markers.css": (
                f"{CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",
            ),
        },
        note=(
            "npm has no 2.0.2 of the original Leaflet.awesome-markers; this re-publication carries "
            "its files. The tarball has no licence file: package.json declares MIT, and the "
            "copyright holder is taken from the header of the JavaScript file."
        ),
    ),
    Package(
        name="bootstrap",
        version="3.4.1",
        integrity="sha512-yN5oZVmRCwe5aKwzRj6736nSmKDX7pLYwsXiCj/EYmo16hODaBiT4En5btW/jhBF/seV+XMx3aYwukYC3A49DA==",
        licence=Licence("MIT", file="LICENSE"),
        files={
            "dist/fonts/glyphicons-halflings-regular.woff": (
                f"{NETDNA_BS3}/fonts/glyphicons-halflings-regular.woff",
            ),
        },
        derived={
            "dist/css/glyphicons.css": (
                "dist/css/bootstrap.css",
                (f"{NETDNA_BS3}/css/bootstrap-glyphicons.css",),
            ),
        },
        note=(
            "Only the Glyphicons Halflings font (woff) and the glyphicon rules of "
            "dist/css/bootstrap.css are kept; dist/css/glyphicons.css is that subset, with the font "
            "declared in woff only. It stands in for the 3.0.0 glyphicons stylesheet folium links."
        ),
    ),
    Package(
        name="leaflet.markercluster",
        version="1.1.0",
        integrity="sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ==",
        licence=Licence("MIT", file="MIT-LICENCE.txt"),
        files={
            "dist/leaflet.markercluster.js": (
                f"{CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js",
            ),
            "dist/MarkerCluster.css": (f"{CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css",),
            "dist/MarkerCluster.Default.css": (
                f"{CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css",
            ),
        },
    ),
    Package(
        name="leaflet-timedimension",
        version="1.1.1",
        integrity="sha512-ejXldN94veRsWka1vpC+4rbH+2+3d3ztn2xYx4jcXtjYDrKC/sNnoqCmyH2UEYIy51PI2851aI2k8uGdOEbhlw==",
        licence=Licence("MIT", file="LICENSE"),
        files={
            "dist/leaflet.timedimension.min.js": (
                f"{JSDELIVR}/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.min.js",
            ),
            "dist/leaflet.timedimension.control.min.css": (
                f"{JSDELIVR}/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css",
            ),
        },
    ),
    Package(
        name="moment",
        version="2.18.1",
        integrity="sha512-QGcnVKRSEhbWy2i0pqFhjWMCczL/YU5ICMB3maUavFcyUqBszRnzsswvOaGOqSfWZ/R+dMnb9gGBuRT4LMTdVQ==",
        licence=Licence("MIT", file="LICENSE"),
        files={"min/moment.min.js": (f"{CDNJS}/moment.js/2.18.1/moment.min.js",)},
    ),
    Package(
        name="iso8601-js-period",
        version="0.2.1",
        integrity="sha512-iDyz2TQFBd5WhCZjruOwHj01JkQGu7YbVLCVdpA7lCGEcBzE3ffCPAhLh/M8TAp//kCixPpYN4XU54WHCxvD2Q==",
        licence=Licence("Apache-2.0", apache=True),
        # The tarball has no minified build; jsdelivr minifies on the fly for the .min.js address.
        files={"iso8601.js": (f"{JSDELIVR}/npm/iso8601-js-period@0.2.1/iso8601.min.js",)},
        note=(
            "The tarball has no licence file; package.json declares Apache-2.0 and the source "
            "header names Nezasa (2012-2013). LICENSE is Debian's copy of the Apache 2.0 text."
        ),
    ),
    Package(
        name="leaflet-measure",
        version="2.1.7",
        integrity="sha512-IvoHIoVTIQSXUgaNnAMF17qXFB+dF5ICdwmY8BHyq/Hh33/xeGqQUUYlz0pRMzFN9NUcjsT6JBhCr1ia0CG5ug==",
        licence=Licence("MIT", file="LICENSE"),
        files={
            "dist/leaflet-measure.min.js": (
                f"{JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js",
            ),
            # npm has no minified stylesheet; folium links the one jsdelivr minifies.
            "dist/leaflet-measure.css": (
                f"{JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css",
            ),
        },
        note="folium links the GitHub tag through jsdelivr; the npm release of the same version is used.",
    ),
    Package(
        name="leaflet.fullscreen",
        version="3.0.0",
        integrity="sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
        licence=Licence("MIT", file="LICENSE"),
        files={
            # No minified build on npm; jsdelivr minifies this file for the .min.js address.
            "Control.FullScreen.js": (
                f"{JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js",
            ),
            "Control.FullScreen.css": (
                f"{JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css",
            ),
        },
    ),
    Package(
        name="leaflet-minimap",
        version="3.6.1",
        integrity="sha512-6px8f6cfv1rKB6ACpL6bbUFGxipZOq4KsntJgBj9nOcW1RYa5+xFp8emOZwks9X+VtVVsQEwWwfgT1kTTL/LzA==",
        licence=Licence("BSD-2-Clause", file="LICENSE.txt"),
        files={
            "dist/Control.MiniMap.min.js": (f"{CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js",),
            "dist/Control.MiniMap.min.css": (f"{CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css",),
        },
    ),
)

_ROLES = {
    ".js": "script",
    ".css": "stylesheet",
    ".png": "image",
    ".svg": "image",
    ".gif": "image",
    ".woff": "font",
    ".woff2": "font",
    ".ttf": "font",
}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class VendorError(RuntimeError):
    """A package cannot be fetched, does not match its pinned integrity, or lacks a file."""


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _fetch(pkg: Package) -> Path:
    """Return the cached tarball of ``pkg``, running ``npm pack`` when it is missing or stale."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"{pkg.name.replace('/', '-').lstrip('@')}-{pkg.version}.tgz"
    if not tarball.exists() or _integrity(tarball.read_bytes()) != pkg.integrity:
        subprocess.run(
            ["npm", "pack", f"{pkg.name}@{pkg.version}", "--pack-destination", str(CACHE)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    actual = _integrity(tarball.read_bytes())
    if actual != pkg.integrity:
        msg = f"{tarball.name}: integrity {actual} does not match the pinned {pkg.integrity}"
        raise VendorError(msg)
    return tarball


def _members(tarball: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith("package/"):
                handle = archive.extractfile(member)
                if handle is not None:
                    out[member.name.removeprefix("package/")] = handle.read()
    return out


def _css_references(css_path: str, css: str) -> list[str]:
    """Paths (inside the package) of the files a stylesheet refers to with relative urls."""
    found = []
    for _quote, target in _CSS_URL.findall(css):
        target = target.strip()
        if target.startswith(("data:", "#", "//")) or re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue
        bare = re.split(r"[?#]", target, maxsplit=1)[0]
        found.append(posixpath.normpath(posixpath.join(posixpath.dirname(css_path), bare)))
    return sorted(set(found))


def _glyphicons_css(bootstrap_css: str) -> str:
    """The glyphicon rules of Bootstrap 3's stylesheet, with the font declared as woff only."""
    start = bootstrap_css.index("@font-face")
    if "Glyphicons Halflings" not in bootstrap_css[start : start + 200]:
        raise VendorError("bootstrap.css: the first @font-face is not Glyphicons Halflings")
    body_start = bootstrap_css.index("}", start) + 1
    rules = []
    for match in re.finditer(r"\s*([^{}]+?)\s*\{([^{}]*)\}", bootstrap_css[body_start:]):
        selectors = [s.strip() for s in match.group(1).split(",")]
        if not all(s.startswith(".glyphicon") for s in selectors):
            break  # the glyphicon block is contiguous; the next rule belongs to something else
        declarations = ";".join(
            re.sub(r"\s*:\s*", ":", d.strip(), count=1)
            for d in match.group(2).split(";")
            if d.strip()
        )
        rules.append(f"{','.join(selectors)}{{{declarations}}}")
    if len(rules) < 200:
        raise VendorError(f"bootstrap.css: only {len(rules)} glyphicon rules found")
    font = (
        "@font-face{font-family:'Glyphicons Halflings';"
        "src:url(../fonts/glyphicons-halflings-regular.woff) format('woff')}"
    )
    header = (
        "/* Glyphicons Halflings rules taken from Bootstrap 3.4.1 dist/css/bootstrap.css "
        "(MIT, Twitter, Inc.); font in woff only. */"
    )
    return "\n".join([header, font, *rules]) + "\n"


def _licence_text(pkg: Package, members: dict[str, bytes]) -> tuple[str, bytes, str]:
    """Return (file name, bytes, provenance) of the licence written next to the files."""
    lic = pkg.licence
    if lic.file:
        return lic.file, members[lic.file], "from the tarball"
    if lic.mit_holder:
        text = MIT_TEXT.format(holder=lic.mit_holder)
        return "LICENSE", text.encode("utf-8"), "standard MIT text; holder from the source header"
    if lic.apache:
        if not APACHE_2_TEXT.is_file():
            raise VendorError(f"{APACHE_2_TEXT} is missing (Debian's base-files provides it)")
        return "LICENSE", APACHE_2_TEXT.read_bytes(), f"copy of Debian's {APACHE_2_TEXT}"
    raise VendorError(f"{pkg.name}: no licence source")


def _stored_path(path: str) -> str:
    """Where a tarball file goes inside the package's vendored folder.

    A leading ``dist/`` is dropped: the project's .gitignore (and so the wheel build) skips every
    folder named ``dist``. Files that refer to each other keep their relative positions, since
    all of a package's ``dist/`` files lose the same prefix.
    """
    return path.removeprefix("dist/")


def _file_entry(
    path: str, data: bytes, replaces: tuple[str, ...], source: str | None
) -> dict[str, object]:
    name = posixpath.basename(path).upper()
    is_licence = name.startswith(("LICENSE", "MIT-LICENCE"))
    role = "licence" if is_licence else _ROLES[posixpath.splitext(path)[1].lower()]
    entry: dict[str, object] = {
        "bytes": len(data),
        "path": _stored_path(path),
        "replaces": list(replaces),
        "role": role,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if source is not None:
        entry["source"] = f"package/{source}"
    return entry


def _check_not_ignored(paths: list[Path]) -> None:
    """Fail when git would ignore a vendored file: it would be missing from commits and wheels."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return
    listed = "\n".join(str(p.relative_to(ROOT)) for p in paths) + "\n"
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=ROOT,
        input=listed,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.stdout.strip():
        raise VendorError("git ignores these vendored files:\n" + result.stdout)


def _check_inlinable(pkg: Package, path: str, data: bytes) -> None:
    # An inlined script may not contain "<!--": it can switch the HTML parser into a state where
    # "</script>" no longer ends the element, and it cannot be escaped safely in every JS context.
    if path.endswith(".js") and b"<!--" in data:
        raise VendorError(f"{pkg.name}/{path} contains '<!--' and cannot be inlined safely")


def vendor_package(pkg: Package) -> dict[str, object]:
    """Copy what the map needs from one package and return its manifest entry."""
    tarball = _fetch(pkg)
    members = _members(tarball)
    declared = json.loads(members["package.json"])
    if declared.get("version") != pkg.version:
        raise VendorError(f"{tarball.name}: package.json says version {declared.get('version')}")
    target = VENDOR / f"{pkg.name}@{pkg.version}"
    written: dict[str, tuple[bytes, tuple[str, ...]]] = {}

    wanted: list[tuple[str, tuple[str, ...]]] = [*pkg.files.items()]
    wanted += [(p, ()) for p in pkg.extra_files]
    for derived_path, (source, replaces) in pkg.derived.items():
        css = _glyphicons_css(members[source].decode("utf-8"))
        written[derived_path] = (css.encode("utf-8"), replaces)
    for path, replaces in wanted:
        if path not in members:
            raise VendorError(f"{tarball.name} has no {path}")
        written[path] = (members[path], replaces)
    # Images and fonts the stylesheets point at.
    for path in [p for p in list(written) if p.endswith(".css")]:
        for ref in _css_references(path, written[path][0].decode("utf-8")):
            if ref not in members:
                raise VendorError(f"{pkg.name}/{path} refers to {ref}, which the tarball lacks")
            written.setdefault(ref, (members[ref], ()))

    licence_name, licence_bytes, licence_source = _licence_text(pkg, members)
    written[licence_name] = (licence_bytes, ())

    entries = []
    stored = []
    for path in sorted(written, key=_stored_path):
        data, replaces = written[path]
        _check_inlinable(pkg, path, data)
        out = target / _stored_path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        stored.append(out)
        from_tarball = path in members and path not in pkg.derived and data == members[path]
        entries.append(_file_entry(path, data, replaces, path if from_tarball else None))
        if path in pkg.derived:
            entries[-1]["derived_from"] = f"package/{pkg.derived[path][0]}"
    _check_not_ignored(stored)

    declared_licence = declared.get("license") or [
        item.get("type") for item in declared.get("licenses", [])
    ]
    return {
        "declared_licence": declared_licence,
        "directory": f"vendor/{pkg.name}@{pkg.version}",
        "files": entries,
        "integrity": pkg.integrity,
        "licence": pkg.licence.spdx,
        "licence_file": licence_name,
        "licence_source": licence_source,
        "name": pkg.name,
        "note": pkg.note,
        "tarball": f"{REGISTRY}/{pkg.name}/-/{pkg.name.split('/')[-1]}-{pkg.version}.tgz",
        "tarball_sha256": hashlib.sha256(tarball.read_bytes()).hexdigest(),
        "version": pkg.version,
    }


def main() -> int:
    """Rebuild ``src/corridor/webmap/assets/vendor/`` and ``manifest.json`` from the npm registry."""
    if shutil.which("npm") is None:
        print("npm is needed to re-derive the vendored assets", file=sys.stderr)
        return 2
    if VENDOR.exists():
        shutil.rmtree(VENDOR)  # drop files that a previous run kept and this one does not
    packages = [vendor_package(pkg) for pkg in sorted(PACKAGES, key=lambda p: p.name)]
    total = sum(f["bytes"] for p in packages for f in p["files"])  # type: ignore[index,misc]
    manifest = {
        "about": (
            "Files folium 0.20.0 maps load from CDNs, copied from npm registry tarballs by "
            "scripts/vendor_assets.py; corridor.webmap.offline inlines them into map HTML."
        ),
        "folium": "0.20.0",
        "packages": packages,
        "total_bytes": total,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    MANIFEST.write_text(text, encoding="utf-8", newline="\n")
    for pkg in packages:
        size = sum(f["bytes"] for f in pkg["files"])  # type: ignore[index,misc]
        print(f"{pkg['name']}@{pkg['version']}: {len(pkg['files'])} files, {size} bytes")  # type: ignore[arg-type]
    print(f"total: {total} bytes in {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
