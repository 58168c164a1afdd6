"""Accounts: users, passwords, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from kennisnet.accounts.models import ApiToken, Invitation, Organisation, Role, User
from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.core.errors import Conflict, InvalidInput, NotFound
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow

MIN_PASSWORD = 10
# werkzeug's scrypt: memory-hard and current; the hash string records its parameters.
PASSWORD_METHOD = "scrypt"  # noqa: S105 - a hash method name, not a password
# A real hash to compare against when the e-mail is unknown, so timing does not tell. Made
# once with ``generate_password_hash(<random>, method=PASSWORD_METHOD)`` and written
# here, since making it at import cost every command and process start about 0.1 s.
_DUMMY_HASH = (
    "scrypt:32768:8:1$LEhnv4plkLAf4g1Q$"
    "6ef9628c0490439a796e2541f94842f4f8fc945fbc5a5a20936b9046651e86b7"
    "bf225f10f00a15d4f97cb12417ccce62c24800f6962983f29afea9a425fddf82"
)


def normalise_email(email: str) -> str:
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(_l("Vul een geldig e-mailadres in."), field="email") from exc
    return result.normalized.lower()


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput(
            _l("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD),
            field="password",
        )


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    email: str,
    password: str,
    *,
    name: str = "",
    role: Role | str = Role.MEMBER,
    organisation: Organisation | None = None,
) -> User:
    email = normalise_email(email)
    check_password_strength(password)
    if find_user(email) is not None:
        raise Conflict(_l("Er is al een account met dit e-mailadres."), code="user_exists")
    user = User(
        email=email,
        name=(name or email.split("@", 1)[0]).strip()[:200],
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
        role=Role(role),
        organisation=organisation,
        active=True,
    )
    db.session.add(user)
    db.session.commit()
    return user


def create_or_update_user(
    email: str, password: str, *, role: Role | str, name: str = "", organisation: str = ""
) -> User:
    """An account with this role, created or (when it exists) reactivated with a new password.

    The command line's way to make admins and curators; ``organisation`` is created when new.
    """
    org = ensure_organisation(organisation) if organisation else None
    existing = find_user(email)
    if existing is None:
        return create_user(email, password, name=name, role=Role(role), organisation=org)
    existing.role = Role(role)
    existing.active = True
    if org is not None:
        existing.organisation = org
    set_password(existing, password)
    db.session.commit()
    return existing


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    db.session.commit()


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def hash_token(token: str) -> str:
    """Links and API tokens are stored only as this digest."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_invitation(
    email: str,
    *,
    invited_by: User,
    days: int,
    role: Role | str = Role.MEMBER,
    organisation: Organisation | None = None,
) -> tuple[Invitation, str]:
    """Returns the invitation and its token; only the token's hash is stored."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise Conflict(_l("Er is al een account met dit e-mailadres."), code="user_exists")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        token_hash=hash_token(token),
        role=Role(role),
        organisation=organisation,
        invited_by=invited_by,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation, token


def open_invitation(token: str) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token or ""))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        raise NotFound(
            _l("Deze uitnodiging is verlopen of al gebruikt. Vraag een nieuwe uitnodiging aan."),
            code="invitation_invalid",
        )
    return invitation


def accept_invitation(token: str, *, name: str, password: str) -> User:
    invitation = open_invitation(token)
    user = create_user(
        invitation.email,
        password,
        name=name,
        role=invitation.role,
        organisation=invitation.organisation,
    )
    invitation.used_at = utcnow()
    db.session.commit()
    return user


def create_api_token(user: User, label: str = "") -> str:
    token = "kn_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token), label=label[:200]))
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user


def revoke_api_tokens(user: User) -> int:
    rows = list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )
    for row in rows:
        row.revoked_at = utcnow()
    db.session.commit()
    return len(rows)


def reset_feed_token(user: User) -> str:
    """Give ``user`` a new personal feed token; the old one stops working at once."""
    user.feed_token = secrets.token_urlsafe(32)
    db.session.commit()
    return user.feed_token


def user_for_feed_token(token: str) -> User | None:
    """The active member a feed token belongs to; None for an unknown, reset or blocked one."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.feed_token == token))
    if user is None or not user.active or not secrets.compare_digest(user.feed_token or "", token):
        return None
    return user
