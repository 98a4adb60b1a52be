"""One-time sign-in links: stored as a hash, spent once, refused when expired."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from dispatch.auth.principal import Role
from dispatch.errors import NotAuthenticated, NotFound
from dispatch.shippers.sign_in_links import consume_sign_in_link, issue_sign_in_link
from tests.factories import make_shipper, make_user


class TestSignInLinks:
    def test_a_link_names_its_shipper_and_only_its_hash_is_stored(self, session: Session) -> None:
        shipper = make_shipper(session)
        issued = issue_sign_in_link(
            session, shipper_id=shipper.id, issued_by_user_id=make_user(session).id
        )

        principal = consume_sign_in_link(session, token=issued.token)

        assert (principal.role, principal.id) == (Role.SHIPPER, shipper.id)
        assert issued.token not in issued.record.token_hash
        assert issued.url.endswith(f"/shipper/link/{issued.token}")

    def test_a_link_is_spent_by_its_first_use(self, session: Session) -> None:
        issued = issue_sign_in_link(
            session, shipper_id=make_shipper(session).id, issued_by_user_id=None
        )
        consume_sign_in_link(session, token=issued.token)

        with pytest.raises(NotAuthenticated):
            consume_sign_in_link(session, token=issued.token)

    def test_an_expired_link_is_refused(self, session: Session) -> None:
        issued = issue_sign_in_link(
            session,
            shipper_id=make_shipper(session).id,
            issued_by_user_id=None,
            ttl=timedelta(seconds=-1),
        )

        with pytest.raises(NotAuthenticated):
            consume_sign_in_link(session, token=issued.token)

    def test_a_made_up_token_is_refused(self, session: Session) -> None:
        with pytest.raises(NotAuthenticated):
            consume_sign_in_link(session, token="not-a-real-token")

    def test_no_link_for_an_unknown_shipper(self, session: Session) -> None:
        with pytest.raises(NotFound):
            issue_sign_in_link(session, shipper_id=987_654, issued_by_user_id=None)
