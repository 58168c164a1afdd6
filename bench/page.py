"""What one anonymous search page costs in-process: the figure to iterate on.

    python bench/page.py [--search postgres|sqlite] [--docs 300] [--pages 60] [--profile 40]

Makes a throwaway database (PostgreSQL from ``tests/databases.py`` for ``--search postgres``,
a SQLite file otherwise) with ``--docs`` public documents of random words, warms the caches,
then asks ``/zoeken?q=<word>`` ``--pages`` times through the test client. Prints wall and CPU
milliseconds a page and SQL statements a page; with ``--profile N`` the same pages run once
more under cProfile and the N hottest functions (cumulative) are printed. CPU time of this
process is the steadier figure on a shared machine: waits for the database do not count.
Between ``--write-every`` pages, one document is reindexed (the worker's write), so the
per-write cost of the app's caches shows too.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import event

from kennisnet.core.extensions import db
from kennisnet.curation import categories
from kennisnet.documents import indexing
from tests import databases
from tests.conftest import make_app
from tests.factories import make_document, make_user

WORDS = [
    "buurt",
    "wijk",
    "bewoners",
    "coöperatie",
    "mantelzorg",
    "subsidie",
    "vrijwilligers",
    "plan",
    "project",
    "zorg",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--search", default="postgres", choices=("postgres", "sqlite"))
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--write-every", type=int, default=0)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kn-page-"))
    overrides: dict[str, object] = {"SEARCH_BACKEND": args.search, "TESTING": False}
    if args.search == "postgres":
        pg = databases.server()
        pg.create_database("bench_page")
        overrides["SQLALCHEMY_DATABASE_URI"] = pg.url("bench_page")
    app = make_app(tmp, **overrides)
    with app.app_context():
        upgrade()
        categories.seed()
        user = make_user()
        rng = random.Random(1)
        themes = [t.slug for t in categories.themes_in_order()]
        ids = []
        for i in range(args.docs):
            text = " ".join(rng.choice(WORDS) for _ in range(300))
            doc = make_document(
                user, text, title=f"Doc {i} {rng.choice(WORDS)}", themes=rng.sample(themes, 2)
            )
            ids.append(doc.id)
        statements = [0]

        def count(*_args: object) -> None:
            statements[0] += 1

        engine = db.engine
    client = app.test_client()

    def pages() -> None:
        for i in range(args.pages):
            if args.write_every and i % args.write_every == 0:
                with app.app_context():
                    indexing.index_documents([ids[i % len(ids)]])
            response = client.get(f"/zoeken?q={WORDS[i % len(WORDS)]}")
            assert response.status_code == 200, response.status_code

    for word in WORDS:
        client.get(f"/zoeken?q={word}")
    event.listen(engine, "before_cursor_execute", count)
    wall, cpu = time.perf_counter(), time.process_time()
    pages()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    event.remove(engine, "before_cursor_execute", count)
    print(
        f"search={args.search} docs={args.docs} pages={args.pages} write_every={args.write_every}"
        f" wall_ms={wall / args.pages * 1000:.1f} cpu_ms={cpu / args.pages * 1000:.1f}"
        f" statements={statements[0] / args.pages:.1f}"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        pages()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
