"""make replicas' topology, started for real (bot/stack/replicas.py: two Rasa, two action and
two web servers behind HAProxy, PostgreSQL and Redis), under 20 concurrent employees – some
of them sending a message twice at once, through both Rasa servers – while one Rasa server
and one action server are killed mid-conversation. Every conversation finishes, and the
database holds every answer once. Then, across the replicas: a counselor's reply sent through
one Rasa server reaches a web chat widget connected to the other – once, and acknowledged –
and the two web servers announce each new case once between them.

Needs HAProxy (make replicas installs it), WAYPOINT_TEST_POSTGRES_URL and
WAYPOINT_TEST_REDIS_URL (.ci/run sets both when the local servers answer)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import io
import json
import os
import random
import re
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator
from urllib.parse import urlsplit

import aiohttp
import pytest
import requests
import socketio
from redis.asyncio import Redis
from sqlalchemy import create_engine, text
from yarl import URL

from bot.config import process_environment
from bot.console import admin as accounts
from bot.conversation.messages import text as t
from bot.stack import replicas
from bot.storage import CaseStore, Store, make_engine
from tests.e2e.script import CONVERSATION
from tests.e2e.stack import ROOT, _this_process_data_key
from tests.fakes import SLACK_CHANNEL, SLACK_TOKEN, FakeSlack, LocalSmtp
from waypoint_rasa.webchat import pubsub_channel

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


@dataclass(frozen=True)
class NotificationSinks:
    """Where the replicas' web servers announce new cases: a local SMTP server and a stand-in
    for Slack's Web API (tests/fakes.py), both on loopback."""

    smtp: LocalSmtp
    slack: FakeSlack

    def settings(self) -> dict[str, str]:
        return {
            # a counselor can join at any hour (after hours is tested in tests/actions/test_handoff.py)
            "WAYPOINT_OFFICE_HOURS": "Mon-Sun 00:00-24:00",
            "WAYPOINT_SMTP_HOST": self.smtp.host,
            "WAYPOINT_SMTP_PORT": str(self.smtp.port),
            "WAYPOINT_MAIL_FROM": "waypoint@example.org",
            "WAYPOINT_NOTIFY_EMAILS": NOTIFY_EMAIL,
            "WAYPOINT_SLACK_TOKEN": SLACK_TOKEN,
            "WAYPOINT_SLACK_CHANNEL": SLACK_CHANNEL,
            "WAYPOINT_SLACK_API_URL": self.slack.url,
        }

    def stop(self) -> None:
        self.smtp.stop()
        self.slack.stop()


NOTIFY_EMAIL = "counselors@example.org"
# the notification sinks of each running topology (the `notification_sinks` fixture hands them out)
_SINKS: dict[replicas.Topology, NotificationSinks] = {}


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
    sinks = NotificationSinks(LocalSmtp(), FakeSlack())
    sinks.smtp.start()
    sinks.slack.start()
    environment.update(sinks.settings())
    try:
        process = start_replicas(chosen, config, environment, workdir / "replicas.log")
    except BaseException:
        sinks.stop()
        raise
    _SINKS[chosen] = sinks
    try:
        yield chosen
    finally:
        stop_replicas(process)
        sinks.stop()
        _SINKS.pop(chosen, None)
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


# -- across the replicas: the web chat and the console, the notification outbox -----------------------

COUNSELOR = "anna"
COUNSELOR_NAME = "Anna Li"
COUNSELOR_PASSWORD = secrets.token_urlsafe(16)
# the balancer's cookie that keeps a web chat's long polling on one Rasa server (replicas.haproxy_config)
STICKY_COOKIE = "WAYPOINT_RASA"
ASK_FOR_A_COUNSELOR = [
    ("hi", "store your answers"),
    ("yes", "What brings you here"),
    ("I would like to talk to a human counselor please", "asked a counselor to join"),
]
# the web servers' outbox loop runs every 2 s (bot/handoff/notify.py deliver_forever)
OUTBOX_INTERVAL = 2.0


@pytest.fixture(scope="module")
def notification_sinks(topology: replicas.Topology) -> NotificationSinks:
    return _SINKS[topology]


@pytest.fixture(scope="module")
def counselor(topology: replicas.Topology) -> str:
    """A counselor account, added as `make counselor ARGS='add anna …'` adds one; its user name."""
    cases = CaseStore(make_engine(topology.answers_url))
    try:
        if cases.counselor_by_username(COUNSELOR) is None:
            arguments = accounts.parser().parse_args(
                ["add", COUNSELOR, "--name", COUNSELOR_NAME, "--email", "anna@example.org", "--password-stdin"])
            accounts.run(arguments, cases, io.StringIO(COUNSELOR_PASSWORD + "\n"), io.StringIO(), None)
    finally:
        cases.engine.dispose()
    return COUNSELOR


def wait_for_every_server(topology: replicas.Topology, timeout: float = 300) -> None:
    """Every replica answers on its own port (one killed by an earlier test is restarted by the
    supervisor), and the balancer has seen it (its checks: every second, up after two)."""
    urls = [url for replica in range(topology.replicas) for url in (
        f"http://127.0.0.1:{topology.ports(replica).rasa}/",
        f"http://127.0.0.1:{topology.ports(replica).actions}/health",
        f"http://127.0.0.1:{topology.ports(replica).web}/health",
    )]
    deadline = time.monotonic() + timeout
    for url in urls:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"{url} did not answer within {timeout:.0f} s"
                time.sleep(1)
    time.sleep(3)


async def eventually(check: Callable[[], Awaitable[bool]] | Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if inspect.isawaitable(found):
            found = await found
        if found or time.monotonic() > deadline:
            return bool(found)
        await asyncio.sleep(0.2)


class SocketTraffic:
    """What the Rasa servers' socket.io servers tell each other through Redis
    (waypoint_rasa/webchat.py): each emit with the id of the server that made it, and each
    acknowledgement a widget gave on another server than the emitting one, sent back to it."""

    def __init__(self, topology: replicas.Topology) -> None:
        self.redis = Redis(host=topology.redis_host, port=topology.redis_port, db=topology.shared_redis_db)
        self.channel = pubsub_channel(replicas.replica_environment({}, topology)["WAYPOINT_REDIS_URL"])
        self.pubsub = self.redis.pubsub()
        self.seen: list[dict[str, Any]] = []
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "SocketTraffic":
        await self.pubsub.subscribe(self.channel)
        subscribed = asyncio.Event()
        self.task = asyncio.create_task(self._read(subscribed))
        await asyncio.wait_for(subscribed.wait(), 10)
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.pubsub.close()
        await self.redis.close()

    async def _read(self, subscribed: asyncio.Event) -> None:
        async for message in self.pubsub.listen():
            if message["type"] == "subscribe":
                subscribed.set()
            elif message["type"] == "message":
                with contextlib.suppress(ValueError):
                    self.seen.append(json.loads(message["data"]))

    async def server_of(self, sid: str) -> str:
        """The socket.io server holding a socket: the one that confirmed its session."""
        def confirmation() -> list[str]:
            return [m["host_id"] for m in self.seen
                    if m.get("method") == "emit" and m.get("event") == "session_confirm" and m.get("room") == sid]

        assert await eventually(confirmation, 10), "no session_confirm on the replicas' pub/sub channel"
        return confirmation()[0]

    def emitters_of(self, room: str, body: str) -> list[str]:
        """The servers that emitted a message with `body` to a person's sockets, asking for an
        acknowledgement (Redis's pub/sub channels are shared by every database: other stacks'
        traffic is there too)."""
        return [m["host_id"] for m in self.seen if m.get("method") == "emit" and m.get("event") == "bot_uttered"
                and m.get("room") == room and m.get("callback")
                and any(isinstance(d, dict) and body in str(d.get("text")) for d in m["data"])]

    def acknowledgements_to(self, server: str, room: str) -> int:
        return sum(1 for m in self.seen if m.get("method") == "callback" and m.get("host_id") == server
                   and m.get("sid") == room)


class Widget:
    """The web chat widget's side of socket.io (python-socketio, as tests/e2e/test_widget.py's
    client) through the balancer, with the balancer's cookie already in its jar as a browser
    keeps it: pinned to one Rasa server."""

    def __init__(self, topology: replicas.Topology, rasa_replica: int) -> None:
        self.url = f"http://127.0.0.1:{topology.balancer_port}"
        self.cookie = f"rasa{rasa_replica}"  # the server's cookie value: backend name and replica number
        self.http: aiohttp.ClientSession | None = None
        self.sio: socketio.AsyncClient | None = None
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.bot: list[dict[str, Any]] = []

    async def connect(self) -> "Widget":
        jar = aiohttp.CookieJar(unsafe=True)  # unsafe: keeps cookies of an IP address (127.0.0.1)
        jar.update_cookies({STICKY_COOKIE: self.cookie}, URL(self.url))
        self.http = aiohttp.ClientSession(cookie_jar=jar)
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self.bot.append)  # python-socketio acknowledges what asks for it
        # polling only: python-engineio's websocket client needs a newer aiohttp than Rasa pins
        await self.sio.connect(self.url, socketio_path="/socket.io", transports=["polling"], wait_timeout=10)
        return self

    @property
    def sid(self) -> str:
        assert self.sio is not None
        return str(self.sio.get_sid())

    async def session(self, session_id: str | None = None) -> str:
        assert self.sio is not None
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, message: str, expected: str) -> None:
        assert self.sio is not None
        seen = len(self.bot)
        await self.sio.emit("user_uttered", {"message": message, "session_id": None, "customData": {}})
        assert await eventually(lambda: expected in self.texts(seen), 60), \
            f"after {message!r} expected {expected!r} in:\n{self.texts(seen)}"

    def texts(self, start: int = 0) -> str:
        return "\n".join(m.get("text") or "" for m in self.bot[start:])

    def count(self, body: str) -> int:
        return sum(body in (m.get("text") or "") for m in self.bot)

    async def close(self) -> None:
        if self.sio is not None:
            # abort: python-engineio's polling client otherwise waits out the server's long poll
            await self.sio.eio.disconnect(abort=True)
        if self.http is not None:
            await self.http.close()


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


class CounselorConsole:
    """A counselor's browser on the console, logged in through the balancer; every post is
    answered with a redirect, not followed, so that each is one request to one web server."""

    def __init__(self, topology: replicas.Topology, username: str) -> None:
        self.base = f"http://127.0.0.1:{topology.balancer_port}"
        self.http = requests.Session()
        login = self.http.get(f"{self.base}/console/login", timeout=30)
        page = self.http.post(f"{self.base}/console/login", timeout=30, data={
            "username": username, "password": COUNSELOR_PASSWORD, "csrf_token": csrf(login.text), "next": "/console/"})
        assert page.status_code == 200 and "Log out" in page.text, page.text[:500]
        self.csrf = csrf(page.text)

    def post(self, path: str, through: str | None = None, **data: str) -> str:
        """Posts a form, through the balancer or straight to one web server; where it redirects."""
        answer = self.http.post(f"{through or self.base}/console{path}", data={"csrf_token": self.csrf, **data},
                                allow_redirects=False, timeout=60)
        assert answer.status_code in (302, 303), f"{path}: {answer.status_code} {answer.text[:300]}"
        return answer.headers["Location"]


async def test_a_counselors_reply_reaches_a_widget_connected_through_the_other_replica(topology, counselor) -> None:
    """The widget's socket lives on rasa-1 (the balancer's cookie); the console's replies are
    posted to each web server in turn, which ask Rasa through the balancer – until one has been
    emitted by the other Rasa server, whose emit crosses to the widget through Redis, and the
    widget's acknowledgement crosses back."""
    assert f"cookie {STICKY_COOKIE} insert" in replicas.haproxy_config(topology)
    await asyncio.to_thread(wait_for_every_server, topology)
    cases = CaseStore(make_engine(topology.answers_url))
    widgets: list[Widget] = []
    try:
        async with SocketTraffic(topology) as traffic:
            widget = await Widget(topology, rasa_replica=1).connect()
            widgets.append(widget)
            session_id = await widget.session()
            sender = session_id.split(".")[0]
            widget_server = await traffic.server_of(widget.sid)
            for message, expected in [("hi", "Stage 1 of 7"), ("/affirm", "What brings you here"),
                                      ASK_FOR_A_COUNSELOR[-1]]:
                await widget.say(message, expected)
            case = await asyncio.to_thread(cases.open_case_for, "socketio", sender)
            assert case is not None

            console = await asyncio.to_thread(CounselorConsole, topology, counselor)
            assert "done=taken" in await asyncio.to_thread(console.post, f"/cases/{case.id}/take")
            web_servers = [f"http://127.0.0.1:{topology.ports(replica).web}" for replica in range(topology.replicas)]
            bodies: list[str] = []
            crossed: str | None = None
            for number in range(6):
                body = f"Hello, Anna here ({number + 1}). What would you like to talk about?"
                bodies.append(body)
                # web-1, web-2, web-1 …: the console session works on both, whichever made it
                through = web_servers[number % len(web_servers)]
                assert "done=replied" in await asyncio.to_thread(console.post, f"/cases/{case.id}/reply", through,
                                                                 text=body)
                assert await eventually(lambda: widget.count(body) >= 1), f"reply {number + 1} never reached the widget"

                def delivered() -> bool:
                    return all(m.delivered_at is not None for m in cases.messages(case.id) if m.author == "counselor")

                assert await eventually(lambda: asyncio.to_thread(delivered)), f"reply {number + 1} is still pending"
                assert await eventually(lambda: traffic.emitters_of(sender, body), 10)
                (emitter,) = traffic.emitters_of(sender, body)  # sent once, by one server
                if emitter != widget_server:
                    crossed = emitter
                    # the widget on rasa-1 acknowledged a reply emitted by the other server: back through Redis
                    assert await eventually(lambda: traffic.acknowledgements_to(emitter, sender) >= 1, 10)
                if crossed is not None and number >= 1:
                    break
            assert crossed is not None, "every reply went through the widget's own Rasa server"

            await asyncio.sleep(3)  # time for any second copy to arrive
            assert [widget.count(body) for body in bodies] == [1] * len(bodies), widget.texts()
            assert widget.count("has joined the conversation") == 1
            assert not await asyncio.to_thread(cases.has_pending_replies, "socketio", sender)

            # the same person's second tab, pinned to rasa-2: on another server, and nothing is sent again
            tab = await Widget(topology, rasa_replica=2).connect()
            widgets.append(tab)
            assert await tab.session(session_id) == session_id
            assert await traffic.server_of(tab.sid) != widget_server, "the balancer's cookie did not pin the widgets"
            await asyncio.sleep(3)
            assert tab.bot == [] and [widget.count(body) for body in bodies] == [1] * len(bodies)
    finally:
        for opened in widgets:
            await opened.close()
        cases.engine.dispose()


def test_two_web_servers_send_one_notification_per_new_case(topology, counselor, notification_sinks) -> None:
    """Employees open cases at once through both Rasa servers; both web servers' outbox loops
    run beside each other for many rounds, and each case is mailed and posted to Slack once."""
    wait_for_every_server(topology)

    def ask_for_a_counselor(number: int) -> str:
        sender = f"e2e-notify-{number}-{uuid.uuid4().hex[:6]}"
        for turn, (message, expected) in enumerate(ASK_FOR_A_COUNSELOR):
            answer, _ = send(topology, sender, message, f"{sender}-{turn}")
            said = "\n".join(m.get("text") or "" for m in answer)
            assert expected in said, f"{sender}: after {message!r} expected {expected!r} in:\n{said}"
        return sender

    with ThreadPoolExecutor(6) as pool:
        senders = list(pool.map(ask_for_a_counselor, range(6)))
    cases = CaseStore(make_engine(topology.answers_url))
    try:
        opened = [cases.open_case_for("rest", sender) for sender in senders]
        ids = {case.id for case in opened if case is not None}
        assert len(ids) == len(senders)

        def announced() -> tuple[Counter[int], Counter[int]]:
            mailed = Counter(int(found.group(1)) for mail in list(notification_sinks.smtp.messages)
                             if (found := re.search(r"case #(\d+)\b", str(mail.message["Subject"]))))
            posted = Counter(int(found.group(1)) for post in list(notification_sinks.slack.messages)
                             if (found := re.search(r"case #(\d+)\b", str(post.get("text")))))
            return Counter({i: mailed[i] for i in ids if mailed[i]}), Counter({i: posted[i] for i in ids if posted[i]})

        deadline = time.monotonic() + 60
        while any(set(counted) != ids for counted in announced()) and time.monotonic() < deadline:
            time.sleep(0.5)
        # both web servers' loops go round several more times: nothing is sent again
        time.sleep(6 * OUTBOX_INTERVAL)
        mailed, posted = announced()
        assert mailed == posted == Counter({i: 1 for i in ids})
        for case_id in ids:
            outbox = cases.notifications(case_id)
            assert sorted(n["transport"] for n in outbox) == ["email", "slack"]
            assert all(n["sent_at"] is not None and n["attempts"] == 1 for n in outbox), outbox
        # to the counselor the case was routed to (the only one) and the configured address
        for mail in list(notification_sinks.smtp.messages):
            found = re.search(r"case #(\d+)\b", str(mail.message["Subject"]))
            if found and int(found.group(1)) in ids:
                assert sorted(mail.recipients) == ["anna@example.org", NOTIFY_EMAIL]
        # and both web servers ran all along
        for replica in range(topology.replicas):
            with urllib.request.urlopen(f"http://127.0.0.1:{topology.ports(replica).web}/health", timeout=5):
                pass
    finally:
        cases.engine.dispose()
