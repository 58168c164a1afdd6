"""The Whoosh backend: the only module that imports whoosh.

Layout under the index directory: one folder per generation (``gen-<n>``) and a ``CURRENT``
file naming the live one. A rebuild writes a new generation and swaps ``CURRENT`` atomically,
so searches keep answering from the old index until the new one is complete. All writes take
an exclusive file lock (``write.lock``), which serialises the worker, the CLI and any other
process that writes.
"""

from __future__ import annotations

import fcntl
import html
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import highlight, index, qparser
from whoosh import query as wq
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.searching import Searcher

from kennisnet.search.analysis import ANALYSIS_VERSION, dutch_analyzer
from kennisnet.search.base import (
    FACETS,
    Hit,
    IndexedDocument,
    SearchQuery,
    SearchResults,
)

log = logging.getLogger(__name__)

# Bump when the schema or the analysis changes: a different version means "rebuild".
SCHEMA_VERSION = f"1.{ANALYSIS_VERSION}"
INDEX_NAME = "kennisnet"
SNIPPET_CHARS = 240
TEXT_FIELDS = ("title", "summary", "body", "theme_names", "type_name", "organisation_name")
FIELD_FOR_FILTER = {
    "theme": "themes",
    "type": "type",
    "organisation": "organisation",
    "year": "year",
    "region": "region",
}


def make_schema() -> Schema:
    dutch = dutch_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=dutch, field_boost=3.0, stored=True),
        summary=TEXT(analyzer=dutch, field_boost=1.5, stored=True, chars=True),
        body=TEXT(analyzer=dutch, stored=True, chars=True),
        theme_names=TEXT(analyzer=dutch, field_boost=2.0),
        type_name=TEXT(analyzer=dutch),
        organisation_name=TEXT(analyzer=dutch),
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


class MarkFormatter(highlight.Formatter):
    """Escapes the document's text and wraps matches in <mark>."""

    between = " … "

    def format_token(self, text: str, token, replace: bool = False) -> str:  # type: ignore[no-untyped-def]
        return f"<mark>{html.escape(highlight.get_text(text, token, replace))}</mark>"

    def _text(self, text: str) -> str:
        return html.escape(text)


class WhooshBackend:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._ix: index.FileIndex | None = None
        self._ix_generation: str | None = None
        self._held = threading.local()

    # -- generations -------------------------------------------------------------------
    @property
    def _current_file(self) -> Path:
        return self.directory / "CURRENT"

    def _read_current(self) -> str | None:
        try:
            return self._current_file.read_text().strip() or None
        except FileNotFoundError:
            return None

    def _write_current(self, generation: str) -> None:
        tmp = self._current_file.with_suffix(".tmp")
        tmp.write_text(generation)
        os.replace(tmp, self._current_file)

    def _version_file(self, generation: str) -> Path:
        return self.directory / generation / "kennisnet-schema.json"

    def schema_version(self) -> str | None:
        generation = self._read_current()
        if generation is None:
            return None
        try:
            return json.loads(self._version_file(generation).read_text())["version"]
        except (FileNotFoundError, ValueError, KeyError):
            return None

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
        self.directory.mkdir(parents=True, exist_ok=True)
        numbers = [
            int(p.name.split("-", 1)[1])
            for p in self.directory.glob("gen-*")
            if p.name.split("-", 1)[1].isdigit()
        ]
        generation = f"gen-{max(numbers, default=0) + 1}"
        path = self.directory / generation
        path.mkdir()
        index.create_in(str(path), make_schema(), indexname=INDEX_NAME)
        self._version_file(generation).write_text(json.dumps({"version": SCHEMA_VERSION}))
        return generation

    def _open(self) -> index.FileIndex:
        generation = self._read_current()
        if generation is None:
            with self._write_lock():
                generation = self._read_current()
                if generation is None:
                    generation = self._new_generation()
                    self._write_current(generation)
        with self._lock:
            if self._ix is None or self._ix_generation != generation:
                self._ix = index.open_dir(str(self.directory / generation), indexname=INDEX_NAME)
                self._ix_generation = generation
            return self._ix

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        # Re-entrant per thread: index() holds the lock and may create the first generation.
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "write.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            self._held.depth = 1
            try:
                yield
            finally:
                self._held.depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        searcher = self._open().searcher()
        try:
            yield searcher
        finally:
            searcher.close()

    # -- writes ------------------------------------------------------------------------
    def index(self, docs: Iterable[IndexedDocument]) -> None:
        docs = list(docs)
        if not docs:
            return
        with self._write_lock():
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
        with self._write_lock():
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
        with self._write_lock():
            generation = self._new_generation()
            path = self.directory / generation
            ix = index.open_dir(str(path), indexname=INDEX_NAME)
            writer = ix.writer(timeout=60, delay=0.1, compound=False, limitmb=128)
            count = 0
            try:
                for doc in docs:
                    writer.add_document(**_fields(doc))
                    count += 1
            except BaseException:
                writer.cancel()
                shutil.rmtree(path, ignore_errors=True)
                raise
            writer.commit()
            old = self._read_current()
            self._write_current(generation)
            if old and old != generation:
                shutil.rmtree(self.directory / old, ignore_errors=True)
            for stale in self.directory.glob("gen-*"):
                if stale.name != generation:
                    shutil.rmtree(stale, ignore_errors=True)
        return count

    def indexed_ids(self) -> set[int]:
        with self._searcher() as searcher:
            return {int(fields["id"]) for fields in searcher.all_stored_fields()}

    # -- reads -------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResults:
        with self._searcher() as searcher:
            text_query = self._parse(query.text, searcher)
            base_filters = _visibility_filter(query)
            facet_filters = {
                name: _any_of(FIELD_FOR_FILTER[name], values)
                for name, values in query.filters.items()
                if values and name in FIELD_FOR_FILTER
            }
            all_filters = _and([base_filters, *facet_filters.values()])
            sortedby = None
            reverse = False
            if query.sort == "newest" or text_query is None:
                sortedby, reverse = "created", True
            effective = text_query or wq.Every()
            page = searcher.search_page(
                effective,
                max(1, query.page),
                pagelen=query.per_page,
                filter=all_filters,
                sortedby=sortedby,
                reverse=reverse,
                terms=text_query is not None,
            )
            page.results.formatter = MarkFormatter()
            page.results.fragmenter = highlight.ContextFragmenter(maxchars=200, surround=60)
            hits = [
                Hit(
                    id=int(hit["id"]),
                    score=float(hit.score or 0.0),
                    snippet=_snippet(hit, text_query is not None),
                )
                for hit in page
            ]
            facets = self._facets(searcher, effective, base_filters, facet_filters)
            return SearchResults(
                total=page.total,
                page=page.pagenum,
                per_page=query.per_page,
                hits=hits,
                facets=facets,
            )

    def _parse(self, text: str, searcher: Searcher) -> wq.Query | None:
        text = (text or "").strip()
        if not text:
            return None
        parser = _parser(searcher.schema)
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
        text_query: wq.Query,
        base_filters: wq.Query,
        facet_filters: dict[str, wq.Query],
    ) -> dict[str, dict[str, int]]:
        """Disjunctive facet counts: each facet is counted with every filter but its own.

        That way the count next to a value is the number of results the user gets when
        adding that value (values of one facet combine with OR, facets with AND).
        """
        reader = searcher.reader()
        result_sets: dict[frozenset[str], set[int]] = {}
        counts: dict[str, dict[str, int]] = {}
        for name in FACETS:
            others = frozenset(n for n in facet_filters if n != name)
            if others not in result_sets:
                filt = _and([base_filters, *(facet_filters[n] for n in others)])
                result_sets[others] = set(searcher.docs_for_query(_and([text_query, filt])))
            docnums = result_sets[others]
            field = FIELD_FOR_FILTER[name]
            values: dict[str, int] = {}
            if docnums:
                for term in reader.lexicon(field):
                    value = term.decode("utf-8")
                    if not value:
                        continue
                    postings = reader.postings(field, term)
                    count = sum(1 for d in postings.all_ids() if d in docnums)
                    if count:
                        values[value] = count
            counts[name] = dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
        return counts


def _fields(doc: IndexedDocument) -> dict[str, object]:
    return {
        "id": str(doc.id),
        "title": doc.title,
        "summary": doc.summary,
        "body": doc.body,
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


def _parser(schema: Schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema, group=qparser.AndGroup)
    # Users type words and phrases; field names, wildcards, ranges and boosts in their
    # text would expose the engine's syntax (and members-only fields) to them.
    for plugin in (
        qparser.FieldsPlugin,
        qparser.WildcardPlugin,
        qparser.RangePlugin,
        qparser.BoostPlugin,
    ):
        parser.remove_plugin_class(plugin)
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


def _visibility_filter(query: SearchQuery) -> wq.Query:
    if query.viewer.sees_members_only:
        return wq.Or([wq.Term("visibility", "public"), wq.Term("visibility", "members")])
    return wq.Term("visibility", "public")


def _any_of(field: str, values: tuple[str, ...]) -> wq.Query:
    terms = [wq.Term(field, v) for v in dict.fromkeys(values)]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _and(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _snippet(hit, highlighted: bool) -> str:  # type: ignore[no-untyped-def]
    if highlighted:
        for field in ("body", "summary"):
            try:
                fragment = hit.highlights(field, top=2)
            except Exception:  # a highlighter hiccup must not lose the result
                log.debug("highlighting failed for %s", hit.get("id"), exc_info=True)
                fragment = ""
            if fragment:
                return fragment
    source = hit.get("summary") or hit.get("body") or ""
    source = " ".join(source.split())
    if len(source) > SNIPPET_CHARS:
        source = source[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(source)
