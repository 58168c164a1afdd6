"""Sending mail over SMTP, configured by one URL (KENNISNET_SMTP_URL).

``smtp://host:port`` sends in the clear (a relay on the same host or network),
``smtp+starttls://`` upgrades with STARTTLS, ``smtps://`` speaks TLS from the start. A user and
password in the URL (percent-encoded) log in first.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flask_babel import lazy_gettext as _l

from kennisnet.core.errors import InvalidInput

TIMEOUT_SECONDS = 30
_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read KENNISNET_SMTP_URL; a missing or malformed URL is an error with a Dutch message."""
    if not (url or "").strip():
        raise InvalidInput(
            _l("Er is geen mailserver ingesteld (KENNISNET_SMTP_URL)."), code="mail_not_configured"
        )
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
        scheme = ""  # an unreadable port makes the whole URL unusable
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidInput(
            _l(
                "KENNISNET_SMTP_URL klopt niet: gebruik smtp://, smtp+starttls:// of smtps:// "
                "met een servernaam, bijvoorbeeld smtp://localhost:25."
            ),
            code="mail_misconfigured",
        )
    return SmtpSettings(
        scheme=scheme,
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


@contextmanager
def connect(url: str) -> Iterator[smtplib.SMTP]:
    """An SMTP connection, logged in when the URL names a user; closed on leaving.

    Raises ``smtplib.SMTPException`` or ``OSError`` when the server refuses or cannot be
    reached: the caller decides what a failed run means (the digest keeps the recipients due).
    """
    settings = parse_smtp_url(url)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.scheme == "smtps":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    with client:
        if settings.scheme == "smtp+starttls":
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password or "")
        yield client
