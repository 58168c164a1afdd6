"""Sets of documents as boolean arrays indexed by document id, for the SQLite backend.

Totals, visibility, filters and disjunctive facet counts are set algebra over every match: at
100,000 documents a common word matches nearly all of them, and Python sets of that size cost
tens of milliseconds per operation where a numpy mask costs tens of microseconds. Facet counts
are one ``bincount`` per facet over (document, value) pairs read once per index version.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from kennisnet.search.base import FACETS, FIELD_PREFIX, Viewer

log = logging.getLogger(__name__)
T = TypeVar("T")
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Facet:
    """The (document, value) pairs of one facet: ``docs[i]`` has value ``labels[codes[i]]``."""

    docs: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int64]
    labels: list[str]

    def mask(self, values: tuple[str, ...], size: int) -> Mask:
        """Documents with any of ``values``."""
        wanted = [self.labels.index(v) for v in dict.fromkeys(values) if v in self.labels]
        out = np.zeros(size, dtype=bool)
        if wanted:
            out[self.docs[np.isin(self.codes, wanted)]] = True
        return out

    def counts(self, docs: Mask) -> dict[str, int]:
        selected = self.codes[docs[self.docs]]
        counts = np.bincount(selected, minlength=len(self.labels))
        return {self.labels[i]: int(counts[i]) for i in np.flatnonzero(counts)}


@dataclass
class Snapshot:
    """What readers derive from one version of one generation, computed on first use."""

    key: tuple[str, str]
    # Re-entrant: one cached value may be computed from another (a mask needs the size).
    lock: threading.RLock = field(default_factory=threading.RLock)
    cache: dict[object, object] = field(default_factory=dict)

    def get(self, name: object, compute: Callable[[], T]) -> T:
        try:
            return self.cache[name]  # type: ignore[return-value]
        except KeyError:
            pass
        with self.lock:
            if name not in self.cache:
                self.cache[name] = compute()
            return self.cache[name]  # type: ignore[return-value]


# Versions a snapshot is carried forward over by patching; further behind, it is read again.
MAX_PATCHED_VERSIONS = 500


@dataclass(frozen=True)
class Changes:
    """The documents written since an older version, as the newer version has them."""

    ids: list[int]  # written or removed
    present: dict[int, tuple[str, float]]  # id -> (visibility, created) of those still there
    values: list[tuple[int, str, str]]  # (doc_id, facet, value) of those still there


def carried_forward(old: Snapshot, key: tuple[str, str], changes: Changes) -> Snapshot:
    """``old`` brought to version ``key`` by changing only the written documents' entries.

    Every app process keeps a snapshot, and every index write (several a second while members
    upload) made each of them read all visibility, creation times and facet pairs again: a
    cost per write growing with the index. The entries are patched on copies, as searches in
    flight may still read ``old``. What is not patched here (spelling's word lists) is left
    to be read again on first use.
    """
    ids = np.array(changes.ids, dtype=np.int64)
    fresh = Snapshot(key)
    cached = dict(old.cache)
    known = cached.get("size")
    if not isinstance(known, int):
        return fresh  # nothing derived yet: all is read on first use
    size = max(known, max(changes.present, default=-1) + 1)
    fresh.cache["size"] = size
    ids = ids[ids < size]  # a removed id that was never indexed
    present = np.array(sorted(changes.present), dtype=np.int64)

    def grown(array: np.ndarray, fill: Any) -> np.ndarray:
        out = np.full(size, fill, dtype=array.dtype)
        out[: len(array)] = array
        return out

    for name, value in cached.items():
        if name == "size":
            continue
        if name == "all":
            mask = grown(value, False)  # type: ignore[arg-type]
            mask[ids] = False
            mask[present] = True
            fresh.cache[name] = mask
        elif isinstance(name, tuple) and name[0] == "visible":
            mask = grown(value, False)  # type: ignore[arg-type]
            mask[ids] = False
            seen = [i for i, (kind, _created) in changes.present.items() if kind in name[1]]
            mask[np.array(seen, dtype=np.int64)] = True
            fresh.cache[name] = mask
        elif name == "created":
            created = grown(value, -np.inf)  # type: ignore[arg-type]
            created[ids] = -np.inf
            for i, (_kind, when) in changes.present.items():
                created[i] = when
            fresh.cache[name] = created
        elif isinstance(name, tuple) and name[0] == "facet" and isinstance(value, Facet):
            fresh.cache[name] = _patched_facet(value, ids, changes.values, name[1])
    return fresh


def keep_newest(
    lock: threading.Lock, snapshots: dict[tuple[str, str], Snapshot], key: tuple[str, str]
) -> Snapshot:
    """The snapshot for ``key``, kept as the backend's one unless an older version's: a
    search whose transaction began before the last write must not evict the newer one."""
    with lock:
        snapshot = snapshots.get(key)
        if snapshot is not None:
            return snapshot
        snapshot = Snapshot(key)
        current = next(iter(snapshots), None)
        if current is None or current[0] != key[0] or int(current[1]) < int(key[1]):
            snapshots.clear()
            snapshots[key] = snapshot
        return snapshot


def _patched_facet(
    facet: Facet, ids: npt.NDArray[np.int64], values: list[tuple[int, str, str]], name: str
) -> Facet:
    keep = ~np.isin(facet.docs, ids)
    labels = {label: code for code, label in enumerate(facet.labels)}
    added = [(doc, labels.setdefault(value, len(labels))) for doc, f, value in values if f == name]
    docs = np.concatenate([facet.docs[keep], np.array([d for d, _c in added], dtype=np.int64)])
    codes = np.concatenate([facet.codes[keep], np.array([c for _d, c in added], dtype=np.int64)])
    return Facet(docs, codes, list(labels))


@dataclass
class Reader:
    """One read transaction on one index version."""

    conn: sqlite3.Connection
    snapshot: Snapshot

    # -- FTS5 ------------------------------------------------------------------------------
    def ids(self, expression: str, limit: int | None = None) -> list[int]:
        sql = "SELECT rowid FROM fts WHERE fts MATCH ?"
        args: tuple[object, ...] = (expression,)
        if limit is not None:
            sql += " LIMIT ?"
            args += (limit,)
        try:
            return [row[0] for row in self.conn.execute(sql, args)]
        except sqlite3.OperationalError:
            # Expressions are built from analysed terms only; an error here is our bug, but a
            # member's search must still answer.
            log.exception("FTS5 rejected %r", expression)
            return []

    def any(self, expression: str) -> bool:
        return bool(self.ids(expression, 1))

    def matching(self, expression: str | None) -> Mask:
        """The documents matching ``expression`` (every document for None)."""
        if expression is None:
            return self.all()
        try:
            # One string from SQLite instead of a Python tuple per row: 3x faster at 100k.
            (listed,) = self.conn.execute(
                "SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?", (expression,)
            ).fetchone()
        except sqlite3.OperationalError:
            log.exception("FTS5 rejected %r", expression)
            listed = None
        out = np.zeros(self.size(), dtype=bool)
        if listed:
            out[np.fromstring(listed, dtype=np.int64, sep=",")] = True
        return out

    def ranked(self, sql: str, expression: str, limit: int, offset: int) -> list[tuple[int, float]]:
        """``sql`` (a ranked query taking expression, limit and offset) as (id, score)."""
        try:
            rows = self.conn.execute(sql, (expression, limit, offset))
            return [(row[0], -row[1]) for row in rows]
        except sqlite3.OperationalError:
            log.exception("FTS5 rejected %r", expression)
            return []

    # -- cached per version ----------------------------------------------------------------
    def size(self) -> int:
        """One more than the largest document id: the length of every mask."""
        return self.snapshot.get(
            "size",
            lambda: (self.conn.execute("SELECT max(id) FROM docs").fetchone()[0] or 0) + 1,
        )

    def all(self) -> Mask:
        def compute() -> Mask:
            return self._mask("SELECT id FROM docs", ())

        return self.snapshot.get("all", compute)

    def visible(self, viewer: Viewer) -> Mask:
        kinds = ("public", "members") if viewer.sees_members_only else ("public",)

        def compute() -> Mask:
            sql = "SELECT id FROM docs WHERE visibility IN (SELECT value FROM json_each(?))"
            return self._mask(sql, (json.dumps(kinds),))

        return self.snapshot.get(("visible", kinds), compute)

    def facet(self, name: str) -> Facet:
        """The pairs of ``name`` ("theme", "type", ..., "field" for all type-specific ones)."""

        def compute() -> Facet:
            labels: dict[str, int] = {}
            docs: list[int] = []
            codes: list[int] = []
            sql = "SELECT doc_id, value FROM doc_values WHERE facet = ?"
            rows = self.conn.execute(sql, (name,))
            for doc_id, value in rows:
                docs.append(doc_id)
                codes.append(labels.setdefault(value, len(labels)))
            return Facet(
                np.array(docs, dtype=np.int64), np.array(codes, dtype=np.int64), list(labels)
            )

        return self.snapshot.get(("facet", name), compute)

    def created(self) -> npt.NDArray[np.float64]:
        """Creation time by document id (-inf where there is no document)."""

        def compute() -> npt.NDArray[np.float64]:
            out = np.full(self.size(), -np.inf)
            for doc_id, created in self.conn.execute("SELECT id, created FROM docs"):
                out[doc_id] = created
            return out

        return self.snapshot.get("created", compute)

    def _mask(self, sql: str, args: tuple[object, ...]) -> Mask:
        out = np.zeros(self.size(), dtype=bool)
        ids = np.fromiter((row[0] for row in self.conn.execute(sql, args)), dtype=np.int64)
        out[ids] = True
        return out

    # -- combinations ----------------------------------------------------------------------
    def filter_masks(self, filters: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, Mask]:
        """Per filter name, the documents with any of its values."""
        return {
            name: self.facet(facet).mask(values, self.size())
            for name, (facet, values) in filters.items()
        }

    def facet_counts(
        self, visible_matches: Mask, selected: dict[str, Mask], field_facets: tuple[str, ...]
    ) -> dict[str, dict[str, int]]:
        """Disjunctive facet counts: each facet is counted with every filter but its own.

        That way the count next to a value is the number of results the user gets when adding
        that value (values of one facet combine with OR, facets with AND).
        """
        counts: dict[str, dict[str, int]] = {}
        for name in (*FACETS, *field_facets):
            docs = visible_matches
            for other, mask in selected.items():
                if other != name:
                    docs = docs & mask
            values: dict[str, int] = {}
            if docs.any():
                if name.startswith(FIELD_PREFIX):
                    prefix = name[len(FIELD_PREFIX) :] + "="
                    values = {
                        value[len(prefix) :]: count
                        for value, count in self.facet("field").counts(docs).items()
                        if value.startswith(prefix)
                    }
                else:
                    values = self.facet(name).counts(docs)
            counts[name] = dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
        return counts


def newest(found: Mask, created: npt.NDArray[np.float64], count: int) -> list[int]:
    """Ids of the ``count`` newest documents in ``found``, newest first."""
    ids = np.flatnonzero(found)
    if count <= 0 or not len(ids):
        return []
    if len(ids) > count:
        # Keep everything at least as new as the count-th newest, ties included, so that the
        # cut is made by the full order below and pages never repeat or skip a document.
        times = created[ids]
        cutoff = np.partition(times, len(times) - count)[len(times) - count]
        ids = ids[times >= cutoff]
    # Newest first; on equal times the higher id (the later upload) first.
    order = np.lexsort((-ids, -created[ids]))
    return [int(i) for i in ids[order][:count]]
