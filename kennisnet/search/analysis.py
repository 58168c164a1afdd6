"""The Dutch analysis chain: how text becomes index terms, the same way for documents and queries.

Chain: ``DutchTokenizer`` (words of the original text, each NFC-normalised) -> ``FoldFilter``
(case and diacritics) -> ``DutchStopFilter`` -> ``DutchCompoundFilter`` (a compound, then its
parts at the same position: ``compounds.split``) -> ``DutchStemFilter`` (Snowball 3 Dutch plus
an override table; a compound is stemmed on its last part, so "jaarverslagen" and
"jaarverslag" meet). New filters slot in after the stop filter (it renumbers positions) and
before the stem filter (so parts get the overrides too). ``exact_analyzer`` is the same chain
without compounds and stemming, for fields that rank exact forms and match prefixes.

What must stay true:

- Whoosh pickles the schema, analyzers included, into the index. Every class here is
  module-level, its pickled state is a few settings, and word lists, the stemmer and caches are
  looked up or rebuilt at run time. The module path and the class names are therefore part of the
  on-disk format: renaming them makes existing indexes unopenable.
- Any change in the terms produced (tables, pattern, rules, a stemmer upgrade) needs
  ``ANALYSIS_VERSION`` bumped: the backend records it and rebuilds the index when it differs.
- Every filter gives the same result in ``mode="index"`` and ``mode="query"``: query terms must
  meet index terms, and Whoosh's highlighter re-analyses stored text in query mode. A filter that
  should act in one mode only (a later query-time synonym filter) checks ``t.mode`` itself.
- Whoosh reuses one mutable ``Token`` for a whole stream: a filter reads ``t.text`` before it
  yields, and one that emits extra tokens yields copies (``t.copy()``).
- Character offsets point into the text as given (stored text is often NFD from PDFs), so
  highlighting wraps whole words; normalisation therefore happens per token, not on the input.
  Compound parts carry the compound's offsets, so a match on a part marks the whole word.
- A compound's own term always comes first and its parts follow at its position, so a document
  with the exact compound matches more terms than one with the parts as separate words. Whoosh's
  stock phrase node reads every token as the next word: a query parser must keep the first token
  per position for phrases (``StackedPhrasePlugin`` in the tests), or phrases with compounds
  find nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import snowballstemmer
from whoosh.analysis import Analyzer, Filter, Token, Tokenizer

from kennisnet.search import compounds

__all__ = [
    "ANALYSIS_VERSION",
    "DUTCH_STOP_WORDS",
    "STEM_OVERRIDES",
    "DutchCompoundFilter",
    "DutchStemFilter",
    "DutchStopFilter",
    "DutchTokenizer",
    "FoldFilter",
    "dutch_analyzer",
    "exact_analyzer",
    "fold",
    "normalise",
    "rejoin_hyphenated",
    "stem",
]

ANALYSIS_VERSION: int = 2

# Tokens longer than this are not words (base64, hashes, glued table cells); the longest Dutch
# compounds in the corpus ("gegevensbeschermingseffectbeoordeling") are under 40 characters.
MAX_TOKEN_LENGTH = 64

# Combining marks (NFD text from PDFs), the soft hyphen and zero-width characters can sit inside
# a word; Python's \w matches none of them, so without this "coo\u0308peratie" would split.
_IN_WORD = (
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining marks
    "\u00ad\u200b-\u200d\u2060"  # soft hyphen, zero-width space/joiners, word joiner
)
_RUN = rf"[^\W_][^\W_]*(?:[{_IN_WORD}]+[^\W_]*)*"
# A word is letters and digits (no underscores: fill-in lines in forms). Runs are joined by an
# apostrophe ("auto's", "zo'n") and, between digits only, by "." or "," ("1.000,50", "2.1").
# Other dots split, so "einde.Volgende" from a PDF gives two words; hyphens always split.
TOKEN_PATTERN = re.compile(rf"{_RUN}(?:(?:['\u2019]|(?<=\d)[.,](?=\d)){_RUN})*")

# A letter, a hyphen at the end of the line, a letter: "samen-\nwerking".
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])[-\u00ad\u2010][ \t]*\n[ \t]*(?=([^\W\d_]))")

_NORMALISE_TABLE = {
    0x2019: "'",  # right single quotation mark, the usual apostrophe in word processors
    0x2018: "'",
    0x02BC: "'",  # modifier letter apostrophe
    0x00AD: None,  # soft hyphen
    0x200B: None,  # zero-width space
    0x200C: None,
    0x200D: None,
    0x2060: None,  # word joiner
    0xFEFF: None,  # byte order mark / zero-width no-break space
}

# Letters that NFKD does not decompose but a Dutch reader types without the mark.
_FOLD_TABLE = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe"})

# The Snowball Dutch stop list (snowballstem.org, BSD), plus the pronouns and the adverb it lacks
# ("we", "wij", "jij", "jullie", "onze", "wel": noise in every cooperative's "wij willen ...") and
# the elided forms the tokenizer leaves behind ("'t", "'s", "'k", "'n", "z'n", ...). Folded, like
# the tokens they are compared with. Kept short on purpose: a stop word can never be searched.
_STOP_WORDS_TEXT = """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus
    een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets
    ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of
    om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren
    was wat werd wezen wie wil worden wordt zal ze zelf zich zij zijn zo zonder zou
    we wij jij jullie onze wel
    t s k n zo'n z'n m'n d'r
"""
DUTCH_STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

# Folded word -> stem, for forms Snowball 3 ("dutch", Kraaij-Pohlmann) gets wrong. It strips
# "ge-" as if it were a participle prefix ("gemeente" -> "meen" = "menen", "mening"), lengthens
# the vowel of plurals whose singular is short ("dagen" -> "daag" != "dag") and misses a few
# irregular plurals. Targets are lemmas, and each target stems to itself (a test checks it).
# Compounds ("jaarverslagen", "gemeenteraad") are left to the compound splitter, whose parts
# come through this table.
STEM_OVERRIDES: MappingProxyType[str, str] = MappingProxyType(
    {
        # ge- is part of the root: keep it, or the word meets an unrelated one.
        "gemeente": "gemeente",  # not "meen" (menen, mening, gemeen)
        "gemeenten": "gemeente",
        "gemeentes": "gemeente",
        "geleden": "geleden",  # not "leed" (leden)
        "gebied": "gebied",  # not "bied" (bieden)
        "gebieden": "gebied",
        "gewoon": "gewoon",  # not "woon" (wonen, woning)
        "gewone": "gewoon",
        "gewoonte": "gewoonte",
        "gewoonten": "gewoonte",
        "gewoontes": "gewoonte",
        "gezin": "gezin",  # not "zin"
        "gezinnen": "gezin",
        "gezond": "gezond",  # not "zon" (the sun: zonne-energie)
        "gezonde": "gezond",
        "gezonder": "gezond",
        "gezondheid": "gezond",
        "gelijk": "gelijk",  # not "lijk" (lijken)
        "gelijke": "gelijk",
        "gelijkheid": "gelijk",
        "geweld": "geweld",  # not "wel"
        "geweldig": "geweldig",
        "geweldige": "geweldig",
        "genieten": "geniet",  # not "niet"
        "geniet": "geniet",
        "genoten": "geniet",
        "gebrek": "gebrek",  # not "brek"/"breek" (breken)
        "gebreken": "gebrek",
        "gegeven": "gegeven",  # a fact, data: not "geef" (geven); part of many compounds
        "gegevens": "gegeven",
        # Irregular plurals and short-vowel singulars.
        "leden": "lid",  # not "leed" (geleden)
        "kinderen": "kind",
        "steden": "stad",
        "dagen": "dag",
        "verslagen": "verslag",
        "bedragen": "bedrag",
        "panelen": "paneel",
        "zonnepanelen": "zonnepaneel",
        # Stemmer disagreements between singular and plural.
        "initiatief": "initiatief",  # Snowball: "initieer", but "initiatieven" -> "initiatief"
        "plaats": "plaats",  # Snowball: "plaat" (a plate), but "plaatsen" -> "plaats"
        # Agent nouns that members search by the activity: "mantelzorg" finds "mantelzorgers"
        # (as a compound head, so "mantelzorger" becomes "mantel" + "zorg").
        "zorger": "zorg",
        "zorgers": "zorg",
    }
)

# Plurals written with a diaeresis ("strategieën", "ideeën") fold to "-ieen"/"-eeen", which the
# stemmer leaves alone; no Dutch word ends so otherwise.
_PLURAL_SUFFIXES = (("ieen", "ie"), ("eeen", "ee"))


def rejoin_hyphenated(text: str) -> str:
    """Join "samen-\\nwerking" to "samenwerking", but keep "Noord-\\nHolland" as it is.

    A capital after the break means a real hyphenated compound ("Oost-Gelderland"); with a
    lower-case letter a compound such as "notificatie-app" is joined too, which costs less
    for search than splitting every hyphenated word in two. Both backends apply it to a
    document's text before analysis (PDF extraction already did, text files had not).
    """
    return _HYPHEN_BREAK.sub(lambda m: "" if m.group(1).islower() else m.group(0), text)


def normalise(text: str) -> str:
    """Make equal-looking text equal: NFC, one apostrophe, no invisible in-word characters.

    For matching, not display: PDFs give decomposed letters, soft hyphens and typographic
    apostrophes, and queries typed by hand must meet them. Case and accents are kept (``fold``).
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text).translate(_NORMALISE_TABLE)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Coöperatie" -> "cooperatie", "ĳs" -> "ijs".

    Dutch readers type without diaereses and accents, so both sides are folded. NFKD also splits
    ligatures and the "ĳ" letter; casefold() covers what lower() misses ("ß").
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_FOLD_TABLE)


# snowballstemmer hands out PyStemmer's stemmers when that is installed; before Snowball 3 its
# "dutch" was the Porter variant, which would silently change every term. Snowball 3 is the one
# that also ships "dutch_porter".
if "dutch_porter" not in snowballstemmer.algorithms():
    raise ImportError("Dutch analysis needs Snowball 3 (snowballstemmer>=3, PyStemmer>=3 if any)")


def _new_stemmer() -> Any:
    # Snowball stemmer objects keep per-word state, so one is never shared between threads;
    # creating one costs under a microsecond.
    return snowballstemmer.stemmer("dutch")


def _stem_folded(word: str, stemmer: Any) -> str:
    override = STEM_OVERRIDES.get(word)
    if override is not None:
        return override
    for suffix, replacement in _PLURAL_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            word = word[: -len(suffix)] + replacement
            break
    return stemmer.stemWord(word)


def _is_stemmable(word: str) -> bool:
    # Numbers ("2.1", "1.000") and mixed tokens ("covid19") are kept as they are.
    return word.replace("'", "").isalpha()


def stem(word: str) -> str:
    """The index term for one word, as the analyzer makes it (uncached, stop words kept).

    For code that has to predict terms without running the chain, e.g. relevance tests. For a
    compound this is the compound's own term; its parts are further terms (``compounds.split``).
    """
    folded = fold(normalise(word))
    if not _is_stemmable(folded):
        return folded
    spans = compounds.split(folded)
    head = spans[-1][0] if spans else 0
    return folded[:head] + _stem_folded(folded[head:], _new_stemmer())


class DutchTokenizer(Tokenizer):
    """Finds words in the original text and normalises each one.

    Matching the original rather than a normalised copy keeps ``startchar``/``endchar`` valid
    for the stored text, which highlighting slices.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        if not isinstance(value, str):
            raise TypeError(f"{value!r} is not text")
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Wildcard and range queries ask for the value as one term.
            t.text = normalise(value)
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for pos, match in enumerate(TOKEN_PATTERN.finditer(value)):
            t.text = normalise(match.group())
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


class FoldFilter(Filter):
    """Lower case and diacritics folded, via ``fold``; offsets untouched."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


class DutchStopFilter(Filter):
    """Drops ``DUTCH_STOP_WORDS`` and over-long tokens, like Whoosh's ``StopFilter``.

    The list is read from the module at run time, not pickled into the index. Positions are
    renumbered so a phrase query matches across removed words ("vergadering van de leden" as
    "vergadering leden"); with ``removestops=False`` (the highlighter) stop words stay in the
    stream marked ``stopped``. Single characters are kept: "artikel 5", "bijlage B".
    """

    def __init__(self, renumber: bool = True) -> None:
        self.renumber = renumber

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        renumber = self.renumber
        pos = None
        for t in tokens:
            text = t.text
            if text and len(text) <= MAX_TOKEN_LENGTH and text not in DUTCH_STOP_WORDS:
                if renumber and t.positions:
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.stopped = False
                yield t
            elif not t.removestops:
                t.stopped = True
                yield t


class DutchCompoundFilter(Filter):
    """After each compound, its parts: "buurtnetwerken" -> "buurtnetwerken", "buurt", "netwerken".

    Parts share the compound's position and offsets, and count ``PART_WEIGHT`` of a word in the
    index, so "coöperatie" ranks a text about coöperaties above one that mentions a
    "wijkcoöperatie". A part that is a compound itself is split
    too ("gegevensbescherming"), and with three or more parts the runs of adjacent parts come as
    well ("effectbeoordeling"), so a query for any sub-compound meets the long word. Every token
    leaves with ``compound_head``, where its last part starts (0 for a plain word), which the stem
    filter needs. The word list is loaded on first use by ``compounds``, never held here.
    """

    is_morph = True  # Whoosh skips this filter for no_morph=True (spelling suggestions).

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.compound_head = 0
            text = t.text
            if t.stopped or len(text) < _MIN_COMPOUND:
                yield t
                continue
            pieces = _pieces(text)
            if not pieces:
                yield t
                continue
            # Copies first: the stem filter rewrites t in place once it is yielded.
            extra = []
            for piece, head in pieces[1:]:
                token = t.copy()
                token.text = piece
                token.compound_head = head
                token.boost = t.boost * PART_WEIGHT
                extra.append(token)
            t.compound_head = pieces[0][1]
            yield t
            yield from extra


_MIN_COMPOUND = 2 * compounds.MIN_PART
# Whoosh sums token boosts into a term's weight in a document (its term frequency for BM25).
PART_WEIGHT = 0.5


@lru_cache(maxsize=50_000)
def _pieces(word: str) -> tuple[tuple[str, int], ...]:
    """The compound, its sub-compounds and parts, each with where its last part starts.

    Empty for a word that is not split. Cached: documents repeat their compounds.
    """
    spans = compounds.split(word)
    if not spans:
        return ()
    pieces = [(word, spans[-1][0])]
    if len(spans) > 2:
        for i, (start, _) in enumerate(spans):
            for j in range(i + 1, len(spans)):
                if (i, j) != (0, len(spans) - 1):
                    pieces.append((word[start : spans[j][1]], spans[j][0] - start))
    for start, end in spans:
        inner = _pieces(word[start:end])
        pieces.extend(inner or [(word[start:end], 0)])
    return tuple(pieces)


class DutchStemFilter(Filter):
    """Snowball 3 Dutch stemming with ``STEM_OVERRIDES``, behind a bounded cache.

    The pure-Python stemmer costs ~45 µs a word and documents repeat their words, so stems are
    cached per analyzer. The cache is dropped when pickled and emptied when full (a clear is
    atomic, so threads sharing the analyzer need no lock).
    """

    is_morph = True  # Whoosh skips this filter for no_morph=True (spelling suggestions).

    def __init__(self, cache_size: int = 50_000) -> None:
        self.cache_size = cache_size
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"cache_size": self.cache_size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.cache_size = state["cache_size"]
        self._cache = {}

    def __eq__(self, other: object) -> bool:
        # The cache size changes speed, not terms, and Whoosh compares analyzers by terms.
        return type(other) is type(self)

    def __repr__(self) -> str:
        # Whoosh's default repr lists __dict__, which would print the whole cache.
        return f"{type(self).__name__}(cache_size={self.cache_size})"

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        cache = self._cache
        cache_size = self.cache_size
        stemmer = None
        for t in tokens:
            if not t.stopped:
                text = t.text
                # A compound keeps its modifiers as written and stems its last part.
                head = getattr(t, "compound_head", 0)
                if head:
                    modifiers, text = text[:head], text[head:]
                else:
                    modifiers = ""
                stemmed = cache.get(text)
                if stemmed is None:
                    if _is_stemmable(text):
                        if stemmer is None:
                            stemmer = _new_stemmer()
                        stemmed = _stem_folded(text, stemmer)
                    else:
                        stemmed = text
                    if len(cache) >= cache_size:
                        cache.clear()
                    cache[text] = stemmed
                t.text = modifiers + stemmed
            yield t


def dutch_analyzer() -> Analyzer:
    """The analyzer for every Dutch text field; see the module docstring for the chain."""
    return (
        DutchTokenizer()
        | FoldFilter()
        | DutchStopFilter()
        | DutchCompoundFilter()
        | DutchStemFilter()
    )


def exact_analyzer() -> Analyzer:
    """Words as written, folded, stop words out: no compound parts, no stemming.

    For an unstemmed companion field: exact forms rank above mere stem matches, and prefix
    queries ("coöp*") expand over real words rather than stems. Its terms are exactly the
    folded words, so ``fold(normalise(word))`` predicts them.
    """
    return DutchTokenizer() | FoldFilter() | DutchStopFilter()
