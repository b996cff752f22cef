"""bot.storage.backup: `make backup` and `make restore` for the embedded set-up – the answer
store, Rasa's tracker store and the keys in one archive, taken consistently while others
write, checked before anything is touched, restored beside (never over) what is there, an
older schema migrated – and a restore into a fresh clone of the repository."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
import time
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.stack.servers import Ports
from bot.storage import Store, crypto, make_engine, migrate
from bot.storage.backup import BackupError, Layout, create, main, restore, verify
from bot.storage.crypto import KeyRing, KeySource, write_ring_file

ROOT = Path(__file__).resolve().parents[3]
HEAD = "0012"
CHANNEL, SENDER = "rest", "ana"
MADE = datetime(2026, 12, 7, 10, 52, tzinfo=timezone.utc)
LATER = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)
MEMBERS = ["manifest.json", "answers.db", "tracker.db", "data-key", "webchat-secret"]


# -- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def layout(tmp_path: Path, data_key: str) -> Iterator[Layout]:
    """A var/ as `make migrate` and `make run` leave it: a migrated answer store, its data key in
    a file (which this process seals with meanwhile), and the web chat's secret."""
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    embedded = Layout(answers=var / "waypoint.db", tracker=var / "tracker.db", data_key=var / "data-key",
                      webchat_secret=var / "webchat-secret")
    write_ring_file(embedded.data_key, KeyRing.generate())
    embedded.webchat_secret.write_text("widget-signing-secret\n")
    crypto.use(KeySource(path=embedded.data_key))
    _migrate(embedded.answers, "head")
    yield embedded
    crypto.use(KeySource(text=data_key))  # the session's ring again (tests/conftest.py)


@pytest.fixture
def answers(layout: Layout) -> Iterator[Store]:
    """The real answer store on the layout's database."""
    store = Store.from_url(_url(layout.answers))
    yield store
    store.engine.dispose()


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _migrate(path: Path, revision: str) -> None:
    engine = make_engine(_url(path))
    try:
        if revision == "head":
            migrate(_url(path), engine=engine)
        else:
            _alembic(engine, revision)
    finally:
        engine.dispose()


def _alembic(engine: Engine, revision: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _write_transcript(path: Path, sender: str, texts: list[str]) -> None:
    """Events as Rasa's SQL tracker store keeps them, sealed as waypoint_rasa/tracker_store.py seals them."""
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                           "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                           "action_name VARCHAR(255), data TEXT)")
        for moment, said in enumerate(texts):
            data = crypto.seal(json.dumps({"event": "user", "timestamp": float(moment), "text": said}))
            connection.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
                               (sender, float(moment), data))


def _read_transcript(path: Path, ring: KeyRing) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT data FROM events ORDER BY id").fetchall()
    return [json.loads(ring.decrypt(data))["text"] for (data,) in rows]


def _answers_in(database: Path, key_file: Path) -> dict[str, str]:
    """The answers read through the real store, decrypted with the key in `key_file`."""
    crypto.use(KeySource(path=key_file))
    store = Store.from_url(_url(database))
    try:
        return {question: answer.value for question, answer in store.answers(CHANNEL, SENDER).items()}
    finally:
        store.engine.dispose()


def _state(folder: Path) -> dict[str, str]:
    """Every file under `folder` and the sha256 of its content: what "nothing changed" compares."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {info.name: tar.extractfile(info).read() for info in tar}  # type: ignore[union-attr]


def _pack(members: dict[str, bytes], archive: Path) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return archive


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- round trip --------------------------------------------------------------------------------


def test_a_backup_restored_into_a_wiped_var_reads_back_with_the_restored_key(layout, answers, tmp_path):
    answers.record_consent(CHANNEL, SENDER)
    answers.record_answer(CHANNEL, SENDER, "department", "Customer Experience", "Customer Experience")
    answers.record_answer(CHANNEL, SENDER, "department", "Outbound sales, nights", "Outbound sales, nights")
    answers.record_answer(CHANNEL, SENDER, "current_role", "Team lead", "Team lead")
    _write_transcript(layout.tracker, SENDER, ["hello", "I feel stuck as a team lead"])
    key = KeyRing.parse(layout.data_key.read_text())

    created = create(layout, folder=tmp_path / "backups", now=MADE)

    assert created.path == tmp_path / "backups" / "waypoint-20261207-105200.tar.gz"
    assert stat.S_IMODE(created.path.stat().st_mode) == 0o600
    assert str(created.path) in created.line() and "data key" in created.line()
    members = _members(created.path)
    assert list(members) == MEMBERS
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == "waypoint-backup/1" and manifest["created_at"] == "2026-12-07T10:52:00Z"
    assert manifest["schema"]["answers_revision"] == HEAD and manifest["data_key_ids"] == [key.current_id]
    assert {m["name"]: (m["bytes"], m["sha256"]) for m in manifest["members"]} == {
        name: (len(content), hashlib.sha256(content).hexdigest()) for name, content in members.items() if name != "manifest.json"
    }
    assert all(m["what"] for m in manifest["members"])
    assert KeyRing.parse(members["data-key"].decode()) == key
    assert b"Outbound" not in members["answers.db"] and b"stuck" not in members["tracker.db"]  # sealed in the archive too

    answers.engine.dispose()
    shutil.rmtree(layout.folder)
    crypto.use(KeySource(text=KeyRing.generate().format()))  # another machine: another key, until the restore

    restored = restore(created.path, layout, now=LATER)

    assert (restored.revision, restored.moved_aside) == (HEAD, None)
    assert restored.line() == (f"Restored {created.path} (made 2026-12-07T10:52:00Z, schema {HEAD}) "
                               f"into {layout.folder}.")
    assert _answers_in(layout.answers, layout.data_key) == {"department": "Outbound sales, nights", "current_role": "Team lead"}
    store = Store.from_url(_url(layout.answers))
    assert [r.value for r in store.history(CHANNEL, SENDER, "department")] == ["Customer Experience", "Outbound sales, nights"]
    store.engine.dispose()
    assert _read_transcript(layout.tracker, KeyRing.parse(layout.data_key.read_text())) == ["hello", "I feel stuck as a team lead"]
    assert layout.webchat_secret.read_text() == "widget-signing-secret\n"
    assert stat.S_IMODE(layout.folder.stat().st_mode) == 0o700
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in layout.folder.iterdir()} == {
        "waypoint.db": 0o600, "tracker.db": 0o600, "data-key": 0o600, "webchat-secret": 0o600,
    }


# -- consistency while the stack writes --------------------------------------------------------


def test_backups_taken_while_another_thread_writes_are_consistent(layout, answers, tmp_path):
    stop, failures, commits = threading.Event(), [], [0]

    def write() -> None:
        while not stop.is_set():
            n = commits[0]
            try:  # each answer again is a new revision: one transaction writes the answer and its revision row
                answers.record_answer(CHANNEL, f"person-{n % 4}", "department", f"department {n}", f"department {n}")
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(error)
                return
            commits[0] = n + 1

    writer = threading.Thread(target=write)
    writer.start()
    archives, overlapping = [], 0
    try:
        while commits[0] < 10 and writer.is_alive():
            time.sleep(0.005)
        for n in range(6):
            before = commits[0]
            archives.append(create(layout, to=tmp_path / f"backup-{n}.tar.gz").path)
            overlapping += commits[0] > before
    finally:
        stop.set()
        writer.join()

    assert not failures and overlapping >= 2  # the writes went on while the backups were taken
    totals = []
    for archive in archives:
        assert verify(archive).answers_revision == HEAD  # checksums, integrity, the key opens the data
        members = _members(archive)
        copy = tmp_path / "copy.db"
        copy.write_bytes(members["answers.db"])
        ring = KeyRing.parse(members["data-key"].decode())
        with closing(sqlite3.connect(copy)) as connection:
            rows = connection.execute(
                "SELECT a.revision, a.value, count(r.id), max(r.revision), "
                "(SELECT value FROM answer_revisions WHERE answer_id = a.id ORDER BY revision DESC LIMIT 1) "
                "FROM answers a JOIN answer_revisions r ON r.answer_id = a.id GROUP BY a.id").fetchall()
        copy.unlink()
        assert rows
        for revision, value, revisions, latest, latest_value in rows:
            # no transaction half in the copy: the answer and its revisions agree
            assert revision == revisions == latest
            assert ring.decrypt(value) == ring.decrypt(latest_value)
        totals.append(sum(row[2] for row in rows))
    assert totals == sorted(set(totals))  # each a later moment of the writing than the one before


# -- what a restore refuses ------------------------------------------------------------------------


def _cut_short(archive: Path, out: Path) -> None:
    raw = archive.read_bytes()
    out.write_bytes(raw[: len(raw) // 2])


def _not_an_archive(archive: Path, out: Path) -> None:
    out.write_bytes(b"PK\x03\x04 a zip file, or anything else")


def _member_changed(archive: Path, out: Path) -> None:
    members = _members(archive)
    database = bytearray(members["answers.db"])
    database[len(database) // 2] ^= 0xFF
    _pack({**members, "answers.db": bytes(database)}, out)


def _member_missing(archive: Path, out: Path) -> None:
    _pack({name: content for name, content in _members(archive).items() if name != "data-key"}, out)


def _no_manifest(archive: Path, out: Path) -> None:
    _pack({name: content for name, content in _members(archive).items() if name != "manifest.json"}, out)


def _another_installations_key(archive: Path, out: Path) -> None:
    """A key that is not the data's, with a manifest that agrees with it: the checksums pass."""
    members = _members(archive)
    other = KeyRing.generate()
    key = (other.format() + "\n").encode()
    manifest = json.loads(members["manifest.json"])
    manifest["data_key_ids"] = [other.current_id]
    for member in manifest["members"]:
        if member["name"] == "data-key":
            member.update(bytes=len(key), sha256=hashlib.sha256(key).hexdigest())
    _pack({**members, "manifest.json": json.dumps(manifest).encode(), "data-key": key}, out)


@pytest.mark.parametrize("damage, says", [
    (_cut_short, "is damaged or not a Waypoint backup"),
    (_not_an_archive, "is damaged or not a Waypoint backup"),
    (_member_changed, "answers.db does not match its checksum"),
    (_member_missing, "is incomplete: data-key missing"),
    (_no_manifest, "is not a Waypoint backup: it has no manifest.json"),
    (_another_installations_key, "the data key does not open answers.db"),
])
def test_a_damaged_or_incomplete_archive_is_refused_and_nothing_changes(
        layout, answers, tmp_path, capsys, damage: Callable[[Path, Path], None], says: str):
    answers.record_answer(CHANNEL, SENDER, "department", "Customer Experience", "Customer Experience")
    _write_transcript(layout.tracker, SENDER, ["hello"])
    good = create(layout, folder=tmp_path / "backups").path
    bad = tmp_path / "bad.tar.gz"
    damage(good, bad)
    answers.engine.dispose()
    before = _state(layout.folder)

    with pytest.raises(BackupError) as refused:
        restore(bad, layout, force=True)  # not even forced

    assert says in str(refused.value) and str(refused.value).endswith("nothing was changed")
    assert "\n" not in str(refused.value)
    assert _state(layout.folder) == before
    assert main(["verify", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and err.count("\n") == 1


def test_data_already_there_is_refused_without_force_and_moved_aside_with_it(layout, answers, tmp_path):
    answers.record_answer(CHANNEL, SENDER, "department", "Backed-up department", "Backed-up department")
    archive = create(layout, folder=tmp_path / "backups").path
    answers.record_answer(CHANNEL, SENDER, "department", "Written after the backup", "Written after the backup")
    _write_transcript(layout.tracker, SENDER, ["written after the backup"])
    answers.engine.dispose()
    before = _state(layout.folder)

    with pytest.raises(BackupError, match=r"already holds data \(rows in waypoint.db: .*answers.*\).*FORCE=1.*"
                                          r"moves it aside first; nothing was changed$"):
        restore(archive, layout)
    assert _state(layout.folder) == before

    restored = restore(archive, layout, force=True, now=LATER)

    aside = layout.folder / "replaced-20261208-090000"
    assert restored.moved_aside == aside and str(aside) in restored.line()
    kept = _state(aside)
    assert json.loads((aside / "MOVED.json").read_text()) == {name: str(layout.folder / name) for name in before}
    assert {name: digest for name, digest in kept.items() if name != "MOVED.json"} == before  # all of it, unchanged
    assert _answers_in(layout.answers, layout.data_key) == {"department": "Backed-up department"}
    assert not layout.tracker.exists()  # the backup had no transcript yet: the one made since is aside
    assert _answers_in(aside / "waypoint.db", aside / "data-key") == {"department": "Written after the backup"}


def test_a_fresh_install_is_replaced_without_force_and_kept_aside(layout, answers, tmp_path):
    answers.record_answer(CHANNEL, SENDER, "department", "Customer Experience", "Customer Experience")
    archive = create(layout, folder=tmp_path / "backups").path
    answers.engine.dispose()
    shutil.rmtree(layout.folder)
    layout.folder.mkdir(mode=0o700)  # what `make migrate` leaves on a new machine: an empty store, a new key
    write_ring_file(layout.data_key, KeyRing.generate())
    _migrate(layout.answers, "head")
    fresh = _state(layout.folder)

    restored = restore(archive, layout, now=LATER)

    assert restored.moved_aside is not None
    assert {k: v for k, v in _state(restored.moved_aside).items() if k != "MOVED.json"} == fresh
    assert _answers_in(layout.answers, layout.data_key) == {"department": "Customer Experience"}


@pytest.mark.parametrize("how", ["a server on its port", "a process with the database open"])
def test_restore_is_refused_while_waypoint_runs(layout, answers, tmp_path, how: str):
    answers.record_answer(CHANNEL, SENDER, "department", "Customer Experience", "Customer Experience")
    archive = create(layout, folder=tmp_path / "backups").path
    answers.engine.dispose()
    before = _state(layout.folder)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        holder = None
        if how == "a process with the database open":
            holder = subprocess.Popen(
                [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                 "c.execute('SELECT count(*) FROM answers').fetchall(); print('open', flush=True); sys.stdin.read()",
                 str(layout.answers)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        addresses = [server.getsockname()] if holder is None else [("127.0.0.1", _free_port())]
        try:
            with pytest.raises(BackupError, match=r"^Waypoint is running \((a server answers on 127.0.0.1:\d+|"
                                                  r"process \d+ has waypoint.db open)\).*nothing was changed$"):
                restore(archive, layout, force=True, addresses=addresses)
        finally:
            if holder is not None:
                holder.communicate("")  # its stdin closes: it ends
    assert _state(layout.folder) == before


def test_a_restore_that_fails_half_way_puts_everything_back(layout, answers, tmp_path, monkeypatch):
    answers.record_answer(CHANNEL, SENDER, "department", "Customer Experience", "Customer Experience")
    archive = create(layout, folder=tmp_path / "backups").path
    answers.engine.dispose()
    before = _state(layout.folder)

    def broken_migration(url: str, engine: Engine | None = None) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("bot.storage.backup.migrate", broken_migration)
    with pytest.raises(BackupError, match=rf"^the restore failed \(RuntimeError: the disk is full\); "
                                          rf"{layout.folder} is as it was$"):
        restore(archive, layout, force=True)
    assert _state(layout.folder) == before  # the files moved aside are back, the aside folder gone


def test_a_backup_of_a_newer_schema_is_refused(layout, answers, tmp_path):
    answers.record_answer(CHANNEL, SENDER, "department", "Customer Experience", "Customer Experience")
    with answers.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))  # as a later Waypoint leaves it
    archive = create(layout, folder=tmp_path / "backups").path
    answers.engine.dispose()
    before = _state(layout.folder)

    with pytest.raises(BackupError, match=rf"made at schema revision 0099, which this checkout does not know "
                                          rf"\(its newest is {HEAD}\).*nothing was changed$"):
        restore(archive, layout, force=True)
    assert _state(layout.folder) == before


# -- an older backup: migrated -----------------------------------------------------------------------


def test_a_backup_with_an_older_schema_is_migrated_with_its_own_key(layout, tmp_path):
    layout.answers.unlink()
    engine = make_engine(_url(layout.answers))
    _alembic(engine, "0007")  # before encryption at rest: the rows are in the clear
    with engine.begin() as connection:
        at = "2026-12-01 09:00:00.000000"
        connection.execute(text("INSERT INTO employees (id, channel, sender_id, created_at) VALUES ('e1', :c, :s, :at)"),
                           {"c": CHANNEL, "s": SENDER, "at": at})
        connection.execute(text("INSERT INTO counseling_sessions (id, employee_id, status, stage_reached, started_at, updated_at) "
                                "VALUES (1, 'e1', 'active', 'needs', :at, :at)"), {"at": at})
        connection.execute(text("INSERT INTO answers (id, session_id, question, stage, value, slot_value, skipped, suggested, "
                                "revision, answered_at, updated_at) VALUES (1, 1, 'department', 'needs', 'Night shift', "
                                ":slot, 0, 0, 1, :at, :at)"), {"slot": json.dumps("Night shift"), "at": at})
    engine.dispose()
    archive = create(layout, folder=tmp_path / "backups", now=MADE).path
    key = KeyRing.parse(layout.data_key.read_text())
    assert json.loads(_members(archive)["manifest.json"])["schema"]["answers_revision"] == "0007"
    shutil.rmtree(layout.folder)
    crypto.use(KeySource(text=KeyRing.generate().format()))  # a new machine's key: the migration must not use it

    restored = restore(archive, layout)

    assert restored.revision == HEAD and f"schema 0007, migrated to {HEAD}" in restored.line()
    with closing(sqlite3.connect(layout.answers)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        value, slot = connection.execute("SELECT value, slot_value FROM answers").fetchone()
    assert value.startswith(f"wpe1:{key.current_id}:") and slot.startswith(f"wpe1:{key.current_id}:")  # sealed now
    assert _answers_in(layout.answers, layout.data_key) == {"department": "Night shift"}


# -- what a backup refuses -------------------------------------------------------------------------------


def test_a_backup_without_the_key_that_opens_the_data_is_refused(layout, answers, tmp_path):
    answers.record_answer(CHANNEL, SENDER, "department", "Customer Experience", "Customer Experience")
    folder = tmp_path / "backups"
    write_ring_file(layout.data_key, KeyRing.generate())  # replaced, not rotated: the data's key is gone
    with pytest.raises(BackupError, match="the data key does not open answers.db"):
        create(layout, folder=folder)
    layout.data_key.unlink()
    with pytest.raises(BackupError, match="no data key at .*data-key: a backup without its key is unreadable"):
        create(layout, folder=folder)
    assert list(folder.iterdir()) == []  # no archive, no partial file


def test_the_embedded_layout_comes_from_configuration_and_postgresql_is_pointed_elsewhere(tmp_path):
    layout = Layout.from_settings(Settings.from_env({}), root=tmp_path)
    assert layout.answers.name == "waypoint.db" and layout.tracker.name == "tracker.db"
    assert layout.webchat_secret == tmp_path / "var" / "webchat-secret"
    assert layout.data_key == tmp_path / "var" / "data-key"
    settings = Settings.from_env({"WAYPOINT_DATABASE_URL": "postgresql://waypoint@db/waypoint",
                                  "WAYPOINT_DATA_KEY_FILE": str(tmp_path / "key")})
    with pytest.raises(BackupError, match="WAYPOINT_DATABASE_URL is not SQLite: .*pg_dump.*docs/deployment.md"):
        Layout.from_settings(settings, root=tmp_path)


# -- into a fresh clone ----------------------------------------------------------------------------------

READ_BACK = """
import json
from bot.config import PROJECT_ROOT, Settings
from bot.storage import Store, crypto

crypto.configure(None, str(PROJECT_ROOT / "var" / "data-key"))
store = Store.from_url(Settings.from_env().database_url)
print(json.dumps({"root": str(PROJECT_ROOT),
                  "answers": {q: a.value for q, a in store.answers("rest", "ana").items()}}))
"""


def test_a_backup_restores_into_a_fresh_clone_of_the_repository(layout, answers, tmp_path):
    busy = [port for port in (Ports().rasa, Ports().actions) if _listening(port)]
    if busy:
        pytest.skip(f"a server listens on {busy}: a restore rightly refuses while Waypoint runs")
    answers.record_consent(CHANNEL, SENDER)
    answers.record_answer(CHANNEL, SENDER, "department", "Customer Experience", "Customer Experience")
    answers.record_answer(CHANNEL, SENDER, "current_role", "Team lead", "Team lead")
    archive = create(layout, folder=tmp_path / "backups").path
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True)
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(clone),
                   "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "WAYPOINT_WEB_PORT": str(_free_port())}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], cwd=clone, env=environment, capture_output=True, text=True,
                              timeout=120)

    restored = run("-m", "bot.storage.backup", "restore", str(archive))

    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"Restored {archive}") and f"into {clone / 'var'}" in restored.stdout
    read = run("-c", READ_BACK)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == {"root": str(clone),
                                       "answers": {"department": "Customer Experience", "current_role": "Team lead"}}
    again = run("-m", "bot.storage.backup", "create")  # and the clone backs up what it restored
    assert again.returncode == 0, again.stderr
    (made,) = (clone / "backups").iterdir()
    assert again.stdout.startswith(f"Backed up to {made}") and "data key" in again.stdout
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    status = subprocess.run(["git", "-C", str(clone), "status", "--porcelain"], capture_output=True, text=True, check=True)
    assert status.stdout == ""  # var/ and backups/ are ignored; nothing tracked changed
