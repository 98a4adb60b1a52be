"""A shipper's morning on a 360 by 740 phone: sign in, declare, follow the route, pick up
(once offline), hand off with the recipient's code and with a photo, see it all delivered."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Response,
    ViewportSize,
    expect,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.clock import local_today
from dispatch.enums import OrderStatus, ProofKind
from dispatch.orders.models import Order, OrderEvent, ProofOfDelivery
from dispatch.settings import get_settings
from tests.factories import HOAN_KIEM, make_order, make_route, make_sales_point, make_shipper

PIN = "2468"
PHONE_VIEWPORT: ViewportSize = {"width": 360, "height": 740}


@pytest.mark.browser
def test_a_shipper_signs_in_declares_picks_up_offline_and_hands_off(
    browser: Browser, seed: Session, live_server: str, artifacts: Path, tmp_path: Path
) -> None:
    shipper = make_shipper(seed, pin=PIN)
    point = make_sales_point(seed)
    by_code = make_order(seed, point, recipient_name="Trần Thị Lan")
    by_photo = make_order(seed, point, recipient_name="Phạm Văn Hùng")
    make_route(seed, shipper, [by_code, by_photo])
    seed.commit()
    context = _phone(browser, live_server)
    page = context.new_page()
    try:
        _sign_in(page, shipper.phone, artifacts)
        _declare(page, artifacts)
        expect(page.locator("details.stop.current")).to_contain_text(point.name)
        page.screenshot(path=artifacts / "3-route.png", full_page=True)

        _pick_up_offline(page, context, by_code, artifacts)
        with _accepted(page, by_photo, "pickup"):
            _current(page).locator("button[data-act=pickup]").click()
        _settled(page)

        expect(_current(page)).to_contain_text("Lan")
        code = _current(page).locator(".code-input")
        code.fill(by_code.handoff_code)
        seed.refresh(by_code)  # picked up by the server since
        by_code.handoff_note = "Gọi trước khi lên tầng 3"  # the card must change meanwhile
        seed.commit()
        _signal_drops_and_returns(page, context)  # the list is drawn again each time
        expect(_current(page)).to_contain_text("tầng 3")
        expect(code).to_have_value(by_code.handoff_code)
        with _accepted(page, by_code, "handoff"):
            _current(page).locator("button[data-act=handoff]").click()
        expect(_current(page)).to_contain_text("Hùng")
        with _accepted(page, by_photo, "handoff", timeout=45_000):  # shrinking takes a while
            _current(page).locator("input[data-act=photo]").set_input_files(_big_png(tmp_path))
        expect(page.locator("#stops")).to_contain_text("Đã xong lộ trình")
        _settled(page)
        expect(page.locator("details.stop.delivery")).to_contain_text(["Đã giao", "Đã giao"])
        page.screenshot(path=artifacts / "5-delivered.png", full_page=True)
    finally:
        context.close()

    seed.expire_all()
    for order in (by_code, by_photo):
        assert seed.get(Order, order.id).status is OrderStatus.DELIVERED  # type: ignore[union-attr]
    photo = seed.scalars(select(ProofOfDelivery).filter_by(order_id=by_photo.id)).one()
    assert (photo.kind, photo.photo_content_type) == (ProofKind.PHOTO, "image/jpeg")
    assert photo.photo is not None
    assert len(photo.photo) <= get_settings().photo_max_bytes
    picked = seed.scalars(
        select(OrderEvent).filter_by(order_id=by_code.id, to_status=OrderStatus.PICKED_UP)
    ).all()
    assert len(picked) == 1
    assert (picked[0].lat, picked[0].lon) == pytest.approx(HOAN_KIEM)


def _phone(browser: Browser, base_url: str) -> BrowserContext:
    return browser.new_context(
        viewport=PHONE_VIEWPORT,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": HOAN_KIEM[0], "longitude": HOAN_KIEM[1]},
        permissions=["geolocation"],
        base_url=base_url,
    )


def _current(page: Page) -> Locator:
    return page.locator("details.stop.current")


@contextmanager
def _accepted(page: Page, order: Order, action: str, *, timeout: float = 15_000) -> Iterator[None]:
    """What the block does makes the page send ``action`` for ``order``, and the server
    accepts it."""
    path = f"/v1/orders/{order.id}/{action}"

    def sent(response: Response) -> bool:
        return response.request.method == "POST" and urlsplit(response.url).path == path

    with page.expect_response(sent, timeout=timeout) as answer:
        yield
    assert answer.value.ok, (answer.value.status, answer.value.text())


def _settled(page: Page) -> None:
    """Every queued action sent and accepted."""
    expect(page.locator("#net")).not_to_contain_text("đang chờ gửi", timeout=15_000)
    expect(page.locator("#notice")).to_be_hidden()


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


def _pick_up_offline(page: Page, context: BrowserContext, order: Order, artifacts: Path) -> None:
    context.set_offline(True)
    page.locator("details.stop.current button[data-act=pickup]").click()
    expect(page.locator("#net")).to_contain_text("Mất mạng · 1 đang chờ gửi")
    page.screenshot(path=artifacts / "4-picked-up-offline.png", full_page=True)
    with _accepted(page, order, "pickup"):
        context.set_offline(False)
    _settled(page)


def _signal_drops_and_returns(page: Page, context: BrowserContext) -> None:
    """The page redraws the list as the signal goes and again as it comes back."""
    context.set_offline(True)
    expect(page.locator("#net")).to_contain_text("Mất mạng")
    context.set_offline(False)
    expect(page.locator("#net")).to_contain_text("Có mạng")


def _big_png(directory: Path) -> Path:
    """A 2400x1800 camera-sized PNG: the page must shrink it to a JPEG under the limit."""
    width, height = 2400, 1800
    rows = b"".join(b"\x00" + bytes((y % 256, (y // 8) % 256, 120)) * width for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    path = directory / "door.png"
    path.write_bytes(png + chunk(b"IEND", b""))
    return path
