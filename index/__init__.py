"""Search: Japanese (SudachiPy) and English analysis, the Whoosh index, queries, filters,
facets and highlighting. Depends on `archive` (records), never on `web`."""

from . import before_imports  # noqa: F401  (first: it sets up numpy's and Whoosh's loading)
from .query import QueryError, SearchRequest
from .search import Hits, SearchEngine
from .searchindex import IndexBusy, SearchIndex

__all__ = ["Hits", "IndexBusy", "QueryError", "SearchEngine", "SearchIndex", "SearchRequest"]
