"""Text normalisation for Vietnamese addresses: no diacritics, no administrative prefixes.

"Q. Ba Đình", "quận Ba Đình" and "quan ba dinh" all become ``("district", "ba dinh")``;
"P.Tràng Tiền" becomes ``("ward", "trang tien")``; an unprefixed segment has kind ``None``.
"""

from __future__ import annotations

import re
from typing import Literal

from unidecode import unidecode

Kind = Literal["district", "ward"]

# Longest first, so "thi xa" wins over a bare "x" and "thi tran" over "t".
_PREFIXES: list[tuple[str, Kind]] = sorted(
    [
        ("quan", "district"),
        ("q", "district"),
        ("huyen", "district"),
        ("h", "district"),
        ("thi xa", "district"),
        ("tx", "district"),
        ("phuong", "ward"),
        ("p", "ward"),
        ("xa", "ward"),
        ("thi tran", "ward"),
        ("tt", "ward"),
    ],
    key=lambda item: -len(item[0]),
)
# Segments that name the city or the country, never a district or a ward.
_CITY_WORDS = frozenset(
    {
        "ha noi",
        "hn",
        "tp ha noi",
        "tp hn",
        "thanh pho ha noi",
        "tp",
        "thanh pho",
        "viet nam",
        "vietnam",
        "vn",
    }
)
_PUNCTUATION = re.compile(r"[^a-z0-9,]+")


def fold(text: str) -> str:
    """Lower case ASCII words separated by single spaces; commas are kept as separators."""
    ascii_text = unidecode(text).lower().replace(".", " ")
    return " ".join(_PUNCTUATION.sub(" ", ascii_text).split())


def split_prefix(segment: str) -> tuple[Kind | None, str]:
    """The administrative kind a folded segment announces, and the name that follows it."""
    for prefix, kind in _PREFIXES:
        if segment.startswith(prefix + " "):
            return kind, segment[len(prefix) + 1 :]
    return None, segment


def segments(address: str) -> list[tuple[Kind | None, str]]:
    """The comma-separated parts of an address, folded, each with its announced kind."""
    parts = []
    for raw in fold(address).split(","):
        part = raw.strip()
        if not part or part in _CITY_WORDS:
            continue
        kind, name = split_prefix(part)
        for city in ("ha noi", "hn"):  # "Hoàn Kiếm HN" written without a comma
            name = name.removesuffix(" " + city)
        parts.append((kind, name.strip()))
    return parts


def typed_mentions(address: str) -> list[tuple[Kind, str]]:
    """Prefixed names anywhere in the text ("… ngõ 5 phường Kim Mã quận Ba Đình")."""
    words = fold(address).replace(",", " ").split()
    found: list[tuple[Kind, str]] = []
    for start in range(len(words)):
        for prefix, kind in _PREFIXES:
            prefix_words = prefix.split()
            end = start + len(prefix_words)
            if words[start:end] == prefix_words and end < len(words):
                found.append((kind, " ".join(words[end : end + 4])))
                break
    return found
