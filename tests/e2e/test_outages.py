"""make replicas' topology (bot/stack/replicas.py: two Rasa, two action and two web servers
behind HAProxy) on a PostgreSQL and a Redis of this test's own, each stopped for 10 s – from
a moment a turn is under way – while scripted employees go on typing through the balancer.
Every message sent during the outage is answered "I can't save right now", and nothing else;
the employees send it again, and once the server is back the conversation goes on where it
was – no server restarted – and the database holds every answer once, as an undisturbed
conversation leaves it.

Needs HAProxy (make replicas installs it), PostgreSQL's initdb and pg_ctl, and redis-server;
never touches the machine's own PostgreSQL or Redis."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest
import redis
from sqlalchemy import create_engine, text

from bot.config import process_environment
from bot.conversation.messages import text as t
from bot.stack import replicas
from bot.storage import Store
from tests.e2e.script import BEFORE_RESTART
from tests.e2e.stack import ROOT, _this_process_data_key
from tests.e2e.test_replicas import _free_block, start_replicas, stop_replicas

pytestmark = pytest.mark.e2e

CANNOT_SAVE = t("cannot_save")
# what the bot says when a turn went on without its answer stored, or an action failed: never
# the answer to an outage of the whole database or Redis
NOT_STORED = t("not_stored")
NOT_TAKEN_IN = t("not_taken_in")

REDIS_SERVER = Path("/usr/bin/redis-server")
OUTAGE_SECONDS = 10.0
EMPLOYEES = 3
# consent at the third message, the department changed at the twelfth: 15 messages
TURNS = BEFORE_RESTART
OUTAGE_AFTER = 4  # the outage begins once every employee has consented and answered something
HOLD_AT = 8  # an employee this far waits for the outage, so that everyone meets it mid-conversation
THINK_SECONDS = 0.2
# a turn takes some 30–60 ms here: 10 ms after its message left, it is past the lookup and short of its save
TURN_UNDER_WAY_SECONDS = 0.01
RESEND_SECONDS = 1.0
MOST_TRIES = 40  # of one message: an outage that never ends fails the test rather than hang it


def _postgres_binaries() -> Path | None:
    """The directory with initdb and pg_ctl (Debian's, or a link to them in /usr/local/bin)."""
    for directory in (Path("/usr/local/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)):
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    return None


class OwnPostgres:
    """A PostgreSQL server of this test's own: a fresh cluster in a temporary directory, trust
    authentication, listening on 127.0.0.1:`port` and a socket in its data directory."""

    def __init__(self, binaries: Path, home: Path, port: int, account: str | None) -> None:
        self.binaries = binaries
        self.data = home / "data"
        self.log = home / "postgres.log"
        self.port = port
        self.account = account  # PostgreSQL refuses to run as root: as root, it runs as this account

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def _run(self, *argv: str) -> None:
        subprocess.run([str(self.binaries / argv[0]), *argv[1:]], check=True, capture_output=True, timeout=120,
                       user=self.account, cwd=self.data.parent, env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C"})

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.data}'\n"
                       # six servers' connection pools, and the test's own
                       "max_connections = 200\n"
                       # a throwaway cluster: nothing needs to reach the disk
                       "fsync = off\nfull_page_writes = off\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")


class OwnRedis:
    """A Redis server of this test's own on 127.0.0.1:`port`, without persistence (as Waypoint's
    should run): a restart empties it."""

    def __init__(self, port: int, home: Path) -> None:
        self.port = port
        self.home = home
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.home)]
        with (self.home / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    break
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start; see {self.home / 'redis.log'}")
            time.sleep(0.1)
        client.close()

    def shutdown(self) -> None:
        """`SHUTDOWN NOSAVE`, as an operator stops it; returns once the process is gone."""
        client = redis.Redis(port=self.port, socket_timeout=5)
        client.shutdown(nosave=True)
        client.close()
        assert self.process is not None
        self.process.wait(timeout=20)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class Cluster:
    topology: replicas.Topology
    postgres: OwnPostgres
    redis: OwnRedis
    log: Path  # the supervisor's and the servers' output


def _postgres_account() -> tuple[str | None, int, int]:
    """Who runs PostgreSQL: this user, or – as root – the postgres account (uid, gid)."""
    if os.geteuid() != 0:
        return None, os.getuid(), os.getgid()
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root, PostgreSQL needs a 'postgres' account to run as") from None
    return "postgres", account.pw_uid, account.pw_gid


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    binaries = _postgres_binaries()
    if not Path(replicas.HAPROXY).exists():
        pytest.skip("HAProxy is not installed (make replicas installs Debian's haproxy)")
    if binaries is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed (Debian's postgresql)")
    if not REDIS_SERVER.exists():
        pytest.skip(f"{REDIS_SERVER} is not installed (Debian's redis-server)")
    account, uid, gid = _postgres_account()
    workdir = tmp_path_factory.mktemp("outages")
    # pytest's temporary directory is its user's alone: PostgreSQL's account needs one it can enter
    postgres_home = Path(tempfile.mkdtemp(prefix="waypoint-outages-pg-"))
    os.chown(postgres_home, uid, gid)
    first = _free_block(14)
    postgres = OwnPostgres(binaries, postgres_home, first + 12, account)
    own_redis = OwnRedis(first + 13, workdir)
    topology = replicas.Topology(
        balancer_port=first, actions_balancer_port=first + 1, first_rasa_port=first + 2, first_actions_port=first + 5,
        first_web_port=first + 8, postgres=postgres.url, answers_database="waypoint_outages",
        tracker_database="waypoint_outages_tracker", redis_host="127.0.0.1", redis_port=own_redis.port,
    )
    environment = {
        **process_environment(),
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "WAYPOINT_DATA_KEY": _this_process_data_key(),
        "WAYPOINT_RASA_TOKEN": secrets.token_urlsafe(24),
        "WAYPOINT_ACTIONS_TOKEN": secrets.token_urlsafe(24),
        "WAYPOINT_WEBCHAT_SECRET": secrets.token_urlsafe(24),
        # scripted employees type faster than any person, and send again every second (waypoint_rasa/limits.py)
        "WAYPOINT_MESSAGES_PER_MINUTE": "10000",
        "WAYPOINT_MESSAGES_PER_MINUTE_PER_ADDRESS": "1000000",
    }
    process: subprocess.Popen[bytes] | None = None
    try:
        postgres.create()
        postgres.start()
        own_redis.start()
        config = replicas.prepare(topology, ROOT, workdir / "haproxy.cfg")
        process = start_replicas(topology, config, environment, workdir / "replicas.log")
        wait_for_the_balancer(topology)
        yield Cluster(topology, postgres, own_redis, workdir / "replicas.log")
    finally:
        if process is not None:
            stop_replicas(process)
        own_redis.kill()
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            postgres.stop("immediate")
        shutil.rmtree(postgres_home, ignore_errors=True)


def wait_for_the_balancer(topology: replicas.Topology, timeout: float = 60) -> None:
    """Until the balancer sends work to both Rasa servers (each known by the cookie it gives their
    answers), and to the action and web servers: it takes a server in two health checks after the
    server answers, a second apart – after the supervisor has said "up"."""
    wanted = {f"rasa{replica + 1}" for replica in range(topology.replicas)} | {"actions", "web"}
    urls = {
        "rasa": f"http://127.0.0.1:{topology.balancer_port}/webhooks/rest/",
        "actions": f"http://127.0.0.1:{topology.actions_balancer_port}/health",
        "web": f"http://127.0.0.1:{topology.balancer_port}/health",
    }
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while not wanted <= seen:
        assert time.monotonic() < deadline, f"the balancer sent nothing to {sorted(wanted - seen)} within {timeout:.0f} s"
        for backend, url in urls.items():
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=5) as response:
                    cookie = re.search(r"WAYPOINT_RASA=(\w+)", response.headers.get("Set-Cookie") or "")
                    if backend != "rasa":
                        seen.add(backend)
                    elif cookie:
                        seen.add(cookie.group(1))
        time.sleep(0.2)


def ask(topology: replicas.Topology, sender: str, message: str, message_id: str) -> tuple[int, list[str]]:
    """One try of a message through the balancer: the status and the texts the client gets – an
    error status's too, for the bot's words may be in it. Nothing is retried here."""
    body = json.dumps({"sender": sender, "message": message, "message_id": message_id}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{topology.balancer_port}/webhooks/rest/webhook", body,
                                     {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        return 0, [f"(no answer: {type(error).__name__})"]
    try:
        answer = json.loads(raw)
    except ValueError:
        return status, [raw.decode(errors="replace")[:200]]
    if isinstance(answer, list):
        return status, [str(m.get("text") or "") for m in answer if isinstance(m, dict)]
    return status, [json.dumps(answer)[:200]]


@dataclass(frozen=True)
class Exchange:
    """One try of one message: what was sent when, and what came back."""

    sender: str
    turn: int
    sent: float  # time.monotonic()
    answered: float
    status: int
    said: list[str]

    @property
    def refused(self) -> bool:
        return self.said == [CANNOT_SAVE] and self.status in (200, 503)

    def answers(self, expected: str) -> bool:
        reply = "\n".join(self.said)
        return (self.status == 200 and expected in reply
                and not any(notice in reply for notice in (CANNOT_SAVE, NOT_STORED, NOT_TAKEN_IN)))

    def describe(self, outage: Outage) -> str:
        return (f"{self.sender} turn {self.turn} ({TURNS[self.turn][0]!r}), sent {self.sent - outage.down_at:+.1f} s "
                f"after the server went down: {self.status} {self.said}")


@dataclass
class Outage:
    """When the server was away, and what the employees' threads share with the one taking it away."""

    down_at: float = 0.0  # the server is stopped
    up_at: float = 0.0  # it is being started again
    begun: threading.Event = field(default_factory=threading.Event)
    exchanges: list[Exchange] = field(default_factory=list)
    turns_done: Counter[str] = field(default_factory=Counter)
    sending_since: dict[str, float] = field(default_factory=dict)  # sender -> when its message now in flight left

    def during(self, exchange: Exchange) -> bool:
        return self.down_at <= exchange.sent and exchange.answered <= self.up_at

    def a_turn_under_way(self) -> bool:
        """A message has been on its way for a moment: its turn is in the language model or the
        action server, and the server goes before its save."""
        now = time.monotonic()
        return any(now - since >= TURN_UNDER_WAY_SECONDS for since in self.sending_since.copy().values())


def converse(topology: replicas.Topology, sender: str, think_seconds: float, outage: Outage) -> None:
    """An employee typing TURNS, each message with its own id; a message answered "I can't save
    right now" (or not answered) is sent again a second later with the same id, as a client does."""
    for turn, (message, _) in enumerate(TURNS):
        if turn == HOLD_AT:
            outage.begun.wait(timeout=120)
        for _ in range(MOST_TRIES):
            sent = outage.sending_since[sender] = time.monotonic()
            status, said = ask(topology, sender, message, f"{sender}-{turn}")
            del outage.sending_since[sender]
            outage.exchanges.append(Exchange(sender, turn, sent, time.monotonic(), status, said))
            if status == 200 and said and CANNOT_SAVE not in said:
                break
            time.sleep(RESEND_SECONDS)
        outage.turns_done[sender] = turn + 1
        time.sleep(think_seconds)


def through_an_outage(cluster: Cluster, name: str, stop: Callable[[], None], start: Callable[[], None]
                      ) -> tuple[list[str], Outage]:
    """EMPLOYEES employees converse while `stop` … `start` takes a server away for OUTAGE_SECONDS,
    from a moment a turn is under way."""
    outage = Outage()
    senders = [f"e2e-outage-{name}-{number}-{uuid.uuid4().hex[:6]}" for number in range(EMPLOYEES)]
    with ThreadPoolExecutor(EMPLOYEES) as pool:
        # each at their own pace, so that someone is always typing
        talking: list[Future[None]] = [
            pool.submit(converse, cluster.topology, sender, THINK_SECONDS * (1 + number / 2), outage)
            for number, sender in enumerate(senders)
        ]
        try:
            deadline = time.monotonic() + 120
            while (min(outage.turns_done[sender] for sender in senders) < OUTAGE_AFTER
                   and not any(f.done() for f in talking) and time.monotonic() < deadline):
                time.sleep(0.01)
            patience = time.monotonic() + 5  # (everyone may be waiting at HOLD_AT already)
            while not outage.a_turn_under_way() and time.monotonic() < patience:
                time.sleep(0.001)
            stop()
            outage.down_at = time.monotonic()
            outage.begun.set()
            time.sleep(OUTAGE_SECONDS)
        finally:
            outage.up_at = time.monotonic()
            start()
            outage.begun.set()  # nobody waits for an outage that never came
        for talk in talking:
            talk.result()
    outage.exchanges.sort(key=lambda e: e.sent)
    return senders, outage


def stored_answers(cluster: Cluster, sender: str) -> dict[str, list[str]]:
    """Every revision of each of the employee's answers in the database, oldest first."""
    store = Store.from_url(cluster.topology.answers_url)
    try:
        return {key: [r.value for r in store.history("rest", sender, key)] for key in store.answers("rest", sender)}
    finally:
        store.engine.dispose()


def stored_messages(cluster: Cluster, senders: list[str]) -> Counter[str]:
    """How many of each employee's messages the conversation (tracker database) holds."""
    tracker = create_engine(cluster.topology.tracker_url)
    try:
        with tracker.connect() as connection:
            rows = connection.execute(
                text("SELECT sender_id FROM events WHERE type_name = 'user' AND sender_id LIKE 'e2e-outage-%'")
            ).all()
    finally:
        tracker.dispose()
    return Counter(sender for (sender,) in rows if sender in senders)


@pytest.fixture(scope="module")
def undisturbed(cluster: Cluster) -> dict[str, list[str]]:
    """The answers TURNS leave in the database when nothing fails."""
    sender = f"e2e-outage-undisturbed-{uuid.uuid4().hex[:6]}"
    for turn, (message, expected) in enumerate(TURNS):
        status, said = ask(cluster.topology, sender, message, f"{sender}-{turn}")
        assert status == 200 and expected in "\n".join(said), f"undisturbed turn {turn}: {status} {said}"
    answers = stored_answers(cluster, sender)
    assert len(answers) >= 8, answers
    return answers


def check_nothing_lost(cluster: Cluster, undisturbed: dict[str, list[str]], senders: list[str], outage: Outage) -> None:
    exchanges = outage.exchanges
    # every reply is either the next step of the conversation or exactly "I can't save right now"
    wrong = [e.describe(outage) for e in exchanges if not (e.refused or e.answers(TURNS[e.turn][1]))]
    assert wrong == [], "\n".join(wrong)
    # during the outage, every message was answered – with that, and nothing else
    during = [e for e in exchanges if outage.during(e)]
    assert [e.describe(outage) for e in during if not e.refused] == []
    refused = Counter(e.sender for e in during)
    assert all(refused[sender] >= 3 for sender in senders), refused  # everyone kept typing meanwhile
    # after it, each message reached the conversation once: the last try got the expected answer
    last_tries = {(e.sender, e.turn): e for e in exchanges}
    assert sorted(last_tries) == sorted((sender, turn) for sender in senders for turn in range(len(TURNS)))
    assert all(e.answers(TURNS[e.turn][1]) for e in last_tries.values())
    # and nothing is lost or stored twice: the answers as an undisturbed conversation leaves them,
    # each message once in the conversation (what came before consent is never stored)
    for sender in senders:
        assert stored_answers(cluster, sender) == undisturbed, sender
    consented = next(turn for turn, (_, expected) in enumerate(TURNS) if "Stage 2 of 7" in expected)
    assert stored_messages(cluster, senders) == {sender: len(TURNS) - consented for sender in senders}
    # the servers found their database and Redis again by themselves
    assert "restarting it" not in cluster.log.read_text(errors="replace")


def test_postgresql_down_for_ten_seconds_is_told_and_then_nothing_is_lost(cluster: Cluster, undisturbed) -> None:
    senders, outage = through_an_outage(cluster, "postgres", cluster.postgres.stop, cluster.postgres.start)
    check_nothing_lost(cluster, undisturbed, senders, outage)


def test_redis_down_for_ten_seconds_is_told_and_then_nothing_is_lost(cluster: Cluster, undisturbed) -> None:
    # the conversation's lock is in Redis: without it no turn runs (fail closed)
    senders, outage = through_an_outage(cluster, "redis", cluster.redis.shutdown, cluster.redis.start)
    check_nothing_lost(cluster, undisturbed, senders, outage)
