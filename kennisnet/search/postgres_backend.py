"""The PostgreSQL backend (``KENNISNET_SEARCH_BACKEND=postgres``): the index in the app's database.

Every app server and worker sees the same index, so nothing is kept on a local disk. The index
is derived data in a schema of its own (``kennisnet_search``), made by this backend and never
by Alembic: a schema change is a rebuild, not a migration, and autogenerate never sees it.

- ``passages``: one row per passage (``pg_query.passages``) with the visibility, a flag for
  documents of more than one passage and the ``tsvector`` (GIN index). Matching, ranking
  (``ts_rank``) and visibility all happen in one SQL query on this table.
- ``docs``: the stored text for snippets (made in Python, ``snippets``, for the shown hits
  only), visibility and creation time; ``doc_values``: the (facet, value) pairs.
- ``terms``: every lexeme with its document count, for spelling, autocomplete and "more like
  this"; each candidate is checked against the documents the viewer may see.
- ``meta``: the schema version, the generation (new on every rebuild) and a version counter
  bumped by every write, which keys the per-process caches of visibility and facet pairs.
- ``changes``: the ids each version wrote, so a process patches those caches with the written
  documents only (``docsets.carried_forward``) instead of reading them whole after a write.

A rebuild fills ``kennisnet_search_new`` and renames it in place in one transaction, while
searches keep reading the old schema. Writers take a PostgreSQL advisory lock, so the workers
and the CLI of every host write one at a time. Totals and disjunctive facet counts are set
algebra over the matching ids (``docsets``), exactly as in the SQLite backend.
"""

from __future__ import annotations

import heapq
import logging
import math
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from kennisnet.search import flow, querylang, snippets
from kennisnet.search.analysis import ANALYSIS_VERSION, WordTerms, words
from kennisnet.search.base import (
    Completions,
    Hit,
    IndexedDocument,
    SearchQuery,
    SearchResults,
    Viewer,
    filter_target,
    page_window,
)
from kennisnet.search.docsets import (
    MAX_PATCHED_VERSIONS,
    Changes,
    Facet,
    Mask,
    Reader,
    Snapshot,
    carried_forward,
    keep_newest,
    newest,
)
from kennisnet.search.pg_query import (
    EXACT,
    RANK_WEIGHTS,
    Expr,
    atoms,
    compile_query,
    evaluate,
    lexeme,
    rank_query,
    render,
)
from kennisnet.search.pg_tables import (
    LOCK_TABLES,
    Row,
    changes_ddl,
    copy_batch,
    count_terms,
    ddl,
    delete,
    gin,
    insert,
    row,
)
from kennisnet.search.querylang import Node

log = logging.getLogger(__name__)

# 1: passages with weights A-D and exact forms.
SCHEMA_VERSION = f"pg-1.{ANALYSIS_VERSION}"
SCHEMA = "kennisnet_search"
BUILDING = "kennisnet_search_new"
LOCK_KEY = 0x4B4E5345  # the advisory lock every index writer takes ("KNSE")
BATCH = 500
# Documents given the full score when more match (see _Reader.ranked).
RANK_WINDOW = 400
MORE_LIKE_WORDS = 1_500
MORE_LIKE_CANDIDATES = 60
MORE_LIKE_TERMS = 12
MAX_PREFIX_TERMS = 2_000
_WEIGHTS = "{" + ",".join(map(str, RANK_WEIGHTS)) + "}"
# ts_rank normalisation 1: divided by 1 + log(length), so long documents do not win by size.
_RANK = f"ts_rank('{_WEIGHTS}'::float4[], tsv, %s::tsquery, 1)"


def _kinds(viewer: Viewer) -> list[str]:
    return ["public", "members"] if viewer.sees_members_only else ["public"]


def database_url(config: dict[str, Any] | Any) -> str:
    """The app database's URL, which must be PostgreSQL: the index lives there."""
    url = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if not url.startswith("postgresql"):
        raise ValueError(
            "KENNISNET_SEARCH_BACKEND=postgres keeps the index in the app's database, so "
            "KENNISNET_DATABASE_URL must be a PostgreSQL database (postgresql+psycopg://...), "
            f"not {make_url(url).drivername if url else 'unset'}"
        )
    return url


class _Reader:
    """One REPEATABLE READ transaction on one index version."""

    def __init__(self, cur: psycopg.Cursor[Any], snapshot: Snapshot) -> None:
        self.cur = cur
        self.snapshot = snapshot
        self._seqscan = False  # as _reader sets it

    def rows(self, sql: str, *params: object, scan: bool = False) -> list[tuple[Any, ...]]:
        # Matching must use the GIN index: the planner does not count reading the toasted
        # vectors and would scan the passages, ten times slower, so the transaction starts with
        # sequential scans off. What a snapshot loads whole (facet values, masks: read again
        # after every index write) is a scan of a small table, which that setting makes ten
        # times slower: those pass ``scan=True``. Switched only when needed: a warm snapshot
        # costs no round trip.
        if scan != self._seqscan:
            self.cur.execute(f"SET LOCAL enable_seqscan = {'on' if scan else 'off'}")
            self._seqscan = scan
        self.cur.execute(sql, params or None)
        return self.cur.fetchall()

    def ids(self, sql: str, *params: object, scan: bool = False) -> np.ndarray:
        # One string instead of a row per id: several times faster for a common word.
        sql = f"SELECT string_agg(doc_id::text, ',') FROM ({sql}) m"
        listed = self.rows(sql, *params, scan=scan)[0][0]
        if not listed:
            return np.zeros(0, dtype=np.int64)
        return np.fromstring(listed, dtype=np.int64, sep=",")

    def size(self) -> int:
        return self.snapshot.get(
            "size",
            lambda: (self.rows(f"SELECT max(id) FROM {SCHEMA}.docs", scan=True)[0][0] or 0) + 1,
        )

    def mask(self, ids: np.ndarray) -> Mask:
        out = np.zeros(self.size(), dtype=bool)
        out[ids[ids < len(out)]] = True
        return out

    def all(self) -> Mask:
        return self.snapshot.get(
            "all",
            lambda: self.mask(self.ids(f"SELECT id AS doc_id FROM {SCHEMA}.docs", scan=True)),
        )

    def visible(self, viewer: Viewer) -> Mask:
        kinds = _kinds(viewer)

        def compute() -> Mask:
            sql = f"SELECT id AS doc_id FROM {SCHEMA}.docs WHERE visibility = ANY(%s)"
            return self.mask(self.ids(sql, kinds, scan=True))

        return self.snapshot.get(("visible", tuple(kinds)), compute)

    def facet(self, name: str) -> Facet:
        def compute() -> Facet:
            labels: dict[str, int] = {}
            docs: list[int] = []
            codes: list[int] = []
            sql = f"SELECT doc_id, value FROM {SCHEMA}.doc_values WHERE facet = %s"
            for doc_id, value in self.rows(sql, name, scan=True):
                docs.append(doc_id)
                codes.append(labels.setdefault(value, len(labels)))
            return Facet(
                np.array(docs, dtype=np.int64), np.array(codes, dtype=np.int64), list(labels)
            )

        return self.snapshot.get(("facet", name), compute)

    def created(self) -> np.ndarray:
        def compute() -> np.ndarray:
            out = np.full(self.size(), -np.inf)
            for doc_id, created in self.rows(f"SELECT id, created FROM {SCHEMA}.docs", scan=True):
                out[doc_id] = created
            return out

        return self.snapshot.get("created", compute)

    # -- matching --------------------------------------------------------------------------
    def matching(self, expr: Expr | None, viewer: Viewer) -> Mask:
        """The documents the viewer may see that match ``expr`` (all of them for None)."""
        if expr is None:
            return self.visible(viewer)
        kinds = _kinds(viewer)
        # A long document is judged over all its passages (one may lack a word after NOT).
        single = self.ids(
            f"SELECT doc_id FROM {SCHEMA}.passages WHERE tsv @@ %s::tsquery"
            " AND visibility = ANY(%s) AND NOT multi",
            render(expr),
            kinds,
        )
        found = self.mask(single)
        for doc_id in self._across_passages(expr, kinds):
            found[doc_id] = True
        return found

    def _across_passages(self, expr: Expr, kinds: list[str]) -> list[int]:
        """Long documents that match only by combining passages (a word in each)."""
        listed = atoms(expr)
        checks = ", ".join(["bool_or(tsv @@ %s::tsquery)"] * len(listed))
        rows = self.rows(
            f"SELECT doc_id, {checks} FROM {SCHEMA}.passages WHERE multi"
            " AND visibility = ANY(%s) AND tsv @@ %s::tsquery GROUP BY doc_id",
            *listed,
            kinds,
            " | ".join(listed),
        )
        return [
            row[0]
            for row in rows
            if evaluate(expr, {atom for atom, hit in zip(listed, row[1:], strict=True) if hit})
        ]

    def ranked(
        self, ranking: str, kinds: list[str], allowed: Mask, found: Mask, count: int
    ) -> list[tuple[int, float]]:
        """The ``count`` best of ``found`` (matches the viewer may see) within ``allowed``,
        by ``ts_rank`` of the document's best passage.

        Scoring reads each passage's vector (~15 µs): fine for hundreds of matches, too slow
        for the thousands a common word has. Then ranking has two phases, like a search
        engine's rescoring window: the heads (title, summary, meta: small) of all matches are
        scored and only the best ``RANK_WINDOW`` get the full score; with fewer matching heads
        than that, the newest other matches fill the window. A page past the window is
        ranked in full.
        """
        candidates = found & allowed
        if int(candidates.sum()) > RANK_WINDOW and count <= RANK_WINDOW:
            window = self._first_phase(ranking, kinds, candidates)
        else:
            window = np.flatnonzero(candidates).tolist()
        rows = self.rows(
            f"SELECT doc_id, max({_RANK}) AS score FROM {SCHEMA}.passages"
            " WHERE doc_id = ANY(%s) AND visibility = ANY(%s)"
            " GROUP BY doc_id ORDER BY score DESC, doc_id LIMIT %s",
            ranking,
            window,
            kinds,
            count,
        )
        return [(int(d), float(s)) for d, s in rows]

    def _first_phase(self, ranking: str, kinds: list[str], candidates: Mask) -> list[int]:
        rows = self.rows(
            f"SELECT doc_id, ts_rank('{_WEIGHTS}'::float4[], head, %s::tsquery, 0)"
            f" FROM {SCHEMA}.heads WHERE head @@ %s::tsquery AND visibility = ANY(%s)",
            ranking,
            ranking,
            kinds,
        )
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        scores = np.array([r[1] for r in rows], dtype=np.float64)
        keep = candidates[ids] if len(ids) else np.zeros(0, dtype=bool)
        ids, scores = ids[keep], scores[keep]
        if len(ids) > RANK_WINDOW:
            ids = ids[np.argpartition(-scores, RANK_WINDOW)[:RANK_WINDOW]]
        window = ids.tolist()
        if len(window) < RANK_WINDOW:
            rest = candidates.copy()
            rest[ids] = False
            window += newest(rest, self.created(), RANK_WINDOW - len(window))
        return window

    def any(self, tsquery: str, kinds: list[str]) -> bool:
        return bool(
            self.rows(
                f"SELECT 1 FROM {SCHEMA}.passages WHERE tsv @@ %s::tsquery"
                " AND visibility = ANY(%s) LIMIT 1",
                tsquery,
                kinds,
            )
        )

    def count(self, tsquery: str, kinds: list[str], cap: int = 1_000) -> int:
        return self.rows(
            f"SELECT count(*) FROM (SELECT DISTINCT doc_id FROM {SCHEMA}.passages"
            " WHERE tsv @@ %s::tsquery AND visibility = ANY(%s) LIMIT %s) c",
            tsquery,
            kinds,
            cap,
        )[0][0]


class PostgresBackend:
    """The index in PostgreSQL; searches may read a streaming replica (``read_url``) whenever
    ``read_allowed()`` says the request can bear its lag (core/replica.py decides)."""

    def __init__(
        self,
        url: str,
        pool_size: int = 5,
        *,
        read_url: str | None = None,
        read_allowed: Callable[[], bool] | None = None,
    ) -> None:
        self.url = url
        self.engine = create_engine(url, pool_pre_ping=True, pool_size=pool_size)
        self.read_engine = (
            create_engine(read_url, pool_pre_ping=True, pool_size=pool_size) if read_url else None
        )
        self._read_allowed = read_allowed or (lambda: False)
        self._lock = threading.Lock()
        self._snapshots: dict[tuple[str, str], Snapshot] = {}
        self._ensured = False

    def close(self) -> None:
        self.engine.dispose()
        if self.read_engine is not None:
            self.read_engine.dispose()

    def _raw_connection(self, read: bool) -> Any:
        if read and self.read_engine is not None and self._read_allowed():
            try:
                return self.read_engine.raw_connection()
            except Exception:  # a replica that went away: the primary answers instead
                log.warning("search: read replica unreachable, reading the primary", exc_info=True)
        return self.engine.raw_connection()

    @contextmanager
    def _connection(self, read: bool = False) -> Iterator[psycopg.Connection[Any]]:
        raw = self._raw_connection(read)
        try:
            conn = raw.driver_connection
            assert isinstance(conn, psycopg.Connection)  # noqa: S101 - the URL says psycopg
            yield conn
        finally:
            raw.close()

    # -- the index's state -------------------------------------------------------------------
    def _meta(self, cur: psycopg.Cursor[Any], key: str) -> str | None:
        cur.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = %s", (key,))
        row = cur.fetchone()
        return row[0] if row else None

    def schema_version(self) -> str | None:
        try:
            with self._connection() as conn, conn.cursor() as cur:
                try:
                    return self._meta(cur, "schema")
                finally:
                    conn.rollback()
        except psycopg.errors.UndefinedTable:
            return None
        except psycopg.OperationalError:
            log.warning("search index: database unreachable", exc_info=True)
            return None

    def needs_rebuild(self) -> bool:
        if self.schema_version() != SCHEMA_VERSION:
            return True
        try:
            with self._reader() as reader:
                reader.rows(f"SELECT count(*) FROM {SCHEMA}.docs")
                reader.any(lexeme("x"), ["public"])
        except Exception:  # any database error means the index cannot be trusted
            log.exception("search index cannot be read")
            return True
        return False

    def snapshot(self, dest: Path) -> str | None:
        """Nothing to copy: the index is in the database, so ``pg_dump`` carries it (and a
        restore without it rebuilds it from the documents). Always None."""
        return None

    def _exists(self, cur: psycopg.Cursor[Any], schema: str = SCHEMA) -> bool:
        cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
        return cur.fetchone() is not None

    def _create(self, cur: psycopg.Cursor[Any], schema: str) -> None:
        for statement in ddl(schema):
            cur.execute(statement)
        cur.executemany(
            f"INSERT INTO {schema}.meta (key, value) VALUES (%s, %s)",
            [("schema", SCHEMA_VERSION), ("generation", uuid.uuid4().hex), ("version", "0")],
        )

    def _ensure(self) -> None:
        """Create the empty index on first use, as the file engines create a generation."""
        with self._connection() as conn, conn.cursor() as cur:
            if self._exists(cur):
                conn.rollback()
                return
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            if not self._exists(cur):
                self._create(cur, SCHEMA)
                for statement in gin(SCHEMA):
                    cur.execute(statement)
            conn.commit()

    @contextmanager
    def _reader(self) -> Iterator[_Reader]:
        if not self._ensured:
            self._ensure()
            # The schema, once there, stays: a rebuild renames its replacement in place.
            self._ensured = True
        with self._connection(read=True) as conn, conn.cursor() as cur:
            try:
                # One round trip (no parameters: several statements may go at once):
                # - one snapshot per search: every query in it sees the same index version;
                # - the GIN index for matching (_Reader.rows switches for whole-table loads);
                # - locked before the first query takes the snapshot: while a rebuild swaps
                #   schemas this waits for its commit and then reads the new tables, which a
                #   snapshot taken earlier would see empty. The same order as the rebuild's.
                cur.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
                    " SET LOCAL enable_seqscan = off;"
                    f" {LOCK_TABLES.format(schema=SCHEMA, mode='ACCESS SHARE')};"
                    f" SELECT key, value FROM {SCHEMA}.meta WHERE key IN ('generation', 'version')"
                )
                while cur.nextset():
                    pass
                meta = dict(cur.fetchall())
                reader = _Reader(cur, Snapshot(("", "")))
                reader.snapshot = self._snapshot(reader, (meta["generation"], meta["version"]))
                yield reader
            except psycopg.errors.UndefinedTable:
                self._ensured = False  # dropped behind our back: made again on the next search
                raise
            finally:
                conn.rollback()

    def _snapshot(self, reader: _Reader, key: tuple[str, str]) -> Snapshot:
        current = next(iter(self._snapshots.values()), None)
        if current is not None and current.key != key:
            # Only the documents written since: see docsets.carried_forward.
            changes = _changes_since(reader, current.key, key)
            if changes is not None:
                patched = carried_forward(current, key, changes)
                with self._lock:
                    self._snapshots = {key: patched}
                    return patched
        return keep_newest(self._lock, self._snapshots, key)

    # -- writes --------------------------------------------------------------------------------
    @contextmanager
    def _writer(self, ids: list[int]) -> Iterator[psycopg.Cursor[Any]]:
        self._ensure()
        with self._connection() as conn, conn.cursor() as cur:
            try:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                yield cur
                cur.execute(
                    f"UPDATE {SCHEMA}.meta SET value = (value::bigint + 1)::text"
                    " WHERE key = 'version' RETURNING value::bigint"
                )
                version = cur.fetchone()[0]  # type: ignore[index]
                cur.execute(changes_ddl(SCHEMA))
                cur.execute(
                    f"INSERT INTO {SCHEMA}.changes (version, doc_id)"
                    " SELECT %s, unnest(%s::integer[])",
                    (version, sorted(set(ids))),
                )
                cur.execute(
                    f"DELETE FROM {SCHEMA}.changes WHERE version <= %s",
                    (version - MAX_PATCHED_VERSIONS,),
                )
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def index(self, docs: Iterable[IndexedDocument]) -> None:
        rows = list({doc.id: row(doc) for doc in docs}.values())
        if not rows:
            return
        ids = [row.doc.id for row in rows]
        with self._writer(ids) as cur:
            delete(cur, SCHEMA, ids)
            insert(cur, SCHEMA, rows)
            count_terms(cur, SCHEMA, ids, +1)

    def remove(self, ids: Iterable[int]) -> None:
        listed = [int(i) for i in ids]
        if listed:
            with self._writer(listed) as cur:
                delete(cur, SCHEMA, listed)

    def rebuild(self, docs: Iterable[IndexedDocument]) -> int:
        """Fill a new schema from ``docs`` and swap it in; returns the count.

        The session advisory lock holds every other writer off for the whole rebuild, so no
        update lands in the old schema and is lost by the swap. Searches read the old schema
        until the rename commits.
        """
        count = 0
        frequency: Counter[str] = Counter()
        with self._connection() as conn, conn.cursor() as cur:
            conn.commit()
            cur.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
            try:
                cur.execute(f"DROP SCHEMA IF EXISTS {BUILDING} CASCADE")
                self._create(cur, BUILDING)
                conn.commit()
                batch: list[Row] = []
                for doc in docs:
                    batch.append(row(doc))
                    count += 1
                    if len(batch) >= BATCH:
                        copy_batch(cur, BUILDING, batch, frequency)
                        conn.commit()
                        batch = []
                copy_batch(cur, BUILDING, batch, frequency)
                with cur.copy(f"COPY {BUILDING}.terms (term, docs) FROM STDIN") as copy:
                    for term, docs_with in frequency.items():
                        copy.write_row((term, docs_with))
                # Indexing a full table at once is several times faster than row by row.
                for statement in gin(BUILDING):
                    cur.execute(statement)
                cur.execute(f"ANALYZE {BUILDING}.passages, {BUILDING}.heads, {BUILDING}.docs")
                if self._exists(cur):
                    cur.execute(LOCK_TABLES.format(schema=SCHEMA, mode="ACCESS EXCLUSIVE"))
                    cur.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
                cur.execute(f"ALTER SCHEMA {BUILDING} RENAME TO {SCHEMA}")
                conn.commit()
            except BaseException:
                conn.rollback()
                cur.execute(f"DROP SCHEMA IF EXISTS {BUILDING} CASCADE")
                conn.commit()
                raise
            finally:
                cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
                conn.commit()
        return count

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold every index writer off (tests, maintenance), on every host."""
        with self._connection() as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
            try:
                yield
            finally:
                cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
                conn.commit()

    def indexed_ids(self) -> set[int]:
        with self._reader() as reader:
            return {row[0] for row in reader.rows(f"SELECT id FROM {SCHEMA}.docs")}

    def index_bytes(self) -> int:
        """The size of the index tables and their indexes, for the benchmark and the docs."""
        with self._connection() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relkind = 'r'",
                (SCHEMA,),
            )
            size = int(cur.fetchone()[0])  # type: ignore[index]
            conn.rollback()
            return size

    # -- reads ---------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResults:
        tree = querylang.parse(query.text)
        with self._reader() as reader:
            visible = reader.visible(query.viewer)
            selected = _filter_masks(reader, query)
            allowed = visible
            for mask in selected.values():
                allowed = allowed & mask
            expr = compile_query(tree)
            matched = reader.matching(expr, query.viewer)
            if expr is None and (negative := compile_query(querylang.excluded(tree), "or")):
                matched = matched & ~reader.matching(negative, query.viewer)
            fallback = None
            if expr is not None:

                def match(other: Node) -> tuple[Expr, Mask] | None:
                    compiled = compile_query(other)
                    if compiled is None:
                        return None
                    return compiled, reader.matching(compiled, query.viewer)

                tree, (expr, matched), fallback = flow.fallback(
                    tree, (expr, matched), match, lambda m: bool((m[1] & allowed).any())
                )
            found = allowed & matched
            total = int(found.sum())
            _, offset = page_window(total, query.page, query.per_page)
            page: list[tuple[int, float]] = []
            ranking = rank_query(tree)
            if total:
                if expr is None or ranking is None or query.sort == "newest":
                    ids = newest(found, reader.created(), offset + query.per_page)
                    page = [(doc_id, 0.0) for doc_id in ids[offset:]]
                else:
                    best = reader.ranked(
                        ranking,
                        _kinds(query.viewer),
                        allowed,
                        matched,
                        offset + query.per_page,
                    )
                    page = best[offset:]
            hits = self._hits(reader, page, tree if expr is not None else None)
            facets = _facet_counts(reader, matched & visible, selected, query.field_facets)
            suggestion = None
            if expr is not None:
                suggestion = self._suggest(reader, query)
        return flow.results(query, total, hits, facets, suggestion, fallback)

    @staticmethod
    def _hits(reader: _Reader, page: list[tuple[int, float]], tree: Node | None) -> list[Hit]:
        if not page:
            return []
        ids = [doc_id for doc_id, _score in page]
        stored = {
            row[0]: row[1:]
            for row in reader.rows(
                f"SELECT id, summary, body FROM {SCHEMA}.docs WHERE id = ANY(%s)", ids
            )
        }
        found = snippets.marks(querylang.positive_texts(tree))
        hits = []
        for doc_id, score in page:
            summary, body = stored.get(doc_id, ("", ""))
            hits.append(Hit(doc_id, score, snippets.hit_snippet(summary, body, found)))
        return hits

    # -- did you mean ------------------------------------------------------------------------
    def _suggest(self, reader: _Reader, query: SearchQuery) -> str | None:
        kinds = _kinds(query.viewer)
        selected = _filter_masks(reader, query)

        def finds(tree: Node) -> bool:
            compiled = compile_query(tree)
            if compiled is None:
                return False
            found = reader.matching(compiled, query.viewer)
            for mask in selected.values():
                found = found & mask
            return bool(found.any())

        def known(word: WordTerms) -> bool:
            return reader.any(f"{lexeme(EXACT + word.exact)} | {lexeme(word.stem)}", kinds)

        return flow.suggest(
            query.text, known, lambda word: self._correction(reader, word, kinds), finds
        )

    @staticmethod
    def _correction(reader: _Reader, word: str, kinds: list[str]) -> str | None:
        """The closest visible word (edit distance 1, else 2), the most frequent on a tie."""
        terms = _exact_terms(reader, word[0])
        for maxdist in (1, 2) if len(word) >= 6 else (1,):
            close = [
                term
                for term, _distance, _index in process.extract(
                    word, terms, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
                )
                if term != word
            ]
            counted = [(reader.count(lexeme(EXACT + t), kinds), t) for t in close]
            ranked = sorted((c for c in counted if c[0]), key=lambda c: (-c[0], c[1]))
            if ranked:
                return ranked[0][1]
        return None

    # -- more like this --------------------------------------------------------------------------
    def more_like(self, doc_id: int, viewer: Viewer, limit: int = 5) -> list[int]:
        with self._reader() as reader:
            rows = reader.rows(
                f"SELECT title, summary, body FROM {SCHEMA}.docs WHERE id = %s", doc_id
            )
            if not rows:
                return []
            text = " ".join(rows[0])
            counts = Counter(
                w.stem
                for w in words(text)[:MORE_LIKE_WORDS]
                if len(w.stem) > 2 and w.stem.isalpha()
            )
            candidates = [t for t, _tf in counts.most_common(MORE_LIKE_CANDIDATES)]
            total = int(reader.all().sum()) or 1
            df = dict(
                reader.rows(
                    f"SELECT term, docs FROM {SCHEMA}.terms WHERE term = ANY(%s)", candidates
                )
            )
            scored = [
                (counts[t] * math.log(1 + total / df[t]), t)
                for t in candidates
                if df.get(t, 0) > 1  # a word only this document has finds nothing else
            ]
            key_terms = [t for _score, t in sorted(scored, reverse=True)[:MORE_LIKE_TERMS]]
            if not key_terms:
                return []
            either = " | ".join(lexeme(t) for t in key_terms)
            found = reader.rows(
                f"SELECT doc_id, max({_RANK}) AS score FROM {SCHEMA}.passages"
                " WHERE tsv @@ %s::tsquery AND visibility = ANY(%s) AND doc_id <> %s"
                " GROUP BY doc_id ORDER BY score DESC, doc_id LIMIT %s",
                either,
                either,
                _kinds(viewer),
                doc_id,
                limit,
            )
        return [int(row[0]) for row in found]

    # -- autocomplete --------------------------------------------------------------------------
    def complete(self, prefix: str, viewer: Viewer, limit: int = 8) -> Completions:
        kinds = _kinds(viewer)

        def titles(reader: _Reader, typed: flow.Typed) -> list[int]:
            title = [f"{lexeme(EXACT + w)}:A" for w in typed.before]
            title.append(f"{lexeme(EXACT + typed.last)}:*A")
            matches = reader.ids(
                f"SELECT doc_id FROM {SCHEMA}.passages WHERE no = 0"
                " AND tsv @@ %s::tsquery AND visibility = ANY(%s)",
                " & ".join(title),
                kinds,
            )
            created = reader.created()
            return heapq.nlargest(limit, (int(i) for i in matches), key=lambda i: created[i])

        def terms(reader: _Reader, last: str) -> list[str]:
            start = EXACT + last
            upper = start[:-1] + chr(ord(start[-1]) + 1)
            rows = reader.rows(
                f"SELECT term, docs FROM {SCHEMA}.terms WHERE term >= %s AND term < %s"
                " ORDER BY docs DESC LIMIT %s",
                start,
                upper,
                MAX_PREFIX_TERMS,
            )
            frequency = {term[len(EXACT) :]: docs for term, docs in rows}
            return flow.frequent_completions(
                frequency, last, lambda t: reader.any(lexeme(EXACT + t), kinds), limit
            )

        with self._reader() as reader:
            return flow.complete(
                prefix, lambda typed: titles(reader, typed), lambda last: terms(reader, last)
            )


def _filter_masks(reader: _Reader, query: SearchQuery) -> dict[str, Mask]:
    out = {}
    for name, values in query.filters.items():
        facet, wanted = filter_target(name, tuple(values or ()))
        if facet and wanted:
            out[name] = reader.facet(facet).mask(wanted, reader.size())
    return out


def _facet_counts(
    reader: _Reader, visible_matches: Mask, selected: dict[str, Mask], field_facets: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """Disjunctive counts: each facet counted with every filter but its own. The rule is
    written once, in ``docsets.Reader``; it only reads facets, which this reader gives."""
    return Reader.facet_counts(reader, visible_matches, selected, field_facets)  # type: ignore[arg-type]


def _exact_terms(reader: _Reader, letter: str) -> list[str]:
    """The index's words as written that start with ``letter``, read once per version."""

    def compute() -> list[str]:
        start = EXACT + letter
        rows = reader.rows(
            f"SELECT term FROM {SCHEMA}.terms WHERE term >= %s AND term < %s",
            start,
            EXACT + chr(ord(letter) + 1),
        )
        return [t[len(EXACT) :] for (t,) in rows if t[len(EXACT) :].isalpha()]

    return reader.snapshot.get(("terms", letter), compute)


def _changes_since(reader: _Reader, old: tuple[str, str], new: tuple[str, str]) -> Changes | None:
    """What versions after ``old`` up to ``new`` wrote, or None when the snapshot must be
    read whole (another generation, too far behind, the log pruned or not there yet)."""
    if old[0] != new[0] or not (0 < int(new[1]) - int(old[1]) <= MAX_PATCHED_VERSIONS):
        return None
    cur = reader.cur
    cur.execute("SAVEPOINT changes")
    try:
        rows = reader.rows(
            f"SELECT version, doc_id FROM {SCHEMA}.changes WHERE version > %s", int(old[1])
        )
    except psycopg.errors.UndefinedTable:  # an index made before the log, never written since
        cur.execute("ROLLBACK TO SAVEPOINT changes")
        return None
    if len({version for version, _doc in rows}) != int(new[1]) - int(old[1]):
        return None  # a version without its rows: pruned, or written by an older release
    ids = sorted({doc_id for _version, doc_id in rows})
    present = {
        doc_id: (visibility, created)
        for doc_id, visibility, created in reader.rows(
            f"SELECT id, visibility, created FROM {SCHEMA}.docs WHERE id = ANY(%s)", ids
        )
    }
    values = reader.rows(
        f"SELECT doc_id, facet, value FROM {SCHEMA}.doc_values WHERE doc_id = ANY(%s)", ids
    )
    return Changes(ids, present, [(d, f, v) for d, f, v in values])
