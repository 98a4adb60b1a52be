"""Geocoding: the offline gazetteer, Nominatim through geopy (a fake transport at the edge),
the database cache and the refusal to invent a location."""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderUnavailable as GeopyUnavailable
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.enums import GeocodePrecision
from dispatch.errors import ValidationFailed
from dispatch.geocoding.gazetteer import GAZETTEER_FILE, OfflineGeocoder, hanoi
from dispatch.geocoding.models import GeocodeCacheEntry
from dispatch.geocoding.nominatim import NominatimGeocoder
from dispatch.geocoding.service import locate_address
from dispatch.settings import HANOI_AREA


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (a[0] - b[0]) * 111.0
    dlon = (a[1] - b[1]) * 111.0 * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlon)


class FakeNominatimTransport(BaseSyncAdapter):  # type: ignore[misc]
    """Answers Nominatim's search URL from a table; records every query it was asked."""

    answers: dict[str, list[dict[str, Any]]] = {}  # noqa: RUF012
    asked: list[str] = []  # noqa: RUF012
    down = False

    def __init__(self, **_: Any) -> None:
        pass

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        if type(self).down:
            raise GeopyUnavailable("connection refused")
        query = parse_qs(urlparse(url).query)["q"][0]
        type(self).asked.append(query)
        return type(self).answers.get(query, [])

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        return json.dumps(self.get_json(url, timeout=timeout, headers=headers))


@pytest.fixture
def transport() -> type[FakeNominatimTransport]:
    class Transport(FakeNominatimTransport):
        answers: dict[str, list[dict[str, Any]]] = {}  # noqa: RUF012
        asked: list[str] = []  # noqa: RUF012

    return Transport


def nominatim(transport: type[FakeNominatimTransport]) -> NominatimGeocoder:
    return NominatimGeocoder(
        user_agent="dispatch-tests",
        area=HANOI_AREA,
        adapter_factory=transport,
        min_delay_seconds=0,
    )


def nominatim_hit(lat: float, lon: float, rank: int) -> list[dict[str, Any]]:
    return [
        {
            "lat": str(lat),
            "lon": str(lon),
            "place_rank": rank,
            "display_name": "24 Tràng Tiền, Hoàn Kiếm, Hà Nội",
            "address": {"city_district": "Quận Hoàn Kiếm", "quarter": "Phường Tràng Tiền"},
        }
    ]


class TestGazetteer:
    def test_it_has_all_thirty_districts_of_ha_noi(self) -> None:
        assert len(hanoi().districts) == 30

    def test_every_place_lies_in_the_service_area(self) -> None:
        gazetteer = hanoi()
        places = [
            *gazetteer.districts.values(),
            *(p for ps in gazetteer.wards.values() for p in ps),
        ]
        assert all(HANOI_AREA.contains(p.lat, p.lon) for p in places)

    def test_every_ward_lies_near_its_district_centre(self) -> None:
        gazetteer = hanoi()
        centres = {p.name: (p.lat, p.lon) for p in gazetteer.districts.values()}
        far = [
            (p.name, p.district)
            for places in gazetteer.wards.values()
            for p in places
            if km((p.lat, p.lon), centres[p.district]) > 6
        ]
        assert far == []

    def test_the_data_file_ships_inside_the_package(self) -> None:
        from importlib.resources import files

        assert files("dispatch.geocoding").joinpath(GAZETTEER_FILE).is_file()


class TestOfflineGeocoder:
    @pytest.mark.parametrize(
        ("address", "district"),
        [
            ("Q. Ba Đình", "Ba Đình"),
            ("quan ba dinh", "Ba Đình"),
            ("Hoàn Kiếm, HN", "Hoàn Kiếm"),
            ("12 Tràng Tiền, Hoàn Kiếm, Hà Nội", "Hoàn Kiếm"),
            ("số 5 ngõ 10 phố Huế, quận Hai Bà Trưng, TP Hà Nội", "Hai Bà Trưng"),
            ("thôn 3, xã Kim Sơn, H. Gia Lâm", "Gia Lâm"),
            ("TX. Sơn Tây, Hà Nội, Việt Nam", "Sơn Tây"),
            ("Thanh Trì, Hà Nội", "Thanh Trì"),
        ],
    )
    def test_a_named_district_resolves_to_its_centroid(self, address: str, district: str) -> None:
        location = OfflineGeocoder().locate(address)

        assert location is not None
        assert (location.precision, location.district, location.ward) == (
            GeocodePrecision.DISTRICT,
            district,
            None,
        )

    @pytest.mark.parametrize(
        ("address", "ward", "district"),
        [
            ("P. Tràng Tiền", "Tràng Tiền", "Hoàn Kiếm"),
            ("12 phố Tràng Tiền, p.trang tien, q.hoan kiem", "Tràng Tiền", "Hoàn Kiếm"),
            ("P.Quang Trung, Q.Hà Đông", "Quang Trung", "Hà Đông"),
            ("Quang Trung, Đống Đa", "Quang Trung", "Đống Đa"),
            ("phuong thanh tri, hoang mai", "Thanh Trì", "Hoàng Mai"),
            ("Mỹ Đình 2, Nam Từ Liêm, HN", "Mỹ Đình 2", "Nam Từ Liêm"),
            ("Thanh Xuân Bắc, Thanh Xuân", "Thanh Xuân Bắc", "Thanh Xuân"),
        ],
    )
    def test_a_named_ward_wins_over_its_district(
        self, address: str, ward: str, district: str
    ) -> None:
        location = OfflineGeocoder().locate(address)

        assert location is not None
        assert (location.precision, location.ward, location.district) == (
            GeocodePrecision.WARD,
            ward,
            district,
        )

    def test_a_ward_name_shared_by_two_districts_needs_the_district(self) -> None:
        assert OfflineGeocoder().locate("Phường Quang Trung") is None

    def test_a_ward_that_contradicts_the_district_leaves_the_district(self) -> None:
        location = OfflineGeocoder().locate("Ngõ 3, P. Kim Mã, Q. Đống Đa")

        assert location is not None
        assert (location.precision, location.district) == (GeocodePrecision.DISTRICT, "Đống Đa")

    def test_a_street_with_a_house_number_is_not_taken_for_a_ward(self) -> None:
        location = OfflineGeocoder().locate("12 Tràng Tiền, Hà Nội")

        assert location is None

    @pytest.mark.parametrize("address", ["12 Lê Lợi, TP Vinh, Nghệ An", "Hà Nội", ""])
    def test_an_address_naming_no_known_place_resolves_to_nothing(self, address: str) -> None:
        assert OfflineGeocoder().locate(address) is None


class TestNominatimGeocoder:
    def test_a_house_level_answer_has_address_precision(
        self, transport: type[FakeNominatimTransport]
    ) -> None:
        transport.answers["24 Tràng Tiền, Hà Nội"] = nominatim_hit(21.0247, 105.8560, 30)

        location = nominatim(transport).locate("24 Tràng Tiền, Hà Nội")

        assert location is not None
        assert (location.lat, location.lon, location.precision) == (
            21.0247,
            105.856,
            GeocodePrecision.ADDRESS,
        )
        assert location.district == "Quận Hoàn Kiếm"

    def test_a_city_level_answer_places_nothing(
        self, transport: type[FakeNominatimTransport]
    ) -> None:
        transport.answers["Hà Nội"] = nominatim_hit(21.0283, 105.8542, 8)

        assert nominatim(transport).locate("Hà Nội") is None


class TestLocateAddress:
    def test_the_offline_default_places_a_district(self, session: Session) -> None:
        location = locate_address(session, "Cầu Giấy, Hà Nội", geocoder=OfflineGeocoder())

        assert location.precision is GeocodePrecision.DISTRICT

    def test_an_unplaceable_address_is_refused_with_a_message_asking_for_coordinates(
        self, session: Session
    ) -> None:
        with pytest.raises(ValidationFailed) as raised:
            locate_address(
                session, "nhà bác Ba, đầu ngõ", geocoder=OfflineGeocoder(), path="recipient.address"
            )

        assert raised.value.fields[0].path == "recipient.address"
        assert "coordinates" in raised.value.fields[0].message

    def test_nominatim_is_asked_once_per_address_thanks_to_the_cache(
        self, session: Session, transport: type[FakeNominatimTransport]
    ) -> None:
        transport.answers["24 Tràng Tiền, Hà Nội"] = nominatim_hit(21.0247, 105.8560, 30)
        geocoder = nominatim(transport)

        first = locate_address(session, "24 Tràng Tiền, Hà Nội", geocoder=geocoder)
        second = locate_address(session, "24  tràng tiền, hà nội", geocoder=geocoder)

        assert first == second
        assert transport.asked == ["24 Tràng Tiền, Hà Nội"]

    def test_a_nominatim_miss_is_cached_and_the_gazetteer_answers(
        self, session: Session, transport: type[FakeNominatimTransport]
    ) -> None:
        geocoder = nominatim(transport)

        for _ in range(2):
            location = locate_address(session, "ngõ 99, Q. Tây Hồ", geocoder=geocoder)

        assert location.precision is GeocodePrecision.DISTRICT
        assert transport.asked == ["ngõ 99, Q. Tây Hồ"]
        cached = session.scalar(select(func.count()).where(GeocodeCacheEntry.lat.is_(None)))
        assert cached == 1

    def test_when_nominatim_is_down_the_gazetteer_answers_and_nothing_is_cached(
        self, session: Session, transport: type[FakeNominatimTransport]
    ) -> None:
        transport.down = True

        location = locate_address(session, "P. Yên Phụ, Tây Hồ", geocoder=nominatim(transport))

        assert (location.precision, location.ward) == (GeocodePrecision.WARD, "Yên Phụ")
        assert session.scalar(select(func.count()).select_from(GeocodeCacheEntry)) == 0

    def test_an_answer_outside_the_service_area_is_refused(
        self, session: Session, transport: type[FakeNominatimTransport]
    ) -> None:
        transport.answers["Đà Nẵng"] = nominatim_hit(16.0544, 108.2022, 30)

        with pytest.raises(ValidationFailed, match="outside the service area"):
            locate_address(session, "Đà Nẵng", geocoder=nominatim(transport))
