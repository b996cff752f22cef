"""Backup and restore of the embedded set-up (one machine, SQLite): the answer store, Rasa's
tracker store and the keys that open them, together in one archive.

    python -m bot.storage.backup create [--to PATH]       # make backup [TO=PATH]
    python -m bot.storage.backup restore FILE [--force]  # make restore FROM=FILE [FORCE=1]
    python -m bot.storage.backup verify FILE             # check an archive; changes nothing

An archive (`backups/waypoint-YYYYmmdd-HHMMSS.tar.gz`, mode 0600) holds `manifest.json` –
its format, when it was made, the answer store's migration revision, the data key's ids, and
each member's size and sha256 – then the members:

    answers.db       the answer store (WAYPOINT_DATABASE_URL)
    tracker.db       Rasa's tracker store, the transcripts (WAYPOINT_TRACKER_DATABASE_URL), if any
    data-key         the key ring both are encrypted with (bot/storage/crypto.py)
    webchat-secret   the key the web chat signs anonymous identities with (scripts/run-stack.sh), if any

Each database is copied with SQLite's online backup API, every page inside one read
transaction, so a backup of a running stack is consistent; the key ring is read after the
copies (a rotation only adds keys), and the backup checks that it opens every key id the
copies use. So the archive holds the data key: whoever has it can read every record in it.

A restore checks everything before it changes anything – the manifest and every checksum,
each database's integrity, that its schema is one this checkout knows, that the key opens
the data – and refuses while Waypoint runs (a server on the configured ports, or a process
with a database open) or while the store holds anyone's records, unless forced. What is
there is moved aside to `var/replaced-YYYYmmdd-HHMMSS/`, never deleted; then the answer
store is migrated to this checkout's newest revision with the restored key. Nothing here
logs or prints a record's content: only paths, names, counts and revisions.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3
import sys
import tarfile
import tempfile
import zlib
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT, Settings
from bot.storage import MIGRATIONS, crypto, make_engine, migrate
from bot.storage.crypto import DataKeyError, KeyRing

FORMAT = "waypoint-backup/1"
MANIFEST = "manifest.json"
ANSWERS, TRACKER, DATA_KEY, WEBCHAT_SECRET = "answers.db", "tracker.db", "data-key", "webchat-secret"
WHAT = {
    ANSWERS: "the answer store: answers, plans, cases, counselor accounts, audit log (SQLite)",
    TRACKER: "Rasa's tracker store: the conversations' transcripts (SQLite)",
    DATA_KEY: "the data key ring that encrypts both (WAYPOINT_DATA_KEY)",
    WEBCHAT_SECRET: "the web chat's signing key for anonymous identities (WAYPOINT_WEBCHAT_SECRET)",
}
MEMBERS = (ANSWERS, TRACKER, DATA_KEY, WEBCHAT_SECRET)
REQUIRED = (ANSWERS, DATA_KEY)
DATABASES = (ANSWERS, TRACKER)
# SQLite's files beside a database: they belong to it and always move with it (a database
# put back beside another one's write-ahead log would be read through that log).
SIDE_FILES = ("-wal", "-shm", "-journal")
# Tables whose rows are nobody's: the schema version, leases, and the O*NET reference data,
# which the loader rebuilds from onet/. Rows anywhere else mean the store holds data.
NOBODYS = ("alembic_version", "leases")
NOBODYS_PREFIX = "onet_"
MAX_MANIFEST_BYTES = 1 << 20
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is one line, saying why."""


@dataclass(frozen=True)
class Layout:
    """Where the embedded set-up keeps its state (bot/config.py, scripts/run-stack.sh)."""

    answers: Path
    tracker: Path
    data_key: Path
    webchat_secret: Path
    # WAYPOINT_DATA_KEY, when the ring is configured as text rather than as a file
    data_key_text: str | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, root: Path = PROJECT_ROOT) -> "Layout":
        var = root / "var"
        return cls(
            answers=_sqlite_file(settings.database_url, "WAYPOINT_DATABASE_URL"),
            tracker=_sqlite_file(settings.tracker_database_url, "WAYPOINT_TRACKER_DATABASE_URL"),
            data_key=Path(settings.data_key_file) if settings.data_key_file else var / "data-key",
            webchat_secret=var / "webchat-secret",
            data_key_text=settings.data_key,
        )

    @property
    def folder(self) -> Path:
        """var/: where a restore stages the archive and moves the current state aside."""
        return self.answers.parent

    def files(self) -> dict[str, Path]:
        return {ANSWERS: self.answers, TRACKER: self.tracker, DATA_KEY: self.data_key, WEBCHAT_SECRET: self.webchat_secret}


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: str
    answers_revision: str | None  # the answer store's Alembic revision (None: never migrated)
    tracker_store: str  # Rasa keeps its own schema, unversioned: the Rasa that wrote it
    key_ids: tuple[str, ...]
    members: tuple[Member, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(member.name for member in self.members)

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "created_at": self.created_at,
            "what": "Waypoint's embedded state (var/): the databases and the keys that open them",
            "schema": {"answers_revision": self.answers_revision, "tracker_store": self.tracker_store},
            "data_key_ids": list(self.key_ids),
            "members": [
                {"name": m.name, "what": WHAT[m.name], "bytes": m.size, "sha256": m.sha256} for m in self.members
            ],
        }
        return (json.dumps(document, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        try:
            document = json.loads(raw.decode("utf-8"))
            if document.get("format") != FORMAT:
                raise BackupError(f"its manifest is of format {str(document.get('format'))[:40]!r}, not {FORMAT!r}")
            schema = document["schema"]
            revision = schema["answers_revision"]
            members = tuple(
                Member(str(m["name"]), int(m["bytes"]), str(m["sha256"]).lower()) for m in document["members"]
            )
            return cls(
                created_at=str(document["created_at"]),
                answers_revision=None if revision is None else str(revision),
                tracker_store=str(schema.get("tracker_store", "")),
                key_ids=tuple(str(k) for k in document["data_key_ids"]),
                members=members,
            )
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            raise BackupError("its manifest is not readable") from None


@dataclass(frozen=True)
class Created:
    path: Path
    manifest: Manifest

    def line(self) -> str:
        return (f"Backed up to {self.path} (readable by you only). It holds the data key with the data: "
                "whoever has this file can read every record, so keep it as safe as the data itself.")


@dataclass(frozen=True)
class Restored:
    archive: Path
    manifest: Manifest
    revision: str  # the answer store's revision after the migration
    folder: Path
    moved_aside: Path | None  # where what was there went

    def line(self) -> str:
        made = self.manifest.answers_revision or "none"
        schema = f"schema {made}" if made == self.revision else f"schema {made}, migrated to {self.revision}"
        aside = f"; what was there is in {self.moved_aside}" if self.moved_aside else ""
        return f"Restored {self.archive} (made {self.manifest.created_at}, {schema}) into {self.folder}{aside}."


# -- making a backup -------------------------------------------------------------------------


def create(layout: Layout, to: Path | None = None, folder: Path = PROJECT_ROOT / "backups",
           now: datetime | None = None) -> Created:
    """One archive of the databases and the keys, consistent while the stack runs. `to` is
    a file or a folder; by default `folder/waypoint-<UTC time>.tar.gz`."""
    moment = now or datetime.now(timezone.utc)
    if not layout.answers.is_file():
        raise BackupError(f"nothing to back up: {layout.answers} does not exist (make migrate makes it)")
    name = f"waypoint-{moment:%Y%m%d-%H%M%S}.tar.gz"
    target = (to / name if to.is_dir() else to) if to is not None else folder / name
    if target.exists():
        raise BackupError(f"{target} already exists: give another name (TO=...)")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = Path(tempfile.mkdtemp(prefix=".waypoint-backup-", dir=target.parent))
    partial = target.with_name(f".{target.name}.partial")
    try:
        _snapshot(layout.answers, staging / ANSWERS)
        if layout.tracker.is_file():
            _snapshot(layout.tracker, staging / TRACKER)
        # the key after the copies: a rotation meanwhile only adds keys, so the ring read now
        # opens everything copied before; the check below makes sure
        ring_text = _key_text(layout)
        ring = _parse_ring(ring_text, "the data key")
        _write_private(staging / DATA_KEY, (ring.format() + "\n").encode())
        for database in DATABASES:
            if (staging / database).exists():
                _check_key_opens(ring, staging / database, database)
        if layout.webchat_secret.is_file():
            _write_private(staging / WEBCHAT_SECRET, layout.webchat_secret.read_bytes())
        members = tuple(_member(staging / n) for n in MEMBERS if (staging / n).exists())
        manifest = Manifest(
            created_at=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            answers_revision=_revision(staging / ANSWERS),
            tracker_store=_rasa_version(),
            key_ids=tuple(key_id for key_id, _ in ring.keys),
            members=members,
        )
        _write_archive(partial, manifest, staging)
        os.replace(partial, target)
        return Created(target, manifest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database through its online backup API: every page
    in one step, inside one read transaction, while writers go on (WAL)."""
    try:
        with closing(sqlite3.connect(str(source), timeout=15)) as live, closing(sqlite3.connect(str(target))) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # the copy stands alone, without a -wal beside it
            result = copy.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as error:
        raise BackupError(f"{source} could not be copied ({type(error).__name__}: {error})") from None
    os.chmod(target, 0o600)
    if result != ("ok",):
        raise BackupError(f"{source} fails SQLite's integrity check: repair it before backing it up")


def _key_text(layout: Layout) -> str:
    if layout.data_key_text:
        return layout.data_key_text
    try:
        return layout.data_key.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BackupError(f"no data key at {layout.data_key}: a backup without its key is unreadable") from None
    except OSError as error:
        raise BackupError(f"the data key {layout.data_key} cannot be read ({type(error).__name__})") from None


def _write_archive(path: Path, manifest: Manifest, staging: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        with tarfile.open(fileobj=file, mode="w:gz", compresslevel=6) as archive:
            raw = manifest.to_json()
            archive.addfile(_tar_info(MANIFEST, len(raw)), io.BytesIO(raw))
            for member in manifest.members:
                with open(staging / member.name, "rb") as content:
                    archive.addfile(_tar_info(member.name, member.size), content)
        file.flush()
        os.fsync(file.fileno())


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(datetime.now(timezone.utc).timestamp())
    return info


# -- reading and checking an archive -----------------------------------------------------------


def verify(archive: Path) -> Manifest:
    """Everything a restore checks about an archive, without changing anything."""
    staging = Path(tempfile.mkdtemp(prefix="waypoint-verify-"))
    try:
        return _unpack(archive, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack(archive: Path, staging: Path) -> Manifest:
    """Unpacks `archive` into `staging` and checks it: the manifest, every member's size and
    sha256, the databases' integrity, the schema revision, and that the key opens the data."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    found: dict[str, Member] = {}
    raw_manifest: bytes | None = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for info in tar:
                if info.name in found or (info.name == MANIFEST and raw_manifest is not None):
                    raise BackupError(f"{archive} holds {info.name!r} twice")
                if info.name not in (MANIFEST, *MEMBERS) or not info.isfile():
                    raise BackupError(f"{archive} holds {info.name[:60]!r}, which no Waypoint backup does")
                content = tar.extractfile(info)
                assert content is not None  # a regular file, checked above
                if info.name == MANIFEST:
                    raw_manifest = content.read(MAX_MANIFEST_BYTES + 1)
                    if len(raw_manifest) > MAX_MANIFEST_BYTES:
                        raise BackupError(f"{archive}: its manifest is too large to be one")
                else:
                    found[info.name] = _copy_out(content, staging / info.name)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{archive} is damaged or not a Waypoint backup ({type(error).__name__})") from None
    if raw_manifest is None:
        raise BackupError(f"{archive} is not a Waypoint backup: it has no {MANIFEST}")
    try:
        manifest = Manifest.from_json(raw_manifest)
    except BackupError as error:
        raise BackupError(f"{archive} is damaged: {error}") from None
    _check_members(archive, manifest, found)
    for database in DATABASES:
        if database in found:
            _check_integrity(archive, staging / database, database)
    revision = _revision(staging / ANSWERS)
    if revision != manifest.answers_revision:
        raise BackupError(f"{archive} is damaged: its answer store is at revision {revision}, "
                          f"its manifest says {manifest.answers_revision}")
    ring = _parse_ring((staging / DATA_KEY).read_text(encoding="utf-8"), f"{archive}'s data key")
    if tuple(key_id for key_id, _ in ring.keys) != manifest.key_ids:
        raise BackupError(f"{archive} is damaged: its data key is not the one its manifest names")
    for database in DATABASES:
        if database in found:
            _check_key_opens(ring, staging / database, database)
    return manifest


def _copy_out(content: IO[bytes], path: Path) -> Member:
    digest, size = hashlib.sha256(), 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        while chunk := content.read(CHUNK):  # a damaged archive fails here (the caller says so)
            digest.update(chunk)
            size += len(chunk)
            try:
                file.write(chunk)
            except OSError as error:  # not the archive's fault: a full disk, say
                raise BackupError(f"cannot unpack into {path.parent} ({type(error).__name__})") from None
    return Member(path.name, size, digest.hexdigest())


def _check_members(archive: Path, manifest: Manifest, found: dict[str, Member]) -> None:
    listed = manifest.names()
    if len(set(listed)) != len(listed) or not set(listed) <= set(MEMBERS):
        raise BackupError(f"{archive} is damaged: its manifest lists unknown or repeated members")
    missing = [name for name in (*REQUIRED, *listed) if name not in found]
    if missing:
        raise BackupError(f"{archive} is incomplete: {', '.join(dict.fromkeys(missing))} missing")
    unlisted = [name for name in found if name not in listed]
    if unlisted:
        raise BackupError(f"{archive} is damaged: {', '.join(unlisted)} not in its manifest")
    for member in manifest.members:
        if found[member.name] != member:
            raise BackupError(f"{archive} is damaged: {member.name} does not match its checksum")


def _check_integrity(archive: Path, path: Path, name: str) -> None:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as error:
        raise BackupError(f"{archive} is damaged: {name} is not a readable database ({type(error).__name__})") from None
    if result != [("ok",)]:
        raise BackupError(f"{archive} is damaged: {name} fails SQLite's integrity check")


def _parse_ring(text: str, what: str) -> KeyRing:
    try:
        return KeyRing.parse(text)
    except DataKeyError as error:
        raise BackupError(f"{what} is not a key ring: {error}") from None


def _sealed_columns(name: str) -> list[tuple[str, str]]:
    if name == TRACKER:
        return [("events", "data")]  # Rasa's events, sealed by waypoint_rasa/tracker_store.py
    from bot.storage.reseal import sealed_columns

    return [(column.table, column.column) for column in sealed_columns()]


def _sealed_samples(path: Path, columns: Iterable[tuple[str, str]]) -> dict[str, str]:
    """One sealed value for each key id the database uses (key id -> value)."""
    samples: dict[str, str] = {}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table, column in columns:
            if table not in tables or column not in {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}:
                continue  # an older schema: not there yet, or not yet sealed
            after_prefix = f'substr("{column}", {len(crypto.PREFIX) + 1})'
            rows = connection.execute(
                f"SELECT substr({after_prefix}, 1, instr({after_prefix}, ':') - 1) AS key_id, min(\"{column}\") "
                f"FROM \"{table}\" WHERE \"{column}\" GLOB '{crypto.PREFIX}*' GROUP BY key_id"
            )
            for key_id, value in rows:
                samples.setdefault(str(key_id), str(value))
    return samples


def _check_key_opens(ring: KeyRing, path: Path, name: str) -> None:
    """Every key id the database uses is in the ring, and opens a value sealed with it."""
    try:
        samples = _sealed_samples(path, _sealed_columns(name))
    except sqlite3.Error as error:
        raise BackupError(f"{name} cannot be read ({type(error).__name__})") from None
    for key_id, value in sorted(samples.items()):
        try:
            ring.decrypt(value)
        except DataKeyError:
            raise BackupError(f"the data key does not open {name}: values sealed with key {key_id[:16]!r} do not "
                              "decrypt with it, and a backup without its key is unreadable") from None


def _revision(path: Path) -> str | None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None  # never migrated
    return None if row is None else str(row[0])


def _member(path: Path) -> Member:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return Member(path.name, path.stat().st_size, digest.hexdigest())


def _rasa_version() -> str:
    try:
        return f"rasa {metadata.version('rasa')}"
    except metadata.PackageNotFoundError:
        return "rasa (version unknown)"


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


# -- restoring ---------------------------------------------------------------------------------


def restore(archive: Path, layout: Layout, force: bool = False, addresses: Sequence[tuple[str, int]] = (),
            now: datetime | None = None) -> Restored:
    """Puts an archive's databases and keys in place of the current ones and migrates the
    answer store. Refuses (BackupError) – with nothing changed – when the archive is damaged
    or incomplete, when Waypoint runs (a server on one of `addresses`, or a process with a
    database open), or when the store holds records and `force` is not given."""
    moment = now or datetime.now(timezone.utc)
    running = running_stack(layout, addresses)
    if running:
        raise BackupError(f"Waypoint is running ({running}): stop it first (Ctrl-C where make run runs); "
                          "nothing was changed")
    layout.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=layout.folder))
    try:
        try:
            manifest = _unpack(archive, staging)
        except BackupError as error:
            raise BackupError(f"{error}; nothing was changed") from None
        head = _check_schema_known(archive, manifest)
        _check_configured_key(layout, manifest)
        held = holds_data(layout)
        if held and not force:
            raise BackupError(f"{layout.folder} already holds data ({held}): to replace it, run again with FORCE=1 "
                              "(python -m bot.storage.backup restore --force), which moves it aside first; "
                              "nothing was changed")
        try:
            aside = _move_aside(layout, layout.folder / f"replaced-{moment:%Y%m%d-%H%M%S}")
        except OSError as error:
            raise BackupError(f"the current files could not be moved aside ({type(error).__name__}); "
                              "nothing was changed") from None
        ring_text = (staging / DATA_KEY).read_text(encoding="utf-8")  # before _install moves it
        try:
            _install(layout, staging, manifest)
            _migrate(layout, ring_text)
        except Exception as error:  # noqa: BLE001 - whatever failed, the state from before goes back
            _put_back(layout, aside)
            raise BackupError(f"the restore failed ({type(error).__name__}: {str(error)[:200]}); "
                              f"{layout.folder} is as it was") from None
        return Restored(archive, manifest, head, layout.folder, aside)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_schema_known(archive: Path, manifest: Manifest) -> str:
    """This checkout's newest revision; BackupError when the backup's is one it does not know
    (made by a newer Waypoint: migrating down is not a restore)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    scripts = ScriptDirectory(str(MIGRATIONS))
    head = scripts.get_current_head() or ""
    if manifest.answers_revision is not None:
        try:
            scripts.get_revision(manifest.answers_revision)
        except CommandError:
            raise BackupError(f"{archive} was made at schema revision {manifest.answers_revision[:40]}, which this "
                              f"checkout does not know (its newest is {head}): restore it with the Waypoint that "
                              "made it, or a newer one; nothing was changed") from None
    return head


def _check_configured_key(layout: Layout, manifest: Manifest) -> None:
    """With the ring configured as text (WAYPOINT_DATA_KEY), the restored file is not what
    the servers will read: that ring must then hold the backup's keys."""
    if not layout.data_key_text:
        return
    configured = _parse_ring(layout.data_key_text, "WAYPOINT_DATA_KEY")
    lacking = [key_id for key_id in manifest.key_ids if not configured.has(key_id)]
    if lacking:
        raise BackupError(f"WAYPOINT_DATA_KEY is set and lacks the backup's key {lacking[0][:16]!r}: unset it, so "
                          f"that {layout.data_key} (restored) is used, or set it to the backup's ring; "
                          "nothing was changed")


def running_stack(layout: Layout, addresses: Sequence[tuple[str, int]]) -> str | None:
    """Why Waypoint looks to be running – a server answering on one of `addresses`, or a
    process with one of the databases open – or None."""
    for host, port in addresses:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return f"a server answers on {host}:{port}"
        except OSError:
            pass
    watched = {str(path.resolve()) + side: path.name for path in (layout.answers, layout.tracker)
               for side in ("", *SIDE_FILES)}
    for pid, opened in _open_files():
        if opened in watched:
            return f"process {pid} has {watched[opened]} open"
    return None


def _open_files() -> Iterator[tuple[int, str]]:
    """(pid, path) of every file other processes of this user have open (Linux's /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            descriptors = list((entry / "fd").iterdir())
        except OSError:
            continue  # gone, or another user's
        for descriptor in descriptors:
            try:
                yield int(entry.name), os.readlink(descriptor)
            except OSError:
                continue


def holds_data(layout: Layout) -> str | None:
    """What makes the current state worth keeping – tables with someone's rows, a transcript –
    or None for an empty store (a fresh `make migrate`'s: schema and O*NET tables only)."""
    held = []
    for path, skip in ((layout.answers, True), (layout.tracker, False)):
        if not path.exists():
            continue
        try:
            # read-write, though it only reads: a read-only connection would leave an empty -wal and
            # -shm behind; this one checkpoints on closing (the servers are stopped)
            with closing(sqlite3.connect(str(path), timeout=15)) as connection:
                tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                filled = [t for t in tables if not (skip and (t in NOBODYS or t.startswith(NOBODYS_PREFIX)))
                          and not t.startswith("sqlite_")
                          and connection.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() is not None]
        except sqlite3.Error:
            held.append(f"{path.name}, which cannot be read as a database")
            continue
        if filled:
            held.append(f"rows in {path.name}: {', '.join(sorted(filled)[:6])}{' …' if len(filled) > 6 else ''}")
    return "; ".join(held) or None


def _present(layout: Layout) -> list[Path]:
    """The current state's files, each database with the files SQLite keeps beside it."""
    found = []
    for name, path in layout.files().items():
        sides = SIDE_FILES if name in DATABASES else ()
        found += [p for p in (path, *(path.with_name(path.name + s) for s in sides)) if p.exists()]
    return found


def _move_aside(layout: Layout, aside: Path) -> Path | None:
    """Moves the current state's files into `aside` (never deleted); None when there were none."""
    present = _present(layout)
    if not present:
        return None
    aside.mkdir(mode=0o700)
    moved: list[tuple[Path, Path]] = []
    try:
        for path in present:
            kept = aside / path.name
            if kept.exists():
                kept = aside / f"{len(moved)}-{path.name}"
            shutil.move(str(path), str(kept))
            moved.append((path, kept))
    except OSError:
        for path, kept in reversed(moved):
            shutil.move(str(kept), str(path))
        aside.rmdir()
        raise
    (aside / "MOVED.json").write_text(json.dumps({str(k.name): str(p) for p, k in moved}, indent=2) + "\n")
    return aside


def _put_back(layout: Layout, aside: Path | None) -> None:
    """Undoes a restore that failed half-way: what it installed goes (the archive still has
    it), what was moved aside comes back."""
    for path in _present(layout):
        path.unlink()
    if aside is None:
        return
    index = json.loads((aside / "MOVED.json").read_text())
    for kept, original in index.items():
        shutil.move(str(aside / kept), original)
    (aside / "MOVED.json").unlink()
    aside.rmdir()


def _install(layout: Layout, staging: Path, manifest: Manifest) -> None:
    for name in manifest.names():
        target = layout.files()[name]
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.move(str(staging / name), str(target))
        os.chmod(target, 0o600)


def _migrate(layout: Layout, ring_text: str) -> None:
    """The answer store to this checkout's newest revision, sealing with the restored key."""
    url = f"sqlite:///{layout.answers}"
    with _sealing_with(ring_text):
        engine = make_engine(url)
        try:
            migrate(url, engine=engine)
        finally:
            engine.dispose()
    for path in _present(layout):
        os.chmod(path, 0o600)


@contextmanager
def _sealing_with(ring_text: str) -> Iterator[None]:
    """The process seals with this ring meanwhile (migration 0008 seals rows still in the clear)."""
    before = crypto._source
    crypto.use(crypto.KeySource(text=ring_text))
    try:
        yield
    finally:
        crypto.use(before)


def _sqlite_file(url: str, setting: str) -> Path:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        raise BackupError(f"{setting} is not SQLite: backup and restore here are for the embedded set-up; back up "
                          "PostgreSQL with pg_dump or your operator's backups (docs/deployment.md)")
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError(f"{setting} names no database file")
    return Path(parsed.database).absolute()


# -- the command line --------------------------------------------------------------------------


def _stack_addresses(settings: Settings) -> list[tuple[str, int]]:
    """Where `make run`'s servers listen (bot/stack/servers.py), as asked from this machine."""
    from bot.stack.servers import Ports

    ports = Ports(web=settings.web_port)

    def here(host: str) -> str:
        return "127.0.0.1" if host.strip("[]") in ("0.0.0.0", "::", "") else host.strip("[]")

    return [("127.0.0.1", ports.rasa), (here(settings.actions_host), ports.actions), (here(settings.web_host), ports.web)]


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.storage.backup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("create", help="back up the databases and the keys into one archive")
    made.add_argument("--to", type=Path, default=None, metavar="PATH",
                      help="the archive's file name, or a folder for it (default: backups/waypoint-<time>.tar.gz)")
    back = commands.add_parser("restore", help="put an archive's databases and keys in place, then migrate")
    back.add_argument("archive", type=Path)
    back.add_argument("--force", action="store_true", help="replace data already there (it is moved aside first)")
    check = commands.add_parser("verify", help="check an archive's manifest, checksums, databases and key")
    check.add_argument("archive", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.umask(0o077)  # as the servers run: what this writes is readable by this user only
    try:
        if args.command == "verify":
            manifest = verify(args.archive)
            print(f"{args.archive} is a complete Waypoint backup made {manifest.created_at} at schema revision "
                  f"{manifest.answers_revision}: {', '.join(manifest.names())}.")
            return 0
        settings = Settings.from_env()
        layout = Layout.from_settings(settings)
        if args.command == "create":
            print(create(layout, args.to).line())
        else:
            print(restore(args.archive, layout, force=args.force, addresses=_stack_addresses(settings)).line())
        return 0
    except (BackupError, ValueError, OSError) as error:  # one line, no traceback: the message says why
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
