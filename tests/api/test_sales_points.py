"""The sales point registry (admin) and keys: create, list, update, deactivate, issue, revoke."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dispatch.enums import UserRole
from dispatch.errors import ValidationFailed
from dispatch.salespoints.models import ApiKey, SalesPoint
from tests.factories import bearer, make_api_key, make_sales_point, make_user, staff_headers
from tests.payloads import order_body


@pytest.fixture
def admin(session: Session) -> dict[str, str]:
    headers = staff_headers(make_user(session, role=UserRole.ADMIN))
    session.commit()  # a savepoint: a request that fails must not roll the user back
    return headers


NEW_SALES_POINT = {
    "name": "HTX Mật ong Ba Vì",
    "kind": "ocop_producer",
    "ocop_stars": 4,
    "ocop_certificate": "OCOP-HN-2020-117",
    "address": "Thôn Yên Bài, xã Vân Hoà, H. Ba Vì",
    "contact_name": "Nguyễn Văn Hùng",
    "contact_phone": "0987 654 321",
}


class TestRegisterSalesPoint:
    def test_an_admin_registers_a_sales_point_and_gets_its_key_once(
        self, client: TestClient, session: Session, admin: dict[str, str]
    ) -> None:
        response = client.post("/v1/sales-points", json=NEW_SALES_POINT, headers=admin)

        assert response.status_code == 201
        body = response.json()
        assert body["api_key"].startswith("sdk_")
        assert body["district"] == "Ba Vì"
        assert body["contact_phone"] == "+84987654321"
        key = session.query(ApiKey).filter_by(sales_point_id=body["id"]).one()
        assert body["api_key"] not in (key.key_hash, key.prefix)
        assert client.get("/v1/orders", headers=bearer(body["api_key"])).status_code == 200

    def test_a_dispatcher_may_not_register_sales_points(
        self, client: TestClient, session: Session
    ) -> None:
        headers = staff_headers(make_user(session))

        response = client.post("/v1/sales-points", json=NEW_SALES_POINT, headers=headers)

        assert response.status_code == 403

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            ({"ocop_stars": 6}, "ocop_stars"),
            ({"contact_phone": "12345"}, "contact_phone"),
            ({"address": "nhà văn hoá thôn"}, "address"),
            ({"lat": 10.78, "lon": 106.7}, "lat"),
            ({"status": "vip"}, "status"),
        ],
    )
    def test_bad_registry_fields_get_422_naming_them(
        self, client: TestClient, admin: dict[str, str], change: dict[str, object], path: str
    ) -> None:
        response = client.post(
            "/v1/sales-points", json={**NEW_SALES_POINT, **change}, headers=admin
        )

        assert response.status_code == 422
        assert path in [f["path"] for f in response.json()["error"]["fields"]]


class TestCreateSalesPointService:
    def test_without_coordinates_the_address_is_geocoded(self, session: Session) -> None:
        sales_point = make_sales_point(
            session, lat=None, lon=None, district=None, address="12 Hàng Bạc, P. Hàng Bạc, HN"
        )

        assert sales_point.district == "Hoàn Kiếm"
        assert abs(sales_point.lat - 21.034) < 0.01

    def test_an_address_that_places_nothing_is_refused(self, session: Session) -> None:
        with pytest.raises(ValidationFailed) as raised:
            make_sales_point(session, lat=None, lon=None, address="chợ đầu mối")

        assert raised.value.fields[0].path == "address"
        assert "coordinates" in raised.value.message


class TestManageSalesPoints:
    def test_the_admin_lists_and_filters_by_activity(
        self, client: TestClient, session: Session, admin: dict[str, str]
    ) -> None:
        active = make_sales_point(session)
        inactive = make_sales_point(session)
        inactive.active = False
        session.flush()

        listed = client.get("/v1/sales-points?active=false", headers=admin).json()

        ids = [sp["id"] for sp in listed]
        assert inactive.id in ids
        assert active.id not in ids

    def test_an_update_changes_only_the_fields_sent(
        self, client: TestClient, session: Session, admin: dict[str, str]
    ) -> None:
        sales_point = make_sales_point(session, ocop_stars=3)

        response = client.patch(
            f"/v1/sales-points/{sales_point.id}", json={"ocop_stars": 5}, headers=admin
        )

        assert response.json()["ocop_stars"] == 5
        assert response.json()["name"] == sales_point.name

    def test_a_deactivated_sales_point_gets_401_at_once(
        self, client: TestClient, session: Session, admin: dict[str, str]
    ) -> None:
        sales_point = make_sales_point(session)
        headers = bearer(make_api_key(session, sales_point))
        assert client.post("/v1/orders", json=order_body(), headers=headers).status_code == 201

        client.patch(f"/v1/sales-points/{sales_point.id}", json={"active": False}, headers=admin)

        response = client.post("/v1/orders", json=order_body(), headers=headers)
        assert response.status_code == 401
        assert "deactivated" in response.json()["error"]["message"]

    def test_a_missing_sales_point_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        assert client.get("/v1/sales-points/999999", headers=admin).status_code == 404

    def test_a_sales_point_reads_its_own_profile(
        self, client: TestClient, session: Session
    ) -> None:
        sales_point = make_sales_point(session, name="Siêu thị Hapro Mart")

        response = client.get(
            "/v1/sales-points/me", headers=bearer(make_api_key(session, sales_point))
        )

        assert response.json()["name"] == "Siêu thị Hapro Mart"


class TestApiKeys:
    def test_a_sales_point_may_hold_several_keys_and_each_works(
        self, client: TestClient, session: Session, admin: dict[str, str]
    ) -> None:
        sales_point = make_sales_point(session)
        url = f"/v1/sales-points/{sales_point.id}/api-keys"

        keys = [client.post(url, json={"label": f"shop {n}"}, headers=admin).json() for n in (1, 2)]

        for key in keys:
            assert client.get("/v1/orders", headers=bearer(key["api_key"])).status_code == 200
        listed = client.get(url, headers=admin).json()
        assert [k["label"] for k in listed] == ["shop 1", "shop 2"]
        assert all(k["last_used_at"] is not None for k in listed)
        assert all("api_key" not in k for k in listed)

    def test_a_revoked_key_gets_401_at_once_and_the_others_still_work(
        self, client: TestClient, session: Session, admin: dict[str, str]
    ) -> None:
        sales_point = make_sales_point(session)
        kept, revoked = make_api_key(session, sales_point), make_api_key(session, sales_point)
        revoked_id = session.query(ApiKey).filter_by(sales_point_id=sales_point.id).all()[1].id

        client.post(
            f"/v1/sales-points/{sales_point.id}/api-keys/{revoked_id}/revoke", headers=admin
        )

        assert client.get("/v1/orders", headers=bearer(revoked)).status_code == 401
        assert client.get("/v1/orders", headers=bearer(kept)).status_code == 200

    def test_revoking_another_sales_points_key_is_404(
        self, client: TestClient, session: Session, admin: dict[str, str]
    ) -> None:
        owner, other = make_sales_point(session), make_sales_point(session)
        make_api_key(session, owner)
        key_id = session.query(ApiKey).filter_by(sales_point_id=owner.id).one().id
        session.commit()

        response = client.post(
            f"/v1/sales-points/{other.id}/api-keys/{key_id}/revoke", headers=admin
        )

        assert response.status_code == 404
        assert session.get(SalesPoint, owner.id) is not None
