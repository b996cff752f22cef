"""The Slack channel: the signature check, retries and repeats, off when unconfigured,
Slack's text limits and markup, and the channel on a real Sanic server talking to a fake
Slack Web API."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urlencode

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.shared.exceptions import InvalidConfigException
from sanic import Sanic, response

from slack_sdk.errors import SlackApiError

from bot.handoff.delivery import DELIVERY_KEY
from tests.fakes import SLACK_TOKEN, FakeSlack
from tests.servers import serve as serve_app
from waypoint_rasa.slack import (
    BUTTON_TITLE_LIMIT,
    TEXT_LIMIT,
    BoundedMap,
    WaypointSlackBot,
    WaypointSlackInput,
    button_blocks,
    incoming_text,
    signature_ok,
    slack_text,
    split_text,
)

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
EMPLOYEE, DM, BOT_USER = "U0EMPLOYEE", "D0EMPLOYEE", "U0WAYPOINT"
NOW = 1_700_000_000.0


def sign(body: bytes, timestamp: float | str | None = None, secret: str = SECRET) -> dict[str, str]:
    stamp = str(int(time.time() if timestamp is None else float(timestamp)))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


# -- the signature ----------------------------------------------------------------------------------------

BODY = b'{"type":"event_callback","event_id":"Ev1"}'


def test_a_valid_signature_passes() -> None:
    headers = sign(BODY, NOW)
    assert signature_ok(SECRET, headers["X-Slack-Request-Timestamp"], BODY, headers["X-Slack-Signature"], now=NOW)


@pytest.mark.parametrize(
    "case, secret, timestamp, body, signature",
    [
        ("no signature", SECRET, str(int(NOW)), BODY, None),
        ("empty signature", SECRET, str(int(NOW)), BODY, ""),
        ("no timestamp", SECRET, None, BODY, sign(BODY, NOW)["X-Slack-Signature"]),
        ("not a number", SECRET, "soon", BODY, sign(BODY, NOW)["X-Slack-Signature"]),
        ("another secret", SECRET, str(int(NOW)), BODY, sign(BODY, NOW, secret="other")["X-Slack-Signature"]),
        ("changed body", SECRET, str(int(NOW)), BODY + b" ", sign(BODY, NOW)["X-Slack-Signature"]),
        ("another timestamp", SECRET, str(int(NOW) + 1), BODY, sign(BODY, NOW)["X-Slack-Signature"]),
        ("v1 scheme", SECRET, str(int(NOW)), BODY, sign(BODY, NOW)["X-Slack-Signature"].replace("v0=", "v1=")),
        ("no secret configured", "", str(int(NOW)), BODY, sign(BODY, NOW, secret="")["X-Slack-Signature"]),
    ],
)
def test_missing_or_wrong_signatures_fail(case, secret, timestamp, body, signature) -> None:
    assert not signature_ok(secret, timestamp, body, signature, now=NOW), case


@pytest.mark.parametrize("age, valid", [(299, True), (-299, True), (301, False), (-301, False), (3600, False)])
def test_signatures_are_valid_five_minutes_either_way(age, valid) -> None:
    """Older than five minutes may be a replay; a timestamp far ahead is no better."""
    headers = sign(BODY, NOW - age)
    timestamp, signature = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    assert signature_ok(SECRET, timestamp, BODY, signature, now=NOW) is valid


# -- repeats --------------------------------------------------------------------------------------------------


async def test_an_event_is_handled_the_first_time_only() -> None:
    seen = WaypointSlackInput("xoxb-test", SECRET).seen  # one process's memory (Redis with several replicas)
    assert await seen.first_time(["event:Ev1", "message:D1:1.0"])
    assert not await seen.first_time(["event:Ev1", "message:D1:1.0"])
    # the same message as another event (message.im and app_mention) is a repeat too
    assert not await seen.first_time(["event:Ev2", "message:D1:1.0"])
    assert await seen.first_time(["event:Ev3", "message:D1:2.0"])
    assert await seen.first_time([])  # nothing to recognise it by: handled


async def test_the_memory_of_events_is_bounded() -> None:
    seen = WaypointSlackInput("xoxb-test", SECRET, seen_limit=3).seen
    for n in range(10):
        assert await seen.first_time([f"event:{n}"])
    assert not await seen.first_time(["event:9"])
    assert await seen.first_time(["event:0"])  # long forgotten


def test_bounded_map_forgets_the_least_recently_used() -> None:
    known: BoundedMap[str, str] = BoundedMap(2)
    known.put("a", "1")
    known.put("b", "2")
    assert known.get("a") == "1"  # a is now the most recent
    known.put("c", "3")
    assert "b" not in known and known.get("a") == "1" and known.get("c") == "3" and len(known) == 2


# -- text in and out -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, typed",
    [
        (f"<@{BOT_USER}> hi there", "hi there"),
        (f"hi <@{BOT_USER}>", "hi"),
        ("I work in R&amp;D &lt;3 &amp;lt;", "I work in R&D <3 &lt;"),
        ("see <https://example.com/a?b=1&amp;c=2|example.com/a>", "see example.com/a"),
        ("see <https://example.com>", "see https://example.com"),
        ("mail <mailto:ann@example.com|ann@example.com>", "mail ann@example.com"),
        ("ask <@U0ANN|ann> in <#C0TEAM|team>", "ask @ann in #team"),
        ("ask <@U0ANN>", "ask @U0ANN"),
        ("<!here> hello", "@here hello"),
        ('/inform{"choice": "lateral"}', '/inform{"choice": "lateral"}'),
    ],
)
def test_slack_markup_in_what_people_type_is_undone(raw, typed) -> None:
    assert incoming_text(raw, [BOT_USER]) == typed


def test_bot_text_is_escaped_for_slack_keeping_entities_for_chat_made() -> None:
    from bot.conversation.text import for_chat

    quoted = for_chat("<b>R&D</b> &lt;")
    assert slack_text(f"You said: {quoted}") == "You said: &lt;b&gt;R&amp;D&lt;/b&gt; &amp;lt;"
    assert slack_text("3 < 5 & 7 > 6") == "3 &lt; 5 &amp; 7 &gt; 6"


def test_urls_become_slack_links() -> None:
    text = (
        "• PDF: https://plans.example.org/plan/ab_c-D/career-plan.pdf\n"
        "More at https://example.org/x. (https://example.org/y)"
    )
    assert slack_text(text) == (
        "• PDF: <https://plans.example.org/plan/ab_c-D/career-plan.pdf>\n"
        "More at <https://example.org/x>. (<https://example.org/y>)"
    )
    assert slack_text("https://example.org/?a=1&b=2") == "<https://example.org/?a=1&amp;b=2>"


def test_short_texts_stay_one_message() -> None:
    assert split_text("Hello\n\nthere") == ["Hello\n\nthere"]
    assert split_text("") == []


def test_long_texts_are_sent_whole_in_parts_within_the_limit() -> None:
    paragraphs = [f"Paragraph {n}: " + "word " * 150 for n in range(12)]  # about 9,000 characters
    text = "\n\n".join(p.strip() for p in paragraphs)

    parts = split_text(text)

    assert len(parts) >= 3 and all(len(p) <= TEXT_LIMIT for p in parts)
    assert " ".join(parts).split() == text.split()  # nothing lost
    assert all(p.startswith("Paragraph") for p in parts)  # cut between paragraphs


def test_a_text_without_breaks_is_cut_hard_but_not_inside_a_link_or_entity() -> None:
    parts = split_text("x" * 7000)
    assert [len(p) for p in parts] == [3000, 3000, 1000]

    link = slack_text("y" * 2990 + "https://example.org/plan")
    parts = split_text(link)
    assert parts == ["y" * 2990, "<https://example.org/plan>"]

    entity = "z" * 2998 + "&amp;z"
    assert split_text(entity) == ["z" * 2998, "&amp;z"]


def test_buttons_become_actions_blocks_of_up_to_25() -> None:
    buttons = [{"title": f"Choice {n}", "payload": f'/inform{{"choice": "c{n}"}}'} for n in range(30)]
    buttons.append({"title": "A title far too long for a Slack button " * 3, "payload": "/affirm"})

    blocks = button_blocks(buttons)

    assert [b["type"] for b in blocks] == ["actions", "actions"]
    assert [len(b["elements"]) for b in blocks] == [25, 6]
    elements = blocks[0]["elements"] + blocks[1]["elements"]
    assert [e["value"] for e in elements] == [b["payload"] for b in buttons]
    assert len({e["action_id"] for e in elements}) == len(elements)
    assert elements[0]["text"] == {"type": "plain_text", "text": "Choice 0", "emoji": True}
    assert len(elements[-1]["text"]["text"]) <= BUTTON_TITLE_LIMIT and elements[-1]["text"]["text"].endswith("…")


# -- configuration ----------------------------------------------------------------------------------------


@pytest.fixture
def no_slack_env(monkeypatch) -> None:
    for name in ("WAYPOINT_SLACK_BOT_TOKEN", "WAYPOINT_SLACK_SIGNING_SECRET", "WAYPOINT_SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("env", [{}, {"WAYPOINT_SLACK_SIGNING_SECRET": SECRET}])
def test_without_token_and_secret_the_channel_is_off(no_slack_env, monkeypatch, caplog, env) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # values in credentials.yml change nothing: the environment decides
    channel = WaypointSlackInput.from_credentials({"slack_token": "test-yaml-token", "slack_signing_secret": "yaml"})

    with caplog.at_level(logging.INFO, logger="waypoint_rasa.slack"):
        blueprint = channel.blueprint(lambda message: asyncio.sleep(0))

    assert not channel.enabled
    assert blueprint._future_routes == set()
    assert any(r.levelno == logging.INFO and "Slack channel off" in r.getMessage() for r in caplog.records)


def test_a_token_without_a_signing_secret_stops_the_start(no_slack_env, monkeypatch) -> None:
    monkeypatch.setenv("WAYPOINT_SLACK_BOT_TOKEN", SLACK_TOKEN)
    # an InvalidConfigException is a RasaException: `rasa run` prints the line and exits 1
    with pytest.raises(InvalidConfigException, match="WAYPOINT_SLACK_SIGNING_SECRET is not"):
        WaypointSlackInput.from_credentials(None)
    with pytest.raises(InvalidConfigException, match="WAYPOINT_SLACK_SIGNING_SECRET is not"):
        WaypointSlackInput(SLACK_TOKEN, None)


def test_token_secret_and_api_url_come_from_the_environment(no_slack_env, monkeypatch) -> None:
    monkeypatch.setenv("WAYPOINT_SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("WAYPOINT_SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("WAYPOINT_SLACK_API_URL", "http://127.0.0.1:9/api/")

    channel = WaypointSlackInput.from_credentials(None)

    assert isinstance(channel, WaypointSlackInput) and channel.enabled
    assert (channel.name(), channel.url_prefix()) == ("slack", "slack")
    assert (channel.slack_token, channel.slack_signing_secret) == (SLACK_TOKEN, SECRET)
    output = channel.get_output_channel()
    assert isinstance(output, WaypointSlackBot) and output.name() == "slack"
    assert output.client.base_url == "http://127.0.0.1:9/api/"
    assert channel.get_output_channel(DM).client.base_url == "http://127.0.0.1:9/api/"


# -- sending to (a fake) Slack ------------------------------------------------------------------------------


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(dms={EMPLOYEE: DM}) as server:
        yield server


async def test_text_goes_to_the_configured_api_url_with_the_token(fake_slack: FakeSlack) -> None:
    bot = WaypointSlackBot(SLACK_TOKEN, fake_slack.url, DM)
    await bot.send_text_message(EMPLOYEE, "Your plan: https://plans.example.org/plan/t0k/career-plan.pdf")

    [call] = fake_slack.calls
    assert call.method == "chat.postMessage" and call.authorization == f"Bearer {SLACK_TOKEN}"
    [posted] = fake_slack.messages
    assert posted["channel"] == DM
    assert posted["text"] == "Your plan: <https://plans.example.org/plan/t0k/career-plan.pdf>"
    assert posted["unfurl_links"] is False and posted["unfurl_media"] is False  # Slack must not fetch the plan
    assert "as_user" not in posted


async def test_a_counselors_reply_is_delivered_when_slack_answers_ok(fake_slack: FakeSlack, replies) -> None:
    reply = replies.pending("slack", EMPLOYEE)
    bot = WaypointSlackBot(SLACK_TOKEN, fake_slack.url, DM)

    await bot.send_response(EMPLOYEE, {"text": "Anna Li: hello", DELIVERY_KEY: reply})

    assert [m["text"] for m in fake_slack.messages] == ["Anna Li: hello"]
    assert replies.delivered(reply)


async def test_a_reply_slack_refuses_stays_pending(fake_slack: FakeSlack, replies) -> None:
    reply = replies.pending("slack", EMPLOYEE)
    fake_slack.fail_with = "channel_not_found"
    bot = WaypointSlackBot(SLACK_TOKEN, fake_slack.url, DM)

    with pytest.raises(SlackApiError):
        await bot.send_response(EMPLOYEE, {"text": "Anna Li: hello", DELIVERY_KEY: reply})

    assert not replies.delivered(reply)  # sent again with the person's next message, or from the console


async def test_buttons_are_slack_buttons_under_the_text(fake_slack: FakeSlack) -> None:
    bot = WaypointSlackBot(SLACK_TOKEN, fake_slack.url, DM)
    buttons = [{"title": str(n), "payload": str(n)} for n in range(1, 6)] + [
        {"title": "Skip", "payload": "skip"},
        {"title": "I'd like to make a complaint", "payload": "complaint"},
    ]
    await bot.send_text_with_buttons(EMPLOYEE, "How would you rate it, 1 < 5?", buttons)

    [posted] = fake_slack.messages
    section, actions = posted["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "How would you rate it, 1 &lt; 5?"}}
    assert [e["value"] for e in actions["elements"]] == ["1", "2", "3", "4", "5", "skip", "complaint"]
    assert posted["text"] == "How would you rate it, 1 &lt; 5?"  # notifications and screen readers


async def test_a_long_message_with_buttons_is_sent_whole_and_the_buttons_come_last(fake_slack: FakeSlack) -> None:
    bot = WaypointSlackBot(SLACK_TOKEN, fake_slack.url, DM)
    summary = "\n".join(f"• Answer {n}: " + "detail " * 40 for n in range(40))  # about 12,000 characters

    await bot.send_text_with_buttons(EMPLOYEE, summary, [{"title": "Yes", "payload": "/affirm"}])

    posted = list(fake_slack.messages)
    assert len(posted) >= 4
    assert all(len(m["text"]) <= TEXT_LIMIT for m in posted)
    assert all("blocks" not in m for m in posted[:-1])
    assert posted[-1]["blocks"][-1]["elements"][0]["value"] == "/affirm"
    assert " ".join(m["text"] for m in posted).split() == summary.split()


async def test_without_a_channel_messages_go_to_the_persons_dm(fake_slack: FakeSlack) -> None:
    channel = WaypointSlackInput(SLACK_TOKEN, SECRET, fake_slack.url)

    await channel.get_output_channel().send_text_message(EMPLOYEE, "Anna Li: hello")
    await channel.get_output_channel().send_text_message(EMPLOYEE, "Anna Li: still there?")

    assert [m["channel"] for m in fake_slack.messages] == [DM, DM]
    opened = [c for c in fake_slack.calls if c.method == "conversations.open"]
    assert len(opened) == 1 and opened[0].payload["users"] == EMPLOYEE  # then remembered


async def test_when_the_dm_cannot_be_opened_the_user_id_is_the_channel() -> None:
    # Slack posts to the app's DM with a person when given their user id.
    with FakeSlack(channels=("U0NEWCOMER",)) as slack:
        bot = WaypointSlackInput(SLACK_TOKEN, SECRET, slack.url).get_output_channel()
        await bot.send_text_message("U0NEWCOMER", "Anna Li: hello")
        assert [c.method for c in slack.calls] == ["conversations.open", "chat.postMessage"]
        assert [m["channel"] for m in slack.messages] == ["U0NEWCOMER"]


# -- the channel on a server ----------------------------------------------------------------------------------


class RecordingAgent:
    """Stands in for Rasa's agent: keeps the messages and answers through the output channel."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[UserMessage] = []
        self.received = asyncio.Event()

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        self.received.set()
        await asyncio.sleep(self.delay)
        await message.output_channel.send_response(
            message.sender_id, {"text": f"You said {message.text}", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
        )


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch) -> None:
    # Sanic 21.12 rewrites some methods once per process; test mode lets it do that for every app built here.
    monkeypatch.setattr(Sanic, "test_mode", True)


async def serve(channel: WaypointSlackInput, agent: RecordingAgent, other_route: bool = False) -> AsyncIterator[str]:
    app = Sanic(f"slack_{uuid.uuid4().hex[:12]}")
    app.ctx.agent = agent
    if other_route:  # Sanic can't route in an app without any route; Rasa's always has some
        app.add_route(lambda request: response.text("hello"), "/", name="hello")
    register([channel], app, "/webhooks/")  # how `rasa run` adds its input channels
    async for base in serve_app(app):
        yield f"{base}/webhooks/slack/webhook"


@pytest.fixture
def agent() -> RecordingAgent:
    return RecordingAgent()


@pytest.fixture
async def webhook(fake_slack: FakeSlack, agent: RecordingAgent) -> AsyncIterator[str]:
    async for url in serve(WaypointSlackInput(SLACK_TOKEN, SECRET, fake_slack.url), agent):
        yield url


def message_event(text: str, event_id: str = "Ev0001", ts: str = "1700000000.000100", **event: Any) -> dict[str, Any]:
    return {
        "type": "event_callback",
        "event_id": event_id,
        "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
        "event": {
            "type": "message", "channel_type": "im", "channel": DM, "user": EMPLOYEE, "text": text, "ts": ts, **event
        },
    }


def click(value: str, trigger_id: str = "trig-1") -> bytes:
    payload = {
        "type": "block_actions",
        "trigger_id": trigger_id,
        "user": {"id": EMPLOYEE},
        "channel": {"id": DM, "name": "directmessage"},
        "container": {"type": "message", "channel_id": DM, "message_ts": "1700000000.000200"},
        "message": {"ts": "1700000000.000200"},
        "actions": [{"type": "button", "action_id": "waypoint-button-0", "value": value, "action_ts": "1700000001.1"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


async def post(
    url: str, body: bytes, headers: dict[str, str], content_type: str = "application/json"
) -> tuple[int, str, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=body, headers={"Content-Type": content_type, **headers}) as answer:
            return answer.status, await answer.text(), answer.headers


async def settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)


async def posted_to(fake: FakeSlack, count: int = 1, timeout: float = 5) -> list[dict[str, Any]]:
    """FakeSlack's messages once `count` arrived; waits without blocking the server's loop."""
    deadline = time.monotonic() + timeout
    while len(fake.messages) < count:
        assert time.monotonic() < deadline, f"expected {count} message(s), got {len(fake.messages)}"
        await asyncio.sleep(0.05)
    return list(fake.messages)


async def test_a_signed_direct_message_reaches_the_bot_and_the_answer_its_dm(webhook, agent, fake_slack) -> None:
    body = json.dumps(message_event(f"<@{BOT_USER}> I work in R&amp;D")).encode()
    status, _, _ = await post(webhook, body, sign(body))

    assert status == 200
    await asyncio.wait_for(agent.received.wait(), 5)
    [message] = agent.messages
    assert (message.text, message.sender_id, message.input_channel) == ("I work in R&D", EMPLOYEE, "slack")
    [posted] = await posted_to(fake_slack)
    assert posted["channel"] == DM and posted["blocks"][1]["elements"][0]["value"] == "/affirm"


async def test_a_button_click_comes_back_as_the_buttons_payload(webhook, agent, fake_slack) -> None:
    body = click('/inform{"choice": "lateral"}')
    status, _, _ = await post(webhook, body, sign(body), "application/x-www-form-urlencoded")

    assert status == 200
    await asyncio.wait_for(agent.received.wait(), 5)
    assert [(m.text, m.sender_id) for m in agent.messages] == [('/inform{"choice": "lateral"}', EMPLOYEE)]
    assert (await posted_to(fake_slack))[0]["channel"] == DM


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": str(int(time.time()))},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64},
        "wrong secret",
        "stale",
    ],
    ids=["missing", "no signature", "forged", "wrong secret", "stale"],
)
async def test_unsigned_forged_or_stale_requests_are_refused(webhook, agent, fake_slack, headers) -> None:
    event, form = json.dumps(message_event("hi")).encode(), "application/x-www-form-urlencoded"
    for body, kind in ((event, "application/json"), (click("/affirm"), form)):
        if headers == "wrong secret":
            sent = sign(body, secret="not-the-secret")
        elif headers == "stale":
            sent = sign(body, time.time() - 6 * 60)
        else:
            sent = headers
        status, _, _ = await post(webhook, body, sent, kind)
        assert status == 401

    await settle()
    assert agent.messages == [] and list(fake_slack.calls) == []


async def test_a_retried_or_repeated_event_is_answered_once(webhook, agent, fake_slack) -> None:
    body = json.dumps(message_event("hello")).encode()
    assert (await post(webhook, body, sign(body)))[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    status, _, headers = await post(webhook, body, {**sign(body), **retry})
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    # a retry for another reason is dropped too
    retry = {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}
    assert (await post(webhook, body, {**sign(body), **retry}))[0] == 200
    # after the first was answered, the same event without retry headers
    await posted_to(fake_slack)
    assert (await post(webhook, body, sign(body)))[0] == 200
    # the same message delivered as another event (an app_mention of it)
    mention = message_event("hello", event_id="Ev0002", type="app_mention")
    mention_body = json.dumps(mention).encode()
    assert (await post(webhook, mention_body, sign(mention_body)))[0] == 200

    await settle()
    assert [m.text for m in agent.messages] == ["hello"]
    assert len(fake_slack.messages) == 1


async def test_a_repeated_click_is_handled_once_and_another_click_is_not_a_repeat(webhook, agent, fake_slack) -> None:
    first = click("/affirm", trigger_id="trig-1")
    second = click("/deny", trigger_id="trig-2").replace(b"1700000001.1", b"1700000009.9")
    for body in (first, first, second):
        assert (await post(webhook, body, sign(body), "application/x-www-form-urlencoded"))[0] == 200
    await posted_to(fake_slack, 2)
    await settle()
    assert [m.text for m in agent.messages] == ["/affirm", "/deny"]


async def test_slack_is_answered_at_once_while_the_turn_takes_its_time(fake_slack) -> None:
    slow = RecordingAgent(delay=5)
    async for url in serve(WaypointSlackInput(SLACK_TOKEN, SECRET, fake_slack.url), slow):
        body = json.dumps(message_event("hi")).encode()
        started = time.monotonic()
        status, _, _ = await post(url, body, sign(body))
        assert status == 200 and time.monotonic() - started < 1.5  # Slack retries after 3 s
        await asyncio.wait_for(slow.received.wait(), 5)


async def test_the_url_verification_challenge_is_answered(webhook, agent) -> None:
    body = json.dumps({"type": "url_verification", "token": "legacy", "challenge": "3eZbrw1aB"}).encode()
    status, text, _ = await post(webhook, body, sign(body))
    assert status == 200 and json.loads(text) == {"challenge": "3eZbrw1aB"}
    assert (await post(webhook, body, {}))[0] == 401


async def test_bot_messages_edits_and_other_channels_are_ignored(webhook, agent, fake_slack) -> None:
    events = [
        message_event("I am the bot", event_id="Ev1", bot_id="B0WAYPOINT"),
        message_event("edited", event_id="Ev2", subtype="message_changed"),
        message_event("in a channel", event_id="Ev3", channel_type="channel", channel="C0GENERAL"),
        message_event(f"<@{BOT_USER}>", event_id="Ev4"),  # nothing but the mention
    ]
    for event in events:
        body = json.dumps(event).encode()
        assert (await post(webhook, body, sign(body)))[0] == 200
    await settle()
    assert agent.messages == [] and list(fake_slack.messages) == []


async def test_a_mention_in_a_channel_is_answered_in_the_persons_dm(webhook, agent, fake_slack) -> None:
    event = message_event(f"<@{BOT_USER}> hi", type="app_mention", channel="C0GENERAL")
    del event["event"]["channel_type"]
    body = json.dumps(event).encode()
    assert (await post(webhook, body, sign(body)))[0] == 200

    [posted] = await posted_to(fake_slack)
    assert posted["channel"] == DM
    assert agent.messages[0].text == "hi"


async def test_when_off_the_webhook_is_not_there(no_slack_env, agent) -> None:
    async for url in serve(WaypointSlackInput.from_credentials(None), agent, other_route=True):
        body = json.dumps(message_event("hi")).encode()
        assert (await post(url, body, sign(body)))[0] == 404


def test_the_app_manifest_sends_events_and_clicks_to_the_channels_webhook() -> None:
    import yaml

    from tests.e2e.stack import ROOT

    manifest = yaml.safe_load((ROOT / "slack-app-manifest.yml").read_text())
    settings = manifest["settings"]
    webhook = "https://<your-host>/webhooks/slack/webhook"
    assert settings["event_subscriptions"]["request_url"] == webhook
    assert settings["interactivity"] == {"is_enabled": True, "request_url": webhook}
    assert set(settings["event_subscriptions"]["bot_events"]) == {"message.im", "app_mention"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {"chat:write", "im:history", "im:write", "app_mentions:read"}
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False
