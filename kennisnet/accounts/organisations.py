"""Member organisations: their public profile and the documents they share."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import func, select

from kennisnet.accounts import permissions
from kennisnet.accounts.models import Organisation, User
from kennisnet.accounts.permissions import visible_documents
from kennisnet.core import audit
from kennisnet.core.errors import Conflict, InvalidInput, NotFound
from kennisnet.core.extensions import db
from kennisnet.documents.models import Document

PROFILE_FIELDS = (
    "name",
    "kind",
    "region",
    "description",
    "website",
    "contact_name",
    "contact_email",
    "contact_public",
)


def ensure_organisation(name: str, region: str = "") -> Organisation:
    name = " ".join(name.split())[:200]
    slug = slugify(name, max_length=200)
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        org = Organisation(name=name, slug=slug, region=region.strip()[:200])
        db.session.add(org)
        db.session.commit()
    return org


def get_organisation(slug: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound(_l("Deze organisatie bestaat niet."))
    return org


def organisations_with_counts(user: User | None) -> list[tuple[Organisation, int]]:
    """Every organisation with the number of its documents this user may see."""
    visible = visible_documents(user).subquery()
    rows = db.session.execute(
        select(visible.c.organisation_id, func.count()).group_by(visible.c.organisation_id)
    )
    counts: dict[int | None, int] = {org_id: count for org_id, count in rows}
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [(org, counts.get(org.id, 0)) for org in orgs]


def documents_of(org: Organisation, user: User | None) -> list[Document]:
    return list(
        db.session.scalars(
            visible_documents(user)
            .where(Document.organisation_id == org.id)
            .order_by(Document.created_at.desc())
        )
    )


def update_profile(org: Organisation, values: dict[str, Any], *, actor: User) -> Organisation:
    permissions.require(actor, "organisation.manage")
    before = {key: getattr(org, key) for key in PROFILE_FIELDS}
    name = " ".join(str(values.get("name", org.name)).split())[:200]
    if not name:
        raise InvalidInput(_l("Vul een naam in."), field="name")
    clash = db.session.scalar(
        select(Organisation).where(Organisation.name == name, Organisation.id != org.id)
    )
    if clash is not None:
        raise Conflict(_l("Er is al een organisatie met deze naam."), code="exists")
    website = str(values.get("website", org.website) or "").strip()
    if website and not website.startswith(("https://", "http://")):
        raise InvalidInput(_l("Vul een webadres in dat begint met https://."), field="website")
    org.name = name
    for key in ("kind", "region", "description", "contact_name", "contact_email"):
        if key in values:
            setattr(org, key, str(values[key] or "").strip()[:2000])
    org.website = website[:300]
    if "contact_public" in values:
        org.contact_public = bool(values["contact_public"])
    changes = audit.diff(before, {key: getattr(org, key) for key in PROFILE_FIELDS})
    if changes:
        audit.record("organisation.update", actor=actor, target=org.slug, details=changes)
    db.session.commit()
    return org
