"""Every error a user can cause, each with a message meant to be shown as it is."""

from __future__ import annotations

__all__ = [
    "CorpusError",
    "FilterError",
    "IndexCorruptError",
    "IndexError_",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexStaleError",
    "InputFileError",
    "MgiassistError",
    "ModelError",
    "ProfileError",
    "QueryError",
]


class MgiassistError(Exception):
    """Base class: the message is one line a user can act on."""


class QueryError(MgiassistError, ValueError):
    """The question cannot be searched as given (empty, too long, control characters)."""


class FilterError(MgiassistError, ValueError):
    """A filter names a value the index does not hold."""


class InputFileError(MgiassistError, ValueError):
    """A file the user handed in (questions, qrels) cannot be read as given."""


class CorpusError(MgiassistError):
    """The corpus folder is missing or holds no readable profile."""


class ProfileError(MgiassistError):
    """One profile file is empty, binary, unreadable or malformed; it is skipped."""


class IndexError_(MgiassistError):
    """Base class for problems with a built index."""


class IndexMissingError(IndexError_):
    pass


class IndexStaleError(IndexError_):
    pass


class IndexCorruptError(IndexError_):
    pass


class IndexMismatchError(IndexError_):
    """The index was built with another model or format version."""


class ModelError(MgiassistError):
    """The embedding model cannot be loaded."""
