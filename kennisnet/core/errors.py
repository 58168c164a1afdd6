"""Domain errors: a stable code, a Dutch (translatable) message and an HTTP status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(
        self,
        message: Any,
        *,
        code: str | None = None,
        status: int | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": str(self.message), **self.extra}}


class InvalidInput(DomainError):
    code = "invalid"
    status = 400

    def __init__(self, message: Any, *, field: str | None = None, **extra: Any) -> None:
        if field:
            extra["field"] = field
        super().__init__(message, **extra)
        self.field = field


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409
