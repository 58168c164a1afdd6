"""The e-mail digest: what is new in a member's follows, daily or weekly, over SMTP.

Each mail is composed at the moment of sending, through the recipient's viewer then: a
document made members-only, moderated away or trashed since it appeared is left out, and a
blocked member gets nothing. Every mail carries a signed one-click unsubscribe link (RFC 8058).
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from kennisnet.accounts.models import DigestFrequency, Follow, User
from kennisnet.core import mail
from kennisnet.core.errors import NotFound
from kennisnet.core.extensions import db
from kennisnet.core.links import external_url
from kennisnet.core.models import utcnow
from kennisnet.documents import following
from kennisnet.documents.models import Document

log = logging.getLogger(__name__)

PERIODS = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}
# The periodic task runs once a day at a fixed hour; an hour's slack keeps a run that
# started a little early from skipping a member for a whole period.
SLACK = timedelta(hours=1)
_UNSUBSCRIBE_SALT = "kennisnet.digest.unsubscribe"


@dataclass(frozen=True)
class Digest:
    user: User
    since: datetime
    documents: list[Document]
    message: EmailMessage


@dataclass(frozen=True)
class DigestRun:
    digests: list[Digest]
    sent: int
    dry_run: bool


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def _address_tag(user: User) -> str:
    # A digest of the address, not the address: the link ends up in server logs.
    return hashlib.sha256(user.email.encode("utf-8")).hexdigest()[:16]


def unsubscribe_token(user: User) -> str:
    """Signed, not stored: the user id and a tag of the e-mail address, so a token stops
    working when the account's address changes. It never expires: an old mail's link must
    still work."""
    return str(_serializer().dumps({"u": user.id, "e": _address_tag(user)}))


def user_for_unsubscribe(token: str) -> User:
    """The account an unsubscribe token was made for; NotFound for any bad or stale token."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        data = None
    user = None
    if isinstance(data, dict) and isinstance(data.get("u"), int):
        user = db.session.get(User, data["u"])
    if user is None or _address_tag(user) != data.get("e"):
        raise NotFound(_l("Deze afmeldlink is ongeldig of verlopen."), code="bad_unsubscribe")
    return user


def unsubscribe(user: User) -> None:
    user.digest_frequency = DigestFrequency.NONE
    db.session.commit()
    log.info("user %s unsubscribed from the digest", user.id)


def is_due(user: User, now: datetime) -> bool:
    period = PERIODS.get(user.digest_frequency)
    if period is None or not user.active:
        return False
    return user.last_digest_at is None or now - user.last_digest_at >= period - SLACK


def due_users(now: datetime) -> list[User]:
    candidates = db.session.scalars(
        select(User)
        .where(
            User.active,
            User.digest_frequency != DigestFrequency.NONE,
            select(Follow.id).where(Follow.user_id == User.id).exists(),
        )
        .order_by(User.id)
    )
    return [user for user in candidates if is_due(user, now)]


def _since(user: User, now: datetime) -> datetime:
    # From the last digest, however long ago: a late or missed run (a mail server down for a
    # day) must not drop what came in between. The first digest covers one period.
    return user.last_digest_at or now - PERIODS[user.digest_frequency]


def compose(user: User, now: datetime) -> Digest | None:
    """The digest for ``user`` as of ``now``; None when nothing is new (no empty mails)."""
    since = _since(user, now)
    documents = following.new_documents(user, since)
    if not documents:
        return None
    unsubscribe_url = external_url("following.unsubscribe", token=unsubscribe_token(user))
    with force_locale("nl"):
        values = {
            "user": user,
            "documents": documents,
            "links": {d.id: external_url("documents.detail", document_id=d.id) for d in documents},
            "weekly": user.digest_frequency is DigestFrequency.WEEKLY,
            "new_url": external_url("following.new_for_you"),
            "settings_url": external_url("account.settings"),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = (
            _("Kennisnet: %(n)s nieuw document voor u", n=len(documents))
            if len(documents) == 1
            else _("Kennisnet: %(n)s nieuwe documenten voor u", n=len(documents))
        )
        text = render_template("mail/digest.txt", **values)
        html = render_template("mail/digest.html", **values)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = formataddr((user.name, user.email))
    message["Message-ID"] = make_msgid(domain="kennisnet")
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return Digest(user=user, since=since, documents=documents, message=message)


def run_digests(now: datetime | None = None, *, dry_run: bool = False) -> DigestRun:
    """Compose every due digest and, unless ``dry_run``, send it and note the time.

    Each member's send time is committed right after their mail went out, so a run that
    breaks halfway sends nobody twice.
    """
    now = now or utcnow()
    if not dry_run:  # a missing mail server is said before anything is composed
        mail.parse_smtp_url(current_app.config["SMTP_URL"])
    digests = [d for d in (compose(u, now) for u in due_users(now)) if d is not None]
    if dry_run or not digests:
        return DigestRun(digests=digests, sent=0, dry_run=dry_run)
    sent = 0
    with mail.connect(current_app.config["SMTP_URL"]) as connection:
        for digest in digests:
            try:
                connection.send_message(digest.message)
            except smtplib.SMTPRecipientsRefused:
                # One bad address must not stop everyone after it, every day: the member
                # keeps their last date and is tried again at the next run.
                log.warning("digest: the server refused the address of user %s", digest.user.id)
                continue
            digest.user.last_digest_at = now
            db.session.commit()
            sent += 1
    log.info("digest: %s mails sent", sent)
    return DigestRun(digests=digests, sent=sent, dry_run=False)


def send_scheduled_digests() -> int:
    """The periodic task's work: nothing (and a warning) when no mail server is set."""
    if not current_app.config["SMTP_URL"]:
        log.warning("digest skipped: KENNISNET_SMTP_URL is not set")
        return 0
    return run_digests().sent
