"""What every extraction module shares: the result, the failure, the kinds and their modules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "text": "text/plain",
    "markdown": "text/markdown",
}

KINDS = frozenset(MEDIA_TYPES)

# kind -> module holding ``extract(path, *, max_pages) -> Extracted`` (raw, not yet cleaned)
FORMAT_MODULES = {
    "pdf": "kennisnet.extraction.pdf",
    "docx": "kennisnet.extraction.docx",
    "odt": "kennisnet.extraction.odt",
    "text": "kennisnet.extraction.text",
    "markdown": "kennisnet.extraction.text",
}


@dataclass(frozen=True)
class Extracted:
    """The text of a document; ``text == ""`` is a success with no text (scans, images)."""

    text: str
    pages: int | None = None
    title: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)


class ExtractionFailed(Exception):
    """A document whose text cannot be read; ``message`` is Dutch and shown to volunteers.

    Codes: "encrypted", "corrupt", "unsupported", "too_large", "timeout", "crashed",
    "unreadable" (the stored file itself could not be opened).
    """

    def __init__(self, code: str, message: str) -> None:
        # Both go to Exception.args so the exception survives pickling (task queues).
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


MSG_CORRUPT = "Dit bestand is beschadigd of onleesbaar; de tekst kan niet worden gelezen."
MSG_UNSUPPORTED_KIND = (
    "Dit bestandstype wordt niet ondersteund. Upload een PDF, Word-document (.docx), "
    "OpenDocument-tekst (.odt), tekstbestand (.txt) of Markdown-bestand (.md)."
)
MSG_UNREADABLE = "Het opgeslagen bestand kon niet worden geopend; probeer het opnieuw te uploaden."
MSG_TOO_MUCH_MEMORY = (
    "Het lezen van de tekst had te veel geheugen nodig en is afgebroken; "
    "het bestand is te groot of te ingewikkeld."
)
MSG_TOO_COMPLEX = "Dit bestand is te diep genest of beschadigd; de tekst kan niet worden gelezen."
