"""Console logins: password hashing, the password rule, login with lockout, sessions and CSRF tokens.

Passwords are hashed with argon2id (argon2-cffi's defaults in production; tests inject a
cheaper `PasswordHasher`). A session is a random token in an HttpOnly cookie; the database
holds only its SHA-256, so a leaked table cannot be replayed. A session ends after
`console_idle_minutes` without a request (sliding) and at the latest 12 hours after login.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from argon2 import PasswordHasher
from concurrent.futures import ThreadPoolExecutor
from argon2.exceptions import InvalidHashError, VerificationError

from bot.storage.cases import CaseStore, CounselorRecord, SessionRecord

Clock = Callable[[], datetime]

MIN_PASSWORD_LENGTH = 12
SESSION_LIFETIME = timedelta(hours=12)
LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15

# One message for every failed login – a locked account included – so the page never tells
# which user names exist; the login page says once, for everyone, how locking works.
LOGIN_FAILED = "The user name or password is not right."
# Attempts per client address and per user name tried, every five minutes, whatever the outcome.
LOGINS_PER_ADDRESS = 20
LOGINS_PER_NAME = 10
LOGIN_WINDOW_SECONDS = 300.0
TOO_MANY_ATTEMPTS = "Too many login attempts – please wait a few minutes and try again."
LOCK_RULE = f"After {LOCK_AFTER_FAILURES} wrong passwords in a row an account is locked for {LOCK_MINUTES} minutes."


_USERNAME = re.compile(r"[A-Za-z0-9._@-]{2,64}")


def username_problem(username: str) -> str | None:
    """Why a new user name is not acceptable, or None."""
    if not _USERNAME.fullmatch(username):
        return "A user name has 2 to 64 letters, digits or . _ @ -"
    return None


class PasswordRuleError(ValueError):
    """A new password that breaks the rule; the message says what to change."""


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    if len(set(password)) == 1:
        return "The password must not be one character repeated."
    return None


class Passwords:
    """argon2id hashing behind one small interface, so tests can make it cheap."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        # argon2 has its own two threads: a login flood never holds up plan rendering or the
        # database calls that share the default pool
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")
        # Verified against when the user name is unknown, so that case takes as long as a wrong password.
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        problem = password_problem(password)
        if problem:
            raise PasswordRuleError(problem)
        return self.hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return False

    def spend_time(self, password: str) -> None:
        self.verify(self._dummy_hash, password)


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """The stored form of a new password (argon2id); raises PasswordRuleError if it breaks the rule."""
    problem = password_problem(password)
    if problem:
        raise PasswordRuleError(problem)
    return (hasher or PasswordHasher()).hash(password)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token; a missing one never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


@dataclass(frozen=True)
class LoginResult:
    counselor: CounselorRecord | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.counselor is not None


class Authenticator:
    def __init__(self, case_store: CaseStore, passwords: Passwords, idle_minutes: int, clock: Clock) -> None:
        self.case_store = case_store
        self.passwords = passwords
        self.idle = timedelta(minutes=idle_minutes)
        self.clock = clock

    def check_login(self, username: str, password: str) -> LoginResult:
        """Checks a login and records it (audit, failure count). Slow on purpose (argon2): run it off the event loop."""
        now = self.clock()
        counselor = self.case_store.counselor_by_username(username.strip())
        if counselor is None:
            self.passwords.spend_time(password)
            # the name tried, so admins see guessing; cut short, it is only ever shown in the audit log
            self.case_store.audit(None, "login_failed", detail=f"unknown user name {username.strip()[:40]!r}", now=now)
            return LoginResult(None, LOGIN_FAILED)
        if counselor.locked_until is not None and counselor.locked_until > now:
            self.passwords.spend_time(password)  # as long as any other failure
            self.case_store.audit(counselor.id, "login_failed", detail="locked", now=now)
            return LoginResult(None, LOGIN_FAILED)
        stored = self.case_store.password_hash(counselor.id) or ""
        if not self.passwords.verify(stored, password):
            self.case_store.record_login_failure(counselor.id, now=now, lock_after=LOCK_AFTER_FAILURES,
                                                 lock_minutes=LOCK_MINUTES)
            self.case_store.audit(counselor.id, "login_failed", detail="wrong password", now=now)
            return LoginResult(None, LOGIN_FAILED)
        if not counselor.active:
            self.case_store.audit(counselor.id, "login_failed", detail="inactive", now=now)
            return LoginResult(None, LOGIN_FAILED)
        self.case_store.record_login_success(counselor.id)
        if self.passwords.needs_rehash(stored):
            self.case_store.replace_password_hash(counselor.id, self.passwords.hasher.hash(password))
        self.case_store.audit(counselor.id, "login", now=now)
        return LoginResult(counselor)

    def start_session(self, counselor_id: int) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token)."""
        now = self.clock()
        token, csrf = new_token(), new_token()
        expires = min(now + self.idle, now + SESSION_LIFETIME)
        self.case_store.create_session(counselor_id, token_hash(token), csrf, expires, now=now)
        return token, csrf

    def resume(self, token: str | None, touch: bool = True) -> SessionRecord | None:
        """The live session of a cookie, or None. `touch` restarts its idle time: not for
        background polling, which would keep an unattended console logged in."""
        if not token:
            return None
        now = self.clock()
        hashed = token_hash(token)
        record = self.case_store.session(hashed, now=now)
        if record is None:
            return None
        deadline = record.created_at + SESSION_LIFETIME
        if now >= deadline:
            self.case_store.delete_session(hashed)
            return None
        if touch:
            self.case_store.touch_session(hashed, min(now + self.idle, deadline), now=now)
        return record

    def end(self, token: str | None) -> None:
        if token:
            self.case_store.delete_session(token_hash(token))
