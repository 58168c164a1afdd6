"""Whoosh, quarantined: the only package that imports it (``KENNISNET_SEARCH_BACKEND=whoosh``)."""

from kennisnet.search.whoosh.backend import WhooshBackend

__all__ = ["WhooshBackend"]
