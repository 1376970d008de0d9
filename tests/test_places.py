"""The gazetteer: lookup by any spelling, clear errors, derived positions that follow their rule."""

import pytest

from corridor._errors import InputError, UnknownPlaceError
from corridor.geo.geodesy import distance_m
from corridor.geo.model import locate_derived
from corridor.geo.places import load_gazetteer, normalize_name, read_derived_places
from corridor.geo.route import route_from_places


@pytest.fixture(scope="module")
def gazetteer():
    registry = load_gazetteer()
    return locate_derived(registry, route_from_places(registry))


@pytest.mark.parametrize(
    ("spelling", "place_id"),
    [
        ("Trumba", "tronba"),
        ("TARNABA", "tronba"),
        ("al-Tarnaba", "tronba"),
        ("ترنبة", "tronba"),
        ("Ain-Al-Havr", "ain-al-hawr"),
        ("ain hour", "ain-al-hawr"),
        ("عين الحور", "ain-al-hawr"),
        ("Jisr al Shughur", "jisr-al-shughur"),
        ("saraqib", "saraqib"),
        ("ARIHA", "ariha"),
    ],
)
def test_find_by_any_spelling(gazetteer, spelling, place_id):
    assert gazetteer.find(spelling).id == place_id


def test_normalize_folds_case_diacritics_article_and_arabic_forms():
    assert normalize_name("Jisr ash-Shughūr") == normalize_name("JISR ASH SHUGHUR")
    assert normalize_name("al-Nayrab") == normalize_name("Nayrab")
    assert normalize_name("أريحا") == normalize_name("اريحا")
    assert normalize_name("Sarāqib") == "saraqib"


def test_unknown_place_suggests_closest(gazetteer):
    with pytest.raises(UnknownPlaceError) as info:
        gazetteer.find("Sraqib")
    assert "unknown place 'Sraqib'" in str(info.value)
    assert "Saraqib" in str(info.value)


def test_registry_rows_are_sourced_and_uncertain(gazetteer):
    for place in gazetteer.values():
        assert place.source, place.id
        assert place.uncertainty_m > 0, place.id
        assert place.is_derived or place.source_url.startswith("http"), place.id


def test_no_place_is_derived_where_the_gazetteer_has_it(gazetteer):
    # Issue 10: every village the project names is at a GeoNames point; places_derived.csv is empty.
    assert read_derived_places() == []
    for pid in ("tronba", "ain-al-hawr", "kafr-shalaya", "urum-al-jawz", "msibin", "al-kafir"):
        place = gazetteer[pid]
        assert not place.is_derived, pid
        assert place.geonames_id is not None, pid
        assert place.uncertainty_m <= 1000, pid
        assert place.source_url == f"https://www.geonames.org/{place.geonames_id}", pid


def test_tronba_is_further_from_saraqib_than_the_protocol_says(gazetteer):
    tronba, saraqib = gazetteer["tronba"], gazetteer["saraqib"]
    # GeoNames' Turumbah is 3.4 km west of Saraqib's point (the protocol's "2 km" is now a claim).
    assert distance_m(tronba.lon, tronba.lat, saraqib.lon, saraqib.lat) == pytest.approx(
        3434, abs=20
    )
    assert tronba.lon < saraqib.lon


def test_ambiguous_names_keep_their_other_candidates(gazetteer):
    # Which 'Ayn al Hawr, which Kufayr, which Musibin: the choice and the other records.
    expected = {"ain-al-hawr": 172220, "al-kafir": 173595, "msibin": 166838, "bsanqul": None}
    for pid, other in expected.items():
        place = gazetteer[pid]
        ids = [gid for gid, _ in place.alternatives]
        if other is None:
            assert ids == [], pid
            assert "Dabsanq" in place.note
        else:
            assert other in ids, pid
            assert str(other) in place.note, pid
    # The alternative Ain al-Hawr in Idlib governorate lies about 7 km from the chosen one.
    assert dict(gazetteer["ain-al-hawr"].alternatives)[172220] == pytest.approx(7.0, abs=0.15)


def test_alternatives_and_duplicate_ids_are_checked(tmp_path):
    header = (
        "id,name,name_ar,alt_names,lat,lon,source,source_url,geonames_id,derivation,"
        "uncertainty_m,alternatives,note\n"
    )
    row = "x,X,,,35.2,36.1,src,https://a,{gid},,100,{alt},\n"
    path = tmp_path / "places.csv"
    path.write_text(header + row.format(gid="1", alt="7 km"), encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, field 'alternatives'.*GEONAMES_ID:KM"):
        load_gazetteer(path)
    path.write_text(
        header + row.format(gid="1", alt="") + row.format(gid="2", alt="").replace("x,X", "x,Y"),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"row 3, field 'id'.*also on row 2"):
        load_gazetteer(path)
    path.write_text(
        header + row.format(gid="5", alt="") + row.format(gid="5", alt="").replace("x,X", "y,Y"),
        encoding="utf-8",
    )
    with pytest.raises(
        InputError, match=r"row 3, field 'geonames_id'.*GeoNames id 5 is also on row 2"
    ):
        load_gazetteer(path)
    path.write_text(header + row.format(gid="abc", alt=""), encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, field 'geonames_id'"):
        load_gazetteer(path)


def test_bad_rows_name_file_row_and_field(tmp_path):
    good = load_gazetteer()  # noqa: F841  (the committed file must load)
    path = tmp_path / "places.csv"
    header = (
        "id,name,name_ar,alt_names,lat,lon,source,source_url,geonames_id,derivation,"
        "uncertainty_m,alternatives,note\n"
    )
    path.write_text(header + "x,X,,,95.2,36.1,src,https://a,,,100,,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_gazetteer(path)
    message = str(info.value)
    assert str(path) in message and "row 2" in message and "'lat'" in message

    path.write_text(header + "x,X,,,35.2,abc,src,https://a,,,100,,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2.*'lon'.*not a number"):
        load_gazetteer(path)

    path.write_text("id,name\nx,X\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected the columns"):
        load_gazetteer(path)

    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="cannot read"):
        load_gazetteer(path)
