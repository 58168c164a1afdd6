"""Importing an archive of files from disk: each file stored, processed and indexed in turn.

The command line shows progress and prints the report; the work and the report are here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kennisnet.accounts.models import User
from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.core.errors import DomainError
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.previews import make_previews
from kennisnet.documents.processing import process_document
from kennisnet.documents.uploads import DuplicateUpload, ingest_document


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    refused: list[dict[str, str]] = field(default_factory=list)  # path, error (Dutch)
    documents: list[dict[str, Any]] = field(default_factory=list)  # id, path, status

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "documents": self.documents,
        }


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and those below the folders named, hidden files and folders left out."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return files


def import_files(
    files: Iterable[Path], meta: Metadata, uploader: User | None = None
) -> ImportReport:
    """Store, extract and index each file; when it returns, the documents are searchable.

    A file that is refused or unreadable is reported and skipped; a file already stored is
    reported as a duplicate of its document.
    """
    if meta.organisation:
        ensure_organisation(meta.organisation, meta.region)
    report = ImportReport()
    for path in files:
        try:
            with path.open("rb") as stream:
                doc = ingest_document(stream, path.name, meta, uploader, enqueue=False)
        except DuplicateUpload as exc:
            report.duplicates += 1
            report.documents.append(
                {"id": exc.existing_id, "path": str(path), "status": "duplicate"}
            )
            continue
        except DomainError as exc:
            report.refused.append({"path": str(path), "error": str(exc.message)})
            continue
        except OSError as exc:
            report.refused.append(
                {"path": str(path), "error": f"Kan het bestand niet lezen: {exc.strerror}"}
            )
            continue
        status = process_document(doc.id)
        make_previews(doc.id)
        report.imported += 1
        report.documents.append({"id": doc.id, "path": str(path), "status": str(status)})
    return report
