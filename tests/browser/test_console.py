"""A dispatcher's minute in real headless Chromium: sign in, see the routes drawn on the map
(no tile can load here, so they must draw on the plain background), move an order from
one shipper to another through the page, and see both load bars change."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from dispatch.clock import utcnow
from dispatch.shippers.models import Shipper
from tests.factories import (
    make_declaration,
    make_order,
    make_planned_route,
    make_sales_point,
    make_shipper,
    make_user,
)

PASSWORD = "correct-horse-battery"


def all_day_shipper(seed: Session, name: str) -> Shipper:
    shipper = make_shipper(seed, name=name)
    shipper.shift_start, shipper.shift_end = time(0, 0), time(23, 59)
    make_declaration(seed, shipper)
    return shipper


def card(page: Page, shipper: Shipper) -> str:
    return f'li.shipper[data-shipper-id="{shipper.id}"]'


@pytest.mark.browser
def test_a_dispatcher_moves_an_order_and_both_load_bars_change(
    browser: Browser, seed: Session, live_server: str, artifacts: Path
) -> None:
    user = make_user(seed, username="dieuphoi", password=PASSWORD)
    shop = make_sales_point(seed, name="HTX Rau sạch Văn Đức")
    an, binh = all_day_shipper(seed, "Nguyễn Văn An"), all_day_shipper(seed, "Trần Văn Bình")
    an_orders = [make_order(seed, shop) for _ in range(2)]
    make_planned_route(seed, an, an_orders, now=utcnow())
    make_planned_route(seed, binh, [make_order(seed, shop)], now=utcnow())
    seed.commit()
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)

    page.goto(f"{live_server}/dispatcher")
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')

    expect(page.locator("path.route-line")).to_have_count(2)
    expect(page.locator(card(page, an))).to_have_attribute("data-stops", "4")
    expect(page.locator(card(page, binh))).to_have_attribute("data-stops", "2")
    page.screenshot(path=str(artifacts / "console-before-move.png"))

    page.click(f'{card(page, an)} .chip[data-order-id="{an_orders[0].id}"]')
    page.select_option("#move-to", str(binh.id))
    page.fill("#move-note", "Bình is closer")
    page.click("#move-btn")
    outcome = page.locator("#move-result")
    expect(outcome).to_have_class(re.compile(r"\b(ok|error)\b"))  # the answer is shown
    if outcome.locator("#force-btn").is_visible():  # late at night the shift end refuses it
        page.click("#force-btn")

    expect(page.locator(card(page, an))).to_have_attribute("data-stops", "2")
    expect(page.locator(card(page, binh))).to_have_attribute("data-stops", "4")
    expect(page.locator(".move-result.ok")).to_contain_text(f"#{an_orders[0].id}")
    page.screenshot(path=str(artifacts / "console-after-move.png"))
