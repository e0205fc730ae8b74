"""Keeping an OpenSearch index in step with the archive (with $HATSUGEN_SEARCH_URL).

The store stays the truth and its index outbox the queue: every write logs the statements it
changed, and whoever holds this home's index lock sends them to the cluster through the bulk
API, then records how far it got (a mark named after the cluster and the alias). A write
never waits for the cluster: while it is down, changes stay queued and are sent by the next
write, by `serve`'s background indexer, or by `check --repair`. Sending is idempotent (ids,
external versions), so a process killed mid-way loses nothing and duplicates nothing: the
next one sends again from the mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from hatsugen.index import IndexBusy
from hatsugen.index.opensearch_index import (
    Item,
    RemoteIndex,
    SearchUnavailable,
    default_shape,
    remote_documents,
)
from hatsugen.index.schema import document
from hatsugen.index.settings import seconds_from_env

if TYPE_CHECKING:
    from .core import Drained, Hatsugen


class RemoteSync:
    def __init__(self, app: Hatsugen, remote: RemoteIndex) -> None:
        self.app = app
        self.remote = remote
        self._mark_name: str | None = None
        self._ready = False
        self._said_down = False

    @property
    def mark_name(self) -> str:
        """The outbox mark of this cluster's alias: a home pointed at another cluster, or at
        another alias, starts again from nothing rather than trusting a stranger's mark."""
        if self._mark_name is None:
            info = self.remote._call("a look at the cluster", self.remote.client.info)
            self._mark_name = f"os:{info['cluster_uuid']}/{self.remote.name}"
        return self._mark_name

    def items(self, ids: list[str] | None = None) -> Iterator[Item]:
        """What the cluster must hold for these statements (all: None): a document for each
        live one, a removal for each retracted or gone one."""
        speakers = self.app.speakers_by_id()
        numbers: dict[str, tuple[int, int]] = {}  # id → version, row number (until sent)
        retracted: list[Item] = []
        seen: set[str] = set()

        def docs() -> Iterator[dict]:
            for record, version, n in self.app.store.numbered_rows(ids):
                seen.add(record["id"])
                if "retracted" in record:
                    retracted.append((record["id"], version, None))
                else:
                    numbers[record["id"]] = (version, n)
                    yield document(record, speakers[record["speaker"]], version)

        for doc in remote_documents(docs()):
            version, doc["n"] = numbers.pop(doc["id"])
            yield doc["id"], version, doc
        yield from retracted
        for statement_id in ids or []:
            if statement_id not in seen:
                yield statement_id, None, None

    def ensure(self) -> bool:
        """Build the cluster's index if it is missing or of another format (once per
        process); True if it was fine. An index this archive never filled that holds
        statements is someone else's: refused, never replaced unasked (`reindex` does)."""
        if self._ready:
            return True
        remote = self.remote
        if not remote.exists():
            why = "has no index yet"
        elif not remote.format_current():
            why = "holds an index built by another hatsugen version"
        elif self.app.store.mark(self.mark_name) is None:
            held = remote.count()
            if held:
                raise SearchUnavailable(
                    f"the index {remote.name!r} at {remote.url} holds {held} statements this"
                    " archive never sent: choose another --search-index, or run `hatsugen"
                    " reindex` to replace them with this archive's"
                )
            why = "holds an empty index"
        else:
            self._ready = True
            return True
        if self.app.store.count():
            self.app.notify(f"the search cluster at {remote.url} {why} ({remote.name!r});"
                            " building it from the archive")  # fmt: skip
        self.reindex()
        return False

    def pending(self) -> int:
        mark = self.app.store.mark(self.mark_name)
        return self.app.store.count() if mark is None else self.app.store.pending_since(mark)

    def drain(self, wait: float | None = None) -> Drained:
        """Send every logged change the cluster lacks, if this home's index lock can be had
        within `wait` seconds; while the cluster cannot be reached, leave them queued."""
        from .core import Drained

        store = self.app.store
        wait = seconds_from_env("HATSUGEN_INDEX_WAIT", 10.0) if wait is None else wait
        sent = 0
        try:
            if not self.ensure():
                return Drained(indexed=store.count(), pending=0)
            with self.app.index.write_lock(timeout=wait):
                name = self.mark_name
                mark = store.mark(name) or 0
                for ids, top in store.batches_since(mark):
                    pushed = self.remote.push(self.items(ids))
                    if pushed.failed:
                        raise SearchUnavailable(
                            "the search cluster refused: " + "; ".join(pushed.failed[:3])
                        )
                    self.remote.refresh()
                    sent += len(ids)
                    store.set_mark(name, top)
                    mark = top
                store.prune_log(self.app.prunable(mark))
        except IndexBusy:
            return Drained(indexed=sent, pending=self.pending_or_all())
        except SearchUnavailable as err:
            if not self._said_down:
                self.app.notify(f"{err}; the changes stay queued and are sent when it answers"
                                " (`hatsugen check --repair` sends them now)")  # fmt: skip
                self._said_down = True
            return Drained(indexed=sent, pending=self.pending_or_all())
        self._said_down = False
        return Drained(indexed=sent, pending=0)

    def pending_or_all(self) -> int:
        """Queued statements, also while the cluster cannot say who it is: then from this
        alias's one mark, if there is one (else all of them)."""
        try:
            return self.pending()
        except SearchUnavailable:
            store = self.app.store
            suffix = "/" + self.remote.name
            ours = [seq for name, seq in store.marks().items()
                    if name.startswith("os:") and name.endswith(suffix)]  # fmt: skip
            return store.pending_since(ours[0]) if len(ours) == 1 else store.count()

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Fill a new concrete index from the store, take in what changed meanwhile, then move
        the alias to it in one call: searches never see a missing or half-built index."""
        from .core import REINDEX_MARK, counted

        app, store, remote = self.app, self.app.store, self.remote
        with app.index.reindex_lock():
            start = store.last_change()
            store.set_mark(REINDEX_MARK, start)
            try:
                shape = remote.settings_now() if remote.exists() else default_shape()
                new = remote.create(*shape)
                try:
                    store.conn.execute("BEGIN")  # one snapshot of the store for the build
                    try:
                        items = self.items()
                        if progress is not None:
                            items = counted(items, progress, every=1000)
                        remote.push(items, index=new)
                    finally:
                        store.conn.execute("COMMIT")
                    with app.index.write_lock():
                        mark = start
                        for ids, top in store.batches_since(start):
                            remote.push(self.items(ids), index=new)
                            mark = top
                        remote.refresh(new)
                        remote.swap_in(new)
                        store.set_mark(self.mark_name, mark)
                except BaseException:
                    remote.drop(new)
                    raise
            finally:
                store.set_mark(REINDEX_MARK, None)
        self._ready = True
        return store.count()

    def check(self, *, repair: bool) -> dict[str, list[str]]:
        """Ids and versions (stamps) in the cluster against the store: missing, stale, extra;
        the queued are listed apart, not as drift. `repair` sends and removes what differs."""
        from .core import _check_report, drift

        app = self.app
        try:
            if not self.remote.exists() or not self.remote.format_current():
                if not repair:
                    return _check_report(outdated=[f"{self.remote.url} {self.remote.name}"])
                self.reindex()
            if repair:
                self.drain(wait=None)
            expected = app.expected_stamps()
            held = self.remote.stamps()
            queued = app.store.queued_since(app.store.mark(self.mark_name) or 0)
        except SearchUnavailable as err:
            return _check_report(unreadable=[str(err)])
        actual = {i: stamp for i, (stamp, _) in held.items()}
        found = _check_report(**drift(expected, actual, queued))
        if repair and (found["missing"] or found["stale"] or found["extra"]):
            items = list(self.items(found["missing"] + found["stale"]))
            # At the cluster's own version: a statement of that id stored later still goes in.
            items += [(i, held[i][1], None) for i in found["extra"]]
            self.remote.push(items)
            self.remote.refresh()
        return found
