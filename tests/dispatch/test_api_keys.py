"""API keys: who a key speaks for, and its last-used time written at most once a minute."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from dispatch.auth.api_keys import LAST_USED_RESOLUTION, authenticate_key, issue_key
from dispatch.clock import utcnow
from dispatch.errors import NotAuthenticated
from dispatch.salespoints.admin import revoke_api_key, update_sales_point
from dispatch.salespoints.models import ApiKey
from tests.factories import make_sales_point


def last_used(session: Session, key: ApiKey) -> datetime | None:
    session.refresh(key)  # the check writes with a plain UPDATE, not through this object
    return key.last_used_at


class TestAuthenticateKey:
    def test_a_key_names_its_sales_point(self, session: Session) -> None:
        sales_point = make_sales_point(session, name="HTX Rau sạch Đặng Xá")
        plaintext = issue_key(session, sales_point).plaintext

        owner = authenticate_key(session, plaintext)

        assert (owner.sales_point_id, owner.name) == (sales_point.id, "HTX Rau sạch Đặng Xá")

    def test_an_unknown_key_is_refused(self, session: Session) -> None:
        with pytest.raises(NotAuthenticated, match="unknown"):
            authenticate_key(session, "sdk_not-a-key")

    def test_a_key_is_refused_right_after_it_is_revoked(self, session: Session) -> None:
        sales_point = make_sales_point(session)
        issued = issue_key(session, sales_point)
        authenticate_key(session, issued.plaintext)

        revoke_api_key(session, sales_point_id=sales_point.id, key_id=issued.record.id)

        with pytest.raises(NotAuthenticated, match="revoked"):
            authenticate_key(session, issued.plaintext)

    def test_a_key_is_refused_right_after_its_sales_point_is_deactivated(
        self, session: Session
    ) -> None:
        sales_point = make_sales_point(session)
        plaintext = issue_key(session, sales_point).plaintext
        authenticate_key(session, plaintext)

        update_sales_point(session, sales_point_id=sales_point.id, changes={"active": False})

        with pytest.raises(NotAuthenticated, match="deactivated"):
            authenticate_key(session, plaintext)


class TestLastUsed:
    def test_the_first_use_records_the_time(self, session: Session) -> None:
        issued = issue_key(session, make_sales_point(session))
        before = utcnow()

        authenticate_key(session, issued.plaintext)

        used = last_used(session, issued.record)
        assert used is not None
        assert used >= before

    def test_a_use_within_a_minute_of_the_last_one_writes_nothing(self, session: Session) -> None:
        issued = issue_key(session, make_sales_point(session))
        recent = utcnow() - LAST_USED_RESOLUTION / 2
        issued.record.last_used_at = recent
        session.flush()

        authenticate_key(session, issued.plaintext)

        assert last_used(session, issued.record) == recent

    def test_a_use_more_than_a_minute_later_moves_the_time(self, session: Session) -> None:
        issued = issue_key(session, make_sales_point(session))
        old = utcnow() - LAST_USED_RESOLUTION - timedelta(seconds=1)
        issued.record.last_used_at = old
        session.flush()

        authenticate_key(session, issued.plaintext)

        used = last_used(session, issued.record)
        assert used is not None
        assert used > old + LAST_USED_RESOLUTION
