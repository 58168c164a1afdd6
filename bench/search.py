"""Search benchmark: Kennisnet's full search path against plain Whoosh and SQLite FTS5.

    python bench/search.py --docs 10000 [--queries 200] [--engines kennisnet,whoosh-plain,fts5]

A synthetic Dutch corpus (deterministic seed; ~1,200 words a document; vocabulary and
frequencies from the Dutch documents in the shared corpus, plus generated compounds; themes,
types, organisations, regions, years and visibility) is indexed by each engine in a temporary
directory, which is removed afterwards. Every engine answers the same queries (1-3 words,
all required, viewer sees public and members-only documents) in three modes:

- ``top10``: the ten best hits, ids only;
- ``facets``: plus counts for theme, type, organisation and year;
- ``full``: plus a highlighted snippet for each of the ten hits.

For Kennisnet, ``full`` is exactly ``WhooshBackend.search()`` (what the web page and the API
call); ``top10`` and ``facets`` reach into the backend's own parser, visibility filter and facet
counter, so the three modes share one implementation and differ only in the work they do.
Plain Whoosh keeps one searcher open and counts facets from sortable columns, the usual way to
make Whoosh fast. FTS5 has no stemmer (``unicode61`` with diacritics removed).

Numbers go to stdout; ``--json`` also writes them to a file. ``--profile`` runs Kennisnet's full
path once more under cProfile and prints the hottest functions.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import hashlib
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kennisnet.search import IndexedDocument, SearchQuery, Viewer  # noqa: E402
from kennisnet.search.sqlite_backend import SqliteBackend  # noqa: E402
from kennisnet.search.whoosh import WhooshBackend  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
ENGINES = ("kennisnet", "kennisnet-whoosh", "kennisnet-postgres", "whoosh-plain", "fts5")
DEFAULT_ENGINES = ("kennisnet", "whoosh-plain", "fts5")
MODES = ("top10", "facets", "full")
MEMBER = Viewer(user_id=1, sees_members_only=True)
SEED = 20261123

THEMES = {
    "burgerparticipatie": "Burgerparticipatie",
    "mantelzorg": "Mantelzorg",
    "energie": "Energie en duurzaamheid",
    "wonen": "Wonen",
    "zorg-en-welzijn": "Zorg en welzijn",
    "eenzaamheid": "Eenzaamheid",
    "financien": "Financiën",
    "bestuur": "Bestuur en organisatie",
    "ontmoetingsplekken": "Ontmoetingsplekken",
    "vrijwilligers": "Vrijwilligers",
    "jeugd": "Jeugd",
    "groen": "Groen in de wijk",
}
TYPES = {
    "statuten": "Statuten",
    "projectplan": "Projectplan",
    "jaarverslag": "Jaarverslag",
    "notulen": "Notulen",
    "subsidieaanvraag": "Subsidieaanvraag",
    "onderzoek": "Onderzoek",
    "handleiding": "Handleiding",
    "overig": "Overig",
}
REGIONS = ("drenthe", "groningen", "utrecht", "noord-holland", "zuid-holland", "limburg")
ORG_PLACES = (  # noqa: SIM905 (a word list reads better as text)
    "De Vaart Zuidwolde Hoogeveen Assen Emmen Meppel Coevorden Beilen Oost West Noord Zuid "
    "Centrum Rivierenbuurt Schildersbuurt Lombok Transvaal Kanaleneiland Overvecht Zuilen"
).split()
# Parts for generated compounds; the linker comes from COMPOUND_LINKERS.
COMPOUND_LEFT = (  # noqa: SIM905 (a word list reads better as text)
    "buurt wijk dorp zorg mantel energie leden subsidie vrijwilligers bewoners huis gemeente "
    "jaar project ontmoeting welzijn netwerk coöperatie"
).split()
COMPOUND_RIGHT = (  # noqa: SIM905 (a word list reads better as text)
    "netwerk vergadering plan verslag raad cooperatie initiatief huis kamer budget regeling "
    "hulp team overleg aanvraag bijeenkomst fonds"
).split()
COMPOUND_LINKERS = ("", "s", "en")
# Share of body words replaced by a generated compound.
COMPOUND_RATE = 0.03
WORD = re.compile(r"[^\W\d_]{2,}")


# -- the synthetic corpus ------------------------------------------------------------------
@dataclass
class Vocabulary:
    words: list[str]
    cum_weights: list[int]
    compounds: list[str]
    query_words: list[str]


def dutch_texts(corpus: Path) -> list[str]:
    """Text of the Dutch non-PDF documents in the shared corpus (PDFs are slow to read)."""
    from kennisnet.extraction import ExtractionFailed, detect_kind_path, extract

    texts = []
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["language"] != "nl" or row["path"].endswith(".pdf"):
                continue
            path = corpus / row["path"]
            kind = detect_kind_path(path, path.name)
            if kind is None:
                continue
            try:
                texts.append(extract(path, kind).text)
            except ExtractionFailed:
                continue
    return texts


def build_vocabulary(corpus: Path, rng: random.Random) -> Vocabulary:
    counts: Counter[str] = Counter()
    for text in dutch_texts(corpus):
        counts.update(w.lower() for w in WORD.findall(text))
    if len(counts) < 1000:
        raise SystemExit(f"too little Dutch text under {corpus}; pass --corpus")
    ranked = [w for w, _ in counts.most_common(30_000)]
    weights = [counts[w] for w in ranked]
    cum, total = [], 0
    for weight in weights:
        total += weight
        cum.append(total)
    compounds = sorted(
        {
            f"{left}{linker}{right}"
            for left in COMPOUND_LEFT
            for right in COMPOUND_RIGHT
            for linker in COMPOUND_LINKERS
            if left != right
        }
    )
    # Query words: frequent enough to match, rare enough to select; length >= 4 skips most
    # stop words. Drawn once, in a fixed order.
    query_words = [w for w in ranked[80:4000] if len(w) >= 4]
    rng.shuffle(query_words)
    return Vocabulary(ranked, cum, compounds, query_words)


def sentence(rng: random.Random, vocab: Vocabulary, n: int) -> str:
    words = rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=n)
    for i in range(n):
        if rng.random() < COMPOUND_RATE:
            words[i] = rng.choice(vocab.compounds)
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def make_document(doc_id: int, vocab: Vocabulary, words: int) -> IndexedDocument:
    rng = random.Random(SEED * 1_000_003 + doc_id)
    themes = tuple(sorted(rng.sample(sorted(THEMES), rng.choice((1, 1, 2, 3)))))
    type_slug = rng.choice(sorted(TYPES))
    org_index = rng.randrange(40)
    place = ORG_PLACES[org_index % len(ORG_PLACES)]
    paragraphs, written = [], 0
    while written < words:
        para = []
        for _ in range(rng.randint(3, 7)):
            n = rng.randint(8, 22)
            para.append(sentence(rng, vocab, n))
            written += n
        paragraphs.append(" ".join(para))
    year = rng.randint(2012, 2025)
    return IndexedDocument(
        id=doc_id,
        title=sentence(rng, vocab, rng.randint(3, 8)).rstrip("."),
        summary=sentence(rng, vocab, rng.randint(20, 40)),
        body="\n\n".join(paragraphs),
        themes=themes,
        theme_names=tuple(THEMES[t] for t in themes),
        type=type_slug,
        type_name=TYPES[type_slug],
        organisation=f"wijkcooperatie-{org_index}",
        organisation_name=f"Wijkcoöperatie {place} {org_index}",
        region=REGIONS[org_index % len(REGIONS)],
        region_name=REGIONS[org_index % len(REGIONS)].replace("-", " ").title(),
        year=year,
        visibility="members" if rng.random() < 0.3 else "public",
        status="ready",
        created=datetime(year, rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC),
    )


def make_queries(vocab: Vocabulary, n: int) -> list[str]:
    rng = random.Random(SEED + 7)
    queries = []
    for i in range(n):
        size = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
        words = [vocab.query_words[(i * 3 + j) % len(vocab.query_words)] for j in range(size)]
        if rng.random() < 0.15:  # a compound part or a whole compound, as members type them
            words[0] = rng.choice((*COMPOUND_RIGHT, *vocab.compounds[:40]))
        queries.append(" ".join(words))
    return queries


class TimedDocs:
    """Yields documents while keeping generation time apart from indexing time."""

    def __init__(self, count: int, vocab: Vocabulary, words: int) -> None:
        self.count, self.vocab, self.words = count, vocab, words
        self.generation_seconds = 0.0
        self.generation_cpu_seconds = 0.0

    def __iter__(self) -> Iterator[IndexedDocument]:
        for doc_id in range(1, self.count + 1):
            start, start_cpu = time.perf_counter(), time.process_time()
            doc = make_document(doc_id, self.vocab, self.words)
            self.generation_seconds += time.perf_counter() - start
            self.generation_cpu_seconds += time.process_time() - start_cpu
            yield doc


# -- engines ----------------------------------------------------------------------------------
class KennisnetEngine:
    """Kennisnet's default backend (SQLite FTS5 fed by the Dutch analysis)."""

    name = "kennisnet"

    def __init__(self, directory: Path) -> None:
        self.backend = SqliteBackend(directory / self.name)

    def build(self, docs: TimedDocs) -> None:
        self.backend.rebuild(docs)

    def run(self, text: str, mode: str) -> int:
        query = SearchQuery(text=text, viewer=MEMBER, per_page=10)
        if mode == "full":
            return len(self.backend.search(query).hits)
        from kennisnet.search import fts_query, querylang
        from kennisnet.search import sqlite_backend as sb

        expression = fts_query.compile_query(querylang.parse(text))
        if expression is None:
            return 0
        with self.backend._reader() as reader:
            ranked = reader.ranked(sb.RANKED, expression, 10, 0)
            if mode == "facets":
                visible = reader.matching(expression) & reader.visible(MEMBER)
                reader.facet_counts(visible, {}, ())
            return len(ranked)

    def close(self) -> None:
        self.backend.close()


class KennisnetWhooshEngine:
    """The same analysis on the Whoosh backend (``KENNISNET_SEARCH_BACKEND=whoosh``)."""

    name = "kennisnet-whoosh"

    def __init__(self, directory: Path) -> None:
        self.backend = WhooshBackend(directory / self.name)

    def build(self, docs: TimedDocs) -> None:
        self.backend.rebuild(docs)

    def run(self, text: str, mode: str) -> int:
        if mode == "full":
            query = SearchQuery(text=text, viewer=MEMBER, per_page=10)
            return len(self.backend.search(query).hits)
        from kennisnet.search.whoosh import backend as wb

        backend = self.backend
        query = SearchQuery(text=text, viewer=MEMBER, per_page=10)
        with backend._searcher() as searcher:
            parsed = backend._parse(text, searcher)
            if parsed is None:
                return 0
            visibility = wb._visibility_filter(query)
            results = searcher.search(parsed, limit=10, filter=visibility)
            ids = [int(hit["id"]) for hit in results]
            if mode == "facets":
                visible = backend._matching(searcher, parsed) & backend._visible_docs(
                    searcher, MEMBER
                )
                backend._facets(searcher, frozenset(visible), {})
            return len(ids)

    def close(self) -> None:
        self.backend.close()


class KennisnetPostgresEngine:
    """The same analysis on ``PostgresBackend`` (``KENNISNET_SEARCH_BACKEND=postgres``), in a
    throwaway PostgreSQL server (``tests.databases``: Debian's binaries, a unix socket, fsync
    off) unless ``--pg-url`` names one. Its data folder is measured as the index size, less
    the size of an empty cluster."""

    name = "kennisnet-postgres"
    url: str | None = None

    def __init__(self, directory: Path) -> None:
        from kennisnet.search.postgres_backend import PostgresBackend

        self.server = None
        url = self.url
        if url is None:
            from tests.databases import PostgresServer

            self.server = PostgresServer(
                name="kn-bench", settings={"shared_buffers": "512MB", "work_mem": "32MB"}
            ).start()
            self.server.create_database("bench")
            url = self.server.url("bench")
        (directory / self.name).mkdir(parents=True, exist_ok=True)
        self.backend = PostgresBackend(url)

    def build(self, docs: TimedDocs) -> None:
        self.backend.rebuild(docs)

    def index_bytes(self) -> int:
        return self.backend.index_bytes()

    def run(self, text: str, mode: str) -> int:
        query = SearchQuery(text=text, viewer=MEMBER, per_page=10)
        if mode == "full":
            return len(self.backend.search(query).hits)
        from kennisnet.search import pg_query, querylang
        from kennisnet.search import postgres_backend as pb

        tree = querylang.parse(text)
        expr, ranking = pg_query.compile_query(tree), pg_query.rank_query(tree)
        if expr is None or ranking is None:
            return 0
        with self.backend._reader() as reader:
            kinds = pb._kinds(MEMBER)
            visible = reader.visible(MEMBER)
            matched = reader.matching(expr, MEMBER)
            ranked = reader.ranked(ranking, kinds, visible, matched, 10)
            if mode == "facets":
                pb._facet_counts(reader, matched & visible, {}, ())
            return len(ranked)

    def close(self) -> None:
        self.backend.close()
        if self.server is not None:
            self.server.stop()


class PlainWhooshEngine:
    name = "whoosh-plain"

    def __init__(self, directory: Path) -> None:
        self.directory = directory / self.name
        self.searcher = None

    def build(self, docs: TimedDocs) -> None:
        from whoosh import index
        from whoosh.analysis import LanguageAnalyzer
        from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

        dutch = LanguageAnalyzer("nl")
        schema = Schema(
            id=ID(stored=True, unique=True),
            title=TEXT(analyzer=dutch, field_boost=3.0, stored=True),
            summary=TEXT(analyzer=dutch, field_boost=1.5, stored=True),
            # Stored character offsets: Whoosh's fast highlighting path (PinpointFragmenter),
            # without which highlighting 1,200-word documents takes seconds per query.
            body=TEXT(analyzer=dutch, stored=True, chars=True),
            theme_names=TEXT(analyzer=dutch, field_boost=2.0),
            type_name=TEXT(analyzer=dutch),
            organisation_name=TEXT(analyzer=dutch),
            themes=KEYWORD(commas=True, sortable=True),
            type=ID(sortable=True),
            organisation=ID(sortable=True),
            region=ID,
            year=ID(sortable=True),
            visibility=ID,
            created=DATETIME(sortable=True),
        )
        self.directory.mkdir(parents=True)
        ix = index.create_in(str(self.directory), schema)
        writer = ix.writer(limitmb=128, compound=False)
        for doc in docs:
            writer.add_document(
                id=str(doc.id),
                title=doc.title,
                summary=doc.summary,
                body=doc.body,
                theme_names=" ".join(doc.theme_names),
                type_name=doc.type_name,
                organisation_name=doc.organisation_name,
                themes=",".join(doc.themes),
                type=doc.type,
                organisation=doc.organisation,
                region=doc.region,
                year=str(doc.year),
                visibility=doc.visibility,
                created=doc.created.replace(tzinfo=None),
            )
        writer.commit()
        self.ix = ix

    def run(self, text: str, mode: str) -> int:
        from whoosh import highlight, qparser, sorting
        from whoosh import query as wq

        if self.searcher is None:
            self.searcher = self.ix.searcher()
            fields = ["title", "summary", "body", "theme_names", "type_name", "organisation_name"]
            self.parser = qparser.MultifieldParser(fields, self.ix.schema, group=qparser.AndGroup)
            self.visibility = wq.Or(
                [wq.Term("visibility", "public"), wq.Term("visibility", "members")]
            )
            self.facets = [
                sorting.FieldFacet(f, maptype=sorting.Count)
                for f in ("type", "organisation", "year")
            ]
            self.facets.append(
                sorting.FieldFacet("themes", allow_overlap=True, maptype=sorting.Count)
            )
        parsed = self.parser.parse(text)
        kwargs = {"groupedby": self.facets} if mode != "top10" else {}
        results = self.searcher.search(
            parsed, limit=10, filter=self.visibility, terms=mode == "full", **kwargs
        )
        if mode != "top10":
            for facet in ("type", "organisation", "year", "themes"):
                results.groups(facet)
        if mode == "full":
            results.fragmenter = highlight.PinpointFragmenter(
                maxchars=200, surround=60, autotrim=True
            )
            for hit in results:
                hit.highlights("body", top=2)
        return len(results[:10])

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()


class Fts5Engine:
    name = "fts5"
    FACET_COLUMNS = ("type", "organisation", "year")

    def __init__(self, directory: Path) -> None:
        (directory / self.name).mkdir(parents=True)
        self.db = sqlite3.connect(directory / self.name / "fts5.db")

    def build(self, docs: TimedDocs) -> None:
        db = self.db
        db.executescript(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE doc (id INTEGER PRIMARY KEY, type TEXT, organisation TEXT,
                              region TEXT, year INTEGER, visibility TEXT, created TEXT);
            CREATE TABLE doc_theme (doc INTEGER, theme TEXT);
            CREATE VIRTUAL TABLE doc_text USING fts5(
                title, summary, body, theme_names, type_name, organisation_name,
                tokenize = 'unicode61 remove_diacritics 2');
            """
        )
        with db:
            for doc in docs:
                db.execute(
                    "INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.id,
                        doc.type,
                        doc.organisation,
                        doc.region,
                        doc.year,
                        doc.visibility,
                        doc.created.isoformat(),
                    ),
                )
                db.executemany(
                    "INSERT INTO doc_theme VALUES (?, ?)", [(doc.id, theme) for theme in doc.themes]
                )
                db.execute(
                    "INSERT INTO doc_text(rowid, title, summary, body, theme_names, type_name,"
                    " organisation_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.id,
                        doc.title,
                        doc.summary,
                        doc.body,
                        " ".join(doc.theme_names),
                        doc.type_name,
                        doc.organisation_name,
                    ),
                )
            db.execute("CREATE INDEX doc_theme_doc ON doc_theme(doc)")
        db.execute("INSERT INTO doc_text(doc_text) VALUES ('optimize')")
        db.commit()

    @staticmethod
    def match(text: str) -> str:
        # Every word required, each quoted so user text is never FTS5 syntax.
        words = WORD.findall(text) or [text]
        return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)

    def run(self, text: str, mode: str) -> int:
        db = self.db
        match = self.match(text)
        snippet = ", snippet(doc_text, 2, '<mark>', '</mark>', ' … ', 24)" if mode == "full" else ""
        rows = db.execute(
            f"SELECT doc_text.rowid{snippet} FROM doc_text JOIN doc ON doc.id = doc_text.rowid"  # noqa: S608
            " WHERE doc_text MATCH ? AND doc.visibility IN ('public', 'members')"
            " ORDER BY bm25(doc_text, 3.0, 1.5, 1.0, 2.0, 1.0, 1.0) LIMIT 10",
            (match,),
        ).fetchall()
        if mode != "top10":
            db.execute("DROP TABLE IF EXISTS temp.hits")
            db.execute(
                "CREATE TEMP TABLE hits AS SELECT doc.id AS id FROM doc_text"
                " JOIN doc ON doc.id = doc_text.rowid"
                " WHERE doc_text MATCH ? AND doc.visibility IN ('public', 'members')",
                (match,),
            )
            for column in self.FACET_COLUMNS:
                db.execute(
                    f"SELECT {column}, count(*) FROM doc JOIN temp.hits USING (id)"  # noqa: S608
                    f" GROUP BY {column}"
                ).fetchall()
            db.execute(
                "SELECT theme, count(*) FROM doc_theme JOIN temp.hits ON hits.id = doc_theme.doc"
                " GROUP BY theme"
            ).fetchall()
        return len(rows)

    def close(self) -> None:
        self.db.close()


ENGINE_CLASSES: dict[str, Callable[[Path], object]] = {
    "kennisnet": KennisnetEngine,
    "kennisnet-whoosh": KennisnetWhooshEngine,
    "kennisnet-postgres": KennisnetPostgresEngine,
    "whoosh-plain": PlainWhooshEngine,
    "fts5": Fts5Engine,
}


# -- measuring ---------------------------------------------------------------------------------
def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def measure(engine, queries: list[str], mode: str, warmup: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Wall-clock and CPU-time percentiles in ms; CPU time is what survives a busy machine."""
    for text in queries[:warmup]:
        engine.run(text, mode)
    wall, cpu, empty = [], [], 0
    for text in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        hits = engine.run(text, mode)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        empty += hits == 0
    figures = {f"p{p}": percentile(wall, p) for p in (50, 95, 99)}
    figures.update({f"cpu_p{p}": percentile(cpu, p) for p in (50, 95, 99)})
    figures.update(mean=statistics.fmean(wall), no_hits=empty)
    return figures


def profile_full_path(engine: KennisnetEngine, queries: list[str], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for text in queries:
        engine.run(text, "full")
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def source_versions() -> str:
    """Hashes of the search modules measured: the backend changes often, the figures with it."""
    parts = []
    names = (
        "sqlite_backend.py",
        "postgres_backend.py",
        "pg_query.py",
        "snippets.py",
        "whoosh/backend.py",
        "analysis.py",
    )
    for name in names:
        digest = hashlib.sha256((ROOT / "kennisnet" / "search" / name).read_bytes()).hexdigest()
        parts.append(f"{name} {digest[:12]}")
    return ", ".join(parts)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--words", type=int, default=1200, help="body words per document")
    parser.add_argument("--engines", default=",".join(DEFAULT_ENGINES))
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--profile", action="store_true", help="cProfile Kennisnet's full path")
    parser.add_argument("--tmp", type=Path, help="parent of the temporary directory")
    parser.add_argument(
        "--pg-url", help="kennisnet-postgres: this database, not a throwaway server's"
    )
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")

    KennisnetPostgresEngine.url = args.pg_url
    vocab = build_vocabulary(args.corpus, random.Random(SEED))
    queries = make_queries(vocab, args.queries)
    report: dict[str, object] = {
        "command": "python bench/search.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "source": source_versions(),
        "load_before": os.getloadavg(),
        "docs": args.docs,
        "queries": len(queries),
        "words_per_doc": args.words,
        "engines": {},
    }
    print(f"# {report['command']}\n# {report['date']}  {report['machine']}")
    print(f"# {report['source']}")
    print(
        f"# vocabulary {len(vocab.words)} words + {len(vocab.compounds)} compounds; "
        f"queries e.g. {queries[:5]}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="kennisnet-bench-", dir=args.tmp))
    # A stopped run (kill, Ctrl-C) must still remove its index: make SIGTERM an exception.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        for name in engines:
            engine = ENGINE_CLASSES[name](workdir)
            docs = TimedDocs(args.docs, vocab, args.words)
            start, start_cpu = time.perf_counter(), time.process_time()
            engine.build(docs)  # type: ignore[attr-defined]
            seconds = time.perf_counter() - start - docs.generation_seconds
            cpu_seconds = time.process_time() - start_cpu - docs.generation_cpu_seconds
            if hasattr(engine, "index_bytes"):
                size = engine.index_bytes()
            else:
                size = sum(p.stat().st_size for p in (workdir / name).rglob("*") if p.is_file())
            result: dict[str, object] = {
                "index_seconds": seconds,
                "docs_per_second": args.docs / seconds,
                "cpu_seconds": cpu_seconds,
                "docs_per_cpu_second": args.docs / cpu_seconds,
                "generation_seconds": docs.generation_seconds,
                "index_mb": size / 1e6,
            }
            print(
                f"{name}: indexed {args.docs} docs in {seconds:.1f} s "
                f"({args.docs / seconds:.0f} docs/s; {args.docs / cpu_seconds:.0f} per CPU second; "
                f"generation {docs.generation_seconds:.1f} s not counted), {size / 1e6:.0f} MB",
                flush=True,
            )
            for mode in MODES:
                figures = measure(engine, queries, mode, args.warmup)
                result[mode] = figures
                print(
                    f"  {mode:7} p50 {figures['p50']:8.2f}  p95 {figures['p95']:8.2f}  "
                    f"p99 {figures['p99']:8.2f} ms | CPU p50 {figures['cpu_p50']:8.2f}  "
                    f"p95 {figures['cpu_p95']:8.2f}  p99 {figures['cpu_p99']:8.2f} ms  "
                    f"({figures['no_hits']:.0f} without hits)",
                    flush=True,
                )
            if args.profile and name == "kennisnet":
                print(profile_full_path(engine, queries, 30))  # type: ignore[arg-type]
            engine.close()  # type: ignore[attr-defined]
            report["engines"][name] = result  # type: ignore[index]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    results = report["engines"]
    assert isinstance(results, dict)
    if "kennisnet" in results:
        print("\nKennisnet relative to the others (>1 means Kennisnet is slower):")
        ours = results["kennisnet"]
        for other in (e for e in engines if e != "kennisnet"):
            theirs = results[other]
            ratios = {
                "docs_per_second": theirs["docs_per_second"] / ours["docs_per_second"],
                "docs_per_cpu_second": theirs["docs_per_cpu_second"] / ours["docs_per_cpu_second"],
            }
            for mode in MODES:
                ratios[f"{mode}_p95"] = ours[mode]["p95"] / theirs[mode]["p95"]
                ratios[f"{mode}_cpu_p95"] = ours[mode]["cpu_p95"] / theirs[mode]["cpu_p95"]
            report.setdefault("ratios", {})[other] = ratios
            print(
                f"  vs {other:12} indexing {ratios['docs_per_second']:.2f}x "
                f"(CPU {ratios['docs_per_cpu_second']:.2f}x); p95 "
                + ", ".join(
                    f"{m} {ratios[f'{m}_p95']:.2f}x (CPU {ratios[f'{m}_cpu_p95']:.2f}x)"
                    for m in MODES
                )
            )
    if "kennisnet" in results and "kennisnet-postgres" in results:
        # The targets read as PostgreSQL against FTS5 (>1 means PostgreSQL is slower).
        ours, theirs = results["kennisnet-postgres"], results["kennisnet"]
        ratio = {f"{m}_p95": ours[m]["p95"] / theirs[m]["p95"] for m in MODES}
        ratio["docs_per_second"] = theirs["docs_per_second"] / ours["docs_per_second"]
        ratio["index_mb"] = ours["index_mb"] / theirs["index_mb"]
        report.setdefault("ratios", {})["postgres_vs_fts5"] = ratio
        print(
            "  postgres / fts5: "
            + ", ".join(f"{key} {value:.2f}x" for key, value in ratio.items())
            + f"; full p95 {ours['full']['p95']:.1f} ms vs {theirs['full']['p95']:.1f} ms"
        )
    report["load_after"] = os.getloadavg()
    print(f"# load average before {report['load_before']}, after {report['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
