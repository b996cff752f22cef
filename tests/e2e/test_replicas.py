"""make replicas' topology, started for real (bot/stack/replicas.py: two Rasa, two action and
two web servers behind HAProxy, PostgreSQL and Redis), under 20 concurrent employees – some
of them sending a message twice at once, through both Rasa servers – while one Rasa server
and one action server are killed mid-conversation. Every conversation finishes, and the
database holds every answer once.

Needs HAProxy (make replicas installs it), WAYPOINT_TEST_POSTGRES_URL and
WAYPOINT_TEST_REDIS_URL (.ci/run sets both when the local servers answer)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from bot.config import process_environment
from bot.conversation.messages import text as t
from bot.stack import replicas
from bot.storage import Store
from tests.e2e.script import CONVERSATION
from tests.e2e.stack import ROOT, _this_process_data_key

NOT_TAKEN_IN = t("not_taken_in")
EMPLOYEES = 20
# these send each of their messages twice at once, with one id: a client's retry racing its
# first try through the other Rasa server – handled once, under the conversation's lock
RACING = 5


def _free_block(size: int) -> int:
    """The first of `size` consecutive free ports."""
    for _ in range(200):
        first = random.randint(20_000, 40_000)
        try:
            for port in range(first, first + size):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no block of free ports")


# make replicas' supervisor with this test's topology, in a process group of its own: stopped
# as Ctrl-C stops make replicas (SIGINT to the group)
RUNNER = """
import asyncio, json, sys
from pathlib import Path
from bot.config import process_environment
from bot.conversation.messages import text as t
from bot.stack import replicas
from bot.stack.supervisor import Backoff, Supervisor, supervise
topology = replicas.Topology(**json.loads(sys.argv[1]))
servers = replicas.servers(process_environment(), topology, config=Path(sys.argv[2]))
supervisor = Supervisor(servers, backoff=Backoff(0.5, 4.0), say=lambda line: print(line, flush=True))
sys.exit(asyncio.run(supervise(supervisor, banner="replicas up")))
"""


def start_replicas(topology: replicas.Topology, config: Path, environment: dict[str, str], log: Path,
                   timeout: float = 300) -> subprocess.Popen[bytes]:
    settings = {name: getattr(topology, name) for name in topology.__dataclass_fields__}
    process = subprocess.Popen([sys.executable, "-c", RUNNER, json.dumps(settings), str(config)], cwd=ROOT,
                               env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        said = log.read_text(errors="replace")
        if "replicas up" in said:
            return process
        if process.poll() is not None or "failed to start" in said:
            raise RuntimeError(f"the replicas did not start; see {log}")
        time.sleep(1)
    stop_replicas(process)
    raise RuntimeError(f"the replicas did not start within {timeout:.0f} s; see {log}")


def stop_replicas(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def topology(tmp_path_factory) -> Iterator[replicas.Topology]:
    postgres, redis = os.environ.get("WAYPOINT_TEST_POSTGRES_URL"), os.environ.get("WAYPOINT_TEST_REDIS_URL")
    if not Path(replicas.HAPROXY).exists():
        pytest.skip("HAProxy is not installed (make replicas installs Debian's haproxy)")
    if not postgres or not redis:
        pytest.skip("WAYPOINT_TEST_POSTGRES_URL and WAYPOINT_TEST_REDIS_URL: the replicas need PostgreSQL and Redis")
    server = postgres.rsplit("/", 1)[0]
    first = _free_block(12)
    suffix = uuid.uuid4().hex[:8]
    chosen = replicas.Topology(
        balancer_port=first, actions_balancer_port=first + 1, first_rasa_port=first + 2, first_actions_port=first + 5,
        first_web_port=first + 8, postgres=server, answers_database=f"waypoint_e2e_{suffix}",
        tracker_database=f"waypoint_e2e_{suffix}_tracker", redis_host=urlsplit(redis).hostname or "127.0.0.1",
        redis_port=urlsplit(redis).port or 6379, shared_redis_db=4,
    )
    workdir = tmp_path_factory.mktemp("replicas")
    config = replicas.prepare(chosen, ROOT, workdir / "haproxy.cfg")
    environment = {
        **process_environment(),
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "WAYPOINT_DATA_KEY": _this_process_data_key(),
        "WAYPOINT_RASA_TOKEN": secrets.token_urlsafe(24),
        "WAYPOINT_ACTIONS_TOKEN": secrets.token_urlsafe(24),
        "WAYPOINT_WEBCHAT_SECRET": secrets.token_urlsafe(24),
        # scripted employees type faster than any person (waypoint_rasa/limits.py)
        "WAYPOINT_MESSAGES_PER_MINUTE": "10000",
        "WAYPOINT_MESSAGES_PER_MINUTE_PER_ADDRESS": "1000000",
    }
    process = start_replicas(chosen, config, environment, workdir / "replicas.log")
    try:
        yield chosen
    finally:
        stop_replicas(process)
        for database in (chosen.answers_database, chosen.tracker_database):
            admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


def send(topology: replicas.Topology, sender: str, message: str, message_id: str) -> tuple[list[dict[str, Any]], int]:
    """What the balancer answers; a failed request is sent again with the same id, as a
    client does. Returns the answer and how many tries failed first."""
    body = json.dumps({"sender": sender, "message": message, "message_id": message_id}).encode()
    failed = 0
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{topology.balancer_port}/webhooks/rest/webhook", body,
                                             {"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response), failed
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            failed += 1
            assert failed < 10, f"{sender}: {message!r} never answered"
            time.sleep(1)


def kill(pattern: str) -> None:
    for line in os.popen(f"pgrep -f '{pattern}'").read().split():
        os.kill(int(line), signal.SIGKILL)


def test_twenty_employees_through_the_balancer_while_servers_are_killed_lose_and_repeat_nothing(topology) -> None:
    wrong: list[str] = []
    tries = Counter()

    def converse(number: int) -> str:
        sender = f"e2e-replica-{number}-{uuid.uuid4().hex[:6]}"
        for turn, (message, expected) in enumerate(CONVERSATION):
            for attempt in range(3):
                message_id = f"{sender}-{turn}-{attempt}"
                copies = 2 if number < RACING else 1
                with ThreadPoolExecutor(copies) as pool:
                    answers = list(pool.map(lambda _: send(topology, sender, message, message_id), range(copies)))
                said = ["\n".join(m.get("text") or "" for m in answer) for answer, _ in answers]
                tries["failed"] += sum(failed for _, failed in answers)
                # an action server killed mid-call: the bot says it did not take it in – sent again
                if not any(NOT_TAKEN_IN in reply for reply in said):
                    break
                tries[sender] += 1  # asked again: that message is in the conversation twice
            for reply in said:
                if expected not in reply:
                    wrong.append(f"{sender} turn {turn}: {message!r} -> {reply[:100]!r}")
        return sender

    def killer() -> None:
        time.sleep(10)  # mid-conversation for everyone
        kill(f"endpoints.replicas.yml --enable-api .*--port {topology.first_rasa_port}$")
        kill(f"actions.server --port {topology.first_actions_port}$")

    threading.Thread(target=killer, daemon=True).start()
    with ThreadPoolExecutor(EMPLOYEES) as pool:
        senders = list(pool.map(converse, range(EMPLOYEES)))

    assert wrong == []
    # every employee's answers, stored once: the same questions, one revision each but the one
    # the script changes, whichever servers died under them
    store = Store.from_url(topology.answers_url)
    shapes = Counter(
        tuple(sorted((key, len(store.history("rest", sender, key))) for key in store.answers("rest", sender)))
        for sender in senders
    )
    store.engine.dispose()
    assert len(shapes) == 1, shapes
    (shape,) = shapes
    assert len(shape) > 40 and {key for key, revisions in shape if revisions > 1} == {"department"}
    # and the conversation itself holds each message once, racing copies included
    tracker = create_engine(topology.tracker_url)
    with tracker.connect() as connection:
        repeated = connection.execute(text(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' AND sender_id LIKE 'e2e-replica-%'"
        )).all()
    tracker.dispose()
    per_sender = Counter(sender for sender, _ in repeated)
    consented = next(turn for turn, (_, expected) in enumerate(CONVERSATION) if "Stage 2 of 7" in expected)
    # (what was said before consent is never stored; a message the bot asked for again is there twice)
    assert per_sender == {sender: len(CONVERSATION) - consented + tries[sender] for sender in senders}
