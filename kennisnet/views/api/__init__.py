"""JSON API v1: the same services as the pages, with JSON answers and JSON errors.

One module per group of routes, all on the blueprint of ``base``; the JSON shapes are in
``serializers``.
"""

from kennisnet.views.api import curation, documents, search
from kennisnet.views.api.base import bp

__all__ = ["bp", "curation", "documents", "search"]
