"""The statement store: records, validation, SQLite storage with revisions, import and export.

Imports nothing from `index` or `web`: the archive is the truth and stands on its own.
"""

from .errors import ArchiveError, NotFound, RecordError
from .records import KINDS, TRANSLATORS, validate
from .store import ImportRejected, ImportReport, Store

__all__ = [
    "KINDS",
    "TRANSLATORS",
    "ArchiveError",
    "ImportRejected",
    "ImportReport",
    "NotFound",
    "RecordError",
    "Store",
    "validate",
]
