"""Themes and document types: the categories admins curate.

Facets and URLs key on slugs, so a rename changes only the name; the documents that carry
the category are reindexed in the background because their searchable text changes.
"""

from __future__ import annotations

from typing import TypeVar

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import delete, func, select, update

from kennisnet.accounts import permissions
from kennisnet.accounts.models import User
from kennisnet.accounts.permissions import visible_documents
from kennisnet.core import audit
from kennisnet.core.errors import Conflict, InvalidInput, NotFound
from kennisnet.core.extensions import db
from kennisnet.curation.models import CategoryRedirect, DocumentType, Theme
from kennisnet.documents import tasks
from kennisnet.documents.models import Document, document_themes

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


def _kind(model: type[Theme] | type[DocumentType]) -> str:
    return "theme" if model is Theme else "type"


def create_category(
    model: type[Category],
    name: str,
    description: str = "",
    *,
    parent: Theme | None = None,
    actor: User,
) -> Category:
    permissions.require(actor, "category.manage")
    name, description = _clean(name, description)
    slug = make_slug(name)
    if not slug:
        raise InvalidInput(_l("Gebruik letters of cijfers in de naam."), field="name")
    _ensure_unique(model, name, slug, None)
    db.session.execute(
        delete(CategoryRedirect).where(
            CategoryRedirect.kind == _kind(model), CategoryRedirect.old_slug == slug
        )
    )
    position = (db.session.scalar(select(func.max(model.position))) or 0) + 1
    item = model(name=name, slug=slug, description=description, position=position)
    if parent is not None and isinstance(item, Theme):
        _check_parent(item, parent)
        item.parent = parent
    db.session.add(item)
    audit.record(
        f"{_kind(model)}.create",
        actor=actor,
        target=slug,
        details={"name": name, "parent": parent.slug if parent else None},
    )
    db.session.commit()
    return item


def get_category(model: type[Category], slug: str) -> Category:
    item = db.session.scalar(select(model).where(model.slug == slug))
    if item is None:
        raise NotFound(_l("Deze categorie bestaat niet."))
    return item


def redirected_slug(model: type[Theme] | type[DocumentType], slug: str) -> str | None:
    """Where the address of a merged category leads now, if it was merged."""
    return db.session.scalar(
        select(CategoryRedirect.target_slug).where(
            CategoryRedirect.kind == _kind(model), CategoryRedirect.old_slug == slug
        )
    )


def affected_documents(item: Theme | DocumentType) -> list[int]:
    if isinstance(item, Theme):
        query = select(document_themes.c.document_id).where(document_themes.c.theme_id == item.id)
    else:
        query = select(Document.id).where(Document.type_id == item.id)
    return list(db.session.scalars(query))


def update_category(item: Category, name: str, description: str, *, actor: User) -> Category:
    """Rename and describe; the slug stays, so links and saved filters keep working."""
    permissions.require(actor, "category.manage")
    name, description = _clean(name, description)
    renamed = name != item.name
    if renamed:
        _ensure_unique(type(item), name, item.slug, item.id)
    changes = audit.diff(
        {"name": item.name, "description": item.description},
        {"name": name, "description": description},
    )
    item.name = name
    item.description = description
    if changes:
        audit.record(f"{_kind(type(item))}.update", actor=actor, target=item.slug, details=changes)
    tasks.commit_then_index(affected_documents(item) if renamed else ())
    return item


def _check_parent(theme: Theme, parent: Theme | None) -> None:
    """Themes form a tree of two levels: main themes and their sub-themes."""
    if parent is None:
        return
    if parent.id is not None and parent.id == theme.id:
        raise InvalidInput(_l("Een thema kan niet onder zichzelf staan."), field="parent")
    if parent.parent_id is not None:
        raise InvalidInput(
            _l("Kies een hoofdthema: sub-thema's kunnen geen eigen sub-thema's hebben."),
            field="parent",
        )
    if theme.id is not None and theme.children:
        raise InvalidInput(
            _l("Dit thema heeft zelf sub-thema's en kan daarom geen sub-thema worden."),
            field="parent",
        )


def move_theme(theme: Theme, parent: Theme | None, *, actor: User) -> Theme:
    """Put a theme under a main theme, or make it a main theme (parent None)."""
    permissions.require(actor, "category.manage")
    _check_parent(theme, parent)
    before = theme.parent.slug if theme.parent else None
    theme.parent = parent
    audit.record(
        "theme.move",
        actor=actor,
        target=theme.slug,
        details={"parent": {"before": before, "after": parent.slug if parent else None}},
    )
    db.session.commit()
    return theme


def set_position(theme: Theme, position: int, *, actor: User) -> Theme:
    """Place a theme at ``position`` among its siblings (lower comes first)."""
    permissions.require(actor, "category.manage")
    if position != theme.position:
        audit.record(
            "theme.position",
            actor=actor,
            target=theme.slug,
            details={"position": {"before": theme.position, "after": position}},
        )
        theme.position = position
    db.session.commit()
    return theme


def theme_tree() -> list[Theme]:
    """Main themes in order; each carries its ordered ``children``."""
    return list(
        db.session.scalars(
            select(Theme).where(Theme.parent_id.is_(None)).order_by(Theme.position, Theme.name)
        )
    )


def _reassign(source: Category, target: Category) -> list[int]:
    """Move every document of ``source`` to ``target``; returns the ids that changed."""
    ids = affected_documents(source)
    if not ids:
        return ids
    for doc in db.session.scalars(select(Document).where(Document.id.in_(ids))):
        if isinstance(source, Theme) and isinstance(target, Theme):
            doc.themes = [t for t in doc.themes if t.id != source.id]
            if target not in doc.themes:
                doc.themes.append(target)
        elif isinstance(target, DocumentType):
            doc.type = target
    return ids


def merge_category(source: Category, target: Category, *, actor: User) -> list[int]:
    """All documents of ``source`` move to ``target``; the old address redirects to it.

    Sub-themes of a merged main theme move under the target (or become main themes when the
    target is itself a sub-theme). The affected documents are reindexed in the background.
    """
    permissions.require(actor, "category.manage")
    if type(source) is not type(target):
        raise InvalidInput(_l("Kies een categorie van dezelfde soort."), field="into")
    if source.id == target.id:
        raise InvalidInput(_l("Een categorie kan niet met zichzelf samengaan."), field="into")
    kind = _kind(type(source))
    ids = _reassign(source, target)
    if isinstance(source, Theme) and isinstance(target, Theme):
        for child in list(source.children):
            child.parent = target if (target.parent_id is None and child.id != target.id) else None
    db.session.execute(
        update(CategoryRedirect)
        .where(CategoryRedirect.kind == kind, CategoryRedirect.target_slug == source.slug)
        .values(target_slug=target.slug)
    )
    db.session.add(CategoryRedirect(kind=kind, old_slug=source.slug, target_slug=target.slug))
    audit.record(
        f"{kind}.merge",
        actor=actor,
        target=source.slug,
        details={"into": target.slug, "documents": len(ids)},
    )
    db.session.delete(source)
    tasks.commit_then_index(ids)
    return ids


def move_category(item: Category, direction: int, *, actor: User) -> None:
    """Swap places with the neighbour above (-1) or below (+1)."""
    permissions.require(actor, "category.manage")
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


def delete_category(
    item: Category, *, reassign_to: Category | None = None, actor: User
) -> list[int]:
    """Delete when unused, or after moving its documents to ``reassign_to``."""
    permissions.require(actor, "category.manage")
    if reassign_to is not None and reassign_to.id == item.id:
        raise InvalidInput(_l("Kies een andere categorie voor de documenten."), field="reassign")
    ids = affected_documents(item)
    if ids and reassign_to is None:
        raise Conflict(
            _l(
                "Deze categorie wordt nog gebruikt door documenten. Kies eerst waar die "
                "documenten heen moeten."
            ),
            code="in_use",
        )
    if reassign_to is not None:
        _reassign(item, reassign_to)
    if isinstance(item, Theme):
        for child in list(item.children):
            child.parent = None
    audit.record(
        f"{_kind(type(item))}.delete",
        actor=actor,
        target=item.slug,
        details={"reassign": reassign_to.slug if reassign_to else None, "documents": len(ids)},
    )
    db.session.delete(item)
    tasks.commit_then_index(ids)
    return ids


def themes_in_order() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name)))


def types_in_order() -> list[DocumentType]:
    return list(
        db.session.scalars(select(DocumentType).order_by(DocumentType.position, DocumentType.name))
    )


def theme_counts(user: User | None) -> dict[int, int]:
    """Documents per theme id, counting only what ``user`` may see."""
    visible = visible_documents(user).subquery()
    rows = db.session.execute(
        select(document_themes.c.theme_id, func.count())
        .join(visible, visible.c.id == document_themes.c.document_id)
        .group_by(document_themes.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}
