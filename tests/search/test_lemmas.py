"""Lemma-grade conflation: forms meet their word, different words stay apart, gold data agrees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kennisnet.search import lemmas
from kennisnet.search.analysis import stem

ROOT = Path(__file__).resolve().parents[2]
TREEBANKS = ROOT.parent / "shared" / "ud-dutch"

# Words that look alike but mean different things: search must keep them apart. From the
# issue, the old stemmer's traps and the collision lists of the treebank measurement.
APART = [
    ("gemeente", "mening"),
    ("gemeenten", "menen"),
    ("gemeente", "gemeen"),
    ("leden", "geleden"),
    ("kamer", "kamerlid"),
    ("zorg", "zorgvuldig"),
    ("aanname", "aangenaam"),
    ("aarde", "arend"),
    ("aarde", "aard"),
    ("staal", "stal"),
    ("redden", "rijden"),
    ("reden", "rijden"),
    ("gebied", "bieden"),
    ("gewoon", "wonen"),
    ("gezin", "zin"),
    ("gezondheid", "zon"),
    ("gezond", "zin"),
    ("gelijk", "lijken"),
    ("lijk", "lijken"),
    ("lijk", "lijkt"),
    ("geweld", "wel"),
    ("genieten", "niet"),
    ("plaats", "plaat"),
    ("burger", "berg"),
    ("burgers", "bergen"),
    ("week", "wijken"),
    ("wijk", "week"),
    ("school", "schuilen"),
    ("kant", "kunnen"),
    ("kunst", "kunnen"),
    ("wond", "winden"),
    ("last", "lezen"),
    ("stal", "stelen"),
    ("vroeg", "vragen"),
    ("dier", "dienen"),
    ("voeren", "varen"),
    ("leger", "leeg"),
    ("legende", "legen"),
    ("luis", "lui"),
    ("bestuur", "sturen"),
    ("gezag", "zagen"),
    ("verslag", "slaan"),
    ("ouders", "oud"),
    ("dichter", "dicht"),
    ("leiders", "leiden"),
    ("vrijwilliger", "vrij"),
    ("vergadering", "vergaan"),
    ("ontmoeting", "moeten"),
    ("bewoner", "wonen"),
    ("geheim", "heim"),
    ("gewicht", "wicht"),
    ("wet", "weten"),
    ("wetten", "weet"),
    ("media", "medium"),
    ("middel", "midden"),
    ("regel", "regen"),
    ("rijk", "rijden"),
    ("stem", "stemming"),
    ("recht", "rechter"),
    ("straat", "straf"),
    ("markt", "merk"),
    ("plan", "planeet"),
    ("net", "netwerk"),
    ("dak", "dakloos"),
    ("hof", "hoffelijk"),
    ("bos", "boos"),
    ("echter", "echt"),
    ("tijdens", "tijd"),
    ("gegevens", "geven"),
    ("kamer", "kameraad"),
    ("arme", "armoede"),
]


def test_the_precision_list_is_long_enough() -> None:
    assert len(set(APART)) >= 60


@pytest.mark.parametrize(("word", "other"), APART)
def test_different_words_stay_apart(word: str, other: str) -> None:
    assert stem(word) != stem(other)


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("belangrijke", "belangrijk"),
        ("gekozen", "kiezen"),
        ("leden", "lid"),  # two readings: members, not the past of "lijden"
        ("geleden", "geleden"),
        ("mensen", "mens"),
    ],
)
def test_terms_read_as_words(word: str, term: str) -> None:
    assert stem(word) == term


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("apps", "app"),  # a loan-word plural the table lacks
        ("vrijwilligerstje", "vrijwilliger"),  # a diminutive
        ("gereageerde", "reageren"),  # a participle from its verb
        ("spokenjagers", "jager"),  # the head rule: an inflected known ending
    ],
)
def test_rules_for_words_the_table_lacks(word: str, base: str) -> None:
    assert word not in lemmas.table()
    assert stem(word).endswith(stem(base))


def test_the_table_holds_folded_words_whose_terms_are_their_own_terms() -> None:
    entries = lemmas.table()
    assert len(entries) > 100_000
    sample = list(entries.items())[::997]
    for form, term in sample:
        assert form == form.lower() and form.isascii()
        assert term not in entries, f"{form} -> {term}, which maps on"


def test_the_table_is_loaded_on_first_use_only() -> None:
    # The app imports the analysis at start; the table costs ~0.3 s and only analysis needs it.
    code = (
        "from kennisnet.search import analysis, lemmas\n"
        "from kennisnet.search.whoosh import analyzers\n"
        "analyzers.dutch_analyzer()\n"
        "assert not lemmas._table.loaded\n"
        "analysis.stem('belangrijke')\n"
        "assert lemmas._table.loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_the_data_is_attributed() -> None:
    attribution = (ROOT / "kennisnet" / "search" / "data" / "ATTRIBUTION.md").read_text()
    assert lemmas.TABLE in attribution
    assert "spacy-lookups-data" in attribution


# -- gold data: two Universal Dependencies treebanks, read in place, never copied -------------
# Floors from issue 10; today's figures are in docs/benchmarks.md.
MIN_NOUNS_AND_ADJECTIVES = 0.95
MIN_VERBS = 0.90
MAX_COLLISION_RATE = 0.212


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    if not list(TREEBANKS.glob("*.conllu")):
        pytest.skip(f"treebank dev sets not found at {TREEBANKS}")
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import analysis as bench  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    tokens = [t for tokens in bench.treebanks(TREEBANKS).values() for t in tokens]
    row = bench.conflation(tokens, stem)
    row["collision_rate"] = bench.collisions(tokens, stem)[0]
    return row


def test_nouns_and_adjectives_meet_their_lemma(figures: dict[str, float]) -> None:
    assert figures["NOUN+ADJ"] >= MIN_NOUNS_AND_ADJECTIVES


def test_verbs_meet_their_lemma(figures: dict[str, float]) -> None:
    assert figures["VERB"] >= MIN_VERBS


def test_collisions_do_not_rise(figures: dict[str, float]) -> None:
    assert figures["collision_rate"] <= MAX_COLLISION_RATE
