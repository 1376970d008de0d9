"""corridor.kmz: KML 2.2 in a zip (doc.kml first), dated for Google Earth's slider, hostile text inert."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from html.parser import HTMLParser

import numpy as np
import pytest
from fastkml import validator
from lxml import etree
from PIL import Image

import corridor
from corridor.export import kml as kml_module
from corridor.webmap.style import EVENT_SYMBOLS, PALETTE
from test_safe import hostile_strings
from test_webmap import write_acled, write_hostile

NS = {"k": "http://www.opengis.net/kml/2.2"}
K = "{http://www.opengis.net/kml/2.2}"


def _doc(path):
    with zipfile.ZipFile(path) as kmz:
        return etree.fromstring(kmz.read("doc.kml"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kml")
    texts = [*hostile_strings(), "مدينة سراقب <b>x</b>"]
    hostile = write_hostile(folder / "hostile.csv", texts)
    out = folder / "out"
    result = corridor.build(out, events=[hostile])
    return out / "corridor.kmz", result, texts


def test_kmz_is_a_zip_with_doc_kml_first_and_pinned_times(built):
    path, _, _ = built
    with zipfile.ZipFile(path) as kmz:
        infos = kmz.infolist()
        assert infos[0].filename == "doc.kml"
        assert {i.date_time for i in infos} == {kml_module.ZIP_DATE}
        names = {i.filename for i in infos}
    assert {f"files/{g}.png" for g in EVENT_SYMBOLS} <= names


def test_doc_kml_is_valid_kml_2_2(built, tmp_path):
    path, _, _ = built
    with zipfile.ZipFile(path) as kmz:
        (tmp_path / "doc.kml").write_bytes(kmz.read("doc.kml"))
    root = etree.parse(str(tmp_path / "doc.kml")).getroot()
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    assert validator.validate(file_to_validate=tmp_path / "doc.kml") is True  # OGC's XSD


def test_folders_per_layer(built):
    path, _, _ = built
    doc = _doc(path)
    top = [f.findtext("k:name", namespaces=NS) for f in doc.findall("k:Document/k:Folder", NS)]
    for start in (
        "Corridor",
        "M4 road",
        "Turkey",
        "Places",
        "Patrols",
        "Events (catalogue)",
        "Imported events",
    ):
        assert any(name.startswith(start) for name in top), (start, top)
    styles = {s.get("id") for s in doc.iter(K + "Style")}
    assert {
        "corridor_north",
        "corridor_south",
        "border",
        *(f"ev_{g}" for g in EVENT_SYMBOLS),
    } <= styles
    north = doc.find("k:Document/k:Style[@id='corridor_north']/k:PolyStyle/k:color", NS).text
    assert north[2:] == kml_module.kml_colour(PALETTE["north_fill"])[2:]


def _timed(folder) -> int:
    return sum(
        1
        for p in folder.iter(K + "Placemark")
        if p.find("k:TimeStamp", NS) is not None or p.find("k:TimeSpan", NS) is not None
    )


def _folder(doc, start):
    found = [
        f
        for f in doc.findall("k:Document/k:Folder", NS)
        if f.findtext("k:name", namespaces=NS).startswith(start)
    ]
    assert len(found) == 1, start
    return found[0]


def test_events_and_patrols_are_dated(built):
    path, result, texts = built
    doc = _doc(path)
    events = result.events
    catalogue = events[events.origin == "catalogue"]
    in_folders = _timed(_folder(doc, "Events (catalogue)")) + _timed(_folder(doc, "Events far"))
    assert in_folders == catalogue.date.notna().sum() > 40
    patrols = corridor.load().patrols
    assert _timed(_folder(doc, "Patrols")) == patrols.date.notna().sum() > 10
    assert _timed(_folder(doc, "Imported")) == len(texts)
    whens = {w.text for w in doc.iter(K + "when")}
    begins = {b.text for b in doc.iter(K + "begin")}
    # A date known to the month or the year starts its span on the first day.
    for date in catalogue.date.dropna().astype(str):
        assert (date + "-01-01")[:10] in whens | begins, date


def _span(time):
    return (time.begin.dt, time.end.dt)


@pytest.mark.parametrize(
    ("date", "precision", "first", "last"),
    [
        ("2020-05-04", "week", dt.date(2020, 5, 4), dt.date(2020, 5, 10)),
        ("2020-05", "month", dt.date(2020, 5, 1), dt.date(2020, 5, 31)),
        ("2020-02", None, dt.date(2020, 2, 1), dt.date(2020, 2, 29)),  # a leap February
        ("2020-12", "month", dt.date(2020, 12, 1), dt.date(2020, 12, 31)),
        ("2021", "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
        # A full date known only to the month or year (ACLED's time_precision 3) claims no day.
        ("2021-06-21", "month", dt.date(2021, 6, 1), dt.date(2021, 6, 30)),
        ("2021-06-21", "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    ],
)
def test_weeks_months_and_years_are_spans_from_their_first_to_their_last_day(
    date, precision, first, last
):
    assert _span(kml_module.kml_time(date, precision)) == (first, last)


def test_days_are_stamps_and_bad_dates_have_no_time():
    assert str(kml_module.kml_time("2021-06-21", "day").timestamp) == "2021-06-21"
    assert str(kml_module.kml_time("2021-06-21", None).timestamp) == "2021-06-21"
    assert kml_module.kml_time(None, "day") is None
    assert kml_module.kml_time("not a date", "day") is None


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def test_hostile_text_stays_text_in_descriptions_and_names(built):
    path, _, texts = built
    doc = _doc(path)
    imported = _folder(doc, "Imported")
    marks = imported.findall("k:Placemark", NS)
    assert len(marks) == len(texts)
    shown = []
    for mark in marks:
        description = mark.findtext("k:description", namespaces=NS)
        parser = _Tags()
        parser.feed(description)  # how Google Earth reads it: as HTML
        for tag, attrs in parser.tags:
            assert tag in {"b", "br", "a"}, (tag, description)
            for key, value in attrs:
                assert key in {"href", "target", "rel"}, (key, description)
                if key == "href":
                    assert value.startswith(("http://", "https://")), value
        shown.append("".join(parser.text))
        name = mark.findtext("k:name", namespaces=NS)
        assert not set(name) & set('<>&"`${}'), name

    # Each hostile text is shown as the characters it is (control characters become U+FFFD).
    def plain(text):
        return " ".join("".join(c for c in text if c.isprintable() and c != "\ufffd").split())

    everything = plain(" ".join(shown))
    for text in texts:
        assert plain(text)[:40] in everything, text


def test_imported_events_are_capped_and_the_cap_is_stated(tmp_path, monkeypatch):
    monkeypatch.setattr(kml_module, "MAX_IMPORTED_DRAWN", 5)
    layers = corridor.load(events=[write_acled(tmp_path / "acled.csv", 40)])
    root = etree.fromstring(kml_module.kml_bytes(layers))
    imported = _folder(root, "Imported")
    assert len(imported.findall("k:Placemark", NS)) == 5
    note = imported.findtext("k:description", namespaces=NS)
    assert "only the 5 most recent of" in note and "events.csv" in note
    dates = sorted(
        layers.events.loc[layers.events.origin != "catalogue"]
        .query("in_study_area")
        .date.astype(str)
    )
    whens = sorted(w.text for w in imported.iter(K + "when"))
    assert whens == dates[-5:]


def test_icons_have_the_map_colours():
    for group, (_shape, key) in EVENT_SYMBOLS.items():
        data = (kml_module.files("corridor.export") / "kml_icons" / f"{group}.png").read_bytes()
        image = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")).reshape(-1, 4)
        opaque = image[image[:, 3] == 255][:, :3]
        colours, counts = np.unique(opaque, axis=0, return_counts=True)
        top = [tuple(int(v) for v in c) for c in colours[np.argsort(-counts)][:2]]
        want = tuple(int(PALETTE[key].lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
        assert want in top, (group, top, want)


def test_kmz_bytes_are_the_same_across_builds(built, tmp_path):
    path, _, texts = built
    hostile = write_hostile(tmp_path / "hostile.csv", texts)
    corridor.build(tmp_path / "again", events=[hostile])
    a = hashlib.sha256(path.read_bytes()).hexdigest()
    b = hashlib.sha256((tmp_path / "again" / "corridor.kmz").read_bytes()).hexdigest()
    assert a == b


def test_settlements_get_a_labelled_folder_when_present():
    import geopandas as gpd
    from shapely.geometry import Point

    layers = corridor.load()
    layers.settlements = gpd.GeoDataFrame(
        {
            "name": ["Kafr <b>Nubl</b>", "Maarrat"],
            "source": ["<img src=x onerror=alert(1)>", "GeoNames"],
        },
        geometry=[Point(36.5, 35.8), Point(36.6, 35.7)],
        crs="EPSG:4326",
    )
    root = etree.fromstring(kml_module.kml_bytes(layers))
    folder = _folder(root, "Settlements")
    names = [m.findtext("k:name", namespaces=NS) for m in folder.findall("k:Placemark", NS)]
    assert names == ["Kafr b Nubl /b", "Maarrat"]  # the tags are gone
    # Google Earth renders a description as HTML: the hostile source is text there.
    first = folder.find("k:Placemark", NS).findtext("k:description", namespaces=NS)
    assert "<img" not in first and "&lt;img" in first
    del layers.settlements
    root = etree.fromstring(kml_module.kml_bytes(layers))
    assert not [
        f
        for f in root.findall("k:Document/k:Folder", NS)
        if f.findtext("k:name", namespaces=NS).startswith("Settlements")
    ]


def _tree(element) -> tuple:
    """An element as (local tag, text, attributes, children): what two writers must agree on."""
    return (
        etree.QName(element).localname,
        (element.text or "").strip(),
        dict(element.attrib),
        [_tree(child) for child in element],
    )


def _fastkml_geometry(geom):
    """The reference: fastkml's KML for a shapely geometry (what doc.kml was written with)."""
    from fastkml import geometry as fk

    def coords(g):
        xy = np.round(np.asarray(g.coords)[:, :2], 6).tolist()
        return fk.Coordinates(coords=tuple(map(tuple, xy)))

    kind = geom.geom_type
    if kind == "Point":
        return fk.Point(kml_coordinates=coords(geom))
    if kind == "LineString":
        return fk.LineString(tessellate=True, kml_coordinates=coords(geom))
    if kind == "Polygon":
        return fk.Polygon(
            tessellate=True,
            outer_boundary=fk.OuterBoundaryIs(
                kml_geometry=fk.LinearRing(kml_coordinates=coords(geom.exterior))
            ),
            inner_boundaries=[
                fk.InnerBoundaryIs(kml_geometry=fk.LinearRing(kml_coordinates=coords(r)))
                for r in geom.interiors
            ],
        )
    return fk.MultiGeometry(kml_geometries=[_fastkml_geometry(g) for g in geom.geoms])


def test_geometries_are_written_as_fastkml_writes_them():
    from shapely import wkt

    from corridor.export.kml_elements import geometry_of

    shapes = [
        "POINT (36.1234567 35.7654321)",
        "POINT (-0.0000001 35.5)",
        "LINESTRING (36 35.5, 36.1 35.6, 36.2000005 35.7)",
        "POLYGON ((36 35, 37 35, 37 36, 36 36, 36 35), (36.2 35.2, 36.4 35.2, 36.3 35.4, 36.2 35.2))",
        "MULTIPOLYGON (((36 35, 37 35, 37 36, 36 35)), ((38 35, 39 35, 39 36, 38 35)))",
        "MULTILINESTRING ((36 35, 36.5 35.5), (37 36, 37.5 36.5))",
        "GEOMETRYCOLLECTION (POINT (36 35), LINESTRING (36 35, 37 36))",
    ]
    for text in shapes:
        geom = wkt.loads(text)
        ours = _tree(geometry_of(geom))
        reference = _tree(_fastkml_geometry(geom).etree_element(precision=6))
        assert ours == reference, text
