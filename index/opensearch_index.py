"""An OpenSearch index that hatsugen searches through: its definition, its documents, and the
calls that keep it in step with the archive (bulk with external versions, drift, rebuilds).

The words are hatsugen's own: each text field holds the terms our analyzers give (SudachiPy
normalised forms, folding, numbers, US spellings, Porter2 stems), joined by spaces, and the
cluster only splits on whitespace. A query is parsed and analysed by our code too
(opensearch_engine.py), so 五兆円 = 5兆円 and 櫻田 = 桜田 with no plugin on the cluster, and a
phrase is the same positions. Scores are Whoosh's BM25F, computed by a script from each
word's frequency and each field's exact length (BM25F_SCRIPT).

Searches and writes go to an alias; `rebuild` fills a new concrete index and moves the alias
in one atomic call, so no search ever sees a missing or half-built index.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from whoosh.util.numeric import byte_to_length

from hatsugen.archive.errors import ArchiveError

from .parallel import analysed
from .schema import INDEX_FORMAT, MEETING_FACETS, SEARCH_FIELDS

# Bumped when the remote documents or definition change (with INDEX_FORMAT: the analysis).
REMOTE_FORMAT = 6
BATCH = 500  # statements per bulk request
RETRIES = 3  # a failed bulk request is tried again this often, after 0.5, 1, 2 s
MAX_RESULT_WINDOW = 200_000  # deep pages: page 1000 of 100, and exports of 100k results
KEYWORDS = ("id", "stamp", "speaker_id", "lang", "kind", "year", "status", "topic",
            *MEETING_FACETS)  # fmt: skip


def _whoosh_length(lo: int = 0, hi: int = 255) -> str:
    """Painless for Whoosh's stored length of a field of `len` words: the smallest of its
    256 lengths not below it (whoosh.util.numeric.length_to_byte, then byte_to_length), as
    a tree of comparisons (eight, and no table to allocate for each statement scored)."""
    if lo == hi:
        return str(byte_to_length(lo))
    mid = (lo + hi) // 2
    below, above = _whoosh_length(lo, mid), _whoosh_length(mid + 1, hi)
    return f"(len <= {byte_to_length(mid)} ? {below} : {above})"


# A text field's word scores its frequency in the statement, nothing else: the query wraps it
# in BM25F_SCRIPT, which computes Whoosh's BM25F exactly from that frequency, the field's
# exact length (`len_<field>`, as doc values: Lucene keeps a length in one lossy byte) and
# the idf and average length hatsugen computed for the whole index (opensearch_engine.py).
FREQUENCY = "return doc.freq;"
BM25F_SCRIPT = (
    "double tf = _score; long len = doc[params.len].value;"
    f" double fl = {_whoosh_length()};"
    " return params.w * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * fl / params.avg));"
)


class SearchUnavailable(ArchiveError):
    """The search cluster could not be reached or refused; the archive itself is fine.

    `transient`: worth trying again (no answer, or the cluster said it is busy or failing);
    `status` and `reason`: the cluster's refusal, when it answered."""

    def __init__(self, message: str, *, transient: bool = True, status: int = 0,
                 reason: str = "") -> None:  # fmt: skip
        super().__init__(message)
        self.transient, self.status, self.reason = transient, status, reason


def _opensearch() -> Any:
    try:
        import opensearchpy
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        raise SearchUnavailable("the opensearch-py package is not installed") from None
    return opensearchpy


def connect(url: str, timeout: float = 30.0) -> Any:
    """A client for one cluster; `url` may list several nodes, comma-separated, and a node
    that stops answering is left for the others."""
    opensearchpy = _opensearch()
    hosts = [u.strip() for u in url.split(",") if u.strip()]
    return opensearchpy.OpenSearch(
        hosts=hosts, timeout=timeout, max_retries=len(hosts), retry_on_timeout=len(hosts) > 1,
        retry_on_status=(502, 503, 504), http_compress=True,
    )  # fmt: skip


def definition(shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Settings and mappings of a concrete index behind the alias."""
    text = {"type": "text", "analyzer": "hatsugen_words", "similarity": "hatsugen_frequency"}
    props: dict[str, Any] = {name: dict(text) for name in SEARCH_FIELDS}
    props.update({f"len_{name}": {"type": "integer"} for name in SEARCH_FIELDS})
    props.update({name: {"type": "keyword"} for name in KEYWORDS})
    props["n"] = {"type": "long"}  # the order statements were stored in: ties go by it
    props["date_start"] = {"type": "integer"}
    props["date_end"] = {"type": "integer"}
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "max_result_window": MAX_RESULT_WINDOW,
                "similarity": {
                    "hatsugen_frequency": {"type": "scripted", "script": {"source": FREQUENCY}}
                },
                "analysis": {
                    "tokenizer": {
                        "hatsugen_space": {"type": "whitespace", "max_token_length": 1024}
                    },
                    "analyzer": {
                        "hatsugen_words": {"type": "custom", "tokenizer": "hatsugen_space"}
                    },
                },
            }
        },
        "mappings": {
            "dynamic": "strict",
            # Nothing is read back but ids and stamps (doc values): the texts are in the store.
            "_source": {"enabled": False},
            "_meta": {"hatsugen_index_format": INDEX_FORMAT, "hatsugen_remote": REMOTE_FORMAT},
            "properties": props,
        },
    }


def remote_documents(docs: Iterable[dict]) -> Iterator[dict]:
    """Index documents (schema.document) as the cluster keeps them: each text field as its
    analysed words and their number, the topics as a list, no stored sentence starts."""
    for doc in analysed(docs):
        keys = ("id", "stamp", "speaker_id", "lang", "kind", "year", "status", "date_start",
                "date_end", *MEETING_FACETS)  # fmt: skip
        out = {k: doc[k] for k in keys}
        for name in SEARCH_FIELDS:
            words = [w for w in doc.get(name) or [] if w.strip()]
            out[name] = " ".join(words)
            out[f"len_{name}"] = len(words)
        topics = (doc.get("topic") or "").split(",")
        out["topic"] = [t.strip().lower() for t in topics if t.strip()]
        yield out


Item = tuple[str, int | None, dict | None]  # id, version (None: whatever), document (None: remove)


@dataclass
class Pushed:
    sent: int = 0  # documents and deletions the cluster took
    superseded: int = 0  # refused because the cluster holds a newer version: nothing lost
    failed: list[str] = field(default_factory=list)  # ids the cluster refused otherwise


class RemoteIndex:
    """The cluster's copy of the archive, under the alias `name`."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self.client = connect(url)

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        """A call; whatever goes wrong is said as SearchUnavailable (never a traceback)."""
        opensearchpy = _opensearch()
        try:
            return call()
        except (opensearchpy.ConnectionError, opensearchpy.ConnectionTimeout) as err:
            raise SearchUnavailable(
                f"the search cluster at {self.url} cannot be reached ({what}): {_why(err)}"
            ) from None
        except opensearchpy.TransportError as err:
            status = err.status_code if isinstance(err.status_code, int) else 0
            raise SearchUnavailable(
                f"the search cluster at {self.url} refused {what}: {_why(err)}",
                transient=status in (429, 500, 502, 503, 504), status=status,
                reason=str(getattr(err, "info", "") or err),
            ) from None  # fmt: skip

    def exists(self) -> bool:
        exists = self.client.indices.exists_alias
        return bool(self._call("a look for the index", lambda: exists(name=self.name)))

    def format_current(self) -> bool:
        """Whether the index behind the alias holds documents of this version's analysis."""
        found = self._call(
            "a look at the index", lambda: self.client.indices.get_mapping(index=self.name)
        )
        for body in found.values():
            meta = body.get("mappings", {}).get("_meta", {})
            if (meta.get("hatsugen_index_format"), meta.get("hatsugen_remote")) != (
                INDEX_FORMAT,
                REMOTE_FORMAT,
            ):
                return False
        return True

    def concrete(self) -> list[str]:
        """The indexes the alias points at (one, except for a moment never seen by searches)."""
        if not self.exists():
            return []
        return sorted(
            self._call("a look at the alias", lambda: self.client.indices.get_alias(name=self.name))
        )

    def push(self, items: Iterable[Item], index: str | None = None) -> Pushed:
        """Index or delete statements, BATCH at a time: (id, version, document or None for
        gone). External versions: a version older than the cluster's is refused (a late
        or repeated update never overwrites a newer one); the same version is written again,
        as a speaker's new name leaves the statement's version as it was."""
        target = index or self.name
        report = Pushed()
        batch: list[Item] = []
        for item in items:
            batch.append(item)
            if len(batch) >= BATCH:
                self._bulk(batch, target, report)
                batch = []
        if batch:
            self._bulk(batch, target, report)
        return report

    def _bulk(self, batch: list[Item], target: str, report: Pushed) -> None:
        """One batch; what the cluster could not take for now (no answer, or busy: 429,
        503, for the request or an item) is sent again after 0.5, 1 and 2 s, then said."""
        delay = 0.5
        for attempt in range(RETRIES + 1):
            try:
                batch = self._sent(batch, target, report)
            except SearchUnavailable as err:
                if attempt == RETRIES or not err.transient:
                    raise
            else:
                if not batch:
                    return
                if attempt == RETRIES:
                    raise SearchUnavailable(
                        f"the search cluster at {self.url} stayed too busy to take"
                        f" {len(batch)} statements"
                    )
            time.sleep(delay)
            delay *= 2

    def _sent(self, batch: list[Item], target: str, report: Pushed) -> list[Item]:
        """Send a batch in one bulk request; returns the items the cluster was too busy for."""
        body: list[dict] = []
        for sid, version, doc in batch:
            meta: dict[str, Any] = {"_index": target, "_id": sid}
            if version is not None:  # None: a statement gone from the store, removed whatever
                meta.update(version=version, version_type="external_gte")
            if doc is None:
                body.append({"delete": meta})
            else:
                body.append({"index": meta})
                body.append(doc)
        answer = self._call("a bulk write", lambda: self.client.bulk(body=body, refresh=False))
        by_id = {item[0]: item for item in batch}
        busy: list[Item] = []
        for item in answer["items"]:
            ((action, result),) = item.items()
            status = result.get("status", 500)
            if status < 300 or (action == "delete" and status == 404):
                report.sent += 1
            elif status == 409:
                report.superseded += 1
            elif status in (429, 503):
                busy.append(by_id[result["_id"]])
            else:
                report.failed.append(f"{result['_id']}: {result.get('error')}")
        return busy

    def count(self) -> int:
        """Documents behind the alias."""
        return int(self._call("a count", lambda: self.client.count(index=self.name))["count"])

    def refresh(self, index: str | None = None) -> None:
        self._call("a refresh", lambda: self.client.indices.refresh(index=index or self.name))

    def stamps(self) -> dict[str, tuple[str, int]]:
        """id → (stamp, version) of every document in the cluster, read in id order, a page
        at a time."""
        out: dict[str, tuple[str, int]] = {}
        after: list | None = None
        while True:
            body: dict[str, Any] = {"size": 5000, "sort": [{"id": "asc"}], "_source": False,
                                    "docvalue_fields": ["stamp"], "version": True,
                                    "query": {"match_all": {}}}  # fmt: skip
            if after is not None:
                body["search_after"] = after
            page = self._call(
                "a read of every id",
                lambda body=body: self.client.search(index=self.name, body=body),
            )
            hits = page["hits"]["hits"]
            if not hits:
                return out
            for hit in hits:
                out[hit["_id"]] = (hit["fields"]["stamp"][0], hit["_version"])
            after = hits[-1]["sort"]

    def create(self, shards: int, replicas: int) -> str:
        """A new, empty concrete index (not yet behind the alias); returns its name."""
        name = f"{self.name}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}"
        self._call("creating an index", lambda: self.client.indices.create(
            index=name, body=definition(shards, replicas)))  # fmt: skip
        return name

    def swap_in(self, name: str) -> None:
        """Point the alias at `name` alone in one atomic call; drop what it pointed at."""
        old = self.concrete()
        actions: list[dict] = [{"remove": {"index": o, "alias": self.name}} for o in old]
        actions.append({"add": {"index": name, "alias": self.name}})
        self._call(
            "moving the alias",
            lambda: self.client.indices.update_aliases(body={"actions": actions}),
        )
        for o in old:
            if o != name:
                self._call(
                    "dropping the old index", lambda o=o: self.client.indices.delete(index=o)
                )

    def drop(self, name: str) -> None:
        self._call(
            "dropping an index",
            lambda: self.client.indices.delete(index=name, ignore_unavailable=True),
        )

    def settings_now(self) -> tuple[int, int]:
        """Shards and replicas of the live index (a rebuild keeps them)."""
        for body in self._call(
            "a look at the index", lambda: self.client.indices.get_settings(index=self.name)
        ).values():
            index = body["settings"]["index"]
            return int(index["number_of_shards"]), int(index["number_of_replicas"])
        return default_shape()


def default_shape() -> tuple[int, int]:
    """Shards and replicas of a new index ($HATSUGEN_SEARCH_SHARDS, _REPLICAS; 1 and 0)."""
    from .settings import whole_number_from_env

    return (whole_number_from_env("HATSUGEN_SEARCH_SHARDS", 1, 1, 1024),
            whole_number_from_env("HATSUGEN_SEARCH_REPLICAS", 0, 0, 16))  # fmt: skip


def _why(err: Exception) -> str:
    info = getattr(err, "info", None)
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        return str(info["error"].get("reason") or info["error"].get("type"))[:300]
    return str(getattr(err, "error", "") or err)[:300]
