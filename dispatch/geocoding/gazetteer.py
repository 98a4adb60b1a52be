"""The offline geocoder: Hà Nội districts and wards named in an address, to their centroids.

It reads only what the address says. A ward named without its district is used only when
the name is unique in the city; a ward and a district that disagree leave the district;
an address naming neither resolves to nothing (the caller then asks for coordinates).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from dispatch.enums import GeocodePrecision
from dispatch.geocoding.base import Location
from dispatch.geocoding.normalise import Kind, fold, segments, typed_mentions

GAZETTEER_FILE = "hanoi_gazetteer.json"


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    district: str  # the district itself for a district


@dataclass
class Gazetteer:
    districts: dict[str, Place] = field(default_factory=dict)
    wards: dict[str, list[Place]] = field(default_factory=dict)  # a name may repeat
    _sorted: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls) -> Gazetteer:
        data = json.loads(files("dispatch.geocoding").joinpath(GAZETTEER_FILE).read_text("utf-8"))
        gazetteer = cls()
        for entry in data["districts"]:
            name = entry["name"]
            gazetteer.districts[fold(name)] = Place(name, entry["lat"], entry["lon"], name)
            for ward in entry["wards"]:
                place = Place(ward["name"], ward["lat"], ward["lon"], name)
                gazetteer.wards.setdefault(fold(ward["name"]), []).append(place)
        return gazetteer

    def names(self, kind: Kind) -> list[str]:
        """Folded names of one kind, longest first (so "thanh xuan bac" beats "thanh xuan")."""
        if kind not in self._sorted:
            keys = self.districts if kind == "district" else self.wards
            self._sorted[kind] = sorted(keys, key=len, reverse=True)
        return self._sorted[kind]


@lru_cache(maxsize=1)
def hanoi() -> Gazetteer:
    return Gazetteer.load()


class OfflineGeocoder:
    """Resolves districts and wards from the gazetteer shipped with the package."""

    name = "offline"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or hanoi()

    def locate(self, address: str) -> Location | None:
        districts, wards = self._mentions(address)
        district = districts[0] if len(set(districts)) == 1 else None
        ward = self._pick_ward(wards, district)
        if ward is not None:
            return Location(
                ward.lat, ward.lon, GeocodePrecision.WARD, district=ward.district, ward=ward.name
            )
        if district is not None:
            place = self.gazetteer.districts[district]
            return Location(place.lat, place.lon, GeocodePrecision.DISTRICT, district=place.name)
        return None

    def _mentions(self, address: str) -> tuple[list[str], list[str]]:
        """Folded district and ward names the address states, by prefix or as a whole part."""
        districts: list[str] = []
        wards: list[str] = []
        for typed, text in typed_mentions(address):
            name = self._leading_name(typed, text)
            if name is not None:
                (districts if typed == "district" else wards).append(name)
        for kind, part in segments(address):
            if kind is None:
                if part in self.gazetteer.districts:
                    districts.append(part)
                elif part in self.gazetteer.wards:
                    wards.append(part)
            elif kind == "district" and part in self.gazetteer.districts:
                districts.append(part)
            elif kind == "ward" and part in self.gazetteer.wards:
                wards.append(part)
        return districts, wards

    def _leading_name(self, kind: Kind, text: str) -> str | None:
        for name in self.gazetteer.names(kind):
            if text == name or text.startswith(name + " "):
                return name
        return None

    def _pick_ward(self, wards: list[str], district: str | None) -> Place | None:
        candidates = {
            (place.name, place.district): place
            for name in wards
            for place in self.gazetteer.wards[name]
        }
        if district is not None:
            district_name = self.gazetteer.districts[district].name
            candidates = {k: p for k, p in candidates.items() if p.district == district_name}
        return next(iter(candidates.values())) if len(candidates) == 1 else None
