"""The error types a person may see. Messages are already translated and say what to do."""

from __future__ import annotations


class FieldCheckError(Exception):
    """Base of every error FieldCheck reports to a person rather than as a crash."""

    code = "error"


class StoreError(FieldCheckError):
    """The local store cannot be opened or written."""

    code = "store"


class ValidationError(FieldCheckError):
    """User input or a domain rule rejected an operation."""

    code = "validation"

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class ReadOnlyError(FieldCheckError):
    """A finished visit or an issued notice cannot be changed."""

    code = "read_only"


class PhotoError(FieldCheckError):
    """A photo was rejected; the message names the file."""

    code = "photo"


class TemplateError(FieldCheckError):
    """A checklist template is malformed; the message names file, item and problem."""

    code = "template"
