"""Admin pages (``/beheer``): one module per thing an admin or curator manages."""

from kennisnet.views.admin import audit, categories, members, moderation, organisations, synonyms
from kennisnet.views.admin.base import bp

__all__ = ["audit", "bp", "categories", "members", "moderation", "organisations", "synonyms"]
