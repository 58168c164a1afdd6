"""The Dutch analysis: how text becomes index terms, the same way for every engine and query.

One word at a time: ``TOKEN_PATTERN`` finds the words of the original text; each is normalised
(NFC, one apostrophe), folded (case, diacritics), dropped when it is a stop word, and turned into
its terms (``word_terms``): the exact form, the index term of the whole word (``stem``: its
lemma, ``lemmas.lemma``) and, for a compound, the terms of its parts (``compounds.split``), the
last part carrying the inflection ("buurtinitiatieven" -> "buurtinitiatief", "buurt",
"initiatief").
SQLite FTS5 indexes these terms as given, the Whoosh analyzers (``search.whoosh.analyzers``) wrap
the same functions, and the highlighter, spelling and autocomplete call them too, so a query and
a document always meet on the same terms.

What must stay true:

- No engine is imported here; everything is a plain function of one word, cached per word.
- Any change in the terms produced (tables, pattern, rules, the lemma table, a word list)
  needs ``ANALYSIS_VERSION`` bumped: the backends record it and rebuild the index when it
  differs. A test pins the output per version so the bump cannot be forgotten.
- Character offsets point into the text as given (stored text is often NFD from PDFs), so
  normalisation happens per word, never on the input; highlighting slices the original.
- A compound's own term comes first and its parts follow, so a document with the exact compound
  matches more terms than one with the parts as separate words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kennisnet.search import compounds, lemmas

__all__ = [
    "ANALYSIS_VERSION",
    "DUTCH_STOP_WORDS",
    "MAX_TOKEN_LENGTH",
    "PART_WEIGHT",
    "TOKEN_PATTERN",
    "WordTerms",
    "analyse",
    "body_terms",
    "explain",
    "fold",
    "normalise",
    "pieces",
    "rejoin_hyphenated",
    "stem",
    "word_terms",
    "words",
]

ANALYSIS_VERSION: int = 3

# Tokens longer than this are not words (base64, hashes, glued table cells); the longest Dutch
# compounds in the corpus ("gegevensbeschermingseffectbeoordeling") are under 40 characters.
MAX_TOKEN_LENGTH = 64
# A compound part counts this much of a word in ranking (a text about "coöperaties" ranks above
# one that mentions a "wijkcoöperatie").
PART_WEIGHT = 0.5

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
# Any hyphen at a line end: six times cheaper to look for than a break between letters, and
# most texts have none.
_HYPHEN_AT_LINE_END = re.compile(r"[-\u00ad\u2010][ \t]*\n")

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


def rejoin_hyphenated(text: str) -> str:
    """Join "samen-\\nwerking" to "samenwerking", but keep "Noord-\\nHolland" as it is.

    A capital after the break means a real hyphenated compound ("Oost-Gelderland"); with a
    lower-case letter a compound such as "notificatie-app" is joined too, which costs less
    for search than splitting every hyphenated word in two. Applied once, when the indexed
    document is built: the backends index the text they are given.
    """
    if not _HYPHEN_AT_LINE_END.search(text):
        return text
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


def _is_stemmable(word: str) -> bool:
    # Numbers ("2.1", "1.000") and mixed tokens ("covid19") are kept as they are.
    return word.replace("'", "").isalpha()


def _term(word: str) -> str:
    """The index term of one folded simple word (no compound splitting)."""
    if not word.isalpha():
        # Numbers ("2.1"), codes ("covid19") and elisions ("auto's" is "auto" + "'s").
        if word.endswith("'s") and word[:-2].isalpha():
            return lemmas.lemma(word[:-2])
        return word
    return lemmas.lemma(word)


_MIN_COMPOUND = 2 * compounds.MIN_PART


@lru_cache(maxsize=50_000)
def pieces(word: str) -> tuple[tuple[str, int], ...]:
    """The compound, its sub-compounds and parts, each with where its last part starts.

    Empty for a word that is not split. A part that is a compound itself is split too
    ("gegevensbescherming"), and with three or more parts the runs of adjacent parts come as
    well ("effectbeoordeling"), so a query for any sub-compound meets the long word.
    """
    if len(word) < _MIN_COMPOUND:
        return ()
    spans = _split(word)
    if not spans:
        return ()
    found = [(word, spans[-1][0])]
    if len(spans) > 2:
        for i, (start, _) in enumerate(spans):
            for j in range(i + 1, len(spans)):
                if (i, j) != (0, len(spans) - 1):
                    found.append((word[start : spans[j][1]], spans[j][0] - start))
    for start, end in spans:
        inner = pieces(word[start:end])
        found.extend(inner or [(word[start:end], 0)])
    return tuple(found)


def _split(word: str) -> tuple[tuple[int, int], ...]:
    """``compounds.split``, unless the lemmatiser knows the whole word and its term does not go
    with the split: "trekkende" (a form of "trekken") is no "trek" + "kende", "presenteerden"
    no "present" + "eerden"."""
    spans = compounds.split(word)
    if not spans:
        return spans
    term = lemmas.lemma(word)
    head = spans[-1][0]
    if term == word or word[:head] + _term(word[head:]) == term:
        return spans
    rest = term[head:]
    if not term.startswith(word[:head]) or len(rest) < compounds.MIN_PART:
        return ()
    if rest in compounds.NOT_A_PART:  # "presenteren" is no "present" + "eren"
        return ()
    return spans


def _piece_term(piece: str, head: int) -> str:
    # A compound keeps its modifiers as written and takes the term of its last part, so
    # "jaarverslagen" and "jaarverslag" meet.
    return piece[:head] + _term(piece[head:])


@dataclass(frozen=True, slots=True)
class WordTerms:
    """The terms of one word: ``exact`` is folded, ``stem`` its index term; for a compound,
    ``parts`` are the terms of its sub-compounds and parts, ``leaves`` the smallest of those."""

    exact: str
    stem: str
    parts: tuple[str, ...] = ()
    leaves: tuple[str, ...] = ()

    def terms(self) -> tuple[str, ...]:
        return (self.exact, self.stem, *self.parts)


@lru_cache(maxsize=200_000)
def word_terms(token: str) -> WordTerms | None:
    """Terms of one token as ``TOKEN_PATTERN`` finds it; None for a stop word or junk."""
    folded = fold(normalise(token))
    if not folded or len(folded) > MAX_TOKEN_LENGTH or folded in DUTCH_STOP_WORDS:
        return None
    found = pieces(folded) if _is_stemmable(folded) else ()
    if not found:
        return WordTerms(folded, _term(folded))
    whole = _piece_term(*found[0])
    termed = dict.fromkeys(_piece_term(piece, head) for piece, head in found[1:])
    parts = tuple(p for p in termed if p != whole)
    # Sub-compounds of long words are left out of a query: the leaves carry the meaning.
    leaves = tuple(p for p in parts if not any(q != p and q in p for q in parts)) or parts
    return WordTerms(folded, whole, parts, leaves)


def stem(word: str) -> str:
    """The index term of one word (stop words included), as every engine indexes it.

    For code that has to predict terms, e.g. theme suggestions or relevance tests. For a
    compound this is the compound's own term; its parts are further terms (``word_terms``).
    """
    folded = fold(normalise(word))
    if not _is_stemmable(folded):
        return folded
    found = pieces(folded)
    return _piece_term(*found[0]) if found else _term(folded)


def words(text: str) -> list[WordTerms]:
    """The analysed words of ``text`` in order, stop words left out."""
    out = []
    for match in TOKEN_PATTERN.finditer(text or ""):
        terms = word_terms(match.group())
        if terms is not None:
            out.append(terms)
    return out


def analyse(texts: Iterable[str]) -> tuple[str, str, str]:
    """Stems, exact forms and compound parts of ``texts``, each as space-separated terms.

    Stems and exact forms keep the word order (phrases match on them, stop words removed so
    "vergadering van de leden" is the phrase "vergadering leden"); parts are a bag.
    """
    stems: list[str] = []
    exact: list[str] = []
    parts: list[str] = []
    for text in texts:
        for terms in words(text):
            stems.append(terms.stem)
            exact.append(terms.exact)
            parts.extend(terms.parts)
    return " ".join(stems), " ".join(exact), " ".join(parts)


def body_terms(text: str) -> tuple[str, str, str]:
    """``analyse`` of an extracted text as it becomes a document's indexed body.

    Run by the extraction workers (``BODY_ANALYSER``), so the analysis of long texts uses
    every core; the body is the stored text (NUL characters dropped, as processing stores
    it) with hyphenated line ends rejoined, as ``indexing.to_indexed`` makes it.
    """
    return analyse([rejoin_hyphenated(text.replace("\x00", ""))])


BODY_ANALYSER = f"{__name__}:body_terms"
"""``body_terms`` as the extraction workers name a function to run on the text they read."""


def explain(text: str) -> list[dict[str, Any]]:
    """Each word of ``text`` in order with what search makes of it.

    ``{"word": "belangrijke", "term": "belangrijk", "exact": "belangrijke", "parts": []}``;
    ``term`` is None for a stop word (it is not indexed), ``parts`` holds a compound's part
    terms. For curators asking why a word does or does not match.
    """
    out: list[dict[str, Any]] = []
    for match in TOKEN_PATTERN.finditer(text or ""):
        word = match.group()
        terms = word_terms(word)
        out.append(
            {
                "word": normalise(word),
                "term": terms.stem if terms else None,
                "exact": terms.exact if terms else fold(normalise(word)),
                "parts": list(terms.parts) if terms else [],
            }
        )
    return out
