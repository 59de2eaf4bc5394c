import pyproj
import pytest
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.geometry import SUPPORTED_CRS, crs_urn, is_supported_crs, parse_crs


@pytest.mark.parametrize(
    ("given", "code"),
    [
        (32633, 32633),
        ("EPSG:32633", 32633),
        ("epsg:3857", 3857),
        ("urn:ogc:def:crs:EPSG::32633", 32633),
        ("urn:ogc:def:crs:EPSG:9.8.15:3035", 3035),
        ("http://www.opengis.net/def/crs/EPSG/0/32717", 32717),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", 4326),
        ("OGC:CRS84", 4326),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326),
        ("4326", 4326),
        (pyproj.CRS.from_epsg(32633), 32633),
        (pyproj.CRS("OGC:CRS84"), 4326),
    ],
)
def test_parse_crs_reads_every_usual_spelling(given: object, code: int) -> None:
    assert parse_crs(given) == code


@pytest.mark.parametrize(
    "given", [True, -4326, "EPSG:", "WGS 84 please", 4326.0, pyproj.CRS.from_proj4("+proj=robin")]
)
def test_parse_crs_refuses_what_is_not_an_epsg_crs(given: object) -> None:
    with pytest.raises(ValidationError):
        parse_crs(given)


def test_urns_are_the_ones_the_service_takes() -> None:
    assert crs_urn(32633) == "urn:ogc:def:crs:EPSG::32633"
    assert crs_urn(4326) == "urn:ogc:def:crs:OGC:1.3:CRS84"


def test_supported_crs_list_matches_the_service() -> None:
    assert len(SUPPORTED_CRS) == 3 + 60 + 60
    assert {4326, 3857, 3035, 32601, 32660, 32701, 32760} <= SUPPORTED_CRS
    assert not is_supported_crs(32661)
    assert not is_supported_crs(6933)
    assert is_supported_crs(6933, cdse=True)
