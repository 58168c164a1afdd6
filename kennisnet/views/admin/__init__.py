"""Admin pages (``/beheer``): one module per thing an admin or curator manages."""

from kennisnet.views.admin import (
    audit,
    categories,
    insights,
    members,
    moderation,
    organisations,
    synonyms,
)
from kennisnet.views.admin.base import bp

__all__ = [
    "audit",
    "bp",
    "categories",
    "insights",
    "members",
    "moderation",
    "organisations",
    "synonyms",
]
