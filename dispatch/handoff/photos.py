"""Checks on a proof-of-delivery photo: its size and that it really is an image.

The phone resizes the photo before upload; the server still refuses anything over
``photo_max_bytes`` and anything whose bytes are not a JPEG, PNG or WebP image, whatever
content type the client claimed.
"""

from __future__ import annotations

from dispatch.errors import PayloadTooLarge, ValidationFailed
from dispatch.settings import get_settings

ALLOWED_TYPES = ("image/jpeg", "image/png", "image/webp")


def sniff_image_type(data: bytes) -> str | None:
    """The image type the leading bytes announce, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(data: bytes, declared_type: str | None) -> str:
    """The photo's content type; 413 when too large, 422 when not an accepted image."""
    limit = get_settings().photo_max_bytes
    if len(data) > limit:
        raise PayloadTooLarge(
            f"the photo is {len(data)} bytes; at most {limit} are accepted (resize it)"
        )
    if not data:
        raise ValidationFailed.at("photo", "the photo is empty")
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared and declared not in ALLOWED_TYPES:
        raise ValidationFailed.at("photo", f"a photo must be one of {list(ALLOWED_TYPES)}")
    actual = sniff_image_type(data)
    if actual is None or (declared and declared != actual):
        raise ValidationFailed.at(
            "photo", f"the file is not a {declared or 'JPEG, PNG or WebP'} image"
        )
    return actual
