"""The Slack channel end to end: signed Slack events and button clicks drive a conversation
through Rasa, the bot's messages reach a fake Slack Web API, forged and stale requests are
refused, a retried event is answered once, and a counselor's reply reaches the employee's
direct messages. Slack is the only channel: Rasa's HTTP API is guarded all the same."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
from argon2 import PasswordHasher

from bot.console.gateway import RasaGateway
from bot.storage import CaseStore, Store, make_engine
from tests.e2e.stack import MODEL, ROOT, VENV_BIN, Stack
from tests.fakes import SLACK_CHANNEL, SLACK_TOKEN, FakeSlack

pytestmark = pytest.mark.e2e

SECRET = "e2e-slack-signing-secret"
BOT_USER = "U0WAYPOINT"
# Each test talks as its own employee: (user id, their direct-message channel with the app).
PEOPLE = {
    "consent": ("U0EMPLOYEE", "D0EMPLOYEE"),
    "retry": ("U0RETRY", "D0RETRY"),
    "forged": ("U0FORGED", "D0FORGED"),
    "handoff": ("U0HANDOFF", "D0HANDOFF"),
}
# Slack alone: no REST channel, which used to be what installed the HTTP API's guard
CREDENTIALS = "waypoint_rasa.slack.WaypointSlackInput:\n"


def signed(body: bytes, secret: str = SECRET, sent_at: float | None = None) -> dict[str, str]:
    stamp = str(int(time.time() if sent_at is None else sent_at))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def message_text(message: dict[str, Any]) -> str:
    sections = [b["text"]["text"] for b in message.get("blocks") or [] if b.get("type") == "section"]
    return "\n".join([message.get("text") or "", *sections])


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """A posted message's buttons, title -> value."""
    return {
        e["text"]["text"]: e["value"]
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for e in block["elements"]
        if e.get("type") == "button"
    }


class SlackUser:
    """An employee in Slack: Slack's signed requests on their behalf, and what reached their DM."""

    def __init__(self, stack: Stack, slack: FakeSlack, person: str) -> None:
        self.stack, self.slack = stack, slack
        self.user, self.dm = PEOPLE[person]
        self.url = f"{stack.rasa_url}/webhooks/slack/webhook"
        self._events = 0

    def received(self) -> list[dict[str, Any]]:
        return [m for m in self.slack.messages if m.get("channel") == self.dm]

    def event(self, text: str) -> bytes:
        self._events += 1
        return json.dumps(
            {
                "type": "event_callback",
                "team_id": "T0COMPANY",
                "event_id": f"Ev{self.user}{self._events:04d}",
                "event_time": int(time.time()),
                "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
                "event": {
                    "type": "message",
                    "channel_type": "im",
                    "channel": self.dm,
                    "user": self.user,
                    "text": text,
                    "ts": f"{time.time():.6f}",
                    "client_msg_id": f"msg-{self.user}-{self._events}",
                },
            }
        ).encode()

    def click_body(self, value: str) -> bytes:
        self._events += 1
        payload = {
            "type": "block_actions",
            "trigger_id": f"trigger-{self.user}-{self._events}",
            "user": {"id": self.user, "username": "employee"},
            "channel": {"id": self.dm, "name": "directmessage"},
            "container": {"type": "message", "channel_id": self.dm, "message_ts": "1700000000.000100"},
            "message": {"ts": "1700000000.000100", "text": "…"},
            "actions": [
                {"type": "button", "action_id": "waypoint-button-0", "value": value, "action_ts": f"{time.time():.6f}"}
            ],
        }
        return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()

    def post(self, body: bytes, headers: dict[str, str], form: bool = False) -> tuple[int, dict[str, str]]:
        content_type = "application/x-www-form-urlencoded" if form else "application/json"
        request = urllib.request.Request(self.url, body, {"Content-Type": content_type, **headers})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)

    def say(self, text: str, expected: str | None = None) -> list[dict[str, Any]]:
        before = len(self.received())
        body = self.event(text)
        started = time.monotonic()
        status, _ = self.post(body, signed(body))
        assert status == 200 and time.monotonic() - started < 3, "Slack wants its answer within 3 seconds"
        return self.wait_for(expected, before) if expected else []

    def click(self, title: str, expected: str) -> list[dict[str, Any]]:
        offers = [m for m in self.received() if title in buttons(m)]
        assert offers, f"no {title!r} button among {[buttons(m) for m in self.received()]}"
        before = len(self.received())
        body = self.click_body(buttons(offers[-1])[title])
        status, _ = self.post(body, signed(body), form=True)
        assert status == 200
        return self.wait_for(expected, before)

    def wait_for(self, expected: str, after: int, timeout: float = 60) -> list[dict[str, Any]]:
        """The messages after the first `after`, once one of them says `expected`."""
        deadline = time.monotonic() + timeout
        while True:
            new = self.received()[after:]
            if any(expected in message_text(m) for m in new):
                return new
            got = "\n".join(map(message_text, new))
            assert time.monotonic() < deadline, f"{expected!r} never reached Slack; got:\n{got}"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(channels=(SLACK_CHANNEL,), dms=dict(PEOPLE.values())) as fake:
        yield fake


@pytest.fixture(scope="module")
def stack(tmp_path_factory, slack: FakeSlack) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("slack")
    credentials = workdir / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    stack = Stack(
        workdir,
        with_web=False,  # the counselor's side goes straight to Rasa's HTTP API, as the console does
        credentials=credentials,
        settings={
            "WAYPOINT_SLACK_BOT_TOKEN": SLACK_TOKEN,
            "WAYPOINT_SLACK_SIGNING_SECRET": SECRET,
            "WAYPOINT_SLACK_API_URL": slack.url,
            # always in office hours: a counselor can join at once
            "WAYPOINT_OFFICE_HOURS": "Mon-Sun 00:00-24:00",
        },
    )
    stack.prepare_database()
    cases = CaseStore(make_engine(stack.answers_url))
    cases.add_counselor("anna", "Anna Li", PasswordHasher().hash("not used here"), email="anna@example.org")
    cases.engine.dispose()
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def store(stack: Stack) -> Iterator[Store]:
    answers = Store.from_url(stack.answers_url)
    yield answers
    answers.engine.dispose()


def test_a_conversation_with_a_button_click(stack: Stack, slack: FakeSlack, store: Store) -> None:
    employee = SlackUser(stack, slack, "consent")
    greeting = employee.say("hi", "Do you agree that I store your answers?")

    question = next(m for m in greeting if "Do you agree" in message_text(m))
    assert {"Yes", "No"} <= set(buttons(question)), "the consent question comes with real Slack buttons"
    assert question["blocks"][0]["type"] == "section" and question["blocks"][0]["text"]["type"] == "mrkdwn"

    employee.click("Yes", "What brings you here")

    record = store.session_record("slack", employee.user)
    assert record is not None and record["consent_at"] is not None
    assert store.answers("slack", employee.user)["consent"].slot_value is True


@pytest.mark.parametrize(
    "headers",
    [{}, "forged", "wrong secret", "stale", "future"],
    ids=["missing", "forged", "wrong secret", "stale", "future"],
)
def test_unsigned_forged_and_stale_requests_are_refused(stack: Stack, slack: FakeSlack, store: Store, headers) -> None:
    intruder = SlackUser(stack, slack, "forged")
    for body, form in ((intruder.event("hi"), False), (intruder.click_body("/affirm"), True)):
        if headers == "forged":
            sent = {**signed(body), "X-Slack-Signature": "v0=" + "0" * 64}
        elif headers == "wrong secret":
            sent = signed(body, secret="guessed")
        elif headers == "stale":
            sent = signed(body, sent_at=time.time() - 6 * 60)
        elif headers == "future":
            sent = signed(body, sent_at=time.time() + 6 * 60)
        else:
            sent = headers
        status, _ = intruder.post(body, sent, form=form)
        assert status == 401

    time.sleep(2)
    assert intruder.received() == []
    assert store.session_record("slack", intruder.user) is None


def test_a_retried_event_is_answered_and_stored_once(stack: Stack, slack: FakeSlack, store: Store) -> None:
    employee = SlackUser(stack, slack, "retry")
    employee.say("hi", "Do you agree that I store your answers?")
    employee.click("Yes", "What brings you here")

    before = len(employee.received())
    body = employee.event("I feel stuck in my job and want to grow into management")
    assert employee.post(body, signed(body))[0] == 200
    employee.wait_for("current role", before)
    # Slack's retry of the same event, then the same event again without retry headers
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    status, headers = employee.post(body, {**signed(body), **retry})
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    assert employee.post(body, signed(body))[0] == 200

    # The next message is handled after anything sent before it (Rasa's lock per conversation),
    # so once it is answered a second answer to the repeats would have arrived too.
    after = employee.say("I'm a software developer", "department")
    answers_to_repeat = [m for m in employee.received()[before:] if "current role" in message_text(m)]
    assert len(answers_to_repeat) == 1, [message_text(m) for m in employee.received()[before:]]
    assert after, "the next question came"

    answers = store.answers("slack", employee.user)
    assert answers["situation"].value == "I feel stuck in my job and want to grow into management"
    assert answers["situation"].revision == 1
    assert [a.value for a in store.history("slack", employee.user, "situation")] == [answers["situation"].value]


def test_a_counselors_reply_reaches_the_employee_in_slack(stack: Stack, slack: FakeSlack) -> None:
    employee = SlackUser(stack, slack, "handoff")
    employee.say("hi", "Do you agree that I store your answers?")
    employee.click("Yes", "What brings you here")
    employee.say("I'd like to talk to a real person", "asked a counselor to join")

    cases = CaseStore(make_engine(stack.answers_url))
    try:
        case = cases.open_case_for("slack", employee.user)
        assert case is not None and case.channel == "slack"
        anna = cases.counselor_by_username("anna")
        assert anna is not None

        # while waiting, what the employee writes goes to the case and the bot stays silent
        quiet_from = len(employee.received())
        employee.say("Are you there?")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not cases.messages(case.id):
            time.sleep(0.2)
        assert [m.text for m in cases.messages(case.id)] == ["Are you there?"]
        assert employee.received()[quiet_from:] == []

        # the console's reply: take the case, store the message, have Rasa deliver it
        before = len(employee.received())
        case = cases.take_case(case.id, anna.id)
        reply = cases.add_message(case.id, "counselor", "Hello, I'm Anna. What would you like to talk about?", anna.id)
        asyncio.run(RasaGateway(stack.rasa_url, stack.rasa_token).deliver(case, reply.id))

        received = employee.wait_for("What would you like to talk about?", before)
        texts = [message_text(m) for m in received]
        assert any("Anna Li, a career counselor, has joined" in t for t in texts)
        assert any("Anna Li: Hello, I'm Anna. What would you like to talk about?" in t for t in texts)
        assert all(m["channel"] == employee.dm for m in received)
    finally:
        cases.engine.dispose()


def test_without_the_rest_channel_rasas_http_api_is_still_guarded(stack: Stack) -> None:
    def status(method: str, path: str, token: str | None = None, host: str | None = None) -> int:
        url = f"{stack.rasa_url}{path}" + (f"?token={token}" if token else "")
        headers = {"Host": host} if host else {}
        request = urllib.request.Request(url, data=b"{}" if method != "GET" else None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert status("POST", "/webhooks/rest/webhook") == 404  # REST is not there
    assert status("PUT", "/model", stack.rasa_token) == 404  # model upload: never
    assert status("POST", "/model/train", stack.rasa_token) == 404
    sender = PEOPLE["consent"][0]
    assert status("GET", f"/conversations/{sender}/tracker") == 401
    assert status("GET", f"/conversations/{sender}/tracker", "wrong") == 401
    assert status("GET", f"/conversations/{sender}/tracker", stack.rasa_token) == 200
    assert status("GET", f"/conversations/{sender}/tracker", stack.rasa_token, host="rebind.attacker.example") == 400


def test_no_message_text_in_any_servers_log(stack: Stack) -> None:
    logs = "".join(path.read_text(errors="replace") for path in (stack.workdir / "logs").glob("*.log"))
    assert "Slack channel on" in logs
    for typed in ("grow into management", "software developer", "Are you there", "What would you like to talk about"):
        assert typed not in logs


def test_a_bot_token_without_a_signing_secret_stops_rasa(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYPOINT_SLACK_")}
    env.update(PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    env["WAYPOINT_SLACK_BOT_TOKEN"] = SLACK_TOKEN  # and no signing secret
    env["WAYPOINT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'answers.db'}"
    env["WAYPOINT_ACTIONS_TOKEN"] = "not-used"  # endpoints.yml needs it, or Rasa stops for that first

    run = subprocess.run(
        [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--credentials", str(credentials)]
        + ["--interface", "127.0.0.1", "--port", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )

    assert run.returncode == 1
    assert "WAYPOINT_SLACK_BOT_TOKEN is set but WAYPOINT_SLACK_SIGNING_SECRET is not" in run.stdout + run.stderr
