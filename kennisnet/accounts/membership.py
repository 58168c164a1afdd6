"""Membership: requests to join, roles, deactivation, and password-reset links.

Everything an admin does to an account is written to the audit log. Reset links work like
invitations: random, single use, expiring, and only their hash is stored.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from kennisnet.accounts import permissions, users
from kennisnet.accounts.models import Invitation, JoinRequest, PasswordReset, Role, User
from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.core import audit
from kennisnet.core.errors import Conflict, InvalidInput, NotFound
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow

RESET_HOURS = 48


# -- requests to join ----------------------------------------------------------------------


def request_to_join(
    email: str, name: str, organisation: str = "", message: str = ""
) -> JoinRequest:
    email = users.normalise_email(email)
    name = " ".join((name or "").split())[:200]
    if not name:
        raise InvalidInput(_l("Vul uw naam in."), field="name")
    if users.find_user(email) is not None:
        raise Conflict(
            _l("Er is al een account met dit e-mailadres. U kunt inloggen."), code="user_exists"
        )
    waiting = db.session.scalar(
        select(JoinRequest).where(JoinRequest.email == email, JoinRequest.decision.is_(None))
    )
    if waiting is not None:
        raise Conflict(
            _l("Uw aanmelding is al binnen; een beheerder bekijkt die zo snel mogelijk."),
            code="request_exists",
        )
    request = JoinRequest(
        email=email,
        name=name,
        organisation_name=" ".join((organisation or "").split())[:200],
        message=(message or "").strip()[:2000],
    )
    db.session.add(request)
    db.session.commit()
    return request


def pending_requests() -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.decision.is_(None))
            .order_by(JoinRequest.created_at)
        )
    )


def _open_request(request_id: int) -> JoinRequest:
    request = db.session.get(JoinRequest, request_id)
    if request is None or request.decision is not None:
        raise NotFound(_l("Deze aanmelding bestaat niet of is al afgehandeld."))
    return request


def approve_request(request_id: int, *, actor: User, days: int) -> tuple[Invitation, str]:
    """Approving sends nothing by itself: it makes an invitation link the admin passes on."""
    permissions.require(actor, "member.manage")
    request = _open_request(request_id)
    organisation = (
        ensure_organisation(request.organisation_name) if request.organisation_name else None
    )
    invitation, token = users.create_invitation(
        request.email, invited_by=actor, days=days, organisation=organisation
    )
    request.decision, request.decided_at, request.decided_by_id = "approved", utcnow(), actor.id
    audit.record("join.approve", actor=actor, target=request.email)
    db.session.commit()
    return invitation, token


def refuse_request(request_id: int, *, actor: User) -> JoinRequest:
    permissions.require(actor, "member.manage")
    request = _open_request(request_id)
    request.decision, request.decided_at, request.decided_by_id = "refused", utcnow(), actor.id
    audit.record("join.refuse", actor=actor, target=request.email)
    db.session.commit()
    return request


# -- accounts ------------------------------------------------------------------------------


def _active_admins() -> int:
    return (
        db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN, User.active))
        or 0
    )


def change_role(user: User, role: str, *, actor: User) -> User:
    permissions.require(actor, "member.manage")
    try:
        new_role = Role(role)
    except ValueError:
        raise InvalidInput(_l("Kies lid, redacteur of beheerder."), field="role") from None
    if user.role == Role.ADMIN and new_role != Role.ADMIN and _active_admins() <= 1:
        raise Conflict(_l("Er moet minstens één beheerder overblijven."), code="last_admin")
    before = user.role
    user.role = new_role
    if before != new_role:
        audit.record(
            "user.role",
            actor=actor,
            target=user.email,
            details={"role": {"before": before.value, "after": new_role.value}},
        )
    db.session.commit()
    return user


def set_active(user: User, active: bool, *, actor: User) -> User:
    """Deactivated members cannot log in; their documents stay, attributed to them."""
    permissions.require(actor, "member.manage")
    if not active and user.role == Role.ADMIN and _active_admins() <= 1:
        raise Conflict(_l("Er moet minstens één beheerder overblijven."), code="last_admin")
    if user.active != active:
        user.active = active
        audit.record(
            "user.activate" if active else "user.deactivate", actor=actor, target=user.email
        )
        if not active:
            users.revoke_api_tokens(user)
    db.session.commit()
    return user


def issue_password_reset(user: User, *, actor: User, hours: int = RESET_HOURS) -> str:
    permissions.require(actor, "member.manage")
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user=user,
            token_hash=users.hash_token(token),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    audit.record("user.password_reset", actor=actor, target=user.email)
    db.session.commit()
    return token


def open_password_reset(token: str) -> PasswordReset:
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == users.hash_token(token or ""))
    )
    if reset is None or reset.used_at is not None or reset.expires_at < utcnow():
        raise NotFound(
            _l("Deze link is verlopen of al gebruikt. Vraag de beheerder om een nieuwe."),
            code="reset_invalid",
        )
    return reset


def use_password_reset(token: str, password: str) -> User:
    reset = open_password_reset(token)
    users.set_password(reset.user, password)
    reset.used_at = utcnow()
    audit.record("user.password", actor=reset.user, target=reset.user.email)
    db.session.commit()
    return reset.user


def change_own_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise InvalidInput(_l("Uw huidige wachtwoord klopt niet."), field="current")
    users.set_password(user, new)
    audit.record("user.password", actor=user, target=user.email)
    db.session.commit()


def update_own_profile(user: User, name: str) -> User:
    name = " ".join((name or "").split())[:200]
    if not name:
        raise InvalidInput(_l("Vul uw naam in."), field="name")
    if name != user.name:
        audit.record(
            "user.profile",
            actor=user,
            target=user.email,
            details={"name": {"before": user.name, "after": name}},
        )
        user.name = name
    db.session.commit()
    return user


def members() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name, User.email)))
