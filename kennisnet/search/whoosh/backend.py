"""The Whoosh backend (``KENNISNET_SEARCH_BACKEND=whoosh``); this package alone imports whoosh.

Each generation (see ``generations``) is one Whoosh index; rebuilds build a new one aside and
swap it in, and every write takes the generations' write lock.
"""

from __future__ import annotations

import functools
import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from whoosh import index, qparser
from whoosh import query as wq
from whoosh.automata.lev import levenshtein_automaton
from whoosh.codec.base import Automata
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.searching import Searcher

from kennisnet.search import flow, querylang, snippets
from kennisnet.search.analysis import ANALYSIS_VERSION, WordTerms
from kennisnet.search.base import (
    FACETS,
    FIELD_PREFIX,
    Completions,
    Hit,
    IndexedDocument,
    SearchQuery,
    SearchResults,
    Viewer,
    field_value_slug,
    filter_target,
    page_window,
)
from kennisnet.search.generations import Generations
from kennisnet.search.whoosh.analyzers import dutch_analyzer, exact_analyzer

log = logging.getLogger(__name__)
T = TypeVar("T")

# Bump when the schema or the analysis changes: a different version means "rebuild".
# 2: unstemmed companion fields (title_exact, body_exact). 4: line-end hyphens rejoined.
# 5: analyzers moved to search.whoosh.analyzers (pickled by module path); hyphens are rejoined
# before the backend sees the text.
# 6: snippets from the shared highlighter (no character offsets stored).
SCHEMA_VERSION = f"6.{ANALYSIS_VERSION}"
INDEX_NAME = "kennisnet"
TEXT_FIELDS = (
    "title",
    "summary",
    "body",
    "theme_names",
    "type_name",
    "organisation_name",
    "fields_text",
)
# Unstemmed copies: a document with the very form the member typed outscores one that only
# shares the stem. They never change which documents match (an exact match implies a stemmed
# one), only the order. Boosts are query-time, so tuning them needs no reindex.
EXACT_BOOSTS = {"title_exact": 3.0, "body_exact": 1.0}
EXACT_FIELDS = tuple(EXACT_BOOSTS)
MAX_IDLE_SEARCHERS = 8
MORE_LIKE_TEXT_CHARS = 8_000  # key terms from the title, summary and the start
MORE_LIKE_TERMS = 12
MAX_PREFIX_TERMS = 2_000  # lexicon entries looked at for one autocomplete prefix
FIELD_FOR_FILTER = {
    "theme": "themes",
    "type": "type",
    "organisation": "organisation",
    "year": "year",
    "region": "region",
}


def make_schema() -> Schema:
    dutch = dutch_analyzer()
    exact = exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        # A compound's parts are in the field with the compound: a part of a title's compound
        # is a title match ("netwerk" in "Buurtnetwerken versterken").
        title=TEXT(analyzer=dutch, field_boost=3.0, stored=True),
        summary=TEXT(analyzer=dutch, field_boost=1.5, stored=True),
        body=TEXT(analyzer=dutch, stored=True),
        # Not stored: snippets come from "body", whose stemmed terms cover every exact match.
        title_exact=TEXT(analyzer=exact),
        body_exact=TEXT(analyzer=exact),  # summary and body
        theme_names=TEXT(analyzer=dutch, field_boost=2.0),
        type_name=TEXT(analyzer=dutch),
        organisation_name=TEXT(analyzer=dutch),
        fields_text=TEXT(analyzer=dutch),
        # "key=value-slug" per type-specific field, for filters and facets.
        field_values=KEYWORD(commas=True, lowercase=False),
        themes=KEYWORD(commas=True, lowercase=False),
        type=ID,
        organisation=ID,
        region=ID,
        year=ID,
        visibility=ID,
        status=ID(stored=True),
        created=DATETIME(sortable=True),
        meta=STORED,
    )


class _Pooled:
    """A searcher lent to one thread at a time; ``_cached`` keeps per-reader data on it."""

    __slots__ = ("generation", "searcher")

    def __init__(self, searcher: Searcher, generation: str) -> None:
        self.searcher = searcher
        self.generation = generation

    def refresh(self, ix: index.FileIndex) -> None:
        # Not Searcher.refresh(): it reuses segment readers by segment id, so deletions
        # committed to an existing segment (an updated document) stay invisible.
        if not self.searcher.up_to_date():
            self.searcher.close()
            self.searcher = ix.searcher()


def _cached(searcher: Searcher, key: object, compute: Callable[[], T]) -> T:
    """Data derived from this searcher's reader, computed once (searchers are never shared
    between threads, and a new reader comes with a new searcher)."""
    cache = searcher.__dict__.setdefault("_kennisnet_cache", {})
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = compute()
        return value


def _close_all(idle: list[_Pooled]) -> None:
    while idle:
        idle.pop().searcher.close()


class WhooshBackend:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.generations = Generations(self.directory)
        self._lock = threading.Lock()
        self._ix: index.FileIndex | None = None
        self._ix_generation: str | None = None
        # Opening a searcher reads every segment's metadata (~ms); idle ones are kept, one per
        # concurrent request at most, and refreshed when a write has committed.
        self._idle: list[_Pooled] = []
        weakref.finalize(self, _close_all, self._idle)

    def close(self) -> None:
        """Close the idle searchers (they are also closed when the backend is collected)."""
        with self._lock:
            idle = list(self._idle)
            self._idle.clear()
        _close_all(idle)

    # -- generations -------------------------------------------------------------------
    def _read_current(self) -> str | None:
        return self.generations.current()

    def schema_version(self) -> str | None:
        return self.generations.version()

    def snapshot(self, dest: Path) -> str | None:
        return self.generations.snapshot(dest)

    def needs_rebuild(self) -> bool:
        """True when the index is missing, unreadable or built with another schema."""
        if self.schema_version() != SCHEMA_VERSION:
            return True
        try:
            with self._searcher() as searcher:
                searcher.doc_count()
        except Exception:  # any engine error means the index cannot be trusted
            log.exception("search index cannot be opened")
            return True
        return False

    def _new_generation(self) -> str:
        generation = self.generations.new(SCHEMA_VERSION)
        index.create_in(str(self.generations.path(generation)), make_schema(), indexname=INDEX_NAME)
        return generation

    def _open(self) -> index.FileIndex:
        return self._open_current()[0]

    def _open_current(self) -> tuple[index.FileIndex, str]:
        generation = self._read_current()
        if generation is None:
            with self.generations.write_lock():
                generation = self._read_current()
                if generation is None:
                    generation = self._new_generation()
                    self.generations.set_current(generation)
        with self._lock:
            if self._ix is None or self._ix_generation != generation:
                self._ix = index.open_dir(str(self.directory / generation), indexname=INDEX_NAME)
                self._ix_generation = generation
            return self._ix, generation

    @contextmanager
    def _pooled(self) -> Iterator[_Pooled]:
        ix, generation = self._open_current()
        pooled = None
        stale: list[_Pooled] = []
        with self._lock:
            while self._idle:
                candidate = self._idle.pop()
                if candidate.generation == generation:
                    pooled = candidate
                    break
                stale.append(candidate)
        _close_all(stale)
        if pooled is None:
            pooled = _Pooled(ix.searcher(), generation)
        else:
            try:
                pooled.refresh(ix)
            except Exception:  # e.g. files of a swapped-out generation: start afresh
                log.debug("searcher refresh failed; opening a new one", exc_info=True)
                pooled.searcher.close()
                pooled = _Pooled(ix.searcher(), generation)
        try:
            yield pooled
        except BaseException:
            pooled.searcher.close()
            raise
        with self._lock:
            if generation == self._ix_generation and len(self._idle) < MAX_IDLE_SEARCHERS:
                self._idle.append(pooled)
                return
        pooled.searcher.close()

    @contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        with self._pooled() as pooled:
            yield pooled.searcher

    # -- writes ------------------------------------------------------------------------
    def index(self, docs: Iterable[IndexedDocument]) -> None:
        docs = list(docs)
        if not docs:
            return
        with self.generations.write_lock():
            ix = self._open()
            writer = ix.writer(timeout=60, delay=0.1, compound=False)
            try:
                for doc in docs:
                    writer.update_document(**_fields(doc))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def remove(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self.generations.write_lock():
            writer = self._open().writer(timeout=60, delay=0.1, compound=False)
            try:
                for doc_id in ids:
                    writer.delete_by_term("id", str(doc_id))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def rebuild(self, docs: Iterable[IndexedDocument]) -> int:
        """Build a fresh generation from ``docs`` and swap it in; returns the count.

        Holding the write lock for the whole rebuild means no update can land in the old
        generation and be lost by the swap; searches meanwhile read the old generation.
        """
        with self.generations.write_lock():
            generation = self._new_generation()
            path = self.generations.path(generation)
            ix = index.open_dir(str(path), indexname=INDEX_NAME)
            writer = ix.writer(timeout=60, delay=0.1, compound=False, limitmb=128)
            count = 0
            try:
                for doc in docs:
                    writer.add_document(**_fields(doc))
                    count += 1
            except BaseException:
                writer.cancel()
                self.generations.discard(generation)
                raise
            writer.commit()
            self.generations.swap(generation)
        return count

    def indexed_ids(self) -> set[int]:
        with self._searcher() as searcher:
            return {int(fields["id"]) for fields in searcher.all_stored_fields()}

    # -- reads -------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResults:
        """Matching, totals and facets work on sets of document numbers: the visibility set
        and each facet value's documents are read once per reader and intersected in C,
        instead of Whoosh running And(text, filter) matchers again for every count."""
        with self._searcher() as searcher:
            text_query = self._parse(query.text, searcher, qparser.AndGroup)
            visible = self._visible_docs(searcher, query.viewer)
            selected = {
                name: self._docs_with_any(searcher, *_filter_field(name, values))
                for name, values in query.filters.items()
                if values and _filter_field(name, values)[0]
            }
            allowed = _intersect(visible, *selected.values())
            matched = self._matching(searcher, text_query)
            fallback = None
            tree = querylang.parse(query.text)
            if text_query is not None:
                # The fallback query is written out again in our syntax: Whoosh's OrGroup
                # would read "a OR NOT b" and bring back what the member excluded.
                def match(other: querylang.Node) -> tuple[wq.Query, frozenset[int]] | None:
                    parsed = self._parse(querylang.to_text(other), searcher)
                    return None if parsed is None else (parsed, self._matching(searcher, parsed))

                tree, (text_query, matched), fallback = flow.fallback(
                    tree, (text_query, matched), match, lambda m: not m[1].isdisjoint(allowed)
                )
            found = allowed & matched  # a set: Whoosh takes sets, not frozensets, as filters
            total = len(found)
            _, offset = page_window(total, query.page, query.per_page)
            hits: list[Hit] = []
            if found:
                newest = query.sort == "newest" or text_query is None
                results = searcher.search(
                    text_query or wq.Every(),
                    limit=offset + query.per_page,
                    filter=found,
                    sortedby="created" if newest else None,
                    reverse=newest,
                )
                wanted = snippets.Marks()
                if text_query is not None:
                    wanted = snippets.marks(querylang.positive_texts(tree))
                hits = [
                    Hit(
                        id=int(hit["id"]),
                        score=float(hit.score or 0.0),
                        snippet=snippets.hit_snippet(
                            hit.get("summary") or "", hit.get("body") or "", wanted
                        ),
                    )
                    for hit in results[offset : offset + query.per_page]
                ]
            facets = self._facets(searcher, matched & visible, selected, query.field_facets)
            suggestion = None
            if text_query is not None:
                filters = _and([_visibility(query.viewer), *self._filter_queries(query)])
                suggestion = self._suggest(searcher, query.text, query.viewer, filters)
            return flow.results(query, total, hits, facets, suggestion, fallback)

    @staticmethod
    def _filter_queries(query: SearchQuery) -> list[wq.Query]:
        return [
            _any_of(*_filter_field(name, values))
            for name, values in query.filters.items()
            if values and _filter_field(name, values)[0]
        ]

    @staticmethod
    def _matching(searcher: Searcher, text_query: wq.Query | None) -> frozenset[int]:
        if text_query is None:
            return _cached(searcher, "all", lambda: frozenset(searcher.reader().all_doc_ids()))
        return _docset(searcher, text_query)

    def _docs_with_any(self, searcher: Searcher, field: str, values: tuple[str, ...]) -> set[int]:
        postings = dict(self._value_postings(searcher, field))
        out: set[int] = set()
        for value in values:
            out.update(postings.get(value, ()))
        return out

    def _parse(
        self, text: str, searcher: Searcher, group: type = qparser.AndGroup
    ) -> wq.Query | None:
        text = (text or "").strip()
        if not text:
            return None
        parser = _cached(searcher, ("parser", group), lambda: _parser(searcher.schema, group))
        try:
            parsed = parser.parse(text)
        except Exception:  # user text is never allowed to break a search
            log.debug("query %r did not parse; searching its words", text, exc_info=True)
            parsed = None
        if parsed is None or parsed is wq.NullQuery:
            parsed = _plain_words(text, parser)
        return parsed

    def _facets(
        self,
        searcher: Searcher,
        visible_matches: frozenset[int],
        selected: dict[str, set[int]],
        field_facets: tuple[str, ...] = (),
    ) -> dict[str, dict[str, int]]:
        """Disjunctive facet counts: each facet is counted with every filter but its own.

        That way the count next to a value is the number of results the user gets when
        adding that value (values of one facet combine with OR, facets with AND).
        """
        counts: dict[str, dict[str, int]] = {}
        for name in (*FACETS, *field_facets):
            docnums = _intersect(visible_matches, *(v for n, v in selected.items() if n != name))
            values: dict[str, int] = {}
            if docnums:
                if name.startswith(FIELD_PREFIX):
                    prefix = name[len(FIELD_PREFIX) :] + "="
                    postings_list = [
                        (value[len(prefix) :], postings)
                        for value, postings in self._value_postings(searcher, "field_values")
                        if value.startswith(prefix)
                    ]
                else:
                    postings_list = self._value_postings(searcher, FIELD_FOR_FILTER[name])
                for value, postings in postings_list:
                    count = len(postings & docnums)
                    if count:
                        values[value] = count
            counts[name] = dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
        return counts

    @staticmethod
    def _value_postings(searcher: Searcher, field: str) -> list[tuple[str, frozenset[int]]]:
        """Each value of a facet field with its documents, read once per reader."""

        def compute() -> list[tuple[str, frozenset[int]]]:
            reader = searcher.reader()
            out = []
            for term in reader.lexicon(field):
                value = term.decode("utf-8")
                if value:
                    out.append((value, frozenset(reader.postings(field, term).all_ids())))
            return out

        return _cached(searcher, ("values", field), compute)

    @staticmethod
    def _visible_docs(searcher: Searcher, viewer: Viewer) -> frozenset[int]:
        return _cached(
            searcher,
            ("visible", viewer.sees_members_only),
            lambda: frozenset(searcher.docs_for_query(_visibility(viewer))),
        )

    def _visible_frequency(
        self, searcher: Searcher, field: str, word: str, viewer: Viewer, limit: int = 1_000
    ) -> int:
        """Documents the viewer may see that hold ``word`` (counted up to ``limit``)."""
        reader = searcher.reader()
        if (field, word) not in reader:
            return 0
        visible = self._visible_docs(searcher, viewer)
        count = 0
        for docnum in reader.postings(field, word).all_ids():
            if docnum in visible:
                count += 1
                if count >= limit:
                    break
        return count

    # -- did you mean --------------------------------------------------------------------
    def _suggest(
        self, searcher: Searcher, text: str, viewer: Viewer, filters: wq.Query
    ) -> str | None:
        """A corrected query (``flow.suggest``) from words in documents this viewer may see,
        that finds documents under ``filters``."""

        def finds(tree: querylang.Node) -> bool:
            check = self._parse(querylang.to_text(tree), searcher)
            return check is not None and _finds_any(searcher, _and([check, filters]))

        return flow.suggest(
            text,
            lambda word: self._known(searcher, word, viewer),
            lambda word: self._correction(searcher, word, viewer),
            finds,
        )

    def _known(self, searcher: Searcher, word: WordTerms, viewer: Viewer) -> bool:
        """The word, or the term of the whole word, is in a document the viewer may see.

        The whole word's term, not its parts: a compound part of a misspelled word ("mantel"
        in "mantelzorgr") must not make it look known.
        """
        exact = word.exact
        if any(self._visible_frequency(searcher, f, exact, viewer, 1) for f in EXACT_FIELDS):
            return True
        return any(self._visible_frequency(searcher, f, word.stem, viewer, 1) for f in TEXT_FIELDS)

    def _correction(self, searcher: Searcher, word: str, viewer: Viewer) -> str | None:
        """The closest visible word (edit distance 1, else 2), the most frequent on a tie."""
        reader = searcher.reader()
        for maxdist in (1, 2) if len(word) >= 6 else (1,):
            best: tuple[int, str] | None = None
            for field in EXACT_FIELDS:
                for candidate in _terms_within(reader, field, word, maxdist):
                    if candidate == word or not candidate.isalpha():
                        continue
                    frequency = sum(
                        self._visible_frequency(searcher, f, candidate, viewer)
                        for f in EXACT_FIELDS
                    )
                    if frequency and (best is None or (frequency, candidate) > best):
                        best = (frequency, candidate)
            if best is not None:
                return best[1]
        return None

    # -- more like this ------------------------------------------------------------------
    def more_like(self, doc_id: int, viewer: Viewer, limit: int = 5) -> list[int]:
        """Ids of documents sharing the key terms of ``doc_id``, visible to ``viewer``."""
        with self._searcher() as searcher:
            docnum = searcher.document_number(id=str(doc_id))
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            text = "\n".join(stored.get(name) or "" for name in ("title", "summary", "body"))[
                :MORE_LIKE_TEXT_CHARS
            ]
            if not text.strip():
                return []
            results = searcher.more_like(
                docnum,
                "body",
                text=text,
                top=limit + 1,
                numterms=MORE_LIKE_TERMS,
                filter=set(self._visible_docs(searcher, viewer)),
            )
            ids = [int(hit["id"]) for hit in results]
        return [i for i in ids if i != doc_id][:limit]

    # -- autocomplete --------------------------------------------------------------------
    def complete(self, prefix: str, viewer: Viewer, limit: int = 8) -> Completions:
        """``flow.complete`` on this index."""

        def titles(searcher: Searcher, typed: flow.Typed) -> list[int]:
            words = [wq.Term("title_exact", w) for w in typed.before]
            title_query = _and([*words, wq.Prefix("title_exact", typed.last)])
            # As sets (a short prefix expands to thousands of words), newest first.
            reader = searcher.reader()
            matches = _docset(searcher, title_query.simplify(reader))
            docnums = matches & self._visible_docs(searcher, viewer)
            created = reader.column_reader("created")
            newest = sorted(docnums, key=lambda d: created[d], reverse=True)[:limit]
            return [int(searcher.stored_fields(d)["id"]) for d in newest]

        with self._searcher() as searcher:
            return flow.complete(
                prefix,
                lambda typed: titles(searcher, typed),
                lambda last: self._frequent_terms(searcher, last, viewer, limit),
            )

    def _frequent_terms(
        self, searcher: Searcher, prefix: str, viewer: Viewer, limit: int
    ) -> list[str]:
        reader = searcher.reader()
        frequency: dict[str, int] = {}
        for field in EXACT_FIELDS:
            for n, (term, info) in enumerate(reader.iter_prefix(field, prefix)):
                if n >= MAX_PREFIX_TERMS:
                    break
                word = term.decode("utf-8") if isinstance(term, bytes) else term
                frequency[word] = frequency.get(word, 0) + info.doc_frequency()
        return flow.frequent_completions(
            frequency,
            prefix,
            lambda word: any(
                self._visible_frequency(searcher, f, word, viewer, 1) for f in EXACT_FIELDS
            ),
            limit,
        )


def _filter_field(name: str, values: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The index field and terms behind a filter name; ("", ()) for an unknown name."""
    kind, terms = filter_target(name, values)
    if kind == "field":
        return "field_values", terms
    return FIELD_FOR_FILTER.get(kind, ""), terms


def _fields(doc: IndexedDocument) -> dict[str, object]:
    return {
        "fields_text": " ".join(value for _key, value in doc.fields),
        "field_values": ",".join(f"{key}={field_value_slug(value)}" for key, value in doc.fields),
        "id": str(doc.id),
        "title": doc.title,
        "summary": doc.summary,
        "body": doc.body,
        "title_exact": doc.title,
        "body_exact": f"{doc.summary}\n{doc.body}",
        "theme_names": " ".join(doc.theme_names),
        "type_name": doc.type_name,
        "organisation_name": doc.organisation_name,
        "themes": ",".join(doc.themes),
        "type": doc.type,
        "organisation": doc.organisation,
        "region": doc.region,
        "year": str(doc.year) if doc.year else "",
        "visibility": doc.visibility,
        "status": doc.status,
        "created": doc.created,
    }


class StackedPhrasePlugin(qparser.PhrasePlugin):
    """Whoosh's phrase syntax, but one word per position: a compound, not its parts too.

    The Dutch analyzer stacks a compound's parts on the compound's own position; Whoosh's
    phrase node would read each of them as the next word, and no phrase holding a compound
    would ever match.
    """

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        def query(self, parser: qparser.QueryParser):  # type: ignore[no-untyped-def]
            fieldname = self.fieldname or parser.fieldname
            words: list[str] = []
            char_ranges: list[tuple[int, int]] = []
            last_pos = None
            tokens = parser.schema[fieldname].tokenize(
                self.text, mode="query", chars=True, positions=True
            )
            for t in tokens:
                if t.pos != last_pos:
                    last_pos = t.pos
                    words.append(t.text)
                    start = self.textstartchar
                    char_ranges.append((start + t.startchar, start + t.endchar))
            query = parser.phraseclass(
                fieldname, words, slop=self.slop, boost=self.boost, char_ranges=char_ranges
            )
            return qparser.attach(query, self)

    class PhraseTagger(qparser.PhrasePlugin.PhraseTagger):
        def create(self, parser: qparser.QueryParser, match):  # type: ignore[no-untyped-def]
            node = super().create(parser, match)
            return StackedPhrasePlugin.PhraseNode(node.text, node.textstartchar, node.slop)


class CompoundAwareParser(qparser.QueryParser):
    """A compound in the query matches the compound itself, or all of its parts.

    So "buurtinitiatief" also finds "initiatief in de buurt", ranked below documents with the
    compound itself (those match both sides of the Or).
    """

    def term_query(  # type: ignore[no-untyped-def]
        self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True
    ):
        if not (self.schema and fieldname in self.schema and tokenize):
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        field = self.schema[fieldname]
        if field.self_parsing():
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        tokens = [
            (t.pos, t.text)
            for t in field.tokenize(text, mode="query", positions=True, removestops=removestops)
        ]
        if len(tokens) < 2 or len({pos for pos, _ in tokens}) != 1:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        whole, *parts = list(dict.fromkeys(word for _, word in tokens))
        # Sub-compounds of long words are left out: the leaves carry the meaning.
        leaves = [p for p in parts if not any(q != p and q in p for q in parts)] or parts
        if not leaves:
            return termclass(fieldname, whole, boost=boost)
        return wq.Or(
            [
                termclass(fieldname, whole, boost=boost),
                wq.And([termclass(fieldname, leaf, boost=boost) for leaf in leaves]),
            ]
        )


def _parser(schema: Schema, group: type = qparser.AndGroup) -> qparser.QueryParser:
    parser = CompoundAwareParser(None, schema, group=group)
    parser.add_plugin(
        qparser.MultifieldPlugin([*TEXT_FIELDS, *EXACT_FIELDS], fieldboosts=EXACT_BOOSTS)
    )
    # Users type words and phrases; field names, wildcards, ranges and boosts in their
    # text would expose the engine's syntax (and members-only fields) to them.
    for plugin in (
        qparser.FieldsPlugin,
        qparser.WildcardPlugin,
        qparser.RangePlugin,
        qparser.BoostPlugin,
        qparser.PhrasePlugin,
    ):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(StackedPhrasePlugin())
    return parser


def _plain_words(text: str, parser: qparser.QueryParser) -> wq.Query | None:
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        return None
    try:
        parsed = parser.parse(" ".join(words))
    except Exception:
        return None
    return None if parsed is wq.NullQuery else parsed


def _terms_within(reader, field: str, word: str, maxdist: int) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Index words within ``maxdist`` edits sharing the first letter.

    Per segment, with one automaton for all segments and fields: the multi-segment reader's
    own ``terms_within`` computes the distance to every word with that first letter instead.
    """
    dfa = _levenshtein_dfa(word, maxdist)
    seen: set[str] = set()
    for leaf, _offset in reader.leaf_readers():
        if field not in leaf.indexed_field_names():
            continue
        for candidate in Automata.find_matches(dfa, leaf.cursor(field)):
            if candidate not in seen:
                seen.add(candidate)
                yield candidate


@functools.lru_cache(maxsize=512)
def _levenshtein_dfa(word: str, maxdist: int):  # type: ignore[no-untyped-def]
    return levenshtein_automaton(word, maxdist, prefix=1).to_dfa()


def _finds_any(searcher: Searcher, q: wq.Query) -> bool:
    return next(iter(searcher.docs_for_query(q)), None) is not None


def _visibility_filter(query: SearchQuery) -> wq.Query:
    return _visibility(query.viewer)


def _visibility(viewer: Viewer) -> wq.Query:
    if viewer.sees_members_only:
        return wq.Or([wq.Term("visibility", "public"), wq.Term("visibility", "members")])
    return wq.Term("visibility", "public")


def _docset(searcher: Searcher, q: wq.Query) -> frozenset[int]:
    """The documents matching ``q``, from postings as sets for the word queries the parser
    builds (And/Or of Terms); anything else (phrases) through Whoosh's matchers. May include
    deleted documents: callers intersect with the visibility set, which never does."""
    if isinstance(q, wq.Term):
        reader = searcher.reader()
        if (q.fieldname, q.text) not in reader:
            return frozenset()
        return frozenset(reader.postings(q.fieldname, q.text).all_ids())
    if type(q) is wq.Or:
        return frozenset().union(*(_docset(searcher, sub) for sub in q.subqueries))
    if type(q) is wq.And:
        parts = sorted((_docset(searcher, sub) for sub in q.subqueries), key=len)
        return frozenset(parts[0].intersection(*parts[1:])) if parts else frozenset()
    return frozenset(searcher.docs_for_query(q))


def _intersect(first: frozenset[int] | set[int], *others: frozenset[int] | set[int]) -> set[int]:
    result = set(first)
    for other in sorted(others, key=len):
        result &= other
    return result


def _any_of(field: str, values: tuple[str, ...]) -> wq.Query:
    terms = [wq.Term(field, v) for v in dict.fromkeys(values)]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _and(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.And(queries)
