"""Jinja2 environments, one per locale, with gettext and the formatting filters installed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.pages import i18n

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")


@lru_cache(maxsize=len(i18n.SUPPORTED))
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["vnd"] = lambda amount: i18n.vnd(int(amount), locale)
    env.filters["number"] = lambda value: i18n.number(float(value), locale)
    env.filters["hhmm"] = lambda moment: i18n.local_time(moment, locale)
    env.filters["datetime"] = lambda moment: i18n.local_datetime(moment, locale)
    env.globals["locale"] = locale
    return env


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """Render ``template`` in the request's locale."""
    locale = i18n.request_locale(request)
    html = environment(locale).get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)
