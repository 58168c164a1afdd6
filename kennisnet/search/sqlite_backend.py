"""The SQLite FTS5 backend: Kennisnet's Dutch analysis in Python, matching and BM25 in C.

Each generation (see ``generations``) is one SQLite file, ``search.sqlite``, apart from the
application database: it can be rebuilt from that database at any time, and works the same
whether the application runs on SQLite or PostgreSQL.

Text is analysed before it reaches FTS5 (``analysis``): FTS5 only splits the space-separated terms
we hand it. The ``fts`` table has one column per role:

- ``title``, ``summary``, ``body``, ``meta`` (theme, type and organisation names, field values):
  stems in word order, stop words out, so phrases match word forms in order;
- ``parts``: the terms of the parts of every compound in the document but its title, a bag,
  weighted down; ``title_parts`` those of the title, weighted as the title;
- ``title_exact``, ``summary_exact``, ``body_exact``: the folded words as written, which rank
  exact forms higher
  and serve prefix matches and spelling suggestions;
- ``tags``: one opaque term per visibility and filter value, weight 0, so the ranked page query
  is filtered inside FTS5 (``ORDER BY bm25 LIMIT``) and never ranks what it cannot show.

Totals and disjunctive facet counts are set operations on boolean masks by document id
(``docsets``): the documents matching the text (one FTS5 scan), those visible to the viewer and
those of each facet value (read once per index version and cached).
"""

from __future__ import annotations

import heapq
import json
import logging
import math
import os
import sqlite3
import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from kennisnet.search import flow, querylang, snippets
from kennisnet.search.analysis import (
    ANALYSIS_VERSION,
    WordTerms,
    analyse,
)
from kennisnet.search.base import (
    Completions,
    Hit,
    IndexedDocument,
    SearchQuery,
    SearchResults,
    Viewer,
    field_value_slug,
    page_window,
)
from kennisnet.search.docsets import (
    MAX_PATCHED_VERSIONS,
    Changes,
    Mask,
    Reader,
    Snapshot,
    carried_forward,
    keep_newest,
    newest,
)
from kennisnet.search.fts_query import (
    COLUMNS,
    EXACT_COLUMNS,
    PHRASE_COLUMNS,
    WEIGHTS,
    compile_query,
    conjunction,
    filter_expression,
    filter_terms,
    quote,
    tag,
    visibility_expression,
)
from kennisnet.search.generations import Generations
from kennisnet.search.querylang import Node

log = logging.getLogger(__name__)

# Bump when the tables or the way text becomes terms change: a different version means rebuild.
# 3: compound parts of the title in a column of their own (ranked as the title).
SCHEMA_VERSION = f"fts5-3.{ANALYSIS_VERSION}"
DB_NAME = "search.sqlite"
BATCH = 500  # documents per transaction in a rebuild
MORE_LIKE_WORDS = 1_500  # key terms from the title, summary and the start of the body
MORE_LIKE_CANDIDATES = 60
MORE_LIKE_TERMS = 12
MAX_PREFIX_TERMS = 2_000  # index words looked at for one autocomplete prefix

# Explicit weights rather than ORDER BY rank with a configured rank function: a fifth faster.
RANKED = (  # constants only
    f"SELECT rowid, bm25(fts, {', '.join(map(str, WEIGHTS))}) AS score FROM fts"  # noqa: S608
    " WHERE fts MATCH ? ORDER BY score LIMIT ? OFFSET ?"
)
_INSERT_FTS = (  # constants only
    f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})"  # noqa: S608
)
_DDL = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL,"
    " body TEXT NOT NULL, visibility TEXT NOT NULL, status TEXT NOT NULL, created REAL NOT NULL)",
    "CREATE TABLE doc_values (doc_id INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL)",
    "CREATE INDEX doc_values_doc ON doc_values (doc_id)",
    f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(COLUMNS)},"
    " tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE vocab_col USING fts5vocab(fts, 'col')",
    "CREATE VIRTUAL TABLE vocab_row USING fts5vocab(fts, 'row')",
    "INSERT INTO meta (key, value) VALUES ('version', '0')",
)
# Which documents each version wrote, so readers patch their snapshot (docsets); made on the
# first write where a generation from before it lacks the table: no rebuild needed.
_CHANGES = (
    "CREATE TABLE IF NOT EXISTS changes (version INTEGER NOT NULL, doc_id INTEGER NOT NULL,"
    " PRIMARY KEY (version, doc_id))"
)


def _values(doc: IndexedDocument) -> list[tuple[str, str]]:
    values = [("theme", slug) for slug in dict.fromkeys(doc.themes)]
    values += [("type", doc.type), ("organisation", doc.organisation), ("region", doc.region)]
    values.append(("year", str(doc.year) if doc.year else ""))
    values += [("field", f"{key}={field_value_slug(value)}") for key, value in doc.fields]
    return [(facet, value) for facet, value in dict.fromkeys(values) if value]


@dataclass(frozen=True)
class _Row:
    doc: IndexedDocument
    columns: tuple[str, ...]
    values: list[tuple[str, str]]


def _row(doc: IndexedDocument) -> _Row:
    meta_text = [*doc.theme_names, doc.type_name, doc.organisation_name]
    meta_text += [value for _key, value in doc.fields]
    title, title_exact, title_parts = analyse([doc.title])
    summary, summary_exact, summary_parts = analyse([doc.summary])
    body, body_exact, body_parts = doc.body_terms or analyse([doc.body])
    meta, _meta_exact, meta_parts = analyse(meta_text)
    parts = " ".join(p for p in (summary_parts, body_parts, meta_parts) if p)
    values = _values(doc)
    tags = " ".join([tag("vis", doc.visibility), *(tag(f, v) for f, v in values)])
    columns = (
        title,
        summary,
        body,
        meta,
        parts,
        title_parts,
        title_exact,
        summary_exact,
        body_exact,
        tags,
    )
    return _Row(doc, columns, values)


def _checkpoint(generation: Path) -> None:
    """Fold the write-ahead log into the file, so copying the file copies everything."""
    conn = _connect(generation / DB_NAME)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _connect(path: Path, create: bool = False) -> sqlite3.Connection:
    # Never create a file by opening it: a generation without one (another engine's, a
    # half-deleted one) must fail loudly, so the start-up check rebuilds it.
    uri = f"{path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=60)
    conn.execute("PRAGMA busy_timeout = 60000")
    conn.execute("PRAGMA mmap_size = 1073741824")
    return conn


class SqliteBackend:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.generations = Generations(self.directory)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._snapshots: dict[tuple[str, str], Snapshot] = {}
        self._open: list[sqlite3.Connection] = []
        weakref.finalize(self, _close_all, self._open)

    def close(self) -> None:
        with self._lock:
            conns = list(self._open)
            self._open.clear()
        _close_all(conns)
        self._local = threading.local()

    # -- generations -----------------------------------------------------------------------
    def schema_version(self) -> str | None:
        return self.generations.version()

    def snapshot(self, dest: Path) -> str | None:
        return self.generations.snapshot(dest, prepare=_checkpoint)

    def needs_rebuild(self) -> bool:
        """True when the index is missing, unreadable or built with another schema."""
        if self.schema_version() != SCHEMA_VERSION:
            return True
        try:
            with self._reader() as reader:
                reader.conn.execute("SELECT count(*) FROM docs").fetchone()
                reader.conn.execute("SELECT count(*) FROM fts WHERE fts MATCH 'x'").fetchone()
        except Exception:  # any engine error means the index cannot be trusted
            log.exception("search index cannot be opened")
            return True
        return False

    def _db(self, generation: str) -> Path:
        return self.generations.path(generation) / DB_NAME

    def _create(self) -> str:
        generation = self.generations.new(SCHEMA_VERSION)
        conn = _connect(self._db(generation), create=True)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN")
            for statement in _DDL:
                conn.execute(statement)
            conn.execute("COMMIT")
        finally:
            conn.close()
        return generation

    def _current(self) -> str:
        generation = self.generations.current()
        if generation is None:
            with self.generations.write_lock():
                generation = self.generations.current()
                if generation is None:
                    generation = self._create()
                    self.generations.set_current(generation)
        return generation

    @contextmanager
    def _reader(self) -> Iterator[Reader]:
        current = self._current()
        # The file, not just its folder's name: a wiped index directory starts again at gen-1,
        # and a connection to the old gen-1 would go on reading a deleted file.
        generation = f"{current}:{os.stat(self._db(current)).st_ino}"
        held = getattr(self._local, "conn", None)
        if held is None or held[0] != generation:
            # This thread's connection to an older generation (a rebuild swapped it out).
            if held is not None:
                with self._lock:
                    if held[1] in self._open:
                        self._open.remove(held[1])
                held[1].close()
            conn = _connect(self._db(current))
            conn.execute("PRAGMA query_only = 1")
            self._local.conn = held = (generation, conn)
            with self._lock:
                self._open.append(conn)
        conn = held[1]
        # One read transaction per search: every query in it sees the same version.
        conn.execute("BEGIN")
        try:
            version = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0]
            yield Reader(conn, self._snapshot(conn, (generation, version)))
        finally:
            conn.execute("COMMIT")

    def _snapshot(self, conn: sqlite3.Connection, key: tuple[str, str]) -> Snapshot:
        current = next(iter(self._snapshots.values()), None)
        if current is not None and current.key != key:
            # Only the documents written since: see docsets.carried_forward.
            changes = _changes_since(conn, current.key, key)
            if changes is not None:
                patched = carried_forward(current, key, changes)
                with self._lock:
                    self._snapshots = {key: patched}
                    return patched
        # Older versions are dropped: a search in flight keeps its own reference.
        return keep_newest(self._lock, self._snapshots, key)

    # -- writes ----------------------------------------------------------------------------
    @contextmanager
    def _writer(self, generation: str, ids: list[int]) -> Iterator[sqlite3.Connection]:
        conn = _connect(self._db(generation))
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                (version,) = conn.execute(
                    "UPDATE meta SET value = value + 1 WHERE key = 'version' RETURNING value"
                ).fetchone()
                conn.execute(_CHANGES)
                conn.executemany(
                    "INSERT INTO changes (version, doc_id) VALUES (?, ?)",
                    [(int(version), doc_id) for doc_id in sorted(set(ids))],
                )
                conn.execute(
                    "DELETE FROM changes WHERE version <= ?",
                    (int(version) - MAX_PATCHED_VERSIONS,),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def index(self, docs: Iterable[IndexedDocument]) -> None:
        # The last version of a document given twice wins; analysis happens outside the lock.
        rows = list({doc.id: _row(doc) for doc in docs}.values())
        if not rows:
            return
        ids = [row.doc.id for row in rows]
        with self.generations.write_lock(), self._writer(self._current(), ids) as conn:
            _delete(conn, ids)
            _insert(conn, rows)

    def remove(self, ids: Iterable[int]) -> None:
        ids = [int(i) for i in ids]
        if not ids:
            return
        with self.generations.write_lock(), self._writer(self._current(), ids) as conn:
            _delete(conn, ids)

    def rebuild(self, docs: Iterable[IndexedDocument]) -> int:
        """Build a fresh generation from ``docs`` and swap it in; returns the count.

        Holding the write lock for the whole rebuild means no update can land in the old
        generation and be lost by the swap; searches meanwhile read the old generation.
        """
        with self.generations.write_lock():
            generation = self._create()
            count = 0
            try:
                conn = _connect(self._db(generation))
                try:
                    # Not live until the swap: a crash loses nothing but this generation.
                    conn.execute("PRAGMA synchronous = OFF")
                    batch: list[_Row] = []
                    for doc in docs:
                        batch.append(_row(doc))
                        count += 1
                        if len(batch) >= BATCH:
                            _insert_batch(conn, batch)
                            batch = []
                    _insert_batch(conn, batch)
                    conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
                    # On disk for good before it goes live: the old generation is deleted next.
                    conn.execute("PRAGMA synchronous = FULL")
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    conn.close()
            except BaseException:
                self.generations.discard(generation)
                raise
            self.generations.swap(generation)
        return count

    def indexed_ids(self) -> set[int]:
        with self._reader() as reader:
            return {row[0] for row in reader.conn.execute("SELECT id FROM docs")}

    # -- reads -----------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResults:
        tree = querylang.parse(query.text)
        with self._reader() as reader:
            visible = reader.visible(query.viewer)
            selected = reader.filter_masks(filter_terms(query))
            allowed = visible
            for mask in selected.values():
                allowed = allowed & mask
            expression = compile_query(tree)
            matched = reader.matching(expression)
            if expression is None and (negative := compile_query(querylang.excluded(tree), "or")):
                # Nothing to look for but words to leave out: every document without them.
                matched = matched & ~reader.matching(negative)
            fallback = None
            if expression is not None:

                def match(other: Node) -> tuple[str, Mask] | None:
                    compiled = compile_query(other)
                    return None if compiled is None else (compiled, reader.matching(compiled))

                tree, (expression, matched), fallback = flow.fallback(
                    tree, (expression, matched), match, lambda m: bool((m[1] & allowed).any())
                )
            found = allowed & matched
            total = int(found.sum())
            _, offset = page_window(total, query.page, query.per_page)
            page: list[tuple[int, float]] = []
            if total:
                if expression is None or query.sort == "newest":
                    ids = newest(found, reader.created(), offset + query.per_page)
                    page = [(doc_id, 0.0) for doc_id in ids[offset:]]
                else:
                    boosted = compile_query(tree, boosted=True) or expression
                    ranked = conjunction(boosted, filter_expression(query))
                    page = reader.ranked(RANKED, ranked, query.per_page, offset)
            hits = self._hits(reader, page, tree if expression is not None else None)
            facets = reader.facet_counts(matched & visible, selected, query.field_facets)
            suggestion = None
            if expression is not None:
                suggestion = self._suggest(reader, query.text, query)
        return flow.results(query, total, hits, facets, suggestion, fallback)

    @staticmethod
    def _hits(reader: Reader, page: list[tuple[int, float]], tree: Node | None) -> list[Hit]:
        if not page:
            return []
        ids = [doc_id for doc_id, _score in page]
        stored = {
            row[0]: row[1:]
            for row in reader.conn.execute(
                "SELECT id, summary, body FROM docs WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            )
        }
        found = snippets.marks(querylang.positive_texts(tree))
        hits = []
        for doc_id, score in page:
            summary, body = stored.get(doc_id, ("", ""))
            hits.append(Hit(doc_id, score, snippets.hit_snippet(summary, body, found)))
        return hits

    # -- did you mean ----------------------------------------------------------------------
    def _suggest(self, reader: Reader, text: str, query: SearchQuery) -> str | None:
        """A corrected query (``flow.suggest``) from words in documents this viewer may see,
        that finds documents under the query's filters."""
        visibility = visibility_expression(query.viewer)
        filters = filter_expression(query)

        def finds(tree: Node) -> bool:
            check = compile_query(tree)
            return check is not None and reader.any(conjunction(check, filters))

        return flow.suggest(
            text,
            lambda word: self._known(reader, word, visibility),
            lambda word: self._correction(reader, word, visibility),
            finds,
        )

    @staticmethod
    def _known(reader: Reader, word: WordTerms, visibility: str | None) -> bool:
        """The word, or the stem of the whole word, is in a document the viewer may see.

        The whole word's stem, not its parts: a compound part of a misspelled word ("mantel"
        in "mantelzorgr") must not make it look known.
        """
        expression = (
            f"({EXACT_COLUMNS}: {quote(word.exact)} OR {PHRASE_COLUMNS}: {quote(word.stem)})"
        )
        return reader.any(conjunction(expression, visibility))

    @staticmethod
    def _correction(reader: Reader, word: str, visibility: str | None) -> str | None:
        """The closest visible word (edit distance 1, else 2), the most frequent on a tie.

        Frequency counts only documents this viewer may see, so which correction is offered
        says nothing about members-only documents.
        """
        terms = _exact_terms(reader, word[0])
        for maxdist in (1, 2) if len(word) >= 6 else (1,):
            close = [
                term
                for term, _distance, _index in process.extract(
                    word, terms, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
                )
                if term != word
            ]
            counted = [(_visible_count(reader, term, visibility), term) for term in close]
            # The most frequent; on a tie the first in alphabetical order.
            ranked = sorted((c for c in counted if c[0]), key=lambda c: (-c[0], c[1]))
            if ranked:
                return ranked[0][1]
        return None

    # -- more like this --------------------------------------------------------------------
    def more_like(self, doc_id: int, viewer: Viewer, limit: int = 5) -> list[int]:
        """Ids of documents sharing the key terms of ``doc_id``, visible to ``viewer``."""
        with self._reader() as reader:
            row = reader.conn.execute(
                "SELECT title, summary, body FROM fts WHERE rowid = ?", (doc_id,)
            ).fetchone()
            if row is None:
                return []
            tokens = " ".join(row).split()[:MORE_LIKE_WORDS]
            counts = Counter(t for t in tokens if len(t) > 2 and t.isalpha())
            total = int(reader.all().sum()) or 1
            scored = []
            for term, tf in counts.most_common(MORE_LIKE_CANDIDATES):
                df = reader.conn.execute(
                    "SELECT doc FROM vocab_row WHERE term = ?", (term,)
                ).fetchone()
                if df and df[0] > 1:  # a word only this document has finds nothing else
                    scored.append((tf * math.log(1 + total / df[0]), term))
            key_terms = [term for _score, term in sorted(scored, reverse=True)[:MORE_LIKE_TERMS]]
            if not key_terms:
                return []
            options = " OR ".join(f"{PHRASE_COLUMNS}: {quote(t)}" for t in key_terms)
            expression = conjunction(f"({options})", visibility_expression(viewer))
            ids = [i for i, _score in reader.ranked(RANKED, expression, limit + 1, 0)]
        return [i for i in ids if i != doc_id][:limit]

    # -- autocomplete ----------------------------------------------------------------------
    def complete(self, prefix: str, viewer: Viewer, limit: int = 8) -> Completions:
        """``flow.complete`` on this index."""
        visibility = visibility_expression(viewer)

        def titles(reader: Reader, typed: flow.Typed) -> list[int]:
            title = [f"{{title_exact}}: {quote(w)}" for w in typed.before]
            title.append(f"{{title_exact}}: {quote(typed.last)} *")
            matches = reader.ids(conjunction(title[0], *title[1:], visibility))
            created = reader.created()
            return heapq.nlargest(limit, matches, key=lambda i: created[i])

        with self._reader() as reader:
            return flow.complete(
                prefix,
                lambda typed: titles(reader, typed),
                lambda last: self._frequent_terms(reader, last, visibility, limit),
            )

    @staticmethod
    def _frequent_terms(
        reader: Reader, prefix: str, visibility: str | None, limit: int
    ) -> list[str]:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = reader.conn.execute(
            "SELECT term, doc FROM vocab_col WHERE term >= ? AND term < ?"
            " AND col IN ('title_exact', 'summary_exact', 'body_exact') LIMIT ?",
            (prefix, upper, MAX_PREFIX_TERMS),
        )
        frequency: Counter[str] = Counter()
        for term, docs in rows:
            frequency[term] += docs
        return flow.frequent_completions(
            frequency,
            prefix,
            lambda term: reader.any(conjunction(f"{EXACT_COLUMNS}: {quote(term)}", visibility)),
            limit,
        )


def _exact_terms(reader: Reader, letter: str) -> list[str]:
    """The index's words as written that start with ``letter``, read once per index version."""

    def compute() -> list[str]:
        rows = reader.conn.execute(
            "SELECT DISTINCT term FROM vocab_col WHERE term >= ? AND term < ?"
            " AND col IN ('title_exact', 'summary_exact', 'body_exact')",
            (letter, chr(ord(letter) + 1)),
        )
        return [term for (term,) in rows if term.isalpha()]

    return reader.snapshot.get(("terms", letter), compute)


def _visible_count(reader: Reader, term: str, visibility: str | None, cap: int = 1_000) -> int:
    expression = conjunction(f"{EXACT_COLUMNS}: {quote(term)}", visibility)
    return len(reader.ids(expression, cap))


def _delete(conn: sqlite3.Connection, ids: list[int]) -> None:
    listed = (json.dumps(ids),)
    conn.execute("DELETE FROM fts WHERE rowid IN (SELECT value FROM json_each(?))", listed)
    conn.execute("DELETE FROM docs WHERE id IN (SELECT value FROM json_each(?))", listed)
    conn.execute("DELETE FROM doc_values WHERE doc_id IN (SELECT value FROM json_each(?))", listed)


def _insert(conn: sqlite3.Connection, rows: list[_Row]) -> None:
    conn.executemany(
        "INSERT INTO docs (id, title, summary, body, visibility, status, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.doc.id,
                r.doc.title,
                r.doc.summary,
                r.doc.body,
                r.doc.visibility,
                r.doc.status,
                _timestamp(r.doc.created),
            )
            for r in rows
        ],
    )
    conn.executemany(
        _INSERT_FTS,
        [(r.doc.id, *r.columns) for r in rows],
    )
    conn.executemany(
        "INSERT INTO doc_values (doc_id, facet, value) VALUES (?, ?, ?)",
        [(r.doc.id, facet, value) for r in rows for facet, value in r.values],
    )


def _timestamp(moment: datetime) -> float:
    # The database keeps naive UTC; timestamp() would read a naive value as local time.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _insert_batch(conn: sqlite3.Connection, rows: list[_Row]) -> None:
    if not rows:
        return
    conn.execute("BEGIN")
    try:
        _insert(conn, rows)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _close_all(conns: list[sqlite3.Connection]) -> None:
    for conn in conns:
        with suppress(sqlite3.Error):
            conn.close()
    conns.clear()


def _changes_since(
    conn: sqlite3.Connection, old: tuple[str, str], new: tuple[str, str]
) -> Changes | None:
    """What versions after ``old`` up to ``new`` wrote, or None when the snapshot must be
    read whole (another generation, too far behind, the log pruned or not there yet)."""
    if old[0] != new[0] or not (0 < int(new[1]) - int(old[1]) <= MAX_PATCHED_VERSIONS):
        return None
    try:
        rows = conn.execute(
            "SELECT version, doc_id FROM changes WHERE version > ?", (int(old[1]),)
        ).fetchall()
    except sqlite3.OperationalError:  # a generation from before the log, never written since
        return None
    if len({version for version, _doc in rows}) != int(new[1]) - int(old[1]):
        return None  # a version without its rows: pruned, or written by an older release
    listed = json.dumps(sorted({doc_id for _version, doc_id in rows}))
    changed = "(SELECT value FROM json_each(?))"
    present = {
        doc_id: (visibility, created)
        for doc_id, visibility, created in conn.execute(
            f"SELECT id, visibility, created FROM docs WHERE id IN {changed}",  # noqa: S608
            (listed,),
        )
    }
    values = conn.execute(
        f"SELECT doc_id, facet, value FROM doc_values WHERE doc_id IN {changed}",  # noqa: S608
        (listed,),
    ).fetchall()
    return Changes(json.loads(listed), present, [(d, f, v) for d, f, v in values])
