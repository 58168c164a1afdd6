"""The engine-neutral Dutch analysis: the terms each word gets, pinned per analysis version."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest

from kennisnet.search import compounds, lemmas
from kennisnet.search.analysis import (
    ANALYSIS_VERSION,
    DUTCH_STOP_WORDS,
    MAX_TOKEN_LENGTH,
    TOKEN_PATTERN,
    fold,
    normalise,
    stem,
    word_terms,
    words,
)


def terms(text: str) -> list[str]:
    """Every term of ``text`` in index order: each word's term, then its compound parts."""
    return [term for word in words(text) for term in (word.stem, *word.parts)]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    "forms",
    [
        ("subsidie", "subsidies"),
        ("coöperatie", "coöperaties", "cooperatie", "cooperaties", "Coöperaties"),
        ("initiatief", "initiatieven"),
        ("plan", "plannen"),
        ("huis", "huizen"),
        ("mantelzorg", "mantelzorger", "mantelzorgers"),
        ("jaarverslag", "jaarverslagen"),
        ("buurtinitiatief", "buurtinitiatieven"),
        ("wijkcoöperatie", "wijkcooperaties"),
        ("buurt", "buurten"),
        ("vergadering", "vergaderingen"),
        ("woning", "woningen"),
        ("gemeente", "gemeenten", "gemeentes"),
        ("lid", "leden"),
        ("kind", "kinderen"),
        ("dag", "dagen"),
        ("verslag", "verslagen"),
        ("plaats", "plaatsen"),
        ("zonnepaneel", "zonnepanelen"),
        ("strategie", "strategieën", "strategieen"),
        ("idee", "ideeën"),
        ("auto", "auto's", "auto\u2019s"),
        ("café", "cafe", "cafés"),
        # Vowel and consonant changes.
        ("mens", "mensen"),
        ("proces", "processen"),
        ("succes", "successen"),
        ("week", "weken"),
        ("probleem", "problemen"),
        ("weg", "wegen"),
        # Adjectives: -e, -er, -ere, -st, -ste.
        ("belangrijk", "belangrijke", "belangrijker", "belangrijkere", "belangrijkste"),
        ("oud", "oude", "oudste"),
        ("nieuw", "nieuwe", "nieuwer", "nieuwste"),
        ("publiek", "publieke"),
        ("vrij", "vrije"),
        ("groot", "grote", "groter", "grootste"),
        ("klein", "kleine", "kleiner"),
        ("specifiek", "specifieke"),
        ("financieel", "financiële"),
        ("sociaal", "sociale"),
        ("positief", "positieve"),
        # Loan-word plurals.
        ("pilot", "pilots"),
        ("consultant", "consultants"),
        ("checkpoint", "checkpoints"),
        ("workshop", "workshops"),
        ("app", "apps"),
        # Diminutives.
        ("boek", "boekje", "boekjes"),
        ("film", "filmpje", "filmpjes"),
        ("huis", "huisje"),
        ("koning", "koninkje"),
        ("auto", "autootje"),
        # Verbs: weak, strong, irregular.
        ("werken", "werkt", "werkte", "werkten", "gewerkt"),
        ("organiseren", "organiseert", "organiseerde", "georganiseerd"),
        ("kiezen", "kiest", "koos", "gekozen"),
        ("doen", "deed", "gedaan"),
        ("worden", "wordt", "werd", "geworden"),
        ("blijven", "bleef", "bleven", "gebleven"),
        ("vinden", "vindt", "gevonden"),
        ("gaan", "gaat", "ging", "gegaan"),
    ],
)
def test_word_forms_meet(forms: tuple[str, ...]) -> None:
    # The whole word's term: a compound's parts are checked in test_compounds.
    assert len({stem(form) for form in forms}) == 1, {f: stem(f) for f in forms}


def test_a_compound_with_an_inflected_head_meets_its_singular_and_its_head() -> None:
    plural = word_terms("buurtinitiatieven")
    assert plural is not None
    assert plural.stem == stem("buurtinitiatief")
    assert stem("initiatief") in plural.parts


def test_override_targets_are_their_own_term() -> None:
    # Otherwise a search for the lemma itself ("gebied") would miss its forms.
    for target in set(lemmas.OVERRIDES.values()):
        assert lemmas.lemma(target) == target


def test_tables_hold_folded_words() -> None:
    # Tokens are folded before these lookups; an accented entry could never match.
    for word in [*DUTCH_STOP_WORDS, *lemmas.OVERRIDES, *lemmas.OVERRIDES.values()]:
        assert fold(word) == word


@pytest.mark.parametrize(
    "word", ["Subsidies", "coo\u0308peraties", "ĳsselmeer", "financiële", "auto\u2019s", "2.1"]
)
def test_stem_predicts_the_word_terms(word: str) -> None:
    found = word_terms(word)
    assert found is not None
    assert found.stem == stem(word)


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("Jaarverslagen", "jaarverslag"),  # the head is lemmatised
        ("buurtinitiatieven", "buurtinitiatief"),
        ("Wijkcoo\u0308peraties", "wijkcooperatie"),
        ("mantelzorgers", "mantelzorg"),
    ],
)
def test_stem_predicts_a_compounds_own_term(word: str, term: str) -> None:
    assert stem(word) == term
    assert terms(word)[0] == term


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("trekkende", "trekken"),  # the splitter sees "trek" + "kende"
        ("presenteerden", "presenteren"),  # and "present" + "eerden"
    ],
)
def test_an_inflected_simple_word_is_not_split_like_a_compound(word: str, lemma: str) -> None:
    found = word_terms(word)
    assert found is not None
    assert (found.stem, found.parts) == (stem(lemma), ())


def test_a_compound_whose_head_is_short_keeps_its_parts() -> None:
    found = word_terms("bestuursleden")
    assert found is not None
    assert found.stem == stem("bestuurslid")
    assert "lid" in found.parts


def test_a_known_ending_keeps_an_unknown_compound_whole() -> None:
    # Not "chatbe" + the term of "richt": "bericht" is a word of its own.
    assert stem("chatbericht") == "chatbericht"


def test_unknown_words_stay_as_written() -> None:
    # A guess would merge unrelated words; the exact form still finds itself.
    assert stem("xqzwerp") == "xqzwerp"
    assert stem("kennisnet") == "kennisnet"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Coöperatie", "cooperatie"),
        ("CAFÉ", "cafe"),
        ("ĳsselmeer", "ijsselmeer"),  # the single-letter ij ligature
        ("ﬁets", "fiets"),
        ("Ærøskøbing", "aeroskobing"),
        ("Straße", "strasse"),
        ("gewoon", "gewoon"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        (nfd("coöperatie"), "coöperatie"),
        ("auto\u2019s", "auto's"),
        ("ge\u00admeente\u200b", "gemeente"),
        ("Gewoon ASCII.", "Gewoon ASCII."),
    ],
)
def test_normalise(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


def test_decomposed_text_gives_the_same_terms() -> None:
    text = "De coöperatie en het café in IJsselstein"
    assert terms(nfd(text)) == terms(text) == ["cooperatie", "cafe", "ijsselstein"]


def test_stop_words_are_left_out() -> None:
    assert terms("de vergadering van de leden") == ["vergadering", "lid"]


@pytest.mark.parametrize("text", ["", " ", "\n\t  \r\n", "... -- !! ?", "_____", "de het een van"])
def test_text_without_words_gives_no_terms(text: str) -> None:
    assert terms(text) == []


def test_numbers_codes_and_single_letters_are_kept() -> None:
    assert terms("Artikel 2.1 van bijlage B: € 1.000,50 voor covid19") == [
        "artikel",
        "2.1",
        "bijlage",
        "b",
        "1.000,50",
        "covid19",
    ]


def test_words_split_on_hyphens_dots_and_underscores() -> None:
    assert [w.exact for w in words("Noord-Holland einde.Volgende veld_naam")] == [
        "noord",
        "holland",
        "einde",
        "volgende",
        "veld",
        "naam",
    ]


def test_overlong_tokens_are_dropped() -> None:
    assert terms("a" * (MAX_TOKEN_LENGTH + 1) + " buurt") == ["buurt"]


def test_word_cache_is_bounded() -> None:
    # Indexing a large corpus must not grow the process without limit.
    assert word_terms.cache_info().maxsize is not None
    assert lemmas.lemma.cache_info().maxsize is not None


# Changing any output of the analysis means existing indexes hold other terms: bump
# ANALYSIS_VERSION (the backend then rebuilds) and record the new output here under it.
PINNED_SAMPLE = (
    "De Algemene Ledenvergadering van Wijkcoöperatie 't Zuid besprak de subsidies, "
    "ideeën en zonnepanelen van de gemeenten; auto\u2019s 2.1"
)
PINNED: dict[int, tuple[list[str], str]] = {
    3: (
        [
            "algemeen",
            "ledenvergadering",
            "lid",
            "vergadering",
            "wijkcooperatie",
            "wijk",
            "cooperatie",
            "zuid",
            "bespreken",
            "subsidie",
            "idee",
            "zonnepaneel",
            "gemeente",
            "auto",
            "2.1",
        ],
        "21f135b57fd6",
    ),
}


def _tables_digest() -> str:
    tables = repr(
        (
            sorted(DUTCH_STOP_WORDS),
            TOKEN_PATTERN.pattern,
            MAX_TOKEN_LENGTH,
            compounds.MIN_PART,
            compounds.KEEP_WHOLE_ZIPF,
            compounds.LINKERS,
            sorted(compounds.NOT_A_PART),
            sorted(compounds.lexicon().items()),  # regenerating a word list changes terms too
            sorted(lemmas.table().items()),
            sorted(lemmas.OVERRIDES.items()),
            lemmas.RULES,
        )
    )
    return hashlib.sha256(tables.encode()).hexdigest()[:12]


def test_output_is_pinned_to_analysis_version() -> None:
    expected_terms, expected_digest = PINNED[ANALYSIS_VERSION]
    assert terms(PINNED_SAMPLE) == expected_terms
    assert _tables_digest() == expected_digest
