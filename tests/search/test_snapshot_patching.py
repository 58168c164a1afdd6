"""After an index write, a reader patches its cached snapshot with the written documents only,
and answers exactly as a reader that reads everything afresh (FTS5 and PostgreSQL)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from kennisnet.search import ANONYMOUS, SearchBackend, SearchQuery, postgres_backend, sqlite_backend
from tests.search.engines import Engines
from tests.search.test_search_backend import MEMBER, doc

THEMES = ("mantelzorg", "wonen", "wijkeconomie", "burgerparticipatie")
WORDS = ("buurt", "zorg", "pilot", "leden", "subsidie", "repaircafé")


@pytest.fixture(params=("sqlite", "postgres"))
def engines(request: pytest.FixtureRequest) -> Iterator[tuple[str, Engines]]:
    opened = Engines()
    yield request.param, opened
    opened.close_all()


def _random_doc(rng: random.Random, doc_id: int):  # type: ignore[no-untyped-def]
    return doc(
        doc_id,
        title=f"{rng.choice(WORDS)} {doc_id}",
        body=" ".join(rng.choices(WORDS, k=8)),
        themes=tuple(rng.sample(THEMES, rng.randint(0, 2))),
        type=rng.choice(("statuten", "projectplan", "overig")),
        organisation=rng.choice(("", "oost", "de-vaart")),
        year=rng.choice((2023, 2024, 2025)),
        visibility=rng.choice(("public", "members")),
    )


def _answers(search: SearchBackend) -> list[object]:
    out: list[object] = []
    for viewer in (ANONYMOUS, MEMBER):
        for query in (
            SearchQuery(text="", viewer=viewer, per_page=50),
            SearchQuery(text="zorg", viewer=viewer, per_page=50, sort="newest"),
            SearchQuery(text="buurt", viewer=viewer, filters={"theme": ("wonen",)}, per_page=50),
            SearchQuery(text="", viewer=viewer, filters={"type": ("statuten",)}, per_page=50),
        ):
            found = search.search(query)
            out.append((found.total, [h.id for h in found.hits], found.facets))
    return out


def test_a_patched_snapshot_answers_as_a_fresh_one(
    tmp_path: Path, engines: tuple[str, Engines], monkeypatch: pytest.MonkeyPatch
) -> None:
    name, opened = engines
    module = sqlite_backend if name == "sqlite" else postgres_backend
    patched: list[object] = []
    carry = module.carried_forward

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        patched.append(args[1])
        return carry(*args, **kwargs)

    monkeypatch.setattr(module, "carried_forward", spy)
    rng = random.Random(13)  # noqa: S311 - a repeatable sequence, not a secret
    search = opened.open(name, tmp_path / "index")
    search.index([_random_doc(rng, i) for i in range(1, 30)])
    _answers(search)  # every cached entry filled
    for step in range(12):
        if step % 4 == 3:
            search.remove(rng.sample(range(1, 40), 3))
        else:
            # New ids beyond the largest so far too: the masks must grow.
            search.index([_random_doc(rng, rng.randint(1, 40 + step)) for _ in range(2)])
        before = len(patched)
        mine = _answers(search)
        assert len(patched) == before + 1, "the snapshot was read whole, not patched"
        fresh = opened.open(name, tmp_path / "index")  # another process: nothing cached
        assert mine == _answers(fresh)


def test_a_reader_far_behind_reads_everything_again(
    tmp_path: Path, engines: tuple[str, Engines], monkeypatch: pytest.MonkeyPatch
) -> None:
    name, opened = engines
    module = sqlite_backend if name == "sqlite" else postgres_backend
    monkeypatch.setattr(module, "MAX_PATCHED_VERSIONS", 2)
    search = opened.open(name, tmp_path / "index")
    writer = opened.open(name, tmp_path / "index")
    search.index([doc(1, title="buurt een"), doc(2, title="buurt twee", visibility="members")])
    assert search.search(SearchQuery(text="buurt")).total == 1
    for i in range(3, 7):  # more versions than the log keeps
        writer.index([doc(i, title=f"buurt {i}")])
    assert search.search(SearchQuery(text="buurt")).total == 5
    assert search.search(SearchQuery(text="", viewer=MEMBER)).total == 6
