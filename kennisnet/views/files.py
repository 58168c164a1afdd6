"""Stored files to the browser, in chunks through the app, whichever store holds them.

The app streams every download itself (no public or presigned links), so a file is sent only
after the route has checked who may see its document. The ETag is the file's SHA-256, the same
in every store and after a restore; Range and If-None-Match work as werkzeug's ``send_file``.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from urllib.parse import quote

from flask import Response, abort, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.wsgi import wrap_file

from kennisnet.core.storage import Store


def send_stored(
    store: Store,
    relative_path: str,
    *,
    etag: str,
    mimetype: str,
    download_name: str | None = None,
) -> ResponseReturnValue:
    """The stored file as a response; 404 when the store does not have it."""
    try:
        opened = store.open(relative_path)
    except (FileNotFoundError, ValueError):
        abort(404)
    response: Response = current_app.response_class(
        wrap_file(request.environ, opened.file), mimetype=mimetype, direct_passthrough=True
    )
    response.content_length = opened.size
    if download_name is not None:
        response.headers.set("Content-Disposition", "attachment", **_names(download_name))
    response.set_etag(etag)
    response.last_modified = datetime.fromtimestamp(int(opened.modified), UTC)
    response.cache_control.no_cache = True  # revalidate each time: visibility may change
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    try:
        return response.make_conditional(
            request.environ, accept_ranges=True, complete_length=opened.size
        )
    except BaseException:  # a Range that cannot be met (416): the file is not sent
        opened.file.close()
        raise


def _names(download_name: str) -> dict[str, str]:
    """``filename`` for every browser, ``filename*`` with the real name where it is not ASCII
    (as werkzeug's ``send_file`` does)."""
    try:
        download_name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode()
        return {"filename": simple, "filename*": f"UTF-8''{quote(download_name, safe='')}"}
    return {"filename": download_name}
