"""bot.storage.crypto and bot.storage.reseal: values sealed with AES-256-GCM under a key id,
a rotation that running processes follow, re-encryption under the new key, and the
migration that seals what was written before encryption (on a database made at 0007)."""

from __future__ import annotations

import json

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from bot.storage import Store, crypto, datakey, make_engine, migrate
from bot.storage.crypto import DataKeyError, KeyRing, KeySource
from bot.storage.reseal import reseal_answer_store, sealed_columns
from tests.conftest import ROOT


@pytest.fixture
def own_ring():
    """A ring of this test's own; the session's is put back afterwards."""
    session_source = crypto._source
    ring = KeyRing.generate()
    crypto.use(KeySource(text=ring.format()))
    yield ring
    crypto.use(session_source)


def test_a_value_is_sealed_under_its_key_id_and_opens_only_with_that_key(own_ring):
    sealed = crypto.seal("my secret plan")

    assert sealed.startswith(f"wpe1:{own_ring.current_id}:") and "secret" not in sealed
    assert crypto.seal("my secret plan") != sealed  # a fresh nonce each time
    assert crypto.unseal(sealed) == "my secret plan"
    with pytest.raises(DataKeyError, match="not in the key ring"):
        KeyRing.generate().decrypt(sealed)


def test_a_damaged_or_relabelled_value_is_refused(own_ring):
    sealed = crypto.seal("text")
    damaged = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    other = own_ring.rotated()
    relabelled = sealed.replace(own_ring.current_id, other.current_id, 1)

    with pytest.raises(DataKeyError, match="does not decrypt"):
        own_ring.decrypt(damaged)
    with pytest.raises(DataKeyError, match="does not decrypt"):
        other.decrypt(relabelled)  # the key id is authenticated with the text


def test_text_written_before_encryption_is_read_as_it_is(own_ring):
    assert crypto.unseal("plain old answer") == "plain old answer"
    assert crypto.unseal(None) is None


@pytest.mark.parametrize("text", ["", "k1", "k1:not-base64!!", "k 1:" + "A" * 43, "k1:" + "A" * 20])
def test_a_malformed_ring_is_refused_with_a_reason(text):
    with pytest.raises(DataKeyError):
        KeyRing.parse(text)


def test_without_a_key_nothing_starts():
    with pytest.raises(DataKeyError, match="WAYPOINT_DATA_KEY"):
        crypto.configure(None, None)


def test_a_rotated_ring_file_reaches_a_running_process(tmp_path, monkeypatch):
    path = tmp_path / "data-key"
    first = KeyRing.generate()
    crypto.write_ring_file(path, first)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    source = KeySource(path=path)
    old_value = first.encrypt("kept")

    assert datakey.main(["rotate", str(path)]) == 0
    monkeypatch.setattr(crypto, "RELOAD_SECONDS", 0.0)
    rotated = source.ring()

    assert rotated.current_id != first.current_id and rotated.has(first.current_id)
    assert rotated.decrypt(old_value) == "kept"


def test_resealing_brings_every_value_under_the_current_key(own_ring, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    migrate(url)
    store = Store.from_url(url)
    store.record_consent("rest", "ann")
    store.record_answer("rest", "ann", "situation", "old words", "old words")
    newer = own_ring.rotated()
    crypto.use(KeySource(text=newer.format()))

    assert reseal_answer_store(store.engine) == 3  # the value, the slot value, the revision
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT value, slot_value FROM answers")).one()
    assert all(v.startswith(f"wpe1:{newer.current_id}:") for v in stored)
    assert store.answers("rest", "ann")["situation"].value == "old words"
    assert reseal_answer_store(store.engine) == 0
    assert {"answers", "case_messages", "plan_versions"} <= {c.table for c in sealed_columns()}


def test_the_migration_seals_rows_written_before_it(own_ring, tmp_path):
    url = f"sqlite:///{tmp_path / 'before.db'}"
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    command.upgrade(config, "0007")  # the schema of the commit before encryption, with its plain rows
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO employees (id, channel, sender_id, created_at) VALUES ('e1', 'rest', 'ann', '2026-12-01 09:00:00.000000')"))
        connection.execute(text("INSERT INTO counseling_sessions (id, employee_id, status, stage_reached, started_at, updated_at) "
                                "VALUES (1, 'e1', 'active', 'needs', '2026-12-01 09:00:00.000000', '2026-12-01 09:00:00.000000')"))
        connection.execute(text("INSERT INTO answers (id, session_id, question, stage, value, slot_value, skipped, suggested, revision, answered_at, updated_at) "
                                "VALUES (1, 1, 'situation', 'needs', 'stuck as a baker', :slot, 0, 0, 1, '2026-12-01 09:00:00.000000', '2026-12-01 09:00:00.000000')"),
                           {"slot": json.dumps("stuck as a baker")})
        connection.execute(text("INSERT INTO cases (id, channel, sender_id, status, urgent, reason, after_hours, summary, created_at) "
                                "VALUES (1, 'rest', 'ann', 'new', 0, 'requested', 0, :summary, '2026-12-01 09:00:00.000000')"),
                           {"summary": json.dumps({"situation": "stuck as a baker"})})
    engine.dispose()

    command.upgrade(config, "head")

    engine = make_engine(url)
    with engine.connect() as connection:
        raw = [*connection.execute(text("SELECT value, slot_value FROM answers")).one(), *connection.execute(text("SELECT summary FROM cases")).one()]
    assert all(crypto.is_sealed(value) for value in raw) and not any("baker" in value for value in raw)
    assert Store(engine).answers("rest", "ann")["situation"].slot_value == "stuck as a baker"
    engine.dispose()
