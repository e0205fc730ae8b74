"""Who is asking, and whether they may write: sessions, API tokens, CSRF, roles, read-only.

Sessions are server-side (a random id in an HttpOnly, SameSite=Lax cookie; only its hash is
stored), so signing in issues a new id, signing out or disabling an account ends it at once.
Every form that is posted carries a CSRF token bound to a cookie nonce by an HMAC with the
home's secret key; the JSON API's writes take an API token instead and never a cookie.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from hatsugen.archive.accounts import SignInRefused, SignInThrottled, User
from hatsugen.core import Forbidden
from hatsugen.rules import Actor, check

from .views import core

SESSION_COOKIE = "hatsugen_session"
DEVICE_COOKIE = "hatsugen_device"  # spares the account's owner the sign-in throttling
CSRF_COOKIE = "hatsugen_csrf"
CSRF_EXEMPT = {"pages.extract"}  # reads only: nothing is stored, nothing changes

bp = Blueprint("auth", __name__)


class Refused(HTTPException):
    """A write that this visitor may not make (or a form without its token)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def secret_key(home: Path) -> bytes:
    """The home's secret (created on first use, readable by its owner only)."""
    path = home / "secret_key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
    return key


def init_app(app: Flask) -> None:
    app.config.setdefault("READ_ONLY", False)
    app.config.setdefault("SECURE_COOKIES", False)
    app.config.setdefault("TRUSTED_PROXIES", 0)
    if app.config["TRUSTED_PROXIES"]:  # the client address is what N proxies forwarded
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.secret_key = secret_key(core_home(app))
    app.register_blueprint(bp)
    app.add_template_global(csrf_token)
    app.add_template_global(can)
    app.before_request(_identify)
    app.before_request(_check_csrf)
    app.after_request(_set_csrf_cookie)


def core_home(app: Flask) -> Path:
    return app.extensions["hatsugen"].home


def _identify() -> None:
    g.user = None
    g.csrf_nonce = request.cookies.get(CSRF_COOKIE) or ""
    auth = request.headers.get("Authorization", "")
    if request.path.startswith("/api/"):
        if auth.startswith("Bearer "):
            g.user = core().accounts.token_user(auth[7:].strip())
            if g.user is None:
                raise Refused(401, "that API token is not valid (revoked, or its user disabled)")
        return
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        g.user = core().accounts.session_user(session_id)


def csrf_token() -> str:
    if not g.get("csrf_nonce"):
        g.csrf_nonce = secrets.token_urlsafe(24)
        g.new_csrf_nonce = True
    from flask import current_app

    key = current_app.secret_key or b""
    if isinstance(key, str):
        key = key.encode()
    return hmac.new(key, g.csrf_nonce.encode(), hashlib.sha256).hexdigest()


def _check_csrf() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/api/"):
        return
    if request.endpoint in CSRF_EXEMPT:
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        raise Refused(403, "this form was sent from another site; nothing was changed")
    sent = request.form.get("csrf_token", "")
    if not g.csrf_nonce or not hmac.compare_digest(sent, csrf_token()):
        raise Refused(
            400, "this form has expired or lacks its security token; reload the page and send it"
            " again (nothing was changed)"
        )  # fmt: skip


def _set_csrf_cookie(response):  # type: ignore[no-untyped-def]
    if g.get("new_csrf_nonce"):
        from flask import current_app

        response.set_cookie(CSRF_COOKIE, g.csrf_nonce, httponly=True, samesite="Strict",
                            secure=current_app.config["SECURE_COOKIES"])  # fmt: skip
    return response


_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")  # what browsers drop or stop at


def local_path(target: str) -> str | None:
    """`target` as a path on this site, or None: a redirect never leaves it.

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so
    "/\t/evil.example" and "/\\evil.example" are other sites to them: judged after the same
    clean-up, with no scheme, no host and a single leading slash."""
    cleaned = _IGNORED_IN_URLS.sub("", target).replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def actor() -> Actor:
    """Who is asking, for the core: the account (recorded as web or api and its name) and
    its role, which the core's rules (core/rules.py) judge."""
    user: User = g.user
    door = "api" if request.path.startswith("/api/") else "web"
    return Actor(f"{door} ({user.name})", user.role)


def can(action: str) -> bool:
    """Whether the signed-in user's role allows `action` (for what a page offers)."""
    return g.get("user") is not None and actor().may(action)


def requires(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A signed-in user whose role allows `action` (the core's table, rules.py), and never on
    a read-only server. The core checks again on every write: this only spares the visitor a
    form they could not send."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            from flask import current_app

            if current_app.config["READ_ONLY"]:
                raise Refused(403, "this server is read-only: nothing can be changed here")
            user: User | None = g.get("user")
            if user is None:
                if request.path.startswith("/api/"):
                    raise Refused(401, "send an API token: Authorization: Bearer …")
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            try:
                check(actor(), action)
            except Forbidden as err:
                raise Refused(403, str(err)) from None
            return view(*args, **kwargs)

        return guarded

    return wrap


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    from flask import current_app

    if current_app.config["READ_ONLY"]:
        raise Refused(403, "this server is read-only: there is nothing to sign in for")
    target = local_path(request.values.get("next", "")) or url_for("pages.search")
    if request.method == "GET":
        return render_template("login.html", next=target, message=None)
    # The real client: behind `serve --trusted-proxy N`, ProxyFix has read X-Forwarded-For.
    client = request.remote_addr or "unknown"
    name = request.form.get("name", "")
    device = _device_of(name)
    try:
        _user, session_id, device = core().accounts.sign_in(
            name, request.form.get("password", ""), client, device
        )
    except SignInThrottled as err:  # answered at once: no server thread waits it out
        page = render_template("login.html", next=target, message=str(err))
        return page, 429, {"Retry-After": str(err.retry_after)}
    except SignInRefused as err:
        return render_template("login.html", next=target, message=str(err)), 401
    response = redirect(target)
    secure = current_app.config["SECURE_COOKIES"]
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="Lax",
                        secure=secure, max_age=14 * 86400)  # fmt: skip
    response.set_cookie(DEVICE_COOKIE, f"{_name_tag(name)}.{device}", httponly=True,
                        samesite="Strict", secure=secure, max_age=365 * 86400)  # fmt: skip
    return response


def _name_tag(name: str) -> str:
    return hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:16]


def _device_of(name: str) -> str | None:
    """The device token this browser holds for the account `name`, if any."""
    tag, _, token = request.cookies.get(DEVICE_COOKIE, "").partition(".")
    return token if token and tag == _name_tag(name) else None


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        core().accounts.sign_out(session_id)
    response = redirect(url_for("pages.search"))
    response.delete_cookie(SESSION_COOKIE)
    return response
