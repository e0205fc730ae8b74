"""Accounts, sign-in sessions and API tokens: who may change the archive.

Kept in the archive's database (never exported). Passwords are hashed with scrypt (memory-
hard; werkzeug's implementation), session ids and API tokens are random and stored only as
SHA-256 hashes, so a copy of the database lets nobody sign in.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from .errors import ArchiveError, RecordError
from .store import Store
from .timeutil import now_utc

ROLES = ("contributor", "editor", "admin")
RANK = {"viewer": 0, "contributor": 1, "editor": 2, "admin": 3}
MIN_PASSWORD = 10
FAILURE_WINDOW_S = 15 * 60
SLOW_AFTER = 3  # failures before each attempt is slowed down
LOCK_AFTER = 10  # failures (per account, and per client address) before a lock-out
SESSION_DAYS = 14


class AccountError(RecordError):
    """Bad account input (a name, role or password): the message says which and why."""


class SignInRefused(ArchiveError):
    """Wrong name or password, a disabled account, or too many failures: say so, no more."""


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
    def sign_in(self, name: str, password: str, client: str) -> tuple[User, str]:
        """(the user, a new session id) — or SignInRefused, slowed and then locked after
        repeated failures per account and per client address."""
        keys = (f"user:{name.strip().casefold()}", f"addr:{client}")
        now = time.time()
        failures = max(self._failures(k, now) for k in keys)
        if failures >= LOCK_AFTER:
            raise SignInRefused(
                "too many failed sign-ins for this account or from this address; try again"
                f" in {FAILURE_WINDOW_S // 60} minutes"
            )
        if failures >= SLOW_AFTER:
            time.sleep(min(2.0 ** (failures - SLOW_AFTER), 4.0))
        row = self.store.conn.execute(
            "SELECT id, name, role, password, disabled FROM users WHERE name = ?", (name.strip(),)
        ).fetchone()
        if row is None or row[4] or not _password_matches(row[3], password):
            with self.store.transaction() as tx:
                tx.executemany("INSERT INTO login_failures VALUES (?, ?)", [(k, now) for k in keys])
            raise SignInRefused("wrong name or password, or the account is disabled")
        user = User(row[0], row[1], row[2])
        return user, self._new_session(user, keys[0])

    def _failures(self, key: str, now: float) -> int:
        return self.store.conn.execute(
            "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
            (key, now - FAILURE_WINDOW_S),
        ).fetchone()[0]

    def _new_session(self, user: User, key: str) -> str:
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM login_failures WHERE key = ? OR at < ?",
                       (key, now - FAILURE_WINDOW_S))  # fmt: skip
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


# werkzeug is imported when a password is set or checked, not with the archive: importing
# werkzeug.security loads the whole package (its server, test client), a tenth of a cold
# `hatsugen search`.
def _password_hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, "scrypt")


def _password_matches(stored: str, password: str) -> bool:
    from werkzeug.security import check_password_hash

    return check_password_hash(stored, password)
