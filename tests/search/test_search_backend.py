"""Every backend behind the search boundary: filters, facets, visibility, safety."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kennisnet.search import ANONYMOUS, IndexedDocument, SearchBackend, SearchQuery, Viewer
from kennisnet.search.analysis import rejoin_hyphenated
from kennisnet.search.postgres_backend import PostgresBackend
from kennisnet.search.sqlite_backend import SqliteBackend
from kennisnet.search.whoosh import WhooshBackend
from tests.search.engines import ENGINES, FILE_ENGINES, Engines

MEMBER = Viewer(user_id=1, sees_members_only=True)


def doc(id: int, **overrides: object) -> IndexedDocument:
    values: dict[str, object] = {
        "id": id,
        "title": f"Document {id}",
        "summary": "",
        "body": "",
        "themes": (),
        "theme_names": (),
        "type": "overig",
        "type_name": "Overig",
        "organisation": "",
        "organisation_name": "",
        "region": "",
        "region_name": "",
        "year": 2025,
        "visibility": "public",
        "status": "ready",
        "created": datetime(2025, 1, id % 28 + 1),
    }
    values.update(overrides)
    return IndexedDocument(**values)


Open = Callable[[Path], SearchBackend]


def _opener(name: str) -> Iterator[Open]:
    engines = Engines()
    yield lambda folder: engines.open(name, folder)
    engines.close_all()


@pytest.fixture(params=ENGINES)
def backend_class(request: pytest.FixtureRequest) -> Iterator[Open]:
    """Opens an index of the engine under test in a folder (or the folder's own database)."""
    yield from _opener(request.param)


@pytest.fixture(params=FILE_ENGINES)
def file_backend_class(request: pytest.FixtureRequest) -> Iterator[Open]:
    """The engines that keep their index in files: generations, snapshots, the write lock."""
    yield from _opener(request.param)


@pytest.fixture
def backend(tmp_path: Path, backend_class: Open) -> SearchBackend:
    search = backend_class(tmp_path / "index")
    search.index(
        [
            doc(
                1,
                title="Statuten wijkcoöperatie De Vaart",
                type="statuten",
                themes=("burgerparticipatie",),
                body="De coöperatie heeft leden en een bestuur.",
                organisation="de-vaart",
                year=2023,
            ),
            doc(
                2,
                title="Mantelzorgcafé in de buurtkamer",
                type="projectplan",
                themes=("mantelzorg", "ontmoetingsplekken"),
                body="Mantelzorgers ontmoeten elkaar elke week.",
                organisation="oost",
                year=2024,
            ),
            doc(
                3,
                title="Geheim subsidieplan",
                type="subsidie",
                themes=("mantelzorg",),
                body="Subsidies voor mantelzorgers, alleen voor leden.",
                visibility="members",
                organisation="oost",
                year=2024,
            ),
            doc(
                4,
                title="Repaircafé pilot",
                type="pilot-idee",
                themes=("wijkeconomie",),
                body="Een pilot met vrijwilligers die spullen repareren.",
                year=2025,
            ),
        ]
    )
    return search


def ids(results) -> list[int]:
    return [h.id for h in results.hits]


def test_full_text_with_dutch_forms(backend: SearchBackend) -> None:
    assert ids(backend.search(SearchQuery(text="cooperatie"))) == [1]
    assert ids(backend.search(SearchQuery(text="mantelzorger"))) == [2]


def test_anonymous_never_sees_members_only(backend: SearchBackend) -> None:
    anonymous = backend.search(SearchQuery(text="subsidies"))
    assert anonymous.total == 0
    assert ids(backend.search(SearchQuery(text="subsidies", viewer=MEMBER))) == [3]
    # Facet counts leak nothing either.
    facets = backend.search(SearchQuery(text="")).facets
    assert "subsidie" not in facets["type"]
    assert facets["theme"]["mantelzorg"] == 1
    assert backend.search(SearchQuery(viewer=MEMBER)).facets["theme"]["mantelzorg"] == 2


def test_empty_query_lists_newest_first(backend: SearchBackend) -> None:
    results = backend.search(SearchQuery(text="", viewer=MEMBER))
    assert results.total == 4
    assert ids(results) == [4, 3, 2, 1]


def test_filters_combine_or_within_and_across(backend: SearchBackend) -> None:
    both = backend.search(
        SearchQuery(filters={"theme": ("mantelzorg", "wijkeconomie")}, viewer=MEMBER)
    )
    assert sorted(ids(both)) == [2, 3, 4]
    narrowed = backend.search(
        SearchQuery(filters={"theme": ("mantelzorg",), "type": ("projectplan",)}, viewer=MEMBER)
    )
    assert ids(narrowed) == [2]
    # With words: ranked inside the engine, with and without the visibility condition.
    for viewer, expected in ((MEMBER, [2, 3]), (ANONYMOUS, [2])):
        ranked = backend.search(
            SearchQuery(text="mantelzorgers", filters={"theme": ("mantelzorg",)}, viewer=viewer)
        )
        assert sorted(ids(ranked)) == expected


def test_facet_counts_are_disjunctive(backend: SearchBackend) -> None:
    results = backend.search(SearchQuery(filters={"type": ("projectplan",)}, viewer=MEMBER))
    # The type facet still offers the other types, counted without its own filter...
    assert results.facets["type"] == {
        "pilot-idee": 1,
        "projectplan": 1,
        "statuten": 1,
        "subsidie": 1,
    }
    # ...while other facets are counted within the filtered results.
    assert results.facets["theme"] == {"mantelzorg": 1, "ontmoetingsplekken": 1}
    assert results.facets["year"] == {"2024": 1}
    assert results.facets["organisation"] == {"oost": 1}


def test_sort_newest_and_paging(backend: SearchBackend) -> None:
    first = backend.search(SearchQuery(viewer=MEMBER, per_page=3, page=1, sort="newest"))
    second = backend.search(SearchQuery(viewer=MEMBER, per_page=3, page=2, sort="newest"))
    assert first.pages == 2
    assert ids(first) + ids(second) == [4, 3, 2, 1]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "(",
        "AND",
        "OR NOT",
        "title:geheim",
        "visibility:members",
        "*",
        "a*",
        "[a TO z]",
        '"unclosed phrase',
        ")))",
        "^2",
        "~",
        "\x00",
        "  ",
        "💥",
        "NOT",
        "-",
        "+",
    ],
)
def test_any_syntax_answers_normally(backend: SearchBackend, text: str) -> None:
    results = backend.search(SearchQuery(text=text))
    assert results.total >= 0
    assert 3 not in ids(results)


def test_field_syntax_does_not_reach_members_only(backend: SearchBackend) -> None:
    assert 3 not in ids(backend.search(SearchQuery(text="visibility:members geheim")))


def test_snippets_highlight_and_escape(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    search.index([doc(1, body="Een <script>alert(1)</script> buurtkamer voor iedereen.")])
    hit = search.search(SearchQuery(text="buurtkamer")).hits[0]
    assert "<mark>buurtkamer</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


def test_remove_and_update(backend: SearchBackend) -> None:
    backend.remove([1])
    assert backend.search(SearchQuery(text="cooperatie")).total == 0
    backend.index([doc(2, title="Nieuwe titel over tuinieren")])
    assert ids(backend.search(SearchQuery(text="tuinieren"))) == [2]
    assert backend.search(SearchQuery(text="mantelzorgcafé")).total == 0


def test_rebuild_swaps_generation(backend: SearchBackend) -> None:
    assert not backend.needs_rebuild()
    count = backend.rebuild([doc(7, title="Alleen dit document")])
    assert count == 1
    assert backend.indexed_ids() == {7}
    if isinstance(backend, PostgresBackend):
        # The schema built aside was renamed into place: nothing of the old one is left.
        schemas = _schemas(backend)
        assert "kennisnet_search" in schemas and "kennisnet_search_new" not in schemas
    else:
        assert len(list(backend.directory.glob("gen-*"))) == 1


def test_missing_or_foreign_index_needs_rebuild(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    assert search.needs_rebuild()
    search.rebuild([])
    assert not search.needs_rebuild()
    if isinstance(search, PostgresBackend):
        _sql(search, "UPDATE kennisnet_search.meta SET value = '0.0' WHERE key = 'schema'")
        assert search.needs_rebuild()
        return
    version_file = next(search.directory.glob("gen-*/kennisnet-schema.json"))
    version_file.write_text('{"version": "0.0"}')
    assert search.needs_rebuild()


def test_empty_body_indexes(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    search.index([doc(1, body="", summary="   ")])
    assert search.search(SearchQuery(text="document")).total == 1


def test_suggestion_comes_from_visible_documents_only(backend: SearchBackend) -> None:
    # "geheim" is only in the members-only document 3.
    assert backend.search(SearchQuery(text="geheum")).suggestion is None
    assert backend.search(SearchQuery(text="geheum", viewer=MEMBER)).suggestion == "geheim"
    assert backend.search(SearchQuery(text="statutn")).suggestion == "statuten"


def test_or_fallback_only_when_all_words_find_nothing(backend: SearchBackend) -> None:
    both = backend.search(SearchQuery(text="repaircafé vrijwilligers"))
    assert (both.fallback, ids(both)) == (None, [4])
    either = backend.search(SearchQuery(text="repaircafé statuten"))
    assert either.fallback == "or"
    assert sorted(ids(either)) == [1, 4]
    # Nothing to fall back to: no note either.
    assert backend.search(SearchQuery(text="xyzzy qwerty")).fallback is None


def test_complete_and_more_like_respect_visibility(backend: SearchBackend) -> None:
    anonymous = backend.complete("gehe", ANONYMOUS)
    assert anonymous.title_ids == [] and "geheim" not in anonymous.terms
    member = backend.complete("gehe", MEMBER)
    assert member.title_ids == [3] and "geheim" in member.terms
    assert 3 not in backend.more_like(2, ANONYMOUS)
    assert backend.complete("", MEMBER).title_ids == []


def test_reused_searchers_see_every_write(backend: SearchBackend) -> None:
    for _ in range(3):  # warm the pool
        backend.search(SearchQuery(text="pilot"))
    backend.index([doc(9, title="Pilot deelauto")])
    assert sorted(ids(backend.search(SearchQuery(text="pilot")))) == [4, 9]
    backend.remove([9])
    assert ids(backend.search(SearchQuery(text="pilot"))) == [4]
    backend.rebuild([doc(5, title="Pilot na herbouw")])
    assert ids(backend.search(SearchQuery(text="pilot"))) == [5]
    backend.close()
    assert ids(backend.search(SearchQuery(text="pilot"))) == [5]


def test_compound_query_finds_its_parts_below_the_compound(
    tmp_path: Path, backend_class: Open
) -> None:
    search = backend_class(tmp_path / "idx")
    search.index(
        [
            doc(1, title="Een nieuw buurtinitiatief", body="Wij starten een buurtinitiatief."),
            doc(2, title="Plannen", body="Een initiatief in de buurt voor iedereen."),
            doc(3, title="Alleen de buurt", body="Over de buurt en niets anders."),
        ]
    )
    assert ids(search.search(SearchQuery(text="buurtinitiatief"))) == [1, 2]


def test_phrases_match_word_forms_in_order(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    search.index(
        [
            doc(1, body="De algemene ledenvergaderingen van de coöperatie."),
            doc(2, body="De algemene voorwaarden gelden op elke vergadering."),
        ]
    )
    assert ids(search.search(SearchQuery(text='"algemene ledenvergadering"'))) == [1]


def test_or_not_and_parentheses(backend: SearchBackend) -> None:
    assert sorted(ids(backend.search(SearchQuery(text="repaircafé OR statuten")))) == [1, 4]
    assert ids(backend.search(SearchQuery(text="mantelzorgers NOT buurtkamer", viewer=MEMBER))) == [
        3
    ]
    either = backend.search(SearchQuery(text='(pilot OR "wijkcoöperatie de vaart") bestuur'))
    assert ids(either) == [1]


def test_paging_covers_every_hit_once(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    search.index([doc(n, title=f"Buurtkamer {n}", body="buurtkamer " * n) for n in range(1, 26)])
    everything = ids(search.search(SearchQuery(text="buurtkamer", per_page=100)))
    pages = [
        ids(search.search(SearchQuery(text="buurtkamer", per_page=7, page=p))) for p in (1, 2, 3, 4)
    ]
    assert [i for page in pages for i in page] == everything
    assert sorted(everything) == list(range(1, 26))


def test_an_index_from_the_other_engine_needs_a_rebuild(tmp_path: Path) -> None:
    whoosh = WhooshBackend(tmp_path / "idx")
    whoosh.rebuild([doc(1, title="Oude index")])
    sqlite = SqliteBackend(tmp_path / "idx")
    assert sqlite.needs_rebuild()
    sqlite.rebuild([doc(2, title="Nieuwe index")])
    assert not sqlite.needs_rebuild()
    assert ids(sqlite.search(SearchQuery(text="index"))) == [2]
    assert WhooshBackend(tmp_path / "idx").needs_rebuild()


def _sql(search: PostgresBackend, statement: str) -> list[tuple]:
    with search.engine.begin() as conn:
        result = conn.exec_driver_sql(statement)
        return list(result) if result.returns_rows else []


def _schemas(search: PostgresBackend) -> set[str]:
    return {row[0] for row in _sql(search, "SELECT nspname FROM pg_namespace")}


def test_backend_is_chosen_by_setting(tmp_path: Path) -> None:
    from kennisnet.core.config import settings_from_env
    from kennisnet.search import make_search_backend

    default = settings_from_env({"KENNISNET_DATA_DIR": str(tmp_path)})
    assert isinstance(make_search_backend(default), SqliteBackend)
    chosen = settings_from_env(
        {"KENNISNET_DATA_DIR": str(tmp_path), "KENNISNET_SEARCH_BACKEND": "Whoosh"}
    )
    assert isinstance(make_search_backend(chosen), WhooshBackend)
    with pytest.raises(ValueError, match="KENNISNET_SEARCH_BACKEND"):
        make_search_backend({**default, "SEARCH_BACKEND": "elastic"})


def test_rejoined_words_are_found_and_marked(tmp_path: Path, backend_class: Open) -> None:
    # Hyphens at line ends are rejoined once, when the indexed document is built; the backend
    # indexes and marks the text as given.
    search = backend_class(tmp_path / "idx")
    body = rejoin_hyphenated("Daarna vertelden de vrijwilli-\ngers van het Noord-\nHolland café.")
    search.index([doc(1, body=body)])
    hit = search.search(SearchQuery(text="vrijwilligers")).hits[0]
    assert "<mark>vrijwilligers</mark>" in hit.snippet
    assert search.search(SearchQuery(text="holland")).total == 1  # a capital: a real hyphen


def test_backends_index_text_as_given(tmp_path: Path, backend_class: Open) -> None:
    # Rejoining twice would be harmless but is not the backend's job: a broken word stays two.
    search = backend_class(tmp_path / "idx")
    search.index([doc(1, body="de vrijwilli-\ngers")])
    assert search.search(SearchQuery(text="vrijwilligers")).total == 0


def test_schema_version_is_none_without_an_index(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    assert search.schema_version() is None
    assert search.needs_rebuild()
    search.rebuild([doc(1)])
    assert search.schema_version() is not None
    assert not search.needs_rebuild()


def test_snapshot_without_an_index_copies_nothing(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    assert search.snapshot(tmp_path / "copy") is None
    assert not (tmp_path / "copy").exists()


def test_snapshot_copies_the_live_generation_and_opens_as_an_index(
    tmp_path: Path, file_backend_class: Open
) -> None:
    search = file_backend_class(tmp_path / "idx")
    search.rebuild([doc(1, body="coöperatie")])
    search.index([doc(2, body="mantelzorg")])  # after the rebuild: in the write-ahead log
    version = search.snapshot(tmp_path / "copy")
    assert version == search.schema_version()
    generation = (tmp_path / "copy" / "CURRENT").read_text()
    assert generation == (tmp_path / "idx" / "CURRENT").read_text().strip()
    copied = sorted(p.name for p in (tmp_path / "copy" / generation).iterdir())
    assert copied and not any(name.endswith("-shm") for name in copied)
    # The copy is a complete index: every write made before the snapshot is in it.
    restored = file_backend_class(tmp_path / "copy")
    assert not restored.needs_rebuild()
    assert restored.indexed_ids() == {1, 2}
    assert restored.search(SearchQuery(text="mantelzorg")).total == 1


def test_snapshot_waits_for_a_writer(tmp_path: Path, file_backend_class: Open) -> None:
    search = file_backend_class(tmp_path / "idx")
    search.rebuild([doc(1)])
    other = file_backend_class(tmp_path / "idx")
    done = threading.Event()

    def copy() -> None:
        other.snapshot(tmp_path / "copy")
        done.set()

    with search.generations.write_lock():
        thread = threading.Thread(target=copy)
        thread.start()
        assert not done.wait(0.3)  # held off while a writer holds the lock
    thread.join(10)
    assert done.is_set()


def test_an_unreadable_generation_is_reported_not_recreated(tmp_path: Path) -> None:
    search = SqliteBackend(tmp_path / "idx")
    search.rebuild([doc(1)])
    database = next((tmp_path / "idx").glob("gen-*/search.sqlite"))
    search.close()
    database.unlink()
    with pytest.raises((sqlite3.OperationalError, FileNotFoundError)):
        search.indexed_ids()
    assert not database.exists()
    assert search.needs_rebuild()


def test_not_alone_and_not_in_the_or_fallback(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    search.index(
        [
            doc(1, title="Pilot repaircafé", body="Een pilot in het repaircafé."),
            doc(2, title="Pilot met repaircafé"),
            doc(3, title="Statuten"),
            doc(4, title="Pilot buurt"),
        ]
    )
    assert sorted(ids(search.search(SearchQuery(text="NOT pilot")))) == [3]
    assert sorted(ids(search.search(SearchQuery(text="de NOT pilot")))) == [3]
    # All pilots have the excluded word: the fallback must not bring them back.
    none_left = search.search(SearchQuery(text="pilot NOT repaircafé NOT buurt"))
    assert ids(none_left) == []
    either = search.search(SearchQuery(text="statuten pilot NOT repaircafé"))
    assert either.fallback == "or"
    assert sorted(ids(either)) == [3, 4]


def test_a_run_of_brackets_is_an_ordinary_query(backend: SearchBackend) -> None:
    results = backend.search(SearchQuery(text="(" * 3000 + "pilot" + ")" * 10))
    assert ids(results) == [4]


def test_newest_paging_with_equal_times(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    same = datetime(2025, 3, 30, 2, 50)
    search.index([doc(n, created=same) for n in range(1, 26)])
    pages = [ids(search.search(SearchQuery(per_page=7, page=p))) for p in (1, 2, 3, 4)]
    assert sorted(i for page in pages for i in page) == list(range(1, 26))


def test_hits_are_never_more_than_the_total(tmp_path: Path, backend_class: Open) -> None:
    search = backend_class(tmp_path / "idx")
    search.index(
        [
            doc(1, summary="Wij hielden een algemene", body="vergadering in de zaal"),
            doc(2, summary="De algemene vergadering"),
        ]
    )
    results = search.search(SearchQuery(text='"algemene vergadering"'))
    assert len(results.hits) <= results.total
    assert 2 in ids(results)


def test_a_wiped_and_rebuilt_index_is_not_read_from_the_old_file(tmp_path: Path) -> None:
    web = SqliteBackend(tmp_path / "idx")
    web.index([doc(1, title="Geheim plan")])
    assert ids(web.search(SearchQuery(text="geheim"))) == [1]
    shutil.rmtree(tmp_path / "idx")
    SqliteBackend(tmp_path / "idx").rebuild([doc(1, title="Geheim plan", visibility="members")])
    assert ids(web.search(SearchQuery(text="geheim"))) == []


def test_newest_uses_utc_whatever_the_server_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    try:
        search = SqliteBackend(tmp_path / "idx")
        # The night the clocks went forward: 02:50 and 03:10 UTC.
        search.index(
            [
                doc(1, created=datetime(2025, 3, 30, 2, 50)),
                doc(2, created=datetime(2025, 3, 30, 3, 10)),
            ]
        )
        assert ids(search.search(SearchQuery())) == [2, 1]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_correction_counts_only_what_the_viewer_may_see(tmp_path: Path) -> None:
    search = SqliteBackend(tmp_path / "idx")
    # Anonymous viewers see "buurtkamers" in two documents and "buurtkamer" in one; counting
    # members-only documents too would make "buurtkamer" (four) win.
    search.index(
        [
            doc(1, body="buurtkamers"),
            doc(2, body="buurtkamers"),
            doc(3, body="buurtkamer"),
            *(doc(n, body="buurtkamer", visibility="members") for n in (4, 5, 6)),
        ]
    )
    assert search.search(SearchQuery(text="buurtkamerz")).suggestion == "buurtkamers"
    member = search.search(SearchQuery(text="buurtkamerz", viewer=MEMBER))
    assert member.suggestion == "buurtkamer"


def test_a_compound_part_in_the_title_counts_as_a_title_match(
    tmp_path: Path, backend_class: Open
) -> None:
    # "netwerk" is a part of "Buurtnetwerken" in the title of 1, of one in the body of 2.
    search = backend_class(tmp_path / "idx")
    search.index(
        [
            doc(1, title="Buurtnetwerken versterken", body="Samen sterker in de wijk."),
            doc(2, title="Samen sterker", body="Buurtnetwerken en wijknetwerken helpen."),
            # Without other documents every word is in all of them and BM25 ranks nothing.
            *(doc(i, title=f"Verslag {i}", body="Over iets anders.") for i in range(3, 9)),
        ]
    )
    assert ids(search.search(SearchQuery(text="netwerk"))) == [1, 2]


def test_highlights_mark_a_compound_query_but_not_words_sharing_a_part(
    tmp_path: Path, backend_class: Open
) -> None:
    search = backend_class(tmp_path / "idx")
    body = "Het buurtinitiatief begon in het buurthuis, een initiatief uit de buurt."
    search.index([doc(1, body=body)])
    snippet = search.search(SearchQuery(text="buurtinitiatief")).hits[0].snippet
    assert "<mark>buurtinitiatief</mark>" in snippet
    assert "<mark>buurthuis</mark>" not in snippet
    # The parts as words of their own are what the query also matches.
    assert "<mark>initiatief</mark>" in snippet and "<mark>buurt</mark>" in snippet


# -- PostgreSQL: what differs from the file engines -------------------------------------------
@pytest.fixture
def pg_open() -> Iterator[Open]:
    yield from _opener("postgres")


def test_postgres_needs_a_postgresql_app_database(tmp_path: Path) -> None:
    from kennisnet.core.config import settings_from_env
    from kennisnet.search import make_search_backend

    settings = settings_from_env(
        {"KENNISNET_DATA_DIR": str(tmp_path), "KENNISNET_SEARCH_BACKEND": "postgres"}
    )
    with pytest.raises(ValueError, match="must be a PostgreSQL database"):
        make_search_backend(settings)


def test_postgres_snapshot_copies_nothing_the_database_holds_it(
    tmp_path: Path, pg_open: Open
) -> None:
    search = pg_open(tmp_path / "idx")
    search.rebuild([doc(1, body="coöperatie")])
    assert search.snapshot(tmp_path / "copy") is None
    assert not (tmp_path / "copy").exists()


def test_postgres_every_app_server_sees_one_index(tmp_path: Path, pg_open: Open) -> None:
    web, worker = pg_open(tmp_path / "idx"), pg_open(tmp_path / "idx")
    worker.index([doc(1, title="Buurtkamer open")])
    assert ids(web.search(SearchQuery(text="buurtkamer"))) == [1]
    worker.remove([1])
    assert web.search(SearchQuery(text="buurtkamer")).total == 0


def test_postgres_long_documents_are_passages_matched_as_one(tmp_path: Path, pg_open: Open) -> None:
    from kennisnet.search.pg_query import OVERLAP, PASSAGE_POSITIONS

    filler = " ".join(f"woord{i}" for i in range(PASSAGE_POSITIONS * 2))
    search = pg_open(tmp_path / "idx")
    search.index(
        [
            doc(1, title="Jaarverslag", body=f"mantelzorg {filler} buurtkamer"),
            doc(2, title="Kort", body="mantelzorg en buurtkamer"),
            # A phrase across the cut between two passages is found: they overlap.
            doc(
                3,
                body=f"{' '.join(f'vul{i}' for i in range(PASSAGE_POSITIONS - OVERLAP // 2))}"
                " repair cafe",
            ),
        ]
    )
    rows = _sql(search, "SELECT doc_id, count(*) FROM kennisnet_search.passages GROUP BY 1")
    assert dict(rows)[1] >= 3  # positions stop at 16,383: the body was cut
    # Words in different passages still make one match, scored by its best passage.
    assert sorted(ids(search.search(SearchQuery(text="mantelzorg buurtkamer")))) == [1, 2]
    assert ids(search.search(SearchQuery(text="jaarverslag buurtkamer"))) == [1]
    assert ids(search.search(SearchQuery(text="buurtkamer NOT jaarverslag"))) == [2]
    assert ids(search.search(SearchQuery(text='"repair cafe"'))) == [3]
    assert search.search(SearchQuery(text='"mantelzorg buurtkamer"')).total == 1


def test_postgres_rebuild_keeps_searches_answering(tmp_path: Path, pg_open: Open) -> None:
    search = pg_open(tmp_path / "idx")
    search.rebuild([doc(n, title=f"Buurtkamer {n}") for n in range(1, 6)])
    reader = pg_open(tmp_path / "idx")
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()

    def keep_searching() -> None:
        while not stop.is_set():
            try:
                totals.append(reader.search(SearchQuery(text="buurtkamer")).total)
            except BaseException as exc:
                errors.append(exc)

    thread = threading.Thread(target=keep_searching)
    thread.start()
    try:
        for _ in range(3):
            search.rebuild([doc(n, title=f"Buurtkamer {n}") for n in range(1, 6)])
    finally:
        stop.set()
        thread.join(30)
    assert not errors
    assert totals and set(totals) == {5}  # never an empty or half-built index


def test_postgres_writers_wait_for_each_other(tmp_path: Path, pg_open: Open) -> None:
    search = pg_open(tmp_path / "idx")
    search.rebuild([doc(1)])
    other = pg_open(tmp_path / "idx")
    done = threading.Event()

    def write() -> None:
        other.index([doc(2, title="Later")])
        done.set()

    assert isinstance(search, PostgresBackend)
    with search.write_lock():
        thread = threading.Thread(target=write)
        thread.start()
        assert not done.wait(0.3)  # held off by the advisory lock another session holds
    thread.join(10)
    assert done.is_set()
    assert search.indexed_ids() == {1, 2}


def test_postgres_term_counts_follow_writes(tmp_path: Path, pg_open: Open) -> None:
    search = pg_open(tmp_path / "idx")
    search.index([doc(1, body="buurtkamer"), doc(2, body="buurtkamer")])
    count = "SELECT docs FROM kennisnet_search.terms WHERE term = 'buurtkamer'"
    assert _sql(search, count) == [(2,)]
    search.index([doc(2, body="tuin")])
    assert _sql(search, count) == [(1,)]
    search.remove([1])
    assert _sql(search, count) == []
    search.rebuild([doc(3, body="buurtkamer buurtkamer"), doc(4, body="buurtkamer")])
    assert _sql(search, count) == [(2,)]


def test_postgres_ranks_title_matches_first_past_the_window(
    tmp_path: Path, pg_open: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kennisnet.search import postgres_backend

    search = pg_open(tmp_path / "idx")
    body_only = [doc(n, body="buurtkamer " * 5 + "en verder") for n in range(1, 9)]
    search.index([*body_only, doc(20, title="De buurtkamer", body="open"), doc(21, body="tuin")])
    everything = search.search(SearchQuery(text="buurtkamer", per_page=100))
    # A window smaller than the matches: only the best heads get the full score.
    monkeypatch.setattr(postgres_backend, "RANK_WINDOW", 3)
    first = search.search(SearchQuery(text="buurtkamer", per_page=2))
    assert first.total == everything.total == 9
    assert ids(first)[0] == 20  # the title match, found by the first phase
    # Paging past the window ranks everything in full: every hit once.
    pages = [
        ids(search.search(SearchQuery(text="buurtkamer", per_page=4, page=p))) for p in (1, 2, 3)
    ]
    assert sorted(i for page in pages for i in page) == sorted(ids(everything))


def test_fts5_indexes_the_body_analysis_a_worker_made_as_its_own(tmp_path: Path) -> None:
    from kennisnet.search.analysis import body_terms

    search = SqliteBackend(tmp_path / "idx")
    body = "De bewoners-\nvergaderingen over mantelzorg."
    given = doc(1, body=body, body_terms=body_terms(body))
    search.index([given, doc(2, body=body)])
    found = search.search(SearchQuery(text="bewonersvergadering"))
    assert {hit.id for hit in found.hits} == {1, 2}  # the same terms either way
    # The given analysis is what is indexed, not a second analysis of the body.
    search.index([doc(3, body=body, body_terms=body_terms("Een moestuin in de wijk."))])
    assert [hit.id for hit in search.search(SearchQuery(text="moestuin")).hits] == [3]
