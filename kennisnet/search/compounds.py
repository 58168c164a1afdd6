"""Dictionary-based splitting of Dutch compounds: "buurtnetwerken" -> "buurt" + "netwerken".

No stemmer makes "netwerk" find "buurtnetwerken"; indexing the parts beside the compound does.
``split`` finds, by dynamic programming over ``data/nl_words.txt.gz`` (frequent OpenTaal words
with wordfreq frequencies, built by ``scripts/build_wordlist.py``), the sequence of known words,
joined by the linking letters "", "s", "e" or "en", that covers the word with the highest
product of part probabilities (a unigram language model: fewer and more frequent parts win).

What must stay true:

- Input is one folded word (``analysis.fold``), as is the list; output is part spans into it,
  so callers can rebuild sub-compounds and know where the head starts.
- A word that is frequent itself (``KEEP_WHOLE_ZIPF``) is never split, a listed word only when
  its parts are on average more frequent than it is, no part is shorter than ``MIN_PART`` and
  none is in ``NOT_A_PART``: that keeps "gemeente", "kinderen", "verslagen" and "rapporteren"
  whole, and rules out "be" + "stuur".
- The list is loaded once per process, on first use, and never pickled (the analyzer that calls
  this is pickled into every index). Results are cached in a bounded ``lru_cache``.
- Changing the list, the linkers or any threshold changes index terms: bump
  ``analysis.ANALYSIS_VERSION``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from kennisnet.search.wordlists import Lazy, pairs

__all__ = ["KEEP_WHOLE_ZIPF", "LINKERS", "MIN_PART", "NOT_A_PART", "lexicon", "split"]

WORDLIST = "nl_words.txt.gz"

# Parts shorter than this are too often accidental ("be", "ver", "eco", "ten"). Three-letter
# words do make compounds ("bosbeheer", "wegdek") but letting them in split far more words badly
# than it splits well.
MIN_PART = 4
# Words that are also suffixes or word endings, so that as parts they mostly cut derivations,
# not compounds: "rapport" + "eren", "veranderende", "bevoegdheden", "aanvaardbaar",
# "alarmering", "polyester", "combineer", "kind" + "erop" + "vang", "best" + "rijden",
# "verg" + "even", "beleg" + "ging".
NOT_A_PART = frozenset(
    [
        "ante",
        "aren",
        "baar",
        "bare",
        "best",
        "eert",
        "ende",
        "eren",
        "erop",
        "even",
        "ging",
        "heden",
        "laren",
        "lijk",
        "loos",
        "loze",
        "mart",
        "neer",
        "oren",
        "ping",
        "ring",
        "ringen",
        "schap",
        "ster",
        "verg",
    ]
)
# Words at least this frequent (Zipf: log10 per billion words; "gemeente" 5.4, "verslagen" 4.5,
# "ledenvergadering" 3.3) are lexicalised or too common to be accidental compounds.
KEEP_WHOLE_ZIPF = 4.5
# Linking letters allowed between parts (never at the end of a word): "ledenvergadering",
# "ontmoetingsplekken", "boekenkast", "paddestoel". On equal scores the earlier one wins.
LINKERS = ("", "s", "en", "e")
# Zipf frequencies are per billion words: a part's log10 probability is zipf - 9.
_LOG_BILLION = 9.0

_lexicon: Lazy[dict[str, float]] = Lazy(
    lambda: {word: float(zipf) for word, zipf in pairs(WORDLIST)}
)


def lexicon() -> Mapping[str, float]:
    """Folded word -> Zipf frequency; loaded on first call, then shared (read-only)."""
    return _lexicon.get()


@lru_cache(maxsize=50_000)
def split(word: str) -> tuple[tuple[int, int], ...]:
    """Spans ``(start, end)`` of the parts of a folded compound, or ``()`` to keep it whole.

    "ontmoetingsplekken" -> ((0, 10), (11, 18)): "ontmoeting", "plekken" (the "s" between
    them is a linker and belongs to no part).
    """
    n = len(word)
    if n < 2 * MIN_PART or not word.isalpha():
        return ()
    words = lexicon()
    whole = words.get(word, 0.0)
    if whole >= KEEP_WHOLE_ZIPF:
        return ()
    # best[i]: (score, parts) of the best cover of word[:i] that ends in a part plus a linker,
    # i.e. a part may start at i. Scores are sums of log10 probabilities.
    best: list[tuple[float, tuple[tuple[int, int], ...]] | None] = [None] * (n + 1)
    best[0] = (0.0, ())
    final: tuple[float, tuple[tuple[int, int], ...]] | None = None
    for start in range(n - MIN_PART + 1):
        entry = best[start]
        if entry is None:
            continue
        score, parts = entry
        # The whole word is not a split of itself.
        first_end = start + MIN_PART
        last_end = n if start else n - 1
        for end in range(first_end, last_end + 1):
            part = word[start:end]
            zipf = words.get(part)
            if zipf is None or part in NOT_A_PART:
                continue
            candidate = (score + zipf - _LOG_BILLION, (*parts, (start, end)))
            if end == n:
                if final is None or candidate[0] > final[0]:
                    final = candidate
                continue
            for linker in LINKERS:
                nxt = end + len(linker)
                if n - nxt < MIN_PART or not word.startswith(linker, end):
                    continue
                current = best[nxt]
                if current is None or candidate[0] > current[0]:
                    best[nxt] = candidate
    if final is None:
        return ()
    parts = final[1]
    if whole:
        # A known word is split only if its parts are, on average, more frequent than it is:
        # "ledenvergadering" (3.3) -> "leden" (5.2) + "vergadering" (4.7).
        mean = sum(words[word[s:e]] for s, e in parts) / len(parts)
        if mean <= whole:
            return ()
    return parts
