"""Themes and document types: the categories admins curate.

Facets and URLs key on slugs, so a rename changes only the name; the documents that carry
the category are reindexed in the background because their searchable text changes.
"""

from __future__ import annotations

from typing import TypeVar

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import func, select

from kennisnet import tasks
from kennisnet.errors import Conflict, InvalidInput, NotFound
from kennisnet.extensions import db
from kennisnet.models import Document, DocumentType, Theme, document_themes

DOCUMENT_TYPES: tuple[tuple[str, str, str], ...] = (
    (
        "pilot-idee",
        "Idee voor een pilot of initiatief",
        "Ideeën voor pilots en bewonersinitiatieven.",
    ),
    ("projectplan", "Projectplan", "Plannen voor diensten voor en door bewoners."),
    ("statuten", "Statuten", "Statuten van buurt- en wijkcoöperaties en andere rechtsvormen."),
    ("subsidie", "Subsidie of investering", "Subsidies, fondsen en investeringsmogelijkheden."),
    ("overig", "Overig", "Visiedocumenten, verslagen, foto's en andere stukken."),
)

THEMES: tuple[tuple[str, str], ...] = (
    ("Mantelzorg", "Ondersteuning van mantelzorgers en respijtzorg."),
    ("Informele zorg", "Burenhulp, vrijwilligers en zorg dichtbij huis."),
    ("Preventie en leefstijl", "Gezond leven, bewegen en eten in de wijk."),
    ("Buurtnetwerken", "Netwerken van bewoners, buurthulp en sociale samenhang."),
    ("Ontmoetingsplekken", "Buurtkamers, buurthuizen en andere plekken om elkaar te ontmoeten."),
    ("Wijkeconomie", "Lokaal ondernemen, werk en geld dat in de wijk blijft."),
    ("Wonen", "Woonvormen, woongroepen en wonen met zorg."),
    ("Ervaringsdeskundigheid", "De kennis van bewoners die het zelf hebben meegemaakt."),
    ("Onderwijs en onderzoek in de wijk", "Samenwerking met scholen, hogescholen en onderzoekers."),
    ("Burgerparticipatie", "Meedoen, meebeslissen en zelf organiseren."),
    ("Digitale infrastructuur", "Digitale hulpmiddelen, platforms en data van en voor de wijk."),
)

Category = TypeVar("Category", Theme, DocumentType)
MAX_NAME = 200
MAX_DESCRIPTION = 2000


def make_slug(name: str) -> str:
    """Lower-case ASCII with diacritics folded: 'Repaircafés' -> 'repaircafes'."""
    return slugify(name or "", max_length=MAX_NAME, word_boundary=True)


def seed() -> None:
    """Add the standard types and themes that are missing; never changes existing ones."""
    for position, (slug, name, description) in enumerate(DOCUMENT_TYPES):
        if db.session.scalar(select(DocumentType).where(DocumentType.slug == slug)) is None:
            db.session.add(
                DocumentType(slug=slug, name=name, description=description, position=position)
            )
    for position, (name, description) in enumerate(THEMES):
        slug = make_slug(name)
        if db.session.scalar(select(Theme).where(Theme.slug == slug)) is None:
            db.session.add(Theme(slug=slug, name=name, description=description, position=position))
    db.session.commit()


def _clean(name: str, description: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_l("Vul een naam in."), field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(
            _l("De naam is te lang (maximaal %(n)s tekens).", n=MAX_NAME), field="name"
        )
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            _l("De beschrijving is te lang (maximaal %(n)s tekens).", n=MAX_DESCRIPTION),
            field="description",
        )
    return name, description


def _ensure_unique(model: type[Category], name: str, slug: str, exclude: int | None) -> None:
    clash = db.session.scalar(
        select(model).where(
            (func.lower(model.name) == name.lower()) | (model.slug == slug),
            model.id != (exclude or 0),
        )
    )
    if clash is not None:
        raise Conflict(_l("Er bestaat al een categorie met deze naam."), code="exists")


def create_category(model: type[Category], name: str, description: str = "") -> Category:
    name, description = _clean(name, description)
    slug = make_slug(name)
    if not slug:
        raise InvalidInput(_l("Gebruik letters of cijfers in de naam."), field="name")
    _ensure_unique(model, name, slug, None)
    position = (db.session.scalar(select(func.max(model.position))) or 0) + 1
    item = model(name=name, slug=slug, description=description, position=position)
    db.session.add(item)
    db.session.commit()
    return item


def get_category(model: type[Category], slug: str) -> Category:
    item = db.session.scalar(select(model).where(model.slug == slug))
    if item is None:
        raise NotFound(_l("Deze categorie bestaat niet."))
    return item


def affected_documents(item: Theme | DocumentType) -> list[int]:
    if isinstance(item, Theme):
        query = select(document_themes.c.document_id).where(document_themes.c.theme_id == item.id)
    else:
        query = select(Document.id).where(Document.type_id == item.id)
    return list(db.session.scalars(query))


def update_category(item: Category, name: str, description: str) -> Category:
    """Rename and describe; the slug stays, so links and saved filters keep working."""
    name, description = _clean(name, description)
    renamed = name != item.name
    if renamed:
        _ensure_unique(type(item), name, item.slug, item.id)
    item.name = name
    item.description = description
    db.session.commit()
    if renamed:
        tasks.enqueue_index(affected_documents(item))
    return item


def move_category(item: Category, direction: int) -> None:
    """Swap places with the neighbour above (-1) or below (+1)."""
    model = type(item)
    items = list(db.session.scalars(select(model).order_by(model.position, model.name)))
    index = items.index(item)
    other = index + (1 if direction > 0 else -1)
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position
    db.session.commit()


def delete_category(item: Category) -> None:
    if affected_documents(item):
        raise Conflict(
            _l("Deze categorie wordt nog gebruikt door documenten en kan niet weg."),
            code="in_use",
        )
    db.session.delete(item)
    db.session.commit()


def themes_in_order() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name)))


def types_in_order() -> list[DocumentType]:
    return list(
        db.session.scalars(select(DocumentType).order_by(DocumentType.position, DocumentType.name))
    )
