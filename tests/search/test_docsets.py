"""Document sets as masks: facet pairs, filters and the newest-first order."""

from __future__ import annotations

import numpy as np

from kennisnet.search.docsets import Facet, newest


def test_facet_mask_and_counts() -> None:
    # Documents 1-4; document 2 has two themes, document 4 none.
    facet = Facet(
        docs=np.array([1, 2, 2, 3]), codes=np.array([0, 0, 1, 1]), labels=["mantelzorg", "wonen"]
    )
    assert np.flatnonzero(facet.mask(("wonen",), 5)).tolist() == [2, 3]
    assert np.flatnonzero(facet.mask(("wonen", "mantelzorg", "onbekend"), 5)).tolist() == [1, 2, 3]
    assert not facet.mask(("onbekend",), 5).any()
    docs = np.array([False, True, True, False, True])
    assert facet.counts(docs) == {"mantelzorg": 2, "wonen": 1}
    assert facet.counts(np.zeros(5, dtype=bool)) == {}


def test_newest_orders_by_time_then_id() -> None:
    created = np.array([-np.inf, 10.0, 30.0, 30.0, 20.0, 5.0])
    found = np.array([False, True, True, True, True, False])
    assert newest(found, created, 10) == [3, 2, 4, 1]
    assert newest(found, created, 2) == [3, 2]
    assert newest(np.zeros(6, dtype=bool), created, 3) == []


def test_newest_pages_through_ties_without_repeats() -> None:
    created = np.array([-np.inf] + [7.0] * 25 + [3.0] * 10)
    found = np.ones(36, dtype=bool)
    found[0] = False
    order = newest(found, created, 35)
    assert order == list(range(25, 0, -1)) + list(range(35, 25, -1))
    pages = [newest(found, created, end)[end - 7 :] for end in range(7, 36, 7)]
    assert [i for page in pages for i in page] == order
