"""Synonyms and abbreviations that curators keep (ALV = algemene ledenvergadering).

Applied to the query, not the index: a word in the query that has a synonym becomes "the word
or its expansion", so a change works at once and needs no reindex.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kennisnet.accounts import permissions
from kennisnet.accounts.models import User
from kennisnet.core import audit
from kennisnet.core.errors import Conflict, InvalidInput, NotFound
from kennisnet.core.extensions import db
from kennisnet.curation import catalogue
from kennisnet.curation.models import Synonym
from kennisnet.search.analysis import fold

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_SYNTAX = re.compile(r'["()]')


def all_synonyms() -> list[Synonym]:
    return list(db.session.scalars(select(Synonym).order_by(Synonym.term)))


def add_synonym(term: str, expansion: str, *, actor: User) -> Synonym:
    permissions.require(actor, "synonym.manage")
    key = fold(" ".join((term or "").split()))
    expansion = " ".join(_SYNTAX.sub(" ", expansion or "").split())
    if not key or not _WORD.fullmatch(key):
        raise InvalidInput(_l("Vul één woord of afkorting in, zoals ALV."), field="term")
    if not expansion or len(expansion) > 300:
        raise InvalidInput(
            _l("Vul in waar het voor staat (maximaal 300 tekens)."), field="expansion"
        )
    if db.session.scalar(select(Synonym).where(Synonym.term == key)) is not None:
        raise Conflict(_l("Voor dit woord is al een synoniem."), code="exists")
    synonym = Synonym(term=key, expansion=expansion)
    db.session.add(synonym)
    audit.record("synonym.create", actor=actor, target=key, details={"expansion": expansion})
    db.session.commit()
    return synonym


def remove_synonym(term: str, *, actor: User) -> None:
    permissions.require(actor, "synonym.manage")
    synonym = db.session.scalar(select(Synonym).where(Synonym.term == fold(term or "")))
    if synonym is None:
        raise NotFound(_l("Dit synoniem bestaat niet."))
    db.session.delete(synonym)
    audit.record("synonym.delete", actor=actor, target=synonym.term)
    db.session.commit()


def expand(text: str) -> str:
    """The query with each word that has a synonym replaced by (word OR "expansion").

    Words inside quotes are left alone: a quoted phrase means exactly those words.
    """
    if not text or '"' in text:
        return text
    table = catalogue.current().synonyms
    if not table:
        return text

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        expansion = table.get(fold(word))
        return f'({word} OR "{expansion}")' if expansion else word

    return _WORD.sub(replace, text)
