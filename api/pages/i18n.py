"""Translation catalogues (gettext .po files under ``locales/``) and locale formatting.

Vietnamese is the default; English is switchable with the ``lang`` cookie. The .po files
are compiled in memory at start-up, so the repository holds only text catalogues.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations
from fastapi import Request

from dispatch.clock import local_tz

LOCALES_DIR = Path(__file__).with_name("locales")
SUPPORTED = ("vi", "en")
DEFAULT_LOCALE = "vi"
LANG_COOKIE = "lang"
BABEL_LOCALE = {"vi": "vi_VN", "en": "en_GB"}


@lru_cache(maxsize=len(SUPPORTED))
def translations(locale: str) -> Translations:
    """The compiled catalogue of one locale."""
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=BABEL_LOCALE[locale])
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def request_locale(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, DEFAULT_LOCALE)
    return chosen if chosen in SUPPORTED else DEFAULT_LOCALE


def catalog_dict(locale: str, msgids: list[str]) -> dict[str, str]:
    """The translations of ``msgids``, for a page's script (sent inline, no extra request)."""
    gettext = translations(locale).gettext
    return {msgid: gettext(msgid) for msgid in msgids}


def vnd(amount: int, locale: str = DEFAULT_LOCALE) -> str:
    """An integer amount of đồng, formatted for the reader: ``150.000 ₫``."""
    return format_currency(amount, "VND", locale=BABEL_LOCALE[locale])


def number(value: float, locale: str = DEFAULT_LOCALE) -> str:
    return format_decimal(value, format="#,##0.#", locale=BABEL_LOCALE[locale])


def local_time(moment: datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    if moment is None:
        return "—"
    return format_time(moment, format="HH:mm", tzinfo=local_tz(), locale=BABEL_LOCALE[locale])


def local_datetime(moment: datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    if moment is None:
        return "—"
    return format_datetime(
        moment, format="dd/MM/yyyy HH:mm", tzinfo=local_tz(), locale=BABEL_LOCALE[locale]
    )
