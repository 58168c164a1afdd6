"""Dutch analysis against gold lemmas: conflation per part of speech, collisions, speed.

Reads the Universal Dependencies development sets in ``../shared/ud-dutch`` (word form, gold
lemma, part of speech; never copied into this repository) and measures, for Kennisnet's index
term (``analysis.stem``) and for Snowball's ``dutch`` stemmer as the reference, in the same run:

- conflation: of the distinct (form, lemma, part of speech) triples of nouns, adjectives and
  verbs whose form differs from its lemma, the share where form and lemma get the same term;
- collision rate: of the distinct lemmas, the share whose forms' terms are shared with a form of
  another lemma (two words that search can no longer tell apart);
- words per second: the running text of both sets (caches filling as in indexing), and each
  distinct form once from empty caches (lexicons loaded beforehand: that is start-up).

Lemmas holding "_" (compounds, whose gold lemma drops linking letters) and tokens that are not
all letters are left out, in both measures. Run from the repository root::

    .venv/bin/python bench/analysis.py [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import snowballstemmer  # noqa: E402

from kennisnet.search import analysis, compounds, lemmas  # noqa: E402

TREEBANKS = ROOT.parent / "shared" / "ud-dutch"
POS = ("NOUN", "ADJ", "VERB")


@dataclass(frozen=True)
class Token:
    form: str
    lemma: str
    pos: str


def read(paths: Iterable[Path]) -> list[Token]:
    """Word tokens of CoNLL-U files (multi-word and empty nodes left out)."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            out.append(Token(cols[1], cols[2], cols[3]))
    return out


def treebanks(directory: Path = TREEBANKS) -> dict[str, list[Token]]:
    return {path.stem: read([path]) for path in sorted(directory.glob("*.conllu"))}


def _measured(tokens: Iterable[Token]) -> list[Token]:
    return [
        Token(t.form.lower(), t.lemma.lower(), t.pos)
        for t in tokens
        if t.pos in POS and "_" not in t.lemma and t.form.isalpha() and t.lemma.isalpha()
    ]


def conflation(tokens: list[Token], term: Callable[[str], str]) -> dict[str, float]:
    """Per part of speech (and nouns with adjectives together): the share of inflected forms
    whose term is their lemma's term."""
    inflected = {t for t in _measured(tokens) if t.form != t.lemma}
    out = {}
    for name, kinds in (*((p, (p,)) for p in POS), ("NOUN+ADJ", ("NOUN", "ADJ"))):
        pairs = [t for t in inflected if t.pos in kinds]
        met = sum(term(t.form) == term(t.lemma) for t in pairs)
        out[name] = met / len(pairs) if pairs else 0.0
    return out


def collisions(tokens: list[Token], term: Callable[[str], str]) -> tuple[float, list[set[str]]]:
    """The share of lemmas that share a term with another lemma, and the groups that do."""
    measured = _measured(tokens)
    lemmas_of: dict[str, set[str]] = defaultdict(set)
    terms_of: dict[str, set[str]] = defaultdict(set)
    for t in measured:
        for word in (t.form, t.lemma):
            key = term(word)
            lemmas_of[key].add(t.lemma)
            terms_of[t.lemma].add(key)
    distinct = set(terms_of)
    colliding = {lemma for lemma in distinct if any(len(lemmas_of[k]) > 1 for k in terms_of[lemma])}
    groups = [group for group in lemmas_of.values() if len(group) > 1]
    return (len(colliding) / len(distinct) if distinct else 0.0), groups


def words_per_second(
    tokens: list[Token], term: Callable[[str], str], clear: Callable[[], None]
) -> tuple[float, float]:
    """Running text (every token, caches filling as in indexing) and distinct words (each
    analysed once, from empty caches: the cost of a word never seen before)."""
    running = [t.form for t in tokens if t.form.isalpha()]
    distinct = list(dict.fromkeys(running))
    rates = []
    for words in (running, distinct):
        clear()
        start = time.perf_counter()
        for word in words:
            term(word)
        rates.append(len(words) / (time.perf_counter() - start))
    return rates[0], rates[1]


def kennisnet_term(word: str) -> str:
    return analysis.stem(word)


def _clear_kennisnet() -> None:
    lemmas.table()  # loading the lexicon is start-up, not analysis
    compounds.lexicon()
    for cached in (lemmas.lemma, analysis.pieces, analysis.word_terms, compounds.split):
        cached.cache_clear()


_SNOWBALL = snowballstemmer.stemmer("dutch")


def snowball_term(word: str) -> str:
    return _SNOWBALL.stemWord(analysis.fold(word))


ENGINES: dict[str, tuple[Callable[[str], str], Callable[[], None]]] = {
    "kennisnet": (kennisnet_term, _clear_kennisnet),
    "snowball-dutch": (snowball_term, lambda: None),
}


def measure(sets: dict[str, list[Token]]) -> dict[str, dict[str, dict[str, float]]]:
    report: dict[str, dict[str, dict[str, float]]] = {}
    everything = [t for tokens in sets.values() for t in tokens]
    for name, (term, clear) in ENGINES.items():
        rows = {}
        for label, tokens in {**sets, "both": everything}.items():
            row = conflation(tokens, term)
            row["collision_rate"] = collisions(tokens, term)[0]
            rows[label] = row
        running, distinct = words_per_second(everything, term, clear)
        rows["both"]["words_per_second"] = running
        rows["both"]["distinct_words_per_second"] = distinct
        report[name] = rows
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--treebanks", type=Path, default=TREEBANKS)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    sets = treebanks(args.treebanks)
    if not sets:
        print(f"no .conllu files under {args.treebanks}", file=sys.stderr)
        return 1
    report = measure(sets)
    print(f"ANALYSIS_VERSION {analysis.ANALYSIS_VERSION}; sets: {', '.join(sets)}")
    header = f"{'engine':16} {'set':28} {'NOUN':>6} {'ADJ':>6} {'VERB':>6} {'N+A':>6} {'coll.':>6}"
    print(header)
    for engine, rows in report.items():
        for label, row in rows.items():
            print(
                f"{engine:16} {label:28} {row['NOUN']:6.3f} {row['ADJ']:6.3f} {row['VERB']:6.3f}"
                f" {row['NOUN+ADJ']:6.3f} {row['collision_rate']:6.3f}"
            )
        both = rows["both"]
        print(
            f"{engine:16} words/s: {both['words_per_second']:,.0f} running text,"
            f" {both['distinct_words_per_second']:,.0f} distinct words from empty caches"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
