"""Encryption at rest: the free text in the databases is AES-256-GCM ciphertext.

A stored value is `wpe1:<key id>:<base64url(nonce + ciphertext + tag)>`. The key id names
its key in the key ring: the ring's first key encrypts, the others only decrypt (the keys a
rotation replaced, until every row is re-encrypted). Text written before encryption (no
prefix) is read as it is, so a database is readable while the migration or the background
re-encryption (bot/privacy/reencrypt.py) catches up.

The ring comes from configuration (bot/config.py): WAYPOINT_DATA_KEY holds it as text
("<id>:<base64 key>", comma-separated, current first), or WAYPOINT_DATA_KEY_FILE names a
file holding that text – `make run` generates one in var/ (mode 0600). A file is read
again when it changes, so a rotation reaches running servers without a restart.

    python -m bot.storage.datakey new-ring           # a fresh ring, on standard output
    python -m bot.storage.datakey rotate FILE        # a new current key, the old ones kept

Every process configures the ring once at start (`configure`); the column types below
then seal and unseal values on their way to and from the database.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

PREFIX = "wpe1:"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
NONCE_BYTES = 12
KEY_BYTES = 32
RELOAD_SECONDS = 2.0


class DataKeyError(Exception):
    """The key ring is missing or malformed, or a value cannot be decrypted; the message says
    which, never the key or the value."""


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]  # (id, key), the current one first

    def __post_init__(self) -> None:
        if not self.keys:
            raise DataKeyError("the key ring is empty")
        ids = [key_id for key_id, _ in self.keys]
        if len(set(ids)) != len(ids):
            raise DataKeyError("two keys in the ring have the same id")
        for key_id, key in self.keys:
            if not _KEY_ID.fullmatch(key_id) or len(key) != KEY_BYTES:
                raise DataKeyError(f"key {key_id[:16]!r}: an id of letters, digits, - or _ and a 256-bit key are needed")

    @classmethod
    def parse(cls, text: str) -> "KeyRing":
        keys = []
        for part in (p.strip() for p in text.replace("\n", ",").split(",")):
            if not part:
                continue
            key_id, _, encoded = part.partition(":")
            try:
                key = base64.urlsafe_b64decode(encoded.strip() + "=" * (-len(encoded.strip()) % 4))
            except (binascii.Error, ValueError):
                raise DataKeyError(f"key {key_id[:16]!r} is not base64") from None
            keys.append((key_id.strip(), key))
        return cls(tuple(keys))

    @classmethod
    def generate(cls) -> "KeyRing":
        return cls(((new_key_id(), AESGCM.generate_key(bit_length=256)),))

    def rotated(self) -> "KeyRing":
        """A new current key; the old ones still decrypt."""
        taken = {key_id for key_id, _ in self.keys}
        key_id = new_key_id()
        while key_id in taken:
            key_id = new_key_id()
        return KeyRing(((key_id, AESGCM.generate_key(bit_length=256)), *self.keys))

    def format(self) -> str:
        return ",".join(f"{key_id}:{base64.urlsafe_b64encode(key).decode().rstrip('=')}" for key_id, key in self.keys)

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def encrypt(self, plaintext: str) -> str:
        key_id, key = self.keys[0]
        nonce = secrets.token_bytes(NONCE_BYTES)
        # the key id is authenticated too: a value cannot be passed off as another key's
        sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), key_id.encode())
        return f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def decrypt(self, value: str) -> str:
        key_id, _, body = value[len(PREFIX):].partition(":")
        key = dict(self.keys).get(key_id)
        if key is None:
            raise DataKeyError(f"a value is sealed with key {key_id[:16]!r}, which is not in the key ring")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()).decode("utf-8")
        except (binascii.Error, ValueError, InvalidTag):
            raise DataKeyError(f"a value sealed with key {key_id[:16]!r} does not decrypt (damaged, or another key)") from None

    def has(self, key_id: str) -> bool:
        return key_id in dict(self.keys)


def new_key_id() -> str:
    return "k" + time.strftime("%Y%m%d") + secrets.token_hex(2)


class KeySource:
    """Where the ring comes from: fixed text, or a file read again when it changes."""

    def __init__(self, text: str | None = None, path: Path | None = None) -> None:
        if (text is None) == (path is None):
            raise DataKeyError("give the key ring as text or as a file, not both")
        self._path = path
        self._lock = threading.Lock()
        self._checked = 0.0
        self._stamp: tuple[float, int] | None = None
        self._ring = KeyRing.parse(text) if text is not None else self._read()

    def _read(self) -> KeyRing:
        assert self._path is not None
        try:
            status = self._path.stat()
            text = self._path.read_text(encoding="utf-8")
        except OSError as error:
            raise DataKeyError(f"the key file {self._path} cannot be read ({type(error).__name__})") from None
        self._stamp = (status.st_mtime, status.st_size)
        return KeyRing.parse(text)

    def ring(self, fresh: bool = False) -> KeyRing:
        if self._path is None:
            return self._ring
        now = time.monotonic()
        if fresh or now - self._checked > RELOAD_SECONDS:
            with self._lock:
                self._checked = now
                try:
                    status = self._path.stat()
                    if (status.st_mtime, status.st_size) != self._stamp:
                        self._ring = self._read()
                except (OSError, DataKeyError):
                    pass  # a rotation half-written: keep the ring we have, try again shortly
        return self._ring


_source: KeySource | None = None


def use(source: KeySource | None) -> None:
    """The ring this process seals and unseals with (tests and the benchmark set their own)."""
    global _source
    _source = source


def configured() -> bool:
    return _source is not None


def configure(data_key: str | None, data_key_file: str | None) -> None:
    """Once per process at start, from configuration: stops with one clear line when no key
    is configured, so nothing is ever stored in the clear by mistake."""
    if data_key:
        use(KeySource(text=data_key))
    elif data_key_file:
        use(KeySource(path=Path(data_key_file)))
    else:
        raise DataKeyError(
            "no data key: set WAYPOINT_DATA_KEY or WAYPOINT_DATA_KEY_FILE (`make run` generates var/data-key; "
            "see docs/privacy.md)"
        )


def ring(fresh: bool = False) -> KeyRing:
    if _source is None:
        raise DataKeyError("no data key is configured in this process")
    return _source.ring(fresh)


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    return value[len(PREFIX):].partition(":")[0] if is_sealed(value) else None


def seal(text: str | None) -> str | None:
    return None if text is None else ring().encrypt(text)


def unseal(value: str | None) -> str | None:
    if value is None or not is_sealed(value):
        return value  # written before encryption: the re-encryption will seal it
    current = ring()
    key_id = key_id_of(value) or ""
    if not current.has(key_id):
        current = ring(fresh=True)  # a key just rotated in by another process
    return current.decrypt(value)


class EncryptedText(TypeDecorator):
    """Text stored sealed."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return seal(None if value is None else str(value))

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return unseal(value)


class EncryptedJSON(TypeDecorator):
    """JSON stored sealed (as text)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            return value  # a JSON column not yet migrated to text hands back the parsed value
        return json.loads(unseal(value) or "null")


def write_ring_file(path: Path, ring_: KeyRing) -> None:
    """Atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(ring_.format() + "\n")
    os.replace(partial, path)
