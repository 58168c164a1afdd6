"""The PostgreSQL index's tables and how rows are written to them, for ``postgres_backend``.

Every statement names its schema: the live one (``kennisnet_search``) or the one a rebuild
fills aside. What the tables hold and why is in ``postgres_backend``'s docstring.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg

from kennisnet.search.base import IndexedDocument
from kennisnet.search.pg_query import passages
from kennisnet.search.sqlite_backend import _timestamp, _values

__all__ = [
    "LOCK_TABLES",
    "TABLES",
    "Row",
    "changes_ddl",
    "copy_batch",
    "count_terms",
    "ddl",
    "delete",
    "gin",
    "insert",
    "row",
]


def ddl(schema: str) -> list[str]:
    return [
        f"CREATE SCHEMA {schema}",
        f"CREATE TABLE {schema}.meta (key text PRIMARY KEY, value text NOT NULL)",
        f"CREATE TABLE {schema}.docs (id integer PRIMARY KEY, title text NOT NULL,"
        " summary text NOT NULL, body text NOT NULL, visibility text NOT NULL,"
        " status text NOT NULL, created double precision NOT NULL)",
        f"CREATE TABLE {schema}.doc_values (doc_id integer NOT NULL, facet text NOT NULL,"
        " value text NOT NULL)",
        f"CREATE INDEX ON {schema}.doc_values (doc_id)",
        # lz4: ranking decompresses every matching vector, and lz4 does that fastest.
        f"CREATE TABLE {schema}.passages (doc_id integer NOT NULL, no smallint NOT NULL,"
        " visibility text NOT NULL, multi boolean NOT NULL, tsv tsvector COMPRESSION lz4"
        " NOT NULL, PRIMARY KEY (doc_id, no))",
        f"CREATE TABLE {schema}.heads (doc_id integer PRIMARY KEY, visibility text NOT NULL,"
        " head tsvector NOT NULL)",
        f'CREATE TABLE {schema}.terms (term text COLLATE "C" PRIMARY KEY, docs integer NOT NULL)',
        changes_ddl(schema),
    ]


def changes_ddl(schema: str) -> str:
    """Which documents each version wrote, so readers patch their snapshot (``docsets``).

    Created on the first write where an index made before it lacks it: no rebuild needed.
    """
    return (
        f"CREATE TABLE IF NOT EXISTS {schema}.changes (version bigint NOT NULL,"
        " doc_id integer NOT NULL, PRIMARY KEY (version, doc_id))"
    )


TABLES = ("meta", "docs", "passages", "heads", "doc_values", "terms")
LOCK_TABLES = (
    "LOCK TABLE " + ", ".join(f"{{schema}}.{table}" for table in TABLES) + " IN {mode} MODE"
)


def gin(schema: str) -> list[str]:
    return [
        f"CREATE INDEX passages_tsv ON {schema}.passages USING gin (tsv)",
        f"CREATE INDEX heads_head ON {schema}.heads USING gin (head)",
    ]


@dataclass(frozen=True)
class Row:
    doc: IndexedDocument
    head: str
    vectors: list[str]
    lexemes: frozenset[str]
    values: list[tuple[str, str]]


def row(doc: IndexedDocument) -> Row:
    meta = [*doc.theme_names, doc.type_name, doc.organisation_name]
    meta += [value for _key, value in doc.fields]
    head, found = passages(doc.title, doc.summary, meta, doc.body)
    lexemes = frozenset(t for passage in found for t in passage.positions)
    return Row(doc, head, [passage.text() for passage in found], lexemes, _values(doc))


def delete(cur: psycopg.Cursor[Any], schema: str, ids: list[int]) -> None:
    count_terms(cur, schema, ids, -1)
    tables = (("passages", "doc_id"), ("heads", "doc_id"), ("docs", "id"), ("doc_values", "doc_id"))
    for table, column in tables:
        cur.execute(f"DELETE FROM {schema}.{table} WHERE {column} = ANY(%s)", (ids,))


def count_terms(cur: psycopg.Cursor[Any], schema: str, ids: list[int], sign: int) -> None:
    """Add (or take away) the documents ``ids`` in the lexemes' document counts."""
    counted = (
        f"SELECT lexeme AS term, count(DISTINCT doc_id) AS n FROM {schema}.passages,"
        " unnest(tsv) WHERE doc_id = ANY(%s) GROUP BY lexeme"
    )
    if sign > 0:
        cur.execute(
            f"INSERT INTO {schema}.terms (term, docs) {counted}"
            " ON CONFLICT (term) DO UPDATE SET docs = terms.docs + excluded.docs",
            (ids,),
        )
    else:
        cur.execute(
            f"UPDATE {schema}.terms t SET docs = t.docs - c.n FROM ({counted}) c"
            " WHERE t.term = c.term",
            (ids,),
        )
        cur.execute(f"DELETE FROM {schema}.terms WHERE docs <= 0")


def _doc_rows(rows: list[Row]) -> Iterator[tuple[object, ...]]:
    for r in rows:
        d = r.doc
        yield (d.id, d.title, d.summary, d.body, d.visibility, d.status, _timestamp(d.created))


def _passage_rows(rows: list[Row]) -> Iterator[tuple[object, ...]]:
    for r in rows:
        multi = len(r.vectors) > 1
        for no, vector in enumerate(r.vectors):
            yield (r.doc.id, no, r.doc.visibility, multi, vector)


def insert(cur: psycopg.Cursor[Any], schema: str, rows: list[Row]) -> None:
    cur.executemany(
        f"INSERT INTO {schema}.docs (id, title, summary, body, visibility, status, created)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        list(_doc_rows(rows)),
    )
    cur.executemany(
        f"INSERT INTO {schema}.passages (doc_id, no, visibility, multi, tsv)"
        " VALUES (%s, %s, %s, %s, %s::tsvector)",
        list(_passage_rows(rows)),
    )
    cur.executemany(
        f"INSERT INTO {schema}.heads (doc_id, visibility, head) VALUES (%s, %s, %s::tsvector)",
        [(r.doc.id, r.doc.visibility, r.head) for r in rows],
    )
    values = [(r.doc.id, facet, value) for r in rows for facet, value in r.values]
    if values:
        cur.executemany(
            f"INSERT INTO {schema}.doc_values (doc_id, facet, value) VALUES (%s, %s, %s)",
            values,
        )


def copy_batch(
    cur: psycopg.Cursor[Any], schema: str, rows: list[Row], frequency: Counter[str]
) -> None:
    """COPY a rebuild's batch (several times faster than INSERT) and count its lexemes."""
    if not rows:
        return
    columns = "id, title, summary, body, visibility, status, created"
    with cur.copy(f"COPY {schema}.docs ({columns}) FROM STDIN") as copy:
        for row in _doc_rows(rows):
            copy.write_row(row)
    with cur.copy(
        f"COPY {schema}.passages (doc_id, no, visibility, multi, tsv) FROM STDIN"
    ) as copy:
        for row in _passage_rows(rows):
            copy.write_row(row)
    with cur.copy(f"COPY {schema}.heads (doc_id, visibility, head) FROM STDIN") as copy:
        for r in rows:
            copy.write_row((r.doc.id, r.doc.visibility, r.head))
    with cur.copy(f"COPY {schema}.doc_values (doc_id, facet, value) FROM STDIN") as copy:
        for r in rows:
            for facet, value in r.values:
                copy.write_row((r.doc.id, facet, value))
    for r in rows:
        frequency.update(r.lexemes)
