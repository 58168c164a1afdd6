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

__all__ = ["Group", "Node", "Not", "Phrase", "Word", "parse", "positive_texts", "with_operator"]

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
            inner = self.parse_or(depth + 1)
            if self.peek() == ")":
                self.i += 1
            # Deeper nesting than anyone types is flattened rather than refused.
            return inner if depth < MAX_DEPTH else _flatten(inner)
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


def _flatten(node: Node | None) -> Node | None:
    if isinstance(node, Group):
        leaves: list[Node] = []
        for child in node.nodes:
            flat = _flatten(child)
            if isinstance(flat, Group):
                leaves.extend(flat.nodes)
            elif flat is not None:
                leaves.append(flat)
        return _group(node.op, leaves)
    return node


def parse(text: str) -> Node | None:
    """The tree of ``text``, or None when it holds nothing to search for."""
    return _Parser(text or "").parse()


def with_operator(node: Node | None, op: Literal["and", "or"]) -> Node | None:
    """The same query with its top-level words combined by ``op`` (the OR fallback)."""
    if isinstance(node, Group) and node.op != op:
        return Group(op, node.nodes)
    return node


def positive_texts(node: Node | None) -> list[str]:
    """The words and phrases that a match can contain (not those after NOT), for highlighting."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Group):
        return [text for child in node.nodes for text in positive_texts(child)]
    return [node.text]
