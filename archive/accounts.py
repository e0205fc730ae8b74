"""Accounts, sign-in sessions and API tokens: who may change the archive.

Kept in the archive's database (never exported). Passwords are hashed with argon2id (RFC
9106's low-memory profile; an older scrypt hash is replaced at the next sign-in), session ids
and API tokens are random and stored only as SHA-256 hashes, so a copy of the database lets
nobody sign in.

Sign-in throttling (docs/web.md, "Signing in") slows the guesser, never the owner: failures are
counted per account name and per client address; past a few, each next attempt must wait a
delay that doubles up to a few minutes and is refused at once (SignInThrottled, with how long
to wait) instead of holding a thread. The browser that last signed in to an account carries a
device token (an HMAC keyed by the account's password hash) and is never throttled for it.
Counting and deciding are one transaction, so concurrent attempts cannot overrun the limits,
and every attempt runs one password verification, so timing tells nothing about which
account names exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from .errors import ArchiveError, RecordError
from .store import Store
from .timeutil import now_utc

ROLES = ("contributor", "editor", "admin")
RANK = {"viewer": 0, "contributor": 1, "editor": 2, "admin": 3}
MIN_PASSWORD = 10
FAILURE_WINDOW_S = 15 * 60  # failures older than this are forgotten
FREE_FAILURES = {"user": 5, "addr": 20}  # per account name, per client address
MAX_DELAY_S = 180  # the longest any attempt has to wait
SESSION_DAYS = 14


class AccountError(RecordError):
    """Bad account input (a name, role or password): the message says which and why."""


class SignInRefused(ArchiveError):
    """Wrong name or password, or a disabled account: say so, no more."""


class SignInThrottled(SignInRefused):
    """Too many recent failures for this account or address: try again in `retry_after`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many failed sign-ins for this account or from this address; try again in"
            f" {retry_after} seconds"
        )
        self.retry_after = retry_after


def delay_after(failures: int, kind: str) -> float:
    """How long after the last failure the next attempt must wait: nothing for the first
    few, then 1, 2, 4 … seconds, never more than MAX_DELAY_S."""
    over = failures - FREE_FAILURES[kind]
    return 0.0 if over < 0 else float(min(2**over, MAX_DELAY_S))


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def may(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Accounts:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- users -------------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str) -> User:
        name = _check_name(name)
        _check_role(role)
        _check_password(password)
        with self.store.transaction() as tx:
            if tx.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"a user named {name!r} exists already", "name")
            cur = tx.execute(
                "INSERT INTO users (name, role, password, created_at) VALUES (?, ?, ?, ?)",
                (name, role, _password_hash(password), now_utc()),
            )
        return User(int(cur.lastrowid or 0), name, role)

    def users(self) -> list[dict]:
        rows = self.store.conn.execute(
            "SELECT name, role, disabled, created_at FROM users ORDER BY name"
        )
        return [{"name": n, "role": r, "disabled": bool(d), "created_at": c} for n, r, d, c in rows]

    def _update(self, name: str, sql: str, *values: object) -> None:
        with self.store.transaction() as tx:
            cur = tx.execute(f"UPDATE users SET {sql} WHERE name = ?", (*values, name))
            if not cur.rowcount:
                raise AccountError(f"no user named {name!r}", "name")
            if "disabled" in sql or "password" in sql:  # sign them out everywhere
                tx.execute(
                    "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)",
                    (name,),
                )

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        self._update(name, "password = ?", _password_hash(password))

    def set_role(self, name: str, role: str) -> None:
        _check_role(role)
        self._update(name, "role = ?", role)

    def disable(self, name: str) -> None:
        self._update(name, "disabled = 1")

    # -- signing in --------------------------------------------------------------------------
    def sign_in(
        self, name: str, password: str, client: str, device: str | None = None
    ) -> tuple[User, str, str]:
        """(the user, a new session id, the device token for this browser), or SignInRefused
        (SignInThrottled while recent failures for the account or the address ask to wait).

        `client` is the real client address; `device` the token this browser was given at its
        last sign-in, which spares its owner the throttling.
        """
        name = name.strip()
        keys = {"user": f"user:{name.casefold()}", "addr": f"addr:{client}"}
        row = self.store.conn.execute(
            "SELECT id, name, role, password, disabled FROM users WHERE name = ?", (name,)
        ).fetchone()
        known_device = (
            row is not None
            and device is not None
            and hmac.compare_digest(device, _device_token(row[3], row[1]))
        )
        attempt = self._reserve(keys, exempt=known_device)
        usable = row is not None and not row[4]
        # One verification whoever is asking: a missing or disabled account is checked
        # against a dummy hash, so the time taken does not tell which names exist.
        matches = _password_matches(row[3] if usable else _dummy_hash(), password)
        if not (usable and matches):
            raise SignInRefused("wrong name or password, or the account is disabled")
        user = User(row[0], row[1], row[2])
        stored = row[3]
        if _needs_rehash(stored):
            stored = _password_hash(password)
            with self.store.transaction() as tx:
                tx.execute("UPDATE users SET password = ? WHERE id = ?", (stored, user.id))
        session_id = self._new_session(user, keys, attempt)
        return user, session_id, _device_token(stored, user.name)

    def _reserve(self, keys: dict[str, str], *, exempt: bool) -> float:
        """Decide, and count, one attempt in one transaction: SignInThrottled if it must wait;
        else it is recorded as a failure now (so concurrent attempts see it) and undone by a
        successful sign-in. Returns the attempt's time."""
        now = time.time()
        with self.store.transaction() as tx:
            if not exempt:
                wait = 0.0
                for kind, key in keys.items():
                    count, last = tx.execute(
                        "SELECT count(*), max(at) FROM login_failures WHERE key = ? AND at > ?",
                        (key, now - FAILURE_WINDOW_S),
                    ).fetchone()
                    if count:
                        wait = max(wait, last + delay_after(count, kind) - now)
                if wait > 0:
                    raise SignInThrottled(max(1, int(wait + 0.999)))
            tx.executemany("INSERT INTO login_failures VALUES (?, ?)",
                           [(key, now) for key in keys.values()])  # fmt: skip
        return now

    def _new_session(self, user: User, keys: dict[str, str], attempt: float) -> str:
        """A session; the account's failures are forgotten, and this attempt's count at the
        address undone (a right password is no failure)."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM login_failures WHERE key = ? OR at < ?",
                       (keys["user"], now - FAILURE_WINDOW_S))  # fmt: skip
            tx.execute("DELETE FROM login_failures WHERE rowid = (SELECT rowid FROM"
                       " login_failures WHERE key = ? AND at = ? LIMIT 1)",
                       (keys["addr"], attempt))  # fmt: skip
            tx.execute("DELETE FROM sessions WHERE expires < ?", (now,))
            tx.execute("INSERT INTO sessions VALUES (?, ?, ?)",
                       (_hash(session_id), user.id, now + SESSION_DAYS * 86400))  # fmt: skip
        return session_id

    def session_user(self, session_id: str) -> User | None:
        row = self.store.conn.execute(
            "SELECT u.id, u.name, u.role FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.id_hash = ? AND s.expires > ? AND u.disabled = 0",
            (_hash(session_id), time.time()),
        ).fetchone()
        return User(*row) if row else None

    def sign_out(self, session_id: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash(session_id),))

    # -- API tokens --------------------------------------------------------------------------
    def create_token(self, name: str, label: str | None = None) -> tuple[int, str]:
        """(token id, the token) — the token is shown once and stored only as a hash."""
        token = "hat_" + secrets.token_urlsafe(32)
        with self.store.transaction() as tx:
            row = tx.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise AccountError(f"no user named {name!r}", "name")
            cur = tx.execute(
                "INSERT INTO api_tokens (user_id, token_hash, label, created_at)"
                " VALUES (?, ?, ?, ?)",
                (row[0], _hash(token), label, now_utc()),
            )
        return int(cur.lastrowid or 0), token

    def tokens(self) -> list[dict]:
        rows = self.store.conn.execute(
            "SELECT t.id, u.name, t.label, t.created_at, t.revoked_at FROM api_tokens t"
            " JOIN users u ON u.id = t.user_id ORDER BY t.id"
        )
        return [{"id": i, "user": n, "label": lb, "created_at": c, "revoked_at": r}
                for i, n, lb, c, r in rows]  # fmt: skip

    def revoke_token(self, token_id: int) -> None:
        with self.store.transaction() as tx:
            cur = tx.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (now_utc(), token_id),
            )
            if not cur.rowcount:
                raise AccountError(f"no active token with id {token_id}", "id")

    def token_user(self, token: str) -> User | None:
        row = self.store.conn.execute(
            "SELECT u.id, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id"
            " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0",
            (_hash(token),),
        ).fetchone()
        return User(*row) if row else None


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or not name.isprintable() or " " in name:
        raise AccountError("must be 1-64 printable characters without spaces", "name")
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"{role!r} is not one of: {', '.join(ROLES)}", "role")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"must have at least {MIN_PASSWORD} characters", "password")


# argon2 and werkzeug are imported when a password is set or checked, not with the archive:
# a cold `hatsugen search` must not pay for them.
def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile: t=3, m=64 MiB, p=4


def _password_hash(password: str) -> str:
    return _hasher().hash(password)


def _password_matches(stored: str, password: str) -> bool:
    if stored.startswith("$argon2"):
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return _hasher().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    from werkzeug.security import check_password_hash  # scrypt, from before argon2id

    return check_password_hash(stored, password)


def _needs_rehash(stored: str) -> bool:
    return not stored.startswith("$argon2") or _hasher().check_needs_rehash(stored)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash no password matches, made like real ones, to verify against for accounts that
    do not exist or are disabled."""
    return _password_hash(secrets.token_urlsafe(24))


def _device_token(password_hash: str, name: str) -> str:
    """What the browser that signed in as `name` keeps: it changes with the password."""
    return hmac.new(password_hash.encode(), b"device:" + name.encode(), hashlib.sha256).hexdigest()
