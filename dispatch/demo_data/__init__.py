"""The demo data set of ``dispatch demo``, read from ``hanoi.json`` into typed records.

The districts, wards and streets are real and their coordinates approximate; the
businesses, people and phone numbers are made up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from dispatch.enums import SalesPointKind

DATA_FILE = Path(__file__).with_name("hanoi.json")

__all__ = ["DemoData", "DemoSalesPoint", "DemoShipper", "District", "Product", "load"]


@dataclass(frozen=True)
class Product:
    key: str
    name: str
    price_vnd: int
    weight_kg: float
    ocop_code: str | None


@dataclass(frozen=True)
class DemoSalesPoint:
    name: str
    kind: SalesPointKind
    ocop_stars: int | None
    district: str
    address: str
    lat: float
    lon: float
    contact_name: str
    contact_phone: str
    products: tuple[Product, ...]
    # How many of the demo orders this sales point gets, relative to the others.
    share: int

    @property
    def ocop_certificate(self) -> str | None:
        """A producer's certificate is that of its first certified product."""
        if self.kind is not SalesPointKind.OCOP_PRODUCER:
            return None
        return next((p.ocop_code for p in self.products if p.ocop_code), None)


@dataclass(frozen=True)
class DemoShipper:
    name: str
    phone: str
    capacity_kg: float
    capacity_parcels: int
    district: str


@dataclass(frozen=True)
class District:
    name: str
    lat: float
    lon: float
    spread_km: float
    share: int
    streets: tuple[str, ...]
    wards: tuple[str, ...]


@dataclass(frozen=True)
class DemoData:
    sales_points: tuple[DemoSalesPoint, ...]
    shippers: tuple[DemoShipper, ...]
    districts: tuple[District, ...]
    family_names: tuple[str, ...]
    middle_names: tuple[str, ...]
    given_names: tuple[str, ...]
    mobile_prefixes: tuple[str, ...]
    handoff_notes: dict[str, tuple[str, ...]]

    def district(self, name: str) -> District:
        return next(d for d in self.districts if d.name == name)


@lru_cache(maxsize=1)
def load() -> DemoData:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    products = {key: Product(key=key, **fields) for key, fields in raw["products"].items()}
    people = raw["people"]
    return DemoData(
        sales_points=tuple(_sales_point(sp, products) for sp in raw["sales_points"]),
        shippers=tuple(DemoShipper(**shipper) for shipper in raw["shippers"]),
        districts=tuple(_district(d) for d in raw["districts"]),
        family_names=tuple(people["family"]),
        middle_names=tuple(people["middle"]),
        given_names=tuple(people["given"]),
        mobile_prefixes=tuple(people["mobile_prefixes"]),
        handoff_notes={kind: tuple(notes) for kind, notes in raw["handoff_notes"].items()},
    )


def _sales_point(raw: dict[str, Any], products: dict[str, Product]) -> DemoSalesPoint:
    contact_name, contact_phone = raw["contact"]
    return DemoSalesPoint(
        name=raw["name"],
        kind=SalesPointKind(raw["kind"]),
        ocop_stars=raw["ocop_stars"],
        district=raw["district"],
        address=raw["address"],
        lat=raw["lat"],
        lon=raw["lon"],
        contact_name=contact_name,
        contact_phone=contact_phone,
        products=tuple(products[key] for key in raw["products"]),
        share=raw["share"],
    )


def _district(raw: dict[str, Any]) -> District:
    return District(
        name=raw["name"],
        lat=raw["lat"],
        lon=raw["lon"],
        spread_km=raw["spread_km"],
        share=raw["share"],
        streets=tuple(raw["streets"]),
        wards=tuple(raw["wards"]),
    )
