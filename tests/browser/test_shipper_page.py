"""A shipper's morning on a 360 by 740 phone: sign in, declare, follow the route, pick up
offline, hand off with the recipient's code, see the order delivered."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.clock import local_today
from dispatch.enums import OrderStatus
from dispatch.orders.models import Order, OrderEvent
from tests.factories import HOAN_KIEM, make_order, make_route, make_sales_point, make_shipper

PIN = "2468"
PHONE_VIEWPORT: ViewportSize = {"width": 360, "height": 740}


@pytest.mark.browser
def test_a_shipper_signs_in_declares_picks_up_offline_and_hands_off_with_the_code(
    browser: Browser, seed: Session, live_server: str, artifacts: Path
) -> None:
    shipper = make_shipper(seed, pin=PIN)
    order = make_order(seed, make_sales_point(seed), recipient_name="Trần Thị Lan")
    make_route(seed, shipper, [order])
    seed.commit()
    context = browser.new_context(
        viewport=PHONE_VIEWPORT,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": HOAN_KIEM[0], "longitude": HOAN_KIEM[1]},
        permissions=["geolocation"],
        base_url=live_server,
    )
    page = context.new_page()
    try:
        _sign_in(page, shipper.phone, artifacts)
        _declare(page, artifacts)

        current = page.locator("details.stop.current")
        expect(current).to_contain_text(order.sales_point.name)
        page.screenshot(path=artifacts / "3-route.png", full_page=True)

        context.set_offline(True)
        current.locator("button[data-act=pickup]").click()
        expect(page.locator("#net")).to_contain_text("Mất mạng · 1 đang chờ gửi")
        page.screenshot(path=artifacts / "4-picked-up-offline.png", full_page=True)
        context.set_offline(False)
        expect(page.locator("#net")).not_to_contain_text("đang chờ gửi", timeout=15_000)

        delivery = page.locator("details.stop.current.delivery")
        expect(delivery).to_contain_text("Lan")
        delivery.locator(".code-input").fill(order.handoff_code)
        delivery.locator("button[data-act=handoff]").click()
        expect(page.locator("#stops")).to_contain_text("Đã xong lộ trình", timeout=15_000)
        expect(page.locator("details.stop.delivery")).to_contain_text("Đã giao")
        expect(page.locator("#net")).not_to_contain_text("đang chờ gửi", timeout=15_000)
        expect(page.locator("#notice")).to_be_hidden()
        page.screenshot(path=artifacts / "5-delivered.png", full_page=True)
    finally:
        context.close()

    seed.expire_all()
    assert seed.get(Order, order.id).status is OrderStatus.DELIVERED  # type: ignore[union-attr]
    events = seed.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).all()
    picked = [e for e in events if e.to_status is OrderStatus.PICKED_UP]
    assert len(picked) == 1
    assert (picked[0].lat, picked[0].lon) == pytest.approx(HOAN_KIEM)


def _sign_in(page: Page, phone: str, artifacts: Path) -> None:
    page.goto("/shipper")
    page.screenshot(path=artifacts / "1-sign-in.png")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=pin]", PIN)
    page.click("button[type=submit]")
    expect(page.locator("#declare")).to_be_visible()
    assert page.url.endswith("/shipper")


def _declare(page: Page, artifacts: Path) -> None:
    page.fill("input[name=temperature_c]", "36.6")
    page.check("input[name=mask]")
    page.check("input[name=sanitizer]")
    page.fill("input[name=test_date]", local_today().isoformat())
    page.screenshot(path=artifacts / "2-declaration.png", full_page=True)
    page.click("#declare button[type=submit]")
    expect(page.locator("#declare")).to_have_count(0)
