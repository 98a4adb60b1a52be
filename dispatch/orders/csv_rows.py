"""The CSV form of bulk intake: documented columns, UTF-8 (with or without BOM), one order
per line, mapped to the same shape as a JSON order so that both are checked alike.

Times without a UTC offset are read as Hà Nội time (a spreadsheet rarely writes offsets).
Items are written ``Gạo ST25 x2; Mật ong rừng x1``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from typing import Any

from dispatch.clock import local_today, local_tz
from dispatch.errors import FieldError, ValidationFailed

# column -> (where it goes in an order body, what a clerk writes there)
COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "external_ref": (("external_ref",), "your order number, unique per sales point"),
    "recipient_name": (("recipient", "name"), "recipient's name (required)"),
    "recipient_phone": (("recipient", "phone"), "0912 345 678 or +84 912 345 678 (required)"),
    "address": (("recipient", "address"), "street, ward (phường), district (quận) (required)"),
    "lat": (("recipient", "lat"), "latitude, e.g. 21.0285 (optional, with lon)"),
    "lon": (("recipient", "lon"), "longitude, e.g. 105.8542 (optional, with lat)"),
    "window_start": (("window", "start"), "earliest delivery, 2021-08-02 09:00 (Hà Nội time)"),
    "window_end": (("window", "end"), "latest delivery, 2021-08-02 12:00 (Hà Nội time)"),
    "parcels": (("parcels",), "number of parcels (default 1)"),
    "weight_kg": (("weight_kg",), "total weight in kg (default 1)"),
    "items": (("items",), "Gạo ST25 x2; Mật ong x1"),
    "payment_method": (("payment", "method"), "prepaid, cod, bank_transfer or e_wallet"),
    "cod_amount_vnd": (("payment", "cod_amount_vnd"), "cash to collect in VND (cod only)"),
    "handoff_preference": (("handoff", "preference"), "leave_at_door, leave_at_gate, ..."),
    "handoff_note": (("handoff", "note"), "a note for the contactless hand-off"),
}
REQUIRED = ("recipient_name", "recipient_phone", "address")
SAMPLE_ROW = {
    "external_ref": "LIVE-0801-001",
    "recipient_name": "Trần Thị Lan",
    "recipient_phone": "0912 345 678",
    "address": "12 ngõ Huế, P. Phố Huế, Q. Hai Bà Trưng",
    "lat": "",
    "lon": "",
    "window_start": "",  # tomorrow 09:00, filled in by template()
    "window_end": "",
    "parcels": "1",
    "weight_kg": "3.5",
    "items": "Gạo ST25 túi 2kg x1; Mật ong rừng Ba Vì x1",
    "payment_method": "cod",
    "cod_amount_vnd": "250000",
    "handoff_preference": "leave_with_guard",
    "handoff_note": "Gửi bảo vệ toà nhà, gọi trước 5 phút",
}
_ITEM = re.compile(r"^(?P<name>.+?)\s*(?:[x\u00d7*]\s*(?P<qty>\d+))?$", re.IGNORECASE)
_PATHS = {".".join(target): column for column, (target, _) in COLUMNS.items()}


def template() -> bytes:
    """The downloadable template: the header, one sample line, UTF-8 with a BOM for Excel."""
    tomorrow = local_today() + timedelta(days=1)
    sample = {
        **SAMPLE_ROW,
        "window_start": f"{tomorrow.isoformat()} 09:00",
        "window_end": f"{tomorrow.isoformat()} 12:00",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(sample)
    return out.getvalue().encode("utf-8-sig")


def parse(content: bytes) -> list[dict[str, Any]]:
    """Order bodies, one per line; ValidationFailed (path ``file``) if the file is unusable."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.at("file", "save the file as CSV UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if _semicolons(text) else ",")
    header = [name.strip() for name in reader.fieldnames or []]
    _check_header(header)
    reader.fieldnames = header
    return [_body(line) for line in reader if any((v or "").strip() for v in line.values())]


def column_of(path: str) -> str:
    """The CSV column an order-body path comes from: ``recipient.phone`` -> ``recipient_phone``."""
    for prefix in sorted(_PATHS, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + "."):
            return _PATHS[prefix]
    return path


def _semicolons(text: str) -> bool:
    first = text.split("\n", 1)[0]
    return first.count(";") > first.count(",")


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    problems = [FieldError(f"file.columns.{name}", "unknown column") for name in unknown]
    problems += [FieldError(f"file.columns.{name}", "this column is required") for name in missing]
    if problems:
        raise ValidationFailed(
            "the file's header does not match the template (GET /v1/orders/csv-template)",
            fields=problems,
        )


def _body(line: dict[str | Any, str | Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for column, raw in line.items():
        value = (raw or "").strip() if isinstance(raw, str) else raw
        if column is None or not value or column not in COLUMNS:
            continue  # extra cells past the header, or an empty cell
        target = COLUMNS[column][0]
        parent = body
        for key in target[:-1]:
            parent = parent.setdefault(key, {})
        parent[target[-1]] = _convert(column, value)
    return body


def _convert(column: str, value: str) -> Any:
    if column == "items":
        return [_item(part) for part in value.split(";") if part.strip()]
    if column in ("window_start", "window_end"):
        return _local_time(value)
    return value


def _item(text: str) -> dict[str, Any]:
    match = _ITEM.match(text.strip())
    if match is None:  # pragma: no cover - the pattern matches any non-empty text
        return {"name": text.strip()}
    return {"name": match["name"], "quantity": int(match["qty"] or 1)}


def _local_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the order check reports it with its column
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_tz())
    return moment.isoformat()
