"""Type-specific fields: admins define them per document type; members fill them in.

Values are stored as text in a canonical form (ISO dates, plain decimal numbers, checked
URLs, one of the choices), so that they sort, compare and index the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from kennisnet.accounts import permissions
from kennisnet.accounts.models import User
from kennisnet.core import audit
from kennisnet.core.errors import Conflict, InvalidInput, NotFound
from kennisnet.core.extensions import db
from kennisnet.curation.models import DocumentType, FieldDefinition
from kennisnet.documents.models import Document, DocumentFieldValue

KINDS = ("text", "date", "number", "choice", "link")
MAX_TEXT = 2000
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")

# (type slug, key, label, kind, choices, facet)
STANDARD_FIELDS: tuple[tuple[str, str, str, str, tuple[str, ...], bool], ...] = (
    ("subsidie", "funder", "Fonds of subsidiegever", "text", (), True),
    ("subsidie", "deadline", "Uiterste datum van aanvragen", "date", (), False),
    ("subsidie", "amount_from", "Bedrag vanaf (euro)", "number", (), False),
    ("subsidie", "amount_to", "Bedrag tot (euro)", "number", (), False),
    ("subsidie", "call_url", "Link naar de regeling", "link", (), False),
    ("subsidie", "target_group", "Voor wie", "text", (), False),
    (
        "pilot-idee",
        "pilot_status",
        "Stand van zaken",
        "choice",
        ("idee", "lopend", "afgerond"),
        True,
    ),
    ("pilot-idee", "neighbourhood", "Buurt of wijk", "text", (), False),
    (
        "statuten",
        "legal_form",
        "Rechtsvorm",
        "choice",
        ("coöperatie", "vereniging", "stichting"),
        True,
    ),
    ("statuten", "year_adopted", "Jaar vastgesteld", "number", (), False),
    ("projectplan", "service_kind", "Soort dienst", "text", (), True),
    ("projectplan", "budget", "Begroting (euro)", "number", (), False),
)


def seed_fields() -> None:
    """Add the standard fields that are missing; never changes existing ones."""
    for position, (type_slug, key, label, kind, choices, facet) in enumerate(STANDARD_FIELDS):
        doc_type = db.session.scalar(select(DocumentType).where(DocumentType.slug == type_slug))
        if doc_type is None or any(f.key == key for f in doc_type.fields):
            continue
        doc_type.fields.append(
            FieldDefinition(
                key=key,
                label=label,
                kind=kind,
                choices=list(choices),
                facet=facet,
                position=position,
            )
        )
    db.session.commit()


def define_field(
    doc_type: DocumentType,
    key: str,
    label: str,
    kind: str,
    *,
    choices: tuple[str, ...] = (),
    facet: bool = False,
    actor: User,
) -> FieldDefinition:
    permissions.require(actor, "field.manage")
    key = (key or "").strip().lower()
    if not _KEY.match(key):
        raise InvalidInput(
            _l("Gebruik voor de sleutel kleine letters, cijfers en _, zoals 'deadline'."),
            field="key",
        )
    if kind not in KINDS:
        raise InvalidInput(
            _l("Kies een soort veld: tekst, datum, getal, keuze of link."), field="kind"
        )
    label = " ".join((label or "").split())[:200]
    if not label:
        raise InvalidInput(_l("Vul een naam voor het veld in."), field="label")
    options = [c.strip() for c in choices if c and c.strip()]
    if kind == "choice" and not options:
        raise InvalidInput(_l("Een keuzeveld heeft minstens één keuze nodig."), field="choices")
    if any(f.key == key for f in doc_type.fields):
        raise Conflict(_l("Dit soort document heeft al een veld met deze sleutel."), code="exists")
    position = (db.session.scalar(select(func.max(FieldDefinition.position))) or 0) + 1
    field = FieldDefinition(
        key=key, label=label, kind=kind, choices=options, facet=facet, position=position
    )
    doc_type.fields.append(field)
    audit.record(
        "type.field.create",
        actor=actor,
        target=f"{doc_type.slug}.{key}",
        details={"label": label, "kind": kind, "choices": options},
    )
    db.session.commit()
    return field


def remove_field(doc_type: DocumentType, key: str, *, actor: User) -> None:
    permissions.require(actor, "field.manage")
    field = next((f for f in doc_type.fields if f.key == key), None)
    if field is None:
        raise NotFound(_l("Dit veld bestaat niet."))
    doc_type.fields.remove(field)
    audit.record("type.field.delete", actor=actor, target=f"{doc_type.slug}.{key}")
    db.session.commit()


def _canonical(field: FieldDefinition, raw: str) -> str:
    value = " ".join(str(raw).split()) if field.kind != "text" else str(raw).strip()
    if field.kind == "text":
        if len(value) > MAX_TEXT:
            raise InvalidInput(
                _l("%(label)s is te lang (maximaal %(n)s tekens).", label=field.label, n=MAX_TEXT),
                field=field.key,
            )
        return value
    if field.kind == "date":
        for pattern in ("%Y-%m-%d", "%d-%m-%Y"):  # ISO, or Dutch notation 1-3-2027
            try:
                return datetime.strptime(value.replace("/", "-"), pattern).date().isoformat()
            except ValueError:
                continue
        raise InvalidInput(
            _l("%(label)s: vul een datum in, zoals 2027-03-01.", label=field.label),
            field=field.key,
        )
    if field.kind == "number":
        text = value.replace("€", "").replace(" ", "")
        if "," in text:  # Dutch decimal comma, dots as thousands separators
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS.match(text):  # "7.500" is seven thousand five hundred in Dutch
            text = text.replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise InvalidInput(
                _l("%(label)s: vul een getal in, zoals 5000.", label=field.label),
                field=field.key,
            )
        return format(number.normalize(), "f")
    if field.kind == "choice":
        for choice in field.choices:
            if choice.casefold() == value.casefold():
                return choice
        raise InvalidInput(
            _l(
                "%(label)s: kies uit %(choices)s.",
                label=field.label,
                choices=", ".join(field.choices),
            ),
            field=field.key,
        )
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 2000:
        raise InvalidInput(
            _l("%(label)s: vul een webadres in dat begint met https://.", label=field.label),
            field=field.key,
        )
    return value


def validate_values(doc_type: DocumentType, raw: Mapping[str, Any]) -> dict[str, str]:
    """Canonical values for the fields of ``doc_type`` found in ``raw``; empty means unset.

    Keys that are not fields of this type are ignored, so one form can carry the fields of
    every type while the member switches between types.
    """
    values: dict[str, str] = {}
    for field in doc_type.fields:
        if field.key not in raw or raw[field.key] is None:
            continue
        text = str(raw[field.key]).replace("\x00", "").strip()
        values[field.key] = _canonical(field, text) if text else ""
    return values


def set_values(doc: Document, values: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Apply canonical values (from validate_values); returns the before/after changes.

    Values of fields that do not belong to the document's type (after a type change) go.
    """
    by_key = {f.key: f for f in doc.type.fields}
    current = {v.field.key: v for v in doc.field_values}
    before = {k: v.value for k, v in current.items()}
    for key, existing in list(current.items()):
        if key not in by_key:
            doc.field_values.remove(existing)
            current.pop(key)
    for key, value in values.items():
        if key not in by_key:
            continue
        if not value:
            if key in current:
                doc.field_values.remove(current.pop(key))
        elif key in current:
            current[key].value = value
        else:
            current[key] = DocumentFieldValue(field=by_key[key], value=value)
            doc.field_values.append(current[key])
    after = {k: v.value for k, v in current.items()}
    return audit.diff(before, after)


def _typed(field: FieldDefinition, value: str) -> Any:
    if field.kind == "number":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def fields_json(doc: Document) -> dict[str, Any]:
    """The document's fields for the API: numbers as numbers, dates as ISO strings."""
    order = {f.key: f.position for f in doc.type.fields}
    values = sorted(doc.field_values, key=lambda v: order.get(v.field.key, 0))
    return {v.field.key: _typed(v.field, v.value) for v in values}


def display_values(doc: Document) -> list[tuple[FieldDefinition, str]]:
    """(field, value) in the type's order, for pages."""
    by_field = {v.field_id: v.value for v in doc.field_values}
    return [(f, by_field[f.id]) for f in doc.type.fields if f.id in by_field]
