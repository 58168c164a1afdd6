"""Load the demo set: organisations, members and real generated files, through the services."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kennisnet import accounts, curation
from kennisnet.demo_content import DOCUMENTS, MEMBERS, ORGANISATIONS, write_demo_file
from kennisnet.documents import ensure_organisation
from kennisnet.extensions import db
from kennisnet.ingest import DuplicateUpload, Metadata, ingest_document, process_document
from kennisnet.models import Organisation, Role

DEMO_MEMBER_PASSWORD_BYTES = 12


@dataclass(frozen=True)
class DemoResult:
    loaded: bool
    documents: int
    admin_email: str
    admin_password: str


def load_demo(admin_email: str = "beheer@example.org") -> DemoResult:
    """Idempotent: the data is loaded once; the admin gets a freshly generated password each
    time, so ``make run`` can always print a login that works."""
    curation.seed()
    password = accounts.generate_password()
    admin = accounts.find_user(admin_email)
    if admin is None:
        admin = accounts.create_user(admin_email, password, name="Demobeheerder", role=Role.ADMIN)
    else:
        admin.role = Role.ADMIN
        admin.active = True
        accounts.set_password(admin, password)

    first_org = ORGANISATIONS[0].name
    if db.session.scalar(select(Organisation).where(Organisation.name == first_org)) is not None:
        return DemoResult(False, 0, admin.email, password)

    organisations = {o.name: ensure_organisation(o.name, o.region) for o in ORGANISATIONS}
    users = {}
    for member in MEMBERS:
        user = accounts.find_user(member.email) or accounts.create_user(
            member.email,
            accounts.generate_password(),
            name=member.name,
            organisation=organisations[member.organisation],
        )
        users[member.email] = user
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
            )
            try:
                with path.open("rb") as stream:
                    doc = ingest_document(
                        stream, path.name, meta, users[item.uploader], enqueue=False
                    )
            except DuplicateUpload:
                continue
            process_document(doc.id)
            count += 1
    return DemoResult(True, count, admin.email, password)
