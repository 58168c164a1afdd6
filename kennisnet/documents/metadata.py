"""What a member says about a document: the metadata, checked against the categories."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kennisnet.accounts.models import Organisation, User
from kennisnet.core.errors import InvalidInput
from kennisnet.core.extensions import db
from kennisnet.curation.models import DocumentType, Theme
from kennisnet.documents.fields import validate_values
from kennisnet.documents.models import Visibility

MAX_TITLE = 300
MAX_SUMMARY = 5000
MAX_REGION = 200
MAX_FILENAME = 255
MAX_AUTHOR = 200


@dataclass
class Metadata:
    """What a member says about an upload; empty values take sensible defaults."""

    title: str = ""
    summary: str = ""
    type: str = ""  # slug
    themes: tuple[str, ...] = ()  # slugs
    visibility: str = Visibility.MEMBERS.value
    organisation: str = ""  # name or slug; defaults to the uploader's organisation
    region: str = ""
    year: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def clean_filename(name: str | None) -> str:
    """A display name for the file: no directories, no control characters, bounded."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        keep = MAX_FILENAME - len(ext) - 1 if dot and len(ext) <= 10 else MAX_FILENAME
        name = (stem[:keep] + "." + ext) if dot and len(ext) <= 10 else name[:MAX_FILENAME]
    return name or "bestand"


def title_from_filename(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = re.sub(r"[_\-.]+", " ", stem).split()
    title = " ".join(words)[:MAX_TITLE]
    return (title[:1].upper() + title[1:]) if title else name


def _clean_text(value: str | None, limit: int, field_name: str, label: str) -> str:
    value = unicodedata.normalize("NFC", (value or "").replace("\x00", "")).strip()
    if len(value) > limit:
        raise InvalidInput(
            _l("%(label)s is te lang (maximaal %(n)s tekens).", label=label, n=limit),
            field=field_name,
        )
    return value


def resolve_metadata(meta: Metadata, uploader: User | None) -> dict[str, object]:
    """Validate a member's metadata against the categories; raises InvalidInput."""
    title = _clean_text(meta.title, MAX_TITLE, "title", _l("De titel"))
    summary = _clean_text(meta.summary, MAX_SUMMARY, "summary", _l("De samenvatting"))
    region = _clean_text(meta.region, MAX_REGION, "region", _l("De wijk of gemeente"))
    type_slug = (meta.type or "overig").strip()
    doc_type = db.session.scalar(select(DocumentType).where(DocumentType.slug == type_slug))
    if doc_type is None:
        raise InvalidInput(_l("Kies een geldig soort document."), field="type")
    slugs = list(dict.fromkeys(s.strip() for s in meta.themes if s and s.strip()))
    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(slugs)))) if slugs else []
    if len(themes) != len(slugs):
        unknown = sorted(set(slugs) - {t.slug for t in themes})
        shown = ", ".join(unknown[:5])
        if len(unknown) > 5:
            shown += str(_l(" en nog %(n)s", n=len(unknown) - 5))
        raise InvalidInput(_l("Onbekend thema: %(names)s.", names=shown), field="theme")
    if meta.visibility not in {v.value for v in Visibility}:
        raise InvalidInput(
            _l("Kies wie het document mag zien: iedereen of alleen leden."), field="visibility"
        )
    organisation = uploader.organisation if uploader is not None else None
    if meta.organisation:
        organisation = db.session.scalar(
            select(Organisation).where(
                (Organisation.slug == meta.organisation) | (Organisation.name == meta.organisation)
            )
        )
        if organisation is None:
            raise InvalidInput(_l("Onbekende organisatie."), field="organisation")
    this_year = datetime.now(UTC).year
    year = meta.year
    if year is not None and not 1900 <= year <= this_year + 1:
        raise InvalidInput(
            _l("Vul een jaartal in tussen 1900 en %(max)s.", max=this_year + 1), field="year"
        )
    return {
        "title": title,
        "summary": summary,
        "type": doc_type,
        "themes": themes,
        "visibility": Visibility(meta.visibility),
        "organisation": organisation,
        "region": region or (organisation.region if organisation else ""),
        "year": year or this_year,
        "fields": validate_values(doc_type, meta.extra),
    }
