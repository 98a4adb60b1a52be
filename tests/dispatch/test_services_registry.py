"""The registry services: sales points, shippers and staff users are validated before
anything is stored, and a refused one leaves no row behind."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.auth.passwords import verify_secret
from dispatch.enums import SalesPointKind, UserRole
from dispatch.errors import Conflict, ValidationFailed
from dispatch.salespoints.models import SalesPoint
from dispatch.salespoints.service import create_sales_point
from dispatch.shippers.models import Shipper
from dispatch.shippers.service import create_shipper
from dispatch.users.models import User
from dispatch.users.service import create_user
from tests.factories import make_sales_point, make_shipper, make_user


def rows(session: Session, model: type[SalesPoint | Shipper | User]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def refused_at(session: Session, path: str, create: Any, **fields: Any) -> str:
    """Call ``create``, expect ValidationFailed naming ``path``; return its message."""
    with pytest.raises(ValidationFailed) as raised:
        create(session, **fields)
    assert raised.value.status_code == 422
    assert path in [field.path for field in raised.value.fields]
    return raised.value.message


SALES_POINT: dict[str, Any] = {
    "name": "HTX Chè Ba Trại",
    "address": "Ba Trại, Ba Vì",
    "lat": 21.083,
    "lon": 105.368,
}
SHIPPER: dict[str, Any] = {"name": "Phạm Quốc Bảo", "phone": "0868 427 530", "pin": "2468"}
USER: dict[str, Any] = {
    "username": "dieuphoi.hn",
    "password": "mat-khau-dai",
    "role": UserRole.DISPATCHER,
}


class TestCreateSalesPoint:
    def test_a_valid_sales_point_is_stored_active(self, session: Session) -> None:
        sales_point = create_sales_point(
            session,
            **SALES_POINT,
            kind=SalesPointKind.OCOP_PRODUCER,
            ocop_stars=4,
            ocop_certificate="HN-OCOP-2020-0231",
            contact_phone="0915 402 225",
        )

        stored = session.get_one(SalesPoint, sales_point.id)
        assert (stored.name, stored.kind, stored.ocop_stars) == (
            "HTX Chè Ba Trại",
            SalesPointKind.OCOP_PRODUCER,
            4,
        )
        assert stored.active
        assert stored.contact_phone == "+84915402225"

    def test_name_and_address_are_trimmed(self, session: Session) -> None:
        sales_point = make_sales_point(session, name="  HTX Văn Đức ", address=" Gia Lâm  ")

        assert (sales_point.name, sales_point.address) == ("HTX Văn Đức", "Gia Lâm")

    @pytest.mark.parametrize(
        ("overrides", "path"),
        [
            ({"name": "   "}, "name"),
            ({"address": ""}, "address"),
            ({"ocop_stars": 2}, "ocop_stars"),
            ({"ocop_stars": 6}, "ocop_stars"),
            ({"lat": 21.03, "lon": None}, "lon"),
            ({"lat": None, "lon": 105.8}, "lat"),
            ({"lat": 10.7769, "lon": 106.7009}, "lon"),
            ({"lat": float("nan")}, "lat"),
            ({"contact_phone": "123"}, "contact_phone"),
        ],
    )
    def test_bad_input_is_refused_with_its_field_and_stores_nothing(
        self, session: Session, overrides: dict[str, Any], path: str
    ) -> None:
        before = rows(session, SalesPoint)

        refused_at(session, path, create_sales_point, **{**SALES_POINT, **overrides})

        assert rows(session, SalesPoint) == before

    def test_outside_the_service_area_the_message_gives_the_area(self, session: Session) -> None:
        message = refused_at(
            session, "lat", create_sales_point, **{**SALES_POINT, "lat": 16.05, "lon": 108.2}
        )

        assert "outside the service area" in message
        assert "20.53" in message


class TestCreateShipper:
    def test_a_valid_shipper_is_on_duty_with_a_normalised_phone_and_hashed_pin(
        self, session: Session
    ) -> None:
        shipper = create_shipper(session, **SHIPPER, capacity_kg=40, capacity_parcels=30)

        assert shipper.phone == "+84868427530"
        assert shipper.on_duty
        assert (shipper.capacity_kg, shipper.capacity_parcels) == (40, 30)
        assert shipper.pin_hash != "2468"
        assert verify_secret(shipper.pin_hash, "2468")

    def test_home_coordinates_are_optional(self, session: Session) -> None:
        shipper = create_shipper(session, **SHIPPER)

        assert (shipper.home_lat, shipper.home_lon) == (None, None)

    @pytest.mark.parametrize(
        ("overrides", "path"),
        [
            ({"name": " "}, "name"),
            ({"phone": "12345"}, "phone"),
            ({"phone": "+33 6 12 34 56 78"}, "phone"),
            ({"pin": "123"}, "pin"),
            ({"pin": "123456789"}, "pin"),
            ({"pin": "12a4"}, "pin"),
            ({"capacity_kg": 0}, "capacity_kg"),
            ({"capacity_kg": 501}, "capacity_kg"),
            ({"capacity_parcels": 0}, "capacity_parcels"),
            ({"lat": 21.03}, "lat"),
            ({"lat": 48.85, "lon": 2.35}, "lat"),
        ],
    )
    def test_bad_input_is_refused_with_its_field_and_stores_nothing(
        self, session: Session, overrides: dict[str, Any], path: str
    ) -> None:
        before = rows(session, Shipper)

        refused_at(session, path, create_shipper, **{**SHIPPER, **overrides})

        assert rows(session, Shipper) == before

    def test_a_phone_already_registered_in_another_form_is_a_conflict(
        self, session: Session
    ) -> None:
        make_shipper(session, phone="0868 427 530")

        with pytest.raises(Conflict, match=r"\+84868427530 already exists"):
            create_shipper(session, **{**SHIPPER, "phone": "+84868427530"})


class TestCreateUser:
    @pytest.mark.parametrize("role", list(UserRole))
    def test_a_valid_user_is_active_with_a_hashed_password(
        self, session: Session, role: UserRole
    ) -> None:
        user = create_user(session, **{**USER, "role": role})

        assert (user.username, user.role, user.active) == ("dieuphoi.hn", role, True)
        assert verify_secret(user.password_hash, "mat-khau-dai")

    @pytest.mark.parametrize(
        ("overrides", "path"),
        [
            ({"username": "ab"}, "username"),
            ({"username": "điều phối"}, "username"),
            ({"username": "x" * 65}, "username"),
            ({"password": "ngan"}, "password"),
        ],
    )
    def test_bad_input_is_refused_with_its_field_and_stores_nothing(
        self, session: Session, overrides: dict[str, Any], path: str
    ) -> None:
        before = rows(session, User)

        refused_at(session, path, create_user, **{**USER, **overrides})

        assert rows(session, User) == before

    def test_a_taken_username_is_a_conflict(self, session: Session) -> None:
        make_user(session, username="dieuphoi.hn")

        with pytest.raises(Conflict, match="already exists"):
            create_user(session, **USER)
