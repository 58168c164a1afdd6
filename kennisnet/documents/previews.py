"""Preview images of a document's current file: a thumbnail and page images for the viewer.

Made in the worker after the document is searchable (a preview never delays finding it),
rendered in the isolated child process like extraction, and kept in the file store,
content-addressed, so identical images are stored once. The routes that serve them check
visibility exactly as the download does.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from flask import current_app
from sqlalchemy import String, cast, or_, select

from kennisnet.core.extensions import db
from kennisnet.core.storage import Store, file_store, preview_store
from kennisnet.documents.models import Document, DocumentFile
from kennisnet.extraction import ExtractionFailed, Rendered, render, render_isolated

log = logging.getLogger(__name__)


def make_previews(document_id: int) -> bool:
    """Render and store the previews of the document's current file; True when it has some.

    A file that cannot be rendered (this time) keeps what it had; the document itself is
    unaffected. Older versions of the file lose their previews: only the current one is shown.
    """
    document = db.session.get(Document, document_id)
    if document is None or document.file is None:
        return False
    current = document.file
    try:
        with file_store().local_path(current.stored_path) as path:
            rendered = _render(path, current.kind)
    except FileNotFoundError:
        return False
    except ExtractionFailed as exc:
        log.info("no previews for document %s: %s", document_id, exc.code)
        return current.thumbnail_path is not None
    store = preview_store()
    old = [p for version in document.files for p in version.preview_paths()]
    current.thumbnail_path = _put(store, rendered.thumbnail) if rendered.thumbnail else None
    current.page_paths = [_put(store, page) for page in rendered.pages]
    for version in document.files[:-1]:
        version.thumbnail_path, version.page_paths = None, []
    db.session.commit()
    kept = set(current.preview_paths())
    for relative in dict.fromkeys(old):
        if relative not in kept:
            forget_preview(relative)
    return current.thumbnail_path is not None


def _render(path: Path, kind: str) -> Rendered:
    config = current_app.config
    pages = config["PREVIEW_PAGES"]
    if not config["EXTRACTION_ISOLATED"]:
        return render(path, kind, max_pages=pages)
    return render_isolated(
        path,
        kind,
        max_pages=pages,
        timeout=config["EXTRACTION_TIMEOUT"],
        memory_mb=config["EXTRACTION_MEMORY_MB"],
    )


def _put(store: Store, data: bytes) -> str:
    return store.put(io.BytesIO(data)).relative_path


def preview_paths() -> set[str]:
    """Every preview image some file version shows (identical images are stored once)."""
    paths: set[str] = set()
    for thumbnail, pages in db.session.execute(
        select(DocumentFile.thumbnail_path, DocumentFile.page_paths)
    ):
        if thumbnail:
            paths.add(thumbnail)
        paths.update(pages or ())
    return paths


def preview_in_use(relative_path: str) -> bool:
    """Whether a file version still shows this image; a blank page may be shared."""
    as_thumbnail = DocumentFile.thumbnail_path == relative_path
    # Paths are hex digests and slashes, so a substring match on the JSON list is exact.
    as_page = cast(DocumentFile.page_paths, String).contains(relative_path)
    return db.session.scalar(select(DocumentFile.id).where(or_(as_thumbnail, as_page))) is not None


def forget_preview(relative_path: str) -> None:
    """Remove a preview image nothing shows any more."""
    if not preview_in_use(relative_path):
        preview_store().remove(relative_path)
