"""Which language a request gets, the switch that remembers it, and the compiled catalogues.

Dutch is the language of the message ids, so it needs no catalogue; English is a translation in
``translations/en``. The CLI and the worker always speak Dutch (no request, no locale choice).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Response, has_request_context, request
from flask_babel import get_locale, get_translations, gettext

log = logging.getLogger(__name__)

SUPPORTED_LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"
COOKIE = "lang"
COOKIE_AGE = timedelta(days=365)
# The names in the switch, each in its own language (WCAG 3.1.2: marked with lang=).
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def N_(message: str) -> str:
    """Mark a Dutch text that is stored or formatted later; it is translated where it is shown."""
    return message


def _accepted_quality(locale: str) -> float:
    """The highest q-value the browser gives to ``locale`` (any region of it, or ``*``)."""
    best = 0.0
    for value, quality in request.accept_languages:
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if primary == locale or value == "*":
            best = max(best, quality)
    return best


def select_locale() -> str:
    """``?lang=`` > the ``lang`` cookie > Accept-Language > Dutch.

    English wins the negotiation only when the browser prefers it strictly over Dutch, so a tie
    (``*``, or both at the same q-value) stays Dutch. Unsupported values are ignored.
    """
    if not has_request_context():  # the CLI and the worker speak Dutch
        return DEFAULT_LOCALE
    for wanted in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if wanted in SUPPORTED_LOCALES:
            return wanted
    if _accepted_quality("en") > _accepted_quality(DEFAULT_LOCALE):
        return "en"
    return DEFAULT_LOCALE


def remember_locale(response: Response) -> Response:
    """Store an explicit ``?lang=`` choice in the cookie; tell caches the page varies by it."""
    wanted = request.args.get("lang")
    if wanted in SUPPORTED_LOCALES and request.cookies.get(COOKIE) != wanted:
        response.set_cookie(
            COOKIE,
            wanted,
            max_age=int(COOKIE_AGE.total_seconds()),
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def switch_url(locale: str) -> str:
    """The current page in ``locale``: same path and query, ``lang`` replaced."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", locale))
    return f"{request.path}?{urlencode(args)}"


def language_switch() -> list[dict[str, str]]:
    """The other languages, for the header: href, code and name (in its own language)."""
    here = current_locale()
    return [
        {"href": switch_url(code), "code": code, "name": LANGUAGE_NAMES[code]}
        for code in SUPPORTED_LOCALES
        if code != here
    ]


@cache
def _formatted_ids(catalogue: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    patterns = []
    for msgid in catalogue:
        if not _PLACEHOLDER.search(msgid):
            continue
        parts = _PLACEHOLDER.split(msgid)
        # split() alternates literal text and placeholder names
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        try:
            patterns.append((re.compile(f"^{regex}$", re.S), msgid))
        except re.error:  # a name used twice: such a message cannot be read back
            continue
    return tuple(patterns)


def translate_stored(text: str | None) -> str:
    """Translate a Dutch message that was stored in the database (extraction notes, reasons).

    Such texts were written in Dutch by the worker, marked with ``N_`` where they were made.
    A plain message is looked up as it is; a formatted one is matched against the message ids
    with placeholders, and translated with the values read back from it.
    """
    if not text:
        return ""
    if current_locale() == DEFAULT_LOCALE:
        return text
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, msgid in _formatted_ids(_catalogue_ids()):
        match = pattern.match(text)
        if match:
            # The values may be stored messages themselves (the reason in an OCR note).
            values = {name: gettext(value) for name, value in match.groupdict().items()}
            return gettext(msgid, **values)
    return text


def _catalogue_ids() -> tuple[str, ...]:
    catalog = getattr(get_translations(), "_catalog", {})
    return tuple(sorted(key for key in catalog if isinstance(key, str) and key))


def compile_catalogues(directory: Path) -> None:
    """Compile every ``.po`` whose ``.mo`` is missing or older, so a fresh checkout runs.

    ``make install`` compiles too; this covers a ``git pull`` that brought new translations
    and an install that skipped make. A read-only installation keeps what it has.
    """
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as po_file:
                catalogue = read_po(po_file, locale=po_path.parts[-3])
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalogue)
        except OSError:
            log.warning("could not compile %s; English may be incomplete", po_path, exc_info=True)
