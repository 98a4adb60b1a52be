"""The demo's pending orders, drawn from a fixed random seed so every run draws the same ones.

Only the delivery windows depend on the clock: they always lie ahead, within the working
hours of the delivery day (today, or tomorrow when too little of today is left).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dispatch.demo_data import DemoData, DemoSalesPoint, District
from dispatch.enums import HandoffPreference, PaymentMethod
from dispatch.phones import normalise_vn_phone

SEED = 2021
WORK_START = time(8, 0)
WORK_END = time(20, 0)
SLOT = timedelta(minutes=30)
# Today is still the delivery day while at least this much of the working day is ahead.
MIN_DAY_LEFT = timedelta(hours=3)
MAX_ORDER_KG = 6.0
SHIPPING_FEE_VND = 20_000

PAYMENTS = {
    PaymentMethod.PREPAID: 25,
    PaymentMethod.BANK_TRANSFER: 30,
    PaymentMethod.E_WALLET: 15,
    PaymentMethod.COD: 30,
}
HANDOFFS = {
    HandoffPreference.LEAVE_AT_DOOR: 30,
    HandoffPreference.LEAVE_AT_GATE: 15,
    HandoffPreference.LEAVE_WITH_GUARD: 25,
    HandoffPreference.PARCEL_LOCKER: 5,
    HandoffPreference.CALL_ON_ARRIVAL: 25,
}


@dataclass(frozen=True)
class DeliveryDay:
    """When the demo's orders may be delivered: ``[earliest, latest]`` in local time."""

    day: date
    earliest: datetime
    latest: datetime


@dataclass(frozen=True)
class OrderSpec:
    external_ref: str
    sales_point: str
    recipient_name: str
    recipient_phone: str
    address: str
    district: str
    ward: str
    lat: float
    lon: float
    window: tuple[datetime, datetime] | None
    parcels: int
    weight_kg: float
    items: list[dict[str, Any]]
    payment_method: PaymentMethod
    cod_amount_vnd: int
    handoff_preference: HandoffPreference
    handoff_note: str | None

    def body(self) -> dict[str, Any]:
        """The order as a sales point sends it to ``POST /v1/orders``."""
        window = self.window
        return {
            "external_ref": self.external_ref,
            "recipient": {
                "name": self.recipient_name,
                "phone": self.recipient_phone,
                "address": self.address,
                "lat": self.lat,
                "lon": self.lon,
            },
            "window": {"start": window[0], "end": window[1]} if window else None,
            "parcels": self.parcels,
            "weight_kg": self.weight_kg,
            "items": self.items,
            "payment": {"method": self.payment_method, "cod_amount_vnd": self.cod_amount_vnd},
            "handoff": {"preference": self.handoff_preference, "note": self.handoff_note},
        }


def delivery_day(now: datetime) -> DeliveryDay:
    """Today from the next half hour on, or all of tomorrow's working hours if today is over."""
    tz = now.tzinfo
    opening = datetime.combine(now.date(), WORK_START, tz)
    closing = datetime.combine(now.date(), WORK_END, tz)
    # Half an hour to pack the first parcels, then the next half-hour mark.
    ready = now + SLOT
    earliest = opening + math.ceil(max(ready - opening, timedelta()) / SLOT) * SLOT
    if closing - earliest >= MIN_DAY_LEFT:
        return DeliveryDay(now.date(), earliest, closing)
    tomorrow = now.date() + timedelta(days=1)
    return DeliveryDay(
        tomorrow,
        datetime.combine(tomorrow, WORK_START, tz),
        datetime.combine(tomorrow, WORK_END, tz),
    )


def order_specs(
    data: DemoData, *, count: int, ref_prefix: str, when: DeliveryDay
) -> list[OrderSpec]:
    """``count`` orders for the sales points of ``data``, recipients in its urban districts."""
    rng = random.Random(SEED)
    return [_order(rng, data, f"{ref_prefix}{n:04d}", when) for n in range(1, count + 1)]


def _order(rng: random.Random, data: DemoData, ref: str, when: DeliveryDay) -> OrderSpec:
    sales_point = rng.choices(data.sales_points, [sp.share for sp in data.sales_points])[0]
    district = rng.choices(data.districts, [d.share for d in data.districts])[0]
    lat, lon = _near(rng, district)
    items, weight, goods_vnd = _basket(rng, sales_point)
    payment = rng.choices(list(PAYMENTS), list(PAYMENTS.values()))[0]
    handoff = rng.choices(list(HANDOFFS), list(HANDOFFS.values()))[0]
    notes = data.handoff_notes.get(handoff.value, ())
    ward = rng.choice(district.wards)
    return OrderSpec(
        external_ref=ref,
        sales_point=sales_point.name,
        recipient_name=_person(rng, data),
        recipient_phone=_mobile(rng, data),
        address=f"{_house(rng)} {rng.choice(district.streets)}, phường {ward}, "
        f"quận {district.name}, Hà Nội",
        district=district.name,
        ward=ward,
        lat=lat,
        lon=lon,
        window=_window(rng, when),
        parcels=1 if weight <= 5 else 2,
        weight_kg=weight,
        items=items,
        payment_method=payment,
        cod_amount_vnd=goods_vnd + SHIPPING_FEE_VND if payment is PaymentMethod.COD else 0,
        handoff_preference=handoff,
        handoff_note=rng.choice(notes) if notes and rng.random() < 0.5 else None,
    )


def _near(rng: random.Random, district: District) -> tuple[float, float]:
    """A point around the district's centre, no farther than its spread."""
    north_km, east_km = (
        max(-district.spread_km, min(district.spread_km, rng.gauss(0, district.spread_km / 2)))
        for _ in range(2)
    )
    lat = district.lat + north_km / 110.574
    lon = district.lon + east_km / (111.320 * math.cos(math.radians(district.lat)))
    return round(lat, 6), round(lon, 6)


def _basket(
    rng: random.Random, sales_point: DemoSalesPoint
) -> tuple[list[dict[str, Any]], float, int]:
    """Items (with OCOP codes where certified), their weight in kg and their price in VND.

    One or two products, one or two of each, at most MAX_ORDER_KG: what a shopper orders
    online and a motorbike shipper carries among twenty others.
    """
    count = 1 if rng.random() < 0.6 else 2
    chosen = rng.sample(sales_point.products, k=min(len(sales_point.products), count))
    items: list[dict[str, Any]] = []
    weight, price = 0.0, 0
    for product in chosen:
        quantity = rng.randint(1, 2)
        if weight + quantity * product.weight_kg > MAX_ORDER_KG:
            quantity = 1
            if items and weight + product.weight_kg > MAX_ORDER_KG:
                continue
        item: dict[str, Any] = {
            "name": product.name,
            "quantity": quantity,
            "unit_price_vnd": product.price_vnd,
        }
        if product.ocop_code:
            item["ocop_code"] = product.ocop_code
        items.append(item)
        weight += quantity * product.weight_kg
        price += quantity * product.price_vnd
    return items, round(max(weight, 0.3), 2), price


def _window(rng: random.Random, when: DeliveryDay) -> tuple[datetime, datetime] | None:
    """A two- or three-hour window for three orders in four; the rest take any time."""
    if rng.random() < 0.25:
        return None
    length = timedelta(hours=rng.choice((2, 2, 3)))
    length = min(length, when.latest - when.earliest)
    slots = int((when.latest - length - when.earliest) / SLOT)
    # One draw whatever the number of slots, so the clock never shifts the other fields.
    start = when.earliest + int(rng.random() * (slots + 1)) * SLOT
    return start, start + length


def _person(rng: random.Random, data: DemoData) -> str:
    return " ".join(
        (rng.choice(data.family_names), rng.choice(data.middle_names), rng.choice(data.given_names))
    )


def _mobile(rng: random.Random, data: DemoData) -> str:
    return normalise_vn_phone(rng.choice(data.mobile_prefixes) + f"{rng.randrange(10**7):07d}")


def _house(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return f"Số {rng.randint(1, 60)} ngõ {rng.randint(2, 300)}"
    return f"Số {rng.randint(1, 250)}"
