"""Kennisnet: the document exchange of a network of neighbourhood cooperatives."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kennisnet.core.config import ROOT, load_or_create_secret, settings_from_env


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    # Imported here, not at the top: the extraction child process imports this package on its
    # way to kennisnet.extraction and must not pay for Flask's extensions, the views and the CLI.
    from kennisnet import cli
    from kennisnet.core import queue, replica
    from kennisnet.core.extensions import init_extensions
    from kennisnet.curation import tasks as _curation_tasks  # noqa: F401 - registers its task
    from kennisnet.documents import digest_tasks as _digest_tasks  # noqa: F401 - the digest task
    from kennisnet.documents import indexing
    from kennisnet.documents import tasks as _tasks  # noqa: F401 - registers the queue's tasks
    from kennisnet.search import make_search_backend
    from kennisnet.views import register_blueprints

    app = Flask(__name__, template_folder=ROOT / "templates", static_folder=ROOT / "static")
    app.config.from_mapping(settings_from_env(os.environ))
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(app.config["INSTANCE_DIR"])
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Only as many hops as are ours: a header set by the visitor is never believed.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    init_extensions(app)
    queue.init_app(app)
    app.extensions["kennisnet.search"] = make_search_backend(
        app.config, read_allowed=replica.reads_allowed
    )
    indexing.note_index_version(app)
    register_blueprints(app)
    cli.init_app(app)
    return app
