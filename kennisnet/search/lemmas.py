"""Dutch lemmatising: one folded word in, the index term of its word family out.

Known words come from ``data/nl_lemmas.tsv.gz`` (inflected form -> term, built from spaCy's
Dutch lookup tables by ``scripts/build_wordlist.py --lemmas``): "belangrijke" -> "belangrijk",
"gekozen" -> "kiezen", "mensen" -> "mens", "gepland" -> "plan". Words the table does not hold
go through ``RULES``, endings whose removal gives a known word (loan-word plurals "pilots",
diminutives "filmpjes", adjectives "brusselse", verb forms "gereageerd"), then through the head
rule: a word ending in a known inflected form takes that form's term ("spokenjagers" ->
"spokenjager"). What none of these knows stays as written: an unknown word is better found
exactly than guessed at.

What must stay true:

- A term is a word of its family, so terms read as words ("plan" for "plannen", "gepland").
- ``OVERRIDES`` comes first: where a form has two readings, the one that keeps search precise
  ("leden" is members, not suffered; "geleden" is ago), and families the table joins that search
  must keep apart. The table is built with them (each target is its family's term), so a word
  and its forms agree.
- The table is loaded on first use and shared read-only; it is never pickled (the Whoosh schema
  pickles analyzers, which reach it only through module functions). Results are cached per word.
- Any change to the table, the overrides or the rules changes index terms: bump
  ``analysis.ANALYSIS_VERSION``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from kennisnet.search import compounds
from kennisnet.search.wordlists import Lazy, pairs

__all__ = ["OVERRIDES", "RULES", "lemma", "table"]

TABLE = "nl_lemmas.tsv.gz"

# Folded form -> term, before the table. Each target is its own term (a test checks it).
OVERRIDES: MappingProxyType[str, str] = MappingProxyType(
    {
        # Two readings: the one this network means.
        "leden": "lid",  # members, not the past of "lijden" (suffer)
        "geleden": "geleden",  # ago, not "lijden"
        "gemeente": "gemeente",
        "gemeenten": "gemeente",
        "gemeentes": "gemeente",
        "bedragen": "bedrag",  # amounts, not "bedragen" (to amount to) apart from them
        "verslagen": "verslag",  # reports, not the participle of "verslaan" (defeat)
        "gegeven": "gegeven",  # a fact, data: not the participle of "geven"
        "gegevens": "gegeven",
        "kinderen": "kind",
        "zorger": "zorg",  # "mantelzorgers" meet "mantelzorg" as a compound head
        "zorgers": "zorg",
        "media": "media",  # not "medium" (a psychic, a carrier)
        "kiezen": "kiezen",  # to choose, not the plural of "kies" (a molar)
        "wetten": "wet",
        # The table joins these to an unrelated family; they stay words of their own.
        "lijk": "lijk",  # a corpse, not "lijken" (seem)
        "lijken": "lijken",
        "lijkt": "lijken",
        "leek": "lijken",
        "leken": "lijken",
        "geleken": "lijken",
        "gelijk": "gelijk",
        "gelijke": "gelijk",
        "gezond": "gezond",
        "gezonde": "gezond",
        "gezonder": "gezond",
        # A derivation kept from the first analysis: members asking about "gezondheid" want
        # the texts about eating "gezond" (a judged query in tests/relevance).
        "gezondheid": "gezond",
        "gebied": "gebied",  # an area, not "gebieden" (to command)
        "gebieden": "gebied",
        "geweld": "geweld",  # violence, not the participle of "wellen" (weld)
        "legende": "legende",  # a legend, not a form of "legen" (empty)
        "legendes": "legende",
        "legenden": "legende",
        "echter": "echter",  # however, not "more real"
        "tijdens": "tijdens",  # during, not "tijd"
        "luis": "luis",  # a louse, not "lui" (lazy)
        "luizen": "luis",
        "aarde": "aarde",  # earth, not "aard" (nature)
        "aard": "aard",
        "wet": "wet",  # a law, not "weten" (know)
    }
)

# Endings tried on a word the table does not know, in order: (ending, replacement). A candidate
# counts only if it is a known word, so "status" never loses its "s".
RULES: tuple[tuple[str, str], ...] = (
    ("ieen", "ie"),  # strategieën, folded
    ("eeen", "ee"),  # ideeën
    ("etjes", ""),  # bolletjes -> bol(l)
    ("etje", ""),
    ("tjes", ""),  # filmpjes are below; autootjes -> autoo -> auto
    ("tje", ""),
    ("pjes", ""),
    ("pje", ""),
    ("kjes", ""),
    ("kje", ""),
    ("jes", ""),
    ("je", ""),
    ("heden", "heid"),
    ("ende", "en"),  # present participles: vernietigende -> vernietigen
    ("end", "en"),
    ("eren", ""),  # kalveren, volkeren
    ("en", ""),
    ("s", ""),  # pilots, workshops, consultants
    ("ste", ""),
    ("st", ""),
    ("ere", ""),
    ("er", ""),
    ("se", "s"),  # brusselse -> brussels
    ("e", ""),
    ("de", "en"),
    ("te", "en"),
    ("den", "en"),
    ("ten", "en"),
    ("d", "en"),
    ("t", "en"),
    ("t", ""),
)
_PLURAL = (("s", ""),)
# A word must keep this much after an ending is removed, or "keten" would become "ket".
_MIN_BASE = 3
# The head rule needs a head this long and something before it ("spoken" + "jagers").
_MIN_HEAD = 5
_MIN_MODIFIER = 4
_VOWELS = "aeiou"

_table: Lazy[dict[str, str]] = Lazy(lambda: dict(pairs(TABLE)))


def table() -> Mapping[str, str]:
    """Folded inflected form -> term; loaded on first call, then shared (read-only)."""
    return _table.get()


@lru_cache(maxsize=1)
def _terms() -> frozenset[str]:
    return frozenset(table().values())


def _spellings(base: str) -> list[str]:
    """``base`` and what its spelling was before an ending was added: a doubled consonant
    ("plann" -> "plan"), a long vowel written single ("vrag" -> "vraag"), v/z for f/s."""
    out = [base]
    if len(base) > 2 and base[-1] == base[-2] and base[-1] not in _VOWELS:
        out.append(base[:-1])
    # One vowel between consonants at the end: it was long before the ending ("vrag" + "en").
    short = len(base) > 2 and base[-1] not in _VOWELS and base[-2] in _VOWELS
    if short and base[-3] not in _VOWELS:
        out.append(base[:-1] + base[-2] + base[-1])
    # A long vowel written double before an ending that is a consonant: the verb stem
    # "presenteer" of "presenteerden" is written single in "presenteren".
    long = len(base) > 3 and base[-1] not in _VOWELS and base[-2] in _VOWELS
    if long and base[-3] == base[-2]:
        out.append(base[:-2] + base[-1])
    for voiced, voiceless in (("v", "f"), ("z", "s")):
        for spelling in list(out):
            if spelling.endswith(voiced):
                out.append(spelling[:-1] + voiceless)
    return out


def _by_rules(word: str, rules: tuple[tuple[str, str], ...], listed: bool) -> str | None:
    """The term of the first word of the lemma table (or, with ``listed``, of the compound word
    list) that removing one of ``rules``' endings leaves."""
    entries = table()
    for ending, replacement in rules:
        if not word.endswith(ending) or len(word) - len(ending) < _MIN_BASE:
            continue
        stem = word[: len(word) - len(ending)]
        for base in _spellings(stem):
            candidate = base + replacement
            if candidate in entries:
                return entries[candidate]
            if candidate in _terms():
                return candidate
            if listed and candidate in compounds.lexicon():
                return lemma(candidate)
            # Verb forms: "gereageerd" -> "reageer" + "en" = "reageren" (the table's verb).
            if candidate.startswith("ge") and candidate[2:] in entries:
                return entries[candidate[2:]]
    return None


def _by_head(word: str) -> str | None:
    entries = table()
    for start in range(_MIN_MODIFIER, len(word) - _MIN_HEAD + 1):
        head = word[start:]
        if head in _terms() or head in compounds.lexicon():
            return None  # the longest known ending is a base form: "chatbericht" stays
        term = entries.get(head)
        if term is not None:
            return word[:start] + term
    return None


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The term of one folded, letters-only word (compounds are split before this)."""
    override = OVERRIDES.get(word)
    if override is not None:
        return override
    entries = table()
    term = entries.get(word)
    if term is not None:
        return term
    if word in _terms():
        return word
    if word in compounds.lexicon():
        # A frequent word the table lacks: only the table may give its base ("beheersten" ->
        # "beheersen"), so a listed "boter" never becomes "bot" + "er"; but a plural "s" may
        # leave a listed word ("apps" -> "app").
        return _by_rules(word, RULES, listed=False) or _by_rules(word, _PLURAL, listed=True) or word
    # Words of the table first: "tuitje" is "tuit", not the listed "tui".
    return (
        _by_rules(word, RULES, listed=False)
        or _by_rules(word, RULES, listed=True)
        or _by_head(word)
        or word
    )
