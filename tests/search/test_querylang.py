"""The member's query syntax, and how the FTS5 backend turns it into an expression."""

from __future__ import annotations

import pytest

from kennisnet.search.fts_query import compile_query
from kennisnet.search.querylang import (
    MAX_ITEMS,
    Group,
    Not,
    Phrase,
    Word,
    any_words,
    excluded,
    parse,
    positive_texts,
)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("", None),
        ("   ", None),
        ("mantelzorg", Word("mantelzorg")),
        ("mantelzorg buurt", Group("and", (Word("mantelzorg"), Word("buurt")))),
        ("mantelzorg AND buurt", Group("and", (Word("mantelzorg"), Word("buurt")))),
        ("alv OR statuten", Group("or", (Word("alv"), Word("statuten")))),
        ('"algemene ledenvergadering"', Phrase("algemene ledenvergadering")),
        ('"open quote', Phrase("open quote")),
        ("buurt NOT subsidie", Group("and", (Word("buurt"), Not(Word("subsidie"))))),
        (
            '(alv OR "algemene ledenvergadering") notulen',
            Group(
                "and",
                (
                    Group("or", (Word("alv"), Phrase("algemene ledenvergadering"))),
                    Word("notulen"),
                ),
            ),
        ),
        ("(buurt", Word("buurt")),
        ("buurt)", Word("buurt")),
        (")))", None),
        ("NOT", None),
        ("OR OR", None),
        ('""', None),
        # Keywords count in capitals only: "or" and "niet" are words.
        ("koffie or thee", Group("and", (Word("koffie"), Word("or"), Word("thee")))),
    ],
)
def test_parse(text: str, tree: object) -> None:
    assert parse(text) == tree


def test_long_input_is_cut_to_max_items() -> None:
    tree = parse(" ".join(f"woord{n}" for n in range(500)))
    assert isinstance(tree, Group) and len(tree.nodes) == MAX_ITEMS


def test_deep_nesting_is_read_as_spaces_not_refused() -> None:
    assert parse("(" * 200 + "buurt" + ")" * 200) == Word("buurt")
    # Far beyond the recursion limit: brackets past MAX_DEPTH cost nothing.
    assert parse("(" * 100_000 + "buurt") == Word("buurt")


def test_any_words_keeps_exclusions() -> None:
    tree = parse('buurt "samen werken" NOT subsidie')
    assert any_words(tree) == Group(
        "and", (Group("or", (Word("buurt"), Phrase("samen werken"))), Not(Word("subsidie")))
    )
    assert any_words(parse("pilot NOT repaircafé")) == parse("pilot NOT repaircafé")
    assert any_words(parse("a OR b")) == parse("a OR b")
    assert positive_texts(tree) == ["buurt", "samen werken"]


def test_excluded() -> None:
    assert excluded(parse("NOT pilot")) == Word("pilot")
    assert excluded(parse("de NOT a NOT b")) == Group("or", (Word("a"), Word("b")))
    assert excluded(parse("buurt")) is None


def test_compiled_expression() -> None:
    assert compile_query(parse("de het een")) is None  # only stop words: nothing to match
    word = compile_query(parse("buurtinitiatieven"))
    stems = "{title summary body meta parts title_parts}"
    assert word == (f'({stems}: "buurtinitiatief" OR ({stems}: "buurt" AND {stems}: "initiatief"))')
    phrase = compile_query(parse('"algemene ledenvergaderingen"'))
    assert phrase == '{title summary body meta}: "algemeen ledenvergadering"'
    negated = compile_query(parse("buurt NOT subsidie"))
    assert negated is not None and " NOT " in negated
    assert compile_query(parse("NOT subsidie")) is None  # nothing positive to look for


def test_boosted_expression_adds_title_and_exact_phrases() -> None:
    word = compile_query(parse("buurtinitiatieven"), boosted=True)
    assert word is not None
    assert '{title title_parts}: "buurtinitiatief"' in word
    assert '{title_exact summary_exact body_exact}: "buurtinitiatieven"' in word
    phrase = compile_query(parse('"algemene ledenvergaderingen"'), boosted=True)
    assert phrase == (
        '({title summary body meta}: "algemeen ledenvergadering"'
        ' OR {title_exact summary_exact body_exact}: "algemene ledenvergaderingen")'
    )
