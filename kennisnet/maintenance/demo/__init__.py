"""Load the demo set: organisations, members and real generated files, through the services."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from kennisnet.accounts import users
from kennisnet.accounts.models import Organisation, Role, User
from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.core import queue
from kennisnet.core.extensions import db
from kennisnet.curation import categories
from kennisnet.documents import fields, tasks
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.processing import process_document
from kennisnet.documents.uploads import DuplicateUpload, ingest_document
from kennisnet.maintenance.demo.content import (
    DOCUMENTS,
    MEMBERS,
    ORGANISATIONS,
    DemoDocument,
    write_demo_file,
)

DEMO_MEMBER_PASSWORD_BYTES = 12


@dataclass(frozen=True)
class DemoResult:
    loaded: bool
    documents: int
    admin_email: str
    admin_password: str


def demo_fields(item: DemoDocument, *, position: int, today: date | None = None) -> dict[str, str]:
    """Type-specific fields from the demo's fact tables. Deadlines are set relative to the
    day the demo is loaded, so a new user's subsidy overview shows open calls."""
    facts = dict(item.facts)
    values: dict[str, str] = {}
    if item.type == "subsidie":
        funder = facts.get("Fonds") or facts.get("Regeling")
        if funder:
            values["funder"] = funder
        if facts.get("Doelgroep"):
            values["target_group"] = facts["Doelgroep"]
        if any(key.startswith("Deadline") for key in facts):
            due = (today or date.today()) + timedelta(days=30 + 45 * position % 180)
            values["deadline"] = due.isoformat()
    elif item.type == "statuten" and facts.get("Rechtsvorm"):
        form = facts["Rechtsvorm"].lower()
        for choice in ("coöperatie", "vereniging", "stichting"):
            if choice in form:
                values["legal_form"] = choice
                break
    elif item.type == "projectplan":
        budget = facts.get("Begroting") or facts.get("Begroting ontwikkeling")
        if budget and re.fullmatch(r"€\s?[\d.]+", budget.strip()):
            values["budget"] = budget
    return values


def load_demo(admin_email: str = "beheer@example.org") -> DemoResult:
    """Idempotent: the data is loaded once; the admin gets a freshly generated password each
    time, so ``make run`` can always print a login that works."""
    categories.seed()
    fields.seed_fields()
    password = users.generate_password()
    admin = users.find_user(admin_email)
    if admin is None:
        admin = users.create_user(admin_email, password, name="Demobeheerder", role=Role.ADMIN)
    else:
        admin.role = Role.ADMIN
        admin.active = True
        users.set_password(admin, password)

    first_org = ORGANISATIONS[0].name
    if db.session.scalar(select(Organisation).where(Organisation.name == first_org)) is not None:
        return DemoResult(False, 0, admin.email, password)

    organisations = {o.name: ensure_organisation(o.name, o.region) for o in ORGANISATIONS}
    members: dict[str, User] = {}
    for member in MEMBERS:
        user = users.find_user(member.email) or users.create_user(
            member.email,
            users.generate_password(),
            name=member.name,
            organisation=organisations[member.organisation],
        )
        members[member.email] = user
    count = 0
    with tempfile.TemporaryDirectory(prefix="kennisnet-demo-") as tmp:
        for item in DOCUMENTS:
            path = write_demo_file(item, Path(tmp))
            meta = Metadata(
                title=item.title,
                summary=item.summary,
                type=item.type,
                themes=item.themes,
                visibility=item.visibility,
                organisation=item.organisation,
                region=item.region,
                year=item.year,
                extra=demo_fields(item, position=count),
            )
            try:
                with path.open("rb") as stream:
                    doc = ingest_document(
                        stream, path.name, meta, members[item.uploader], enqueue=False
                    )
            except DuplicateUpload:
                continue
            process_document(doc.id)
            queue.commit_then_enqueue(tasks.make_previews, doc.id)
            count += 1
    return DemoResult(True, count, admin.email, password)
