"""RasaGateway against a stand-in for Rasa's HTTP API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, AsyncIterator

import pytest
from aiohttp import web

from bot.console.gateway import GatewayError, RasaGateway, TranscriptEntry, transcript_from_events
from bot.storage.cases import CaseRecord

TOKEN = "rasa-test-token"
SENDER = "slack/U123 4"  # a slash and a space: both must be quoted in the path


@dataclass
class FakeRasa:
    url: str = ""
    status: int = 200
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.method == "POST" else None
        self.requests.append({"method": request.method, "path": request.raw_path.split("?")[0],
                              "query": dict(request.query), "json": body})
        await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.json_response({"message": "no"}, status=self.status)
        if request.method == "GET":
            return web.json_response({"sender_id": SENDER, "events": self.events})
        return web.json_response({"tracker": {}, "messages": []})


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_route("*", "/conversations/{sender}/{endpoint}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()


def a_case(case_id: int = 12) -> CaseRecord:
    moment = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    return CaseRecord(case_id, "slack", SENDER, "active", False, "requested", None, None, None, False, None, {}, 1,
                      moment, moment, None, None, None, None)


async def test_deliver_and_hand_back_trigger_the_intents_with_the_token(rasa):
    gateway = RasaGateway(rasa.url + "/", TOKEN)
    await gateway.deliver(a_case(), 41)
    await gateway.hand_back(a_case())
    path = "/conversations/slack%2FU123%204/trigger_intent"
    assert rasa.requests == [
        {"method": "POST", "path": path, "query": {"output_channel": "latest", "token": TOKEN},
         "json": {"name": "counselor_reply", "entities": {"message_id": "41"}}},
        {"method": "POST", "path": path, "query": {"output_channel": "latest", "token": TOKEN},
         "json": {"name": "hand_back", "entities": {"case_id": "12"}}},
    ]


async def test_the_transcript_comes_from_the_trackers_events(rasa):
    rasa.events = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "I want a new job", "timestamp": 1795428000.5},
        {"event": "bot", "text": "Let's look at that.", "timestamp": 1795428001},
        {"event": "user", "text": "EXTERNAL: counselor_reply", "timestamp": 1795428002},
        {"event": "user", "text": "/choose{\"value\": \"yes\"}", "timestamp": 1795428003},
        {"event": "bot", "text": None, "data": {"buttons": []}, "timestamp": 1795428004},
    ]
    entries = await RasaGateway(rasa.url, TOKEN).transcript(a_case())
    assert [(e.author, e.text) for e in entries] == [
        ("employee", "I want a new job"), ("bot", "Let's look at that."), ("employee", "(clicked a button)"),
    ]
    assert entries[0].at == datetime.fromtimestamp(1795428000.5, timezone.utc)
    assert rasa.requests[0]["query"] == {"include_events": "ALL", "token": TOKEN}
    assert rasa.requests[0]["path"] == "/conversations/slack%2FU123%204/tracker"


async def test_rasa_errors_become_gateway_errors_without_token_or_sender(rasa):
    rasa.status = 401
    with pytest.raises(GatewayError) as failure:
        await RasaGateway(rasa.url, TOKEN).deliver(a_case(), 1)
    assert str(failure.value) == "trigger_intent for case 12: Rasa answered HTTP 401"


async def test_a_slow_rasa_times_out(rasa):
    rasa.delay = 1.0
    with pytest.raises(GatewayError) as failure:
        await RasaGateway(rasa.url, TOKEN, timeout=0.2).hand_back(a_case())
    assert "did not answer within 0.2 s" in str(failure.value)


async def test_an_unreachable_rasa_and_a_missing_token_are_gateway_errors(rasa):
    with pytest.raises(GatewayError) as failure:
        await RasaGateway(rasa.url, None).transcript(a_case())
    assert "no Rasa API token" in str(failure.value) and rasa.requests == []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(GatewayError) as failure:
        await RasaGateway(f"http://127.0.0.1:{closed_port}", TOKEN).deliver(a_case(), 1)
    assert TOKEN not in str(failure.value) and SENDER not in str(failure.value)
    assert "could not talk to Rasa" in str(failure.value)


def test_events_without_text_or_of_other_kinds_are_left_out():
    assert transcript_from_events([{"event": "slot", "name": "x"}, {"event": "user", "text": "  "}]) == []
    assert transcript_from_events([{"event": "bot", "text": "Hi", "timestamp": 0}]) == [
        TranscriptEntry("bot", "Hi", datetime(1970, 1, 1, tzinfo=timezone.utc))
    ]


def test_plan_and_export_links_show_without_their_tokens():
    token = "A" * 43
    said = transcript_from_events([{"event": "bot", "timestamp": 0, "text": (
        f"Your plan: http://x/plan/{token}/career-plan.pdf and your data: http://x/export/{token}/your-data.html")}])

    assert token not in said[0].text
    assert said[0].text == ("Your plan: http://x/plan/(private link, not kept)/career-plan.pdf and your data: "
                            "http://x/export/(private link, not kept)/your-data.html")


def test_button_clicks_read_as_the_labels_the_employee_saw():
    events = [
        {"event": "user", "timestamp": 0, "text": "/greet"},  # the widget opened
        {"event": "bot", "timestamp": 0, "text": "May I store your answers?",
         "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]}},
        {"event": "user", "timestamp": 1, "text": "/affirm"},
        {"event": "bot", "timestamp": 2, "text": "Your highest education?",
         "data": {"buttons": [{"title": "Bachelor's degree", "payload": '/inform{"choice": "bachelor"}'}]}},
        {"event": "user", "timestamp": 3, "text": '/inform{"choice": "bachelor"}'},
        {"event": "bot", "timestamp": 4, "text": "Which role?",
         "data": {"buttons": [{"title": "Software Developers", "payload": '/inform{"choice": "15-1252.00"}'}]}},
        {"event": "user", "timestamp": 5, "text": "I'd rather type: /affirm"},
        {"event": "user", "timestamp": 6, "text": '/inform{"choice": "15-1232.00"}'},
        # buttons offered before anything was stored (the consent question): labelled from the catalogue
        {"event": "user", "timestamp": 7, "text": "/deny"},
        {"event": "user", "timestamp": 8, "text": '/inform{"choice": "master"}'},
    ]

    said = [(e.author, e.text) for e in transcript_from_events(events)][1:]

    assert transcript_from_events(events)[0].text == "(opened the chat)"
    assert said[1] == ("employee", "Yes")
    assert said[3] == ("employee", "Bachelor's degree")
    assert said[5] == ("employee", "I'd rather type: /affirm")  # typed text stays as typed
    assert said[6] == ("employee", "(clicked a button)")  # never a raw payload
    assert said[7:] == [("employee", "No"), ("employee", "Master's degree")]


def test_the_bots_chat_escaping_is_undone_so_the_page_escapes_once():
    # for_chat turned the employee's "<b>R&D</b>" into entities for the widget's Markdown
    said = transcript_from_events([{"event": "bot", "timestamp": 0, "text": "You said: &lt;b&gt;R&D &amp;lt;&lt;/b&gt;"}])
    assert said[0].text == "You said: <b>R&D &lt;</b>"
