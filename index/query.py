"""Search requests: validation of every parameter, and parsing of the query string.

Whoosh's parser is forgiving to a fault (an unbalanced quote silently changes the meaning), so
the things people get wrong are checked first and reported as QueryError, which the CLI turns
into exit status 2 and the web into a 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import AndGroup, MultifieldParser

from hatsugen.archive.errors import RecordError
from hatsugen.archive.provenance import STATUSES
from hatsugen.archive.records import KINDS, LANG_RE, date_bounds, parse_date

from .dates import typed_date
from .phrase import adjacent_phrases
from .schema import FIELD_BOOSTS, SEARCH_FIELDS, date_key
from .synonyms import expand

QUERY_FIELDS = {
    "ja": "Japanese text",
    "en": "English text",
    "other": "text in other languages",
    "speaker": "speaker names, readings, aliases, handles",
    "meta": "role, event, place and topics",
    "lang": "original language",
    "kind": "kind of statement",
    "year": "year",
    "status": "attribution status (unverified, verified, disputed, misattributed)",
    "topic": "topic",
    "house": "house of the Diet (衆議院, 参議院)",
    "committee": "committee or meeting (予算委員会, 本会議)",
    "session": "Diet session number",
    "id": "statement id",
}
SORTS = ("relevance", "date")
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_QUERY_CHARS = 1000
_FIELD_RE = re.compile(r"(?<![\w:/])([A-Za-z_]+):(?!//)")


class QueryError(RecordError):
    """A bad search parameter: says which and how to fix it."""


@dataclass
class SearchRequest:
    q: str = ""
    speakers: list[str] = field(default_factory=list)
    lang: str | None = None
    kind: str | None = None
    topic: str | None = None
    since: str | None = None
    until: str | None = None
    status: str | None = None
    house: str | None = None
    committee: str | None = None
    session: str | None = None
    undated: bool = False  # only statements without a date
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    def validate(self) -> SearchRequest:
        """Check every parameter; raises QueryError naming the one that is wrong."""
        self.q = (self.q or "").strip()
        if len(self.q) > MAX_QUERY_CHARS:
            raise QueryError(f"is longer than {MAX_QUERY_CHARS} characters", "q")
        if self.lang is not None and not LANG_RE.fullmatch(self.lang):
            raise QueryError(f"{self.lang!r} is not a language code such as ja or en", "lang")
        if self.kind is not None and self.kind not in KINDS:
            raise QueryError(f"{self.kind!r} is not one of: {', '.join(KINDS)}", "kind")
        if self.session is not None and not (self.session.isascii() and self.session.isdigit()):
            raise QueryError(f"{self.session!r} is not a session number such as 217", "session")
        if self.status is not None and self.status not in STATUSES:
            raise QueryError(f"{self.status!r} is not one of: {', '.join(STATUSES)}", "status")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                value = typed_date(value)  # 2025/08/23, 2025年8月, 令和7年8月23日 …
                setattr(self, name, value)
                try:
                    parse_date(value, name)
                except RecordError as err:
                    raise QueryError(err.message, name) from None
        if self.undated and (self.since or self.until):
            raise QueryError("undated statements have no date to fall between since and until;"
                             " choose one or the other", "undated")  # fmt: skip
        if self.since and self.until and self.since_key > self.until_key:
            raise QueryError(f"{self.since} is after until={self.until}", "since")
        if self.sort not in SORTS:
            raise QueryError(f"{self.sort!r} is not one of: {', '.join(SORTS)}", "sort")
        for name, top in (("page", MAX_PAGE), ("per_page", MAX_PER_PAGE)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
                raise QueryError(f"must be a whole number from 1 to {top}", name)
        return self

    @property
    def since_key(self) -> int | None:
        return date_key(date_bounds(self.since)[0]) if self.since else None

    @property
    def until_key(self) -> int | None:
        return date_key(date_bounds(self.until)[1]) if self.until else None

    @property
    def has_filters(self) -> bool:
        return bool(self.speakers or self.lang or self.kind or self.topic or self.since
                    or self.until or self.status or self.undated or self.house
                    or self.committee or self.session)  # fmt: skip


# speaker:石破 or speaker:"石破 茂" standing on its own (not after NOT or beside OR).
_SPEAKER_TERM = re.compile(r'(?<![\w:])speaker:(?:"([^"]+)"|([^\s()"]+))')


def speakers_in_query(q: str) -> tuple[str, list[str]]:
    """`speaker:` terms of a query, taken out to be resolved like the speaker filter (石破 is
    石破茂, いしば too); what stays is the rest of the query. A speaker: term after NOT or
    beside OR stays in the query, where it matches names as words."""
    q = normal_quotes(q or "")
    named: list[str] = []
    out, at = [], 0
    for m in _SPEAKER_TERM.finditer(q):
        if q[: m.start()].count('"') % 2:
            continue  # inside a phrase
        before = q[: m.start()].split()[-1:] or [""]
        after = q[m.end() :].split()[:1] or [""]
        if before[0] in ("NOT", "OR", "(") or after[0] == "OR" or before[0].endswith("("):
            continue
        named.append(m.group(1) or m.group(2))
        out.append(q[at : m.start()])
        at = m.end()
    out.append(q[at:])
    return " ".join("".join(out).split()), named


def _outside_quotes(q: str) -> str:
    """The query without its quoted phrases: where operators and field: prefixes are read."""
    return re.sub(r'"[^"]*"', "", q)


def check_syntax(q: str) -> None:
    """Catch what Whoosh would silently misread."""
    if q.count('"') % 2:
        raise QueryError('has an unbalanced quote ("); close the phrase or remove the quote', "q")
    depth = 0
    outside_quotes = _outside_quotes(q)
    for ch in outside_quotes:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QueryError("has a ')' without its '('", "q")
    if depth:
        raise QueryError("has a '(' that is never closed", "q")
    for m in _FIELD_RE.finditer(outside_quotes):
        if m.group(1) not in QUERY_FIELDS:
            raise QueryError(
                f"uses an unknown field {m.group(1)!r}; fields are: {', '.join(QUERY_FIELDS)}",
                "q",
            )
    for m in re.finditer(r"\b([A-Za-z_]+):(\s|$)", outside_quotes):
        raise QueryError(f"has no value after {m.group(1)}:", "q")
    # What would scan every word of the index (or silently find nothing) is refused with why.
    if re.search(r"(?:^|[\s(:])[*?]", outside_quotes):
        raise QueryError(
            "starts a word with * or ?: that scans every word in the archive; put at least"
            " two letters before a wildcard (secur*)", "q"
        )  # fmt: skip
    if re.search(r"(?:^|[\s(:])\w[*?]", outside_quotes):
        raise QueryError("needs at least two letters before a wildcard (secur*)", "q")
    if re.search(r"[\[{][^\]}]*\bTO\b", outside_quotes):
        raise QueryError("uses a range ([a TO z]); ranges are not supported: use since/until"
                         " for dates", "q")  # fmt: skip
    if re.search(r"\S~", outside_quotes):
        raise QueryError("uses ~ (fuzzy or proximity search), which is not supported", "q")


# Quotation marks people paste: “…”, „…“, «…», 「…」 and 『…』 make a phrase as "…" does.
_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»「」『』〝〞＂"})


def normal_quotes(q: str) -> str:
    return q.translate(_QUOTES)


def parser(schema, fields: tuple[str, ...] = SEARCH_FIELDS) -> MultifieldParser:  # type: ignore[no-untyped-def]
    """Words ANDed across the fields; each word analysed for every field it may match."""
    boosts = {f: b for f, b in FIELD_BOOSTS.items() if f in fields}
    return MultifieldParser(list(fields), schema, fieldboosts=boosts, group=AndGroup)


def parse(q: str, schema, fields: tuple[str, ...] = SEARCH_FIELDS) -> wq.Query:  # type: ignore[no-untyped-def]
    """The query over `fields` (a word may match in any of them; field:word names one)."""
    q = normal_quotes(q)
    check_syntax(q)
    parsed = parser(schema, fields).parse(expand(q))
    if parsed is wq.NullQuery:
        raise QueryError("has no words to search for", "q")
    return adjacent_phrases(_positive(parsed))


def narrowed(text: str, q: wq.Query, schema, fields: tuple[str, ...]) -> wq.Query:  # type: ignore[no-untyped-def]
    """`text` (parsed as `q` over every field) over only `fields`, for the tiers of results:
    what parse(text, schema, fields) matches, without parsing and analysing again (a third of
    a search's time). Every word of a query without field: prefixes was spread over the
    fields by the parser, so the query's words in other fields are dropped, as the narrower
    parser drops a word none of whose fields keeps it; a field: prefix holds its word to its
    field whatever the fields, and is parsed again."""
    if _FIELD_RE.search(_outside_quotes(normal_quotes(text))):
        return parse(text, schema, fields)
    try:
        kept = _within_fields(q, frozenset(fields))
    except _OtherShape:
        return parse(text, schema, fields)
    return wq.NullQuery if kept is None else kept


class _OtherShape(Exception):
    """A node narrowing does not know (the parser's rarer operators): parse again."""


def _within_fields(q: wq.Query, fields: frozenset[str]) -> wq.Query | None:
    if q.is_leaf():
        name = getattr(q, "fieldname", None)
        return q if name is None or name in fields else None
    if type(q) in (wq.And, wq.Or):
        kept = [k for k in (_within_fields(s, fields) for s in q.subqueries) if k is not None]
        return type(q)(kept, boost=q.boost) if kept else None
    if type(q) is wq.Not:
        inner = _within_fields(q.query, fields)
        return None if inner is None else wq.Not(inner)
    if type(q) is wq.AndNot:
        a, b = _within_fields(q.a, fields), _within_fields(q.b, fields)
        return a if a is None or b is None else wq.AndNot(a, b)
    raise _OtherShape(type(q).__name__)


def _positive(q: wq.Query) -> wq.Query:
    """A query of only NOTs means "everything except": give it something to subtract from."""
    if isinstance(q, wq.Not):
        return wq.AndNot(wq.Every(), q.query)
    if isinstance(q, wq.And) and all(isinstance(s, wq.Not) for s in q.subqueries):
        return wq.AndNot(wq.Every(), wq.Or([s.query for s in q.subqueries]))
    return q


Terms = dict[str, set[tuple[str, ...]]]  # field → words (1-tuples) and phrases


def positive_terms(q: wq.Query) -> Terms:
    """field → what a result can match on (not what is under NOT), for highlighting: a word
    as a 1-tuple, a phrase (or a compound the analysis split: 東京都) as its words in order."""
    out: Terms = {}

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if isinstance(node, wq.Term):
            out.setdefault(node.fieldname, set()).add((node.text,))
        elif isinstance(node, wq.Phrase):
            out.setdefault(node.fieldname, set()).add(tuple(node.words))
        for child in node.children():
            walk(child)

    walk(q)
    return out
