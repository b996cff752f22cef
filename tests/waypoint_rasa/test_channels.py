"""The REST channel: its inbox, and on a real Sanic server who may call it and whose
conversations it reaches (the guard in front of the server: test_http_guard.py)."""

from __future__ import annotations

import asyncio
import contextlib
from types import SimpleNamespace
from typing import Any, AsyncIterator

import aiohttp
import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage, register
from rasa.core.lock_store import InMemoryLockStore, LockError
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot.config import Settings
from bot.conversation.messages import text as t
from bot.handoff.delivery import DELIVERY_KEY
from bot.ratelimit import RateLimiter
from tests.servers import rasa_like_app, serve
from waypoint_rasa import limits
from waypoint_rasa.fail_closed import TrackerStoreUnavailable
from waypoint_rasa.channels import Inbox, InboxOutput, RestWithInboxInput, answer_to, from_this_machine

TOKEN = "s3cret-token"


# -- the inbox ------------------------------------------------------------------------------------------


async def test_take_returns_a_senders_messages_in_order_and_empties_the_inbox(states) -> None:
    inbox, other_replica = Inbox(states[0]), Inbox(states[1])
    for n in range(3):
        await inbox.put("ann", {"recipient_id": "ann", "text": f"m{n}"}, delivery=7 if n == 1 else None)
    await inbox.put("bob", {"recipient_id": "bob", "text": "for bob"})

    # with Redis, the inbox one replica filled is read through another
    messages, deliveries = await other_replica.take("ann")
    assert [m["text"] for m in messages] == ["m0", "m1", "m2"] and deliveries == [7]
    assert await other_replica.take("ann") == ([], [])
    assert await other_replica.take("bob") == ([{"recipient_id": "bob", "text": "for bob"}], [])
    assert await other_replica.take("nobody") == ([], [])


async def test_the_limit_drops_the_oldest_messages(states) -> None:
    inbox = Inbox(states[0], limit=3)
    for n in range(5):
        await inbox.put("ann", {"text": f"m{n}"})
    await inbox.put("bob", {"text": "b0"})

    assert [m["text"] for m in (await inbox.take("ann"))[0]] == ["m2", "m3", "m4"]
    assert [m["text"] for m in (await inbox.take("bob"))[0]] == ["b0"]  # per sender


async def test_inbox_output_puts_messages_per_recipient_and_still_collects() -> None:
    inbox = Inbox()
    output = InboxOutput(inbox)

    await output.send_text_message("ann", "Hello Ann")
    await output.send_text_with_buttons("bob", "Rate it", [{"title": "5", "payload": "5"}])
    await output.send_text_message("ann", "Second")

    assert InboxOutput.name() == "rest_inbox"
    assert output.messages == [
        {"recipient_id": "ann", "text": "Hello Ann"},
        {"recipient_id": "bob", "text": "Rate it", "buttons": [{"title": "5", "payload": "5"}]},
        {"recipient_id": "ann", "text": "Second"},
    ]
    assert await inbox.take("ann") == ([{"recipient_id": "ann", "text": "Hello Ann"}, {"recipient_id": "ann", "text": "Second"}], [])
    assert await inbox.take("bob") == ([{"recipient_id": "bob", "text": "Rate it", "buttons": [{"title": "5", "payload": "5"}]}], [])


async def test_the_rest_channel_is_the_output_of_trigger_intent_with_output_channel_latest() -> None:
    from rasa.server import _get_output_channel

    channel = RestWithInboxInput()
    request = SimpleNamespace(args={"output_channel": "latest"}, app=SimpleNamespace(ctx=SimpleNamespace(input_channels=[channel])))
    tracker = SimpleNamespace(get_latest_input_channel=lambda: "rest")

    output = _get_output_channel(request, tracker)
    await output.send_text_message("employee-1", "Ann Lee: hello")

    assert RestWithInboxInput.name() == "rest"
    assert isinstance(output, InboxOutput)
    assert await channel.inbox.take("employee-1") == ([{"recipient_id": "employee-1", "text": "Ann Lee: hello"}], [])


# -- the REST channel on a server, as Rasa registers it -----------------------------------------------------------


class EchoAgent:
    """Stands in for Rasa's agent: answers through the message's output channel; keeps the
    conversations in a tracker store, as Rasa's agent does."""

    def __init__(self) -> None:
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.messages: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, input_channel=message.input_channel))
        await self.tracker_store.save(tracker)
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch) -> None:
    # Sanic 21.12 rewrites some methods once per process; test mode lets it do that for every app built here.
    monkeypatch.setattr(Sanic, "test_mode", True)


async def served(channel: RestWithInboxInput, agent: EchoAgent) -> AsyncIterator[str]:
    app = rasa_like_app(webhook=False)
    app.ctx.agent = agent
    register([channel], app, "/webhooks/")  # how `rasa run` adds its input channels
    async for url in serve(app):
        yield url + "/webhooks/rest"


async def call(method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, **kwargs) as answer:
            return answer.status, await answer.json(content_type=None)


async def test_the_webhook_answers_and_the_inbox_keeps_what_came_outside_the_request() -> None:
    channel = RestWithInboxInput()
    async for url in served(channel, EchoAgent()):
        # The reply to the person's own request comes with the response, not also in the inbox.
        assert await call("POST", url + "/webhook", json={"sender": "ann", "message": "hi"}) == (
            200, [{"recipient_id": "ann", "text": "echo: hi"}]
        )
        # A message sent outside the person's request (the counselor's reply) waits in the inbox.
        await channel.get_output_channel().send_text_message("ann", "Ann Lee: hello")
        assert await call("GET", url + "/inbox", params={"sender": "ann"}) == (
            200, [{"recipient_id": "ann", "text": "Ann Lee: hello"}]
        )
        assert await call("GET", url + "/inbox", params={"sender": "ann"}) == (200, [])
        assert (await call("GET", url + "/inbox"))[0] == 400


class ReplyingAgent(EchoAgent):
    """Answers, then sends a counselor's pending reply as the deliver action does (tagged)."""

    def __init__(self, reply: int) -> None:
        super().__init__()
        self.reply = reply

    async def handle_message(self, message: UserMessage) -> None:
        await super().handle_message(message)
        await message.output_channel.send_response(message.sender_id, {"text": "Anna Li: sorry, I was away", DELIVERY_KEY: self.reply})


async def test_a_reply_in_the_answer_to_a_message_is_delivered_with_that_answer(replies) -> None:
    reply = replies.pending("rest", "ann")
    async for url in served(RestWithInboxInput(), ReplyingAgent(reply)):
        assert await call("POST", url + "/webhook", json={"sender": "ann", "message": "hello?"}) == (
            200, [{"recipient_id": "ann", "text": "echo: hello?"}, {"recipient_id": "ann", "text": "Anna Li: sorry, I was away"}]
        )
    assert replies.delivered(reply)


async def test_a_reply_in_the_inbox_is_delivered_when_the_inbox_is_read(replies) -> None:
    reply = replies.pending("rest", "ann")
    channel = RestWithInboxInput()
    async for url in served(channel, EchoAgent()):
        await channel.get_output_channel().send_response("ann", {"text": "Anna Li: hello", DELIVERY_KEY: reply})
        await channel.get_output_channel().send_text_message("ann", "Something else")
        assert not replies.delivered(reply)  # in the inbox, not yet with the person
        assert await call("GET", url + "/inbox", params={"sender": "bob"}) == (200, [])
        assert not replies.delivered(reply)
        assert await call("GET", url + "/inbox", params={"sender": "ann"}) == (
            200, [{"recipient_id": "ann", "text": "Anna Li: hello"}, {"recipient_id": "ann", "text": "Something else"}]
        )
    assert replies.delivered(reply)


@pytest.mark.parametrize("stream", [False, True])
async def test_the_callers_input_channel_is_ignored(stream: bool) -> None:
    agent = EchoAgent()
    async for url in served(RestWithInboxInput(), agent):
        body = {"sender": "U0123SLACK", "message": "show my plan", "input_channel": "slack"}
        async with aiohttp.ClientSession() as session:
            async with session.post(url + "/webhook", json=body, params={"stream": str(stream).lower()}) as answer:
                assert answer.status == 200
                await answer.read()
    assert [m.input_channel for m in agent.messages] == ["rest"]
    tracker = await agent.tracker_store.retrieve("U0123SLACK")
    assert tracker is not None and tracker.get_latest_input_channel() == "rest"


async def test_a_sender_whose_conversation_is_on_another_channel_is_refused() -> None:
    agent = EchoAgent()
    slack_person = await agent.tracker_store.get_or_create_tracker("U0123SLACK")
    slack_person.update(UserUttered("I want to grow into management", input_channel="slack"))
    await agent.tracker_store.save(slack_person)

    async for url in served(RestWithInboxInput(), agent):
        for body in ({"sender": "U0123SLACK", "message": "show my plan"},
                     {"sender": "U0123SLACK", "message": "start over", "input_channel": "slack"}):
            status, answer = await call("POST", url + "/webhook", json=body)
            assert status == 403 and "another channel" in answer["error"]
        assert (await call("POST", url + "/webhook", json={"sender": "ann", "message": "hi"}))[0] == 200
        assert (await call("POST", url + "/webhook", json={"sender": "ann", "message": "again"}))[0] == 200
    assert [m.text for m in agent.messages] == ["hi", "again"]
    kept = await agent.tracker_store.retrieve("U0123SLACK")
    assert kept is not None and [e.text for e in kept.events if isinstance(e, UserUttered)] == ["I want to grow into management"]


async def test_a_numeric_sender_is_checked_as_the_text_rasa_makes_of_it_and_no_sender_is_refused() -> None:
    agent = EchoAgent()
    slack_person = await agent.tracker_store.get_or_create_tracker("12345")
    slack_person.update(UserUttered("my private words", input_channel="slack"))
    await agent.tracker_store.save(slack_person)

    async for url in served(RestWithInboxInput(), agent):
        status, answer = await call("POST", url + "/webhook", json={"sender": 12345, "message": "show my plan"})
        assert status == 403 and "another channel" in answer["error"]
        for body in ({"message": "hi"}, {"sender": None, "message": "hi"}, {"sender": ["a"], "message": "hi"},
                     {"sender": {"id": 1}, "message": "hi"}, {"sender": "", "message": "hi"}, {"sender": True, "message": "hi"}):
            assert (await call("POST", url + "/webhook", json=body))[0] == 400
    assert agent.messages == []


async def test_a_tracker_store_that_is_down_fails_closed_before_the_message_is_read() -> None:
    agent = EchoAgent()

    async def down(sender_id: str) -> None:
        raise TrackerStoreUnavailable()

    agent.tracker_store.retrieve = down  # type: ignore[method-assign]
    async for url in served(RestWithInboxInput(), agent):
        assert await call("POST", url + "/webhook", json={"sender": "ann", "message": "my secret"}) == (
            503, [{"recipient_id": "ann", "text": t("cannot_save")}]
        )
    assert agent.messages == []


async def test_with_a_token_the_webhook_and_the_inbox_need_it() -> None:
    agent = EchoAgent()
    async for url in served(RestWithInboxInput(token=TOKEN), agent):
        message = {"json": {"sender": "ann", "message": "hi"}}
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                        {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer "}):
            assert (await call("POST", url + "/webhook", headers=headers, **message))[0] == 401
            assert (await call("GET", url + "/inbox", headers=headers, params={"sender": "ann"}))[0] == 401
        assert agent.messages == []

        good = {"Authorization": f"Bearer {TOKEN}"}
        assert (await call("POST", url + "/webhook", headers=good, **message))[0] == 200
        assert await call("GET", url + "/inbox", headers=good, params={"sender": "ann"}) == (200, [])
        # through a proxy too: the token is what counts
        assert (await call("POST", url + "/webhook", headers={**good, "X-Forwarded-For": "203.0.113.9"}, **message))[0] == 200
        assert (await call("GET", url + "/"))[0] == 200  # the channel's health route


async def test_a_flooding_client_address_is_refused_and_others_go_on(monkeypatch) -> None:
    # Behind a trusted proxy the client's address is the one it names; each address counts alone.
    monkeypatch.setattr(limits, "_address_limiter", RateLimiter(3, 60.0))
    agent = EchoAgent()
    channel = RestWithInboxInput(token=TOKEN, settings=Settings(trusted_proxies="127.0.0.1"))
    async for url in served(channel, agent):
        good = {"Authorization": f"Bearer {TOKEN}"}

        async def post(address: str, sender: str) -> int:
            headers = {**good, "X-Forwarded-For": address}
            return (await call("POST", url + "/webhook", headers=headers, json={"sender": sender, "message": "hi"}))[0]

        # many senders from one address (a script making up sender ids): the fourth is refused
        assert [await post("203.0.113.9", f"s{i}") for i in range(4)] == [200, 200, 200, 429]
        assert await post("198.51.100.7", "s9") == 200
    assert len(agent.messages) == 4


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
async def test_without_a_token_a_request_passed_on_by_a_proxy_is_refused(header: str) -> None:
    agent = EchoAgent()
    async for url in served(RestWithInboxInput(), agent):
        proxied = {header: "203.0.113.9"}
        assert (await call("POST", url + "/webhook", headers=proxied, json={"sender": "ann", "message": "hi"}))[0] == 403
        assert (await call("GET", url + "/inbox", headers=proxied, params={"sender": "ann"}))[0] == 403
        assert (await call("POST", url + "/webhook", json={"sender": "ann", "message": "hi"}))[0] == 200
    assert [m.text for m in agent.messages] == ["hi"]


@pytest.mark.parametrize(
    "ip, headers, local",
    [
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("::ffff:127.0.0.1", {}, True),
        ("10.0.0.7", {}, False),
        ("192.168.1.20", {}, False),
        ("2001:db8::1", {}, False),
        ("", {}, False),
        ("127.0.0.1", {"x-forwarded-for": "10.0.0.7"}, False),
    ],
)
def test_only_loopback_callers_not_through_a_proxy_are_this_machine(ip: str, headers: dict[str, str], local: bool) -> None:
    from multidict import CIMultiDict

    assert from_this_machine(SimpleNamespace(ip=ip, headers=CIMultiDict(headers))) is local  # type: ignore[arg-type]


def test_the_token_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("WAYPOINT_REST_TOKEN", TOKEN)
    assert RestWithInboxInput.from_credentials(None).token == TOKEN
    monkeypatch.setenv("WAYPOINT_REST_TOKEN", "")
    assert RestWithInboxInput.from_credentials(None).token is None


def test_collecting_output_is_what_the_webhook_uses() -> None:
    # The guard's premise for the inbox: RestInput's webhook answers with its own collector,
    # so only messages from outside the request (trigger_intent) reach the inbox.
    assert issubclass(InboxOutput, CollectingOutputChannel)


# -- a message sent again is handled once ------------------------------------------------------------------------------


class CountingAgent(EchoAgent):
    """Also Rasa's processor and lock store: each message handled is numbered, and its
    answer kept in the conversation as Rasa keeps bot messages."""

    def __init__(self) -> None:
        super().__init__()
        self.processor = self
        self.lock_store = InMemoryLockStore()
        self.handled = 0

    async def handle_message(self, message: UserMessage) -> None:
        self.handled += 1
        await asyncio.sleep(0.05)  # long enough for a second copy to arrive meanwhile
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, input_channel=message.input_channel, message_id=message.message_id))
        said = f"echo {self.handled}: {message.text}"
        tracker.update(BotUttered(said, data={"buttons": [{"title": "Yes", "payload": "/affirm"}]}))
        await self.tracker_store.save(tracker)
        await message.output_channel.send_text_message(message.sender_id, said)


async def test_a_message_sent_again_with_its_id_is_handled_once_and_answered_as_the_first_time() -> None:
    agent = CountingAgent()
    async for url in served(RestWithInboxInput(), agent):
        body = {"sender": "ann", "message": "I work in logistics", "message_id": "m-1"}
        first, again = await asyncio.gather(call("POST", url + "/webhook", json=body), call("POST", url + "/webhook", json=body))
        later = await call("POST", url + "/webhook", json=body)
        other = await call("POST", url + "/webhook", json={**body, "message_id": "m-2"})

    answered = [{"recipient_id": "ann", "text": "echo 1: I work in logistics"}]
    assert first == (200, answered) and again[0] == 200 and later[0] == 200
    # the copy gets the first answer from the conversation (with the buttons it had)
    assert again[1][0]["text"] == later[1][0]["text"] == "echo 1: I work in logistics"
    assert later[1][0]["buttons"] == [{"title": "Yes", "payload": "/affirm"}]
    assert other == (200, [{"recipient_id": "ann", "text": "echo 2: I work in logistics"}])
    assert agent.handled == 2
    tracker = await agent.tracker_store.retrieve("ann")
    assert [e.message_id for e in tracker.events if isinstance(e, UserUttered)] == ["m-1", "m-2"]


@pytest.mark.parametrize("message_id", ["", "x" * 129, "a b", 42, "<script>"])
async def test_a_message_id_that_is_not_an_id_is_refused_and_nothing_is_handled(message_id) -> None:
    agent = CountingAgent()
    async for url in served(RestWithInboxInput(), agent):
        status, answer = await call("POST", url + "/webhook", json={"sender": "ann", "message": "hi", "message_id": message_id})

    assert status == 400 and "message_id" in answer["error"]
    assert agent.handled == 0


def test_the_answer_to_a_message_ends_at_the_next_message_of_the_person() -> None:
    tracker = DialogueStateTracker.from_events("ann", [
        UserUttered("hi", message_id="a"), BotUttered("one"), BotUttered("two"), UserUttered("again", message_id="b"),
        BotUttered("three"),
    ])

    assert [m["text"] for m in answer_to(tracker, "a") or []] == ["one", "two"]
    assert [m["text"] for m in answer_to(tracker, "b") or []] == ["three"]
    assert answer_to(tracker, "c") is None


def test_a_message_nothing_was_said_after_counts_as_unanswered() -> None:
    # a server died between taking the message in and answering it: sent again, it is handled again
    tracker = DialogueStateTracker.from_events("ann", [UserUttered("hi", message_id="a"), UserUttered("hi", message_id="b")])

    assert answer_to(tracker, "a") is None


class LocksDown:
    """A lock store whose Redis is out of reach: every lock is refused, as FifoRedisLockStore does."""

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, *args: Any, **kwargs: Any) -> AsyncIterator[None]:
        raise LockError("The lock store (Redis) is unavailable: ConnectionError")
        yield


async def test_a_message_whose_lock_cannot_be_had_is_answered_cannot_save_and_not_handled() -> None:
    # Redis down: this was a bare 500 ("The server encountered an internal error and cannot complete your request.")
    agent = CountingAgent()
    agent.lock_store = LocksDown()  # type: ignore[assignment]
    async for url in served(RestWithInboxInput(), agent):
        answer = await call("POST", url + "/webhook", json={"sender": "ann", "message": "I work in logistics",
                                                            "message_id": "m-1"})

    assert answer == (503, [{"recipient_id": "ann", "text": t("cannot_save")}])
    assert agent.handled == 0
