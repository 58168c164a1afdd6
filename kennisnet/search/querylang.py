"""What members may type in the search box, parsed into a small tree; never an error.

Words (all required), "quoted phrases", OR between words or groups, NOT before a word or group,
and parentheses (the synonym expansion writes ``(alv OR "algemene ledenvergadering")``). The
keywords count only in capitals, as in Whoosh and most engines, so "of" and "niet" stay words.
Anything unbalanced is read as far as it makes sense: a missing ")" closes at the end, a stray
one is skipped, an open quote runs to the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Group",
    "Node",
    "Not",
    "Phrase",
    "Word",
    "any_words",
    "excluded",
    "parse",
    "positive_texts",
    "to_text",
]

# Enough for any real question; a pasted page would otherwise become a query of thousands of
# terms.
MAX_ITEMS = 32
MAX_DEPTH = 8

_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class Group:
    op: Literal["and", "or"]
    nodes: tuple[Node, ...]


Node = Word | Phrase | Not | Group


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _TOKEN.findall(text)
        self.i = 0
        self.items = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse(self) -> Node | None:
        nodes: list[Node] = []
        while self.peek() is not None:
            if self.peek() == ")":
                self.i += 1
                continue
            node = self.parse_or(0)
            if node is not None:
                nodes.append(node)
        return _group("and", nodes)

    def parse_or(self, depth: int) -> Node | None:
        options = [self.parse_and(depth)]
        while self.peek() == "OR":
            self.i += 1
            options.append(self.parse_and(depth))
        return _group("or", [o for o in options if o is not None])

    def parse_and(self, depth: int) -> Node | None:
        nodes: list[Node] = []
        while (piece := self.peek()) is not None and piece not in (")", "OR"):
            if piece == "AND":
                self.i += 1
                continue
            node = self.parse_unary(depth)
            if node is not None:
                nodes.append(node)
        return _group("and", nodes)

    def parse_unary(self, depth: int) -> Node | None:
        if self.peek() == "NOT":
            self.i += 1
            if self.peek() in (None, ")", "OR"):
                return None
            node = self.parse_atom(depth)
            return Not(node) if node is not None else None
        return self.parse_atom(depth)

    def parse_atom(self, depth: int) -> Node | None:
        piece = self.tokens[self.i]
        self.i += 1
        if piece == "(":
            if depth >= MAX_DEPTH:
                # Deeper nesting than anyone types: the bracket is read as a space, so a run
                # of "(((((" costs neither recursion nor an error.
                return None
            inner = self.parse_or(depth + 1)
            if self.peek() == ")":
                self.i += 1
            return inner
        self.items += 1
        if self.items > MAX_ITEMS:
            return None
        if piece.startswith('"'):
            text = piece.strip('"').strip()
            return Phrase(text) if text else None
        return Word(piece)


def _group(op: Literal["and", "or"], nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    return Group(op, tuple(nodes))


def parse(text: str) -> Node | None:
    """The tree of ``text``, or None when it holds nothing to search for."""
    return _Parser(text or "").parse()


def any_words(node: Node | None) -> Node | None:
    """The query with its top-level words combined by OR, for the fallback when no document
    has all of them. Words after NOT stay excluded."""
    if not (isinstance(node, Group) and node.op == "and"):
        return node
    positive = [n for n in node.nodes if not isinstance(n, Not)]
    negative = [n for n in node.nodes if isinstance(n, Not)]
    if len(positive) < 2:
        return node
    either = Group("or", tuple(positive))
    return Group("and", (either, *negative)) if negative else either


def excluded(node: Node | None) -> Node | None:
    """What the top level of the query excludes with NOT, as one node; None if nothing.

    For a query with nothing else to search for ("NOT pilot", "de NOT pilot") the result is
    every document except these, as in Whoosh.
    """
    if isinstance(node, Not):
        return node.node
    if isinstance(node, Group) and node.op == "and":
        return _group("or", [n.node for n in node.nodes if isinstance(n, Not)])
    return None


def to_text(node: Node | None) -> str:
    """The query written out again in the same syntax (for engines that parse text)."""
    if node is None:
        return ""
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Phrase):
        return f'"{node.text}"'
    if isinstance(node, Not):
        return f"NOT {_nested(node.node)}"
    return f" {node.op.upper()} ".join(_nested(n) for n in node.nodes)


def _nested(node: Node) -> str:
    return f"({to_text(node)})" if isinstance(node, Group) else to_text(node)


def positive_texts(node: Node | None) -> list[str]:
    """The words and phrases that a match can contain (not those after NOT), for highlighting."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Group):
        return [text for child in node.nodes for text in positive_texts(child)]
    return [node.text]
