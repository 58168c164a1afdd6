"""Plain factories: make_user(**overrides), make_document(...)."""

from __future__ import annotations

import io
import itertools
from typing import Any

from fpdf import FPDF

from kennisnet.accounts import users
from kennisnet.accounts.models import Role, User
from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Document
from kennisnet.documents.uploads import ingest_document

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_user(**overrides: Any) -> User:
    n = next(_counter)
    organisation = overrides.pop("organisation", None)
    if isinstance(organisation, str):
        organisation = ensure_organisation(organisation, overrides.pop("region", ""))
    values: dict[str, Any] = {
        "email": f"lid{n}@example.org",
        "password": PASSWORD,
        "name": f"Lid {n}",
        "role": Role.MEMBER,
    }
    values.update(overrides)
    return users.create_user(
        values.pop("email"), values.pop("password"), organisation=organisation, **values
    )


def make_admin(**overrides: Any) -> User:
    return make_user(role=Role.ADMIN, **overrides)


def make_document(
    uploader: User,
    text: str | None = None,
    *,
    filename: str = "document.txt",
    content: bytes | None = None,
    **meta: Any,
) -> Document:
    """A document from text (stored as a .txt file) or raw bytes; processed immediately."""
    n = next(_counter)
    if content is None:
        content = (text or f"Documenttekst nummer {n}.").encode("utf-8")
    meta.setdefault("type", "overig")
    meta.setdefault("visibility", "public")
    if "themes" in meta:
        meta["themes"] = tuple(meta["themes"])
    return ingest_document(io.BytesIO(content), filename, Metadata(**meta), uploader)


def make_pdf(*pages: str, title: str = "") -> bytes:
    """A PDF with a text layer, one page per text; it gets a thumbnail and page images."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 6, text=text)
    return bytes(pdf.output())
